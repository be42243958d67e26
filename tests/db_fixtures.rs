//! Database exports of every released schema version, for the upgrade test in the browser
//! (`tests/web.rs`, `every_released_schema_version_upgrades_with_its_records_readable`).
//!
//! Each fixture is `{"version": N, "stores": {store: [[key, stored text], …]}}` with the
//! records in the form that release wrote them:
//! - version 1 (first release): rows in the flat named form, the run with its full result
//!   under `result` and `input_sha256`, no `settings` or `drafts` store;
//! - version 2: rows in the positional form, compact runs with scope, digest and reference
//!   values, a school record with documents and project support, settings and a draft;
//! - version 3: as version 2, with the quick-start copy's store (here a copy of another data
//!   version, which must be ignored).
//!
//! The files are frozen: they stand for what a released version left in users' browsers, so
//! they never change. `UPDATE_FIXTURES=1 cargo test --test db_fixtures` writes only the files
//! that are missing (the export of a new version, built by `fixture` when the schema grows).
//! Natively every stored text is read back with today's readers; the browser test does the
//! same through the real upgrade.

use serde_json::{json, Value};
use shkala::domain::common::time::Timestamp;
use shkala::domain::contract::row::{Row, SchoolType};
use shkala::domain::exchange::quick_copy as quick;
use shkala::domain::exchange::records::{
    stored_submission, ImportCounts, LogAction, LogEntry, Origin, RecordMeta, SchoolIdentity,
    SchoolRecord, SubmissionRecord,
};
use shkala::domain::method::identify::{identify, Params};
use shkala::domain::method::reference::reference_pools;
use shkala::domain::method::run::{without_components, RunRecord, RunScope};
use shkala::domain::support::{Agreement, Support};
use std::path::PathBuf;

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).expect("a timestamp")
}

fn meta() -> RecordMeta {
    RecordMeta {
        modified_at: ts("2025-11-22T10:00:00Z"),
        origin: Origin::Imported {
            file: "школы.csv".into(),
            bundle_sha256: "ab".into(),
            bundle_created_at: ts("2025-11-21T09:00:00Z"),
            organisation: "МОУО".into(),
        },
    }
}

/// Ten secondary schools, one year: enough for a run.
fn rows() -> Vec<Row> {
    (0..10)
        .map(|i| {
            Row::new(
                &format!("S{i}"),
                &format!("Школа № {i}"),
                "Север",
                SchoolType::Secondary,
                2025,
            )
            .with("oge_math_2_pct", 2.0 * i as f64)
            .with("oge_math_5_pct", 3.0 * i as f64)
            .with("deviant_pct", 1.0 + i as f64)
        })
        .collect()
}

fn key(id: &str, year: i32) -> String {
    serde_json::to_string(&(id, year)).expect("a key")
}

fn fixture(version: u32) -> Value {
    let rows = rows();
    let result = identify(&rows, &Params::default()).expect("identifies");
    let schools: Vec<SchoolRecord> = rows
        .iter()
        .map(|r| SchoolRecord::new(SchoolIdentity::of_row(r), meta()))
        .collect();
    let subs: Vec<SubmissionRecord> = rows
        .iter()
        .map(|r| SubmissionRecord {
            row: r.clone(),
            meta: meta(),
        })
        .collect();
    let log = LogEntry::new(
        &ts("2025-11-22T10:00:00Z"),
        LogAction::Import,
        Some("школы.csv".into()),
        None,
        "новых: 10".into(),
        ImportCounts::default(),
    );
    let mut stores = serde_json::Map::new();
    let pair = |k: String, v: String| json!([k, v]);
    match version {
        1 => {
            stores.insert(
                "schools".into(),
                schools
                    .iter()
                    .map(|s| pair(s.school_id.clone(), serde_json::to_string(s).unwrap()))
                    .collect(),
            );
            // The first release stored the flat, named row.
            stores.insert(
                "submissions".into(),
                subs.iter()
                    .map(|s| {
                        pair(
                            key(&s.row.school_id, s.row.year),
                            serde_json::to_string(s).unwrap(),
                        )
                    })
                    .collect(),
            );
            let legacy = json!({
                "id": "run-2025-11-22T10:05:00Z", "created_at": "2025-11-22T10:05:00Z",
                "label": "10 школ, годы 2025", "params": result.params, "input_sha256": "ab",
                "result": result,
            });
            stores.insert(
                "runs".into(),
                Value::Array(vec![pair(
                    "run-2025-11-22T10:05:00Z".into(),
                    legacy.to_string(),
                )]),
            );
            stores.insert(
                "log".into(),
                Value::Array(vec![pair(
                    log.id.clone(),
                    serde_json::to_string(&log).unwrap(),
                )]),
            );
        }
        _ => {
            let mut schools = schools.clone();
            schools[0].support.insert(
                2026,
                Support {
                    participant: true,
                    partner: Some(Agreement {
                        partner_id: "S9".into(),
                        number: "5".into(),
                        date: "2026-02-01".into(),
                    }),
                    note: String::new(),
                },
            );
            stores.insert(
                "schools".into(),
                schools
                    .iter()
                    .map(|s| pair(s.school_id.clone(), serde_json::to_string(s).unwrap()))
                    .collect(),
            );
            stores.insert(
                "submissions".into(),
                subs.iter()
                    .map(|s| {
                        pair(
                            key(&s.row.school_id, s.row.year),
                            stored_submission::to_json(s),
                        )
                    })
                    .collect(),
            );
            let run = RunRecord {
                id: "run-2025-11-22T10:05:00Z".into(),
                created_at: ts("2025-11-22T10:05:00Z"),
                label: "10 школ, годы 2025".into(),
                scope: RunScope::Real,
                input_digest: "cd".into(),
                chance_seed: 1,
                reference: reference_pools(&result, &rows),
                result: without_components(result),
            };
            stores.insert(
                "runs".into(),
                Value::Array(vec![pair(
                    run.id.clone(),
                    serde_json::to_string(&run).unwrap(),
                )]),
            );
            stores.insert(
                "log".into(),
                Value::Array(vec![pair(
                    log.id.clone(),
                    serde_json::to_string(&log).unwrap(),
                )]),
            );
            stores.insert(
                "settings".into(),
                Value::Array(vec![pair(
                    "profile".into(),
                    r#"{"role":"municipality","organisation":"МОУО"}"#.into(),
                )]),
            );
            stores.insert("drafts".into(), Value::Array(vec![pair("report:run-2025-11-22T10:05:00Z:регион".into(), r#"{"key":"report:run-2025-11-22T10:05:00Z:регион","texts":{"S0":"Провести семинар."}}"#.into())]));
            if version >= 3 {
                // Version 3 adds the quick-start copy. This one is of another data version
                // (as after a write whose copy was not saved): it must be ignored.
                // The copy's first format: a tag, the key as JSON, a tab, the stored text.
                let chunk = format!(
                    "s{}\t{}\n",
                    serde_json::to_string(&schools[0].school_id).unwrap(),
                    serde_json::to_string(&schools[0]).unwrap()
                );
                let header = json!({
                    "version": "2025-11-22T09:00:00.000Z-00000000",
                    "chunks": quick::CHUNKS,
                    "schools": 1,
                    "rows": 0,
                });
                stores.insert(
                    "quick".into(),
                    Value::Array(vec![
                        pair(
                            quick::chunk_key(quick::bucket(&schools[0].school_id)),
                            chunk,
                        ),
                        pair(
                            quick::HEADER_KEY.into(),
                            serde_json::to_string(&header).unwrap(),
                        ),
                    ]),
                );
            }
        }
    }
    json!({ "version": version, "stores": stores })
}

#[test]
fn every_frozen_database_export_reads_with_todays_readers() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/db");
    for version in [1u32, 2, 3] {
        let path = dir.join(format!("v{version}.json"));
        if std::env::var_os("UPDATE_FIXTURES").is_some() && !path.exists() {
            let text = serde_json::to_string_pretty(&fixture(version)).expect("json") + "\n";
            std::fs::create_dir_all(&dir).expect("the folder");
            std::fs::write(&path, &text).expect("written");
        }
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_FIXTURES=1 writes it)", path.display()));
        let v: Value = serde_json::from_str(&text).expect("a JSON export");
        assert_eq!(v["version"], version);
        let stores = v["stores"].as_object().expect("stores");
        let mut read = 0;
        for (store, records) in stores {
            for r in records.as_array().expect("records") {
                let (k, t) = (r[0].as_str().expect("key"), r[1].as_str().expect("text"));
                let ok = match store.as_str() {
                    "schools" => serde_json::from_str::<SchoolRecord>(t)
                        .map(|s| s.school_id == k)
                        .is_ok_and(|x| x),
                    "submissions" => stored_submission::from_json(t)
                        .is_ok_and(|s| key(&s.row.school_id, s.row.year) == k),
                    // Runs stored before the contextualised results get them when read.
                    "runs" => serde_json::from_str::<RunRecord>(t).is_ok_and(|r| {
                        r.id == k
                            && r.result.context.fits.iter().any(|f| f.slope.is_some())
                            && r.result
                                .schools
                                .iter()
                                .any(|s| s.years.values().any(|y| y.context_category.is_some()))
                    }),
                    "log" => serde_json::from_str::<LogEntry>(t).is_ok_and(|e| e.id == k),
                    "settings" | "drafts" => serde_json::from_str::<Value>(t).is_ok(),
                    // A copy of the first format reads as one to be refused (and written
                    // again): its header has no format, its chunk's lines are of the old kind.
                    "quick" if k == quick::HEADER_KEY => serde_json::from_str::<quick::Header>(t)
                        .is_ok_and(|h| h.format != quick::FORMAT),
                    "quick" => quick::read_chunk(t).is_err(),
                    other => panic!("v{version}: unknown store {other}"),
                };
                assert!(ok, "v{version}: {store}/{k} does not read");
                read += 1;
            }
        }
        assert!(read >= 22, "v{version}: {read} records");
    }
}
