//! Exports: every file the app writes, built here and handed over first; the journal entry
//! after it, best effort, without renewing the data version.

use super::runs::run_rows;
use super::{breathe, now, Body, Built, Job, Outcome, Service, Stop, RESULTS_FILE};
use crate::domain::common::file_name::file_name;
use crate::domain::common::format::count;
use crate::domain::exchange::bundle;
use crate::domain::exchange::catalog::Change;
use crate::domain::exchange::records::{ImportCounts, LogAction, LogEntry, RunScope};
use crate::domain::method::identify;
use crate::domain::tables::xlsx_write;
use crate::protocol::{Export, Response};
use crate::storage::records::{self as stored, SetAside};

impl Service {
    /// Writes a journal entry for a file handed to the user — best effort, after the file is
    /// built: a full storage (the very case for a backup) or any other failure costs the
    /// entry, never the file. The entry is no change of the data: it keeps the data version,
    /// so other tabs do not read the database again for it.
    pub(super) async fn journal(&mut self, entry: LogEntry) -> Change {
        let op = stored::add_log(&entry);
        if let Err(e) = self.db.apply(&[op], |_, _| {}).await {
            web_sys::console::warn_1(&format!("the journal entry was not written: {e}").into());
            return Change::default();
        }
        self.data.snapshot.log.push(entry.clone());
        Change {
            log: vec![entry],
            ..Change::default()
        }
    }

    pub(super) async fn export(&mut self, e: Export, job: &Job) -> Result<Outcome, Stop> {
        (job.progress)("Готовлю файл…", None);
        breathe().await;
        self.ensure_fresh().await?;
        self.refresh_assessments().await?;
        let at = now();
        // Every file is named by one scheme (domain::common::file_name) with the date where the
        // person is: today's, or the run's for a run's results.
        let offset = crate::domain::common::format::local_offset_minutes();
        let today = at.date_ru(offset);
        let named = |what: &str, ext: &str| file_name(what, &today, ext);
        let s = &self.data.snapshot;
        let bundle_file = |b: bundle::Bundle, compact: bool| {
            let name = bundle::suggested_file_name(&b, offset);
            let text = if compact {
                b.to_json()
            } else {
                b.to_json_pretty()
            };
            let entry = bundle::export_log_entry(&b, &name, &at);
            (
                Built {
                    name,
                    mime: "application/json",
                    body: Body::Text(text),
                },
                entry,
            )
        };
        let table_file = |name: String, body: Body, summary: String| {
            let entry = LogEntry::new(
                &at,
                LogAction::Export,
                Some(name.clone()),
                None,
                summary,
                ImportCounts::default(),
            );
            let mime = match body {
                Body::Text(_) => "text/csv;charset=utf-8",
                Body::Bytes(_) => xlsx_write::MIME,
            };
            (Built { name, mime, body }, entry)
        };
        let csv_file = |name: String, text: String, summary: String| {
            table_file(name, Body::Text(text), summary)
        };
        let workbook = |sheets: &[xlsx_write::Sheet]| {
            xlsx_write::workbook(sheets)
                .map(Body::Bytes)
                .map_err(|e| Stop::Failed(format!("книга Excel не построена: {e}")))
        };
        let (built, entry) = match e {
            Export::Backup { by } => bundle_file(bundle::backup(s, &by, &at), true),
            Export::School { school_id, by } => {
                let b = bundle::school_submission(s, &school_id, &by, &at).map_err(Stop::Failed)?;
                bundle_file(b, false)
            }
            Export::Collection { ids, by } => {
                bundle_file(bundle::collection(s, &ids, &by, &at), ids.is_empty())
            }
            Export::Assessments { ids, by } => {
                bundle_file(bundle::rubric_assessments(s, &ids, &by, &at), false)
            }
            Export::Reference { run, region, by } => {
                let r = s
                    .runs
                    .iter()
                    .find(|r| r.id == run)
                    .ok_or_else(|| Stop::Failed("расчёт не найден".into()))?;
                if r.reference.is_empty() {
                    return Err(Stop::Failed(
                        "в этом расчёте нет значений эталона (он сделан прежней версией Шкалы): проведите идентификацию заново".into(),
                    ));
                }
                bundle_file(bundle::reference(r, &region, &by, &at), false)
            }
            Export::RowsCsv => {
                let mut rows = s.rows_in(RunScope::All);
                rows.sort_by(|a, b| a.key().cmp(&b.key()));
                let n = rows.len();
                csv_file(
                    named("данные школ", "csv"),
                    crate::domain::tables::table::rows_csv(&rows),
                    format!("CSV: {}", count(n, "строка", "строки", "строк")),
                )
            }
            Export::RowsXlsx => {
                let mut rows = s.rows_in(RunScope::All);
                rows.sort_by(|a, b| a.key().cmp(&b.key()));
                let n = rows.len();
                let table = crate::domain::tables::table::rows_table(&rows);
                let body = workbook(&[xlsx_write::Sheet {
                    name: "Данные",
                    table: &table,
                }])?;
                table_file(
                    named("данные школ", "xlsx"),
                    body,
                    format!("XLSX: {}", count(n, "строка", "строки", "строк")),
                )
            }
            Export::ResultsXlsx { run } => {
                let r = s
                    .runs
                    .iter()
                    .find(|r| r.id == run)
                    .ok_or_else(|| Stop::Failed("расчёт не найден".into()))?;
                // How robust the lists are, from the run's own rows: when the stored rows
                // changed after the run, the workbook goes without it (it would describe
                // other lists than the run's).
                (job.progress)("Проверяю устойчивость списков для книги…", None);
                breathe().await;
                let (rows, stale) = run_rows(s, r);
                let robust = (!stale)
                    .then(|| identify::robustness::robustness(&rows, &r.result.params).ok())
                    .flatten();
                drop(rows);
                let mut tables = vec![(
                    "Контекст (линии)",
                    identify::csv::context_fits_table(&r.result),
                )];
                if let Some(rb) = &robust {
                    tables.extend(crate::domain::reports::result_workbook::robustness_tables(
                        rb,
                    ));
                }
                let extra = xlsx_write::sheets(&tables);
                (job.progress)("Собираю книгу Excel…", None);
                breathe().await;
                let body = crate::domain::reports::result_workbook::identification_workbook(
                    &r.result, &extra,
                )
                .map(Body::Bytes)
                .map_err(|e| Stop::Failed(format!("книга Excel не построена: {e}")))?;
                table_file(
                    file_name(RESULTS_FILE, &r.created_at.date_ru(offset), "xlsx"),
                    body,
                    format!(
                        "результаты расчёта «{}» (XLSX{})",
                        r.label,
                        if robust.is_some() {
                            ""
                        } else {
                            "; без устойчивости списков: данные изменились после расчёта"
                        }
                    ),
                )
            }
            Export::Workbook { file, sheets } => {
                let body = workbook(&xlsx_write::sheets(&sheets))?;
                let name = if file.to_lowercase().ends_with(".xlsx") {
                    file
                } else {
                    format!("{file}.xlsx")
                };
                let summary = format!("книга Excel «{name}»");
                table_file(name, body, summary)
            }
            Export::ResultsCsv { run } => {
                let r = s
                    .runs
                    .iter()
                    .find(|r| r.id == run)
                    .ok_or_else(|| Stop::Failed("расчёт не найден".into()))?;
                csv_file(
                    file_name(RESULTS_FILE, &r.created_at.date_ru(offset), "csv"),
                    identify::csv::russian_csv(&r.result),
                    format!("результаты расчёта «{}»", r.label),
                )
            }
            Export::Unreadable => {
                let items: Vec<serde_json::Value> = self
                    .data
                    .set_aside
                    .iter()
                    .map(|SetAside { unreadable: u, raw }| {
                        serde_json::json!({"store": u.store, "key": u.key, "reason": u.reason, "raw": raw})
                    })
                    .collect();
                let name = named("нечитаемые записи", "json");
                let text = serde_json::to_string_pretty(&items).unwrap_or_default();
                let entry = LogEntry::new(
                    &at,
                    LogAction::Export,
                    Some(name.clone()),
                    None,
                    format!("нечитаемые записи как есть: {}", items.len()),
                    ImportCounts::default(),
                );
                (
                    Built {
                        name,
                        mime: "application/json",
                        body: Body::Text(text),
                    },
                    entry,
                )
            }
        };
        if job.cancelled() {
            return Err(Stop::Cancelled);
        }
        let change = self.journal(entry).await;
        Ok((
            Response::File {
                name: built.name.clone(),
                mime: built.mime.to_string(),
                change: Box::new(change),
            },
            Some(built),
        ))
    }
}
