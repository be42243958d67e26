//! The browser app: Leptos (client-side rendering) on top of [`crate::domain`] and
//! [`crate::storage`]. Pages live in [`pages`], shared pieces in [`components`], app-wide
//! state (the stored snapshot, the status line) in [`state`].

mod actions;
mod autosave;
mod chart;
mod client;
mod components;
pub mod failure;
mod files;
mod pages;
mod print;
pub mod state;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

/// The bar at the top: the brand and the sections. On a narrow screen (a phone) the sections
/// fold behind «Меню», so that the page starts at its content; choosing a section (or the
/// brand) folds them again.
#[component]
fn TopBar() -> impl IntoView {
    let open = RwSignal::new(false);
    let fold = move |_| open.set(false);
    view! {
        <header class="top">
            <A href="/" on:click=fold>
                <span class="brand">
                    <img src="/favicon.svg" alt="" width="28" height="28"/>
                    "Шкала"
                </span>
            </A>
            <button type="button" class="menu-toggle" aria-controls="main-nav"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "Закрыть меню" } else { "Меню" }}
            </button>
            <nav id="main-nav" aria-label="Разделы" class:open=move || open.get() on:click=fold>
                <A href="/school">"Школа"</A>
                <A href="/municipality">"Муниципалитет / регион"</A>
                <A href="/rubric">"Механизмы управления"</A>
                <A href="/data">"Данные"</A>
                <A href="/guide">"Как работать"</A>
                <A href="/about">"О методике"</A>
            </nav>
        </header>
    }
}

/// The title of the page at `path`, for the browser's tab, its history and screen readers.
fn page_title(path: &str) -> &'static str {
    match path.trim_end_matches('/') {
        "" => "Шкала — главная",
        "/school" => "Школа — Шкала",
        "/municipality" => "Муниципалитет / регион — Шкала",
        "/report" => "Аналитическая справка — Шкала",
        "/rubric" => "Механизмы управления — Шкала",
        "/data" => "Данные — Шкала",
        "/guide" => "Как работать — Шкала",
        "/about" => "О методике — Шкала",
        _ => "Страница не найдена — Шкала",
    }
}

/// Gives each page its own title, and the skip link its job: «Перейти к содержанию» moves the
/// focus to the page's content (the router would take a click on `#main` for a navigation).
#[component]
fn PageFrame() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        document().set_title(page_title(&path));
        // Another page opened by a link: the focus goes to its content (not left on the body
        // or on a link that is gone); the first page of a visit keeps the browser's start.
        if previous.is_some_and(|p| p != path) {
            components::focus_now("main");
        }
        path
    });
    view! {
        <a class="skip-link" href="#main" on:click=move |ev| {
            ev.prevent_default();
            components::focus_now("main");
        }>"Перейти к содержанию"</a>
    }
}

/// Entry point called by `src/web_main.rs`.
pub fn start() {
    failure::install_panic_hook();
    leptos::mount::mount_to_body(App);
}

#[component]
pub fn App() -> impl IntoView {
    let state = state::AppState::new();
    provide_context(state);
    actions::load(state);
    state.load_profile();
    print::install(state);
    view! {
        <Router>
            <PageFrame/>
            <TopBar/>
            <components::InsecureNotice/>
            <main id="main" tabindex="-1" data-ready=move || if state.ready.get() { "yes" } else { "no" }>
                <components::LoadError/>
                <Routes fallback=|| view! { <pages::NotFound/> }>
                    <Route path=path!("/") view=pages::home::Home/>
                    <Route path=path!("/school") view=pages::school::SchoolPage/>
                    <Route path=path!("/municipality") view=pages::municipality::MunicipalityPage/>
                    <Route path=path!("/report") view=pages::report::ReportPage/>
                    <Route path=path!("/rubric") view=pages::rubric::RubricPage/>
                    <Route path=path!("/data") view=pages::data::DataPage/>
                    <Route path=path!("/guide") view=pages::guide::GuidePage/>
                    <Route path=path!("/about") view=pages::about::AboutPage/>
                </Routes>
            </main>
            <Show when=move || !state.ready.get() && state.overview.with(Option::is_some)>
                <p class="reading" role="status">"Шкала дочитывает данные из хранилища; действия с данными начнутся, как только чтение закончится."</p>
            </Show>
            {move || state.storage_note.get().map(|(kind, text)| view! {
                <p class=if kind == state::NoticeKind::Warning { "storage-note warning" } else { "storage-note" } role="status" data-testid="storage-note">{text}
                    " "<button type="button" class="link" on:click=move |_| state.storage_note.set(None)>"Скрыть"</button></p>
            })}
            <footer class="bottom">
                "Все данные хранятся только в хранилище этого браузера на этом компьютере. Файлы передаются между участниками вручную."
            </footer>
            <components::UpdateNotice/>
            <components::StatusRegion/>
        </Router>
    }
}
