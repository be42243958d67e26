//! Reading workspaces (the `drafts` store), deleting them, and saving the open one as the user
//! goes ([`crate::app::autosave`]): one write is one small transaction; the page never reads
//! the store again after it.

use crate::app::autosave::{self, AutoSave, Saved};
use crate::app::state::AppState;
use crate::domain::workspace::{Workspace, STORE_PREFIX};
use crate::storage::records::put_draft;
use crate::storage::{stores, Db, Op, StorageError};
use leptos::prelude::*;

pub use crate::app::autosave::{SaveStatus, TEXT_DELAY_MS};

thread_local! {
    static SLOT: AutoSave<Workspace> = const { AutoSave::new() };
}

impl Saved for Workspace {
    const FAILED: &'static str = "Черновик не сохранён";
    async fn write(_state: AppState, w: &Self) -> Result<(), StorageError> {
        let op = put_draft(&w.store_key(), w);
        Db::write_one(op).await
    }
}

/// Every workspace of this browser, and the keys of those that cannot be read (with why).
pub async fn list() -> Result<(Vec<Workspace>, Vec<String>), StorageError> {
    let db = Db::get().await?;
    let texts = db.values_with_prefix(stores::DRAFTS, STORE_PREFIX).await?;
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for t in texts {
        match serde_json::from_str::<Workspace>(&t) {
            Ok(w) => out.push(w),
            Err(e) => bad.push(crate::domain::contract::problem::serde_error_ru(&e)),
        }
    }
    out.sort_by(|a, b| a.profile.school_name.cmp(&b.profile.school_name));
    Ok((out, bad))
}

/// Deletes a workspace.
pub async fn remove(key: &str) -> Result<(), StorageError> {
    Db::get()
        .await?
        .apply(
            &[Op::Delete {
                store: stores::DRAFTS,
                key: format!("{STORE_PREFIX}{key}"),
            }],
            |_, _| {},
        )
        .await
}

/// Forgets a pending write of workspace `key` (it is being deleted).
pub fn discard(key: &str) {
    autosave::discard(&SLOT, |w: &Workspace| w.key == key);
}

/// Schedules `w` to be written now (`delay_ms` = 0) or after `delay_ms` without newer changes.
pub fn schedule(state: AppState, w: Workspace, delay_ms: u32, status: RwSignal<SaveStatus>) {
    autosave::schedule(&SLOT, state, w, delay_ms, status);
}

/// Writes what is pending now.
pub fn flush(state: AppState, status: RwSignal<SaveStatus>) {
    autosave::flush(&SLOT, state, status);
}
