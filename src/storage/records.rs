//! Domain records ↔ the raw (key, JSON text) pairs of IndexedDB.
//!
//! Keys: a school's id; a submission's `["school_id", year]` as JSON (unambiguous whatever
//! the id contains); the record's own id for assessments, runs, references and log entries.

use super::{stores, Db, Op, Raw, StorageError};
use crate::domain::records::{
    AssessmentRecord, LogEntry, ReferenceRecord, RunRecord, SchoolRecord, Snapshot,
    SubmissionRecord,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub fn submission_key(school_id: &str, year: i32) -> String {
    serde_json::to_string(&(school_id, year)).expect("a string and a number serialise")
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("records serialise to JSON")
}

pub fn put_school(r: &SchoolRecord) -> Op {
    Op::Put {
        store: stores::SCHOOLS,
        key: r.school_id.clone(),
        value: json(r),
    }
}
pub fn put_submission(r: &SubmissionRecord) -> Op {
    Op::Put {
        store: stores::SUBMISSIONS,
        key: submission_key(&r.row.school_id, r.row.year),
        value: json(r),
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

fn parse_all<T: DeserializeOwned>(raw: &Raw, store: &str) -> Result<Vec<T>, StorageError> {
    let Some(records) = raw.get(store) else {
        return Ok(Vec::new());
    };
    records
        .iter()
        .map(|(key, text)| {
            serde_json::from_str(text).map_err(|e| StorageError::Corrupt {
                store: store.to_string(),
                key: key.clone(),
                message: e.to_string(),
            })
        })
        .collect()
}

/// Reads a snapshot out of raw store contents.
pub fn snapshot_from_raw(raw: &Raw) -> Result<Snapshot, StorageError> {
    Ok(Snapshot {
        schools: parse_all(raw, stores::SCHOOLS)?,
        submissions: parse_all(raw, stores::SUBMISSIONS)?,
        assessments: parse_all(raw, stores::ASSESSMENTS)?,
        runs: parse_all(raw, stores::RUNS)?,
        references: parse_all(raw, stores::REFERENCES)?,
        log: parse_all(raw, stores::LOG)?,
    })
}

/// Everything the app's database holds.
pub async fn load_snapshot() -> Result<Snapshot, StorageError> {
    load_snapshot_from(&Db::get().await?).await
}

pub async fn load_snapshot_from(db: &Db) -> Result<Snapshot, StorageError> {
    snapshot_from_raw(&db.load(&stores::DATA).await?)
}

/// Ops for the writes of an import: records, then the restored log, then the import's entry.
pub fn writes_ops(w: &crate::domain::bundle::Writes) -> Vec<Op> {
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
