//! A school entering its own data: the draft of its rows as typed, every cell checked with the
//! importer's rules and messages, blocks pasted from Excel, and the rows the draft becomes
//! when the school confirms it.
//!
//! The draft keeps the text exactly as typed (a half-typed «12,» or a wrong «120» stays
//! visible with its message) so that closing the tab loses nothing; only confirmed, valid
//! rows become submissions.

use crate::domain::contract::row::{Row, SchoolType, Values};
use crate::domain::contract::schema::{schema, Kind};
use crate::domain::exchange::records::SchoolIdentity;
use crate::domain::input::{check_range, parse_number};
use crate::domain::method::identify::Params;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The seed's footnote on the school types left out of the identification (001, footnote ² to
/// table 1 of the method).
pub const EXCLUSION_FOOTNOTE: &str = "В перечень школ не включаются школы, реализующие адаптированные образовательные программы, начальные школы, образовательные организации при исправительных колониях.";

/// Why a school type takes no part in the identification under `params` (by default:
/// primary, adapted and penitentiary schools, as the footnote says), if it does not.
pub fn type_exclusion(t: SchoolType, params: &Params) -> Option<String> {
    params.excluded_types.contains(&t).then(|| {
        format!(
            "Тип «{}» не участвует в идентификации: «{EXCLUSION_FOOTNOTE}» (методика, сноска ² к таблице 1). Данные можно вводить и отправлять, но места среди школ региона у такой школы нет.",
            t.label()
        )
    })
}

/// How many years a draft covers by default: the method's window («за последние 3 года»).
pub const WINDOW: i32 = 3;

/// One school's rows as typed: `cells[year][column id]` is the text of a data cell.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Draft {
    /// The years being entered, oldest first.
    pub years: Vec<i32>,
    #[serde(default)]
    pub cells: BTreeMap<i32, BTreeMap<String, String>>,
}

/// A cell that does not pass the importer's checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellProblem {
    pub year: i32,
    pub column: String,
    pub message: String,
}

impl fmt::Display for CellProblem {
    /// «2024 год, «Доля участников …»: доля должна быть от 0 до 100 %, получено «120»»
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = schema()
            .column(&self.column)
            .map_or(self.column.as_str(), |c| c.label.as_str());
        write!(f, "{} год, «{label}»: {}", self.year, self.message)
    }
}

/// The unit of a numeric kind, as shown beside an input.
pub fn unit(kind: Kind) -> &'static str {
    match kind {
        Kind::Count => "чел.",
        Kind::Share => "%",
        Kind::Score100 => "балл, 0–100",
        Kind::Score5 => "балл, 2–5",
        _ => "",
    }
}

/// Checks one cell as the importer does: `Ok(None)` for an empty cell, the value, or the
/// importer's Russian message.
pub fn check_cell(column: &str, text: &str) -> Result<Option<f64>, String> {
    let Some(c) = schema().column(column) else {
        return Err(format!("неизвестный столбец «{column}»"));
    };
    match parse_number(text)? {
        None => Ok(None),
        Some(v) => check_range(c.kind, v)
            .map(|()| Some(v))
            .map_err(|m| format!("{m}, получено «{}»", text.trim())),
    }
}

/// Problems of a school's identity, in Russian (empty when it can be saved).
pub fn identity_problems(p: &SchoolIdentity) -> Vec<String> {
    let mut out = Vec::new();
    for (value, label) in [
        (&p.school_id, "Идентификатор школы"),
        (&p.school_name, "Наименование школы"),
        (&p.municipality, "Муниципалитет"),
    ] {
        if value.trim().is_empty() {
            out.push(format!("«{label}»: обязательное поле не заполнено"));
        }
    }
    out
}

/// What a paste did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pasted {
    /// Cells written.
    pub cells: usize,
    /// Values that did not fit or could not be placed, in Russian.
    pub notes: Vec<String>,
}

/// Splits text copied from Excel: lines by CR/LF, cells by tabs; a cell in double quotes
/// (Excel quotes cells with tabs, line breaks or quotes) is unquoted. Trailing empty lines go.
pub fn split_block(text: &str) -> Vec<Vec<String>> {
    let mut lines: Vec<Vec<String>> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .map(|l| l.split('\t').map(unquote).collect())
        .collect();
    while lines
        .last()
        .is_some_and(|l: &Vec<String>| l.iter().all(|c| c.trim().is_empty()))
    {
        lines.pop();
    }
    lines
}

fn unquote(cell: &str) -> String {
    let t = cell.trim();
    match t.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => t.to_string(),
    }
}

impl Draft {
    /// An empty draft of the three years ending with `last_year`.
    pub fn new(last_year: i32) -> Draft {
        Draft {
            years: (last_year - WINDOW + 1..=last_year).collect(),
            cells: BTreeMap::new(),
        }
    }

    /// A draft holding `rows` (their years added to the window).
    pub fn from_rows(rows: &[Row], last_year: i32) -> Draft {
        let mut d = Draft::new(last_year);
        d.fill_from_rows(rows);
        d
    }

    /// The text of a cell ("" when empty).
    pub fn text(&self, year: i32, column: &str) -> &str {
        self.cells
            .get(&year)
            .and_then(|c| c.get(column))
            .map_or("", String::as_str)
    }

    /// Sets a cell's text (an empty text removes it); adds the year if new.
    pub fn set(&mut self, year: i32, column: &str, text: &str) {
        if !self.years.contains(&year) {
            self.years.push(year);
            self.years.sort_unstable();
        }
        let cells = self.cells.entry(year).or_default();
        if text.trim().is_empty() {
            cells.remove(column);
        } else {
            cells.insert(column.to_string(), text.to_string());
        }
        if cells.is_empty() {
            self.cells.remove(&year);
        }
    }

    /// Adds a year to the window (nothing if it is there).
    pub fn add_year(&mut self, year: i32) {
        if !self.years.contains(&year) {
            self.years.push(year);
            self.years.sort_unstable();
        }
    }

    /// Removes a year and its cells.
    pub fn remove_year(&mut self, year: i32) {
        self.years.retain(|&y| y != year);
        self.cells.remove(&year);
    }

    /// Fills the cells of `rows` (values written as a person would, decimal comma); returns
    /// the years filled.
    pub fn fill_from_rows(&mut self, rows: &[Row]) -> Vec<i32> {
        let s = schema();
        let mut years = Vec::new();
        for row in rows {
            self.add_year(row.year);
            self.cells.remove(&row.year);
            for i in 0..s.data_len() {
                if let Some(v) = row.values.get(i) {
                    let text = crate::domain::common::format::shortest_decimal_comma(v);
                    self.set(row.year, &s.data_column(i).id, &text);
                }
            }
            years.push(row.year);
        }
        years
    }

    /// Every cell that fails the importer's checks, by year and contract order.
    pub fn problems(&self) -> Vec<CellProblem> {
        let s = schema();
        let mut out = Vec::new();
        for (&year, cells) in &self.cells {
            for c in s.data_columns() {
                if let Some(text) = cells.get(&c.id) {
                    if let Err(message) = check_cell(&c.id, text) {
                        out.push(CellProblem {
                            year,
                            column: c.id.clone(),
                            message,
                        });
                    }
                }
            }
            for id in cells.keys() {
                if s.data_index(id).is_none() {
                    out.push(CellProblem {
                        year,
                        column: id.clone(),
                        message: "такого показателя нет среди столбцов Шкалы".to_string(),
                    });
                }
            }
        }
        out
    }

    /// The rows of the years with at least one filled cell, or every problem (of the
    /// identity and of the cells).
    pub fn rows(&self, school: &SchoolIdentity) -> Result<Vec<Row>, Vec<String>> {
        let mut problems = identity_problems(school);
        problems.extend(self.problems().iter().map(ToString::to_string));
        if !problems.is_empty() {
            return Err(problems);
        }
        let s = schema();
        let mut rows = Vec::new();
        for (&year, cells) in &self.cells {
            let mut values = Values::empty();
            for (i, c) in s.data_columns().enumerate() {
                if let Some(Ok(Some(v))) = cells.get(&c.id).map(|t| check_cell(&c.id, t)) {
                    values.set(i, Some(v));
                }
            }
            if values.filled() == 0 {
                continue;
            }
            if !(1990..=2100).contains(&year) {
                return Err(vec![format!(
                    "год должен быть целым числом от 1990 до 2100, получено «{year}»"
                )]);
            }
            rows.push(Row {
                school_id: school.school_id.trim().to_string(),
                school_name: school.school_name.trim().to_string(),
                municipality: school.municipality.trim().to_string(),
                school_type: school.school_type,
                year,
                values,
            });
        }
        if rows.is_empty() {
            return Err(vec![
                "не заполнено ни одного показателя ни за один год".to_string()
            ]);
        }
        Ok(rows)
    }

    /// Pastes text copied from Excel with its top-left cell at (`year`, `column`).
    ///
    /// * A block with a header line naming contract columns (ids or labels) is read by its
    ///   header: each following line is one year (its `year` cell, or `year` for a single
    ///   line without one).
    /// * A single line as long as the data columns (or the whole contract, identity first)
    ///   is one year's row in contract order.
    /// * Anything else is a block of the grid: lines go down the indicators from `column`
    ///   (in contract order), cells go right across the years from `year`.
    pub fn paste(&mut self, year: i32, column: &str, text: &str) -> Pasted {
        let s = schema();
        let block = split_block(text);
        let mut out = Pasted::default();
        if block.is_empty() {
            return out;
        }
        if let Some(header) = header_columns(&block[0]) {
            let year_at = header.iter().position(|c| c.as_deref() == Some("year"));
            for (n, line) in block.iter().enumerate().skip(1) {
                let y = match year_at.and_then(|i| line.get(i)) {
                    Some(t) => match parse_number(t) {
                        Ok(Some(v)) if v.fract() == 0.0 && (1990.0..=2100.0).contains(&v) => {
                            v as i32
                        }
                        _ => {
                            out.notes.push(format!(
                                "строка {} вставки: год «{t}» не распознан, строка пропущена",
                                n + 1
                            ));
                            continue;
                        }
                    },
                    None if block.len() == 2 => year,
                    None => {
                        out.notes.push(
                            "в заголовке нет столбца «year»: несколько строк нельзя отнести к годам"
                                .to_string(),
                        );
                        return out;
                    }
                };
                for (cell, col) in line.iter().zip(&header) {
                    if let Some(id) = col.as_deref() {
                        if s.data_index(id).is_some() {
                            self.set(y, id, cell);
                            out.cells += 1;
                        }
                    }
                }
            }
            return out;
        }
        let data_len = s.data_len();
        let identity = s.columns.len() - data_len;
        if block.len() == 1 && (block[0].len() == data_len || block[0].len() == s.columns.len()) {
            let line = &block[0];
            let (y, cells) = if line.len() == data_len {
                (year, &line[..])
            } else {
                let year_cell = &line[identity - 1];
                match parse_number(year_cell) {
                    Ok(Some(v)) if v.fract() == 0.0 && (1990.0..=2100.0).contains(&v) => {
                        (v as i32, &line[identity..])
                    }
                    _ => {
                        out.notes.push(format!(
                            "в строке год «{year_cell}» не распознан: значения вставлены в {year} год"
                        ));
                        (year, &line[identity..])
                    }
                }
            };
            for (i, cell) in cells.iter().enumerate() {
                self.set(y, &s.data_column(i).id, cell);
                out.cells += 1;
            }
            return out;
        }
        let Some(start) = s.data_index(column) else {
            out.notes.push(format!("неизвестный столбец «{column}»"));
            return out;
        };
        let mut years = self.years.clone();
        let first = years.iter().position(|&y| y == year).unwrap_or_else(|| {
            years.push(year);
            years.sort_unstable();
            years.iter().position(|&y| y == year).unwrap_or(0)
        });
        let mut lost = 0;
        for (r, line) in block.iter().enumerate() {
            for (k, cell) in line.iter().enumerate() {
                match (years.get(first + k), start + r < data_len) {
                    (Some(&y), true) => {
                        self.set(y, &s.data_column(start + r).id, cell);
                        out.cells += 1;
                    }
                    _ if cell.trim().is_empty() => {}
                    _ => lost += 1,
                }
            }
        }
        if lost > 0 {
            out.notes.push(format!(
                "{lost} знач. не поместились: вставка выходит за последний показатель или последний год"
            ));
        }
        out
    }
}

/// The contract columns named by a header line (ids or Russian labels, any case), if at
/// least two cells name a column and no cell is a number.
fn header_columns(line: &[String]) -> Option<Vec<Option<String>>> {
    let s = schema();
    if line.iter().any(|c| matches!(parse_number(c), Ok(Some(_)))) {
        return None;
    }
    let named: Vec<Option<String>> = line
        .iter()
        .map(|cell| {
            let t = cell.trim().to_lowercase();
            s.columns
                .iter()
                .find(|c| c.id == t || c.label.to_lowercase() == t)
                .map(|c| c.id.clone())
        })
        .collect();
    (named.iter().filter(|c| c.is_some()).count() >= 2).then_some(named)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school() -> SchoolIdentity {
        SchoolIdentity {
            school_id: "S1".into(),
            school_name: "Школа № 1".into(),
            municipality: "Город".into(),
            school_type: SchoolType::Secondary,
        }
    }

    #[test]
    fn cells_are_checked_with_the_importers_messages() {
        assert_eq!(check_cell("oge_rus_2_pct", "12,5"), Ok(Some(12.5)));
        assert_eq!(check_cell("oge_rus_2_pct", "  "), Ok(None));
        assert_eq!(
            check_cell("oge_rus_2_pct", "120"),
            Err("доля должна быть от 0 до 100 %, получено «120»".to_string())
        );
        assert_eq!(
            check_cell("ege_participants", "2,5"),
            Err("количество должно быть целым неотрицательным числом, получено «2,5»".to_string())
        );
        assert!(check_cell("ege_participants", "-1").is_err());
        assert_eq!(
            check_cell("oge_math_mean", "абв"),
            Err("«абв» не является числом".to_string())
        );
        assert!(check_cell("no_such", "1").is_err());
    }

    #[test]
    fn a_draft_keeps_wrong_text_and_becomes_rows_only_when_valid() {
        let mut d = Draft::new(2024);
        assert_eq!(d.years, vec![2022, 2023, 2024]);
        d.set(2024, "oge_rus_2_pct", "120");
        d.set(2023, "oge_rus_2_pct", "3,5");
        assert_eq!(d.text(2024, "oge_rus_2_pct"), "120");
        let err = d.rows(&school()).unwrap_err();
        assert_eq!(err.len(), 1);
        assert!(
            err[0].starts_with("2024 год, «Доля участников ОГЭ"),
            "{}",
            err[0]
        );
        d.set(2024, "oge_rus_2_pct", "12");
        let rows = d.rows(&school()).unwrap();
        // 2022 has no cell: no row for it.
        assert_eq!(
            rows.iter().map(|r| r.year).collect::<Vec<_>>(),
            [2023, 2024]
        );
        assert_eq!(rows[1].values.get_by_id("oge_rus_2_pct"), Some(12.0));
        assert_eq!(rows[0].school_name, "Школа № 1");
        // Clearing a cell removes it.
        d.set(2023, "oge_rus_2_pct", "");
        assert_eq!(d.rows(&school()).unwrap().len(), 1);
    }

    #[test]
    fn an_identity_without_a_name_is_refused() {
        let mut d = Draft::new(2024);
        d.set(2024, "students_total", "300");
        let mut s = school();
        s.school_name = " ".into();
        assert_eq!(
            d.rows(&s).unwrap_err(),
            vec!["«Наименование школы»: обязательное поле не заполнено".to_string()]
        );
    }

    #[test]
    fn rows_round_trip_through_a_draft() {
        let row = Row::new("S1", "Школа № 1", "Город", SchoolType::Secondary, 2023)
            .with("oge_math_mean", 3.7142857142857144)
            .with("students_total", 412.0);
        let d = Draft::from_rows(std::slice::from_ref(&row), 2024);
        assert_eq!(d.text(2023, "oge_math_mean"), "3,7142857142857144");
        assert_eq!(d.rows(&school()).unwrap(), vec![row]);
    }

    #[test]
    fn a_column_block_from_excel_fills_down_and_across() {
        let mut d = Draft::new(2024);
        // Two indicators (lines) × two years (cells), decimal comma, Windows line ends.
        let pasted = d.paste(2023, "oge_rus_2_pct", "1,5\t2,5\r\n3\t4\r\n");
        assert_eq!(pasted.cells, 4);
        assert!(pasted.notes.is_empty());
        assert_eq!(d.text(2023, "oge_rus_2_pct"), "1,5");
        assert_eq!(d.text(2024, "oge_rus_2_pct"), "2,5");
        assert_eq!(d.text(2023, "oge_math_2_pct"), "3");
        assert_eq!(d.text(2024, "oge_math_2_pct"), "4");
        // A block wider than the window loses what does not fit, and says so.
        let pasted = d.paste(2024, "oge_rus_2_pct", "1\t2");
        assert_eq!(pasted.cells, 1);
        assert_eq!(pasted.notes.len(), 1);
    }

    #[test]
    fn a_whole_row_in_contract_order_is_one_year() {
        let s = schema();
        let mut d = Draft::new(2024);
        let data: Vec<String> = (0..s.data_len()).map(|i| format!("{i},5")).collect();
        let line = format!("S1\tШкола № 1\tГород\tsecondary\t2023\t{}", data.join("\t"));
        let pasted = d.paste(2024, "ege_participants", &line);
        assert_eq!(pasted.cells, s.data_len());
        assert_eq!(d.text(2023, &s.data_column(3).id), "3,5");
        assert_eq!(d.text(2024, &s.data_column(3).id), "");
        // Only the data part: into the year it was pasted at.
        let mut d = Draft::new(2024);
        d.paste(2022, "ege_participants", &data.join("\t"));
        assert_eq!(d.text(2022, &s.data_column(0).id), "0,5");
    }

    #[test]
    fn a_block_with_a_header_is_read_by_the_header() {
        let mut d = Draft::new(2024);
        let text = "year\tСредний балл ОГЭ по математике\tschool_name\n2022\t3,6\tШкола\n2024\t3,9\tШкола\n";
        let pasted = d.paste(2023, "ege_participants", text);
        assert_eq!(pasted.cells, 2);
        assert_eq!(d.text(2022, "oge_math_mean"), "3,6");
        assert_eq!(d.text(2024, "oge_math_mean"), "3,9");
        assert_eq!(d.text(2023, "oge_math_mean"), "");
    }

    #[test]
    fn excluded_types_cite_the_footnote() {
        let p = Params::default();
        assert!(type_exclusion(SchoolType::Secondary, &p).is_none());
        assert!(type_exclusion(SchoolType::Penitentiary, &p).is_some());
        let why = type_exclusion(SchoolType::Adapted, &p).unwrap();
        assert!(why.contains(EXCLUSION_FOOTNOTE));
    }

    #[test]
    fn excel_quoting_is_undone() {
        assert_eq!(
            split_block("\"1,5\"\t\"a\"\"b\"\n\n"),
            vec![vec!["1,5".to_string(), "a\"b".to_string()]]
        );
    }
}
