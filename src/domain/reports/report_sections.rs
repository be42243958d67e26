//! The report's sections that come from outside the run: the summary of the municipal
//! monitoring of self-assessments, the monitoring of the schools' programmes, the figures of
//! the support project and, when it was made, the chance estimate of the categories. [`crate::domain::reports::report`]
//! places them before the recommendations.

use crate::domain::common::format::{count, pct, percent, thousands};
use crate::domain::common::time::date_ru;
use crate::domain::method::identify::chance::{Certainty, Chance, ChanceList};
use crate::domain::reports::monitoring::{
    change_words, depth_note, numbers_change_words, numbers_words, percent_words, share_words,
    MonitoringTable, ProgrammeDetail,
};
use crate::domain::reports::report::{ReportTable, Section};
use crate::domain::support::ProjectFigures;
use crate::domain::tables::table::school_cell;

pub const MONITORING: &str = "monitoring";
pub const FIGURES: &str = "figures";
pub const CHANCE: &str = "chance";
pub const PROGRAMMES: &str = "programmes";

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
                percent_words(c.share)
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
    // The same words as the screen's table ([`share_words`], [`change_words`]): one rounding
    // for both. Items phrased as met, so that a share reads the right way.
    let mut rows: Vec<(Option<f64>, Vec<String>)> = t
        .items
        .iter()
        .zip(&g.cells)
        .filter_map(|(item, cells)| {
            let c = cells.get(last)?;
            let name = format!("{} {}", item.id, item.met);
            let unanswered = c.unanswered.to_string();
            if c.classified > 0 {
                Some((
                    c.share,
                    vec![
                        name,
                        share_words(c),
                        unanswered,
                        change_words(c.change_pp).unwrap_or_else(|| "—".into()),
                    ],
                ))
            } else {
                let n = c.numbers.as_ref()?;
                Some((
                    None,
                    vec![
                        name,
                        numbers_words(n, &item.unit),
                        unanswered,
                        numbers_change_words(n, &item.unit).unwrap_or_else(|| "—".into()),
                    ],
                ))
            }
        })
        .collect();
    let mut low: Vec<&(Option<f64>, Vec<String>)> = rows.iter().filter(|r| r.0.is_some()).collect();
    low.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    let named: Vec<String> = low
        .iter()
        .take(weakest)
        .map(|r| format!("{} ({})", r.1[0], r.1[1]))
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
            "Доля школ, соответствующих показателю, {year} год ({}): из школ, чей ответ «да» или «нет» оценивается; «не знаю» и пропуски — «без ответа», в долю не входят. Для числовых показателей — медиана, размах и число ответов (n)",
            g.municipality
        ),
        header: vec![
            "Показатель".into(),
            "Соответствуют (из оцениваемых ответов)".into(),
            "Без ответа".into(),
            "Изменение к прошлому году".into(),
        ],
        rows: rows.drain(..).map(|r| r.1).collect(),
        numeric: vec![false, true, true, true],
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

/// The programme monitoring for one municipality (`None` — all), seed 001: «Проведение
/// мониторингов реализации … программ … (входного, промежуточного, итогового)». How many
/// programmes came in the schools' files, how many have a late checkpoint, a target off
/// target, overdue measures; a table of the targets off target or late with their entry,
/// interim and final values, and a table of the overdue measures by name. `today` (ISO) is
/// the date the states are read at, named in the first paragraph.
pub fn programme_section(
    details: &[ProgrammeDetail],
    municipality: Option<&str>,
    today: &str,
) -> Section {
    let mut s = Section {
        id: PROGRAMMES.into(),
        heading: "Мониторинг программ повышения качества образования".into(),
        ..Section::default()
    };
    let here: Vec<&ProgrammeDetail> = details
        .iter()
        .filter(|d| municipality.is_none_or(|m| d.identity.municipality == m))
        .collect();
    if here.is_empty() {
        s.paragraphs.push(
            "Программы повышения качества образования в файлах школ не поступали: мониторинг \
             программ (входной, промежуточный, итоговый замеры) не проводился."
                .into(),
        );
        return s;
    }
    let late = here.iter().filter(|d| d.late()).count();
    let off = here.iter().filter(|d| d.off_target()).count();
    let with_overdue = here.iter().filter(|d| !d.overdue.is_empty()).count();
    let overdue: usize = here.iter().map(|d| d.overdue.len()).sum();
    let targets: usize = here.iter().map(|d| d.targets.len()).sum();
    s.paragraphs.push(format!(
        "По файлам школ на {}: {} ({}); с просроченными замерами — {}; с отклонением от цели — {}; \
         с просроченными мероприятиями — {} (мероприятий: {}). Состояние цели определяется по \
         входному, промежуточному и итоговому замерам: достигнута — по итоговому замеру; \
         отклонение — итоговый замер не достигает цели или промежуточный дальше от цели, чем \
         входной; просрочен замер — год достижения прошёл без итогового (или промежуточного) \
         замера.",
        date_ru(today),
        count(here.len(), "программа", "программы", "программ"),
        count(targets, "цель", "цели", "целей"),
        thousands(late),
        thousands(off),
        thousands(with_overdue),
        thousands(overdue),
    ));
    let school = |d: &ProgrammeDetail| {
        school_cell(
            &d.identity.school_name,
            &d.identity.school_id,
            if municipality.is_some() {
                ""
            } else {
                &d.identity.municipality
            },
        )
    };
    let flagged: Vec<Vec<String>> = here
        .iter()
        .flat_map(|d| {
            d.flagged().map(move |t| {
                vec![
                    school(d),
                    t.name.clone(),
                    t.entry.text(),
                    t.interim.text(),
                    t.final_.text(),
                    format!("{} ({})", t.target_shown, t.year_text()),
                    format!("{}: {}", t.state.label(), t.note),
                ]
            })
        })
        .collect();
    if flagged.is_empty() {
        s.paragraphs
            .push("Целей с отклонением или просроченным замером нет.".into());
    } else {
        s.tables.push(ReportTable {
            caption: "Цели с отклонением или просроченным замером".into(),
            header: vec![
                "Школа".into(),
                "Показатель".into(),
                "Входной замер".into(),
                "Промежуточный замер".into(),
                "Итоговый замер".into(),
                "Цель (год)".into(),
                "Состояние".into(),
            ],
            rows: flagged,
            numeric: vec![false; 7],
        });
    }
    let measures: Vec<Vec<String>> = here
        .iter()
        .flat_map(|d| {
            d.overdue.iter().map(move |m| {
                vec![
                    school(d),
                    m.text.clone(),
                    m.due.clone(),
                    if m.responsible.is_empty() {
                        "—".to_string()
                    } else {
                        m.responsible.clone()
                    },
                ]
            })
        })
        .collect();
    if measures.is_empty() {
        s.paragraphs.push("Просроченных мероприятий нет.".into());
    } else {
        s.tables.push(ReportTable {
            caption: "Просроченные мероприятия".into(),
            header: vec![
                "Школа".into(),
                "Мероприятие".into(),
                "Срок".into(),
                "Ответственный".into(),
            ],
            rows: measures,
            numeric: vec![false; 4],
        });
    }
    s
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
        assert_eq!(line[1], "0 % (0 из 1)");
        assert!(s.paragraphs.iter().any(|p| p.contains(&item.id)));
        // An unknown municipality says so.
        let other = monitoring_section(&t, Some("Юг"), 3);
        assert!(other.tables.is_empty());
    }

    #[test]
    fn the_monitoring_section_reads_a_negative_item_as_met_and_gives_bases_and_numbers() {
        // 5.1.11 «Наличие признаков необъективности…» is good when «нет»: two schools answer
        // «нет», one does not answer. The справка says «Нет признаков…: 100 % (2 из 2)», one
        // without an answer; the numeric 5.1.14 gets its median and range.
        let with = |id: &str, list: &[(&str, AnswerValue)]| {
            let mut sa = SelfAssessment::new(id, 2025);
            for (item, v) in list {
                sa.answers.insert((*item).into(), Answer::new(*v));
            }
            SchoolDocuments {
                self_assessments: vec![sa],
                programme: None,
            }
        };
        let a = with(
            "A",
            &[
                ("5.1.11", AnswerValue::No),
                ("5.1.14", AnswerValue::Number(10.0)),
            ],
        );
        let b = with(
            "B",
            &[
                ("5.1.11", AnswerValue::No),
                ("5.1.14", AnswerValue::Number(30.0)),
            ],
        );
        let c = with("C", &[("5.1.14", AnswerValue::Number(14.5))]);
        let list = vec![
            (school("A", "Север"), &a),
            (school("B", "Север"), &b),
            (school("C", "Север"), &c),
        ];
        let s = monitoring_section(&monitoring_table(&list), None, 3);
        let table = &s.tables[0];
        let row = |id: &str| {
            table
                .rows
                .iter()
                .find(|r| r[0].starts_with(id))
                .unwrap_or_else(|| panic!("{id}: {:?}", table.rows))
                .clone()
        };
        assert_eq!(
            row("5.1.11"),
            [
                "5.1.11 Нет признаков необъективности результатов ВПР в ОО",
                "100 % (2 из 2)",
                "1",
                "—"
            ]
        );
        assert_eq!(
            row("5.1.14")[1],
            "медиана 14,5 на 100 обучающихся (от 10 до 30 на 100 обучающихся, n = 3)"
        );
        // One municipality: the section names it, not «Все муниципалитеты».
        assert!(table.caption.contains("(Север)"), "{}", table.caption);
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

    #[test]
    fn the_programme_section_counts_and_names_the_late_targets_and_measures() {
        use crate::domain::reports::monitoring::{programme_details, TargetState};
        use crate::domain::school::programme::{Better, Checkpoint, Measure, Programme, Target};
        let point = |value: Option<f64>, date: &str| Checkpoint {
            value,
            date: date.into(),
        };
        // Off target: the final value 10 % does not reach 5 %.
        let off = Target {
            label: "Доля «2» на ОГЭ по русскому языку".into(),
            unit: "%".into(),
            better: Better::Lower,
            baseline: Some(9.0),
            target: Some(5.0),
            target_year: Some(2025),
            entry: point(Some(9.0), "2024-09-15"),
            interim: point(Some(11.0), "2025-01-20"),
            final_: point(Some(10.0), "2025-06-10"),
            ..Target::default()
        };
        // Reached: not in the table.
        let reached = Target {
            label: "Доля «2» на ОГЭ по математике".into(),
            final_: point(Some(4.0), "2025-06-10"),
            ..off.clone()
        };
        // Late: the target year 2024 passed without a final value.
        let late = Target {
            target_year: Some(2024),
            interim: Checkpoint::default(),
            final_: Checkpoint::default(),
            ..off.clone()
        };
        let north = SchoolDocuments {
            self_assessments: Vec::new(),
            programme: Some(Programme {
                basis: "ШНРО".into(),
                targets: vec![reached, off],
                measures: vec![Measure {
                    text: "Консультации для девятиклассников".into(),
                    due: "2025-05-31".into(),
                    responsible: "Завуч".into(),
                    ..Measure::default()
                }],
                ..Programme::default()
            }),
        };
        let south = SchoolDocuments {
            self_assessments: Vec::new(),
            programme: Some(Programme {
                basis: "Решение школы".into(),
                targets: vec![late],
                ..Programme::default()
            }),
        };
        let list = vec![(school("A", "Север"), &north), (school("B", "Юг"), &south)];
        let details = programme_details(&list, "2026-03-01");
        assert_eq!(details[1].targets[0].state, TargetState::Late);

        let all = programme_section(&details, None, "2026-03-01");
        assert_eq!(all.id, PROGRAMMES);
        assert_eq!(
            all.heading,
            "Мониторинг программ повышения качества образования"
        );
        assert!(
            all.paragraphs[0].starts_with(
                "По файлам школ на 01.03.2026: 2 программы (3 цели); с просроченными замерами — 1; \
                 с отклонением от цели — 1; с просроченными мероприятиями — 1 (мероприятий: 1)."
            ),
            "{}",
            all.paragraphs[0]
        );
        let targets = &all.tables[0];
        assert_eq!(
            targets.caption,
            "Цели с отклонением или просроченным замером"
        );
        assert_eq!(
            targets.rows[0],
            [
                "Школа A (A, Север)",
                "Доля «2» на ОГЭ по русскому языку, %",
                "9 % (15.09.2024)",
                "11 % (20.01.2025)",
                "10 % (10.06.2025)",
                "5 % (2025 год)",
                "отклонение от цели: итоговый замер 10 % не достигает цели 5 %",
            ]
        );
        assert!(targets.rows[1][6].starts_with("просрочен замер: "));
        assert_eq!(targets.rows.len(), 2);
        let measures = &all.tables[1];
        assert_eq!(
            measures.rows,
            [[
                "Школа A (A, Север)",
                "Консультации для девятиклассников",
                "31.05.2025",
                "Завуч"
            ]]
        );

        // One municipality: its own programmes, the school without the municipality's name.
        let south_only = programme_section(&details, Some("Юг"), "2026-03-01");
        assert!(south_only.paragraphs[0].contains("1 программа (1 цель)"));
        assert_eq!(south_only.tables.len(), 1);
        assert_eq!(south_only.tables[0].rows[0][0], "Школа B (B)");
        assert!(south_only
            .paragraphs
            .iter()
            .any(|p| p == "Просроченных мероприятий нет."));
        // No programme: said so, no table.
        let none = programme_section(&details, Some("Запад"), "2026-03-01");
        assert!(none.tables.is_empty());
        assert!(none.paragraphs[0].contains("не поступали"));
    }
}
