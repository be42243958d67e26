//! Storage tests in a real browser (headless Chromium via wasm-bindgen-test-runner):
//! `cargo test --target wasm32-unknown-unknown --test web` (see ./run test).
#![cfg(target_arch = "wasm32")]

use shkala::domain::records::{
    ImportCounts, LogAction, LogEntry, Origin, RecordMeta, SchoolIdentity, SchoolRecord, Snapshot,
    SubmissionRecord,
};
use shkala::domain::row::{Row, SchoolType};
use shkala::storage::records::{
    add_log, load_snapshot_from, put_school, put_submission, snapshot_ops, submission_key,
};
use shkala::storage::{stores, Db, Op, DB_VERSION};
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

fn meta() -> RecordMeta {
    RecordMeta {
        modified_at: "2025-11-22T10:00:00.000Z".into(),
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
            "2025-11-22T10:00:00.000Z",
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
async fn corrupt_records_are_reported_with_store_and_key() {
    let name = fresh("corrupt");
    let db = Db::open(&name, DB_VERSION).await.unwrap();
    db.apply(
        &[Op::Put {
            store: stores::SCHOOLS,
            key: "x1".into(),
            value: "{not json".into(),
        }],
        |_, _| {},
    )
    .await
    .unwrap();
    let err = load_snapshot_from(&db)
        .await
        .expect_err("corrupt JSON is an error");
    let text = err.to_string();
    assert!(
        text.contains("«schools»") && text.contains("«x1»"),
        "{text}"
    );
    drop_db(db, &name).await;
}

#[wasm_bindgen_test]
async fn an_import_plan_is_written_in_one_transaction_and_reads_back() {
    use shkala::domain::bundle::{plan_import, Incoming};
    use shkala::storage::records::writes_ops;
    let name = fresh("import");
    let db = Db::open(&name, DB_VERSION).await.unwrap();
    let csv = "school_id;school_name;municipality;school_type;year;oge_rus_mean\na;Школа А;М;basic;2024;3,9\nb;Школа Б;М;basic;2024;4,1\n";
    let (incoming, _) = Incoming::read("a.csv", csv.as_bytes()).expect("valid CSV");
    let plan = plan_import(
        &load_snapshot_from(&db).await.unwrap(),
        &[incoming],
        "2025-11-22T10:00:00.000Z",
    );
    assert_eq!(plan.counts.new, 4, "two schools and two submissions");
    let writes = plan.writes(&plan.resolve_all(shkala::domain::bundle::Resolution::KeepMine));
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
    assert!(
        back.log[0].summary.starts_with("новых: 4"),
        "{}",
        back.log[0].summary
    );
    drop_db(db, &name).await;
}
