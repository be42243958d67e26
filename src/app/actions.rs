//! Everything the pages can ask of the data service. Each call shows the progress bar with
//! «Отменить», patches the overview with the change of a write (nothing is read again),
//! hands over a built file, and announces the outcome in the live region.

use super::client;
use super::state::{AppState, NoticeKind, Progress};
use crate::domain::contract::row::Row;
use crate::domain::exchange::catalog::Change;
use crate::domain::exchange::records::{
    RunRecord, RunScope, SchoolDocuments, SchoolIdentity, SchoolRecord,
};
use crate::domain::method::identify::Params;
use crate::protocol::{Choice, Export, PlanView, Request, Response};
use crate::storage::browser;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Runs a request with the progress bar; `None` when it failed or was cancelled (already
/// announced).
pub async fn call(
    state: AppState,
    label: &str,
    request: Request,
    files: Vec<web_sys::File>,
) -> Option<Response> {
    // One intent, one effect: the same action asked again while it runs (a double click, a
    // key held down) does nothing, and its control is disabled meanwhile (`state.running`);
    // so does the very same request asked again a moment after it started, when it was quick
    // enough to be over before the second click (a small file's download).
    let asked = format!("{request:?}");
    if repeated(&asked) || !state.claim(label) {
        return None;
    }
    let key = PROGRESS_KEY.with(|k| {
        k.set(k.get() + 1);
        k.get()
    });
    state.progress.update(|all| {
        all.push(Progress {
            key,
            label: label.to_string(),
            fraction: None,
            request: None,
            cancelling: false,
        })
    });
    let mine = move |f: &mut dyn FnMut(&mut Progress)| {
        state.progress.update(|all| {
            if let Some(p) = all.iter_mut().find(|p| p.key == key) {
                f(p);
            }
        })
    };
    let (response, blob) = client::call(
        request,
        files,
        move |label, fraction| {
            mine(&mut |p| {
                if !p.cancelling {
                    p.label = label.clone();
                }
                p.fraction = fraction;
            })
        },
        move |id| mine(&mut |p| p.request = Some(id)),
    )
    .await;
    let cancelling = state.progress.with_untracked(|all| {
        all.iter()
            .find(|p| p.key == key)
            .is_some_and(|p| p.cancelling)
    });
    state.progress.update(|all| all.retain(|p| p.key != key));
    state.release(label);
    let late = |what: &str| {
        if cancelling {
            format!("Отмена не успела: {what}")
        } else {
            what.to_string()
        }
    };
    match response {
        Response::Failed { message } => {
            forget(&asked);
            state.say(NoticeKind::Error, message);
            None
        }
        Response::Cancelled => {
            forget(&asked);
            state.say(NoticeKind::Info, "Отменено: ничего не изменено.");
            None
        }
        Response::Changed { change, message } => {
            state.patch(&change);
            if !message.is_empty() {
                state.say(NoticeKind::Success, late(&message));
            }
            after_write(state);
            Some(Response::Changed { change, message })
        }
        Response::File { name, mime, change } => {
            state.patch(&change);
            match blob.map(|b| browser::download_blob(&name, &b)) {
                Some(Ok(())) => state.say(
                    NoticeKind::Success,
                    late(&format!("Файл «{name}» сохранён в папку загрузок.")),
                ),
                Some(Err(e)) => {
                    state.say(NoticeKind::Error, format!("Не удалось сохранить файл: {e}"))
                }
                None => state.say(NoticeKind::Error, "Не удалось сохранить файл."),
            }
            Some(Response::File { name, mime, change })
        }
        other => Some(other),
    }
}

/// «Отменить» of the running request `key`: asks the service to stop it.
pub fn cancel(state: AppState, key: u64) {
    let id = state
        .progress
        .with_untracked(|all| all.iter().find(|p| p.key == key).and_then(|p| p.request));
    if let Some(id) = id {
        client::cancel(id);
        state.progress.update(|all| {
            if let Some(p) = all.iter_mut().find(|p| p.key == key) {
                p.cancelling = true;
                p.label = "Отменяю…".into();
            }
        });
    }
}

/// Reads the database through the service (at start).
pub fn load(state: AppState) {
    client::on_refresh(move |change: Change, notice: Option<String>| {
        state.patch(&change);
        if let Some(n) = notice {
            state.say(NoticeKind::Info, n);
        }
    });
    client::on_failure(|detail| super::failure::show(super::failure::BANNER, &detail));
    crate::storage::on_event(move |event| {
        use crate::storage::StorageEvent;
        match event {
            StorageEvent::Blocked => state
                .storage_note
                .set(Some((NoticeKind::Warning, crate::storage::BLOCKED.into()))),
            StorageEvent::Opened => state.storage_note.set(None),
            StorageEvent::Superseded => {
                super::failure::show(&crate::storage::StorageError::Superseded.to_string(), "")
            }
        }
    });
    client::on_complete(move || {
        if !state.ready.get_untracked() {
            state.ready.set(true);
        }
    });
    spawn_local(async move {
        let (response, _) = client::call(Request::Load, Vec::new(), |_, _| {}, |_| {}).await;
        match response {
            Response::Loaded(o) => {
                state.overview.set(Some(*o));
                state.load_error.set(None);
            }
            Response::Failed { message } => state.load_error.set(Some(message)),
            _ => {}
        }
    });
}

/// Runs a write request in the background.
fn write(state: AppState, label: &'static str, request: Request) {
    spawn_local(async move {
        call(state, label, request, Vec::new()).await;
    });
}

/// Writes the demonstration region («Демонстрационный край»).
pub fn load_demo(state: AppState) {
    write(state, "Создаю демонстрационный регион…", Request::LoadDemo);
}

/// Deletes exactly the demonstration records.
pub fn remove_demo(state: AppState) {
    write(
        state,
        "Удаляю демонстрационный регион…",
        Request::RemoveDemo,
    );
}

/// What the identification's control is named by while it runs ([`AppState::running`]).
pub const IDENTIFYING: &str = "Идёт идентификация…";

/// Runs the identification on the stored rows of a scope and saves the run; `shown` gets the
/// run to show — the new one, or the one already stored for the same parameters and data.
/// Its message belongs to that run.
pub fn run_identification(
    state: AppState,
    scope: RunScope,
    params: Params,
    shown: impl FnOnce(String) + 'static,
) {
    spawn_local(async move {
        if let Some(Response::Changed { change, message }) = call(
            state,
            IDENTIFYING,
            Request::Identify { scope, params },
            Vec::new(),
        )
        .await
        {
            if let Some(run) = change.runs.first() {
                shown(run.id.clone());
                state.say_about(NoticeKind::Success, message, Some(run.id.clone()));
            }
        }
    });
}

pub fn delete_run(state: AppState, id: String) {
    write(state, "Удаляю расчёт…", Request::DeleteRun { id });
}

/// Empties every data store (after the user confirmed; the page offers a backup first).
pub fn clear_all(state: AppState) {
    write(state, "Удаляю данные…", Request::Clear);
}

pub fn delete_unreadable(state: AppState, items: Vec<(String, String)>) {
    write(
        state,
        "Удаляю нечитаемые записи…",
        Request::DeleteUnreadable { items },
    );
}

/// What an export's controls are named by while a file is built ([`AppState::running`]).
pub const EXPORTING: &str = "Готовлю файл…";

/// Builds a file in the service and saves it to the user's disk (journalled); one file per
/// click — a second click while the file is built does nothing.
pub fn export(state: AppState, what: Export) {
    write(state, EXPORTING, Request::Export(what));
}

/// Everything readable in this browser, as one file.
pub fn export_backup(state: AppState) {
    let by = state.profile.get_untracked();
    export(state, Export::Backup { by });
}

/// One school's rows, for its municipality.
pub fn export_school(state: AppState, school_id: String) {
    let by = state.profile.get_untracked();
    export(state, Export::School { school_id, by });
}

/// Looks at the table files before their import: sheets, header, first rows as read with
/// `options`, the problems (the mapping step).
pub async fn inspect(
    state: AppState,
    files: Vec<web_sys::File>,
    options: std::collections::BTreeMap<String, crate::domain::input::ReadOptions>,
) -> Option<Vec<crate::protocol::Inspection>> {
    let names = files.iter().map(|f| f.name()).collect();
    match call(
        state,
        "Смотрю файлы…",
        Request::Inspect {
            files: names,
            options,
        },
        files,
    )
    .await
    {
        Some(Response::Inspected(v)) => Some(v),
        _ => None,
    }
}

/// Reads files (a table with its sheet and column mapping, if chosen) and previews their
/// import.
pub async fn preview(
    state: AppState,
    files: Vec<web_sys::File>,
    options: std::collections::BTreeMap<String, crate::domain::input::ReadOptions>,
) -> Option<PlanView> {
    let names = files.iter().map(|f| f.name()).collect();
    match call(
        state,
        "Читаю файлы…",
        Request::Preview {
            files: names,
            options,
        },
        files,
    )
    .await
    {
        Some(Response::Preview(view)) => Some(*view),
        _ => None,
    }
}

/// A stored run's lists under each alternative reading, and whether the rows changed since.
pub async fn robustness(
    state: AppState,
    run: String,
) -> Option<(
    crate::domain::method::identify::robustness::Robustness,
    bool,
)> {
    match call(
        state,
        "Пересчитываю списки при других прочтениях…",
        Request::Robustness { run },
        Vec::new(),
    )
    .await
    {
        Some(Response::Robustness { robustness, stale }) => Some((*robustness, stale)),
        _ => None,
    }
}

/// The label of a chance estimate while it runs ([`AppState::running`]).
pub const CHANCE: &str = "Оцениваю надёжность категорий…";

/// How sure each school's category of a stored run is (the replicates run in the worker, with
/// progress and cancel), and whether the rows changed since the run.
pub async fn chance(
    state: AppState,
    run: String,
    options: crate::domain::method::identify::chance::ChanceOptions,
) -> Option<(crate::domain::method::identify::chance::Chance, bool)> {
    match call(state, CHANCE, Request::Chance { run, options }, Vec::new()).await {
        Some(Response::Chance { chance, stale }) => Some((*chance, stale)),
        _ => None,
    }
}

/// The small cohorts of a stored run's schools (no replicates), by school id.
pub async fn small_cohorts(
    state: AppState,
    run: String,
) -> Option<
    Vec<(
        String,
        Vec<crate::domain::method::identify::chance::SmallCohort>,
    )>,
> {
    match call(
        state,
        "Проверяю численность групп…",
        Request::SmallCohorts { run },
        Vec::new(),
    )
    .await
    {
        Some(Response::SmallCohorts(small)) => Some(small),
        _ => None,
    }
}

/// What the import's control is named by while it runs ([`AppState::running`]).
pub const IMPORTING: &str = "Загружаю данные…";

/// Writes a previewed import with the user's choices: all of it in one transaction, or
/// nothing. `true` when it was written; a second click while it runs does nothing (and
/// never reports the used preview as out of date).
pub async fn apply_import(state: AppState, plan: u64, choice: Choice) -> bool {
    matches!(
        call(
            state,
            IMPORTING,
            Request::ApplyImport { plan, choice },
            Vec::new()
        )
        .await,
        Some(Response::Changed { .. })
    )
}

pub fn discard_plan(plan: u64) {
    spawn_local(async move {
        client::call(Request::DiscardPlan { plan }, Vec::new(), |_, _| {}, |_| {}).await;
    });
}

/// Has the service read a picked file and pick the school's own rows from it (its progress
/// shown, its refusal announced).
pub async fn own_rows(
    state: AppState,
    file: web_sys::File,
    school_id: String,
) -> Option<crate::domain::workspace::OwnRows> {
    match call(
        state,
        "Читаю файл…",
        Request::OwnRows { school_id },
        vec![file],
    )
    .await
    {
        Some(Response::OwnRows(own)) => Some(*own),
        _ => None,
    }
}

/// Has the service read a picked reference file.
pub async fn read_reference(
    state: AppState,
    file: web_sys::File,
) -> Option<crate::domain::workspace::SavedReference> {
    match call(state, "Читаю эталон…", Request::ReadReference, vec![file]).await {
        Some(Response::Reference(r)) => Some(*r),
        _ => None,
    }
}

/// Asks the service quietly (no progress bar: a small read) and takes what `pick` wants of
/// the answer; the service's failure comes back as its Russian message, for the page to show.
async fn ask<T>(request: Request, pick: impl FnOnce(Response) -> Option<T>) -> Result<T, String> {
    match client::call(request, Vec::new(), |_, _| {}, |_| {}).await.0 {
        Response::Failed { message } => Err(message),
        Response::Cancelled => Err("отменено".into()),
        other => pick(other).ok_or_else(|| "служба данных ответила не на этот вопрос".into()),
    }
}

/// A stored run with its per-school results.
pub async fn run_record(id: String) -> Result<RunRecord, String> {
    ask(Request::Run { id }, |r| match r {
        Response::Run(r) => Some(RunRecord::from(*r)),
        _ => None,
    })
    .await
}

/// The digests of the rows stored now, per scope.
pub async fn digests() -> Result<Vec<(RunScope, String)>, String> {
    ask(Request::Digests, |r| match r {
        Response::Digests(d) => Some(d),
        _ => None,
    })
    .await
}

/// One school's stored record (with its documents) and rows, oldest first; `None` for the
/// record when the school is not stored.
pub async fn school_data(school_id: String) -> Result<(Option<SchoolRecord>, Vec<Row>), String> {
    ask(Request::SchoolRows { school_id }, |r| match r {
        Response::School { record, rows } => Some((record.map(|r| *r), rows)),
        _ => None,
    })
    .await
}

/// Stores a school's confirmed draft; `true` when written.
pub async fn save_school(
    state: AppState,
    school: SchoolIdentity,
    rows: Vec<Row>,
    documents: SchoolDocuments,
) -> bool {
    matches!(
        call(
            state,
            "Сохраняю данные школы…",
            Request::SaveSchool {
                school,
                rows,
                documents,
            },
            Vec::new()
        )
        .await,
        Some(Response::Changed { .. })
    )
}

/// Gives a stored run another name.
pub fn rename_run(state: AppState, id: String, label: String) {
    write(
        state,
        "Переименовываю расчёт…",
        Request::RenameRun { id, label },
    );
}

/// A school's categories in every stored run, oldest first.
pub async fn school_history(
    school_id: String,
) -> Result<Vec<crate::domain::method::analysis::HistoryEntry>, String> {
    ask(Request::SchoolHistory { school_id }, |r| match r {
        Response::History(h) => Some(h),
        _ => None,
    })
    .await
}

/// The stored schools' documents (self-assessments and programmes), of one municipality or of
/// all; an error in Russian when the service could not answer.
pub async fn documents(
    municipality: Option<String>,
) -> Result<Vec<(SchoolIdentity, SchoolDocuments)>, String> {
    ask(Request::Documents { municipality }, |r| match r {
        Response::Documents(d) => Some(d),
        _ => None,
    })
    .await
}

/// Sets the support of a project year for some schools; `true` when written.
pub async fn set_support(
    state: AppState,
    year: i32,
    changes: Vec<(String, crate::domain::support::Support)>,
) -> bool {
    matches!(
        call(
            state,
            "Сохраняю участников и партнёров…",
            Request::SetSupport { year, changes },
            Vec::new()
        )
        .await,
        Some(Response::Changed { .. })
    )
}

/// How long the same request again is taken for the same intent: a double click's second
/// click comes within the systems' double-click time (500 ms by default).
const REPEAT_MS: f64 = 700.0;

/// Whether the request `key` (its debug text) is the one asked last, less than [`REPEAT_MS`]
/// ago; otherwise it becomes the one asked last.
fn repeated(key: &str) -> bool {
    let now = js_sys::Date::now();
    LAST_ASKED.with(|last| {
        let mut last = last.borrow_mut();
        let same = last
            .as_ref()
            .is_some_and(|(k, at)| *k == key && now - at < REPEAT_MS);
        if !same {
            *last = Some((key.to_string(), now));
        }
        same
    })
}

/// A request that was cancelled or failed did nothing: asked again, however soon, it is a new
/// intent and runs (the e2e test «an import cancelled while it is written…» cancels and asks
/// again within the double-click time on a fast machine).
fn forget(asked: &str) {
    LAST_ASKED.with(|last| {
        let mut last = last.borrow_mut();
        if last.as_ref().is_some_and(|(k, _)| k == asked) {
            *last = None;
        }
    })
}

thread_local! {
    /// The last key given to a running request's progress.
    static PROGRESS_KEY: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// The request asked last, and when (milliseconds since the epoch).
    static LAST_ASKED: std::cell::RefCell<Option<(String, f64)>> = const { std::cell::RefCell::new(None) };
    /// Whether this page has asked the browser to keep the data already.
    static ASKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The share of the quota from which the user is warned.
const QUOTA_WARNING: f64 = 0.8;

/// After a write: on the first real data, ask the browser to keep it (and say what it
/// answered); when the storage is nearly full, warn before the browser's quota runs out.
fn after_write(state: AppState) {
    let real = state.overview.with_untracked(|o| {
        o.as_ref()
            .is_some_and(|o| o.demo_and_real_rows().1 > 0 || !o.assessments.is_empty())
    });
    spawn_local(async move {
        if real && !ASKED.with(|a| a.replace(true)) {
            use browser::Persistence;
            if browser::persistence().await != Persistence::Persistent {
                match browser::request_persistence().await {
                    Persistence::Persistent => state.storage_note.set(Some((
                        NoticeKind::Info,
                        "Браузер обещал не удалять данные «Шкалы» при нехватке места.".into(),
                    ))),
                    Persistence::BestEffort => state.storage_note.set(Some((
                        NoticeKind::Warning,
                        "Браузер не обещал хранить данные при нехватке места: регулярно сохраняйте резервную копию (раздел «Данные»).".into(),
                    ))),
                    Persistence::Unknown => {}
                }
            }
        }
        if let Some((used, quota)) = browser::estimate().await {
            if quota > 0.0 && used / quota >= QUOTA_WARNING {
                state.storage_note.set(Some((
                    NoticeKind::Warning,
                    format!(
                        "Место в браузере почти закончилось: занято {} из {}. Сохраните резервную копию и удалите лишнее; объём по хранилищам — в разделе «Данные».",
                        crate::domain::common::format::human_bytes(used),
                        crate::domain::common::format::human_bytes(quota)
                    ),
                )));
            }
        }
    });
}
