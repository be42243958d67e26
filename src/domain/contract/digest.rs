//! A digest of a set of rows that does not depend on their order and can be kept up to date
//! row by row: a run records the digest of the rows it was computed on, and the app compares it
//! with the digest of the rows stored now to say whether the run is out of date.
//!
//! Each row has its own 256-bit hash ([`row_hash`]: XXH3-128 of an unambiguous encoding of
//! its content — identity fields length-prefixed, the year, then each filled column as its id
//! and the bits of its value — twice, with two seeds). The set's digest is the XXH3-128 of the
//! sum of the row hashes, as 256-bit numbers modulo 2²⁵⁶, and of the number of rows
//! ([`RowsDigest`]); adding or removing a row is one addition or subtraction. XXH3 is a
//! specified, stable algorithm and fast in WebAssembly (SHA-256 took a second there for a
//! national set); the digest guards against stale results, not against forgery.

use crate::domain::contract::row::Row;
use crate::domain::contract::schema::schema;
use xxhash_rust::xxh3::xxh3_128_with_seed;

/// The encoding of a row that is hashed.
fn encode(row: &Row, buf: &mut Vec<u8>) {
    buf.clear();
    for text in [
        row.school_id.as_str(),
        row.school_name.as_str(),
        row.municipality.as_str(),
        row.school_type.id(),
    ] {
        buf.extend_from_slice(&(text.len() as u64).to_le_bytes());
        buf.extend_from_slice(text.as_bytes());
    }
    buf.extend_from_slice(&row.year.to_le_bytes());
    let s = schema();
    for (i, v) in row.values.raw().iter().enumerate() {
        if !v.is_nan() {
            let id = &s.data_column(i).id;
            buf.extend_from_slice(&(id.len() as u64).to_le_bytes());
            buf.extend_from_slice(id.as_bytes());
            buf.extend_from_slice(&v.to_bits().to_le_bytes());
        }
    }
}

fn hash256(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&xxh3_128_with_seed(bytes, 1).to_le_bytes());
    out[16..].copy_from_slice(&xxh3_128_with_seed(bytes, 2).to_le_bytes());
    out
}

/// The hash of one row's content.
pub fn row_hash(row: &Row) -> [u8; 32] {
    let mut buf = Vec::with_capacity(512);
    encode(row, &mut buf);
    hash256(&buf)
}

/// The running digest of a multiset of rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RowsDigest {
    /// Sum of the row hashes (little-endian 64-bit limbs), modulo 2²⁵⁶.
    sum: [u64; 4],
    count: u64,
}

fn limbs(hash: &[u8; 32]) -> [u64; 4] {
    let mut out = [0u64; 4];
    for (i, limb) in out.iter_mut().enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(&hash[i * 8..i * 8 + 8]);
        *limb = u64::from_le_bytes(b);
    }
    out
}

impl RowsDigest {
    /// The digest of some rows.
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a Row>) -> RowsDigest {
        let mut d = RowsDigest::default();
        let mut buf = Vec::with_capacity(512);
        for r in rows {
            encode(r, &mut buf);
            d.add_hash(&hash256(&buf));
        }
        d
    }

    pub fn add_hash(&mut self, hash: &[u8; 32]) {
        let mut carry = false;
        for (s, x) in self.sum.iter_mut().zip(limbs(hash)) {
            let (a, c1) = s.overflowing_add(x);
            let (b, c2) = a.overflowing_add(u64::from(carry));
            *s = b;
            carry = c1 || c2;
        }
        self.count = self.count.wrapping_add(1);
    }

    pub fn remove_hash(&mut self, hash: &[u8; 32]) {
        let mut borrow = false;
        for (s, x) in self.sum.iter_mut().zip(limbs(hash)) {
            let (a, b1) = s.overflowing_sub(x);
            let (b, b2) = a.overflowing_sub(u64::from(borrow));
            *s = b;
            borrow = b1 || b2;
        }
        self.count = self.count.wrapping_sub(1);
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// The digest as text: `rows-v2-<hex of the hash of the sum and the count>`.
    pub fn hex(&self) -> String {
        let mut bytes = Vec::with_capacity(40);
        for limb in self.sum {
            bytes.extend_from_slice(&limb.to_le_bytes());
        }
        bytes.extend_from_slice(&self.count.to_le_bytes());
        let h = hash256(&bytes);
        let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
        format!("rows-v2-{hex}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contract::row::SchoolType;

    fn rows() -> Vec<Row> {
        vec![
            Row::new("b", "Б", "Г", SchoolType::Basic, 2024).with("oge_rus_mean", 4.0),
            Row::new("a", "А", "Г", SchoolType::Basic, 2025),
            Row::new("a", "А", "Г", SchoolType::Basic, 2024),
        ]
    }

    #[test]
    fn order_does_not_matter_and_content_does() {
        let r = rows();
        let h = RowsDigest::of(&r).hex();
        let reversed: Vec<Row> = r.iter().rev().cloned().collect();
        assert_eq!(RowsDigest::of(&reversed).hex(), h);
        assert!(h.starts_with("rows-v2-") && h.len() == 8 + 64);
        let mut changed = r.clone();
        changed[0]
            .values
            .set_by_id("oge_rus_mean", Some(4.000000000000001));
        assert_ne!(RowsDigest::of(&changed).hex(), h);
        // Moving text between identity fields changes the hash (length prefixes).
        let a = Row::new("ab", "c", "Г", SchoolType::Basic, 2024);
        let b = Row::new("a", "bc", "Г", SchoolType::Basic, 2024);
        assert_ne!(row_hash(&a), row_hash(&b));
        assert_ne!(RowsDigest::of(&r[..2]).hex(), h);
        assert_ne!(RowsDigest::default().hex(), h);
    }

    #[test]
    fn rows_are_added_and_removed_one_by_one() {
        let r = rows();
        let mut d = RowsDigest::of(&r[..1]);
        d.add_hash(&row_hash(&r[1]));
        d.add_hash(&row_hash(&r[2]));
        assert_eq!(d, RowsDigest::of(&r));
        d.remove_hash(&row_hash(&r[0]));
        assert_eq!(d, RowsDigest::of(&r[1..]));
        assert_eq!(d.count(), 2);
        // Carries across limbs: removing what was added restores the start exactly.
        let mut e = RowsDigest::default();
        let big = [0xFFu8; 32];
        e.add_hash(&big);
        e.add_hash(&big);
        e.remove_hash(&big);
        e.remove_hash(&big);
        assert_eq!(e, RowsDigest::default());
    }
}
