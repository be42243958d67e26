//! Excel workbooks (.xlsx) of [`Table`]s: one sheet per table.
//!
//! Each sheet has its header (the table's first row) in bold, frozen, with filters over the
//! used range; columns are as wide as their longest text (in characters, capped at
//! [`MAX_WIDTH`]). Text is written as text, always (a cell starting with `=` is a string, never
//! a formula, so no apostrophe guard as in CSV); numbers as numbers with the table's full
//! precision, shown with a format chosen per column:
//!
//! - a column whose numbers are all whole: `0` (counts, years, ranks; no thousands separator);
//! - any other column: `0.0##` — one to three decimals on screen (indices 0–1 read like the
//!   app's three decimals, shares and means in percent or points like «68,25»), while the cell
//!   keeps every digit (the formula bar and any calculation see the exact value). Excel shows
//!   the decimal separator of the user's locale (a comma in Russian);
//! - a number that says how many decimals a person reads ([`Cell::Rounded`]) is shown with
//!   exactly that many (`0.000` for an index, `0.0` for a share in per cent), its full value
//!   kept: the format is the column's when all its numbers agree, else the cell's own.
//!
//! Sheet names are made valid for Excel ([`sheet_names`]): at most 31 characters, none of
//! `[]:*?/\`, no apostrophe at either end, not blank, unique regardless of case.
//!
//! The workbook is built in memory (the constant-memory mode of `rust_xlsxwriter` needs
//! temporary files, which a browser has not): the identification workbook of 45,000 schools is
//! about 2 CPU-seconds and 600 MB at its peak natively (README, «Performance»).

use super::table::{Cell, Table};
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet};

/// One sheet: its name (made valid by [`sheet_names`]) and its table.
#[derive(Debug, Clone, Copy)]
pub struct Sheet<'a> {
    pub name: &'a str,
    pub table: &'a Table,
}

/// The sheets of named tables, in their order.
pub fn sheets<N: AsRef<str>>(tables: &[(N, Table)]) -> Vec<Sheet<'_>> {
    tables
        .iter()
        .map(|(name, table)| Sheet {
            name: name.as_ref(),
            table,
        })
        .collect()
}

/// Excel's longest sheet name, in characters.
pub const MAX_SHEET_NAME: usize = 31;
/// Excel's rows per sheet.
pub const MAX_ROWS: usize = 1_048_576;
/// Excel's columns per sheet.
pub const MAX_COLUMNS: usize = 16_384;
/// Excel's longest text in a cell, in characters.
pub const MAX_TEXT: usize = 32_767;
/// The widest column set from its contents, in characters.
pub const MAX_WIDTH: usize = 60;
/// The narrowest column.
pub const MIN_WIDTH: usize = 6;

/// The format of the numbers of a column whose numbers are all whole.
pub const WHOLE_FORMAT: &str = "0";
/// The format of the numbers of any other column.
pub const FRACTION_FORMAT: &str = "0.0##";

/// The format of a number read with `decimals` decimals: `0`, `0.0`, `0.00`, `0.000` … (at most
/// 15 decimals, Excel's precision).
pub fn decimals_format(decimals: u8) -> String {
    match decimals.min(15) {
        0 => "0".to_string(),
        d => format!("0.{}", "0".repeat(usize::from(d))),
    }
}

/// The MIME type of a workbook, for a download.
pub const MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The workbook of `sheets`, in order, as the bytes of an .xlsx file.
///
/// Errors (in Russian): no sheets; a table larger than a sheet; a text longer than a cell
/// holds; a failure of the writer itself.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, String> {
    if sheets.is_empty() {
        return Err("книга Excel не записана: в ней нет ни одного листа".into());
    }
    let names = sheet_names(sheets.iter().map(|s| s.name));
    let mut book = Workbook::new();
    // Which build wrote the workbook: «Файл → Сведения» in Excel.
    book.set_properties(
        &DocProperties::new()
            .set_author("Шкала")
            .set_comment(crate::domain::version::app_line()),
    );
    let bold = Format::new().set_bold();
    let formats = Formats {
        bold,
        whole: Format::new().set_num_format(WHOLE_FORMAT),
        fraction: Format::new().set_num_format(FRACTION_FORMAT),
        decimals: (0..=15)
            .map(|d| Format::new().set_num_format(decimals_format(d)))
            .collect(),
    };
    for (sheet, name) in sheets.iter().zip(&names) {
        let fail = |what: String| format!("книга Excel не записана: лист «{name}»: {what}");
        check_size(sheet.table).map_err(fail)?;
        let ws = book.add_worksheet();
        ws.set_name(name.as_str())
            .map_err(|e| fail(format!("недопустимое имя листа ({e})")))?;
        write_sheet(ws, sheet.table, &formats).map_err(fail)?;
    }
    book.save_to_buffer()
        .map_err(|e| format!("книга Excel не записана: ошибка записи ({e})"))
}

/// Whether a table fits a sheet, and every text a cell (said in Russian).
fn check_size(table: &Table) -> Result<(), String> {
    if table.rows.len() > MAX_ROWS {
        return Err(format!(
            "{} — больше, чем вмещает лист Excel ({})",
            crate::format::count(table.rows.len(), "строка", "строки", "строк"),
            crate::format::thousands(MAX_ROWS)
        ));
    }
    let width = table.width();
    if width > MAX_COLUMNS {
        return Err(format!(
            "{} — больше, чем вмещает лист Excel ({})",
            crate::format::count(width, "столбец", "столбца", "столбцов"),
            crate::format::thousands(MAX_COLUMNS)
        ));
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if let Cell::Text(s) = cell {
                // Bytes bound characters from above: count only the long ones.
                if s.len() > MAX_TEXT && s.chars().count() > MAX_TEXT {
                    return Err(format!(
                        "строка {}, столбец {}: текст длиннее {MAX_TEXT} знаков, больше, чем \
                         вмещает ячейка Excel",
                        r + 1,
                        c + 1
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The number formats of a workbook, made once.
struct Formats {
    bold: Format,
    whole: Format,
    fraction: Format,
    /// By decimals, 0–15 ([`decimals_format`]).
    decimals: Vec<Format>,
}

impl Formats {
    fn of_decimals(&self, d: u8) -> &Format {
        &self.decimals[usize::from(d.min(15))]
    }
}

/// How a column's numbers are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberKind {
    /// No numbers below the header: no number format.
    None,
    Whole,
    Fraction,
    /// Every number of the column is read with these decimals ([`Cell::Rounded`]).
    Decimals(u8),
    /// Numbers of both kinds, or read with different decimals: each rounded cell carries its
    /// own format; the others are shown as [`NumberKind::Fraction`].
    Mixed,
}

fn is_whole(v: f64) -> bool {
    v.fract() == 0.0 && v.abs() < 1e15
}

/// The number kind of every column, from the numbers below the header.
fn number_kinds(table: &Table, width: usize) -> Vec<NumberKind> {
    use NumberKind as K;
    let mut kinds = vec![K::None; width];
    for row in table.rows.iter().skip(1) {
        for (c, cell) in row.iter().enumerate() {
            kinds[c] = match (kinds[c], cell) {
                (k, Cell::Text(_) | Cell::Empty) => k,
                (K::None | K::Whole, Cell::Number(v)) if is_whole(*v) => K::Whole,
                (K::None | K::Whole | K::Fraction, Cell::Number(_)) => K::Fraction,
                (K::None, Cell::Rounded(_, d)) => K::Decimals(*d),
                (K::Decimals(a), Cell::Rounded(_, d)) if a == *d => K::Decimals(a),
                _ => K::Mixed,
            };
        }
    }
    kinds
}

/// The characters a cell shows (its longest line for a text).
fn shown_chars(cell: &Cell, kind: NumberKind) -> usize {
    match cell {
        Cell::Text(s) => s.split('\n').map(|l| l.chars().count()).max().unwrap_or(0),
        Cell::Number(v) => match kind {
            NumberKind::None | NumberKind::Whole | NumberKind::Decimals(_) => {
                format!("{v:.0}").len()
            }
            NumberKind::Fraction | NumberKind::Mixed => {
                let s = format!("{v:.3}");
                s.trim_end_matches('0').len().max(s.len() - 2)
            }
        },
        Cell::Rounded(v, d) => format!("{v:.*}", usize::from((*d).min(15))).len(),
        Cell::Empty => 0,
    }
}

/// Column widths in characters: the longest cell (the header with room for its filter
/// button), between [`MIN_WIDTH`] and [`MAX_WIDTH`].
fn column_widths(table: &Table, kinds: &[NumberKind]) -> Vec<usize> {
    let mut widths = vec![0usize; kinds.len()];
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            // The header's filter button takes about two characters.
            let extra = if r == 0 { 2 } else { 0 };
            let n = shown_chars(cell, kinds[c]) + extra;
            if n > widths[c] {
                widths[c] = n;
            }
        }
    }
    widths
        .into_iter()
        .map(|w| (w + 1).clamp(MIN_WIDTH, MAX_WIDTH))
        .collect()
}

fn write_sheet(ws: &mut Worksheet, table: &Table, formats: &Formats) -> Result<(), String> {
    let err = |e: rust_xlsxwriter::XlsxError| format!("ошибка записи ({e})");
    let width = table.width();
    if table.rows.is_empty() || width == 0 {
        return Ok(());
    }
    let kinds = number_kinds(table, width);
    for (c, w) in column_widths(table, &kinds).into_iter().enumerate() {
        ws.set_column_width(c as u16, w as f64).map_err(err)?;
        // A number written without a format takes its column's (one lookup per column, not
        // per cell: a region's table has a million cells).
        let format = match kinds[c] {
            NumberKind::None => continue,
            NumberKind::Whole => &formats.whole,
            NumberKind::Fraction | NumberKind::Mixed => &formats.fraction,
            NumberKind::Decimals(d) => formats.of_decimals(d),
        };
        ws.set_column_format(c as u16, format).map_err(err)?;
    }
    let bold = &formats.bold;
    for (r, row) in table.rows.iter().enumerate() {
        let header = r == 0;
        let r = r as u32;
        for (c, cell) in row.iter().enumerate() {
            let kind = kinds[c];
            let c = c as u16;
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) if header => {
                    ws.write_string_with_format(r, c, s.as_str(), bold)
                        .map_err(err)?;
                }
                Cell::Text(s) => {
                    ws.write_string(r, c, s.as_str()).map_err(err)?;
                }
                Cell::Number(v) | Cell::Rounded(v, _) if header => {
                    ws.write_number_with_format(r, c, *v, bold).map_err(err)?;
                }
                Cell::Number(v) => {
                    ws.write_number(r, c, *v).map_err(err)?;
                }
                // The column's format already shows these decimals.
                Cell::Rounded(v, d) if kind == NumberKind::Decimals(*d) => {
                    ws.write_number(r, c, *v).map_err(err)?;
                }
                Cell::Rounded(v, d) => {
                    ws.write_number_with_format(r, c, *v, formats.of_decimals(*d))
                        .map_err(err)?;
                }
                Cell::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    let last_row = (table.rows.len() - 1) as u32;
    ws.autofilter(0, 0, last_row, (width - 1) as u16)
        .map_err(err)?;
    Ok(())
}

/// Characters Excel forbids in a sheet name.
const FORBIDDEN: [char; 7] = ['[', ']', ':', '*', '?', '/', '\\'];

/// The first `n` characters of `s`.
fn first_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// A name Excel accepts: forbidden and control characters become `_`, spaces and apostrophes
/// at the ends go, at most [`MAX_SHEET_NAME`] characters; «Лист» for a blank name.
fn valid_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if FORBIDDEN.contains(&c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trim = |s: &str| {
        s.trim_matches(|c: char| c == '\'' || c.is_whitespace())
            .to_string()
    };
    let name = trim(first_chars(&trim(&cleaned), MAX_SHEET_NAME));
    if name.is_empty() {
        "Лист".into()
    } else {
        name
    }
}

/// The names the sheets get, in order: each made valid ([`MAX_SHEET_NAME`] characters, none
/// of `[]:*?/\`, no apostrophe at either end, not blank), and a name already taken (in any
/// case; Excel also reserves «History») gets « (2)», « (3)» … within the length limit.
pub fn sheet_names<'a>(requested: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> =
        std::iter::once("history".to_string()).collect();
    let mut out = Vec::new();
    for name in requested {
        let base = valid_name(name);
        let mut candidate = base.clone();
        let mut n = 2usize;
        while taken.contains(&candidate.to_lowercase()) {
            let suffix = format!(" ({n})");
            let room = MAX_SHEET_NAME.saturating_sub(suffix.chars().count());
            let stem = first_chars(&base, room).trim_end_matches(|c: char| c.is_whitespace());
            candidate = format!("{stem}{suffix}");
            n += 1;
        }
        taken.insert(candidate.to_lowercase());
        out.push(candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::table::TableWriter;
    use calamine::{Data, Reader, Xlsx};

    fn read_back(bytes: &[u8]) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("a workbook calamine reads")
    }

    fn sample() -> Table {
        let mut w = TableWriter::new();
        w.text("Школа")
            .text("Год")
            .text("Индекс")
            .text("Примечание")
            .end_line();
        w.text("=HYPERLINK(\"x\")")
            .number(Some(2024.0))
            .number(Some(0.1 + 0.2))
            .text("-5")
            .end_line();
        w.text("Школа № 2; «кавычки»")
            .number(Some(2025.0))
            .number(None)
            .text("")
            .end_line();
        w.finish()
    }

    #[test]
    fn cells_come_back_typed() {
        let t = sample();
        let bytes = workbook(&[Sheet {
            name: "Данные",
            table: &t,
        }])
        .unwrap();
        let mut book = read_back(&bytes);
        assert_eq!(book.sheet_names(), vec!["Данные".to_string()]);
        let range = book.worksheet_range("Данные").unwrap();
        assert_eq!(range.get_size(), (3, 4));
        let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        assert_eq!(cell(0, 0), Data::String("Школа".into()));
        assert_eq!(cell(0, 2), Data::String("Индекс".into()));
        // A text that looks like a formula stays a text, without an apostrophe.
        assert_eq!(cell(1, 0), Data::String("=HYPERLINK(\"x\")".into()));
        assert_eq!(cell(1, 3), Data::String("-5".into()));
        assert_eq!(cell(1, 1), Data::Float(2024.0));
        assert_eq!(cell(1, 2), Data::Float(0.1 + 0.2), "full precision");
        assert_eq!(cell(2, 2), Data::Empty);
        assert_eq!(cell(2, 3), Data::Empty);
        assert_eq!(cell(2, 0), Data::String("Школа № 2; «кавычки»".into()));
        let formulas = book.worksheet_formula("Данные").unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formulas"
        );
    }

    /// The sheet's XML, to check what calamine does not report.
    fn sheet_xml(bytes: &[u8], n: usize) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut f = zip.by_name(&format!("xl/worksheets/sheet{n}.xml")).unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn header_frozen_filtered_and_columns_formatted() {
        let t = sample();
        let bytes = workbook(&[Sheet {
            name: "Данные",
            table: &t,
        }])
        .unwrap();
        let xml = sheet_xml(&bytes, 1);
        assert!(xml.contains(r#"<autoFilter ref="A1:D3"/>"#), "{xml}");
        assert!(
            xml.contains(r#"ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen""#),
            "{xml}"
        );
        // Widths: the header «Примечание» (10 characters, not its 20 bytes) + 2 + 1.
        assert!(
            xml.contains(r#"<col min="4" max="4" width="13.7109375""#),
            "{xml}"
        );
        let styles = {
            use std::io::Read;
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
            let mut s = String::new();
            zip.by_name("xl/styles.xml")
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            s
        };
        assert!(styles.contains(r#"formatCode="0.0##""#), "{styles}");
        assert!(styles.contains("<b/>"), "{styles}");
        // Every number cell carries its column's style (not General): B2, C2 have one.
        assert!(
            xml.contains(r#"<c r="B2" s="#) && xml.contains(r#"<c r="C2" s="#),
            "{xml}"
        );
        // Years are whole (built-in format 1, «0»); the index column is not.
        let kinds = number_kinds(&t, t.width());
        assert_eq!(kinds[0], NumberKind::None);
        assert_eq!(kinds[1], NumberKind::Whole);
        assert_eq!(kinds[2], NumberKind::Fraction);
        // Text cells keep the General style; the numbers' columns have theirs.
        assert!(xml.contains(r#"<c r="A2" t="s">"#), "{xml}");
        let col = |n: usize| {
            let at = xml.find(&format!(r#"<col min="{n}" max="{n}""#)).unwrap();
            xml[at..at + xml[at..].find("/>").unwrap()].to_string()
        };
        assert!(!col(1).contains("style="), "{}", col(1));
        assert!(col(2).contains("style="), "{}", col(2));
        assert_ne!(
            col(2).split("style=").nth(1),
            col(3).split("style=").nth(1),
            "a whole and a fraction column"
        );
    }

    #[test]
    fn rounded_numbers_keep_their_value_and_show_their_decimals() {
        let mut w = TableWriter::new();
        w.text("Индекс")
            .text("Доля, %")
            .text("Смешанный")
            .end_line();
        w.rounded(Some(0.458_053_282_182_438_24), 3)
            .rounded(Some(12.345), 1)
            .rounded(Some(0.5), 3)
            .end_line();
        w.rounded(Some(0.1), 3)
            .rounded(None, 1)
            .number(Some(7.0))
            .end_line();
        w.number(None)
            .rounded(Some(66.666), 1)
            .rounded(Some(2.5), 1)
            .end_line();
        let t = w.finish();
        let kinds = number_kinds(&t, 3);
        assert_eq!(
            kinds,
            vec![
                NumberKind::Decimals(3),
                NumberKind::Decimals(1),
                NumberKind::Mixed
            ]
        );
        let bytes = workbook(&[Sheet {
            name: "Данные",
            table: &t,
        }])
        .unwrap();
        let mut book = read_back(&bytes);
        let range = book.worksheet_range("Данные").unwrap();
        // The full value, not the rounded one.
        assert_eq!(
            range.get_value((1, 0)),
            Some(&Data::Float(0.458_053_282_182_438_24))
        );
        assert_eq!(range.get_value((3, 1)), Some(&Data::Float(66.666)));
        let styles = {
            use std::io::Read;
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
            let mut s = String::new();
            zip.by_name("xl/styles.xml")
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            s
        };
        assert!(styles.contains(r#"formatCode="0.000""#), "{styles}");
        assert!(styles.contains(r#"formatCode="0.0""#), "{styles}");
        let xml = sheet_xml(&bytes, 1);
        let style_of = |cell: &str| {
            let at = xml.find(&format!(r#"<c r="{cell}""#)).unwrap();
            let tag = &xml[at..at + xml[at..].find('>').unwrap()];
            tag.split("s=\"")
                .nth(1)
                .map(|s| s[..s.find('"').unwrap()].to_string())
        };
        // A column of one kind: one style. The mixed column: each rounded cell carries the
        // style of its decimals, the plain number the column's.
        assert!(style_of("B2").is_some());
        assert_eq!(style_of("B2"), style_of("B4"));
        assert_ne!(style_of("A2"), style_of("B2"));
        assert_eq!(style_of("C2"), style_of("A2"), "three decimals");
        assert_eq!(style_of("C4"), style_of("B2"), "one decimal");
        assert_ne!(style_of("C3"), style_of("C2"));
        assert_ne!(style_of("C3"), style_of("C4"));
        assert_eq!(decimals_format(0), "0");
        assert_eq!(decimals_format(2), "0.00");
        assert_eq!(decimals_format(200), decimals_format(15));
    }

    #[test]
    fn widths_count_characters_and_are_capped() {
        let mut w = TableWriter::new();
        w.text("Ш").text("x").text("n").end_line();
        w.text(&"я".repeat(200))
            .text("a\nbb")
            .number(Some(12345.678))
            .end_line();
        let t = w.finish();
        let kinds = number_kinds(&t, 3);
        assert_eq!(column_widths(&t, &kinds), vec![MAX_WIDTH, MIN_WIDTH, 10]);
    }

    #[test]
    fn sheet_names_are_made_valid_and_unique() {
        let names = sheet_names([
            "ШНРО",
            "шнро",
            "a[b]:c*d?e/f\\g",
            "'цитата'",
            "",
            "   ",
            "Очень длинное название листа, больше тридцати одного знака",
            "Очень длинное название листа, больше тридцати одного знака",
            "History",
            "x\ty",
        ]);
        assert_eq!(names[0], "ШНРО");
        assert_eq!(names[1], "шнро (2)");
        assert_eq!(names[2], "a_b__c_d_e_f_g");
        assert_eq!(names[3], "цитата");
        assert_eq!(names[4], "Лист");
        assert_eq!(names[5], "Лист (2)");
        assert_eq!(names[6], "Очень длинное название листа, б");
        assert_eq!(names[6].chars().count(), 31);
        assert_eq!(names[7], "Очень длинное название лист (2)");
        assert_eq!(names[7].chars().count(), 31);
        assert_eq!(names[8], "History (2)");
        assert_eq!(names[9], "x_y");
        // And Excel (the writer's own check) takes them all.
        let t = sample();
        let sheets: Vec<Sheet> = [
            "ШНРО",
            "шнро",
            "a[b]",
            "'x'",
            "",
            "Очень длинное название листа, больше тридцати одного знака",
        ]
        .into_iter()
        .map(|name| Sheet { name, table: &t })
        .collect();
        let bytes = workbook(&sheets).unwrap();
        assert_eq!(
            read_back(&bytes).sheet_names(),
            vec![
                "ШНРО",
                "шнро (2)",
                "a_b_",
                "x",
                "Лист",
                "Очень длинное название листа, б"
            ]
        );
    }

    #[test]
    fn empty_tables_and_no_sheets() {
        let mut w = TableWriter::new();
        w.text("Муниципалитет").text("Школ").end_line();
        let header_only = w.finish();
        let nothing = Table::default();
        let bytes = workbook(&[
            Sheet {
                name: "Пусто",
                table: &header_only,
            },
            Sheet {
                name: "Совсем пусто",
                table: &nothing,
            },
        ])
        .unwrap();
        let mut book = read_back(&bytes);
        let range = book.worksheet_range("Пусто").unwrap();
        assert_eq!(range.get_size(), (1, 2));
        assert_eq!(range.get_value((0, 1)), Some(&Data::String("Школ".into())));
        assert!(book.worksheet_range("Совсем пусто").unwrap().is_empty());
        assert!(sheet_xml(&bytes, 1).contains(r#"<autoFilter ref="A1:B1"/>"#));
        let e = workbook(&[]).unwrap_err();
        assert!(e.contains("нет ни одного листа"), "{e}");
    }

    #[test]
    fn too_long_a_text_is_refused_in_russian() {
        let mut w = TableWriter::new();
        w.text("Школа").end_line();
        w.text(&"ы".repeat(MAX_TEXT + 1)).end_line();
        let t = w.finish();
        let e = workbook(&[Sheet {
            name: "Список",
            table: &t,
        }])
        .unwrap_err();
        assert!(
            e.contains("лист «Список»: строка 2, столбец 1: текст длиннее 32767 знаков"),
            "{e}"
        );
        // The limit itself fits.
        let mut w = TableWriter::new();
        w.text(&"ы".repeat(MAX_TEXT)).end_line();
        let t = w.finish();
        assert!(workbook(&[Sheet {
            name: "Список",
            table: &t
        }])
        .is_ok());
    }
}
