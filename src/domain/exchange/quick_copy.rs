//! The quick-start copy of the stored schools and rows: the same records, in a few large
//! chunks instead of one record each.
//!
//! At national scale the database holds 45,000 school records and 135,000 rows; the browser
//! hands them over one record at a time far more slowly than it hands over a few large
//! strings. So beside the records (which stay the truth: every write is one transaction over
//! them) the data service keeps this copy, tagged with the `data_version` that every write
//! renews, and reads it instead of the records when the tags agree.
//!
//! - **Chunks.** A school and its rows go to chunk [`bucket`]`(school_id)` of [`CHUNKS`], so a
//!   write that touches a few schools rewrites a few chunks.
//! - **Lines** ([`FORMAT`] 2). A chunk is text, one line each:
//!   - `m` and a tab, then a record's meta (when and from where it was written) as JSON —
//!     the chunk's metas are numbered 0, 1, … in the order of these lines. A national import
//!     gives every record the same meta, more than half of each stored text, so the copy
//!     keeps it once per chunk and reads it once;
//!   - `s`, the number of its meta, a tab, then a school without its meta as JSON;
//!   - `r`, the number of its meta, a tab, then a row in the database's positional form
//!     ([`stored_submission::row_to_json`]).
//!
//!   JSON text never holds a raw newline, nor a number a tab, so a line is split without
//!   unescaping anything. A copy of the first format (every record's stored text whole) is
//!   not read: its header has no format, the records are read instead and the copy is
//!   written again.
//! - **Order.** Read back, records are put in the database's own key order (UTF-16 code units,
//!   [`utf16_order`]), so that a copy gives exactly what a read of the records gives.

use crate::domain::contract::row::SchoolType;
use crate::domain::exchange::records::{
    stored_submission, RecordMeta, SchoolDocuments, SchoolRecord, SubmissionRecord,
};
use crate::domain::support::Support;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// How many chunks the copy has.
pub const CHUNKS: usize = 16;

/// The layout of the chunks' lines that this version writes and reads.
pub const FORMAT: u32 = 2;

/// The copy's header: what version of the data it is, in what layout, and how many records of
/// each kind it holds (a chunk lost or cut short is noticed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub version: String,
    /// [`FORMAT`]; 0 for a copy of the first layout, which had no such field.
    #[serde(default)]
    pub format: u32,
    pub chunks: usize,
    pub schools: usize,
    pub rows: usize,
}

/// The key of the header in the copy's store.
pub const HEADER_KEY: &str = "header";

/// The key of chunk `i`.
pub fn chunk_key(i: usize) -> String {
    format!("chunk:{i:02}")
}

/// The chunk a school (and its rows) belongs to: a stable hash of its id.
pub fn bucket(school_id: &str) -> usize {
    (xxhash_rust::xxh3::xxh3_64(school_id.as_bytes()) % CHUNKS as u64) as usize
}

/// A school as a line keeps it: everything but its meta.
#[derive(Serialize)]
struct SchoolOut<'a> {
    school_id: &'a str,
    school_name: &'a str,
    municipality: &'a str,
    school_type: SchoolType,
    documents: &'a SchoolDocuments,
    support: &'a BTreeMap<i32, Support>,
}

#[derive(Deserialize)]
struct SchoolIn {
    school_id: String,
    school_name: String,
    municipality: String,
    school_type: SchoolType,
    documents: SchoolDocuments,
    support: BTreeMap<i32, Support>,
}

/// Writes one chunk's text.
#[derive(Default)]
pub struct ChunkWriter {
    text: String,
    /// The metas written so far (as JSON) and their numbers.
    metas: HashMap<String, usize>,
    /// The meta of the record before and its number: records come in runs of one meta (an
    /// import gives all of its records one), which are then not serialised again.
    last: Option<(RecordMeta, usize)>,
}

impl ChunkWriter {
    /// The number of `meta` in this chunk, writing its line the first time.
    fn meta(&mut self, meta: &RecordMeta) -> usize {
        if let Some((last, n)) = &self.last {
            if last == meta {
                return *n;
            }
        }
        // Strings and a tag: serialising cannot fail.
        let json = serde_json::to_string(meta).unwrap_or_default();
        let n = match self.metas.get(&json) {
            Some(&n) => n,
            None => {
                let next = self.metas.len();
                self.text.push_str("m\t");
                self.text.push_str(&json);
                self.text.push('\n');
                self.metas.insert(json, next);
                next
            }
        };
        self.last = Some((meta.clone(), n));
        n
    }

    fn line(&mut self, tag: char, meta: usize, body: &str) {
        self.text.push(tag);
        self.text.push_str(&meta.to_string());
        self.text.push('\t');
        self.text.push_str(body);
        self.text.push('\n');
    }

    pub fn school(&mut self, r: &SchoolRecord) {
        // Every field is named, so that a field added to the record is added here too.
        let SchoolRecord {
            school_id,
            school_name,
            municipality,
            school_type,
            documents,
            support,
            meta,
        } = r;
        let m = self.meta(meta);
        let body = serde_json::to_string(&SchoolOut {
            school_id,
            school_name,
            municipality,
            school_type: *school_type,
            documents,
            support,
        })
        .unwrap_or_default();
        self.line('s', m, &body);
    }

    pub fn row(&mut self, r: &SubmissionRecord) {
        let m = self.meta(&r.meta);
        self.line('r', m, &stored_submission::row_to_json(&r.row));
    }

    pub fn finish(self) -> String {
        self.text
    }
}

/// The records of one chunk, in the order written.
#[derive(Debug, Default, PartialEq)]
pub struct ChunkRecords {
    pub schools: Vec<SchoolRecord>,
    pub rows: Vec<SubmissionRecord>,
}

/// Reads a chunk's text. A line that does not read makes the whole chunk unusable (the
/// records are read instead); the error names the line.
pub fn read_chunk(text: &str) -> Result<ChunkRecords, String> {
    let mut metas: Vec<RecordMeta> = Vec::new();
    let mut out = ChunkRecords::default();
    for (i, line) in text.split_terminator('\n').enumerate() {
        let bad = |why: &str| format!("строка {} копии не читается: {why}", i + 1);
        let tab = line.find('\t').ok_or_else(|| bad("нет табуляции"))?;
        let (head, body) = (&line[..tab], &line[tab + 1..]);
        let meta = |n: &str| {
            n.parse::<usize>()
                .ok()
                .and_then(|n| metas.get(n))
                .cloned()
                .ok_or_else(|| bad("нет такого описания записи"))
        };
        match head.as_bytes().first() {
            Some(b'm') if head.len() == 1 => {
                metas.push(serde_json::from_str(body).map_err(|e| bad(&e.to_string()))?)
            }
            Some(b's') => {
                let meta = meta(&head[1..])?;
                let s: SchoolIn = serde_json::from_str(body).map_err(|e| bad(&e.to_string()))?;
                out.schools.push(SchoolRecord {
                    school_id: s.school_id,
                    school_name: s.school_name,
                    municipality: s.municipality,
                    school_type: s.school_type,
                    documents: s.documents,
                    support: s.support,
                    meta,
                });
            }
            Some(b'r') => {
                let meta = meta(&head[1..])?;
                let row = stored_submission::row_from_json(body).map_err(|e| bad(&e))?;
                out.rows.push(SubmissionRecord { row, meta });
            }
            _ => return Err(bad("неизвестный вид строки")),
        }
    }
    Ok(out)
}

/// The order in which IndexedDB sorts string keys: by UTF-16 code units (which differs from
/// Rust's byte order for characters beyond U+FFFF against those from U+E000 to U+FFFF).
pub fn utf16_order(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(file: &str, at: &str) -> RecordMeta {
        use crate::domain::exchange::records::Origin;
        RecordMeta {
            modified_at: crate::domain::common::time::ts(at),
            origin: Origin::Imported {
                file: file.into(),
                bundle_sha256: "ab".into(),
                bundle_created_at: crate::domain::common::time::ts("2025-11-21T09:00:00Z"),
                organisation: "МОУО\t«Север»".into(),
            },
        }
    }

    #[test]
    fn records_read_back_whole_whatever_their_texts_hold() {
        use crate::domain::contract::row::Row;
        use crate::domain::exchange::records::SchoolIdentity;
        use crate::domain::support::Agreement;
        let a = meta("школы\n2025.csv", "2025-11-22T10:00:00Z");
        let b = meta("другой.csv", "2025-11-23T10:00:00Z");
        let mut schools = Vec::new();
        for (i, id) in ["S1", "шк\t№ 5", "a\"b\\c", "😀"].iter().enumerate() {
            let mut s = SchoolRecord::new(
                SchoolIdentity {
                    school_id: id.to_string(),
                    school_name: format!("Школа\n№ {i}"),
                    municipality: "Север".into(),
                    school_type: SchoolType::Secondary,
                },
                if i % 2 == 0 { a.clone() } else { b.clone() },
            );
            if i == 1 {
                s.support.insert(
                    2026,
                    Support {
                        participant: true,
                        partner: Some(Agreement {
                            partner_id: "S2".into(),
                            number: "№ 7".into(),
                            date: "2026-09-01".into(),
                        }),
                        note: "примечание\tс табуляцией".into(),
                    },
                );
            }
            schools.push(s);
        }
        let rows: Vec<SubmissionRecord> = (0..3)
            .map(|i| SubmissionRecord {
                row: Row::new("S1", "Школа № 1", "Север", SchoolType::Basic, 2023 + i)
                    .with("oge_math_2_pct", 2.5 * f64::from(i)),
                meta: if i == 2 { b.clone() } else { a.clone() },
            })
            .collect();
        let mut w = ChunkWriter::default();
        for (i, s) in schools.iter().enumerate() {
            w.school(s);
            if let Some(r) = rows.get(i) {
                w.row(r);
            }
        }
        let text = w.finish();
        // Each meta is written once.
        assert_eq!(text.lines().filter(|l| l.starts_with("m\t")).count(), 2);
        let back = read_chunk(&text).unwrap();
        assert_eq!(back.schools, schools);
        assert_eq!(back.rows, rows);
        // A cut or altered chunk does not read, and says which line.
        let cut = &text[..text.len() - 10];
        assert!(read_chunk(cut).unwrap_err().starts_with("строка"));
        assert!(read_chunk("s0\t{}\n").is_err(), "a meta not defined");
        assert!(read_chunk("x0\t{}\n").is_err());
        assert!(read_chunk("s\"S1\"\t{}\n").is_err(), "the first format");
        assert_eq!(read_chunk("").unwrap(), ChunkRecords::default());
    }

    #[test]
    fn keys_sort_as_the_database_sorts_them() {
        // U+E000 is one UTF-16 unit 0xE000; «😀» is the surrogate pair 0xD83D 0xDE00, which
        // sorts first in the database (and last by Rust's bytes).
        assert_eq!(utf16_order("😀", "\u{e000}"), Ordering::Less);
        assert_eq!("😀".cmp("\u{e000}"), Ordering::Greater);
        assert_eq!(utf16_order("S1", "S2"), Ordering::Less);
    }

    #[test]
    fn a_school_always_goes_to_the_same_chunk() {
        assert_eq!(bucket("S1"), bucket("S1"));
        let used: std::collections::BTreeSet<usize> =
            (0..1000).map(|i| bucket(&format!("S{i}"))).collect();
        assert_eq!(used.len(), CHUNKS, "a thousand schools fill every chunk");
        assert!(used.iter().all(|b| *b < CHUNKS));
    }
}
