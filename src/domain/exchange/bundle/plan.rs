//! Import planning: what importing some files would change, before anything is written.
//!
//! Every incoming record (school, submission, assessment, run, reference) is compared with the
//! database by key and classified:
//!
//! * [`Class::New`] — no record with that key;
//! * [`Class::Identical`] — same key, same content (content only: metadata, and an
//!   assessment's `updated_at`, are not compared);
//! * [`Class::Updated`] — same key, different content, and ours is data received earlier and
//!   not edited since: its origin is [`Origin::Demo`], or [`Origin::Imported`] with a
//!   `bundle_created_at` strictly older than the incoming bundle's `created_at` (compared as
//!   instants). A table (CSV or a plain JSON array) has no creation time, so it never
//!   «updates» data received from a file: that is a conflict the user decides;
//! * [`Class::Conflict`] — same key, different content, any other case: we edited it
//!   ([`Origin::Local`]), the incoming version is not newer, a time cannot be read, or the
//!   record has no origin (runs, references).
//!
//! Files are taken in order; a record whose key an earlier file of the same import already
//! brought is compared with that one instead: identical → `Identical`, different → `Conflict`
//! (the later file is "theirs", the earlier one "mine").
//!
//! Schools: a school-submission carries its school's identity; a collection may list
//! identities; otherwise (and for CSV rows) each school's identity is that of its latest
//! incoming row — unless the database already has a later year of that school, whose identity
//! is then more recent and is left alone.
//!
//! A backup brings records with their own metadata (restoring keeps it), and its log entries,
//! which are appended (those whose id the database already has are skipped; they are not
//! counted). Every other record gets [`RecordMeta`] with the import time and
//! [`Origin::Imported`] naming the file, the bundle's checksum, creation time and organisation.
//!
//! [`ImportPlan::writes`] turns the plan and the user's [`Resolutions`] into [`Writes`]: what
//! the storage layer puts in one transaction, with a [`LogEntry`] describing the import.

use super::{sha256_hex, ParsedBundle, Payload};
use crate::domain::common::time::Timestamp;
use crate::domain::contract::problem::Problem;
use crate::domain::contract::row::Row;
use crate::domain::exchange::records::{
    AssessmentRecord, ImportCounts, LogAction, LogEntry, Origin, RecordMeta, ReferenceRecord,
    RunRecord, SchoolDocuments, SchoolIdentity, SchoolRecord, SubmissionRecord,
};
pub use crate::domain::exchange::snapshot::Writes;
use crate::domain::exchange::snapshot::{Snapshot, Upserts};
use crate::domain::support::Support;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The key of a record in its store.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "store", rename_all = "snake_case")]
pub enum RecordKey {
    School { school_id: String },
    Submission { school_id: String, year: i32 },
    Assessment { id: String },
    Run { id: String },
    Reference { id: String },
}

/// How an incoming record relates to what we have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    New,
    Identical,
    Updated,
    Conflict,
}

impl Class {
    pub fn label(self) -> &'static str {
        match self {
            Class::New => "новая запись",
            Class::Identical => "без изменений",
            Class::Updated => "обновление",
            Class::Conflict => "конфликт",
        }
    }
}

/// What kind of record an import item is, for the counts a person reads (a file of 1,132
/// schools over three years brings 1,132 schools and 3,337 rows: never one sum of both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    School,
    Row,
    Assessment,
    Run,
    Reference,
}

impl RecordKind {
    pub fn of(key: &RecordKey) -> RecordKind {
        match key {
            RecordKey::School { .. } => RecordKind::School,
            RecordKey::Submission { .. } => RecordKind::Row,
            RecordKey::Assessment { .. } => RecordKind::Assessment,
            RecordKey::Run { .. } => RecordKind::Run,
            RecordKey::Reference { .. } => RecordKind::Reference,
        }
    }

    /// «1 132 школы», «3 337 строк данных «школа × год»».
    pub fn count(self, n: usize) -> String {
        let (one, few, many, tail) = match self {
            RecordKind::School => ("школа", "школы", "школ", ""),
            RecordKind::Row => (
                "строка данных",
                "строки данных",
                "строк данных",
                " «школа × год»",
            ),
            RecordKind::Assessment => (
                "оценка механизмов управления",
                "оценки механизмов управления",
                "оценок механизмов управления",
                "",
            ),
            RecordKind::Run => (
                "расчёт идентификации",
                "расчёта идентификации",
                "расчётов идентификации",
                "",
            ),
            RecordKind::Reference => ("эталон", "эталона", "эталонов", ""),
        };
        format!(
            "{}{tail}",
            crate::domain::common::format::count(n, one, few, many)
        )
    }
}

/// The counts of the items by kind of record, kinds in [`RecordKind`]'s order, those without
/// items left out. With `resolutions`, each kind's `conflicts_taken` counts the conflicts
/// resolved as [`Resolution::TakeTheirs`].
pub fn counts_by_kind(
    items: &[PlanItem],
    resolutions: Option<&Resolutions>,
) -> Vec<(RecordKind, ImportCounts)> {
    let mut by: BTreeMap<RecordKind, ImportCounts> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let c = by.entry(RecordKind::of(&item.key)).or_default();
        match item.kind {
            Class::New => c.new += 1,
            Class::Identical => c.identical += 1,
            Class::Updated => c.updated += 1,
            Class::Conflict => {
                c.conflicts += 1;
                if resolutions.is_some_and(|r| r.get(&i) == Some(&Resolution::TakeTheirs)) {
                    c.conflicts_taken += 1;
                }
            }
        }
    }
    by.into_iter().collect()
}

/// One line per kind: «1 132 школы: новых — 1 132», «3 337 строк данных «школа × год»: новых —
/// 3 300, без изменений — 37». With `resolved`, a kind's conflicts say how they were resolved.
pub fn kinds_summary(by: &[(RecordKind, ImportCounts)], resolved: bool) -> Vec<String> {
    use crate::domain::common::format::thousands;
    by.iter()
        .map(|(kind, c)| {
            let mut parts: Vec<String> = [
                ("новых", c.new),
                ("обновлено", c.updated),
                ("без изменений", c.identical),
                ("конфликтов", c.conflicts),
            ]
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(w, n)| format!("{w} — {}", thousands(n)))
            .collect();
            if resolved && c.conflicts > 0 {
                if let Some(last) = parts.last_mut() {
                    last.push_str(&c.conflicts_resolution());
                }
            }
            format!("{}: {}", kind.count(c.total()), parts.join(", "))
        })
        .collect()
}

/// A record as it would be written.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    School(SchoolRecord),
    Submission(SubmissionRecord),
    Assessment(AssessmentRecord),
    /// Boxed: a run holds a whole identification result.
    Run(Box<RunRecord>),
    Reference(ReferenceRecord),
}

impl Record {
    pub fn key(&self) -> RecordKey {
        match self {
            Record::School(r) => RecordKey::School {
                school_id: r.school_id.clone(),
            },
            Record::Submission(r) => RecordKey::Submission {
                school_id: r.row.school_id.clone(),
                year: r.row.year,
            },
            Record::Assessment(r) => RecordKey::Assessment { id: r.id.clone() },
            Record::Run(r) => RecordKey::Run { id: r.id.clone() },
            Record::Reference(r) => RecordKey::Reference { id: r.id.clone() },
        }
    }

    /// Whether two records with the same key hold the same content. Metadata is not
    /// compared, nor an assessment's `updated_at` or a reference's `received_at`.
    pub fn same_content(&self, other: &Record) -> bool {
        match (self, other) {
            (Record::School(a), Record::School(b)) => {
                a.identity() == b.identity() && a.documents == b.documents && a.support == b.support
            }
            (Record::Submission(a), Record::Submission(b)) => a.row == b.row,
            (Record::Assessment(a), Record::Assessment(b)) => {
                let (a, b) = (&a.assessment, &b.assessment);
                a.rubric_id == b.rubric_id
                    && a.rubric_version == b.rubric_version
                    && a.organisation == b.organisation
                    && a.year == b.year
                    && a.answers == b.answers
            }
            (Record::Run(a), Record::Run(b)) => a == b,
            (Record::Reference(a), Record::Reference(b)) => a.bundle == b.bundle,
            _ => false,
        }
    }

    pub fn meta(&self) -> Option<&RecordMeta> {
        match self {
            Record::School(r) => Some(&r.meta),
            Record::Submission(r) => Some(&r.meta),
            Record::Assessment(r) => Some(&r.meta),
            Record::Run(_) | Record::Reference(_) => None,
        }
    }

    /// Russian description for the preview.
    pub fn label(&self) -> String {
        match self {
            Record::School(r) => format!("школа «{}» ({})", r.school_name, r.school_id),
            Record::Submission(r) => format!(
                "{} ({}), {} год",
                r.row.school_name, r.row.school_id, r.row.year
            ),
            Record::Assessment(r) => format!(
                "оценка по рубрике: {} ({}), {} год",
                r.assessment.organisation.name,
                r.assessment.organisation.level.title(),
                r.assessment.year
            ),
            Record::Run(r) => format!(
                "расчёт «{}» от {}",
                r.label,
                crate::domain::common::format::date_time(&r.created_at)
            ),
            Record::Reference(r) => format!(
                "эталон «{}» от {}",
                r.bundle
                    .payload
                    .get("region")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
                crate::domain::common::format::date_time(&r.bundle.created_at)
            ),
        }
    }
}

/// One incoming record and what importing it would do.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanItem {
    pub key: RecordKey,
    pub kind: Class,
    /// Russian: «МБОУ СОШ № 1 (0010001), 2024 год».
    pub label: String,
    /// For a conflict: our version (or an earlier file's). `None` otherwise (the preview of a
    /// national import must not hold every stored record twice).
    pub mine: Option<Record>,
    pub source_file: String,
    /// Russian: why the item is classified so (empty for new records).
    pub reason: String,
    /// The record that would be written, with its new metadata.
    pub record: Record,
}

/// A file to import. (An import has a handful of files: the size of the variants does not matter.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// A bundle read by [`super::parse_bundle`].
    Bundle(ParsedBundle),
    /// Rows of a CSV (or plain JSON) table, already validated; `sha256` is that of the file.
    Rows {
        file: String,
        sha256: String,
        rows: Vec<Row>,
    },
}

impl Incoming {
    /// Rows of a table file, with the file's checksum computed from its bytes.
    pub fn rows(file: &str, bytes: &[u8], rows: Vec<Row>) -> Incoming {
        Incoming::Rows {
            file: file.to_string(),
            sha256: sha256_hex(bytes),
            rows,
        }
    }

    /// Reads one picked or dropped file: a Shkala bundle (a JSON object), or a table of rows
    /// (CSV, or a JSON array). A file with any error is refused with all its problems; an
    /// accepted file comes with its warnings and notes.
    pub fn read(file: &str, bytes: &[u8]) -> Result<(Incoming, Vec<Problem>), Vec<Problem>> {
        Self::read_with(file, bytes, &crate::domain::input::ReadOptions::default())
    }

    /// [`Incoming::read`] with a sheet and a column mapping for a table file.
    pub fn read_with(
        file: &str,
        bytes: &[u8],
        options: &crate::domain::input::ReadOptions,
    ) -> Result<(Incoming, Vec<Problem>), Vec<Problem>> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            let parsed = super::parse_bundle(file, bytes)?;
            let warnings = parsed.warnings.clone();
            return Ok((Incoming::Bundle(parsed), warnings));
        }
        let parsed = crate::domain::input::parse_file_with(file, bytes, options);
        // Duplicate (school, year) rows inside the file are errors too.
        let (rows, problems) = crate::domain::input::merge(vec![parsed]);
        if problems.iter().any(Problem::is_error) {
            return Err(problems);
        }
        if rows.is_empty() {
            let mut problems = problems;
            problems.push(Problem::error(
                file,
                crate::domain::contract::problem::Place::File,
                None,
                "в файле нет ни одной строки данных",
            ));
            return Err(problems);
        }
        Ok((Incoming::rows(file, bytes, rows), problems))
    }

    pub fn file(&self) -> &str {
        match self {
            Incoming::Bundle(b) => &b.file,
            Incoming::Rows { file, .. } => file,
        }
    }

    pub fn sha256(&self) -> &str {
        match self {
            Incoming::Bundle(b) => &b.bundle.sha256,
            Incoming::Rows { sha256, .. } => sha256,
        }
    }
}

/// The user's choice for a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    KeepMine,
    TakeTheirs,
}

/// Choices by index in [`ImportPlan::items`]; a conflict without a choice keeps ours.
pub type Resolutions = BTreeMap<usize, Resolution>;

/// The preview of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    pub items: Vec<PlanItem>,
    pub counts: ImportCounts,
    /// Warnings of the files (unknown fields, absent columns …).
    pub warnings: Vec<Problem>,
    /// Log entries of backups to append.
    pub log: Vec<LogEntry>,
    /// The time of the import (RFC 3339), as given to [`plan_import`].
    pub now: Timestamp,
    /// (file name, sha256) of each incoming file, in order.
    pub files: Vec<(String, String)>,
    /// Whether a backup is among the files (the log entry is then a restore).
    pub restore: bool,
    /// The school records that bring documents of their own (index in `items`), with what the
    /// documents do: [`Class::Identical`] the same as those they meet, [`Class::New`] where
    /// there were none, [`Class::Updated`] replacing others, [`Class::Conflict`] when the
    /// school's record is one. The preview's totals and lines: [`super::DocumentsPreview`].
    pub documents: Vec<(usize, Class)>,
}

/// Where incoming records come from, for their metadata and classification.
struct Source<'a> {
    file: &'a str,
    /// The bundle's creation time; `None` for a table (CSV or plain JSON), which has none.
    created_at: Option<&'a Timestamp>,
}

struct Planner<'a> {
    /// Indexes of the database's records (a region holds thousands, the country 135,000 rows).
    schools: HashMap<&'a str, &'a SchoolRecord>,
    submissions: HashMap<(&'a str, i32), &'a SubmissionRecord>,
    /// The latest year stored for each school.
    latest_year: HashMap<&'a str, i32>,
    assessments: HashMap<&'a str, &'a AssessmentRecord>,
    runs: HashMap<&'a str, &'a RunRecord>,
    references: HashMap<&'a str, &'a ReferenceRecord>,
    items: Vec<PlanItem>,
    /// Latest item index of each key brought by this import.
    seen: HashMap<RecordKey, usize>,
    /// The school records that bring documents (item index), with what the documents do.
    documents: Vec<(usize, Class)>,
}

impl<'a> Planner<'a> {
    fn new(current: &'a Snapshot) -> Planner<'a> {
        let mut latest_year: HashMap<&str, i32> = HashMap::new();
        for s in &current.submissions {
            let y = latest_year
                .entry(s.row.school_id.as_str())
                .or_insert(s.row.year);
            *y = (*y).max(s.row.year);
        }
        Planner {
            schools: current.schools.iter().map(|r| (r.key(), r)).collect(),
            submissions: current.submissions.iter().map(|r| (r.key(), r)).collect(),
            latest_year,
            assessments: current
                .assessments
                .iter()
                .map(|r| (r.id.as_str(), r))
                .collect(),
            runs: current.runs.iter().map(|r| (r.id.as_str(), r)).collect(),
            references: current
                .references
                .iter()
                .map(|r| (r.id.as_str(), r))
                .collect(),
            items: Vec::new(),
            seen: HashMap::new(),
            documents: Vec::new(),
        }
    }

    fn existing(&self, key: &RecordKey) -> Option<Record> {
        match key {
            RecordKey::School { school_id } => self
                .schools
                .get(school_id.as_str())
                .map(|r| Record::School((*r).clone())),
            RecordKey::Submission { school_id, year } => self
                .submissions
                .get(&(school_id.as_str(), *year))
                .map(|r| Record::Submission((*r).clone())),
            RecordKey::Assessment { id } => self
                .assessments
                .get(id.as_str())
                .map(|r| Record::Assessment((*r).clone())),
            RecordKey::Run { id } => self
                .runs
                .get(id.as_str())
                .map(|r| Record::Run(Box::new((*r).clone()))),
            RecordKey::Reference { id } => self
                .references
                .get(id.as_str())
                .map(|r| Record::Reference((*r).clone())),
        }
    }

    fn add(&mut self, record: Record, source: &Source) {
        let key = record.key();
        // Whether this school record brings documents of its own (before it takes ours).
        let brings_documents = matches!(&record, Record::School(r) if !r.documents.is_empty());
        // A school record that brings no documents (a table, a collection, an older file)
        // leaves the documents we have as they are; one that brings no project support (a
        // table, a school's file, an older file) leaves the support we have.
        let record = match record {
            Record::School(mut r) if r.documents.is_empty() || r.support.is_empty() => {
                let before = match self.seen.get(&key) {
                    Some(&j) => Some(self.items[j].record.clone()),
                    None => self.existing(&key),
                };
                if let Some(Record::School(b)) = before {
                    if r.documents.is_empty() {
                        r.documents = b.documents;
                    }
                    if r.support.is_empty() {
                        r.support = b.support;
                    }
                }
                Record::School(r)
            }
            r => r,
        };
        let (kind, mine, reason) = if let Some(&j) = self.seen.get(&key) {
            let earlier = &self.items[j];
            if earlier.record.same_content(&record) {
                (
                    Class::Identical,
                    None,
                    format!("то же, что в файле «{}»", earlier.source_file),
                )
            } else {
                (
                    Class::Conflict,
                    Some(earlier.record.clone()),
                    format!(
                        "файлы «{}» и «{}» расходятся",
                        earlier.source_file, source.file
                    ),
                )
            }
        } else if let Some(existing) = self.existing(&key) {
            if existing.same_content(&record) {
                (Class::Identical, None, String::new())
            } else {
                let (kind, reason) = match existing.meta().map(|m| &m.origin) {
                    Some(Origin::Demo) => (
                        Class::Updated,
                        "заменяет демонстрационные данные".to_string(),
                    ),
                    Some(Origin::Imported {
                        bundle_created_at,
                        file,
                        ..
                    }) if source
                        .created_at
                        .is_some_and(|at| at.is_after(bundle_created_at)) =>
                    {
                        (
                            Class::Updated,
                            format!("более новая версия данных, полученных из файла «{file}»"),
                        )
                    }
                    Some(Origin::Imported { file, .. }) if source.created_at.is_none() => (
                        Class::Conflict,
                        format!(
                            "у таблицы нет даты создания, поэтому нельзя сказать, новее ли она данных из файла «{file}»"
                        ),
                    ),
                    Some(Origin::Imported { file, .. }) => (
                        Class::Conflict,
                        format!("в файле версия не новее полученной ранее из файла «{file}»"),
                    ),
                    Some(Origin::Local) => (Class::Conflict, "запись изменена у вас".to_string()),
                    None => (
                        Class::Conflict,
                        "запись с тем же ключом, но другим содержимым".to_string(),
                    ),
                };
                let mine = (kind == Class::Conflict).then_some(existing);
                (kind, mine, reason)
            }
        } else {
            (Class::New, None, String::new())
        };
        if let (true, Record::School(r)) = (brings_documents, &record) {
            // The documents it meets: an earlier file's of this import, or the stored ones.
            let before = match self.seen.get(&key) {
                Some(&j) => match self.items.get(j).map(|i| &i.record) {
                    Some(Record::School(b)) => Some(&b.documents),
                    _ => None,
                },
                None => self.schools.get(r.school_id.as_str()).map(|b| &b.documents),
            };
            let class = arrival_class(before, &r.documents, kind);
            self.documents.push((self.items.len(), class));
        }
        if kind != Class::Identical || !self.seen.contains_key(&key) {
            self.seen.insert(key.clone(), self.items.len());
        }
        self.items.push(PlanItem {
            key,
            kind,
            label: record.label(),
            mine,
            source_file: source.file.to_string(),
            reason,
            record,
        });
    }

    /// Schools (given identities first, then identities of the latest rows of the others),
    /// then the rows.
    fn rows(
        &mut self,
        given: &[SchoolIdentity],
        documents: &BTreeMap<String, SchoolDocuments>,
        support: &BTreeMap<String, BTreeMap<i32, Support>>,
        rows: &[Row],
        source: &Source,
        meta: &RecordMeta,
    ) {
        let record = |identity: SchoolIdentity| {
            let mut r = SchoolRecord::new(identity, meta.clone());
            if let Some(d) = documents.get(&r.school_id) {
                r.documents = d.clone();
            }
            if let Some(s) = support.get(&r.school_id) {
                r.support = s.clone();
            }
            r
        };
        let mut done: HashSet<&str> = HashSet::new();
        for identity in given {
            if done.insert(&identity.school_id) {
                self.add(Record::School(record(identity.clone())), source);
            }
        }
        let mut latest: BTreeMap<&str, &Row> = BTreeMap::new();
        for row in rows {
            let e = latest.entry(&row.school_id).or_insert(row);
            if row.year > e.year {
                *e = row;
            }
        }
        for (id, row) in latest {
            if done.contains(id) {
                continue;
            }
            let newer_here = self.latest_year.get(id).is_some_and(|&y| y > row.year);
            if !newer_here {
                self.add(Record::School(record(SchoolIdentity::of_row(row))), source);
            }
        }
        for row in rows {
            self.add(
                Record::Submission(SubmissionRecord {
                    row: row.clone(),
                    meta: meta.clone(),
                }),
                source,
            );
        }
    }
}

/// How a school's incoming documents relate to those it meets (an earlier file's of the same
/// import, or the stored ones; `None` when the school is not there): the same, new where there
/// were none, or replacing others — unless the school's record is a conflict (`record` is the
/// class of the whole record), when the documents are written only if the person takes the file's.
fn arrival_class(
    before: Option<&SchoolDocuments>,
    incoming: &SchoolDocuments,
    record: Class,
) -> Class {
    match before {
        Some(b) if b == incoming => Class::Identical,
        _ if record == Class::Conflict => Class::Conflict,
        Some(b) if !b.is_empty() => Class::Updated,
        _ => Class::New,
    }
}

/// Plans importing `incoming` (in order) into `current`; `now` is the import time (RFC 3339).
pub fn plan_import(current: &Snapshot, incoming: &[Incoming], now: &Timestamp) -> ImportPlan {
    let mut p = Planner::new(current);
    let mut warnings = Vec::new();
    let mut log = Vec::new();
    let mut log_ids: HashSet<&str> = current.log.iter().map(|e| e.id.as_str()).collect();
    let mut restore = false;
    for inc in incoming {
        match inc {
            Incoming::Rows { file, sha256, rows } => {
                let meta = RecordMeta {
                    modified_at: now.clone(),
                    origin: Origin::Imported {
                        file: file.clone(),
                        bundle_sha256: sha256.clone(),
                        bundle_created_at: now.clone(),
                        organisation: String::new(),
                    },
                };
                p.rows(
                    &[],
                    &BTreeMap::new(),
                    &BTreeMap::new(),
                    rows,
                    &Source {
                        file,
                        created_at: None,
                    },
                    &meta,
                );
            }
            Incoming::Bundle(pb) => {
                warnings.extend(pb.warnings.iter().cloned());
                let b = &pb.bundle;
                let meta = RecordMeta {
                    modified_at: now.clone(),
                    origin: Origin::Imported {
                        file: pb.file.clone(),
                        bundle_sha256: b.sha256.clone(),
                        bundle_created_at: b.created_at.clone(),
                        organisation: b.created_by.organisation.clone(),
                    },
                };
                let source = Source {
                    file: &pb.file,
                    created_at: Some(&b.created_at),
                };
                match &pb.payload {
                    Payload::SchoolSubmission(s) => {
                        let documents = BTreeMap::from([(
                            s.school.school_id.clone(),
                            SchoolDocuments {
                                self_assessments: s.self_assessments.clone(),
                                programme: s.programme.clone(),
                            },
                        )]);
                        p.rows(
                            std::slice::from_ref(&s.school),
                            &documents,
                            &BTreeMap::new(),
                            &s.rows,
                            &source,
                            &meta,
                        )
                    }
                    Payload::Collection(c) => p.rows(
                        &c.schools,
                        &c.documents,
                        &c.support,
                        &c.rows,
                        &source,
                        &meta,
                    ),
                    Payload::RubricAssessment(r) => {
                        for a in &r.assessments {
                            p.add(
                                Record::Assessment(AssessmentRecord::new(a.clone(), meta.clone())),
                                &source,
                            );
                        }
                    }
                    Payload::Reference(_) => {
                        let record = ReferenceRecord {
                            id: b.sha256.clone(),
                            received_at: now.clone(),
                            bundle: b.clone(),
                        };
                        p.add(Record::Reference(record), &source);
                    }
                    // A backup's records keep their own metadata.
                    Payload::Backup(backup) => {
                        restore = true;
                        let s = &backup.snapshot;
                        for r in &s.schools {
                            p.add(Record::School(r.clone()), &source);
                        }
                        for r in &s.submissions {
                            p.add(Record::Submission(r.clone()), &source);
                        }
                        for r in &s.assessments {
                            p.add(Record::Assessment(r.clone()), &source);
                        }
                        for r in &s.runs {
                            p.add(Record::Run(Box::new(r.clone())), &source);
                        }
                        for r in &s.references {
                            p.add(Record::Reference(r.clone()), &source);
                        }
                        for e in &s.log {
                            if log_ids.insert(&e.id) {
                                log.push(e.clone());
                            }
                        }
                    }
                }
            }
        }
    }
    let mut counts = ImportCounts::default();
    for item in &p.items {
        match item.kind {
            Class::New => counts.new += 1,
            Class::Identical => counts.identical += 1,
            Class::Updated => counts.updated += 1,
            Class::Conflict => counts.conflicts += 1,
        }
    }
    ImportPlan {
        items: p.items,
        documents: p.documents,
        counts,
        warnings,
        log,
        now: now.clone(),
        files: incoming
            .iter()
            .map(|i| (i.file().to_string(), i.sha256().to_string()))
            .collect(),
        restore,
    }
}

impl ImportPlan {
    /// The conflicts, with their indices in `items`.
    pub fn conflicts(&self) -> impl Iterator<Item = (usize, &PlanItem)> {
        self.items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.kind == Class::Conflict)
    }

    /// The same choice for every conflict.
    pub fn resolve_all(&self, resolution: Resolution) -> Resolutions {
        self.conflicts().map(|(i, _)| (i, resolution)).collect()
    }

    /// What to write: new and updated records, and conflicts resolved as
    /// [`Resolution::TakeTheirs`]; restored log entries; and the entry of this import.
    pub fn writes(&self, resolutions: &Resolutions) -> Writes {
        let mut counts = self.counts;
        counts.conflicts_taken = 0;
        let mut schools = Upserts::new(Vec::new(), |r: &SchoolRecord| r.school_id.clone());
        let mut submissions = Upserts::new(Vec::new(), |r: &SubmissionRecord| {
            (r.row.school_id.clone(), r.row.year)
        });
        let mut assessments = Upserts::new(Vec::new(), |r: &AssessmentRecord| r.id.clone());
        let mut runs = Upserts::new(Vec::new(), |r: &RunRecord| r.id.clone());
        let mut references = Upserts::new(Vec::new(), |r: &ReferenceRecord| r.id.clone());
        for (i, item) in self.items.iter().enumerate() {
            let put = match item.kind {
                Class::New | Class::Updated => true,
                Class::Identical => false,
                Class::Conflict => {
                    let take = resolutions.get(&i) == Some(&Resolution::TakeTheirs);
                    counts.conflicts_taken += usize::from(take);
                    take
                }
            };
            if !put {
                continue;
            }
            match item.record.clone() {
                Record::School(r) => schools.put(r.school_id.clone(), r),
                Record::Submission(r) => submissions.put((r.row.school_id.clone(), r.row.year), r),
                Record::Assessment(r) => assessments.put(r.id.clone(), r),
                Record::Run(r) => runs.put(r.id.clone(), *r),
                Record::Reference(r) => references.put(r.id.clone(), r),
            }
        }
        let files: Vec<&str> = self.files.iter().map(|(f, _)| f.as_str()).collect();
        let sha = match self.files.as_slice() {
            [(_, sha)] => Some(sha.clone()),
            _ => None,
        };
        let action = if self.restore {
            LogAction::Restore
        } else {
            LogAction::Import
        };
        let file = (!files.is_empty()).then(|| files.join(", "));
        let lines = kinds_summary(&counts_by_kind(&self.items, Some(resolutions)), true);
        let summary = if lines.is_empty() {
            "записей нет".to_string()
        } else {
            lines.join("; ")
        };
        let entry = LogEntry::new(&self.now, action, file, sha, summary, counts);
        Writes {
            schools: schools.list,
            submissions: submissions.list,
            assessments: assessments.list,
            runs: runs.list,
            references: references.list,
            log: self.log.clone(),
            entry,
        }
    }
}
