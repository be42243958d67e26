//! CSV for Excel: UTF-8 with a BOM, `;` between cells, decimal comma, CRLF line ends.
//!
//! Text cells that Excel would run as a formula (starting with `=`, `+`, `-`, `@`) are written
//! with a leading apostrophe, and so is a text that starts with an apostrophe;
//! [`crate::domain::input`] strips one apostrophe before any of these again on import, so a
//! file exported and imported back is unchanged.

use crate::domain::common::format::{rounded_decimal_comma, shortest_decimal_comma};

/// First characters that get a leading apostrophe: Excel's formula characters, and the
/// apostrophe itself (so that a text that really starts with one reads back unchanged).
pub const GUARDED: [char; 5] = ['=', '+', '-', '@', '\''];

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
        let s = if s.starts_with(GUARDED) {
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

    /// A number with a decimal comma, in full precision (the shortest decimal that reads
    /// back as the same number); empty for `None` or a value that is not finite.
    pub fn number(&mut self, v: Option<f64>) -> &mut Self {
        self.sep();
        if let Some(v) = v.filter(|v| v.is_finite()) {
            self.out.push_str(&shortest_decimal_comma(v));
        }
        self
    }

    /// A number as a person reads it: rounded to `decimals` with a decimal comma, no trailing
    /// zeros ([`rounded_decimal_comma`]); empty for `None` or a value that is not finite.
    pub fn rounded(&mut self, v: Option<f64>, decimals: u8) -> &mut Self {
        self.sep();
        if let Some(v) = v.filter(|v| v.is_finite()) {
            self.out
                .push_str(&rounded_decimal_comma(v, usize::from(decimals)));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::common::format::decimal_comma;

    #[test]
    fn decimal_comma_formatting() {
        assert_eq!(decimal_comma(0.5), "0,5");
        assert_eq!(decimal_comma(12.0), "12");
        assert_eq!(decimal_comma(1.0 / 3.0), "0,333333");
        assert_eq!(decimal_comma(-0.0000001), "0");
    }

    #[test]
    fn rounded_as_the_screen_shows() {
        assert_eq!(rounded_decimal_comma(0.45805328218243824, 3), "0,458");
        assert_eq!(rounded_decimal_comma(0.4999, 3), "0,5");
        assert_eq!(rounded_decimal_comma(25.0, 1), "25");
        assert_eq!(rounded_decimal_comma(66.666_666, 0), "67");
        assert_eq!(rounded_decimal_comma(-0.0004, 3), "0");
        assert_eq!(rounded_decimal_comma(-1.25, 1), "-1,3");
        let mut w = CsvWriter::new();
        w.rounded(Some(1.0 / 3.0), 3)
            .rounded(None, 2)
            .rounded(Some(f64::INFINITY), 1)
            .rounded(Some(68.254), 2)
            .end_line();
        assert_eq!(w.finish(), "\u{feff}0,333;;;68,25\r\n");
    }

    #[test]
    fn files_keep_full_precision() {
        assert_eq!(shortest_decimal_comma(0.1 + 0.2), "0,30000000000000004");
        assert_eq!(shortest_decimal_comma(68.25), "68,25");
        assert_eq!(shortest_decimal_comma(-0.0), "0");
        assert_eq!(shortest_decimal_comma(1e-7), "0,0000001");
        assert_eq!(shortest_decimal_comma(3.0), "3");
        let mut w = CsvWriter::new();
        w.number(Some(1.0 / 3.0)).number(Some(f64::NAN)).end_line();
        assert_eq!(w.finish(), "\u{feff}0,3333333333333333;\r\n");
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
