//! Saving a record as the user goes, for any page that edits one record at a time (a rubric
//! assessment, a school's workspace).
//!
//! Every change schedules a write of the whole record ([`schedule`]): choices at once, text
//! after [`TEXT_DELAY_MS`] without typing (and at once when the field loses focus, [`flush`]).
//! Writes never overlap: while one is running, newer versions wait in one slot and only the
//! latest is written next. Each kind of record has its own slot (a `thread_local!`
//! [`AutoSave`]) and says how it is written ([`Saved`]). The page shows a discreet «Сохранено
//! в 10:15» instead of a page-wide notice; failures are announced.

use crate::app::state::{AppState, NoticeKind};
use crate::storage::StorageError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::thread::LocalKey;

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
    /// The record as stored could not be read (why): nothing is written, so that it is never
    /// overwritten by an edit made without it.
    Frozen(String),
}

impl SaveStatus {
    pub fn text(&self) -> String {
        match self {
            SaveStatus::Idle => "Изменения сохраняются автоматически.".to_string(),
            SaveStatus::Pending | SaveStatus::Saving => "Сохраняю…".to_string(),
            SaveStatus::Saved(at) => format!("Сохранено в {at}"),
            SaveStatus::Failed => "Не сохранено — см. сообщение внизу страницы.".to_string(),
            SaveStatus::Frozen(why) => format!(
                "Правки здесь не сохраняются: сохранённые раньше не удаётся прочитать ({why}), и они не будут затёрты."
            ),
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
            SaveStatus::Frozen(_) => "frozen",
        }
    }
}

/// A record that is saved as the user goes.
pub trait Saved: Clone + 'static {
    /// Writes one version in one transaction (and patches what the page keeps, if anything).
    fn write(state: AppState, value: &Self) -> impl Future<Output = Result<(), StorageError>>;
    /// The start of the failure notice, «Оценка не сохранена».
    const FAILED: &'static str;
}

/// One kind of record's slot: the latest version not yet written, whether a write loop is
/// running, and a counter that lets a delayed write fire only if nothing came after it.
pub struct AutoSave<T> {
    pending: RefCell<Option<T>>,
    writing: Cell<bool>,
    generation: Cell<u64>,
}

impl<T> AutoSave<T> {
    pub const fn new() -> Self {
        AutoSave {
            pending: RefCell::new(None),
            writing: Cell::new(false),
            generation: Cell::new(0),
        }
    }
}

impl<T> Default for AutoSave<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// A slot: `thread_local! { static SLOT: AutoSave<T> = const { AutoSave::new() }; }`.
pub type Slot<T> = &'static LocalKey<AutoSave<T>>;

/// Schedules `value` to be written now (`delay_ms` = 0) or after `delay_ms` without newer
/// changes.
pub fn schedule<T: Saved>(
    slot: Slot<T>,
    state: AppState,
    value: T,
    delay_ms: u32,
    status: RwSignal<SaveStatus>,
) {
    if status.with_untracked(|s| matches!(s, SaveStatus::Frozen(_))) {
        return;
    }
    let generation = slot.with(|s| {
        *s.pending.borrow_mut() = Some(value);
        s.generation.set(s.generation.get() + 1);
        s.generation.get()
    });
    status.try_set(SaveStatus::Pending);
    if delay_ms == 0 {
        flush(slot, state, status);
    } else {
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(delay_ms).await;
            if slot.with(|s| s.generation.get()) == generation {
                flush(slot, state, status);
            }
        });
    }
}

/// Writes what is pending now (when a field loses focus, when the page is left).
pub fn flush<T: Saved>(slot: Slot<T>, state: AppState, status: RwSignal<SaveStatus>) {
    if slot.with(|s| s.writing.get() || s.pending.borrow().is_none()) {
        return;
    }
    slot.with(|s| s.writing.set(true));
    spawn_local(async move {
        while let Some(value) = slot.with(|s| s.pending.borrow_mut().take()) {
            status.try_set(SaveStatus::Saving);
            match T::write(state, &value).await {
                Ok(()) => {
                    if slot.with(|s| s.pending.borrow().is_none()) {
                        status.try_set(SaveStatus::Saved(local_time()));
                    }
                }
                Err(e) => {
                    status.try_set(SaveStatus::Failed);
                    state.say(NoticeKind::Error, format!("{}: {e}", T::FAILED));
                }
            }
        }
        slot.with(|s| s.writing.set(false));
    });
}

/// Forgets the pending version if `which` says so (its record is being deleted).
pub fn discard<T>(slot: Slot<T>, which: impl Fn(&T) -> bool) {
    slot.with(|s| {
        let mut p = s.pending.borrow_mut();
        if p.as_ref().is_some_and(&which) {
            *p = None;
        }
    });
}

/// The local time, «10:05».
pub fn local_time() -> String {
    let d = js_sys::Date::new_0();
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}
