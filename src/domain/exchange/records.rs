//! What the app stores, as plain values: the stored forms only (the database as a whole and
//! its writes are [`super::snapshot`]).
//!
//! The browser storage (IndexedDB) keeps one store per record type below; this module defines
//! the records so that backups and imports can be validated and tested natively. Keys:
//!
//! | store         | record               | key                         |
//! |---------------|----------------------|-----------------------------|
//! | `schools`     | [`SchoolRecord`]     | `school_id`                 |
//! | `submissions` | [`SubmissionRecord`] | (`school_id`, `year`)       |
//! | `assessments` | [`AssessmentRecord`] | `id` = [`assessment_key`]   |
//! | `runs`        | [`RunRecord`]        | `id`                        |
//! | `references`  | [`ReferenceRecord`]  | `id` = the bundle's sha256  |
//! | `log`         | [`LogEntry`]         | `id`                        |
//!
//! Records that hold data (schools, submissions, assessments) carry a [`RecordMeta`]: when they
//! were last written and where they came from. The storage layer must set the origin to
//! [`Origin::Local`] whenever the user edits a record: import planning relies on it to tell
//! data received and left alone (which a newer file may update) from data edited here (which
//! an import never overwrites without asking).

use crate::domain::common::canonical::sha256_hex;
use crate::domain::common::time::Timestamp;
use crate::domain::contract::row::{Row, SchoolType};
use crate::domain::exchange::envelope::Bundle;
pub use crate::domain::method::run::{RunRecord, RunScope};
use crate::domain::rubric::{Assessment, OrgLevel};
use crate::domain::school::programme::Programme;
use crate::domain::school::self_assessment::SelfAssessment;
use crate::domain::support::Support;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// When a record was last written, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordMeta {
    pub modified_at: Timestamp,
    pub origin: Origin,
}

/// Where a record came from. Serialised with a `source` tag:
/// `{"source": "imported", "file": …, "bundle_sha256": …, "bundle_created_at": …, "organisation": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Origin {
    /// Entered or edited in this browser.
    Local,
    /// Received in a file and not edited since.
    Imported {
        /// The file's name.
        file: String,
        /// The bundle's checksum; for a CSV or plain JSON table, the SHA-256 of the file.
        bundle_sha256: String,
        /// When the bundle was created; for a table (which has no creation time), when it
        /// was imported.
        bundle_created_at: Timestamp,
        /// Who created the bundle (empty for a table).
        organisation: String,
    },
    /// The demonstration region.
    Demo,
}

/// A school's identity: what a school record holds besides its meta.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolIdentity {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
    pub school_type: SchoolType,
}

impl SchoolIdentity {
    /// The identity a row carries.
    pub fn of_row(row: &Row) -> SchoolIdentity {
        SchoolIdentity {
            school_id: row.school_id.clone(),
            school_name: row.school_name.clone(),
            municipality: row.municipality.clone(),
            school_type: row.school_type,
        }
    }
}

/// What a school reports about itself besides its rows: its self-assessments (one per year)
/// and its improvement programme. Sent in the school's file, kept with the school's record.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SchoolDocuments {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub self_assessments: Vec<SelfAssessment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<Programme>,
}

impl SchoolDocuments {
    pub fn is_empty(&self) -> bool {
        self.self_assessments.is_empty() && self.programme.is_none()
    }

    /// What stops the documents from being stored or sent, in Russian: the self-assessments'
    /// errors (not their warnings) and the programme's problems.
    pub fn problems(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .self_assessments
            .iter()
            .flat_map(crate::domain::school::self_assessment::errors)
            .collect();
        if let Some(p) = &self.programme {
            out.extend(crate::domain::school::programme::validate(p));
        }
        out
    }
}

/// A school. Key: `school_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolRecord {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
    pub school_type: SchoolType,
    /// The school's self-assessments and programme, if it sent or entered any.
    #[serde(default, skip_serializing_if = "SchoolDocuments::is_empty")]
    pub documents: SchoolDocuments,
    /// The school's place in the project, by year (participant, partner school, agreement).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub support: BTreeMap<i32, Support>,
    pub meta: RecordMeta,
}

impl SchoolRecord {
    pub fn new(identity: SchoolIdentity, meta: RecordMeta) -> SchoolRecord {
        SchoolRecord {
            school_id: identity.school_id,
            school_name: identity.school_name,
            municipality: identity.municipality,
            school_type: identity.school_type,
            documents: SchoolDocuments::default(),
            support: BTreeMap::new(),
            meta,
        }
    }
    pub fn identity(&self) -> SchoolIdentity {
        SchoolIdentity {
            school_id: self.school_id.clone(),
            school_name: self.school_name.clone(),
            municipality: self.municipality.clone(),
            school_type: self.school_type,
        }
    }
    pub fn key(&self) -> &str {
        &self.school_id
    }
}

/// One school's data for one year. Key: (`school_id`, `year`).
/// Serialised as `{"row": {…flat row…}, "meta": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionRecord {
    pub row: Row,
    pub meta: RecordMeta,
}

impl SubmissionRecord {
    pub fn key(&self) -> (&str, i32) {
        self.row.key()
    }
}

/// How the browser's database keeps a submission: positional, without column names, so that
/// a national database (135,000 rows) is a third of the size to write and read —
/// `{"r":[school_id, school_name, municipality, school_type, year, [values by data index,
/// null for empty, trailing empties left out]], "m": {meta}}`. Exchange files keep the flat,
/// named row ([`SubmissionRecord`]'s own serde form); the database reads that form too (the
/// first release stored it).
pub mod stored_submission {
    use super::{RecordMeta, SubmissionRecord};
    use crate::domain::contract::row::Row;
    use crate::domain::input::{row_from_parts, row_parts};
    use serde::{Deserialize, Serialize};

    #[derive(Serialize)]
    struct Out<'a> {
        r: (&'a str, &'a str, &'a str, &'a str, i32, Vec<Option<f64>>),
        m: &'a RecordMeta,
    }

    /// A row's parts as read: id, name, municipality, type, year, values by data index.
    type RowParts = (String, String, String, String, i64, Vec<Option<f64>>);

    #[derive(Deserialize)]
    struct In {
        r: RowParts,
        m: RecordMeta,
    }

    /// The record as stored.
    pub fn to_json(s: &SubmissionRecord) -> String {
        let row = &s.row;
        let out = Out {
            r: (
                &row.school_id,
                &row.school_name,
                &row.municipality,
                row.school_type.id(),
                row.year,
                row_parts(row),
            ),
            m: &s.meta,
        };
        // Strings, integers and finite numbers: serialising cannot fail.
        serde_json::to_string(&out).unwrap_or_default()
    }

    /// The row alone, positionally: the `r` part of the stored form (the quick-start copy
    /// keeps each record's meta once per chunk, see [`crate::domain::exchange::quick_copy`]).
    pub fn row_to_json(row: &Row) -> String {
        let r = (
            row.school_id.as_str(),
            row.school_name.as_str(),
            row.municipality.as_str(),
            row.school_type.id(),
            row.year,
            row_parts(row),
        );
        // Strings, integers and finite numbers: serialising cannot fail.
        serde_json::to_string(&r).unwrap_or_default()
    }

    /// A row written by [`row_to_json`]; the error is in Russian.
    pub fn row_from_json(text: &str) -> Result<Row, String> {
        let (id, name, muni, kind, year, values): RowParts = serde_json::from_str(text)
            .map_err(|e| crate::domain::contract::problem::serde_error_ru(&e))?;
        row_from_parts(id, name, muni, &kind, year, &values)
    }

    /// A stored record, in either form; the error is in Russian.
    pub fn from_json(text: &str) -> Result<SubmissionRecord, String> {
        if text.trim_start().starts_with("{\"r\"") {
            let In { r, m } = serde_json::from_str(text)
                .map_err(|e| crate::domain::contract::problem::serde_error_ru(&e))?;
            let (id, name, muni, kind, year, values) = r;
            let row = row_from_parts(id, name, muni, &kind, year, &values)?;
            Ok(SubmissionRecord { row, meta: m })
        } else {
            serde_json::from_str(text)
                .map_err(|e| crate::domain::contract::problem::serde_error_ru(&e))
        }
    }
}

/// A rubric assessment of one organisation for one year. Key: `id` = [`assessment_key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentRecord {
    pub id: String,
    pub assessment: Assessment,
    pub meta: RecordMeta,
}

/// The key of an assessment: `<level>|code:<code>|<year>` when the organisation has a code,
/// otherwise `<level>|name:<name>|<year>`, where `<level>` is `region`, `municipality` or
/// `school`, the code is trimmed and the name trimmed and lowercased (as
/// [`crate::domain::rubric::Organisation::key`] compares organisations).
///
/// Examples: `region|code:25|2024`, `municipality|name:г. приморск|2025`.
/// The format is stored in users' databases and files: do not change it.
pub fn assessment_key(a: &Assessment) -> String {
    let level = match a.organisation.level {
        OrgLevel::Region => "region",
        OrgLevel::Municipality => "municipality",
        OrgLevel::School => "school",
    };
    match a.organisation.code.as_deref().map(str::trim) {
        Some(code) if !code.is_empty() => format!("{level}|code:{code}|{}", a.year),
        _ => format!(
            "{level}|name:{}|{}",
            a.organisation.name.trim().to_lowercase(),
            a.year
        ),
    }
}

impl AssessmentRecord {
    /// A record keyed by [`assessment_key`].
    pub fn new(assessment: Assessment, meta: RecordMeta) -> AssessmentRecord {
        AssessmentRecord {
            id: assessment_key(&assessment),
            assessment,
            meta,
        }
    }
}

/// A reference bundle received from a region. Key: `id` = the bundle's sha256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceRecord {
    pub id: String,
    pub received_at: Timestamp,
    pub bundle: Bundle,
}

/// What a log entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogAction {
    Import,
    Export,
    Clear,
    Demo,
    Restore,
    /// A school's own data entered and confirmed in this browser.
    Entry,
    /// Participants of the support project and their partner schools set in this browser.
    Support,
}

impl LogAction {
    pub fn label(self) -> &'static str {
        match self {
            LogAction::Import => "импорт",
            LogAction::Export => "экспорт",
            LogAction::Clear => "очистка",
            LogAction::Demo => "демонстрационные данные",
            LogAction::Restore => "восстановление из резервной копии",
            LogAction::Entry => "ввод данных школы",
            LogAction::Support => "поддержка школ: участники и партнёры",
        }
    }
}

/// How the records of an import were classified (see `bundle::plan`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportCounts {
    pub new: usize,
    pub updated: usize,
    pub identical: usize,
    pub conflicts: usize,
    /// Of the conflicts, how many were resolved by taking the file's version (the others kept
    /// ours). Zero in a preview, before the user has chosen.
    #[serde(default)]
    pub conflicts_taken: usize,
}

impl ImportCounts {
    /// «новых: 12, обновлено: 3, без изменений: 40, конфликтов: 1 (оставлены свои)».
    pub fn summary(&self) -> String {
        let mut s = format!(
            "новых: {}, обновлено: {}, без изменений: {}, конфликтов: {}",
            self.new, self.updated, self.identical, self.conflicts
        );
        s.push_str(&self.conflicts_resolution());
        s
    }

    /// « (оставлены свои)», « (приняты из файла)», « (приняты из файла: 2, оставлены свои:
    /// 1)»; empty without conflicts.
    pub fn conflicts_resolution(&self) -> String {
        let taken = self.conflicts_taken.min(self.conflicts);
        let kept = self.conflicts - taken;
        if self.conflicts == 0 {
            return String::new();
        }
        match (taken, kept) {
            (0, _) => " (оставлены свои)".to_string(),
            (_, 0) => " (приняты из файла)".to_string(),
            _ => format!(" (приняты из файла: {taken}, оставлены свои: {kept})"),
        }
    }

    pub fn total(&self) -> usize {
        self.new + self.updated + self.identical + self.conflicts
    }
}

/// One line of the journal of imports, exports and other bulk changes. Key: `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub id: String,
    pub at: Timestamp,
    pub action: LogAction,
    pub file: Option<String>,
    pub sha256: Option<String>,
    /// In Russian, e.g. «новых: 12, обновлено: 3, без изменений: 40, конфликтов: 1 (оставлены свои)».
    pub summary: String,
    pub counts: ImportCounts,
}

impl LogEntry {
    /// An entry with an id derived from its content (time, action, file, checksum), so that the
    /// same event logged twice has the same id.
    pub fn new(
        at: &Timestamp,
        action: LogAction,
        file: Option<String>,
        sha256: Option<String>,
        summary: String,
        counts: ImportCounts,
    ) -> LogEntry {
        let seed = format!(
            "{at}\u{0}{action:?}\u{0}{}\u{0}{}\u{0}{summary}",
            file.as_deref().unwrap_or(""),
            sha256.as_deref().unwrap_or("")
        );
        let id = format!("log-{at}-{}", &sha256_hex(seed.as_bytes())[..12]);
        LogEntry {
            id,
            at: at.clone(),
            action,
            file,
            sha256,
            summary,
            counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::common::time::ts;
    use crate::domain::exchange::snapshot::Snapshot;
    use crate::domain::rubric::Organisation;

    fn meta() -> RecordMeta {
        RecordMeta {
            modified_at: ts("2025-11-22T10:00:00Z"),
            origin: Origin::Imported {
                file: "a.json".into(),
                bundle_sha256: "ab".into(),
                bundle_created_at: ts("2025-11-21T09:00:00Z"),
                organisation: "МБОУ СОШ № 1".into(),
            },
        }
    }

    #[test]
    fn origin_and_submission_serialise_as_documented() {
        let m = serde_json::to_value(meta()).unwrap();
        assert_eq!(m["origin"]["source"], "imported");
        assert_eq!(m["origin"]["bundle_created_at"], "2025-11-21T09:00:00Z");
        let local = RecordMeta {
            modified_at: ts("2025-11-22T10:00:00Z"),
            origin: Origin::Local,
        };
        assert_eq!(
            serde_json::to_string(&local).unwrap(),
            r#"{"modified_at":"2025-11-22T10:00:00Z","origin":{"source":"local"}}"#
        );
        let rec = SubmissionRecord {
            row: Row::new("s1", "Школа", "Город", SchoolType::Basic, 2024)
                .with("oge_rus_mean", 4.1),
            meta: local,
        };
        let json = serde_json::to_string(&rec).unwrap();
        assert_eq!(
            json,
            r#"{"row":{"school_id":"s1","school_name":"Школа","municipality":"Город","school_type":"basic","year":2024,"oge_rus_mean":4.1},"meta":{"modified_at":"2025-11-22T10:00:00Z","origin":{"source":"local"}}}"#
        );
        assert_eq!(
            serde_json::from_str::<SubmissionRecord>(&json).unwrap(),
            rec
        );
        assert_eq!(rec.key(), ("s1", 2024));
    }

    #[test]
    fn submissions_are_stored_positionally_and_both_forms_read() {
        let rec = SubmissionRecord {
            row: Row::new("s1", "Школа \"Надежда\"", "Город", SchoolType::Basic, 2024)
                .with("oge_rus_mean", 4.1)
                .with("ege_participants", 12.0),
            meta: meta(),
        };
        let text = stored_submission::to_json(&rec);
        assert!(
            text.starts_with(r#"{"r":["s1","Школа \"Надежда\"","Город","basic",2024,[12.0,"#),
            "{text}"
        );
        // A full row (the demonstration region's) is well under half the named form.
        let demo = crate::domain::demo::region(&crate::domain::demo::DemoSpec::default());
        let full_row = SubmissionRecord {
            row: demo[0].clone(),
            meta: meta(),
        };
        let named = serde_json::to_string(&full_row.row).unwrap().len();
        let positional = stored_submission::to_json(&full_row).len()
            - serde_json::to_string(&full_row.meta).unwrap().len();
        assert!(positional * 2 < named, "{positional} vs {named}");
        assert_eq!(
            stored_submission::from_json(&stored_submission::to_json(&full_row)).unwrap(),
            full_row
        );
        assert_eq!(stored_submission::from_json(&text).unwrap(), rec);
        let full = serde_json::to_string(&rec).unwrap();
        assert_eq!(stored_submission::from_json(&full).unwrap(), rec);
        let bad = text.replace("4.1", "9.5");
        let e = stored_submission::from_json(&bad).unwrap_err();
        assert!(e.contains("«oge_rus_mean»"), "{e}");
        assert!(stored_submission::from_json("{\"r\": 1}").is_err());
    }

    #[test]
    fn a_bad_row_inside_a_record_is_refused() {
        let json = r#"{"row":{"school_id":"s1","school_name":"Ш","municipality":"Г","school_type":"basic","year":2024,"oge_rus_mean":9},"meta":{"modified_at":"x","origin":{"source":"demo"}}}"#;
        let err = serde_json::from_str::<SubmissionRecord>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains("«oge_rus_mean»"), "{err}");
    }

    #[test]
    fn assessment_keys_use_level_code_or_name_and_year() {
        let mut a = Assessment {
            organisation: Organisation {
                name: "  Г. Приморск ".into(),
                level: OrgLevel::Municipality,
                code: None,
            },
            year: 2025,
            ..Assessment::default()
        };
        assert_eq!(assessment_key(&a), "municipality|name:г. приморск|2025");
        a.organisation.code = Some(" 05701000 ".into());
        assert_eq!(assessment_key(&a), "municipality|code:05701000|2025");
        a.organisation.code = Some("  ".into());
        a.organisation.level = OrgLevel::Region;
        assert_eq!(assessment_key(&a), "region|name:г. приморск|2025");
        let rec = AssessmentRecord::new(a, meta());
        assert_eq!(rec.id, "region|name:г. приморск|2025");
    }

    #[test]
    fn counts_summary_in_russian() {
        let mut c = ImportCounts {
            new: 12,
            updated: 3,
            identical: 40,
            conflicts: 1,
            conflicts_taken: 0,
        };
        assert_eq!(
            c.summary(),
            "новых: 12, обновлено: 3, без изменений: 40, конфликтов: 1 (оставлены свои)"
        );
        c.conflicts_taken = 1;
        assert_eq!(
            c.summary(),
            "новых: 12, обновлено: 3, без изменений: 40, конфликтов: 1 (приняты из файла)"
        );
        c.conflicts = 3;
        assert_eq!(
            c.summary(),
            "новых: 12, обновлено: 3, без изменений: 40, конфликтов: 3 (приняты из файла: 1, оставлены свои: 2)"
        );
        c.conflicts = 0;
        c.conflicts_taken = 0;
        assert_eq!(
            c.summary(),
            "новых: 12, обновлено: 3, без изменений: 40, конфликтов: 0"
        );
        assert_eq!(c.total(), 55);
    }

    #[test]
    fn log_ids_are_stable_and_distinct() {
        let a = LogEntry::new(
            &ts("2025-11-22T10:00:00Z"),
            LogAction::Import,
            Some("a.json".into()),
            None,
            "x".into(),
            ImportCounts::default(),
        );
        let b = LogEntry::new(
            &ts("2025-11-22T10:00:00Z"),
            LogAction::Import,
            Some("a.json".into()),
            None,
            "x".into(),
            ImportCounts::default(),
        );
        let c = LogEntry::new(
            &ts("2025-11-22T10:00:00Z"),
            LogAction::Export,
            Some("a.json".into()),
            None,
            "x".into(),
            ImportCounts::default(),
        );
        assert_eq!(a.id, b.id);
        assert_ne!(a.id, c.id);
        assert!(a.id.starts_with("log-2025-11-22T10:00:00Z-"));
    }

    #[test]
    fn demonstration_records_are_exactly_the_marked_ones() {
        let demo = RecordMeta {
            modified_at: ts("2025-11-22T10:00:00Z"),
            origin: Origin::Demo,
        };
        let row = |id: &str, y: i32| Row::new(id, "Ш", "Г", SchoolType::Basic, y);
        let mut s = Snapshot::default();
        s.schools.push(SchoolRecord::new(
            SchoolIdentity::of_row(&row("d1", 2024)),
            demo.clone(),
        ));
        s.schools.push(SchoolRecord::new(
            SchoolIdentity::of_row(&row("r1", 2024)),
            meta(),
        ));
        // A demonstration school whose 2025 row came from a file: that row is not demo.
        s.submissions.push(SubmissionRecord {
            row: row("d1", 2024),
            meta: demo.clone(),
        });
        s.submissions.push(SubmissionRecord {
            row: row("d1", 2025),
            meta: meta(),
        });
        s.submissions.push(SubmissionRecord {
            row: row("r1", 2024),
            meta: meta(),
        });
        let mut a = Assessment::default();
        a.organisation.name = "Край".into();
        a.year = 2025;
        s.assessments.push(AssessmentRecord::new(a, demo.clone()));
        let removal = s.demo_records();
        assert_eq!(removal.schools, vec!["d1".to_string()]);
        assert_eq!(removal.submissions, vec![("d1".to_string(), 2024)]);
        assert_eq!(removal.assessments.len(), 1);
        assert_eq!(s.rows_in(RunScope::Demo).len(), 1);
        assert_eq!(s.rows_in(RunScope::Real).len(), 2);
        assert_eq!(s.rows_in(RunScope::All).len(), 3);
        s.remove(&removal);
        assert_eq!(s.schools.len(), 1);
        assert_eq!(s.submissions.len(), 2, "the file's row of d1 stays");
        assert!(s.assessments.is_empty());
        assert!(s.demo_records().is_empty());
    }

    /// Runs of every scope over the demonstration region and over real rows: those whose
    /// schools are all the demo's go with it, whatever their scope; a run over both stays.
    #[test]
    fn every_run_over_demonstration_rows_only_is_removed_with_them() {
        use crate::domain::demo::{writes, DemoSpec};
        use crate::domain::method::identify::{identify, Params};
        let spec = DemoSpec {
            schools: 30,
            municipalities: 3,
            ..DemoSpec::default()
        };
        let mut s = Snapshot::default();
        s.apply(&writes(&spec, &ts("2025-11-22T10:00:00Z")));
        let run = |id: &str, scope: RunScope, rows: &[Row]| RunRecord {
            id: id.into(),
            created_at: ts("2025-11-22T11:00:00Z"),
            label: id.into(),
            scope,
            input_digest: String::new(),
            chance_seed: 1,
            reference: Vec::new(),
            result: identify(rows, &Params::default()).unwrap(),
        };
        // Made while only the demo was stored: «все данные» are the demo's rows.
        let demo_rows = s.rows_in(RunScope::All);
        s.runs.push(run("all-demo", RunScope::All, &demo_rows));
        s.runs.push(run("demo", RunScope::Demo, &demo_rows));
        // Then real schools arrive.
        let real: Vec<Row> = (1..=4)
            .flat_map(|i| {
                [2023, 2024, 2025].map(|y| {
                    let mut r = Row::new(&format!("r{i}"), "Ш", "Город", SchoolType::Secondary, y);
                    r.values
                        .set_by_id("ege_rus_mean", Some(60.0 + f64::from(i)));
                    r
                })
            })
            .collect();
        for r in &real {
            s.submissions.push(SubmissionRecord {
                row: r.clone(),
                meta: meta(),
            });
        }
        s.runs.push(run("real", RunScope::Real, &real));
        let both = s.rows_in(RunScope::All);
        s.runs.push(run("all-both", RunScope::All, &both));
        let removal = s.demo_records();
        assert_eq!(
            removal.runs,
            vec!["all-demo".to_string(), "demo".to_string()]
        );
        s.remove(&removal);
        assert_eq!(
            s.runs.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            vec!["real", "all-both"]
        );
        assert_eq!(s.submissions.len(), real.len());
        assert!(s.demo_records().is_empty());
    }

    #[test]
    fn snapshot_emptiness_and_round_trip() {
        let mut s = Snapshot::default();
        assert!(s.is_empty());
        s.schools.push(SchoolRecord::new(
            SchoolIdentity {
                school_id: "s1".into(),
                school_name: "Школа".into(),
                municipality: "Город".into(),
                school_type: SchoolType::Secondary,
            },
            meta(),
        ));
        assert!(!s.is_empty());
        assert_eq!(s.school("s1").unwrap().identity().school_name, "Школа");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Snapshot>(&json).unwrap(), s);
        assert_eq!(
            serde_json::from_str::<Snapshot>("{}").unwrap(),
            Snapshot::default()
        );
    }
}
