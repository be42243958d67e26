//! Excel workbooks (.xlsx) of [`Table`]s: one sheet per table.
//!
//! Each sheet has its header (the table's first row; the second under a title, [`Table::title`]) in bold, frozen, with filters over the
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
//! The workbook is written as it goes (`rust_xlsxwriter`, used before, builds every cell as an
//! object first: at 45,000 schools that was 2.8 s and 580 MB more at its peak natively, and
//! the browser's worker keeps such a peak as its memory). Each sheet's XML is made row by row
//! straight into the deflated archive; texts are kept once each in the shared strings, by
//! reference to the tables; only the compressed file is held whole. The package has the
//! parts Excel needs ([`parts`]): content types, relationships, the workbook with the
//! filters' defined names, the styles, the shared strings and the document properties.

mod parts;

use crate::domain::tables::table::{Cell, Table};
use parts::{SheetEntry, STYLE_BOLD, STYLE_DECIMALS, STYLE_FRACTION, STYLE_WHOLE};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{Cursor, Write as _};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

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
/// holds; a failure of the archive itself.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, String> {
    if sheets.is_empty() {
        return Err("книга Excel не записана: в ней нет ни одного листа".into());
    }
    let names = sheet_names(sheets.iter().map(|s| s.name));
    for (sheet, name) in sheets.iter().zip(&names) {
        check_size(sheet.table)
            .map_err(|what| format!("книга Excel не записана: лист «{name}»: {what}"))?;
    }
    let fail = |e: std::io::Error| format!("книга Excel не записана: ошибка записи ({e})");
    let mut out = Package::new();
    let mut strings = SharedStrings::default();
    let mut entries = Vec::with_capacity(sheets.len());
    for (i, (sheet, name)) in sheets.iter().zip(&names).enumerate() {
        out.start(&format!("xl/worksheets/sheet{}.xml", i + 1))
            .map_err(fail)?;
        let filter = write_sheet(&mut out, sheet.table, &mut strings, i == 0).map_err(fail)?;
        entries.push(SheetEntry { name, filter });
    }
    out.start("xl/sharedStrings.xml").map_err(fail)?;
    strings.write(&mut out).map_err(fail)?;
    let description = crate::domain::common::version::app_line();
    for (path, text) in [
        ("xl/workbook.xml", parts::workbook(&entries)),
        ("xl/styles.xml", parts::styles()),
        (
            "xl/_rels/workbook.xml.rels",
            parts::workbook_rels(sheets.len()),
        ),
        ("[Content_Types].xml", parts::content_types(sheets.len())),
        ("_rels/.rels", parts::package_rels()),
        ("docProps/core.xml", parts::core_properties(&description)),
        ("docProps/app.xml", parts::app_properties()),
    ] {
        out.start(path).map_err(fail)?;
        out.push(&text).map_err(fail)?;
    }
    out.finish().map_err(fail)
}

/// The archive being written: a part's XML is gathered in a buffer and handed to the
/// deflater in pieces of [`Package::PIECE`] bytes.
struct Package {
    zip: ZipWriter<Cursor<Vec<u8>>>,
    buf: String,
}

impl Package {
    const PIECE: usize = 1 << 16;

    fn new() -> Self {
        Package {
            zip: ZipWriter::new(Cursor::new(Vec::new())),
            buf: String::with_capacity(2 * Self::PIECE),
        }
    }

    /// Ends the part being written and starts the part at `path`.
    fn start(&mut self, path: &str) -> std::io::Result<()> {
        self.flush()?;
        // Deflate's level 2: at 45,000 schools natively 0.93 s and 14.9 MB for the whole
        // workbook, against 0.84 s and 20.4 MB at level 1 and 1.8 s and 12.2 MB at the
        // default level 6.
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(2));
        self.zip
            .start_file(path, options)
            .map_err(std::io::Error::other)
    }

    /// The buffer, to append to; [`Package::spill`] after a while.
    fn text(&mut self) -> &mut String {
        &mut self.buf
    }

    /// Hands the buffer over once it holds a piece.
    fn spill(&mut self) -> std::io::Result<()> {
        if self.buf.len() >= Self::PIECE {
            self.flush()?;
        }
        Ok(())
    }

    fn push(&mut self, s: &str) -> std::io::Result<()> {
        self.buf.push_str(s);
        self.spill()
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            self.zip.write_all(self.buf.as_bytes())?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<Vec<u8>> {
        self.flush()?;
        let cursor = self.zip.finish().map_err(std::io::Error::other)?;
        Ok(cursor.into_inner())
    }
}

/// The workbook's texts, each kept once (borrowed from the tables) with its number in
/// `xl/sharedStrings.xml`, as Excel itself stores them.
#[derive(Default)]
struct SharedStrings<'a> {
    index: HashMap<&'a str, u32>,
    order: Vec<&'a str>,
    /// Cells that refer to a text, repeats included (the part's `count`).
    uses: u64,
}

impl<'a> SharedStrings<'a> {
    fn id(&mut self, s: &'a str) -> u32 {
        self.uses += 1;
        let next = self.order.len() as u32;
        *self.index.entry(s).or_insert_with(|| {
            self.order.push(s);
            next
        })
    }

    fn write(&self, out: &mut Package) -> std::io::Result<()> {
        let _ = write!(
            out.text(),
            "{}<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
             count=\"{}\" uniqueCount=\"{}\">",
            parts::XML_HEAD,
            self.uses,
            self.order.len()
        );
        for s in &self.order {
            let buf = out.text();
            // Spaces at either end, tabs and line breaks are kept as written.
            let keep = s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace);
            buf.push_str(if keep {
                "<si><t xml:space=\"preserve\">"
            } else {
                "<si><t>"
            });
            escape_into(buf, s);
            buf.push_str("</t></si>");
            out.spill()?;
        }
        out.push("</sst>")
    }
}

/// `s` as XML character data (`&`, `<`, `>` escaped), with the characters XML cannot hold
/// written as Excel writes them (`_x0001_`), and a text that already looks like such an
/// escape kept as it is (its `_` written `_x005F_`).
fn escape_into(out: &mut String, s: &str) {
    let plain =
        |b: u8| !matches!(b, b'&' | b'<' | b'>' | b'_') && (b >= 0x20 || b == b'\t' || b == b'\n');
    if s.bytes().all(plain) {
        out.push_str(s);
        return;
    }
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '_' if looks_escaped(&bytes[i..]) => out.push_str("_x005F_"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "_x{:04X}_", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// Whether `b` starts with `_xHHHH_` (four hexadecimal digits).
fn looks_escaped(b: &[u8]) -> bool {
    b.len() >= 7 && b[1] == b'x' && b[2..6].iter().all(u8::is_ascii_hexdigit) && b[6] == b'_'
}

/// `s` escaped as XML character data ([`escape_into`]).
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// Whether a table fits a sheet, and every text a cell (said in Russian).
fn check_size(table: &Table) -> Result<(), String> {
    if table.rows.len() > MAX_ROWS {
        return Err(format!(
            "{} — больше, чем вмещает лист Excel ({})",
            crate::domain::common::format::count(table.rows.len(), "строка", "строки", "строк"),
            crate::domain::common::format::thousands(MAX_ROWS)
        ));
    }
    let width = table.width();
    if width > MAX_COLUMNS {
        return Err(format!(
            "{} — больше, чем вмещает лист Excel ({})",
            crate::domain::common::format::count(width, "столбец", "столбца", "столбцов"),
            crate::domain::common::format::thousands(MAX_COLUMNS)
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

/// The column's name in a cell reference: A … Z, AA …
fn column_name(c: usize) -> String {
    let mut n = c + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let d = (n - 1) % 26;
        letters.push(b'A' + d as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A width in characters as Excel stores it: the pixels of that many digits (7 each) and
/// the cell's padding (5), in 1/256 of a digit.
fn excel_width(chars: usize) -> f64 {
    ((chars as f64 * 7.0 + 5.0) / 7.0 * 256.0).floor() / 256.0
}

/// Writes the sheet of `table` as the current part; returns its filter range (`$A$1:$D$3`)
/// when it has one. The header is bold, frozen and filtered; a number without a format of
/// its own takes its column's (one lookup per column, not per cell: a region's table has a
/// million cells). A number Excel cannot hold (NaN, infinity) is left empty.
fn write_sheet<'a>(
    out: &mut Package,
    table: &'a Table,
    strings: &mut SharedStrings<'a>,
    selected: bool,
) -> std::io::Result<Option<String>> {
    let width = table.width();
    let used = !table.rows.is_empty() && width > 0;
    let columns: Vec<String> = (0..width).map(column_name).collect();
    // A title takes the first row, bold, above the header; the header and the rows move down
    // one, and the frozen pane and the filter with them.
    let title = table.title.as_deref().filter(|_| used);
    let off = usize::from(title.is_some());
    let last = used.then(|| format!("{}{}", columns[width - 1], table.rows.len() + off));
    let buf = out.text();
    buf.push_str(parts::XML_HEAD);
    buf.push_str(
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">",
    );
    let _ = match &last {
        Some(last) => write!(buf, "<dimension ref=\"A1:{last}\"/>"),
        None => write!(buf, "<dimension ref=\"A1\"/>"),
    };
    buf.push_str("<sheetViews><sheetView");
    if selected {
        buf.push_str(" tabSelected=\"1\"");
    }
    buf.push_str(" workbookViewId=\"0\">");
    if used {
        let _ = write!(
            buf,
            "<pane ySplit=\"{}\" topLeftCell=\"A{}\" activePane=\"bottomLeft\" state=\"frozen\"/>\
             <selection pane=\"bottomLeft\"/>",
            1 + off,
            2 + off
        );
    }
    buf.push_str("</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>");
    let Some(last) = last else {
        out.push("<sheetData/><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>")?;
        return Ok(None);
    };
    let kinds = number_kinds(table, width);
    let column_style: Vec<Option<u32>> = kinds
        .iter()
        .map(|kind| match kind {
            NumberKind::None => None,
            NumberKind::Whole => Some(STYLE_WHOLE),
            NumberKind::Fraction | NumberKind::Mixed => Some(STYLE_FRACTION),
            NumberKind::Decimals(d) => Some(decimals_style(*d)),
        })
        .collect();
    buf.push_str("<cols>");
    for (c, w) in column_widths(table, &kinds).into_iter().enumerate() {
        let _ = write!(
            buf,
            "<col min=\"{n}\" max=\"{n}\" width=\"{}\"",
            excel_width(w),
            n = c + 1
        );
        if let Some(style) = column_style[c] {
            let _ = write!(buf, " style=\"{style}\"");
        }
        buf.push_str(" customWidth=\"1\"/>");
    }
    buf.push_str("</cols><sheetData>");
    if let Some(title) = title {
        let id = strings.id(title);
        let _ = write!(
            buf,
            "<row r=\"1\"><c r=\"A1\" s=\"{STYLE_BOLD}\" t=\"s\"><v>{id}</v></c></row>"
        );
    }
    for (r, row) in table.rows.iter().enumerate() {
        let header = r == 0;
        let line = r + 1 + off;
        let buf = out.text();
        let _ = write!(buf, "<row r=\"{line}\">");
        for (c, cell) in row.iter().enumerate() {
            let at = &columns[c];
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    let id = strings.id(s);
                    let _ = if header {
                        write!(
                            buf,
                            "<c r=\"{at}{line}\" s=\"{STYLE_BOLD}\" t=\"s\"><v>{id}</v></c>"
                        )
                    } else {
                        write!(buf, "<c r=\"{at}{line}\" t=\"s\"><v>{id}</v></c>")
                    };
                }
                Cell::Number(v) | Cell::Rounded(v, _) if !v.is_finite() => {}
                Cell::Number(v) | Cell::Rounded(v, _) => {
                    let style = match cell {
                        _ if header => Some(STYLE_BOLD),
                        // The column's format already shows these decimals, or the cell
                        // carries its own.
                        Cell::Rounded(_, d) if kinds[c] != NumberKind::Decimals(*d) => {
                            Some(decimals_style(*d))
                        }
                        _ => column_style[c],
                    };
                    let _ = match style {
                        Some(s) => write!(buf, "<c r=\"{at}{line}\" s=\"{s}\"><v>{v}</v></c>"),
                        None => write!(buf, "<c r=\"{at}{line}\"><v>{v}</v></c>"),
                    };
                }
                Cell::Empty => {}
            }
        }
        buf.push_str("</row>");
        out.spill()?;
    }
    let _ = write!(
        out.text(),
        "</sheetData><autoFilter ref=\"A{}:{last}\"/><pageMargins left=\"0.7\" right=\"0.7\" \
         top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>",
        1 + off
    );
    out.spill()?;
    let (col, row) = (&columns[width - 1], table.rows.len() + off);
    Ok(Some(format!("$A${}:${col}${row}", 1 + off)))
}

/// The cell style of a number shown with `d` decimals (at most 15).
fn decimals_style(d: u8) -> u32 {
    STYLE_DECIMALS + u32::from(d.min(15))
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
    use crate::domain::tables::table::TableWriter;
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
    fn a_title_goes_above_the_header_and_the_pane_and_filter_move_down() {
        let mut t = sample();
        t.title = Some("Мониторинг самооценок школ: Северный район, 2024–2025 годы".into());
        let bytes = workbook(&[Sheet {
            name: "Доли",
            table: &t,
        }])
        .unwrap();
        let xml = sheet_xml(&bytes, 1);
        assert!(xml.contains(r#"<dimension ref="A1:D4"/>"#), "{xml}");
        assert!(
            xml.contains(r#"<row r="1"><c r="A1" s="1" t="s">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<row r="2"><c r="A2" s="1" t="s">"#),
            "{xml}"
        );
        assert!(xml.contains(r#"<autoFilter ref="A2:D4"/>"#), "{xml}");
        assert!(
            xml.contains(r#"ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen""#),
            "{xml}"
        );
        // The title does not widen the first column.
        let plain = sheet_xml(
            &workbook(&[Sheet {
                name: "Доли",
                table: &sample(),
            }])
            .unwrap(),
            1,
        );
        let cols = |x: &str| x[x.find("<cols>").unwrap()..x.find("</cols>").unwrap()].to_string();
        assert_eq!(cols(&xml), cols(&plain));
        // The CSV has the title as its first line.
        assert!(t.to_csv().starts_with(
            "\u{feff}Мониторинг самооценок школ: Северный район, 2024–2025 годы\r\nШкола;"
        ));
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

    /// Every part of the archive, by name.
    fn parts_of(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let mut s = String::new();
                f.read_to_string(&mut s).unwrap();
                (f.name().to_string(), s)
            })
            .collect()
    }

    #[test]
    fn texts_excel_cannot_hold_as_written_come_back_as_they_were() {
        let texts = [
            "a & b < c > d \"e\" 'f'",
            "  пробелы по краям  ",
            "строка 1\nстрока 2\tтаб",
            "управляющий \u{1} знак и \r возврат",
            "похоже на escape: _x0041_ и _x00e9_",
            "_x005F_",
            "_x12",
            "𝔘 вне BMP",
        ];
        let mut w = TableWriter::new();
        w.text("Текст").end_line();
        for t in texts {
            w.text(t).end_line();
        }
        let t = w.finish();
        let bytes = workbook(&[Sheet {
            name: "Тексты",
            table: &t,
        }])
        .unwrap();
        let mut book = read_back(&bytes);
        let range = book.worksheet_range("Тексты").unwrap();
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(
                range.get_value((i as u32 + 1, 0)),
                Some(&Data::String((*text).into())),
                "{text:?}"
            );
        }
        let sst = &parts_of(&bytes)["xl/sharedStrings.xml"];
        assert!(sst.contains("_x0001_") && sst.contains("_x000D_"), "{sst}");
        assert!(sst.contains("_x005F_x0041_"), "{sst}");
        assert!(
            sst.contains(r#"<t xml:space="preserve">  пробелы"#),
            "{sst}"
        );
    }

    #[test]
    fn a_repeated_text_is_stored_once_and_numbers_excel_cannot_hold_are_left_empty() {
        let mut w = TableWriter::new();
        w.text("Муниципалитет").text("Значение").end_line();
        w.text("М1").number(Some(f64::NAN)).end_line();
        w.text("М1").number(Some(f64::INFINITY)).end_line();
        w.text("М2").number(Some(-0.5)).end_line();
        let t = w.finish();
        let bytes = workbook(&[Sheet {
            name: "Лист",
            table: &t,
        }])
        .unwrap();
        let sst = &parts_of(&bytes)["xl/sharedStrings.xml"];
        assert!(sst.contains(r#"count="5" uniqueCount="4""#), "{sst}");
        assert_eq!(sst.matches("<t>М1</t>").count(), 1, "{sst}");
        let mut book = read_back(&bytes);
        let range = book.worksheet_range("Лист").unwrap();
        assert_eq!(range.get_value((1, 1)), Some(&Data::Empty));
        assert_eq!(range.get_value((2, 1)), Some(&Data::Empty));
        assert_eq!(range.get_value((3, 1)), Some(&Data::Float(-0.5)));
    }

    #[test]
    fn a_sheet_larger_than_a_piece_reads_back_whole_and_the_package_is_complete() {
        // Some 30 pieces of XML per sheet, two sheets, columns past Z.
        let width = 30;
        let mut w = TableWriter::new();
        for c in 0..width {
            w.text(&format!("Столбец {c}"));
        }
        w.end_line();
        for r in 0..3000 {
            for c in 0..width {
                if c % 3 == 0 {
                    w.text(&format!("школа {r}-{c}"));
                } else {
                    w.number(Some(r as f64 * 0.25 + c as f64));
                }
            }
            w.end_line();
        }
        let t = w.finish();
        let bytes = workbook(&[
            Sheet {
                name: "Первый",
                table: &t,
            },
            Sheet {
                name: "Второй, с 'кавычкой' и & знаком",
                table: &t,
            },
        ])
        .unwrap();
        let mut book = read_back(&bytes);
        let names = book.sheet_names();
        assert_eq!(names.len(), 2);
        for name in &names {
            let range = book.worksheet_range(name).unwrap();
            assert_eq!(range.get_size(), (3001, width));
            assert_eq!(
                range.get_value((3000, 0)),
                Some(&Data::String("школа 2999-0".into()))
            );
            assert_eq!(
                range.get_value((1234, 29)),
                Some(&Data::Float(1233.0 * 0.25 + 29.0))
            );
            assert_eq!(
                range.get_value((0, 27)),
                Some(&Data::String("Столбец 27".into()))
            );
        }
        let parts = parts_of(&bytes);
        let types = &parts["[Content_Types].xml"];
        for name in parts
            .keys()
            .filter(|n| !n.ends_with(".rels") && *n != "[Content_Types].xml")
        {
            assert!(
                types.contains(&format!("PartName=\"/{name}\"")),
                "{name}: {types}"
            );
        }
        let book_xml = &parts["xl/workbook.xml"];
        assert!(
            book_xml.contains(
                "localSheetId=\"1\" hidden=\"1\">'Второй, с ''кавычкой'' и &amp; знаком'!$A$1:$AD$3001<"
            ),
            "{book_xml}"
        );
        assert!(
            book_xml.contains(r#"<sheet name="Второй, с 'кавычкой' и &amp; знаком" sheetId="2""#)
        );
        assert!(parts["xl/worksheets/sheet2.xml"].contains(r#"<autoFilter ref="A1:AD3001"/>"#));
        // Only the first sheet is selected.
        assert!(parts["xl/worksheets/sheet1.xml"].contains("tabSelected"));
        assert!(!parts["xl/worksheets/sheet2.xml"].contains("tabSelected"));
        let core = &parts["docProps/core.xml"];
        assert!(
            core.contains(&crate::domain::common::version::app_line()),
            "{core}"
        );
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(column_name(MAX_COLUMNS - 1), "XFD");
    }
}
