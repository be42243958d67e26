//! CSV files read into rows: the header resolved through the column plan, every record read
//! by [`super::columns`] and [`super::cells`]; natively, a large file read on every core in
//! parts with exactly the one-piece result ([`parse_csv_in_chunks`]).

use super::columns::{plan_columns, read_record, ColumnMapping, ColumnPlan};
use super::csv_tokens::{detect_separator, CsvRecords};
use super::{decode, Parsed};
use crate::domain::contract::problem::{Place, Problem};
use std::borrow::Cow;

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
    pub(super) file: &'a str,
    pub(super) text: &'a str,
    pub(super) sep: char,
    pub(super) plan: ColumnPlan,
    /// The fields a record must have: one for every column the header names (empty columns
    /// at the header's end aside).
    pub(super) expected: usize,
    /// Where the first record after the header starts, and its line.
    pub(super) start: usize,
    pub(super) line: usize,
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
    pub(super) fn read(
        &self,
        from: usize,
        line: usize,
        until: usize,
        out: &mut Parsed,
    ) -> (usize, usize) {
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

/// Why a CSV record with fewer fields than the header is not read.
fn short_record(found: usize, expected: usize) -> String {
    format!(
        "в строке {}, а в заголовке {}: строка оборвана или в ней пропущены разделители — она не прочитана (пустое значение пишется пустым полем между разделителями)",
        crate::domain::common::format::count(found, "поле", "поля", "полей"),
        crate::domain::common::format::count(expected, "поле", "поля", "полей"),
    )
}
