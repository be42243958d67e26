use super::*;
use crate::domain::contract::row::SchoolType;
use crate::domain::demo::{region, DemoSpec};
use crate::domain::input::parse_number;
use crate::domain::method::identify::{identify, Params, Pool, Summary, YearMap, YearResult};
use crate::domain::tables::csv_write::GUARDED;
use std::collections::BTreeSet;

fn demo_run(params: &Params) -> Identification {
    identify(&region(&DemoSpec::default()), params).expect("the demo region identifies")
}

fn wider_bands() -> Params {
    Params {
        band_share: 0.30,
        ..Params::default()
    }
}

fn basic_and_evening_pooled() -> Params {
    let mut p = Params::default();
    p.pools.truncate(1);
    p.pools.push(Pool {
        id: "basic_evening".into(),
        label: "Основные и вечерние".into(),
        types: vec![SchoolType::Basic, SchoolType::Evening],
    });
    p
}

fn ids(list: &[SchoolRef]) -> BTreeSet<String> {
    list.iter().map(|s| s.school_id.clone()).collect()
}

/// The ids of the schools of `r` in category `c`, straight from the engine's fields.
fn members(r: &Identification, c: Category) -> BTreeSet<String> {
    r.schools
        .iter()
        .filter(|s| match c {
            Category::Results(x) => s.results_category == Some(x),
            Category::Social(x) => s.social_category == Some(x),
        })
        .map(|s| s.school_id.clone())
        .collect()
}

fn is_sorted(list: &[SchoolRef]) -> bool {
    list.windows(2)
        .all(|w| (&w[0].municipality, &w[0].school_name) <= (&w[1].municipality, &w[1].school_name))
}

/// Checks `compare(a, b)` against sets computed directly from the two results.
fn check_comparison(a: &Identification, b: &Identification) -> usize {
    let c = compare(a, b);
    assert_eq!(c.categories.len(), 9, "every category has an entry");
    assert!(
        c.only_in_a.is_empty() && c.only_in_b.is_empty(),
        "same schools"
    );
    let mut moves = 0;
    for cat in Category::all() {
        let (before, after) = (members(a, cat), members(b, cat));
        let expected_entered: BTreeSet<String> = after.difference(&before).cloned().collect();
        let expected_left: BTreeSet<String> = before.difference(&after).cloned().collect();
        let ch = c.category(cat).expect("the category is listed");
        assert_eq!(ids(&ch.entered), expected_entered, "{cat:?} entered");
        assert_eq!(ids(&ch.left), expected_left, "{cat:?} left");
        assert_eq!(ch.entered.len(), expected_entered.len(), "no repeats");
        assert_eq!(ch.left.len(), expected_left.len(), "no repeats");
        assert!(
            is_sorted(&ch.entered) && is_sorted(&ch.left),
            "{cat:?} sorted"
        );
        assert_eq!(
            ch.entered_by_municipality.values().sum::<usize>(),
            ch.entered.len()
        );
        assert_eq!(
            ch.left_by_municipality.values().sum::<usize>(),
            ch.left.len()
        );
        for (m, n) in &ch.entered_by_municipality {
            assert_eq!(
                ch.entered.iter().filter(|s| &s.municipality == m).count(),
                *n
            );
        }
        moves += ch.entered.len() + ch.left.len();
    }
    // The changed schools are exactly those whose category differs.
    let expected_changed: BTreeSet<String> = b
        .schools
        .iter()
        .filter(|sb| {
            let sa = a.school(&sb.school_id).expect("same schools");
            sa.results_category != sb.results_category || sa.social_category != sb.social_category
        })
        .map(|s| s.school_id.clone())
        .collect();
    let changed: BTreeSet<String> = c
        .changed
        .iter()
        .map(|x| x.school.school_id.clone())
        .collect();
    assert_eq!(changed, expected_changed);
    for x in &c.changed {
        let (sa, sb) = (
            a.school(&x.school.school_id).expect("in a"),
            b.school(&x.school.school_id).expect("in b"),
        );
        assert_eq!(x.results_before, sa.results_category);
        assert_eq!(x.results_after, sb.results_category);
        assert_eq!(x.social_before, sa.social_category);
        assert_eq!(x.social_after, sb.social_category);
    }
    // Each changed category of a school is one entry and one exit.
    let category_changes: usize = c
        .changed
        .iter()
        .map(|x| {
            usize::from(x.results_before != x.results_after)
                + usize::from(x.social_before != x.social_after)
        })
        .sum();
    assert_eq!(moves, 2 * category_changes);
    // The reverse comparison swaps entering and leaving.
    let back = compare(b, a);
    for (f, r) in c.categories.iter().zip(&back.categories) {
        assert_eq!(f.entered, r.left);
        assert_eq!(f.left, r.entered);
    }
    moves
}

#[test]
fn compare_lists_exactly_the_schools_whose_category_changed() {
    let base = demo_run(&Params::default());
    let wider = demo_run(&wider_bands());
    let pooled = demo_run(&basic_and_evening_pooled());
    assert!(
        check_comparison(&base, &wider) > 0,
        "wider bands move schools"
    );
    assert!(check_comparison(&wider, &base) > 0);
    assert!(
        check_comparison(&base, &pooled) > 0,
        "pooling moves schools"
    );
}

#[test]
fn compare_of_a_run_with_itself_is_empty() {
    let base = demo_run(&Params::default());
    let c = compare(&base, &base);
    assert!(c.is_empty());
    assert_eq!(c.categories.len(), 9);
    assert!(c
        .categories
        .iter()
        .all(|ch| ch.entered_by_municipality.is_empty() && ch.left_by_municipality.is_empty()));
    // Its CSV is the header alone.
    assert_eq!(read_csv(&comparison_csv(&c)).len(), 1);
}

#[test]
fn schools_of_one_run_only_are_listed_apart() {
    let a = demo_run(&Params::default());
    let mut b = a.clone();
    // One assessed school leaves the data, a new ШНРО school arrives, one school becomes
    // excluded.
    let gone_at = b
        .schools
        .iter()
        .position(|s| s.results_category == Some(ResultsCategory::Low))
        .expect("the demo has ШНРО");
    let gone = b.schools.remove(gone_at);
    let mut new = gone.clone();
    new.school_id = "new-school".into();
    new.school_name = "Новая школа".into();
    b.schools.push(new);
    let excluded_at = b
        .schools
        .iter()
        .position(|s| s.results_category == Some(ResultsCategory::Middle))
        .expect("the demo has middle schools");
    let was_middle = b.schools[excluded_at].clone();
    b.schools[excluded_at].excluded = Some("тип школы не участвует".into());
    b.schools[excluded_at].results_category = None;
    b.schools[excluded_at].social_category = None;

    let c = compare(&a, &b);
    assert_eq!(ids(&c.only_in_a), BTreeSet::from([gone.school_id.clone()]));
    assert_eq!(
        ids(&c.only_in_b),
        BTreeSet::from(["new-school".to_string()])
    );
    let low = c
        .category(Category::Results(ResultsCategory::Low))
        .expect("listed");
    assert!(low.is_empty(), "neither is counted as entering or leaving");
    let middle = c
        .category(Category::Results(ResultsCategory::Middle))
        .expect("listed");
    assert_eq!(
        ids(&middle.left),
        BTreeSet::from([was_middle.school_id.clone()])
    );
    assert!(middle.entered.is_empty());
    let social = was_middle.social_category.expect("assessed");
    assert_eq!(
        ids(&c.category(Category::Social(social)).expect("listed").left),
        BTreeSet::from([was_middle.school_id.clone()])
    );
    assert_eq!(c.changed.len(), 1);
    assert_eq!(c.changed[0].results_after, None);
    // Header, the excluded school, one school of each run.
    assert_eq!(read_csv(&comparison_csv(&c)).len(), 4);
}

#[test]
fn cross_table_cells_sum_to_the_assessed_schools() {
    for params in [Params::default(), wider_bands(), basic_and_evening_pooled()] {
        let r = demo_run(&params);
        let t = cross_table(&r);
        let assessed = r.schools.iter().filter(|s| s.excluded.is_none()).count();
        assert_eq!(t.total, assessed);
        assert_eq!(t.total, r.summary.overall.assessed);
        assert_eq!(t.excluded, r.summary.overall.excluded);
        assert_eq!(t.rows.len(), ResultsCategory::ALL.len());
        assert_eq!(t.columns.len(), SocialCategory::ALL.len());
        let cells: usize = t
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .map(|c| c.count())
            .sum();
        assert_eq!(cells, assessed);
        assert_eq!(t.rows.iter().map(|r| r.total).sum::<usize>(), assessed);
        assert_eq!(t.column_totals.iter().sum::<usize>(), assessed);
        for row in &t.rows {
            assert_eq!(row.total, members(&r, Category::Results(row.results)).len());
            for cell in &row.cells {
                assert!(is_sorted(&cell.schools));
            }
        }
        for (i, c) in t.columns.iter().enumerate() {
            assert_eq!(t.column_totals[i], members(&r, Category::Social(*c)).len());
        }
        // ШНРО × ШНСУ is the intersection of the two lists.
        let low = members(&r, Category::Results(ResultsCategory::Low));
        let unfavourable = members(&r, Category::Social(SocialCategory::Unfavourable));
        let both: BTreeSet<String> = low.intersection(&unfavourable).cloned().collect();
        let cell = t.low_and_unfavourable().expect("the cell exists");
        assert!(cell.is_low_and_unfavourable());
        assert_eq!(cell.label(), LOW_AND_UNFAVOURABLE);
        assert_eq!(ids(&cell.schools), both);
        assert_eq!(cell.count(), r.summary.overall.low_and_unfavourable.count);
        // CSV: header, a line per results category, «Итого».
        let counts = read_csv(&cross_table_csv(&t));
        assert_eq!(counts.len(), 1 + ResultsCategory::ALL.len() + 1);
        assert!(counts.iter().all(|l| l.len() == 1 + t.columns.len() + 1));
        let last = counts.last().expect("a total line");
        assert_eq!(last[0], "Итого");
        assert_eq!(number(&last[last.len() - 1]), Some(assessed as f64));
        let list = read_csv(&cross_table_schools_csv(&t));
        assert_eq!(list.len(), 1 + assessed);
        assert_eq!(
            list.iter().filter(|l| l[5] == "да").count(),
            both.len(),
            "the ШНРО и ШНСУ column marks the intersection"
        );
    }
}

#[test]
fn cross_table_of_a_municipality_holds_its_schools_only() {
    let r = demo_run(&Params::default());
    let m = r.schools[0].municipality.clone();
    let t = cross_table_of_municipality(&r, &m);
    let own = r
        .schools
        .iter()
        .filter(|s| s.municipality == m && s.excluded.is_none())
        .count();
    assert_eq!(t.total, own);
    assert!(t
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .flat_map(|c| &c.schools)
        .all(|s| s.municipality == m));
}

#[test]
fn history_follows_the_runs_in_their_order() {
    let base = demo_run(&Params::default());
    let wider = demo_run(&wider_bands());
    let mut without = base.clone();
    let id = base
        .schools
        .iter()
        .find(|s| {
            s.excluded.is_none()
                && wider.school(&s.school_id).map(|w| w.results_category)
                    != Some(s.results_category)
        })
        .expect("some school changes category with wider bands")
        .school_id
        .clone();
    without.schools.retain(|s| s.school_id != id);
    let runs = [
        ("Расчёт 1", "2025-03-01", &base),
        ("Без школы", "2025-03-15", &without),
        ("Расчёт 2", "2025-04-01", &wider),
    ];
    let h = history(&runs, &id);
    assert_eq!(h.len(), 3);
    assert_eq!(
        h.iter().map(|e| e.run_label.as_str()).collect::<Vec<_>>(),
        vec!["Расчёт 1", "Без школы", "Расчёт 2"]
    );
    for (e, r) in [(&h[0], &base), (&h[2], &wider)] {
        let s = r.school(&id).expect("in the run");
        assert_eq!(
            e.school.as_ref().map(|x| x.school_id.as_str()),
            Some(id.as_str())
        );
        assert_eq!(e.results_category, s.results_category);
        assert_eq!(e.social_category, s.social_category);
        assert_eq!(e.pool.as_deref(), s.pool.as_deref());
        assert_eq!(e.years, r.years);
        let last = *r.years.last().expect("a window");
        assert_eq!(e.latest_year, Some(last));
        assert_eq!(
            e.latest_results_index,
            s.years.get(&last).and_then(|y| y.results_index)
        );
        assert_eq!(
            e.latest_social_index,
            s.years.get(&last).and_then(|y| y.social_index)
        );
    }
    assert_ne!(h[0].results_category, h[2].results_category);
    assert_eq!(h[1].school, None);
    assert_eq!(h[1].results_category, None);
    assert_eq!(h[1].run_date, "2025-03-15");
    assert_eq!(h[1].years, without.years);
    assert!(history(&runs, "no-such-school")
        .iter()
        .all(|e| e.school.is_none()));
}

/// A hand-made school of the secondary pool with the given results indices (None = no index
/// that year) over 2023–2025.
fn school(id: &str, name: &str, indices: [Option<f64>; 3]) -> SchoolResult {
    SchoolResult {
        school_id: id.into(),
        school_name: name.into(),
        municipality: "г. Приморск".into(),
        school_type: SchoolType::Secondary,
        pool: Some("secondary".into()),
        excluded: None,
        results_category: Some(ResultsCategory::Middle),
        social_category: Some(SocialCategory::Neutral),
        years: YearMap(
            [2023, 2024, 2025]
                .into_iter()
                .zip(indices)
                .map(|(y, v)| {
                    (
                        y,
                        YearResult {
                            results_index: v,
                            social_index: Some(0.5),
                            ..YearResult::default()
                        },
                    )
                })
                .collect(),
        ),
        partners: Vec::new(),
        resilient: false,
        context_resilient: false,
    }
}

fn hand_made() -> Identification {
    let mut excluded = school("x", "Исключённая", [Some(0.0), Some(0.5), Some(1.0)]);
    excluded.excluded = Some("начальная школа".into());
    excluded.pool = None;
    excluded.results_category = None;
    excluded.social_category = None;
    Identification {
        params: Params::default(),
        years: vec![2023, 2024, 2025],
        schools: vec![
            school("riser", "Растущая", [Some(0.2), Some(0.3), Some(0.5)]),
            school("plateau", "С площадкой", [Some(0.4), Some(0.4), Some(0.45)]),
            // The largest total rise, but it fell in 2025.
            school("dip", "С провалом", [Some(0.1), Some(0.8), Some(0.7)]),
            school("flat", "Ровная", [Some(0.3), Some(0.3), Some(0.3)]),
            school("gap", "С пропуском", [Some(0.1), None, Some(0.9)]),
            school("falls", "Снижающаяся", [Some(0.9), Some(0.5), Some(0.1)]),
            // Same rise as «Растущая»: ranked after it by name.
            school("twin", "Также растущая", [Some(0.2), Some(0.3), Some(0.5)]),
            excluded,
        ],
        summary: Summary::default(),
        pools: Vec::new(),
        regional_means: BTreeMap::new(),
        notes: Vec::new(),
        context: Default::default(),
    }
}

#[test]
fn stable_improvement_keeps_monotone_risers_and_drops_dips() {
    let r = hand_made();
    let list = stable_improvement(&r, 10);
    assert_eq!(
        list.iter()
            .map(|i| i.school.school_id.as_str())
            .collect::<Vec<_>>(),
        vec!["riser", "twin", "plateau"]
    );
    let top = &list[0];
    assert_eq!(top.first, 0.2);
    assert_eq!(top.last, 0.5);
    assert_eq!(top.rise, 0.5 - 0.2);
    assert_eq!(top.indices, vec![(2023, 0.2), (2024, 0.3), (2025, 0.5)]);
    assert_eq!(top.pool, "secondary");
    assert_eq!(top.pool_label, "Средние школы");
    assert_eq!(stable_improvement(&r, 1).len(), 1);
    assert!(stable_improvement(&r, 0).is_empty());
    let mut one_year = r.clone();
    one_year.years = vec![2025];
    assert!(stable_improvement(&one_year, 10).is_empty());
    assert!(READING.contains("ни разу не снижался"));
}

#[test]
fn stable_improvement_on_the_demo_region_is_monotone_and_ranked() {
    let r = demo_run(&Params::default());
    let all = stable_improvement(&r, usize::MAX);
    for i in &all {
        assert_eq!(i.indices.len(), r.years.len());
        assert!(i.indices.windows(2).all(|w| w[1].1 >= w[0].1));
        assert!(i.rise > 0.0);
        let s = r.school(&i.school.school_id).expect("in the run");
        assert!(s.excluded.is_none());
    }
    assert!(all.windows(2).all(|w| w[0].rise >= w[1].rise));
    assert_eq!(
        stable_improvement(&r, 5),
        all.iter().take(5).cloned().collect::<Vec<_>>()
    );
    let lines = read_csv(&improvement_csv(&all));
    assert_eq!(lines.len(), 1 + all.len());
}

/// Reads a CSV written for Excel with the `csv` crate (BOM dropped, `;`), removing the
/// formula guard the way the importer does.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let body = text.strip_prefix('\u{feff}').expect("a BOM");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| {
            r.expect("well-formed CSV")
                .iter()
                .map(|cell| match cell.strip_prefix('\'') {
                    Some(rest) if rest.starts_with(GUARDED) => rest.to_string(),
                    _ => cell.to_string(),
                })
                .collect()
        })
        .collect()
}

/// A value rounded as the screen shows an index.
fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn number(cell: &str) -> Option<f64> {
    parse_number(cell).expect("a number")
}

#[test]
fn csv_exports_survive_hostile_names_and_keep_numbers() {
    let hostile = [
        "Школа; с точкой с запятой",
        "Школа \"Успех\"",
        "=HYPERLINK(\"http://x\")",
        "+7 школа",
        "-школа",
        "@школа",
        "'апостроф",
        " пробелы ",
        "две\r\nстроки",
    ];
    let mut r = hand_made();
    while r.schools.len() < hostile.len() {
        let id = format!("extra-{}", r.schools.len());
        r.schools
            .push(school(&id, "", [Some(0.1), Some(0.2), Some(0.3)]));
    }
    for (s, name) in r.schools.iter_mut().zip(hostile) {
        s.school_name = name.to_string();
        s.municipality = format!("=M;{name}");
    }
    let list = stable_improvement(&r, 10);
    let lines = read_csv(&improvement_csv(&list));
    assert_eq!(lines.len(), 1 + list.len());
    assert_eq!(
        lines[0],
        vec![
            "Место",
            "Муниципалитет",
            "Идентификатор школы",
            "Школа",
            "Группа школ",
            "Индекс результатов 2023",
            "Индекс результатов 2024",
            "Индекс результатов 2025",
            "Прирост индекса",
        ]
    );
    for (line, i) in lines[1..].iter().zip(&list) {
        assert_eq!(line[1], i.school.municipality);
        assert_eq!(line[3], i.school.school_name);
        assert_eq!(number(&line[5]), Some(round3(i.indices[0].1)));
        // As the screen shows it, three decimals: 0.5 − 0.2 reads «0,3», not
        // «0,30000000000000004».
        assert_eq!(number(&line[8]), Some(round3(i.rise)));
        assert!(
            line[8].split(',').nth(1).is_none_or(|d| d.len() <= 3),
            "{}",
            line[8]
        );
    }

    // The comparison: every hostile school changes category.
    let mut b = r.clone();
    for s in &mut b.schools {
        if s.results_category.is_some() {
            s.results_category = Some(ResultsCategory::Low);
        }
    }
    b.schools
        .push(school("only-b", "=1+1; \"b\"", [None, None, None]));
    let c = compare(&r, &b);
    let lines = read_csv(&comparison_csv(&c));
    assert_eq!(lines[0].len(), 8);
    assert_eq!(lines[0][0], "Муниципалитет");
    assert_eq!(lines.len(), 1 + c.changed.len() + 1);
    assert!(lines.iter().all(|l| l.len() == 8));
    let names: BTreeSet<&str> = lines[1..].iter().map(|l| l[2].as_str()).collect();
    for s in r.schools.iter().filter(|s| s.results_category.is_some()) {
        assert!(
            names.contains(s.school_name.as_str()),
            "{:?}",
            s.school_name
        );
    }
    assert!(names.contains("=1+1; \"b\""));
    assert_eq!(lines[lines.len() - 1][7], "только во втором расчёте");

    // The cross-table's school list.
    let t = cross_table(&b);
    let lines = read_csv(&cross_table_schools_csv(&t));
    assert_eq!(lines.len(), 1 + t.total);
    assert!(lines[1..]
        .iter()
        .all(|l| l[1] == "only-b" || l[0].starts_with("=M;")));
}

#[test]
fn results_serialise_and_read_back() {
    let a = demo_run(&Params::default());
    let b = demo_run(&wider_bands());
    let c = compare(&a, &b);
    let json = serde_json::to_string(&c).expect("serialises");
    assert_eq!(serde_json::from_str::<Comparison>(&json).expect("reads"), c);
    let t = cross_table(&a);
    let json = serde_json::to_string(&t).expect("serialises");
    assert_eq!(serde_json::from_str::<CrossTable>(&json).expect("reads"), t);
    let i = stable_improvement(&a, 10);
    let json = serde_json::to_string(&i).expect("serialises");
    assert_eq!(
        serde_json::from_str::<Vec<Improvement>>(&json).expect("reads"),
        i
    );
    let h = history(&[("r", "d", &a)], &a.schools[0].school_id);
    let json = serde_json::to_string(&h).expect("serialises");
    assert_eq!(
        serde_json::from_str::<Vec<HistoryEntry>>(&json).expect("reads"),
        h
    );
}

/// Splits a CSV written for Excel into cells (no quoted separators in these tests).
fn csv_cells(text: &str) -> Vec<Vec<String>> {
    text.trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect()
}

#[test]
fn a_list_csv_has_a_line_per_school_with_its_indices_and_weakest_components() {
    let r = demo_run(&Params::default());
    let year = *r.years.last().expect("a window");
    let low: Vec<&SchoolResult> = r
        .schools
        .iter()
        .filter(|s| s.results_category == Some(ResultsCategory::Low))
        .collect();
    assert!(!low.is_empty());
    let cells = read_csv(&school_list_csv(&r, &low, year));
    assert_eq!(cells.len(), low.len() + 1);
    let mut partnered = 0;
    assert_eq!(cells[0][0], "Муниципалитет");
    assert_eq!(
        cells[0][8],
        format!("Индекс образовательных результатов {year}")
    );
    for (line, s) in cells[1..].iter().zip(&low) {
        assert_eq!(line[1], s.school_id);
        assert_eq!(line[5], ResultsCategory::Low.label());
        let index = s.years.get(&year).and_then(|y| y.results_index);
        let read = parse_number(&line[8]).expect("a number");
        assert_eq!(read, index.map(round3), "three decimals, as on the page");
        let pool = s.pool.as_deref().expect("a ШНРО has a pool");
        let label = &r
            .params
            .pools
            .iter()
            .find(|p| *p.id == *pool)
            .expect("a pool")
            .label;
        assert_eq!(line[4], *label, "the pool by its label, not «{pool}»");
        if let Some(p) = s.partners.first().and_then(|p| r.school(p)) {
            assert!(
                line[11].starts_with(&format!(
                    "{} ({}, {})",
                    p.school_name, p.school_id, p.municipality
                )),
                "{}",
                line[11]
            );
            partnered += 1;
        }
        if let Some(first) = s.years.get(&year).and_then(|y| y.weakest.ids().next()) {
            let label = &crate::domain::method::identify::method::method()
                .result_component(first)
                .expect("known")
                .label;
            assert!(line[10].contains(label.as_str()), "{}", line[10]);
        }
    }
    assert!(partnered > 0, "the demo's ШНРО have partners");
}

#[test]
fn the_municipality_csv_adds_up_to_the_overall_counts() {
    let r = demo_run(&Params::default());
    let cells = csv_cells(&municipalities_csv(&r));
    assert_eq!(cells.len(), r.summary.municipalities.len() + 1);
    let col = |i: usize| -> usize {
        cells[1..]
            .iter()
            .map(|l| l[i].parse::<usize>().expect("a count"))
            .sum()
    };
    let o = &r.summary.overall;
    assert_eq!(col(2), o.assessed);
    assert_eq!(col(3), o.results[&ResultsCategory::Low].count);
    assert_eq!(col(6), o.social[&SocialCategory::Unfavourable].count);
}
