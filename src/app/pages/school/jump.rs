//! Going from one section of the workspace to a field of another («Добавить 2023 год в данные»
//! on the placement, «Исправить» beside a blocked sending): the target section's tab button
//! (`#tab-<section>`) is clicked, so that whatever the workspace does when its tab changes
//! happens as for a person's click; the section reads what to open ([`take`]: the year, the
//! questionnaire's block) when it is drawn; and the field, named by its DOM id, takes the focus
//! as soon as it exists.

use std::cell::RefCell;
use wasm_bindgen::JsCast;

/// Where to land in the section that opens next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The year the section should show (the self-assessment's year).
    pub year: Option<i32>,
    /// The questionnaire's block to open («5.1»).
    pub block: Option<String>,
    /// The DOM id of the field to focus.
    pub field: String,
}

thread_local! {
    static PENDING: RefCell<Option<Target>> = const { RefCell::new(None) };
}

/// Opens the section `tab` («entry», «assess») at `target`.
pub fn go(tab: &str, target: Target) {
    let field = target.field.clone();
    PENDING.with(|p| *p.borrow_mut() = Some(target));
    if let Some(button) = element(&format!("tab-{tab}")) {
        button.click();
    }
    focus_when_drawn(field, 60);
}

/// What the section just opened should show, taken once (`None` when it was opened by its
/// tab).
pub fn take() -> Option<Target> {
    PENDING.with(|p| p.borrow_mut().take())
}

/// Focuses the element `id` once it is in the page (tried on each of the next `frames`
/// animation frames), brought into view.
fn focus_when_drawn(id: String, frames: u32) {
    leptos::prelude::request_animation_frame(move || match element(&id) {
        Some(e) => {
            // Drawn: the section has read what it needed; a section that reads nothing
            // leaves nothing behind for the next one.
            PENDING.with(|p| p.borrow_mut().take());
            let _ = e.focus();
            // Aligned to the window's bottom edge: never under the sticky line of the school.
            e.scroll_into_view_with_bool(false);
        }
        None if frames > 0 => focus_when_drawn(id, frames - 1),
        None => {}
    });
}

fn element(id: &str) -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}
