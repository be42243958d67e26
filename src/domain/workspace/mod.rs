//! The folder `workspace`: a school at work in this browser — this module (the workspace)
//! and [`school_entry`] (the draft of its rows as typed). Uses every folder before it in
//! ARCHITECTURE.md's order except `reports`: `common` … `exchange`.
//!
//! A school's workspace in this browser: its profile, the draft of its rows, its
//! self-assessments, its improvement programme and the reference file it places itself
//! against. Saved as the user goes (the `drafts` store, key [`Workspace::store_key`]); the
//! draft becomes the school's stored data only when the user confirms it ([`confirm`]).
//!
//! Several workspaces may live in one browser (a municipality specialist filling in for small
//! schools); each is keyed by the id it was created with, so correcting the school's id does
//! not lose the draft.

pub mod school_entry;

use crate::domain::common::time::Timestamp;
use crate::domain::contract::row::Row;
use crate::domain::exchange::bundle::{Incoming, ParsedBundle, Payload};
use crate::domain::exchange::records::{
    ImportCounts, LogAction, LogEntry, Origin, RecordMeta, SchoolDocuments, SchoolIdentity,
    SchoolRecord, SubmissionRecord,
};
use crate::domain::exchange::snapshot::Writes;
use crate::domain::method::reference::ReferencePayload;
use crate::domain::school::programme::Programme;
use crate::domain::school::self_assessment::SelfAssessment;
use crate::domain::workspace::school_entry::Draft;
use serde::{Deserialize, Serialize};

/// A reference file the school placed itself against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedReference {
    pub file: String,
    pub sha256: String,
    pub created_at: Timestamp,
    pub organisation: String,
    pub payload: ReferencePayload,
}

impl SavedReference {
    /// The reference of a read bundle, or why it is not one (in Russian).
    pub fn of_bundle(pb: &ParsedBundle) -> Result<SavedReference, String> {
        match &pb.payload {
            Payload::Reference(r) => Ok(SavedReference {
                file: pb.file.clone(),
                sha256: pb.bundle.sha256.clone(),
                created_at: pb.bundle.created_at.clone(),
                organisation: pb.bundle.created_by.organisation.clone(),
                payload: r.clone(),
            }),
            other => Err(format!(
                "файл «{}» — не файл эталона, а {}: эталон выгружается на странице «Муниципалитет / регион» после идентификации",
                pb.file,
                other.kind().label()
            )),
        }
    }

    /// Which reference the school placed itself by, in one sentence: «Эталон: Хабаровский
    /// край, расчёт «…» от 06.12.2026, годы 2023–2025 (файл от 06.12.2026, Минобрнауки
    /// края).» The run's name and the file's organisation are said when the file has them;
    /// a reference made before the run's date was recorded says that the file does not give
    /// it. Dates at `offset_minutes` from UTC (the reader's local time).
    pub fn sentence(&self, offset_minutes: i32) -> String {
        let r = &self.payload;
        let region = match r.region.trim() {
            "" => "регион не указан",
            region => region,
        };
        let label = r.run_label.trim();
        let run = match (&r.run_created_at, label) {
            (Some(at), "") => format!("расчёт от {}", at.date_ru(offset_minutes)),
            (Some(at), label) => format!("расчёт «{label}» от {}", at.date_ru(offset_minutes)),
            (None, "") => "дата расчёта в файле не указана".to_string(),
            (None, label) => format!("расчёт «{label}», дата расчёта в файле не указана"),
        };
        let organisation = match self.organisation.trim() {
            "" => String::new(),
            o => format!(", {o}"),
        };
        format!(
            "Эталон: {region}, {run}, {} (файл от {}{organisation}).",
            years_phrase(&r.years),
            self.created_at.date_ru(offset_minutes)
        )
    }
}

/// «годы 2023–2025» for consecutive years, «годы 2022, 2024» otherwise, «год 2025» for one.
fn years_phrase(years: &[i32]) -> String {
    let mut y = years.to_vec();
    y.sort_unstable();
    y.dedup();
    let consecutive = y.windows(2).all(|w| w[1] == w[0] + 1);
    match y.as_slice() {
        [] => "годы не указаны".to_string(),
        [one] => format!("год {one}"),
        [first, .., last] if consecutive => format!("годы {first}–{last}"),
        _ => format!(
            "годы {}",
            y.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// The id the workspace was created with (its storage key).
    pub key: String,
    pub profile: SchoolIdentity,
    /// «Директор (ФИО)», typed on the profile for the report's header and signature line
    /// (empty: the report leaves a line to fill in by hand). Absent in drafts saved before it
    /// was asked.
    #[serde(default)]
    pub director: String,
    pub draft: Draft,
    /// One per year, oldest first.
    #[serde(default)]
    pub self_assessments: Vec<SelfAssessment>,
    #[serde(default)]
    pub programme: Programme,
    #[serde(default)]
    pub reference: Option<SavedReference>,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// When the draft was last confirmed as the school's data.
    #[serde(default)]
    pub confirmed_at: Option<Timestamp>,
}

/// The prefix of workspace keys in the `drafts` store.
pub const STORE_PREFIX: &str = "school:";

impl Workspace {
    /// A new workspace for `profile`, its draft covering the three years ending `last_year`.
    pub fn new(profile: SchoolIdentity, last_year: i32) -> Workspace {
        Workspace {
            key: profile.school_id.trim().to_string(),
            profile,
            director: String::new(),
            draft: Draft::new(last_year),
            self_assessments: Vec::new(),
            programme: Programme::default(),
            reference: None,
            updated_at: None,
            confirmed_at: None,
        }
    }

    /// A workspace for a stored school: its identity, rows and documents.
    pub fn of_stored(record: &SchoolRecord, rows: &[Row], last_year: i32) -> Workspace {
        let last = rows.iter().map(|r| r.year).max().unwrap_or(last_year);
        let mut w = Workspace::new(record.identity(), last);
        w.draft.fill_from_rows(rows);
        w.self_assessments = record.documents.self_assessments.clone();
        w.programme = record.documents.programme.clone().unwrap_or_default();
        w
    }

    /// Nothing has been typed in it yet: no profile, no director, no cell, no self-assessment,
    /// no programme, no reference.
    pub fn is_blank(&self) -> bool {
        let p = &self.profile;
        [
            &p.school_id,
            &p.school_name,
            &p.municipality,
            &self.director,
        ]
        .iter()
        .all(|t| t.trim().is_empty())
            && self
                .draft
                .cells
                .values()
                .all(|year| year.values().all(|t| t.trim().is_empty()))
            && self.self_assessments.is_empty()
            && self.programme == Programme::default()
            && self.reference.is_none()
    }

    pub fn store_key(&self) -> String {
        format!("{STORE_PREFIX}{}", self.key)
    }

    /// The self-assessment of a year, if started.
    pub fn self_assessment(&self, year: i32) -> Option<&SelfAssessment> {
        self.self_assessments.iter().find(|s| s.year == year)
    }

    /// The self-assessment of a year, started if need be.
    pub fn self_assessment_mut(&mut self, year: i32) -> &mut SelfAssessment {
        let i = match self.self_assessments.iter().position(|s| s.year == year) {
            Some(i) => i,
            None => {
                self.self_assessments.push(SelfAssessment {
                    school_id: self.profile.school_id.clone(),
                    year,
                    answers: Default::default(),
                });
                self.self_assessments.sort_by_key(|s| s.year);
                self.self_assessments
                    .iter()
                    .position(|s| s.year == year)
                    .unwrap_or(0)
            }
        };
        // Answers belong to the school as it is named now (the id may have been corrected).
        let id = self.profile.school_id.trim().to_string();
        for s in &mut self.self_assessments {
            s.school_id.clone_from(&id);
        }
        &mut self.self_assessments[i]
    }

    /// What the school's file carries besides rows: self-assessments with at least one
    /// answer (under the profile's current id) and the programme unless empty.
    pub fn documents(&self) -> SchoolDocuments {
        SchoolDocuments {
            self_assessments: self
                .self_assessments
                .iter()
                .filter(|s| !s.answers.is_empty())
                .map(|s| SelfAssessment {
                    school_id: self.profile.school_id.trim().to_string(),
                    ..s.clone()
                })
                .collect(),
            programme: (!self.programme.is_empty()).then(|| self.programme.clone()),
        }
    }
}

/// One school's part of a read file (a CSV or JSON table, the school's file of last year, a
/// collection): what the data service hands the school page, never the whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnRows {
    pub file: String,
    /// The school's id as chosen ([`own_rows`]).
    pub school_id: String,
    /// Its rows, any order.
    pub rows: Vec<Row>,
    /// Its self-assessments, from a school's file.
    pub self_assessments: Vec<SelfAssessment>,
}

/// Picks the rows of the school `school_id` from a read file — or, when the id is empty, of the
/// one school the file holds. Returns why nothing can be taken, in Russian.
pub fn own_rows(incoming: &Incoming, school_id: &str) -> Result<OwnRows, String> {
    let (file, rows, assessments): (&str, &[Row], &[SelfAssessment]) = match incoming {
        Incoming::Rows { file, rows, .. } => (file, rows, &[]),
        Incoming::Bundle(pb) => match &pb.payload {
            Payload::SchoolSubmission(s) => (&pb.file, &s.rows, &s.self_assessments),
            Payload::Collection(c) => (&pb.file, &c.rows, &[]),
            other => {
                return Err(format!(
                    "в файле «{}» нет строк школ: это {}",
                    pb.file,
                    other.kind().label()
                ))
            }
        },
    };
    let id = school_id.trim();
    let chosen = if id.is_empty() {
        let mut ids: Vec<&str> = rows.iter().map(|r| r.school_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        match ids.as_slice() {
            [one] => one.to_string(),
            [] => return Err(format!("в файле «{file}» нет строк")),
            _ => {
                return Err(format!(
                    "в файле «{file}» строки {} {}: сначала укажите идентификатор своей школы в профиле",
                    crate::domain::common::format::thousands(ids.len()),
                    crate::domain::common::format::plural(ids.len(), "школы", "школ", "школ")
                ))
            }
        }
    } else {
        id.to_string()
    };
    let own: Vec<Row> = rows
        .iter()
        .filter(|r| r.school_id == chosen)
        .cloned()
        .collect();
    if own.is_empty() {
        return Err(format!(
            "в файле «{file}» нет строк школы с идентификатором «{chosen}»"
        ));
    }
    Ok(OwnRows {
        file: file.to_string(),
        self_assessments: assessments
            .iter()
            .filter(|sa| sa.school_id == chosen)
            .cloned()
            .collect(),
        school_id: chosen,
        rows: own,
    })
}

/// Takes the school's own rows ([`own_rows`]) into the draft, and from a school's file also
/// the self-assessments of years the workspace does not have (they give the dynamics). A
/// workspace without an id adopts the identity of the file's school. Returns what was taken,
/// in Russian, or why nothing was.
pub fn take_own_rows(w: &mut Workspace, own: &OwnRows) -> Result<String, String> {
    let file = &own.file;
    let id = w.profile.school_id.trim();
    if id.is_empty() {
        if let Some(latest) = own.rows.iter().max_by_key(|r| r.year) {
            w.profile = SchoolIdentity::of_row(latest);
        }
    } else if id != own.school_id {
        return Err(format!(
            "в файле «{file}» нет строк школы с идентификатором «{id}»"
        ));
    }
    let years = w.draft.fill_from_rows(&own.rows);
    let mut taken = vec![format!(
        "строки за {} г.",
        years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    )];
    let mut sa_years = Vec::new();
    for sa in &own.self_assessments {
        if w.self_assessment(sa.year).is_none() {
            w.self_assessments.push(sa.clone());
            sa_years.push(sa.year.to_string());
        }
    }
    w.self_assessments.sort_by_key(|s| s.year);
    if !sa_years.is_empty() {
        taken.push(format!("самооценка за {} г.", sa_years.join(", ")));
    }
    Ok(format!("Из файла «{file}» взяты {}.", taken.join(" и ")))
}

/// The writes that make a confirmed draft the school's stored data: the school's record with
/// its documents and one submission per row, all marked as edited here ([`Origin::Local`]), and
/// a journal entry. Stored years that the draft does not have are left as they are.
pub fn confirm(
    school: &SchoolIdentity,
    rows: &[Row],
    documents: SchoolDocuments,
    now: &Timestamp,
) -> Writes {
    let meta = RecordMeta {
        modified_at: now.clone(),
        origin: Origin::Local,
    };
    let mut record = SchoolRecord::new(school.clone(), meta.clone());
    let years: Vec<String> = rows.iter().map(|r| r.year.to_string()).collect();
    let mut summary = format!(
        "данные школы «{}» ({}) за {} г.",
        school.school_name,
        school.school_id,
        years.join(", ")
    );
    let sa: Vec<String> = documents
        .self_assessments
        .iter()
        .map(|s| s.year.to_string())
        .collect();
    if !sa.is_empty() {
        summary.push_str(&format!("; самооценка за {} г.", sa.join(", ")));
    }
    if documents.programme.is_some() {
        summary.push_str("; программа повышения качества");
    }
    record.documents = documents;
    Writes {
        schools: vec![record],
        submissions: rows
            .iter()
            .map(|r| SubmissionRecord {
                row: r.clone(),
                meta: meta.clone(),
            })
            .collect(),
        assessments: Vec::new(),
        runs: Vec::new(),
        references: Vec::new(),
        log: Vec::new(),
        entry: LogEntry::new(
            now,
            LogAction::Entry,
            None,
            None,
            summary,
            ImportCounts::default(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::common::time::ts;
    use crate::domain::contract::row::SchoolType;
    use crate::domain::exchange::bundle::plan::Resolution;
    use crate::domain::exchange::bundle::{self, plan_import, Class, CreatedBy, Role};
    use crate::domain::exchange::snapshot::Snapshot;
    use crate::domain::school::programme::{ProblemZone, ZoneOrigin};
    use crate::domain::school::self_assessment::{Answer, AnswerValue};

    fn school() -> SchoolIdentity {
        SchoolIdentity {
            school_id: "S1".into(),
            school_name: "Школа № 1".into(),
            municipality: "Город".into(),
            school_type: SchoolType::Secondary,
        }
    }

    fn by() -> CreatedBy {
        CreatedBy {
            organisation: "Школа № 1".into(),
            role: Role::School,
        }
    }

    /// A workspace filled by typing: two years, a self-assessment, a programme.
    fn filled() -> Workspace {
        let mut w = Workspace::new(school(), 2024);
        w.draft.set(2023, "oge_math_2_pct", "12,5");
        w.draft.set(2024, "oge_math_2_pct", "9");
        w.draft.set(2024, "students_total", "410");
        w.self_assessment_mut(2024)
            .answers
            .insert("5.1.01".into(), Answer::new(AnswerValue::Yes));
        w.programme.add_zones([ProblemZone {
            text: "ОГЭ по математике".into(),
            origin: ZoneOrigin::Own,
        }]);
        w
    }

    /// The school's side: confirm, then the file is built from what was stored.
    fn school_file(w: &Workspace, at: &str) -> (Snapshot, bundle::Bundle) {
        let rows = w.draft.rows(&w.profile).expect("valid draft");
        let mut s = Snapshot::default();
        s.apply(&confirm(&w.profile, &rows, w.documents(), &ts(at)));
        let b = bundle::school_submission(&s, &w.profile.school_id, &by(), &ts(at))
            .expect("school file");
        (s, b)
    }

    fn read(name: &str, b: &bundle::Bundle) -> Incoming {
        let text = serde_json::to_string(b).unwrap();
        Incoming::read(name, text.as_bytes()).expect("readable").0
    }

    #[test]
    fn a_confirmed_draft_travels_whole_and_a_corrected_file_is_an_update() {
        let w = filled();
        let (stored, b1) = school_file(&w, "2025-01-10T09:00:00Z");
        // Stored on the school's side as edited here.
        assert_eq!(stored.submissions.len(), 2);
        assert!(stored
            .submissions
            .iter()
            .all(|s| s.meta.origin == Origin::Local));
        assert_eq!(stored.log[0].action, LogAction::Entry);
        // The municipality imports it: everything new, documents kept with the school.
        let mut muni = Snapshot::default();
        let plan = plan_import(&muni, &[read("s1.json", &b1)], &ts("2025-01-11T09:00:00Z"));
        assert!(plan.items.iter().all(|i| i.kind == Class::New));
        muni.apply(&plan.writes(&plan.resolve_all(Resolution::KeepMine)));
        let rec = muni.school("S1").expect("school stored");
        assert_eq!(rec.documents, w.documents());
        assert_eq!(rec.documents.self_assessments.len(), 1);
        // The school corrects a value and sends again, later.
        let mut w2 = w.clone();
        w2.draft.set(2024, "oge_math_2_pct", "8");
        let (_, b2) = school_file(&w2, "2025-02-01T09:00:00Z");
        let plan = plan_import(&muni, &[read("s1.json", &b2)], &ts("2025-02-02T09:00:00Z"));
        let kinds: Vec<(String, Class)> = plan
            .items
            .iter()
            .map(|i| (i.label.clone(), i.kind))
            .collect();
        assert!(
            plan.items.iter().all(|i| i.kind != Class::Conflict),
            "{kinds:?}"
        );
        assert_eq!(
            plan.items
                .iter()
                .filter(|i| i.kind == Class::Updated)
                .count(),
            1,
            "{kinds:?}"
        );
        // A changed self-assessment alone updates the school's record.
        let mut w3 = w2.clone();
        w3.self_assessment_mut(2024)
            .answers
            .insert("5.1.03".into(), Answer::new(AnswerValue::Yes));
        let (_, b3) = school_file(&w3, "2025-03-01T09:00:00Z");
        muni.apply(&plan.writes(&plan.resolve_all(Resolution::KeepMine)));
        let plan = plan_import(&muni, &[read("s1.json", &b3)], &ts("2025-03-02T09:00:00Z"));
        let updated: Vec<&str> = plan
            .items
            .iter()
            .filter(|i| i.kind == Class::Updated)
            .map(|i| i.label.as_str())
            .collect();
        assert_eq!(updated.len(), 1, "{updated:?}");
        assert!(updated[0].starts_with("школа"), "{updated:?}");
    }

    #[test]
    fn municipalities_send_their_schools_documents_up_and_the_region_merges_them() {
        // Two municipalities, each with one school that sent its file.
        let mut w1 = filled();
        w1.profile.municipality = "Город".into();
        let mut w2 = filled();
        w2.profile = SchoolIdentity {
            school_id: "S2".into(),
            school_name: "Школа № 2".into(),
            municipality: "Район".into(),
            school_type: SchoolType::Basic,
        };
        let muni = |w: &Workspace, at: &str| {
            let (_, b) = school_file(w, at);
            let mut s = Snapshot::default();
            let plan = plan_import(&s, &[read("школа.json", &b)], &ts(at));
            s.apply(&plan.writes(&plan.resolve_all(Resolution::KeepMine)));
            bundle::collection(&s, &[], &by(), &ts(at))
        };
        let c1 = muni(&w1, "2025-01-10T09:00:00Z");
        let c2 = muni(&w2, "2025-01-11T09:00:00Z");
        assert!(c1.payload["documents"]["S1"]["self_assessments"].is_array());
        // The region imports both collections in one go.
        let region = Snapshot::default();
        let plan = plan_import(
            &region,
            &[read("город.json", &c1), read("район.json", &c2)],
            &ts("2025-01-12T09:00:00Z"),
        );
        assert!(plan.items.iter().all(|i| i.kind == Class::New));
        let mut region = region;
        region.apply(&plan.writes(&plan.resolve_all(Resolution::KeepMine)));
        assert_eq!(region.schools.len(), 2);
        assert_eq!(region.submissions.len(), 4);
        for (id, w) in [("S1", &w1), ("S2", &w2)] {
            let rec = region.school(id).expect("school");
            let mut expected = w.documents();
            for sa in &mut expected.self_assessments {
                sa.school_id = id.into();
            }
            assert_eq!(rec.documents, expected, "{id}");
        }
        // A collection whose documents name a school it does not carry is refused.
        let mut bad = serde_json::to_value(&c1).unwrap();
        bad["payload"]["documents"]["X9"] = bad["payload"]["documents"]["S1"].clone();
        let text = serde_json::to_string(&bad).unwrap();
        let err = match Incoming::read("bad.json", text.as_bytes()) {
            Err(e) => e,
            Ok(_) => panic!("refused"),
        };
        assert!(
            err.iter().any(|p| p.to_string().contains("школы «X9» нет")),
            "{err:?}"
        );
    }

    #[test]
    fn a_table_without_documents_leaves_the_schools_documents_alone() {
        let w = filled();
        let (_, b1) = school_file(&w, "2025-01-10T09:00:00Z");
        let mut muni = Snapshot::default();
        let plan = plan_import(&muni, &[read("s1.json", &b1)], &ts("2025-01-11T09:00:00Z"));
        muni.apply(&plan.writes(&plan.resolve_all(Resolution::KeepMine)));
        // The region's CSV with the same school and rows.
        let rows = w.draft.rows(&w.profile).unwrap();
        let csv = crate::domain::tables::table::rows_csv(&rows);
        let inc = Incoming::read("region.csv", csv.as_bytes()).expect("csv").0;
        let plan = plan_import(&muni, &[inc], &ts("2025-01-12T09:00:00Z"));
        assert!(
            plan.items.iter().all(|i| i.kind == Class::Identical),
            "{:?}",
            plan.items
                .iter()
                .map(|i| (&i.label, i.kind))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn own_rows_are_taken_from_last_years_file_with_its_self_assessment() {
        let w = filled();
        let (_, b1) = school_file(&w, "2025-01-10T09:00:00Z");
        let mut fresh = Workspace::new(
            SchoolIdentity {
                school_id: String::new(),
                school_name: String::new(),
                municipality: String::new(),
                school_type: SchoolType::Secondary,
            },
            2025,
        );
        let own = own_rows(&read("s1.json", &b1), "").unwrap();
        let msg = take_own_rows(&mut fresh, &own).unwrap();
        assert!(msg.contains("2023, 2024"), "{msg}");
        assert!(msg.contains("самооценка за 2024"), "{msg}");
        assert_eq!(fresh.profile, school());
        assert_eq!(fresh.draft.text(2024, "oge_math_2_pct"), "9");
        assert_eq!(fresh.draft.years, vec![2023, 2024, 2025]);
        // A file of another school is refused with its id.
        let mut other = Workspace::new(
            SchoolIdentity {
                school_id: "S2".into(),
                ..school()
            },
            2025,
        );
        let err = own_rows(&read("s1.json", &b1), "S2").unwrap_err();
        assert!(err.contains("«S2»"), "{err}");
        // Rows picked for one school are not taken into another's workspace.
        let err = take_own_rows(&mut other, &own).unwrap_err();
        assert!(err.contains("«S2»"), "{err}");
    }

    #[test]
    fn the_director_is_kept_and_older_drafts_still_load() {
        let mut w = filled();
        w.director = "Иванова Мария Петровна".into();
        let json = serde_json::to_value(&w).unwrap();
        assert_eq!(json["director"], "Иванова Мария Петровна");
        assert_eq!(
            serde_json::from_value::<Workspace>(json.clone()).unwrap(),
            w
        );
        // A draft saved before the field existed loads with no director.
        let mut old = json;
        old.as_object_mut().unwrap().remove("director");
        let back: Workspace = serde_json::from_value(old).unwrap();
        assert_eq!(back.director, "");
        assert_eq!(back.profile, w.profile);
    }

    /// A reference exported from a run made at `run_at`, its file made at `file_at`, as the
    /// school reads it.
    fn reference_file(run_at: &str, label: &str, file_at: &str) -> SavedReference {
        use crate::domain::demo::{region, DemoSpec};
        use crate::domain::exchange::records::{RunRecord, RunScope};
        use crate::domain::method::identify::{identify, Params};
        use crate::domain::method::reference::reference_pools;
        let rows = region(&DemoSpec {
            schools: 24,
            municipalities: 2,
            years: vec![2023, 2024, 2025],
            seed: 3,
        });
        let result = identify(&rows, &Params::default()).expect("demo identifies");
        let run = RunRecord {
            id: "run-1".into(),
            created_at: ts(run_at),
            label: label.into(),
            scope: RunScope::All,
            input_digest: String::new(),
            chance_seed: 1,
            reference: reference_pools(&result, &rows),
            result: crate::domain::method::run::without_components(result),
        };
        let by = CreatedBy {
            organisation: "Минобрнауки края".into(),
            role: Role::Region,
        };
        let b = bundle::reference(&run, "Хабаровский край", &by, &ts(file_at));
        let text = serde_json::to_string(&b).unwrap();
        let pb =
            bundle::parse_bundle_as("эталон.json", text.as_bytes(), &[bundle::Kind::Reference])
                .expect("a reference file");
        SavedReference::of_bundle(&pb).expect("a reference")
    }

    #[test]
    fn the_reference_says_which_run_and_file_it_is() {
        let r = reference_file("2026-12-06T08:00:00Z", "", "2026-12-07T09:30:00Z");
        assert_eq!(
            r.sentence(0),
            "Эталон: Хабаровский край, расчёт от 06.12.2026, годы 2023–2025 (файл от 07.12.2026, Минобрнауки края)."
        );
        // Dates in the reader's local time: 22:30 UTC is the next day at UTC+10.
        let r = reference_file(
            "2026-12-06T22:30:00Z",
            "Основной расчёт",
            "2026-12-06T22:40:00Z",
        );
        assert_eq!(
            r.sentence(600),
            "Эталон: Хабаровский край, расчёт «Основной расчёт» от 07.12.2026, годы 2023–2025 (файл от 07.12.2026, Минобрнауки края)."
        );
        assert_eq!(
            r.sentence(0),
            "Эталон: Хабаровский край, расчёт «Основной расчёт» от 06.12.2026, годы 2023–2025 (файл от 06.12.2026, Минобрнауки края)."
        );
        // A file made before the run's date was written says so instead of inventing one.
        let mut old = r;
        old.payload.run_created_at = None;
        old.payload.run_label = String::new();
        old.payload.years = vec![2022, 2024];
        old.organisation = String::new();
        assert_eq!(
            old.sentence(0),
            "Эталон: Хабаровский край, дата расчёта в файле не указана, годы 2022, 2024 (файл от 06.12.2026)."
        );
        assert_eq!(years_phrase(&[2025]), "год 2025");
        assert_eq!(years_phrase(&[]), "годы не указаны");
        assert_eq!(years_phrase(&[2025, 2023, 2024]), "годы 2023–2025");
    }

    #[test]
    fn an_external_value_without_a_link_warns_but_does_not_stop_sending() {
        let mut w = filled();
        let q = crate::domain::school::self_assessment::questionnaire();
        let ext = q
            .items
            .iter()
            .find(|i| i.external)
            .expect("an external item");
        let value = match ext.answer {
            crate::domain::school::self_assessment::AnswerType::YesNo => AnswerValue::No,
            _ => AnswerValue::Number(1.0),
        };
        w.self_assessment_mut(2024)
            .answers
            .insert(ext.id.clone(), Answer::new(value));
        let sa = w.self_assessment(2024).unwrap();
        assert!(crate::domain::school::self_assessment::errors(sa).is_empty());
        assert!(!crate::domain::school::self_assessment::validate(sa).is_empty());
    }
}
