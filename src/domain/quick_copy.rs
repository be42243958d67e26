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
//! - **Lines.** A chunk is text, one record per line: a tag (`s` for a school, `r` for a row),
//!   the record's key as a JSON string, a tab, and the record's stored text exactly as the
//!   store holds it. JSON text never holds a raw newline, nor a JSON string a raw tab, so the
//!   line is split without unescaping anything.
//! - **Order.** Read back, records are put in the database's own key order (UTF-16 code units,
//!   [`utf16_order`]), so that a copy gives exactly what a read of the records gives.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// How many chunks the copy has.
pub const CHUNKS: usize = 16;

/// The copy's header: what version of the data it is, and how many records of each kind it
/// holds (a chunk lost or cut short is noticed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub version: String,
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

/// What kind of record a line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    School,
    Row,
}

impl Kind {
    fn tag(self) -> char {
        match self {
            Kind::School => 's',
            Kind::Row => 'r',
        }
    }
}

/// Appends one record to a chunk's text. `text` is the record's stored JSON text (which has
/// no raw newline); the key is written as a JSON string.
pub fn push_line(chunk: &mut String, kind: Kind, key: &str, text: &str) {
    chunk.push(kind.tag());
    // A string always serialises.
    chunk.push_str(&serde_json::to_string(key).unwrap_or_default());
    chunk.push('\t');
    chunk.push_str(text);
    chunk.push('\n');
}

/// Whether a stored text can go on a line as it is (it always can when it was written by
/// this program; a record set aside as unreadable may hold anything and stays out of the copy).
pub fn fits_on_a_line(text: &str) -> bool {
    !text.contains('\n')
}

/// The records of a chunk's text, in the order written: kind, key, stored text. A line that
/// does not read makes the whole chunk unusable (the records are read instead).
pub fn read_chunk(text: &str) -> Result<Vec<(Kind, String, &str)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.split_terminator('\n').enumerate() {
        let bad = || format!("строка {} копии не читается", i + 1);
        let kind = match line.as_bytes().first() {
            Some(b's') => Kind::School,
            Some(b'r') => Kind::Row,
            _ => return Err(bad()),
        };
        let rest = &line[1..];
        let tab = rest.find('\t').ok_or_else(bad)?;
        let key: String = serde_json::from_str(&rest[..tab]).map_err(|_| bad())?;
        out.push((kind, key, &rest[tab + 1..]));
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

    #[test]
    fn lines_read_back_whatever_the_key_and_text_hold() {
        let mut chunk = String::new();
        let keys = [
            "S1",
            "шк\t№ 5",
            "a\"b\\c",
            "перенос\nстроки",
            "😀",
            "\u{e000}",
        ];
        for (i, k) in keys.iter().enumerate() {
            let text = format!("{{\"v\":\"{i}\\n\\t\\\"\"}}");
            push_line(
                &mut chunk,
                if i % 2 == 0 { Kind::School } else { Kind::Row },
                k,
                &text,
            );
        }
        let back = read_chunk(&chunk).unwrap();
        assert_eq!(back.len(), keys.len());
        for (i, (kind, key, text)) in back.iter().enumerate() {
            assert_eq!(key, keys[i]);
            assert_eq!(*kind, if i % 2 == 0 { Kind::School } else { Kind::Row });
            assert_eq!(*text, format!("{{\"v\":\"{i}\\n\\t\\\"\"}}"));
        }
        // A cut chunk does not read.
        assert!(read_chunk("s\"S1").is_err());
        assert!(read_chunk("x\"S1\"\t{}\n").is_err());
        assert!(read_chunk("").unwrap().is_empty());
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
        assert!(!fits_on_a_line("a\nb"));
    }
}
