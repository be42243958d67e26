//! The data service: what runs in the Web Worker ([`worker`]) and owns the stored rows.
//!
//! The page never holds the rows (135,000 at national scale); the service reads the database
//! once, keeps it in memory ([`Service::data`]), and does every heavy job off the page's
//! thread: reading files, import previews and writes, identification, exports. After each
//! write it updates its own copy with exactly the records written and answers with a
//! [`Change`] that patches the page's [`Overview`] — nothing is read again.
//!
//! The page itself writes only small things (rubric answers, settings, drafts); the service
//! reads the rubric assessments again before a preview or an export. Every write of schools,
//! rows or runs also stores a new `data_version`; when the service finds another version than
//! its own (another tab wrote), it reads the database again before it plans or computes.
//!
//! Jobs check [`Job::cancelled`] between their stages and between batches of writes; a
//! cancelled job writes nothing.

pub mod worker;

use crate::domain::common::file_name::file_name;
use crate::domain::common::format::count;
use crate::domain::common::time::Timestamp;
use crate::domain::contract::digest::RowsDigest;
use crate::domain::contract::problem::{Place, Problem, ProblemSummary};
use crate::domain::contract::row::Row;
use crate::domain::demo::{self, DemoSpec};
use crate::domain::exchange::bundle::{self, plan_import, ImportPlan, Incoming};
use crate::domain::exchange::catalog::{
    summaries, CatalogCache, Change, Overview, RunHeader, Unreadable,
};
use crate::domain::exchange::records::{
    ImportCounts, LogAction, LogEntry, Origin, Removal, RunRecord, RunScope, SchoolDocuments,
    SchoolIdentity, Snapshot,
};
use crate::domain::input::ReadOptions;
use crate::domain::method::identify::{self, Params, ResultsCategory, SocialCategory};
use crate::domain::method::reference::reference_pools;
use crate::domain::tables::xlsx_write;
use crate::protocol::{Choice, Export, Inspection, PlanView, Request, Response};
use crate::storage::records::{self as stored, Loaded, SetAside, DATA_VERSION};
use crate::storage::{stores, Db, Op, StorageError};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

/// Says how far a job is: a label and, if known, a fraction 0–1.
pub type ProgressFn = Box<dyn Fn(&str, Option<f64>)>;

/// What a job can tell the page while it works, and ask.
pub struct Job {
    pub progress: ProgressFn,
    /// Set when the user cancelled.
    pub cancel: Rc<Cell<bool>>,
    /// Files sent with the request: their names, and their bytes or why the browser could
    /// not read them.
    pub files: Vec<(String, Result<Vec<u8>, String>)>,
}

impl Job {
    pub fn cancelled(&self) -> bool {
        self.cancel.get()
    }
}

/// A file built by an export: name, MIME type, text.
pub struct Built {
    pub name: String,
    pub mime: &'static str,
    pub body: Body,
}

/// A built file's content: text (JSON, CSV) or bytes (a workbook).
pub enum Body {
    Text(String),
    Bytes(Vec<u8>),
}

impl Built {
    /// The content, if it is text.
    pub fn text(&self) -> Option<&str> {
        match &self.body {
            Body::Text(t) => Some(t),
            Body::Bytes(_) => None,
        }
    }
}

/// Outcome of a job: the response, and a file to hand over beside it.
pub type Outcome = (Response, Option<Built>);

/// Why a job stopped.
enum Stop {
    Cancelled,
    Failed(String),
}

impl From<StorageError> for Stop {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Cancelled => Stop::Cancelled,
            e => Stop::Failed(format!("Ничего не изменено: {e}")),
        }
    }
}

/// Lets the worker's event loop run (a cancel message may be waiting).
pub async fn breathe() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// The clock.
pub fn now() -> Timestamp {
    Timestamp::from_unix_millis(js_sys::Date::now())
}

fn new_version() -> String {
    format!(
        "{}-{:08x}",
        now(),
        (js_sys::Math::random() * f64::from(u32::MAX)) as u32
    )
}

/// The `data_version` setting (stored as a JSON string, like every setting).
async fn stored_version(db: &Db) -> Result<Option<String>, StorageError> {
    Ok(db
        .get_value(stores::SETTINGS, DATA_VERSION)
        .await?
        .and_then(|t| serde_json::from_str::<String>(&t).ok()))
}

/// The answer to [`Request::Run`]: the run of that id among `runs`, if it is there.
pub fn run_answer(runs: &[RunRecord], id: &str) -> Option<Response> {
    runs.iter()
        .find(|r| r.id == id)
        .map(|r| Response::Run(Box::new(r.clone().into())))
}

pub struct Service {
    db: Db,
    /// The database as read, kept up to date by this service's own writes.
    pub data: Loaded,
    /// The `data_version` the copy corresponds to.
    version: Option<String>,
    plans: HashMap<u64, (ImportPlan, Option<String>)>,
    next_plan: u64,
    /// Digests of the rows per scope, until the next write.
    digests: Option<Vec<(RunScope, String)>>,
    /// The database was read again since the page last heard (another tab wrote, or the
    /// records were read after a quick start and say otherwise than the cache).
    reread: bool,
    /// What to tell the user about it.
    reread_notice: Option<String>,
    /// Every record has been read (after a quick start from the catalog cache, not yet).
    complete: bool,
    /// The overview the page was given at a quick start, until the records are read.
    shown: Option<Overview>,
    /// The catalog cache is older than the data (saved after the answer is sent).
    cache_stale: bool,
    /// The chunks of the quick-start copy that no longer say what the records say (see
    /// [`crate::domain::exchange::quick_copy`]); written after the answer, as the catalog cache.
    quick_dirty: BTreeSet<usize>,
    /// The copy's header names an older data version: a write renewed it without touching a
    /// school or row (a run, an assessment, a draft), so only the header is written again.
    quick_header_stale: bool,
}

/// The `settings` key of the [`CatalogCache`].
pub const CATALOG: &str = "catalog";

/// The words of a run's results file (CSV or workbook), named with the run's date:
/// «шкала-результаты-идентификации-06.12.2026.xlsx».
const RESULTS_FILE: &str = "результаты идентификации";

impl Service {
    /// Opens the database and reads it.
    pub async fn open(db: Db) -> Result<Service, StorageError> {
        let mut s = Service {
            db,
            data: Loaded::default(),
            version: None,
            plans: HashMap::new(),
            next_plan: 1,
            digests: None,
            reread: false,
            reread_notice: None,
            complete: true,
            shown: None,
            cache_stale: false,
            quick_dirty: BTreeSet::new(),
            quick_header_stale: false,
        };
        s.reload().await?;
        s.reread = false;
        Ok(s)
    }

    /// Opens the database for the page. When the catalog cache is current, the overview is
    /// made from it and the small stores at once, and the rows are read afterwards
    /// ([`Service::complete`]): a national database opens in a second instead of the time it
    /// takes the browser to hand over 135,000 records. Otherwise everything is read now.
    pub async fn start(db: Db) -> Result<(Service, Overview), StorageError> {
        let version = stored_version(&db).await?;
        let cache: Option<CatalogCache> = db
            .get_value(stores::SETTINGS, CATALOG)
            .await?
            .and_then(|t| serde_json::from_str(&t).ok());
        match (version, cache) {
            (Some(v), Some(cache)) if cache.version == v => {
                let mut small = Loaded::default();
                db.scan(
                    &[stores::ASSESSMENTS, stores::REFERENCES, stores::LOG],
                    |store, key, text| stored::take(&mut small, store, key, &text),
                )
                .await?;
                let unreadable = small
                    .set_aside
                    .iter()
                    .map(|s| s.unreadable.clone())
                    .collect();
                let mut overview = Overview::of(&small.snapshot, unreadable);
                overview.schools = cache.schools;
                overview.runs = cache.runs;
                let s = Service {
                    db,
                    data: small,
                    version: Some(v),
                    plans: HashMap::new(),
                    next_plan: 1,
                    digests: None,
                    reread: false,
                    reread_notice: None,
                    complete: false,
                    shown: Some(overview.clone()),
                    cache_stale: false,
                    quick_dirty: BTreeSet::new(),
                    quick_header_stale: false,
                };
                Ok((s, overview))
            }
            (version, _) => {
                let s = Service::open(db).await?;
                let overview = s.overview();
                if version.is_some() {
                    // The next start is quick.
                    s.save_cache().await;
                }
                Ok((s, overview))
            }
        }
    }

    /// Reads every record after a quick start. If the records say otherwise than the cache
    /// the page was given (unreadable records, a cache from an interrupted write), the page
    /// hears it through [`Service::take_refresh`].
    pub async fn complete(&mut self) -> Result<(), StorageError> {
        self.complete_with(&mut |_| {}).await
    }

    /// [`Service::complete`], calling `runs_read` with the stored runs as soon as they are
    /// read, before the rest ([`stored::load_quick_with`]).
    pub async fn complete_with(
        &mut self,
        runs_read: &mut dyn FnMut(&[RunRecord]),
    ) -> Result<(), StorageError> {
        if self.complete {
            return Ok(());
        }
        self.reload_with(runs_read).await?;
        self.complete = true;
        let shown = self.shown.take();
        self.reread = shown.as_ref() != Some(&self.overview());
        let unreadable = self.data.set_aside.len();
        self.reread_notice = (unreadable > 0).then(|| {
            format!(
                "{} не удалось прочитать; остальное работает. См. раздел «Данные».",
                count(
                    unreadable,
                    "запись хранилища",
                    "записи хранилища",
                    "записей хранилища"
                )
            )
        });
        Ok(())
    }

    /// Saves the catalog cache if a write made it stale, and the chunks of the quick-start
    /// copy that a write or a full read left behind (called after the answer is sent). A
    /// failure only costs the next start its speed.
    pub async fn flush_cache(&mut self) {
        if std::mem::take(&mut self.cache_stale) {
            self.save_cache().await;
        }
        if self.quick_dirty.is_empty() && !self.quick_header_stale {
            return;
        }
        let Some(version) = self.version.clone() else {
            return;
        };
        let ops = stored::quick_copy_ops(&self.data, &self.quick_dirty, &version);
        match self.db.apply(&ops, |_, _| {}).await {
            Ok(()) => {
                self.quick_dirty.clear();
                self.quick_header_stale = false;
            }
            Err(e) => web_sys::console::warn_1(&format!("quick-start copy not saved: {e}").into()),
        }
    }

    /// Whether every record has been read.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// Stores the catalog cache for the current version (after a write of schools, rows or
    /// runs). A failure only costs the next start its speed.
    async fn save_cache(&self) {
        let cache = CatalogCache {
            version: self.version.clone().unwrap_or_default(),
            schools: summaries(&self.data.snapshot, None),
            runs: self.data.snapshot.runs.iter().map(RunHeader::of).collect(),
        };
        let op = stored::put_setting(CATALOG, &cache);
        if let Err(e) = self.db.apply(&[op], |_, _| {}).await {
            web_sys::console::warn_1(&format!("catalog cache not saved: {e}").into());
        }
    }

    async fn stored_version(&self) -> Result<Option<String>, StorageError> {
        stored_version(&self.db).await
    }

    async fn reload(&mut self) -> Result<(), StorageError> {
        self.reload_with(&mut |_| {}).await
    }

    async fn reload_with(
        &mut self,
        runs_read: &mut dyn FnMut(&[RunRecord]),
    ) -> Result<(), StorageError> {
        let (data, version, from_copy) = stored::load_quick_with(&self.db, runs_read).await?;
        self.version = version;
        self.data = data;
        self.quick_dirty = if from_copy {
            BTreeSet::new()
        } else {
            (0..crate::domain::exchange::quick_copy::CHUNKS).collect()
        };
        self.digests = None;
        self.reread = true;
        self.reread_notice =
            Some("Данные изменены в другой вкладке: показано то, что хранится сейчас.".into());
        Ok(())
    }

    /// Reads the database again if another tab wrote to it; `true` if it did.
    async fn ensure_fresh(&mut self) -> Result<bool, StorageError> {
        if self.stored_version().await? != self.version {
            self.reload().await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Reads again the stores the page writes itself (rubric assessments).
    async fn refresh_assessments(&mut self) -> Result<(), StorageError> {
        let mut fresh = Loaded::default();
        self.db
            .scan(&[stores::ASSESSMENTS], |store, key, text| {
                stored::take(&mut fresh, store, key, &text)
            })
            .await?;
        self.data.snapshot.assessments = fresh.snapshot.assessments;
        self.data
            .set_aside
            .retain(|s| s.unreadable.store != stores::ASSESSMENTS);
        self.data.set_aside.extend(fresh.set_aside);
        Ok(())
    }

    pub fn overview(&self) -> Overview {
        Overview::of(&self.data.snapshot, self.unreadable())
    }

    fn unreadable(&self) -> Vec<Unreadable> {
        self.data
            .set_aside
            .iter()
            .map(|s| s.unreadable.clone())
            .collect()
    }

    /// The change that replaces the page's whole overview (after a reload).
    fn everything(&self) -> Change {
        let o = self.overview();
        Change {
            cleared: true,
            schools: o.schools,
            assessments: o.assessments,
            runs: o.runs,
            references: o.references,
            log: o.log,
            unreadable: Some(o.unreadable),
            ..Change::default()
        }
    }

    /// Writes `ops` with a new data version, in one transaction.
    async fn write(&mut self, ops: Vec<Op>, label: &str, job: &Job) -> Result<(), Stop> {
        let n = ops.len();
        self.write_iter(n, ops.into_iter(), label, job).await
    }

    /// Writes `total` ops made one at a time, with a new data version, in one transaction.
    async fn write_iter(
        &mut self,
        total: usize,
        ops: impl Iterator<Item = Op>,
        label: &str,
        job: &Job,
    ) -> Result<(), Stop> {
        let version = new_version();
        // The chunks of the quick-start copy this write makes out of date.
        let mut touched = BTreeSet::new();
        let ops = ops
            .inspect(|op| touches(op, &mut touched))
            .chain(std::iter::once(stored::put_setting(DATA_VERSION, &version)));
        let total = total + 1;
        (job.progress)(label, Some(0.0));
        self.db
            .apply_iter(
                &stored::WRITE_STORES,
                total,
                ops,
                |done, _| (job.progress)(label, Some(done as f64 / total as f64)),
                || job.cancelled(),
            )
            .await?;
        self.version = Some(version);
        self.digests = None;
        self.cache_stale = true;
        self.quick_dirty.extend(touched);
        self.quick_header_stale = true;
        Ok(())
    }

    /// Handles one request.
    pub async fn handle(&mut self, request: Request, job: &Job) -> Outcome {
        if !self.complete {
            (job.progress)("Читаю данные из хранилища…", None);
            if let Err(e) = self.complete().await {
                return (unavailable(&e), None);
            }
        }
        let result = match request {
            Request::Load => Ok((Response::Loaded(Box::new(self.overview())), None)),
            Request::Preview { files, options } => self.preview(files, options, job).await,
            // The files that could not be read are named by the import's preview, which
            // follows.
            Request::Inspect { files: _, options } => self.inspect(options, job).await,
            Request::ApplyImport { plan, choice } => self.apply_import(plan, choice, job).await,
            Request::DiscardPlan { plan } => {
                self.plans.remove(&plan);
                Ok((changed(Change::default(), String::new()), None))
            }
            Request::Identify { scope, params } => self.identify(scope, params, job).await,
            Request::Run { id } => match run_answer(&self.data.snapshot.runs, &id) {
                Some(answer) => Ok((answer, None)),
                None => Err(Stop::Failed(
                    "расчёт не найден (возможно, он удалён)".into(),
                )),
            },
            Request::Robustness { run } => self.robustness(run, job).await,
            Request::Digests => self.digests(job).await,
            Request::SchoolRows { school_id } => {
                let mut rows: Vec<_> = self
                    .data
                    .snapshot
                    .submissions
                    .iter()
                    .filter(|s| s.row.school_id == school_id)
                    .map(|s| s.row.clone())
                    .collect();
                rows.sort_by_key(|r| r.year);
                let record = self.data.snapshot.school(&school_id).cloned().map(Box::new);
                Ok((Response::School { record, rows }, None))
            }
            Request::Export(e) => self.export(e, job).await,
            Request::LoadDemo => self.load_demo(job).await,
            Request::RemoveDemo => self.remove_demo(job).await,
            Request::DeleteRun { id } => self.delete_run(id, job).await,
            Request::RenameRun { id, label } => self.rename_run(id, label, job).await,
            Request::SetSupport { year, changes } => self.set_support(year, changes, job).await,
            Request::SchoolHistory { school_id } => {
                let mut runs: Vec<&RunRecord> = self.data.snapshot.runs.iter().collect();
                runs.sort_by(|a, b| a.created_at.cmp(&b.created_at));
                Ok((
                    Response::History(crate::domain::method::analysis::history_of_runs(
                        &runs, &school_id,
                    )),
                    None,
                ))
            }
            Request::Documents { municipality } => {
                let mut list: Vec<(SchoolIdentity, SchoolDocuments)> = self
                    .data
                    .snapshot
                    .schools
                    .iter()
                    .filter(|s| !s.documents.is_empty())
                    .filter(|s| municipality.as_ref().is_none_or(|m| &s.municipality == m))
                    .map(|s| (s.identity(), s.documents.clone()))
                    .collect();
                list.sort_by(|a, b| {
                    (&a.0.municipality, &a.0.school_name, &a.0.school_id).cmp(&(
                        &b.0.municipality,
                        &b.0.school_name,
                        &b.0.school_id,
                    ))
                });
                Ok((Response::Documents(list), None))
            }
            Request::SaveSchool {
                school,
                rows,
                documents,
            } => self.save_school(school, rows, documents, job).await,
            Request::OwnRows { school_id } => {
                read_one(job, "Файл не принят", |name, bytes| {
                    let (incoming, _) =
                        Incoming::read(name, bytes).map_err(|p| first_problems(&p))?;
                    crate::domain::workspace::own_rows(&incoming, &school_id)
                        .map(|own| Response::OwnRows(Box::new(own)))
                })
            }
            Request::ReadReference => {
                read_one(job, "Эталон не загружен", |name, bytes| {
                    bundle::parse_bundle_as(name, bytes, &[bundle::Kind::Reference])
                        .map_err(|p| first_problems(&p))
                        .and_then(|pb| crate::domain::workspace::SavedReference::of_bundle(&pb))
                        .map(|r| Response::Reference(Box::new(r)))
                })
            }
            Request::Clear => self.clear(job).await,
            Request::DeleteUnreadable { items } => self.delete_unreadable(items, job).await,
            Request::Cancel { .. } => Ok((changed(Change::default(), String::new()), None)),
        };
        match result {
            Ok(outcome) => outcome,
            Err(Stop::Cancelled) => (Response::Cancelled, None),
            Err(Stop::Failed(message)) => (Response::Failed { message }, None),
        }
    }

    /// The table files as they stand and as they would be read (the mapping step).
    async fn inspect(
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

    async fn preview(
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

    async fn apply_import(&mut self, id: u64, choice: Choice, job: &Job) -> Result<Outcome, Stop> {
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

    /// The run's rows identified under each alternative reading (1,500 schools: well under a
    /// second).
    async fn robustness(&mut self, run: String, job: &Job) -> Result<Outcome, Stop> {
        (job.progress)("Пересчитываю списки при других прочтениях…", None);
        breathe().await;
        self.ensure_fresh().await?;
        let Some(record) = self.data.snapshot.runs.iter().find(|r| r.id == run) else {
            return Err(Stop::Failed(
                "расчёт не найден (возможно, он удалён)".into(),
            ));
        };
        let (rows, stale) = run_rows(&self.data.snapshot, record);
        let robustness = identify::robustness::robustness(&rows, &record.result.params)
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

    async fn identify(
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
        let run = RunRecord {
            id: format!("run-{at}"),
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

    async fn digests(&mut self, job: &Job) -> Result<Outcome, Stop> {
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

    /// Writes a journal entry for a file handed to the user — best effort, after the file is
    /// built: a full storage (the very case for a backup) or any other failure costs the
    /// entry, never the file. The entry is no change of the data: it keeps the data version,
    /// so other tabs do not read the database again for it.
    async fn journal(&mut self, entry: LogEntry) -> Change {
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

    async fn export(&mut self, e: Export, job: &Job) -> Result<Outcome, Stop> {
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

    async fn load_demo(&mut self, job: &Job) -> Result<Outcome, Stop> {
        (job.progress)("Создаю демонстрационный регион…", None);
        breathe().await;
        self.ensure_fresh().await?;
        let (writes, skipped) =
            demo::writes_apart(&self.data.snapshot, &DemoSpec::default(), &now());
        let n = writes.submissions.len();
        let (total, ops) = stored::writes_op_iter(&writes);
        self.write_iter(total, ops, "Сохраняю демонстрационный регион…", job)
            .await?;
        self.data.snapshot.apply(&writes);
        let change = Change::of_writes(&self.data.snapshot, &writes);
        Ok((
            changed(
                change,
                format!(
                    "Открыт {}: {}.{}",
                    demo::REGION_NAME,
                    count(n, "строка данных", "строки данных", "строк данных"),
                    if skipped > 0 {
                        format!(" Не добавлены школы, чьи коды заняты вашими школами: {skipped}.")
                    } else {
                        String::new()
                    }
                ),
            ),
            None,
        ))
    }

    /// Deletes records in one transaction, with a journal entry saying `summary`.
    async fn remove(
        &mut self,
        removal: Removal,
        summary: String,
        label: &str,
        message: String,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        let entry = LogEntry::new(
            &now(),
            LogAction::Clear,
            None,
            None,
            summary,
            ImportCounts::default(),
        );
        let mut ops = stored::removal_ops(&removal);
        ops.push(stored::add_log(&entry));
        self.write(ops, label, job).await?;
        self.data.snapshot.remove(&removal);
        self.data.snapshot.log.push(entry.clone());
        let change = Change::of_removal(&self.data.snapshot, &removal, &[entry]);
        Ok((changed(change, message), None))
    }

    async fn remove_demo(&mut self, job: &Job) -> Result<Outcome, Stop> {
        self.ensure_fresh().await?;
        self.refresh_assessments().await?;
        let removal = self.data.snapshot.demo_records();
        if removal.is_empty() {
            return Err(Stop::Failed(
                "демонстрационных данных в хранилище нет".into(),
            ));
        }
        let summary = format!(
            "удалён {}: школ — {}, строк — {}, оценок механизмов — {}, расчётов по нему — {}",
            demo::REGION_NAME,
            removal.schools.len(),
            removal.submissions.len(),
            removal.assessments.len(),
            removal.runs.len()
        );
        let message = format!("Демонстрационный регион удалён: {summary}.");
        self.remove(
            removal,
            summary,
            "Удаляю демонстрационный регион…",
            message,
            job,
        )
        .await
    }

    /// Stores a school's confirmed draft (checked again here: the rows must be the school's
    /// and valid, the documents valid).
    async fn save_school(
        &mut self,
        school: SchoolIdentity,
        rows: Vec<Row>,
        documents: SchoolDocuments,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        self.ensure_fresh().await?;
        let mut problems = crate::domain::workspace::school_entry::identity_problems(&school);
        for r in &rows {
            if r.school_id != school.school_id {
                problems.push(format!(
                    "строка за {} год относится к школе «{}»",
                    r.year, r.school_id
                ));
            }
        }
        problems.extend(documents.problems());
        if rows.is_empty() {
            problems.push("нет ни одной строки данных".into());
        }
        if !problems.is_empty() {
            return Err(Stop::Failed(format!(
                "Данные школы не сохранены: {}",
                problems.join("; ")
            )));
        }
        let mut writes = crate::domain::workspace::confirm(&school, &rows, documents, &now());
        // The project's decisions about the school (made here by a municipality) stay.
        if let (Some(stored), Some(new)) = (
            self.data.snapshot.school(&school.school_id),
            writes.schools.first_mut(),
        ) {
            new.support = stored.support.clone();
        }
        let (n, ops) = stored::writes_op_iter(&writes);
        self.write_iter(n, ops, "Сохраняю данные школы…", job)
            .await?;
        self.data.snapshot.apply(&writes);
        let change = Change::of_writes(&self.data.snapshot, &writes);
        Ok((
            changed(change, format!("Сохранено: {}.", writes.entry.summary)),
            None,
        ))
    }

    async fn delete_run(&mut self, id: String, job: &Job) -> Result<Outcome, Stop> {
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

    async fn set_support(
        &mut self,
        year: i32,
        changes: Vec<(String, crate::domain::support::Support)>,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        self.ensure_fresh().await?;
        let writes = crate::domain::exchange::project::support_writes(
            &self.data.snapshot,
            year,
            &changes,
            &now(),
        )
        .map_err(|p| Stop::Failed(format!("Не сохранено: {}.", p.join("; "))))?;
        if writes.schools.is_empty() {
            return Ok((changed(Change::default(), "Изменений нет.".into()), None));
        }
        let (n, ops) = stored::writes_op_iter(&writes);
        self.write_iter(n, ops, "Сохраняю участников и партнёров…", job)
            .await?;
        self.data.snapshot.apply(&writes);
        let change = Change::of_writes(&self.data.snapshot, &writes);
        let message = format!("Сохранено: {}.", writes.entry.summary);
        Ok((changed(change, message), None))
    }

    async fn rename_run(&mut self, id: String, label: String, job: &Job) -> Result<Outcome, Stop> {
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

    async fn clear(&mut self, job: &Job) -> Result<Outcome, Stop> {
        let entry = LogEntry::new(
            &now(),
            LogAction::Clear,
            None,
            None,
            "Все данные удалены".into(),
            ImportCounts::default(),
        );
        self.write(stored::clear_ops(&entry), "Удаляю данные…", job)
            .await?;
        self.data = Loaded {
            snapshot: Snapshot {
                log: vec![entry.clone()],
                ..Snapshot::default()
            },
            set_aside: Vec::new(),
        };
        self.plans.clear();
        let change = Change {
            cleared: true,
            log: vec![entry],
            unreadable: Some(Vec::new()),
            ..Change::default()
        };
        Ok((
            changed(change, "Все данные удалены из этого браузера.".into()),
            None,
        ))
    }

    async fn delete_unreadable(
        &mut self,
        items: Vec<(String, String)>,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        let wanted: BTreeMap<(String, String), ()> = items.into_iter().map(|i| (i, ())).collect();
        let mut ops = Vec::new();
        for s in &self.data.set_aside {
            let u = &s.unreadable;
            if wanted.contains_key(&(u.store.clone(), u.key.clone())) {
                if let Some(store) = stores::known(&u.store) {
                    ops.push(Op::Delete {
                        store,
                        key: u.key.clone(),
                    });
                }
            }
        }
        if ops.is_empty() {
            return Err(Stop::Failed("эти записи уже удалены".into()));
        }
        let n = ops.len();
        let entry = LogEntry::new(
            &now(),
            LogAction::Clear,
            None,
            None,
            format!("удалены нечитаемые записи: {n}"),
            ImportCounts::default(),
        );
        ops.push(stored::add_log(&entry));
        self.write(ops, "Удаляю нечитаемые записи…", job).await?;
        self.data.set_aside.retain(|s| {
            !wanted.contains_key(&(s.unreadable.store.clone(), s.unreadable.key.clone()))
        });
        self.data.snapshot.log.push(entry.clone());
        let change = Change {
            log: vec![entry],
            unreadable: Some(self.unreadable()),
            ..Change::default()
        };
        Ok((
            changed(change, format!("Удалено нечитаемых записей: {n}.")),
            None,
        ))
    }
}

/// The rows stored now in a run's scope, and whether they are no longer the run's rows.
fn run_rows(snapshot: &Snapshot, run: &RunRecord) -> (Vec<Row>, bool) {
    let rows = snapshot.rows_in(run.scope);
    let stale = RowsDigest::of(&rows).hex() != run.input_digest;
    (rows, stale)
}

/// Calls `f` on each file sent beside the request with its read options (the default when
/// none are given), saying «{verb} «file»…» with the share done, and letting the page breathe
/// and cancel before each.
async fn each_file(
    job: &Job,
    verb: &str,
    options: &BTreeMap<String, ReadOptions>,
    mut f: impl FnMut(&str, Result<&[u8], Problem>, &ReadOptions),
) -> Result<(), Stop> {
    let total = job.files.len().max(1);
    let default = ReadOptions::default();
    for (i, (name, read)) in job.files.iter().enumerate() {
        (job.progress)(&format!("{verb} «{name}»…"), Some(i as f64 / total as f64));
        breathe().await;
        if job.cancelled() {
            return Err(Stop::Cancelled);
        }
        let read = match read {
            Ok(bytes) => Ok(bytes.as_slice()),
            Err(why) => Err(unreadable(name, why)),
        };
        f(name, read, options.get(name).unwrap_or(&default));
    }
    Ok(())
}

/// Notes the chunks of the quick-start copy that `op` makes out of date: a school's or a
/// row's chunk, or all of them when the schools or rows are emptied.
fn touches(op: &Op, touched: &mut BTreeSet<usize>) {
    use crate::domain::exchange::quick_copy::{bucket, CHUNKS};
    match op {
        Op::Put { store, key, .. } | Op::Add { store, key, .. } | Op::Delete { store, key } => {
            match *store {
                stores::SCHOOLS => {
                    touched.insert(bucket(key));
                }
                stores::SUBMISSIONS => match serde_json::from_str::<(String, i32)>(key) {
                    Ok((id, _)) => {
                        touched.insert(bucket(&id));
                    }
                    Err(_) => touched.extend(0..CHUNKS),
                },
                _ => {}
            }
        }
        Op::Clear { store } => {
            if [stores::SCHOOLS, stores::SUBMISSIONS].contains(store) {
                touched.extend(0..CHUNKS);
            }
        }
    }
}

/// Reads the one file of a request with `f`, which answers or says why not (in Russian,
/// after `refused`: «Эталон не загружен: …»).
fn read_one(
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
fn first_problems(problems: &[Problem]) -> String {
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
fn unreadable(name: &str, why: &str) -> Problem {
    Problem::error(
        name,
        Place::File,
        None,
        format!("файл не удалось прочитать ({why}); выберите его снова — если он на съёмном или сетевом диске, скопируйте его на компьютер"),
    )
}

fn changed(change: Change, message: String) -> Response {
    Response::Changed {
        change: Box::new(change),
        message,
    }
}
impl Service {
    /// If the database was read again since the last call, the change that replaces the
    /// page's overview.
    pub fn take_refresh(&mut self) -> Option<(Change, Option<String>)> {
        std::mem::take(&mut self.reread).then(|| (self.everything(), self.reread_notice.take()))
    }
}

/// The response to a request made while the database could not be opened.
pub fn unavailable(e: &StorageError) -> Response {
    Response::Failed {
        message: e.to_string(),
    }
}
