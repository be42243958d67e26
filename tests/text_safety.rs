//! Nothing a user's file or the database holds may panic the app: every formatter and parser
//! that sees user data is run here on arbitrary text and values. And numbers written to CSV
//! read back exactly.

use proptest::prelude::*;
use shkala::domain::common::canonical::parse_json;
use shkala::domain::common::format;
use shkala::domain::common::format::shortest_decimal_comma;
use shkala::domain::common::time::Timestamp;
use shkala::domain::contract::row::{Row, SchoolType};
use shkala::domain::contract::schema::{schema, Kind};
use shkala::domain::exchange::bundle::{
    parse_bundle, suggested_file_name, Bundle, CreatedBy, Payload, Role, SchoolSubmission,
};
use shkala::domain::exchange::records::SchoolIdentity;
use shkala::domain::input::{parse_csv, parse_file, parse_number};
use shkala::domain::tables::table::rows_csv;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn formatters_take_any_value(v in any::<f64>(), digits in 0usize..40, n in any::<usize>(), text in "\\PC{0,40}", max in 0usize..50) {
        let _ = format::num(Some(v), digits);
        let _ = format::pct(v);
        let _ = format::human_bytes(v);
        let _ = format::count(n, "школа", "школы", "школ");
        let cut = format::ellipsis(&text, max);
        prop_assert!(cut.chars().count() <= max + 1);
        let s = shortest_decimal_comma(v);
        prop_assert!(!s.is_empty());
    }

    #[test]
    fn timestamps_from_any_text(text in "\\PC{0,40}", offset in any::<i32>()) {
        if let Ok(t) = Timestamp::parse(&text) {
            let _ = format::date_time(&t);
            let _ = t.display_ru(offset);
            prop_assert_eq!(t.as_str(), text.as_str());
        }
        let _ = Timestamp::from_unix_millis(f64::from(offset) * 1e9);
    }

    #[test]
    fn parsers_take_any_text(text in "\\PC{0,300}") {
        let _ = parse_number(&text);
        let _ = SchoolType::parse(&text);
        let _ = parse_json(&text);
        let _ = parse_csv("x.csv", text.as_bytes());
        let _ = parse_file("x.json", text.as_bytes());
        let _ = parse_bundle("x.json", text.as_bytes());
    }

    #[test]
    fn parsers_take_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_csv("x.csv", &bytes);
        let _ = parse_file("x.json", &bytes);
        let _ = parse_bundle("x.json", &bytes);
    }

    #[test]
    fn file_names_from_any_school_id(id in "\\PC{0,60}") {
        let row = Row::new(&id, "Ш", "М", SchoolType::Basic, 2024);
        let b = Bundle::from_payload(
            CreatedBy { role: Role::School, organisation: id.clone() },
            &Timestamp::parse("2025-11-22T10:00:00Z").unwrap(),
            &Payload::SchoolSubmission(SchoolSubmission { school: SchoolIdentity::of_row(&row), rows: vec![row], self_assessments: Vec::new(), programme: None }),
        );
        let name = suggested_file_name(&b, 180);
        prop_assert!(name.starts_with("шкала-школа"));
        prop_assert!(name.ends_with("-22.11.2025.json"));
        prop_assert!(!name.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|']));
    }
}

/// Any valid value of a column's kind.
fn value_of(kind: Kind) -> BoxedStrategy<f64> {
    match kind {
        Kind::Count => (0u64..(1 << 53)).prop_map(|v| v as f64).boxed(),
        Kind::Share | Kind::Score100 => (0.0f64..=100.0).boxed(),
        Kind::Score5 => (2.0f64..=5.0).boxed(),
        _ => Just(0.0).boxed(),
    }
}

fn any_row() -> impl Strategy<Value = Row> {
    let s = schema();
    let cells: Vec<BoxedStrategy<Option<f64>>> = (0..s.data_len())
        .map(|i| proptest::option::of(value_of(s.data_column(i).kind)).boxed())
        .collect();
    ("[^\\x00-\\x1f]{1,12}", "\\PC{1,12}", 1990i32..=2100, cells).prop_filter_map(
        "identity fields are trimmed by the reader",
        |(id, name, year, cells)| {
            let (id, name) = (id.trim().to_string(), name.trim().to_string());
            if id.is_empty() || name.is_empty() {
                return None;
            }
            let mut r = Row::new(&id, &name, "Город", SchoolType::Secondary, year);
            for (i, v) in cells.into_iter().enumerate() {
                r.values.set(i, v);
            }
            Some(r)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary values (not only two-decimal ones) survive export to CSV and import back.
    #[test]
    fn csv_export_reads_back_exactly(rows in proptest::collection::vec(any_row(), 1..6)) {
        let mut rows = rows;
        rows.sort_by(|a, b| a.key().cmp(&b.key()));
        rows.dedup_by(|a, b| a.key() == b.key());
        let text = rows_csv(&rows);
        let back = parse_csv("r.csv", text.as_bytes());
        let errors: Vec<String> = back.problems.iter().filter(|p| p.is_error()).map(ToString::to_string).collect();
        prop_assert!(errors.is_empty(), "{:?}", errors);
        prop_assert_eq!(back.rows, rows);
    }
}
