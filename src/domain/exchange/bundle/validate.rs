//! Checking payloads: rows, identities, assessments, references and backups, with every
//! problem at its JSON path.

use super::json_path::{array_at, into_path, typed, warn_unknown_keys};
use super::payload::{
    Backup, Collection, Payload, ReferencePayload, RubricAssessment, SchoolSubmission,
};
use crate::domain::common::time::Timestamp;
use crate::domain::contract::problem::{serde_error_ru, FirstSeen, Place, Problem};
use crate::domain::contract::row::Row;
use crate::domain::exchange::envelope::Kind;
use crate::domain::exchange::records::{
    assessment_key, AssessmentRecord, LogEntry, RecordMeta, ReferenceRecord, RunRecord,
    SchoolDocuments, SchoolIdentity, SchoolRecord, SubmissionRecord,
};
use crate::domain::exchange::snapshot::Snapshot;
use crate::domain::input::{row_from_json, rows_from_json_array};
use crate::domain::rubric::{federal, validate_assessment, Assessment};
use crate::domain::school::programme::Programme;
use crate::domain::school::self_assessment::SelfAssessment;
use crate::domain::support::{validate_agreement, Support};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

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
    let mut first = FirstSeen::new();
    for (i, row) in &out {
        if let Some(&j) = first.repeat(row.key(), *i) {
            problems.push(
                Problem::error(
                    file,
                    Place::Path(path(*i)),
                    None,
                    "повторная строка для той же школы за тот же год",
                )
                .with_about(format!(
                    "школа «{}», {} год; первая — {}",
                    row.school_id,
                    row.year,
                    path(j)
                )),
            );
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
            "ожидалось описание школы: код, название, муниципалитет и тип",
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

pub(super) fn check_payload(
    file: &str,
    kind: Kind,
    payload: &Value,
    problems: &mut Vec<Problem>,
) -> Option<Payload> {
    let obj = payload.as_object()?;
    let errors_before = problems.iter().filter(|p| p.is_error()).count();
    let payload = match kind {
        Kind::SchoolSubmission => {
            warn_unknown_keys(
                file,
                obj,
                &["school", "rows", "self_assessments", "programme"],
                "payload",
                problems,
            );
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
            let (self_assessments, programme) = documents_at(
                file,
                obj,
                "payload",
                school.as_ref().map(|s| s.school_id.as_str()),
                problems,
            );
            school.map(|school| {
                Payload::SchoolSubmission(SchoolSubmission {
                    school,
                    rows: rows.into_iter().map(|(_, r)| r).collect(),
                    self_assessments,
                    programme,
                })
            })
        }
        Kind::Collection => {
            warn_unknown_keys(
                file,
                obj,
                &["rows", "schools", "documents", "support"],
                "payload",
                problems,
            );
            let items = array_at(file, obj, "rows", "payload.rows", true, problems).unwrap_or(&[]);
            let rows = rows_at(file, items, &|i| format!("payload.rows[{i}]"), problems);
            let school_items =
                array_at(file, obj, "schools", "payload.schools", false, problems).unwrap_or(&[]);
            let mut schools = Vec::new();
            let mut first = FirstSeen::new();
            for (i, v) in school_items.iter().enumerate() {
                let path = format!("payload.schools[{i}]");
                if let Some(identity) = identity_at(file, v, &path, problems) {
                    if let Some(j) = first.repeat(identity.school_id.clone(), i) {
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
                        schools.push(identity);
                    }
                }
            }
            let mut documents = BTreeMap::new();
            match obj.get("documents") {
                None | Some(Value::Null) => {}
                Some(Value::Object(by_school)) => {
                    for (id, v) in by_school {
                        let at = format!("payload.documents.{id}");
                        let known = schools.iter().any(|s| &s.school_id == id)
                            || rows.iter().any(|(_, r)| &r.school_id == id);
                        if !known {
                            problems.push(Problem::error(
                                file,
                                Place::Path(at),
                                None,
                                format!("школы «{id}» нет ни в строках, ни в списке школ файла"),
                            ));
                            continue;
                        }
                        let Some(inner) = v.as_object() else {
                            problems.push(Problem::error(
                                file,
                                Place::Path(at),
                                None,
                                "ожидалось описание школы с её самооценками и программой",
                            ));
                            continue;
                        };
                        warn_unknown_keys(
                            file,
                            inner,
                            &["self_assessments", "programme"],
                            &at,
                            problems,
                        );
                        let (self_assessments, programme) =
                            documents_at(file, inner, &at, Some(id), problems);
                        let d = SchoolDocuments {
                            self_assessments,
                            programme,
                        };
                        if !d.is_empty() {
                            documents.insert(id.clone(), d);
                        }
                    }
                }
                Some(_) => problems.push(Problem::error(
                    file,
                    Place::Path("payload.documents".into()),
                    None,
                    "ожидался объект: документы по идентификатору школы",
                )),
            }
            let support = match obj.get("support") {
                None | Some(Value::Null) => BTreeMap::new(),
                Some(v) => support_at(file, v, &schools, &rows, problems),
            };
            Some(Payload::Collection(Collection {
                rows: rows.into_iter().map(|(_, r)| r).collect(),
                schools,
                documents,
                support,
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
            let mut first = FirstSeen::new();
            for (i, v) in items.iter().enumerate() {
                let path = format!("payload.assessments[{i}]");
                if let Some(a) = typed::<Assessment>(file, v, &path, problems) {
                    check_assessment(file, &a, &path, problems);
                    if let Some(j) = first.repeat(assessment_key(&a), i) {
                        problems.push(Problem::error(
                            file,
                            Place::Path(path),
                            None,
                            format!(
                                "повторная оценка организации «{}» за {} год (первая — payload.assessments[{j}])",
                                a.organisation.name, a.year
                            ),
                        ));
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

/// The `support` of a collection: `{school id: {year: support}}`, each school known to the
/// file, each year a number, each support readable and its agreement valid; every problem at
/// `payload.support.<id>[.<year>[.partner]]`.
fn support_at(
    file: &str,
    v: &Value,
    schools: &[SchoolIdentity],
    rows: &[(usize, Row)],
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, BTreeMap<i32, Support>> {
    let err =
        |path: String, message: String| Problem::error(file, Place::Path(path), None, message);
    let mut out = BTreeMap::new();
    let Some(by_school) = v.as_object() else {
        problems.push(err(
            "payload.support".into(),
            "ожидался объект: участие в проекте по идентификатору школы".into(),
        ));
        return out;
    };
    for (id, v) in by_school {
        let at = format!("payload.support.{id}");
        let known = schools.iter().any(|s| &s.school_id == id)
            || rows.iter().any(|(_, r)| &r.school_id == id);
        if !known {
            problems.push(err(
                at,
                format!("школы «{id}» нет ни в строках, ни в списке школ файла"),
            ));
            continue;
        }
        let Some(by_year) = v.as_object() else {
            problems.push(err(
                at,
                "ожидался объект: участие в проекте по годам".into(),
            ));
            continue;
        };
        let mut years = BTreeMap::new();
        for (key, v) in by_year {
            let path = format!("{at}.{key}");
            let Some(year) = key
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (1990..=2100).contains(y))
            else {
                problems.push(err(
                    path,
                    format!("«{key}» не является годом (нужен год от 1990 до 2100)"),
                ));
                continue;
            };
            if let Some(fields) = v.as_object() {
                warn_unknown_keys(
                    file,
                    fields,
                    &["participant", "partner", "note"],
                    &path,
                    problems,
                );
            }
            let Some(support) = typed::<Support>(file, v, &path, problems) else {
                continue;
            };
            if let Some(a) = &support.partner {
                let found = validate_agreement(a, id);
                if !found.is_empty() {
                    for m in found {
                        problems.push(err(format!("{path}.partner"), m));
                    }
                    continue;
                }
            }
            if years.insert(year, support).is_some() {
                problems.push(err(path, format!("{year} год указан дважды")));
            }
        }
        if !years.is_empty() {
            out.insert(id.clone(), years);
        }
    }
    out
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
    if !a.updated_at.is_empty() {
        if let Err(m) = Timestamp::parse(&a.updated_at) {
            problems.push(Problem::error(file, here(), Some("updated_at"), m));
        }
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
    let mut first = FirstSeen::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        let at = format!("{base}.{store}[{i}]");
        if let Some(r) = typed::<T>(file, v, &at, problems) {
            check(&r, &at, problems);
            let k = key(&r);
            if let Some(&j) = first.repeat(k.clone(), i) {
                problems.push(Problem::error(
                    file,
                    Place::Path(at),
                    None,
                    format!("запись с ключом «{k}» повторяется (первая — {base}.{store}[{j}])"),
                ));
            } else {
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

/// The self-assessments and programme of a school's file: each read on its own (an unreadable
/// one is an error at its path, the rest of the file still reads), checked against the
/// questionnaire and the programme's rules.
fn documents_at(
    file: &str,
    obj: &Map<String, Value>,
    at: &str,
    school_id: Option<&str>,
    problems: &mut Vec<Problem>,
) -> (Vec<SelfAssessment>, Option<Programme>) {
    let err =
        |path: String, message: String| Problem::error(file, Place::Path(path), None, message);
    let mut assessments = Vec::new();
    let items = array_at(
        file,
        obj,
        "self_assessments",
        &format!("{at}.self_assessments"),
        false,
        problems,
    )
    .unwrap_or(&[]);
    let mut years = FirstSeen::new();
    for (i, v) in items.iter().enumerate() {
        let path = format!("{at}.self_assessments[{i}]");
        match serde_json::from_value::<SelfAssessment>(v.clone()) {
            Err(e) => problems.push(err(path, serde_error_ru(&e))),
            Ok(sa) => {
                if let Some(id) = school_id {
                    if sa.school_id != id {
                        problems.push(err(
                            format!("{path}.school_id"),
                            format!(
                                "самооценка относится к школе «{}», а записана для школы «{id}»",
                                sa.school_id
                            ),
                        ));
                        continue;
                    }
                }
                if let Some(j) = years.repeat(sa.year, i) {
                    problems.push(err(
                        format!("{path}.year"),
                        format!(
                            "самооценка за {} год в файле уже есть (она {}-я по порядку)",
                            sa.year,
                            j + 1
                        ),
                    ));
                    continue;
                }
                let found = crate::domain::school::self_assessment::errors(&sa);
                let bad = !found.is_empty();
                for m in found {
                    problems.push(err(path.clone(), m));
                }
                if !bad {
                    assessments.push(sa);
                }
            }
        }
    }
    let programme = match obj.get("programme") {
        None | Some(Value::Null) => None,
        Some(v) => match serde_json::from_value::<Programme>(v.clone()) {
            Err(e) => {
                problems.push(err(format!("{at}.programme"), serde_error_ru(&e)));
                None
            }
            Ok(p) => {
                let found = crate::domain::school::programme::validate(&p);
                let bad = !found.is_empty();
                for m in found {
                    problems.push(err(format!("{at}.programme"), m));
                }
                (!bad).then_some(p)
            }
        },
    };
    (assessments, programme)
}
