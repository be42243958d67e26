//! Everything the pages can change or export. Each write is one storage batch (one
//! transaction), followed by one reload of the snapshot; each outcome is announced.

use super::state::{AppState, NoticeKind, Progress};
use crate::domain::bundle::{self, Bundle, ImportPlan, Resolutions};
use crate::domain::demo::{self, DemoSpec};
use crate::domain::identify::{self, Identification, Params};
use crate::domain::records::{
    content_sha256_of_rows, AssessmentRecord, ImportCounts, LogAction, LogEntry, Origin,
    RecordMeta, RunRecord, SchoolIdentity, SchoolRecord, SubmissionRecord,
};
use crate::storage::browser::{self, download};
use crate::storage::records as stored;
use crate::storage::{Db, Op};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Lets the browser paint (progress, messages) before synchronous work starts.
pub async fn yield_to_browser() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// Applies a batch with a progress bar, reloads, and announces the result.
pub async fn write(state: AppState, label: &str, ops: Vec<Op>, done: String) -> bool {
    state.progress.set(Some(Progress {
        label: label.to_string(),
        fraction: Some(0.0),
    }));
    let result = async {
        let db = Db::get().await?;
        db.apply(&ops, |n, total| {
            state.progress.set(Some(Progress {
                label: label.to_string(),
                fraction: Some(n as f64 / total as f64),
            }))
        })
        .await
    }
    .await;
    state.progress.set(None);
    match result {
        Ok(()) => {
            state.reload();
            state.say(NoticeKind::Success, done);
            true
        }
        Err(e) => {
            state.say(NoticeKind::Error, format!("Ничего не изменено: {e}"));
            false
        }
    }
}

/// Writes the demonstration region («Демонстрационный край»).
pub fn load_demo(state: AppState) {
    spawn_local(async move {
        state.progress.set(Some(Progress {
            label: "Создаю демонстрационный регион…".into(),
            fraction: None,
        }));
        yield_to_browser().await;
        let now = browser::now();
        let rows = demo::region(&DemoSpec::default());
        let meta = RecordMeta {
            modified_at: now.clone(),
            origin: Origin::Demo,
        };
        let mut ops = Vec::new();
        let mut seen = std::collections::BTreeMap::new();
        for r in &rows {
            seen.insert(r.school_id.clone(), SchoolIdentity::of_row(r)); // the latest year wins
        }
        for identity in seen.into_values() {
            ops.push(stored::put_school(&SchoolRecord::new(
                identity,
                meta.clone(),
            )));
        }
        for r in &rows {
            ops.push(stored::put_submission(&SubmissionRecord {
                row: r.clone(),
                meta: meta.clone(),
            }));
        }
        let assessments = demo::rubric_assessments(&DemoSpec::default(), &now);
        for a in &assessments {
            ops.push(stored::put_assessment(&AssessmentRecord::new(
                a.clone(),
                meta.clone(),
            )));
        }
        let counts = ImportCounts {
            new: rows.len() + assessments.len(),
            ..ImportCounts::default()
        };
        let log = LogEntry::new(
            &now,
            LogAction::Demo,
            None,
            None,
            format!(
                "{}: {} школ, {} строк, {} оценки механизмов управления",
                demo::REGION_NAME,
                DemoSpec::default().schools,
                rows.len(),
                assessments.len()
            ),
            counts,
        );
        ops.push(stored::add_log(&log));
        write(
            state,
            "Сохраняю демонстрационный регион…",
            ops,
            format!("Открыт {}: {} строк данных.", demo::REGION_NAME, rows.len()),
        )
        .await;
    });
}

/// Runs the identification on every stored row and saves the run.
pub fn run_identification(state: AppState) {
    spawn_local(async move {
        state.progress.set(Some(Progress {
            label: "Идёт идентификация…".into(),
            fraction: None,
        }));
        yield_to_browser().await;
        let rows = state
            .snapshot
            .with_untracked(|s| s.as_ref().map(|s| s.rows()).unwrap_or_default());
        let params = Params::default();
        let result = identify::identify(&rows, &params);
        state.progress.set(None);
        let result = match result {
            Ok(r) => r,
            Err(e) => {
                state.say(
                    NoticeKind::Error,
                    format!("Идентификация не проведена: {e}"),
                );
                return;
            }
        };
        let now = browser::now();
        let o = &result.summary.overall;
        let low = o
            .results
            .get(&identify::ResultsCategory::Low)
            .map(|t| t.count)
            .unwrap_or(0);
        let shnsu = o
            .social
            .get(&identify::SocialCategory::Unfavourable)
            .map(|t| t.count)
            .unwrap_or(0);
        let run = RunRecord {
            id: format!("run-{now}"),
            created_at: now.clone(),
            label: format!(
                "{} школ, годы {}",
                o.schools,
                result
                    .years
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            params,
            input_sha256: content_sha256_of_rows(&rows),
            result,
        };
        let done = format!("Идентификация проведена: ШНРО — {low}, ШНСУ — {shnsu}.");
        write(state, "Сохраняю расчёт…", vec![stored::put_run(&run)], done).await;
    });
}

/// The results of a run as CSV for Excel.
pub fn export_results_csv(result: &Identification) {
    let name = format!("shkala-идентификация-{}.csv", browser::today());
    if let Err(e) = download(
        &name,
        "text/csv;charset=utf-8",
        &identify::csv::to_csv(result),
    ) {
        leptos::logging::error!("download failed: {e}");
    }
}

/// All stored rows as CSV for Excel, in the row contract.
pub fn export_rows_csv(state: AppState) {
    let rows = state
        .snapshot
        .with_untracked(|s| s.as_ref().map(|s| s.rows()).unwrap_or_default());
    let mut rows = rows;
    rows.sort_by(|a, b| a.key().cmp(&b.key()));
    let text = crate::domain::csv_write::rows_csv(&rows);
    let name = format!("shkala-данные-{}.csv", browser::today());
    match download(&name, "text/csv;charset=utf-8", &text) {
        Ok(()) => log_export(state, name, None, format!("CSV: {} строк", rows.len())),
        Err(e) => state.say(NoticeKind::Error, format!("Не удалось сохранить файл: {e}")),
    }
}

/// Records an export in the journal (without a page-wide message).
pub fn log_export(state: AppState, file: String, sha256: Option<String>, summary: String) {
    spawn_local(async move {
        let log = LogEntry::new(
            &browser::now(),
            LogAction::Export,
            Some(file.clone()),
            sha256,
            summary,
            ImportCounts::default(),
        );
        write(
            state,
            "Записываю в журнал…",
            vec![stored::add_log(&log)],
            format!("Файл «{file}» сохранён."),
        )
        .await;
    });
}

/// Empties every data store (after the user confirmed; the page offers a backup first).
pub fn clear_all(state: AppState) {
    spawn_local(async move {
        let log = LogEntry::new(
            &browser::now(),
            LogAction::Clear,
            None,
            None,
            "Все данные удалены".into(),
            ImportCounts::default(),
        );
        write(
            state,
            "Удаляю данные…",
            stored::clear_ops(&log),
            "Все данные удалены из этого браузера.".into(),
        )
        .await;
    });
}

/// Saves a bundle to the user's disk and records the export in the journal.
pub fn export_bundle(state: AppState, bundle: Bundle) {
    let name = bundle::suggested_file_name(&bundle);
    match download(&name, "application/json", &bundle.to_json_pretty()) {
        Ok(()) => {
            let entry = bundle::export_log_entry(&bundle, &name, &browser::now());
            spawn_local(async move {
                write(
                    state,
                    "Записываю в журнал…",
                    vec![stored::add_log(&entry)],
                    format!("Файл «{name}» сохранён."),
                )
                .await;
            });
        }
        Err(e) => state.say(NoticeKind::Error, format!("Не удалось сохранить файл: {e}")),
    }
}

/// Everything in this browser, as one file.
pub fn export_backup(state: AppState) {
    let Some(b) = state.snapshot.with_untracked(|s| {
        s.as_ref()
            .map(|s| bundle::backup(s, &state.profile.get_untracked(), &browser::now()))
    }) else {
        return;
    };
    export_bundle(state, b);
}

/// One school's rows, for its municipality.
pub fn export_school(state: AppState, school_id: String) {
    let made = state.snapshot.with_untracked(|s| {
        s.as_ref().map(|s| {
            bundle::school_submission(
                s,
                &school_id,
                &state.profile.get_untracked(),
                &browser::now(),
            )
        })
    });
    match made {
        Some(Ok(b)) => export_bundle(state, b),
        Some(Err(e)) => state.say(NoticeKind::Error, e),
        None => {}
    }
}

/// Selected schools (all when `ids` is empty), for another municipality or the region.
pub fn export_collection(state: AppState, ids: Vec<String>) {
    let Some(b) = state.snapshot.with_untracked(|s| {
        s.as_ref()
            .map(|s| bundle::collection(s, &ids, &state.profile.get_untracked(), &browser::now()))
    }) else {
        return;
    };
    export_bundle(state, b);
}

/// Writes an import as previewed, with the user's choices for the conflicts: all of it in
/// one transaction, or nothing.
pub fn apply_import(
    state: AppState,
    plan: ImportPlan,
    resolutions: Resolutions,
    done: impl FnOnce(bool) + 'static,
) {
    spawn_local(async move {
        let writes = plan.writes(&resolutions);
        let summary = writes.entry.summary.clone();
        let ok = write(
            state,
            "Загружаю данные…",
            stored::writes_ops(&writes),
            format!("Импорт выполнен: {summary}."),
        )
        .await;
        done(ok);
    });
}

/// The reference values of a run, for schools to place themselves against the region.
pub fn export_reference(state: AppState, run_id: String) {
    let made = state.snapshot.with_untracked(|s| {
        let s = s.as_ref()?;
        let run = s.runs.iter().find(|r| r.id == run_id)?;
        let profile = state.profile.get_untracked();
        let region = if profile.organisation.is_empty() {
            "регион".to_string()
        } else {
            profile.organisation.clone()
        };
        Some(bundle::reference(
            &run.result,
            &s.rows(),
            &region,
            &profile,
            &browser::now(),
        ))
    });
    match made {
        Some(b) => export_bundle(state, b),
        None => state.say(
            NoticeKind::Error,
            "Расчёт не найден: проведите идентификацию ещё раз.",
        ),
    }
}
