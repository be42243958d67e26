//! The database as plain values ([`Snapshot`]: every record of every store) and what changes
//! it: a set of writes ([`Writes`], applied as the storage layer applies them) and a removal
//! ([`Removal`]). The data service keeps one as its copy of the database; imports are planned
//! against it and the property tests check the page's overview against it.

use super::records::{
    AssessmentRecord, LogEntry, Origin, RecordMeta, ReferenceRecord, SchoolRecord, SubmissionRecord,
};
use crate::domain::contract::row::Row;
use crate::domain::method::run::{RunRecord, RunScope};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Everything in the database.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    pub schools: Vec<SchoolRecord>,
    pub submissions: Vec<SubmissionRecord>,
    pub assessments: Vec<AssessmentRecord>,
    pub runs: Vec<RunRecord>,
    pub references: Vec<ReferenceRecord>,
    pub log: Vec<LogEntry>,
}

impl Snapshot {
    pub fn is_empty(&self) -> bool {
        self.schools.is_empty()
            && self.submissions.is_empty()
            && self.assessments.is_empty()
            && self.runs.is_empty()
            && self.references.is_empty()
            && self.log.is_empty()
    }

    pub fn school(&self, school_id: &str) -> Option<&SchoolRecord> {
        self.schools.iter().find(|s| s.school_id == school_id)
    }

    pub fn submission(&self, school_id: &str, year: i32) -> Option<&SubmissionRecord> {
        self.submissions
            .iter()
            .find(|s| s.key() == (school_id, year))
    }

    /// The rows of all submissions, in store order.
    pub fn rows(&self) -> Vec<Row> {
        self.submissions.iter().map(|s| s.row.clone()).collect()
    }
}

/// What to put in the database in one transaction (an import's writes; see
/// `bundle::plan`). Every vector holds at most one record per key.
#[derive(Debug, Clone, PartialEq)]
pub struct Writes {
    pub schools: Vec<SchoolRecord>,
    pub submissions: Vec<SubmissionRecord>,
    pub assessments: Vec<AssessmentRecord>,
    pub runs: Vec<RunRecord>,
    pub references: Vec<ReferenceRecord>,
    /// Log entries restored from backups.
    pub log: Vec<LogEntry>,
    /// The entry describing this import (appended after `log`).
    pub entry: LogEntry,
}

impl Writes {
    /// Number of records to put (without log entries).
    pub fn len(&self) -> usize {
        self.schools.len()
            + self.submissions.len()
            + self.assessments.len()
            + self.runs.len()
            + self.references.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The keys of records to delete in one transaction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Removal {
    pub schools: Vec<String>,
    pub submissions: Vec<(String, i32)>,
    pub assessments: Vec<String>,
    pub runs: Vec<String>,
    pub references: Vec<String>,
}

impl Removal {
    pub fn len(&self) -> usize {
        self.schools.len()
            + self.submissions.len()
            + self.assessments.len()
            + self.runs.len()
            + self.references.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A list in which a value with the key of an earlier one replaces it in place.
pub(crate) struct Upserts<T, K> {
    pub(crate) list: Vec<T>,
    index: HashMap<K, usize>,
}

impl<T, K: std::hash::Hash + Eq> Upserts<T, K> {
    pub(crate) fn new(list: Vec<T>, key: impl Fn(&T) -> K) -> Self {
        let index = list.iter().enumerate().map(|(i, v)| (key(v), i)).collect();
        Upserts { list, index }
    }
    pub(crate) fn put(&mut self, key: K, value: T) {
        match self.index.get(&key) {
            Some(&i) => self.list[i] = value,
            None => {
                self.index.insert(key, self.list.len());
                self.list.push(value);
            }
        }
    }
}

impl Snapshot {
    /// Applies writes as the storage layer does: each record replaces the one with its key or
    /// is appended; the log entries (restored ones, then the import's) are appended unless
    /// their id is already there.
    pub fn apply(&mut self, w: &Writes) {
        fn put_all<T: Clone, K: std::hash::Hash + Eq>(
            list: &mut Vec<T>,
            new: &[T],
            key: impl Fn(&T) -> K,
        ) {
            if new.is_empty() {
                return;
            }
            let mut u = Upserts::new(std::mem::take(list), &key);
            for r in new {
                u.put(key(r), r.clone());
            }
            *list = u.list;
        }
        put_all(&mut self.schools, &w.schools, |r| r.school_id.clone());
        put_all(&mut self.submissions, &w.submissions, |r| {
            (r.row.school_id.clone(), r.row.year)
        });
        put_all(&mut self.assessments, &w.assessments, |r| r.id.clone());
        put_all(&mut self.runs, &w.runs, |r| r.id.clone());
        put_all(&mut self.references, &w.references, |r| r.id.clone());
        let entries: Vec<LogEntry> = w
            .log
            .iter()
            .chain(std::iter::once(&w.entry))
            .cloned()
            .collect();
        put_all(&mut self.log, &entries, |e| e.id.clone());
    }

    /// Deletes the records with the given keys (absent keys are ignored).
    pub fn remove(&mut self, r: &Removal) {
        fn keep<T, K: std::hash::Hash + Eq>(list: &mut Vec<T>, gone: &[K], key: impl Fn(&T) -> K) {
            if gone.is_empty() {
                return;
            }
            let gone: HashSet<&K> = gone.iter().collect();
            list.retain(|x| !gone.contains(&key(x)));
        }
        keep(&mut self.schools, &r.schools, |x| x.school_id.clone());
        keep(&mut self.submissions, &r.submissions, |x| {
            (x.row.school_id.clone(), x.row.year)
        });
        keep(&mut self.assessments, &r.assessments, |x| x.id.clone());
        keep(&mut self.runs, &r.runs, |x| x.id.clone());
        keep(&mut self.references, &r.references, |x| x.id.clone());
    }

    /// The demonstration records ([`Origin::Demo`]: schools, rows, assessments) and the runs
    /// computed on demonstration rows only, whatever their scope: a run «по демонстрационным
    /// данным», and a run over all data or without the demo whose schools are all
    /// demonstration schools (made when only the demo was stored, or over rows removed since).
    pub fn demo_records(&self) -> Removal {
        let demo = |m: &RecordMeta| m.origin == Origin::Demo;
        // A school is the demo's when its record is, or (without a record) its rows are; a
        // school with any row of another origin is not.
        let mut demo_schools: HashSet<&str> = self
            .schools
            .iter()
            .filter(|r| demo(&r.meta))
            .map(|r| r.school_id.as_str())
            .collect();
        demo_schools.extend(
            self.submissions
                .iter()
                .filter(|r| demo(&r.meta))
                .map(|r| r.row.school_id.as_str()),
        );
        for r in self.submissions.iter().filter(|r| !demo(&r.meta)) {
            demo_schools.remove(r.row.school_id.as_str());
        }
        for r in self.schools.iter().filter(|r| !demo(&r.meta)) {
            demo_schools.remove(r.school_id.as_str());
        }
        let demo_only = |run: &RunRecord| {
            run.scope == RunScope::Demo
                || (!run.result.schools.is_empty()
                    && run
                        .result
                        .schools
                        .iter()
                        .all(|s| demo_schools.contains(s.school_id.as_str())))
        };
        Removal {
            schools: self
                .schools
                .iter()
                .filter(|r| demo(&r.meta))
                .map(|r| r.school_id.clone())
                .collect(),
            submissions: self
                .submissions
                .iter()
                .filter(|r| demo(&r.meta))
                .map(|r| (r.row.school_id.clone(), r.row.year))
                .collect(),
            assessments: self
                .assessments
                .iter()
                .filter(|r| demo(&r.meta))
                .map(|r| r.id.clone())
                .collect(),
            runs: self
                .runs
                .iter()
                .filter(|r| demo_only(r))
                .map(|r| r.id.clone())
                .collect(),
            references: Vec::new(),
        }
    }

    /// The rows of the submissions in a scope, in store order.
    pub fn rows_in(&self, scope: RunScope) -> Vec<Row> {
        self.submissions
            .iter()
            .filter(|s| scope.includes(s.meta.origin == Origin::Demo))
            .map(|s| s.row.clone())
            .collect()
    }
}
