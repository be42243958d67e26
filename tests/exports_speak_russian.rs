//! Every table a person opens speaks Russian (issue #17): every exported table of an
//! identified demonstration region — with support decisions (a participant with a partner and
//! a dated agreement), self-assessments and programmes — is checked cell by cell, as CSV and
//! as a workbook read back:
//!
//! - no raw word of the engine (`low`, `secondary`, `unfavourable`, `above`, `participants` …,
//!   as whole ASCII words) in any cell;
//! - no ISO date (`2026-02-01`): dates are ДД.ММ.ГГГГ;
//! - no header that looks like an id (`school_id`, `results_index_2025`);
//! - every number in CSV with at most the decimals the table declares for it, and no
//!   computed fraction in full precision (`0,45805328218243824`) — except the rows export,
//!   which must read back bit for bit;
//! - in the workbooks, no number kept as text.
//!
//! The checker is shown to find all of these in the machine contract ([`to_table`]), so the
//! test cannot pass by accident.

use shkala::domain::contract::row::Row;
use shkala::domain::demo::{region, DemoSpec};
use shkala::domain::exchange::bundle::{parse_bundle, Payload};
use shkala::domain::exchange::records::{SchoolDocuments, SchoolIdentity};
use shkala::domain::input::xlsx_sheet::sheet_table;
use shkala::domain::method::analysis::{
    compare, comparison_table, cross_table, cross_table_counts_table, cross_table_schools_table,
    improvement_table, municipalities_table, stable_improvement,
};
use shkala::domain::method::identify::csv::{context_fits_table, russian_table, to_table};
use shkala::domain::method::identify::robustness::robustness;
use shkala::domain::method::identify::{identify, Identification, Params, ResultsCategory};
use shkala::domain::reports::monitoring::{
    monitoring_coverage_table, monitoring_long_table, monitoring_shares_table, monitoring_table,
    overdue_measures_table, programme_list, programme_table, programme_targets_table,
};
use shkala::domain::reports::result_workbook::{identification_tables, robustness_tables};
use shkala::domain::support::{
    figures_table, participants_table, project_figures, project_lines, Agreement, Support,
    SupportView,
};
use shkala::domain::tables::table::{rows_table, Cell, Table};
use shkala::domain::tables::xlsx_write::{sheets, workbook};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The engine's words a person must never read (as whole ASCII words, in any case).
const RAW: [&str; 19] = [
    "secondary",
    "basic",
    "evening",
    "primary",
    "adapted",
    "penitentiary",
    "low",
    "middle",
    "high",
    "risk",
    "insufficient",
    "unfavourable",
    "favourable",
    "neutral",
    "above",
    "within",
    "below",
    "participants",
    "equal",
];

/// The whole ASCII words of a text (runs of `[A-Za-z0-9_]`, as a regex's `\w+` in ASCII).
fn ascii_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

/// Whether a text holds `\d{4}-\d{2}-\d{2}`.
fn has_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    let d = |i: usize| b[i].is_ascii_digit();
    (0..b.len().saturating_sub(9)).any(|i| {
        (i..i + 4).all(d)
            && b[i + 4] == b'-'
            && d(i + 5)
            && d(i + 6)
            && b[i + 7] == b'-'
            && d(i + 8)
            && d(i + 9)
    })
}

/// Whether a header looks like an id: `^[a-z0-9_]+$`.
fn id_like(header: &str) -> bool {
    !header.is_empty()
        && header
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
}

/// The CSV text of one cell, as the table's CSV writes it.
fn csv_text(cell: &Cell) -> String {
    Table {
        title: None,
        rows: vec![vec![cell.clone()]],
    }
    .to_csv()
    .trim_start_matches('\u{feff}')
    .trim_end_matches("\r\n")
    .to_string()
}

/// Decimals of a number as written («0,458» → 3).
fn decimals(text: &str) -> usize {
    text.split_once(',').map_or(0, |(_, d)| d.len())
}

/// The most decimals a number without a declared precision may show: what a person types (a
/// target of 12,5 %), never a computed value in full (17 digits).
const TYPED_DECIMALS: usize = 3;

/// Everything a person should not read in `table`, each with its place. `full_precision`:
/// the rows export, whose numbers are the data as stored.
fn problems(name: &str, table: &Table, full_precision: bool) -> Vec<String> {
    let mut out = Vec::new();
    // The line above the header reads as the cells do.
    if let Some(title) = &table.title {
        for w in ascii_words(title) {
            if RAW.iter().any(|raw| w.eq_ignore_ascii_case(raw)) {
                out.push(format!("{name}, название: слово «{w}» в «{title}»"));
            }
        }
        if has_iso_date(title) {
            out.push(format!("{name}, название: дата ISO в «{title}»"));
        }
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{name}, строка {}, столбец {}", r + 1, c + 1);
            match cell {
                Cell::Text(s) => {
                    if r == 0 && id_like(s) {
                        out.push(format!("{at}: заголовок-идентификатор «{s}»"));
                    }
                    for w in ascii_words(s) {
                        if RAW.iter().any(|raw| w.eq_ignore_ascii_case(raw)) {
                            out.push(format!("{at}: слово «{w}» в «{s}»"));
                        }
                    }
                    if has_iso_date(s) {
                        out.push(format!("{at}: дата ISO в «{s}»"));
                    }
                }
                Cell::Rounded(_, d) => {
                    let text = csv_text(cell);
                    if decimals(&text) > usize::from(*d) {
                        out.push(format!("{at}: «{text}» — больше {d} знаков"));
                    }
                }
                Cell::Number(_) if !full_precision => {
                    let text = csv_text(cell);
                    if decimals(&text) > TYPED_DECIMALS {
                        out.push(format!("{at}: «{text}» — полная точность"));
                    }
                }
                Cell::Number(_) | Cell::Empty => {}
            }
        }
    }
    out
}

/// Whether a text would be a number in a spreadsheet («0.25», «12,5», «3»).
fn reads_as_number(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty() && t.replace(',', ".").parse::<f64>().is_ok()
}

/// Numbers kept as text in a sheet read back; the columns of codes (school ids, agreement
/// numbers) are text by nature.
fn numbers_as_text(name: &str, table: &Table) -> Vec<String> {
    // A sheet read back has its title (one cell) as its first row; the header is the first
    // row of several cells.
    let filled = |r: &Vec<Cell>| {
        r.iter()
            .filter(|c| !matches!(c, Cell::Empty) && *c != &Cell::Text(String::new()))
            .count()
    };
    let start = table.rows.iter().position(|r| filled(r) > 1).unwrap_or(0);
    let header: Vec<String> = table
        .rows
        .get(start)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|c| match c {
            Cell::Text(s) => s.clone(),
            _ => String::new(),
        })
        .collect();
    let is_code = |c: usize| {
        header
            .get(c)
            .is_some_and(|h| h.starts_with("Идентификатор") || h.starts_with('№') || h == "Пункт")
    };
    let mut out = Vec::new();
    for (r, row) in table.rows.iter().enumerate().skip(start + 1) {
        for (c, cell) in row.iter().enumerate() {
            if let Cell::Text(s) = cell {
                if !is_code(c) && reads_as_number(s) {
                    out.push(format!(
                        "{name}, строка {}, столбец {}: число текстом «{s}»",
                        r + 1,
                        c + 1
                    ));
                }
            }
        }
    }
    out
}

/// The three school files of the monitoring fixtures: their documents.
fn monitoring_documents() -> Vec<SchoolDocuments> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/monitoring");
    ["MON-1.json", "MON-2.json", "MON-3.json"]
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(name)).expect("a fixture");
            match parse_bundle(name, &bytes).expect("reads").payload {
                Payload::SchoolSubmission(s) => SchoolDocuments {
                    self_assessments: s.self_assessments,
                    programme: s.programme,
                },
                other => panic!("{name}: {other:?}"),
            }
        })
        .collect()
}

/// The region, its run (and a second run with wider bands), every exported table by name, and
/// the date the participant's agreement has.
struct Region {
    rows: Vec<Row>,
    run: Identification,
    tables: Vec<(String, Table)>,
}

const AGREEMENT_DATE: &str = "2026-02-01";

fn region_with_everything() -> Region {
    let rows = region(&DemoSpec::default());
    let params = Params::default();
    let run = identify(&rows, &params).expect("the demo identifies");
    let wider = identify(
        &rows,
        &Params {
            band_share: 0.3,
            ..params.clone()
        },
    )
    .expect("identifies");
    let year = *run.years.last().expect("a window");

    // Support: a ШНРО takes part with its first suggested partner under a dated agreement.
    let low = run
        .schools
        .iter()
        .find(|s| s.results_category == Some(ResultsCategory::Low) && !s.partners.is_empty())
        .expect("a ШНРО with partners");
    let mut support: BTreeMap<&str, BTreeMap<i32, Support>> = BTreeMap::new();
    support.entry(&low.school_id).or_default().insert(
        year,
        Support {
            participant: true,
            partner: Some(Agreement {
                partner_id: low.partners[0].clone(),
                number: "17-П".into(),
                date: AGREEMENT_DATE.into(),
            }),
            note: "сопровождает методист".into(),
        },
    );
    let empty = BTreeMap::new();
    // Self-assessments and programmes on the first three schools of the region.
    let docs = monitoring_documents();
    let views: Vec<SupportView> = run
        .schools
        .iter()
        .enumerate()
        .map(|(i, s)| SupportView {
            school_id: &s.school_id,
            school_name: &s.school_name,
            municipality: &s.municipality,
            support: support.get(s.school_id.as_str()).unwrap_or(&empty),
            has_programme: docs.get(i).is_some_and(|d| d.programme.is_some()),
        })
        .collect();
    let identities: Vec<SchoolIdentity> = run
        .schools
        .iter()
        .take(docs.len())
        .map(|s| SchoolIdentity {
            school_id: s.school_id.clone(),
            school_name: s.school_name.clone(),
            municipality: s.municipality.clone(),
            school_type: s.school_type,
        })
        .collect();
    let documents: Vec<(SchoolIdentity, &SchoolDocuments)> =
        identities.into_iter().zip(&docs).collect();
    let today = "2026-03-01";
    let monitoring = monitoring_table(&documents);

    let mut tables: Vec<(String, Table)> = identification_tables(&run)
        .into_iter()
        .map(|(n, t)| (n.to_string(), t))
        .collect();
    let robust = robustness(&rows, &params).expect("the alternatives run");
    tables.extend(
        robustness_tables(&robust)
            .into_iter()
            .map(|(n, t)| (n.to_string(), t)),
    );
    // How sure the categories are (a few replicates: the words, not the probabilities).
    let chance = shkala::domain::method::identify::chance::chance(
        &rows,
        &params,
        &shkala::domain::method::identify::chance::ChanceOptions {
            replicates: 10,
            ..Default::default()
        },
        &mut |_, _| {},
        &|| false,
    )
    .expect("the replicates run");
    tables.push((
        "Вероятности".to_string(),
        shkala::domain::method::identify::chance::chance_table(&chance),
    ));
    // The parameters of a run that reads otherwise: official means, unweighted, set years.
    let mut other = params.clone();
    other.regional_means.insert(
        year.to_string(),
        [("ege_rus_mean".to_string(), 65.5)].into_iter().collect(),
    );
    other.mean_weighting = shkala::domain::method::identify::params::MeanWeighting::Equal;
    other.years = run.years.clone();
    let other_run = identify(&rows, &other).expect("identifies");
    let cross = cross_table(&run);
    tables.extend([
        (
            "Параметры (иное прочтение)".to_string(),
            shkala::domain::reports::result_workbook::parameters_table(&other_run),
        ),
        (
            "Региональные средние (иное прочтение)".to_string(),
            shkala::domain::reports::result_workbook::regional_means_table(&other_run),
        ),
        ("Контекст (линии)".to_string(), context_fits_table(&run)),
        (
            "По муниципалитетам (2)".to_string(),
            municipalities_table(&run),
        ),
        (
            "Сравнение расчётов".to_string(),
            comparison_table(&compare(&run, &wider)),
        ),
        (
            "Перекрёстная таблица".to_string(),
            cross_table_counts_table(&cross),
        ),
        (
            "Школы по клеткам".to_string(),
            cross_table_schools_table(&cross),
        ),
        (
            "Стабильное улучшение".to_string(),
            improvement_table(&stable_improvement(&run, 50)),
        ),
        (
            "Показатели проекта".to_string(),
            figures_table(&project_figures(&run, &views, year)),
        ),
        (
            "Участники и партнёры".to_string(),
            participants_table(&project_lines(&run, &views, year)),
        ),
        ("Доли".to_string(), monitoring_shares_table(&monitoring)),
        (
            "Ответы школ".to_string(),
            monitoring_long_table(&monitoring),
        ),
        ("Охват".to_string(), monitoring_coverage_table(&monitoring)),
        (
            "Программы".to_string(),
            programme_table(&programme_list(&documents, today)),
        ),
        (
            "Цели и замеры".to_string(),
            programme_targets_table(&documents, today),
        ),
        (
            "Просроченные мероприятия".to_string(),
            overdue_measures_table(&documents, today),
        ),
    ]);
    Region { rows, run, tables }
}

#[test]
fn every_exported_table_speaks_russian_cell_by_cell() {
    let Region { rows, run, tables } = region_with_everything();
    assert!(tables.len() >= 25, "{}", tables.len());
    let mut found = Vec::new();
    for (name, table) in &tables {
        // The demonstration region has every kind of school but none short of data.
        if name != "Недостаточно данных" {
            assert!(table.rows.len() > 1, "«{name}» has lines to check");
        }
        found.extend(problems(name, table, false));
    }
    // The rows export: Russian header and types, numbers as stored.
    let data = rows_table(&rows);
    found.extend(problems("Данные", &data, true));
    assert!(found.is_empty(), "{found:#?}");

    // The things the checker looks for are there, in their Russian form.
    let find = |name: &str| &tables.iter().find(|(n, _)| n == name).unwrap().1;
    let csv = |name: &str| find(name).to_csv();
    let participants = csv("Участники и партнёры");
    assert!(participants.contains(";17-П;01.02.2026;"), "{participants}");
    let targets = csv("Цели и замеры");
    assert!(targets.contains("15.09.2024"), "{targets}");
    let all = csv("Все школы");
    for word in [
        "ШНРО",
        "ШНСУ",
        "средние",
        "нейтральные",
        "исключена: ",
        "выше ожидаемого",
        "ниже ожидаемого",
    ] {
        assert!(all.contains(word), "«{word}» in «Все школы»");
    }
    assert!(find("Все школы")
        .rows
        .iter()
        .flatten()
        .any(|c| matches!(c, Cell::Rounded(_, 3))));
    assert!(csv("Контекст (линии)")
        .starts_with("\u{feff}Группа школ;Год;Школ;Наклон;Свободный член;R²;Примечание\r\n"));
    // Partners by name, code and municipality.
    let low = run
        .schools
        .iter()
        .find(|s| s.results_category == Some(ResultsCategory::Low) && !s.partners.is_empty())
        .unwrap();
    let p = run.school(&low.partners[0]).unwrap();
    let named = format!("{} ({}, {})", p.school_name, p.school_id, p.municipality);
    assert!(participants.contains(&named), "{named}");
    assert!(all.contains(&named), "{named}");

    // The workbook of every table, read back: the same words, numbers kept as numbers.
    let book = workbook(&sheets(&tables)).expect("a workbook");
    let mut found = Vec::new();
    let names =
        shkala::domain::tables::xlsx_write::sheet_names(tables.iter().map(|(n, _)| n.as_str()));
    for name in &names {
        let (_, back) = sheet_table(&book, Some(name)).expect("a sheet");
        found.extend(problems(name, &back, true));
        found.extend(numbers_as_text(name, &back));
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_checker_finds_what_the_machine_contract_holds() {
    let rows = region(&DemoSpec {
        schools: 60,
        ..DemoSpec::default()
    });
    let run = identify(&rows, &Params::default()).expect("identifies");
    let found = problems("машинный CSV", &to_table(&run), false);
    let has = |what: &str| found.iter().any(|p| p.contains(what));
    assert!(has("заголовок-идентификатор «school_id»"), "{found:#?}");
    assert!(has("слово «low»") || has("слово «risk»"), "{found:#?}");
    assert!(has("слово «secondary»"), "{found:#?}");
    assert!(has("— полная точность"), "{found:#?}");
    // The same run for people has none of it.
    assert_eq!(
        problems("для людей", &russian_table(&run), false),
        Vec::<String>::new()
    );
    // And the checker's pieces, each on a case that another reading would pass.
    assert!(
        has_iso_date("от 2026-02-01") && !has_iso_date("01.02.2026") && !has_iso_date("2026-2-01")
    );
    assert!(id_like("results_index_2025") && !id_like("R²") && !id_like("Год"));
    assert_eq!(
        ascii_words("low_school, Low").collect::<Vec<_>>(),
        ["low_school", "Low"]
    );
    assert_eq!(decimals("0,45805328218243824"), 17);
    assert!(reads_as_number("0.25") && reads_as_number("12,5") && !reads_as_number("2023, 2024"));
    let numbers = Table {
        title: None,
        rows: vec![
            vec![Cell::Text("Параметр".into()), Cell::Text("Значение".into())],
            vec![Cell::Text("Доля".into()), Cell::Text("0.25".into())],
        ],
    };
    assert_eq!(numbers_as_text("Параметры", &numbers).len(), 1);
}
