//! The identification result as one Excel workbook (`shkala identify --format xlsx`).
//!
//! Sheets, in order: one per list of the run page ([`LISTS`]: ШНРО, «группа риска»,
//! стабильно высокие, ШНСУ, резильентные, недостаточно данных — each the list's CSV,
//! [`analysis::school_list_table`], for the last year of the window); «Все школы» (the
//! per-school table of `--format csv` for people, [`identify::csv::russian_table`]: Russian
//! headers and words, indices in full precision shown with three decimals);
//! «По муниципалитетам» ([`analysis::municipalities_table`]); «Параметры» (every parameter of
//! the run with its value, the method's value and wording, from `src/data/parameters.json`,
//! numbers as numbers; then the window's years and the method in one paragraph);
//! «Региональные средние» (the means behind the gap flags); then the caller's sheets.
//!
//! It lives outside `identify` because it reads `analysis` and `report`, which read `identify`.

use crate::domain::contract::row::SchoolType;
use crate::domain::contract::schema::schema;
use crate::domain::method::analysis;
use crate::domain::method::identify::params::{parameter_texts, SocialRule};
use crate::domain::method::identify::robustness::{robust_low_table, robustness_table, Robustness};
use crate::domain::method::identify::{
    self, Identification, Params, ResultsCategory, SchoolResult, SocialCategory,
};
use crate::domain::reports::report::method_paragraph;
use crate::domain::tables::table::{self, Cell, Table, TableWriter};
use crate::domain::tables::xlsx_write::{sheets, workbook, Sheet};

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

/// The sheet of the probabilities of the categories ([`crate::domain::method::identify::chance::chance_table`]).
pub const CHANCE: &str = "Вероятности";

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

/// Every school of the run, for people: [`identify::csv::russian_table`] (the columns of
/// `--format csv` with Russian headers and the screen's words; indices in full, shown with
/// three decimals).
pub fn all_schools_table(r: &Identification) -> Table {
    identify::csv::russian_table(r)
}

/// The Russian header of a column of [`identify::csv::to_table`].
pub use crate::domain::method::identify::csv::column_label;

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

/// A list of years as a cell: one year is a number, several are a text «2022, 2023, 2024».
fn years_cell(years: &[i32]) -> Cell {
    match years {
        [y] => Cell::Number(f64::from(*y)),
        _ => Cell::Text(years_text(years)),
    }
}

/// A column of the row contract by its Russian label (its id when the contract has none).
fn column_name(id: &str) -> &str {
    schema().column(id).map_or(id, |c| c.label.as_str())
}

/// The parameters whose value is a share of the pool-year, shown in per cent (the panel's
/// reading); the sheet's label says «, %».
const PERCENT_PARAMETERS: [&str; 2] = ["band_share", "context_share"];

/// A parameter's label on the sheet: the panel's, with «, %» for a share in per cent.
fn parameter_label(id: &str, label: &str) -> String {
    if PERCENT_PARAMETERS.contains(&id) && !label.trim_end().ends_with('%') {
        format!("{label}, %")
    } else {
        label.to_string()
    }
}

/// What the sheet shows when a parameter has no value it can show («—»; a test checks that
/// every parameter of `src/data/parameters.json` has one).
const NO_VALUE: &str = "—";

/// A parameter's value as a cell of the parameters sheet: counts and years as numbers, the
/// shares in per cent as numbers with [`table::MEAN`] decimals (as the panel shows them), the
/// rules and lists in words. Never JSON: a parameter this function does not know is shown as
/// a number when it is one, else [`NO_VALUE`]. The maps (gap thresholds, official regional
/// means) have a line per entry: [`parameter_lines`].
pub fn parameter_cell(id: &str, p: &Params) -> Cell {
    let n = |v: usize| Cell::Number(v as f64);
    let text = |s: &str| Cell::Text(s.to_string());
    let percent = |share: f64| Cell::Rounded(share * 100.0, table::MEAN);
    match id {
        "window" => n(p.window),
        "years" if p.years.is_empty() => text("последние годы в данных"),
        "years" => years_cell(&p.years),
        "pools" if p.pools.is_empty() => text("не заданы"),
        "pools" => Cell::Text(
            p.pools
                .iter()
                .map(|pool| format!("{}: {}", pool.label, types_text(&pool.types)))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        "band_share" => percent(p.band_share),
        "risk_years" => n(p.risk_years),
        "social_rule" => text(match p.social_rule {
            SocialRule::AtLeast => "не менее заданного числа лет окна",
            SocialRule::LastOrAll => "последние годы окна или все годы",
        }),
        "social_min_years" => n(p.social_min_years),
        "excluded_types" => Cell::Text(types_text(&p.excluded_types)),
        "mean_weighting" => text(p.mean_weighting.reading()),
        "weakest_max" => n(p.weakest_max),
        "partners_max" => n(p.partners_max),
        "context_share" => percent(p.context_share),
        "context_min_n" => n(p.context_min_n),
        "small_pool" => n(p.small_pool),
        other => match serde_json::to_value(p)
            .ok()
            .and_then(|v| v.get(other)?.as_f64())
        {
            Some(v) => Cell::Number(v),
            None => text(NO_VALUE),
        },
    }
}

/// The lines of one parameter: (label, the run's value, the method's value). A map has a
/// line per entry, its key after the label («Пороги расхождения …: Средний балл ЕГЭ по
/// русскому языку»), or one line saying that it is empty.
pub fn parameter_lines(
    id: &str,
    label: &str,
    run: &Params,
    seed: &Params,
) -> Vec<(String, Cell, Cell)> {
    let label = parameter_label(id, label);
    let mean = |v: Option<&f64>, none: &str| match v {
        Some(v) => Cell::Rounded(*v, table::MEAN),
        None => Cell::Text(none.to_string()),
    };
    match id {
        "gap_thresholds" => {
            let columns: std::collections::BTreeSet<&String> = run
                .gap_thresholds
                .keys()
                .chain(seed.gap_thresholds.keys())
                .collect();
            if columns.is_empty() {
                let none = Cell::Text("не заданы".into());
                return vec![(label, none.clone(), none)];
            }
            columns
                .into_iter()
                .map(|c| {
                    (
                        format!("{label}: {}", column_name(c)),
                        mean(run.gap_thresholds.get(c), "не задан"),
                        mean(seed.gap_thresholds.get(c), "не задан"),
                    )
                })
                .collect()
        }
        "regional_means" => {
            const COMPUTED: &str = "не заданы (вычисляются по данным)";
            let seed_cell = |year: &str, c: &str| {
                mean(
                    seed.regional_means.get(year).and_then(|m| m.get(c)),
                    COMPUTED,
                )
            };
            let lines: Vec<(String, Cell, Cell)> = run
                .regional_means
                .iter()
                .flat_map(|(year, columns)| {
                    let label = &label;
                    columns.iter().map(move |(c, v)| {
                        (
                            format!("{label}: {year}, {}", column_name(c)),
                            Cell::Rounded(*v, table::MEAN),
                            seed_cell(year, c),
                        )
                    })
                })
                .collect();
            if lines.is_empty() {
                let computed = Cell::Text(COMPUTED.into());
                vec![(label, computed.clone(), computed)]
            } else {
                lines
            }
        }
        _ => vec![(label, parameter_cell(id, run), parameter_cell(id, seed))],
    }
}

/// One line per parameter (per entry of a map): «Параметр; Значение; Значение по методике;
/// Формулировка методики; Источник», then the window's years and the method in one
/// paragraph. Numbers are numbers ([`parameter_cell`]).
pub fn parameters_table(r: &Identification) -> Table {
    let seed = Params::default();
    let mut rows: Vec<Vec<Cell>> = vec![[
        "Параметр",
        "Значение",
        "Значение по методике",
        "Формулировка методики",
        "Источник",
    ]
    .into_iter()
    .map(|h| Cell::Text(h.into()))
    .collect()];
    for t in parameter_texts() {
        for (label, value, method) in parameter_lines(&t.id, &t.label, &r.params, &seed) {
            rows.push(vec![
                Cell::Text(label),
                value,
                method,
                Cell::Text(t.seed.clone()),
                Cell::Text(t.source.clone()),
            ]);
        }
    }
    let empty = || Cell::Text(String::new());
    rows.push(vec![
        Cell::Text("Годы расчёта".into()),
        years_cell(&r.years),
        empty(),
        empty(),
        empty(),
    ]);
    rows.push(vec![
        Cell::Text("Описание расчёта".into()),
        Cell::Text(method_paragraph(&r.params, &r.years)),
        empty(),
        empty(),
        empty(),
    ]);
    Table { title: None, rows }
}

/// The regional means behind the gap flags: «Год; Показатель; Значение; Источник», the value
/// read with [`table::MEAN`] decimals.
pub fn regional_means_table(r: &Identification) -> Table {
    let mut w = TableWriter::new();
    for h in ["Год", "Показатель", "Значение", "Источник"] {
        w.text(h);
    }
    w.end_line();
    for (year, columns) in &r.regional_means {
        for (id, mean) in columns {
            let source = match mean.source.as_str() {
                "official" => "официальное (из параметров)",
                "computed" => "вычислено по данным школ",
                other => other,
            };
            match year.parse::<i32>() {
                Ok(y) => w.number(Some(f64::from(y))),
                Err(_) => w.text(year),
            };
            w.text(column_name(id))
                .rounded(Some(mean.value), table::MEAN)
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
    use crate::domain::method::identify::identify;
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
                        // The full value: the decimals are only the cell's format.
                        Cell::Rounded(v, _) => Cell::Number(*v),
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
    fn all_schools_is_the_csv_table_in_russian() {
        let r = demo_run();
        let csv = identify::csv::to_table(&r);
        let t = all_schools_table(&r);
        assert_eq!(t, identify::csv::russian_table(&r));
        assert_eq!(t.rows.len(), csv.rows.len());
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
        // Every column has a Russian name; the categories are the screen's words.
        assert!(t
            .header()
            .iter()
            .all(|c| matches!(c, Cell::Text(s) if !s.is_ascii())));
        let low = r
            .schools
            .iter()
            .position(|s| s.results_category == Some(ResultsCategory::Low))
            .unwrap();
        assert_eq!(t.rows[low + 1][6], Cell::Text("ШНРО".into()));
        assert_eq!(csv.rows[low + 1][6], Cell::Text("low".into()));
        assert_eq!(column_label("robustness_share"), None);
        assert_eq!(column_label("weakest_20x1"), None);
    }

    #[test]
    fn the_parameters_sheet_names_every_parameter_with_both_values_as_numbers() {
        let mut r = demo_run();
        r.params.band_share = 0.3;
        r.params.regional_means.insert(
            "2024".into(),
            [("ege_rus_mean".to_string(), 65.5)].into_iter().collect(),
        );
        r.params
            .gap_thresholds
            .insert("ege_rus_mean".to_string(), 15.0);
        r.params.mean_weighting = crate::domain::method::identify::params::MeanWeighting::Equal;
        let t = parameters_table(&r);
        let seed = Params::default();
        // A line per parameter, a line per gap threshold and per official mean, two more.
        assert_eq!(
            t.rows.len(),
            1 + parameter_texts().len() - 1 + seed.gap_thresholds.len() + 2
        );
        let text = |c: &Cell| match c {
            Cell::Text(s) => s.clone(),
            other => panic!("{other:?}"),
        };
        let row = |label: &str| {
            t.rows
                .iter()
                .find(|row| text(&row[0]) == label)
                .unwrap_or_else(|| panic!("{label}"))
                .clone()
        };
        let label = |id: &str| {
            parameter_texts()
                .iter()
                .find(|p| p.id == id)
                .unwrap()
                .label
                .clone()
        };
        let band = row(&label("band_share"));
        assert!(text(&band[0]).ends_with(", %"));
        assert_eq!(band[1], Cell::Rounded(0.3 * 100.0, table::MEAN));
        assert_eq!(band[1].number().map(|v| v.round()), Some(30.0));
        assert_eq!(band[2], Cell::Rounded(25.0, table::MEAN));
        assert!(!text(&band[3]).is_empty() && !text(&band[4]).is_empty());
        let context = row(&format!("{}, %", label("context_share")));
        assert_eq!(context[1], Cell::Rounded(25.0, table::MEAN));
        assert_eq!(row(&label("window"))[1], Cell::Number(3.0));
        assert_eq!(row(&label("risk_years"))[2], Cell::Number(2.0));
        assert_eq!(
            row(&label("mean_weighting"))[1],
            Cell::Text(
                crate::domain::method::identify::params::MeanWeighting::Equal
                    .reading()
                    .into()
            )
        );
        let pools = text(&row(&label("pools"))[1]);
        assert!(pools.starts_with("Средние школы: средняя"), "{pools}");
        let rus = row(&format!(
            "{}: Средний балл ЕГЭ по русскому языку",
            label("gap_thresholds")
        ));
        assert_eq!(rus[1], Cell::Rounded(15.0, table::MEAN));
        assert_eq!(rus[2], Cell::Rounded(20.0, table::MEAN));
        let means = row(&format!(
            "{}: 2024, Средний балл ЕГЭ по русскому языку",
            label("regional_means")
        ));
        assert_eq!(means[1], Cell::Rounded(65.5, table::MEAN));
        assert_eq!(text(&means[2]), "не заданы (вычисляются по данным)");
        let years = &t.rows[t.rows.len() - 2];
        assert_eq!(text(&years[1]), years_text(&r.years));
        // No parameter is left without a value, and no value is JSON.
        for p in parameter_texts() {
            for params in [&r.params, &seed] {
                for (label, value, _) in parameter_lines(&p.id, &p.label, params, &seed) {
                    assert_ne!(value, Cell::Text(NO_VALUE.into()), "{label}");
                    if let Cell::Text(s) = &value {
                        assert!(!s.is_empty() && !s.contains('"'), "{label}: {s}");
                    }
                }
            }
        }
        assert_eq!(years_cell(&[2024]), Cell::Number(2024.0));
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
        assert_eq!(
            t.rows[1][1],
            Cell::Text(schema().column(id).unwrap().label.clone())
        );
        assert_eq!(t.rows[1][2], Cell::Rounded(mean.value, table::MEAN));
        assert!(
            t.rows[1][2].number().unwrap().fract() != 0.0,
            "computed, not whole"
        );
    }
}
