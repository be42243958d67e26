//! Opening and closing the school card: the button in the first cell of a list's row that
//! opens it, the focus moved to the card and given back to the control that opened it. Apart
//! from the card itself ([`super::card`]) so that every list — the support table among them,
//! which the card also shows — can open a card without a circle of imports.

use super::RunContext;
use leptos::prelude::*;

thread_local! {
    /// The control that opened the card: closing the card gives it the focus back.
    static OPENER: std::cell::RefCell<Option<web_sys::HtmlElement>> = const { std::cell::RefCell::new(None) };
}

/// Opens the card of a school (and moves the focus to it); remembers the control that opened
/// it, for [`close_card`].
pub fn open_card(ctx: RunContext, school_id: &str) {
    let opener = document()
        .active_element()
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        .filter(|e| e.closest("#school-card").ok().flatten().is_none());
    if opener.is_some() {
        OPENER.with(|o| *o.borrow_mut() = opener);
    }
    ctx.card.set(Some(school_id.to_string()));
    // The card is drawn on the next tick; then its heading takes the focus.
    set_timeout(
        || {
            if let Some(h) = document().get_element_by_id("card-h") {
                if let Ok(h) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h) {
                    let _ = h.focus();
                    h.scroll_into_view();
                }
            }
        },
        std::time::Duration::from_millis(50),
    );
}

/// Closes the card; the focus goes back to the control that opened it, or, when that is
/// gone (its list was closed), to the run's results heading.
pub fn close_card(ctx: RunContext) {
    ctx.card.set(None);
    let opener = OPENER.with(|o| o.borrow_mut().take());
    set_timeout(
        move || match opener.filter(|o| o.is_connected()) {
            Some(o) => {
                let _ = o.focus();
            }
            None => crate::app::components::focus_now("run-results"),
        },
        std::time::Duration::from_millis(0),
    );
}

/// A button that opens a school's card, for the first cell of a list's row.
#[component]
pub fn CardButton(#[prop(into)] school_id: String, #[prop(into)] name: String) -> impl IntoView {
    let ctx = expect_context::<RunContext>();
    let label = format!("Карточка школы «{name}»");
    view! {
        <button type="button" class="link card-open as-text" aria-label=label on:click=move |_| open_card(ctx, &school_id)>{name.clone()}</button>
    }
}
