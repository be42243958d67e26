//! The identification result per school, as CSV for Excel (`--format csv`), and the
//! contextualised results' lines per pool-year.

use super::output::Identification;
use crate::domain::table::{Table, TableWriter};

pub fn to_table(result: &Identification) -> Table {
    let mut w = TableWriter::new();
    for h in [
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
    ] {
        w.text(h);
    }
    for y in &result.years {
        for h in [
            "results_index",
            "results_band",
            "social_index",
            "social_band",
            "weakest",
            "expected",
            "residual",
            "context",
        ] {
            w.text(&format!("{h}_{y}"));
        }
    }
    w.end_line();
    let yes_no = |b: bool| if b { "да" } else { "нет" };
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

/// The contextualised results' line of each pool-year: pool, year, number of schools with
/// both indices, slope, intercept, R² and why there is no line or no R².
pub fn context_fits_table(result: &Identification) -> Table {
    let mut w = TableWriter::new();
    for h in ["pool", "year", "n", "slope", "intercept", "r2", "note"] {
        w.text(h);
    }
    w.end_line();
    for f in &result.context.fits {
        w.text(&f.pool)
            .number(Some(f64::from(f.year)))
            .number(Some(f.n as f64))
            .number(f.slope)
            .number(f.intercept)
            .number(f.r2)
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
    use crate::domain::identify::{identify, Params};

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
            ["pool", "year", "n", "slope", "intercept", "r2", "note"]
        );
        assert_eq!(f.len(), 1 + r.context.fits.len());
        for (fit, line) in r.context.fits.iter().zip(&f[1..]) {
            assert_eq!(line[0], fit.pool);
            assert_eq!(line[1], fit.year.to_string());
            assert_eq!(line[2], fit.n.to_string());
            assert_eq!(line[3].is_empty(), fit.slope.is_none());
        }
    }
}
