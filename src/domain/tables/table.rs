//! A typed table: what every export builds once, written as CSV for Excel
//! ([`Table::to_csv`], through [`CsvWriter`]) or as an Excel workbook
//! ([`crate::domain::tables::xlsx_write`]).
//!
//! [`TableWriter`] has the builder calls of [`CsvWriter`] (`text`, `number`, `rounded`,
//! `end_line`), so a CSV builder becomes a table builder by changing the writer it makes;
//! [`Table::to_csv`] gives the same bytes the CSV writer gave for the same calls.
//!
//! A number a person reads is written with `rounded(value, decimals)` ([`Cell::Rounded`]): the
//! CSV has it rounded as the screen shows it ([`INDEX`], [`PERCENT`], [`MEAN`] decimals), the
//! workbook keeps the full value and shows it with as many decimals. A `number` is written in
//! full precision everywhere (counts, years, and the rows export, which must read back
//! exactly).

use crate::domain::contract::row::Row;
use crate::domain::contract::schema::schema;
use crate::domain::tables::csv_write::CsvWriter;

/// Decimals of an index (results, social, expected, the residual, a line's slope, intercept
/// and R²), as the run page shows them.
pub const INDEX: u8 = 3;
/// Decimals of a share in per cent (the project's figures), as the page shows them.
pub const PERCENT: u8 = 1;
/// Decimals of a mean score (regional means, parameters in points or per cent), as the
/// parameters panel shows them.
pub const MEAN: u8 = 2;

/// One cell as built: text as given (no formula guard; the CSV writer adds it), a finite
/// number in full precision, a finite number read with so many decimals, or nothing.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    Text(String),
    Number(f64),
    /// The value and the decimals a person sees: rounded in CSV, in full with a number
    /// format of that many decimals in a workbook.
    Rounded(f64, u8),
    Empty,
}

impl Cell {
    /// The number of a number cell (either kind).
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Number(v) | Cell::Rounded(v, _) => Some(*v),
            Cell::Text(_) | Cell::Empty => None,
        }
    }
}

/// Rows of cells; the first row is the header. Rows may differ in length (a blank line is an
/// empty row).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Table {
    /// A line above the header that says what the table covers («Мониторинг самооценок школ:
    /// Северный район, 2024–2025 годы»): the CSV's first line, the sheet's first row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The table as CSV for Excel, byte for byte what [`CsvWriter`] writes for the calls
    /// that built it (a [`Cell::Empty`] is an empty number cell).
    pub fn to_csv(&self) -> String {
        let mut w = CsvWriter::new();
        if let Some(title) = &self.title {
            w.text(title);
            w.end_line();
        }
        for row in &self.rows {
            for cell in row {
                match cell {
                    Cell::Text(s) => w.text(s),
                    Cell::Number(v) => w.number(Some(*v)),
                    Cell::Rounded(v, d) => w.rounded(Some(*v), *d),
                    Cell::Empty => w.number(None),
                };
            }
            w.end_line();
        }
        w.finish()
    }

    /// The header (the first row; empty for a table without rows).
    pub fn header(&self) -> &[Cell] {
        self.rows.first().map_or(&[], Vec::as_slice)
    }

    /// The widest row's number of cells.
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }
}

/// A school in a table cell, as people name it: «Название (код, муниципалитет)»; without a
/// municipality «Название (код)», without a name the code alone.
pub fn school_cell(name: &str, id: &str, municipality: &str) -> String {
    let (name, id, municipality) = (name.trim(), id.trim(), municipality.trim());
    match (name.is_empty(), municipality.is_empty()) {
        (true, _) => id.to_string(),
        (false, true) => format!("{name} ({id})"),
        (false, false) => format!("{name} ({id}, {municipality})"),
    }
}

/// Builds a [`Table`] with the calls of [`CsvWriter`].
#[derive(Debug, Default)]
pub struct TableWriter {
    title: Option<String>,
    rows: Vec<Vec<Cell>>,
    line: Vec<Cell>,
}

impl TableWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// The line above the header ([`Table::title`]).
    pub fn title(&mut self, title: &str) -> &mut Self {
        self.title = Some(title.to_string());
        self
    }

    /// A text cell, kept as given.
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.line.push(Cell::Text(s.to_string()));
        self
    }

    /// A number cell; empty for `None` or a value that is not finite (as in the CSV).
    pub fn number(&mut self, v: Option<f64>) -> &mut Self {
        self.line.push(match v.filter(|v| v.is_finite()) {
            Some(v) => Cell::Number(v),
            None => Cell::Empty,
        });
        self
    }

    /// A number a person reads with `decimals` decimals (see [`Cell::Rounded`]); empty for
    /// `None` or a value that is not finite.
    pub fn rounded(&mut self, v: Option<f64>, decimals: u8) -> &mut Self {
        self.line.push(match v.filter(|v| v.is_finite()) {
            Some(v) => Cell::Rounded(v, decimals),
            None => Cell::Empty,
        });
        self
    }

    pub fn end_line(&mut self) -> &mut Self {
        let width = self.line.len();
        self.rows
            .push(std::mem::replace(&mut self.line, Vec::with_capacity(width)));
        self
    }

    /// The table. A line left without [`end_line`](Self::end_line) is ended here (every
    /// builder ends its lines; the CSV of such a table ends that line too).
    pub fn finish(mut self) -> Table {
        if !self.line.is_empty() {
            self.end_line();
        }
        Table {
            title: self.title,
            rows: self.rows,
        }
    }
}

/// Rows in the contract's columns, for Excel: the header of the columns' Russian labels
/// (`src/data/columns.json`), school types by [`SchoolType::label`], values in full
/// precision. The file — CSV or workbook — reads back through the importer to the same rows
/// (it takes a column by its label as by its id, and a type by its label).
///
/// [`SchoolType::label`]: crate::domain::contract::row::SchoolType::label
pub fn rows_table(rows: &[Row]) -> Table {
    let s = schema();
    let mut w = TableWriter::new();
    for c in &s.columns {
        w.text(&c.label);
    }
    w.end_line();
    for r in rows {
        w.text(&r.school_id)
            .text(&r.school_name)
            .text(&r.municipality)
            .text(r.school_type.label());
        w.number(Some(r.year as f64));
        for i in 0..s.data_len() {
            w.number(r.values.get(i));
        }
        w.end_line();
    }
    w.finish()
}

/// [`rows_table`] as CSV for Excel.
pub fn rows_csv(rows: &[Row]) -> String {
    rows_table(rows).to_csv()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same calls to both writers.
    fn both(calls: impl Fn(&mut dyn FnMut(Call))) -> (String, Table) {
        let mut c = CsvWriter::new();
        let mut t = TableWriter::new();
        calls(&mut |call| match call {
            Call::Text(s) => {
                c.text(s);
                t.text(s);
            }
            Call::Number(v) => {
                c.number(v);
                t.number(v);
            }
            Call::Rounded(v, d) => {
                c.rounded(v, d);
                t.rounded(v, d);
            }
            Call::End => {
                c.end_line();
                t.end_line();
            }
        });
        (c.finish(), t.finish())
    }

    enum Call<'a> {
        Text(&'a str),
        Number(Option<f64>),
        Rounded(Option<f64>, u8),
        End,
    }

    #[test]
    fn csv_of_a_table_is_the_csv_writers_bytes() {
        let (csv, table) = both(|w| {
            for h in ["Школа", "Индекс", "Доля, %", "Примечание"] {
                w(Call::Text(h));
            }
            w(Call::End);
            w(Call::Text("=1+1"));
            w(Call::Number(Some(0.1 + 0.2)));
            w(Call::Number(None));
            w(Call::Text("a;b \"c\""));
            w(Call::End);
            w(Call::Text("-5"));
            w(Call::Number(Some(f64::NAN)));
            w(Call::Number(Some(-0.0)));
            w(Call::Text(" с пробелом "));
            w(Call::End);
            // A blank line, then a line with one empty text.
            w(Call::End);
            w(Call::Text(""));
            w(Call::Text("'апостроф"));
            w(Call::Number(Some(68.25)));
            w(Call::Number(Some(1e-7)));
            w(Call::End);
            // Numbers as a person reads them.
            w(Call::Rounded(Some(0.458_053_282_182_438_24), INDEX));
            w(Call::Rounded(Some(12.25), PERCENT));
            w(Call::Rounded(None, MEAN));
            w(Call::Rounded(Some(f64::NAN), MEAN));
            w(Call::End);
        });
        assert_eq!(table.to_csv(), csv);
        assert!(csv.contains("'=1+1;0,30000000000000004;;\"a;b \"\"c\"\"\"\r\n"));
        assert!(csv.ends_with("\r\n0,458;12,3;;\r\n"), "{csv}");
        assert_eq!(table.rows[5][0], Cell::Rounded(0.458_053_282_182_438_24, 3));
        assert_eq!(table.rows[5][0].number(), Some(0.458_053_282_182_438_24));
        assert_eq!(table.rows[5][2], Cell::Empty);
        assert_eq!(table.rows.len(), 6);
        assert_eq!(table.rows[1][0], Cell::Text("=1+1".into()));
        assert_eq!(table.rows[1][2], Cell::Empty);
        assert_eq!(table.rows[2][1], Cell::Empty, "NaN is an empty cell");
        assert!(table.rows[3].is_empty());
        assert_eq!(table.width(), 4);
        assert_eq!(table.header()[1], Cell::Text("Индекс".into()));
    }

    #[test]
    fn the_rows_export_speaks_russian_and_reads_back_exactly() {
        use crate::domain::contract::row::SchoolType;
        let rows: Vec<Row> = SchoolType::ALL
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                Row::new(&format!("s{i}"), "Школа", "Город", t, 2024)
                    .with("ege_rus_mean", 68.0 + 1.0 / 3.0)
                    .with("ege_participants", 31.0)
            })
            .collect();
        let t = rows_table(&rows);
        let header: Vec<&Cell> = t.header().iter().collect();
        assert_eq!(*header[0], Cell::Text("Идентификатор школы".into()));
        assert_eq!(*header[3], Cell::Text("Тип школы".into()));
        assert!(t
            .header()
            .iter()
            .all(|c| matches!(c, Cell::Text(s) if !s.is_ascii())));
        assert_eq!(
            t.rows[1][3],
            Cell::Text("средняя".into()),
            "the type by its word"
        );
        let csv = t.to_csv();
        assert!(csv.contains(";68,33333333333333;"), "full precision: {csv}");
        let back = crate::domain::input::parse_csv("данные.csv", csv.as_bytes());
        assert!(
            back.problems.iter().all(|p| !p.is_error()),
            "{:?}",
            back.problems
        );
        assert_eq!(back.rows, rows);
    }

    #[test]
    fn a_school_is_named_with_its_code_and_municipality() {
        assert_eq!(
            school_cell("Школа № 5", "0010005", "Северный район"),
            "Школа № 5 (0010005, Северный район)"
        );
        assert_eq!(
            school_cell("Школа № 5", "0010005", " "),
            "Школа № 5 (0010005)"
        );
        assert_eq!(school_cell("", "0010005", "Город"), "0010005");
    }

    #[test]
    fn an_open_line_is_ended_by_finish() {
        let mut t = TableWriter::new();
        t.text("a").end_line().number(Some(2.0));
        let t = t.finish();
        assert_eq!(
            t.rows,
            vec![vec![Cell::Text("a".into())], vec![Cell::Number(2.0)]]
        );
        assert_eq!(t.to_csv(), "\u{feff}a\r\n2\r\n");
        assert_eq!(TableWriter::new().finish().to_csv(), "\u{feff}");
        assert!(Table::default().header().is_empty());
    }
}
