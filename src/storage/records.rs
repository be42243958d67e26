//! Domain records ↔ the raw (key, JSON text) pairs of IndexedDB.
//!
//! Keys: a school's id; a submission's `["school_id", year]` as JSON (unambiguous whatever
//! the id contains); the record's own id for assessments, runs, references and log entries.
//!
//! Reading is tolerant ([`load`]): a record that cannot be read — broken JSON, a value that a
//! newer, stricter validation refuses, a key that does not match the content — is set aside
//! with its store, key, reason and raw text, and everything else is read. The user sees the
//! list, can export the raw records and delete them; nothing is dropped silently.

use super::{stores, Db, Op, Raw, StorageError};
use crate::domain::contract::problem::serde_error_ru;
use crate::domain::exchange::catalog::Unreadable;
use crate::domain::exchange::records::{
    stored_submission, AssessmentRecord, LogEntry, ReferenceRecord, RunRecord, SchoolRecord,
    SubmissionRecord,
};
use crate::domain::exchange::snapshot::{Removal, Snapshot, Writes};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub fn submission_key(school_id: &str, year: i32) -> String {
    // A string and a number always serialise.
    serde_json::to_string(&(school_id, year)).unwrap_or_default()
}

fn json<T: Serialize>(v: &T) -> String {
    // Records have string keys and finite numbers: serialising cannot fail.
    serde_json::to_string(v).unwrap_or_default()
}

pub fn put_school(r: &SchoolRecord) -> Op {
    Op::Put {
        store: stores::SCHOOLS,
        key: r.school_id.clone(),
        value: json(r),
    }
}
/// A submission is stored positionally (see
/// [`crate::domain::exchange::records::stored_submission`]).
pub fn put_submission(r: &SubmissionRecord) -> Op {
    Op::Put {
        store: stores::SUBMISSIONS,
        key: submission_key(&r.row.school_id, r.row.year),
        value: stored_submission::to_json(r),
    }
}
pub fn put_assessment(r: &AssessmentRecord) -> Op {
    Op::Put {
        store: stores::ASSESSMENTS,
        key: r.id.clone(),
        value: json(r),
    }
}
pub fn put_run(r: &RunRecord) -> Op {
    Op::Put {
        store: stores::RUNS,
        key: r.id.clone(),
        value: json(r),
    }
}
pub fn put_reference(r: &ReferenceRecord) -> Op {
    Op::Put {
        store: stores::REFERENCES,
        key: r.id.clone(),
        value: json(r),
    }
}
/// Log entries are added, never replaced: an id collision fails the whole batch.
pub fn add_log(r: &LogEntry) -> Op {
    Op::Add {
        store: stores::LOG,
        key: r.id.clone(),
        value: json(r),
    }
}
/// A value of the `settings` store.
pub fn put_setting<T: Serialize>(key: &str, value: &T) -> Op {
    Op::Put {
        store: stores::SETTINGS,
        key: key.to_string(),
        value: json(value),
    }
}
/// A value of the `drafts` store.
pub fn put_draft<T: Serialize>(key: &str, value: &T) -> Op {
    Op::Put {
        store: stores::DRAFTS,
        key: key.to_string(),
        value: json(value),
    }
}

/// The key of the `settings` value that changes with every write of schools, rows or runs
/// (so that a data service can tell that another tab has written).
pub const DATA_VERSION: &str = "data_version";

/// Ops that put records of every kind, then add log entries.
fn record_ops(
    schools: &[SchoolRecord],
    submissions: &[SubmissionRecord],
    assessments: &[AssessmentRecord],
    runs: &[RunRecord],
    references: &[ReferenceRecord],
    log: &[LogEntry],
) -> Vec<Op> {
    let mut ops = Vec::with_capacity(
        schools.len()
            + submissions.len()
            + assessments.len()
            + runs.len()
            + references.len()
            + log.len()
            + 1,
    );
    ops.extend(schools.iter().map(put_school));
    ops.extend(submissions.iter().map(put_submission));
    ops.extend(assessments.iter().map(put_assessment));
    ops.extend(runs.iter().map(put_run));
    ops.extend(references.iter().map(put_reference));
    ops.extend(log.iter().map(add_log));
    ops
}

/// Ops that write every record of a snapshot (used in tests and to seed a database).
pub fn snapshot_ops(s: &Snapshot) -> Vec<Op> {
    record_ops(
        &s.schools,
        &s.submissions,
        &s.assessments,
        &s.runs,
        &s.references,
        &s.log,
    )
}

/// Ops that empty every data store and then record why.
pub fn clear_ops(log: &LogEntry) -> Vec<Op> {
    let mut ops: Vec<Op> = stores::DATA
        .iter()
        .map(|s| Op::Clear { store: s })
        .collect();
    ops.push(add_log(log));
    ops
}

/// The stores a write of records may touch.
pub const WRITE_STORES: [&str; 7] = [
    stores::SCHOOLS,
    stores::SUBMISSIONS,
    stores::ASSESSMENTS,
    stores::RUNS,
    stores::REFERENCES,
    stores::LOG,
    stores::SETTINGS,
];

/// The ops of [`writes_ops`], made one at a time, and how many there are.
pub fn writes_op_iter(w: &Writes) -> (usize, impl Iterator<Item = Op> + '_) {
    let n = w.len() + w.log.len() + 1;
    let ops = w
        .schools
        .iter()
        .map(put_school)
        .chain(w.submissions.iter().map(put_submission))
        .chain(w.assessments.iter().map(put_assessment))
        .chain(w.runs.iter().map(put_run))
        .chain(w.references.iter().map(put_reference))
        .chain(w.log.iter().map(add_log))
        .chain(std::iter::once(add_log(&w.entry)));
    (n, ops)
}

/// Ops for the writes of an import: records, then the restored log, then the import's entry.
pub fn writes_ops(w: &Writes) -> Vec<Op> {
    let mut ops = record_ops(
        &w.schools,
        &w.submissions,
        &w.assessments,
        &w.runs,
        &w.references,
        &w.log,
    );
    ops.push(add_log(&w.entry));
    ops
}

/// Ops that delete records.
pub fn removal_ops(r: &Removal) -> Vec<Op> {
    let del = |store: &'static str, key: String| Op::Delete { store, key };
    let mut ops = Vec::with_capacity(r.len());
    ops.extend(r.schools.iter().map(|k| del(stores::SCHOOLS, k.clone())));
    ops.extend(
        r.submissions
            .iter()
            .map(|(id, y)| del(stores::SUBMISSIONS, submission_key(id, *y))),
    );
    ops.extend(
        r.assessments
            .iter()
            .map(|k| del(stores::ASSESSMENTS, k.clone())),
    );
    ops.extend(r.runs.iter().map(|k| del(stores::RUNS, k.clone())));
    ops.extend(
        r.references
            .iter()
            .map(|k| del(stores::REFERENCES, k.clone())),
    );
    ops
}

/// A record set aside, with its raw text.
#[derive(Debug, Clone, PartialEq)]
pub struct SetAside {
    pub unreadable: Unreadable,
    pub raw: String,
}

/// The database as read: every readable record, and the others set aside.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loaded {
    pub snapshot: Snapshot,
    pub set_aside: Vec<SetAside>,
}

fn parse<T: DeserializeOwned>(
    text: &str,
    key: &str,
    key_of: impl Fn(&T) -> String,
) -> Result<T, String> {
    let record: T = serde_json::from_str(text).map_err(|e| serde_error_ru(&e))?;
    let own = key_of(&record);
    if own != key {
        return Err(format!(
            "ключ записи не соответствует её содержимому (по содержимому — «{own}»)"
        ));
    }
    Ok(record)
}

/// Reads one record of a data store into `loaded`, or sets it aside.
pub fn take(loaded: &mut Loaded, store: &str, key: String, text: &str) {
    let s = &mut loaded.snapshot;
    let outcome = match store {
        stores::SCHOOLS => {
            parse(text, &key, |r: &SchoolRecord| r.school_id.clone()).map(|r| s.schools.push(r))
        }
        stores::SUBMISSIONS => stored_submission::from_json(text)
            .and_then(|r| {
                let own = submission_key(&r.row.school_id, r.row.year);
                if own == key {
                    Ok(r)
                } else {
                    Err(format!(
                        "ключ записи не соответствует её содержимому (по содержимому — «{own}»)"
                    ))
                }
            })
            .map(|r| s.submissions.push(r)),
        stores::ASSESSMENTS => {
            parse(text, &key, |r: &AssessmentRecord| r.id.clone()).map(|r| s.assessments.push(r))
        }
        stores::RUNS => parse(text, &key, |r: &RunRecord| r.id.clone()).map(|r| s.runs.push(r)),
        stores::REFERENCES => {
            parse(text, &key, |r: &ReferenceRecord| r.id.clone()).map(|r| s.references.push(r))
        }
        stores::LOG => parse(text, &key, |r: &LogEntry| r.id.clone()).map(|r| s.log.push(r)),
        _ => Err("неизвестное хранилище".to_string()),
    };
    if let Err(reason) = outcome {
        loaded.set_aside.push(SetAside {
            unreadable: Unreadable {
                store: store.to_string(),
                key,
                reason,
            },
            raw: text.to_string(),
        });
    }
}

/// Reads every data store, tolerating unreadable records.
pub async fn load(db: &Db) -> Result<Loaded, StorageError> {
    let mut loaded = Loaded::default();
    db.scan(&stores::DATA, |store, key, text| {
        take(&mut loaded, store, key, &text)
    })
    .await?;
    Ok(loaded)
}

/// Reads a snapshot out of raw store contents, tolerating unreadable records.
pub fn loaded_from_raw(raw: &Raw) -> Loaded {
    let mut loaded = Loaded::default();
    for store in stores::DATA {
        if let Some(records) = raw.get(store) {
            for (key, text) in records {
                take(&mut loaded, store, key.clone(), text);
            }
        }
    }
    loaded
}

/// Everything the database holds that can be read (tests).
pub async fn load_snapshot_from(db: &Db) -> Result<Snapshot, StorageError> {
    Ok(load(db).await?.snapshot)
}

/// The quick-start copy ([`crate::domain::exchange::quick_copy`]): the ops that write the chunks in
/// `dirty` (from the snapshot) and the header for `version`. `None` when a school or row is
/// set aside as unreadable: the copy would hide it, so there is none (and its header is
/// deleted).
pub fn quick_copy_ops(
    loaded: &Loaded,
    dirty: &std::collections::BTreeSet<usize>,
    version: &str,
) -> Vec<Op> {
    use crate::domain::exchange::quick_copy::{
        self as quick, ChunkWriter, Header, CHUNKS, HEADER_KEY,
    };
    let header_gone = || {
        vec![Op::Delete {
            store: stores::QUICK,
            key: HEADER_KEY.to_string(),
        }]
    };
    let hides = loaded
        .set_aside
        .iter()
        .any(|s| [stores::SCHOOLS, stores::SUBMISSIONS].contains(&s.unreadable.store.as_str()));
    if hides {
        return header_gone();
    }
    let snapshot = &loaded.snapshot;
    let mut chunks: Vec<Option<ChunkWriter>> = (0..CHUNKS)
        .map(|i| dirty.contains(&i).then(ChunkWriter::default))
        .collect();
    for r in &snapshot.schools {
        if let Some(chunk) = chunks[quick::bucket(&r.school_id)].as_mut() {
            chunk.school(r);
        }
    }
    for r in &snapshot.submissions {
        if let Some(chunk) = chunks[quick::bucket(&r.row.school_id)].as_mut() {
            chunk.row(r);
        }
    }
    let mut ops: Vec<Op> = chunks
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            c.map(|c| Op::Put {
                store: stores::QUICK,
                key: quick::chunk_key(i),
                value: c.finish(),
            })
        })
        .collect();
    let header = Header {
        version: version.to_string(),
        format: quick::FORMAT,
        chunks: CHUNKS,
        schools: snapshot.schools.len(),
        rows: snapshot.submissions.len(),
    };
    ops.push(Op::Put {
        store: stores::QUICK,
        key: HEADER_KEY.to_string(),
        value: json(&header),
    });
    ops
}

/// Reads the database for the data service: the small stores, and the schools and rows from
/// the quick-start copy when it is of the stored `data_version` and holds as many records as
/// the stores do — otherwise from the records themselves. Returns what was read, the data
/// version, and whether the copy was used.
pub async fn load_quick(db: &Db) -> Result<(Loaded, Option<String>, bool), StorageError> {
    load_quick_with(db, &mut |_| {}).await
}

/// [`load_quick`], calling `runs_read` once with the stored runs as soon as they are read —
/// before the other stores and the copy (the data service answers a run the page asked for
/// there, so that the page reads it while the rest is read). Unreadable runs are not among
/// them (they are listed with the result, as always).
pub async fn load_quick_with(
    db: &Db,
    runs_read: &mut dyn FnMut(&[RunRecord]),
) -> Result<(Loaded, Option<String>, bool), StorageError> {
    let mut small = Loaded::default();
    let mut runs_told = false;
    let mut copy = std::collections::HashMap::new();
    let mut version = None;
    let began = js_sys::Date::now();
    // The runs first, in the same transaction: when the last one is parsed is logged.
    let mut runs_at = began;
    // A record of a small store other than the runs: the copy's chunks kept as texts, the
    // data version noted.
    let mut other = |store: &'static str, key: String, text: String, small: &mut Loaded| match store
    {
        stores::QUICK => {
            copy.insert(key, text);
        }
        stores::SETTINGS => {
            if key == DATA_VERSION {
                version = serde_json::from_str::<String>(&text).ok();
            }
        }
        _ => take(small, store, key, &text),
    };
    db.scan(
        &[
            stores::RUNS,
            stores::ASSESSMENTS,
            stores::LOG,
            stores::QUICK,
            stores::REFERENCES,
            stores::SETTINGS,
        ],
        |store, key, text| match store {
            stores::RUNS => {
                take(&mut small, store, key, &text);
                runs_at = js_sys::Date::now();
            }
            _ if !runs_told => {
                // The first record after the runs (the settings always hold one).
                runs_told = true;
                runs_read(&small.snapshot.runs);
                other(store, key, text, &mut small);
            }
            _ => other(store, key, text, &mut small),
        },
    )
    .await?;
    if !runs_told {
        runs_read(&small.snapshot.runs);
    }
    let scanned = js_sys::Date::now();
    if let Some(v) = &version {
        let counts = db.counts(&[stores::SCHOOLS, stores::SUBMISSIONS]).await?;
        let copied = read_quick_copy(&copy, v, &counts);
        web_sys::console::debug_1(
            &format!(
                "shkala worker: the runs read in {} ms, the other small stores and the quick-start copy in {} ms, the copy {} in {} ms",
                (runs_at - began).round(),
                (scanned - runs_at).round(),
                if copied.is_some() { "taken" } else { "refused" },
                (js_sys::Date::now() - scanned).round()
            )
            .into(),
        );
        if let Some(from_copy) = copied {
            let mut loaded = small;
            loaded.snapshot.schools = from_copy.snapshot.schools;
            loaded.snapshot.submissions = from_copy.snapshot.submissions;
            in_stores_order(&mut loaded.set_aside);
            return Ok((loaded, version, true));
        }
    }
    // No copy to trust: the schools and rows are read from their stores, into what the
    // small stores gave (they are not read twice: a national run is tens of megabytes).
    db.scan(
        &[stores::SCHOOLS, stores::SUBMISSIONS],
        |store, key, text| take(&mut small, store, key, &text),
    )
    .await?;
    in_stores_order(&mut small.set_aside);
    Ok((small, version, false))
}

/// Puts records set aside in the order [`load`] lists them: by store, in [`stores::DATA`]'s
/// order (the scan of [`load_quick`] reads the runs first); within a store, as read.
fn in_stores_order(set_aside: &mut [SetAside]) {
    set_aside.sort_by_key(|s| {
        stores::DATA
            .iter()
            .position(|d| *d == s.unreadable.store)
            .unwrap_or(usize::MAX)
    });
}

/// The schools and rows of the copy, in the stores' key order; `None` when the copy is not of
/// `version`, is incomplete, does not hold `counts` (schools, rows) records, or does not read
/// whole.
fn read_quick_copy(
    copy: &std::collections::HashMap<String, String>,
    version: &str,
    counts: &[u32],
) -> Option<Loaded> {
    use crate::domain::exchange::quick_copy::{self as quick, Header, CHUNKS, HEADER_KEY};
    let header: Header = serde_json::from_str(copy.get(HEADER_KEY)?).ok()?;
    if header.version != version
        || header.format != quick::FORMAT
        || header.chunks != CHUNKS
        || [header.schools, header.rows] != [counts[0] as usize, counts[1] as usize]
    {
        return None;
    }
    let mut s = Snapshot::default();
    for i in 0..CHUNKS {
        let chunk = quick::read_chunk(copy.get(&quick::chunk_key(i))?).ok()?;
        s.schools.extend(chunk.schools);
        s.submissions.extend(chunk.rows);
    }
    if s.schools.len() != header.schools || s.submissions.len() != header.rows {
        return None;
    }
    s.schools
        .sort_by(|a, b| quick::utf16_order(&a.school_id, &b.school_id));
    let mut keyed: Vec<(String, SubmissionRecord)> = std::mem::take(&mut s.submissions)
        .into_iter()
        .map(|r| (submission_key(&r.row.school_id, r.row.year), r))
        .collect();
    keyed.sort_by(|a, b| quick::utf16_order(&a.0, &b.0));
    s.submissions = keyed.into_iter().map(|(_, r)| r).collect();
    Some(Loaded {
        snapshot: s,
        set_aside: Vec::new(),
    })
}
