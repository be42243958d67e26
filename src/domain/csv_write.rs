//! CSV for Excel: UTF-8 with a BOM, `;` between cells, decimal comma, CRLF line ends.
//!
//! Text cells that Excel would run as a formula (starting with `=`, `+`, `-`, `@`) are written
//! with a leading apostrophe; [`crate::domain::input`] strips it again on import, so a file
//! exported and imported back is unchanged.

use super::row::Row;
use super::schema::schema;

#[derive(Default)]
pub struct CsvWriter {
    out: String,
    first_in_line: bool,
}

impl CsvWriter {
    pub fn new() -> Self {
        CsvWriter {
            out: String::from("\u{feff}"),
            first_in_line: true,
        }
    }

    fn sep(&mut self) {
        if !self.first_in_line {
            self.out.push(';');
        }
        self.first_in_line = false;
    }

    /// A text cell, quoted when needed and guarded against formula injection.
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.sep();
        let guarded;
        let s = if s.starts_with(['=', '+', '-', '@']) {
            guarded = format!("'{s}");
            guarded.as_str()
        } else {
            s
        };
        if s.contains([';', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
            self.out.push('"');
            self.out.push_str(&s.replace('"', "\"\""));
            self.out.push('"');
        } else {
            self.out.push_str(s);
        }
        self
    }

    /// A number with a decimal comma; empty for `None`.
    pub fn number(&mut self, v: Option<f64>) -> &mut Self {
        self.sep();
        if let Some(v) = v {
            self.out.push_str(&decimal_comma(v));
        }
        self
    }

    pub fn end_line(&mut self) -> &mut Self {
        self.out.push_str("\r\n");
        self.first_in_line = true;
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// A number as Excel in a Russian locale writes it: decimal comma, at most 6 decimals,
/// no trailing zeros.
pub fn decimal_comma(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    let s = if s == "-0" { "0" } else { s };
    s.replace('.', ",")
}

/// Rows in the contract's columns, for Excel; the file reads back through the importer.
pub fn rows_csv(rows: &[Row]) -> String {
    let s = schema();
    let mut w = CsvWriter::new();
    for id in s.ids() {
        w.text(id);
    }
    w.end_line();
    for r in rows {
        w.text(&r.school_id)
            .text(&r.school_name)
            .text(&r.municipality)
            .text(r.school_type.id());
        w.number(Some(r.year as f64));
        for i in 0..s.data_len() {
            w.number(r.values.get(i));
        }
        w.end_line();
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_comma_formatting() {
        assert_eq!(decimal_comma(0.5), "0,5");
        assert_eq!(decimal_comma(12.0), "12");
        assert_eq!(decimal_comma(1.0 / 3.0), "0,333333");
        assert_eq!(decimal_comma(-0.0000001), "0");
    }

    #[test]
    fn text_cells_are_quoted_and_guarded() {
        let mut w = CsvWriter::new();
        w.text("a;b")
            .text("say \"hi\"")
            .text("=1+1")
            .number(Some(2.5))
            .number(None)
            .end_line();
        assert_eq!(
            w.finish(),
            "\u{feff}\"a;b\";\"say \"\"hi\"\"\";'=1+1;2,5;\r\n"
        );
    }
}
