//! Saving the open workspace as the user goes ([`crate::app::autosave`], through
//! [`crate::storage::drafts`]): one write is one small transaction; the page never reads the
//! store again after it.

use crate::app::autosave::{self, AutoSave, Saved};
use crate::app::state::AppState;
use crate::domain::workspace::Workspace;
use crate::storage::{drafts, StorageError};
use leptos::prelude::*;

pub use crate::app::autosave::{SaveStatus, TEXT_DELAY_MS};

thread_local! {
    static SLOT: AutoSave<Workspace> = const { AutoSave::new() };
}

impl Saved for Workspace {
    const FAILED: &'static str = "Черновик не сохранён";
    async fn write(_state: AppState, w: &Self) -> Result<(), StorageError> {
        drafts::write_workspace(w).await
    }
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
