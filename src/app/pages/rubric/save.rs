//! Saving the open assessment as the user goes ([`crate::app::autosave`]): each write is one
//! transaction (`put_assessment`); the page's overview is then patched in memory instead of
//! being read again.

use crate::app::autosave::{self, AutoSave, SaveStatus, Saved};
use crate::app::state::AppState;
use crate::domain::exchange::records::AssessmentRecord;
use crate::storage::records as stored;
use crate::storage::{Db, StorageError};
use leptos::prelude::*;

thread_local! {
    static SLOT: AutoSave<AssessmentRecord> = const { AutoSave::new() };
}

impl Saved for AssessmentRecord {
    const FAILED: &'static str = "Оценка не сохранена";
    async fn write(state: AppState, record: &Self) -> Result<(), StorageError> {
        write(state, record).await
    }
}

/// Schedules `record` to be written now (`delay_ms` = 0) or after `delay_ms` without newer
/// changes.
pub fn schedule(
    state: AppState,
    record: AssessmentRecord,
    delay_ms: u32,
    status: RwSignal<SaveStatus>,
) {
    autosave::schedule(&SLOT, state, record, delay_ms, status);
}

/// Writes what is pending now (when a field loses focus, when the page is left).
pub fn flush(state: AppState, status: RwSignal<SaveStatus>) {
    autosave::flush(&SLOT, state, status);
}

/// Writes one record in one transaction and patches the page's overview with it.
pub async fn write(state: AppState, record: &AssessmentRecord) -> Result<(), StorageError> {
    Db::write_one(stored::put_assessment(record)).await?;
    state.patch(&crate::domain::exchange::catalog::Change {
        assessments: vec![record.clone()],
        ..Default::default()
    });
    Ok(())
}
