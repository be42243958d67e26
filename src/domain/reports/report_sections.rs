//! The report's sections that come from outside the run: the summary of the municipal
//! monitoring of self-assessments, the figures of the support project and, when it was made,
//! the chance estimate of the categories. [`crate::domain::reports::report`]
//! places them before the recommendations.

use crate::domain::common::format::{count, pct, percent, points_change, thousands};
use crate::domain::method::identify::chance::{Certainty, Chance, ChanceList};
use crate::domain::reports::monitoring::{depth_note, MonitoringTable};
use crate::domain::reports::report::{ReportTable, Section};
use crate::domain::support::ProjectFigures;

pub const MONITORING: &str = "monitoring";
pub const FIGURES: &str = "figures";
pub const CHANCE: &str = "chance";

/// The monitoring summary for one municipality (`None` — all): coverage by year, and per
/// indicator the share of schools meeting it in the latest year with its change; the
/// `weakest` indicators with the lowest shares are named in a paragraph.
pub fn monitoring_section(
    t: &MonitoringTable,
    municipality: Option<&str>,
    weakest: usize,
) -> Section {
    let mut s = Section {
        id: MONITORING.into(),
        heading: "Муниципальный мониторинг по самооценкам школ".into(),
        ..Section::default()
    };
    let Some(g) = t.group(municipality) else {
        s.paragraphs
            .push("Самооценки школ этого муниципалитета не поступали.".into());
        return s;
    };
    if t.years.is_empty() {
        s.paragraphs
            .push("Самооценки школ не поступали: мониторинг не проводился.".into());
        return s;
    }
    let coverage: Vec<String> = g
        .coverage
        .iter()
        .map(|c| {
            format!(
                "{} год — {} из {} ({})",
                c.year,
                c.assessed,
                c.schools,
                c.share.map_or("—".into(), percent)
            )
        })
        .collect();
    s.paragraphs.push(format!(
        "Охват самооценкой (школ с самооценкой из всех школ): {}.",
        coverage.join("; ")
    ));
    if let Some(n) = depth_note(t) {
        s.paragraphs.push(n);
    }
    let last = t.years.len() - 1;
    let mut rows: Vec<(Option<f64>, Vec<String>)> = t
        .items
        .iter()
        .zip(&g.cells)
        .filter_map(|(item, cells)| {
            let c = cells.get(last)?;
            (c.classified > 0).then(|| {
                (
                    c.share,
                    vec![
                        format!("{} {}", item.id, item.text),
                        c.classified.to_string(),
                        c.meeting.to_string(),
                        c.share.map_or("—".into(), percent),
                        c.change_pp.map_or("—".into(), points_change),
                    ],
                )
            })
        })
        .collect();
    let mut low: Vec<&(Option<f64>, Vec<String>)> = rows.iter().filter(|r| r.0.is_some()).collect();
    low.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    let named: Vec<String> = low
        .iter()
        .take(weakest)
        .map(|r| format!("{} ({})", r.1[0], r.1[3]))
        .collect();
    if !named.is_empty() {
        s.paragraphs.push(format!(
            "Меньше всего школ соответствуют показателям: {}.",
            named.join("; ")
        ));
    }
    let year = t.years[last];
    s.tables.push(ReportTable {
        caption: format!(
            "Доля школ, соответствующих показателю, {year} год ({})",
            g.municipality
        ),
        header: vec![
            "Показатель".into(),
            "Ответ оценивается".into(),
            "Соответствуют".into(),
            "Доля".into(),
            "Изменение к прошлому году".into(),
        ],
        rows: rows.drain(..).map(|r| r.1).collect(),
        numeric: vec![false, true, true, true, true],
    });
    s
}

/// The project's figures for the year, as a table.
pub fn figures_section(f: &ProjectFigures, reading: &str) -> Section {
    let rows = f
        .figures()
        .into_iter()
        .map(|x| {
            vec![
                x.label.clone(),
                x.count.to_string(),
                x.of.map_or("—".into(), |n| n.to_string()),
                x.percent().map_or("—".into(), percent),
            ]
        })
        .collect();
    Section {
        id: FIGURES.into(),
        heading: format!("Показатели проекта «Эффективная школа», {} год", f.year),
        paragraphs: vec![reading.to_string()],
        tables: vec![ReportTable {
            caption: "Показатели по данным, хранящимся в Шкале".into(),
            header: vec![
                "Показатель".into(),
                "Число".into(),
                "Из".into(),
                "Доля".into(),
            ],
            rows,
            numeric: vec![false, true, true, true],
        }],
        ..Section::default()
    }
}

/// How sure the categories are, in a short paragraph: how the replicates were made, the
/// «уверенные ШНРО» among the ШНРО of the scope (`municipality`, `None` — all), the other
/// groups, the schools on the edge, the small cohorts, the shares kept fixed.
pub fn chance_section(c: &Chance, municipality: Option<&str>) -> Section {
    let o = &c.options;
    let here = |s: &&crate::domain::method::identify::chance::SchoolChance| {
        municipality.is_none_or(|m| s.municipality == m)
    };
    let in_group = |g: Certainty| {
        c.group(ChanceList::Low, g)
            .into_iter()
            .filter(|s| here(s))
            .count()
    };
    let low = c
        .schools
        .iter()
        .filter(here)
        .filter(|s| s.in_base(ChanceList::Low))
        .count();
    let small = c
        .schools
        .iter()
        .filter(here)
        .filter(|s| !s.small.is_empty())
        .count();
    let method = format!(
        "Доли каждой школы за каждый год разыграны заново {} в пределах, которые допускает численность участников (обучающихся): из k случаев на n человек — по апостериорному распределению Джеффриса Beta(k + ½, n − k + ½); при каждом повторе методика применена заново ко всему региону. Вероятность категории — доля повторов, в которых школа попадает в список (зерно генератора {}).",
        count(o.replicates, "раз", "раза", "раз"),
        o.seed
    );
    let mut result = format!(
        "Уверенные ШНРО (в списке не менее чем в {} повторов): {} из {}; вероятные ({}–{}): {}; под сомнением (менее {}): {}; на грани (вне списка, но в нём не менее чем в {} повторов): {}.",
        pct(o.confident),
        thousands(in_group(Certainty::Confident)),
        thousands(low),
        pct(o.probable),
        pct(o.confident),
        thousands(in_group(Certainty::Probable)),
        pct(o.probable),
        thousands(in_group(Certainty::Doubtful)),
        pct(o.edge),
        thousands(in_group(Certainty::Edge)),
    );
    result.push_str(&format!(
        " Школ, малочисленных (менее {}) или без указанной численности хотя бы по одному показателю: {}.",
        count(o.min_cohort as usize, "участника", "участников", "участников"),
        thousands(small)
    ));
    if c.fixed_shares > 0 {
        result.push_str(&format!(
            " Доли без указанной численности оставлены без изменения: {}.",
            thousands(c.fixed_shares)
        ));
    }
    Section {
        id: CHANCE.into(),
        heading: "Надёжность категорий: малочисленные группы и случайность".into(),
        paragraphs: vec![method, result],
        ..Section::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contract::row::SchoolType;
    use crate::domain::exchange::records::{SchoolDocuments, SchoolIdentity};
    use crate::domain::reports::monitoring::monitoring_table;
    use crate::domain::school::self_assessment::{
        questionnaire, Answer, AnswerValue, SelfAssessment,
    };

    fn school(id: &str, muni: &str) -> SchoolIdentity {
        SchoolIdentity {
            school_id: id.into(),
            school_name: format!("Школа {id}"),
            municipality: muni.into(),
            school_type: SchoolType::Secondary,
        }
    }

    #[test]
    fn the_monitoring_section_names_coverage_and_the_weakest_indicator() {
        let q = questionnaire();
        let item = q
            .items
            .iter()
            .find(|i| i.polarity == crate::domain::school::self_assessment::Polarity::YesGood)
            .expect("a yes/no item where «да» is good");
        let mut sa = SelfAssessment::new("A", 2025);
        sa.answers
            .insert(item.id.clone(), Answer::new(AnswerValue::No));
        let docs = SchoolDocuments {
            self_assessments: vec![sa],
            programme: None,
        };
        let none = SchoolDocuments::default();
        let list = vec![(school("A", "Север"), &docs), (school("B", "Север"), &none)];
        let t = monitoring_table(&list);
        let s = monitoring_section(&t, Some("Север"), 3);
        assert_eq!(s.id, MONITORING);
        assert!(
            s.paragraphs[0].contains("2025 год — 1 из 2 (50 %)"),
            "{:?}",
            s.paragraphs
        );
        assert!(
            s.paragraphs
                .iter()
                .any(|p| p.contains("глубин") || p.contains("3 лет")),
            "{:?}",
            s.paragraphs
        );
        let table = &s.tables[0];
        let line = table
            .rows
            .iter()
            .find(|r| r[0].starts_with(&item.id))
            .expect("the item's line");
        assert_eq!(line[3], "0 %");
        assert!(s.paragraphs.iter().any(|p| p.contains(&item.id)));
        // An unknown municipality says so.
        let other = monitoring_section(&t, Some("Юг"), 3);
        assert!(other.tables.is_empty());
    }

    #[test]
    fn the_figures_section_lists_every_figure() {
        let f = ProjectFigures {
            year: 2026,
            participants: 4,
            agreements: 3,
            municipalities: 2,
            municipalities_with_measures: 1,
            ..ProjectFigures::default()
        };
        let s = figures_section(&f, "чтение");
        assert_eq!(s.id, FIGURES);
        assert_eq!(s.tables[0].rows.len(), f.figures().len());
        let agreements = s.tables[0]
            .rows
            .iter()
            .find(|r| r[0].contains("договоры"))
            .expect("agreements");
        assert_eq!(
            agreements[1..],
            ["3".to_string(), "4".into(), "75 %".into()]
        );
    }

    #[test]
    fn the_chance_section_counts_the_confident_low_schools_of_its_scope() {
        use crate::domain::demo::{region, DemoSpec};
        use crate::domain::method::identify::chance::{chance, ChanceOptions};
        use crate::domain::method::identify::Params;
        let rows = region(&DemoSpec::default());
        let options = ChanceOptions {
            replicates: 40,
            ..ChanceOptions::default()
        };
        let c = chance(&rows, &Params::default(), &options, &mut |_, _| {}, &|| {
            false
        })
        .unwrap();
        let all = chance_section(&c, None);
        assert_eq!(all.id, CHANCE);
        let confident = c.confident(ChanceList::Low);
        let low = c
            .schools
            .iter()
            .filter(|s| s.in_base(ChanceList::Low))
            .count();
        assert!(
            all.paragraphs[1].starts_with(&format!(
                "Уверенные ШНРО (в списке не менее чем в 90 % повторов): {confident} из {low};"
            )),
            "{}",
            all.paragraphs[1]
        );
        assert!(all.paragraphs[0].contains("разыграны заново 40 раз"));
        // One municipality: its own schools only.
        let m = c.schools[0].municipality.clone();
        let here = c
            .schools
            .iter()
            .filter(|s| s.municipality == m && s.in_base(ChanceList::Low))
            .count();
        let one = chance_section(&c, Some(&m));
        assert!(
            one.paragraphs[1].contains(&format!(" из {here};")),
            "{}",
            one.paragraphs[1]
        );
    }
}
