//! The banner of a failure the page cannot recover from by itself: the data service (the
//! Web Worker) crashed, the page's own code panicked, or another tab upgraded the database.
//! Either way the stored data is safe (every write is one transaction), and a reload starts
//! afresh.
//!
//! The banner is built with plain DOM calls, not with Leptos: after a panic the reactive
//! system may be half-way through an update and must not be relied on. It is put first in
//! `<body>`, in the flow of the page (it pushes the content down, never covers it), takes the
//! focus (so it is seen wherever the page was scrolled to), and is said once however many
//! failures follow.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The banner's words.
pub const BANNER: &str =
    "Сбой обработки данных — перезагрузите страницу; сохранённые данные не пострадали.";

/// The banner element's id.
const ID: &str = "failure";

/// Installs the page's panic hook: the panic goes to the console (for a bug report) and the
/// banner is shown.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(BANNER, "ошибка в работе страницы");
    }));
}

/// Whether the banner is shown (the page's own focus moves give way to it).
pub fn shown() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.get_element_by_id(ID).is_some())
}

/// Shows the banner (once): `headline` ([`BANNER`], or another tab's upgrade), with what
/// went wrong in small print.
pub fn show(headline: &str, detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id(ID).is_some() {
        return;
    }
    let (Some(body), Ok(banner)) = (document.body(), document.create_element("div")) else {
        return;
    };
    banner.set_id(ID);
    banner.set_class_name("alert error failure");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "failure");
    let text = document.create_element("strong");
    let reason = document.create_element("span");
    let button = document.create_element("button");
    if let (Ok(text), Ok(reason), Ok(button)) = (text, reason, button) {
        text.set_text_content(Some(headline));
        reason.set_class_name("hint");
        reason.set_text_content(Some(&if detail.is_empty() {
            String::new()
        } else {
            format!(" Для сообщения об ошибке: {detail}.")
        }));
        let _ = button.set_attribute("type", "button");
        button.set_text_content(Some("Перезагрузить страницу"));
        let reload = Closure::<dyn FnMut()>::new(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        let _ = button.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref());
        reload.forget();
        let _ = banner.append_child(&text);
        let _ = banner.append_child(&reason);
        let _ = banner.append_child(&document.create_text_node(" "));
        let _ = banner.append_child(&button);
    }
    let _ = banner.set_attribute("tabindex", "-1");
    let _ = body.insert_before(&banner, body.first_child().as_ref());
    // Seen wherever the page was scrolled to: the focus (and the view) go to it.
    if let Some(b) = banner.dyn_ref::<web_sys::HtmlElement>() {
        let _ = b.focus();
    }
}
