//! The identification result per school, as CSV for Excel (`--format csv`).

use super::output::Identification;
use crate::domain::csv_write::CsvWriter;

pub fn to_csv(result: &Identification) -> String {
    let mut w = CsvWriter::new();
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
        ] {
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
        w.text(if s.resilient { "да" } else { "нет" });
        w.text(&s.partners.join(", "));
        for y in &result.years {
            match s.years.get(y) {
                Some(yr) => {
                    w.number(yr.results_index);
                    w.text(yr.results_band.map(|b| b.id()).unwrap_or(""));
                    w.number(yr.social_index);
                    w.text(yr.social_band.map(|b| b.id()).unwrap_or(""));
                    w.text(&yr.weakest.ids().collect::<Vec<_>>().join(", "));
                }
                None => {
                    w.number(None).text("").number(None).text("").text("");
                }
            }
        }
        w.end_line();
    }
    w.finish()
}
