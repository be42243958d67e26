//! App-wide state, provided once at the root as small `Copy` values and read with
//! `expect_context`.
//!
//! - [`AppState::overview`]: what the pages keep of the database ([`Overview`]): one summary
//!   per school, the small records, the run headers, the unreadable records. It is sent by
//!   the data service at start and patched with the [`Change`] of every write
//!   ([`AppState::patch`]) — never read again whole.
//! - [`AppState::notice`]: the message announced in the live region (screen readers hear it).
//! - [`AppState::progress`]: the work in progress, with the request to cancel.
//! - [`AppState::profile`]: who this browser speaks for in exported files (`settings` store).

use crate::domain::bundle::{CreatedBy, Role};
use crate::domain::catalog::{Change, Overview};
use crate::storage::records::put_setting;
use crate::storage::{Db, StorageError};
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

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

/// Work in progress: what is being done, how far along it is (0–1), if known, and the data
/// service's request that «Отменить» stops.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
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
    pub progress: RwSignal<Option<Progress>>,
    pub profile: RwSignal<CreatedBy>,
    /// The data service has read every record (until then, requests wait for it).
    pub ready: RwSignal<bool>,
    /// What the browser answered when asked to keep the data (asked on the first real data),
    /// and a warning when the storage is nearly full; shown above the footer, never in place
    /// of the outcome of the write that caused it.
    pub storage_note: RwSignal<Option<(NoticeKind, String)>>,
    /// The page is being printed: long tables show every row, lists are open (see
    /// [`crate::app::print`]).
    pub printing: RwSignal<bool>,
}

impl AppState {
    pub fn new() -> Self {
        AppState {
            overview: RwSignal::new(None),
            load_error: RwSignal::new(None),
            notice: RwSignal::new(None),
            progress: RwSignal::new(None),
            profile: RwSignal::new(CreatedBy {
                role: Role::Other,
                organisation: String::new(),
            }),
            ready: RwSignal::new(false),
            storage_note: RwSignal::new(None),
            printing: RwSignal::new(false),
        }
    }

    /// Reads the profile from the `settings` store.
    pub fn load_profile(self) {
        spawn_local(async move {
            if let Ok(db) = Db::get().await {
                if let Ok(Some(text)) = db
                    .get_value(crate::storage::stores::SETTINGS, PROFILE_KEY)
                    .await
                {
                    if let Ok(p) = serde_json::from_str::<CreatedBy>(&text) {
                        self.profile.set(p);
                    }
                }
            }
        });
    }

    /// Saves the profile (one small write).
    pub fn save_profile(self, p: CreatedBy) {
        self.profile.set(p.clone());
        spawn_local(async move {
            let op = put_setting(PROFILE_KEY, &p);
            if let Err(e) = Db::write_one(op).await {
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
        self.notice.set(Some(Notice {
            kind,
            text: text.into(),
        }));
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

const PROFILE_KEY: &str = "profile";

pub fn app_state() -> AppState {
    expect_context::<AppState>()
}
