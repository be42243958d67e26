//! The identification result as one Excel workbook (`shkala identify --format xlsx`).
//!
//! Sheets, in order: one per list of the run page ([`LISTS`]: ШНРО, «группа риска»,
//! стабильно высокие, ШНСУ, резильентные, недостаточно данных — each the list's CSV,
//! [`analysis::school_list_table`], for the last year of the window); «Все школы» (the
//! per-school table of `--format csv`, [`identify::csv::to_table`], its values unchanged and
//! its header in Russian); «По муниципалитетам» ([`analysis::municipalities_table`]);
//! «Параметры» (every parameter of the run with its value, the method's value and wording,
//! from `src/data/parameters.json`, then the window's years and the method in one paragraph);
//! «Региональные средние» (the means behind the gap flags); then the caller's sheets.
//!
//! It lives outside `identify` because it reads `analysis` and `report`, which read `identify`.

use super::analysis;
use super::csv_write::decimal_comma;
use super::identify::params::{parameter_texts, SocialRule};
use super::identify::robustness::{robust_low_table, robustness_table, Robustness};
use super::identify::{
    self, Identification, Params, ResultsCategory, SchoolResult, SocialCategory,
};
use super::report::method_paragraph;
use super::row::SchoolType;
use super::schema::schema;
use super::table::{Cell, Table, TableWriter};
use super::xlsx_write::{sheets, workbook, Sheet};

/// A list of schools of a run: its sheet's name, its title on the run page, which schools.
#[derive(Clone, Copy)]
pub struct List {
    pub sheet: &'static str,
    pub title: &'static str,
    pub filter: fn(&SchoolResult) -> bool,
}

/// The sheet of the seed's resilient schools (the run page puts the contextualised reading's
/// list right after it).
pub const RESILIENT: &str = "Резильентные";

/// The run page's lists, in its order.
pub const LISTS: [List; 6] = [
    List {
        sheet: "ШНРО",
        title: "ШНРО — школы с низкими результатами обучения",
        filter: |s| s.results_category == Some(ResultsCategory::Low),
    },
    List {
        sheet: "Группа риска",
        title: "Школы «группы риска»",
        filter: |s| s.results_category == Some(ResultsCategory::Risk),
    },
    List {
        sheet: "Стабильно высокие",
        title: "Школы со стабильно высокими результатами",
        filter: |s| s.results_category == Some(ResultsCategory::High),
    },
    List {
        sheet: "ШНСУ",
        title: "ШНСУ — школы в неблагоприятных социальных условиях",
        filter: |s| s.social_category == Some(SocialCategory::Unfavourable),
    },
    List {
        sheet: RESILIENT,
        title: "Резильентные школы (высокие результаты в неблагоприятных условиях)",
        filter: |s| s.resilient,
    },
    List {
        sheet: "Недостаточно данных",
        title: "Недостаточно данных",
        filter: |s| s.results_category == Some(ResultsCategory::Insufficient),
    },
];

/// How robust the lists are, as two sheets for the result workbook: the alternatives and the
/// ШНРО with the number of alternatives each stays in.
pub fn robustness_tables(r: &Robustness) -> Vec<(&'static str, Table)> {
    vec![
        ("Устойчивость", robustness_table(r)),
        ("Устойчивые ШНРО", robust_low_table(r)),
    ]
}

/// The sheet of every school.
pub const ALL_SCHOOLS: &str = "Все школы";
/// The sheet of the counts per municipality.
pub const MUNICIPALITIES: &str = "По муниципалитетам";
/// The sheet of the parameters.
pub const PARAMETERS: &str = "Параметры";
/// The sheet of the regional means.
pub const REGIONAL_MEANS: &str = "Региональные средние";

/// The workbook's own sheets (name and table), in order; see the module's documentation.
pub fn identification_tables(r: &Identification) -> Vec<(&'static str, Table)> {
    let year = r.years.last().copied().unwrap_or_default();
    let mut out: Vec<(&'static str, Table)> = LISTS
        .iter()
        .map(|list| {
            let schools: Vec<&SchoolResult> =
                r.schools.iter().filter(|s| (list.filter)(s)).collect();
            (list.sheet, analysis::school_list_table(r, &schools, year))
        })
        .collect();
    out.push((ALL_SCHOOLS, all_schools_table(r)));
    out.push((MUNICIPALITIES, analysis::municipalities_table(r)));
    out.push((PARAMETERS, parameters_table(r)));
    out.push((REGIONAL_MEANS, regional_means_table(r)));
    out
}

/// The identification result as an .xlsx file: [`identification_tables`], then `extra` (for
/// example a robustness or context sheet). Errors are in Russian.
pub fn identification_workbook(r: &Identification, extra: &[Sheet]) -> Result<Vec<u8>, String> {
    let tables = identification_tables(r);
    let mut sheets = sheets(&tables);
    sheets.extend(extra.iter().copied());
    workbook(&sheets)
}

/// The table of `--format csv` with its header in Russian (a column it does not know keeps
/// its id).
pub fn all_schools_table(r: &Identification) -> Table {
    let mut t = identify::csv::to_table(r);
    if let Some(header) = t.rows.first_mut() {
        for cell in header.iter_mut() {
            if let Cell::Text(id) = cell {
                if let Some(label) = column_label(id) {
                    *id = label;
                }
            }
        }
    }
    t
}

/// The Russian header of a column of [`identify::csv::to_table`] (`results_index_2024` →
/// «Индекс образовательных результатов 2024»).
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

fn types_text(types: &[SchoolType]) -> String {
    if types.is_empty() {
        return "нет".into();
    }
    types
        .iter()
        .map(|t| t.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn years_text(years: &[i32]) -> String {
    years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn column_name(id: &str) -> String {
    schema()
        .column(id)
        .map_or_else(|| id.to_string(), |c| format!("{} ({id})", c.label))
}

/// A parameter's value in words and numbers (decimal comma), as the parameters sheet shows
/// it; a parameter this function does not know is shown as its JSON.
pub fn parameter_value(id: &str, p: &Params) -> String {
    let n = |v: usize| v.to_string();
    match id {
        "window" => n(p.window),
        "years" if p.years.is_empty() => "последние годы в данных".into(),
        "years" => years_text(&p.years),
        "pools" if p.pools.is_empty() => "не заданы".into(),
        "pools" => p
            .pools
            .iter()
            .map(|pool| format!("{}: {}", pool.label, types_text(&pool.types)))
            .collect::<Vec<_>>()
            .join("; "),
        "band_share" => format!("{} %", decimal_comma(p.band_share * 100.0)),
        "risk_years" => n(p.risk_years),
        "social_rule" => match p.social_rule {
            SocialRule::AtLeast => "не менее заданного числа лет окна".into(),
            SocialRule::LastOrAll => "последние годы окна или все годы".into(),
        },
        "social_min_years" => n(p.social_min_years),
        "gap_thresholds" if p.gap_thresholds.is_empty() => "не заданы".into(),
        "gap_thresholds" => p
            .gap_thresholds
            .iter()
            .map(|(c, v)| format!("{}: {}", column_name(c), decimal_comma(*v)))
            .collect::<Vec<_>>()
            .join("; "),
        "excluded_types" => types_text(&p.excluded_types),
        "regional_means" if p.regional_means.is_empty() => {
            "не заданы (вычисляются по данным)".into()
        }
        "regional_means" => p
            .regional_means
            .iter()
            .flat_map(|(year, columns)| {
                columns
                    .iter()
                    .map(move |(c, v)| format!("{year}, {}: {}", column_name(c), decimal_comma(*v)))
            })
            .collect::<Vec<_>>()
            .join("; "),
        "weakest_max" => n(p.weakest_max),
        "partners_max" => n(p.partners_max),
        other => serde_json::to_value(p)
            .ok()
            .and_then(|v| v.get(other).map(|v| v.to_string()))
            .unwrap_or_default(),
    }
}

/// One line per parameter: «Параметр; Значение; Значение по методике; Формулировка методики;
/// Источник», then the window's years and the method in one paragraph.
pub fn parameters_table(r: &Identification) -> Table {
    let seed = Params::default();
    let mut w = TableWriter::new();
    for h in [
        "Параметр",
        "Значение",
        "Значение по методике",
        "Формулировка методики",
        "Источник",
    ] {
        w.text(h);
    }
    w.end_line();
    for t in parameter_texts() {
        w.text(&t.label)
            .text(&parameter_value(&t.id, &r.params))
            .text(&parameter_value(&t.id, &seed))
            .text(&t.seed)
            .text(&t.source)
            .end_line();
    }
    w.text("Годы расчёта")
        .text(&years_text(&r.years))
        .text("")
        .text("")
        .text("")
        .end_line();
    w.text("Описание расчёта")
        .text(&method_paragraph(&r.params, &r.years))
        .text("")
        .text("")
        .text("")
        .end_line();
    w.finish()
}

/// The regional means behind the gap flags: «Год; Показатель; Столбец; Значение; Источник».
pub fn regional_means_table(r: &Identification) -> Table {
    let mut w = TableWriter::new();
    for h in ["Год", "Показатель", "Столбец", "Значение", "Источник"]
    {
        w.text(h);
    }
    w.end_line();
    for (year, columns) in &r.regional_means {
        for (id, mean) in columns {
            let label = schema()
                .column(id)
                .map_or(id.as_str(), |c| c.label.as_str());
            let source = match mean.source.as_str() {
                "official" => "официальное (из параметров)",
                "computed" => "вычислено по данным школ",
                other => other,
            };
            match year.parse::<i32>() {
                Ok(y) => w.number(Some(f64::from(y))),
                Err(_) => w.text(year),
            };
            w.text(label)
                .text(id)
                .number(Some(mean.value))
                .text(source)
                .end_line();
        }
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::demo::{region, DemoSpec};
    use crate::domain::identify::identify;
    use calamine::{Data, Reader, Xlsx};

    fn demo_run() -> Identification {
        identify(&region(&DemoSpec::default()), &Params::default()).expect("the demo identifies")
    }

    /// A sheet read back, as the cells of a [`Table`] (calamine's floats and strings).
    fn as_cells(range: &calamine::Range<Data>) -> Vec<Vec<Cell>> {
        range
            .rows()
            .map(|row| {
                let mut cells: Vec<Cell> = row
                    .iter()
                    .map(|d| match d {
                        Data::String(s) => Cell::Text(s.clone()),
                        Data::Float(v) => Cell::Number(*v),
                        Data::Int(v) => Cell::Number(*v as f64),
                        Data::Empty => Cell::Empty,
                        other => panic!("unexpected cell {other:?}"),
                    })
                    .collect();
                while cells.last() == Some(&Cell::Empty) {
                    cells.pop();
                }
                cells
            })
            .collect()
    }

    /// A table as the workbook keeps it: an empty text is no cell.
    fn as_written(t: &Table) -> Vec<Vec<Cell>> {
        t.rows
            .iter()
            .map(|row| {
                let mut cells: Vec<Cell> = row
                    .iter()
                    .map(|c| match c {
                        Cell::Text(s) if s.is_empty() => Cell::Empty,
                        c => c.clone(),
                    })
                    .collect();
                while cells.last() == Some(&Cell::Empty) {
                    cells.pop();
                }
                cells
            })
            .collect()
    }

    #[test]
    fn every_sheet_is_its_table_and_the_lists_are_the_pages_lists() {
        let r = demo_run();
        let year = *r.years.last().expect("a window");
        let extra_table = {
            let mut w = TableWriter::new();
            w.text("Устойчивость")
                .end_line()
                .number(Some(0.5))
                .end_line();
            w.finish()
        };
        let bytes = identification_workbook(
            &r,
            &[Sheet {
                name: "Устойчивость",
                table: &extra_table,
            }],
        )
        .unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let tables = identification_tables(&r);
        let mut names: Vec<String> = tables.iter().map(|(n, _)| n.to_string()).collect();
        names.push("Устойчивость".into());
        assert_eq!(book.sheet_names(), names);
        assert_eq!(
            &names[..6],
            [
                "ШНРО",
                "Группа риска",
                "Стабильно высокие",
                "ШНСУ",
                "Резильентные",
                "Недостаточно данных"
            ]
        );
        for (name, table) in tables
            .iter()
            .chain([&("Устойчивость", extra_table.clone())])
        {
            let range = book.worksheet_range(name).unwrap();
            assert_eq!(as_cells(&range), as_written(table), "sheet «{name}»");
        }
        // Each list is the list's CSV: same schools, same cells.
        for list in LISTS {
            let schools: Vec<&SchoolResult> =
                r.schools.iter().filter(|s| (list.filter)(s)).collect();
            let table = &tables.iter().find(|(n, _)| *n == list.sheet).unwrap().1;
            assert_eq!(
                table.to_csv(),
                analysis::school_list_csv(&r, &schools, year),
                "{}",
                list.sheet
            );
            assert_eq!(table.rows.len(), schools.len() + 1);
        }
        let low = &tables[0].1;
        assert!(low.rows.len() > 1, "the demo has ШНРО");
        assert!(low.rows[1..]
            .iter()
            .all(|row| row[5] == Cell::Text(ResultsCategory::Low.label().into())));
    }

    #[test]
    fn all_schools_is_the_csv_table_with_a_russian_header() {
        let r = demo_run();
        let csv = identify::csv::to_table(&r);
        let t = all_schools_table(&r);
        assert_eq!(t.rows[1..], csv.rows[1..]);
        let header: Vec<&Cell> = t.header().iter().collect();
        assert_eq!(*header[0], Cell::Text("Идентификатор школы".into()));
        assert_eq!(*header[6], Cell::Text("Категория по результатам".into()));
        let y = r.years[0];
        let at = csv
            .header()
            .iter()
            .position(|c| *c == Cell::Text(format!("results_index_{y}")))
            .unwrap();
        assert_eq!(
            *header[at],
            Cell::Text(format!("Индекс образовательных результатов {y}"))
        );
        // Every column of today's CSV has a Russian name.
        assert!(t
            .header()
            .iter()
            .all(|c| matches!(c, Cell::Text(s) if !s.is_ascii())));
        assert_eq!(column_label("robustness_share"), None);
        assert_eq!(column_label("weakest_20x1"), None);
    }

    #[test]
    fn the_parameters_sheet_names_every_parameter_with_both_values() {
        let mut r = demo_run();
        r.params.band_share = 0.3;
        r.params.regional_means.insert(
            "2024".into(),
            [("ege_rus_mean".to_string(), 65.5)].into_iter().collect(),
        );
        let t = parameters_table(&r);
        assert_eq!(t.rows.len(), 1 + parameter_texts().len() + 2);
        let text = |c: &Cell| match c {
            Cell::Text(s) => s.clone(),
            other => panic!("{other:?}"),
        };
        let row = |id: &str| {
            let label = &parameter_texts().iter().find(|p| p.id == id).unwrap().label;
            t.rows
                .iter()
                .find(|row| text(&row[0]) == *label)
                .unwrap()
                .iter()
                .map(text)
                .collect::<Vec<_>>()
        };
        let band = row("band_share");
        assert_eq!(band[1], "30 %");
        assert_eq!(band[2], "25 %");
        assert!(!band[3].is_empty() && !band[4].is_empty());
        let pools = row("pools");
        assert!(
            pools[1].starts_with("Средние школы: средняя"),
            "{}",
            pools[1]
        );
        let means = row("regional_means");
        assert!(means[1].starts_with("2024, "), "{}", means[1]);
        assert!(means[1].ends_with(": 65,5"), "{}", means[1]);
        assert_eq!(means[2], "не заданы (вычисляются по данным)");
        let years = &t.rows[t.rows.len() - 2];
        assert_eq!(text(&years[1]), years_text(&r.years));
        // No parameter is shown empty.
        for p in parameter_texts() {
            assert!(!parameter_value(&p.id, &r.params).is_empty(), "{}", p.id);
        }
    }

    #[test]
    fn regional_means_are_numbers_with_their_source() {
        let r = demo_run();
        let t = regional_means_table(&r);
        let n: usize = r.regional_means.values().map(|m| m.len()).sum();
        assert!(n > 0);
        assert_eq!(t.rows.len(), n + 1);
        let (year, columns) = r.regional_means.iter().next().unwrap();
        let (id, mean) = columns.iter().next().unwrap();
        assert_eq!(t.rows[1][0], Cell::Number(year.parse::<f64>().unwrap()));
        assert_eq!(t.rows[1][2], Cell::Text(id.clone()));
        assert_eq!(t.rows[1][3], Cell::Number(mean.value));
    }
}
