//! The folder `input`: files read into rows of the contract. This module reads CSV and JSON and
//! the stored positional form; [`xlsx`] reads a workbook's sheet through the same column plan;
//! [`mapping`] maps a table whose header is not the contract's; [`xlsx_sheet`] reads a sheet
//! back cell for cell. Uses the folders `common`, `contract` and `tables` only.
//!
//! Reading the row contract from CSV, JSON and Excel (.xlsx) files.
//!
//! CSV: UTF-8 (a BOM is tolerated), separator `;`, `,` or tab (detected from the header),
//! decimal point or decimal comma, empty cell = no data; a line with fewer fields than the
//! header names columns is broken, an error (a blank line is skipped). JSON: an array of
//! objects with the same keys. Every problem is collected with its file, line/record and column; a row with
//! an error is not used, and the caller sees the error (nothing is dropped silently). XLSX: a
//! sheet of a workbook, read by [`xlsx`] through the same column plan and row checks as CSV.

use crate::domain::contract::problem::{FirstSeen, Place, Problem};
use crate::domain::contract::row::{Row, SchoolType, Values};
use crate::domain::contract::schema::{schema, Kind};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

pub mod mapping;
mod xlsx;
pub mod xlsx_sheet;
pub(crate) use xlsx::unreadable as unreadable_workbook;

/// Rows read from one file, with where each came from, and everything worth saying about it.
#[derive(Debug, Default, PartialEq)]
pub struct Parsed {
    pub file: String,
    pub rows: Vec<Row>,
    /// Where each row of `rows` came from (same length as `rows`).
    pub places: Vec<Place>,
    pub problems: Vec<Problem>,
}

/// What a binary file that is not a table of text really is, by its first bytes.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Some("архив ZIP без книги Excel — так устроены документы Word (.docx) и другие файлы")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("книга Excel старого формата (.xls) или документ Word старого формата (.doc); так же хранится и книга Excel, защищённая паролем, — тогда снимите пароль")
    } else if bytes.starts_with(b"%PDF") {
        Some("документ PDF")
    } else {
        None
    }
}

/// A binary file under a table's name, named for what it is, with what to do: a workbook is
/// read as «Книга Excel (.xlsx)», a text table as «CSV UTF-8».
fn binary_problem(file: &str, bytes: &[u8]) -> Option<Problem> {
    let kind = binary_kind(bytes)?;
    Some(Problem::error(
        file,
        Place::File,
        None,
        format!(
            "этот файл Шкала не читает: это {kind}. Откройте таблицу в Excel и сохраните её как «Книга Excel (.xlsx)» или как «CSV UTF-8 (разделитель — запятая)», затем загрузите новый файл."
        ),
    ))
}

/// How a file is to be read beyond its content: which sheet of a workbook, and a column
/// mapping for a file whose header is not the contract's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadOptions {
    /// The sheet to read; `None`: the first sheet whose header names the contract's required
    /// columns (or, with a mapping, the mapping's columns), else the first sheet.
    pub sheet: Option<String>,
    pub mapping: Option<ColumnMapping>,
}

/// Reads a file by its content: an Excel workbook (.xlsx), a JSON array (first non-blank byte
/// `[`) or CSV. Another binary file under a table's name is named for what it is.
pub fn parse_file(file: &str, bytes: &[u8]) -> Parsed {
    parse_file_with(file, bytes, &ReadOptions::default())
}

/// [`parse_file`] with a sheet and a column mapping.
pub fn parse_file_with(file: &str, bytes: &[u8], options: &ReadOptions) -> Parsed {
    if let Some(parsed) = xlsx::parse(file, bytes, options) {
        return parsed;
    }
    if let Some(problem) = binary_problem(file, bytes) {
        return Parsed {
            file: file.to_string(),
            problems: vec![problem],
            ..Parsed::default()
        };
    }
    if is_json(bytes) {
        parse_json(file, bytes)
    } else {
        parse_csv_with(file, bytes, options.mapping.as_ref())
    }
}

/// A JSON table by its first non-blank byte (after a BOM): `[` or `{`.
fn is_json(bytes: &[u8]) -> bool {
    let first = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    matches!(first, Some(b'[') | Some(b'{'))
}

/// What [`parse_file_with`] reads as CSV: not a workbook, another binary file or JSON.
#[cfg(not(target_arch = "wasm32"))]
fn is_csv(bytes: &[u8]) -> bool {
    binary_kind(bytes).is_none() && !is_json(bytes)
}

/// The first rows of a table file as they stand, for the mapping step: the sheets (of a
/// workbook), the header and up to `max_rows` records as text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TablePreview {
    pub file: String,
    /// The sheets of a workbook (empty for CSV).
    pub sheets: Vec<String>,
    /// The sheet read (for a workbook).
    pub sheet: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl TablePreview {
    /// True when the header names every required column of the contract by its id or
    /// Russian label, so the file can be read without a mapping.
    pub fn reads_by_names(&self) -> bool {
        let s = schema();
        let found: Vec<usize> = self
            .header
            .iter()
            .filter_map(|h| resolve_header(h))
            .collect();
        s.columns
            .iter()
            .enumerate()
            .all(|(i, c)| !c.required || found.contains(&i))
    }

    /// The values of a column of the preview (by position), empty cells left out.
    pub fn column_values(&self, position: usize) -> impl Iterator<Item = &str> {
        self.rows
            .iter()
            .filter_map(move |r| r.get(position))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }
}

/// Reads the header and the first `max_rows` records of a CSV file (or a workbook) without
/// matching them to the contract. A JSON file has no columns to map: an error (one per file:
/// the size of a [`Problem`] does not matter here).
#[allow(clippy::result_large_err)]
pub fn preview_table(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
    max_rows: usize,
) -> Result<TablePreview, Problem> {
    if let Some(preview) = xlsx::preview(file, bytes, options, max_rows) {
        return preview;
    }
    if let Some(problem) = binary_problem(file, bytes) {
        return Err(problem);
    }
    let mut problems = Vec::new();
    let Some(text) = decode(file, bytes, &mut problems) else {
        return Err(problems
            .pop()
            .unwrap_or_else(|| Problem::error(file, Place::File, None, "файл не читается")));
    };
    let first = text.trim_start().chars().next();
    if matches!(first, Some('[') | Some('{')) {
        return Err(Problem::error(
            file,
            Place::File,
            None,
            "файл JSON читается по названиям столбцов Шкалы; сопоставление столбцов нужно только для таблиц (CSV, XLSX)",
        ));
    }
    let mut records = CsvRecords::new(text, detect_separator(text));
    let header = match records.next() {
        Some(Ok((_, h))) => h.into_iter().map(Cow::into_owned).collect(),
        Some(Err((line, message))) => {
            return Err(Problem::error(file, Place::Line(line), None, message))
        }
        None => return Err(Problem::error(file, Place::File, None, "файл пуст")),
    };
    let rows = records
        .filter_map(Result::ok)
        .map(|(_, cells)| cells.into_iter().map(Cow::into_owned).collect::<Vec<_>>())
        .filter(|cells| cells.iter().any(|c| !c.trim().is_empty()))
        .take(max_rows)
        .collect();
    Ok(TablePreview {
        file: file.to_string(),
        sheets: Vec::new(),
        sheet: None,
        header,
        rows,
    })
}

/// Decodes UTF-8 (dropping a BOM), or explains why not.
fn decode<'a>(file: &str, bytes: &'a [u8], problems: &mut Vec<Problem>) -> Option<&'a str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) => {
            let high = bytes.iter().filter(|&&b| b >= 0xC0).count();
            let hint = if high > 0 {
                " Похоже, файл сохранён в кодировке Windows-1251: сохраните его в Excel как «CSV UTF-8 (разделитель — запятая)»."
            } else {
                ""
            };
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            problems.push(Problem::error(
                file,
                Place::Line(line),
                None,
                format!(
                    "файл не в кодировке UTF-8 (первый неверный символ — в этой строке).{hint}"
                ),
            ));
            None
        }
    }
}

// ---------------------------------------------------------------- CSV

/// Reads CSV records (RFC 4180 quoting) one at a time, each with the 1-based line it starts
/// on. Cells borrow from the text; only a quoted cell with doubled quotes is copied.
///
/// Stricter than RFC 4180 readers that guess: text between a closing quote and the next
/// separator (`"a"b;`) is an error for that record, and a quote left open to the end of the
/// file is an error that ends the reading — neither is silently dropped or swallowed. Spaces
/// around a quoted cell are allowed. On well-formed input the records are those of the `csv`
/// crate (a property test checks it).
struct CsvRecords<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    sep: u8,
    /// Cells of the last record: the next one's room (records of a table have as many; a
    /// line of thousands of separators does not make every later one take as much).
    width: usize,
}

/// A CSV record, or why the record at a line cannot be read.
type CsvRecord<'a> = Result<(usize, Vec<Cow<'a, str>>), (usize, String)>;

impl<'a> CsvRecords<'a> {
    fn new(text: &'a str, sep: char) -> Self {
        CsvRecords {
            text,
            pos: 0,
            line: 1,
            sep: sep as u8,
            width: 0,
        }
    }

    /// Moves past the end of the current line (after an error in it).
    fn skip_line(&mut self) {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() && bytes[self.pos] != b'\n' && bytes[self.pos] != b'\r' {
            self.pos += 1;
        }
        if bytes.get(self.pos) == Some(&b'\r') {
            self.pos += 1;
        }
        if bytes.get(self.pos) == Some(&b'\n') {
            self.pos += 1;
        }
        self.line += 1;
    }
}

impl<'a> Iterator for CsvRecords<'a> {
    type Item = CsvRecord<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut cells = Vec::with_capacity(self.width.min(256));
        let line = self.read_into(&mut cells)?;
        Some(line.map(|line| (line, cells)))
    }
}

impl<'a> CsvRecords<'a> {
    /// The next record into `cells` (emptied first; the reader of a whole file keeps one
    /// vector for all its records), with the line it starts on; or why the record at a line
    /// cannot be read; `None` at the end.
    fn read_into(
        &mut self,
        cells: &mut Vec<Cow<'a, str>>,
    ) -> Option<Result<usize, (usize, String)>> {
        cells.clear();
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        let start_line = self.line;
        loop {
            // One cell starting at self.pos.
            let mut i = self.pos;
            while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') && bytes[i] != self.sep
            {
                i += 1;
            }
            if i < bytes.len() && bytes[i] == b'"' {
                // Quoted cell: up to the closing quote; "" is a quote.
                let open_line = self.line;
                let mut j = i + 1;
                let mut escaped = false;
                loop {
                    match bytes.get(j) {
                        None => {
                            self.pos = bytes.len();
                            return Some(Err((
                                open_line,
                                "кавычка, открытая в этой строке, не закрыта до конца файла: проверьте кавычки".to_string(),
                            )));
                        }
                        Some(b'"') if bytes.get(j + 1) == Some(&b'"') => {
                            escaped = true;
                            j += 2;
                        }
                        Some(b'"') => break,
                        Some(b'\n') => {
                            self.line += 1;
                            j += 1;
                        }
                        Some(_) => j += 1,
                    }
                }
                let inner = &self.text[i + 1..j];
                cells.push(if escaped {
                    Cow::Owned(inner.replace("\"\"", "\""))
                } else {
                    Cow::Borrowed(inner)
                });
                // Only spaces may stand between the closing quote and the separator.
                let mut k = j + 1;
                while k < bytes.len()
                    && (bytes[k] == b' ' || bytes[k] == b'\t')
                    && bytes[k] != self.sep
                {
                    k += 1;
                }
                if k < bytes.len() && bytes[k] != self.sep && bytes[k] != b'\n' && bytes[k] != b'\r'
                {
                    self.pos = k;
                    self.skip_line();
                    return Some(Err((
                        start_line,
                        "после закрывающей кавычки идёт текст: ячейка с кавычками должна заканчиваться кавычкой (внутри ячейки кавычка пишется двумя \"\")".to_string(),
                    )));
                }
                self.pos = k;
            } else {
                let k = cell_end(bytes, self.pos, self.sep);
                cells.push(Cow::Borrowed(&self.text[self.pos..k]));
                self.pos = k;
            }
            match bytes.get(self.pos) {
                Some(&b) if b == self.sep => self.pos += 1,
                Some(b'\r') => {
                    self.pos += if bytes.get(self.pos + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                    self.line += 1;
                    self.width = cells.len();
                    return Some(Ok(start_line));
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    self.width = cells.len();
                    return Some(Ok(start_line));
                }
                _ => {
                    self.width = cells.len();
                    return Some(Ok(start_line));
                }
            }
        }
    }
}

/// Where an unquoted cell starting at `k` ends: the first separator or line break from `k`,
/// or the end. Eight bytes at a time: a byte of a word equal to one of the three is found
/// with the word's bit arithmetic (the lowest byte flagged is always a true match: a false
/// flag can only follow a true one), then byte by byte for the last few.
#[inline]
fn cell_end(bytes: &[u8], mut k: usize, sep: u8) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let (s, n, r) = (
        ONES * u64::from(sep),
        ONES * u64::from(b'\n'),
        ONES * u64::from(b'\r'),
    );
    while let Some(word) = bytes.get(k..k + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let found = zero_bytes(w ^ s) | zero_bytes(w ^ n) | zero_bytes(w ^ r);
        if found != 0 {
            return k + (found.trailing_zeros() / 8) as usize;
        }
        k += 8;
    }
    while k < bytes.len() && bytes[k] != sep && bytes[k] != b'\n' && bytes[k] != b'\r' {
        k += 1;
    }
    k
}

/// The separator is the most frequent of `;`, `,`, tab in the header line (outside quotes).
fn detect_separator(text: &str) -> char {
    let header = text.lines().next().unwrap_or("");
    // The separator under which the header names the most contract columns (Russian labels
    // hold commas: «Доля участников ЕГЭ по русскому языку (математике), …»); on a tie, the one
    // that occurs most outside quotes; `;` when nothing tells.
    let split = |sep: char| -> Vec<String> {
        let mut cells = vec![String::new()];
        let mut in_quotes = false;
        for c in header.chars() {
            if c == '"' {
                in_quotes = !in_quotes;
            } else if c == sep && !in_quotes {
                cells.push(String::new());
            } else if let Some(last) = cells.last_mut() {
                last.push(c);
            }
        }
        cells
    };
    [';', '\t', ',']
        .into_iter()
        .map(|sep| {
            let cells = split(sep);
            let named = cells.iter().filter(|c| resolve_header(c).is_some()).count();
            (sep, named, cells.len() - 1)
        })
        .max_by_key(|&(_, named, count)| (named, count))
        .filter(|&(_, named, count)| named > 0 || count > 0)
        .map(|(sep, _, _)| sep)
        .unwrap_or(';')
}

/// How many bytes of a CSV file hold its header and its first `records` non-blank records
/// (the whole length when it has no more): reading only those bytes gives exactly those
/// records as reading the whole file does — the mapping step previews a big file this way.
/// `None` for what is not CSV text (a workbook, JSON, not UTF-8).
pub fn csv_head_len(bytes: &[u8], records: usize) -> Option<usize> {
    if binary_kind(bytes).is_some() {
        return None;
    }
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let text = std::str::from_utf8(&bytes[bom..]).ok()?;
    if matches!(text.trim_start().chars().next(), Some('[') | Some('{')) {
        return None;
    }
    let mut reader = CsvRecords::new(text, detect_separator(text));
    // A header that cannot be read: the whole file (its reading stops there anyway).
    reader.next()?.ok()?;
    let mut read = 0;
    while read < records {
        match reader.next() {
            None => break,
            Some(Ok((_, cells))) if cells.iter().all(|c| c.trim().is_empty()) => {}
            Some(_) => read += 1,
        }
    }
    Some(bom + reader.pos)
}

#[cfg(test)]
mod separator_tests {
    use super::*;

    /// Found by the fuzzer's author: the Russian labels hold commas, so a `;` file with a
    /// header of labels was read as comma-separated.
    #[test]
    fn a_header_of_russian_labels_with_commas_keeps_its_own_separator() {
        let s = schema();
        let labels: Vec<&str> = s.columns.iter().map(|c| c.label.as_str()).collect();
        assert!(labels.iter().map(|l| l.matches(',').count()).sum::<usize>() > labels.len());
        for sep in [";", "\t"] {
            assert_eq!(
                detect_separator(&labels.join(sep)),
                sep.chars().next().unwrap()
            );
        }
        let ids: Vec<&str> = s.columns.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(detect_separator(&ids.join(",")), ',');
        assert_eq!(detect_separator("a;b;c"), ';');
        assert_eq!(detect_separator("a,b,c"), ',');
        assert_eq!(detect_separator(""), ';');
    }
}

/// Finds the contract column a header cell names: the id (any case) or the Russian label.
fn resolve_header(cell: &str) -> Option<usize> {
    // The labels as compared, made once (a workbook's header can have 16,384 cells).
    static LABELS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let labels = LABELS.get_or_init(|| {
        schema()
            .columns
            .iter()
            .map(|c| normalise_header(&c.label))
            .collect()
    });
    let lower = normalise_header(cell);
    let s = schema();
    s.columns
        .iter()
        .position(|c| c.id == lower)
        .or_else(|| labels.iter().position(|l| *l == lower))
}

pub fn parse_csv(file: &str, bytes: &[u8]) -> Parsed {
    parse_csv_with(file, bytes, None)
}

/// Reads a CSV file; with a mapping, its columns are read as the mapping says.
pub fn parse_csv_with(file: &str, bytes: &[u8], mapping: Option<&ColumnMapping>) -> Parsed {
    let mut out = Parsed {
        file: file.to_string(),
        ..Parsed::default()
    };
    if let Some(body) = CsvBody::read_header(file, bytes, mapping, &mut out.problems) {
        body.read(body.start, body.line, body.text.len(), &mut out);
    }
    out
}

/// A CSV file whose header is read and whose columns are planned: what its records are read
/// by, from anywhere a record starts.
struct CsvBody<'a> {
    file: &'a str,
    text: &'a str,
    sep: char,
    plan: ColumnPlan,
    /// The fields a record must have: one for every column the header names (empty columns
    /// at the header's end aside).
    expected: usize,
    /// Where the first record after the header starts, and its line.
    start: usize,
    line: usize,
}

impl<'a> CsvBody<'a> {
    /// Decodes the file and reads its header; `None` when no record can be read (the
    /// problems say why).
    fn read_header(
        file: &'a str,
        bytes: &'a [u8],
        mapping: Option<&ColumnMapping>,
        problems: &mut Vec<Problem>,
    ) -> Option<CsvBody<'a>> {
        let text = decode(file, bytes, problems)?;
        if text.trim().is_empty() {
            problems.push(Problem::error(file, Place::File, None, "файл пуст"));
            return None;
        }
        let sep = detect_separator(text);
        let mut records = CsvRecords::new(text, sep);
        let header: Vec<String> = match records.next() {
            Some(Ok((_, header))) => header.into_iter().map(Cow::into_owned).collect(),
            Some(Err((line, message))) => {
                problems.push(Problem::error(file, Place::Line(line), None, message));
                return None;
            }
            None => {
                problems.push(Problem::error(file, Place::File, None, "файл пуст"));
                return None;
            }
        };
        let plan = plan_columns(file, &header, &|_| Place::Line(1), mapping, problems)?;
        // A record must have a field for every column the header names (empty columns at the
        // header's end aside): a shorter one is a broken line, not a row with empty cells.
        let expected = header
            .iter()
            .rposition(|h| !h.trim().is_empty())
            .map_or(0, |p| p + 1);
        Some(CsvBody {
            file,
            text,
            sep,
            plan,
            expected,
            start: records.pos,
            line: records.line,
        })
    }

    /// Reads the records that start at `from` (where a record starts, on line `line`) and
    /// before `until` — the last may run past it — into `out`; returns where the reading
    /// stopped (where the next record starts, or the end of the text) and its line.
    fn read(&self, from: usize, line: usize, until: usize, out: &mut Parsed) -> (usize, usize) {
        let file = self.file;
        let mut records = CsvRecords::new(self.text, self.sep);
        (records.pos, records.line) = (from, line);
        let mut cells = Vec::with_capacity(self.plan.targets.len());
        while records.pos < until {
            let Some(record) = records.read_into(&mut cells) else {
                break;
            };
            match record {
                Ok(line) => {
                    if cells.len() < self.expected && cells.iter().any(|c| !c.trim().is_empty()) {
                        out.problems.push(Problem::error(
                            file,
                            Place::Line(line),
                            None,
                            short_record(cells.len(), self.expected),
                        ));
                        continue;
                    }
                    read_record(file, &self.plan, &cells, &|_| Place::Line(line), out);
                }
                Err((line, message)) => {
                    out.problems
                        .push(Problem::error(file, Place::Line(line), None, message));
                }
            }
        }
        (records.pos, records.line)
    }
}

/// [`parse_csv_with`] on up to `chunks` threads, with exactly its result — the same rows,
/// places and problems in the same order, with the same line numbers (a test checks it on
/// files with errors, quoted line breaks and blank lines around the cuts). Native only: the
/// browser's worker has no threads.
///
/// The records after the header are cut into `chunks` parts of about equal size, each
/// beginning just after a line break, and read at once, each part counting its lines from 0.
/// A part is taken when the part before it ended exactly where it begins — its reading then
/// started where the whole file's reading starts a record, so it read the same records — and
/// its line numbers are moved by the line the part before it ended on. Where a quoted cell
/// holds the line break at a cut (or a quote is left open), the part before runs past the cut:
/// the rest of the file is then read on from there, in one piece.
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_csv_in_chunks(
    file: &str,
    bytes: &[u8],
    mapping: Option<&ColumnMapping>,
    chunks: usize,
) -> Parsed {
    let mut out = Parsed {
        file: file.to_string(),
        ..Parsed::default()
    };
    let Some(body) = CsvBody::read_header(file, bytes, mapping, &mut out.problems) else {
        return out;
    };
    let text = body.text.as_bytes();
    let len = text.len();
    let mut cuts = vec![body.start];
    for k in 1..chunks.max(1) {
        let at = body.start + (len - body.start) / chunks * k;
        let at = match text[at..].iter().position(|&b| b == b'\n') {
            Some(p) => at + p + 1,
            None => len,
        };
        if at > cuts[cuts.len() - 1] && at < len {
            cuts.push(at);
        }
    }
    cuts.push(len);
    if cuts.len() <= 2 {
        body.read(body.start, body.line, len, &mut out);
        return out;
    }
    // (what a part read, where it stopped, the line it stopped on)
    let parts: Vec<(Parsed, usize, usize)> = std::thread::scope(|s| {
        let body = &body;
        let others: Vec<_> = cuts[1..]
            .windows(2)
            .map(|w| {
                let (from, until) = (w[0], w[1]);
                s.spawn(move || {
                    let mut part = Parsed::default();
                    let (pos, line) = body.read(from, 0, until, &mut part);
                    (part, pos, line)
                })
            })
            .collect();
        let mut first = Parsed::default();
        let (pos, line) = body.read(body.start, body.line, cuts[1], &mut first);
        let mut parts = vec![(first, pos, line)];
        for h in others {
            parts.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        parts
    });
    let rows = parts.iter().map(|p| p.0.rows.len()).sum();
    out.rows.reserve_exact(rows);
    out.places.reserve_exact(rows);
    let (mut pos, mut line) = (body.start, body.line);
    for (k, (mut part, end, end_line)) in parts.into_iter().enumerate() {
        if pos != cuts[k] {
            // The part before ran past this cut: read on from where it stopped.
            body.read(pos, line, len, &mut out);
            break;
        }
        // This part counted its lines from 0 (the first from the file's own line).
        let shift = if k == 0 { 0 } else { line };
        if shift > 0 {
            let places = part.places.iter_mut();
            for place in places.chain(part.problems.iter_mut().map(|p| &mut p.place)) {
                if let Place::Line(n) = place {
                    *n += shift;
                }
            }
        }
        out.rows.append(&mut part.rows);
        out.places.append(&mut part.places);
        out.problems.append(&mut part.problems);
        (pos, line) = (end, end_line + shift);
    }
    out
}

/// [`parse_file_with`] reading a large CSV file on every core ([`parse_csv_in_chunks`]: the
/// same result); workbooks, JSON and small files as [`parse_file_with`] does. The CLI's reader.
/// In the browser (no threads) it is [`parse_file_with`].
#[cfg(target_arch = "wasm32")]
pub fn parse_file_on_all_cores(file: &str, bytes: &[u8], options: &ReadOptions) -> Parsed {
    parse_file_with(file, bytes, options)
}

/// [`parse_file_with`] reading a large CSV file on every core ([`parse_csv_in_chunks`]: the
/// same result); workbooks, JSON and small files as [`parse_file_with`] does. The CLI's reader.
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_file_on_all_cores(file: &str, bytes: &[u8], options: &ReadOptions) -> Parsed {
    /// Below this, a part is not worth a thread.
    const PART: usize = 1 << 20;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunks = cores.min(bytes.len() / PART);
    if chunks < 2 || !is_csv(bytes) {
        return parse_file_with(file, bytes, options);
    }
    parse_csv_in_chunks(file, bytes, options.mapping.as_ref(), chunks)
}

/// Why a CSV record with fewer fields than the header is not read.
fn short_record(found: usize, expected: usize) -> String {
    format!(
        "в строке {}, а в заголовке {}: строка оборвана или в ней пропущены разделители — она не прочитана (пустое значение пишется пустым полем между разделителями)",
        crate::domain::common::format::count(found, "поле", "поля", "полей"),
        crate::domain::common::format::count(expected, "поле", "поля", "полей"),
    )
}

/// How one column of a file is read: the contract column, and whether its shares are given
/// as fractions (0–1) to be read as percentages.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Target {
    column: usize,
    fraction: bool,
}

/// For each column of a file (by position), how it is read; `None` = not used.
#[derive(Debug, Clone, Default)]
struct ColumnPlan {
    targets: Vec<Option<Target>>,
}

/// A reading of a file's columns chosen by a person (the mapping step), for files whose
/// header is not the contract's: each of the file's columns, by its header text, is read as a
/// contract column or ignored. Saved by name so that next year's file of the same form opens
/// with it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnMapping {
    pub name: String,
    pub columns: Vec<MappedColumn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappedColumn {
    /// The file's header text (matched ignoring case and surrounding spaces).
    pub source: String,
    /// The contract column id; `None` = the column is ignored.
    pub target: Option<String>,
    /// A share given as a fraction (0–1) is multiplied by 100.
    #[serde(default)]
    pub fraction: bool,
}

impl ColumnMapping {
    /// Reads a mapping from JSON (the CLI's `--mapping`, the app's saved mappings).
    pub fn from_json(text: &str) -> Result<ColumnMapping, String> {
        serde_json::from_str(text).map_err(|e| crate::domain::contract::problem::serde_error_ru(&e))
    }

    fn find(&self, header: &str) -> Option<&MappedColumn> {
        let key = normalise_header(header);
        self.columns
            .iter()
            .find(|m| normalise_header(&m.source) == key)
    }
}

/// A header cell as compared: spaces at the ends, a BOM and case do not matter; runs of
/// spaces and line breaks inside (merged or wrapped header cells) count as one space.
pub fn normalise_header(cell: &str) -> String {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Matches each header cell to a contract column: by the mapping where it names the cell,
/// otherwise by the contract's id or Russian label. Unknown columns are warned about and not
/// used; a repeated column or a missing required one is an error (then `None`: no row can be
/// read). `at(position)` is where a header cell is.
fn plan_columns(
    file: &str,
    header: &[String],
    at: &dyn Fn(usize) -> Place,
    mapping: Option<&ColumnMapping>,
    problems: &mut Vec<Problem>,
) -> Option<ColumnPlan> {
    let s = schema();
    let mut targets: Vec<Option<Target>> = Vec::with_capacity(header.len());
    let mut seen: HashMap<usize, usize> = HashMap::new();
    let mut ok = true;
    if let Some(m) = mapping {
        for mc in &m.columns {
            if let Some(id) = &mc.target {
                if s.position(id).is_none() {
                    problems.push(Problem::error(
                        file,
                        Place::File,
                        Some(&mc.source),
                        format!(
                            "в сопоставлении «{}» столбец файла отнесён к неизвестному столбцу «{id}»",
                            m.name
                        ),
                    ));
                    ok = false;
                }
            }
            if !header
                .iter()
                .any(|h| normalise_header(h) == normalise_header(&mc.source))
            {
                problems.push(Problem::warning(
                    file,
                    Place::File,
                    Some(&mc.source),
                    format!("в файле нет столбца из сопоставления «{}»", m.name),
                ));
            }
        }
    }
    for (pos, cell) in header.iter().enumerate() {
        let name = cell.trim();
        if name.is_empty() {
            targets.push(None);
            continue;
        }
        let target = match mapping.and_then(|m| m.find(name)) {
            Some(mc) => match &mc.target {
                None => {
                    targets.push(None);
                    continue;
                }
                Some(id) => s.position(id).map(|column| Target {
                    column,
                    fraction: mc.fraction && s.columns[column].kind == Kind::Share,
                }),
            },
            None => resolve_header(name).map(|column| Target {
                column,
                fraction: false,
            }),
        };
        match target {
            Some(t) => {
                if let Some(first) = seen.insert(t.column, pos) {
                    problems.push(Problem::error(
                        file,
                        at(pos),
                        Some(&s.columns[t.column].id),
                        format!(
                            "столбец повторяется в заголовке (позиции {} и {})",
                            first + 1,
                            pos + 1
                        ),
                    ));
                    ok = false;
                }
                targets.push(Some(t));
            }
            None => {
                if mapping.is_none_or(|m| m.find(name).is_none()) {
                    problems.push(Problem::warning(
                        file,
                        at(pos),
                        Some(name),
                        "неизвестный столбец — он не будет использован",
                    ));
                }
                targets.push(None);
            }
        }
    }
    for (i, c) in s.columns.iter().enumerate() {
        if c.required && !seen.contains_key(&i) {
            problems.push(Problem::error(
                file,
                at(0),
                Some(&c.id),
                format!("нет обязательного столбца «{}» ({})", c.id, c.label),
            ));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    note_absent_columns(file, |col| seen.contains_key(&col), problems);
    Some(ColumnPlan { targets })
}

/// A cell of a record as [`read_record`] takes it: a CSV field as it is, or a workbook's cell.
trait RecordCell {
    fn cell(&self) -> Cell<'_>;
    fn is_blank(&self) -> bool;
}

impl RecordCell for Cow<'_, str> {
    fn cell(&self) -> Cell<'_> {
        Cell::Text(self)
    }
    fn is_blank(&self) -> bool {
        self.trim().is_empty()
    }
}

impl RecordCell for Cell<'_> {
    fn cell(&self) -> Cell<'_> {
        self.clone()
    }
    fn is_blank(&self) -> bool {
        Cell::is_blank(self)
    }
}

/// Reads one record of a table by the plan: a blank record is skipped; a record with more
/// filled cells than the header has columns is an error. `at(position)` is where a cell is
/// (`None`: the record as a whole).
fn read_record<C: RecordCell>(
    file: &str,
    plan: &ColumnPlan,
    cells: &[C],
    at: &dyn Fn(Option<usize>) -> Place,
    out: &mut Parsed,
) {
    if cells.iter().all(RecordCell::is_blank) {
        return;
    }
    let width = plan.targets.len();
    if cells.len() > width && cells[width..].iter().any(|c| !c.is_blank()) {
        out.problems.push(Problem::error(
            file,
            at(None),
            None,
            format!(
                "в строке {} ячеек, а в заголовке {}: проверьте разделитель и кавычки",
                cells.len(),
                width
            ),
        ));
        return;
    }
    let fields = plan.targets.iter().enumerate().filter_map(|(pos, target)| {
        target.map(|t| Field {
            column: t.column,
            position: Some(pos),
            fraction: t.fraction,
            cell: cells.get(pos).map_or(Cell::Text(""), RecordCell::cell),
        })
    });
    if let Some(row) = build_row(file, at, fields, &mut out.problems) {
        out.rows.push(row);
        out.places.push(at(None));
    }
}

/// Says which data columns a file does not have (they count as empty in every row).
fn note_absent_columns(file: &str, present: impl Fn(usize) -> bool, problems: &mut Vec<Problem>) {
    let s = schema();
    let mut whole_groups = Vec::new();
    let mut single = Vec::new();
    for g in &s.groups {
        let cols: Vec<(usize, &str)> = s
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.group == g.id && !c.required)
            .map(|(i, c)| (i, c.label.as_str()))
            .collect();
        if cols.is_empty() {
            continue;
        }
        let absent: Vec<&str> = cols
            .iter()
            .filter(|(i, _)| !present(*i))
            .map(|(_, id)| *id)
            .collect();
        if absent.len() == cols.len() {
            whole_groups.push(g.label.as_str());
        } else {
            single.extend(absent);
        }
    }
    if whole_groups.is_empty() && single.is_empty() {
        return;
    }
    let mut parts = Vec::new();
    if !whole_groups.is_empty() {
        parts.push(format!("нет данных: {}", whole_groups.join(", ")));
    }
    if !single.is_empty() {
        let named: Vec<String> = single.iter().map(|l| format!("«{l}»")).collect();
        parts.push(format!("нет столбцов: {}", named.join(", ")));
    }
    problems.push(Problem::note(
        file,
        Place::File,
        None,
        format!(
            "{}; эти показатели считаются пустыми во всех строках",
            parts.join("; ")
        ),
    ));
}

// ---------------------------------------------------------------- JSON

pub fn parse_json(file: &str, bytes: &[u8]) -> Parsed {
    let mut out = Parsed {
        file: file.to_string(),
        ..Parsed::default()
    };
    let Some(text) = decode(file, bytes, &mut out.problems) else {
        return out;
    };
    // The strict reader: a repeated key in an object is refused (which value was meant?),
    // as in bundles.
    let value = match crate::domain::common::canonical::parse_json(text) {
        Ok(v) => v,
        Err(e) => {
            out.problems
                .push(Problem::error(file, Place::File, None, e.to_string()));
            return out;
        }
    };
    let Some(items) = value.as_array() else {
        out.problems.push(Problem::error(
            file,
            Place::File,
            None,
            "ожидался массив объектов (по одному на школу и год)",
        ));
        return out;
    };
    let rows = rows_from_json_array(file, items, |i| Place::Record(i + 1), &mut out.problems);
    for (place, row) in rows {
        out.places.push(place);
        out.rows.push(row);
    }
    out
}

/// Validates an array of row objects (used by JSON files and by bundle payloads).
/// `place` gives the location of element `i`. Unknown keys are reported once per key.
pub fn rows_from_json_array(
    file: &str,
    items: &[serde_json::Value],
    place: impl Fn(usize) -> Place,
    problems: &mut Vec<Problem>,
) -> Vec<(Place, Row)> {
    let s = schema();
    let mut present = vec![false; s.columns.len()];
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if let Some(obj) = item.as_object() {
            for k in obj.keys() {
                match s.columns.iter().position(|c| c.id == *k) {
                    Some(c) => present[c] = true,
                    None => {
                        unknown.entry(k.clone()).or_insert(i);
                    }
                }
            }
        }
        if let Some(row) = row_from_json(item, file, place(i), problems) {
            rows.push((place(i), row));
        }
    }
    for (k, first) in unknown {
        problems.push(Problem::warning(
            file,
            place(first),
            Some(&k),
            "неизвестное поле — оно не будет использовано",
        ));
    }
    if !items.is_empty() {
        note_absent_columns(file, |c| present[c], problems);
    }
    rows
}

/// Validates one JSON object as a row. Problems go to `problems`; `None` if the row has errors.
pub fn row_from_json(
    value: &serde_json::Value,
    file: &str,
    place: Place,
    problems: &mut Vec<Problem>,
) -> Option<Row> {
    let Some(obj) = value.as_object() else {
        problems.push(Problem::error(
            file,
            place,
            None,
            "ожидался объект с полями строки",
        ));
        return None;
    };
    let s = schema();
    let mut fields: Vec<Field> = Vec::with_capacity(obj.len());
    for (i, c) in s.columns.iter().enumerate() {
        let cell = match obj.get(&c.id) {
            Some(v) => Cell::Json(v),
            None if c.required => Cell::Text(""),
            None => continue,
        };
        fields.push(Field {
            column: i,
            position: None,
            fraction: false,
            cell,
        });
    }
    build_row(file, &|_| place.clone(), fields, problems)
}

// ---------------------------------------------------------------- cells → row

/// Why a cell is refused: the message, the same wherever the same mistake is, and the value
/// read when it is the point — kept apart, so that one mistake repeated down a column groups
/// as one ([`crate::domain::contract::problem::group`]).
struct Refusal {
    message: String,
    value: Option<String>,
}

/// A text read as a number, or refused with the text as the value read.
fn text_number(text: &str) -> Result<Option<f64>, Refusal> {
    parse_number(text).map_err(|_| Refusal {
        message: "ожидалось число".into(),
        value: Some(text.trim().to_string()),
    })
}

/// A cell as it came from the file.
#[derive(Clone)]
enum Cell<'a> {
    Text(&'a str),
    Json(&'a serde_json::Value),
    /// A number stored as a number (a workbook's numeric cell).
    Number(f64),
    /// A workbook cell that is neither text nor a number: what it is and how it shows
    /// («дата 01.09.2024», «логическое значение ИСТИНА», «ошибка Excel #DIV/0!»).
    Other(String),
    /// A workbook's formula whose value no spreadsheet computed (the formula, with its `=`):
    /// its stored value — nothing, or the 0 a program put there — is not the data.
    Uncomputed(&'a str),
}

/// A cell with the contract column it is read as, where it is in its record, and whether a
/// share in it is a fraction (0–1) to be read as a percentage.
struct Field<'a> {
    column: usize,
    position: Option<usize>,
    fraction: bool,
    cell: Cell<'a>,
}

impl Cell<'_> {
    fn is_blank(&self) -> bool {
        match self {
            Cell::Text(s) => s.trim().is_empty(),
            Cell::Json(v) => v.is_null(),
            Cell::Number(_) | Cell::Other(_) | Cell::Uncomputed(_) => false,
        }
    }

    /// The cell as text (for identity fields); numbers are written without a trailing `.0`.
    fn text(&self) -> Result<String, String> {
        match self {
            Cell::Text(s) => Ok(unguard(s.trim()).to_string()),
            Cell::Json(serde_json::Value::String(s)) => Ok(s.trim().to_string()),
            Cell::Json(serde_json::Value::Number(n)) => Ok(n.to_string()),
            Cell::Json(serde_json::Value::Null) => Ok(String::new()),
            Cell::Json(v) => Err(format!("ожидался текст, получено {}", json_kind(v))),
            Cell::Number(v) => Ok(shortest_decimal(*v)),
            Cell::Other(what) => Err(format!("ожидался текст, а в ячейке {what}")),
            Cell::Uncomputed(formula) => Err(uncomputed(formula)),
        }
    }

    /// The cell as a number: `Ok(None)` for an empty cell. A refusal is its message and,
    /// where the value read is the point, that value (kept apart, see [`Refusal`]).
    fn number(&self) -> Result<Option<f64>, Refusal> {
        let plain = |m: String| Refusal {
            message: m,
            value: None,
        };
        match self {
            Cell::Text(s) => text_number(s),
            Cell::Json(serde_json::Value::String(s)) => text_number(s),
            Cell::Json(serde_json::Value::Number(n)) => {
                n.as_f64().map(Some).ok_or_else(|| Refusal {
                    message: "число вне допустимого диапазона".into(),
                    value: Some(n.to_string()),
                })
            }
            Cell::Json(serde_json::Value::Null) => Ok(None),
            Cell::Json(v) => Err(plain(format!("ожидалось число, получено {}", json_kind(v)))),
            Cell::Number(v) if v.is_finite() => Ok(Some(*v)),
            Cell::Number(_) => Err(plain("число вне допустимого диапазона".to_string())),
            Cell::Other(what) => Err(plain(format!("ожидалось число, а в ячейке {what}"))),
            Cell::Uncomputed(formula) => Err(plain(uncomputed(formula))),
        }
    }

    fn raw(&self) -> String {
        match self {
            Cell::Text(s) => s.trim().to_string(),
            Cell::Json(serde_json::Value::String(s)) => s.trim().to_string(),
            Cell::Json(v) => v.to_string(),
            Cell::Number(v) => shortest_decimal(*v),
            Cell::Other(what) => what.clone(),
            Cell::Uncomputed(formula) => formula.to_string(),
        }
    }
}

/// Why a formula's cell is not read: its value was never computed (`formula` empty: a cell
/// of a shared formula, which stores no text of its own).
fn uncomputed(formula: &str) -> String {
    let formula = if formula.is_empty() {
        String::new()
    } else {
        format!(" «{formula}»")
    };
    format!(
        "в ячейке формула{formula} без вычисленного значения (книгу записала программа, а не Excel): откройте файл в Excel и сохраните его — Excel вычислит формулы, — или вставьте в эти ячейки значения («Специальная вставка» → «Значения»)"
    )
}

/// A number as a person would type it: no trailing `.0` for whole numbers (a workbook stores
/// a school id or a year as a number).
fn shortest_decimal(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Drops the apostrophe that [`crate::domain::tables::csv_write`] puts before a text starting with a
/// formula character or an apostrophe.
fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::domain::tables::csv_write::GUARDED) => rest,
        _ => s,
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "логическое значение",
        serde_json::Value::Number(_) => "число",
        serde_json::Value::String(_) => "текст",
        serde_json::Value::Array(_) => "массив",
        serde_json::Value::Object(_) => "объект",
    }
}

/// Parses a number written by a person or by Excel: decimal point or comma, spaces or
/// non-breaking spaces between thousands, an optional trailing `%`. Empty → `Ok(None)`.
#[inline]
pub fn parse_number(raw: &str) -> Result<Option<f64>, String> {
    // Nearly every cell of a table: `63,2`, `3.69`, `306`.
    match plain_decimal(raw.as_bytes()) {
        Some(v) => Ok(Some(v)),
        None => parse_other_number(raw),
    }
}

/// [`parse_number`] of what is not a plain decimal.
fn parse_other_number(raw: &str) -> Result<Option<f64>, String> {
    let t = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}');
    if t.is_empty() {
        return Ok(None);
    }
    // The common cases — plain digits with a point, or with one decimal comma — parse
    // without allocating.
    if t.bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(format!("«{t}» не является числом")),
        };
    }
    let b = t.as_bytes();
    if b.len() <= 64
        && b.iter().filter(|&&c| c == b',').count() == 1
        && b.iter()
            .all(|&c| c.is_ascii_digit() || c == b',' || c == b'-')
    {
        let mut buf = [0u8; 64];
        for (d, &c) in buf.iter_mut().zip(b) {
            *d = if c == b',' { b'.' } else { c };
        }
        // Only ASCII bytes were copied.
        let s = std::str::from_utf8(&buf[..b.len()]).unwrap_or("");
        return match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(format!("«{t}» не является числом")),
        };
    }
    let t = t.strip_suffix('%').map(str::trim_end).unwrap_or(t);
    let mut s: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if s.contains(',') {
        if s.contains('.') || s.matches(',').count() > 1 {
            return Err(format!("«{raw}» не является числом"));
        }
        s = s.replace(',', ".");
    }
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return Err(format!("«{}» не является числом", raw.trim()));
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(format!("«{}» не является числом", raw.trim())),
    }
}

/// Exact powers of ten (every one up to 10¹⁵ is an `f64` without rounding).
const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A plain decimal — digits with at most one decimal comma or point, 15 digits at most, no
/// sign, no spaces — read as `str::parse` reads it (with a point), without its general
/// machinery: the digits as a whole number and the power of ten are both exact in `f64`, so
/// their quotient, rounded once, is the correctly rounded value, which `parse` returns too
/// (Clinger's fast path; a test compares them). `None` for anything else.
#[inline]
fn plain_decimal(b: &[u8]) -> Option<f64> {
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let (mut whole, mut digits, mut point) = (0u64, 0usize, None);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                whole = whole * 10 + u64::from(c - b'0');
                digits += 1;
            }
            b',' | b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    if digits == 0 || digits > 15 {
        return None;
    }
    let decimals = point.map_or(0, |p| b.len() - 1 - p);
    // Below 10¹⁵: exact as i64 and as f64 (one conversion instruction, unlike from u64).
    Some(whole as i64 as f64 / POWERS_OF_TEN[decimals])
}

/// Builds and validates a row from (column index, cell) pairs. Missing data columns stay empty.
fn build_row<'c>(
    file: &str,
    at: &dyn Fn(Option<usize>) -> Place,
    fields: impl IntoIterator<Item = Field<'c>>,
    problems: &mut Vec<Problem>,
) -> Option<Row> {
    let s = schema();
    let mut ok = true;
    let mut school_id = String::new();
    let mut school_name = String::new();
    let mut municipality = String::new();
    let mut school_type = None;
    let mut year = None;
    let mut values = Values::empty();
    for field in fields {
        let (col, cell) = (&field.column, &field.cell);
        let err = |col: &str, refusal: Refusal, problems: &mut Vec<Problem>| {
            let p = Problem::error(file, at(field.position), Some(col), refusal.message);
            problems.push(match refusal.value {
                Some(v) => p.with_value(v),
                None => p,
            });
        };
        let said = |message: &str| Refusal {
            message: message.to_string(),
            value: None,
        };
        let c = &s.columns[*col];
        if let Cell::Uncomputed(formula) = cell {
            err(&c.id, said(&uncomputed(formula)), problems);
            ok = false;
            continue;
        }
        match c.kind {
            Kind::Text => match cell.text() {
                Ok(t) if t.is_empty() && c.required => {
                    err(&c.id, said("обязательное поле не заполнено"), problems);
                    ok = false;
                }
                Ok(t) => match c.id.as_str() {
                    "school_id" => school_id = t,
                    "school_name" => school_name = t,
                    _ => municipality = t,
                },
                Err(m) => {
                    err(&c.id, said(&m), problems);
                    ok = false;
                }
            },
            Kind::SchoolType => {
                let t = match cell {
                    Cell::Text(s) => Cow::Borrowed(unguard(s.trim())),
                    _ => Cow::Owned(cell.text().unwrap_or_else(|_| cell.raw())),
                };
                if t.is_empty() {
                    err(&c.id, said("обязательное поле не заполнено"), problems);
                    ok = false;
                } else if let Some(st) = SchoolType::parse(&t) {
                    school_type = Some(st);
                } else {
                    let allowed: Vec<String> = SchoolType::ALL
                        .iter()
                        .map(|t| format!("«{}»", t.label()))
                        .collect();
                    let message = format!(
                        "неизвестный тип школы (допустимые значения: {} и сокращения СОШ, ООШ …)",
                        allowed.join(", ")
                    );
                    let refusal = Refusal {
                        message,
                        value: Some(t.into_owned()),
                    };
                    err(&c.id, refusal, problems);
                    ok = false;
                }
            }
            Kind::Year => match cell.number() {
                Ok(Some(v)) if is_year(v) => year = Some(v as i32),
                Ok(None) => {
                    err(&c.id, said("обязательное поле не заполнено"), problems);
                    ok = false;
                }
                Ok(Some(_)) | Err(_) => {
                    err(&c.id, not_a_year(cell), problems);
                    ok = false;
                }
            },
            kind => match cell.number() {
                Ok(None) => {}
                Ok(Some(v)) => match check_range(kind, as_percentage(v, field.fraction)) {
                    Ok(()) => {
                        if let Some(d) = s.data_index_of_column(*col) {
                            values.set(d, Some(as_percentage(v, field.fraction)));
                        }
                    }
                    Err(m) => {
                        let refusal = Refusal {
                            message: m.to_string(),
                            value: Some(cell.raw()),
                        };
                        err(&c.id, refusal, problems);
                        ok = false;
                    }
                },
                Err(m) => {
                    err(&c.id, m, problems);
                    ok = false;
                }
            },
        }
    }
    if !ok {
        return None;
    }
    Some(Row {
        school_id,
        school_name,
        municipality,
        school_type: school_type?,
        year: year?,
        values,
    })
}

/// Why a cell is not a year. A workbook's date is named, with what to do: a year typed into a
/// cell formatted as a date is stored as a day number (2024 → 16.07.1905).
fn not_a_year(cell: &Cell) -> Refusal {
    let (message, value) = match cell {
        Cell::Other(what) if what.starts_with("дата") => (format!(
            "год должен быть целым числом от 1990 до 2100, а в ячейке {what} (у ячейки формат даты: поставьте формат «Общий» или «Числовой» и введите год числом)"
        ), None),
        Cell::Other(what) => (
            format!("год должен быть целым числом от 1990 до 2100, а в ячейке {what}"),
            None,
        ),
        _ => (
            "год должен быть целым числом от 1990 до 2100".to_string(),
            Some(cell.raw()),
        ),
    };
    Refusal { message, value }
}

/// A year a row may have: a whole number from 1990 to 2100.
pub fn is_year(v: f64) -> bool {
    v.fract() == 0.0 && (1990.0..=2100.0).contains(&v)
}

/// A share given as a fraction (0–1) read as a percentage. Rounded to 10 decimal places so
/// that 0.07 reads as 7, not 7.000000000000001 (the shares are whole or tenths of a percent).
fn as_percentage(v: f64, fraction: bool) -> f64 {
    if fraction {
        (v * 100.0 * 1e10).round() / 1e10
    } else {
        v
    }
}

/// The allowed values of each numeric kind, with the Russian rule for messages.
pub fn check_range(kind: Kind, v: f64) -> Result<(), &'static str> {
    let ok = match kind.range() {
        Some((lo, hi)) => v >= lo && v <= hi,
        None => true,
    };
    let integral = kind != Kind::Count || v.fract() == 0.0;
    if ok && integral {
        return Ok(());
    }
    Err(match kind {
        Kind::Count => "количество должно быть целым неотрицательным числом",
        Kind::Share => "доля должна быть от 0 до 100 %",
        Kind::Score100 => "средний балл ЕГЭ должен быть от 0 до 100",
        Kind::Score5 => "средний балл по пятибалльной шкале должен быть от 2 до 5",
        _ => "недопустимое значение",
    })
}

// ---------------------------------------------------------------- positional rows

/// A row from its parts in contract order — the identity fields, then every data column by
/// data index (`None` = empty) — validated as the readers validate (the browser's database
/// stores rows this way). The error names the column, in Russian.
pub fn row_from_parts(
    school_id: String,
    school_name: String,
    municipality: String,
    school_type: &str,
    year: i64,
    values: &[Option<f64>],
) -> Result<Row, String> {
    let s = schema();
    for (id, text) in [
        ("school_id", &school_id),
        ("school_name", &school_name),
        ("municipality", &municipality),
    ] {
        if text.trim().is_empty() {
            return Err(format!("«{id}»: обязательное поле не заполнено"));
        }
    }
    let school_type = SchoolType::parse(school_type)
        .ok_or_else(|| format!("«school_type»: неизвестный тип школы «{school_type}»"))?;
    if !(1990..=2100).contains(&year) {
        return Err(format!(
            "«year»: год должен быть целым числом от 1990 до 2100, получено «{year}»"
        ));
    }
    if values.len() > s.data_len() {
        return Err(format!(
            "в строке {} значений, а столбцов данных {}",
            values.len(),
            s.data_len()
        ));
    }
    let mut out = Values::empty();
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = *v {
            let c = s.data_column(i);
            check_range(c.kind, v).map_err(|m| format!("«{}»: {m}, получено «{v}»", c.id))?;
            out.set(i, Some(v));
        }
    }
    Ok(Row {
        school_id,
        school_name,
        municipality,
        school_type,
        year: year as i32,
        values: out,
    })
}

/// The parts of a row in contract order, trailing empty columns left out (see
/// [`row_from_parts`]).
pub fn row_parts(row: &Row) -> Vec<Option<f64>> {
    let mut v: Vec<Option<f64>> = (0..row.values.len()).map(|i| row.values.get(i)).collect();
    while v.last() == Some(&None) {
        v.pop();
    }
    v
}

// ---------------------------------------------------------------- several files

/// Joins parsed files into one set of rows; a second row for the same (school_id, year) —
/// in the same file or another — is an error naming both places, and is not used.
pub fn merge(mut files: Vec<Parsed>) -> (Vec<Row>, Vec<Problem>) {
    let total: usize = files.iter().map(|f| f.rows.len()).sum();
    // Repeats of an earlier (school_id, year), each with the first: (file, row) of both,
    // in file order.
    let mut repeats: Vec<((usize, usize), (usize, usize))> = Vec::new();
    {
        let mut first = FirstSeen::with_capacity(total);
        for (f, parsed) in files.iter().enumerate() {
            for (i, row) in parsed.rows.iter().enumerate() {
                if let Some(&j) = first.repeat(row.key(), (f, i)) {
                    repeats.push(((f, i), j));
                }
            }
        }
    }
    let mut problems = Vec::new();
    for parsed in files.iter_mut() {
        problems.append(&mut parsed.problems);
    }
    for &((f, i), (g, j)) in &repeats {
        let (row, place) = (&files[f].rows[i], &files[f].places[i]);
        let first_file = &files[g].file;
        let where_ = match &files[g].places[j] {
            Place::Line(n) => format!("{first_file}, строка {n}"),
            Place::Record(n) => format!("{first_file}, запись {n}"),
            Place::Path(path) => format!("{first_file}, {path}"),
            Place::Cell { sheet, row, column } => format!(
                "{first_file}, ячейка {}",
                Place::cell_reference(sheet, *row, *column)
            ),
            Place::File => first_file.clone(),
        };
        problems.push(
            Problem::error(
                &files[f].file,
                place.clone(),
                Some("school_id"),
                "повторная строка для той же школы за тот же год",
            )
            .with_about(format!(
                "школа «{}», {} год; первая — {where_}",
                row.school_id, row.year
            )),
        );
    }
    // The rows move (those of one file without repeats, as they are).
    if files.len() == 1 && repeats.is_empty() {
        let only = files.pop().expect("one file");
        return (only.rows, problems);
    }
    let skip: std::collections::HashSet<(usize, usize)> = repeats.iter().map(|r| r.0).collect();
    let mut rows = Vec::with_capacity(total - repeats.len());
    for (f, parsed) in files.into_iter().enumerate() {
        rows.extend(
            parsed
                .rows
                .into_iter()
                .enumerate()
                .filter(|(i, _)| skip.is_empty() || !skip.contains(&(f, *i)))
                .map(|(_, row)| row),
        );
    }
    (rows, problems)
}

/// An empty CSV with every column of the contract (`;`-separated, with a BOM for Excel).
pub fn template_csv() -> String {
    let ids: Vec<&str> = schema().ids().collect();
    format!("\u{feff}{}\r\n", ids.join(";"))
}

/// Deserialising validates exactly like the JSON import; problems become one error message.
/// The object is read key by key (no intermediate map): the browser's database holds 135,000
/// rows at national scale and reads them all at start. Unknown keys are ignored, as by
/// [`row_from_json`].
impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> serde::de::Visitor<'de> for RowVisitor {
            type Value = Row;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("объект с полями строки")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
                let s = schema();
                let mut cells: Vec<(usize, serde_json::Value)> = Vec::with_capacity(24);
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match s.position(&key) {
                        Some(c) => cells.push((c, map.next_value()?)),
                        None => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                cells.sort_by_key(|(c, _)| *c);
                let field = |column: usize, cell| Field {
                    column,
                    position: None,
                    fraction: false,
                    cell,
                };
                let mut fields: Vec<Field> = Vec::with_capacity(cells.len() + 5);
                for (i, c) in s.columns.iter().enumerate() {
                    if c.required && !cells.iter().any(|(k, _)| *k == i) {
                        fields.push(field(i, Cell::Text("")));
                    }
                }
                fields.extend(cells.iter().map(|(c, v)| field(*c, Cell::Json(v))));
                fields.sort_by_key(|f| f.column);
                let mut problems = Vec::new();
                let row = build_row("", &|_| Place::Record(1), fields, &mut problems);
                let errors: Vec<String> = problems
                    .iter()
                    .filter(|p| p.is_error())
                    .map(|p| match &p.column {
                        Some(c) => format!("«{c}»: {}", p.reason()),
                        None => p.reason(),
                    })
                    .collect();
                match row {
                    Some(row) if errors.is_empty() => Ok(row),
                    _ => Err(serde::de::Error::custom(errors.join("; "))),
                }
            }
        }
        deserializer.deserialize_map(RowVisitor)
    }
}

#[cfg(test)]
mod binary_tests {
    use super::*;

    /// A ZIP archive of other parts (as a Word document is), packed in memory.
    fn archive(parts: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, text) in parts {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_binary_file_under_a_tables_name_is_named_for_what_it_is() {
        let docx = archive(&[("word/document.xml", "<w:document/>")]);
        for (bytes, what) in [
            (
                &docx[..],
                "это архив ZIP без книги Excel — так устроены документы Word (.docx)",
            ),
            (
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1][..],
                "это книга Excel старого формата (.xls)",
            ),
            (&b"%PDF-1.7"[..], "это документ PDF"),
        ] {
            let p = parse_file("t.csv", bytes);
            assert!(p.rows.is_empty());
            assert_eq!(p.problems.len(), 1);
            let m = p.problems[0].to_string();
            assert!(
                m.starts_with("ошибка: t.csv: этот файл Шкала не читает")
                    && m.contains(what)
                    && m.contains(
                        "«Книга Excel (.xlsx)» или как «CSV UTF-8 (разделитель — запятая)»"
                    ),
                "{m}"
            );
            let e = preview_table("t.csv", bytes, &ReadOptions::default(), 5).unwrap_err();
            assert_eq!(e.to_string(), m, "the mapping step says the same");
        }
    }

    /// The README says old books are saved as .xlsx: so does the message (before, it sent
    /// them to «CSV UTF-8» only).
    #[test]
    fn an_old_xls_book_is_told_to_become_an_xlsx_book() {
        let p = parse_file(
            "свод.xls",
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
        );
        assert_eq!(
            p.problems[0].to_string(),
            "ошибка: свод.xls: этот файл Шкала не читает: это книга Excel старого формата (.xls) или документ Word старого формата (.doc); так же хранится и книга Excel, защищённая паролем, — тогда снимите пароль. Откройте таблицу в Excel и сохраните её как «Книга Excel (.xlsx)» или как «CSV UTF-8 (разделитель — запятая)», затем загрузите новый файл."
        );
    }

    /// A file that starts as a ZIP but does not open as one is damaged — cut short in a
    /// download or a copy — not «an archive to save as CSV».
    #[test]
    fn a_broken_zip_under_a_tables_name_is_called_damaged() {
        let p = parse_file("t.csv", b"PK\x03\x04\x14\x00rest");
        assert_eq!(p.problems.len(), 1);
        let m = p.problems[0].to_string();
        assert!(
            m.starts_with("ошибка: t.csv: файл повреждён или записан не полностью"),
            "{m}"
        );
        assert!(!m.contains("CSV"), "{m}");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_mapping_reads_another_form_renamed_reordered_and_with_fractions() {
        let csv = "Год;Наименование ОО;Код ОО;Район;Вид;Доля семей с низким доходом;Лишнее\n\
                   2024;Школа №1;s1;Район А;secondary;0,07;x\n\
                   2024;Школа №2;s2;Район А;basic;0,255;y\n";
        let by_names = parse_csv("f.csv", csv.as_bytes());
        assert!(by_names.rows.is_empty());
        assert!(by_names.problems.iter().any(|p| p.is_error()
            && p.column.as_deref() == Some("school_id")
            && p.message.contains("нет обязательного столбца")));
        let col = |source: &str, target: Option<&str>, fraction: bool| MappedColumn {
            source: source.into(),
            target: target.map(str::to_string),
            fraction,
        };
        let mapping = ColumnMapping {
            name: "Форма района".into(),
            columns: vec![
                col("год", Some("year"), false),
                col("Наименование  ОО", Some("school_name"), false),
                col("Код ОО", Some("school_id"), false),
                col("Район", Some("municipality"), false),
                col("Вид", Some("school_type"), false),
                col("Доля семей с низким доходом", Some("deviant_pct"), true),
                col("Лишнее", None, false),
            ],
        };
        let parsed = parse_csv_with("f.csv", csv.as_bytes(), Some(&mapping));
        assert!(
            !parsed.problems.iter().any(|p| p.is_error()),
            "{:?}",
            parsed.problems
        );
        assert_eq!(parsed.rows.len(), 2);
        let d = schema().data_index("deviant_pct").unwrap();
        assert_eq!(parsed.rows[0].school_id, "s1");
        assert_eq!(parsed.rows[0].values.get(d), Some(7.0));
        assert_eq!(parsed.rows[1].values.get(d), Some(25.5));
        // The ignored column is not called unknown.
        assert!(!parsed
            .problems
            .iter()
            .any(|p| p.column.as_deref() == Some("Лишнее")));
        // Without the fraction flag 0,07 is read as 0,07 %.
        let mut plain = mapping.clone();
        plain.columns[5].fraction = false;
        let parsed = parse_csv_with("f.csv", csv.as_bytes(), Some(&plain));
        assert_eq!(parsed.rows[0].values.get(d), Some(0.07));
        // A mapping to a column the contract does not have is refused by name.
        let mut wrong = mapping.clone();
        wrong.columns[0].target = Some("yaer".into());
        let parsed = parse_csv_with("f.csv", csv.as_bytes(), Some(&wrong));
        assert!(parsed.rows.is_empty());
        assert!(parsed
            .problems
            .iter()
            .any(|p| p.message.contains("неизвестному столбцу «yaer»")));
        let preview = preview_table("f.csv", csv.as_bytes(), &ReadOptions::default(), 1).unwrap();
        assert_eq!(preview.header.len(), 7);
        assert_eq!(preview.rows.len(), 1);
        assert!(!preview.reads_by_names());
        assert_eq!(preview.column_values(5).collect::<Vec<_>>(), vec!["0,07"]);
    }

    use super::*;
    use crate::domain::contract::problem::{has_errors, Severity};

    fn messages(p: &Parsed) -> Vec<String> {
        p.problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn semicolon_csv_with_bom_decimal_comma_and_quotes() {
        let csv = "\u{feff}school_id;school_name;municipality;school_type;year;ege_rus_mean;ege_participants\r\n\
                   s1;\"Школа; №1\";Город;secondary;2021;68,5;25\r\n\
                   s2;Школа 2;Город;СОШ;2021;;\r\n\
                   ;;;;;;\r\n";
        let p = parse_csv("a.csv", csv.as_bytes());
        assert!(!has_errors(&p.problems), "{:?}", messages(&p));
        assert_eq!(p.rows.len(), 2, "the empty line is skipped");
        assert_eq!(p.rows[0].school_name, "Школа; №1");
        assert_eq!(p.rows[0].values.get_by_id("ege_rus_mean"), Some(68.5));
        assert_eq!(p.rows[0].values.get_by_id("ege_participants"), Some(25.0));
        assert_eq!(p.rows[1].school_type, SchoolType::Secondary);
        assert_eq!(p.rows[1].values.get_by_id("ege_rus_mean"), None);
        assert_eq!(p.places, vec![Place::Line(2), Place::Line(3)]);
    }

    #[test]
    fn quoted_line_breaks_and_doubled_quotes_keep_line_numbers() {
        let csv = "school_id,school_name,municipality,school_type,year,oge_rus_mean\n\
                   s1,\"Школа «Надежда»,\nкорпус 2\",M,basic,2020,3.9\n\
                   s2,  \"Школа \"\"Знание\"\"\"  ,M,basic,2020,x\r\n\
                   s3,C,M,basic,2020,4";
        let p = parse_csv("q.csv", csv.as_bytes());
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[0].school_name, "Школа «Надежда»,\nкорпус 2");
        assert_eq!(
            p.rows[1].school_id, "s3",
            "the last line needs no line break"
        );
        assert_eq!(p.places, vec![Place::Line(2), Place::Line(5)]);
        let errors: Vec<String> = p
            .problems
            .iter()
            .filter(|p| p.is_error())
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            vec!["ошибка: q.csv, строка 4, столбец «Средний балл ОГЭ по русскому языку»: ожидалось число, получено «x»"]
        );
    }

    #[test]
    fn comma_csv_with_decimal_point_and_russian_headers() {
        let csv = "Идентификатор школы,school_name,municipality,school_type,year,oge_rus_mean\n\
                   s1,A,M,basic,2020,3.9\n";
        let p = parse_csv("b.csv", csv.as_bytes());
        assert!(!has_errors(&p.problems), "{:?}", messages(&p));
        assert_eq!(p.rows[0].school_id, "s1");
        assert_eq!(p.rows[0].values.get_by_id("oge_rus_mean"), Some(3.9));
    }

    #[test]
    fn absent_columns_are_noted_and_unknown_columns_warned() {
        let csv =
            "school_id;school_name;municipality;school_type;year;oge_rus_mean;oge_math_mean;foo\n\
                   s1;A;M;basic;2020;3,9;4;x\n";
        let p = parse_csv("c.csv", csv.as_bytes());
        let m = messages(&p);
        assert!(m.contains(&"предупреждение: c.csv, строка 1, столбец «foo»: неизвестный столбец — он не будет использован".to_string()), "{m:?}");
        let note = p
            .problems
            .iter()
            .find(|p| p.severity == Severity::Note)
            .expect("a note");
        assert!(note.message.starts_with("нет данных: ЕГЭ, ВПР, Социальные характеристики обучающихся и их семей; нет столбцов: «Число участников ОГЭ», «Доля выпускников, не получивших аттестат (ОГЭ), %»"), "{}", note.message);
        assert!(
            !note.message.contains("oge_"),
            "no column id: {}",
            note.message
        );
        assert!(note
            .message
            .ends_with("эти показатели считаются пустыми во всех строках"));
        assert_eq!(p.rows.len(), 1);
    }

    #[test]
    fn every_bad_cell_is_reported_with_line_and_column() {
        let csv = "school_id;school_name;municipality;school_type;year;ege_no_cert_pct;oge_rus_mean;ege_rus_mean;ege_participants\n\
                   s1;A;M;secondary;2021;120;7;101;-1\n\
                   s2;B;M;гимназия;20x1;abc;3,5;;2,5\n\
                   ;C;M;basic;2021;;;;\n\
                   s4;D;M;basic;2021;1;2;3;4;5\n";
        let p = parse_csv("bad.csv", csv.as_bytes());
        assert!(p.rows.is_empty(), "no row with an error is used");
        let m = messages(&p);
        let expected = [
            "ошибка: bad.csv, строка 2, столбец «Доля выпускников, не получивших аттестат (ЕГЭ), %»: доля должна быть от 0 до 100 %, получено «120»",
            "ошибка: bad.csv, строка 2, столбец «Средний балл ОГЭ по русскому языку»: средний балл по пятибалльной шкале должен быть от 2 до 5, получено «7»",
            "ошибка: bad.csv, строка 2, столбец «Средний балл ЕГЭ по русскому языку»: средний балл ЕГЭ должен быть от 0 до 100, получено «101»",
            "ошибка: bad.csv, строка 2, столбец «Число участников ЕГЭ»: количество должно быть целым неотрицательным числом, получено «-1»",
            "ошибка: bad.csv, строка 3, столбец «Тип школы»: неизвестный тип школы (допустимые значения: «средняя», «основная», «вечерняя (сменная)», «начальная», «реализующая адаптированные программы», «при исправительном учреждении» и сокращения СОШ, ООШ …), получено «гимназия»",
            "ошибка: bad.csv, строка 3, столбец «Год»: год должен быть целым числом от 1990 до 2100, получено «20x1»",
            "ошибка: bad.csv, строка 3, столбец «Доля выпускников, не получивших аттестат (ЕГЭ), %»: ожидалось число, получено «abc»",
            "ошибка: bad.csv, строка 3, столбец «Число участников ЕГЭ»: количество должно быть целым неотрицательным числом, получено «2,5»",
            "ошибка: bad.csv, строка 4, столбец «Идентификатор школы»: обязательное поле не заполнено",
            "ошибка: bad.csv, строка 5: в строке 10 ячеек, а в заголовке 9: проверьте разделитель и кавычки",
        ];
        for e in expected {
            assert!(m.contains(&e.to_string()), "missing «{e}» in {m:#?}");
        }
        assert_eq!(
            m.iter().filter(|m| m.starts_with("ошибка")).count(),
            expected.len(),
            "{m:#?}"
        );
    }

    #[test]
    fn missing_required_columns_and_duplicate_headers_stop_the_file() {
        let p = parse_csv(
            "h.csv",
            b"school_id;school_name;year;year\ns1;A;2020;2020\n",
        );
        let m = messages(&p);
        assert!(m.contains(&"ошибка: h.csv, строка 1, столбец «Год»: столбец повторяется в заголовке (позиции 3 и 4)".to_string()), "{m:?}");
        assert!(m.contains(&"ошибка: h.csv, строка 1, столбец «Муниципалитет»: нет обязательного столбца «municipality» (Муниципалитет)".to_string()), "{m:?}");
        assert!(m.iter().any(|m| m.contains("«school_type»")));
        assert!(p.rows.is_empty());
    }

    #[test]
    fn empty_and_non_utf8_files() {
        assert_eq!(
            messages(&parse_csv("e.csv", b"")),
            vec!["ошибка: e.csv: файл пуст"]
        );
        assert_eq!(
            messages(&parse_csv("e.csv", b"\xEF\xBB\xBF \n")),
            vec!["ошибка: e.csv: файл пуст"]
        );
        // «Школа» in Windows-1251.
        let cp1251 = b"school_id;school_name\n1;\xd8\xea\xee\xeb\xe0\n";
        let m = messages(&parse_csv("w.csv", cp1251));
        assert_eq!(m.len(), 1);
        assert!(m[0].starts_with("ошибка: w.csv, строка 2: файл не в кодировке UTF-8 (первый неверный символ — в этой строке)."), "{}", m[0]);
        assert!(m[0].contains("Windows-1251"));
    }

    #[test]
    fn json_rows_with_strings_numbers_and_unknown_keys() {
        let json = r#"[
          {"school_id": 101, "school_name": "A", "municipality": "M", "school_type": "secondary", "year": "2021",
           "ege_rus_mean": "68,5", "ege_participants": 20, "note": "x"},
          {"school_id": "102", "school_name": "B", "municipality": "M", "school_type": "basic", "year": 2021,
           "oge_rus_mean": 9, "oge_math_mean": true, "note": "y"},
          "oops"
        ]"#;
        let p = parse_file("d.json", json.as_bytes());
        let m = messages(&p);
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].school_id, "101");
        assert_eq!(p.rows[0].values.get_by_id("ege_rus_mean"), Some(68.5));
        for e in [
            "ошибка: d.json, запись 2, поле «oge_rus_mean»: средний балл по пятибалльной шкале должен быть от 2 до 5, получено «9»",
            "ошибка: d.json, запись 2, поле «oge_math_mean»: ожидалось число, получено логическое значение",
            "ошибка: d.json, запись 3: ожидался объект с полями строки",
            "предупреждение: d.json, запись 1, поле «note»: неизвестное поле — оно не будет использовано",
        ] {
            assert!(m.contains(&e.to_string()), "missing «{e}» in {m:#?}");
        }
    }

    #[test]
    fn broken_json_names_line_and_position() {
        let m = messages(&parse_json("x.json", b"[{\"school_id\": 1,\n }"));
        assert_eq!(m.len(), 1);
        assert!(
            m[0].starts_with("ошибка: x.json: некорректный JSON: строка 2"),
            "{}",
            m[0]
        );
        let m = messages(&parse_json("y.json", b"{\"a\": 1}"));
        assert_eq!(
            m,
            vec!["ошибка: y.json: ожидался массив объектов (по одному на школу и год)"]
        );
    }

    #[test]
    fn duplicates_within_and_across_files_are_errors() {
        let head = "school_id;school_name;municipality;school_type;year\n";
        let a = parse_csv(
            "a.csv",
            format!("{head}s1;A;M;basic;2020\ns1;A;M;basic;2020\ns2;B;M;basic;2020\n").as_bytes(),
        );
        let b = parse_json(
            "b.json",
            br#"[{"school_id":"s2","school_name":"B","municipality":"M","school_type":"basic","year":2020},
                {"school_id":"s2","school_name":"B","municipality":"M","school_type":"basic","year":2021}]"#,
        );
        let (rows, problems) = merge(vec![a, b]);
        assert_eq!(rows.len(), 3);
        let m: Vec<String> = problems
            .iter()
            .filter(|p| p.is_error())
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            m,
            vec![
                "ошибка: a.csv, строка 3, столбец «Идентификатор школы»: повторная строка для той же школы за тот же год (школа «s1», 2020 год; первая — a.csv, строка 2)",
                "ошибка: b.json, запись 1, поле «school_id»: повторная строка для той же школы за тот же год (школа «s2», 2020 год; первая — a.csv, строка 4)",
            ]
        );
    }

    #[test]
    fn numbers_as_people_write_them() {
        assert_eq!(parse_number(" 1 234,5 "), Ok(Some(1234.5)));
        assert_eq!(parse_number("1\u{a0}234"), Ok(Some(1234.0)));
        assert_eq!(parse_number("12,5 %"), Ok(Some(12.5)));
        assert_eq!(parse_number(""), Ok(None));
        assert!(parse_number("NaN").is_err());
        assert!(parse_number("inf").is_err());
        assert!(parse_number("1,2,3").is_err());
        assert!(parse_number("1.2,3").is_err());
    }

    #[test]
    fn exported_csv_reads_back_identically() {
        use crate::domain::tables::table::rows_csv;
        let rows = vec![
            Row::new(
                "s1",
                "=HYPERLINK(\"x\")",
                "Город; район",
                SchoolType::Secondary,
                2021,
            )
            .with("ege_rus_mean", 68.25)
            .with("ege_participants", 31.0),
            Row::new("s2", "Школа \"Надежда\"", "-", SchoolType::Evening, 2020)
                .with("guardianship_pct", 0.5),
        ];
        let csv = rows_csv(&rows);
        let p = parse_csv("r.csv", csv.as_bytes());
        assert!(!has_errors(&p.problems), "{:?}", messages(&p));
        assert_eq!(p.rows, rows);
    }

    #[test]
    fn template_has_every_column() {
        let t = template_csv();
        let p = parse_csv("t.csv", t.as_bytes());
        assert!(p.problems.iter().all(|p| !p.is_error()));
        assert_eq!(
            t.trim_start_matches('\u{feff}').trim().split(';').count(),
            schema().columns.len()
        );
    }
    #[test]
    fn positional_rows_round_trip_and_are_validated() {
        let row = Row::new("s1", "Школа", "Город", SchoolType::Basic, 2024)
            .with("oge_rus_mean", 3.75)
            .with("ege_participants", 12.0);
        let parts = row_parts(&row);
        assert!(
            parts.len() < schema().data_len(),
            "trailing empties are left out"
        );
        let back = row_from_parts(
            row.school_id.clone(),
            row.school_name.clone(),
            row.municipality.clone(),
            row.school_type.id(),
            i64::from(row.year),
            &parts,
        )
        .unwrap();
        assert_eq!(back, row);
        let mut bad = parts.clone();
        let i = schema().data_index("oge_rus_mean").unwrap();
        bad[i] = Some(9.0);
        let e =
            row_from_parts("s1".into(), "Ш".into(), "Г".into(), "basic", 2024, &bad).unwrap_err();
        assert_eq!(e, "«oge_rus_mean»: средний балл по пятибалльной шкале должен быть от 2 до 5, получено «9»");
        assert!(row_from_parts("".into(), "Ш".into(), "Г".into(), "basic", 2024, &[]).is_err());
        assert!(row_from_parts("s".into(), "Ш".into(), "Г".into(), "гимназия", 2024, &[]).is_err());
        assert!(row_from_parts("s".into(), "Ш".into(), "Г".into(), "basic", 3000, &[]).is_err());
        let too_many = vec![None; schema().data_len() + 1];
        assert!(
            row_from_parts("s".into(), "Ш".into(), "Г".into(), "basic", 2024, &too_many).is_err()
        );
    }

    #[test]
    fn text_after_a_closing_quote_and_an_unclosed_quote_are_errors() {
        let head = "school_id;school_name;municipality;school_type;year\n";
        let csv = format!("{head}s1;\"Школа\" № 1;М;basic;2024\ns2;Б;М;basic;2024\n");
        let p = parse_csv("q.csv", csv.as_bytes());
        let errors = |p: &Parsed| -> Vec<String> {
            p.problems
                .iter()
                .filter(|p| p.is_error())
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(
            errors(&p),
            vec!["ошибка: q.csv, строка 2: после закрывающей кавычки идёт текст: ячейка с кавычками должна заканчиваться кавычкой (внутри ячейки кавычка пишется двумя \"\")"]
        );
        assert_eq!(p.rows.len(), 1, "the next line is still read");
        assert_eq!(p.places, vec![Place::Line(3)]);

        let csv = format!("{head}s1;А;М;basic;2024\ns2;\"Б;М;basic;2024\ns3;В;М;basic;2024\n");
        let p = parse_csv("u.csv", csv.as_bytes());
        assert_eq!(
            errors(&p),
            vec!["ошибка: u.csv, строка 3: кавычка, открытая в этой строке, не закрыта до конца файла: проверьте кавычки"]
        );
        assert_eq!(
            p.rows.len(),
            1,
            "nothing after the open quote is taken as data"
        );
        // In the header too.
        let p = parse_csv("h.csv", b"school_id;\"school_name\nx");
        assert_eq!(
            messages(&p),
            vec!["ошибка: h.csv, строка 1: кавычка, открытая в этой строке, не закрыта до конца файла: проверьте кавычки"]
        );
    }

    /// A line with fewer fields than the header is broken (cut short, or separators lost):
    /// before, its missing cells were read as empty and the row was used. Blank lines and
    /// lines of separators only are still skipped; a quoted cell over several lines is one
    /// field; empty columns at the header's end need no fields.
    #[test]
    fn a_line_shorter_than_the_header_is_an_error_naming_it() {
        let head =
            "school_id;school_name;municipality;school_type;year;oge_rus_mean;oge_math_mean\n";
        let csv = format!(
            "{head}s1;Школа 1;Город;basic;2024;4;3,9\n\
             s2;Школа 2;Город;basic;2024;4\n\
             \n\
             ;;;;;;\n\
             s3;\"Школа\n№ 3\";Город;basic;2024;;\n\
             s4;Школа 4\n\
             s5;Школа 5;Город;basic;2024;3,5;4\n\
             \n"
        );
        let p = parse_csv("short.csv", csv.as_bytes());
        assert_eq!(
            messages(&p)
                .into_iter()
                .filter(|m| m.starts_with("ошибка"))
                .collect::<Vec<_>>(),
            vec![
                "ошибка: short.csv, строка 3: в строке 6 полей, а в заголовке 7 полей: строка оборвана или в ней пропущены разделители — она не прочитана (пустое значение пишется пустым полем между разделителями)",
                "ошибка: short.csv, строка 8: в строке 2 поля, а в заголовке 7 полей: строка оборвана или в ней пропущены разделители — она не прочитана (пустое значение пишется пустым полем между разделителями)",
            ]
        );
        let ids: Vec<&str> = p.rows.iter().map(|r| r.school_id.as_str()).collect();
        assert_eq!(ids, ["s1", "s3", "s5"]);
        assert_eq!(p.rows[1].school_name, "Школа\n№ 3");
        assert_eq!(
            p.places,
            vec![Place::Line(2), Place::Line(6), Place::Line(9)]
        );

        // Separators at the header's end name no column: the lines need not have them.
        let csv = "school_id;school_name;municipality;school_type;year;;\n\
                   s1;Школа 1;Город;basic;2024\n\
                   s2;Школа 2;Город;basic;2024;;\n";
        let p = parse_csv("trailing.csv", csv.as_bytes());
        assert!(
            p.problems.iter().all(|p| !p.is_error()),
            "{:?}",
            messages(&p)
        );
        assert_eq!(p.rows.len(), 2);
        // One field short of a named column is an error even when that column is empty.
        let p = parse_csv(
            "one.csv",
            "school_id;school_name;municipality;school_type;year;oge_rus_mean\ns1;Ш;Г;basic;2024\n"
                .as_bytes(),
        );
        assert!(p.rows.is_empty());
        assert_eq!(
            messages(&p)
                .into_iter()
                .filter(|m| m.starts_with("ошибка"))
                .collect::<Vec<_>>(),
            vec!["ошибка: one.csv, строка 2: в строке 5 полей, а в заголовке 6 полей: строка оборвана или в ней пропущены разделители — она не прочитана (пустое значение пишется пустым полем между разделителями)"]
        );
    }

    /// A CSV file with a problem of every kind near every part of it: broken years, shares
    /// out of range, short lines, unknown types, text after a closing quote, quoted names
    /// over several lines (with `\r\n` and doubled quotes inside), blank lines and lines of
    /// separators only, repeated rows, `\n` and `\r\n` line ends.
    fn file_with_problems_everywhere(records: usize) -> String {
        let mut csv = String::from("\u{feff}school_id;school_name;municipality;school_type;year;oge_rus_mean;deviant_pct\r\n");
        for i in 0..records {
            let end = if i % 3 == 0 { "\r\n" } else { "\n" };
            let line = match i % 13 {
                1 => format!("s{i};Школа {i};Город;basic;20x4;4;1"),
                2 => format!("s{i};Школа {i};Город;basic;2024;4;150"),
                3 => format!("s{i};Школа {i};Город"),
                4 => format!("s{i};\"Школа «{i}»\r\nкорпус \"\"2\"\"\n\";Город;basic;2024;3,5;2"),
                5 => String::new(),
                6 => ";;;;;;".to_string(),
                7 => format!("s{i};Школа {i};Город;гимназия;2024;4;1"),
                8 => format!("s{i};\"Школа\" {i};Город;basic;2024;4;1"),
                9 => format!("s{};Школа;Город;basic;2024;4;1", i - 9),
                10 => format!("s{i};Школа {i};\"Город\n\n\";basic;2024;9;1"),
                _ => format!("s{i};Школа {i};Город;basic;2024;4,25;0,5"),
            };
            csv.push_str(&line);
            csv.push_str(end);
        }
        csv
    }

    /// The CLI reads a large CSV in parts on every core: exactly what reading it in one piece
    /// gives — the rows, where each came from, and every problem in the same order with the
    /// same line — wherever the cuts fall (after a quoted line break, a blank line, an
    /// error…), with one part or more parts than lines.
    #[test]
    fn reading_in_parts_gives_exactly_the_reading_in_one_piece() {
        let csv = file_with_problems_everywhere(300);
        let whole = parse_csv("parts.csv", csv.as_bytes());
        assert!(
            whole.rows.len() > 100 && whole.problems.iter().filter(|p| p.is_error()).count() > 100
        );
        assert!(
            whole.problems.iter().any(|p| p.place == Place::Line(300)),
            "lines are counted through the quoted breaks"
        );
        for chunks in (1..=40).chain([97, 1000]) {
            let parts = parse_csv_in_chunks("parts.csv", csv.as_bytes(), None, chunks);
            assert!(
                parts == whole,
                "{chunks} parts: {:?}",
                first_difference(&whole, &parts)
            );
        }
        // And so with the repeated rows found across the whole file.
        let merged = merge(vec![whole]);
        let parts = merge(vec![parse_csv_in_chunks(
            "parts.csv",
            csv.as_bytes(),
            None,
            7,
        )]);
        assert_eq!(merged, parts);
        assert!(merged
            .1
            .iter()
            .any(|p| p.message.starts_with("повторная строка")));
    }

    /// A quote left open in the middle of the file: the reading stops there, in parts too.
    #[test]
    fn an_open_quote_ends_the_reading_in_parts_as_in_one_piece() {
        let mut csv = file_with_problems_everywhere(200);
        csv.push_str("s999;\"Школа;Город;basic;2024;4;1\n");
        for i in 0..200 {
            csv.push_str(&format!("t{i};Школа;Город;basic;2024;4;1\n"));
        }
        let whole = parse_csv("open.csv", csv.as_bytes());
        let last = whole.problems.last().unwrap();
        assert!(last.message.starts_with("кавычка, открытая"), "{last}");
        assert!(whole.rows.iter().all(|r| !r.school_id.starts_with('t')));
        for chunks in 1..=24 {
            assert!(
                parse_csv_in_chunks("open.csv", csv.as_bytes(), None, chunks) == whole,
                "{chunks} parts"
            );
        }
    }

    fn first_difference(a: &Parsed, b: &Parsed) -> String {
        if a.rows.len() != b.rows.len() || a.problems.len() != b.problems.len() {
            return format!(
                "rows {} and {}, problems {} and {}",
                a.rows.len(),
                b.rows.len(),
                a.problems.len(),
                b.problems.len()
            );
        }
        let row = a.rows.iter().zip(&b.rows).position(|(x, y)| x != y);
        let place = a.places.iter().zip(&b.places).position(|(x, y)| x != y);
        let problem = a.problems.iter().zip(&b.problems).find(|(x, y)| x != y);
        format!("row {row:?}, place {place:?}, problem {problem:?}")
    }

    /// The end of an unquoted cell found eight bytes at a time is the first separator or
    /// line break, wherever it falls in a word, and the end of the text without one.
    #[test]
    fn cell_ends_are_found_as_byte_by_byte() {
        let alphabet = b"ab;,\t\n\r\"\x80\xd0\xffx1";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|i| alphabet[((seed >> (i % 50)) as usize + i * 7) % alphabet.len()])
                .collect();
            for sep in [b';', b',', b'\t'] {
                for start in 0..=len {
                    let plain = (start..len)
                        .find(|&k| matches!(bytes[k], b'\n' | b'\r') || bytes[k] == sep)
                        .unwrap_or(len);
                    assert_eq!(
                        cell_end(&bytes, start, sep),
                        plain,
                        "{bytes:?} from {start}"
                    );
                }
            }
        }
    }

    /// The plain decimals read without `str::parse` are its values to the bit, and what is
    /// not plain is left to it.
    #[test]
    fn plain_decimals_read_as_parse_reads_them() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200_000 {
            let digits = 1 + (next() % 15) as usize;
            let mut text: String = (0..digits)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let at = (next() % (digits as u64 + 2)) as usize;
            if at <= digits {
                text.insert(at, if next() % 2 == 0 { ',' } else { '.' });
            }
            let expected: f64 = text.replace(',', ".").parse().unwrap();
            let got = plain_decimal(text.as_bytes()).unwrap();
            assert_eq!(got.to_bits(), expected.to_bits(), "{text}");
            assert_eq!(parse_number(&text), Ok(Some(expected)));
        }
        for other in [
            "",
            ",",
            ".",
            "-1",
            "+1",
            "1,2,3",
            "1.2,3",
            " 1",
            "1e5",
            "1 000",
            "1234567890123456",
            "0,1234567890123456",
        ] {
            assert_eq!(plain_decimal(other.as_bytes()), None, "{other}");
        }
        assert_eq!(
            parse_number("0,1234567890123456"),
            Ok(Some(0.1234567890123456))
        );
        assert_eq!(parse_number("5,"), Ok(Some(5.0)));
        assert_eq!(parse_number(",5"), Ok(Some(0.5)));
    }

    #[test]
    fn json_tables_with_a_repeated_key_are_refused() {
        let json = br#"[{"school_id": "s1", "school_name": "A", "municipality": "M",
            "school_type": "basic", "year": 2024, "oge_rus_mean": 3, "oge_rus_mean": 5}]"#;
        let p = parse_file("d.json", json);
        assert!(p.rows.is_empty());
        let m = messages(&p);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].starts_with("ошибка: d.json: некорректный JSON: строка 2, позиция ")
                && m[0].ends_with("поле «oge_rus_mean» повторяется в одном объекте"),
            "{m:?}"
        );
    }

    mod against_the_csv_crate {
        use super::*;
        use proptest::prelude::*;

        /// A cell as a spreadsheet would write it: plain, or quoted with separators, quotes
        /// and line breaks inside.
        fn cell() -> impl Strategy<Value = String> {
            prop_oneof![
                "[A-Za-zА-Яа-я0-9 .,_-]{0,8}".prop_map(|s| s.trim().to_string()),
                "[A-Za-zА-я0-9;,\"\n\r. ]{0,10}"
                    .prop_map(|s| format!("\"{}\"", s.replace('"', "\"\""))),
            ]
        }

        fn file() -> impl Strategy<Value = (char, Vec<Vec<String>>, bool)> {
            (
                prop_oneof![Just(';'), Just(','), Just('\t')],
                (1usize..6).prop_flat_map(|n| {
                    proptest::collection::vec(proptest::collection::vec(cell(), n), 1..8)
                }),
                any::<bool>(),
            )
        }

        proptest! {
            #[test]
            fn well_formed_files_read_the_same((sep, records, crlf) in file()) {
                let end = if crlf { "\r\n" } else { "\n" };
                let text: String = records
                    .iter()
                    .map(|r| r.join(&sep.to_string()) + end)
                    .collect();
                let ours: Vec<Vec<String>> = CsvRecords::new(&text, sep)
                    .map(|r| r.expect("well-formed").1.into_iter().map(|c| c.into_owned()).collect())
                    .collect();
                let theirs: Vec<Vec<String>> = ::csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(sep as u8)
                    .from_reader(text.as_bytes())
                    .records()
                    .map(|r| r.expect("well-formed").iter().map(str::to_string).collect())
                    .collect();
                // Records with only empty cells are skipped by `parse_csv` (and an empty line by
                // the csv crate): compare the others.
                let filled = |v: Vec<Vec<String>>| -> Vec<Vec<String>> {
                    v.into_iter().filter(|r| r.iter().any(|c| !c.is_empty())).collect()
                };
                prop_assert_eq!(filled(ours), filled(theirs));
            }

            /// Any text under a valid header, with line breaks, quotes and separators
            /// strewn in, reads the same in parts as in one piece.
            #[test]
            fn any_body_reads_the_same_in_parts(
                body in "[a-zА-я0-9;,\"\n\r .]{0,300}",
                chunks in 2usize..9,
            ) {
                let text = format!("school_id;school_name;municipality;school_type;year\n{body}");
                let whole = parse_csv("p.csv", text.as_bytes());
                let parts = parse_csv_in_chunks("p.csv", text.as_bytes(), None, chunks);
                prop_assert_eq!(parts, whole);
            }

            #[test]
            fn any_text_is_read_without_panicking(text in "\\PC{0,200}", sep in prop_oneof![Just(';'), Just(',')]) {
                for r in CsvRecords::new(&text, sep) {
                    if let Err((line, m)) = r {
                        prop_assert!(line >= 1 && !m.is_empty());
                    }
                }
                let _ = parse_csv("x.csv", text.as_bytes());
                let _ = parse_file("x.json", text.as_bytes());
            }
        }
    }
}
