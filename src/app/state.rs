//! App-wide state, provided once at the root as small `Copy` values and read with
//! `expect_context`.
//!
//! - [`AppState::snapshot`]: everything stored in IndexedDB, loaded at start and reloaded
//!   after every write (one named sync: [`AppState::reload`]).
//! - [`AppState::notice`]: the message announced in the live region (screen readers hear it).
//! - [`AppState::progress`]: long work in progress (imports, identification).

use crate::domain::bundle::{CreatedBy, Role};
use crate::domain::records::Snapshot;
use crate::storage::{records as stored, StorageError};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Success,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

/// Work in progress: what is being done, and how far along it is (0–1), if known.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub label: String,
    pub fraction: Option<f64>,
}

#[derive(Clone, Copy)]
pub struct AppState {
    /// `None` until the first load finishes.
    pub snapshot: RwSignal<Option<Snapshot>>,
    pub load_error: RwSignal<Option<String>>,
    pub notice: RwSignal<Option<Notice>>,
    pub progress: RwSignal<Option<Progress>>,
    /// Who this browser speaks for in exported files (kept in the `settings` store).
    pub profile: RwSignal<CreatedBy>,
}

impl AppState {
    pub fn new() -> Self {
        AppState {
            snapshot: RwSignal::new(None),
            load_error: RwSignal::new(None),
            notice: RwSignal::new(None),
            progress: RwSignal::new(None),
            profile: RwSignal::new(CreatedBy {
                role: Role::Other,
                organisation: String::new(),
            }),
        }
    }

    /// Reads the profile from the `settings` store.
    pub fn load_profile(self) {
        spawn_local(async move {
            if let Ok(db) = crate::storage::Db::get().await {
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

    /// Saves the profile (one small write; no reload needed).
    pub fn save_profile(self, p: CreatedBy) {
        self.profile.set(p.clone());
        spawn_local(async move {
            let op = crate::storage::Op::Put {
                store: crate::storage::stores::SETTINGS,
                key: PROFILE_KEY.into(),
                value: serde_json::to_string(&p).expect("serialises"),
            };
            if let Err(e) = async {
                crate::storage::Db::get()
                    .await?
                    .apply(&[op], |_, _| {})
                    .await
            }
            .await
            {
                self.fail(e);
            }
        });
    }

    /// Reads everything from IndexedDB into [`AppState::snapshot`].
    pub fn reload(self) {
        spawn_local(async move {
            match stored::load_snapshot().await {
                Ok(s) => {
                    self.snapshot.set(Some(s));
                    self.load_error.set(None);
                }
                Err(e) => self.load_error.set(Some(e.to_string())),
            }
        });
    }

    /// The stored schools as (id, name, municipality), by municipality and name — for pickers.
    pub fn school_choices(self) -> Memo<Vec<(String, String, String)>> {
        Memo::new(move |_| {
            self.snapshot.with(|s| {
                let mut v: Vec<(String, String, String)> = s
                    .as_ref()
                    .map(|s| {
                        s.schools
                            .iter()
                            .map(|x| {
                                (
                                    x.school_id.clone(),
                                    x.school_name.clone(),
                                    x.municipality.clone(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                v.sort_by(|a, b| a.2.cmp(&b.2).then(a.1.cmp(&b.1)));
                v
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
