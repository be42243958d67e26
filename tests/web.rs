//! Storage tests in a real browser (headless Chromium via wasm-bindgen-test-runner):
//! `cargo test --target wasm32-unknown-unknown --test web` (see ./run test).
#![cfg(target_arch = "wasm32")]

use shkala::domain::common::time::Timestamp;
use shkala::domain::contract::row::{Row, SchoolType};
use shkala::domain::exchange::catalog::Overview;
use shkala::domain::exchange::records::{
    ImportCounts, LogAction, LogEntry, Origin, RecordMeta, SchoolIdentity, SchoolRecord,
    SubmissionRecord,
};
use shkala::domain::exchange::snapshot::Snapshot;
use shkala::protocol::{Choice, Request, Response};
use shkala::service::{Job, Service};
use shkala::storage::records::{
    add_log, load, load_snapshot_from, put_school, put_submission, snapshot_ops, submission_key,
};
use shkala::storage::{stores, Db, Op, StorageError, StorageEvent, DB_VERSION};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh database name for each test.
fn fresh(name: &str) -> String {
    format!(
        "shkala-test-{name}-{}",
        (js_sys::Math::random() * 1e12) as u64
    )
}

async fn drop_db(db: Db, name: &str) {
    db.close();
    let _ = indexed_db_futures::database::Database::delete_by_name(name);
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn meta() -> RecordMeta {
    RecordMeta {
        modified_at: ts("2025-11-22T10:00:00.000Z"),
        origin: Origin::Local,
    }
}

fn sample() -> Snapshot {
    let row = Row::new(
        "s1",
        "Школа «Надежда» <b>",
        "г. Приморск",
        SchoolType::Secondary,
        2024,
    )
    .with("ege_rus_mean", 68.25)
    .with("ege_participants", 31.0);
    let row2 = Row::new(
        "s1",
        "Школа «Надежда» <b>",
        "г. Приморск",
        SchoolType::Secondary,
        2025,
    )
    .with("deviant_pct", 0.1);
    Snapshot {
        schools: vec![SchoolRecord::new(SchoolIdentity::of_row(&row2), meta())],
        submissions: vec![
            SubmissionRecord { row, meta: meta() },
            SubmissionRecord {
                row: row2,
                meta: meta(),
            },
        ],
        log: vec![LogEntry::new(
            &ts("2025-11-22T10:00:00.000Z"),
            LogAction::Import,
            Some("a.csv".into()),
            None,
            "новых: 2".into(),
            ImportCounts::default(),
        )],
        ..Snapshot::default()
    }
}

#[wasm_bindgen_test]
async fn a_snapshot_round_trips_through_every_store() {
    let name = fresh("roundtrip");
    let db = Db::open(&name, DB_VERSION).await.expect("opens");
    assert_eq!(db.version(), DB_VERSION);
    let mut names = db.store_names();
    names.sort();
    let mut expected: Vec<String> = stores::ALL.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected);

    let snapshot = sample();
    let mut progress = Vec::new();
    db.apply(&snapshot_ops(&snapshot), |done, total| {
        progress.push((done, total))
    })
    .await
    .expect("writes");
    assert_eq!(progress.last(), Some(&(4, 4)), "progress reaches the total");
    let back = load_snapshot_from(&db).await.expect("reads");
    assert_eq!(back, snapshot);
    // Keys are as documented.
    let raw = db.load(&[stores::SUBMISSIONS]).await.unwrap();
    assert!(raw[stores::SUBMISSIONS].contains_key(&submission_key("s1", 2024)));
    assert_eq!(submission_key("s1", 2024), r#"["s1",2024]"#);
    drop_db(db, &name).await;
}

#[wasm_bindgen_test]
async fn upgrading_from_version_1_keeps_the_data_and_adds_the_new_stores() {
    let name = fresh("upgrade");
    let v1 = Db::open(&name, 1).await.expect("opens at version 1");
    assert_eq!(v1.version(), 1);
    assert!(!v1.store_names().contains(&stores::SETTINGS.to_string()));
    let snapshot = sample();
    v1.apply(&snapshot_ops(&snapshot), |_, _| {})
        .await
        .expect("writes at version 1");
    v1.close();

    let v2 = Db::open(&name, DB_VERSION).await.expect("upgrades");
    assert_eq!(v2.version(), DB_VERSION);
    for s in stores::ALL {
        assert!(
            v2.store_names().contains(&s.to_string()),
            "store {s} exists after the upgrade"
        );
    }
    assert_eq!(
        load_snapshot_from(&v2).await.unwrap(),
        snapshot,
        "data survives the upgrade"
    );
    v2.apply(
        &[Op::Put {
            store: stores::SETTINGS,
            key: "profile".into(),
            value: "{}".into(),
        }],
        |_, _| {},
    )
    .await
    .expect("the new store is usable");
    assert_eq!(
        v2.get_value(stores::SETTINGS, "profile")
            .await
            .unwrap()
            .as_deref(),
        Some("{}")
    );
    drop_db(v2, &name).await;
}

#[wasm_bindgen_test]
async fn a_failed_batch_leaves_nothing_behind() {
    let name = fresh("atomic");
    let db = Db::open(&name, DB_VERSION).await.unwrap();
    let before = sample();
    db.apply(&snapshot_ops(&before), |_, _| {}).await.unwrap();

    // A large import whose last write fails (its log entry collides with an existing one):
    // none of the writes before it may survive.
    let mut ops = Vec::new();
    for i in 0..500 {
        let row = Row::new(&format!("n{i}"), "Новая", "М", SchoolType::Basic, 2025)
            .with("oge_rus_mean", 4.0);
        ops.push(put_school(&SchoolRecord::new(
            SchoolIdentity::of_row(&row),
            meta(),
        )));
        ops.push(put_submission(&SubmissionRecord { row, meta: meta() }));
    }
    ops.push(Op::Clear {
        store: stores::RUNS,
    });
    ops.push(add_log(&before.log[0]));
    let err = db
        .apply(&ops, |_, _| {})
        .await
        .expect_err("the colliding log entry fails the batch");
    assert!(
        err.to_string().starts_with("ошибка хранилища браузера"),
        "{err}"
    );
    assert_eq!(
        load_snapshot_from(&db).await.unwrap(),
        before,
        "the database is as it was"
    );
    drop_db(db, &name).await;
}

#[wasm_bindgen_test]
async fn a_corrupt_record_among_good_ones_is_set_aside_and_the_rest_loads() {
    let name = fresh("corrupt");
    let db = Db::open(&name, DB_VERSION).await.unwrap();
    let good = sample();
    db.apply(&snapshot_ops(&good), |_, _| {}).await.unwrap();
    // Broken JSON, a row that a stricter validation refuses, a key that does not match the
    // record, and a timestamp that is not RFC 3339.
    let bad_row = r#"{"row":{"school_id":"s9","school_name":"Ш","municipality":"Г","school_type":"basic","year":2024,"oge_rus_mean":9},"meta":{"modified_at":"2025-11-22T10:00:00Z","origin":{"source":"local"}}}"#;
    let bad_time = r#"{"school_id":"x2","school_name":"Ш","municipality":"Г","school_type":"basic","meta":{"modified_at":"вчера","origin":{"source":"local"}}}"#;
    let wrong_key = r#"{"school_id":"другой","school_name":"Ш","municipality":"Г","school_type":"basic","meta":{"modified_at":"2025-11-22T10:00:00Z","origin":{"source":"local"}}}"#;
    db.apply(
        &[
            Op::Put {
                store: stores::SCHOOLS,
                key: "x1".into(),
                value: "{not json".into(),
            },
            Op::Put {
                store: stores::SUBMISSIONS,
                key: submission_key("s9", 2024),
                value: bad_row.into(),
            },
            Op::Put {
                store: stores::SCHOOLS,
                key: "x2".into(),
                value: bad_time.into(),
            },
            Op::Put {
                store: stores::SCHOOLS,
                key: "x3".into(),
                value: wrong_key.into(),
            },
        ],
        |_, _| {},
    )
    .await
    .unwrap();
    let loaded = load(&db).await.expect("the database still loads");
    assert_eq!(loaded.snapshot, good, "every good record is read");
    let mut listed: Vec<(String, String)> = loaded
        .set_aside
        .iter()
        .map(|s| (s.unreadable.store.clone(), s.unreadable.key.clone()))
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        vec![
            ("schools".to_string(), "x1".to_string()),
            ("schools".into(), "x2".into()),
            ("schools".into(), "x3".into()),
            ("submissions".into(), submission_key("s9", 2024)),
        ]
    );
    let reason = |key: &str| {
        loaded
            .set_aside
            .iter()
            .find(|s| s.unreadable.key == key)
            .map(|s| s.unreadable.reason.clone())
            .unwrap()
    };
    assert!(
        reason(&submission_key("s9", 2024)).contains("«oge_rus_mean»"),
        "{}",
        reason(&submission_key("s9", 2024))
    );
    assert!(reason("x2").contains("RFC 3339"), "{}", reason("x2"));
    assert!(
        reason("x3").contains("ключ записи не соответствует"),
        "{}",
        reason("x3")
    );
    assert!(
        !loaded.set_aside[0].raw.is_empty(),
        "the raw text is kept for export"
    );

    // The data service works on the rest: a backup is built and reads back.
    let mut service = Service::open(db.clone()).await.unwrap();
    let overview = service.overview();
    assert_eq!(overview.unreadable.len(), 4);
    let by = shkala::domain::exchange::bundle::CreatedBy {
        role: shkala::domain::exchange::bundle::Role::Other,
        organisation: String::new(),
    };
    let (response, file) = service
        .handle(
            Request::Export(shkala::protocol::Export::Backup { by }),
            &job(vec![]),
        )
        .await;
    assert!(matches!(response, Response::File { .. }), "{response:?}");
    let text = file.unwrap().text().unwrap_or_default().to_string();
    let parsed = shkala::domain::exchange::bundle::parse_bundle("backup.json", text.as_bytes())
        .expect("the backup is valid");
    let shkala::domain::exchange::bundle::Payload::Backup(b) = parsed.payload else {
        panic!("kind")
    };
    assert_eq!(b.snapshot.schools, good.schools);
    assert_eq!(b.snapshot.submissions, good.submissions);
    // Deleting the unreadable records leaves the good ones.
    let items = overview
        .unreadable
        .iter()
        .map(|u| (u.store.clone(), u.key.clone()))
        .collect();
    let (response, _) = service
        .handle(Request::DeleteUnreadable { items }, &job(vec![]))
        .await;
    assert!(matches!(response, Response::Changed { .. }), "{response:?}");
    let again = load(&db).await.unwrap();
    assert!(again.set_aside.is_empty());
    assert_eq!(again.snapshot.schools, good.schools);
    drop_db(db, &name).await;
}

/// A job with files and no-one listening.
fn job(files: Vec<(String, Vec<u8>)>) -> Job {
    Job {
        progress: Box::new(|_, _| {}),
        cancel: Rc::new(Cell::new(false)),
        files: files.into_iter().map(|(n, b)| (n, Ok(b))).collect(),
    }
}

/// A CSV of `n` schools × 2 years.
fn region_csv(n: usize, rus: &str) -> Vec<u8> {
    let mut text =
        String::from("school_id;school_name;municipality;school_type;year;oge_rus_mean\n");
    for i in 0..n {
        for y in [2024, 2025] {
            text.push_str(&format!("s{i:05};Школа {i};М{};basic;{y};{rus}\n", i % 7));
        }
    }
    text.into_bytes()
}

async fn preview(service: &mut Service, name: &str, bytes: Vec<u8>) -> u64 {
    let (response, _) = service
        .handle(
            Request::Preview {
                files: vec![name.into()],
                options: Default::default(),
            },
            &job(vec![(name.into(), bytes)]),
        )
        .await;
    match response {
        Response::Preview(v) => v.plan.expect("a plan"),
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
async fn an_import_cancelled_half_way_changes_nothing() {
    let name = fresh("cancel");
    let db = Db::open(&name, DB_VERSION).await.unwrap();
    let before = sample();
    db.apply(&snapshot_ops(&before), |_, _| {}).await.unwrap();
    let mut service = Service::open(db.clone()).await.unwrap();
    // 1,500 schools × 2 years: 4,500 records, written in batches of 2,000.
    let plan = preview(&mut service, "big.csv", region_csv(1500, "3,9")).await;
    let cancel = Rc::new(Cell::new(false));
    let seen = Rc::new(Cell::new(0.0f64));
    let job = {
        let (flag, seen) = (cancel.clone(), seen.clone());
        Job {
            // The user presses «Отменить» once the first batch is written.
            progress: Box::new(move |_, f| {
                if let Some(f) = f {
                    seen.set(f);
                    if f > 0.0 {
                        flag.set(true);
                    }
                }
            }),
            cancel: cancel.clone(),
            files: vec![],
        }
    };
    let (response, _) = service
        .handle(
            Request::ApplyImport {
                plan,
                choice: Choice::default(),
            },
            &job,
        )
        .await;
    assert_eq!(response, Response::Cancelled);
    assert!(
        seen.get() > 0.0 && seen.get() < 1.0,
        "cancelled half way ({})",
        seen.get()
    );
    assert_eq!(
        load_snapshot_from(&db).await.unwrap(),
        before,
        "the database is as it was"
    );
    assert_eq!(
        service.overview(),
        Overview::of(&before, vec![]),
        "and so is the service's copy"
    );
    // The same preview can still be written.
    let (response, _) = service
        .handle(
            Request::ApplyImport {
                plan,
                choice: Choice::default(),
            },
            &self::job(vec![]),
        )
        .await;
    assert!(matches!(response, Response::Changed { .. }), "{response:?}");
    assert_eq!(
        load_snapshot_from(&db).await.unwrap().submissions.len(),
        before.submissions.len() + 3000
    );
    // A storage-level cancel aborts the transaction too.
    let ops: Vec<Op> = (0..3000)
        .map(|i| Op::Put {
            store: stores::SETTINGS,
            key: format!("k{i}"),
            value: "1".into(),
        })
        .collect();
    let calls = Cell::new(0);
    let err = db
        .apply_cancellable(
            &ops,
            |_, _| {},
            || {
                calls.set(calls.get() + 1);
                calls.get() > 1
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err, StorageError::Cancelled);
    assert_eq!(db.get_value(stores::SETTINGS, "k0").await.unwrap(), None);
    drop_db(db, &name).await;
}

#[wasm_bindgen_test]
async fn after_a_write_the_patched_overview_equals_a_fresh_load() {
    let name = fresh("patch");
    let db = Db::open(&name, DB_VERSION).await.unwrap();
    db.apply(&snapshot_ops(&sample()), |_, _| {}).await.unwrap();
    let mut service = Service::open(db.clone()).await.unwrap();
    let mut page = service.overview();
    fn apply(page: &mut Overview, response: Response) {
        match response {
            Response::Changed { change, .. } | Response::File { change, .. } => page.apply(&change),
            other => panic!("{other:?}"),
        }
    }
    // An import that adds schools and changes a stored one, taking the file's version.
    let plan = preview(&mut service, "a.csv", region_csv(30, "4,2")).await;
    apply(
        &mut page,
        service
            .handle(
                Request::ApplyImport {
                    plan,
                    choice: Choice::default(),
                },
                &job(vec![]),
            )
            .await
            .0,
    );
    let plan = preview(&mut service, "b.csv", region_csv(10, "3,1")).await;
    let take = Choice {
        all: Some(shkala::domain::exchange::bundle::Resolution::TakeTheirs),
        each: Default::default(),
    };
    apply(
        &mut page,
        service
            .handle(Request::ApplyImport { plan, choice: take }, &job(vec![]))
            .await
            .0,
    );
    // The demo region, a run, an export (journalled), removing the demo, deleting the run.
    apply(
        &mut page,
        service.handle(Request::LoadDemo, &job(vec![])).await.0,
    );
    apply(
        &mut page,
        service
            .handle(
                Request::Identify {
                    scope: shkala::domain::exchange::records::RunScope::Real,
                    params: Default::default(),
                },
                &job(vec![]),
            )
            .await
            .0,
    );
    apply(
        &mut page,
        service
            .handle(
                Request::Export(shkala::protocol::Export::RowsCsv),
                &job(vec![]),
            )
            .await
            .0,
    );
    apply(
        &mut page,
        service.handle(Request::RemoveDemo, &job(vec![])).await.0,
    );
    let run = page.runs[0].id.clone();
    apply(
        &mut page,
        service
            .handle(Request::DeleteRun { id: run }, &job(vec![]))
            .await
            .0,
    );
    let fresh = Service::open(db.clone()).await.unwrap().overview();
    assert_eq!(page, fresh);
    assert_eq!(
        page.schools.len(),
        31,
        "30 imported and the sample's school; the demo is gone"
    );
    assert!(page.runs.is_empty());
    drop_db(db, &name).await;
}

#[wasm_bindgen_test]
async fn an_import_plan_is_written_in_one_transaction_and_reads_back() {
    use shkala::domain::exchange::bundle::{plan_import, Incoming};
    use shkala::storage::records::writes_ops;
    let name = fresh("import");
    let db = Db::open(&name, DB_VERSION).await.unwrap();
    let csv = "school_id;school_name;municipality;school_type;year;oge_rus_mean\na;Школа А;М;basic;2024;3,9\nb;Школа Б;М;basic;2024;4,1\n";
    let (incoming, _) = Incoming::read("a.csv", csv.as_bytes()).expect("valid CSV");
    let plan = plan_import(
        &load_snapshot_from(&db).await.unwrap(),
        &[incoming],
        &ts("2025-11-22T10:00:00.000Z"),
    );
    assert_eq!(plan.counts.new, 4, "two schools and two submissions");
    let writes =
        plan.writes(&plan.resolve_all(shkala::domain::exchange::bundle::Resolution::KeepMine));
    db.apply(&writes_ops(&writes), |_, _| {}).await.unwrap();
    let back = load_snapshot_from(&db).await.unwrap();
    assert_eq!(back.submissions.len(), 2);
    assert_eq!(
        back.submission("b", 2024)
            .unwrap()
            .row
            .values
            .get_by_id("oge_rus_mean"),
        Some(4.1)
    );
    assert_eq!(back.log.len(), 1);
    assert_eq!(
        back.log[0].summary,
        "2 школы: новых — 2; 2 строки данных «школа × год»: новых — 2"
    );
    drop_db(db, &name).await;
}

#[wasm_bindgen_test]
async fn a_confirmed_school_is_written_with_its_documents_and_read_back() {
    use shkala::domain::exchange::records::SchoolIdentity;
    use shkala::domain::school::self_assessment::{Answer, AnswerValue, SelfAssessment};
    use shkala::domain::workspace::Workspace;
    let name = fresh("school");
    let db = Db::open(&name, DB_VERSION).await.unwrap();
    db.apply(&snapshot_ops(&sample()), |_, _| {}).await.unwrap();
    let mut service = Service::open(db.clone()).await.unwrap();
    let mut page = service.overview();
    let school = SchoolIdentity {
        school_id: "S7".into(),
        school_name: "Школа № 7".into(),
        municipality: "Город".into(),
        school_type: SchoolType::Secondary,
    };
    let mut w = Workspace::new(school.clone(), 2025);
    w.draft.set(2025, "oge_math_2_pct", "12,5");
    w.draft.set(2024, "students_total", "400");
    let mut sa = SelfAssessment::new("S7", 2025);
    sa.answers
        .insert("5.1.01".into(), Answer::new(AnswerValue::Yes));
    w.self_assessments.push(sa);
    let rows = w.draft.rows(&school).unwrap();
    let response = service
        .handle(
            Request::SaveSchool {
                school: school.clone(),
                rows,
                documents: w.documents(),
            },
            &job(vec![]),
        )
        .await
        .0;
    match response {
        Response::Changed { change, message } => {
            assert!(message.contains("Школа № 7"), "{message}");
            page.apply(&change);
        }
        other => panic!("{other:?}"),
    }
    // Read again from the database: the record keeps its documents, the rows are there.
    let back = load_snapshot_from(&db).await.unwrap();
    let record = back.school("S7").expect("stored");
    assert_eq!(record.documents, w.documents());
    assert_eq!(
        back.submission("S7", 2025)
            .unwrap()
            .row
            .values
            .get_by_id("oge_math_2_pct"),
        Some(12.5)
    );
    assert_eq!(Service::open(db.clone()).await.unwrap().overview(), page);
    // A draft with a row of another school is refused whole.
    let mut bad = w.draft.rows(&school).unwrap();
    bad[0].school_id = "other".into();
    let response = service
        .handle(
            Request::SaveSchool {
                school,
                rows: bad,
                documents: w.documents(),
            },
            &job(vec![]),
        )
        .await
        .0;
    assert!(
        matches!(&response, Response::Failed { message } if message.contains("относится к школе «other»")),
        "{response:?}"
    );
    drop_db(db, &name).await;
}

#[wasm_bindgen_test]
async fn support_decisions_and_a_renamed_run_are_written_read_back_and_patched() {
    use shkala::domain::support::{Agreement, Support};
    let name = fresh("support");
    let db = Db::open(&name, DB_VERSION).await.unwrap();
    db.apply(&snapshot_ops(&sample()), |_, _| {}).await.unwrap();
    let mut service = Service::open(db.clone()).await.unwrap();
    let mut page = service.overview();
    fn apply(page: &mut Overview, response: Response) {
        match response {
            Response::Changed { change, .. } => page.apply(&change),
            other => panic!("{other:?}"),
        }
    }
    apply(
        &mut page,
        service.handle(Request::LoadDemo, &job(vec![])).await.0,
    );
    apply(
        &mut page,
        service
            .handle(
                Request::Identify {
                    scope: shkala::domain::exchange::records::RunScope::All,
                    params: Default::default(),
                },
                &job(vec![]),
            )
            .await
            .0,
    );
    let partner = page
        .schools
        .iter()
        .find(|s| s.school_id != "s1")
        .unwrap()
        .school_id
        .clone();
    let support = Support {
        participant: true,
        partner: Some(Agreement {
            partner_id: partner.clone(),
            number: "5".into(),
            date: "2026-02-01".into(),
        }),
        note: String::new(),
    };
    apply(
        &mut page,
        service
            .handle(
                Request::SetSupport {
                    year: 2026,
                    changes: vec![("s1".into(), support.clone())],
                },
                &job(vec![]),
            )
            .await
            .0,
    );
    let run = page.runs[0].id.clone();
    apply(
        &mut page,
        service
            .handle(
                Request::RenameRun {
                    id: run.clone(),
                    label: "  Основной расчёт  ".into(),
                },
                &job(vec![]),
            )
            .await
            .0,
    );
    // A partner that is the school itself is refused, nothing written.
    let bad = Support {
        partner: Some(Agreement {
            partner_id: "s1".into(),
            ..Agreement::default()
        }),
        ..support.clone()
    };
    match service
        .handle(
            Request::SetSupport {
                year: 2026,
                changes: vec![("s1".into(), bad)],
            },
            &job(vec![]),
        )
        .await
        .0
    {
        Response::Failed { message } => assert!(message.contains("сама эта школа"), "{message}"),
        other => panic!("{other:?}"),
    }
    // Read again: the support and the name are stored; the patched page equals a fresh one.
    let back = load_snapshot_from(&db).await.unwrap();
    assert_eq!(
        back.school("s1").unwrap().support.get(&2026),
        Some(&support)
    );
    assert_eq!(back.runs[0].label, "Основной расчёт");
    assert_eq!(Service::open(db.clone()).await.unwrap().overview(), page);
    assert_eq!(
        page.school("s1").unwrap().support.get(&2026),
        Some(&support)
    );
    // The school's history has the run; the documents list is empty (nobody sent any).
    match service
        .handle(
            Request::SchoolHistory {
                school_id: "s1".into(),
            },
            &job(vec![]),
        )
        .await
        .0
    {
        Response::History(h) => {
            assert_eq!(h.len(), 1);
            assert_eq!(h[0].run_label, "Основной расчёт");
        }
        other => panic!("{other:?}"),
    }
    match service
        .handle(Request::Documents { municipality: None }, &job(vec![]))
        .await
        .0
    {
        Response::Documents(d) => assert!(d.is_empty()),
        other => panic!("{other:?}"),
    }
    drop_db(db, &name).await;
}

#[wasm_bindgen_test]
async fn every_released_schema_version_upgrades_with_its_records_readable() {
    use shkala::storage::records::load;
    for (version, text) in [
        (1u32, include_str!("fixtures/db/v1.json")),
        (2u32, include_str!("fixtures/db/v2.json")),
        (3u32, include_str!("fixtures/db/v3.json")),
    ] {
        let name = fresh(&format!("export-v{version}"));
        let export: serde_json::Value = serde_json::from_str(text).unwrap();
        let old = Db::open(&name, version)
            .await
            .expect("opens at the old version");
        let mut ops = Vec::new();
        let mut count = 0;
        for (store, records) in export["stores"].as_object().unwrap() {
            let store = stores::known(store).expect("a known store");
            for r in records.as_array().unwrap() {
                ops.push(Op::Put {
                    store,
                    key: r[0].as_str().unwrap().to_string(),
                    value: r[1].as_str().unwrap().to_string(),
                });
                if stores::DATA.contains(&store) {
                    count += 1;
                }
            }
        }
        old.apply(&ops, |_, _| {})
            .await
            .expect("the old records are written");
        old.close();
        let db = Db::open(&name, DB_VERSION).await.expect("upgrades");
        for s in stores::ALL {
            assert!(
                db.store_names().contains(&s.to_string()),
                "v{version}: store {s}"
            );
        }
        let loaded = load(&db).await.unwrap();
        assert!(
            loaded.set_aside.is_empty(),
            "v{version}: every record reads"
        );
        let s = &loaded.snapshot;
        assert_eq!(
            s.schools.len() + s.submissions.len() + s.runs.len() + s.log.len(),
            count,
            "v{version}: all records"
        );
        assert_eq!(s.runs.len(), 1);
        assert_eq!(
            s.submission("S3", 2025)
                .unwrap()
                .row
                .values
                .get_by_id("oge_math_2_pct"),
            Some(6.0)
        );
        if version >= 2 {
            assert!(s.school("S0").unwrap().support.contains_key(&2026));
            assert!(db
                .get_value(stores::DRAFTS, "report:run-2025-11-22T10:05:00Z:регион")
                .await
                .unwrap()
                .is_some());
        }
        // The service opens it and gives the page its overview.
        let service = Service::open(db.clone()).await.unwrap();
        assert_eq!(service.overview().schools.len(), 10);
        drop_db(db, &name).await;
    }
}

/// The [`StorageEvent`]s heard by this test page, in order.
fn hear_storage_events() -> Rc<std::cell::RefCell<Vec<StorageEvent>>> {
    let heard = Rc::new(std::cell::RefCell::new(Vec::new()));
    let h = heard.clone();
    shkala::storage::on_event(move |e| h.borrow_mut().push(e));
    heard
}

#[wasm_bindgen_test]
async fn a_newer_version_opened_elsewhere_closes_both_old_connections_at_once() {
    let name = fresh("versionchange");
    let heard = hear_storage_events();
    // The page and the worker each hold a connection at the current version.
    let page = Db::open(&name, DB_VERSION).await.unwrap();
    let worker = Db::open(&name, DB_VERSION).await.unwrap();
    page.apply(&snapshot_ops(&sample()), |_, _| {})
        .await
        .unwrap();
    // A new tab of the next version opens: without the `versionchange` handlers it would
    // wait for ever (blocked); with them both old connections give way.
    let next = name.clone();
    let newer = within_5_s(async move { Db::open(&next, DB_VERSION + 1).await })
        .await
        .expect("the newer version opens within 5 s")
        .unwrap();
    assert_eq!(newer.version(), DB_VERSION + 1);
    assert_eq!(
        heard
            .borrow()
            .iter()
            .filter(|e| **e == StorageEvent::Superseded)
            .count(),
        2,
        "each old connection hears that it was superseded: {:?}",
        heard.borrow()
    );
    // The old connections are closed: a write through them fails, it does not hang.
    assert!(worker
        .apply(&snapshot_ops(&sample()), |_, _| {})
        .await
        .is_err());
    drop(page);
    drop_db(newer, &name).await;
}

#[wasm_bindgen_test]
async fn an_open_held_up_by_an_older_connection_is_explained_and_then_goes_ahead() {
    let name = fresh("blocked");
    let heard = hear_storage_events();
    // An old tab's connection that does not give way (as a build without the handler).
    let old = indexed_db_futures::database::Database::open(name.as_str())
        .with_version(1u32)
        .await
        .unwrap();
    let (tx, rx) = futures_channel::oneshot::channel();
    let opening_name = name.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = tx.send(Db::open(&opening_name, DB_VERSION).await);
    });
    // Let the open start and be blocked, then close the old connection.
    for _ in 0..250 {
        if heard.borrow().contains(&StorageEvent::Blocked) {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    assert!(
        heard.borrow().contains(&StorageEvent::Blocked),
        "the page hears that the open waits"
    );
    old.close();
    let db = within_5_s(async { rx.await.expect("the open answers") })
        .await
        .expect("the open goes ahead once the old connection closed");
    let db = db.unwrap();
    assert_eq!(db.version(), DB_VERSION);
    assert_eq!(heard.borrow().last(), Some(&StorageEvent::Opened));
    drop_db(db, &name).await;
}

#[wasm_bindgen_test]
async fn a_file_the_browser_could_not_read_is_named_in_the_preview() {
    let name = fresh("unread");
    let db = Db::open(&name, DB_VERSION).await.unwrap();
    let (mut service, _) = Service::start(db.clone()).await.unwrap();
    service.complete().await.unwrap();
    let job = Job {
        progress: Box::new(|_, _| {}),
        cancel: Rc::new(Cell::new(false)),
        files: vec![
            ("первый.csv".into(), Err("NotReadableError".into())),
            ("второй.csv".into(), Ok(region_csv(3, "4,1"))),
        ],
    };
    let (response, _) = service
        .handle(
            Request::Preview {
                files: vec!["первый.csv".into(), "второй.csv".into()],
                options: Default::default(),
            },
            &job,
        )
        .await;
    let Response::Preview(view) = response else {
        panic!("{response:?}")
    };
    assert_eq!(view.refused, 1);
    let errors: Vec<_> = view
        .problems
        .groups
        .iter()
        .filter(|p| p.severity == shkala::domain::contract::problem::Severity::Error)
        .collect();
    let named: Vec<&str> = errors.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        named,
        ["первый.csv"],
        "the unreadable file and only it is blamed"
    );
    assert!(errors[0].message.contains("не удалось прочитать"));
    assert!(errors[0].message.contains("NotReadableError"));
    drop(service);
    drop_db(db, &name).await;
}

/// `f`'s output if it comes within 5 s, `None` otherwise (a hung open fails the test instead
/// of hanging the run).
async fn within_5_s<T: 'static>(f: impl std::future::Future<Output = T> + 'static) -> Option<T> {
    let (tx, mut rx) = futures_channel::oneshot::channel();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = tx.send(f.await);
    });
    for _ in 0..250 {
        if let Ok(Some(v)) = rx.try_recv() {
            return Some(v);
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    None
}

/// The data version named by the quick-start copy's header.
async fn quick_header_version(db: &Db) -> String {
    let text = db
        .get_value(stores::QUICK, "header")
        .await
        .unwrap()
        .unwrap();
    serde_json::from_str::<shkala::domain::exchange::quick_copy::Header>(&text)
        .unwrap()
        .version
}

#[wasm_bindgen_test]
async fn the_quick_copy_reads_as_the_records_read_and_is_not_trusted_when_they_differ() {
    use shkala::storage::records::{load_quick, load_quick_with};
    let name = fresh("quick");
    let db = Db::open(&name, DB_VERSION).await.unwrap();
    db.apply(&snapshot_ops(&sample()), |_, _| {}).await.unwrap();
    let mut service = Service::open(db.clone()).await.unwrap();
    // Nothing copied yet: the records are read — exactly as `load` reads them.
    let (read, _, from_copy) = load_quick(&db).await.unwrap();
    assert!(!from_copy);
    assert_eq!(read, load(&db).await.unwrap());
    // No run stored: the runs are still handed over, once, as none.
    let mut told = Vec::new();
    load_quick_with(&db, &mut |runs| told.push(runs.len()))
        .await
        .unwrap();
    assert_eq!(told, vec![0]);
    // An import of 300 schools (every chunk), then the copy is written after the answer.
    let plan = preview(&mut service, "a.csv", region_csv(300, "4,2")).await;
    let (response, _) = service
        .handle(
            Request::ApplyImport {
                plan,
                choice: Choice::default(),
            },
            &job(vec![]),
        )
        .await;
    assert!(matches!(response, Response::Changed { .. }), "{response:?}");
    service.flush_cache().await;
    let (quick, version, from_copy) = load_quick(&db).await.unwrap();
    assert!(from_copy, "the copy is used");
    let full = load(&db).await.unwrap();
    assert_eq!(
        quick.snapshot, full.snapshot,
        "the same records, in the same order"
    );
    assert_eq!(
        version,
        db.get_value(stores::SETTINGS, "data_version")
            .await
            .unwrap()
            .and_then(|t| serde_json::from_str::<String>(&t).ok())
    );
    // A write that changes ten schools rewrites their chunks; the copy still reads as the
    // records do.
    let plan = preview(&mut service, "b.csv", region_csv(10, "3,1")).await;
    let take = Choice {
        all: Some(shkala::domain::exchange::bundle::Resolution::TakeTheirs),
        each: Default::default(),
    };
    service
        .handle(Request::ApplyImport { plan, choice: take }, &job(vec![]))
        .await;
    service.flush_cache().await;
    let (quick, _, from_copy) = load_quick(&db).await.unwrap();
    assert!(from_copy);
    assert_eq!(quick.snapshot, load(&db).await.unwrap().snapshot);
    assert_eq!(quick.snapshot.schools.len(), 301);
    // A write that renews the data version without touching a school or row (a stored run)
    // rewrites the copy's header: the next start still reads the copy (before, the header kept
    // the old version and every start after a run read all the records).
    let (response, _) = service
        .handle(
            Request::Identify {
                scope: shkala::domain::exchange::records::RunScope::Real,
                params: Default::default(),
            },
            &job(vec![]),
        )
        .await;
    assert!(matches!(response, Response::Changed { .. }), "{response:?}");
    assert_ne!(
        Some(quick_header_version(&db).await),
        db.get_value(stores::SETTINGS, "data_version")
            .await
            .unwrap()
            .and_then(|t| serde_json::from_str::<String>(&t).ok()),
        "the run renewed the data version"
    );
    service.flush_cache().await;
    let (quick, _, from_copy) = load_quick(&db).await.unwrap();
    assert!(from_copy, "the copy is still used after a run");
    assert_eq!(quick.snapshot, load(&db).await.unwrap().snapshot);
    // The runs are handed over once, as soon as they are read (the data service answers a
    // run the page asked for there): the run stored, as it is read in the end.
    let ids = |runs: &[shkala::domain::exchange::records::RunRecord]| -> Vec<String> {
        runs.iter().map(|r| r.id.clone()).collect()
    };
    let mut told = Vec::new();
    let (quick, _, _) = load_quick_with(&db, &mut |runs| {
        told.push((ids(runs), runs.to_vec()));
    })
    .await
    .unwrap();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].0, ids(&quick.snapshot.runs));
    assert_eq!(told[0].0.len(), 1);
    assert_eq!(told[0].1, quick.snapshot.runs);
    // The run's input digest (taken from the digests the service keeps per data version, not
    // from a copy of the rows) is the digest of the rows it used.
    let stored = load(&db).await.unwrap().snapshot;
    let run = stored.runs.last().expect("the run is stored");
    assert_eq!(
        run.input_digest,
        shkala::domain::contract::digest::RowsDigest::of(&stored.rows_in(run.scope)).hex()
    );
    // A copy of the first format (its header has no format) is not read, even of the stored
    // version and counts: the records are read, and the copy is written again.
    let header = db
        .get_value(stores::QUICK, "header")
        .await
        .unwrap()
        .unwrap();
    let mut old: serde_json::Value = serde_json::from_str(&header).unwrap();
    old.as_object_mut().unwrap().remove("format");
    db.apply(
        &[Op::Put {
            store: stores::QUICK,
            key: "header".into(),
            value: old.to_string(),
        }],
        |_, _| {},
    )
    .await
    .unwrap();
    let (refused, _, from_copy) = load_quick(&db).await.unwrap();
    assert!(!from_copy, "a copy of the first format is refused");
    assert_eq!(refused.snapshot, quick.snapshot);
    db.apply(
        &[Op::Put {
            store: stores::QUICK,
            key: "header".into(),
            value: header,
        }],
        |_, _| {},
    )
    .await
    .unwrap();
    // Unreadable small records beside a copy that is still taken are listed as `load` lists
    // them, by store (the assessment before the run, though the runs are read first).
    let broken_small = [
        (stores::RUNS, "run-нечитаемый"),
        (stores::ASSESSMENTS, "нечитаемая-оценка"),
    ];
    db.apply(
        &broken_small
            .iter()
            .map(|(store, key)| Op::Put {
                store,
                key: key.to_string(),
                value: "{".into(),
            })
            .collect::<Vec<_>>(),
        |_, _| {},
    )
    .await
    .unwrap();
    let (quick, _, from_copy) = load_quick(&db).await.unwrap();
    assert!(from_copy, "the schools and rows are as the copy says");
    let stores_listed: Vec<&str> = quick
        .set_aside
        .iter()
        .map(|s| s.unreadable.store.as_str())
        .collect();
    assert_eq!(stores_listed, [stores::ASSESSMENTS, stores::RUNS]);
    assert_eq!(quick.set_aside, load(&db).await.unwrap().set_aside);
    db.apply(
        &broken_small
            .iter()
            .map(|(store, key)| Op::Delete {
                store,
                key: key.to_string(),
            })
            .collect::<Vec<_>>(),
        |_, _| {},
    )
    .await
    .unwrap();
    // A record written behind the service's back (the version unchanged): the counts differ,
    // the copy is not trusted, and the record is seen — here set aside as unreadable.
    db.apply(
        &[
            Op::Put {
                store: stores::SCHOOLS,
                key: "сломанная".into(),
                value: "{\"school_id\": \"сломанная\", \"school_name\": ".into(),
            },
            Op::Put {
                // Read before the schools by `load_quick` (with the small stores), listed after
                // them as `load` lists it.
                store: stores::RUNS,
                key: "run-сломанный".into(),
                value: "{".into(),
            },
        ],
        |_, _| {},
    )
    .await
    .unwrap();
    let (quick, _, from_copy) = load_quick(&db).await.unwrap();
    assert!(!from_copy);
    assert_eq!(quick.set_aside.len(), 2);
    assert_eq!(quick.set_aside[0].unreadable.store, stores::SCHOOLS);
    assert_eq!(quick, load(&db).await.unwrap());
    // While a school is unreadable there is no copy (it would hide it).
    let mut service = Service::open(db.clone()).await.unwrap();
    service.flush_cache().await;
    assert_eq!(db.get_value(stores::QUICK, "header").await.unwrap(), None);
    drop(service);
    drop_db(db, &name).await;
}

#[wasm_bindgen_test]
async fn an_export_hands_over_its_file_and_journals_it_without_renewing_the_data_version() {
    let name = fresh("export-journal");
    let db = Db::open(&name, DB_VERSION).await.unwrap();
    db.apply(&snapshot_ops(&sample()), |_, _| {}).await.unwrap();
    let mut service = Service::open(db.clone()).await.unwrap();
    // A write first, so that a data version is stored.
    service.handle(Request::LoadDemo, &job(vec![])).await;
    let version = || async {
        db.get_value(stores::SETTINGS, "data_version")
            .await
            .unwrap()
    };
    let before = version().await;
    assert!(before.is_some());
    let logged = load(&db).await.unwrap().snapshot.log.len();
    let (response, file) = service
        .handle(
            Request::Export(shkala::protocol::Export::RowsCsv),
            &job(vec![]),
        )
        .await;
    let Response::File { change, .. } = response else {
        panic!("{response:?}")
    };
    assert!(file.is_some(), "the file is handed over");
    assert_eq!(change.log.len(), 1, "the page hears of the journal entry");
    assert_eq!(
        version().await,
        before,
        "other tabs have nothing to read again"
    );
    assert_eq!(load(&db).await.unwrap().snapshot.log.len(), logged + 1);
    drop(service);
    drop_db(db, &name).await;
}
