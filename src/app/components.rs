//! Pieces shared by the pages.

use super::actions;
use super::state::{app_state, NoticeKind};
use crate::domain::common::format::{count, thousands};
use crate::domain::contract::problem::{ProblemSummary, Severity, MAX_GROUPS};
use leptos::html;
use leptos::prelude::*;

/// How long a success or an information stays in the dock.
const NOTICE_MS: u64 = 6_000;

/// The message dock at the bottom edge of the window, a live region (screen readers hear
/// every message), with the progress of long work above it. The page keeps a strip free
/// for it (`body:has(.dock …)` in the style), so it lies over no content once the page is
/// scrolled to its end. A success or an information closes by itself after six seconds;
/// a warning or an error stays until «×». A message belongs to the page it was said on and
/// goes when another page is opened (a run's message also goes when another run is shown,
/// see the municipality page).
#[component]
pub fn StatusRegion() -> impl IntoView {
    let state = app_state();
    let class = move || match state.notice.with(|n| n.as_ref().map(|n| n.kind)) {
        Some(NoticeKind::Error) => "status error",
        Some(NoticeKind::Success) => "status success",
        Some(NoticeKind::Info) => "status info",
        Some(NoticeKind::Warning) => "status warning",
        None => "status empty",
    };
    // A success or an information closes by itself (only the message it was set for).
    Effect::new(move |_| {
        let Some((serial, kind)) = state
            .notice
            .with(|n| n.as_ref().map(|n| (n.serial, n.kind)))
        else {
            return;
        };
        if matches!(kind, NoticeKind::Success | NoticeKind::Info) {
            set_timeout(
                move || {
                    if state
                        .notice
                        .with_untracked(|n| n.as_ref().map(|n| n.serial))
                        == Some(serial)
                    {
                        state.notice.set(None);
                    }
                },
                std::time::Duration::from_millis(NOTICE_MS),
            );
        }
    });
    // Another page: the message of the last one goes.
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        let path = location.pathname.get();
        if state
            .notice
            .with_untracked(|n| n.as_ref().is_some_and(|n| n.page != path))
        {
            state.notice.set(None);
        }
    });
    let close = move |_| {
        state.notice.set(None);
        // The focus was on «×», which is gone: it goes to the page's content.
        focus_now("main");
    };
    view! {
        <div class="dock">
            <ProgressBar/>
            <div class=class role="status" aria-live="polite" aria-atomic="true" data-testid="status">
                <span class="text">{move || state.notice.with(|n| n.as_ref().map(|n| n.text.clone()))}</span>
                <Show when=move || state.notice.with(Option::is_some)>
                    <button type="button" class="close" aria-label="Скрыть сообщение" on:click=close>
                        "×"
                    </button>
                </Show>
            </div>
        </div>
    }
}

/// Moves the focus to the element `id` (a heading with `tabindex="-1"`, a field) and brings it
/// into view; nothing when it is not there.
pub fn focus_now(id: &str) {
    // The failure banner keeps the focus it took: nothing on the page outranks it.
    if super::failure::shown() {
        return;
    }
    if let Some(e) = document()
        .get_element_by_id(id)
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = e.focus();
        if id == "main" {
            // The page's content as a whole: the focus moves, the view stays.
            return;
        }
        let options = web_sys::ScrollIntoViewOptions::new();
        // The result at the top of the window: what follows it is in view, above the dock.
        options.set_block(web_sys::ScrollLogicalPosition::Start);
        e.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// Moves the focus to the first element matching `selector` as soon as one is drawn, trying
/// for up to five seconds.
pub fn focus_first(selector: &'static str) {
    fn attempt(selector: &'static str, left: u32) {
        let found = document()
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
        match found {
            Some(e) if !super::failure::shown() => {
                let _ = e.focus();
            }
            Some(_) => {}
            None if left > 0 => set_timeout(
                move || attempt(selector, left - 1),
                std::time::Duration::from_millis(100),
            ),
            None => {}
        }
    }
    set_timeout(
        move || attempt(selector, 50),
        std::time::Duration::from_millis(80),
    );
}

/// Moves the focus to the element `id` as soon as it is drawn (a result read a moment later),
/// trying for up to five seconds; the first try waits for the page to be drawn again, so that
/// an element about to be replaced is not the one focused.
pub fn focus_when_ready(id: &'static str) {
    fn attempt(id: &'static str, left: u32) {
        if document().get_element_by_id(id).is_some() {
            focus_now(id);
        } else if left > 0 {
            set_timeout(
                move || attempt(id, left - 1),
                std::time::Duration::from_millis(100),
            );
        }
    }
    set_timeout(
        move || attempt(id, 50),
        std::time::Duration::from_millis(80),
    );
}

/// The progress of long work, as a native `<progress>` with its label, and «Отменить» while
/// the data service can still stop it — one for each request running.
#[component]
pub fn ProgressBar() -> impl IntoView {
    let state = app_state();
    view! {
        <For each=move || state.progress.get() key=|p| p.key let:p>
            {
                let key = p.key;
                let id = format!("work-progress-{key}");
                let mine = move || state.progress.with(|all| all.iter().find(|x| x.key == key).cloned());
                let can_cancel = move || mine().is_some_and(|p| p.request.is_some() && !p.cancelling);
                let bar_id = id.clone();
                view! {
                    <div class="progress" role="group" aria-label="Ход работы">
                        <label for=id>{move || mine().map(|p| p.label)}</label>
                        {move || match mine().and_then(|p| p.fraction) {
                            Some(f) => view! { <progress id=bar_id.clone() max="1" value=f></progress> }.into_any(),
                            None => view! { <progress id=bar_id.clone()></progress> }.into_any(),
                        }}
                        <button type="button" class="work-cancel" on:click=move |_| actions::cancel(state, key) disabled=move || !can_cancel()>
                            "Отменить"
                        </button>
                    </div>
                }
            }
        </For>
    }
}

/// The rows a paginated table shows: the current page, or every row while printing. Called
/// inside the table's reactive closure (it reads the app's state from the context).
pub fn rows_shown(
    total: usize,
    page: RwSignal<usize>,
    size: RwSignal<usize>,
) -> std::ops::Range<usize> {
    if use_context::<super::state::AppState>().is_some_and(|s| s.printing.get()) {
        0..total
    } else {
        page_range(total, page.get(), size.get())
    }
}

/// The rows of page `page` (0-based) of `total` rows in pages of `size`.
pub fn page_range(total: usize, page: usize, size: usize) -> std::ops::Range<usize> {
    let size = size.max(1);
    let last = total.saturating_sub(1) / size;
    let start = page.min(last) * size;
    start..(start + size).min(total)
}

/// Navigation for a long table: previous / next, «строки 101–200 из 45 000», page size.
/// Keeps `page` within the table when it shrinks.
#[component]
pub fn Pager(
    /// Number of rows.
    #[prop(into)]
    total: Signal<usize>,
    /// Current page, 0-based.
    page: RwSignal<usize>,
    /// Rows per page.
    size: RwSignal<usize>,
    /// What the table is, for screen readers («Страницы таблицы школ»).
    #[prop(into)]
    label: String,
    /// What its rows are called, as in «строки 1–50 из 120» and «По 50 строк»: «строки»,
    /// «строк» unless told.
    #[prop(optional)]
    words: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let (these, of_many) = words.unwrap_or(("строки", "строк"));
    let pages = move || total.get().div_ceil(size.get().max(1)).max(1);
    Effect::new(move |_| {
        let n = pages();
        if page.get_untracked() >= n {
            page.set(n - 1);
        }
    });
    let shown = move || {
        let r = page_range(total.get(), page.get(), size.get());
        if total.get() == 0 {
            format!("нет {of_many}")
        } else {
            format!(
                "{these} {}–{} из {}",
                thousands(r.start + 1),
                thousands(r.end),
                thousands(total.get())
            )
        }
    };
    view! {
        <nav class="pager" aria-label=label>
            <button type="button" on:click=move |_| page.update(|p| *p = p.saturating_sub(1)) disabled=move || { page.get() == 0 }>
                "← Предыдущая"
            </button>
            <span aria-live="polite">{shown}</span>
            <button type="button" on:click=move |_| page.update(|p| *p += 1) disabled=move || { page.get() + 1 >= pages() }>
                "Следующая →"
            </button>
            <label>
                " По "
                <select on:change=move |ev| { size.set(event_target_value(&ev).parse().unwrap_or(50)); page.set(0); }
                    prop:value=move || size.get().to_string()>
                    {[25usize, 50, 100, 200].into_iter().map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                </select>
                {format!(" {of_many}")}
            </label>
        </nav>
    }
}

/// Shown when the database cannot be read at all.
#[component]
pub fn LoadError() -> impl IntoView {
    let state = app_state();
    view! {
        <Show when=move || state.load_error.with(Option::is_some)>
            <div class="alert error" role="alert">
                <strong>"Не удаётся прочитать данные из хранилища браузера. "</strong>
                {move || state.load_error.get()}
            </div>
        </Show>
    }
}

/// A read from the data service that failed, said where its result would be: never shown as
/// «нет данных».
#[component]
pub fn ReadFailed(
    /// What could not be read, in the accusative: «данные школы».
    what: &'static str,
    message: String,
) -> impl IntoView {
    view! { <p class="alert error" role="alert">{format!("Не удалось прочитать {what}: {message}")}</p> }
}

/// Problems found in files: the errors (with their exact count) in an alert, then the
/// warnings and notes in a closed `<details>`. Each item is one [`crate::domain::contract::problem::ProblemGroup`] — the same
/// mistake in one file and column, with its count and first places — and a long list is
/// paginated, so a national file with one repeated mistake is one item, not 45,000.
#[component]
pub fn ProblemList(#[prop(into)] problems: Signal<ProblemSummary>) -> impl IntoView {
    let texts = move |errors: bool| {
        problems.with(|s| {
            s.groups
                .iter()
                .filter(|g| g.is_error() == errors)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        })
    };
    let left_out = move |severities: &[Severity]| {
        problems.with(|s| severities.iter().map(|&sev| s.left_out(sev)).sum::<usize>())
    };
    view! {
        {move || {
            let n = problems.with(|s| s.errors);
            (n > 0).then(|| view! {
                <div class="alert error" role="alert">
                    <p><strong>{format!("Ошибки ({}): файл не будет загружен, пока они не исправлены.", thousands(n))}</strong></p>
                    <ProblemItems items=texts(true) left_out=left_out(&[Severity::Error]) noun=("ошибка", "ошибки", "ошибок") label="Страницы списка ошибок"/>
                </div>
            })
        }}
        {move || {
            let n = problems.with(|s| s.warnings + s.notes);
            (n > 0).then(|| view! {
                <details class="alert info">
                    <summary>{format!("Предупреждения и примечания: {}", thousands(n))}</summary>
                    <ProblemItems items=texts(false) left_out=left_out(&[Severity::Warning, Severity::Note]) noun=("замечание", "замечания", "замечаний") label="Страницы списка предупреждений и примечаний"/>
                </details>
            })
        }}
    }
}

/// Problems per page of a [`ProblemList`] (the pager shows from this many on).
const PROBLEMS_PAGE: usize = 25;

/// One list of a [`ProblemList`], paginated, and how many problems did not fit in it.
#[component]
fn ProblemItems(
    items: Vec<String>,
    /// Problems in groups beyond [`crate::domain::contract::problem::MAX_GROUPS`].
    left_out: usize,
    /// The noun of `left_out` (one, few, many).
    noun: (&'static str, &'static str, &'static str),
    label: &'static str,
) -> impl IntoView {
    let n = items.len();
    let items = StoredValue::new(items);
    let page = RwSignal::new(0usize);
    let size = RwSignal::new(PROBLEMS_PAGE);
    let visible = move || {
        let r = rows_shown(n, page, size);
        items.with_value(|i| i[r].to_vec())
    };
    view! {
        {(n > PROBLEMS_PAGE).then(|| view! {
            <Pager total=Signal::derive(move || n) page=page size=size label=label words=("пункты", "пунктов")/>
        })}
        <ul class="problems">{move || visible().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
        {(left_out > 0).then(|| view! {
            <p class="hint">{format!(
                "Кроме показанных — ещё {}: список ограничен {}.",
                count(left_out, noun.0, noun.1, noun.2),
                count(MAX_GROUPS, "пунктом", "пунктами", "пунктами")
            )}</p>
        })}
    }
}

/// A modal question on the native `<dialog>` (focus trap and Esc come from the browser).
/// `open` shows it; the buttons are the children. Closing it sets `open` to false.
#[component]
pub fn Dialog(
    /// Whether the dialog is shown.
    open: RwSignal<bool>,
    /// Heading, also the dialog's accessible name.
    #[prop(into)]
    title: String,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(d) = node.get() {
            if open.get() && !d.open() {
                let _ = d.show_modal();
            } else if !open.get() && d.open() {
                d.close();
            }
        }
    });
    // A stable id for aria-labelledby, derived from the title.
    let id = format!(
        "dlg-{:x}",
        title
            .bytes()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32))
    );
    let labelled_by = id.clone();
    view! {
        <dialog node_ref=node aria-labelledby=labelled_by on:close=move |_| open.set(false)>
            <h2 id=id>{title}</h2>
            {children()}
        </dialog>
    }
}

/// «Доступна новая версия — обновить»: shown when the service worker has a new build ready
/// (the start script sends `shkala-update`); the button lets the new build take over and the
/// page reloads. Stored data is not touched: it lives in IndexedDB, not in the cache.
#[component]
pub fn UpdateNotice() -> impl IntoView {
    let ready = RwSignal::new(false);
    let window = web_sys::window();
    if let Some(w) = &window {
        let flagged = js_sys::Reflect::get(w, &"shkalaUpdateReady".into())
            .map(|v| v.as_bool() == Some(true))
            .unwrap_or(false);
        ready.set(flagged);
        let handle = window_event_listener_untyped("shkala-update", move |_| ready.set(true));
        on_cleanup(move || handle.remove());
    }
    let update = move |_| {
        let Some(w) = web_sys::window() else { return };
        let applied = js_sys::Reflect::get(&w, &"shkalaApplyUpdate".into())
            .ok()
            .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok())
            .and_then(|f| f.call0(&w).ok())
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if !applied {
            let _ = w.location().reload();
        }
    };
    view! {
        <Show when=move || ready.get()>
            <div class="update-notice" role="status">
                <span>"Доступна новая версия «Шкалы». Данные сохранятся."</span>
                <button type="button" class="primary" id="update-apply" on:click=update>"Доступна новая версия — обновить"</button>
            </div>
        </Show>
    }
}

/// The test switch of [`InsecureNotice`]: `localStorage['shkala-treat-insecure'] = '1'` makes
/// the page treat itself as opened without a secure context (the end-to-end tests run on
/// 127.0.0.1, which browsers count as secure). Not meant for users.
const TREAT_INSECURE_KEY: &str = "shkala-treat-insecure";
/// Where this device remembers that the notice was closed (a preference, not data).
const INSECURE_CLOSED_KEY: &str = "shkala-insecure-notice-closed";

/// A page opened over plain http from another computer (a seminar's LAN,
/// `http://192.168.x.y:8080`) is not a secure context: the browser does not install the
/// service worker there, so this device will not keep Шкала for use without the network.
/// Everything else works while connected (IndexedDB, the worker). Said once per device, in
/// the page's flow at the top (not over the content), closable; detected by
/// `isSecureContext`, not by the address.
#[component]
pub fn InsecureNotice() -> impl IntoView {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    let item = |key: &str| {
        storage
            .as_ref()
            .and_then(|s| s.get_item(key).ok().flatten())
    };
    let insecure = web_sys::window().is_some_and(|w| !w.is_secure_context())
        || item(TREAT_INSECURE_KEY).as_deref() == Some("1");
    let shown = RwSignal::new(insecure && item(INSECURE_CLOSED_KEY).is_none());
    let close = move |_| {
        shown.set(false);
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            // A failure to remember a preference only means the notice comes back once more.
            let _ = s.set_item(INSECURE_CLOSED_KEY, "1");
        }
    };
    view! {
        <Show when=move || shown.get()>
            <div class="insecure-notice" role="status" data-testid="insecure-notice">
                <p>"Шкала открыта по сети без защищённого соединения (http): пока есть связь с компьютером ведущего, всё работает, но без сети на этом устройстве Шкала не откроется. Чтобы пользоваться ею без сети, откройте её с сайта по https или на компьютере ведущего по адресу localhost."</p>
                <button type="button" class="link" on:click=close>"Понятно, скрыть"</button>
            </div>
        </Show>
    }
}
