//! Imports: a file looked at before its reading is chosen (the mapping step), the preview of
//! what an import would write, and its writing in one transaction.

use super::{breathe, changed, each_file, now, Job, Outcome, Service, Stop};
use crate::domain::contract::problem::{Place, Problem, ProblemSummary};
use crate::domain::exchange::bundle::{plan_import, Incoming};
use crate::domain::exchange::catalog::Change;
use crate::domain::input::ReadOptions;
use crate::protocol::{Choice, Inspection, PlanView, Response};
use crate::storage::records::{self as stored};
use std::collections::BTreeMap;

impl Service {
    /// The table files as they stand and as they would be read (the mapping step).
    pub(super) async fn inspect(
        &mut self,
        options: BTreeMap<String, ReadOptions>,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        let mut out = Vec::with_capacity(job.files.len());
        each_file(job, "Смотрю", &options, |name, read, opts| {
            out.push(match read {
                Ok(bytes) => Inspection::of(name, bytes, opts),
                Err(p) => Inspection::unreadable(p),
            })
        })
        .await?;
        Ok((Response::Inspected(out), None))
    }

    pub(super) async fn preview(
        &mut self,
        names: Vec<String>,
        options: BTreeMap<String, ReadOptions>,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        let mut incoming = Vec::new();
        let mut problems = Vec::new();
        let mut refused = 0;
        each_file(job, "Читаю", &options, |name, read, opts| {
            match read.map(|bytes| Incoming::read_with(name, bytes, opts)) {
                Ok(Ok((inc, notes))) => {
                    incoming.push(inc);
                    problems.extend(notes);
                }
                Ok(Err(p)) => {
                    refused += 1;
                    problems.extend(p);
                }
                Err(p) => {
                    refused += 1;
                    problems.push(p);
                }
            }
        })
        .await?;
        // A name the page sent with no file behind it (the browser gave none).
        for name in names
            .iter()
            .filter(|n| !job.files.iter().any(|(f, _)| f == *n))
        {
            refused += 1;
            problems.push(unreadable(name, "браузер не передал файл"));
        }
        if refused > 0 || incoming.is_empty() {
            return Ok((
                Response::Preview(Box::new(PlanView {
                    plan: None,
                    refused,
                    problems: ProblemSummary::of(&problems),
                    ..PlanView::default()
                })),
                None,
            ));
        }
        (job.progress)("Сравниваю с данными в хранилище…", None);
        breathe().await;
        self.ensure_fresh().await?;
        self.refresh_assessments().await?;
        if job.cancelled() {
            return Err(Stop::Cancelled);
        }
        let plan = plan_import(&self.data.snapshot, &incoming, &now());
        let problems = ProblemSummary::of(problems.iter().chain(&plan.warnings));
        let id = self.next_plan;
        self.next_plan += 1;
        let view = PlanView::of(id, &plan, problems);
        // One preview at a time is kept: a new one replaces the old.
        self.plans.clear();
        self.plans.insert(id, (plan, self.version.clone()));
        Ok((Response::Preview(Box::new(view)), None))
    }

    pub(super) async fn apply_import(
        &mut self,
        id: u64,
        choice: Choice,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        let Some((plan, version)) = self.plans.remove(&id) else {
            return Err(Stop::Failed(
                "предпросмотр устарел: выберите файлы снова".into(),
            ));
        };
        if self.stored_version().await? != version {
            self.reload().await?;
            return Err(Stop::Failed(
                "данные в хранилище изменились после предпросмотра (например, в другой вкладке): выберите файлы снова, ничего не записано".into(),
            ));
        }
        let writes = plan.writes(&choice.resolutions(&plan));
        let (n, ops) = stored::writes_op_iter(&writes);
        if let Err(e) = self.write_iter(n, ops, "Загружаю данные…", job).await {
            // A cancelled import can be applied again from the same preview.
            self.plans.insert(id, (plan, version));
            return Err(e);
        }
        self.data.snapshot.apply(&writes);
        let change = Change::of_writes(&self.data.snapshot, &writes);
        Ok((
            changed(
                change,
                format!("Импорт выполнен: {}.", writes.entry.summary),
            ),
            None,
        ))
    }
}

/// Reads the one file of a request with `f`, which answers or says why not (in Russian,
/// after `refused`: «Эталон не загружен: …»).
pub(super) fn read_one(
    job: &Job,
    refused: &str,
    f: impl FnOnce(&str, &[u8]) -> Result<Response, String>,
) -> Result<Outcome, Stop> {
    let Some((name, read)) = job.files.first() else {
        return Err(Stop::Failed("файл не передан".into()));
    };
    let bytes = read
        .as_ref()
        .map_err(|why| Stop::Failed(format!("{refused}: {}", unreadable(name, why))))?;
    f(name, bytes)
        .map(|response| (response, None))
        .map_err(|why| Stop::Failed(format!("{refused}: {why}")))
}

/// The first problems of a refused file, for a message (grouped: one mistake down a column
/// is one).
pub(super) fn first_problems(problems: &[Problem]) -> String {
    let groups = crate::domain::contract::problem::group(problems);
    let shown: Vec<String> = groups.iter().take(5).map(ToString::to_string).collect();
    let more = groups.len().saturating_sub(shown.len());
    let mut text = shown.join("; ");
    if more > 0 {
        text.push_str(&format!(
            " (и ещё {})",
            crate::domain::common::format::thousands(more)
        ));
    }
    text
}

/// A file the browser could not read (moved, deleted, or on a disconnected drive since it
/// was picked), with the browser's reason.
pub(super) fn unreadable(name: &str, why: &str) -> Problem {
    Problem::error(
        name,
        Place::File,
        None,
        format!("файл не удалось прочитать ({why}); выберите его снова — если он на съёмном или сетевом диске, скопируйте его на компьютер"),
    )
}
