//! Tests of the documents in an import's preview: totals, the lines per school, what the
//! documents do against stored ones, and the bound of the list.

use super::*;
use crate::domain::common::time::ts;
use crate::domain::contract::row::{Row, SchoolType};
use crate::domain::exchange::bundle::{
    plan_import, Bundle, Collection, CreatedBy, Incoming, ParsedBundle, Payload, Role,
    SchoolSubmission,
};
use crate::domain::exchange::records::{SchoolDocuments, SchoolIdentity};
use crate::domain::exchange::snapshot::Snapshot;
use crate::domain::school::programme::{Measure, Programme, Target};
use crate::domain::school::self_assessment::SelfAssessment;

const NOW: &str = "2026-12-07T10:00:00Z";

fn row(id: &str, name: &str, municipality: &str, year: i32) -> Row {
    Row::new(id, name, municipality, SchoolType::Secondary, year)
        .with("ege_participants", 20.0)
        .with("ege_rus_mean", 61.0)
}

fn programme(targets: usize, measures: usize) -> Programme {
    Programme {
        basis: "решение школы".into(),
        targets: vec![Target::default(); targets],
        measures: (0..measures)
            .map(|i| Measure {
                text: format!("мероприятие {i}"),
                ..Measure::default()
            })
            .collect(),
        ..Programme::default()
    }
}

/// A school's file as the reader gives it: its rows of 2025, its documents.
fn school_file(
    file: &str,
    created_at: &str,
    (id, name, municipality): (&str, &str, &str),
    years: &[i32],
    programme: Option<Programme>,
) -> Incoming {
    let r = row(id, name, municipality, 2025);
    let payload = Payload::SchoolSubmission(SchoolSubmission {
        school: SchoolIdentity::of_row(&r),
        rows: vec![r],
        self_assessments: years.iter().map(|y| SelfAssessment::new(id, *y)).collect(),
        programme,
    });
    let by = CreatedBy {
        role: Role::School,
        organisation: name.to_string(),
    };
    Incoming::Bundle(ParsedBundle {
        file: file.to_string(),
        bundle: Bundle::from_payload(by, &ts(created_at), &payload),
        payload,
        warnings: Vec::new(),
    })
}

const ONE: (&str, &str, &str) = ("s1", "Школа мониторинга № 1", "Северный район");
const TWO: (&str, &str, &str) = ("s2", "Школа мониторинга № 2", "Южный район");
const THREE: (&str, &str, &str) = ("s3", "Школа мониторинга № 3", "Северный район");

fn three_files(created_at: &str) -> Vec<Incoming> {
    vec![
        school_file(
            "1.json",
            created_at,
            ONE,
            &[2025, 2024],
            Some(programme(2, 1)),
        ),
        school_file("2.json", created_at, TWO, &[], Some(programme(1, 0))),
        school_file("3.json", created_at, THREE, &[2025], None),
    ]
}

#[test]
fn three_school_files_give_totals_and_a_line_per_school() {
    let plan = plan_import(
        &Snapshot::default(),
        &three_files("2026-12-01T09:00:00Z"),
        &ts(NOW),
    );
    let d = &DocumentsPreview::of(&plan);
    assert_eq!(
        (
            d.schools,
            d.self_assessments,
            d.schools_with_self_assessments,
            d.programmes
        ),
        (3, 3, 2, 2)
    );
    assert_eq!(d.heading(), "Документы школ: 3 школы");
    assert_eq!(d.totals(), "Самооценок: 3 (2 школы), программ: 2");
    assert_eq!(d.by_class, vec![(Class::New, 3)]);
    assert_eq!(d.classes(), "Новые — у 3 школ");
    let lines: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        lines,
        [
            "Школа мониторинга № 1 (Северный район): самооценки за 2024, 2025 годы; программа повышения качества (2 цели, 1 мероприятие) — новые",
            "Школа мониторинга № 2 (Южный район): программа повышения качества (1 цель, без мероприятий) — новые",
            "Школа мониторинга № 3 (Северный район): самооценка за 2025 год — новые",
        ]
    );
    assert_eq!(d.more(), None);
}

#[test]
fn documents_say_whether_they_are_new_replace_stored_ones_or_are_the_same() {
    let mut db = Snapshot::default();
    let first = plan_import(&db, &three_files("2026-12-01T09:00:00Z"), &ts(NOW));
    db.apply(&first.writes(&Default::default()));
    // The same files again: nothing new.
    let again = plan_import(&db, &three_files("2026-12-01T09:00:00Z"), &ts(NOW));
    assert_eq!(
        DocumentsPreview::of(&again).by_class,
        vec![(Class::Identical, 3)]
    );
    assert_eq!(
        DocumentsPreview::of(&again).classes(),
        "Те же, что уже есть — у 3 школ"
    );
    // A newer file of school 1 with another programme replaces the stored documents; a school
    // whose rows came without documents receives its first ones.
    let rows_only = Incoming::Rows {
        file: "таблица.csv".into(),
        sha256: "00".into(),
        rows: vec![row("s4", "Школа мониторинга № 4", "Южный район", 2025)],
    };
    db.apply(
        &plan_import(&db, &[rows_only], &ts("2026-11-01T00:00:00Z")).writes(&Default::default()),
    );
    let later = "2026-12-05T09:00:00Z";
    let plan = plan_import(
        &db,
        &[
            school_file(
                "1-новый.json",
                later,
                ONE,
                &[2024, 2025],
                Some(programme(3, 1)),
            ),
            school_file(
                "2.json",
                "2026-12-01T09:00:00Z",
                TWO,
                &[],
                Some(programme(1, 0)),
            ),
            school_file(
                "4.json",
                "2026-12-01T09:00:00Z",
                ("s4", "Школа мониторинга № 4", "Южный район"),
                &[2025],
                None,
            ),
        ],
        &ts(NOW),
    );
    let d = &DocumentsPreview::of(&plan);
    assert_eq!(
        d.by_class,
        vec![(Class::Updated, 1), (Class::New, 1), (Class::Identical, 1)]
    );
    assert_eq!(
        d.classes(),
        "Заменят сохранённые — у 1 школы; новые — у 1 школы; те же, что уже есть — у 1 школы"
    );
    // What changes stored documents comes first.
    assert!(d.lines[0]
        .text
        .starts_with("Школа мониторинга № 1 (Северный район)"));
    assert!(d.lines[0]
        .text
        .ends_with("(3 цели, 1 мероприятие) — заменят сохранённые"));
    assert_eq!(d.lines[1].class, Class::New);
    assert_eq!(d.lines[2].class, Class::Identical);
}

#[test]
fn documents_in_a_file_older_than_the_stored_ones_are_a_conflict() {
    let mut db = Snapshot::default();
    db.apply(
        &plan_import(&db, &three_files("2026-12-01T09:00:00Z"), &ts(NOW))
            .writes(&Default::default()),
    );
    // A file older than the one received: the school's record is a conflict, and so are its
    // documents (written only if the person takes the file's).
    let plan = plan_import(
        &db,
        &[school_file(
            "1-старый.json",
            "2026-11-01T09:00:00Z",
            ONE,
            &[2024],
            None,
        )],
        &ts(NOW),
    );
    assert_eq!(
        DocumentsPreview::of(&plan).by_class,
        vec![(Class::Conflict, 1)]
    );
    assert_eq!(
        DocumentsPreview::of(&plan).lines[0].text,
        "Школа мониторинга № 1 (Северный район): самооценка за 2024 год — расходятся с уже имеющимися (выбор — в списке конфликтов)"
    );
}

#[test]
fn a_large_file_lists_a_bounded_number_of_schools() {
    let n = DOCUMENT_LINES + 1_200;
    let rows: Vec<Row> = (0..n)
        .map(|i| {
            row(
                &format!("{i:05}"),
                &format!("Школа {i}"),
                "Северный район",
                2025,
            )
        })
        .collect();
    let documents = rows
        .iter()
        .map(|r| {
            (
                r.school_id.clone(),
                SchoolDocuments {
                    self_assessments: vec![SelfAssessment::new(r.school_id.clone(), 2025)],
                    programme: None,
                },
            )
        })
        .collect();
    let payload = Payload::Collection(Collection {
        rows,
        schools: Vec::new(),
        documents,
        support: Default::default(),
    });
    let by = CreatedBy {
        role: Role::Municipality,
        organisation: "Управление образования".into(),
    };
    let incoming = Incoming::Bundle(ParsedBundle {
        file: "муниципалитет.json".into(),
        bundle: Bundle::from_payload(by, &ts(NOW), &payload),
        payload,
        warnings: Vec::new(),
    });
    let plan = plan_import(&Snapshot::default(), &[incoming], &ts(NOW));
    let d = &DocumentsPreview::of(&plan);
    assert_eq!(d.schools, n);
    assert_eq!(d.lines.len(), DOCUMENT_LINES);
    assert_eq!(
        d.totals(),
        "Самооценок: 1\u{202f}250 (1\u{202f}250 школ), программ: 0"
    );
    assert_eq!(
        d.more().as_deref(),
        Some("и ещё 1\u{202f}200 школ с документами")
    );
}

#[test]
fn a_table_brings_no_documents() {
    let rows = Incoming::Rows {
        file: "таблица.csv".into(),
        sha256: "00".into(),
        rows: vec![row("s1", "Школа", "Район", 2025)],
    };
    let plan = plan_import(&Snapshot::default(), &[rows], &ts(NOW));
    assert!(plan.documents.is_empty());
    assert_eq!(DocumentsPreview::of(&plan), DocumentsPreview::default());
}
