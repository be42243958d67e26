//! The identification result per school as tables: [`to_table`] — the machine contract
//! (`shkala identify --format csv`: ids in the header and the values, full precision), and
//! [`russian_table`] — the same table for people (the app's CSV, the workbook's «Все школы»,
//! `--format csv --lang ru`: Russian headers, the screen's words, indices rounded as the screen
//! shows them); and the contextualised results' lines per pool-year.

use super::eligibility::pool_or_exclusion;
use super::output::{Identification, SchoolResult};
use crate::domain::tables::table::{self, Table, TableWriter};
use std::collections::HashMap;

/// The per-school columns of both tables, by id (the machine contract's header; the people's
/// header is each id's [`column_label`]).
const SCHOOL_COLUMNS: [&str; 11] = [
    "school_id",
    "school_name",
    "municipality",
    "school_type",
    "pool",
    "excluded",
    "results_category",
    "social_category",
    "resilient",
    "context_resilient",
    "partners",
];

/// The columns of each year of the window, by stem (`results_index` → `results_index_2025`).
const YEAR_COLUMNS: [&str; 8] = [
    "results_index",
    "results_band",
    "social_index",
    "social_band",
    "weakest",
    "expected",
    "residual",
    "context",
];

/// The machine contract: one line per school, the header of column ids (`school_id`,
/// `results_index_2024` …), categories, bands and types by their ids, partners by their
/// codes, numbers in full precision. Kept byte for byte: scripts read it.
pub fn to_table(result: &Identification) -> Table {
    let mut w = TableWriter::new();
    for h in SCHOOL_COLUMNS {
        w.text(h);
    }
    for y in &result.years {
        for h in YEAR_COLUMNS {
            w.text(&format!("{h}_{y}"));
        }
    }
    w.end_line();
    for s in &result.schools {
        w.text(&s.school_id)
            .text(&s.school_name)
            .text(&s.municipality)
            .text(s.school_type.id());
        w.text(s.pool.as_deref().unwrap_or(""));
        w.text(s.excluded.as_deref().unwrap_or(""));
        w.text(s.results_category.map(|c| c.id()).unwrap_or(""));
        w.text(s.social_category.map(|c| c.id()).unwrap_or(""));
        w.text(yes_no(s.resilient));
        w.text(yes_no(s.context_resilient));
        w.text(&s.partners.join(", "));
        for y in &result.years {
            match s.years.get(y) {
                Some(yr) => {
                    w.number(yr.results_index);
                    w.text(yr.results_band.map(|b| b.id()).unwrap_or(""));
                    w.number(yr.social_index);
                    w.text(yr.social_band.map(|b| b.id()).unwrap_or(""));
                    w.text(&yr.weakest.ids().collect::<Vec<_>>().join(", "));
                    w.number(yr.expected);
                    w.number(yr.residual);
                    w.text(yr.context_category.map(|c| c.id()).unwrap_or(""));
                }
                None => {
                    w.number(None).text("").number(None).text("").text("");
                    w.number(None).number(None).text("");
                }
            }
        }
        w.end_line();
    }
    w.finish()
}

/// [`to_table`] as CSV for Excel.
pub fn to_csv(result: &Identification) -> String {
    to_table(result).to_csv()
}

/// The Russian header of a column of [`to_table`] (`results_index_2024` → «Индекс
/// образовательных результатов 2024»); `None` for a column it does not know.
pub fn column_label(id: &str) -> Option<String> {
    let fixed = match id {
        "school_id" => Some("Идентификатор школы"),
        "school_name" => Some("Школа"),
        "municipality" => Some("Муниципалитет"),
        "school_type" => Some("Тип"),
        "pool" => Some("Группа школ"),
        "excluded" => Some("Причина исключения"),
        "results_category" => Some("Категория по результатам"),
        "social_category" => Some("Категория по социальным условиям"),
        "resilient" => Some("Резильентная"),
        "context_resilient" => Some("Резильентная с учётом контекста"),
        "partners" => Some("Школы-партнёры"),
        _ => None,
    };
    if let Some(label) = fixed {
        return Some(label.to_string());
    }
    let (stem, year) = id.rsplit_once('_')?;
    let year: i32 = year.parse().ok()?;
    let label = match stem {
        "results_index" => "Индекс образовательных результатов",
        "results_band" => "Группа по результатам",
        "social_index" => "Индекс социальных условий",
        "social_band" => "Группа по социальным условиям",
        "weakest" => "Что снизило индекс в",
        "expected" => "Ожидаемый индекс результатов",
        "residual" => "Отклонение от ожидаемого",
        "context" => "Категория с учётом контекста",
        _ => return None,
    };
    Some(format!("{label} {year}"))
}

/// The words of a run for its tables: pools by their labels, schools by name, code and
/// municipality.
pub struct Words<'a> {
    r: &'a Identification,
    pools: HashMap<&'a str, &'a str>,
    schools: HashMap<&'a str, &'a SchoolResult>,
}

impl<'a> Words<'a> {
    pub fn of(r: &'a Identification) -> Self {
        Words {
            r,
            pools: r
                .params
                .pools
                .iter()
                .map(|p| (p.id.as_str(), p.label.as_str()))
                .collect(),
            schools: r
                .schools
                .iter()
                .map(|s| (s.school_id.as_str(), s))
                .collect(),
        }
    }

    /// A pool by its label («Средние школы»); a pool the parameters do not name, as written.
    pub fn pool(&self, id: &'a str) -> &'a str {
        self.pools.get(id).copied().unwrap_or(id)
    }

    /// The school's pool by its label; empty for an excluded school.
    pub fn pool_of(&self, s: &'a SchoolResult) -> &'a str {
        s.pool.as_deref().map_or("", |p| self.pool(p))
    }

    /// A school of the run as «Название (код, муниципалитет)» ([`table::school_cell`]); a
    /// code the run does not have, as it is.
    pub fn school(&self, id: &str) -> String {
        match self.schools.get(id) {
            Some(s) => table::school_cell(&s.school_name, &s.school_id, &s.municipality),
            None => id.to_string(),
        }
    }

    /// The suggested partners, each as [`Words::school`], separated by «; ».
    pub fn partners(&self, s: &SchoolResult) -> String {
        s.partners
            .iter()
            .map(|p| self.school(p))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Why the school is left out, as «исключена: <причина>» in the words of today's engine
    /// (a run stored by an earlier version may have named the type by its id); empty for a
    /// school that takes part.
    pub fn excluded(&self, s: &SchoolResult) -> String {
        let Some(stored) = s.excluded.as_deref() else {
            return String::new();
        };
        let reason = pool_or_exclusion(s.school_type, &self.r.params)
            .1
            .unwrap_or_else(|| stored.to_string());
        let reason = reason
            .strip_prefix("исключена из идентификации: ")
            .unwrap_or(&reason);
        format!("исключена: {reason}")
    }
}

/// The weakest components of a year by their seed wording, separated by «; ».
pub fn weakest_text(y: &super::output::YearResult) -> String {
    let method = super::method::method();
    y.weakest
        .ids()
        .map(|id| {
            method
                .result_component(id)
                .map_or_else(|| id.to_string(), |c| c.label.clone())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// «да» / «нет».
pub fn yes_no(b: bool) -> &'static str {
    if b {
        "да"
    } else {
        "нет"
    }
}

/// [`to_table`] for people: the same columns with Russian headers ([`column_label`]); the
/// type, pool, categories (their short words, as on the run page), bands («низкие»,
/// «неблагоприятные» …), context readings («выше ожидаемого» …) and weakest components in
/// words; the exclusion as «исключена: <причина>»; partners as «Название (код,
/// муниципалитет)»; indices read with [`table::INDEX`] decimals (rounded in CSV, in full in a
/// workbook).
pub fn russian_table(result: &Identification) -> Table {
    let words = Words::of(result);
    let mut w = TableWriter::new();
    for id in SCHOOL_COLUMNS {
        w.text(&column_label(id).unwrap_or_default());
    }
    for y in &result.years {
        for stem in YEAR_COLUMNS {
            w.text(&column_label(&format!("{stem}_{y}")).unwrap_or_default());
        }
    }
    w.end_line();
    let index = |w: &mut TableWriter, v: Option<f64>| {
        w.rounded(v, table::INDEX);
    };
    for s in &result.schools {
        w.text(&s.school_id)
            .text(&s.school_name)
            .text(&s.municipality)
            .text(s.school_type.label())
            .text(words.pool_of(s))
            .text(&words.excluded(s))
            .text(s.results_category.map_or("", |c| c.short()))
            .text(s.social_category.map_or("", |c| c.short()))
            .text(yes_no(s.resilient))
            .text(yes_no(s.context_resilient))
            .text(&words.partners(s));
        for y in &result.years {
            let yr = s.years.get(y);
            index(&mut w, yr.and_then(|v| v.results_index));
            w.text(yr.and_then(|v| v.results_band).map_or("", |b| b.label()));
            index(&mut w, yr.and_then(|v| v.social_index));
            w.text(yr.and_then(|v| v.social_band).map_or("", |b| b.label()));
            w.text(&yr.map(weakest_text).unwrap_or_default());
            index(&mut w, yr.and_then(|v| v.expected));
            index(&mut w, yr.and_then(|v| v.residual));
            w.text(
                yr.and_then(|v| v.context_category)
                    .map_or("", |c| c.label()),
            );
        }
        w.end_line();
    }
    w.finish()
}

/// [`russian_table`] as CSV for Excel.
pub fn russian_csv(result: &Identification) -> String {
    russian_table(result).to_csv()
}

/// The contextualised results' line of each pool-year: «Группа школ; Год; Школ; Наклон;
/// Свободный член; R²; Примечание» — the pool by its label, the number of schools with both
/// indices, the line's numbers read with [`table::INDEX`] decimals (as the context section
/// shows them), and why there is no line or no R².
pub fn context_fits_table(result: &Identification) -> Table {
    let words = Words::of(result);
    let mut w = TableWriter::new();
    for h in [
        "Группа школ",
        "Год",
        "Школ",
        "Наклон",
        "Свободный член",
        "R²",
        "Примечание",
    ] {
        w.text(h);
    }
    w.end_line();
    for f in &result.context.fits {
        w.text(words.pool(&f.pool))
            .number(Some(f64::from(f.year)))
            .number(Some(f.n as f64))
            .rounded(f.slope, table::INDEX)
            .rounded(f.intercept, table::INDEX)
            .rounded(f.r2, table::INDEX)
            .text(f.note.as_deref().unwrap_or(""));
        w.end_line();
    }
    w.finish()
}

/// [`context_fits_table`] as CSV for Excel.
pub fn context_fits_csv(result: &Identification) -> String {
    context_fits_table(result).to_csv()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::demo::{region, DemoSpec};
    use crate::domain::method::identify::{identify, Params};
    use crate::domain::tables::table::Cell;

    /// A number as the screen shows an index.
    fn num3(v: f64) -> String {
        crate::domain::common::format::rounded_decimal_comma(v, 3)
    }

    fn lines(csv: &str) -> Vec<Vec<String>> {
        csv.trim_start_matches('\u{feff}')
            .lines()
            .map(|l| l.split(';').map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn the_school_csv_has_the_context_columns_and_the_fits_csv_one_line_per_pool_year() {
        let rows = region(&DemoSpec {
            schools: 40,
            municipalities: 3,
            ..DemoSpec::default()
        });
        let r = identify(&rows, &Params::default()).unwrap();
        let t = lines(&to_csv(&r));
        let header = &t[0];
        assert_eq!(header.len(), 11 + 8 * r.years.len());
        let y = r.years[r.years.len() - 1];
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let (e, res, c, cr) = (
            col(&format!("expected_{y}")),
            col(&format!("residual_{y}")),
            col(&format!("context_{y}")),
            col("context_resilient"),
        );
        for (s, line) in r.schools.iter().zip(&t[1..]) {
            assert_eq!(line.len(), header.len(), "{line:?}");
            let yr = s.years.get(&y);
            let cat = yr.and_then(|v| v.context_category).map_or("", |c| c.id());
            assert_eq!(line[c], cat);
            assert_eq!(line[e].is_empty(), yr.and_then(|v| v.expected).is_none());
            assert_eq!(line[res].is_empty(), yr.and_then(|v| v.residual).is_none());
            assert_eq!(
                line[cr],
                if s.context_resilient {
                    "да"
                } else {
                    "нет"
                }
            );
        }
        assert!(t[1..].iter().any(|l| l[c] == "above"));

        let f = lines(&context_fits_csv(&r));
        assert_eq!(
            f[0],
            [
                "Группа школ",
                "Год",
                "Школ",
                "Наклон",
                "Свободный член",
                "R²",
                "Примечание"
            ]
        );
        assert_eq!(f.len(), 1 + r.context.fits.len());
        let words = Words::of(&r);
        for (fit, line) in r.context.fits.iter().zip(&f[1..]) {
            assert_eq!(line[0], words.pool(&fit.pool));
            assert_ne!(line[0], fit.pool, "the pool by its label");
            assert_eq!(line[1], fit.year.to_string());
            assert_eq!(line[2], fit.n.to_string());
            assert_eq!(line[3].is_empty(), fit.slope.is_none());
            assert_eq!(line[3], fit.slope.map_or(String::new(), num3));
        }
    }

    #[test]
    fn the_russian_table_is_the_contract_table_in_the_screens_words() {
        let rows = region(&DemoSpec {
            schools: 60,
            municipalities: 3,
            ..DemoSpec::default()
        });
        let r = identify(&rows, &Params::default()).unwrap();
        let machine = to_table(&r);
        let t = russian_table(&r);
        assert_eq!(t.rows.len(), machine.rows.len());
        assert_eq!(t.width(), machine.width());
        // Every header is the machine column's Russian label.
        for (m, h) in machine.header().iter().zip(t.header()) {
            let (Cell::Text(id), Cell::Text(label)) = (m, h) else {
                panic!("{m:?} {h:?}")
            };
            assert_eq!(Some(label.clone()), column_label(id));
        }
        let col = |id: &str| {
            machine
                .header()
                .iter()
                .position(|c| *c == Cell::Text(id.into()))
                .unwrap()
        };
        let y = *r.years.last().unwrap();
        let text = |c: &Cell| match c {
            Cell::Text(s) => s.clone(),
            Cell::Empty => String::new(),
            other => panic!("{other:?}"),
        };
        let (mut excluded, mut partnered, mut indexed) = (0, 0, 0);
        for (s, row) in r.schools.iter().zip(&t.rows[1..]) {
            assert_eq!(text(&row[col("school_type")]), s.school_type.label());
            assert_eq!(
                text(&row[col("results_category")]),
                s.results_category.map_or("", |c| c.short())
            );
            assert_eq!(
                text(&row[col("social_category")]),
                s.social_category.map_or("", |c| c.short())
            );
            let yr = s.years.get(&y);
            assert_eq!(
                text(&row[col(&format!("results_band_{y}"))]),
                yr.and_then(|v| v.results_band).map_or("", |b| b.label())
            );
            assert_eq!(
                text(&row[col(&format!("context_{y}"))]),
                yr.and_then(|v| v.context_category)
                    .map_or("", |c| c.label())
            );
            // Indices: the full value, read with three decimals.
            match yr.and_then(|v| v.results_index) {
                Some(v) => {
                    assert_eq!(row[col(&format!("results_index_{y}"))], Cell::Rounded(v, 3));
                    indexed += 1;
                }
                None => assert_eq!(row[col(&format!("results_index_{y}"))], Cell::Empty),
            }
            if let Some(reason) = &s.excluded {
                let shown = text(&row[col("excluded")]);
                assert!(shown.starts_with("исключена: "), "{shown}");
                assert!(
                    reason.ends_with(shown.trim_start_matches("исключена: ")),
                    "{reason} / {shown}"
                );
                assert_eq!(text(&row[col("pool")]), "");
                excluded += 1;
            } else {
                let pool = s.pool.as_deref().unwrap();
                let label = &r
                    .params
                    .pools
                    .iter()
                    .find(|p| *p.id == *pool)
                    .unwrap()
                    .label;
                assert_eq!(text(&row[col("pool")]), *label);
            }
            if let Some(first) = s.partners.first() {
                let p = r.school(first).unwrap();
                let shown = text(&row[col("partners")]);
                assert!(
                    shown.starts_with(&format!(
                        "{} ({}, {})",
                        p.school_name, p.school_id, p.municipality
                    )),
                    "{shown}"
                );
                assert_eq!(shown.split("; ").count(), s.partners.len());
                partnered += 1;
            }
        }
        assert!(excluded > 0 && partnered > 0 && indexed > 0);
        // The CSV: three decimals, a decimal comma.
        // Cells with «; » inside (partners, weakest components) are quoted.
        let csv: Vec<Vec<String>> = ::csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(russian_csv(&r).trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|l| l.unwrap().iter().map(str::to_string).collect())
            .collect();
        let at = col(&format!("results_index_{y}"));
        let (s, line) = r
            .schools
            .iter()
            .zip(&csv[1..])
            .find(|(s, _)| s.years.get(&y).and_then(|v| v.results_index).is_some())
            .unwrap();
        let v = s.years[&y].results_index.unwrap();
        assert_eq!(line[at], num3(v));
        assert!(line[at].split(',').nth(1).is_none_or(|d| d.len() <= 3));
    }
}
