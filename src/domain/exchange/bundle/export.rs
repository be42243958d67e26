//! Building the bundles Шкала exports.

use super::payload::{
    Backup, Collection, Payload, ReferencePayload, RubricAssessment, SchoolSubmission,
};
use crate::domain::common::file_name::file_name;
use crate::domain::common::time::Timestamp;
use crate::domain::contract::row::Row;
use crate::domain::exchange::envelope::{Bundle, CreatedBy, Kind};
use crate::domain::exchange::records::{
    AssessmentRecord, LogEntry, RunRecord, SchoolIdentity, SchoolRecord,
};
use crate::domain::exchange::snapshot::Snapshot;
use serde_json::Value;
use std::collections::HashSet;

/// The whole database as a backup.
pub fn backup(snapshot: &Snapshot, created_by: &CreatedBy, now: &Timestamp) -> Bundle {
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
    now: &Timestamp,
) -> Result<Bundle, String> {
    let rows = sorted_rows(
        snapshot
            .submissions
            .iter()
            .filter(|s| s.row.school_id == school_id)
            .map(|s| &s.row),
    );
    let (school, documents) = match (snapshot.school(school_id), rows.last()) {
        (Some(record), _) => (record.identity(), record.documents.clone()),
        (None, Some(latest)) => (SchoolIdentity::of_row(latest), Default::default()),
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
        &Payload::SchoolSubmission(SchoolSubmission {
            school,
            rows,
            self_assessments: documents.self_assessments,
            programme: documents.programme,
        }),
    ))
}

/// Rows of the given schools (an empty list means every school), with the schools' records
/// (identities, documents and project support).
pub fn collection(
    snapshot: &Snapshot,
    school_ids: &[String],
    created_by: &CreatedBy,
    now: &Timestamp,
) -> Bundle {
    let chosen: HashSet<&str> = school_ids.iter().map(String::as_str).collect();
    let wanted = |id: &str| chosen.is_empty() || chosen.contains(id);
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
    let documents = snapshot
        .schools
        .iter()
        .filter(|s| wanted(&s.school_id) && !s.documents.is_empty())
        .map(|s| (s.school_id.clone(), s.documents.clone()))
        .collect();
    let support = snapshot
        .schools
        .iter()
        .filter(|s| wanted(&s.school_id) && !s.support.is_empty())
        .map(|s| (s.school_id.clone(), s.support.clone()))
        .collect();
    Bundle::from_payload(
        created_by.clone(),
        now,
        &Payload::Collection(Collection {
            rows,
            schools,
            documents,
            support,
        }),
    )
}

/// The assessments with the given record ids (an empty list means all), ordered by id.
pub fn rubric_assessments(
    snapshot: &Snapshot,
    ids: &[String],
    created_by: &CreatedBy,
    now: &Timestamp,
) -> Bundle {
    let chosen: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let mut records: Vec<&AssessmentRecord> = snapshot
        .assessments
        .iter()
        .filter(|a| chosen.is_empty() || chosen.contains(a.id.as_str()))
        .collect();
    records.sort_by(|a, b| a.id.cmp(&b.id));
    let assessments = records.into_iter().map(|r| r.assessment.clone()).collect();
    Bundle::from_payload(
        created_by.clone(),
        now,
        &Payload::RubricAssessment(RubricAssessment { assessments }),
    )
}

/// The reference bundle of a stored run: the values the run computed (see
/// [`crate::domain::method::reference`]), under the region's name, marked with the run's date and name.
pub fn reference(run: &RunRecord, region: &str, created_by: &CreatedBy, now: &Timestamp) -> Bundle {
    let payload = ReferencePayload::new(
        region,
        &run.result.years,
        &run.result.params,
        &run.reference,
    )
    .with_run(&run.created_at, &run.label);
    Bundle::from_payload(created_by.clone(), now, &Payload::Reference(payload))
}

/// The one municipality of a collection's schools (their listed identities, or without them
/// their rows), when they all have the same: a municipality's file for the region, named by it
/// so that two municipalities' files downloaded on one day do not take one name.
fn one_municipality(payload: &Value) -> Option<&str> {
    let of = |key: &str| {
        payload[key].as_array().filter(|a| !a.is_empty()).map(|a| {
            a.iter()
                .map(|s| s["municipality"].as_str().unwrap_or("").trim())
        })
    };
    let mut all = of("schools").or_else(|| of("rows"))?;
    let first = all.next().filter(|m| !m.is_empty())?;
    all.all(|m| m == first).then_some(first)
}

/// A file name for a bundle, by the one scheme of [`file_name`]: «шкала-<что>-<ДД.ММ.ГГГГ>.json»,
/// e.g. «шкала-школа-0010001-22.11.2025.json», «шкала-резервная-копия-22.11.2025.json»,
/// «шкала-данные-школ-Северный-район-22.11.2025.json» (a collection of one municipality's
/// schools); the date is the bundle's moment at `offset_minutes` from UTC (the browser's local time).
pub fn suggested_file_name(bundle: &Bundle, offset_minutes: i32) -> String {
    let text = |v: &Value| v.as_str().map(str::to_string).unwrap_or_default();
    let what = match bundle.kind {
        Kind::SchoolSubmission => format!("школа {}", text(&bundle.payload["school"]["school_id"])),
        Kind::Collection => match one_municipality(&bundle.payload) {
            Some(m) => format!("данные школ {m}"),
            None => "данные школ".to_string(),
        },
        Kind::Reference => format!("эталон {}", text(&bundle.payload["region"])),
        Kind::RubricAssessment => match bundle.payload["assessments"].as_array().map(Vec::as_slice)
        {
            Some([one]) => format!(
                "оценка {} {}",
                text(&one["organisation"]["name"]),
                one["year"]
            ),
            _ => "оценки по рубрике".to_string(),
        },
        Kind::Backup => "резервная копия".to_string(),
    };
    file_name(&what, &bundle.created_at.date_ru(offset_minutes), "json")
}

/// The log entry of an export.
pub fn export_log_entry(bundle: &Bundle, file_name: &str, now: &Timestamp) -> LogEntry {
    LogEntry::new(
        now,
        crate::domain::exchange::records::LogAction::Export,
        Some(file_name.to_string()),
        Some(bundle.sha256.clone()),
        format!("выгружено: {}", bundle.kind.label()),
        Default::default(),
    )
}
