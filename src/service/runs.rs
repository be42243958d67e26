//! Identification runs: a run computed (or a same run found by the digests of its rows),
//! the lists under the alternative readings, the chance estimate, a run renamed or deleted.

use super::{breathe, changed, now, Job, Outcome, Service, Stop};
use crate::domain::common::format::count;
use crate::domain::contract::digest::RowsDigest;
use crate::domain::contract::row::Row;
use crate::domain::exchange::catalog::{Change, RunHeader};
use crate::domain::exchange::records::{Origin, RunRecord, RunScope};
use crate::domain::exchange::snapshot::{Removal, Snapshot};
use crate::domain::method::identify::chance::{ChanceOptions, Replicates};
use crate::domain::method::identify::{self, Params, ResultsCategory, SocialCategory};
use crate::domain::method::reference::reference_pools;
use crate::protocol::Response;
use crate::storage::records::{self as stored};

impl Service {
    /// A stored run's parameters and rows (its scope, as stored now), and whether the rows
    /// changed since the run (what the robustness, the chance estimate and the small cohorts
    /// start from).
    async fn run_and_rows(&mut self, run: &str) -> Result<(Params, Vec<Row>, bool), Stop> {
        breathe().await;
        self.ensure_fresh().await?;
        let Some(record) = self.data.snapshot.runs.iter().find(|r| r.id == run) else {
            return Err(Stop::Failed(
                "расчёт не найден (возможно, он удалён)".into(),
            ));
        };
        let (rows, stale) = run_rows(&self.data.snapshot, record);
        Ok((record.result.params.clone(), rows, stale))
    }

    /// The run's rows identified under each alternative reading (1,500 schools: well under a
    /// second).
    pub(super) async fn robustness(&mut self, run: String, job: &Job) -> Result<Outcome, Stop> {
        (job.progress)("Пересчитываю списки при других прочтениях…", None);
        let (params, rows, stale) = self.run_and_rows(&run).await?;
        let robustness = identify::robustness::robustness(&rows, &params)
            .map_err(|e| Stop::Failed(format!("Устойчивость не посчитана: {e}")))?;
        if job.cancelled() {
            return Err(Stop::Cancelled);
        }
        Ok((
            Response::Robustness {
                robustness: Box::new(robustness),
                stale,
            },
            None,
        ))
    }

    /// The run's rows redrawn by chance and identified again (README, «Performance»: 200
    /// replicates of 1,500 schools in about two seconds). The replicates run in batches of
    /// about a tenth of a second, with the progress told and a cancel heard between them.
    pub(super) async fn chance(
        &mut self,
        run: String,
        options: ChanceOptions,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        (job.progress)("Готовлю повторы со случайностью…", None);
        let (params, rows, stale) = self.run_and_rows(&run).await?;
        let mut replicates = Replicates::new(&rows, &params, &options)
            .map_err(|e| Stop::Failed(format!("Оценка случайности не посчитана: {e}")))?;
        let total = replicates.total();
        let mut batch = 1;
        while replicates.done() < total {
            let started = js_sys::Date::now();
            replicates.run(batch);
            let took = (js_sys::Date::now() - started).max(1.0);
            // Aim at about 100 ms a batch, so the page hears a cancel quickly.
            batch = ((batch as f64 * 100.0 / took) as usize).clamp(1, 50);
            let done = replicates.done();
            (job.progress)(
                &format!("Повторы со случайностью: {done} из {total}"),
                Some(done as f64 / total as f64),
            );
            breathe().await;
            if job.cancelled() {
                return Err(Stop::Cancelled);
            }
        }
        Ok((
            Response::Chance {
                chance: Box::new(replicates.finish()),
                stale,
            },
            None,
        ))
    }

    /// The small cohorts of the run's schools (a light pass over its rows, no replicate).
    pub(super) async fn small_cohorts(&mut self, run: String, job: &Job) -> Result<Outcome, Stop> {
        (job.progress)("Проверяю численность групп…", None);
        let (params, rows, _) = self.run_and_rows(&run).await?;
        let small = identify::chance::cohorts::small_cohorts(
            &rows,
            &params,
            ChanceOptions::default().min_cohort,
        )
        .map_err(|e| Stop::Failed(format!("Численность групп не проверена: {e}")))?;
        Ok((Response::SmallCohorts(small), None))
    }

    pub(super) async fn identify(
        &mut self,
        scope: RunScope,
        params: Params,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        (job.progress)("Идёт идентификация…", None);
        breathe().await;
        self.ensure_fresh().await?;
        let any = self
            .data
            .snapshot
            .submissions
            .iter()
            .any(|s| scope.includes(s.meta.origin == Origin::Demo));
        if !any {
            return Err(Stop::Failed(format!(
                "Идентификация не проведена: нет данных ({})",
                scope.label()
            )));
        }
        // One intent, one effect: the same parameters over the same rows give the same run,
        // so a run already stored for them is shown again instead of being stored twice (a
        // double click, a repeated click after a reload). The rows' digest is the one the
        // page was given (computed once per data version), so that this check copies no row.
        let input_digest = self
            .ensure_digests()
            .iter()
            .find(|(s, _)| *s == scope)
            .map(|(_, d)| d.clone())
            .unwrap_or_default();
        if let Some(same) = self.data.snapshot.runs.iter().find(|r| {
            r.scope == scope && r.input_digest == input_digest && r.result.params == params
        }) {
            let header = RunHeader::of(same);
            let message = format!(
                "Такой расчёт уже есть — от {}: те же параметры и те же данные. Показан он; второй не сохранён.",
                crate::domain::common::format::date_time(&same.created_at)
            );
            return Ok((
                changed(
                    Change {
                        runs: vec![header],
                        ..Change::default()
                    },
                    message,
                ),
                None,
            ));
        }
        let rows = self.data.snapshot.rows_in(scope);
        let result = identify::identify(&rows, &params)
            .map_err(|e| Stop::Failed(format!("Идентификация не проведена: {e}")))?;
        breathe().await;
        if job.cancelled() {
            return Err(Stop::Cancelled);
        }
        let at = now();
        let o = &result.summary.overall;
        let low = o.results.get(&ResultsCategory::Low).map_or(0, |t| t.count);
        let shnsu = o
            .social
            .get(&SocialCategory::Unfavourable)
            .map_or(0, |t| t.count);
        let years: Vec<String> = result.years.iter().map(i32::to_string).collect();
        let id = format!("run-{at}");
        let run = RunRecord {
            chance_seed: identify::chance::run_seed(&id),
            id,
            created_at: at.clone(),
            label: format!(
                "{}, годы {}; {}",
                count(o.schools, "школа", "школы", "школ"),
                years.join(", "),
                scope.label()
            ),
            scope,
            input_digest,
            reference: reference_pools(&result, &rows),
            result: crate::domain::method::run::without_components(result),
        };
        drop(rows);
        self.write(vec![stored::put_run(&run)], "Сохраняю расчёт…", job)
            .await?;
        let change = Change {
            runs: vec![RunHeader::of(&run)],
            ..Change::default()
        };
        self.data.snapshot.runs.push(run);
        Ok((
            changed(
                change,
                format!("Идентификация проведена: ШНРО — {low}, ШНСУ — {shnsu}."),
            ),
            None,
        ))
    }

    pub(super) async fn digests(&mut self, job: &Job) -> Result<Outcome, Stop> {
        if self.ensure_fresh().await? {
            self.digests = None;
        }
        if self.digests.is_none() {
            (job.progress)("Проверяю, изменились ли данные…", None);
        }
        Ok((Response::Digests(self.ensure_digests().to_vec()), None))
    }

    /// The digests of the stored rows of each scope (what a run's `input_digest` is compared
    /// with), computed once after each write or read of the data.
    fn ensure_digests(&mut self) -> &[(RunScope, String)] {
        self.digests.get_or_insert_with(|| {
            let mut all = RowsDigest::default();
            let mut real = RowsDigest::default();
            let mut demo_only = RowsDigest::default();
            for s in &self.data.snapshot.submissions {
                let h = crate::domain::contract::digest::row_hash(&s.row);
                all.add_hash(&h);
                if RunScope::Real.includes(s.meta.origin == Origin::Demo) {
                    real.add_hash(&h);
                } else {
                    demo_only.add_hash(&h);
                }
            }
            vec![
                (RunScope::All, all.hex()),
                (RunScope::Real, real.hex()),
                (RunScope::Demo, demo_only.hex()),
            ]
        })
    }

    pub(super) async fn delete_run(&mut self, id: String, job: &Job) -> Result<Outcome, Stop> {
        self.ensure_fresh().await?;
        let Some(run) = self.data.snapshot.runs.iter().find(|r| r.id == id) else {
            return Err(Stop::Failed(
                "расчёт не найден (возможно, он уже удалён)".into(),
            ));
        };
        let summary = format!(
            "удалён расчёт «{}» от {}",
            run.label,
            run.created_at
                .date_ru(crate::domain::common::format::local_offset_minutes())
        );
        let message = format!("{}.", crate::domain::common::format::capitalise(&summary));
        let removal = Removal {
            runs: vec![id],
            ..Removal::default()
        };
        self.remove(removal, summary, "Удаляю расчёт…", message, job)
            .await
    }

    pub(super) async fn rename_run(
        &mut self,
        id: String,
        label: String,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        self.ensure_fresh().await?;
        let label = label.trim().to_string();
        if label.is_empty() {
            return Err(Stop::Failed(
                "Название расчёта не может быть пустым.".into(),
            ));
        }
        if label.chars().count() > 200 {
            return Err(Stop::Failed(
                "Название расчёта длиннее 200 знаков: сократите его.".into(),
            ));
        }
        let Some(i) = self.data.snapshot.runs.iter().position(|r| r.id == id) else {
            return Err(Stop::Failed(
                "расчёт не найден (возможно, он удалён)".into(),
            ));
        };
        let mut run = self.data.snapshot.runs[i].clone();
        run.label = label;
        self.write(vec![stored::put_run(&run)], "Переименовываю расчёт…", job)
            .await?;
        let change = Change {
            runs: vec![RunHeader::of(&run)],
            ..Change::default()
        };
        let message = format!("Расчёт переименован: «{}».", run.label);
        self.data.snapshot.runs[i] = run;
        Ok((changed(change, message), None))
    }
}

/// The rows stored now in a run's scope, and whether they are no longer the run's rows.
pub(super) fn run_rows(snapshot: &Snapshot, run: &RunRecord) -> (Vec<Row>, bool) {
    let rows = snapshot.rows_in(run.scope);
    let stale = RowsDigest::of(&rows).hex() != run.input_digest;
    (rows, stale)
}
