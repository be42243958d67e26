//! Reading and saving workspaces (the `drafts` store), as the user goes.
//!
//! Every change schedules a write of the whole workspace: at once for choices and pastes,
//! after 600 ms without typing for text. Writes never overlap: while one runs, the newest
//! version waits in one slot. One write is one small transaction; the page never reads the
//! store again after it.

use crate::app::state::{AppState, NoticeKind};
use crate::domain::workspace::{Workspace, STORE_PREFIX};
use crate::storage::records::put_draft;
use crate::storage::{stores, Db, Op, StorageError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};

pub use crate::app::pages::rubric::save::{local_time, SaveStatus, TEXT_DELAY_MS};

thread_local! {
    static PENDING: RefCell<Option<Workspace>> = const { RefCell::new(None) };
    static WRITING: Cell<bool> = const { Cell::new(false) };
    static GENERATION: Cell<u64> = const { Cell::new(0) };
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
            Err(e) => bad.push(crate::domain::problem::serde_error_ru(&e)),
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
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if p.as_ref().is_some_and(|w| w.key == key) {
            *p = None;
        }
    });
}

/// Schedules `w` to be written now (`delay_ms` = 0) or after `delay_ms` without newer changes.
pub fn schedule(state: AppState, w: Workspace, delay_ms: u32, status: RwSignal<SaveStatus>) {
    PENDING.with(|p| *p.borrow_mut() = Some(w));
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

/// Writes what is pending now.
pub fn flush(state: AppState, status: RwSignal<SaveStatus>) {
    if WRITING.with(Cell::get) || PENDING.with(|p| p.borrow().is_none()) {
        return;
    }
    WRITING.with(|w| w.set(true));
    spawn_local(async move {
        while let Some(w) = PENDING.with(|p| p.borrow_mut().take()) {
            status.try_set(SaveStatus::Saving);
            let op = put_draft(&w.store_key(), &w);
            match async { Db::get().await?.apply(&[op], |_, _| {}).await }.await {
                Ok(()) => {
                    if PENDING.with(|p| p.borrow().is_none()) {
                        status.try_set(SaveStatus::Saved(local_time()));
                    }
                }
                Err(e) => {
                    status.try_set(SaveStatus::Failed);
                    state.say(NoticeKind::Error, format!("Черновик не сохранён: {e}"));
                }
            }
        }
        WRITING.with(|w| w.set(false));
    });
}
