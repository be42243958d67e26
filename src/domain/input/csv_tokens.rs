//! CSV text cut into records and cells: the RFC 4180 tokenizer (strict: text after a closing
//! quote and a quote left open are errors), the separator found from the header line, and the
//! length of a file's head for the mapping step's preview.

use super::binary_kind;
use super::columns::resolve_header;
use std::borrow::Cow;

/// Reads CSV records (RFC 4180 quoting) one at a time, each with the 1-based line it starts
/// on. Cells borrow from the text; only a quoted cell with doubled quotes is copied.
///
/// Stricter than RFC 4180 readers that guess: text between a closing quote and the next
/// separator (`"a"b;`) is an error for that record, and a quote left open to the end of the
/// file is an error that ends the reading — neither is silently dropped or swallowed. Spaces
/// around a quoted cell are allowed. On well-formed input the records are those of the `csv`
/// crate (a property test checks it).
pub(super) struct CsvRecords<'a> {
    pub(super) text: &'a str,
    pub(super) pos: usize,
    pub(super) line: usize,
    pub(super) sep: u8,
    /// Cells of the last record: the next one's room (records of a table have as many; a
    /// line of thousands of separators does not make every later one take as much).
    pub(super) width: usize,
}

/// A CSV record, or why the record at a line cannot be read.
type CsvRecord<'a> = Result<(usize, Vec<Cow<'a, str>>), (usize, String)>;

impl<'a> CsvRecords<'a> {
    pub(super) fn new(text: &'a str, sep: char) -> Self {
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
    pub(super) fn read_into(
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
pub(super) fn cell_end(bytes: &[u8], mut k: usize, sep: u8) -> usize {
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
pub(super) fn detect_separator(text: &str) -> char {
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
    use crate::domain::contract::schema::schema;

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
