//! Printing: what a page becomes on paper («Печать / Сохранить как PDF», or the browser's own
//! Ctrl+P).
//!
//! While a page is printed ([`AppState::printing`]) long tables show every row instead of one
//! page ([`crate::app::components::rows_shown`]), the lists marked `data-print-open` are open, and every sheet of paper
//! carries a running head: the document's title and date at the top, «стр. N из M» and the
//! build of Шкала at the bottom (CSS page-margin boxes; the page counter is in the style sheet,
//! the title, the date and the build are set here as one `@page` rule). The title and date come from the printed document's
//! root element (`data-doc-title`, `data-doc-date`); a page that is not a document gets its
//! first heading and today's date.
//!
//! Both ways into printing pass through here. The browser's own fires `beforeprint`: its
//! listener switches to print mode synchronously, and the reactive updates (microtasks) run
//! before the browser lays the pages out. The app's print buttons call [`print_page`], which
//! switches first and calls `window.print()` a moment later, once the page is complete (a
//! `beforeprint` fired from inside our own call would not let the updates run first).

use super::state::AppState;
use crate::domain::common::format::local_offset_minutes;
use leptos::prelude::*;
use std::cell::Cell;
use wasm_bindgen::JsCast;

/// The attribute that marks a `<details>` to be opened for printing.
const OPEN_ATTR: &str = "data-print-open";
/// Set on the `<details>` that printing opened, so that they are closed again afterwards.
const OPENED_ATTR: &str = "data-print-opened";

thread_local! {
    /// The index of the running head's `@page` rule in the first style sheet, while printing.
    static FRAME_RULE: Cell<Option<u32>> = const { Cell::new(None) };
}

/// Listens for the browser's `beforeprint` and `afterprint` for the life of the app.
pub fn install(state: AppState) {
    let before = window_event_listener_untyped("beforeprint", move |_| begin(state));
    let after = window_event_listener_untyped("afterprint", move |_| end(state));
    // The app lives as long as the page: the listeners are never removed.
    std::mem::forget((before, after));
}

/// Prints the page: print mode first, `window.print()` once the page has been laid out
/// complete.
pub fn print_page(state: AppState) {
    begin(state);
    leptos::task::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(150).await;
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
        // Chromium fires `afterprint` when its dialog closes; a browser that does not would
        // leave the page in print mode.
        end(state);
    });
}

fn begin(state: AppState) {
    if !state.printing.get_untracked() {
        state.printing.set(true);
    }
    open_details();
    set_frame();
}

fn end(state: AppState) {
    if state.printing.get_untracked() {
        state.printing.set(false);
    }
    close_details();
    clear_frame();
}

fn each(selector: &str, f: impl Fn(&web_sys::Element)) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(list) = doc.query_selector_all(selector) {
        for i in 0..list.length() {
            if let Some(el) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                f(&el);
            }
        }
    }
}

fn open_details() {
    each(&format!("details[{OPEN_ATTR}]:not([open])"), |el| {
        let _ = el.set_attribute("open", "");
        let _ = el.set_attribute(OPENED_ATTR, "");
    });
}

fn close_details() {
    each(&format!("details[{OPENED_ATTR}]"), |el| {
        let _ = el.remove_attribute("open");
        let _ = el.remove_attribute(OPENED_ATTR);
    });
}

/// A CSS string literal of `text` (quotes, backslashes and line breaks escaped).
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The title and date of the printed page: the document's own, or the page's first heading
/// and today's date.
fn title_and_date() -> (String, String) {
    let today = crate::storage::browser::now().date_ru(local_offset_minutes());
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return ("Шкала".into(), today);
    };
    if let Ok(Some(el)) = doc.query_selector("[data-doc-title]") {
        let title = el.get_attribute("data-doc-title").unwrap_or_default();
        let date = el
            .get_attribute("data-doc-date")
            .filter(|d| !d.trim().is_empty())
            .unwrap_or(today);
        return (title, date);
    }
    let heading = doc
        .query_selector("main h1")
        .ok()
        .flatten()
        .and_then(|h| h.text_content())
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .map_or_else(|| "Шкала".to_string(), |t| format!("Шкала — {t}"));
    (heading, today)
}

fn frame_sheet() -> Option<web_sys::CssStyleSheet> {
    let doc = web_sys::window()?.document()?;
    doc.style_sheets().item(0)?.dyn_into().ok()
}

fn set_frame() {
    clear_frame();
    let (title, date) = title_and_date();
    let Some(sheet) = frame_sheet() else { return };
    let rule = format!(
        "@page {{ @top-left {{ content: {}; }} @top-right {{ content: {}; }} @bottom-left {{ content: {}; }} }}",
        css_string(&title),
        css_string(&date),
        css_string(&crate::domain::common::version::app_line())
    );
    let at = sheet.css_rules().map_or(0, |r| r.length());
    if let Ok(i) = sheet.insert_rule_with_index(&rule, at) {
        FRAME_RULE.with(|f| f.set(Some(i)));
    }
}

fn clear_frame() {
    let Some(i) = FRAME_RULE.with(|f| f.take()) else {
        return;
    };
    if let Some(sheet) = frame_sheet() {
        if sheet.css_rules().is_ok_and(|r| i < r.length()) {
            let _ = sheet.delete_rule(i);
        }
    }
}
