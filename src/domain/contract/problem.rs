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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

impl Place {
    /// The kind of place, to group places of one kind (lines apart from cells).
    fn kind(&self) -> u8 {
        match self {
            Place::File => 0,
            Place::Line(_) => 1,
            Place::Record(_) => 2,
            Place::Path(_) => 3,
            Place::Cell { .. } => 4,
        }
    }
}

/// The part of a problem that differs from one place to the next, kept apart from its message:
/// the same mistake repeated down a column is then one [`ProblemGroup`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "text")]
pub enum Detail {
    /// The value read, shown as «…, получено «н/д»».
    Value(String),
    /// What the problem is about, shown in brackets after the message: «повторная строка для
    /// той же школы за тот же год (школа «s1», 2020 год; первая — a.csv, строка 2)».
    About(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub severity: Severity,
    pub file: String,
    pub place: Place,
    /// Column id (CSV/JSON key) the problem is about, if any.
    pub column: Option<String>,
    /// What is wrong, the same wherever the same mistake is.
    pub message: String,
    /// The value read or what the problem is about, where it differs from place to place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
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
            detail: None,
        }
    }
    /// The problem with the value read («…, получено «н/д»»).
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.detail = Some(Detail::Value(value.into()));
        self
    }
    /// The problem with what it is about, in brackets after the message.
    pub fn with_about(mut self, about: impl Into<String>) -> Self {
        self.detail = Some(Detail::About(about.into()));
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    /// The message with its detail: «доля должна быть от 0 до 100 %, получено «120»».
    pub fn reason(&self) -> String {
        let mut out = self.message.clone();
        // Writing to a String does not fail.
        let _ = write_detail(&mut out, self.detail.as_ref());
        out
    }
}

/// Appends a detail to a message as the problems show it.
fn write_detail(out: &mut impl fmt::Write, detail: Option<&Detail>) -> fmt::Result {
    match detail {
        Some(Detail::Value(v)) => write!(out, ", получено «{v}»"),
        Some(Detail::About(a)) => write!(out, " ({a})"),
        None => Ok(()),
    }
}

impl fmt::Display for Problem {
    /// `ошибка: schools.csv, строка 5, столбец «year»: …`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_place(
            f,
            self.severity,
            &self.file,
            &self.place,
            self.column.as_deref(),
        )?;
        write!(f, ": {}", self.message)?;
        write_detail(f, self.detail.as_ref())
    }
}

/// `ошибка: schools.csv, строка 5, столбец «year»` — a problem's severity, file, place and
/// field.
fn write_place(
    f: &mut fmt::Formatter<'_>,
    severity: Severity,
    file: &str,
    place: &Place,
    column: Option<&str>,
) -> fmt::Result {
    write!(f, "{}: {}", severity.label(), file)?;
    match place {
        Place::File => {}
        Place::Line(n) => write!(f, ", строка {n}")?,
        Place::Record(n) => write!(f, ", запись {n}")?,
        // The path names the field.
        Place::Path(p) => return write!(f, ", поле {p}"),
        Place::Cell { sheet, row, column } => write!(
            f,
            ", ячейка {}",
            Place::cell_reference(sheet, *row, *column)
        )?,
    }
    match column {
        Some(c) => write!(f, ", {} «{}»", field_word(place), column_name(place, c)),
        None => Ok(()),
    }
}

/// How a problem names its column: a column of the row contract by its Russian name in a
/// table (CSV, a workbook: «Доля выпускников…», as the demonstration files and the
/// template's printed form head it, never the contract's id); in a JSON record by its key,
/// as the file spells it; a column the contract does not know, as the file heads it.
fn column_name<'a>(place: &Place, column: &'a str) -> &'a str {
    if matches!(place, Place::Record(_)) {
        return column;
    }
    match crate::domain::contract::schema::schema().column(column) {
        Some(c) => c.label.as_str(),
        None => column,
    }
}

/// What a column is called at a place: a table's «столбец», a record's or a cell's «поле».
fn field_word(place: &Place) -> &'static str {
    match place {
        Place::File | Place::Line(_) => "столбец",
        Place::Record(_) | Place::Path(_) | Place::Cell { .. } => "поле",
    }
}

/// How many first places a [`ProblemGroup`] keeps.
pub const FIRST_PLACES: usize = 5;
/// How many different values a [`ProblemGroup`] keeps.
pub const FIRST_VALUES: usize = 5;
/// How many groups a [`ProblemSummary`] carries (the counts are of every problem).
pub const MAX_GROUPS: usize = 1_000;

/// The same mistake, in one file and one column, wherever it is: how many times, the first
/// places, the values read. A national file with one column of «н/д» gives one group of
/// 45 000, not 45 000 lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemGroup {
    pub severity: Severity,
    pub file: String,
    pub column: Option<String>,
    pub message: String,
    /// Every occurrence, exactly.
    pub count: usize,
    /// The first places, in the order of the file (at most [`FIRST_PLACES`]).
    pub first: Vec<Place>,
    /// The different values read, in the order they first appear (at most [`FIRST_VALUES`]).
    pub values: Vec<String>,
    /// True when more different values were read than `values` keeps.
    pub more_values: bool,
    /// What the first problem is about ([`Detail::About`]), shown when the group is one problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

impl ProblemGroup {
    fn new(p: &Problem) -> Self {
        ProblemGroup {
            severity: p.severity,
            file: p.file.clone(),
            column: p.column.clone(),
            message: p.message.clone(),
            count: 0,
            first: Vec::new(),
            values: Vec::new(),
            more_values: false,
            about: match p.detail.as_ref() {
                Some(Detail::About(a)) => Some(a.clone()),
                _ => None,
            },
        }
    }

    fn add(&mut self, p: &Problem) {
        self.count += 1;
        if self.first.len() < FIRST_PLACES {
            self.first.push(p.place.clone());
        }
        if let Some(Detail::Value(v)) = p.detail.as_ref() {
            if !self.values.iter().any(|seen| seen == v) {
                if self.values.len() < FIRST_VALUES {
                    self.values.push(v.clone());
                } else {
                    self.more_values = true;
                }
            }
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Groups problems by severity, file, column, message and kind of place, in one pass: the
/// groups in the order their first problem comes, each with its exact count, its first
/// places and values. Cheap at any count: a hash lookup per problem, a few strings cloned
/// per group.
pub fn group<'a>(problems: impl IntoIterator<Item = &'a Problem>) -> Vec<ProblemGroup> {
    type Key<'a> = (Severity, &'a str, Option<&'a str>, &'a str, u8);
    let mut index: HashMap<Key<'a>, usize> = HashMap::new();
    let mut groups: Vec<ProblemGroup> = Vec::new();
    for p in problems {
        let key = (
            p.severity,
            p.file.as_str(),
            p.column.as_deref(),
            p.message.as_str(),
            p.place.kind(),
        );
        let i = *index.entry(key).or_insert_with(|| {
            groups.push(ProblemGroup::new(p));
            groups.len() - 1
        });
        groups[i].add(p);
    }
    groups
}

impl fmt::Display for ProblemGroup {
    /// One problem reads as [`Problem`] does; several as
    /// `ошибка: big.csv, столбец «x»: 45 000 строк — ожидалось число, получено «н/д» (строки 2,
    /// 3, 4, 5, 6 и ещё 44 995)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(place) = self.first.first() else {
            return Ok(());
        };
        if self.count == 1 {
            write_place(f, self.severity, &self.file, place, self.column.as_deref())?;
            write!(f, ": {}", self.message)?;
            let detail = match (self.values.first(), &self.about) {
                (Some(v), _) => Some(Detail::Value(v.clone())),
                (None, Some(a)) => Some(Detail::About(a.clone())),
                (None, None) => None,
            };
            return write_detail(f, detail.as_ref());
        }
        write!(f, "{}: {}", self.severity.label(), self.file)?;
        if let Some(c) = &self.column {
            write!(f, ", {} «{}»", field_word(place), column_name(place, c))?;
        }
        let (one, few, many) = match place {
            Place::File => ("раз", "раза", "раз"),
            Place::Line(_) => ("строка", "строки", "строк"),
            Place::Record(_) => ("запись", "записи", "записей"),
            Place::Path(_) => ("место", "места", "мест"),
            Place::Cell { .. } => ("ячейка", "ячейки", "ячеек"),
        };
        write!(
            f,
            ": {} — {}",
            crate::domain::common::format::count(self.count, one, few, many),
            self.message
        )?;
        if !self.values.is_empty() {
            let quoted: Vec<String> = self
                .values
                .iter()
                .map(|v| format!("«{}»", crate::domain::common::format::ellipsis(v, 40)))
                .collect();
            write!(f, ", получено {}", quoted.join(", "))?;
            if self.more_values {
                f.write_str(" и другие значения")?;
            }
        }
        let places: Vec<String> = self
            .first
            .iter()
            .filter_map(|p| match p {
                Place::File => None,
                Place::Line(n) | Place::Record(n) => Some(n.to_string()),
                Place::Path(p) => Some(p.clone()),
                Place::Cell { sheet, row, column } => {
                    Some(Place::cell_reference(sheet, *row, *column))
                }
            })
            .collect();
        if places.is_empty() {
            return Ok(());
        }
        let named = match place {
            Place::Line(_) => "строки ",
            Place::Record(_) => "записи ",
            Place::Cell { .. } => "ячейки ",
            Place::File | Place::Path(_) => "",
        };
        write!(f, " ({named}{}", places.join(", "))?;
        let more = self.count - self.first.len();
        if more > 0 {
            write!(
                f,
                " и ещё {}",
                crate::domain::common::format::thousands(more)
            )?;
        }
        f.write_str(")")
    }
}

/// The problems of one or several files as the page and the command-line tool show them:
/// grouped ([`group`]), errors first, at most [`MAX_GROUPS`] groups, with the exact count of
/// every severity. What the data service sends instead of every problem.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProblemSummary {
    /// Errors, then warnings, then notes; each in the order of their first problem.
    pub groups: Vec<ProblemGroup>,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl ProblemSummary {
    pub fn of<'a>(problems: impl IntoIterator<Item = &'a Problem>) -> Self {
        let mut groups = group(problems);
        let total = |sev| {
            groups
                .iter()
                .filter(|g: &&ProblemGroup| g.severity == sev)
                .map(|g| g.count)
                .sum()
        };
        let (errors, warnings, notes) = (
            total(Severity::Error),
            total(Severity::Warning),
            total(Severity::Note),
        );
        // Stable: each severity keeps the order of the file.
        groups.sort_by_key(|g| g.severity);
        groups.truncate(MAX_GROUPS);
        ProblemSummary {
            groups,
            errors,
            warnings,
            notes,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors + self.warnings + self.notes == 0
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// How many problems of `severity` are in groups not carried (beyond [`MAX_GROUPS`]).
    pub fn left_out(&self, severity: Severity) -> usize {
        let carried: usize = self
            .groups
            .iter()
            .filter(|g| g.severity == severity)
            .map(|g| g.count)
            .sum();
        let total = match severity {
            Severity::Error => self.errors,
            Severity::Warning => self.warnings,
            Severity::Note => self.notes,
        };
        total.saturating_sub(carried)
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
            "ошибка: a.xlsx, ячейка Лист1!F12, поле «Год»: год должен быть целым числом"
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

    /// `n` problems «ожидалось число» in column `c` of `file`, lines 2, 3, … with `value(i)`.
    fn not_numbers(file: &str, c: &str, n: usize, value: impl Fn(usize) -> String) -> Vec<Problem> {
        (0..n)
            .map(|i| {
                Problem::error(file, Place::Line(i + 2), Some(c), "ожидалось число")
                    .with_value(value(i))
            })
            .collect()
    }

    #[test]
    fn a_group_counts_exactly_and_keeps_the_first_places_in_file_order() {
        let values = ["н/д", "-", "н/д", "?", "x", "y", "z"];
        let problems = not_numbers("a.csv", "ege_no_cert_pct", 12, |i| {
            values[i % values.len()].to_string()
        });
        let groups = group(&problems);
        assert_eq!(groups.len(), 1);
        let g = &groups[0];
        assert_eq!(g.count, 12);
        assert_eq!(
            g.first,
            (2..2 + FIRST_PLACES).map(Place::Line).collect::<Vec<_>>()
        );
        // Bounded: at most FIRST_VALUES different values, in the order they come.
        assert_eq!(g.values, ["н/д", "-", "?", "x", "y"]);
        assert!(g.more_values);
        assert_eq!(
            g.to_string(),
            "ошибка: a.csv, столбец «Доля выпускников, не получивших аттестат (ЕГЭ), %»: 12 строк — ожидалось число, получено «н/д», «-», «?», «x», «y» и другие значения (строки 2, 3, 4, 5, 6 и ещё 7)"
        );
        // The same value everywhere is named once.
        let same = group(&not_numbers("a.csv", "c", 3, |_| "н/д".into()));
        assert_eq!(
            same[0].to_string(),
            "ошибка: a.csv, столбец «c»: 3 строки — ожидалось число, получено «н/д» (строки 2, 3, 4)"
        );
    }

    #[test]
    fn different_files_columns_messages_severities_and_places_are_different_groups() {
        let mut problems = not_numbers("a.csv", "x", 2, |_| "н/д".into());
        problems.extend(not_numbers("a.csv", "y", 2, |_| "н/д".into()));
        problems.extend(not_numbers("b.csv", "x", 2, |_| "н/д".into()));
        problems.push(Problem::error(
            "a.csv",
            Place::Line(9),
            Some("x"),
            "доля должна быть от 0 до 100 %",
        ));
        problems.push(Problem::warning(
            "a.csv",
            Place::Line(10),
            Some("x"),
            "ожидалось число",
        ));
        problems.push(Problem::error(
            "a.csv",
            Place::Record(1),
            Some("x"),
            "ожидалось число",
        ));
        // Interleaved with the first group: it still counts them all, in order.
        problems.push(
            Problem::error("a.csv", Place::Line(20), Some("x"), "ожидалось число").with_value("?"),
        );
        let groups = group(&problems);
        let seen: Vec<(&str, Option<&str>, &str, Severity, usize)> = groups
            .iter()
            .map(|g| {
                (
                    g.file.as_str(),
                    g.column.as_deref(),
                    g.message.as_str(),
                    g.severity,
                    g.count,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("a.csv", Some("x"), "ожидалось число", Severity::Error, 3),
                ("a.csv", Some("y"), "ожидалось число", Severity::Error, 2),
                ("b.csv", Some("x"), "ожидалось число", Severity::Error, 2),
                (
                    "a.csv",
                    Some("x"),
                    "доля должна быть от 0 до 100 %",
                    Severity::Error,
                    1
                ),
                ("a.csv", Some("x"), "ожидалось число", Severity::Warning, 1),
                ("a.csv", Some("x"), "ожидалось число", Severity::Error, 1),
            ]
        );
        assert_eq!(
            groups[0].first,
            [Place::Line(2), Place::Line(3), Place::Line(20)]
        );
        assert_eq!(groups[0].values, ["н/д", "?"]);
        let total: usize = groups.iter().map(|g| g.count).sum();
        assert_eq!(total, problems.len());
    }

    #[test]
    fn a_group_of_one_reads_as_its_problem_and_places_read_as_their_kind() {
        let one = [
            Problem::error(
                "a.csv",
                Place::Line(5),
                Some("year"),
                "год должен быть целым числом от 1990 до 2100",
            )
            .with_value("20x1"),
            Problem::error(
                "a.csv",
                Place::Line(3),
                Some("school_id"),
                "повторная строка для той же школы за тот же год",
            )
            .with_about("школа «s1», 2020 год; первая — a.csv, строка 2"),
            Problem::note("a.csv", Place::File, None, "нет столбцов"),
            Problem::error(
                "b.json",
                Place::Path("payload.rows[0].year".into()),
                Some("year"),
                "не число",
            ),
        ];
        for p in &one {
            let g = group(std::slice::from_ref(p));
            assert_eq!(g.len(), 1);
            assert_eq!(g[0].to_string(), p.to_string());
        }
        assert_eq!(
            one[1].to_string(),
            "ошибка: a.csv, строка 3, столбец «Идентификатор школы»: повторная строка для той же школы за тот же год (школа «s1», 2020 год; первая — a.csv, строка 2)"
        );
        let cell = |row| Place::Cell {
            sheet: "Лист1".into(),
            row,
            column: 5,
        };
        let cells: Vec<Problem> = (2..4)
            .map(|r| {
                Problem::error(
                    "k.xlsx",
                    cell(r),
                    Some("year"),
                    "год должен быть целым числом",
                )
            })
            .collect();
        assert_eq!(
            group(&cells)[0].to_string(),
            "ошибка: k.xlsx, поле «Год»: 2 ячейки — год должен быть целым числом (ячейки Лист1!F2, Лист1!F3)"
        );
        let records: Vec<Problem> = (1..=2)
            .map(|r| Problem::warning("k.json", Place::Record(r), Some("foo"), "неизвестное поле"))
            .collect();
        assert_eq!(
            group(&records)[0].to_string(),
            "предупреждение: k.json, поле «foo»: 2 записи — неизвестное поле (записи 1, 2)"
        );
        let paths: Vec<Problem> = (0..2)
            .map(|i| {
                Problem::error(
                    "r.json",
                    Place::Path(format!("payload.rows[{i}].year")),
                    Some("year"),
                    "не число",
                )
            })
            .collect();
        assert_eq!(
            group(&paths)[0].to_string(),
            "ошибка: r.json, поле «Год»: 2 места — не число (payload.rows[0].year, payload.rows[1].year)"
        );
        let twice = [
            Problem::error("f.csv", Place::File, None, "файл пуст"),
            Problem::error("f.csv", Place::File, None, "файл пуст"),
        ];
        assert_eq!(
            group(&twice)[0].to_string(),
            "ошибка: f.csv: 2 раза — файл пуст"
        );
    }

    #[test]
    fn a_summary_puts_errors_first_counts_everything_and_carries_at_most_max_groups() {
        let mut problems: Vec<Problem> = (0..MAX_GROUPS + 200)
            .map(|i| {
                Problem::warning(
                    "w.csv",
                    Place::Line(1),
                    Some(&format!("x{i}")),
                    "неизвестный столбец",
                )
            })
            .collect();
        problems.extend(not_numbers("w.csv", "c", 10, |_| "н/д".into()));
        problems.push(Problem::note("w.csv", Place::File, None, "нет столбцов"));
        let s = ProblemSummary::of(&problems);
        assert_eq!((s.errors, s.warnings, s.notes), (10, MAX_GROUPS + 200, 1));
        assert!(s.has_errors() && !s.is_empty());
        assert_eq!(s.groups.len(), MAX_GROUPS);
        assert_eq!(s.groups[0].severity, Severity::Error);
        assert_eq!(s.groups[0].count, 10);
        assert!(s.groups[1..]
            .iter()
            .all(|g| g.severity == Severity::Warning));
        assert_eq!(
            s.groups[1].column.as_deref(),
            Some("x0"),
            "file order within a severity"
        );
        assert_eq!(s.left_out(Severity::Error), 0);
        assert_eq!(s.left_out(Severity::Warning), 201);
        assert_eq!(s.left_out(Severity::Note), 1);
        assert!(ProblemSummary::of(&[]).is_empty());
    }

    #[test]
    fn a_national_file_with_one_bad_column_is_one_group_of_45_000() {
        let mut csv = String::from(
            "school_id;school_name;municipality;school_type;year;ege_no_cert_pct;oge_rus_mean\n",
        );
        for i in 0..45_000 {
            csv.push_str(&format!("s{i};Школа {i};Город;secondary;2024;н/д;4,1\n"));
        }
        let (rows, problems) = crate::domain::input::merge(vec![crate::domain::input::parse_csv(
            "national.csv",
            csv.as_bytes(),
        )]);
        assert!(rows.is_empty());
        let s = ProblemSummary::of(&problems);
        assert_eq!(s.errors, 45_000);
        let errors: Vec<&ProblemGroup> = s.groups.iter().filter(|g| g.is_error()).collect();
        assert_eq!(errors.len(), 1, "{:#?}", s.groups);
        assert_eq!(errors[0].count, 45_000);
        assert_eq!(
            errors[0].to_string(),
            "ошибка: national.csv, столбец «Доля выпускников, не получивших аттестат (ЕГЭ), %»: 45\u{202f}000 строк — ожидалось число, получено «н/д» (строки 2, 3, 4, 5, 6 и ещё 44\u{202f}995)"
        );
        // What the data service sends is a few hundred bytes, not 45,000 problems.
        let sent = serde_json::to_string(&s).expect("JSON");
        assert!(sent.len() < 4_000, "{} bytes", sent.len());
    }

    #[test]
    fn messages_name_file_place_and_field() {
        let p = Problem::error("a.csv", Place::Line(5), Some("year"), "не число");
        assert_eq!(
            p.to_string(),
            "ошибка: a.csv, строка 5, столбец «Год»: не число"
        );
        let p = Problem::warning("a.json", Place::Record(2), Some("foo"), "неизвестное поле");
        assert_eq!(
            p.to_string(),
            "предупреждение: a.json, запись 2, поле «foo»: неизвестное поле"
        );
        // A table names a contract column in Russian, a JSON record by the key it spells, and
        // a column the contract does not know as the file heads it.
        let p = Problem::error("a.json", Place::Record(2), Some("year"), "не число");
        assert_eq!(
            p.to_string(),
            "ошибка: a.json, запись 2, поле «year»: не число"
        );
        let p = Problem::warning("a.csv", Place::Line(1), Some("Год выпуска"), "неизвестный");
        assert_eq!(
            p.to_string(),
            "предупреждение: a.csv, строка 1, столбец «Год выпуска»: неизвестный"
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
