//! One sheet of a workbook as a typed table, cell for cell: numbers stay numbers, text stays
//! text. For reading exported workbooks back (the CLI's `shkala sheet`, the tests that compare
//! a workbook with the CSV of the same table); the importer reads rows with `input`.

use crate::domain::tables::table::{Cell, Table};
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

/// The names of a workbook's sheets, in order.
pub fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, String> {
    let book = open(bytes)?;
    Ok(book.sheet_names().to_vec())
}

/// The sheet `name` (or the first sheet) as a table from cell A1: empty rows and cells kept
/// where they are (every row as wide as the sheet's used range), so the table's rows are the
/// sheet's rows.
pub fn sheet_table(bytes: &[u8], name: Option<&str>) -> Result<(String, Table), String> {
    let mut book = open(bytes)?;
    let names = book.sheet_names().to_vec();
    let sheet = match name {
        Some(n) => names
            .iter()
            .find(|s| s.as_str() == n)
            .cloned()
            .ok_or_else(|| {
                format!(
                    "в книге нет листа «{n}»; листы: {}",
                    names
                        .iter()
                        .map(|s| format!("«{s}»"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| "в книге нет ни одного листа".to_string())?,
    };
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| format!("лист «{sheet}» не читается: {e}"))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); row0 as usize];
    for r in range.rows() {
        let mut cells: Vec<Cell> = vec![Cell::Empty; col0 as usize];
        cells.extend(r.iter().map(cell));
        rows.push(cells);
    }
    Ok((sheet, Table { title: None, rows }))
}

fn open(bytes: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>, String> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err("это не книга Excel (.xlsx)".to_string());
    }
    Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        crate::domain::input::unreadable_workbook(bytes, &e)
            .unwrap_or_else(|| "это не книга Excel (.xlsx), а другой архив ZIP".to_string())
    })
}

fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(v) => Cell::Number(*v),
        Data::Int(v) => Cell::Number(*v as f64),
        Data::Bool(b) => Cell::Text(if *b { "ИСТИНА" } else { "ЛОЖЬ" }.to_string()),
        Data::DateTime(v) => Cell::Number(v.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::tables::table::TableWriter;
    use crate::domain::tables::xlsx_write::{workbook, Sheet};

    #[test]
    fn a_written_workbook_reads_back_to_the_same_table() {
        let mut w = TableWriter::new();
        w.text("Школа").text("Индекс").end_line();
        w.text("=1+1").number(Some(0.1 + 0.2)).end_line();
        w.text("s2").number(None).end_line();
        let table = w.finish();
        let bytes = workbook(&[
            Sheet {
                name: "Первый",
                table: &table,
            },
            Sheet {
                name: "Второй",
                table: &table,
            },
        ])
        .unwrap();
        assert_eq!(sheet_names(&bytes).unwrap(), vec!["Первый", "Второй"]);
        let (name, back) = sheet_table(&bytes, Some("Второй")).unwrap();
        assert_eq!(name, "Второй");
        assert_eq!(back.rows[0], table.rows[0]);
        assert_eq!(back.rows[1], table.rows[1]);
        assert_eq!(back.rows[2], table.rows[2]);
        assert_eq!(back.to_csv().lines().count(), 3);
        assert!(sheet_table(&bytes, Some("Третий"))
            .unwrap_err()
            .contains("листы: «Первый», «Второй»"));
        assert!(sheet_table(b"not a book", None).is_err());
        assert!(sheet_table(b"PK\x03\x04 broken", None).is_err());
    }
}
