//! The three school files the end-to-end test of the monitoring imports: built here from the
//! domain (rows, self-assessments over two years, programmes in different states), so that
//! they are real files of the current format. The committed copies in
//! `tests/fixtures/monitoring/` must equal what this builds; `UPDATE_FIXTURES=1 cargo test
//! --test monitoring_fixtures` writes them again after a format change.

use shkala::domain::common::time::Timestamp;
use shkala::domain::contract::row::{Row, SchoolType};
use shkala::domain::exchange::bundle::export::school_submission;
use shkala::domain::exchange::bundle::{parse_bundle, Payload};
use shkala::domain::exchange::envelope::{CreatedBy, Role};
use shkala::domain::exchange::records::{
    Origin, RecordMeta, SchoolDocuments, SchoolIdentity, SchoolRecord, SubmissionRecord,
};
use shkala::domain::exchange::snapshot::Snapshot;
use shkala::domain::school::programme::{
    Better, Checkpoint, Measure, ProblemZone, Programme, Target, ZoneOrigin,
};
use shkala::domain::school::self_assessment::{Answer, AnswerValue, SelfAssessment};

fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).expect("a timestamp")
}
use std::path::PathBuf;

fn self_assessment(id: &str, year: i32, answers: &[(&str, AnswerValue)]) -> SelfAssessment {
    let mut sa = SelfAssessment::new(id, year);
    for (item, v) in answers {
        sa.answers.insert(item.to_string(), Answer::new(*v));
    }
    sa
}

fn target(label: &str, baseline: f64, goal: f64, year: i32, points: [Option<f64>; 3]) -> Target {
    let at = |v: Option<f64>, date: &str| Checkpoint {
        value: v,
        date: if v.is_some() {
            date.into()
        } else {
            String::new()
        },
    };
    Target {
        indicator: "oge_math_2_pct".into(),
        label: label.into(),
        unit: "%".into(),
        better: Better::Lower,
        baseline: Some(baseline),
        target: Some(goal),
        target_year: Some(year),
        entry: at(points[0], "2024-09-15"),
        interim: at(points[1], "2025-01-20"),
        final_: at(points[2], "2025-06-10"),
    }
}

/// (file name, school, rows, documents).
fn schools() -> Vec<(String, SchoolIdentity, Vec<Row>, SchoolDocuments)> {
    use AnswerValue::{No, Number, Yes};
    let identity = |id: &str, name: &str, muni: &str| SchoolIdentity {
        school_id: id.into(),
        school_name: name.into(),
        municipality: muni.into(),
        school_type: SchoolType::Secondary,
    };
    // Values that differ between the schools, so that a run over the three ranks them (a
    // pool of three: the small-pool notice of the end-to-end test).
    let rows = |s: &SchoolIdentity, fail: f64, deviant: f64| {
        [2024, 2025]
            .into_iter()
            .map(|y| {
                Row::new(
                    &s.school_id,
                    &s.school_name,
                    &s.municipality,
                    s.school_type,
                    y,
                )
                .with("students_total", 300.0)
                .with("oge_math_2_pct", fail)
                .with("deviant_pct", deviant)
            })
            .collect::<Vec<_>>()
    };
    let m1 = identity("MON-1", "Школа мониторинга № 1", "Северный район");
    let m2 = identity("MON-2", "Школа мониторинга № 2", "Северный район");
    let m3 = identity("MON-3", "Школа мониторинга № 3", "Южный район");
    let programme_m1 = Programme {
        basis: "ШНРО по итогам идентификации".into(),
        zones: vec![ProblemZone {
            text: "Доля «2» на ОГЭ по математике".into(),
            origin: ZoneOrigin::Own,
        }],
        targets: vec![
            target(
                "Доля «2» на ОГЭ по математике",
                12.0,
                8.0,
                2025,
                [Some(12.0), Some(10.0), Some(7.5)],
            ),
            target(
                "Доля «2» на ОГЭ по русскому языку",
                9.0,
                5.0,
                2025,
                [Some(9.0), Some(11.0), Some(10.0)],
            ),
        ],
        measures: vec![Measure {
            text: "Консультации для девятиклассников".into(),
            start: "2024-09-01".into(),
            due: "2025-05-31".into(),
            responsible: "Завуч".into(),
            ..Measure::default()
        }],
    };
    let programme_m2 = Programme {
        basis: "Решение школы".into(),
        zones: Vec::new(),
        targets: vec![target(
            "Доля «2» на ОГЭ по математике",
            15.0,
            10.0,
            2024,
            [Some(15.0), None, None],
        )],
        measures: Vec::new(),
    };
    vec![
        (
            "MON-1.json".into(),
            m1.clone(),
            rows(&m1, 12.0, 2.0),
            SchoolDocuments {
                self_assessments: vec![
                    self_assessment(
                        "MON-1",
                        2024,
                        &[
                            ("5.1.01", Yes),
                            ("5.1.02.1", No),
                            ("5.1.04", No),
                            ("5.1.11", No),
                            ("5.1.14", Number(10.0)),
                        ],
                    ),
                    self_assessment(
                        "MON-1",
                        2025,
                        &[
                            ("5.1.01", Yes),
                            ("5.1.02.1", Yes),
                            ("5.1.04", No),
                            ("5.1.11", No),
                            ("5.1.14", Number(12.0)),
                        ],
                    ),
                ],
                programme: Some(programme_m1),
            },
        ),
        (
            "MON-2.json".into(),
            m2.clone(),
            rows(&m2, 8.0, 4.0),
            SchoolDocuments {
                self_assessments: vec![
                    // 5.1.11 left unanswered («не знаю») in 2024.
                    self_assessment(
                        "MON-2",
                        2024,
                        &[("5.1.01", Yes), ("5.1.02.1", No), ("5.1.14", Number(20.0))],
                    ),
                    self_assessment(
                        "MON-2",
                        2025,
                        &[
                            ("5.1.01", No),
                            ("5.1.02.1", No),
                            ("5.1.04", Yes),
                            ("5.1.11", No),
                            ("5.1.14", Number(14.0)),
                        ],
                    ),
                ],
                programme: Some(programme_m2),
            },
        ),
        (
            "MON-3.json".into(),
            m3.clone(),
            rows(&m3, 4.0, 1.0),
            SchoolDocuments {
                self_assessments: vec![self_assessment(
                    "MON-3",
                    2025,
                    &[
                        ("5.1.01", Yes),
                        ("5.1.02.1", Yes),
                        ("5.1.04", Yes),
                        ("5.1.11", No),
                        ("5.1.14", Number(30.0)),
                    ],
                )],
                programme: None,
            },
        ),
    ]
}

fn file_text(identity: &SchoolIdentity, rows: &[Row], docs: &SchoolDocuments) -> String {
    let now = ts("2025-06-20T09:00:00Z");
    let meta = RecordMeta {
        modified_at: now.clone(),
        origin: Origin::Local,
    };
    let mut record = SchoolRecord::new(identity.clone(), meta.clone());
    record.documents = docs.clone();
    let snapshot = Snapshot {
        schools: vec![record],
        submissions: rows
            .iter()
            .map(|r| SubmissionRecord {
                row: r.clone(),
                meta: meta.clone(),
            })
            .collect(),
        ..Snapshot::default()
    };
    let by = CreatedBy {
        role: Role::School,
        organisation: identity.school_name.clone(),
    };
    let mut file =
        school_submission(&snapshot, &identity.school_id, &by, &now).expect("a school file");
    // The committed files stay those of any build: which build wrote a file (`app`, with its
    // date) is left out, as in files of earlier builds.
    file.app = None;
    file.to_json_pretty()
}

#[test]
fn the_committed_school_files_are_current_and_carry_their_documents() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/monitoring");
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    for (name, identity, rows, docs) in schools() {
        assert!(docs.problems().is_empty(), "{name}: {:?}", docs.problems());
        let text = file_text(&identity, &rows, &docs);
        let path = dir.join(&name);
        if update {
            std::fs::create_dir_all(&dir).expect("the folder");
            std::fs::write(&path, &text).expect("written");
        }
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_FIXTURES=1 writes it)", path.display()));
        assert_eq!(
            committed, text,
            "{name} is out of date: UPDATE_FIXTURES=1 writes it again"
        );
        let parsed = parse_bundle(&name, committed.as_bytes()).expect("the file reads");
        match parsed.payload {
            Payload::SchoolSubmission(s) => {
                assert_eq!(s.school, identity);
                assert_eq!(s.self_assessments, docs.self_assessments);
                assert_eq!(s.programme, docs.programme);
            }
            other => panic!("{name}: not a school file: {other:?}"),
        }
    }
}
