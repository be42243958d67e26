//! JSON for bundles: a strict reader with exact numbers, the canonical form and its SHA-256.
//!
//! Why a reader of our own: it refuses duplicate keys (their meaning is ambiguous and the
//! checksum would cover only one of them) and nesting deeper than [`MAX_DEPTH`], reports errors
//! in Russian with their position, and never panics. Numbers are parsed with the standard
//! library, which rounds correctly, so every `f64` reads back bit for bit (serde_json does so
//! too only with its `float_roundtrip` feature, which this crate enables for storage).
//!
//! Canonical JSON ([`canonical_json`]): object keys sorted by their UTF-8 bytes at every level,
//! no whitespace, strings escaped as serde_json escapes them, numbers as a function of their
//! value alone (an integral value below 2⁵³ as an integer, any other in its shortest form), so
//! that a file re-saved by another tool keeps its checksum.
//! It does not rely on the order of `serde_json::Map`, which keeps insertion order when some
//! dependency enables serde_json's `preserve_order` feature.

use serde_json::{Map, Number, Value};
use sha2::{Digest, Sha256};

/// Deepest nesting of arrays and objects accepted (as serde_json's own limit).
pub const MAX_DEPTH: usize = 128;

/// Why a text is not JSON: 1-based line and character position, Russian message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// «некорректный JSON: строка 2, позиция 5: …».
impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "некорректный JSON: строка {}, позиция {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// Parses a JSON text (RFC 8259; a leading byte-order mark is allowed).
pub fn parse_json(text: &str) -> Result<Value, JsonError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("после конца JSON есть лишние символы"));
    }
    Ok(v)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> JsonError {
        let pos = self.pos.min(self.bytes.len());
        let before = &self.bytes[..pos];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // Characters, not bytes: count the bytes that start a UTF-8 character.
        let column = before[line_start..]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count()
            + 1;
        JsonError {
            line,
            column,
            message: message.into(),
        }
    }

    fn eof(&self) -> JsonError {
        self.error("файл обрывается раньше, чем закончился JSON")
    }

    fn unexpected(&self, expected: &str) -> JsonError {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            None => self.eof(),
            Some(c) => self.error(format!(
                "ожидалось {expected}, а встретился символ «{}»",
                c.escape_debug()
            )),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        match self.peek() {
            None => Err(self.eof()),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(_) => Err(self.unexpected("значение")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, JsonError> {
        let end = self.pos + word.len();
        match self.bytes.get(self.pos..end) {
            Some(b) if b == word.as_bytes() => {
                self.pos = end;
                Ok(v)
            }
            Some(_) => Err(self.unexpected("значение")),
            None if word.as_bytes().starts_with(&self.bytes[self.pos..]) => Err(self.eof()),
            None => Err(self.unexpected("значение")),
        }
    }

    fn enter(&self, depth: usize) -> Result<(), JsonError> {
        if depth > MAX_DEPTH {
            Err(self.error(format!(
                "слишком глубокая вложенность (больше {MAX_DEPTH} уровней)"
            )))
        } else {
            Ok(())
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.unexpected("«,» или «]»")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.enter(depth)?;
        self.pos += 1;
        let mut map = Map::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("имя поля в кавычках"));
            }
            let key_pos = self.pos;
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("«:»"));
            }
            self.pos += 1;
            self.skip_ws();
            let v = self.value(depth)?;
            if map.contains_key(&key) {
                self.pos = key_pos;
                return Err(self.error(format!("поле «{key}» повторяется в одном объекте")));
            }
            map.insert(key, v);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                _ => return Err(self.unexpected("«,» или «}»")),
            }
        }
    }

    /// A string starting at the opening quote.
    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The run ends at an ASCII byte (or the end), so it is whole UTF-8 characters.
            out.push_str(self.text.get(start..self.pos).unwrap_or_default());
            match self.peek() {
                None => return Err(self.eof()),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(_) => return Err(self.error("управляющий символ внутри строки (перевод строки или табуляция должны быть записаны как \\n, \\t)")),
            }
        }
    }

    /// The character of an escape; `pos` is just after the backslash.
    fn escape(&mut self) -> Result<char, JsonError> {
        let Some(b) = self.peek() else {
            return Err(self.eof());
        };
        self.pos += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                if (0xD800..0xDC00).contains(&hi) {
                    if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                        return Err(self.error("непарный суррогат в \\u-последовательности"));
                    }
                    self.pos += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.error("непарный суррогат в \\u-последовательности"));
                    }
                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    char::from_u32(c)
                        .ok_or_else(|| self.error("неверная \\u-последовательность"))?
                } else {
                    char::from_u32(hi)
                        .ok_or_else(|| self.error("непарный суррогат в \\u-последовательности"))?
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.error("неверная escape-последовательность после «\\»"));
            }
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                None => return Err(self.eof()),
                Some(b) => (b as char).to_digit(16).ok_or_else(|| {
                    self.error("в \\u-последовательности нужны четыре шестнадцатеричные цифры")
                })?,
            };
            v = v * 16 + d;
            self.pos += 1;
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        match self.digits() {
            0 => return Err(self.unexpected("цифра")),
            n if n > 1 && self.bytes[int_start] == b'0' => {
                self.pos = int_start;
                return Err(self.error("число не может начинаться с нуля"));
            }
            _ => {}
        }
        let mut integral = true;
        if self.peek() == Some(b'.') {
            integral = false;
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.unexpected("цифра после десятичной точки"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            integral = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected("цифра показателя степени"));
            }
        }
        let token = self.text.get(start..self.pos).unwrap_or_default();
        if integral {
            // As serde_json: non-negative integers are u64, negative ones i64; larger ones are
            // read as floating-point numbers.
            if let Ok(u) = token.parse::<u64>() {
                return Ok(Value::Number(u.into()));
            }
            if let Ok(i) = token.parse::<i64>() {
                return Ok(Value::Number(i.into()));
            }
        }
        match token.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Ok(Value::Number(n)),
            None => {
                self.pos = start;
                Err(self.error(format!("число {token} вне допустимого диапазона")))
            }
        }
    }
}

/// The canonical text of a value (see the module documentation).
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_string(s: &str, out: &mut String) {
    // Serialising a string cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// Numbers are written as a function of their value alone, so that a file re-saved by another
/// tool (JavaScript writes `68.0` as `68`) keeps its checksum: an integral floating-point value
/// below 2⁵³ is written as an integer (and −0 as 0); any other float in its shortest form.
fn write_number(n: &serde_json::Number, out: &mut String) {
    if n.is_f64() {
        if let Some(f) = n.as_f64() {
            if f == f.trunc() && f.abs() < 9_007_199_254_740_992.0 {
                out.push_str(&(f as i64).to_string());
                return;
            }
        }
    }
    out.push_str(&n.to_string());
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
    }
}

/// Lowercase hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        s.push(char::from_digit(u32::from(b & 0xF), 16).unwrap_or('0'));
    }
    s
}

/// SHA-256 of the canonical text of a value.
pub fn canonical_sha256(value: &Value) -> String {
    sha256_hex(canonical_json(value).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> JsonError {
        parse_json(text).unwrap_err()
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#" {"a": [1, -2, 3.5, 1e3, -0.25E-2, true, false, null], "b": {"c": "x\"\\\/\b\f\n\r\té\u00e9\ud83d\ude00"}, "d": 18446744073709551615, "e": -9223372036854775808, "f": 18446744073709551616} "#;
        let ours = parse_json(text).unwrap();
        let theirs: Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(ours["b"]["c"], "x\"\\/\u{8}\u{c}\n\r\téé😀");
        assert!(ours["d"].is_u64() && ours["e"].is_i64() && ours["f"].is_f64());
        assert_eq!(parse_json("\u{feff}[]").unwrap(), Value::Array(vec![]));
    }

    #[test]
    fn every_written_float_reads_back_exactly() {
        // The values serde_json's own reader gets wrong by one unit in the last place.
        for x in [
            15.992864418034799,
            13.054064116592075,
            12.537464043274623,
            0.1,
            1.0 / 3.0,
            5e-324,
            f64::MAX,
            -0.0,
        ] {
            let text = serde_json::to_string(&x).unwrap();
            let back = parse_json(&text).unwrap().as_f64().unwrap();
            assert_eq!(back.to_bits(), x.to_bits(), "{text}");
        }
        let mut s = 1u64;
        for _ in 0..20_000 {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let x = f64::from_bits(s >> 2) * if s & 1 == 0 { 1.0 } else { -1.0 };
            if !x.is_finite() {
                continue;
            }
            let text = serde_json::to_string(&x).unwrap();
            assert_eq!(
                parse_json(&text).unwrap().as_f64().unwrap().to_bits(),
                x.to_bits(),
                "{text}"
            );
        }
    }

    #[test]
    fn errors_name_line_column_and_reason() {
        assert_eq!(
            err(""),
            JsonError {
                line: 1,
                column: 1,
                message: "файл обрывается раньше, чем закончился JSON".into()
            }
        );
        assert_eq!(
            err("{\"a\": 1,\n  \"b\" 2}").message,
            "ожидалось «:», а встретился символ «2»"
        );
        assert_eq!(
            (
                err("{\"a\": 1,\n  \"b\" 2}").line,
                err("{\"a\": 1,\n  \"b\" 2}").column
            ),
            (2, 7)
        );
        assert_eq!(
            err("{\"я\": 1, \"я\": 2}").message,
            "поле «я» повторяется в одном объекте"
        );
        assert_eq!(err("{\"я\": 1, \"я\": 2}").column, 10);
        assert_eq!(err("[1] x").message, "после конца JSON есть лишние символы");
        assert_eq!(err("[01]").message, "число не может начинаться с нуля");
        assert_eq!(
            err("[1.]").message,
            "ожидалось цифра после десятичной точки, а встретился символ «]»"
        );
        assert_eq!(
            err("1e999").message,
            "число 1e999 вне допустимого диапазона"
        );
        assert_eq!(err("\"a\nb\"").message, "управляющий символ внутри строки (перевод строки или табуляция должны быть записаны как \\n, \\t)");
        assert_eq!(
            err(r#""\ud800""#).message,
            "непарный суррогат в \\u-последовательности"
        );
        assert_eq!(
            err(r#""\x""#).message,
            "неверная escape-последовательность после «\\»"
        );
        assert_eq!(
            err("tru").message,
            "файл обрывается раньше, чем закончился JSON"
        );
        assert_eq!(
            err("trux").message,
            "ожидалось значение, а встретился символ «t»"
        );
        assert_eq!(
            err("NaN").message,
            "ожидалось значение, а встретился символ «N»"
        );
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(
            err(&deep).message,
            "слишком глубокая вложенность (больше 128 уровней)"
        );
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse_json(&ok).is_ok());
    }

    #[test]
    fn canonical_form_sorts_keys_by_bytes_at_every_level() {
        let v = parse_json(r#"{"b": 1, "a": {"z": [3, {"y": 1, "x": 2}], "B": null}, "é": "ё\n\"", "Z": 2.50, "n": -7, "f": 1e2}"#).unwrap();
        assert_eq!(
            canonical_json(&v),
            r#"{"Z":2.5,"a":{"B":null,"z":[3,{"x":2,"y":1}]},"b":1,"f":100,"n":-7,"é":"ё\n\""}"#
        );
    }

    #[test]
    fn canonical_form_does_not_depend_on_insertion_order() {
        // Build the same object in two insertion orders; with `preserve_order` the maps would
        // iterate differently, the canonical text must not.
        let mut a = Map::new();
        a.insert("b".into(), Value::from(1));
        a.insert("a".into(), Value::from(2));
        let mut b = Map::new();
        b.insert("a".into(), Value::from(2));
        b.insert("b".into(), Value::from(1));
        assert_eq!(
            canonical_json(&Value::Object(a)),
            canonical_json(&Value::Object(b))
        );
    }

    #[test]
    fn sha256_of_a_tiny_payload_is_fixed() {
        // printf '%s' '{"a":[1,2.5,"ш"],"b":null}' | sha256sum
        let v = parse_json(r#"{ "b": null, "a": [1, 2.5, "ш"] }"#).unwrap();
        assert_eq!(canonical_json(&v), r#"{"a":[1,2.5,"ш"],"b":null}"#);
        assert_eq!(
            canonical_sha256(&v),
            "ac0b3027cf8fd4379b533db7a8bc2918b75ff0f41d32822e71b72fd1239593bb"
        );
        // printf '' | sha256sum
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}

#[cfg(test)]
mod number_tests {
    use super::*;

    #[test]
    fn canonical_numbers_depend_on_the_value_only() {
        let a = canonical_json(
            &parse_json(r#"{"x":68,"y":-0.0,"z":0.5,"w":6.8e1,"v":[1.0,2]}"#).unwrap(),
        );
        let b = canonical_json(
            &parse_json(r#"{"v":[1,2.0],"w":68.0,"x":68.0,"y":0,"z":5e-1}"#).unwrap(),
        );
        assert_eq!(a, b);
        assert_eq!(a, r#"{"v":[1,2],"w":68,"x":68,"y":0,"z":0.5}"#);
    }
}
