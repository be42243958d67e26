//! Saving the open assessment as the user goes.
//!
//! Every change to the draft schedules a write of the whole record ([`schedule`]): choices are
//! written at once, text after 600 ms without typing (and at once when the field loses focus,
//! [`flush`]). Writes never overlap: while one is running, newer versions wait in one slot and
//! only the latest is written next. Each write is one transaction (`put_assessment`); the
//! page's overview is then patched in memory instead of being read again, and the page shows a
//! discreet «Сохранено в 10:15» instead of a page-wide notice. Failures are announced.

use crate::app::state::{AppState, NoticeKind};
use crate::domain::records::AssessmentRecord;
use crate::storage::records as stored;
use crate::storage::{Db, StorageError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};

/// How long text input waits for a pause before it is written.
pub const TEXT_DELAY_MS: u32 = 600;

/// What the save line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveStatus {
    /// Nothing changed since the page opened.
    Idle,
    /// A change waits to be written (text: until typing pauses).
    Pending,
    Saving,
    /// Written at this local time, «10:15».
    Saved(String),
    Failed,
}

impl SaveStatus {
    pub fn text(&self) -> String {
        match self {
            SaveStatus::Idle => "Ответы сохраняются автоматически.".to_string(),
            SaveStatus::Pending | SaveStatus::Saving => "Сохраняю…".to_string(),
            SaveStatus::Saved(at) => format!("Сохранено в {at}"),
            SaveStatus::Failed => "Не сохранено — см. сообщение внизу страницы.".to_string(),
        }
    }

    /// For tests and styles: `idle`, `pending`, `saving`, `saved`, `failed`.
    pub fn id(&self) -> &'static str {
        match self {
            SaveStatus::Idle => "idle",
            SaveStatus::Pending => "pending",
            SaveStatus::Saving => "saving",
            SaveStatus::Saved(_) => "saved",
            SaveStatus::Failed => "failed",
        }
    }
}

thread_local! {
    /// The latest version not yet written.
    static PENDING: RefCell<Option<AssessmentRecord>> = const { RefCell::new(None) };
    /// A write loop is running.
    static WRITING: Cell<bool> = const { Cell::new(false) };
    /// Bumped by every [`schedule`]: a delayed write fires only if nothing came after it.
    static GENERATION: Cell<u64> = const { Cell::new(0) };
}

/// Schedules `record` to be written now (`delay_ms` = 0) or after `delay_ms` without newer
/// changes.
pub fn schedule(
    state: AppState,
    record: AssessmentRecord,
    delay_ms: u32,
    status: RwSignal<SaveStatus>,
) {
    PENDING.with(|p| *p.borrow_mut() = Some(record));
    let generation = GENERATION.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    status.try_set(SaveStatus::Pending);
    if delay_ms == 0 {
        flush(state, status);
    } else {
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(delay_ms).await;
            if GENERATION.with(Cell::get) == generation {
                flush(state, status);
            }
        });
    }
}

/// Writes what is pending now (when a field loses focus, when the page is left).
pub fn flush(state: AppState, status: RwSignal<SaveStatus>) {
    if WRITING.with(Cell::get) || PENDING.with(|p| p.borrow().is_none()) {
        return;
    }
    WRITING.with(|w| w.set(true));
    spawn_local(async move {
        while let Some(record) = PENDING.with(|p| p.borrow_mut().take()) {
            status.try_set(SaveStatus::Saving);
            match write(state, &record).await {
                Ok(()) => {
                    if PENDING.with(|p| p.borrow().is_none()) {
                        status.try_set(SaveStatus::Saved(local_time()));
                    }
                }
                Err(e) => {
                    status.try_set(SaveStatus::Failed);
                    state.say(NoticeKind::Error, format!("Оценка не сохранена: {e}"));
                }
            }
        }
        WRITING.with(|w| w.set(false));
    });
}

/// Writes one record in one transaction and patches the page's overview with it.
pub async fn write(state: AppState, record: &AssessmentRecord) -> Result<(), StorageError> {
    Db::get()
        .await?
        .apply(&[stored::put_assessment(record)], |_, _| {})
        .await?;
    state.patch(&crate::domain::catalog::Change {
        assessments: vec![record.clone()],
        ..Default::default()
    });
    Ok(())
}

/// The local time, «10:05».
pub fn local_time() -> String {
    let d = js_sys::Date::new_0();
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}
