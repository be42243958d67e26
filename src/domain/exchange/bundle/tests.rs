//! Tests of the bundle format, its reader and import planning.

use super::*;
use crate::domain::common::time::ts;
use crate::domain::contract::digest::RowsDigest;
use crate::domain::contract::problem::{Place, Problem, Severity};
use crate::domain::contract::row::{Row, SchoolType};
use crate::domain::demo::{region, DemoSpec};
use crate::domain::exchange::records::{
    AssessmentRecord, ImportCounts, LogAction, LogEntry, Origin, RecordMeta, ReferenceRecord,
    RunRecord, RunScope, SchoolIdentity, SchoolRecord, SubmissionRecord,
};
use crate::domain::exchange::snapshot::Snapshot;
use crate::domain::method::identify::{identify, Identification, Params, ResultsBand, SocialBand};
use crate::domain::method::reference::reference_pools;
use crate::domain::rubric::{federal, Assessment, ItemAnswer, OrgLevel, Organisation};
use crate::domain::support::{Agreement, Support};
use serde_json::{json, Value};

const NOW: &str = "2025-11-22T10:00:00Z";

fn by(role: Role, organisation: &str) -> CreatedBy {
    CreatedBy {
        role,
        organisation: organisation.to_string(),
    }
}

fn school_by() -> CreatedBy {
    by(Role::School, "МБОУ СОШ № 1")
}

fn meta(origin: Origin) -> RecordMeta {
    RecordMeta {
        modified_at: ts("2025-01-10T08:00:00Z"),
        origin,
    }
}

fn imported(created_at: &str) -> Origin {
    Origin::Imported {
        file: "старый.json".into(),
        bundle_sha256: "00".into(),
        bundle_created_at: ts(created_at),
        organisation: "МБОУ СОШ № 1".into(),
    }
}

fn row(id: &str, year: i32, rus: f64) -> Row {
    Row::new(
        id,
        &format!("Школа {id}"),
        "г. Приморск",
        SchoolType::Secondary,
        year,
    )
    .with("ege_participants", 20.0)
    .with("ege_rus_mean", rus)
}

fn identity(id: &str) -> SchoolIdentity {
    SchoolIdentity::of_row(&row(id, 2024, 60.0))
}

fn assessment(name: &str, year: i32) -> Assessment {
    let org = Organisation {
        name: name.into(),
        level: OrgLevel::Municipality,
        code: None,
    };
    let mut a = Assessment::new(federal(), org, year);
    a.answers
        .insert("1.1.goals.4".into(), ItemAnswer::with_points(1));
    a.updated_at = "2025-03-01T00:00:00Z".into();
    a
}

/// A small identification of the demonstration region, and its rows.
fn demo_run() -> (Vec<Row>, Identification) {
    let rows = region(&DemoSpec {
        schools: 40,
        municipalities: 3,
        years: vec![2023, 2024, 2025],
        seed: 7,
    });
    let result = identify(&rows, &Params::default()).expect("demo data identifies");
    (rows, result)
}

/// A database with a record of every kind.
fn full_snapshot() -> Snapshot {
    let (rows, result) = demo_run();
    let run = RunRecord {
        id: "run-1".into(),
        created_at: ts(NOW),
        label: "Демонстрация".into(),
        scope: RunScope::All,
        input_digest: RowsDigest::of(&rows).hex(),
        chance_seed: 1,
        reference: reference_pools(&result, &rows),
        result: crate::domain::method::run::without_components(result),
    };
    let reference_bundle = reference(
        &run,
        "Демонстрационный край",
        &by(Role::Region, "Минобр"),
        &ts(NOW),
    );
    let mut s = Snapshot::default();
    for r in rows.iter().take(9) {
        s.submissions.push(SubmissionRecord {
            row: r.clone(),
            meta: meta(Origin::Demo),
        });
    }
    for r in rows.iter().take(9).step_by(3) {
        s.schools.push(SchoolRecord::new(
            SchoolIdentity::of_row(r),
            meta(Origin::Local),
        ));
    }
    s.assessments.push(AssessmentRecord::new(
        assessment("г. Приморск", 2024),
        meta(imported("2025-02-01T00:00:00Z")),
    ));
    s.runs.push(run);
    s.references.push(ReferenceRecord {
        id: reference_bundle.sha256.clone(),
        received_at: ts(NOW),
        bundle: reference_bundle,
    });
    s.log.push(LogEntry::new(
        &ts(NOW),
        LogAction::Demo,
        None,
        None,
        "демонстрационные данные".into(),
        ImportCounts::default(),
    ));
    s
}

fn parse_ok(b: &Bundle) -> ParsedBundle {
    let text = b.to_json_pretty();
    match parse_bundle("f.json", text.as_bytes()) {
        Ok(p) => p,
        Err(problems) => panic!(
            "{:#?}",
            problems.iter().map(ToString::to_string).collect::<Vec<_>>()
        ),
    }
}

/// Recomputes the checksum of a bundle edited as JSON.
fn seal(mut v: Value) -> Value {
    let sha = canonical_sha256(&v["payload"]);
    v["sha256"] = Value::String(sha);
    v
}

fn errors(file: &str, v: &Value) -> Vec<(Place, String)> {
    errors_as(file, v, &[])
}

fn errors_as(file: &str, v: &Value, kinds: &[Kind]) -> Vec<(Place, String)> {
    let problems = parse_bundle_as(file, v.to_string().as_bytes(), kinds).expect_err("refused");
    for p in &problems {
        assert_eq!(p.file, file);
    }
    problems
        .into_iter()
        .filter(|p| p.is_error())
        .map(|p| (p.reason(), p))
        .map(|(reason, p)| (p.place, reason))
        .collect()
}

fn path(p: &str) -> Place {
    Place::Path(p.to_string())
}

fn submission_bundle() -> Bundle {
    let payload = Payload::SchoolSubmission(SchoolSubmission {
        school: identity("s1"),
        rows: vec![row("s1", 2024, 61.5), row("s1", 2025, 63.25)],
        self_assessments: Vec::new(),
        programme: None,
    });
    Bundle::from_payload(school_by(), &ts("2025-11-20T09:00:00Z"), &payload)
}

// ---------------------------------------------------------------- format and round trips

#[test]
fn every_kind_round_trips_through_text() {
    let snapshot = full_snapshot();
    let muni = by(Role::Municipality, "Управление образования г. Приморска");
    let ids: Vec<String> = vec!["301".into()];
    let bundles = vec![
        submission_bundle(),
        collection(&snapshot, &[], &muni, &ts(NOW)),
        collection(&snapshot, &ids, &muni, &ts(NOW)),
        rubric_assessments(&snapshot, &[], &muni, &ts(NOW)),
        reference(
            &snapshot.runs[0],
            "Демонстрационный край",
            &by(Role::Region, "Минобр"),
            &ts(NOW),
        ),
        backup(&snapshot, &by(Role::Other, ""), &ts(NOW)),
    ];
    let kinds: Vec<Kind> = bundles.iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::SchoolSubmission,
            Kind::Collection,
            Kind::Collection,
            Kind::RubricAssessment,
            Kind::Reference,
            Kind::Backup
        ]
    );
    for b in bundles {
        assert!(b.checksum_ok());
        let parsed = parse_ok(&b);
        assert_eq!(parsed.bundle, b, "{:?}", b.kind);
        assert_eq!(parsed.payload.to_value(), b.payload, "{:?}", b.kind);
        assert_eq!(parsed.payload.kind(), b.kind);
        assert!(parsed.warnings.iter().all(|w| !w.is_error()));
        // And the typed payload reproduces the same bundle.
        assert_eq!(
            Bundle::from_payload(b.created_by.clone(), &b.created_at, &parsed.payload),
            b
        );
    }
    let parsed = parse_ok(&backup(&snapshot, &by(Role::Other, ""), &ts(NOW)));
    assert_eq!(parsed.payload, Payload::Backup(Backup { snapshot }));
}

#[test]
fn envelope_is_written_as_documented() {
    let b = Bundle::new(
        Kind::Collection,
        by(Role::Region, "Минобр"),
        &ts(NOW),
        json!({"rows": []}),
    );
    // printf '%s' '{"rows":[]}' | sha256sum
    assert_eq!(
        b.sha256,
        "1633902c6cbba5e7770dbed172df754a25078bb76efe1f23474edc87f1a47655"
    );
    let v: Value = serde_json::from_str(&b.to_json_pretty()).unwrap();
    assert_eq!(
        v,
        json!({"format": "shkala", "version": 1, "kind": "collection", "created_at": NOW,
               "created_by": {"role": "region", "organisation": "Минобр"}, "payload": {"rows": []},
               "sha256": "1633902c6cbba5e7770dbed172df754a25078bb76efe1f23474edc87f1a47655",
               "app": crate::domain::common::version::app_line()})
    );
    assert!(b.to_json_pretty().starts_with(
        "{\n  \"format\": \"shkala\",\n  \"version\": 1,\n  \"kind\": \"collection\""
    ));
}

#[test]
fn checksum_does_not_depend_on_key_order_or_whitespace() {
    let b = submission_bundle();
    let compact = serde_json::to_string(&b).unwrap();
    // Re-order the payload's keys by hand: "rows" before "school".
    let payload = serde_json::to_string(&b.payload["rows"]).unwrap();
    let school = serde_json::to_string(&b.payload["school"]).unwrap();
    let reordered = format!(
        "{{\"sha256\": \"{}\", \"payload\": {{\"rows\": {payload},\n \"school\": {school}}}, \"format\": \"shkala\", \"version\": 1, \"kind\": \"school-submission\", \"created_at\": \"{}\", \"created_by\": {{\"organisation\": \"МБОУ СОШ № 1\", \"role\": \"school\"}}}}",
        b.sha256, b.created_at
    );
    assert!(parse_bundle("a.json", compact.as_bytes()).is_ok());
    let parsed = parse_bundle("b.json", reordered.as_bytes()).unwrap();
    // A file of an earlier build has no `app`: the same bundle but for it.
    assert_eq!(parsed.bundle.app, None);
    assert_eq!(
        parsed.bundle,
        Bundle {
            app: None,
            ..b.clone()
        }
    );
    // The build that wrote it is read back, and not taken for an unknown field.
    let read = parse_bundle("c.json", compact.as_bytes()).unwrap();
    assert_eq!(
        read.bundle.app,
        Some(crate::domain::common::version::app_line())
    );
    assert!(
        read.warnings
            .iter()
            .all(|w| !w.message.contains("неизвестное поле")),
        "{:?}",
        read.warnings
    );
}

// ---------------------------------------------------------------- refusals

#[test]
fn not_utf8_not_json_not_ours() {
    let p = parse_bundle("a.json", b"{\"format\": \"\xff\"}").unwrap_err();
    assert_eq!(
        p,
        vec![Problem::error(
            "a.json",
            Place::File,
            None,
            "файл не в кодировке UTF-8"
        )]
    );
    let p = parse_bundle("a.json", b"{\"format\": \"shkala\",\n  \"version\" 1}").unwrap_err();
    assert_eq!(p[0].to_string(), "ошибка: a.json: некорректный JSON: строка 2, позиция 13: ожидалось «:», а встретился символ «1»");
    assert_eq!(
        errors("a.json", &json!([1, 2])),
        vec![(Place::File, "это не файл Шкалы".to_string())]
    );
    assert_eq!(
        errors("a.json", &json!({"format": "excel"})),
        vec![(path("format"), "это не файл Шкалы".to_string())]
    );
    assert_eq!(
        errors("a.json", &json!({"rows": []})),
        vec![(path("format"), "это не файл Шкалы".to_string())]
    );
    let p = parse_bundle("a.json", json!({"format": "x"}).to_string().as_bytes()).unwrap_err();
    assert_eq!(
        p[0].to_string(),
        "ошибка: a.json, поле format: это не файл Шкалы"
    );
}

#[test]
fn a_newer_version_is_refused_and_bad_versions_are_named() {
    let mut v = serde_json::to_value(submission_bundle()).unwrap();
    v["version"] = json!(2);
    assert_eq!(
        errors("new.json", &v),
        vec![(
            path("version"),
            "файл создан более новой версией Шкалы (формат 2); обновите приложение".to_string()
        )]
    );
    v["version"] = json!("1");
    assert_eq!(
        errors("new.json", &v),
        vec![(
            path("version"),
            "версия формата должна быть целым неотрицательным числом, получено \"1\"".to_string()
        )]
    );
    v.as_object_mut().unwrap().remove("version");
    assert_eq!(
        errors("new.json", &v),
        vec![(path("version"), "не указана версия формата".to_string())]
    );
}

#[test]
fn version_0_is_migrated() {
    let b = submission_bundle();
    let mut v = serde_json::to_value(&b).unwrap();
    let o = v.as_object_mut().unwrap();
    o.insert("version".into(), json!(0));
    let kind = o.remove("kind").unwrap();
    o.insert("type".into(), kind);
    let sha = o.remove("sha256").unwrap();
    o.insert("checksum".into(), sha);
    let parsed = parse_bundle("old.json", v.to_string().as_bytes()).unwrap();
    assert_eq!(parsed.bundle, b);
    assert_eq!(parsed.bundle.version, 1);

    // The ladder itself.
    let migrated = migrate(v.clone(), 0).unwrap();
    assert_eq!(migrated["kind"], "school-submission");
    assert_eq!(migrated["version"], 1);
    assert!(migrated.get("type").is_none() && migrated.get("checksum").is_none());
    assert_eq!(
        migrate(migrated.clone(), 1).unwrap(),
        migrated,
        "the current version is left alone"
    );
    assert_eq!(
        migrate(migrated.clone(), 0).unwrap_err(),
        MigrationError {
            path: "kind".into(),
            message: "в файле формата 0 поле называется «type», а не «kind»".into()
        }
    );
    assert_eq!(
        migrate(json!({}), 0).unwrap_err().message,
        "нет поля «type» (файл формата 0)"
    );
    assert_eq!(
        migrate(json!({}), 3).unwrap_err().message,
        "файл создан более новой версией Шкалы (формат 3); обновите приложение"
    );
    v.as_object_mut().unwrap().remove("type");
    assert_eq!(
        errors("old.json", &v),
        vec![(path("type"), "нет поля «type» (файл формата 0)".to_string())]
    );
}

#[test]
fn envelope_problems_are_all_reported_at_once() {
    let mut v = serde_json::to_value(submission_bundle()).unwrap();
    v["kind"] = json!("table");
    v["created_at"] = json!("22.11.2025");
    v["created_by"] = json!({"role": "teacher", "organisation": 5});
    v["sha256"] = json!("abc");
    v["extra"] = json!(1);
    let problems = parse_bundle("e.json", v.to_string().as_bytes()).unwrap_err();
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        vec![
            "предупреждение: e.json, поле extra: неизвестное поле — оно не будет использовано",
            "ошибка: e.json, поле kind: неизвестный вид файла «table»; известные виды: school-submission, collection, reference, rubric-assessment, backup",
            "ошибка: e.json, поле created_at: дата создания: время должно быть в формате RFC 3339 (например, 2025-11-22T10:15:00Z), получено «22.11.2025»",
            "ошибка: e.json, поле created_by.role: неизвестная роль \"teacher\"; допустимо: school, municipality, region, other",
            "ошибка: e.json, поле created_by.organisation: название организации должно быть строкой",
            "ошибка: e.json, поле sha256: контрольная сумма не совпадает: файл повреждён или изменён вручную",
        ]
    );
    let mut v = serde_json::to_value(submission_bundle()).unwrap();
    for k in ["kind", "created_by", "payload", "sha256"] {
        v.as_object_mut().unwrap().remove(k);
    }
    assert_eq!(
        errors("e.json", &v),
        vec![
            (path("kind"), "не указан вид файла".to_string()),
            (
                path("created_by"),
                "не указано, кто создал файл (роль и организация)".to_string()
            ),
            (
                path("payload"),
                "в файле нет содержимого (payload)".to_string()
            ),
            (path("sha256"), "нет контрольной суммы".to_string()),
        ]
    );
}

#[test]
fn a_changed_payload_breaks_the_checksum() {
    let b = submission_bundle();
    let text = b.to_json_pretty().replace("63.25", "73.25");
    let problems = parse_bundle("edited.json", text.as_bytes()).unwrap_err();
    let problems: Vec<Problem> = problems.into_iter().filter(Problem::is_error).collect();
    assert_eq!(
        problems,
        vec![Problem::error(
            "edited.json",
            path("sha256"),
            None,
            "контрольная сумма не совпадает: файл повреждён или изменён вручную"
        )]
    );
}

#[test]
fn a_kind_other_than_expected_is_refused() {
    let v = serde_json::to_value(submission_bundle()).unwrap();
    assert_eq!(
        errors_as("s.json", &v, &[Kind::Backup]),
        vec![(
            path("kind"),
            "в файле «данные школы», а здесь ожидается «резервная копия»".to_string()
        )]
    );
    assert_eq!(
        errors_as("s.json", &v, &[Kind::RubricAssessment, Kind::Reference]),
        vec![(
            path("kind"),
            "в файле «данные школы», а здесь ожидается «оценки по рубрике» или «эталон региона»"
                .to_string()
        )]
    );
    let text = v.to_string();
    assert!(parse_bundle_as(
        "s.json",
        text.as_bytes(),
        &[Kind::Collection, Kind::SchoolSubmission]
    )
    .is_ok());
}

#[test]
fn rows_breaking_the_contract_are_named_by_path() {
    let mut v = serde_json::to_value(submission_bundle()).unwrap();
    v["payload"]["rows"][1]["ege_rus_mean"] = json!(120);
    v["payload"]["rows"][1]["oge_math_mean"] = json!("пять");
    v["payload"]["rows"][0]["year"] = json!(1900);
    v["payload"]["rows"][0]["note"] = json!("x");
    let problems = parse_bundle("rows.json", seal(v).to_string().as_bytes()).unwrap_err();
    let errs: Vec<String> = problems
        .iter()
        .filter(|p| p.is_error())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errs,
        vec![
            "ошибка: rows.json, поле payload.rows[0].year: год должен быть целым числом от 1990 до 2100, получено «1900»",
            "ошибка: rows.json, поле payload.rows[1].ege_rus_mean: средний балл ЕГЭ должен быть от 0 до 100, получено «120»",
            "ошибка: rows.json, поле payload.rows[1].oge_math_mean: ожидалось число, получено «пять»",
        ]
    );
    let p = problems
        .iter()
        .find(|p| p.place == path("payload.rows[1].ege_rus_mean"))
        .unwrap();
    assert_eq!(p.column.as_deref(), Some("ege_rus_mean"));
    assert!(problems.iter().any(|p| p.severity == Severity::Warning
        && p.place == path("payload.rows[0].note")
        && p.message == "неизвестное поле — оно не будет использовано"));
}

#[test]
fn rows_of_another_school_and_duplicates_are_refused() {
    let mut v = serde_json::to_value(submission_bundle()).unwrap();
    let mut other = v["payload"]["rows"][0].clone();
    other["school_id"] = json!("s2");
    let dup = v["payload"]["rows"][1].clone();
    v["payload"]["rows"]
        .as_array_mut()
        .unwrap()
        .extend([other, dup]);
    assert_eq!(
        errors("two.json", &seal(v)),
        vec![
            (
                path("payload.rows[3]"),
                "повторная строка для той же школы за тот же год (школа «s1», 2025 год; первая — payload.rows[1])"
                    .to_string()
            ),
            (
                path("payload.rows[2].school_id"),
                "строка относится к школе «s2», а файл содержит данные школы «s1»".to_string()
            ),
        ]
    );
}

#[test]
fn a_bad_school_identity_is_refused() {
    let mut v = serde_json::to_value(submission_bundle()).unwrap();
    v["payload"]["school"]["school_type"] = json!("гимназия");
    v["payload"]["school"]["school_id"] = json!("");
    let e = errors("id.json", &seal(v));
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(
        e[0],
        (
            path("payload.school.school_id"),
            "обязательное поле не заполнено".to_string()
        )
    );
    assert_eq!(e[1].0, path("payload.school.school_type"));
    assert!(e[1]
        .1
        .starts_with("неизвестный тип школы (допустимые значения: «средняя»"));
    assert!(e[1].1.ends_with(", получено «гимназия»"), "{}", e[1].1);
    let mut v = serde_json::to_value(submission_bundle()).unwrap();
    v["payload"].as_object_mut().unwrap().remove("school");
    assert_eq!(
        errors("id.json", &seal(v)),
        vec![(path("payload.school"), "не указана школа".to_string())]
    );
}

#[test]
fn collection_schools_are_checked() {
    let b = Bundle::from_payload(
        school_by(),
        &ts(NOW),
        &Payload::Collection(Collection {
            rows: vec![row("s1", 2024, 60.0)],
            schools: vec![identity("s1"), identity("s2")],
            documents: Default::default(),
            support: Default::default(),
        }),
    );
    assert!(matches!(parse_ok(&b).payload, Payload::Collection(ref c) if c.schools.len() == 2));
    let mut v = serde_json::to_value(&b).unwrap();
    v["payload"]["schools"][1]["school_id"] = json!("s1");
    v["payload"]["rows"] = json!({});
    assert_eq!(
        errors("c.json", &seal(v)),
        vec![
            (path("payload.rows"), "ожидался массив".to_string()),
            (
                path("payload.schools[1].school_id"),
                "школа «s1» указана дважды (первая — payload.schools[0])".to_string()
            ),
        ]
    );
}

#[test]
fn assessments_are_validated_by_the_rubric() {
    let mut bad = assessment("г. Приморск", 2024);
    bad.answers
        .insert("1.1.goals.4".into(), ItemAnswer::with_points(3));
    bad.answers
        .insert("9.9.nothing".into(), ItemAnswer::with_points(1));
    let mut nameless = assessment("", 0);
    nameless.answers.clear();
    let b = Bundle::from_payload(
        school_by(),
        &ts(NOW),
        &Payload::RubricAssessment(RubricAssessment {
            assessments: vec![assessment("г. Приморск", 2024), bad, nameless],
        }),
    );
    let mut v = serde_json::to_value(&b).unwrap();
    v["payload"]["assessments"]
        .as_array_mut()
        .unwrap()
        .push(json!({"year": "2024"}));
    assert_eq!(
        errors("r.json", &seal(v)),
        vec![
            (path("payload.assessments[1]"), "пункт «1.1.goals.4»: недопустимое значение 3 (допустимо: 0, 1)".to_string()),
            (path("payload.assessments[1]"), "пункт «9.9.nothing»: такого пункта нет в рубрике «federal-moko»".to_string()),
            (path("payload.assessments[1]"), "повторная оценка организации «г. Приморск» за 2024 год (первая — payload.assessments[0])".to_string()),
            (path("payload.assessments[2]"), "год оценки должен быть от 1990 до 2100, получено 0".to_string()),
            (path("payload.assessments[2]"), "не указана оцениваемая организация (название или код)".to_string()),
            (path("payload.assessments[3]"), "неверный тип значения: string \"2024\", ожидалось: i32".to_string()),
        ]
    );
}

#[test]
fn a_broken_backup_names_the_record() {
    let snapshot = full_snapshot();
    let b = backup(&snapshot, &by(Role::Other, ""), &ts(NOW));
    let mut v = serde_json::to_value(&b).unwrap();
    let snap = &mut v["payload"]["snapshot"];
    snap["submissions"][2]["row"]["oge_rus_mean"] = json!(7);
    snap["submissions"][3]["meta"] = json!({"modified_at": NOW});
    let first_school = snap["schools"][0].clone();
    snap["schools"].as_array_mut().unwrap().push(first_school);
    snap["assessments"][0]["id"] = json!("x");
    snap["references"][0]["bundle"]["payload"]["region"] = json!("Другой край");
    snap["log"][0]["action"] = json!("steal");
    snap["extra"] = json!([]);
    let problems = parse_bundle("b.json", seal(v).to_string().as_bytes()).unwrap_err();
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let expected = [
        "предупреждение: b.json, поле payload.snapshot.extra: неизвестное поле — оно не будет использовано",
        "ошибка: b.json, поле payload.snapshot.schools[3]: запись с ключом «0010001» повторяется (первая — payload.snapshot.schools[0])",
        "ошибка: b.json, поле payload.snapshot.submissions[2].row.oge_rus_mean: средний балл по пятибалльной шкале должен быть от 2 до 5, получено «7»",
        "ошибка: b.json, поле payload.snapshot.submissions[3].meta: нет поля «origin»",
        "ошибка: b.json, поле payload.snapshot.assessments[0].id: ключ записи «x» не соответствует организации и году оценки (должен быть «municipality|name:г. приморск|2024»)",
        "ошибка: b.json, поле payload.snapshot.references[0].bundle.sha256: контрольная сумма не совпадает: файл повреждён или изменён вручную",
        "ошибка: b.json, поле payload.snapshot.log[0]: недопустимое значение «steal»; допустимо: «import», «export», «clear», «demo», «restore», «entry», «support»",
    ];
    for e in expected {
        assert!(
            shown.contains(&e.to_string()),
            "missing «{e}» in {shown:#?}"
        );
    }
    assert_eq!(
        shown.iter().filter(|s| s.starts_with("ошибка")).count(),
        expected.len() - 1,
        "{shown:#?}"
    );
}

#[test]
fn suggested_file_names() {
    let snapshot = full_snapshot();
    let region_by = by(Role::Region, "Минобр");
    assert_eq!(
        suggested_file_name(&submission_bundle(), 0),
        "шкала-школа-s1-20.11.2025.json"
    );
    assert_eq!(
        suggested_file_name(&backup(&snapshot, &region_by, &ts(NOW)), 0),
        "шкала-резервная-копия-22.11.2025.json"
    );
    assert_eq!(
        suggested_file_name(&collection(&snapshot, &[], &region_by, &ts(NOW)), 0),
        "шкала-данные-школ-22.11.2025.json"
    );
    assert_eq!(
        suggested_file_name(&rubric_assessments(&snapshot, &[], &region_by, &ts(NOW)), 0),
        "шкала-оценка-г.-Приморск-2024-22.11.2025.json"
    );
    let b = Bundle::from_payload(
        region_by.clone(),
        &ts("2025-11-22T23:00:00-03:00"),
        &Payload::SchoolSubmission(SchoolSubmission {
            school: identity("a/b:c*?"),
            rows: vec![],
            self_assessments: Vec::new(),
            programme: None,
        }),
    );
    // 23:00 at UTC−3 is 02:00 the next day at UTC and 12:00 in Khabarovsk (UTC+10).
    assert_eq!(
        suggested_file_name(&b, 0),
        "шкала-школа-a_b_c__-23.11.2025.json",
        "the date where the person is"
    );
    assert_eq!(
        suggested_file_name(&b, 600),
        "шкала-школа-a_b_c__-23.11.2025.json"
    );
    assert_eq!(
        suggested_file_name(&b, -180),
        "шкала-школа-a_b_c__-22.11.2025.json"
    );
    assert_eq!(
        suggested_file_name(
            &reference(&snapshot.runs[0], "Край \"Север\"", &region_by, &ts(NOW)),
            0
        ),
        "шкала-эталон-Край-_Север_-22.11.2025.json"
    );
}

/// Two municipalities' collections downloaded on one day take two names; a municipality's
/// name with characters no file system takes is made safe by the one scheme.
#[test]
fn collection_names_say_their_one_municipality() {
    let mut snapshot = Snapshot::default();
    let schools = [
        ("n1", "Северный район"),
        ("n2", "Северный район"),
        ("s1", "Южный район"),
        ("x1", "г. Приморск/Заречный: «Центр»?"),
    ];
    for (id, municipality) in schools {
        let r = Row::new(
            id,
            &format!("Школа {id}"),
            municipality,
            SchoolType::Basic,
            2025,
        );
        snapshot.schools.push(SchoolRecord::new(
            SchoolIdentity::of_row(&r),
            meta(Origin::Local),
        ));
        snapshot.submissions.push(SubmissionRecord {
            row: r,
            meta: meta(Origin::Local),
        });
    }
    let muni = by(Role::Municipality, "Управление образования");
    let name = |ids: &[&str]| {
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        suggested_file_name(&collection(&snapshot, &ids, &muni, &ts(NOW)), 0)
    };
    let north = name(&["n1", "n2"]);
    let south = name(&["s1"]);
    assert_eq!(north, "шкала-данные-школ-Северный-район-22.11.2025.json");
    assert_eq!(south, "шкала-данные-школ-Южный-район-22.11.2025.json");
    assert_ne!(north, south);
    assert_eq!(
        name(&["x1"]),
        "шкала-данные-школ-г.-Приморск_Заречный_-«Центр»_-22.11.2025.json"
    );
    // Schools of several municipalities: no one municipality to name.
    assert_eq!(name(&["n1", "s1"]), "шкала-данные-школ-22.11.2025.json");
    assert_eq!(name(&[]), "шкала-данные-школ-22.11.2025.json");
    // A collection that lists no identities is named by its rows' municipality.
    let rows_only = Bundle::from_payload(
        muni.clone(),
        &ts(NOW),
        &Payload::Collection(Collection {
            rows: vec![Row::new(
                "s9",
                "Школа",
                "Южный район",
                SchoolType::Basic,
                2025,
            )],
            schools: Vec::new(),
            documents: Default::default(),
            support: Default::default(),
        }),
    );
    assert_eq!(
        suggested_file_name(&rows_only, 0),
        "шкала-данные-школ-Южный-район-22.11.2025.json"
    );
}

#[test]
fn export_builders_pick_the_records() {
    let snapshot = full_snapshot();
    let b = school_submission(&snapshot, "0010001", &school_by(), &ts(NOW)).unwrap();
    let Payload::SchoolSubmission(s) = parse_ok(&b).payload else {
        panic!("kind")
    };
    assert_eq!(s.school, snapshot.school("0010001").unwrap().identity());
    assert_eq!(
        s.rows.iter().map(|r| r.year).collect::<Vec<_>>(),
        [2023, 2024, 2025]
    );
    assert_eq!(
        school_submission(&snapshot, "нет", &school_by(), &ts(NOW)).unwrap_err(),
        "школа «нет» не найдена"
    );
    let ids = vec!["0010001".to_string(), "0020002".to_string()];
    let Payload::Collection(c) =
        parse_ok(&collection(&snapshot, &ids, &school_by(), &ts(NOW))).payload
    else {
        panic!("kind")
    };
    assert_eq!(c.rows.len(), 6);
    assert!(c.rows.windows(2).all(|w| w[0].key() < w[1].key()));
    let b = rubric_assessments(&snapshot, &["нет".to_string()], &school_by(), &ts(NOW));
    assert_eq!(b.payload, json!({"assessments": []}));
    let e = export_log_entry(&b, "x.json", &ts(NOW));
    assert_eq!(
        (e.action, e.summary.as_str(), e.sha256.as_deref()),
        (
            LogAction::Export,
            "выгружено: оценки по рубрике",
            Some(b.sha256.as_str())
        )
    );
}

#[test]
fn reference_places_every_school_by_its_cuts() {
    let (rows, result) = demo_run();
    let r = ReferencePayload::new(
        "Демонстрационный край",
        &result.years,
        &result.params,
        &reference_pools(&result, &rows),
    );
    assert_eq!(r.years, result.years);
    assert_eq!(r.pools.len(), result.pools.len());
    let mut checked = 0;
    for p in &r.pools {
        // A pool-year of one school has no bands.
        let (Some(low), Some(high), Some(unfav), Some(fav)) = (
            p.results_cut_low,
            p.results_cut_high,
            p.social_cut_unfavourable,
            p.social_cut_favourable,
        ) else {
            assert!(p.schools < 2, "{p:?}");
            continue;
        };
        assert!(low < high);
        assert!(fav < unfav);
        assert!(!p.regional_means.is_empty());
        for school in result
            .schools
            .iter()
            .filter(|s| s.pool.as_deref() == Some(p.pool.as_str()))
        {
            let Some(y) = school.years.get(&p.year) else {
                continue;
            };
            if let Some(x) = y.results_index {
                assert_eq!(x <= low, y.results_band == Some(ResultsBand::Low));
                assert_eq!(x >= high, y.results_band == Some(ResultsBand::High));
                checked += 1;
            }
            if let Some(x) = y.social_index {
                assert_eq!(x >= unfav, y.social_band == Some(SocialBand::Unfavourable));
                assert_eq!(x <= fav, y.social_band == Some(SocialBand::Favourable));
            }
            let row = rows
                .iter()
                .find(|r| r.school_id == school.school_id && r.year == p.year)
                .unwrap();
            for (col, (lo, hi)) in &p.columns {
                if let Some(v) = row.values.get_by_id(col) {
                    assert!(*lo <= v && v <= *hi, "{col}");
                }
            }
        }
    }
    assert!(checked > 50, "{checked}");
}

// ---------------------------------------------------------------- never panics

#[test]
fn garbled_bundles_never_panic() {
    let b = Bundle::from_payload(
        school_by(),
        &ts(NOW),
        &Payload::SchoolSubmission(SchoolSubmission {
            school: identity("s1"),
            rows: vec![row("s1", 2024, 61.5)],
            self_assessments: Vec::new(),
            programme: None,
        }),
    );
    let text = serde_json::to_string(&b).unwrap();
    let bytes = text.as_bytes();
    let mut ok = 0;
    for n in 0..=bytes.len() {
        if parse_bundle("p.json", &bytes[..n]).is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 1, "only the whole file is a bundle");
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..3000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut garbled = bytes.to_vec();
        for k in 0..=(seed % 3) {
            let i = ((seed >> (8 + k * 16)) as usize) % garbled.len();
            garbled[i] ^= 1 << ((seed >> (40 + k)) % 8);
        }
        let _ = parse_bundle("g.json", &garbled);
        let _ = parse_bundle_as("g.json", &garbled, &[Kind::Backup]);
    }
    for text in [
        "",
        "{",
        "[",
        "{\"format\":\"shkala\",\"version\":1}",
        "{\"format\":\"shkala\",\"version\":0}",
        "{\"format\":\"shkala\",\"version\":-1}",
        "{\"format\":\"shkala\",\"version\":1e400}",
        "\u{feff}",
        "null",
    ] {
        assert!(parse_bundle("t.json", text.as_bytes()).is_err(), "{text}");
    }
    let deep = format!(
        "{{\"format\":\"shkala\",\"version\":1,\"payload\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(parse_bundle("deep.json", deep.as_bytes()).is_err());
}

// ---------------------------------------------------------------- import planning

fn bundle_of(file: &str, b: &Bundle) -> Incoming {
    let mut parsed = parse_ok(b);
    parsed.file = file.to_string();
    Incoming::Bundle(parsed)
}

/// The ЕГЭ Russian mean of a submission record.
fn rus_mean(r: &Record) -> f64 {
    match r {
        Record::Submission(s) => s.row.values.get_by_id("ege_rus_mean").unwrap_or(f64::NAN),
        _ => f64::NAN,
    }
}

fn submission_from(created_at: &str, rows: Vec<Row>) -> Bundle {
    let school = SchoolIdentity::of_row(&rows[0]);
    Bundle::from_payload(
        school_by(),
        &ts(created_at),
        &Payload::SchoolSubmission(SchoolSubmission {
            school,
            rows,
            self_assessments: Vec::new(),
            programme: None,
        }),
    )
}

fn classes(plan: &ImportPlan) -> Vec<(RecordKey, Class)> {
    plan.items.iter().map(|i| (i.key.clone(), i.kind)).collect()
}

fn sub_key(id: &str, year: i32) -> RecordKey {
    RecordKey::Submission {
        school_id: id.into(),
        year,
    }
}

fn school_key(id: &str) -> RecordKey {
    RecordKey::School {
        school_id: id.into(),
    }
}

/// A database with one school and three years of different origins:
/// 2023 edited here, 2024 imported from a bundle of 2025-06-01, 2025 demo.
fn db() -> Snapshot {
    let mut s = Snapshot::default();
    s.schools.push(SchoolRecord::new(
        identity("s1"),
        meta(imported("2025-06-01T00:00:00Z")),
    ));
    s.submissions.push(SubmissionRecord {
        row: row("s1", 2023, 50.0),
        meta: meta(Origin::Local),
    });
    s.submissions.push(SubmissionRecord {
        row: row("s1", 2024, 60.0),
        meta: meta(imported("2025-06-01T00:00:00Z")),
    });
    s.submissions.push(SubmissionRecord {
        row: row("s1", 2025, 70.0),
        meta: meta(Origin::Demo),
    });
    s
}

#[test]
fn plan_classifies_new_identical_updated_and_conflicts() {
    let current = db();
    let rows = vec![
        row("s1", 2022, 40.0), // new
        row("s1", 2023, 51.0), // edited here → conflict
        row("s1", 2024, 61.0), // imported earlier, this bundle is newer → updated
        row("s1", 2025, 71.0), // demo → updated
    ];
    let b = submission_from("2025-09-01T12:00:00+03:00", rows);
    let plan = plan_import(&current, &[bundle_of("s1.json", &b)], &ts(NOW));
    assert_eq!(
        classes(&plan),
        vec![
            (school_key("s1"), Class::Identical),
            (sub_key("s1", 2022), Class::New),
            (sub_key("s1", 2023), Class::Conflict),
            (sub_key("s1", 2024), Class::Updated),
            (sub_key("s1", 2025), Class::Updated),
        ]
    );
    assert_eq!(
        plan.counts,
        ImportCounts {
            new: 1,
            updated: 2,
            identical: 1,
            conflicts: 1,
            conflicts_taken: 0
        }
    );
    let conflict = &plan.items[2];
    assert_eq!(conflict.label, "Школа s1 (s1), 2023 год");
    assert_eq!(conflict.reason, "запись изменена у вас");
    assert_eq!(rus_mean(conflict.mine.as_ref().unwrap()), 50.0);
    assert_eq!(rus_mean(&conflict.record), 51.0);
    assert_eq!(conflict.source_file, "s1.json");
    assert_eq!(
        plan.items[3].reason,
        "более новая версия данных, полученных из файла «старый.json»"
    );
    assert_eq!(plan.items[4].reason, "заменяет демонстрационные данные");
    assert_eq!(plan.items[1].mine, None);

    // The same file, but older than what we received: a conflict, not an update.
    let old = submission_from(
        "2025-01-01T00:00:00Z",
        vec![row("s1", 2024, 61.0), row("s1", 2024 - 1, 50.0)],
    );
    let plan = plan_import(&current, &[bundle_of("old.json", &old)], &ts(NOW));
    assert_eq!(
        classes(&plan),
        vec![
            (school_key("s1"), Class::Identical),
            (sub_key("s1", 2024), Class::Conflict),
            (sub_key("s1", 2023), Class::Identical)
        ]
    );
    assert_eq!(
        plan.items[1].reason,
        "в файле версия не новее полученной ранее из файла «старый.json»"
    );
}

#[test]
fn meta_is_not_compared() {
    let mut current = db();
    current.submissions[0].meta = meta(imported("2030-01-01T00:00:00Z"));
    let b = submission_from("2020-01-01T00:00:00Z", vec![row("s1", 2023, 50.0)]);
    let plan = plan_import(&current, &[bundle_of("s.json", &b)], &ts(NOW));
    assert_eq!(
        classes(&plan),
        vec![
            (school_key("s1"), Class::Identical),
            (sub_key("s1", 2023), Class::Identical)
        ]
    );
    assert!(plan.writes(&Resolutions::new()).is_empty());
}

#[test]
fn two_files_disagreeing_are_a_conflict() {
    let current = Snapshot::default();
    let a = submission_from("2025-09-01T00:00:00Z", vec![row("s1", 2024, 60.0)]);
    let b = submission_from("2025-09-02T00:00:00Z", vec![row("s1", 2024, 65.0)]);
    let c = Incoming::rows("c.csv", b"csv bytes", vec![row("s1", 2024, 65.0)]);
    let plan = plan_import(
        &current,
        &[bundle_of("a.json", &a), bundle_of("b.json", &b), c],
        &ts(NOW),
    );
    assert_eq!(
        classes(&plan),
        vec![
            (school_key("s1"), Class::New),
            (sub_key("s1", 2024), Class::New),
            (school_key("s1"), Class::Identical),
            (sub_key("s1", 2024), Class::Conflict),
            (school_key("s1"), Class::Identical),
            (sub_key("s1", 2024), Class::Identical),
        ]
    );
    let conflict = &plan.items[3];
    assert_eq!(conflict.reason, "файлы «a.json» и «b.json» расходятся");
    assert_eq!(rus_mean(conflict.mine.as_ref().unwrap()), 60.0);
    assert_eq!(rus_mean(&conflict.record), 65.0);
    assert_eq!(plan.items[5].reason, "то же, что в файле «b.json»");

    // Keep mine: the first file's version is written; take theirs: the later one.
    let w = plan.writes(&plan.resolve_all(Resolution::KeepMine));
    assert_eq!(w.submissions.len(), 1);
    assert_eq!(
        w.submissions[0].row.values.get_by_id("ege_rus_mean"),
        Some(60.0)
    );
    let w = plan.writes(&plan.resolve_all(Resolution::TakeTheirs));
    assert_eq!(w.submissions.len(), 1);
    assert_eq!(
        w.submissions[0].row.values.get_by_id("ege_rus_mean"),
        Some(65.0)
    );
    assert!(
        matches!(&w.submissions[0].meta.origin, Origin::Imported { file, .. } if file == "b.json")
    );
    assert_eq!(w.entry.file.as_deref(), Some("a.json, b.json, c.csv"));
    assert_eq!(w.entry.sha256, None);
}

#[test]
fn resolutions_decide_what_is_written() {
    let current = db();
    let rows = vec![
        row("s1", 2022, 40.0),
        row("s1", 2023, 51.0),
        row("s1", 2024, 61.0),
    ];
    let b = submission_from("2025-09-01T00:00:00Z", rows);
    let plan = plan_import(&current, &[bundle_of("s1.json", &b)], &ts(NOW));
    let conflicts: Vec<usize> = plan.conflicts().map(|(i, _)| i).collect();
    assert_eq!(conflicts, vec![2]);

    let keep = plan.writes(&plan.resolve_all(Resolution::KeepMine));
    assert_eq!(
        keep.submissions
            .iter()
            .map(|s| s.row.year)
            .collect::<Vec<_>>(),
        vec![2022, 2024]
    );
    assert_eq!(
        keep.entry.summary,
        "1 школа: без изменений — 1; 3 строки данных «школа × год»: новых — 1, обновлено — 1, конфликтов — 1 (оставлены свои)"
    );
    assert_eq!(keep.entry.action, LogAction::Import);
    assert_eq!(keep.entry.sha256.as_deref(), Some(b.sha256.as_str()));
    assert_eq!(keep.entry.at, ts(NOW));
    let none = plan.writes(&Resolutions::new());
    assert_eq!(none.submissions, keep.submissions, "no choice keeps ours");

    let take = plan.writes(&plan.resolve_all(Resolution::TakeTheirs));
    assert_eq!(
        take.submissions
            .iter()
            .map(|s| s.row.year)
            .collect::<Vec<_>>(),
        vec![2022, 2023, 2024]
    );
    assert_eq!(
        take.entry.summary,
        "1 школа: без изменений — 1; 3 строки данных «школа × год»: новых — 1, обновлено — 1, конфликтов — 1 (приняты из файла)"
    );
    assert_eq!(take.entry.counts.conflicts_taken, 1);
    let expected_meta = RecordMeta {
        modified_at: ts(NOW),
        origin: Origin::Imported {
            file: "s1.json".into(),
            bundle_sha256: b.sha256.clone(),
            bundle_created_at: ts("2025-09-01T00:00:00Z"),
            organisation: "МБОУ СОШ № 1".into(),
        },
    };
    assert!(take.submissions.iter().all(|s| s.meta == expected_meta));

    let mut after = current.clone();
    after.apply(&take);
    assert_eq!(after.submissions.len(), 4);
    assert_eq!(
        after
            .submission("s1", 2023)
            .unwrap()
            .row
            .values
            .get_by_id("ege_rus_mean"),
        Some(51.0)
    );
    assert_eq!(
        after.submission("s1", 2025).unwrap().meta.origin,
        Origin::Demo
    );
    assert_eq!(after.log, vec![take.entry.clone()]);
}

#[test]
fn school_identity_comes_from_the_latest_row_unless_we_have_later_data() {
    let current = db(); // s1 has data up to 2025
    let mut renamed = row("s1", 2022, 40.0);
    renamed.school_name = "Старое название".into();
    let mut new_school = row("s2", 2023, 40.0);
    new_school.school_name = "Старое имя s2".into();
    let mut s2_latest = row("s2", 2024, 41.0);
    s2_latest.school_name = "Новое имя s2".into();
    let csv = Incoming::rows(
        "table.csv",
        b"school_id;...",
        vec![renamed, new_school, s2_latest],
    );
    let plan = plan_import(&current, &[csv], &ts(NOW));
    assert_eq!(
        classes(&plan),
        vec![
            (school_key("s2"), Class::New),
            (sub_key("s1", 2022), Class::New),
            (sub_key("s2", 2023), Class::New),
            (sub_key("s2", 2024), Class::New)
        ]
    );
    assert_eq!(plan.items[0].label, "школа «Новое имя s2» (s2)");
    let w = plan.writes(&Resolutions::new());
    assert_eq!(w.schools.len(), 1);
    assert_eq!(w.schools[0].school_name, "Новое имя s2");
}

#[test]
fn csv_rows_are_planned_as_imports() {
    let bytes = b"school_id;school_name;municipality;school_type;year;ege_rus_mean\n...";
    let mut current = db();
    // 2024 was imported from a bundle made before today: a table has no creation time, so it
    // cannot be newer than that bundle — a conflict for the user, never an update.
    current.submissions[1].meta = meta(imported("2024-12-01T00:00:00Z"));
    let csv = Incoming::rows(
        "районы.csv",
        bytes,
        vec![row("s1", 2024, 62.0), row("s9", 2025, 55.0)],
    );
    let sha = sha256_hex(bytes);
    let plan = plan_import(&current, &[csv], &ts(NOW));
    assert_eq!(
        classes(&plan),
        vec![
            (school_key("s9"), Class::New),
            (sub_key("s1", 2024), Class::Conflict),
            (sub_key("s9", 2025), Class::New)
        ]
    );
    assert_eq!(
        plan.items[1].reason,
        "у таблицы нет даты создания, поэтому нельзя сказать, новее ли она данных из файла «старый.json»"
    );
    assert_eq!(rus_mean(plan.items[1].mine.as_ref().unwrap()), 60.0);
    let keep = plan.writes(&Resolutions::new());
    assert_eq!(
        keep.submissions.len(),
        1,
        "the conflict keeps ours unless chosen"
    );
    let w = plan.writes(&plan.resolve_all(Resolution::TakeTheirs));
    let expected = RecordMeta {
        modified_at: ts(NOW),
        origin: Origin::Imported {
            file: "районы.csv".into(),
            bundle_sha256: sha.clone(),
            bundle_created_at: ts(NOW),
            organisation: String::new(),
        },
    };
    assert_eq!(w.submissions.len(), 2);
    assert!(w.submissions.iter().all(|s| s.meta == expected));
    assert_eq!(w.schools, vec![SchoolRecord::new(identity("s9"), expected)]);
    assert_eq!(w.entry.file.as_deref(), Some("районы.csv"));
    assert_eq!(w.entry.sha256, Some(sha));
    assert_eq!(
        w.entry.summary,
        "1 школа: новых — 1; 2 строки данных «школа × год»: новых — 1, конфликтов — 1 (приняты из файла)"
    );

    // The same table again, a day later, over the rows it brought: still a conflict where
    // the content differs (a table is never newer than another table).
    let mut after = current.clone();
    after.apply(&w);
    let again = Incoming::rows("районы.csv", bytes, vec![row("s9", 2025, 56.0)]);
    let plan = plan_import(&after, &[again], &ts("2025-11-23T10:00:00Z"));
    assert_eq!(plan.items[1].kind, Class::Conflict);
    // Demonstration data is replaced by a table without asking.
    let mut demo = current.clone();
    demo.submissions[1].meta = meta(Origin::Demo);
    let csv = Incoming::rows("районы.csv", bytes, vec![row("s1", 2024, 62.0)]);
    let plan = plan_import(&demo, &[csv], &ts(NOW));
    assert_eq!(plan.items[0].kind, Class::Updated);
}

#[test]
fn assessments_runs_and_references_are_planned() {
    let snapshot = full_snapshot();
    let muni = by(Role::Municipality, "УО");
    // The assessment we hold was imported on 2025-02-01; a newer one with other answers updates it,
    // a change of `updated_at` alone is no change.
    let mut same = snapshot.assessments[0].assessment.clone();
    same.updated_at = "2099-01-01T00:00:00Z".into();
    let mut changed = same.clone();
    changed
        .answers
        .insert("1.1.goals.5".into(), ItemAnswer::with_points(1));
    let fresh = assessment("Заречный район", 2025);
    let a = Bundle::from_payload(
        muni.clone(),
        &ts(NOW),
        &Payload::RubricAssessment(RubricAssessment {
            assessments: vec![same],
        }),
    );
    let b = Bundle::from_payload(
        muni.clone(),
        &ts(NOW),
        &Payload::RubricAssessment(RubricAssessment {
            assessments: vec![changed, fresh],
        }),
    );
    let plan = plan_import(&snapshot, &[bundle_of("a.json", &a)], &ts(NOW));
    assert_eq!(plan.items[0].kind, Class::Identical);
    let plan = plan_import(&snapshot, &[bundle_of("b.json", &b)], &ts(NOW));
    let key = RecordKey::Assessment {
        id: "municipality|name:г. приморск|2024".into(),
    };
    let new_key = RecordKey::Assessment {
        id: "municipality|name:заречный район|2025".into(),
    };
    assert_eq!(
        classes(&plan),
        vec![(key, Class::Updated), (new_key, Class::New)]
    );
    assert_eq!(
        plan.items[1].label,
        "оценка по рубрике: Заречный район (муниципалитет), 2025 год"
    );

    // A reference: new, then identical.
    let r = snapshot.references[0].bundle.clone();
    let plan = plan_import(&Snapshot::default(), &[bundle_of("ref.json", &r)], &ts(NOW));
    assert_eq!(
        classes(&plan),
        vec![(
            RecordKey::Reference {
                id: r.sha256.clone()
            },
            Class::New
        )]
    );
    assert_eq!(
        plan.items[0].label,
        "эталон «Демонстрационный край» от 22.11.2025 10:00"
    );
    let w = plan.writes(&Resolutions::new());
    assert_eq!(w.references[0].bundle, r);
    assert_eq!(w.references[0].received_at, ts(NOW));
    let plan = plan_import(
        &snapshot,
        &[bundle_of("ref.json", &r)],
        &ts("2026-01-01T00:00:00Z"),
    );
    assert_eq!(
        plan.items[0].kind,
        Class::Identical,
        "received_at is not content"
    );

    // A run with the same id and another label: a conflict (runs have no origin).
    let mut other = snapshot.clone();
    other.runs[0].label = "Другой".into();
    let plan = plan_import(
        &snapshot,
        &[bundle_of("b.json", &backup(&other, &muni, &ts(NOW)))],
        &ts(NOW),
    );
    let run = plan
        .items
        .iter()
        .find(|i| matches!(i.key, RecordKey::Run { .. }))
        .unwrap();
    assert_eq!(run.kind, Class::Conflict);
    assert_eq!(run.reason, "запись с тем же ключом, но другим содержимым");
    assert_eq!(run.label, "расчёт «Другой» от 22.11.2025 10:00");
    assert_eq!(
        plan.counts,
        ImportCounts {
            new: 0,
            updated: 0,
            identical: plan.items.len() - 1,
            conflicts: 1,
            conflicts_taken: 0
        }
    );
    assert!(
        plan.log.is_empty(),
        "log entries already present are not appended twice"
    );
}

#[test]
fn a_backup_restored_into_an_empty_database_is_the_same_database() {
    let original = full_snapshot();
    let text = backup(&original, &by(Role::Other, "Я"), &ts(NOW)).to_json_pretty();
    let parsed = parse_bundle_as(
        "шкала-резервная-копия-22.11.2025.json",
        text.as_bytes(),
        &[Kind::Backup],
    )
    .unwrap();
    let plan = plan_import(
        &Snapshot::default(),
        &[Incoming::Bundle(parsed)],
        &ts("2025-12-01T00:00:00Z"),
    );
    assert!(plan.items.iter().all(|i| i.kind == Class::New));
    let writes = plan.writes(&plan.resolve_all(Resolution::KeepMine));
    let mut restored = Snapshot::default();
    restored.apply(&writes);
    assert_eq!(
        restored.log.pop().as_ref(),
        Some(&writes.entry),
        "the restore logs itself last"
    );
    assert_eq!(writes.entry.action, LogAction::Restore);
    assert_eq!(restored, original);

    // Restoring again changes nothing but the log.
    let text = backup(&original, &by(Role::Other, "Я"), &ts(NOW)).to_json_pretty();
    let parsed = parse_bundle("again.json", text.as_bytes()).unwrap();
    let plan = plan_import(
        &restored,
        &[Incoming::Bundle(parsed)],
        &ts("2025-12-02T00:00:00Z"),
    );
    assert_eq!(plan.counts.identical, plan.items.len());
    assert!(plan.writes(&Resolutions::new()).is_empty());
}

// ---------------------------------------------------------------- project support

fn support_2025(partner: &str, number: &str) -> std::collections::BTreeMap<i32, Support> {
    std::collections::BTreeMap::from([(
        2025,
        Support {
            participant: true,
            partner: Some(Agreement {
                partner_id: partner.into(),
                number: number.into(),
                date: "2025-03-31".into(),
            }),
            note: "сопровождает методическая служба".into(),
        },
    )])
}

#[test]
fn a_collection_carries_the_schools_support() {
    let mut source = Snapshot::default();
    for id in ["s1", "s2"] {
        source
            .schools
            .push(SchoolRecord::new(identity(id), meta(Origin::Local)));
        source.submissions.push(SubmissionRecord {
            row: row(id, 2025, 60.0),
            meta: meta(Origin::Local),
        });
    }
    source.schools[0].support = support_2025("s2", "12");
    let b = collection(&source, &[], &by(Role::Municipality, "УО"), &ts(NOW));
    assert_eq!(
        b.payload["support"]["s1"]["2025"]["partner"]["number"],
        json!("12")
    );
    assert!(
        b.payload["support"].get("s2").is_none(),
        "no support, not sent"
    );
    let Payload::Collection(c) = parse_ok(&b).payload else {
        panic!("kind")
    };
    assert_eq!(c.support.len(), 1);
    assert_eq!(c.support["s1"], source.schools[0].support);

    // Into an empty database: the school record comes with its support.
    let plan = plan_import(&Snapshot::default(), &[bundle_of("c.json", &b)], &ts(NOW));
    let w = plan.writes(&Resolutions::new());
    let s1 = w.schools.iter().find(|s| s.school_id == "s1").unwrap();
    assert_eq!(s1.support, source.schools[0].support);
    // Back into the database it came from: nothing changes.
    let plan = plan_import(&source, &[bundle_of("c.json", &b)], &ts(NOW));
    assert_eq!(plan.counts.identical, plan.counts.total());
    // Other support is other content.
    let mut edited = source.clone();
    edited.schools[0].support = support_2025("s2", "13");
    let plan = plan_import(&edited, &[bundle_of("c.json", &b)], &ts(NOW));
    assert_eq!(
        classes(&plan)[0],
        (school_key("s1"), Class::Conflict),
        "support edited here"
    );

    // A collection written before support existed reads, without it.
    let mut v = serde_json::to_value(&b).unwrap();
    v["payload"].as_object_mut().unwrap().remove("support");
    let text = seal(v).to_string();
    let Payload::Collection(c) = parse_bundle("old.json", text.as_bytes()).unwrap().payload else {
        panic!("kind")
    };
    assert!(c.support.is_empty());
    assert_eq!(c.rows.len(), 2);
}

#[test]
fn a_file_without_support_keeps_the_stored_support() {
    let mut current = db();
    current.schools[0].support = support_2025("s2", "12");
    // A newer school file with a new name and no support.
    let mut school = identity("s1");
    school.school_name = "МБОУ СОШ № 1 им. А. С. Пушкина".into();
    let b = Bundle::from_payload(
        school_by(),
        &ts("2025-09-01T00:00:00Z"),
        &Payload::SchoolSubmission(SchoolSubmission {
            school,
            rows: vec![row("s1", 2025, 70.0)],
            self_assessments: Vec::new(),
            programme: None,
        }),
    );
    let plan = plan_import(&current, &[bundle_of("s1.json", &b)], &ts(NOW));
    assert_eq!(classes(&plan)[0], (school_key("s1"), Class::Updated));
    let w = plan.writes(&Resolutions::new());
    assert_eq!(w.schools[0].school_name, "МБОУ СОШ № 1 им. А. С. Пушкина");
    assert_eq!(w.schools[0].support, current.schools[0].support);
    // The same identity and no support: identical, not an update that drops the support.
    let b = submission_from("2025-09-01T00:00:00Z", vec![row("s1", 2025, 70.0)]);
    let plan = plan_import(&current, &[bundle_of("s1.json", &b)], &ts(NOW));
    assert_eq!(classes(&plan)[0], (school_key("s1"), Class::Identical));
    // A table keeps it too.
    let t = Incoming::rows("t.csv", b"csv", vec![row("s1", 2025, 70.0)]);
    let plan = plan_import(&current, &[t], &ts(NOW));
    assert_eq!(classes(&plan)[0], (school_key("s1"), Class::Identical));
}

#[test]
fn malformed_support_is_named_by_its_place() {
    let b = Bundle::from_payload(
        by(Role::Municipality, "УО"),
        &ts(NOW),
        &Payload::Collection(Collection {
            rows: vec![row("s1", 2025, 60.0)],
            schools: vec![identity("s1")],
            documents: Default::default(),
            support: Default::default(),
        }),
    );
    let mut v = serde_json::to_value(&b).unwrap();
    v["payload"]["support"] = json!({
        "s1": {
            "2024": {"participant": true, "partner": {"partner_id": "s1", "date": "31.03.2025"}},
            "2025": {"participant": "да"},
            "20x5": {},
            "2023": {"participant": true, "partner": {"partner_id": "s2", "number": "5"}}
        },
        "s9": {"2025": {"participant": true}},
        "s1 ": []
    });
    let text = |p: &Place| match p {
        Place::Path(s) => s.clone(),
        other => format!("{other:?}"),
    };
    let mut found = errors("c.json", &seal(v.clone()));
    found.sort_by_key(|(p, _)| text(p));
    let places: Vec<String> = found.iter().map(|(p, _)| text(p)).collect();
    assert_eq!(
        places,
        [
            "payload.support.s1 ",
            "payload.support.s1.2024.partner",
            "payload.support.s1.2024.partner",
            "payload.support.s1.2025",
            "payload.support.s1.20x5",
            "payload.support.s9",
        ],
        "{found:?}"
    );
    let message = |p: &str| {
        found
            .iter()
            .filter(|(x, _)| *x == path(p))
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        message("payload.support.s1 "),
        ["школы «s1 » нет ни в строках, ни в списке школ файла"]
    );
    let partner = message("payload.support.s1.2024.partner");
    assert!(partner[0].contains("сама эта школа"), "{partner:?}");
    assert!(partner[1].starts_with("дата соглашения:"), "{partner:?}");
    assert_eq!(
        message("payload.support.s1.20x5"),
        ["«20x5» не является годом (нужен год от 1990 до 2100)"]
    );
    assert_eq!(
        message("payload.support.s9"),
        ["школы «s9» нет ни в строках, ни в списке школ файла"]
    );
    // Not an object at all.
    v["payload"]["support"] = json!([]);
    assert_eq!(
        errors("c.json", &seal(v)),
        vec![(
            path("payload.support"),
            "ожидался объект: участие в проекте по идентификатору школы".to_string()
        )]
    );
}

#[test]
fn a_table_of_n_schools_over_three_years_counts_schools_and_rows_apart() {
    // 4 schools × 3 years: 4 new schools and 12 new rows, never «новых: 16». One row already
    // stored the same and one stored differently by the user make the classes differ by kind.
    let rows: Vec<Row> = (1..=4)
        .flat_map(|i| (2023..=2025).map(move |y| row(&format!("s{i}"), y, 60.0 + i as f64)))
        .collect();
    let plan = plan_import(
        &Snapshot::default(),
        &[Incoming::rows("школы.csv", b"bytes", rows.clone())],
        &ts(NOW),
    );
    let by = counts_by_kind(&plan.items, None);
    assert_eq!(
        by.iter().map(|(k, c)| (*k, c.new)).collect::<Vec<_>>(),
        vec![(RecordKind::School, 4), (RecordKind::Row, 12)]
    );
    assert_eq!(plan.counts.new, 16, "the total still adds both");
    assert_eq!(
        kinds_summary(&by, false),
        vec![
            "4 школы: новых — 4".to_string(),
            "12 строк данных «школа × год»: новых — 12".to_string()
        ]
    );
    let w = plan.writes(&Resolutions::new());
    assert_eq!(
        w.entry.summary,
        "4 школы: новых — 4; 12 строк данных «школа × год»: новых — 12"
    );

    // The same file again over what it wrote: everything identical, said per kind; 1,132
    // schools are written with the narrow no-break space of every other count.
    let mut snapshot = Snapshot::default();
    snapshot.apply(&w);
    let again = plan_import(
        &snapshot,
        &[Incoming::rows("школы.csv", b"bytes", rows)],
        &ts(NOW),
    );
    assert_eq!(
        kinds_summary(&counts_by_kind(&again.items, None), false),
        vec![
            "4 школы: без изменений — 4".to_string(),
            "12 строк данных «школа × год»: без изменений — 12".to_string()
        ]
    );
    let many = [(
        RecordKind::School,
        ImportCounts {
            new: 1132,
            ..ImportCounts::default()
        },
    )];
    assert_eq!(
        kinds_summary(&many, false),
        vec!["1\u{202f}132 школы: новых — 1\u{202f}132".to_string()]
    );
}
