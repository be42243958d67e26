//! Diagnostics: every complaint about input names the file, the place in it and the field,
//! in Russian. Parsers collect all problems instead of stopping at the first.

use serde::{Deserialize, Serialize};
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;

/// Where each key was first seen: the one check behind every «повторная запись» message
/// (rows of a table, rows and schools of a bundle, assessments, records of a backup).
pub struct FirstSeen<K, P> {
    first: HashMap<K, P>,
}

impl<K: Hash + Eq, P> Default for FirstSeen<K, P> {
    fn default() -> Self {
        FirstSeen {
            first: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq, P> FirstSeen<K, P> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Room for `n` keys at once (a national file has 135,000 rows).
    pub fn with_capacity(n: usize) -> Self {
        FirstSeen {
            first: HashMap::with_capacity(n),
        }
    }

    /// Notes `key` at `place`. If the key was seen before, returns the place where it was
    /// first seen (which stays the first).
    pub fn repeat(&mut self, key: K, place: P) -> Option<&P> {
        match self.first.entry(key) {
            Entry::Occupied(e) => Some(e.into_mut()),
            Entry::Vacant(v) => {
                v.insert(place);
                None
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The input cannot be used as it is.
    Error,
    /// Something was ignored or looks wrong; the rest is usable.
    Warning,
    /// Information worth knowing (for example, columns absent from a file).
    Note,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "ошибка",
            Severity::Warning => "предупреждение",
            Severity::Note => "примечание",
        }
    }
}

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "at")]
pub enum Place {
    /// The file as a whole (header, encoding, format).
    File,
    /// A line of a CSV file, 1-based as Excel numbers rows (the header is line 1).
    Line(usize),
    /// An element of a JSON array, 1-based.
    Record(usize),
    /// A JSON path such as `payload.rows[3].year`.
    Path(String),
    /// A cell of a workbook's sheet: row 1-based as Excel numbers rows, column 0-based
    /// (shown as Excel's letters: `Лист1!F12`).
    Cell {
        sheet: String,
        row: usize,
        column: usize,
    },
}

impl Place {
    /// Excel's reference of a cell: `Лист1!F12` (the sheet quoted when it has spaces or
    /// punctuation, as Excel writes it: `'Данные 2024'!B3`).
    pub fn cell_reference(sheet: &str, row: usize, column: usize) -> String {
        let plain = sheet.chars().all(|c| c.is_alphanumeric() || c == '_');
        let sheet = if plain {
            sheet.to_string()
        } else {
            format!("'{}'", sheet.replace('\'', "''"))
        };
        format!("{sheet}!{}{row}", column_letters(column))
    }
}

/// Excel's letters of a 0-based column: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_letters(column: usize) -> String {
    let mut n = column + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub severity: Severity,
    pub file: String,
    pub place: Place,
    /// Column id (CSV/JSON key) the problem is about, if any.
    pub column: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn error(
        file: &str,
        place: Place,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, file, place, column, message)
    }
    pub fn warning(
        file: &str,
        place: Place,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, file, place, column, message)
    }
    pub fn note(
        file: &str,
        place: Place,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Note, file, place, column, message)
    }
    fn new(
        severity: Severity,
        file: &str,
        place: Place,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity,
            file: file.to_string(),
            place,
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    /// `ошибка: schools.csv, строка 5, столбец «year»: …`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity.label(), self.file)?;
        let field = match self.place {
            Place::File => {
                if let Some(c) = &self.column {
                    write!(f, ", столбец «{c}»")?;
                }
                return write!(f, ": {}", self.message);
            }
            Place::Line(n) => {
                write!(f, ", строка {n}")?;
                "столбец"
            }
            Place::Record(n) => {
                write!(f, ", запись {n}")?;
                "поле"
            }
            Place::Path(ref p) => {
                write!(f, ", поле {p}")?;
                return write!(f, ": {}", self.message);
            }
            Place::Cell {
                ref sheet,
                row,
                column,
            } => {
                write!(f, ", ячейка {}", Place::cell_reference(sheet, row, column))?;
                "поле"
            }
        };
        if let Some(c) = &self.column {
            write!(f, ", {field} «{c}»")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// True if any problem is an error.
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(Problem::is_error)
}

/// serde's English error messages, in Russian where they follow a known pattern.
pub fn serde_error_ru(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let at = if e.line() > 0 {
        format!(" (строка {}, позиция {})", e.line(), e.column())
    } else {
        String::new()
    };
    match e.classify() {
        Category::Eof => return format!("текст обрывается раньше, чем закончился JSON{at}"),
        Category::Syntax => return format!("некорректный JSON{at}"),
        Category::Io => return format!("ошибка чтения{at}"),
        Category::Data => {}
    }
    let full = e.to_string();
    // serde_json appends « at line N column M» to data errors read from text.
    let m = match full.rfind(" at line ") {
        Some(k) if e.line() > 0 => full[..k].to_string(),
        _ => full,
    };
    if let Some(rest) = m.strip_prefix("missing field ") {
        return format!("нет поля {}{at}", quote_ticks(rest));
    }
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        return format!(
            "недопустимое значение {}{at}",
            quote_ticks(rest)
                .replace(", expected one of ", "; допустимо: ")
                .replace(", expected ", "; допустимо: ")
        );
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        return format!(
            "неверный тип значения: {}{at}",
            quote_ticks(rest).replace(", expected ", ", ожидалось: ")
        );
    }
    if let Some(rest) = m.strip_prefix("invalid value: ") {
        return format!(
            "недопустимое значение: {}{at}",
            quote_ticks(rest).replace(", expected ", ", ожидалось: ")
        );
    }
    format!("{m}{at}")
}

/// `` `x` `` → «x».
fn quote_ticks(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut open = true;
    for c in s.chars() {
        if c == '`' {
            out.push(if open { '«' } else { '»' });
            open = !open;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn cell_references_read_as_excel_writes_them() {
        assert_eq!(super::column_letters(0), "A");
        assert_eq!(super::column_letters(5), "F");
        assert_eq!(super::column_letters(25), "Z");
        assert_eq!(super::column_letters(26), "AA");
        assert_eq!(super::column_letters(701), "ZZ");
        assert_eq!(super::column_letters(702), "AAA");
        assert_eq!(super::Place::cell_reference("Лист1", 12, 5), "Лист1!F12");
        assert_eq!(
            super::Place::cell_reference("Данные 2024", 3, 1),
            "'Данные 2024'!B3"
        );
        let p = super::Problem::error(
            "a.xlsx",
            super::Place::Cell {
                sheet: "Лист1".into(),
                row: 12,
                column: 5,
            },
            Some("year"),
            "год должен быть целым числом",
        );
        assert_eq!(
            p.to_string(),
            "ошибка: a.xlsx, ячейка Лист1!F12, поле «year»: год должен быть целым числом"
        );
    }

    use super::*;

    #[test]
    fn serde_messages_in_russian() {
        let e = serde_json::from_str::<serde_json::Value>("{\"a\": ").unwrap_err();
        assert_eq!(
            serde_error_ru(&e),
            "текст обрывается раньше, чем закончился JSON (строка 1, позиция 6)"
        );
        let e = serde_json::from_str::<serde_json::Value>("{a}").unwrap_err();
        assert_eq!(
            serde_error_ru(&e),
            "некорректный JSON (строка 1, позиция 2)"
        );
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct S {
            x: u8,
        }
        let e = serde_json::from_str::<S>("{}").unwrap_err();
        assert_eq!(serde_error_ru(&e), "нет поля «x» (строка 1, позиция 2)");
        let e = serde_json::from_value::<S>(serde_json::json!({"x": "a"})).unwrap_err();
        assert_eq!(
            serde_error_ru(&e),
            "неверный тип значения: string \"a\", ожидалось: u8"
        );
    }

    #[test]
    fn messages_name_file_place_and_field() {
        let p = Problem::error("a.csv", Place::Line(5), Some("year"), "не число");
        assert_eq!(
            p.to_string(),
            "ошибка: a.csv, строка 5, столбец «year»: не число"
        );
        let p = Problem::warning("a.json", Place::Record(2), Some("foo"), "неизвестное поле");
        assert_eq!(
            p.to_string(),
            "предупреждение: a.json, запись 2, поле «foo»: неизвестное поле"
        );
        let p = Problem::note("a.csv", Place::File, None, "нет столбцов");
        assert_eq!(p.to_string(), "примечание: a.csv: нет столбцов");
        let p = Problem::error(
            "b.json",
            Place::Path("payload.rows[0].year".into()),
            Some("year"),
            "не число",
        );
        assert_eq!(
            p.to_string(),
            "ошибка: b.json, поле payload.rows[0].year: не число"
        );
    }
}
