//! The one module that owns IndexedDB.
//!
//! - One database, [`DB_NAME`], versioned by [`DB_VERSION`] with an upgrade ladder
//!   ([`upgrade`]): any older version reaches the current one step by step.
//! - Records are stored as JSON text under explicit string keys (our canonical format; no
//!   conversion of numbers or maps through JavaScript objects).
//! - One user action = one read-write transaction over all the stores it touches
//!   ([`Db::apply`]). Everything is prepared before the transaction opens, and only IndexedDB
//!   requests are awaited inside it (any other await would let the browser commit it early).
//!   Requests are issued in batches and the last of each batch awaited (the database runs them
//!   in order), so a national import is not one round trip per record. It ends with
//!   `commit().await`; a transaction dropped on an error, or aborted because the user
//!   cancelled, rolls back, so a failed or cancelled write leaves the database as it was.
//! - Reading ([`Db::load`]) goes store by store in chunks of keys, in one read-only
//!   transaction, so that a store of 135,000 records is never one huge request.
//!
//! The mapping between domain records and these raw (key, JSON) pairs is in [`records`].

pub mod browser;
pub mod drafts;
pub mod records;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
use std::cell::RefCell;
use std::collections::BTreeMap;

pub const DB_NAME: &str = "shkala";
/// Version 1: the data stores. Version 2: `settings` and `drafts`. Version 3: `quick` (the
/// quick-start copy of the schools and rows, [`crate::domain::exchange::quick_copy`]).
pub const DB_VERSION: u32 = 3;

/// Store names.
pub mod stores {
    pub const SCHOOLS: &str = "schools";
    pub const SUBMISSIONS: &str = "submissions";
    pub const ASSESSMENTS: &str = "assessments";
    pub const RUNS: &str = "runs";
    pub const REFERENCES: &str = "references";
    pub const LOG: &str = "log";
    pub const SETTINGS: &str = "settings";
    pub const DRAFTS: &str = "drafts";
    /// The quick-start copy of the schools and rows (derived; see
    /// [`crate::domain::exchange::quick_copy`]).
    pub const QUICK: &str = "quick";

    /// Stores that hold the user's data (what a backup carries and «очистить» empties).
    pub const DATA: [&str; 6] = [SCHOOLS, SUBMISSIONS, ASSESSMENTS, RUNS, REFERENCES, LOG];
    /// Every store of the current version.
    pub const ALL: [&str; 9] = [
        SCHOOLS,
        SUBMISSIONS,
        ASSESSMENTS,
        RUNS,
        REFERENCES,
        LOG,
        SETTINGS,
        DRAFTS,
        QUICK,
    ];

    /// The store's name as it is known in this build (for keys coming from the UI).
    pub fn known(name: &str) -> Option<&'static str> {
        ALL.into_iter().find(|s| *s == name)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StorageError {
    #[error("хранилище браузера недоступно: {0}. Возможно, браузер запрещает сохранять данные (режим инкогнито или настройки приватности)")]
    Open(String),
    #[error("недостаточно места в хранилище браузера: {0}. Освободите место: сохраните резервную копию и удалите ненужные расчёты или данные")]
    Quota(String),
    #[error("ошибка хранилища браузера: {0}")]
    Other(String),
    #[error("данные в хранилище повреждены: хранилище «{store}», запись «{key}»: {message}")]
    Corrupt {
        store: String,
        key: String,
        message: String,
    },
    #[error("отменено: ничего не записано")]
    Cancelled,
    /// Another tab opened a newer version of the app, which upgraded the database: this
    /// connection was closed so as not to hold that upgrade up.
    #[error("«Шкала» обновилась в другой вкладке, и эта страница отключена от хранилища: перезагрузите её. Сохранённые данные не пострадали")]
    Superseded,
}

/// What the storage tells the page about the database's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageEvent {
    /// Opening waits: another tab still holds the database at an older version.
    Blocked,
    /// The database is open.
    Opened,
    /// Another tab upgraded the database; this connection is closed (see
    /// [`StorageError::Superseded`]).
    Superseded,
}

/// The words the page shows while the database cannot be opened because another tab holds it.
pub const BLOCKED: &str = "Хранилище занято другой вкладкой «Шкалы» с прежней версией приложения: закройте или перезагрузите ту вкладку — эта продолжит работу сама.";

type EventHook = std::rc::Rc<dyn Fn(StorageEvent)>;

impl From<indexed_db_futures::error::Error> for StorageError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        let text = e.to_string();
        if text.contains("Quota") {
            StorageError::Quota(text)
        } else {
            StorageError::Other(text)
        }
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StorageError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        StorageError::Open(e.to_string())
    }
}

/// Closes `db` when another tab asks for a newer version of the database, so that its
/// upgrade is never held up by this one; from then on [`Db::get`] answers
/// [`StorageError::Superseded`] (when `app` — the app's own database, not a test's).
fn give_way_to_upgrades(db: &Database, app: bool) {
    use indexed_db_futures::internals::SystemRepr;
    use wasm_bindgen::JsCast;
    let raw: web_sys::IdbDatabase = db.as_sys().clone().unchecked_into();
    let closing = raw.clone();
    let on_change = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        closing.close();
        if app {
            SUPERSEDED.with(|s| s.set(true));
            OPEN.with(|o| *o.borrow_mut() = None);
        }
        tell(StorageEvent::Superseded);
    });
    let _ =
        raw.add_event_listener_with_callback("versionchange", on_change.as_ref().unchecked_ref());
    on_change.forget();
}

/// The schema ladder: each step brings the database from one version to the next.
pub fn upgrade(db: &Database, old: u32, new: u32) -> indexed_db_futures::Result<()> {
    if old < 1 && new >= 1 {
        for name in [
            stores::SCHOOLS,
            stores::SUBMISSIONS,
            stores::ASSESSMENTS,
            stores::RUNS,
            stores::REFERENCES,
            stores::LOG,
        ] {
            db.create_object_store(name).build()?;
        }
    }
    if old < 2 && new >= 2 {
        db.create_object_store(stores::SETTINGS).build()?;
        db.create_object_store(stores::DRAFTS).build()?;
    }
    if old < 3 && new >= 3 {
        db.create_object_store(stores::QUICK).build()?;
    }
    Ok(())
}

/// An open database.
#[derive(Clone)]
pub struct Db {
    db: std::rc::Rc<Database>,
}

/// One write of a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Insert or replace.
    Put {
        store: &'static str,
        key: String,
        value: String,
    },
    /// Insert; fails (and rolls the whole batch back) if the key exists. Used for the log.
    Add {
        store: &'static str,
        key: String,
        value: String,
    },
    Delete {
        store: &'static str,
        key: String,
    },
    Clear {
        store: &'static str,
    },
}

impl Op {
    fn store(&self) -> &'static str {
        match self {
            Op::Put { store, .. }
            | Op::Add { store, .. }
            | Op::Delete { store, .. }
            | Op::Clear { store } => store,
        }
    }
}

/// Everything in a set of stores: store → key → JSON text.
pub type Raw = BTreeMap<String, BTreeMap<String, String>>;

/// How many records one read request returns.
pub const READ_CHUNK: u32 = 5_000;

/// How many writes are issued before one is awaited; also how often a cancel is looked at.
pub const WRITE_BATCH: usize = 2_000;

thread_local! {
    static OPEN: RefCell<Option<Db>> = const { RefCell::new(None) };
    /// Set once another tab upgraded the database: no connection is opened again here.
    static SUPERSEDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Who hears the [`StorageEvent`]s of this page (or worker).
    static ON_EVENT: RefCell<Option<EventHook>> = const { RefCell::new(None) };
}

/// What to do on a [`StorageEvent`] (the page shows a note or the failure banner).
pub fn on_event(f: impl Fn(StorageEvent) + 'static) {
    ON_EVENT.with(|h| *h.borrow_mut() = Some(std::rc::Rc::new(f)));
}

fn tell(event: StorageEvent) {
    if let Some(f) = ON_EVENT.with(|h| h.borrow().clone()) {
        f(event);
    }
}

impl Db {
    /// The app's database, opened once per page (or worker).
    pub async fn get() -> Result<Db, StorageError> {
        if SUPERSEDED.with(|s| s.get()) {
            return Err(StorageError::Superseded);
        }
        if let Some(db) = OPEN.with(|o| o.borrow().clone()) {
            return Ok(db);
        }
        let db = Db::open(DB_NAME, DB_VERSION).await?;
        OPEN.with(|o| *o.borrow_mut() = Some(db.clone()));
        Ok(db)
    }

    /// Writes one small record of the page (a setting, a draft, an assessment) in a
    /// transaction of its own.
    pub async fn write_one(op: Op) -> Result<(), StorageError> {
        Db::get().await?.apply(&[op], |_, _| {}).await
    }

    /// Opens (creating or upgrading) a database at a given version.
    ///
    /// Two tabs of different versions share one database. When another tab asks for a newer
    /// version, this connection closes at once (`versionchange`) so that the upgrade goes
    /// ahead, and the page hears [`StorageEvent::Superseded`]; while this open waits for an
    /// older tab to close (`blocked`), the page hears [`StorageEvent::Blocked`] and then
    /// [`StorageEvent::Opened`].
    pub async fn open(name: &str, version: u32) -> Result<Db, StorageError> {
        let blocked = std::rc::Rc::new(std::cell::Cell::new(false));
        let was_blocked = blocked.clone();
        let db = Database::open(name)
            .with_version(version)
            .with_on_blocked(move |_| {
                blocked.set(true);
                tell(StorageEvent::Blocked);
                Ok(())
            })
            .with_on_upgrade_needed(move |event, db| {
                let old = event.old_version() as u32;
                let new = event.new_version().map(|v| v as u32).unwrap_or(version);
                upgrade(&db, old, new)
            })
            .await?;
        give_way_to_upgrades(&db, name == DB_NAME);
        if was_blocked.get() {
            tell(StorageEvent::Opened);
        }
        Ok(Db {
            db: std::rc::Rc::new(db),
        })
    }

    pub fn version(&self) -> u32 {
        self.db.version() as u32
    }

    pub fn store_names(&self) -> Vec<String> {
        self.db.object_store_names().collect()
    }

    /// Closes the connection (tests; an upgrade from another tab).
    pub fn close(self) {
        if let Ok(db) = std::rc::Rc::try_unwrap(self.db) {
            db.close();
        }
    }

    /// Reads the given stores in one read-only transaction, [`READ_CHUNK`] keys at a time;
    /// `each(store, key, text)` sees every record, in key order.
    pub async fn scan(
        &self,
        names: &[&'static str],
        mut each: impl FnMut(&'static str, String, String),
    ) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(names.to_vec())
            .with_mode(TransactionMode::Readonly)
            .build()?;
        for &name in names {
            let store = tx.object_store(name)?;
            let mut after: Option<String> = None;
            loop {
                let (keys, values): (Vec<String>, Vec<String>) = match &after {
                    None => {
                        let k = store
                            .get_all_keys::<String>()
                            .with_limit(READ_CHUNK)
                            .primitive()?;
                        let v = store
                            .get_all::<String>()
                            .with_limit(READ_CHUNK)
                            .primitive()?;
                        (
                            k.await?.collect::<Result<_, _>>()?,
                            v.await?.collect::<Result<_, _>>()?,
                        )
                    }
                    Some(last) => {
                        let range = || KeyRange::LowerBound(last.as_str(), true);
                        let k = store
                            .get_all_keys::<String>()
                            .with_query::<&str, _>(range())
                            .with_limit(READ_CHUNK)
                            .primitive()?;
                        let v = store
                            .get_all::<String>()
                            .with_query::<&str, _>(range())
                            .with_limit(READ_CHUNK)
                            .primitive()?;
                        (
                            k.await?.collect::<Result<_, _>>()?,
                            v.await?.collect::<Result<_, _>>()?,
                        )
                    }
                };
                let n = keys.len();
                after = keys.last().cloned();
                for (k, v) in keys.into_iter().zip(values) {
                    each(name, k, v);
                }
                if n < READ_CHUNK as usize {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Reads the given stores whole (tests and small stores).
    pub async fn load(&self, names: &[&'static str]) -> Result<Raw, StorageError> {
        let mut raw = Raw::new();
        for &name in names {
            raw.insert(name.to_string(), BTreeMap::new());
        }
        self.scan(names, |store, key, text| {
            if let Some(s) = raw.get_mut(store) {
                s.insert(key, text);
            }
        })
        .await?;
        Ok(raw)
    }

    /// The number of records in a store.
    pub async fn count(&self, store: &'static str) -> Result<u32, StorageError> {
        let tx = self
            .db
            .transaction(store)
            .with_mode(TransactionMode::Readonly)
            .build()?;
        let n = tx.object_store(store)?.count().primitive()?.await?;
        Ok(n)
    }

    /// Reads one value.
    pub async fn get_value(
        &self,
        store: &'static str,
        key: &str,
    ) -> Result<Option<String>, StorageError> {
        let tx = self
            .db
            .transaction(store)
            .with_mode(TransactionMode::Readonly)
            .build()?;
        let value: Option<String> = tx
            .object_store(store)?
            .get(key.to_string())
            .primitive()?
            .await?;
        Ok(value)
    }

    /// How many records each store holds, in one read-only transaction.
    pub async fn counts(&self, names: &[&'static str]) -> Result<Vec<u32>, StorageError> {
        let tx = self
            .db
            .transaction(names.to_vec())
            .with_mode(TransactionMode::Readonly)
            .build()?;
        let mut out = Vec::with_capacity(names.len());
        for &name in names {
            let n: u32 = tx.object_store(name)?.count().primitive()?.await?;
            out.push(n);
        }
        Ok(out)
    }

    /// Reads the values whose keys start with `prefix` (in key order).
    pub async fn values_with_prefix(
        &self,
        store: &'static str,
        prefix: &str,
    ) -> Result<Vec<String>, StorageError> {
        let tx = self
            .db
            .transaction(store)
            .with_mode(TransactionMode::Readonly)
            .build()?;
        let upper = format!("{prefix}\u{10FFFF}");
        let values = tx
            .object_store(store)?
            .get_all::<String>()
            .with_query::<&str, _>(KeyRange::Bound(prefix, false, upper.as_str(), false))
            .primitive()?
            .await?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(values)
    }

    /// Applies a batch in ONE read-write transaction: all of it, or — on any error — nothing.
    /// `progress(done, total)` is called as requests complete. `cancelled()` is asked between
    /// batches of requests; when it says yes, the transaction is aborted and
    /// [`StorageError::Cancelled`] returned (nothing written).
    pub async fn apply(
        &self,
        ops: &[Op],
        progress: impl FnMut(usize, usize),
    ) -> Result<(), StorageError> {
        self.apply_cancellable(ops, progress, || false).await
    }

    /// [`Db::apply`] with a cancel check.
    pub async fn apply_cancellable(
        &self,
        ops: &[Op],
        progress: impl FnMut(usize, usize),
        cancelled: impl Fn() -> bool,
    ) -> Result<(), StorageError> {
        if ops.is_empty() {
            return Ok(());
        }
        let mut names: Vec<&'static str> = ops.iter().map(Op::store).collect();
        names.sort_unstable();
        names.dedup();
        self.apply_iter(&names, ops.len(), ops.iter().cloned(), progress, cancelled)
            .await
    }

    /// Applies `total` ops made one by one by `ops` (so that a national import never holds
    /// all its JSON at once), in ONE read-write transaction over `names`, with the same
    /// guarantees as [`Db::apply_cancellable`].
    pub async fn apply_iter(
        &self,
        names: &[&'static str],
        total: usize,
        mut ops: impl Iterator<Item = Op>,
        mut progress: impl FnMut(usize, usize),
        cancelled: impl Fn() -> bool,
    ) -> Result<(), StorageError> {
        if total == 0 {
            return Ok(());
        }
        let tx = self
            .db
            .transaction(names.to_vec())
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let mut handles = BTreeMap::new();
        for &name in names {
            handles.insert(name, tx.object_store(name)?);
        }
        let mut done = 0;
        loop {
            if cancelled() {
                let _ = tx.abort().await;
                return Err(StorageError::Cancelled);
            }
            // Issue a batch; the database runs requests in order, so awaiting the last one
            // waits for all of them (a failed one aborts the transaction, and the await or
            // the commit reports it). Every kind of request, deletes and clears included, is
            // issued when it is made, so a batch of deletes is one wait, not one per key.
            let mut pending = None;
            let mut n = 0;
            for op in ops.by_ref().take(WRITE_BATCH) {
                n += 1;
                let Some(store) = handles.get(op.store()) else {
                    let _ = tx.abort().await;
                    return Err(StorageError::Other(format!(
                        "хранилище «{}» не открыто для записи",
                        op.store()
                    )));
                };
                match op {
                    Op::Put { key, value, .. } => {
                        pending = Some(
                            store
                                .put(value.as_str())
                                .with_key(key.as_str())
                                .without_key_type()
                                .primitive()?,
                        );
                    }
                    Op::Add { key, value, .. } => {
                        pending = Some(
                            store
                                .add(value.as_str())
                                .with_key(key.as_str())
                                .without_key_type()
                                .primitive()?,
                        );
                    }
                    Op::Delete { key, .. } => {
                        pending = Some(store.delete(key.as_str()).primitive()?);
                    }
                    Op::Clear { .. } => {
                        pending = Some(store.clear()?);
                    }
                }
            }
            if let Some(request) = pending {
                request.await?;
            }
            done += n;
            if n > 0 {
                progress(done.min(total), total);
            }
            if n < WRITE_BATCH {
                break;
            }
        }
        if cancelled() {
            let _ = tx.abort().await;
            return Err(StorageError::Cancelled);
        }
        tx.commit().await?;
        Ok(())
    }
}
