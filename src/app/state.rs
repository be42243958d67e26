//! App-wide state, provided once at the root as small `Copy` values and read with
//! `expect_context`.
//!
//! - [`AppState::overview`]: what the pages keep of the database ([`Overview`]): one summary
//!   per school, the small records, the run headers, the unreadable records. It is sent by
//!   the data service at start and patched with the [`Change`] of every write
//!   ([`AppState::patch`]) — never read again whole.
//! - [`AppState::notice`]: the message announced in the live region (screen readers hear it).
//! - [`AppState::progress`]: the work in progress, request by request, each with its cancel.
//! - [`AppState::profile`]: who this browser speaks for in exported files (`settings` store).

use crate::domain::exchange::bundle::{CreatedBy, Role};
use crate::domain::exchange::catalog::{Change, Overview};
use crate::storage::StorageError;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Success,
    /// Something to act on soon (storage nearly full, data not promised to be kept).
    Warning,
    Error,
}

/// A message of the status dock. It belongs to the page it was said on and, when it speaks
/// of a run, to that run: it is cleared when either changes (see
/// [`crate::app::components::StatusRegion`]); a success or an information closes by itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
    /// Tells two messages of the same words apart (the timer closes only its own).
    pub serial: u64,
    /// The path of the page it was said on.
    pub page: String,
    /// The run it speaks of.
    pub run: Option<String>,
}

/// Work in progress: what is being done, how far along it is (0–1), if known, and the data
/// service's request that «Отменить» stops. Each running request has its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Tells the running requests apart on the page.
    pub key: u64,
    pub label: String,
    pub fraction: Option<f64>,
    pub request: Option<u64>,
    /// «Отменить» was pressed; the request has not answered yet.
    pub cancelling: bool,
}

#[derive(Clone, Copy)]
pub struct AppState {
    /// `None` until the data service has read the database.
    pub overview: RwSignal<Option<Overview>>,
    pub load_error: RwSignal<Option<String>>,
    pub notice: RwSignal<Option<Notice>>,
    /// The requests running now, each with its progress and «Отменить», oldest first.
    pub progress: RwSignal<Vec<Progress>>,
    pub profile: RwSignal<CreatedBy>,
    /// The data service has read every record (until then, requests wait for it).
    pub ready: RwSignal<bool>,
    /// What the browser answered when asked to keep the data (asked on the first real data),
    /// and a warning when the storage is nearly full; shown above the footer, never in place
    /// of the outcome of the write that caused it.
    pub storage_note: RwSignal<Option<(NoticeKind, String)>>,
    /// The actions running now, by their progress label: one intent, one effect — while an
    /// action runs, the same action is refused and its control is disabled
    /// ([`AppState::running`]).
    pub intents: RwSignal<Vec<String>>,
    /// The page is being printed: long tables show every row, lists are open (see
    /// [`crate::app::print`]).
    pub printing: RwSignal<bool>,
    /// The last chance estimate made in this session, with its run's id: the run page shows
    /// it (also on return), and the analytical report of that run includes it.
    pub chance: RwSignal<
        Option<(
            String,
            std::sync::Arc<crate::domain::method::identify::chance::Chance>,
        )>,
    >,
}

impl AppState {
    pub fn new() -> Self {
        AppState {
            overview: RwSignal::new(None),
            load_error: RwSignal::new(None),
            notice: RwSignal::new(None),
            progress: RwSignal::new(Vec::new()),
            profile: RwSignal::new(CreatedBy {
                role: Role::Other,
                organisation: String::new(),
            }),
            ready: RwSignal::new(false),
            storage_note: RwSignal::new(None),
            intents: RwSignal::new(Vec::new()),
            printing: RwSignal::new(false),
            chance: RwSignal::new(None),
        }
    }

    /// Reads the profile from the `settings` store.
    pub fn load_profile(self) {
        spawn_local(async move {
            if let Some(p) = crate::storage::drafts::profile().await {
                self.profile.set(p);
            }
        });
    }

    /// Saves the profile (one small write).
    pub fn save_profile(self, p: CreatedBy) {
        self.profile.set(p.clone());
        spawn_local(async move {
            if let Err(e) = crate::storage::drafts::write_profile(&p).await {
                self.fail(e);
            }
        });
    }

    /// Applies the change of a write to the overview.
    pub fn patch(self, change: &Change) {
        self.overview.update(|o| {
            if let Some(o) = o {
                o.apply(change);
            }
        });
    }

    /// The municipalities of the stored schools, in order — for filters.
    pub fn municipalities(self) -> Memo<Vec<String>> {
        Memo::new(move |_| {
            self.overview.with(|o| {
                o.as_ref()
                    .map(|o| o.municipalities().into_iter().map(str::to_string).collect())
                    .unwrap_or_default()
            })
        })
    }

    pub fn say(self, kind: NoticeKind, text: impl Into<String>) {
        self.say_about(kind, text, None);
    }

    /// A message about one run: it goes when another run is shown.
    pub fn say_about(self, kind: NoticeKind, text: impl Into<String>, run: Option<String>) {
        let serial = self
            .notice
            .with_untracked(|n| n.as_ref().map_or(0, |n| n.serial))
            .wrapping_add(1);
        let page = web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_default();
        self.notice.set(Some(Notice {
            kind,
            text: text.into(),
            serial,
            page,
            run,
        }));
    }

    /// Whether the action named `key` (its progress label) is running: its control is
    /// disabled and says it is busy.
    pub fn running(self, key: &str) -> bool {
        self.intents.with(|i| i.iter().any(|k| k == key))
    }

    /// Claims the action `key` for this intent; `false` when it is running already (the
    /// second click of a double click), and then nothing is to be done.
    pub fn claim(self, key: &str) -> bool {
        if self.intents.with_untracked(|i| i.iter().any(|k| k == key)) {
            return false;
        }
        self.intents.update(|i| i.push(key.to_string()));
        true
    }

    /// The action `key` has answered.
    pub fn release(self, key: &str) {
        self.intents.update(|i| i.retain(|k| k != key));
    }

    pub fn fail(self, e: StorageError) {
        self.say(NoticeKind::Error, e.to_string());
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

pub fn app_state() -> AppState {
    expect_context::<AppState>()
}
