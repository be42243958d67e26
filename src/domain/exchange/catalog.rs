//! What the app's pages keep of the database, and how one write changes it.
//!
//! The pages never hold the rows themselves (135,000 at national scale): they keep an
//! [`Overview`] — one [`SchoolSummary`] per school (identity, years, which indicator groups
//! have data, whether the data is the demonstration region, its project support and which
//! documents it has), the small records (assessments,
//! references, the journal), the headers of the stored runs and the records that could not be
//! read. The data service that owns the rows sends it once at start, and after each write
//! sends a [`Change`] describing exactly the records the write touched; [`Overview::apply`]
//! patches the overview with it. Applying the change of a write to the overview of the
//! database before it gives the overview of the database after it (a tested property).

use crate::domain::common::time::Timestamp;
use crate::domain::contract::row::{Row, SchoolType};
use crate::domain::contract::schema::schema;
use crate::domain::exchange::records::{
    AssessmentRecord, LogEntry, Origin, ReferenceRecord, RunRecord, RunScope,
};
use crate::domain::exchange::snapshot::{Removal, Snapshot, Writes};
use crate::domain::method::identify::method::method;
use crate::domain::method::identify::{Params, PoolYear, Summary};
use crate::domain::support::{Support, SupportView};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// One year of a school. Serialised as `[year, groups, demo, full]` (the page receives 135,000).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "(i32, u8, bool, u8)", into = "(i32, u8, bool, u8)")]
pub struct YearSummary {
    pub year: i32,
    /// Bit `g` is set when the row has a value in a column of data group `g` (the position
    /// of the group among [`data_groups`]).
    pub groups: u8,
    /// The row is demonstration data.
    pub demo: bool,
    /// Bit `g` is set when every column of group `g` that the method reads has a value.
    pub full: u8,
}

/// One school as the pages list it. Serialised as
/// `[id, name, municipality, type, demo, [years]]`, followed by
/// `support, has_programme, [self-assessment years]` when any of these is set (the page
/// receives 135,000; a cache written before these existed reads with them empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchoolSummary {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
    pub school_type: SchoolType,
    /// The school record is demonstration data (or, without a record, every row is).
    pub demo: bool,
    /// Years with a row, ascending.
    pub years: Vec<YearSummary>,
    /// The school's place in the project by year (from the school record).
    pub support: BTreeMap<i32, Support>,
    /// The school record has an improvement programme.
    pub has_programme: bool,
    /// Years of the school's self-assessments, ascending.
    pub self_assessment_years: Vec<i32>,
}

impl SchoolSummary {
    /// What the project figures need of the school.
    pub fn support_view(&self) -> SupportView<'_> {
        SupportView {
            school_id: &self.school_id,
            school_name: &self.school_name,
            municipality: &self.municipality,
            support: &self.support,
            has_programme: self.has_programme,
        }
    }
}

// Serialised as `[year, groups, demo, full]`: a cache written before `full` existed does not
// read, and the overview is then made from the records again.
impl From<(i32, u8, bool, u8)> for YearSummary {
    fn from((year, groups, demo, full): (i32, u8, bool, u8)) -> Self {
        YearSummary {
            year,
            groups,
            demo,
            full,
        }
    }
}

impl From<YearSummary> for (i32, u8, bool, u8) {
    fn from(y: YearSummary) -> Self {
        (y.year, y.groups, y.demo, y.full)
    }
}

impl Serialize for SchoolSummary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let extra = !self.support.is_empty()
            || self.has_programme
            || !self.self_assessment_years.is_empty();
        let mut seq = serializer.serialize_seq(Some(if extra { 9 } else { 6 }))?;
        seq.serialize_element(&self.school_id)?;
        seq.serialize_element(&self.school_name)?;
        seq.serialize_element(&self.municipality)?;
        seq.serialize_element(&self.school_type)?;
        seq.serialize_element(&self.demo)?;
        seq.serialize_element(&self.years)?;
        if extra {
            seq.serialize_element(&self.support)?;
            seq.serialize_element(&self.has_programme)?;
            seq.serialize_element(&self.self_assessment_years)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for SchoolSummary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = SchoolSummary;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("массив [id, название, муниципалитет, тип, демо, годы, …]")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<SchoolSummary, A::Error> {
                let missing = |i: usize| serde::de::Error::invalid_length(i, &Visitor);
                Ok(SchoolSummary {
                    school_id: seq.next_element()?.ok_or_else(|| missing(0))?,
                    school_name: seq.next_element()?.ok_or_else(|| missing(1))?,
                    municipality: seq.next_element()?.ok_or_else(|| missing(2))?,
                    school_type: seq.next_element()?.ok_or_else(|| missing(3))?,
                    demo: seq.next_element()?.ok_or_else(|| missing(4))?,
                    years: seq.next_element()?.ok_or_else(|| missing(5))?,
                    support: seq.next_element()?.unwrap_or_default(),
                    has_programme: seq.next_element()?.unwrap_or_default(),
                    self_assessment_years: seq.next_element()?.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_seq(Visitor)
    }
}

impl SchoolSummary {
    /// Whether the school's name or id contains `query` (already trimmed and lowercased; an
    /// empty query matches every school).
    pub fn matches(&self, query: &str) -> bool {
        query.is_empty()
            || self.school_name.to_lowercase().contains(query)
            || self.school_id.to_lowercase().contains(query)
    }

    /// What the method expects of the school in group `g` and what its rows hold.
    pub fn completeness(&self, g: usize) -> GroupCompleteness {
        if expected_bits(self.school_type) & (1 << g) == 0 {
            return GroupCompleteness::NotExpected;
        }
        let bit = 1u8 << g;
        let full = self.years.iter().filter(|y| y.full & bit != 0).count();
        if full == self.years.len() && full > 0 {
            return GroupCompleteness::Full { years: full };
        }
        let (partial, empty): (Vec<&YearSummary>, Vec<&YearSummary>) = self
            .years
            .iter()
            .filter(|y| y.full & bit == 0)
            .partition(|y| y.groups & bit != 0);
        GroupCompleteness::Gaps {
            years: self.years.len(),
            full,
            partial: partial.iter().map(|y| y.year).collect(),
            empty: empty.iter().map(|y| y.year).collect(),
        }
    }

    /// Gaps against what the method expects: each expected group's year that is not complete,
    /// and each of the `latest` years without a row (nothing for an excluded type).
    pub fn gaps(&self, latest: &[i32]) -> usize {
        let expected = expected_bits(self.school_type);
        if expected == 0 {
            return 0;
        }
        let missing_years = latest
            .iter()
            .filter(|y| !self.years.iter().any(|x| x.year == **y))
            .count();
        let missing_cells: usize = self
            .years
            .iter()
            .map(|y| (expected & !y.full).count_ones() as usize)
            .sum();
        missing_years + missing_cells
    }

    /// Years whose row has data in group `g`.
    pub fn years_with(&self, g: usize) -> usize {
        self.years
            .iter()
            .filter(|y| y.groups & (1 << g) != 0)
            .count()
    }
}

/// The data groups of the row contract (ЕГЭ, ОГЭ, ВПР, social), as (id, label).
pub fn data_groups() -> Vec<(&'static str, &'static str)> {
    let s = schema();
    s.groups
        .iter()
        .filter(|g| s.columns.iter().any(|c| c.group == g.id && !c.required))
        .map(|g| (g.id.as_str(), g.label.as_str()))
        .collect()
}

/// What the method expects of a school in one data group, over the years it has rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupCompleteness {
    /// The method does not expect this group of the school's type (a basic school has no
    /// ЕГЭ), or the type is excluded from the identification.
    NotExpected,
    /// Every column the method reads is filled in each of the school's `years` years.
    Full { years: usize },
    /// Of `years` years, `full` are complete; in `partial` some cells are empty; in the
    /// others the group is empty altogether.
    Gaps {
        years: usize,
        full: usize,
        partial: Vec<i32>,
        empty: Vec<i32>,
    },
}

impl GroupCompleteness {
    pub fn is_gap(&self) -> bool {
        matches!(self, GroupCompleteness::Gaps { .. })
    }
}

/// Bits of the groups (positions among [`data_groups`]) the method expects of a school type;
/// zero for a type it excludes by default.
pub fn expected_bits(t: SchoolType) -> u8 {
    // Asked for every school whenever the completeness table is sorted or counted.
    static BITS: std::sync::OnceLock<Vec<(SchoolType, u8)>> = std::sync::OnceLock::new();
    let table = BITS.get_or_init(|| {
        let groups = data_groups();
        SchoolType::ALL
            .into_iter()
            .map(|t| {
                let bits = method().expected_groups(t).map_or(0, |ids| {
                    ids.iter()
                        .filter_map(|id| groups.iter().position(|(g, _)| g == id))
                        .fold(0u8, |bits, k| bits | (1 << k))
                });
                (t, bits)
            })
            .collect()
    });
    table
        .iter()
        .find(|(x, _)| *x == t)
        .map_or(0, |(_, bits)| *bits)
}

/// Each column the method reads (data index) with the bit of its data group: made once, used
/// for every stored row.
fn method_columns() -> &'static [(usize, u8)] {
    static COLUMNS: std::sync::OnceLock<Vec<(usize, u8)>> = std::sync::OnceLock::new();
    COLUMNS.get_or_init(|| {
        let s = schema();
        let groups = data_groups();
        method()
            .columns()
            .into_iter()
            .filter_map(|v| {
                let g = &s.data_column(v.index).group;
                let k = groups.iter().position(|(id, _)| id == g)?;
                Some((v.index, 1u8 << k))
            })
            .collect()
    })
}

/// Bits of the groups whose every column read by the method has a value in `row`.
fn full_groups_of(row: &Row) -> u8 {
    let mut bits = 0u8;
    let mut missing = 0u8;
    for &(index, bit) in method_columns() {
        bits |= bit;
        if row.values.get(index).is_none() {
            missing |= bit;
        }
    }
    bits & !missing
}

fn groups_of(row: &Row) -> u8 {
    let s = schema();
    let groups = data_groups();
    let mut bits = 0u8;
    for i in 0..s.data_len() {
        if row.values.get(i).is_some() {
            let g = &s.data_column(i).group;
            if let Some(k) = groups.iter().position(|(id, _)| id == g) {
                bits |= 1 << k;
            }
        }
    }
    bits
}

/// Summaries of the schools of `snapshot` (all of them, or those in `only`), by school id.
/// A school is listed if it has a record or a row; without a record its identity is that of
/// its latest row.
pub fn summaries(snapshot: &Snapshot, only: Option<&HashSet<&str>>) -> Vec<SchoolSummary> {
    let wanted = |id: &str| only.is_none_or(|o| o.contains(id));
    let mut out: BTreeMap<&str, SchoolSummary> = BTreeMap::new();
    for r in snapshot.schools.iter().filter(|r| wanted(&r.school_id)) {
        out.insert(
            &r.school_id,
            SchoolSummary {
                school_id: r.school_id.clone(),
                school_name: r.school_name.clone(),
                municipality: r.municipality.clone(),
                school_type: r.school_type,
                demo: r.meta.origin == Origin::Demo,
                years: Vec::new(),
                support: r.support.clone(),
                has_programme: r.documents.programme.is_some(),
                self_assessment_years: {
                    let mut y: Vec<i32> = r
                        .documents
                        .self_assessments
                        .iter()
                        .map(|a| a.year)
                        .collect();
                    y.sort_unstable();
                    y.dedup();
                    y
                },
            },
        );
    }
    let mut without_record: HashSet<&str> = HashSet::new();
    for s in snapshot
        .submissions
        .iter()
        .filter(|s| wanted(&s.row.school_id))
    {
        let row = &s.row;
        let demo = s.meta.origin == Origin::Demo;
        let entry = out.entry(&row.school_id).or_insert_with(|| {
            without_record.insert(&row.school_id);
            SchoolSummary {
                school_id: row.school_id.clone(),
                school_name: row.school_name.clone(),
                municipality: row.municipality.clone(),
                school_type: row.school_type,
                demo: true,
                years: Vec::new(),
                support: BTreeMap::new(),
                has_programme: false,
                self_assessment_years: Vec::new(),
            }
        });
        if without_record.contains(row.school_id.as_str()) {
            entry.demo &= demo;
            if entry.years.iter().all(|y| y.year < row.year) {
                entry.school_name = row.school_name.clone();
                entry.municipality = row.municipality.clone();
                entry.school_type = row.school_type;
            }
        }
        entry.years.push(YearSummary {
            year: row.year,
            groups: groups_of(row),
            demo,
            full: full_groups_of(row),
        });
    }
    out.into_values()
        .map(|mut s| {
            s.years.sort_by_key(|y| y.year);
            s
        })
        .collect()
}

/// A stored run without its per-school results: what the pages list and compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunHeader {
    pub id: String,
    pub created_at: Timestamp,
    pub label: String,
    pub scope: RunScope,
    pub input_digest: String,
    pub params: Params,
    pub years: Vec<i32>,
    pub summary: Summary,
    pub pools: Vec<PoolYear>,
    pub notes: Vec<String>,
    /// Whether the run carries reference values for schools.
    pub has_reference: bool,
}

impl RunHeader {
    /// How every run selector names the run: its date and time, its name, and what its
    /// parameters change in the method («как в методике» when nothing), e.g.
    /// «06.12.2026 22:27 — 1 132 школы, годы 2022, 2023, 2024; все данные · доля 30 %».
    pub fn choice(&self) -> String {
        format!(
            "{} — {} · {}",
            crate::domain::common::format::date_time(&self.created_at),
            self.label,
            crate::domain::method::identify::naming::method_name(&self.params)
        )
    }

    pub fn of(r: &RunRecord) -> RunHeader {
        RunHeader {
            id: r.id.clone(),
            created_at: r.created_at.clone(),
            label: r.label.clone(),
            scope: r.scope,
            input_digest: r.input_digest.clone(),
            params: r.result.params.clone(),
            years: r.result.years.clone(),
            summary: r.result.summary.clone(),
            pools: r.result.pools.clone(),
            notes: r.result.notes.clone(),
            has_reference: !r.reference.is_empty(),
        }
    }
}

/// A stored record that could not be read: it is left where it is, listed, and can be
/// exported as it is or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    pub store: String,
    pub key: String,
    /// In Russian.
    pub reason: String,
}

/// What the pages keep of the database. Every list is ordered by key.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Overview {
    pub schools: Vec<SchoolSummary>,
    pub assessments: Vec<AssessmentRecord>,
    pub runs: Vec<RunHeader>,
    pub references: Vec<ReferenceRecord>,
    pub log: Vec<LogEntry>,
    pub unreadable: Vec<Unreadable>,
}

/// What the data service keeps beside the records so that a page opens without reading them
/// all: the school summaries and run headers as of one `data_version` (stored in the
/// `settings` store, written after each write; a cache whose version is not the stored one is
/// ignored).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CatalogCache {
    pub version: String,
    pub schools: Vec<SchoolSummary>,
    pub runs: Vec<RunHeader>,
}

/// What one write changed, record by record. Lists are ordered by key.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Change {
    /// Every store was emptied first (the rest of the change is then the new content).
    pub cleared: bool,
    pub schools: Vec<SchoolSummary>,
    pub removed_schools: Vec<String>,
    pub assessments: Vec<AssessmentRecord>,
    pub removed_assessments: Vec<String>,
    pub runs: Vec<RunHeader>,
    pub removed_runs: Vec<String>,
    pub references: Vec<ReferenceRecord>,
    pub removed_references: Vec<String>,
    pub log: Vec<LogEntry>,
    /// The new list of unreadable records, when the write changed it.
    pub unreadable: Option<Vec<Unreadable>>,
}

fn sorted<T: Clone, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Vec<T> {
    let mut v = items.to_vec();
    v.sort_by_key(key);
    v
}

/// Puts `new` into the key-ordered `list` (replacing equal keys) and takes out `gone`.
/// A few items are inserted in place; many (an import of a whole region) are merged in one
/// pass, so that patching stays linear.
fn patch<T: Clone>(list: &mut Vec<T>, new: &[T], gone: &[String], key: impl Fn(&T) -> &str) {
    if new.len() <= 32 {
        for item in new {
            match list.binary_search_by(|x| key(x).cmp(key(item))) {
                Ok(i) => list[i] = item.clone(),
                Err(i) => list.insert(i, item.clone()),
            }
        }
    } else {
        let mut incoming: Vec<&T> = new.iter().collect();
        incoming.sort_by(|a, b| key(a).cmp(key(b)));
        let old = std::mem::take(list);
        let mut merged = Vec::with_capacity(old.len() + incoming.len());
        let mut inc = incoming.into_iter().peekable();
        for x in old {
            while inc.peek().is_some_and(|n| key(n) < key(&x)) {
                merged.push(inc.next().cloned().expect("peeked"));
            }
            if inc.peek().is_some_and(|n| key(n) == key(&x)) {
                merged.push(inc.next().cloned().expect("peeked"));
            } else {
                merged.push(x);
            }
        }
        merged.extend(inc.cloned());
        *list = merged;
    }
    if !gone.is_empty() {
        let gone: HashSet<&str> = gone.iter().map(String::as_str).collect();
        list.retain(|x| !gone.contains(key(x)));
    }
}

impl Overview {
    /// The overview of a whole database.
    pub fn of(snapshot: &Snapshot, unreadable: Vec<Unreadable>) -> Overview {
        Overview {
            schools: summaries(snapshot, None),
            assessments: sorted(&snapshot.assessments, |r| r.id.clone()),
            runs: sorted(
                &snapshot.runs.iter().map(RunHeader::of).collect::<Vec<_>>(),
                |r| r.id.clone(),
            ),
            references: sorted(&snapshot.references, |r| r.id.clone()),
            log: sorted(&snapshot.log, |r| r.id.clone()),
            unreadable,
        }
    }

    /// Patches the overview with the change of one write.
    pub fn apply(&mut self, c: &Change) {
        if c.cleared {
            *self = Overview {
                unreadable: std::mem::take(&mut self.unreadable),
                ..Overview::default()
            };
        }
        patch(&mut self.schools, &c.schools, &c.removed_schools, |s| {
            &s.school_id
        });
        patch(
            &mut self.assessments,
            &c.assessments,
            &c.removed_assessments,
            |r| &r.id,
        );
        patch(&mut self.runs, &c.runs, &c.removed_runs, |r| &r.id);
        patch(
            &mut self.references,
            &c.references,
            &c.removed_references,
            |r| &r.id,
        );
        patch(&mut self.log, &c.log, &[], |r| &r.id);
        if let Some(u) = &c.unreadable {
            self.unreadable = u.clone();
        }
    }

    /// Rows stored (school × year).
    pub fn rows(&self) -> usize {
        self.schools.iter().map(|s| s.years.len()).sum()
    }

    /// Rows of the demonstration region, and the others.
    pub fn demo_and_real_rows(&self) -> (usize, usize) {
        let demo = self
            .schools
            .iter()
            .flat_map(|s| &s.years)
            .filter(|y| y.demo)
            .count();
        (demo, self.rows() - demo)
    }

    /// The schools of `municipality` (all when empty) whose name or id contains `query`
    /// (trimmed, any case): how many, and the first `limit` of them in overview order — a
    /// picker over a national database shows a page of them and says how many match.
    pub fn search(
        &self,
        municipality: &str,
        query: &str,
        limit: usize,
    ) -> (usize, Vec<&SchoolSummary>) {
        let q = query.trim().to_lowercase();
        let it = self.schools.iter().filter(|s| {
            (municipality.is_empty() || s.municipality == municipality) && s.matches(&q)
        });
        (it.clone().count(), it.take(limit).collect())
    }

    pub fn municipalities(&self) -> BTreeSet<&str> {
        self.schools
            .iter()
            .map(|s| s.municipality.as_str())
            .collect()
    }

    /// The first and the last year with data.
    pub fn year_range(&self) -> Option<(i32, i32)> {
        let years = self
            .schools
            .iter()
            .flat_map(|s| s.years.iter().map(|y| y.year));
        years.clone().min().zip(years.max())
    }

    /// The latest run by creation time.
    pub fn latest_run(&self) -> Option<&RunHeader> {
        self.runs
            .iter()
            .max_by(|a, b| a.created_at.cmp(&b.created_at))
    }

    pub fn school(&self, id: &str) -> Option<&SchoolSummary> {
        self.schools
            .binary_search_by(|s| s.school_id.as_str().cmp(id))
            .ok()
            .map(|i| &self.schools[i])
    }
}

impl Change {
    /// The change of an import's writes, given the database after them.
    pub fn of_writes(after: &Snapshot, w: &Writes) -> Change {
        let touched: HashSet<&str> = w
            .schools
            .iter()
            .map(|s| s.school_id.as_str())
            .chain(w.submissions.iter().map(|s| s.row.school_id.as_str()))
            .collect();
        let mut log: Vec<LogEntry> = w.log.clone();
        log.push(w.entry.clone());
        Change {
            schools: if touched.is_empty() {
                Vec::new()
            } else {
                summaries(after, Some(&touched))
            },
            assessments: sorted(&w.assessments, |r| r.id.clone()),
            runs: sorted(&w.runs.iter().map(RunHeader::of).collect::<Vec<_>>(), |r| {
                r.id.clone()
            }),
            references: sorted(&w.references, |r| r.id.clone()),
            log: sorted(&log, |r| r.id.clone()),
            ..Change::default()
        }
    }

    /// The change of deleting records (and adding `log`), given the database after it.
    pub fn of_removal(after: &Snapshot, r: &Removal, log: &[LogEntry]) -> Change {
        let touched: HashSet<&str> = r
            .schools
            .iter()
            .map(String::as_str)
            .chain(r.submissions.iter().map(|(id, _)| id.as_str()))
            .collect();
        let schools = if touched.is_empty() {
            Vec::new()
        } else {
            summaries(after, Some(&touched))
        };
        let still: HashSet<&str> = schools.iter().map(|s| s.school_id.as_str()).collect();
        let mut removed_schools: Vec<String> = touched
            .iter()
            .filter(|id| !still.contains(**id))
            .map(|id| id.to_string())
            .collect();
        removed_schools.sort();
        let ids = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v
        };
        Change {
            schools,
            removed_schools,
            removed_assessments: ids(&r.assessments),
            removed_runs: ids(&r.runs),
            removed_references: ids(&r.references),
            log: sorted(log, |e| e.id.clone()),
            ..Change::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::common::time::ts;
    use crate::domain::exchange::records::{
        ImportCounts, LogAction, RecordMeta, SchoolIdentity, SchoolRecord, SubmissionRecord,
    };
    use proptest::prelude::*;

    fn meta(origin: Origin) -> RecordMeta {
        RecordMeta {
            modified_at: ts("2025-11-22T10:00:00Z"),
            origin,
        }
    }

    fn row(id: &str, year: i32, name: &str, v: Option<f64>) -> Row {
        let r = Row::new(id, name, "М", SchoolType::Basic, year);
        match v {
            Some(v) => r.with("oge_rus_mean", v),
            None => r.with("deviant_pct", 1.0),
        }
    }

    fn entry(n: usize) -> LogEntry {
        LogEntry::new(
            &ts("2025-11-22T10:00:00Z"),
            LogAction::Import,
            Some(format!("f{n}.csv")),
            None,
            format!("запись {n}"),
            ImportCounts::default(),
        )
    }

    #[test]
    fn search_counts_every_match_and_returns_the_first_ones() {
        let mut s = Snapshot::default();
        for (id, name, muni) in [
            ("a1", "Школа № 1", "Город"),
            ("a2", "Школа № 2", "Город"),
            ("b1", "Лицей", "Район"),
            ("b2", "Школа № 12", "Район"),
        ] {
            let mut r = Row::new(id, name, muni, SchoolType::Basic, 2025);
            r = r.with("deviant_pct", 1.0);
            s.submissions.push(SubmissionRecord {
                row: r,
                meta: meta(Origin::Local),
            });
        }
        let o = Overview::of(&s, Vec::new());
        let ids =
            |v: Vec<&SchoolSummary>| v.iter().map(|x| x.school_id.clone()).collect::<Vec<_>>();
        let (n, first) = o.search("", "  ШКОЛА ", 2);
        assert_eq!(
            (n, ids(first)),
            (3, vec!["a1".to_string(), "a2".to_string()])
        );
        let (n, first) = o.search("Район", "школа", 10);
        assert_eq!((n, ids(first)), (1, vec!["b2".to_string()]));
        assert_eq!(o.search("", "b", 10).0, 2, "ids match too");
        assert_eq!(o.search("", "", 0), (4, Vec::new()));
    }

    #[test]
    fn a_summary_says_which_groups_have_data_and_what_is_demo() {
        let mut s = Snapshot::default();
        s.schools.push(SchoolRecord::new(
            SchoolIdentity::of_row(&row("a", 2025, "А", None)),
            meta(Origin::Demo),
        ));
        s.submissions.push(SubmissionRecord {
            row: row("a", 2025, "А", Some(4.0)),
            meta: meta(Origin::Demo),
        });
        s.submissions.push(SubmissionRecord {
            row: row("a", 2024, "А", None),
            meta: meta(Origin::Local),
        });
        // A row without a school record: the school is listed with the row's identity.
        s.submissions.push(SubmissionRecord {
            row: row("b", 2024, "Б", Some(3.0)),
            meta: meta(Origin::Local),
        });
        let o = Overview::of(&s, Vec::new());
        assert_eq!(o.schools.len(), 2);
        let a = &o.schools[0];
        assert!(a.demo);
        assert_eq!(
            a.years.iter().map(|y| y.year).collect::<Vec<_>>(),
            [2024, 2025]
        );
        let groups = data_groups();
        let oge = groups.iter().position(|(g, _)| *g == "oge").unwrap();
        let social = groups.iter().position(|(g, _)| *g == "social").unwrap();
        assert_eq!(a.years_with(oge), 1);
        assert_eq!(a.years_with(social), 1);
        assert!(!a.years[0].demo);
        assert_eq!(o.demo_and_real_rows(), (1, 2));
        assert_eq!(o.schools[1].school_name, "Б");
        assert!(!o.schools[1].demo);
        assert_eq!(o.year_range(), Some((2024, 2025)));
        assert_eq!(o.rows(), 3);
    }

    #[test]
    fn a_summary_carries_the_schools_support_and_documents() {
        use crate::domain::school::programme::Programme;
        use crate::domain::school::self_assessment::SelfAssessment;
        let mut s = Snapshot::default();
        let mut record = SchoolRecord::new(
            SchoolIdentity::of_row(&row("a", 2025, "А", None)),
            meta(Origin::Local),
        );
        record.support.insert(
            2025,
            Support {
                participant: true,
                ..Support::default()
            },
        );
        record.documents.programme = Some(Programme::default());
        for year in [2025, 2024] {
            record.documents.self_assessments.push(SelfAssessment {
                school_id: "a".into(),
                year,
                ..SelfAssessment::default()
            });
        }
        s.schools.push(record.clone());
        s.submissions.push(SubmissionRecord {
            row: row("b", 2024, "Б", Some(3.0)),
            meta: meta(Origin::Local),
        });
        let o = Overview::of(&s, Vec::new());
        let a = o.school("a").unwrap();
        assert_eq!(a.support, record.support);
        assert!(a.has_programme);
        assert_eq!(a.self_assessment_years, [2024, 2025]);
        let b = o.school("b").unwrap();
        assert!(b.support.is_empty() && !b.has_programme && b.self_assessment_years.is_empty());
        // Through JSON: a school without any of these stays a six-element array, and one
        // written before they existed reads.
        let text = serde_json::to_string(&o.schools).unwrap();
        let back: Vec<SchoolSummary> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, o.schools);
        let plain = serde_json::to_value(b).unwrap();
        assert_eq!(plain.as_array().unwrap().len(), 6);
        assert_eq!(
            serde_json::to_value(a).unwrap().as_array().unwrap().len(),
            9
        );
        let old: SchoolSummary =
            serde_json::from_str(r#"["c","В","М","basic",false,[[2024,1,false,1]]]"#).unwrap();
        assert_eq!(old.years.len(), 1);
        assert!(old.support.is_empty() && !old.has_programme);
        assert!(serde_json::from_str::<SchoolSummary>(r#"["c","В","М"]"#).is_err());
    }

    #[test]
    fn a_large_change_is_merged_in_order() {
        // Existing schools with even numbers; an import of 100 brings odd ones and replaces
        // some even ones (more than the in-place limit, so the merge path runs).
        let mut db = Snapshot::default();
        let put = |db: &mut Snapshot, ids: Vec<usize>, name: &str, n: usize| -> Writes {
            let rows: Vec<Row> = ids
                .iter()
                .map(|i| row(&format!("s{i:03}"), 2024, &format!("{name} {i}"), Some(4.0)))
                .collect();
            let w = Writes {
                schools: rows
                    .iter()
                    .map(|r| SchoolRecord::new(SchoolIdentity::of_row(r), meta(Origin::Local)))
                    .collect(),
                submissions: rows
                    .into_iter()
                    .map(|row| SubmissionRecord {
                        row,
                        meta: meta(Origin::Local),
                    })
                    .collect(),
                assessments: vec![],
                runs: vec![],
                references: vec![],
                log: vec![],
                entry: entry(n),
            };
            db.apply(&w);
            w
        };
        put(&mut db, (0..200).step_by(2).collect(), "Старая", 0);
        let mut overview = Overview::of(&db, Vec::new());
        let mut ids: Vec<usize> = (1..200).step_by(2).take(60).collect();
        ids.extend((0..80).step_by(2));
        ids.reverse();
        let w = put(&mut db, ids, "Новая", 1);
        let change = Change::of_writes(&db, &w);
        assert!(change.schools.len() > 32);
        overview.apply(&change);
        assert_eq!(overview, Overview::of(&db, Vec::new()));
        assert_eq!(overview.school("s002").unwrap().school_name, "Новая 2");
        assert_eq!(overview.school("s198").unwrap().school_name, "Старая 198");
    }

    #[derive(Debug, Clone)]
    enum Step {
        Put {
            id: u8,
            year: i32,
            value: Option<u8>,
            demo: bool,
        },
        Remove {
            id: u8,
            year: Option<i32>,
        },
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (
                0u8..6,
                2023i32..2026,
                proptest::option::of(2u8..6),
                any::<bool>()
            )
                .prop_map(|(id, year, value, demo)| Step::Put {
                    id,
                    year,
                    value,
                    demo
                }),
            (0u8..6, proptest::option::of(2023i32..2026))
                .prop_map(|(id, year)| Step::Remove { id, year }),
        ]
    }

    proptest! {
        /// The overview patched with each write's change equals the overview of the
        /// database read again after the writes.
        #[test]
        fn patching_equals_reading_again(steps in proptest::collection::vec(step(), 1..25)) {
            let mut db = Snapshot::default();
            let mut overview = Overview::of(&db, Vec::new());
            for (n, s) in steps.into_iter().enumerate() {
                match s {
                    Step::Put { id, year, value, demo } => {
                        let origin = if demo { Origin::Demo } else { Origin::Local };
                        let r = row(&format!("s{id}"), year, &format!("Школа {id}.{n}"), value.map(f64::from));
                        let mut school = SchoolRecord::new(SchoolIdentity::of_row(&r), meta(origin.clone()));
                        if value.is_some_and(|v| v % 2 == 0) {
                            school.support.insert(year, Support { participant: true, ..Support::default() });
                        }
                        let w = Writes {
                            schools: vec![school],
                            submissions: vec![SubmissionRecord { row: r, meta: meta(origin) }],
                            assessments: vec![],
                            runs: vec![],
                            references: vec![],
                            log: vec![],
                            entry: entry(n),
                        };
                        db.apply(&w);
                        overview.apply(&Change::of_writes(&db, &w));
                    }
                    Step::Remove { id, year } => {
                        let sid = format!("s{id}");
                        let removal = match year {
                            Some(y) => Removal { submissions: vec![(sid, y)], ..Removal::default() },
                            None => Removal {
                                submissions: db.submissions.iter().filter(|s| s.row.school_id == sid).map(|s| (sid.clone(), s.row.year)).collect(),
                                schools: vec![sid.clone()],
                                ..Removal::default()
                            },
                        };
                        db.remove(&removal);
                        let log = [entry(n)];
                        db.log.extend(log.iter().cloned());
                        overview.apply(&Change::of_removal(&db, &removal, &log));
                    }
                }
                prop_assert_eq!(&overview, &Overview::of(&db, Vec::new()));
            }
        }
    }
}

#[cfg(test)]
mod cache_tests {
    use super::*;
    use crate::domain::common::time::ts;
    use crate::domain::demo::{region, DemoSpec};
    use crate::domain::method::identify::identify;

    #[test]
    fn the_cache_reads_back() {
        let rows = region(&DemoSpec {
            schools: 30,
            municipalities: 3,
            ..DemoSpec::default()
        });
        let result = identify(&rows, &Params::default()).unwrap();
        let run = RunRecord {
            id: "run-1".into(),
            created_at: ts("2025-11-22T10:00:00Z"),
            label: "x".into(),
            scope: RunScope::All,
            input_digest: String::new(),
            chance_seed: 1,
            reference: Vec::new(),
            result,
        };
        let mut snapshot = Snapshot::default();
        snapshot.runs.push(run);
        let cache = CatalogCache {
            version: "v".into(),
            schools: Vec::new(),
            runs: snapshot.runs.iter().map(RunHeader::of).collect(),
        };
        let text = serde_json::to_string(&cache).unwrap();
        let back: CatalogCache = serde_json::from_str(&text).unwrap();
        assert_eq!(back, cache);
    }
}

#[cfg(test)]
mod completeness_tests {
    use super::*;
    use crate::domain::common::time::ts;
    use crate::domain::exchange::records::{RecordMeta, SubmissionRecord};

    /// A row with every column the method reads filled, except `empty`.
    fn row(id: &str, t: SchoolType, year: i32, empty: &[&str]) -> Row {
        let mut r = Row::new(id, "Школа", "Город", t, year);
        for v in method().columns() {
            if !empty.contains(&v.column.as_str()) {
                r.values.set(v.index, Some(10.0));
            }
        }
        r
    }

    fn summary_of(rows: Vec<Row>) -> SchoolSummary {
        let mut s = Snapshot::default();
        for row in rows {
            s.submissions.push(SubmissionRecord {
                row,
                meta: RecordMeta {
                    modified_at: ts("2025-11-22T10:00:00Z"),
                    origin: Origin::Local,
                },
            });
        }
        summaries(&s, None).remove(0)
    }

    fn group(id: &str) -> usize {
        data_groups().iter().position(|(g, _)| *g == id).unwrap()
    }

    #[test]
    fn a_basic_school_without_ege_is_complete_and_empty_cells_are_gaps() {
        let ege = group("ege");
        let oge = group("oge");
        // A basic school has no ЕГЭ by the method: with everything else filled it has no gap.
        let ege_columns: Vec<String> = method()
            .columns()
            .into_iter()
            .filter(|v| v.column.starts_with("ege_"))
            .map(|v| v.column.clone())
            .collect();
        let ege_columns: Vec<&str> = ege_columns.iter().map(String::as_str).collect();
        let basic = summary_of(
            (2023..=2025)
                .map(|y| row("b", SchoolType::Basic, y, &ege_columns))
                .collect(),
        );
        assert_eq!(basic.completeness(ege), GroupCompleteness::NotExpected);
        assert_eq!(
            basic.completeness(oge),
            GroupCompleteness::Full { years: 3 }
        );
        assert_eq!(basic.gaps(&[2023, 2024, 2025]), 0);

        // A secondary school with three empty ОГЭ cells in 2024 (the row still has some ОГЭ
        // data: «any value» would call it complete) and no ЕГЭ at all in 2025.
        let secondary = summary_of(vec![
            row("s", SchoolType::Secondary, 2023, &[]),
            row(
                "s",
                SchoolType::Secondary,
                2024,
                &["oge_rus_2_pct", "oge_math_2_pct", "oge_rus_5_pct"],
            ),
            row("s", SchoolType::Secondary, 2025, &ege_columns),
        ]);
        assert_eq!(secondary.years_with(oge), 3, "every year has some ОГЭ");
        assert_eq!(
            secondary.completeness(oge),
            GroupCompleteness::Gaps {
                years: 3,
                full: 2,
                partial: vec![2024],
                empty: vec![],
            }
        );
        assert_eq!(
            secondary.completeness(ege),
            GroupCompleteness::Gaps {
                years: 3,
                full: 2,
                partial: vec![],
                empty: vec![2025],
            }
        );
        assert_eq!(secondary.gaps(&[2023, 2024, 2025]), 2);
        assert_eq!(secondary.gaps(&[2024, 2025, 2026]), 3, "2026 has no row");

        // A primary school is excluded by default: nothing is expected of it.
        let primary = summary_of(vec![row("p", SchoolType::Primary, 2025, &ege_columns)]);
        assert!((0..data_groups().len())
            .all(|g| primary.completeness(g) == GroupCompleteness::NotExpected));
        assert_eq!(primary.gaps(&[2023, 2024, 2025]), 0);

        // The summary travels in its four-field form and reads back.
        let text = serde_json::to_string(&secondary).unwrap();
        assert_eq!(
            serde_json::from_str::<SchoolSummary>(&text).unwrap(),
            secondary
        );
        assert!(serde_json::from_str::<YearSummary>("[2024, 3, false]").is_err());
    }
}
