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
//!
//! This module holds the service's state, its reading of the database and the dispatch of a
//! request ([`Service::handle`]); the handlers are grouped by area: [`imports`] (inspect,
//! preview, apply), [`runs`] (identify, robustness, chance, digests, rename, delete), [`exports`]
//! (every file, the journal after it) and [`writes`] (demo, removals, a school, support,
//! clearing).

mod exports;
mod imports;
mod runs;
pub mod worker;
mod writes;

use crate::domain::common::format::count;
use crate::domain::common::time::Timestamp;
use crate::domain::contract::problem::Problem;
use crate::domain::exchange::bundle::{self, ImportPlan, Incoming};
use crate::domain::exchange::catalog::{
    summaries, CatalogCache, Change, Overview, RunHeader, Unreadable,
};
use crate::domain::exchange::records::{RunRecord, RunScope, SchoolDocuments, SchoolIdentity};
use crate::domain::input::ReadOptions;
use crate::protocol::{Request, Response};
use crate::storage::records::{self as stored, Loaded, DATA_VERSION};
use crate::storage::{stores, Db, Op, StorageError};
use imports::{first_problems, read_one, unreadable};
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
            Request::Chance { run, options } => self.chance(run, options, job).await,
            Request::SmallCohorts { run } => self.small_cohorts(run, job).await,
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
