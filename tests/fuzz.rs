//! Fuzzing the readers of user files: no file a user can give Шкала may panic it.
//!
//! Targets (one test each): `bundle` ([`parse_bundle_as`]), `csv`, `json_table` and `xlsx` (a
//! dropped table as [`Incoming::read`] reads it: the CSV, JSON array or workbook reader, rows
//! merged; a workbook also previewed and read by a sheet's name),
//! `paste` (a block copied from Excel into a school's form), `self_assessment`
//! ([`sa::SelfAssessment::from_json`]), `params` ([`Params::from_json`]) and `workspace` (a
//! school's stored draft). Each is fed, first, every file of its stored corpus
//! `tests/fixtures/fuzz/<target>/`, then `SHKALA_FUZZ_N` inputs made by a deterministic
//! structured mutator from valid files built with the domain (bundles of every kind, CSV and
//! JSON tables, self-assessments, parameters, school workspaces). Mutations: truncation (also
//! inside a multi-byte character), byte flips, inserted, deleted and repeated bytes, splices of
//! two files; in JSON, values of the wrong type, huge, negative, non-finite and malformed
//! numbers, strings up to 1 MB, nesting 10,000 deep, repeated and unknown keys, removed and
//! repeated elements, a checksum made right again so that the payload checks run to the end;
//! in workbooks, the XML of their parts (cell references beyond Excel's limits and
//! overflowing, merged ranges backwards and sheet-wide, cells of every type, missing shared
//! strings, parts dropped or repeated), packed again;
//! in CSV, quotes in cells, extra and missing columns, 10,000 columns, repeated header
//! columns, BOMs, CRLF/LF/CR mixes. An accepted input goes on to what the app does with it
//! next: the import plan and its writes, placement against a reference, the lists, tables and
//! comparisons of a restored run, identification with read parameters, the checks of a
//! self-assessment, a programme or a draft.
//!
//! Every input runs inside `catch_unwind`; a panic fails the test naming the input: a corpus
//! file, or a generated input saved under `$CARGO_TARGET_TMPDIR/fuzz-crashes/<target>/`
//! (minimise it, fix the parser, and move it into the corpus). Input `i` depends only on the
//! target, `SHKALA_FUZZ_SEED` (default 0) and `i`, so a run is reproducible. An abort that
//! cannot be caught (a failed allocation, a stack overflow) ends the process: run again with
//! `SHKALA_FUZZ_TRACE=1`, and the input is the file `$CARGO_TARGET_TMPDIR/fuzz-last-<target>.bin`.
//! `SHKALA_FUZZ_START=i SHKALA_FUZZ_N=1 SHKALA_FUZZ_TRACE=1` writes input `i` alone.
//!
//! ```text
//! cargo test --test fuzz                      # the corpus, then 1,000–10,000 inputs per target
//! SHKALA_FUZZ_N=1000000 cargo test --release --test fuzz -- --nocapture   # a million each
//! ./run fuzz                                  # the same
//! ```
//!
//! A debug build also checks integer overflow, which a release build does not: a long debug
//! run (`SHKALA_FUZZ_N=100000 cargo test --test fuzz`) is worth doing after parser changes.

use serde_json::{Map, Number, Value};
use shkala::domain::common::format::shortest_decimal_comma;
use shkala::domain::common::time::Timestamp;
use shkala::domain::contract::digest::RowsDigest;
use shkala::domain::contract::row::Row;
use shkala::domain::contract::schema::schema;
use shkala::domain::demo::{self, region, DemoSpec};
use shkala::domain::exchange::bundle::{
    backup, canonical_sha256, collection, parse_bundle_as, plan_import, reference,
    rubric_assessments, school_submission, Bundle, Incoming, Kind, Payload, Resolution,
    Resolutions,
};
use shkala::domain::exchange::catalog::RunHeader;
use shkala::domain::exchange::envelope::{CreatedBy, Role};
use shkala::domain::exchange::records::{
    AssessmentRecord, ImportCounts, LogAction, LogEntry, Origin, RecordMeta, ReferenceRecord,
    SchoolIdentity, SchoolRecord, SubmissionRecord,
};
use shkala::domain::exchange::snapshot::Snapshot;
use shkala::domain::input::{merge, parse_csv, template_csv};
use shkala::domain::method::analysis;
use shkala::domain::method::identify::csv::to_csv as identify_csv;
use shkala::domain::method::identify::{identify, Identification, Params};
use shkala::domain::method::placement::{place, social_profile};
use shkala::domain::method::reference::reference_pools;
use shkala::domain::method::run::{without_components, RunRecord, RunScope};
use shkala::domain::school::self_assessment::{self as sa, questionnaire, AnswerType, AnswerValue};
use shkala::domain::support::{self, Agreement, Support};
use shkala::domain::tables::table::rows_csv;
use shkala::domain::workspace::{SavedReference, Workspace};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant};

const NOW: &str = "2025-11-22T10:00:00Z";

fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).expect("a timestamp")
}

// ---------------------------------------------------------------- random numbers

/// SplitMix64: tiny, fast, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability `k / n`.
    fn chance(&mut self, k: usize, n: usize) -> bool {
        self.below(n) < k
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// FNV-1a of a name: each target draws its own inputs.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

// ---------------------------------------------------------------- edge values

/// Number texts put where a JSON value or a CSV cell goes: valid, extreme and malformed.
const NUMBER_TEXTS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1e400",
    "-1e400",
    "1e-400",
    "1E+999",
    "NaN",
    "-NaN",
    "Infinity",
    "-Infinity",
    "inf",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "9007199254740993",
    "1.7976931348623157e308",
    "1.7976931348623159e308",
    "2.2250738585072014e-308",
    "5e-324",
    "0.1",
    "100.0000000001",
    "1989",
    "2101",
    "2024.5",
    "2147483648",
    "-2147483649",
    "4294967296",
    "1e9",
    "123456789012345678901234567890123456789012345678901234567890",
    "0.00000000000000000000000000000000000000000000000000000000001",
    "1.",
    ".5",
    "+1",
    "01",
    "1e",
    "1e+",
    "--1",
    "0x1F",
    "1_000",
    "١٢٣",
    "１２",
];

/// Extreme numbers a JSON reader accepts: they go through parsing to the checks behind it.
fn edge_number(rng: &mut Rng) -> Value {
    match rng.below(22) {
        0 => Value::from(0),
        1 => Value::from(-1),
        2 => Value::from(u64::MAX),
        3 => Value::from(i64::MIN),
        4 => Value::from(9_007_199_254_740_993u64),
        5 => Value::from(f64::MAX),
        6 => Value::from(f64::MIN_POSITIVE),
        7 => Value::from(5e-324),
        8 => Value::from(-1e300),
        9 => Value::from(0.1),
        10 => Value::from(100.000_000_1),
        11 => Value::from(1989),
        12 => Value::from(2101),
        13 => Value::from(2024.5),
        14 => Value::from(2_147_483_648u64),
        15 => Value::from(-2_147_483_649i64),
        16 => Value::from(4_294_967_296u64),
        17 => Value::from(1e9),
        18 => Value::from(-0.0),
        19 => Value::from(101),
        20 => Value::from(1.5),
        _ => Value::from(rng.next() as i64),
    }
}

const STRINGS: &[&str] = &[
    "",
    " ",
    "\t",
    "\u{0}",
    "\u{feff}",
    "\u{feff}school_id",
    "a\"b",
    "a\\b",
    "a\nb",
    "a\r\nb",
    "a;b",
    "a,b",
    "=1+1",
    "'=1",
    "'",
    "\u{202e}rtl",
    "𝔘𝔫𝔦😀",
    "e\u{301}",
    "\u{10ffff}",
    "NaN",
    "1e400",
    "12,5",
    "50%",
    "1 234,5",
    "1\u{a0}234,5",
    "2025-11-22T10:00:00Z",
    "2025-02-30T00:00:00Z",
    "9999-12-31T23:59:59.999999999-23:59",
    "0000-01-01T00:00:00+00:00",
    "2025-11-22",
    "secondary",
    "basic",
    "primary",
    "Средняя",
    "school",
    "municipality",
    "region",
    "other",
    "backup",
    "reference",
    "collection",
    "school_submission",
    "rubric_assessment",
    "yes_no",
    "shkala",
    "-",
    "null",
    "true",
    "http://",
    "https://пример.рф/a b",
];

/// Characters long strings are made of: ASCII, Cyrillic, astral, quotes, escapes, controls.
const CHARS: &[char] = &[
    'a', 'Z', '0', '9', ' ', 'ш', 'Ё', '😀', '"', '\\', '\n', '\r', '\t', '\u{0}', '\u{1f}', ';',
    ',', '\u{feff}', '\u{a0}', '\u{301}',
];

fn long_string(rng: &mut Rng, len: usize) -> String {
    let mut s = String::with_capacity(len);
    match rng.below(3) {
        0 => s.extend(std::iter::repeat_n('я', len / 2)),
        1 => s.extend(std::iter::repeat_n('a', len)),
        _ => {
            while s.len() < len {
                s.push(*rng.pick(CHARS));
            }
        }
    }
    s
}

/// Big inputs (1 MB strings, 10,000-deep nesting, 10,000 columns) are rare, except in the
/// first inputs of a run, which always have them.
fn heavy(rng: &mut Rng, index: u64) -> bool {
    index < 8 || rng.chance(1, 400)
}

fn edge_string(rng: &mut Rng, index: u64) -> String {
    match rng.below(12) {
        0 if heavy(rng, index) => long_string(rng, 1 << 20),
        0 | 1 => {
            let len = 1 + rng.below(10_000);
            long_string(rng, len)
        }
        2 => (*rng.pick(NUMBER_TEXTS)).to_string(),
        _ => (*rng.pick(STRINGS)).to_string(),
    }
}

/// Raw JSON text for a placeholder: malformed numbers and literals, deep nesting.
fn raw_json(rng: &mut Rng, index: u64) -> String {
    match rng.below(10) {
        0..=3 => (*rng.pick(NUMBER_TEXTS)).to_string(),
        4 => (*rng.pick(&[
            "tru",
            "nul",
            "True",
            "None",
            "undefined",
            "'a'",
            "[1,]",
            "{,}",
        ]))
        .to_string(),
        _ => {
            let depth = if heavy(rng, index) {
                10_000
            } else {
                *rng.pick(&[127, 128, 129, 200, 1000])
            };
            let close = !rng.chance(1, 4);
            match rng.below(3) {
                0 => format!(
                    "{}{}",
                    "[".repeat(depth),
                    if close {
                        "]".repeat(depth)
                    } else {
                        String::new()
                    }
                ),
                1 => format!(
                    "{}1{}",
                    "{\"a\":".repeat(depth),
                    if close {
                        "}".repeat(depth)
                    } else {
                        String::new()
                    }
                ),
                _ => format!(
                    "{}{{}}{}",
                    "[{\"k\":".repeat(depth / 2),
                    if close {
                        "}]".repeat(depth / 2)
                    } else {
                        String::new()
                    }
                ),
            }
        }
    }
}

// ---------------------------------------------------------------- JSON tree mutations

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(o) => o.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// A node reached by a random walk from the root, stopping at each level with probability
/// 1/6 (and at leaves): cheaper than a uniform choice on big files, and it reaches the
/// containers (objects, arrays) as often as the leaves of deep rows.
fn random_node<'a>(root: &'a mut Value, rng: &mut Rng) -> &'a mut Value {
    let mut cur = root;
    loop {
        let len = match &*cur {
            Value::Array(a) => a.len(),
            Value::Object(o) => o.len(),
            _ => 0,
        };
        if len == 0 || rng.chance(1, 6) {
            return cur;
        }
        // Containers are preferred to leaves (up to three draws), so that deep parts of a
        // file (a run in a backup, answers in a self-assessment) are reached as often.
        let is_leaf = |v: &Value, k: usize| match v {
            Value::Array(a) => !(a[k].is_array() || a[k].is_object()),
            Value::Object(o) => o
                .values()
                .nth(k)
                .is_some_and(|c| !(c.is_array() || c.is_object())),
            _ => true,
        };
        let mut k = rng.below(len);
        for _ in 0..3 {
            if !is_leaf(cur, k) || rng.chance(1, 4) {
                break;
            }
            k = rng.below(len);
        }
        cur = match cur {
            Value::Array(a) => &mut a[k],
            Value::Object(o) => o.values_mut().nth(k).expect("k < len"),
            _ => unreachable!("a leaf returned above"),
        };
    }
}

fn strings_of(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|c| strings_of(c, out)),
        Value::Object(o) => {
            for (k, c) in o {
                out.push(k.clone());
                strings_of(c, out);
            }
        }
        _ => {}
    }
}

/// A value of another type than `old`.
fn wrong_type(rng: &mut Rng, old: &Value) -> Value {
    loop {
        let v = match rng.below(9) {
            0 => Value::Null,
            1 => Value::Bool(rng.chance(1, 2)),
            2 => Value::from(rng.below(3) as i64 - 1),
            3 => Value::from(1.5),
            4 => Value::String(String::new()),
            5 => Value::String("текст".into()),
            6 => Value::Array(Vec::new()),
            7 => Value::Object(Map::new()),
            _ => Value::Array(vec![old.clone()]),
        };
        if std::mem::discriminant(&v) != std::mem::discriminant(old) || rng.chance(1, 4) {
            return v;
        }
    }
}

/// Mutates a JSON tree in place; raw texts to splice in are pushed to `raw` and their
/// placeholders (strings) put in the tree.
fn mutate_tree(root: &mut Value, rng: &mut Rng, index: u64, raw: &mut Vec<String>) {
    let kind = rng.below(16);
    // Strings of the file (ids, keys) for the mutations that reuse them.
    let mut strings = Vec::new();
    if kind == 7 || kind == 11 {
        strings_of(root, &mut strings);
    }
    let node = random_node(root, rng);
    match kind {
        0 | 1 => *node = wrong_type(rng, node),
        2 | 3 => *node = edge_number(rng),
        4 => {
            // A number near the old one: negative, scaled, fractional.
            if let Some(x) = node.as_f64() {
                let y = match rng.below(5) {
                    0 => -x,
                    1 => x * 1e6,
                    2 => x + 0.5,
                    3 => x - 1.0,
                    _ => x / 3.0,
                };
                *node = Number::from_f64(y).map_or(Value::Null, Value::Number);
            } else {
                *node = edge_number(rng);
            }
        }
        5 | 6 => *node = Value::String(edge_string(rng, index)),
        7 => {
            // A string from elsewhere in the file: ids collide, keys become values.
            if !strings.is_empty() {
                *node = Value::String(rng.pick(&strings).clone());
            }
        }
        8 => {
            raw.push(raw_json(rng, index));
            *node = Value::String(placeholder(raw.len() - 1));
        }
        9 | 10 => match node {
            // Remove a child.
            Value::Array(a) if !a.is_empty() => {
                let i = rng.below(a.len());
                a.remove(i);
            }
            Value::Object(o) if !o.is_empty() => {
                let k = o
                    .keys()
                    .nth(rng.below(o.len()))
                    .cloned()
                    .unwrap_or_default();
                o.remove(&k);
            }
            other => *other = Value::Null,
        },
        11 => match node {
            // Repeat a child (rows, schools, assessments twice) or rename a key.
            Value::Array(a) if !a.is_empty() => {
                let i = rng.below(a.len());
                // Many copies of a small element; of a big one (a run), only as many as keep
                // the file under some 20,000 values.
                let times = if heavy(rng, index) {
                    (20_000 / count_nodes(&a[i])).clamp(1, 2000)
                } else {
                    1
                };
                for _ in 0..times {
                    a.insert(i, a[i].clone());
                }
            }
            Value::Object(o) if !o.is_empty() => {
                let k = o
                    .keys()
                    .nth(rng.below(o.len()))
                    .cloned()
                    .unwrap_or_default();
                if let Some(v) = o.remove(&k) {
                    let new = if strings.is_empty() || rng.chance(1, 3) {
                        edge_string(rng, index)
                    } else {
                        rng.pick(&strings).clone()
                    };
                    o.insert(new, v);
                }
            }
            _ => {}
        },
        12 => match node {
            // An unknown key.
            Value::Object(o) => {
                let k =
                    (*rng.pick(&["zz", "", "__proto__", "sha256", "payload", "year"])).to_string();
                o.insert(k, wrong_type(rng, &Value::Null));
            }
            Value::Array(a) => a.push(wrong_type(rng, &Value::Null)),
            _ => {}
        },
        13 => {
            // Swap two children.
            if let Value::Array(a) = node {
                if a.len() > 1 {
                    let (i, j) = (rng.below(a.len()), rng.below(a.len()));
                    a.swap(i, j);
                }
            }
        }
        14 => {
            // A subtree from elsewhere put here (a row where a school is expected …).
            let donor = random_node(root, rng).clone();
            *random_node(root, rng) = donor;
        }
        _ => {
            // Empty the container, or wrap the value.
            let old = std::mem::take(node);
            *node = match old {
                Value::Array(_) => Value::Array(Vec::new()),
                Value::Object(_) => Value::Object(Map::new()),
                other => Value::Object(Map::from_iter([("value".to_string(), other)])),
            };
        }
    }
}

fn placeholder(i: usize) -> String {
    format!("\u{1}RAW{i}\u{1}")
}

/// Puts the raw texts in place of their placeholders in the serialised JSON.
fn splice_raw(mut text: String, raw: &[String]) -> String {
    for (i, r) in raw.iter().enumerate() {
        let quoted = format!("\"\\u0001RAW{i}\\u0001\"");
        text = text.replacen(&quoted, r, 1);
    }
    text
}

/// Recomputes the checksum of a mutated bundle, so that the payload checks and what comes
/// after them see the mutated payload.
fn seal_tree(v: &mut Value) {
    let Some(obj) = v.as_object_mut() else {
        return;
    };
    let Some(payload) = obj.get("payload") else {
        return;
    };
    let sum = canonical_sha256(payload);
    let key = if obj.contains_key("checksum") && !obj.contains_key("sha256") {
        "checksum"
    } else {
        "sha256"
    };
    obj.insert(key.into(), Value::String(sum));
}

/// As [`seal_tree`], for a text with raw pieces spliced in, if it is still JSON.
fn reseal(text: &str) -> Option<String> {
    let mut v = shkala::domain::common::canonical::parse_json(text).ok()?;
    seal_tree(&mut v);
    serde_json::to_string(&v).ok()
}

/// A repeated key: `{"k":` becomes `{"k":0,"k":`.
fn duplicate_key(text: &str, rng: &mut Rng) -> Option<String> {
    let starts: Vec<usize> = text.match_indices("{\"").map(|(i, _)| i).collect();
    let at = *starts.get(rng.below(starts.len().max(1)))?;
    let rest = &text[at + 2..];
    let mut end = None;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => {
                end = Some(i);
                break;
            }
            _ => escaped = false,
        }
    }
    let key = &rest[..end?];
    let value = *rng.pick(&["0", "null", "\"x\"", "[]", "{}"]);
    Some(format!(
        "{}\"{key}\":{value},{}",
        &text[..at + 1],
        &text[at + 1..]
    ))
}

/// Three kinds of input, in proportion 3 : 5 : 2: one change to a value (most pass the
/// reader and go on to the checks and to what the app does next), several changes with text
/// edits and byte damage, and byte damage only.
fn mutate_json(seed: &[u8], tree: &Value, rng: &mut Rng, index: u64, seal: bool) -> Vec<u8> {
    let mode = rng.below(10);
    let tree = (mode < 8).then(|| tree.clone());
    let mut text = match tree {
        Some(mut tree) => {
            let mut raw = Vec::new();
            let changes = if mode < 3 { 1 } else { 1 + rng.below(4) };
            for _ in 0..changes {
                mutate_tree(&mut tree, rng, index, &mut raw);
            }
            let sealed = seal && (mode < 3 || rng.chance(2, 3));
            if sealed && raw.is_empty() {
                seal_tree(&mut tree);
            }
            let text = if rng.chance(1, 3) {
                serde_json::to_string_pretty(&tree)
            } else {
                serde_json::to_string(&tree)
            }
            .unwrap_or_default();
            if sealed && !raw.is_empty() {
                // Raw text that is still JSON (a big number, nesting under the limit).
                let text = splice_raw(text, &raw);
                reseal(&text).unwrap_or(text)
            } else {
                splice_raw(text, &raw)
            }
        }
        None => String::from_utf8_lossy(seed).into_owned(),
    };
    if mode >= 3 && rng.chance(1, 3) {
        for _ in 0..1 + rng.below(2) {
            text = match rng.below(6) {
                0 => duplicate_key(&text, rng).unwrap_or(text),
                1 => format!("\u{feff}{text}"),
                2 => {
                    let end = ["\r\n", "\r", "\n\n"][rng.below(3)];
                    text.replace('\n', end)
                }
                3 => replace_digits(&text, rng),
                4 => {
                    let tail = *rng.pick(&["}", "]", ",", "x", " ", "\u{0}", "\"", "{}"]);
                    format!("{text}{tail}")
                }
                _ => text.replacen("}", ",}", 1),
            };
        }
    }
    let mut bytes = text.into_bytes();
    if mode >= 8 || (mode >= 3 && rng.chance(2, 5)) {
        mutate_bytes(&mut bytes, rng, &[seed]);
    }
    bytes
}

/// Replaces a run of digits (anywhere: numbers, years in dates, digits in strings).
fn replace_digits(text: &str, rng: &mut Rng) -> String {
    let b = text.as_bytes();
    let digits: Vec<usize> = (0..b.len())
        .filter(|&i| b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()))
        .collect();
    if digits.is_empty() {
        return text.to_string();
    }
    let start = *rng.pick(&digits);
    let mut end = start;
    while end < b.len() && (b[end].is_ascii_digit() || b[end] == b'.') {
        end += 1;
    }
    format!(
        "{}{}{}",
        &text[..start],
        rng.pick(NUMBER_TEXTS),
        &text[end..]
    )
}

// ---------------------------------------------------------------- byte mutations

const BYTES: &[u8] = &[
    0, 0xFF, 0xC0, 0xED, 0x80, b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b';', b'\n', b'\r',
    b'\t', b' ', b'0', b'-', b'e', b'.',
];

fn mutate_bytes(bytes: &mut Vec<u8>, rng: &mut Rng, others: &[&[u8]]) {
    for _ in 0..1 + rng.below(4) {
        let len = bytes.len();
        match rng.below(9) {
            0 | 1 => {
                // Truncate; half the time inside a multi-byte character.
                let inner: Vec<usize> = if rng.chance(1, 2) {
                    (0..len).filter(|&i| bytes[i] & 0xC0 == 0x80).collect()
                } else {
                    Vec::new()
                };
                let at = if inner.is_empty() {
                    rng.below(len + 1)
                } else {
                    *rng.pick(&inner)
                };
                bytes.truncate(at);
            }
            2 if len > 0 => {
                let i = rng.below(len);
                bytes[i] ^= 1 << rng.below(8);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                bytes[i] = *rng.pick(BYTES);
            }
            4 => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(8);
                let new: Vec<u8> = (0..n)
                    .map(|_| {
                        if rng.chance(1, 2) {
                            *rng.pick(BYTES)
                        } else {
                            rng.next() as u8
                        }
                    })
                    .collect();
                bytes.splice(at..at, new);
            }
            5 if len > 0 => {
                let at = rng.below(len);
                let n = (1 + rng.below(64)).min(len - at);
                bytes.drain(at..at + n);
            }
            6 if len > 0 => {
                // Repeat a stretch somewhere else.
                let at = rng.below(len);
                let n = (1 + rng.below(256)).min(len - at);
                let chunk = bytes[at..at + n].to_vec();
                let to = rng.below(len + 1);
                bytes.splice(to..to, chunk);
            }
            7 if !others.is_empty() => {
                // Splice: our head, another file's tail.
                let other = *rng.pick(others);
                let at = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                bytes.truncate(at);
                bytes.extend_from_slice(&other[from..]);
            }
            _ => {
                let i = rng.below(len + 1);
                bytes.splice(i..i, b"\xEF\xBB\xBF".iter().copied());
            }
        }
    }
}

// ---------------------------------------------------------------- CSV mutations

/// A CSV file as records of cells, to be mutated and written out.
#[derive(Clone)]
struct Table {
    sep: char,
    records: Vec<Vec<String>>,
}

impl Table {
    fn write(&self, rng: &mut Rng, line_end: &str, bom: bool) -> Vec<u8> {
        let mixed = rng.chance(1, 6);
        let mut out = String::new();
        if bom {
            out.push('\u{feff}');
        }
        for (r, record) in self.records.iter().enumerate() {
            for (c, cell) in record.iter().enumerate() {
                if c > 0 {
                    out.push(self.sep);
                }
                // Header cells with a separator candidate in them are quoted: the reader
                // picks the separator by counting them in the header outside quotes.
                let needs = cell.contains([self.sep, '"', '\n', '\r'])
                    || (r == 0 && cell.contains([';', ',', '\t']));
                if (needs && !rng.chance(1, 20)) || rng.chance(1, 50) {
                    out.push('"');
                    out.push_str(&cell.replace('"', "\"\""));
                    out.push('"');
                } else {
                    out.push_str(cell);
                }
            }
            if r + 1 < self.records.len() || rng.chance(3, 4) {
                let end = if mixed {
                    ["\n", "\r\n", "\r"][rng.below(3)]
                } else {
                    line_end
                };
                out.push_str(end);
            }
        }
        out.into_bytes()
    }
}

fn edge_cell(rng: &mut Rng, index: u64) -> String {
    match rng.below(10) {
        0..=3 => (*rng.pick(NUMBER_TEXTS)).to_string(),
        4 => (*rng.pick(&[
            "1 234,5",
            "12,5%",
            "12,5 %",
            "1.2.3",
            "1,2,3",
            "1,5e2",
            "\u{a0}5\u{a0}",
            "5\u{202f}000",
            " 5 ",
            "½",
            "2024,0",
            "２０２４",
            "-",
            "%",
            ",",
            ".",
        ]))
        .to_string(),
        5 => (*rng.pick(&[
            "\"",
            "a\"b",
            "\"a\"b",
            "\"unterminated",
            "a\nb",
            "a\rb",
            "\"\"",
            "'=1",
            "=SUM(A1)",
            "\u{feff}",
            "\t",
            ";",
            ",",
            "\u{0}",
        ]))
        .to_string(),
        6 => edge_string(rng, index),
        _ => (*rng.pick(&[
            "",
            "secondary",
            "Средняя",
            "СРЕДНЯЯ",
            "basic",
            "primary",
            "1989",
            "2101",
            "2024",
            "2024.5",
        ]))
        .to_string(),
    }
}

fn mutate_table(t: &mut Table, rng: &mut Rng, index: u64) {
    let rows = t.records.len();
    if rows == 0 {
        t.records.push(vec![String::new()]);
        return;
    }
    let r = rng.below(rows);
    let width = t.records[r].len().max(1);
    match rng.below(14) {
        0..=3 => {
            let c = rng.below(width);
            if let Some(cell) = t.records[r].get_mut(c) {
                *cell = edge_cell(rng, index);
            }
        }
        4 => {
            // Extra cells; sometimes 10,000 of them (in the header or a row).
            let n = if heavy(rng, index) {
                10_000
            } else {
                1 + rng.below(3)
            };
            for k in 0..n {
                let cell = if rng.chance(1, 2) {
                    format!("x{k}")
                } else {
                    String::new()
                };
                t.records[r].push(cell);
            }
        }
        5 => {
            // Missing cells.
            let keep = rng.below(width);
            t.records[r].truncate(keep);
        }
        6 => {
            // Repeat a row (a duplicate school and year), or remove one.
            if rng.chance(1, 2) {
                let copy = t.records[r].clone();
                t.records.insert(r, copy);
            } else {
                t.records.remove(r);
            }
        }
        7 => {
            // The header: a repeated column, a removed one, an unknown one, case, labels.
            let header = &mut t.records[0];
            if header.is_empty() {
                return;
            }
            let c = rng.below(header.len());
            match rng.below(5) {
                0 => {
                    let name = header[c].clone();
                    let at = rng.below(header.len() + 1);
                    header.insert(at, name);
                }
                1 => {
                    header.remove(c);
                }
                2 => header[c] = edge_string(rng, index),
                3 => header[c] = header[c].to_uppercase(),
                _ => {
                    if let Some(col) = schema().columns.get(rng.below(schema().columns.len())) {
                        header[c] = col.label.clone();
                    }
                }
            }
        }
        8 => {
            // Empty lines, lines of separators only, whitespace lines.
            let line = match rng.below(3) {
                0 => Vec::new(),
                1 => vec![String::new(); width],
                _ => vec!["   ".to_string()],
            };
            t.records.insert(rng.below(rows + 1), line);
        }
        9 => {
            if rows > 1 {
                let other = rng.below(rows);
                t.records.swap(r, other);
            }
        }
        10 => {
            // Another separator (the cells are not changed: a decimal comma splits).
            t.sep = *rng.pick(&[';', ',', '\t', '|']);
        }
        11 => {
            // Pad cells with spaces, or put a cell in quotes with a quote inside.
            let c = rng.below(width);
            if let Some(cell) = t.records[r].get_mut(c) {
                *cell = match rng.below(3) {
                    0 => format!("  {cell}  "),
                    1 => format!("{cell}\"{cell}"),
                    _ => format!("{cell}\n{cell}"),
                };
            }
        }
        12 => {
            // A decimal point for the comma, or a comma for the point, in every number.
            for rec in t.records.iter_mut().skip(1) {
                for cell in rec.iter_mut() {
                    *cell = if cell.contains(',') {
                        cell.replace(',', ".")
                    } else {
                        cell.replace('.', ",")
                    };
                }
            }
        }
        _ => {
            // Drop all data rows, or keep only the header's prefix.
            if rng.chance(1, 2) {
                t.records.truncate(1);
            } else {
                let cut = rng.below(width);
                t.records[0].truncate(cut);
            }
        }
    }
}

// ---------------------------------------------------------------- workbooks

/// A workbook of a table: numbers as numbers (some as text with a decimal comma). Shape 0:
/// one sheet, header in row 1; 1: a title sheet first, a two-row header with merged groups;
/// 2: a title row, a row of column numbers, a municipality merged down, a date and a logical
/// value among the data.
fn workbook_of(table: &Table, shape: usize) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let plain = Format::new();
    if shape == 1 {
        let title = book.add_worksheet().set_name("Титул").expect("a name");
        title
            .write_string(0, 0, "Сведения о школах")
            .expect("a cell");
    }
    let ws = book.add_worksheet();
    let (header, data) = table.records.split_first().expect("a header");
    let width = header.len() as u16;
    let top: u32 = match shape {
        1 => {
            ws.merge_range(0, 0, 0, 4, "Школа", &plain)
                .expect("a merge");
            ws.merge_range(0, 5, 0, width.max(7) - 1, "Показатели", &plain)
                .expect("a merge");
            1
        }
        2 => {
            ws.merge_range(0, 0, 0, 4, "Сведения о школах района", &plain)
                .expect("a merge");
            2
        }
        _ => 0,
    };
    for (c, h) in header.iter().enumerate() {
        ws.write_string(top, c as u16, h).expect("a cell");
    }
    let mut first = top + 1;
    if shape == 2 {
        for c in 0..width {
            ws.write_number(first, c, f64::from(c + 1)).expect("a cell");
        }
        first += 1;
    }
    for (r, record) in data.iter().enumerate() {
        let row = first + r as u32;
        for (c, v) in record.iter().enumerate() {
            let col = c as u16;
            if v.trim().is_empty() {
                continue;
            }
            match v.trim().replace(',', ".").parse::<f64>() {
                Ok(n) if (r + c) % 3 != 0 => ws.write_number(row, col, n),
                _ => ws.write_string(row, col, v),
            }
            .expect("a cell");
        }
    }
    if shape == 2 && data.len() > 3 {
        let dates = Format::new().set_num_format("dd.mm.yyyy");
        let date = ExcelDateTime::from_ymd(2024, 9, 1).expect("a date");
        ws.write_datetime_with_format(first + 1, 4, date, &dates)
            .expect("a cell");
        ws.write_boolean(first + 2, 6, true).expect("a cell");
        ws.merge_range(first, 2, first + 2, 2, "Район А", &plain)
            .expect("a merge");
        // A formula whose value was never computed (rust_xlsxwriter stores 0).
        ws.write_formula(first + 3, 5, "=F1*100").expect("a cell");
    }
    book.save_to_buffer().expect("a workbook")
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    (0..archive.len())
        .map(|i| {
            let mut part = archive.by_index(i).expect("a part");
            let mut data = Vec::new();
            part.read_to_end(&mut data).expect("a part");
            (part.name().to_string(), data)
        })
        .collect()
}

fn rezip(parts: &[(String, Vec<u8>)], deflate: bool) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = SimpleFileOptions::default().compression_method(method);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in parts {
        // A repeated name is refused by the writer: that part is left out.
        if w.start_file(name.as_str(), options).is_ok() {
            w.write_all(data).expect("written to memory");
        }
    }
    w.finish().expect("written to memory").into_inner()
}

/// XML put into a workbook's parts: positions beyond Excel's limits and overflowing ones,
/// merged regions backwards and enormous, cells of every type with odd values, shared strings
/// that do not exist.
const XML_SNIPPETS: &[&str] = &[
    r#"<c r="XFD1048577"><v>1</v></c>"#,
    r#"<c r="A4294967296"><v>1</v></c>"#,
    r#"<c r="A99999999999999999999"><v>1</v></c>"#,
    r#"<c r="ZZZZZZZZ1"><v>1</v></c>"#,
    r#"<c r="B2" t="d"><v>2024-09-01T00:00:00</v></c>"#,
    r#"<c r="C3" t="e"><v>#DIV/0!</v></c>"#,
    r#"<c r="C3" t="b"><v>1</v></c>"#,
    r#"<c r="D4" t="s"><v>999999</v></c>"#,
    r#"<c r="D4" t="s"><v>-1</v></c>"#,
    r#"<c r="E5" s="999"><v>45536</v></c>"#,
    r#"<c r="E5" s="1"><v>1e308</v></c>"#,
    r#"<c r="E5"><v>NaN</v></c>"#,
    r#"<c r="E5" t="inlineStr"><is><t>12,5</t></is></c>"#,
    r#"<row r="0">"#,
    r#"<row r="4294967295"><c><v>1</v></c></row>"#,
    r#"<mergeCells count="1"><mergeCell ref="C5:A1"/></mergeCells>"#,
    r#"<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>"#,
    r#"<mergeCell ref="A2:A99999999999"/>"#,
    r#"<dimension ref="A1:XFD1048576"/>"#,
    r#"<sheetData>"#,
    r#"</sheetData>"#,
    r#"<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>"#,
    r#"<workbookPr date1904="1"/>"#,
    r#"<sheet name="Лист" sheetId="9" r:id="rId99"/>"#,
    r#"<c r="F3"><f>1/0</f></c>"#,
    r#"<c r="F3"><f t="shared" ref="A1:XFD1048576" si="0">A1&amp;"&lt;"</f><v>0</v></c>"#,
    r#"<c><f t="shared" si="0"/></c>"#,
    r#"<x:c r="G2"><x:f>SUM(<!-- > -->A1)</x:f></x:c>"#,
    r#"<calcPr calcId="124519" fullCalcOnLoad="1"/>"#,
    "&#0;&amp;&lt;&#xFFFF;",
];

/// A workbook mutated inside: its parts' XML (text mutations, snippets spliced in at tag
/// boundaries), a part dropped or repeated, packed again stored or deflated; now and then the
/// packed bytes themselves.
fn mutate_xlsx(packed: &[u8], parts: &[(String, Vec<u8>)], rng: &mut Rng) -> Vec<u8> {
    if rng.chance(1, 6) {
        let mut bytes = packed.to_vec();
        mutate_bytes(&mut bytes, rng, &[]);
        return bytes;
    }
    let mut parts = parts.to_vec();
    for _ in 0..1 + rng.below(3) {
        if parts.is_empty() {
            break;
        }
        let sheets: Vec<usize> = (0..parts.len())
            .filter(|&i| parts[i].0.starts_with("xl/worksheets/"))
            .collect();
        let k = if !sheets.is_empty() && rng.chance(2, 3) {
            *rng.pick(&sheets)
        } else {
            rng.below(parts.len())
        };
        match rng.below(8) {
            0 => {
                parts.remove(k);
            }
            1 => {
                let at = rng.below(parts.len() + 1);
                let copy = parts[k].clone();
                parts.insert(at, copy);
            }
            2 | 3 => mutate_bytes(&mut parts[k].1, rng, &[]),
            _ => {
                let data = &mut parts[k].1;
                let tags: Vec<usize> = (0..data.len()).filter(|&i| data[i] == b'<').collect();
                let at = if tags.is_empty() {
                    data.len()
                } else {
                    *rng.pick(&tags)
                };
                let snippet = rng.pick(XML_SNIPPETS).as_bytes().to_vec();
                data.splice(at..at, snippet);
            }
        }
    }
    rezip(&parts, rng.chance(1, 3))
}

fn mutate_csv(seed: &Table, seed_bytes: &[&[u8]], rng: &mut Rng, index: u64) -> Vec<u8> {
    // As for JSON: one change, several changes with byte damage, byte damage only.
    let mode = rng.below(10);
    let mut t = seed.clone();
    let changes = match mode {
        0..=2 => 1,
        3..=7 => 1 + rng.below(4),
        _ => 0,
    };
    for _ in 0..changes {
        mutate_table(&mut t, rng, index);
    }
    let line_end = *rng.pick(&["\r\n", "\n", "\r"]);
    let bom = rng.chance(1, 2);
    let mut bytes = t.write(rng, line_end, bom);
    if mode >= 8 || (mode >= 3 && rng.chance(2, 5)) {
        mutate_bytes(&mut bytes, rng, seed_bytes);
    }
    bytes
}

// ---------------------------------------------------------------- seeds

/// Valid files of every kind, and what the accepted inputs are used with.
struct Seeds {
    bundles: JsonSeeds,
    tables: Vec<Table>,
    csv: Vec<Vec<u8>>,
    /// Excel workbooks of the same tables, and their parts (name, bytes) for the mutator.
    xlsx: Vec<Vec<u8>>,
    xlsx_parts: Vec<Vec<(String, Vec<u8>)>>,
    /// Blocks copied from Excel, pasted into a school's form.
    paste_tables: Vec<Table>,
    paste: Vec<Vec<u8>>,
    json_tables: JsonSeeds,
    self_assessments: JsonSeeds,
    params: JsonSeeds,
    workspaces: JsonSeeds,
    /// The database the import plans are made against.
    current: Snapshot,
    /// One school's rows, placed against accepted references.
    school_rows: Vec<Row>,
    /// A small region, identified with accepted parameters.
    region_rows: Vec<Row>,
    /// Its identification, compared with the runs of accepted backups.
    region_result: Identification,
}

/// Valid JSON files, and their trees (parsed once: mutations start from a copy).
struct JsonSeeds {
    bytes: Vec<Vec<u8>>,
    trees: Vec<Value>,
}

impl JsonSeeds {
    fn new(bytes: Vec<Vec<u8>>) -> JsonSeeds {
        let trees = bytes
            .iter()
            .map(|b| serde_json::from_slice(b).expect("a seed is JSON"))
            .collect();
        JsonSeeds { bytes, trees }
    }
}

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(build_seeds)
}

fn by(role: Role, organisation: &str) -> CreatedBy {
    CreatedBy {
        role,
        organisation: organisation.to_string(),
    }
}

/// A self-assessment with a valid answer to every item of the questionnaire.
fn full_self_assessment(school_id: &str, year: i32) -> sa::SelfAssessment {
    let mut s = sa::SelfAssessment::new(school_id, year);
    for (k, item) in questionnaire().items.iter().enumerate() {
        let value = match (item.answer, item.bounds()) {
            (AnswerType::YesNo, _) => {
                if k % 2 == 0 {
                    AnswerValue::Yes
                } else {
                    AnswerValue::No
                }
            }
            (AnswerType::Count, _) => AnswerValue::Number(7.0),
            (_, Some((lo, hi))) if hi < 1e9 => AnswerValue::Number(lo + (hi - lo) / 3.0),
            _ => AnswerValue::Number(2.5),
        };
        let mut answer = sa::Answer::new(value);
        if k % 5 == 0 {
            answer.evidence = "ОО-1, раздел 2".into();
            answer.link = "https://пример.рф/отчёт".into();
        }
        s.answers.insert(item.id.clone(), answer);
    }
    s
}

/// A table of rows with a given separator, header (ids or Russian labels) and decimal mark.
fn table_of(rows: &[Row], sep: char, labels: bool, comma: bool) -> Table {
    let s = schema();
    let header: Vec<String> = s
        .columns
        .iter()
        .map(|c| {
            if labels {
                c.label.clone()
            } else {
                c.id.clone()
            }
        })
        .collect();
    let mut records = vec![header];
    for r in rows {
        let mut cells = vec![
            r.school_id.clone(),
            r.school_name.clone(),
            r.municipality.clone(),
            if labels {
                r.school_type.label().to_string()
            } else {
                r.school_type.id().to_string()
            },
            r.year.to_string(),
        ];
        for i in 0..s.data_len() {
            cells.push(match r.values.get(i) {
                None => String::new(),
                Some(v) if comma => shortest_decimal_comma(v),
                Some(v) => v.to_string(),
            });
        }
        records.push(cells);
    }
    Table { sep, records }
}

/// A CSV text read back into a table (for the files the domain writes).
fn table_from_text(text: &str) -> Table {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let records = reader
        .records()
        .map(|r| {
            r.expect("a CSV record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    Table { sep: ';', records }
}

fn build_seeds() -> Seeds {
    let spec = DemoSpec {
        schools: 12,
        municipalities: 3,
        years: vec![2023, 2024, 2025],
        seed: 7,
    };
    let rows = region(&spec);
    let result = identify(&rows, &Params::default()).expect("the demo region identifies");
    let region_result = result.clone();
    let run = RunRecord {
        id: "run-1".into(),
        created_at: ts(NOW),
        label: "Демонстрация".into(),
        scope: RunScope::All,
        input_digest: RowsDigest::of(&rows).hex(),
        chance_seed: 1,
        reference: reference_pools(&result, &rows),
        result: without_components(result),
    };
    let region_by = by(Role::Region, "Минобр");
    let muni = by(Role::Municipality, "Управление образования");
    let reference_bundle = reference(&run, "Демонстрационный край", &region_by, &ts(NOW));

    // The committed school files of the monitoring test carry documents of every sort.
    let fixtures: Vec<Vec<u8>> = ["MON-1.json", "MON-2.json", "MON-3.json"]
        .iter()
        .map(|name| {
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/monitoring")
                .join(name);
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect();
    let documents = match parse_bundle_as("MON-1.json", &fixtures[0], &[]) {
        Ok(pb) => match pb.payload {
            Payload::SchoolSubmission(s) => (s.self_assessments, s.programme),
            other => panic!("MON-1.json: {:?}", other.kind()),
        },
        Err(p) => panic!("MON-1.json: {p:?}"),
    };

    let meta = RecordMeta {
        modified_at: ts("2025-01-10T08:00:00Z"),
        origin: Origin::Local,
    };
    let ids: Vec<String> = {
        let mut ids: Vec<String> = rows.iter().map(|r| r.school_id.clone()).collect();
        ids.dedup();
        ids
    };
    let chosen: Vec<&String> = ids.iter().take(4).collect();
    let mut snapshot = Snapshot::default();
    for r in rows.iter().filter(|r| chosen.contains(&&r.school_id)) {
        snapshot.submissions.push(SubmissionRecord {
            row: r.clone(),
            meta: meta.clone(),
        });
    }
    for id in &chosen {
        let latest = rows.iter().rfind(|r| &&r.school_id == id).expect("a row");
        snapshot.schools.push(SchoolRecord::new(
            SchoolIdentity::of_row(latest),
            meta.clone(),
        ));
    }
    let first = chosen[0].clone();
    snapshot.schools[0].documents.self_assessments = vec![
        full_self_assessment(&first, 2024),
        full_self_assessment(&first, 2025),
    ];
    snapshot.schools[0].documents.programme = documents.1.clone();
    snapshot.schools[0].support = BTreeMap::from([(
        2025,
        Support {
            participant: true,
            partner: Some(Agreement {
                partner_id: chosen[1].clone(),
                number: "12".into(),
                date: "2025-03-31".into(),
            }),
            note: "сопровождает методическая служба".into(),
        },
    )]);
    // Two assessments with a part of their answers each (a whole one is 40 KB of JSON).
    snapshot.assessments = demo::rubric_assessments(&spec, NOW)
        .into_iter()
        .take(2)
        .map(|mut a| {
            let keep: Vec<String> = a.answers.keys().step_by(7).cloned().collect();
            a.answers.retain(|k, _| keep.contains(k));
            AssessmentRecord::new(a, meta.clone())
        })
        .collect();
    snapshot.log.push(LogEntry::new(
        &ts(NOW),
        LogAction::Demo,
        None,
        None,
        "демонстрационные данные".into(),
        ImportCounts::default(),
    ));
    let small_backup = backup(&snapshot, &by(Role::Other, ""), &ts(NOW));
    let mut full = snapshot.clone();
    full.runs.push(run.clone());
    full.references.push(ReferenceRecord {
        id: reference_bundle.sha256.clone(),
        received_at: ts(NOW),
        bundle: reference_bundle.clone(),
    });

    let school_by = by(Role::School, "МБОУ СОШ № 1");
    let submission =
        school_submission(&snapshot, &first, &school_by, &ts(NOW)).expect("a school file");
    let bundles: Vec<Bundle> = vec![
        submission.clone(),
        collection(&snapshot, &[], &muni, &ts(NOW)),
        collection(&snapshot, &[chosen[1].clone()], &muni, &ts(NOW)),
        rubric_assessments(&snapshot, &[], &muni, &ts(NOW)),
        reference_bundle,
        small_backup,
        backup(&full, &by(Role::Other, ""), &ts(NOW)),
        // A run alone: mutations reach its result more often.
        backup(
            &Snapshot {
                runs: vec![run.clone()],
                ..Snapshot::default()
            },
            &by(Role::Other, ""),
            &ts(NOW),
        ),
    ];
    let mut bundle_texts: Vec<Vec<u8>> = Vec::new();
    for (i, b) in bundles.iter().enumerate() {
        bundle_texts.push(if i != 1 && i != 3 {
            b.to_json().into_bytes()
        } else {
            b.to_json_pretty().into_bytes()
        });
    }
    // A version 0 file (migrated on reading).
    let mut v0: Value = serde_json::from_str(&submission.to_json()).expect("JSON");
    if let Some(o) = v0.as_object_mut() {
        o.insert("version".into(), Value::from(0));
        let kind = o.remove("kind").expect("kind");
        o.insert("type".into(), kind);
        let sum = o.remove("sha256").expect("sha256");
        o.insert("checksum".into(), sum);
    }
    bundle_texts.push(serde_json::to_vec(&v0).expect("JSON"));
    bundle_texts.extend(fixtures);
    for (i, b) in bundle_texts.iter().enumerate() {
        if let Err(p) = parse_bundle_as("seed.json", b, &[]) {
            panic!("seed bundle {i} does not read: {p:?}");
        }
    }

    let some: Vec<Row> = rows
        .iter()
        .filter(|r| chosen.contains(&&r.school_id))
        .cloned()
        .collect();
    let tables = vec![
        table_from_text(&rows_csv(&some)),
        table_from_text(&template_csv()),
        table_of(&some[..4], ',', false, false),
        table_of(&some[4..8], '\t', false, true),
        table_of(&some[8..], ';', true, false),
        table_of(&rows, ';', false, true),
    ];
    let csv: Vec<Vec<u8>> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut rng = Rng::new(i as u64);
            t.write(&mut rng, "\r\n", i % 2 == 0)
        })
        .collect();

    let xlsx: Vec<Vec<u8>> = tables
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, t)| workbook_of(t, i))
        .collect();
    let xlsx_parts = xlsx.iter().map(|b| unzip(b)).collect();

    // Clipboard blocks: a table with a header, one year's data in contract order, a grid of
    // indicators by years.
    let data_line: Vec<String> = (0..schema().data_len())
        .map(|i| {
            some[0]
                .values
                .get(i)
                .map(shortest_decimal_comma)
                .unwrap_or_default()
        })
        .collect();
    let grid: Vec<Vec<String>> = (0..5)
        .map(|r| (0..3).map(|y| format!("{},{}", 10 + r, y)).collect())
        .collect();
    let paste_tables = vec![
        table_of(&some[..3], '\t', false, true),
        Table {
            sep: '\t',
            records: vec![data_line],
        },
        Table {
            sep: '\t',
            records: grid,
        },
    ];
    let paste: Vec<Vec<u8>> = paste_tables
        .iter()
        .map(|t| t.write(&mut Rng::new(1), "\r\n", false))
        .collect();

    for (i, c) in csv.iter().enumerate() {
        let (_, problems) = merge(vec![parse_csv("seed.csv", c)]);
        let errors: Vec<String> = problems
            .iter()
            .filter(|p| p.is_error())
            .map(ToString::to_string)
            .collect();
        assert!(errors.is_empty(), "seed CSV {i} does not read: {errors:?}");
    }

    let mut as_strings = serde_json::to_value(&some[..3]).expect("JSON");
    if let Some(items) = as_strings.as_array_mut() {
        for item in items {
            if let Some(o) = item.as_object_mut() {
                for (k, v) in o.iter_mut() {
                    if let (Some(x), false) = (v.as_f64(), k == "year") {
                        *v = Value::String(shortest_decimal_comma(x));
                    }
                }
                o.insert("students_total".into(), Value::Null);
            }
        }
    }
    let json_tables = vec![
        serde_json::to_vec(&some).expect("JSON"),
        serde_json::to_vec_pretty(&some[..2]).expect("JSON"),
        serde_json::to_vec(&as_strings).expect("JSON"),
        b"[]".to_vec(),
    ];

    let mut self_assessments: Vec<Vec<u8>> = documents
        .0
        .iter()
        .map(|s| s.to_json().into_bytes())
        .collect();
    self_assessments.push(full_self_assessment(&first, 2025).to_json().into_bytes());
    self_assessments
        .push(serde_json::to_vec_pretty(&full_self_assessment("MON-1", 2024)).expect("JSON"));

    let tuned = Params {
        band_share: 0.2,
        ..Params::default()
    };
    let params = vec![
        serde_json::to_vec(&Params::default()).expect("JSON"),
        serde_json::to_vec_pretty(&tuned).expect("JSON"),
        br#"{"band_share":0.25}"#.to_vec(),
        b"{}".to_vec(),
    ];

    let school_rows: Vec<Row> = rows
        .iter()
        .filter(|r| r.school_id == first)
        .cloned()
        .collect();
    let mut w = Workspace::of_stored(&snapshot.schools[0], &school_rows, 2025);
    w.draft.set(2025, "ege_rus_mean", "61,5");
    w.draft.set(2025, "students_total", "abc");
    w.updated_at = Some(ts(NOW));
    let workspaces = vec![
        serde_json::to_vec(&w).expect("JSON"),
        serde_json::to_vec_pretty(&Workspace::new(
            SchoolIdentity::of_row(&school_rows[0]),
            2025,
        ))
        .expect("JSON"),
    ];

    if std::env::var_os("SHKALA_FUZZ_N").is_some() {
        let sizes = |v: &[Vec<u8>]| v.iter().map(Vec::len).collect::<Vec<_>>();
        println!(
            "исходные файлы, байт: bundle {:?}, csv {:?}, paste {:?}, json_table {:?}, self_assessment {:?}, params {:?}, workspace {:?}",
            sizes(&bundle_texts),
            sizes(&csv),
            sizes(&paste),
            sizes(&json_tables),
            sizes(&self_assessments),
            sizes(&params),
            sizes(&workspaces)
        );
    }
    Seeds {
        bundles: JsonSeeds::new(bundle_texts),
        tables,
        csv,
        xlsx,
        xlsx_parts,
        paste_tables,
        paste,
        json_tables: JsonSeeds::new(json_tables),
        self_assessments: JsonSeeds::new(self_assessments),
        params: JsonSeeds::new(params),
        workspaces: JsonSeeds::new(workspaces),
        current: snapshot,
        school_rows,
        region_rows: rows,
        region_result,
    }
}

// ---------------------------------------------------------------- targets

/// A parser and what the app does with what it accepts.
struct Target {
    name: &'static str,
    /// Inputs per run unless `SHKALA_FUZZ_N` says otherwise (about 2–3 s each in a debug
    /// build, so that `cargo test` stays quick).
    default_n: u64,
    /// Runs an input; whether the parser accepted it.
    run: fn(&Seeds, &[u8]) -> bool,
    generate: fn(&Seeds, &mut Rng, u64) -> Vec<u8>,
    /// The valid files the inputs are made from.
    seeds: fn(&Seeds) -> &[Vec<u8>],
}

fn plan_and_write(s: &Seeds, incoming: Incoming) {
    let plan = plan_import(&s.current, &[incoming], &ts(NOW));
    let _ = plan.writes(&plan.resolve_all(Resolution::TakeTheirs));
    let _ = plan.writes(&Resolutions::new());
}

fn run_bundle(s: &Seeds, bytes: &[u8]) -> bool {
    // The kinds a page expects; the choice depends on the input only (corpus replays agree).
    let expected: &[Kind] = match bytes.len() % 4 {
        0 => &[Kind::Backup],
        1 => &[Kind::SchoolSubmission, Kind::Collection],
        _ => &[],
    };
    let Ok(pb) = parse_bundle_as("fuzz.json", bytes, expected) else {
        return false;
    };
    match &pb.payload {
        Payload::Reference(r) => {
            let _ = SavedReference::of_bundle(&pb);
            let _ = place(r, &s.school_rows);
            let _ = social_profile(r, &s.school_rows);
        }
        Payload::SchoolSubmission(sub) => {
            for a in &sub.self_assessments {
                let _ = questionnaire().findings(a);
                let _ = sa::summary(a, &sub.self_assessments);
            }
        }
        Payload::Backup(b) => {
            // A restored run is shown at once: its lists, tables and comparisons. The reader
            // checks a run's shape only, so these must take whatever a file holds.
            for run in &b.snapshot.runs {
                let r = &run.result;
                let _ = RunHeader::of(run);
                let _ = identify_csv(r);
                let _ = analysis::cross_table(r);
                let _ = analysis::compare(r, &s.region_result);
                let _ = analysis::compare(&s.region_result, r);
                let _ = analysis::stable_improvement(r, 10);
                let _ = analysis::municipalities_csv(r);
                let _ = analysis::history(&[("a", "b", r), ("c", "d", &s.region_result)], "");
                if let Some(school) = r.schools.first() {
                    let _ = analysis::history(&[("a", "b", r)], &school.school_id);
                    let _ = analysis::cross_table_of_municipality(r, &school.municipality);
                    let _ = support::candidates(r, &school.school_id, 5);
                    for &year in r.years.iter().chain(&[0]) {
                        let _ = analysis::school_list_csv(r, &[school], year);
                    }
                }
                let _ = reference_pools(r, &s.region_rows);
            }
        }
        _ => {}
    }
    plan_and_write(s, Incoming::Bundle(pb));
    true
}

/// A table as the app reads a dropped file ([`Incoming::read`]: by its first byte, a CSV, a
/// JSON array or a bundle; rows merged, duplicates refused), then planned.
fn run_table(s: &Seeds, file: &str, bytes: &[u8]) -> bool {
    match Incoming::read(file, bytes) {
        Ok((incoming, _)) => {
            plan_and_write(s, incoming);
            true
        }
        Err(_) => false,
    }
}

fn run_csv(s: &Seeds, bytes: &[u8]) -> bool {
    // The CLI reads a large CSV in parts on every core: exactly the reading in one piece.
    let chunks = 2 + bytes.len() % 7;
    let parts = shkala::domain::input::parse_csv_in_chunks("fuzz.csv", bytes, None, chunks);
    assert!(
        parts == parse_csv("fuzz.csv", bytes),
        "read in {chunks} parts, the file gives another result"
    );
    run_table(s, "fuzz.csv", bytes)
}

/// A workbook: read as the import reads it (then planned and written), its preview for the
/// mapping step, and a sheet asked for by name.
fn run_xlsx(s: &Seeds, bytes: &[u8]) -> bool {
    use shkala::domain::input::{parse_file_with, preview_table, ReadOptions};
    let _ = preview_table("fuzz.xlsx", bytes, &ReadOptions::default(), 5);
    let named = ReadOptions {
        sheet: Some("Титул".into()),
        mapping: None,
    };
    let _ = parse_file_with("fuzz.xlsx", bytes, &named);
    run_table(s, "fuzz.xlsx", bytes)
}

fn run_json_table(s: &Seeds, bytes: &[u8]) -> bool {
    run_table(s, "fuzz.json", bytes)
}

/// Pastes the text into a school's form at a cell chosen by the input's length.
fn run_paste(s: &Seeds, bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let columns = [
        "ege_rus_mean",
        "students_total",
        "oge_math_mean",
        "school_name",
        "нет",
    ];
    let mut draft = shkala::domain::workspace::school_entry::Draft::new(2025);
    let year = 2023 + (bytes.len() % 4) as i32;
    let pasted = draft.paste(year, columns[bytes.len() % columns.len()], &text);
    let _ = draft.problems();
    let rows = draft.rows(&SchoolIdentity::of_row(&s.school_rows[0]));
    pasted.cells > 0 && rows.is_ok()
}

fn run_self_assessment(_: &Seeds, bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Ok(a) = sa::SelfAssessment::from_json(&text) else {
        return false;
    };
    let _ = sa::validate(&a);
    let _ = sa::errors(&a);
    let _ = questionnaire().findings(&a);
    let _ = sa::summary(&a, std::slice::from_ref(&a));
    let _ = a.to_json();
    true
}

fn run_params(s: &Seeds, bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Ok(p) = Params::from_json(&text) else {
        return false;
    };
    let _ = identify(&s.region_rows, &p);
    true
}

fn run_workspace(_: &Seeds, bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Ok(w) = serde_json::from_str::<Workspace>(&text) else {
        return false;
    };
    let _ = w.store_key();
    let _ = w.draft.problems();
    let _ = w.draft.rows(&w.profile);
    let _ = w.documents().problems();
    true
}

fn json_from(seeds: &JsonSeeds, rng: &mut Rng, index: u64, seal: bool) -> Vec<u8> {
    let k = rng.below(seeds.bytes.len());
    mutate_json(&seeds.bytes[k], &seeds.trees[k], rng, index, seal)
}

const TARGETS: &[Target] = &[
    Target {
        name: "bundle",
        default_n: 1000,
        run: run_bundle,
        generate: |s, rng, i| json_from(&s.bundles, rng, i, true),
        seeds: |s| &s.bundles.bytes,
    },
    Target {
        name: "csv",
        default_n: 2000,
        run: run_csv,
        generate: |s, rng, i| {
            let k = rng.below(s.tables.len());
            let others: Vec<&[u8]> = s.csv.iter().map(Vec::as_slice).collect();
            mutate_csv(&s.tables[k], &others, rng, i)
        },
        seeds: |s| &s.csv,
    },
    Target {
        name: "xlsx",
        default_n: 200,
        run: run_xlsx,
        generate: |s, rng, _| {
            let k = rng.below(s.xlsx.len());
            mutate_xlsx(&s.xlsx[k], &s.xlsx_parts[k], rng)
        },
        seeds: |s| &s.xlsx,
    },
    Target {
        name: "paste",
        default_n: 5000,
        run: run_paste,
        generate: |s, rng, i| {
            let k = rng.below(s.paste_tables.len());
            let others: Vec<&[u8]> = s.paste.iter().map(Vec::as_slice).collect();
            mutate_csv(&s.paste_tables[k], &others, rng, i)
        },
        seeds: |s| &s.paste,
    },
    Target {
        name: "json_table",
        default_n: 3000,
        run: run_json_table,
        generate: |s, rng, i| json_from(&s.json_tables, rng, i, false),
        seeds: |s| &s.json_tables.bytes,
    },
    Target {
        name: "self_assessment",
        default_n: 8000,
        run: run_self_assessment,
        generate: |s, rng, i| json_from(&s.self_assessments, rng, i, false),
        seeds: |s| &s.self_assessments.bytes,
    },
    Target {
        name: "params",
        default_n: 10000,
        run: run_params,
        generate: |s, rng, i| json_from(&s.params, rng, i, false),
        seeds: |s| &s.params.bytes,
    },
    Target {
        name: "workspace",
        default_n: 5000,
        run: run_workspace,
        generate: |s, rng, i| json_from(&s.workspaces, rng, i, false),
        seeds: |s| &s.workspaces.bytes,
    },
];

// ---------------------------------------------------------------- the harness

thread_local! {
    /// Set while a target runs: its panics are recorded here instead of printed.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(std::cell::Cell::get) {
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                CAUGHT.with(|c| *c.borrow_mut() = Some(format!("{message} ({at})")));
            } else {
                default(info);
            }
        }));
    });
}

/// Runs one input: whether it was accepted, or the panic message.
fn run_one(target: &Target, s: &Seeds, bytes: &[u8]) -> Result<bool, String> {
    QUIET.with(|q| q.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| (target.run)(s, bytes)));
    QUIET.with(|q| q.set(false));
    result.map_err(|_| CAUGHT.with(|c| c.borrow_mut().take()).unwrap_or_default())
}

/// The random stream of input `i` of a target. SplitMix64's output function mixes the seed,
/// so neighbouring indices give unrelated streams.
fn input_rng(target: &str, base: u64, i: u64) -> Rng {
    Rng::new(name_hash(target) ^ base.wrapping_mul(0xA24B_AED4_963E_E407) ^ i)
}

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok().filter(|t| !t.trim().is_empty())?;
    let digits: String = text.chars().filter(|c| *c != '_').collect();
    Some(
        digits
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text}: ожидалось целое число")),
    )
}

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target)
}

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn fuzz(name: &str) {
    install_hook();
    let target = TARGETS.iter().find(|t| t.name == name).expect("a target");
    let s = seeds();
    let mut failures = Vec::new();

    // The stored corpus first: every input that ever found a bug.
    let dir = corpus_dir(name);
    let files = corpus_files(&dir);
    for path in &files {
        let bytes = std::fs::read(path).expect("a corpus file");
        if let Err(message) = run_one(target, s, &bytes) {
            failures.push(format!("{}: {message}", path.display()));
        }
    }
    // The valid files themselves must not panic either.
    for bytes in (target.seeds)(s) {
        if let Err(message) = run_one(target, s, bytes) {
            failures.push(format!("исходный файл: {message}"));
        }
    }

    let n = env_u64("SHKALA_FUZZ_N").unwrap_or(target.default_n);
    let base = env_u64("SHKALA_FUZZ_SEED").unwrap_or(0);
    let first = env_u64("SHKALA_FUZZ_START").unwrap_or(0);
    let crashes = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("fuzz-crashes")
        .join(name);
    // An abort (stack overflow, failed allocation) cannot be caught: with SHKALA_FUZZ_TRACE
    // set, each input is written to a file before it runs, so the last one is at hand.
    let trace = std::env::var_os("SHKALA_FUZZ_TRACE")
        .map(|_| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-last-{name}.bin")));
    let started = Instant::now();
    let mut bytes_total = 0u64;
    let mut accepted = 0u64;
    let mut generating = Duration::ZERO;
    let mut slowest = (Duration::ZERO, 0u64, 0usize);
    for i in first..first + n {
        let mut rng = input_rng(name, base, i);
        let g0 = Instant::now();
        let input = (target.generate)(s, &mut rng, i);
        generating += g0.elapsed();
        bytes_total += input.len() as u64;
        if let Some(path) = &trace {
            std::fs::write(path, &input).expect("the trace file");
        }
        let t0 = Instant::now();
        let result = run_one(target, s, &input);
        let took = t0.elapsed();
        if took > slowest.0 {
            slowest = (took, i, input.len());
        }
        if let Ok(true) = result {
            accepted += 1;
        }
        if let Err(message) = result {
            let file = crashes.join(format!("{name}-{base}-{i}.bin"));
            let saved = std::fs::create_dir_all(&crashes)
                .and_then(|()| std::fs::write(&file, &input))
                .is_ok();
            failures.push(format!(
                "{} (входной файл № {i}, {} байт{}): {message}",
                file.display(),
                input.len(),
                if saved { "" } else { ", не сохранён" }
            ));
            if failures.len() >= 20 {
                break;
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "fuzz {name}: {} файлов корпуса, {n} входов за {elapsed:.1} с — {:.0} входов/с, принято {:.1} %, {:.1} МБ, из времени на генерацию {:.0} %; самый долгий: № {} ({} байт), {:.1} мс",
        files.len(),
        n as f64 / elapsed.max(1e-9),
        100.0 * accepted as f64 / n.max(1) as f64,
        bytes_total as f64 / 1e6,
        100.0 * generating.as_secs_f64() / elapsed.max(1e-9),
        slowest.1,
        slowest.2,
        slowest.0.as_secs_f64() * 1e3,
    );
    assert!(
        failures.is_empty(),
        "паника на {} входах (сохраните минимальный пример в {} и исправьте разбор):\n{}",
        failures.len(),
        dir.display(),
        failures.join("\n")
    );
}

#[test]
fn bundle() {
    fuzz("bundle");
}

#[test]
fn csv() {
    fuzz("csv");
}

#[test]
fn xlsx() {
    fuzz("xlsx");
}

#[test]
fn paste() {
    fuzz("paste");
}

#[test]
fn json_table() {
    fuzz("json_table");
}

#[test]
fn self_assessment() {
    fuzz("self_assessment");
}

#[test]
fn params() {
    fuzz("params");
}

#[test]
fn workspace() {
    fuzz("workspace");
}

/// The mutator is deterministic: input `i` is the same on every run.
#[test]
fn inputs_are_reproducible() {
    let s = seeds();
    for t in TARGETS {
        for i in [0u64, 1, 77] {
            let mut a = input_rng(t.name, 0, i);
            let mut b = input_rng(t.name, 0, i);
            assert_eq!(
                (t.generate)(s, &mut a, i),
                (t.generate)(s, &mut b, i),
                "{}",
                t.name
            );
        }
    }
}
