//! One module per route.

pub mod about;
pub mod data;
pub mod guide;
pub mod home;
pub mod mapping;
pub mod municipality;
pub mod report;
pub mod rubric;
pub mod school;

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1>"Страница не найдена"</h1>
        <p><a href="/">"На главную"</a></p>
    }
}
