//! The exchange format: one self-describing JSON file for everything Шкала sends or keeps.
//!
//! ```json
//! {"format": "shkala", "version": 1,
//!  "kind": "school-submission" | "collection" | "reference" | "rubric-assessment" | "backup",
//!  "created_at": "2025-11-22T10:15:00Z",
//!  "created_by": {"role": "school" | "municipality" | "region" | "other", "organisation": "…"},
//!  "payload": {…},
//!  "sha256": "<lowercase hex SHA-256 of the canonical JSON of payload>"}
//! ```
//!
//! * [`canonical_json`] — keys sorted by bytes at every level, no whitespace (see [`json`]).
//! * Payloads: [`SchoolSubmission`], [`Collection`], [`ReferencePayload`], [`RubricAssessment`],
//!   [`Backup`]; [`Payload`] is their sum.
//! * [`parse_bundle`] / [`parse_bundle_as`] read a file and refuse it with every problem found
//!   (Russian messages naming the file and the JSON path, e.g. `payload.rows[3].ege_rus_mean`;
//!   array indices in paths are 0-based). Older versions go through [`migrate`].
//! * [`plan`] — what importing files would change, conflicts and their resolution.
//! * Export builders: [`backup`], [`school_submission`], [`collection`], [`rubric_assessments`],
//!   [`reference`]; [`suggested_file_name`].
//!
//! ## Versions
//!
//! [`VERSION`] (1) is current. [`migrate`] is a ladder of steps, one per version. Version 0 was
//! a pre-release draft, never published: it named the kind `type` and the checksum `checksum`.
//! Its step is kept so that the ladder has a rung exercised by the tests.
//!
//! Nothing here panics on any input: the reader is tested on every prefix of a bundle and on
//! flipped bytes.

mod json;
pub mod plan;

pub use json::{canonical_json, canonical_sha256, parse_json, sha256_hex, JsonError, MAX_DEPTH};
pub use plan::{
    plan_import, Class, ImportPlan, Incoming, PlanItem, Record, RecordKey, Resolution, Resolutions,
    Writes,
};

use super::identify::{Identification, Params, ResultsBand, SocialBand};
use super::input::{row_from_json, rows_from_json_array};
use super::problem::{Place, Problem};
use super::records::{
    assessment_key, AssessmentRecord, LogEntry, RecordMeta, ReferenceRecord, RunRecord,
    SchoolIdentity, SchoolRecord, Snapshot, SubmissionRecord,
};
use super::row::Row;
use super::rubric::{federal, validate_assessment, Assessment};
use super::schema::schema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// The value of `format`.
pub const FORMAT: &str = "shkala";
/// The current version of the format.
pub const VERSION: u32 = 1;

/// What a bundle carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// One school's rows, sent by the school.
    SchoolSubmission,
    /// Rows of many schools (a municipality's or a region's table).
    Collection,
    /// A region's reference values: column ranges, means and band cuts per pool-year.
    Reference,
    /// Rubric assessments.
    RubricAssessment,
    /// The whole database.
    Backup,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::SchoolSubmission,
        Kind::Collection,
        Kind::Reference,
        Kind::RubricAssessment,
        Kind::Backup,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Kind::SchoolSubmission => "school-submission",
            Kind::Collection => "collection",
            Kind::Reference => "reference",
            Kind::RubricAssessment => "rubric-assessment",
            Kind::Backup => "backup",
        }
    }

    /// Russian name, nominative: «данные школы».
    pub fn label(self) -> &'static str {
        match self {
            Kind::SchoolSubmission => "данные школы",
            Kind::Collection => "данные школ",
            Kind::Reference => "эталон региона",
            Kind::RubricAssessment => "оценки по рубрике",
            Kind::Backup => "резервная копия",
        }
    }

    pub fn parse(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// Who created a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    School,
    Municipality,
    Region,
    Other,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::School, Role::Municipality, Role::Region, Role::Other];
    pub fn id(self) -> &'static str {
        match self {
            Role::School => "school",
            Role::Municipality => "municipality",
            Role::Region => "region",
            Role::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Role::School => "школа",
            Role::Municipality => "муниципалитет",
            Role::Region => "регион",
            Role::Other => "другое",
        }
    }
    pub fn parse(id: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedBy {
    pub role: Role,
    pub organisation: String,
}

/// A bundle as it is written: the envelope and the payload as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub version: u32,
    pub kind: Kind,
    /// RFC 3339.
    pub created_at: String,
    pub created_by: CreatedBy,
    pub payload: Value,
    /// Lowercase hex SHA-256 of [`canonical_json`] of `payload`.
    pub sha256: String,
}

impl Bundle {
    /// A bundle of the current version with its checksum.
    pub fn new(kind: Kind, created_by: CreatedBy, created_at: &str, payload: Value) -> Bundle {
        let sha256 = canonical_sha256(&payload);
        Bundle {
            format: FORMAT.to_string(),
            version: VERSION,
            kind,
            created_at: created_at.to_string(),
            created_by,
            payload,
            sha256,
        }
    }

    /// A bundle of a typed payload (the kind follows from the payload).
    pub fn from_payload(created_by: CreatedBy, created_at: &str, payload: &Payload) -> Bundle {
        Bundle::new(payload.kind(), created_by, created_at, payload.to_value())
    }

    /// The file's text: indented JSON.
    pub fn to_json_pretty(&self) -> String {
        // Serialising a value tree with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Whether `sha256` matches the payload.
    pub fn checksum_ok(&self) -> bool {
        self.sha256
            .eq_ignore_ascii_case(&canonical_sha256(&self.payload))
    }
}

// ---------------------------------------------------------------- payloads

/// One school's rows, sent by the school. Every row belongs to `school`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolSubmission {
    pub school: SchoolIdentity,
    pub rows: Vec<Row>,
}

/// Rows of many schools; `schools` optionally gives their current identities (otherwise each
/// school's identity is that of its latest row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collection {
    pub rows: Vec<Row>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schools: Vec<SchoolIdentity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RubricAssessment {
    pub assessments: Vec<Assessment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backup {
    pub snapshot: Snapshot,
}

/// A region's reference: enough to place a school among the region's schools later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferencePayload {
    pub region: String,
    /// The window, oldest first.
    pub years: Vec<i32>,
    pub params: Params,
    pub pools: Vec<ReferencePool>,
}

/// One pool-year of a reference.
///
/// Bands by index value: a results index ≤ `results_cut_low` is in the low band, ≥
/// `results_cut_high` in the high band. A social index (higher = worse conditions) ≥
/// `social_cut_unfavourable` is in the unfavourable band, ≤ `social_cut_favourable` in the
/// favourable one. A cut is `None` when nobody is in that band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferencePool {
    pub pool: String,
    pub year: i32,
    /// Schools of the pool with a row that year.
    pub schools: usize,
    /// (min, max) of each data column over the pool-year's eligible schools; columns nobody
    /// filled are absent.
    pub columns: BTreeMap<String, (f64, f64)>,
    /// Regional means used for the gap flags that year, by column.
    pub regional_means: BTreeMap<String, f64>,
    /// The highest results index in the low band.
    pub results_cut_low: Option<f64>,
    /// The lowest results index in the high band.
    pub results_cut_high: Option<f64>,
    /// The lowest social index in the unfavourable band.
    pub social_cut_unfavourable: Option<f64>,
    /// The highest social index in the favourable band.
    pub social_cut_favourable: Option<f64>,
}

/// A typed payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    SchoolSubmission(SchoolSubmission),
    Collection(Collection),
    Reference(ReferencePayload),
    RubricAssessment(RubricAssessment),
    Backup(Backup),
}

impl Payload {
    pub fn kind(&self) -> Kind {
        match self {
            Payload::SchoolSubmission(_) => Kind::SchoolSubmission,
            Payload::Collection(_) => Kind::Collection,
            Payload::Reference(_) => Kind::Reference,
            Payload::RubricAssessment(_) => Kind::RubricAssessment,
            Payload::Backup(_) => Kind::Backup,
        }
    }

    pub fn to_value(&self) -> Value {
        // These types serialise to JSON without error (string or integer map keys).
        let v = match self {
            Payload::SchoolSubmission(p) => serde_json::to_value(p),
            Payload::Collection(p) => serde_json::to_value(p),
            Payload::Reference(p) => serde_json::to_value(p),
            Payload::RubricAssessment(p) => serde_json::to_value(p),
            Payload::Backup(p) => serde_json::to_value(p),
        };
        v.unwrap_or_default()
    }
}

/// Computes a reference from an identification and its input rows.
///
/// * Column ranges: min and max of each data column over the rows of the schools that took
///   part (not excluded) in the pool, for each year of the window.
/// * Regional means: the means the identification used that year.
/// * Cuts: from the bands of the result (see [`ReferencePool`]).
pub fn reference_from(
    identification: &Identification,
    rows: &[Row],
    region: &str,
) -> ReferencePayload {
    let s = schema();
    let pool_of: HashMap<&str, &str> = identification
        .schools
        .iter()
        .filter(|r| r.excluded.is_none())
        .filter_map(|r| r.pool.as_deref().map(|p| (r.school_id.as_str(), p)))
        .collect();
    type Columns = BTreeMap<String, (f64, f64)>;
    let mut ranges: HashMap<(&str, i32), Columns> = HashMap::new();
    for row in rows {
        if !identification.years.contains(&row.year) {
            continue;
        }
        let Some(pool) = pool_of.get(row.school_id.as_str()) else {
            continue;
        };
        let columns = ranges.entry((pool, row.year)).or_default();
        for i in 0..row.values.len() {
            if let Some(v) = row.values.get(i) {
                columns
                    .entry(s.data_column(i).id.clone())
                    .and_modify(|(lo, hi)| {
                        *lo = lo.min(v);
                        *hi = hi.max(v);
                    })
                    .or_insert((v, v));
            }
        }
    }
    let pools = identification
        .pools
        .iter()
        .map(|py| {
            let max = |a: Option<f64>, x: f64| Some(a.map_or(x, |a| a.max(x)));
            let min = |a: Option<f64>, x: f64| Some(a.map_or(x, |a| a.min(x)));
            let (mut low, mut high, mut unfavourable, mut favourable) = (None, None, None, None);
            for school in identification
                .schools
                .iter()
                .filter(|r| r.excluded.is_none() && r.pool.as_deref() == Some(&py.pool))
            {
                let Some(y) = school.years.get(&py.year) else {
                    continue;
                };
                match (y.results_band, y.results_index) {
                    (Some(ResultsBand::Low), Some(x)) => low = max(low, x),
                    (Some(ResultsBand::High), Some(x)) => high = min(high, x),
                    _ => {}
                }
                match (y.social_band, y.social_index) {
                    (Some(SocialBand::Unfavourable), Some(x)) => {
                        unfavourable = min(unfavourable, x)
                    }
                    (Some(SocialBand::Favourable), Some(x)) => favourable = max(favourable, x),
                    _ => {}
                }
            }
            ReferencePool {
                pool: py.pool.clone(),
                year: py.year,
                schools: py.schools,
                columns: ranges
                    .get(&(py.pool.as_str(), py.year))
                    .cloned()
                    .unwrap_or_default(),
                regional_means: identification
                    .regional_means
                    .get(&py.year.to_string())
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), v.value)).collect())
                    .unwrap_or_default(),
                results_cut_low: low,
                results_cut_high: high,
                social_cut_unfavourable: unfavourable,
                social_cut_favourable: favourable,
            }
        })
        .collect();
    ReferencePayload {
        region: region.to_string(),
        years: identification.years.clone(),
        params: identification.params.clone(),
        pools,
    }
}

// ---------------------------------------------------------------- time

/// Parses an RFC 3339 timestamp (`2025-11-22T10:15:00Z`, `2025-11-22T13:15:00.5+03:00`) into
/// seconds since 1970-01-01 UTC and nanoseconds. `None` if it is not one.
pub fn parse_rfc3339(s: &str) -> Option<(i64, u32)> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..9 {
            nanos *= 10;
        }
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let o = h * 3600 + m * 60;
            if *sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((
        days * 86_400 + hour * 3600 + minute * 60 + second - offset,
        nanos,
    ))
}

// ---------------------------------------------------------------- reading

/// A bundle read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedBundle {
    /// The file's name.
    pub file: String,
    /// The envelope (migrated to the current version) with the payload as JSON.
    pub bundle: Bundle,
    pub payload: Payload,
    /// Warnings and notes (unknown fields, absent columns); no errors.
    pub warnings: Vec<Problem>,
}

/// Why [`migrate`] could not bring a file to the current version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationError {
    /// JSON path of the field at fault (empty for the whole file).
    pub path: String,
    pub message: String,
}

/// Brings a bundle of version `from_version` to [`VERSION`], one step per version.
///
/// * 0 → 1: version 0 was a pre-release draft (never published) that named the kind `type`
///   and the checksum `checksum`; the checksum was computed as in version 1.
pub fn migrate(value: Value, from_version: u64) -> Result<Value, MigrationError> {
    if from_version > u64::from(VERSION) {
        return Err(MigrationError {
            path: "version".into(),
            message: newer_version_message(from_version),
        });
    }
    let mut value = value;
    for version in from_version..u64::from(VERSION) {
        value = match version {
            0 => v0_to_v1(value)?,
            _ => {
                return Err(MigrationError {
                    path: "version".into(),
                    message: format!("нет перехода с формата {version} на формат {}", version + 1),
                })
            }
        };
    }
    Ok(value)
}

fn v0_to_v1(value: Value) -> Result<Value, MigrationError> {
    let Value::Object(mut obj) = value else {
        return Err(MigrationError {
            path: String::new(),
            message: "это не файл Шкалы".into(),
        });
    };
    for (old, new) in [("type", "kind"), ("checksum", "sha256")] {
        if obj.contains_key(new) {
            return Err(MigrationError {
                path: new.into(),
                message: format!("в файле формата 0 поле называется «{old}», а не «{new}»"),
            });
        }
        match obj.remove(old) {
            Some(v) => {
                obj.insert(new.to_string(), v);
            }
            None => {
                return Err(MigrationError {
                    path: old.into(),
                    message: format!("нет поля «{old}» (файл формата 0)"),
                });
            }
        }
    }
    obj.insert("version".into(), Value::from(1));
    Ok(Value::Object(obj))
}

fn newer_version_message(version: u64) -> String {
    format!("файл создан более новой версией Шкалы (формат {version}); обновите приложение")
}

/// Reads a bundle of any kind; see [`parse_bundle_as`].
pub fn parse_bundle(file_name: &str, bytes: &[u8]) -> Result<ParsedBundle, Vec<Problem>> {
    parse_bundle_as(file_name, bytes, &[])
}

/// Reads a bundle and checks everything: envelope, version (migrating older ones), kind
/// (one of `expected`, unless it is empty), checksum and payload. On refusal, every problem
/// found is returned (errors and warnings), each naming the file and the JSON path.
pub fn parse_bundle_as(
    file_name: &str,
    bytes: &[u8],
    expected: &[Kind],
) -> Result<ParsedBundle, Vec<Problem>> {
    let file = file_name;
    let err = |path: &str, message: String| {
        Problem::error(file, Place::Path(path.to_string()), None, message)
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(vec![Problem::error(
            file,
            Place::File,
            None,
            "файл не в кодировке UTF-8",
        )]);
    };
    let value = match parse_json(text) {
        Ok(v) => v,
        Err(e) => {
            return Err(vec![Problem::error(
                file,
                Place::File,
                None,
                format!(
                    "некорректный JSON: строка {}, позиция {}: {}",
                    e.line, e.column, e.message
                ),
            )])
        }
    };
    if !value.is_object() {
        return Err(vec![Problem::error(
            file,
            Place::File,
            None,
            "это не файл Шкалы",
        )]);
    }
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(vec![err("format", "это не файл Шкалы".into())]);
    }
    let version = match value.get("version") {
        None => return Err(vec![err("version", "не указана версия формата".into())]),
        Some(v) => match v.as_u64() {
            Some(n) => n,
            None => {
                return Err(vec![err(
                    "version",
                    format!(
                        "версия формата должна быть целым неотрицательным числом, получено {v}"
                    ),
                )])
            }
        },
    };
    if version > u64::from(VERSION) {
        return Err(vec![err("version", newer_version_message(version))]);
    }
    let value = match migrate(value, version) {
        Ok(v) => v,
        Err(e) => return Err(vec![err(&e.path, e.message)]),
    };
    let Value::Object(obj) = value else {
        return Err(vec![Problem::error(
            file,
            Place::File,
            None,
            "это не файл Шкалы",
        )]);
    };

    let mut problems = Vec::new();
    for key in obj.keys() {
        if ![
            "format",
            "version",
            "kind",
            "created_at",
            "created_by",
            "payload",
            "sha256",
        ]
        .contains(&key.as_str())
        {
            problems.push(Problem::warning(
                file,
                Place::Path(key.clone()),
                None,
                "неизвестное поле — оно не будет использовано",
            ));
        }
    }
    let kind = match obj.get("kind") {
        None => {
            problems.push(err("kind", "не указан вид файла".into()));
            None
        }
        Some(v) => match v.as_str().and_then(Kind::parse) {
            Some(k) => Some(k),
            None => {
                let known: Vec<&str> = Kind::ALL.iter().map(|k| k.id()).collect();
                let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                problems.push(err(
                    "kind",
                    format!(
                        "неизвестный вид файла «{shown}»; известные виды: {}",
                        known.join(", ")
                    ),
                ));
                None
            }
        },
    };
    if let Some(k) = kind {
        if !expected.is_empty() && !expected.contains(&k) {
            let wanted: Vec<String> = expected
                .iter()
                .map(|e| format!("«{}»", e.label()))
                .collect();
            problems.push(err(
                "kind",
                format!(
                    "в файле «{}», а здесь ожидается {}",
                    k.label(),
                    wanted.join(" или ")
                ),
            ));
        }
    }
    let created_at = match obj.get("created_at") {
        Some(Value::String(s)) if parse_rfc3339(s).is_some() => Some(s.clone()),
        other => {
            let got = match other {
                None => "ничего".to_string(),
                Some(Value::String(s)) => format!("«{s}»"),
                Some(v) => v.to_string(),
            };
            problems.push(err(
                "created_at",
                format!("дата создания должна быть в формате RFC 3339 (например, 2025-11-22T10:15:00Z), получено {got}"),
            ));
            None
        }
    };
    let created_by = match obj.get("created_by") {
        Some(Value::Object(by)) => {
            let role = match by.get("role").and_then(Value::as_str).and_then(Role::parse) {
                Some(r) => Some(r),
                None => {
                    let got = by
                        .get("role")
                        .map_or_else(|| "ничего".to_string(), Value::to_string);
                    problems.push(err(
                        "created_by.role",
                        format!("неизвестная роль {got}; допустимо: school, municipality, region, other"),
                    ));
                    None
                }
            };
            let organisation = match by.get("organisation") {
                Some(Value::String(s)) => Some(s.clone()),
                _ => {
                    problems.push(err(
                        "created_by.organisation",
                        "название организации должно быть строкой".into(),
                    ));
                    None
                }
            };
            role.zip(organisation)
                .map(|(role, organisation)| CreatedBy { role, organisation })
        }
        _ => {
            problems.push(err(
                "created_by",
                "не указано, кто создал файл (роль и организация)".into(),
            ));
            None
        }
    };
    let payload = match obj.get("payload") {
        Some(p @ Value::Object(_)) => Some(p),
        Some(_) => {
            problems.push(err(
                "payload",
                "содержимое файла (payload) должно быть объектом".into(),
            ));
            None
        }
        None => {
            problems.push(err("payload", "в файле нет содержимого (payload)".into()));
            None
        }
    };
    let sha256 = match obj.get("sha256") {
        Some(Value::String(s)) => {
            if let Some(p) = payload {
                if !s.eq_ignore_ascii_case(&canonical_sha256(p)) {
                    problems.push(err(
                        "sha256",
                        "контрольная сумма не совпадает: файл повреждён или изменён вручную".into(),
                    ));
                }
            }
            Some(s.to_ascii_lowercase())
        }
        _ => {
            problems.push(err("sha256", "нет контрольной суммы".into()));
            None
        }
    };
    let typed = match (kind, payload) {
        (Some(kind), Some(p)) => check_payload(file, kind, p, &mut problems),
        _ => None,
    };
    if problems.iter().any(Problem::is_error) {
        return Err(problems);
    }
    match (kind, created_at, created_by, payload, sha256, typed) {
        (
            Some(kind),
            Some(created_at),
            Some(created_by),
            Some(payload),
            Some(sha256),
            Some(typed),
        ) => Ok(ParsedBundle {
            file: file.to_string(),
            bundle: Bundle {
                format: FORMAT.to_string(),
                version: VERSION,
                kind,
                created_at,
                created_by,
                payload: payload.clone(),
                sha256,
            },
            payload: typed,
            warnings: problems,
        }),
        // Every `None` above comes with an error, so this is not reached; refuse anyway.
        _ => {
            problems.push(Problem::error(file, Place::File, None, "файл не прочитан"));
            Err(problems)
        }
    }
}

/// A problem of the row validators at `Place::Path(p)` about column `c` becomes one at path
/// `p.c` (`payload.rows[3]` + `ege_rus_mean` → `payload.rows[3].ege_rus_mean`).
fn into_path(mut p: Problem) -> Problem {
    if let (Place::Path(path), Some(c)) = (&p.place, &p.column) {
        p.place = Place::Path(format!("{path}.{c}"));
    }
    p
}

/// serde's English error messages, in Russian where they follow a known pattern.
fn serde_error_ru(e: &serde_json::Error) -> String {
    let m = e.to_string();
    if let Some(rest) = m.strip_prefix("missing field ") {
        return format!("нет поля {}", quote_ticks(rest));
    }
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        return format!(
            "недопустимое значение {}",
            quote_ticks(rest)
                .replace(", expected one of ", "; допустимо: ")
                .replace(", expected ", "; допустимо: ")
        );
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        return format!(
            "неверный тип значения: {}",
            quote_ticks(rest).replace(", expected ", ", ожидалось: ")
        );
    }
    if let Some(rest) = m.strip_prefix("invalid value: ") {
        return format!(
            "недопустимое значение: {}",
            quote_ticks(rest).replace(", expected ", ", ожидалось: ")
        );
    }
    m
}

/// `` `x` `` → «x».
fn quote_ticks(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut open = true;
    for c in s.chars() {
        if c == '`' {
            out.push(if open { '«' } else { '»' });
            open = !open;
        } else {
            out.push(c);
        }
    }
    out
}

fn typed<T: DeserializeOwned>(
    file: &str,
    v: &Value,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    match T::deserialize(v) {
        Ok(t) => Some(t),
        Err(e) => {
            problems.push(Problem::error(
                file,
                Place::Path(path.to_string()),
                None,
                serde_error_ru(&e),
            ));
            None
        }
    }
}

/// The array at `obj[key]`; missing → `None` with an error if `required`, else empty.
fn array_at<'a>(
    file: &str,
    obj: &'a Map<String, Value>,
    key: &str,
    path: &str,
    required: bool,
    problems: &mut Vec<Problem>,
) -> Option<&'a [Value]> {
    match obj.get(key) {
        Some(Value::Array(items)) => Some(items),
        None if !required => Some(&[]),
        None => {
            problems.push(Problem::error(
                file,
                Place::Path(path.to_string()),
                None,
                format!("нет поля «{key}»"),
            ));
            None
        }
        Some(_) => {
            problems.push(Problem::error(
                file,
                Place::Path(path.to_string()),
                None,
                "ожидался массив",
            ));
            None
        }
    }
}

fn warn_unknown_keys(
    file: &str,
    obj: &Map<String, Value>,
    known: &[&str],
    base: &str,
    problems: &mut Vec<Problem>,
) {
    for key in obj.keys() {
        if !known.contains(&key.as_str()) {
            problems.push(Problem::warning(
                file,
                Place::Path(format!("{base}.{key}")),
                None,
                "неизвестное поле — оно не будет использовано",
            ));
        }
    }
}

/// Validates `items` as rows; `path(i)` is the path of item `i`. Returns the valid rows with
/// their item index; reports duplicate (school_id, year).
fn rows_at(
    file: &str,
    items: &[Value],
    path: &dyn Fn(usize) -> String,
    problems: &mut Vec<Problem>,
) -> Vec<(usize, Row)> {
    let mut local = Vec::new();
    let valid = rows_from_json_array(file, items, |i| Place::Path(path(i)), &mut local);
    problems.extend(local.into_iter().map(into_path));
    // The validator returns the valid rows in item order; recover their indices.
    let mut out = Vec::with_capacity(valid.len());
    let mut i = 0;
    for (place, row) in valid {
        while i < items.len() && place != Place::Path(path(i)) {
            i += 1;
        }
        out.push((i, row));
        i += 1;
    }
    let mut first: HashMap<(&str, i32), usize> = HashMap::new();
    for (i, row) in &out {
        if let Some(j) = first.insert(row.key(), *i) {
            first.insert(row.key(), j);
            problems.push(Problem::error(
                file,
                Place::Path(path(*i)),
                None,
                format!(
                    "повторная строка для школы «{}» за {} год (первая — {})",
                    row.school_id,
                    row.year,
                    path(j)
                ),
            ));
        }
    }
    out
}

/// Validates a school identity object (the identity fields of a row).
fn identity_at(
    file: &str,
    v: &Value,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Option<SchoolIdentity> {
    let Some(obj) = v.as_object() else {
        problems.push(Problem::error(
            file,
            Place::Path(path.to_string()),
            None,
            "ожидался объект: school_id, school_name, municipality, school_type",
        ));
        return None;
    };
    let mut probe = Map::new();
    for key in ["school_id", "school_name", "municipality", "school_type"] {
        probe.insert(
            key.to_string(),
            obj.get(key).cloned().unwrap_or(Value::Null),
        );
    }
    probe.insert("year".into(), Value::from(2000));
    let mut local = Vec::new();
    let row = row_from_json(
        &Value::Object(probe),
        file,
        Place::Path(path.to_string()),
        &mut local,
    );
    problems.extend(local.into_iter().map(into_path));
    row.map(|r| SchoolIdentity::of_row(&r))
}

fn check_payload(
    file: &str,
    kind: Kind,
    payload: &Value,
    problems: &mut Vec<Problem>,
) -> Option<Payload> {
    let obj = payload.as_object()?;
    let errors_before = problems.iter().filter(|p| p.is_error()).count();
    let payload = match kind {
        Kind::SchoolSubmission => {
            warn_unknown_keys(file, obj, &["school", "rows"], "payload", problems);
            let school = match obj.get("school") {
                Some(v) => identity_at(file, v, "payload.school", problems),
                None => {
                    problems.push(Problem::error(
                        file,
                        Place::Path("payload.school".into()),
                        None,
                        "не указана школа",
                    ));
                    None
                }
            };
            let items = array_at(file, obj, "rows", "payload.rows", true, problems).unwrap_or(&[]);
            let path = |i: usize| format!("payload.rows[{i}]");
            let rows = rows_at(file, items, &path, problems);
            if let Some(school) = &school {
                for (i, row) in &rows {
                    if row.school_id != school.school_id {
                        problems.push(Problem::error(
                            file,
                            Place::Path(format!("payload.rows[{i}].school_id")),
                            Some("school_id"),
                            format!(
                                "строка относится к школе «{}», а файл содержит данные школы «{}»",
                                row.school_id, school.school_id
                            ),
                        ));
                    }
                }
            }
            if items.is_empty() && obj.contains_key("rows") {
                problems.push(Problem::warning(
                    file,
                    Place::Path("payload.rows".into()),
                    None,
                    "в файле нет ни одной строки данных",
                ));
            }
            school.map(|school| {
                Payload::SchoolSubmission(SchoolSubmission {
                    school,
                    rows: rows.into_iter().map(|(_, r)| r).collect(),
                })
            })
        }
        Kind::Collection => {
            warn_unknown_keys(file, obj, &["rows", "schools"], "payload", problems);
            let items = array_at(file, obj, "rows", "payload.rows", true, problems).unwrap_or(&[]);
            let rows = rows_at(file, items, &|i| format!("payload.rows[{i}]"), problems);
            let school_items =
                array_at(file, obj, "schools", "payload.schools", false, problems).unwrap_or(&[]);
            let mut schools = Vec::new();
            let mut first: HashMap<String, usize> = HashMap::new();
            for (i, v) in school_items.iter().enumerate() {
                let path = format!("payload.schools[{i}]");
                if let Some(identity) = identity_at(file, v, &path, problems) {
                    if let Some(j) = first.get(&identity.school_id) {
                        problems.push(Problem::error(
                            file,
                            Place::Path(format!("{path}.school_id")),
                            Some("school_id"),
                            format!(
                                "школа «{}» указана дважды (первая — payload.schools[{j}])",
                                identity.school_id
                            ),
                        ));
                    } else {
                        first.insert(identity.school_id.clone(), i);
                        schools.push(identity);
                    }
                }
            }
            Some(Payload::Collection(Collection {
                rows: rows.into_iter().map(|(_, r)| r).collect(),
                schools,
            }))
        }
        Kind::RubricAssessment => {
            warn_unknown_keys(file, obj, &["assessments"], "payload", problems);
            let items = array_at(
                file,
                obj,
                "assessments",
                "payload.assessments",
                true,
                problems,
            )
            .unwrap_or(&[]);
            let mut out = Vec::new();
            let mut first: HashMap<String, usize> = HashMap::new();
            for (i, v) in items.iter().enumerate() {
                let path = format!("payload.assessments[{i}]");
                if let Some(a) = typed::<Assessment>(file, v, &path, problems) {
                    check_assessment(file, &a, &path, problems);
                    let key = assessment_key(&a);
                    if let Some(j) = first.get(&key) {
                        problems.push(Problem::error(
                            file,
                            Place::Path(path),
                            None,
                            format!(
                                "повторная оценка организации «{}» за {} год (первая — payload.assessments[{j}])",
                                a.organisation.name, a.year
                            ),
                        ));
                    } else {
                        first.insert(key, i);
                    }
                    out.push(a);
                }
            }
            Some(Payload::RubricAssessment(RubricAssessment {
                assessments: out,
            }))
        }
        Kind::Reference => {
            let r = typed::<ReferencePayload>(file, payload, "payload", problems)?;
            check_reference(file, &r, "payload", problems);
            Some(Payload::Reference(r))
        }
        Kind::Backup => {
            warn_unknown_keys(file, obj, &["snapshot"], "payload", problems);
            match obj.get("snapshot") {
                Some(Value::Object(s)) => check_snapshot(file, s, problems)
                    .map(|snapshot| Payload::Backup(Backup { snapshot })),
                Some(_) => {
                    problems.push(Problem::error(
                        file,
                        Place::Path("payload.snapshot".into()),
                        None,
                        "ожидался объект",
                    ));
                    None
                }
                None => {
                    problems.push(Problem::error(
                        file,
                        Place::Path("payload.snapshot".into()),
                        None,
                        "нет поля «snapshot»",
                    ));
                    None
                }
            }
        }
    };
    let errors_after = problems.iter().filter(|p| p.is_error()).count();
    payload.filter(|_| errors_after == errors_before)
}

/// Rubric validation, plus a year and an organisation.
fn check_assessment(file: &str, a: &Assessment, path: &str, problems: &mut Vec<Problem>) {
    let here = || Place::Path(path.to_string());
    if !(1990..=2100).contains(&a.year) {
        problems.push(Problem::error(
            file,
            here(),
            Some("year"),
            format!(
                "год оценки должен быть от 1990 до 2100, получено {}",
                a.year
            ),
        ));
    }
    if a.organisation.name.trim().is_empty()
        && a.organisation
            .code
            .as_deref()
            .is_none_or(|c| c.trim().is_empty())
    {
        problems.push(Problem::error(
            file,
            here(),
            Some("organisation"),
            "не указана оцениваемая организация (название или код)",
        ));
    }
    for m in validate_assessment(federal(), a) {
        problems.push(Problem::error(file, here(), None, m));
    }
}

fn check_reference(file: &str, r: &ReferencePayload, path: &str, problems: &mut Vec<Problem>) {
    if let Err(errors) = r.params.validate() {
        for m in errors {
            problems.push(Problem::error(
                file,
                Place::Path(format!("{path}.params")),
                None,
                m,
            ));
        }
    }
    for (i, p) in r.pools.iter().enumerate() {
        for (col, (lo, hi)) in &p.columns {
            if lo > hi {
                problems.push(Problem::error(
                    file,
                    Place::Path(format!("{path}.pools[{i}].columns.{col}")),
                    None,
                    format!("минимум {lo} больше максимума {hi}"),
                ));
            }
        }
    }
}

/// Reads the records of one store of a backup: each parsed, checked by `check` (which adds
/// its own problems), and refused when its key repeats an earlier one.
#[allow(clippy::too_many_arguments)]
fn keyed_records<T: DeserializeOwned>(
    file: &str,
    s: &Map<String, Value>,
    base: &str,
    store: &str,
    problems: &mut Vec<Problem>,
    key: impl Fn(&T) -> String,
    check: impl Fn(&T, &str, &mut Vec<Problem>),
) -> Vec<T> {
    let items =
        array_at(file, s, store, &format!("{base}.{store}"), false, problems).unwrap_or(&[]);
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        let at = format!("{base}.{store}[{i}]");
        if let Some(r) = typed::<T>(file, v, &at, problems) {
            check(&r, &at, problems);
            let k = key(&r);
            if let Some(&j) = first.get(&k) {
                problems.push(Problem::error(
                    file,
                    Place::Path(at),
                    None,
                    format!("запись с ключом «{k}» повторяется (первая — {base}.{store}[{j}])"),
                ));
            } else {
                first.insert(k, i);
                out.push(r);
            }
        }
    }
    out
}

fn check_snapshot(
    file: &str,
    s: &Map<String, Value>,
    problems: &mut Vec<Problem>,
) -> Option<Snapshot> {
    let base = "payload.snapshot";
    warn_unknown_keys(
        file,
        s,
        &[
            "schools",
            "submissions",
            "assessments",
            "runs",
            "references",
            "log",
        ],
        base,
        problems,
    );
    let mut snap = Snapshot::default();
    let path = |store: &str, i: usize| format!("{base}.{store}[{i}]");

    snap.schools = keyed_records(
        file,
        s,
        base,
        "schools",
        problems,
        |r: &SchoolRecord| r.school_id.clone(),
        |_, _, _| {},
    );

    let items = array_at(
        file,
        s,
        "submissions",
        &format!("{base}.submissions"),
        false,
        problems,
    )
    .unwrap_or(&[]);
    let rows: Vec<Value> = items
        .iter()
        .map(|v| v.get("row").cloned().unwrap_or(Value::Null))
        .collect();
    let valid = rows_at(
        file,
        &rows,
        &|i| format!("{base}.submissions[{i}].row"),
        problems,
    );
    let mut valid = valid.into_iter().peekable();
    for (i, v) in items.iter().enumerate() {
        let meta = typed::<RecordMeta>(
            file,
            v.get("meta").unwrap_or(&Value::Null),
            &format!("{}.meta", path("submissions", i)),
            problems,
        );
        if valid.peek().is_some_and(|(k, _)| *k == i) {
            if let (Some((_, row)), Some(meta)) = (valid.next(), meta) {
                snap.submissions.push(SubmissionRecord { row, meta });
            }
        }
    }

    snap.assessments = keyed_records(
        file,
        s,
        base,
        "assessments",
        problems,
        |r: &AssessmentRecord| r.id.clone(),
        |r, at, problems| {
            check_assessment(file, &r.assessment, &format!("{at}.assessment"), problems);
            let key = assessment_key(&r.assessment);
            if r.id != key {
                problems.push(Problem::error(
                    file,
                    Place::Path(format!("{at}.id")),
                    None,
                    format!("ключ записи «{}» не соответствует организации и году оценки (должен быть «{key}»)", r.id),
                ));
            }
        },
    );
    snap.runs = keyed_records(
        file,
        s,
        base,
        "runs",
        problems,
        |r: &RunRecord| r.id.clone(),
        |_, _, _| {},
    );
    snap.references = keyed_records(
        file,
        s,
        base,
        "references",
        problems,
        |r: &ReferenceRecord| r.id.clone(),
        |r, at, problems| {
            if r.bundle.kind != Kind::Reference {
                problems.push(Problem::error(
                    file,
                    Place::Path(format!("{at}.bundle.kind")),
                    None,
                    format!("в записи эталона хранится «{}»", r.bundle.kind.label()),
                ));
            } else if let Some(reference) = typed::<ReferencePayload>(
                file,
                &r.bundle.payload,
                &format!("{at}.bundle.payload"),
                problems,
            ) {
                check_reference(file, &reference, &format!("{at}.bundle.payload"), problems);
            }
            if !r.bundle.checksum_ok() {
                problems.push(Problem::error(
                    file,
                    Place::Path(format!("{at}.bundle.sha256")),
                    None,
                    "контрольная сумма не совпадает: файл повреждён или изменён вручную",
                ));
            }
            if r.id != r.bundle.sha256 {
                problems.push(Problem::error(
                    file,
                    Place::Path(format!("{at}.id")),
                    None,
                    "ключ записи эталона должен совпадать с его контрольной суммой",
                ));
            }
        },
    );
    snap.log = keyed_records(
        file,
        s,
        base,
        "log",
        problems,
        |r: &LogEntry| r.id.clone(),
        |_, _, _| {},
    );
    Some(snap)
}

// ---------------------------------------------------------------- writing

/// The whole database as a backup.
pub fn backup(snapshot: &Snapshot, created_by: &CreatedBy, now: &str) -> Bundle {
    Bundle::from_payload(
        created_by.clone(),
        now,
        &Payload::Backup(Backup {
            snapshot: snapshot.clone(),
        }),
    )
}

fn sorted_rows<'a>(rows: impl Iterator<Item = &'a Row>) -> Vec<Row> {
    let mut rows: Vec<Row> = rows.cloned().collect();
    rows.sort_by(|a, b| a.key().cmp(&b.key()));
    rows
}

/// One school's rows, for sending to the municipality or the region. The identity is the
/// school record's, or, without one, that of the school's latest row.
pub fn school_submission(
    snapshot: &Snapshot,
    school_id: &str,
    created_by: &CreatedBy,
    now: &str,
) -> Result<Bundle, String> {
    let rows = sorted_rows(
        snapshot
            .submissions
            .iter()
            .filter(|s| s.row.school_id == school_id)
            .map(|s| &s.row),
    );
    let school = match (snapshot.school(school_id), rows.last()) {
        (Some(record), _) => record.identity(),
        (None, Some(latest)) => SchoolIdentity::of_row(latest),
        (None, None) => return Err(format!("школа «{school_id}» не найдена")),
    };
    if rows.is_empty() {
        return Err(format!(
            "у школы «{}» ({school_id}) нет данных для отправки",
            school.school_name
        ));
    }
    Ok(Bundle::from_payload(
        created_by.clone(),
        now,
        &Payload::SchoolSubmission(SchoolSubmission { school, rows }),
    ))
}

/// Rows of the given schools (an empty list means every school), with the schools' records.
pub fn collection(
    snapshot: &Snapshot,
    school_ids: &[String],
    created_by: &CreatedBy,
    now: &str,
) -> Bundle {
    let wanted = |id: &str| school_ids.is_empty() || school_ids.iter().any(|s| s == id);
    let rows = sorted_rows(
        snapshot
            .submissions
            .iter()
            .filter(|s| wanted(&s.row.school_id))
            .map(|s| &s.row),
    );
    let mut schools: Vec<SchoolIdentity> = snapshot
        .schools
        .iter()
        .filter(|s| wanted(&s.school_id))
        .map(SchoolRecord::identity)
        .collect();
    schools.sort_by(|a, b| a.school_id.cmp(&b.school_id));
    Bundle::from_payload(
        created_by.clone(),
        now,
        &Payload::Collection(Collection { rows, schools }),
    )
}

/// The assessments with the given record ids (an empty list means all), ordered by id.
pub fn rubric_assessments(
    snapshot: &Snapshot,
    ids: &[String],
    created_by: &CreatedBy,
    now: &str,
) -> Bundle {
    let mut records: Vec<&AssessmentRecord> = snapshot
        .assessments
        .iter()
        .filter(|a| ids.is_empty() || ids.contains(&a.id))
        .collect();
    records.sort_by(|a, b| a.id.cmp(&b.id));
    let assessments = records.into_iter().map(|r| r.assessment.clone()).collect();
    Bundle::from_payload(
        created_by.clone(),
        now,
        &Payload::RubricAssessment(RubricAssessment { assessments }),
    )
}

/// A region's reference bundle (see [`reference_from`]).
pub fn reference(
    identification: &Identification,
    rows: &[Row],
    region: &str,
    created_by: &CreatedBy,
    now: &str,
) -> Bundle {
    Bundle::from_payload(
        created_by.clone(),
        now,
        &Payload::Reference(reference_from(identification, rows, region)),
    )
}

/// A file name for a bundle: `shkala-<what>-<date>.json`, e.g. «shkala-школа-0010001-2025-11-22.json»,
/// «shkala-резервная-копия-2025-11-22.json». Characters not allowed in file names
/// (`/ \ : * ? " < > |` and control characters) become `_`.
pub fn suggested_file_name(bundle: &Bundle) -> String {
    let text = |v: &Value| v.as_str().map(str::to_string).unwrap_or_default();
    let what = match bundle.kind {
        Kind::SchoolSubmission => format!("школа-{}", text(&bundle.payload["school"]["school_id"])),
        Kind::Collection => "данные-школ".to_string(),
        Kind::Reference => match text(&bundle.payload["region"]) {
            r if r.is_empty() => "эталон".to_string(),
            r => format!("эталон-{r}"),
        },
        Kind::RubricAssessment => match bundle.payload["assessments"].as_array().map(Vec::as_slice)
        {
            Some([one]) => format!(
                "оценка-{}-{}",
                text(&one["organisation"]["name"]),
                one["year"]
            ),
            _ => "оценки-по-рубрике".to_string(),
        },
        Kind::Backup => "резервная-копия".to_string(),
    };
    let date = bundle
        .created_at
        .get(..10)
        .filter(|_| parse_rfc3339(&bundle.created_at).is_some());
    let name = match date {
        Some(d) => format!("shkala-{what}-{d}.json"),
        None => format!("shkala-{what}.json"),
    };
    name.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// The log entry of an export.
pub fn export_log_entry(bundle: &Bundle, file_name: &str, now: &str) -> LogEntry {
    LogEntry::new(
        now,
        super::records::LogAction::Export,
        Some(file_name.to_string()),
        Some(bundle.sha256.clone()),
        format!("выгружено: {}", bundle.kind.label()),
        Default::default(),
    )
}

#[cfg(test)]
mod tests;
