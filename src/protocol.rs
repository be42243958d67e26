//! The messages between the page and the data service, a Web Worker that owns the stored rows
//! and does the heavy work. Messages are JSON text; the files a user picks travel beside a
//! request as `File` objects, and a file to download comes back beside a response as a `Blob`.
//!
//! The page sends [`ToWorker`]; the service answers each request with [`FromWorker::Done`],
//! after any number of [`FromWorker::Progress`] messages. [`Request::Cancel`] is handled at
//! once: the request it names stops at its next check and answers
//! [`Response::Cancelled`] — or, if its write had already been committed,
//! answers as usual (the page then says that the cancel came too late).
//!
//! Plain Rust with serde, compiled natively too, so the messages are tested without a browser.

use crate::domain::contract::problem::{Problem, ProblemSummary};
use crate::domain::contract::row::Row;
use crate::domain::exchange::bundle::{Class, Resolution};
use crate::domain::exchange::catalog::{Change, Overview};
use crate::domain::exchange::envelope::CreatedBy;
use crate::domain::exchange::records::{
    ImportCounts, RunRecord, RunScope, SchoolDocuments, SchoolIdentity, SchoolRecord,
};
use crate::domain::input::{ReadOptions, TablePreview};
use crate::domain::method::identify::{self, Params, SchoolResult, YearResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A message to the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToWorker {
    pub id: u64,
    pub request: Request,
}

/// Adjacently tagged (`{"type": …, "data": …}`): the tag comes first, so large contents are
/// read without buffering, and maps with number keys survive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Request {
    /// Open the database and read it. → [`Response::Loaded`].
    Load,
    /// Read the files sent beside the request (in this order) and preview their import; a
    /// table file is read with its options (sheet, column mapping) when given.
    /// → [`Response::Preview`].
    Preview {
        files: Vec<String>,
        #[serde(default)]
        options: BTreeMap<String, ReadOptions>,
    },
    /// Look at the table files sent beside the request before importing them: their sheets,
    /// header, first rows as they stand and as they would be read (with the options given),
    /// and the suggested column mapping. → [`Response::Inspected`].
    Inspect {
        files: Vec<String>,
        #[serde(default)]
        options: BTreeMap<String, ReadOptions>,
    },
    /// Read the one file sent beside the request and pick the rows of the school `school_id`
    /// (or, when empty, of the one school the file holds) for the school's workspace.
    /// → [`Response::OwnRows`].
    OwnRows { school_id: String },
    /// Read the one file sent beside the request as a reference file (the school's
    /// placement). → [`Response::Reference`].
    ReadReference,
    /// Write a previewed import with the user's choices. → [`Response::Changed`].
    ApplyImport { plan: u64, choice: Choice },
    /// Forget a preview. → [`Response::Changed`] (empty).
    DiscardPlan { plan: u64 },
    /// Run the identification on the stored rows of a scope and store the run.
    /// → [`Response::Changed`].
    Identify { scope: RunScope, params: Params },
    /// A stored run with its per-school results. → [`Response::Run`].
    Run { id: String },
    /// How robust a stored run's lists are: the run's rows (its scope, as stored now)
    /// identified again under each alternative reading. → [`Response::Robustness`].
    Robustness { run: String },
    /// How sure each school's category of a stored run is: the run's rows (its scope, as
    /// stored now) redrawn by chance `options.replicates` times and identified again, with
    /// progress and cancel. → [`Response::Chance`].
    Chance {
        run: String,
        options: crate::domain::method::identify::chance::ChanceOptions,
    },
    /// The small cohorts of a stored run's schools (its rows as stored now; the default
    /// minimum), without replicates. → [`Response::SmallCohorts`].
    SmallCohorts { run: String },
    /// The digest of the rows stored now, per scope. → [`Response::Digests`].
    Digests,
    /// One school's stored record and rows. → [`Response::School`].
    SchoolRows { school_id: String },
    /// Build a file. → [`Response::File`] (the Blob beside it).
    Export(Export),
    /// Store a school's confirmed draft: its record with documents and its rows, as edited
    /// here. → [`Response::Changed`].
    SaveSchool {
        school: SchoolIdentity,
        rows: Vec<Row>,
        documents: SchoolDocuments,
    },
    /// Write the demonstration region. → [`Response::Changed`].
    LoadDemo,
    /// Delete exactly the demonstration records. → [`Response::Changed`].
    RemoveDemo,
    /// Delete a stored run. → [`Response::Changed`].
    DeleteRun { id: String },
    /// Set the support of a project year for some schools (participant, partner and
    /// agreement; an empty support clears the year), in one transaction.
    /// → [`Response::Changed`].
    SetSupport {
        year: i32,
        changes: Vec<(String, crate::domain::support::Support)>,
    },
    /// Give a stored run another name. → [`Response::Changed`].
    RenameRun { id: String, label: String },
    /// A school's categories in every stored run, oldest run first. → [`Response::History`].
    SchoolHistory { school_id: String },
    /// The documents (self-assessments, programme) of the stored schools that have any, of
    /// one municipality or of all. → [`Response::Documents`].
    Documents { municipality: Option<String> },
    /// Empty every data store. → [`Response::Changed`].
    Clear,
    /// Delete records that could not be read, by (store, key). → [`Response::Changed`].
    DeleteUnreadable { items: Vec<(String, String)> },
    /// Stop the request with this id.
    Cancel { id: u64 },
}

/// The user's choices for the conflicts of a preview: one for all, and overrides by index.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Choice {
    /// For every conflict without its own choice (none = keep ours).
    pub all: Option<Resolution>,
    pub each: BTreeMap<usize, Resolution>,
}

/// A file to build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Export {
    /// Everything readable, as a backup bundle.
    Backup { by: CreatedBy },
    /// One school's rows, for its municipality.
    School { school_id: String, by: CreatedBy },
    /// Some schools (all when empty) as a collection bundle.
    Collection { ids: Vec<String>, by: CreatedBy },
    /// All stored rows as CSV for Excel.
    RowsCsv,
    /// Rubric assessments (all when empty).
    Assessments { ids: Vec<String>, by: CreatedBy },
    /// The reference values of a run, for schools.
    Reference {
        run: String,
        region: String,
        by: CreatedBy,
    },
    /// A run's results as CSV for Excel.
    ResultsCsv { run: String },
    /// All stored rows as an Excel workbook (the contract's columns; it reads back as is).
    RowsXlsx,
    /// A run's results as an Excel workbook: a sheet per list, every school, the
    /// municipalities, the parameters, the lines of the contextualised results and how robust
    /// the lists are.
    ResultsXlsx { run: String },
    /// Tables built on the page, as an Excel workbook with a sheet each.
    Workbook {
        file: String,
        sheets: Vec<(String, crate::domain::tables::table::Table)>,
    },
    /// The records that could not be read, as they are stored.
    Unreadable,
}

/// A message from the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum FromWorker {
    /// The service has started and takes requests.
    Ready,
    Progress {
        id: u64,
        label: String,
        /// 0–1, if known.
        fraction: Option<f64>,
    },
    Done {
        id: u64,
        response: Response,
    },
    /// Part of a long list of the answer to request `id`, sent ahead of it so that the page
    /// reads a national list in several short tasks instead of one long one. The parts, in
    /// order, are the answer's list (the school summaries of [`Response::Loaded`] or
    /// [`Response::Changed`], the per-school results of [`Response::Run`]), which is sent
    /// empty.
    Part {
        id: u64,
        part: Part,
    },
    /// Every record has been read (after a quick start, the page's overview comes first and
    /// the records follow; requests made meanwhile wait for them).
    Complete,
    /// The service read the database again (another tab wrote, or the records were read
    /// after a quick start): replace the overview, and tell the user `notice` if any.
    Refresh {
        change: Box<Change>,
        notice: Option<String>,
    },
}

/// Adjacently tagged, as [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Response {
    Loaded(Box<Overview>),
    Preview(Box<PlanView>),
    /// What the table files of an [`Request::Inspect`] hold, in the order sent.
    Inspected(Vec<Inspection>),
    /// A write happened (or nothing needed writing); `change` patches the page's overview.
    Changed {
        change: Box<Change>,
        message: String,
    },
    /// A file was built; it travels beside this message. Exports are journalled: `change`
    /// carries the journal entry.
    File {
        name: String,
        mime: String,
        change: Box<Change>,
    },
    /// A stored run as the page reads it: the result whole (with its contextualised results
    /// and summary computed), so that the page only parses — in parts — and computes nothing.
    Run(Box<RunView>),
    /// The lists of a run under the alternative readings; `stale` when the rows stored now
    /// are not the run's rows (the comparison is with the lists of these rows).
    Robustness {
        robustness: Box<crate::domain::method::identify::robustness::Robustness>,
        stale: bool,
    },
    /// The chance estimate of a run; `stale` as for [`Response::Robustness`].
    Chance {
        chance: Box<crate::domain::method::identify::chance::Chance>,
        stale: bool,
    },
    /// By school id, the schools with a small cohort.
    SmallCohorts(
        Vec<(
            String,
            Vec<crate::domain::method::identify::chance::SmallCohort>,
        )>,
    ),
    Digests(Vec<(RunScope, String)>),
    /// A school's record (with its documents), if stored, and its rows, oldest first.
    School {
        record: Option<Box<SchoolRecord>>,
        rows: Vec<Row>,
    },
    History(Vec<crate::domain::method::analysis::HistoryEntry>),
    /// Schools with their documents, ordered by municipality and name.
    Documents(Vec<(SchoolIdentity, SchoolDocuments)>),
    /// One school's part of a read file.
    OwnRows(Box<crate::domain::workspace::OwnRows>),
    /// A read reference file.
    Reference(Box<crate::domain::workspace::SavedReference>),
    /// Stopped on the user's request; nothing was written.
    Cancelled,
    /// In Russian; nothing was written.
    Failed {
        message: String,
    },
}

/// An import preview as the page shows it. The plan itself stays in the service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlanView {
    /// The plan's number, to apply or discard it; `None` when a file was refused.
    pub plan: Option<u64>,
    /// Files refused (each with its errors in `problems`).
    pub refused: usize,
    /// Errors of refused files, warnings and notes of the others: grouped, at most
    /// [`crate::domain::contract::problem::MAX_GROUPS`] groups, every problem counted.
    pub problems: ProblemSummary,
    pub counts: ImportCounts,
    /// The counts by kind of record, one line each («1 132 школы: новых — 1 132»).
    #[serde(default)]
    pub kinds: Vec<String>,
    /// For new, updated and identical records: the class, how many, and the first labels.
    pub groups: Vec<(Class, usize, Vec<String>)>,
    /// Every conflict.
    pub conflicts: Vec<ConflictView>,
    /// The schools' documents the files bring (self-assessments, programmes): totals and a
    /// bounded list of schools.
    #[serde(default)]
    pub documents: crate::domain::exchange::bundle::DocumentsPreview,
}

/// A table file looked at before its import (see [`Request::Inspect`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Inspection {
    pub file: String,
    /// `None` for a Shkala bundle or a JSON file (read by its keys, nothing to map).
    pub table: Option<TablePreview>,
    /// Why the file cannot be looked at as a table, if so.
    pub refused: Option<Problem>,
    /// True when the header names the contract's columns (the file reads without a mapping).
    pub reads_by_names: bool,
    /// The first rows as they would be read with the options given.
    pub rows: Vec<Row>,
    /// How many rows the whole file gives with these options, and its problems (grouped,
    /// every problem counted).
    pub rows_total: usize,
    pub problems: ProblemSummary,
}

impl Inspection {
    /// A file the browser could not read: only its problem.
    pub fn unreadable(problem: Problem) -> Inspection {
        Inspection {
            file: problem.file.clone(),
            refused: Some(problem),
            ..Inspection::default()
        }
    }

    /// Looks at one file: a bundle or a JSON file has no table; a table file gives its
    /// preview, whether it reads by names, and its rows and problems as read with `options`.
    pub fn of(file: &str, bytes: &[u8], options: &ReadOptions) -> Inspection {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if matches!(
            body.iter().find(|b| !b.is_ascii_whitespace()),
            Some(b'{') | Some(b'[')
        ) {
            return Inspection {
                file: file.to_string(),
                reads_by_names: true,
                ..Inspection::default()
            };
        }
        let table = match crate::domain::input::preview_table(file, bytes, options, INSPECT_ROWS) {
            Ok(t) => t,
            Err(p) => {
                return Inspection {
                    file: file.to_string(),
                    refused: Some(p),
                    ..Inspection::default()
                }
            }
        };
        // A file that reads by its header names, with nothing chosen, needs no mapping step:
        // it is read once, by the import itself.
        if *options == ReadOptions::default() && table.reads_by_names() && table.sheets.len() <= 1 {
            return Inspection {
                file: file.to_string(),
                reads_by_names: true,
                table: Some(table),
                ..Inspection::default()
            };
        }
        let parsed = crate::domain::input::parse_file_with(file, bytes, options);
        let (rows, problems) = crate::domain::input::merge(vec![parsed]);
        Inspection {
            file: file.to_string(),
            reads_by_names: table.reads_by_names(),
            table: Some(table),
            refused: None,
            rows_total: rows.len(),
            rows: rows.into_iter().take(INSPECT_ROWS).collect(),
            problems: ProblemSummary::of(&problems),
        }
    }
}

/// How many rows an [`Inspection`] carries.
pub const INSPECT_ROWS: usize = 10;

/// How many schools go in one [`FromWorker::Part`].
pub const PART: usize = 5_000;

/// One part of a long list (see [`FromWorker::Part`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "items", rename_all = "snake_case")]
pub enum Part {
    Schools(Vec<crate::domain::exchange::catalog::SchoolSummary>),
    Results(Vec<WireSchool>),
}

/// A school's result as a part carries it: positionally, every field in the order of
/// [`SchoolResult`]'s (a national run is 45,000 of them, and the page reads them on its main
/// thread: with every field named, a part of 5,000 took it 60–110 ms).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireSchool(
    String,
    String,
    String,
    crate::domain::contract::row::SchoolType,
    Option<std::sync::Arc<str>>,
    Option<String>,
    Option<identify::ResultsCategory>,
    Option<identify::SocialCategory>,
    Vec<WireYear>,
    Vec<String>,
    bool,
    bool,
);

/// One year of a [`WireSchool`], every field of [`YearResult`] in its order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireYear(
    i32,
    Option<f64>,
    Option<identify::ResultsBand>,
    Option<f64>,
    Option<identify::SocialBand>,
    identify::ComponentList,
    identify::ComponentValues,
    Option<f64>,
    Option<f64>,
    Option<identify::ContextCategory>,
);

impl From<SchoolResult> for WireSchool {
    fn from(s: SchoolResult) -> Self {
        // Every field is named: a field added to the result must be added here.
        let SchoolResult {
            school_id,
            school_name,
            municipality,
            school_type,
            pool,
            excluded,
            results_category,
            social_category,
            years,
            partners,
            resilient,
            context_resilient,
        } = s;
        let years = years
            .0
            .into_iter()
            .map(|(year, y)| {
                let YearResult {
                    results_index,
                    results_band,
                    social_index,
                    social_band,
                    weakest,
                    components,
                    expected,
                    residual,
                    context_category,
                } = y;
                WireYear(
                    year,
                    results_index,
                    results_band,
                    social_index,
                    social_band,
                    weakest,
                    components,
                    expected,
                    residual,
                    context_category,
                )
            })
            .collect();
        WireSchool(
            school_id,
            school_name,
            municipality,
            school_type,
            pool,
            excluded,
            results_category,
            social_category,
            years,
            partners,
            resilient,
            context_resilient,
        )
    }
}

impl From<WireSchool> for SchoolResult {
    fn from(w: WireSchool) -> Self {
        let WireSchool(
            school_id,
            school_name,
            municipality,
            school_type,
            pool,
            excluded,
            results_category,
            social_category,
            years,
            partners,
            resilient,
            context_resilient,
        ) = w;
        let years = identify::YearMap(
            years
                .into_iter()
                .map(
                    |WireYear(year, ri, rb, si, sb, weakest, components, e, r, c)| {
                        (
                            year,
                            YearResult {
                                results_index: ri,
                                results_band: rb,
                                social_index: si,
                                social_band: sb,
                                weakest,
                                components,
                                expected: e,
                                residual: r,
                                context_category: c,
                            },
                        )
                    },
                )
                .collect(),
        );
        SchoolResult {
            school_id,
            school_name,
            municipality,
            school_type,
            pool,
            excluded,
            results_category,
            social_category,
            years,
            partners,
            resilient,
            context_resilient,
        }
    }
}

/// A stored run for the page: [`RunRecord`] with its result in the full form (the stored
/// form leaves out what follows from the rest, which the page would then have to compute).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    pub id: String,
    pub created_at: crate::domain::common::time::Timestamp,
    pub label: String,
    pub scope: RunScope,
    pub input_digest: String,
    pub chance_seed: u64,
    pub reference: Vec<crate::domain::method::reference::ReferencePool>,
    pub result: crate::domain::method::identify::Identification,
}

impl From<RunRecord> for RunView {
    fn from(r: RunRecord) -> Self {
        RunView {
            id: r.id,
            created_at: r.created_at,
            label: r.label,
            scope: r.scope,
            input_digest: r.input_digest,
            chance_seed: r.chance_seed,
            reference: r.reference,
            result: r.result,
        }
    }
}

impl From<RunView> for RunRecord {
    fn from(r: RunView) -> Self {
        RunRecord {
            id: r.id,
            created_at: r.created_at,
            label: r.label,
            scope: r.scope,
            input_digest: r.input_digest,
            chance_seed: r.chance_seed,
            reference: r.reference,
            result: r.result,
        }
    }
}

/// Splits a long list off a large answer into parts (see [`FromWorker::Part`]).
pub fn split_parts(response: &mut Response) -> Vec<Part> {
    fn chunks<T>(all: Vec<T>) -> Vec<Vec<T>> {
        let mut parts = Vec::with_capacity(all.len() / PART + 1);
        let mut it = all.into_iter().peekable();
        while it.peek().is_some() {
            parts.push(it.by_ref().take(PART).collect());
        }
        parts
    }
    match response {
        Response::Loaded(o) if o.schools.len() > PART => chunks(std::mem::take(&mut o.schools))
            .into_iter()
            .map(Part::Schools)
            .collect(),
        Response::Changed { change, .. } if change.schools.len() > PART => {
            chunks(std::mem::take(&mut change.schools))
                .into_iter()
                .map(Part::Schools)
                .collect()
        }
        Response::Run(r) if r.result.schools.len() > PART => {
            chunks(std::mem::take(&mut r.result.schools))
                .into_iter()
                .map(|c| Part::Results(c.into_iter().map(WireSchool::from).collect()))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Puts the parts received ahead of an answer back into it.
pub fn join_parts(response: &mut Response, parts: Vec<Part>) {
    if parts.is_empty() {
        return;
    }
    let mut summaries = Vec::new();
    let mut results = Vec::new();
    for p in parts {
        match p {
            Part::Schools(s) => summaries.extend(s),
            Part::Results(r) => results.extend(r.into_iter().map(SchoolResult::from)),
        }
    }
    match response {
        Response::Loaded(o) => o.schools = summaries,
        Response::Changed { change, .. } => change.schools = summaries,
        Response::Run(r) => r.result.schools = results,
        _ => {}
    }
}

/// How many labels of each class a preview lists.
pub const PREVIEW_LABELS: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictView {
    /// Index of the item in the plan (what [`Choice::each`] refers to).
    pub index: usize,
    pub label: String,
    pub reason: String,
    pub file: String,
}

impl PlanView {
    /// The view of a plan.
    pub fn of(
        id: u64,
        plan: &crate::domain::exchange::bundle::ImportPlan,
        problems: ProblemSummary,
    ) -> Self {
        let groups = [Class::New, Class::Updated, Class::Identical]
            .into_iter()
            .map(|class| {
                let items = plan.items.iter().filter(|i| i.kind == class);
                let n = items.clone().count();
                let labels = items
                    .take(PREVIEW_LABELS)
                    .map(|i| i.label.clone())
                    .collect();
                (class, n, labels)
            })
            .filter(|(_, n, _)| *n > 0)
            .collect();
        PlanView {
            plan: Some(id),
            refused: 0,
            problems,
            counts: plan.counts,
            kinds: crate::domain::exchange::bundle::kinds_summary(
                &crate::domain::exchange::bundle::counts_by_kind(&plan.items, None),
                false,
            ),
            groups,
            conflicts: plan
                .conflicts()
                .map(|(i, item)| ConflictView {
                    index: i,
                    label: item.label.clone(),
                    reason: item.reason.clone(),
                    file: item.source_file.clone(),
                })
                .collect(),
            documents: crate::domain::exchange::bundle::DocumentsPreview::of(plan),
        }
    }
}

impl Choice {
    /// The resolutions for the conflicts of a plan.
    pub fn resolutions(
        &self,
        plan: &crate::domain::exchange::bundle::ImportPlan,
    ) -> crate::domain::exchange::bundle::Resolutions {
        plan.conflicts()
            .filter_map(|(i, _)| self.each.get(&i).copied().or(self.all).map(|r| (i, r)))
            .collect()
    }
}

/// Text of a message. Every message type serialises (tested for each variant); should one
/// ever fail, the text is a [`Response::Failed`] saying so, never an empty string that would
/// leave the other side waiting.
pub fn encode<T: Serialize>(message: &T) -> String {
    serde_json::to_string(message).unwrap_or_else(|e| {
        format!(
            r#"{{"type":"done","data":{{"id":0,"response":{{"type":"failed","data":{{"message":"сообщение не удалось записать: {}"}}}}}}}}"#,
            e.to_string().replace(['"', '\\'], "'")
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_inspection_says_whether_a_table_reads_by_names_and_reads_it_with_a_mapping() {
        use crate::domain::input::{ColumnMapping, MappedColumn, ReadOptions};
        let csv = "Код;Название;МО;Тип;Год\ns1;Школа;Район;secondary;2024\n";
        let look = Inspection::of("f.csv", csv.as_bytes(), &ReadOptions::default());
        assert!(!look.reads_by_names);
        assert_eq!(look.table.as_ref().map(|t| t.header.len()), Some(5));
        assert_eq!(look.rows_total, 0);
        assert!(look.problems.has_errors());
        let map = |s: &str, t: &str| MappedColumn {
            source: s.into(),
            target: Some(t.into()),
            fraction: false,
        };
        let options = ReadOptions {
            sheet: None,
            mapping: Some(ColumnMapping {
                name: "m".into(),
                columns: vec![
                    map("Код", "school_id"),
                    map("Название", "school_name"),
                    map("МО", "municipality"),
                    map("Тип", "school_type"),
                    map("Год", "year"),
                ],
            }),
        };
        let look = Inspection::of("f.csv", csv.as_bytes(), &options);
        assert_eq!(look.rows_total, 1);
        assert_eq!(look.rows[0].school_id, "s1");
        let bundle = Inspection::of("b.json", b"{\"format\": 1}", &ReadOptions::default());
        assert!(bundle.table.is_none() && bundle.reads_by_names);
    }

    use super::*;
    use crate::domain::common::time::ts;
    use crate::domain::exchange::bundle::{plan_import, Incoming};
    use crate::domain::exchange::snapshot::Snapshot;

    #[test]
    fn messages_round_trip_as_json() {
        let m = ToWorker {
            id: 7,
            request: Request::ApplyImport {
                plan: 3,
                choice: Choice {
                    all: Some(Resolution::TakeTheirs),
                    each: BTreeMap::from([(2, Resolution::KeepMine)]),
                },
            },
        };
        let text = encode(&m);
        assert_eq!(serde_json::from_str::<ToWorker>(&text).unwrap(), m);
        let d = FromWorker::Done {
            id: 7,
            response: Response::Failed {
                message: "нет".into(),
            },
        };
        assert_eq!(serde_json::from_str::<FromWorker>(&encode(&d)).unwrap(), d);
    }

    #[test]
    fn large_answers_travel_in_parts() {
        use crate::domain::contract::row::SchoolType;
        use crate::domain::exchange::catalog::SchoolSummary;
        let schools: Vec<SchoolSummary> = (0..PART * 2 + 7)
            .map(|i| SchoolSummary {
                school_id: format!("s{i:06}"),
                school_name: "Ш".into(),
                municipality: "М".into(),
                school_type: SchoolType::Basic,
                demo: false,
                years: vec![],
                support: Default::default(),
                has_programme: false,
                self_assessment_years: vec![],
            })
            .collect();
        let whole = Response::Loaded(Box::new(Overview {
            schools: schools.clone(),
            ..Overview::default()
        }));
        let mut sent = whole.clone();
        let parts = split_parts(&mut sent);
        assert_eq!(parts.len(), 3);
        assert!(matches!(&parts[2], Part::Schools(s) if s.len() == 7));
        let Response::Loaded(o) = &sent else { panic!() };
        assert!(o.schools.is_empty());
        // Through JSON, as the messages travel.
        let parts: Vec<Part> = parts
            .iter()
            .map(|p| serde_json::from_str(&serde_json::to_string(p).unwrap()).unwrap())
            .collect();
        join_parts(&mut sent, parts);
        assert_eq!(sent, whole);
        // A national run's results travel in parts too, whole (with what the stored form
        // leaves out), and arrive equal.
        let rows = crate::domain::demo::region(&crate::domain::demo::DemoSpec {
            schools: PART + 300,
            ..Default::default()
        });
        let result = crate::domain::method::identify::identify(&rows, &Default::default()).unwrap();
        let run = RunView {
            id: "r".into(),
            created_at: crate::domain::common::time::Timestamp::parse("2026-01-01T00:00:00Z")
                .unwrap(),
            label: "расчёт".into(),
            scope: RunScope::All,
            input_digest: String::new(),
            chance_seed: 1,
            reference: Vec::new(),
            result,
        };
        let whole = Response::Run(Box::new(run));
        let mut sent = whole.clone();
        let parts = split_parts(&mut sent);
        assert_eq!(parts.len(), 2);
        let parts: Vec<Part> = parts
            .iter()
            .map(|p| serde_json::from_str(&serde_json::to_string(p).unwrap()).unwrap())
            .collect();
        let mut sent: Response =
            serde_json::from_str(&serde_json::to_string(&sent).unwrap()).unwrap();
        join_parts(&mut sent, parts);
        assert_eq!(sent, whole);
        let mut small = Response::Changed {
            change: Box::default(),
            message: String::new(),
        };
        assert!(split_parts(&mut small).is_empty());
    }

    #[test]
    fn every_response_round_trips() {
        use crate::domain::contract::row::SchoolType;
        let responses = vec![
            Response::Loaded(Box::default()),
            Response::Preview(Box::default()),
            Response::Changed {
                change: Box::default(),
                message: "да".into(),
            },
            Response::File {
                name: "a.json".into(),
                mime: "application/json".into(),
                change: Box::default(),
            },
            Response::Digests(vec![(RunScope::All, "rows-v2-x".into())]),
            Response::School {
                record: None,
                rows: vec![Row::new("s", "Ш", "М", SchoolType::Basic, 2024)],
            },
            Response::Cancelled,
            Response::Failed {
                message: "нет".into(),
            },
        ];
        for r in responses {
            let m = FromWorker::Done { id: 1, response: r };
            let text = serde_json::to_string(&m).expect("serialises");
            assert_eq!(serde_json::from_str::<FromWorker>(&text).unwrap(), m);
        }
        let p = FromWorker::Progress {
            id: 2,
            label: "x".into(),
            fraction: Some(0.5),
        };
        assert_eq!(serde_json::from_str::<FromWorker>(&encode(&p)).unwrap(), p);
        // The fallback text of `encode` is a valid message.
        let fallback = encode(&Unserialisable);
        assert!(matches!(
            serde_json::from_str::<FromWorker>(&fallback).unwrap(),
            FromWorker::Done {
                id: 0,
                response: Response::Failed { .. }
            }
        ));
    }

    struct Unserialisable;
    impl Serialize for Unserialisable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("нельзя \"так\""))
        }
    }

    #[test]
    fn a_preview_lists_conflicts_and_choices_apply_to_them() {
        let csv = "school_id;school_name;municipality;school_type;year;oge_rus_mean\na;А;М;basic;2024;3,9\n";
        let (inc, _) = Incoming::read("a.csv", csv.as_bytes()).unwrap();
        let now = ts("2025-11-22T10:00:00Z");
        let mut db = Snapshot::default();
        db.apply(&plan_import(&db, &[inc], &now).writes(&Default::default()));
        let changed = csv.replace("3,9", "4,1");
        let (inc, _) = Incoming::read("b.csv", changed.as_bytes()).unwrap();
        let plan = plan_import(&db, &[inc], &now);
        let view = PlanView::of(1, &plan, ProblemSummary::default());
        assert_eq!(view.conflicts.len(), 1);
        assert_eq!(view.groups[0].0, Class::Identical);
        let i = view.conflicts[0].index;
        let keep = Choice::default().resolutions(&plan);
        assert!(keep.is_empty());
        let take = Choice {
            all: Some(Resolution::TakeTheirs),
            each: BTreeMap::new(),
        };
        assert_eq!(
            take.resolutions(&plan).get(&i),
            Some(&Resolution::TakeTheirs)
        );
        let mixed = Choice {
            all: Some(Resolution::TakeTheirs),
            each: BTreeMap::from([(i, Resolution::KeepMine)]),
        };
        assert_eq!(
            mixed.resolutions(&plan).get(&i),
            Some(&Resolution::KeepMine)
        );
    }
}
