//! One cell read as a contract value and one row built from its cells: numbers with a decimal
//! point or comma (plain decimals read without `str::parse`), shares given as fractions, years,
//! school types, ranges — every refusal with the same message wherever the same mistake is.

use crate::domain::contract::problem::{Place, Problem};
use crate::domain::contract::row::{Row, SchoolType, Values};
use crate::domain::contract::schema::{schema, Kind};
use std::borrow::Cow;

/// Why a cell is refused: the message, the same wherever the same mistake is, and the value
/// read when it is the point — kept apart, so that one mistake repeated down a column groups
/// as one ([`crate::domain::contract::problem::group`]).
pub(super) struct Refusal {
    pub(super) message: String,
    pub(super) value: Option<String>,
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
pub(super) enum Cell<'a> {
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
pub(super) struct Field<'a> {
    pub(super) column: usize,
    pub(super) position: Option<usize>,
    pub(super) fraction: bool,
    pub(super) cell: Cell<'a>,
}

impl Cell<'_> {
    pub(super) fn is_blank(&self) -> bool {
        match self {
            Cell::Text(s) => s.trim().is_empty(),
            Cell::Json(v) => v.is_null(),
            Cell::Number(_) | Cell::Other(_) | Cell::Uncomputed(_) => false,
        }
    }

    /// The cell as text (for identity fields); numbers are written without a trailing `.0`.
    pub(super) fn text(&self) -> Result<String, String> {
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
    pub(super) fn number(&self) -> Result<Option<f64>, Refusal> {
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
pub(super) fn uncomputed(formula: &str) -> String {
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
pub(super) fn plain_decimal(b: &[u8]) -> Option<f64> {
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
pub(super) fn build_row<'c>(
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
