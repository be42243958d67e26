//! Parse + identify on a generated region of 45,000 schools × 3 years; the robustness of the
//! lists on 1,500 schools; the chance replicates on 1,500 and 45,000 schools.
//!
//! Run with `cargo bench --bench identify`. The budget for `identify` alone is 100 ms native on
//! one core; measured figures are in the README's performance section.

use shkala::domain::contract::row::Row;
use shkala::domain::demo::{region, DemoSpec};
use shkala::domain::method::identify::{identify, Params};
use std::sync::OnceLock;

fn main() {
    divan::main();
}

fn spec() -> DemoSpec {
    DemoSpec {
        schools: 45_000,
        municipalities: 80,
        years: vec![2023, 2024, 2025],
        seed: 7,
    }
}

fn rows() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| region(&spec()))
}

fn csv() -> &'static str {
    static CSV: OnceLock<String> = OnceLock::new();
    CSV.get_or_init(|| shkala::domain::tables::table::rows_csv(rows()))
}

/// The demonstration region's rows as an Excel workbook (sheet «Данные», the contract's ids
/// as the header), checked once to read back to the same rows.
fn workbook() -> &'static [u8] {
    static BOOK: OnceLock<Vec<u8>> = OnceLock::new();
    BOOK.get_or_init(|| {
        let table = shkala::domain::tables::table::rows_table(rows());
        let bytes = shkala::domain::tables::xlsx_write::workbook(&[
            shkala::domain::tables::xlsx_write::Sheet {
                name: "Данные",
                table: &table,
            },
        ])
        .expect("the workbook is built");
        let back = shkala::domain::input::parse_file("region.xlsx", &bytes);
        assert!(
            back.rows == rows(),
            "the workbook reads back to the same rows"
        );
        bytes
    })
}

/// Reading the 135,000-row workbook into validated rows (the importer's XLSX path).
#[divan::bench(sample_count = 5)]
fn parse_xlsx_135k_rows() -> shkala::domain::input::Parsed {
    shkala::domain::input::parse_file("region.xlsx", divan::black_box(workbook()))
}

/// The method alone, on rows already in memory. The result is returned, so divan drops it
/// after the sample (freeing memory is not identification work).
#[divan::bench(sample_count = 20)]
fn identify_45k_schools() -> shkala::domain::method::identify::Identification {
    identify(divan::black_box(rows()), &Params::default()).unwrap()
}

/// Reading the 135,000-row CSV (about 18 MB) into validated rows.
#[divan::bench(sample_count = 10)]
fn parse_csv_135k_rows() -> shkala::domain::input::Parsed {
    let p = shkala::domain::input::parse_csv("region.csv", divan::black_box(csv().as_bytes()));
    assert!(p.problems.iter().all(|p| !p.is_error()));
    p
}

/// Both, as the CLI does.
#[divan::bench(sample_count = 10)]
fn parse_and_identify() -> (shkala::domain::input::Parsed, usize) {
    let p = shkala::domain::input::parse_csv("region.csv", divan::black_box(csv().as_bytes()));
    let n = identify(&p.rows, &Params::default()).unwrap().schools.len();
    (p, n)
}

/// The seminar-to-large region for the robustness of the lists: 1,500 schools × 3 years.
fn rows_1500() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| {
        region(&DemoSpec {
            schools: 1_500,
            municipalities: 20,
            years: vec![2023, 2024, 2025],
            seed: 7,
        })
    })
}

/// One identification of 1,500 schools, for comparison with the robustness below.
#[divan::bench(sample_count = 50)]
fn identify_1500_schools() -> shkala::domain::method::identify::Identification {
    identify(divan::black_box(rows_1500()), &Params::default()).unwrap()
}

/// The robustness of the lists at 1,500 schools: the base and five alternatives (no official
/// means, so that alternative is not run); the budget is well under a second in the browser.
#[divan::bench(sample_count = 50)]
fn robustness_1500_schools() -> shkala::domain::method::identify::robustness::Robustness {
    shkala::domain::method::identify::robustness::robustness(
        divan::black_box(rows_1500()),
        &Params::default(),
    )
    .unwrap()
}

/// The same with official means given, so that all six alternatives run.
#[divan::bench(sample_count = 50)]
fn robustness_1500_schools_official_means(
) -> shkala::domain::method::identify::robustness::Robustness {
    let mut p = Params::default();
    p.regional_means.insert(
        "2025".into(),
        [("oge_math_mean".to_string(), 3.9)].into_iter().collect(),
    );
    shkala::domain::method::identify::robustness::robustness(divan::black_box(rows_1500()), &p)
        .unwrap()
}

/// The chance replicates at 1,500 schools: 200 replicates (the default), spread over the
/// cores natively; the browser's worker runs them one after another (README, «Performance»).
#[divan::bench(sample_count = 10)]
fn chance_1500_schools_200_replicates() -> shkala::domain::method::identify::chance::Chance {
    use shkala::domain::method::identify::chance::{chance, ChanceOptions};
    chance(
        divan::black_box(rows_1500()),
        &Params::default(),
        &ChanceOptions::default(),
        &mut |_, _| {},
        &|| false,
    )
    .unwrap()
}

/// The chance replicates at national scale: 45,000 schools, 200 replicates.
#[divan::bench(sample_count = 1)]
fn chance_45k_schools_200_replicates() -> shkala::domain::method::identify::chance::Chance {
    use shkala::domain::method::identify::chance::{chance, ChanceOptions};
    chance(
        divan::black_box(rows()),
        &Params::default(),
        &ChanceOptions::default(),
        &mut |_, _| {},
        &|| false,
    )
    .unwrap()
}

/// The records as the browser's database keeps them (JSON text, an import's metadata).
fn stored() -> &'static [String] {
    use shkala::domain::common::time::Timestamp;
    use shkala::domain::exchange::records::{Origin, RecordMeta, SubmissionRecord};
    static STORED: OnceLock<Vec<String>> = OnceLock::new();
    STORED.get_or_init(|| {
        let at = Timestamp::parse("2025-11-22T10:00:00.000Z").unwrap();
        let meta = RecordMeta {
            modified_at: at.clone(),
            origin: Origin::Imported {
                file: "region.csv".into(),
                bundle_sha256: "ab".repeat(32),
                bundle_created_at: at,
                organisation: String::new(),
            },
        };
        rows()
            .iter()
            .map(|r| {
                shkala::domain::exchange::records::stored_submission::to_json(&SubmissionRecord {
                    row: r.clone(),
                    meta: meta.clone(),
                })
            })
            .collect()
    })
}

/// Reading 135,000 stored submissions back (what the data service does at start).
#[divan::bench(sample_count = 10)]
fn load_135k_stored_rows() -> Vec<shkala::domain::exchange::records::SubmissionRecord> {
    stored()
        .iter()
        .map(|t| shkala::domain::exchange::records::stored_submission::from_json(t).unwrap())
        .collect()
}

/// The quick-start copy of 45,000 schools and 135,000 rows (an import's metadata), as the
/// data service writes it: 16 chunks.
fn quick_chunks() -> &'static [String] {
    use shkala::domain::exchange::quick_copy::{bucket, ChunkWriter, CHUNKS};
    use shkala::domain::exchange::records::{SchoolIdentity, SchoolRecord};
    static CHUNKS_TEXT: OnceLock<Vec<String>> = OnceLock::new();
    CHUNKS_TEXT.get_or_init(|| {
        let records: Vec<_> = stored()
            .iter()
            .map(|t| shkala::domain::exchange::records::stored_submission::from_json(t).unwrap())
            .collect();
        let mut chunks: Vec<ChunkWriter> = (0..CHUNKS).map(|_| ChunkWriter::default()).collect();
        for r in records.iter().filter(|r| r.row.year == 2025) {
            let school = SchoolRecord::new(SchoolIdentity::of_row(&r.row), r.meta.clone());
            chunks[bucket(&school.school_id)].school(&school);
        }
        for r in &records {
            chunks[bucket(&r.row.school_id)].row(r);
        }
        chunks.into_iter().map(ChunkWriter::finish).collect()
    })
}

/// Writing the quick-start copy of 45,000 schools and 135,000 rows, all of one import's
/// metadata (what the data service does after a national import or a full read).
#[divan::bench(sample_count = 10)]
fn write_quick_copy_45k_schools(bencher: divan::Bencher) {
    use shkala::domain::exchange::quick_copy::{bucket, ChunkWriter, CHUNKS};
    use shkala::domain::exchange::records::{SchoolIdentity, SchoolRecord};
    let records: Vec<_> = stored()
        .iter()
        .map(|t| shkala::domain::exchange::records::stored_submission::from_json(t).unwrap())
        .collect();
    let schools: Vec<SchoolRecord> = records
        .iter()
        .filter(|r| r.row.year == 2025)
        .map(|r| SchoolRecord::new(SchoolIdentity::of_row(&r.row), r.meta.clone()))
        .collect();
    bencher.bench(|| {
        let mut chunks: Vec<ChunkWriter> = (0..CHUNKS).map(|_| ChunkWriter::default()).collect();
        for s in &schools {
            chunks[bucket(&s.school_id)].school(s);
        }
        for r in &records {
            chunks[bucket(&r.row.school_id)].row(r);
        }
        chunks.into_iter().map(|c| c.finish().len()).sum::<usize>()
    });
}

/// Reading the quick-start copy back (what the data service does at start, then sorts).
#[divan::bench(sample_count = 10)]
fn read_quick_copy_45k_schools() -> usize {
    quick_chunks()
        .iter()
        .map(|c| {
            let r = shkala::domain::exchange::quick_copy::read_chunk(c).unwrap();
            r.schools.len() + r.rows.len()
        })
        .sum()
}

/// The input digest of 135,000 rows (the stale-result check).
#[divan::bench(sample_count = 10)]
fn digest_135k_rows() -> String {
    shkala::domain::contract::digest::RowsDigest::of(divan::black_box(rows())).hex()
}

fn result_45k() -> &'static shkala::domain::method::identify::Identification {
    static R: OnceLock<shkala::domain::method::identify::Identification> = OnceLock::new();
    R.get_or_init(|| {
        shkala::domain::method::identify::identify(
            rows(),
            &shkala::domain::method::identify::Params::default(),
        )
        .expect("the demo region identifies")
    })
}

/// The contextualised results of a national run (recomputed whenever a stored run is read).
#[divan::bench(sample_count = 10)]
fn contextualise_45k_schools() -> shkala::domain::method::identify::context::Contextualised {
    shkala::domain::method::identify::context::contextualise(result_45k())
}

/// A national run read back from its stored JSON (what the page does to show a run).
#[divan::bench(sample_count = 10)]
fn read_stored_run_45k_schools(b: divan::Bencher) {
    let record = shkala::domain::exchange::records::RunRecord {
        id: "run".into(),
        created_at: shkala::domain::common::time::Timestamp::parse("2026-01-01T00:00:00Z")
            .expect("a timestamp"),
        label: "run".into(),
        scope: shkala::domain::exchange::records::RunScope::All,
        input_digest: String::new(),
        chance_seed: 1,
        reference: Vec::new(),
        result: shkala::domain::method::run::without_components(result_45k().clone()),
    };
    let json = serde_json::to_string(&record).expect("a run serialises");
    b.bench(|| {
        serde_json::from_str::<shkala::domain::exchange::records::RunRecord>(&json).expect("reads")
    });
}
