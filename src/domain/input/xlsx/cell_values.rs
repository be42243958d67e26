//! A workbook cell as the readers take it and as Excel in a Russian locale shows it: numbers,
//! texts, logical values, dates, times and durations, errors.

use crate::domain::common::format::shortest_decimal_comma;
use crate::domain::common::time::date_ru;
use crate::domain::input::cells::Cell;
use calamine::{DataRef, ExcelDateTime};

/// A workbook cell as the readers take it.
pub(super) fn cell<'x>(v: &'x DataRef<'_>) -> Cell<'x> {
    match v {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s),
        DataRef::Empty => Cell::Text(""),
        DataRef::Bool(b) => Cell::Other(format!("логическое значение {}", logical(*b))),
        DataRef::DateTime(d) => {
            let (what, shown) = date_time(d);
            Cell::Other(format!("{what} {shown}"))
        }
        DataRef::DateTimeIso(s) => Cell::Other(format!("дата {}", iso_date(s))),
        DataRef::DurationIso(s) => Cell::Other(format!("длительность {s}")),
        DataRef::Error(e) => Cell::Other(format!("ошибка Excel {e}")),
    }
}

/// A workbook cell as Excel in a Russian locale shows it (the mapping step's preview).
pub(super) fn display(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => shortest_decimal_comma(*f),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Empty => String::new(),
        DataRef::Bool(b) => logical(*b).to_string(),
        DataRef::DateTime(d) => date_time(d).1,
        DataRef::DateTimeIso(s) => iso_date(s),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

fn logical(b: bool) -> &'static str {
    if b {
        "ИСТИНА"
    } else {
        "ЛОЖЬ"
    }
}

/// What a date-formatted cell holds and how it shows: («дата», «01.09.2024»), («время»,
/// «08:30»), («длительность», …).
fn date_time(d: &ExcelDateTime) -> (&'static str, String) {
    let v = d.as_f64();
    // Excel's dates run from 1900 to 9999 (serial numbers below 2,958,466).
    if !(v.is_finite() && (0.0..2_958_466.0).contains(&v)) {
        let what = if d.is_duration() {
            "длительность"
        } else {
            "дата"
        };
        return (what, format!("(число {})", shortest_decimal_comma(v)));
    }
    let (year, month, day, hour, minute, _, _) = d.to_ymd_hms_milli();
    if d.is_duration() {
        let hours = (v * 24.0).floor();
        let minutes = ((v * 24.0 - hours) * 60.0).round();
        return ("длительность", format!("{hours}:{minutes:02}"));
    }
    if v < 1.0 {
        return ("время", format!("{hour:02}:{minute:02}"));
    }
    let date = format!("{day:02}.{month:02}.{year:04}");
    if hour == 0 && minute == 0 {
        ("дата", date)
    } else {
        ("дата", format!("{date} {hour:02}:{minute:02}"))
    }
}

/// An ISO 8601 date cell (`2024-09-01`, `2024-09-01T08:30:00`) by its date, ДД.ММ.ГГГГ; other
/// text as it is. The date is read by [`date_ru`] from the first ten characters: unlike a
/// typed date (which `date_ru` refuses with a time of day), a workbook's date cell keeps its
/// date whatever time it carries. `date_ru` gives back a text that is not a date unchanged
/// (trimmed), so a changed text is a date it read.
fn iso_date(s: &str) -> String {
    match s.get(..10) {
        Some(day) => {
            let shown = date_ru(day);
            if shown != day.trim() {
                shown
            } else {
                s.to_string()
            }
        }
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::iso_date;

    #[test]
    fn an_iso_date_cell_shows_its_date_whatever_time_it_carries() {
        for (cell, shown) in [
            ("2024-09-01", "01.09.2024"),
            ("2024-09-01T08:30:00", "01.09.2024"),
            ("1985-01-02T00:00:00Z", "02.01.1985"),
            (" 2024-09-01", " 2024-09-01"),
            ("2024-9-01T08:30", "2024-9-01T08:30"),
            ("2024-09-0", "2024-09-0"),
            ("дата", "дата"),
            ("2024-09-01ё", "01.09.2024"),
        ] {
            assert_eq!(iso_date(cell), shown, "{cell}");
        }
    }
}
