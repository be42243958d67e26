//! The workbook of another form (tests/fixtures/mapping/odd.xlsx) used by the end-to-end test
//! of the mapping step: the table of `odd.csv` (columns in another order, Russian form names
//! and English names, free meals as 0–1) in an Excel workbook, under a merged title row, with
//! numbers stored as numbers and one column of numbers stored as text with a decimal comma.

use shkala::domain::input::mapping::{mapping_from, suggest};
use shkala::domain::input::{parse_file_with, preview_table, ReadOptions};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mapping")
        .join(name)
}

/// The column kept as text with a decimal comma («68,7»), as some regional forms store it.
const TEXT_COLUMN: &str = "EGE Russian mean score";

#[test]
fn the_odd_form_workbook_holds_the_odd_csv_and_reads_to_the_same_rows() {
    let csv = std::fs::read(fixture("odd.csv")).unwrap();
    let xlsx = std::fs::read(fixture("odd.xlsx")).unwrap();
    let all = ReadOptions::default();
    let a = preview_table("odd.csv", &csv, &all, 1000).unwrap();
    let b = preview_table("odd.xlsx", &xlsx, &all, 1000).unwrap();
    assert_eq!(a.header, b.header);
    assert_eq!(a.rows.len(), b.rows.len());
    for (x, y) in a.rows.iter().zip(&b.rows) {
        let y: Vec<&str> = y.iter().map(|c| c.trim()).collect();
        let x: Vec<&str> = x.iter().map(|c| c.trim()).collect();
        assert_eq!(&x[..y.len()], &y[..], "{x:?} / {y:?}");
        assert!(x[y.len()..].iter().all(|c| c.is_empty()));
    }
    // With the suggested mapping both read to exactly the same rows.
    let options = ReadOptions {
        sheet: None,
        mapping: Some(mapping_from(&suggest(&a), "Форма района")),
    };
    let from_csv = parse_file_with("odd.csv", &csv, &options);
    let from_xlsx = parse_file_with("odd.xlsx", &xlsx, &options);
    assert!(
        !from_xlsx.problems.iter().any(|p| p.is_error()),
        "{:?}",
        from_xlsx.problems
    );
    assert_eq!(from_csv.rows.len(), 24);
    assert_eq!(from_csv.rows, from_xlsx.rows);
}

/// The workbook of `odd.csv`, built the same way every time (a fixed creation date; the
/// writer's ZIP entries carry no time).
fn odd_form_workbook() -> Vec<u8> {
    let text = std::fs::read_to_string(fixture("odd.csv")).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let mut book = rust_xlsxwriter::Workbook::new();
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 1, 1).unwrap()),
    );
    let sheet = book.add_worksheet();
    sheet.set_name("Сведения").unwrap();
    sheet
        .merge_range(
            0,
            0,
            0,
            (header.len() - 1) as u16,
            "Сведения о школах района за три года",
            &rust_xlsxwriter::Format::new(),
        )
        .unwrap();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let text_column = header.iter().position(|h| *h == TEXT_COLUMN).unwrap();
    for (r, line) in lines.enumerate() {
        for (c, cell) in line.split(';').enumerate() {
            let (row, col) = (r as u32 + 2, c as u16);
            if cell.is_empty() {
                continue;
            }
            match cell.replace(',', ".").parse::<f64>() {
                Ok(v) if c != text_column => sheet.write_number(row, col, v).unwrap(),
                _ => sheet.write_string(row, col, cell).unwrap(),
            };
        }
    }
    let notes = book.add_worksheet();
    notes.set_name("Пояснения").unwrap();
    notes
        .write_string(
            0,
            0,
            "Доля детей, получающих бесплатное питание, — в долях единицы.",
        )
        .unwrap();
    book.save_to_buffer().unwrap()
}

/// The committed `odd.xlsx` is what `odd.csv` builds; `UPDATE_FIXTURES=1 cargo test --test
/// xlsx_fixture` writes it again.
#[test]
fn the_committed_workbook_is_what_the_csv_builds() {
    let bytes = odd_form_workbook();
    assert_eq!(
        bytes,
        odd_form_workbook(),
        "the workbook is built the same every time"
    );
    let path = fixture("odd.xlsx");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &bytes).expect("written");
    }
    let committed = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_FIXTURES=1 writes it)", path.display()));
    assert!(
        committed == bytes,
        "odd.xlsx is out of date: UPDATE_FIXTURES=1 writes it again"
    );
}
