//! Formulas a spreadsheet never computed: a workbook written by a program stores a formula's
//! value as 0 or nothing, and calamine gives that value as if it were data. The sheet's XML is
//! scanned (a small tag scanner over the archive part, `zip`) for its formula cells and
//! whether the workbook asks to be recalculated, so that the reader refuses those cells.

use super::{MAX_COLUMNS, MAX_ROWS};
use calamine::DataRef;
use std::io::Cursor;

/// A formula cell: its position (0-based row and column) and its formula as a message shows
/// it (`None`: a shared formula's other cells, which store no text of their own).
type FormulaCell = ((u32, u32), Option<Box<str>>);

/// The formula cells of a sheet, by position (0-based row and column, sorted), with their
/// formulas: which stored values were not computed by a spreadsheet.
#[derive(Debug, Default)]
pub(super) struct Formulas {
    pub(super) cells: Vec<FormulaCell>,
    /// The workbook asks to be recalculated when it is opened (`fullCalcOnLoad`): a program
    /// wrote it (rust_xlsxwriter, XlsxWriter, openpyxl) and stored 0 or nothing as each
    /// formula's value, leaving the computing to Excel — so no stored value of a formula is
    /// a computed one. Excel and LibreOffice store the values they computed.
    pub(super) recalculate: bool,
}

impl Formulas {
    /// The formula of a cell whose stored value was not computed — any formula of a workbook
    /// to be recalculated, or a formula stored without a value — as a message shows it.
    pub(super) fn uncomputed(&self, row: u32, column: u32, value: &DataRef<'_>) -> Option<&str> {
        if self.cells.is_empty() {
            return None;
        }
        let i = self
            .cells
            .binary_search_by_key(&(row, column), |(p, _)| *p)
            .ok()?;
        (self.recalculate || matches!(value, DataRef::Empty))
            .then(|| self.cells[i].1.as_deref().unwrap_or(""))
    }
}

/// A formula as a message shows it: with its `=`, XML's escapes read, long ones cut.
fn formula_text(xml: &[u8]) -> Option<Box<str>> {
    const MAX: usize = 60;
    let text = String::from_utf8_lossy(xml);
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    let formula = text.trim();
    if formula.is_empty() {
        return None;
    }
    Some(match formula.char_indices().nth(MAX) {
        Some((end, _)) => format!("={}…", &formula[..end]).into(),
        None => format!("={formula}").into(),
    })
}

/// The formula cells of the sheet `index` (in the order of [`calamine::Reader::sheet_names`]), read
/// from the workbook's archive without calamine: its formula reader builds a table of every
/// cell a shared formula's range names, and a range can name the whole sheet. A sheet without
/// a formula element is looked through once as bytes (about a tenth of reading it); one with
/// formulas is read once more, tag by tag.
pub(super) fn formulas_of(bytes: &[u8], index: usize) -> Formulas {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Formulas::default();
    };
    let Some(workbook) = part(&mut zip, "xl/workbook.xml", 16 << 20) else {
        return Formulas::default();
    };
    let mut recalculate = false;
    let mut ids: Vec<Vec<u8>> = Vec::new();
    each_tag(&workbook[..], |token| {
        if let Token::Tag {
            name,
            end: false,
            attributes,
            ..
        } = token
        {
            match name {
                b"sheet" => ids.push(
                    attribute(attributes, b"r:id")
                        .or_else(|| attribute(attributes, b"relationships:id"))
                        .unwrap_or_default()
                        .to_vec(),
                ),
                b"calcPr" => {
                    recalculate |= matches!(
                        attribute(attributes, b"fullCalcOnLoad"),
                        Some(b"1" | b"true")
                    )
                }
                _ => {}
            }
        }
    });
    let Some(id) = ids.get(index) else {
        return Formulas::default();
    };
    let Some(rels) = part(&mut zip, "xl/_rels/workbook.xml.rels", 16 << 20) else {
        return Formulas::default();
    };
    let mut target = None;
    each_tag(&rels[..], |token| {
        if let Token::Tag {
            name: b"Relationship",
            end: false,
            attributes,
            ..
        } = token
        {
            if attribute(attributes, b"Id") == Some(&id[..]) {
                target = attribute(attributes, b"Target").map(<[u8]>::to_vec);
            }
        }
    });
    // As calamine makes the sheet's path of its target.
    let Some(target) = target.map(|t| String::from_utf8_lossy(&t).into_owned()) else {
        return Formulas::default();
    };
    let path = if let Some(rest) = target.strip_prefix('/') {
        rest.to_string()
    } else if target.starts_with("xl/") {
        target
    } else {
        format!("xl/{target}")
    };
    let Some(name) = zip_name(&zip, &path) else {
        return Formulas::default();
    };
    // First the bytes: most sheets have no formula.
    let mut found = false;
    if let Ok(sheet) = zip.by_name(&name) {
        each_block(sheet, |block| {
            found = names_a_formula(block);
            !found
        });
    }
    if !found {
        return Formulas::default();
    }
    let mut cells = Vec::new();
    if let Ok(sheet) = zip.by_name(&name) {
        let mut cell = CellScan::default();
        each_tag(sheet, |token| cell.take(token, &mut cells));
    }
    cells.sort_by_key(|(p, _)| *p);
    cells.dedup_by_key(|(p, _)| *p);
    Formulas { cells, recalculate }
}

/// The name of an archive's part as calamine finds it: case and `\` aside.
fn zip_name<R: std::io::Read + std::io::Seek>(
    zip: &zip::ZipArchive<R>,
    path: &str,
) -> Option<String> {
    zip.file_names()
        .find(|n| n.replace('\\', "/").eq_ignore_ascii_case(path))
        .map(str::to_string)
}

/// A small part of an archive (up to `max` bytes).
pub(super) fn part<R: std::io::Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    path: &str,
    max: u64,
) -> Option<Vec<u8>> {
    use std::io::Read;
    let name = zip_name(zip, path)?;
    let mut bytes = Vec::new();
    zip.by_name(&name)
        .ok()?
        .take(max)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// Bytes of one sheet looked through at most (a sheet as big as Excel allows is under this).
const MAX_SHEET_BYTES: u64 = 1 << 34;

/// Reads a part block by block, each block beginning with the last bytes of the one before
/// (so a short pattern split between two blocks is seen whole), while `on` says to go on.
fn each_block(mut reader: impl std::io::Read, mut on: impl FnMut(&[u8]) -> bool) {
    const KEPT: usize = 8;
    let mut buf = vec![0u8; 1 << 16];
    let (mut kept, mut read) = (0, 0u64);
    loop {
        let n = match reader.read(&mut buf[kept..]) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let filled = kept + n;
        read += n as u64;
        if !on(&buf[..filled]) || read > MAX_SHEET_BYTES {
            return;
        }
        kept = KEPT.min(filled);
        buf.copy_within(filled - kept..filled, 0);
    }
}

/// Whether XML text has a formula element: `<f>`, `<f t="shared" …/>`, `<x:f>`.
pub(super) fn names_a_formula(xml: &[u8]) -> bool {
    xml.windows(3)
        .any(|w| w[1] == b'f' && matches!(w[0], b'<' | b':') && matches!(w[2], b'>' | b' ' | b'/'))
}

/// A piece of XML: a tag (its local name — the prefix dropped —, whether it ends an element,
/// whether it closes itself, its attributes' text) or the text between tags.
pub(super) enum Token<'b> {
    Tag {
        name: &'b [u8],
        end: bool,
        empty: bool,
        attributes: &'b [u8],
    },
    Text(&'b [u8]),
}

/// Reads XML from `reader` and gives each tag and text to `on`; comments, CDATA sections and
/// processing instructions are skipped. Never holds more than a block and one tag (a tag or
/// comment longer than 16 MB ends the reading).
pub(super) fn each_tag(mut reader: impl std::io::Read, mut on: impl FnMut(Token<'_>)) {
    const MAX_TAG: usize = 16 << 20;
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut block = vec![0u8; 1 << 16];
    let mut read = 0u64;
    let mut eof = false;
    loop {
        let mut i = 0;
        while i < buf.len() {
            let rest = &buf[i..];
            let Some(lt) = rest.iter().position(|&b| b == b'<') else {
                on(Token::Text(rest));
                i = buf.len();
                break;
            };
            if lt > 0 {
                on(Token::Text(&rest[..lt]));
                i += lt;
                continue;
            }
            if !eof && rest.len() < 9 {
                break;
            }
            let special: Option<&[u8]> = if rest.starts_with(b"<!--") {
                Some(b"-->")
            } else if rest.starts_with(b"<![CDATA[") {
                Some(b"]]>")
            } else if rest.starts_with(b"<?") {
                Some(b"?>")
            } else {
                None
            };
            let end = match special {
                Some(close) => rest
                    .windows(close.len())
                    .position(|w| w == close)
                    .map(|p| p + close.len()),
                // `>` outside quoted attribute values.
                None => {
                    let mut quote = None;
                    rest.iter()
                        .position(|&b| match quote {
                            Some(q) if b == q => {
                                quote = None;
                                false
                            }
                            Some(_) => false,
                            None if b == b'"' || b == b'\'' => {
                                quote = Some(b);
                                false
                            }
                            None => b == b'>',
                        })
                        .map(|p| p + 1)
                }
            };
            let Some(end) = end else {
                break;
            };
            if special.is_none() {
                on(tag(&rest[1..end - 1]));
            }
            i += end;
        }
        buf.drain(..i);
        if eof || buf.len() > MAX_TAG || read > MAX_SHEET_BYTES {
            return;
        }
        match reader.read(&mut block) {
            Ok(0) | Err(_) => eof = true,
            Ok(n) => {
                read += n as u64;
                buf.extend_from_slice(&block[..n]);
            }
        }
    }
}

/// A tag's text between `<` and `>`.
pub(super) fn tag(inner: &[u8]) -> Token<'_> {
    let (end, inner) = match inner.strip_prefix(b"/") {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let (empty, inner) = match inner.strip_suffix(b"/") {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let split = inner
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(inner.len());
    let (qualified, attributes) = inner.split_at(split);
    let name = match qualified.iter().rposition(|&b| b == b':') {
        Some(p) => &qualified[p + 1..],
        None => qualified,
    };
    Token::Tag {
        name,
        end,
        empty,
        attributes,
    }
}

/// The value of an attribute of a tag (its name as written, prefix included), as written.
pub(super) fn attribute<'a>(attributes: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut rest = attributes;
    loop {
        rest = rest.trim_ascii_start();
        let eq = rest.iter().position(|&b| b == b'=')?;
        let name = rest[..eq].trim_ascii();
        let after = rest[eq + 1..].trim_ascii_start();
        let (&quote, value) = after.split_first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let close = value.iter().position(|&b| b == quote)?;
        if name == key {
            return Some(&value[..close]);
        }
        rest = &value[close + 1..];
    }
}

/// The formula cells of a sheet's XML, found as calamine places its cells: by their `r`
/// reference, or else after the cell before in the row.
#[derive(Default)]
pub(super) struct CellScan {
    pub(super) row: u32,
    pub(super) column: u32,
    /// The cell being read: its position, and whether it has a formula.
    pub(super) cell: Option<((u32, u32), bool)>,
    /// Inside a formula element: its text so far.
    pub(super) formula: Option<Vec<u8>>,
    pub(super) text: Option<Box<str>>,
}

impl CellScan {
    pub(super) fn take(&mut self, token: Token<'_>, out: &mut Vec<FormulaCell>) {
        match token {
            Token::Text(text) => {
                if let Some(f) = &mut self.formula {
                    if f.len() < 1024 {
                        f.extend_from_slice(&text[..text.len().min(1024)]);
                    }
                }
            }
            Token::Tag {
                name: b"row",
                end,
                empty,
                attributes,
            } => {
                if !end {
                    if let Some(r) = attribute(attributes, b"r").and_then(row_of) {
                        self.row = r;
                    }
                }
                if end || empty {
                    self.row = self.row.wrapping_add(1);
                    self.column = 0;
                }
            }
            Token::Tag {
                name: b"c",
                end: false,
                empty,
                attributes,
            } => {
                let at = match attribute(attributes, b"r") {
                    Some(r) => position_of(r),
                    None => Some((self.row, self.column)),
                };
                if let Some((_, c)) = at {
                    self.column = c;
                }
                self.cell = at.map(|p| (p, false));
                self.text = None;
                if empty {
                    self.end_cell(out);
                }
            }
            Token::Tag {
                name: b"c",
                end: true,
                ..
            } => self.end_cell(out),
            Token::Tag {
                name: b"f",
                end,
                empty,
                ..
            } => {
                if let Some((_, has)) = &mut self.cell {
                    *has = true;
                    if !end && !empty {
                        self.formula = Some(Vec::new());
                    }
                }
                if end || empty {
                    if let Some(f) = self.formula.take() {
                        self.text = formula_text(&f);
                    }
                }
            }
            Token::Tag { .. } => {}
        }
    }

    fn end_cell(&mut self, out: &mut Vec<FormulaCell>) {
        if let Some(((r, c), true)) = self.cell.take() {
            if r < MAX_ROWS && c < MAX_COLUMNS {
                out.push(((r, c), self.text.take()));
            }
        }
        self.formula = None;
        self.column = self.column.wrapping_add(1);
    }
}

/// A row's 0-based number from its reference (`12` → 11).
fn row_of(r: &[u8]) -> Option<u32> {
    let mut row = 0u32;
    for &b in r {
        if !b.is_ascii_digit() {
            return None;
        }
        row = row.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    row.checked_sub(1)
}

/// A cell's 0-based row and column from its reference (`F12` → (11, 5)).
pub(super) fn position_of(r: &[u8]) -> Option<(u32, u32)> {
    let letters = r.iter().take_while(|b| b.is_ascii_uppercase()).count();
    if letters == 0 || letters == r.len() {
        return None;
    }
    let mut column = 0u32;
    for &b in &r[..letters] {
        column = column
            .checked_mul(26)?
            .checked_add(u32::from(b - b'A') + 1)?;
    }
    Some((row_of(&r[letters..])?, column - 1))
}
