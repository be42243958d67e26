//! The chance estimate as a table: the CSV and the workbook sheet «Вероятности».

use super::{Chance, ChanceList, SchoolChance};
use crate::domain::tables::table::{Table, TableWriter, PERCENT};

/// One line per school of the run (by municipality, then name): its categories, its
/// probability of each list in per cent of the replicates, its group in each list it is in or
/// near, its small cohorts and the indicator that drives its uncertainty.
pub fn chance_table(c: &Chance) -> Table {
    let mut w = TableWriter::new();
    for h in [
        "Школа",
        "Муниципалитет",
        "Категория по результатам",
        "Категория по социальным условиям",
        "ШНРО, % повторов",
        "Группа риска, % повторов",
        "Стабильно высокие, % повторов",
        "ШНСУ, % повторов",
        "Надёжность категории",
        "Малочисленные группы",
        "Больше всего неопределённости даёт",
    ] {
        w.text(h);
    }
    w.end_line();
    let mut schools: Vec<&SchoolChance> = c.schools.iter().collect();
    schools.sort_by(|a, b| {
        (
            a.municipality.as_str(),
            a.school_name.as_str(),
            a.school_id.as_str(),
        )
            .cmp(&(
                b.municipality.as_str(),
                b.school_name.as_str(),
                b.school_id.as_str(),
            ))
    });
    for s in schools {
        w.text(&s.school_name)
            .text(&s.municipality)
            .text(s.results_category.short())
            .text(s.social_category.short());
        for p in s.probabilities {
            w.rounded(Some(p * 100.0), PERCENT);
        }
        let groups: Vec<String> = ChanceList::ALL
            .into_iter()
            .filter_map(|list| {
                let g = s.certainty(list, &c.options)?;
                Some(format!("{}: {}", list.label(), g.label()))
            })
            .collect();
        w.text(&groups.join("; "));
        let small: Vec<String> = s.small.iter().map(|m| m.words()).collect();
        w.text(&small.join("; "));
        let drivers: Vec<String> = s.drivers.iter().map(|d| d.words()).collect();
        w.text(&drivers.join("; "));
        w.end_line();
    }
    w.finish()
}
