//! The school's workspace: profile, data entry, placement against the region's reference,
//! self-assessment, improvement programme, printable report, and the file for the
//! municipality. Everything is saved as the user goes (a workspace in the `drafts` store,
//! [`save`]); the draft becomes the school's stored data only when confirmed ([`send`]).
//!
//! Schools received in files (or the demo region) are shown read-only by [`stored`]; a
//! municipality specialist can open a workspace from one of them.

pub(crate) mod assess;
mod entry;
mod jump;
pub(crate) mod placement;
mod profile;
mod programme;
pub(crate) mod report;
pub mod save;
mod send;
mod stored;

use crate::app::state::{app_state, AppState, NoticeKind};
use crate::domain::workspace::Workspace;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use save::SaveStatus;

/// The sections of the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Profile,
    Entry,
    Placement,
    Assess,
    Programme,
    Report,
    Send,
}

impl Tab {
    const ALL: [Tab; 7] = [
        Tab::Profile,
        Tab::Entry,
        Tab::Placement,
        Tab::Assess,
        Tab::Programme,
        Tab::Report,
        Tab::Send,
    ];
    fn label(self) -> &'static str {
        match self {
            Tab::Profile => "1. Профиль",
            Tab::Entry => "2. Данные",
            Tab::Placement => "3. Место в регионе",
            Tab::Assess => "4. Самооценка",
            Tab::Programme => "5. Программа",
            Tab::Report => "6. Отчёт",
            Tab::Send => "7. Отправка",
        }
    }
    fn from_id(id: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.id() == id)
    }
    fn id(self) -> &'static str {
        match self {
            Tab::Profile => "profile",
            Tab::Entry => "entry",
            Tab::Placement => "placement",
            Tab::Assess => "assess",
            Tab::Programme => "programme",
            Tab::Report => "report",
            Tab::Send => "send",
        }
    }
}

/// What every section works on.
#[derive(Clone, Copy)]
pub struct Ws {
    pub state: AppState,
    /// The open workspace.
    pub current: RwSignal<Option<Workspace>>,
    pub status: RwSignal<SaveStatus>,
    /// Bumped when many cells change at once (paste, import), so that the inputs redraw.
    pub revision: RwSignal<u32>,
    /// Every workspace of this browser (the open one kept current).
    pub list: RwSignal<Vec<Workspace>>,
}

impl Ws {
    /// Applies `f` to the open workspace, stamps it and schedules its write.
    pub fn edit(self, delay_ms: u32, f: impl FnOnce(&mut Workspace)) {
        let mut changed = None;
        self.current.update(|w| {
            if let Some(w) = w {
                f(w);
                w.updated_at = Some(crate::storage::browser::now());
                changed = Some(w.clone());
            }
        });
        if let Some(w) = changed {
            save::schedule(self.state, w, delay_ms, self.status);
        }
    }
    /// As [`Ws::edit`], and redraws the inputs.
    pub fn edit_all(self, f: impl FnOnce(&mut Workspace)) {
        self.edit(0, f);
        self.revision.update(|r| *r += 1);
    }
}

/// The file picked in `input`, taken out of it (the same file can be picked again). It is
/// read by the data service, never on the page.
pub fn picked_file(input: NodeRef<leptos::html::Input>) -> Option<web_sys::File> {
    let input = input.get()?;
    let file = input.files().and_then(|f| f.get(0))?;
    input.set_value("");
    Some(file)
}

/// The current year of the calendar (the last year of a new draft's window).
pub fn this_year() -> i32 {
    js_sys::Date::new_0().get_full_year() as i32
}

#[component]
pub fn SchoolPage() -> impl IntoView {
    let state = app_state();
    let query = use_query_map();
    let list: RwSignal<Vec<Workspace>> = RwSignal::new(Vec::new());
    let ws = Ws {
        state,
        current: RwSignal::new(None),
        status: RwSignal::new(SaveStatus::Idle),
        revision: RwSignal::new(0),
        list,
    };
    let tab = RwSignal::new(Tab::Profile);
    let loaded = RwSignal::new(false);
    // Which stored school is shown read-only (from `?id=` or the picker).
    let stored_id = RwSignal::new(query.with_untracked(|q| q.get("id")).unwrap_or_default());
    leptos::task::spawn_local(async move {
        match crate::storage::drafts::workspaces().await {
            Ok((found, bad)) => {
                if !bad.is_empty() {
                    state.say(
                        NoticeKind::Error,
                        format!(
                            "Не удалось прочитать черновиков: {} ({})",
                            bad.len(),
                            bad.join("; ")
                        ),
                    );
                }
                let want = query.with_untracked(|q| q.get("ws"));
                let open = want
                    .and_then(|k| found.iter().find(|w| w.key == k).cloned())
                    .or_else(|| {
                        stored_id
                            .get_untracked()
                            .is_empty()
                            .then(|| found.first().cloned())
                            .flatten()
                    });
                if open.is_some() || !stored_id.get_untracked().is_empty() {
                    let asked = query.with_untracked(|q| q.get("tab"));
                    tab.set(
                        asked
                            .as_deref()
                            .and_then(Tab::from_id)
                            .unwrap_or(Tab::Entry),
                    );
                }
                ws.current.set(open);
                list.set(found);
            }
            Err(e) => state.fail(e),
        }
        loaded.set(true);
    });
    // Keep the picker's copy of the open workspace current, so that switching away and back
    // opens the latest version, never an older one.
    Effect::new(move |_| {
        ws.current.with(|w| {
            if let Some(w) = w {
                let known = list.with_untracked(|l| l.iter().find(|x| x.key == w.key) == Some(w));
                if !known {
                    list.update(|l| match l.iter_mut().find(|x| x.key == w.key) {
                        Some(x) => *x = w.clone(),
                        None => l.push(w.clone()),
                    });
                }
            }
        })
    });
    address_follows(ws, tab, stored_id, loaded);
    let flush = move |_| save::flush(state, ws.status);
    // The workspace view is drawn again only when another workspace is opened (not on every
    // keystroke, which would take the focus away).
    let open_key = Memo::new(move |_| ws.current.with(|w| w.as_ref().map(|w| w.key.clone())));
    view! {
        <h1>"Школа"</h1>
        <p class="lead">"Самодиагностика школы: введите данные за три года, сравните школу с региональными ориентирами, пройдите самооценку, составьте программу повышения качества и отправьте один файл в муниципалитет. Всё сохраняется в этом браузере по мере ввода."</p>
        <profile::Picker ws=ws list=list tab=tab loaded=loaded stored_id=stored_id/>
        {move || open_key.get().map(|_| view! {
            <WorkingOn ws=ws/>
            <nav class="ws-tabs no-print" aria-label="Разделы самодиагностики">
                <ul>
                    {Tab::ALL.iter().map(|&t| view! {
                        <li>
                            <button type="button" id=format!("tab-{}", t.id()) aria-pressed=move || (tab.get() == t).to_string() on:click=move |_| tab.set(t)>{t.label()}</button>
                        </li>
                    }).collect_view()}
                </ul>
            </nav>
            <div class="ws-body" on:focusout=flush>
                {move || match tab.get() {
                    Tab::Profile => view! { <profile::ProfileForm ws=ws/> }.into_any(),
                    Tab::Entry => view! { <entry::Entry ws=ws/> }.into_any(),
                    Tab::Placement => view! { <placement::Placement ws=ws/> }.into_any(),
                    Tab::Assess => view! { <assess::Assess ws=ws/> }.into_any(),
                    Tab::Programme => view! { <programme::ProgrammeForm ws=ws/> }.into_any(),
                    Tab::Report => view! { <report::Report ws=ws/> }.into_any(),
                    Tab::Send => view! { <send::Send ws=ws/> }.into_any(),
                }}
            </div>
        })}
        {move || (!stored_id.get().is_empty()).then(|| view! { <stored::StoredSchool id=stored_id ws=ws tab=tab/> })}
    }
}

/// The open workspace (or stored school) and its section are in the address
/// (`/school?ws=…&tab=data`): a reload opens the same section, Back and Forward step through
/// the sections the user opened.
fn address_follows(
    ws: Ws,
    tab: RwSignal<Tab>,
    stored_id: RwSignal<String>,
    loaded: RwSignal<bool>,
) {
    let query = use_query_map();
    // Back / Forward: the address changed, the page follows.
    Effect::new(move |_| {
        if !loaded.get() {
            return;
        }
        let (want_tab, want_ws, want_id) = query.with(|q| (q.get("tab"), q.get("ws"), q.get("id")));
        if let Some(k) = want_ws {
            if ws
                .current
                .with_untracked(|w| w.as_ref().map(|w| w.key != k))
                .unwrap_or(true)
            {
                if let Some(w) = ws
                    .list
                    .with_untracked(|l| l.iter().find(|w| w.key == k).cloned())
                {
                    save::flush(ws.state, ws.status);
                    stored_id.set(String::new());
                    ws.current.set(Some(w));
                }
            }
        } else if let Some(id) = want_id {
            if stored_id.get_untracked() != id {
                ws.current.set(None);
                stored_id.set(id);
            }
        }
        if let Some(t) = want_tab.as_deref().and_then(Tab::from_id) {
            if tab.get_untracked() != t {
                tab.set(t);
            }
        }
    });
    // The page changed: the address follows (a new entry for another section or school).
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if !loaded.get() {
            return;
        }
        let t = tab.get();
        let key = ws.current.with(|w| w.as_ref().map(|w| w.key.clone()));
        let id = stored_id.get();
        let tab_id = Some(t.id().to_string());
        let (wanted, parts) = match (key, id.is_empty()) {
            (Some(k), _) => (
                format!("/school?ws={}&tab={}", encode(&k), t.id()),
                (Some(k), None, tab_id),
            ),
            (None, false) => (
                format!("/school?id={}&tab={}", encode(&id), t.id()),
                (None, Some(id), tab_id),
            ),
            (None, true) => ("/school".to_string(), (None, None, None)),
        };
        let now = query.with_untracked(|q| (q.get("ws"), q.get("id"), q.get("tab")));
        if now != parts {
            let first = query.with_untracked(|q| q.get("tab").is_none());
            navigate(
                &wanted,
                leptos_router::NavigateOptions {
                    replace: first,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    });
}

/// A value for the address's query.
fn encode(v: &str) -> String {
    js_sys::encode_uri_component(v).into()
}

/// The school being worked on, always visible (sticky), with the save state.
#[component]
fn WorkingOn(ws: Ws) -> impl IntoView {
    let name = move || {
        ws.current.with(|w| {
            w.as_ref()
                .map(|w| {
                    let p = &w.profile;
                    let name = if p.school_name.trim().is_empty() {
                        "школа без названия".to_string()
                    } else {
                        p.school_name.clone()
                    };
                    format!("{name} · {} · код {}", p.municipality, p.school_id)
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="working-on" aria-label="Школа, с которой вы работаете">
            <span>"Вы работаете со школой: "<strong data-testid="working-on">{name}</strong></span>
            <span class="save-line" data-status=move || ws.status.with(SaveStatus::id) aria-live="polite">{move || ws.status.with(SaveStatus::text)}</span>
        </div>
    }
}
