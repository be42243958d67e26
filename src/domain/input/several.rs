//! Several files as one set of rows (a second row of the same school and year is an error
//! naming both places), and the empty template of the contract.

use super::Parsed;
use crate::domain::contract::problem::{FirstSeen, Place, Problem};
use crate::domain::contract::row::Row;
use crate::domain::contract::schema::schema;

/// Joins parsed files into one set of rows; a second row for the same (school_id, year) —
/// in the same file or another — is an error naming both places, and is not used.
pub fn merge(mut files: Vec<Parsed>) -> (Vec<Row>, Vec<Problem>) {
    let total: usize = files.iter().map(|f| f.rows.len()).sum();
    // Repeats of an earlier (school_id, year), each with the first: (file, row) of both,
    // in file order.
    let mut repeats: Vec<((usize, usize), (usize, usize))> = Vec::new();
    {
        let mut first = FirstSeen::with_capacity(total);
        for (f, parsed) in files.iter().enumerate() {
            for (i, row) in parsed.rows.iter().enumerate() {
                if let Some(&j) = first.repeat(row.key(), (f, i)) {
                    repeats.push(((f, i), j));
                }
            }
        }
    }
    let mut problems = Vec::new();
    for parsed in files.iter_mut() {
        problems.append(&mut parsed.problems);
    }
    for &((f, i), (g, j)) in &repeats {
        let (row, place) = (&files[f].rows[i], &files[f].places[i]);
        let first_file = &files[g].file;
        let where_ = match &files[g].places[j] {
            Place::Line(n) => format!("{first_file}, строка {n}"),
            Place::Record(n) => format!("{first_file}, запись {n}"),
            Place::Path(path) => format!("{first_file}, {path}"),
            Place::Cell { sheet, row, column } => format!(
                "{first_file}, ячейка {}",
                Place::cell_reference(sheet, *row, *column)
            ),
            Place::File => first_file.clone(),
        };
        problems.push(
            Problem::error(
                &files[f].file,
                place.clone(),
                Some("school_id"),
                "повторная строка для той же школы за тот же год",
            )
            .with_about(format!(
                "школа «{}», {} год; первая — {where_}",
                row.school_id, row.year
            )),
        );
    }
    // The rows move (those of one file without repeats, as they are).
    if files.len() == 1 && repeats.is_empty() {
        let only = files.pop().expect("one file");
        return (only.rows, problems);
    }
    let skip: std::collections::HashSet<(usize, usize)> = repeats.iter().map(|r| r.0).collect();
    let mut rows = Vec::with_capacity(total - repeats.len());
    for (f, parsed) in files.into_iter().enumerate() {
        rows.extend(
            parsed
                .rows
                .into_iter()
                .enumerate()
                .filter(|(i, _)| skip.is_empty() || !skip.contains(&(f, *i)))
                .map(|(_, row)| row),
        );
    }
    (rows, problems)
}

/// An empty CSV with every column of the contract (`;`-separated, with a BOM for Excel).
pub fn template_csv() -> String {
    let ids: Vec<&str> = schema().ids().collect();
    format!("\u{feff}{}\r\n", ids.join(";"))
}
