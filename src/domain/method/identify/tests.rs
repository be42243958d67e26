//! Tests of the whole method on a worked example computed by hand, and its edge cases.

use super::*;
use crate::domain::contract::row::{Row, SchoolType};

const EPS: f64 = 1e-12;

fn row(id: &str, muni: &str, t: SchoolType, year: i32) -> Row {
    Row::new(id, &format!("Школа {id}"), muni, t, year)
}

/// The worked example.
///
/// Five secondary schools A, B, C, D, H (band size ceil(0.25 × 5) = 2), one basic school G,
/// one primary school E (excluded). Municipalities: A, B, C in «Север»; D, H, G, E in «Юг».
///
/// 2019, only ege_no_cert_pct (inverse, min 0, max 20):
///   A 0 → 1, B 10 → 0.5, C 20 → 0, D 5 → 0.75, H 2 → 0.9.  Low: C, B.  High: A, H.
///   Social, deviant_pct (direct, min 1, max 5): A 1 → 0, B 2 → 0.25, C 5 → 1, D 4 → 0.75,
///   H 5 → 1. Unfavourable: C, H (tied at rank 1; D has rank 3). Favourable: A, B.
/// 2020, only ege_no_cert_pct: A 0 → 1, B 8 → 0.6, C 20 → 0, D 12 → 0.4, H 2 → 0.9.
///   Low: C, D. High: A, H. No social data: no social index for anyone.
/// 2021:
///   ege_no_cert_pct (inverse, 0..20): A 0 → 1, B 10 → .5, C 20 → 0, D 15 → .25, H 2 → .9
///   ege_rus_80plus_pct (direct, 0..25): A 20 → .8, B 10 → .4, C 0 → 0, D 5 → .2, H 25 → 1
///   ege_rus_mean with ege_participants — regional mean over all eligible schools, all pools
///   (E is excluded and does not count): (70·10 + 60·10 + 25·20 + 50·10 + 75·20) / 70
///   = 3800 / 70 ≈ 54.2857. Flagged (weak) if below it by more than 20: only C (25).
///   Gap enters as 1 − flag: A 1, B 1, C 0, D 1, H has no mean.
///   Index: A (1 + .8 + 1)/3 = 0.9333…, B (.5 + .4 + 1)/3 = 0.6333…, C 0,
///   D (.25 + .2 + 1)/3 = 0.48333…, H (.9 + 1)/2 = 0.95.  Low: C, D. High: H, A.
///   Social: deviant_pct A 1, B 2, C 5, D 4, H 5 → 0, .25, 1, .75, 1;
///   free_meals_pct A 10, B 20, C 30, D 50, H 50 → 0, .25, .5, 1, 1;
///   index A 0, B .25, C .75, D .875, H 1. Unfavourable: H, D. Favourable: A, B.
///   G alone in the basic pool: gap 1 (75 is above the mean), index 1, a pool of one → middle.
///
/// Categories: A high/high/high → high; H high/high/high → high; C low ×3 → ШНРО;
/// D middle/low/low → группа риска; B low/middle/middle → middle; G –/–/middle → insufficient.
/// Social (≥ 2 of 3): A, B favourable; H unfav/–/unfav → ШНСУ; C unfav/–/neutral and
/// D neutral/–/unfav → insufficient; G insufficient. H is resilient.
fn worked_example() -> Vec<Row> {
    use SchoolType::*;
    let mut rows = Vec::new();
    let n = |id, muni| row(id, muni, Secondary, 2019);
    for (id, muni, no_cert, deviant) in [
        ("A", "Север", 0.0, 1.0),
        ("B", "Север", 10.0, 2.0),
        ("C", "Север", 20.0, 5.0),
        ("D", "Юг", 5.0, 4.0),
        ("H", "Юг", 2.0, 5.0),
    ] {
        rows.push(
            n(id, muni)
                .with("ege_no_cert_pct", no_cert)
                .with("deviant_pct", deviant),
        );
    }
    for (id, muni, no_cert) in [
        ("A", "Север", 0.0),
        ("B", "Север", 8.0),
        ("C", "Север", 20.0),
        ("D", "Юг", 12.0),
        ("H", "Юг", 2.0),
    ] {
        rows.push(row(id, muni, Secondary, 2020).with("ege_no_cert_pct", no_cert));
    }
    for (id, muni, no_cert, r80, rus, part, deviant, meals) in [
        ("A", "Север", 0.0, 20.0, Some(70.0), Some(10.0), 1.0, 10.0),
        ("B", "Север", 10.0, 10.0, Some(60.0), Some(10.0), 2.0, 20.0),
        ("C", "Север", 20.0, 0.0, Some(25.0), Some(20.0), 5.0, 30.0),
        ("D", "Юг", 15.0, 5.0, Some(50.0), Some(10.0), 4.0, 50.0),
        ("H", "Юг", 2.0, 25.0, None, None, 5.0, 50.0),
    ] {
        let mut r = row(id, muni, Secondary, 2021)
            .with("ege_no_cert_pct", no_cert)
            .with("ege_rus_80plus_pct", r80)
            .with("deviant_pct", deviant)
            .with("free_meals_pct", meals);
        if let (Some(rus), Some(part)) = (rus, part) {
            r = r.with("ege_rus_mean", rus).with("ege_participants", part);
        }
        rows.push(r);
    }
    rows.push(
        row("G", "Юг", Basic, 2021)
            .with("ege_rus_mean", 75.0)
            .with("ege_participants", 20.0),
    );
    rows.push(
        row("E", "Юг", Primary, 2021)
            .with("ege_rus_mean", 10.0)
            .with("ege_participants", 100.0),
    );
    rows
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < EPS)
}

fn year<'a>(r: &'a Identification, id: &str, y: i32) -> &'a YearResult {
    &r.school(id).unwrap_or_else(|| panic!("school {id}")).years[&y]
}

#[test]
fn worked_example_indices() {
    let r = identify(&worked_example(), &Params::default()).unwrap();
    assert_eq!(r.years, vec![2019, 2020, 2021]);
    // 2019 and 2020: the index is the single normalised component.
    for (id, v) in [("A", 1.0), ("B", 0.5), ("C", 0.0), ("D", 0.75), ("H", 0.9)] {
        assert!(
            close(year(&r, id, 2019).results_index, v),
            "{id} 2019: {:?}",
            year(&r, id, 2019).results_index
        );
    }
    for (id, v) in [("A", 1.0), ("B", 0.6), ("C", 0.0), ("D", 0.4), ("H", 0.9)] {
        assert!(close(year(&r, id, 2020).results_index, v), "{id} 2020");
        assert_eq!(
            year(&r, id, 2020).social_index,
            None,
            "{id} has no social data in 2020"
        );
    }
    for (id, v) in [
        ("A", 2.8 / 3.0),
        ("B", 1.9 / 3.0),
        ("C", 0.0),
        ("D", 1.45 / 3.0),
        ("H", 0.95),
    ] {
        assert!(
            close(year(&r, id, 2021).results_index, v),
            "{id} 2021: {:?}",
            year(&r, id, 2021).results_index
        );
    }
    for (id, v) in [
        ("A", 0.0),
        ("B", 0.25),
        ("C", 0.75),
        ("D", 0.875),
        ("H", 1.0),
    ] {
        assert!(
            close(year(&r, id, 2021).social_index, v),
            "{id} social 2021"
        );
    }
    let c = &year(&r, "C", 2021).components;
    assert_eq!(
        c.get("ege_gap"),
        Some(0.0),
        "C is more than 20 points below the regional mean"
    );
    assert_eq!(
        year(&r, "H", 2021).components.get("ege_gap"),
        None,
        "H has no ЕГЭ mean"
    );
    let mean = &r.regional_means["2021"]["ege_rus_mean"];
    assert!(
        (mean.value - 3800.0 / 70.0).abs() < EPS,
        "excluded school E must not count: {}",
        mean.value
    );
    assert_eq!(mean.source, "computed");
    assert!(close(year(&r, "G", 2021).results_index, 1.0));
}

#[test]
fn worked_example_bands_and_categories() {
    use ResultsBand as RB;
    use SocialBand as SB;
    let r = identify(&worked_example(), &Params::default()).unwrap();
    let bands = |id: &str| -> Vec<Option<RB>> {
        [2019, 2020, 2021]
            .iter()
            .map(|&y| {
                r.school(id)
                    .unwrap()
                    .years
                    .get(&y)
                    .and_then(|v| v.results_band)
            })
            .collect()
    };
    assert_eq!(bands("A"), vec![Some(RB::High); 3]);
    assert_eq!(bands("H"), vec![Some(RB::High); 3]);
    assert_eq!(bands("C"), vec![Some(RB::Low); 3]);
    assert_eq!(
        bands("D"),
        vec![Some(RB::Middle), Some(RB::Low), Some(RB::Low)]
    );
    assert_eq!(
        bands("B"),
        vec![Some(RB::Low), Some(RB::Middle), Some(RB::Middle)]
    );
    assert_eq!(
        bands("G"),
        vec![None, None, Some(RB::Middle)],
        "a pool of one is in the middle"
    );
    assert_eq!(year(&r, "C", 2019).social_band, Some(SB::Unfavourable));
    assert_eq!(
        year(&r, "H", 2019).social_band,
        Some(SB::Unfavourable),
        "tied with C at rank 1"
    );
    assert_eq!(year(&r, "D", 2019).social_band, Some(SB::Neutral));
    assert_eq!(year(&r, "D", 2021).social_band, Some(SB::Unfavourable));

    let cat = |id: &str| {
        (
            r.school(id).unwrap().results_category,
            r.school(id).unwrap().social_category,
        )
    };
    assert_eq!(
        cat("A"),
        (
            Some(ResultsCategory::High),
            Some(SocialCategory::Favourable)
        )
    );
    assert_eq!(
        cat("B"),
        (
            Some(ResultsCategory::Middle),
            Some(SocialCategory::Favourable)
        )
    );
    assert_eq!(
        cat("C"),
        (
            Some(ResultsCategory::Low),
            Some(SocialCategory::Insufficient)
        )
    );
    assert_eq!(
        cat("D"),
        (
            Some(ResultsCategory::Risk),
            Some(SocialCategory::Insufficient)
        )
    );
    assert_eq!(
        cat("H"),
        (
            Some(ResultsCategory::High),
            Some(SocialCategory::Unfavourable)
        )
    );
    assert_eq!(
        cat("G"),
        (
            Some(ResultsCategory::Insufficient),
            Some(SocialCategory::Insufficient)
        )
    );
    assert!(r.school("H").unwrap().resilient);
    assert!(!r.school("A").unwrap().resilient);

    let e = r.school("E").unwrap();
    assert_eq!(
        e.excluded.as_deref(),
        Some("исключена из идентификации: начальная школа")
    );
    assert_eq!(
        (e.results_category, e.social_category, e.pool.as_deref()),
        (None, None, None)
    );
    assert!(e.years.is_empty());
}

#[test]
fn worked_example_explanations_partners_summary() {
    let r = identify(&worked_example(), &Params::default()).unwrap();
    // A's ege_high (.8) is below its own index (.933) but above the pool's median (.4): A
    // does better there than most of its group, so nothing lowered its index against the
    // group. D's two components are below both its index (.483) and the medians (.4, .5).
    assert!(year(&r, "A", 2021).weakest.is_empty());
    assert!(year(&r, "H", 2021).weakest.is_empty());
    assert_eq!(year(&r, "D", 2021).weakest, vec!["ege_high", "ege_no_cert"]);
    assert!(
        year(&r, "C", 2021).weakest.is_empty(),
        "no component is below an index of 0"
    );
    // Same municipality first, then the nearest social index.
    assert_eq!(r.school("C").unwrap().partners, vec!["A", "H"]);
    assert_eq!(r.school("D").unwrap().partners, vec!["H", "A"]);
    assert!(r.school("B").unwrap().partners.is_empty());

    let o = &r.summary.overall;
    assert_eq!((o.schools, o.excluded, o.assessed), (7, 1, 6));
    let count = |c| o.results[&c].count;
    assert_eq!(
        [
            ResultsCategory::Low,
            ResultsCategory::Risk,
            ResultsCategory::High,
            ResultsCategory::Middle,
            ResultsCategory::Insufficient
        ]
        .map(count),
        [1, 1, 2, 1, 1]
    );
    assert!((o.results[&ResultsCategory::High].share - 2.0 / 6.0).abs() < EPS);
    assert_eq!(o.social[&SocialCategory::Unfavourable].count, 1);
    assert_eq!(o.social[&SocialCategory::Favourable].count, 2);
    assert_eq!(o.social[&SocialCategory::Insufficient].count, 3);
    assert_eq!(o.resilient.count, 1);
    let north = &r.summary.municipalities["Север"];
    assert_eq!(
        (north.assessed, north.results[&ResultsCategory::Low].count),
        (3, 1)
    );
    let south = &r.summary.municipalities["Юг"];
    assert_eq!((south.schools, south.excluded, south.assessed), (4, 1, 3));

    let pool = r
        .pools
        .iter()
        .find(|p| p.pool == "secondary" && p.year == 2021)
        .unwrap();
    assert_eq!(
        (pool.schools, pool.results_ranked, pool.results_band_size),
        (5, 5, 2)
    );
}

#[test]
fn social_rule_last_or_all_is_stricter() {
    let p = Params {
        social_rule: SocialRule::LastOrAll,
        ..Params::default()
    };
    let r = identify(&worked_example(), &p).unwrap();
    // H: unfavourable in 2019 and 2021 but not in 2020 (no index): neither the last 2 nor all 3.
    assert_eq!(
        r.school("H").unwrap().social_category,
        Some(SocialCategory::Insufficient)
    );
    assert!(!r.school("H").unwrap().resilient);
}

#[test]
fn ties_at_the_cut_are_all_in_the_band() {
    use SchoolType::Secondary;
    // 6 schools, band size 2; three tie at the bottom.
    let rows: Vec<Row> = [
        ("a", 20.0),
        ("b", 20.0),
        ("c", 20.0),
        ("d", 5.0),
        ("e", 0.0),
        ("f", 1.0),
    ]
    .iter()
    .map(|(id, v)| row(id, "М", Secondary, 2021).with("ege_no_cert_pct", *v))
    .collect();
    let r = identify(
        &rows,
        &Params {
            years: vec![2021],
            window: 1,
            risk_years: 1,
            social_min_years: 1,
            ..Params::default()
        },
    )
    .unwrap();
    for id in ["a", "b", "c"] {
        assert_eq!(
            year(&r, id, 2021).results_band,
            Some(ResultsBand::Low),
            "{id}"
        );
        assert_eq!(
            r.school(id).unwrap().results_category,
            Some(ResultsCategory::Low)
        );
    }
    assert_eq!(year(&r, "d", 2021).results_band, Some(ResultsBand::Middle));
    assert_eq!(year(&r, "e", 2021).results_band, Some(ResultsBand::High));
    assert_eq!(year(&r, "f", 2021).results_band, Some(ResultsBand::High));
}

#[test]
fn max_equal_to_min_drops_the_column_for_that_pool_year() {
    use SchoolType::Secondary;
    // Everybody has 0 % without a certificate: the column says nothing and is dropped;
    // the index rests on the 80+ share alone.
    let rows: Vec<Row> = [("a", 10.0), ("b", 30.0), ("c", 20.0)]
        .iter()
        .map(|(id, v)| {
            row(id, "М", Secondary, 2021)
                .with("ege_no_cert_pct", 0.0)
                .with("ege_rus_80plus_pct", *v)
        })
        .collect();
    let r = identify(&rows, &Params::default()).unwrap();
    assert!(close(year(&r, "a", 2021).results_index, 0.0));
    assert!(close(year(&r, "c", 2021).results_index, 0.5));
    assert!(close(year(&r, "b", 2021).results_index, 1.0));
    assert!(!year(&r, "a", 2021).components.contains_key("ege_no_cert"));
    let pool = r.pools.iter().find(|p| p.year == 2021).unwrap();
    assert_eq!(pool.dropped, vec!["ege_no_cert_pct"]);
}

#[test]
fn a_school_without_results_data_has_no_index_and_is_insufficient() {
    use SchoolType::Secondary;
    let mut rows = Vec::new();
    for y in [2019, 2020, 2021] {
        rows.push(row("a", "М", Secondary, y).with("ege_no_cert_pct", 10.0));
        rows.push(row("b", "М", Secondary, y).with("ege_no_cert_pct", 0.0));
        rows.push(row("c", "М", Secondary, y).with("ege_no_cert_pct", 5.0));
        rows.push(row("d", "М", Secondary, y).with("ege_no_cert_pct", 7.0));
    }
    // e has rows but only social data in 2020, and no row at all in 2019.
    rows.push(row("e", "М", Secondary, 2020).with("deviant_pct", 3.0));
    rows.push(row("e", "М", Secondary, 2021).with("ege_no_cert_pct", 20.0));
    let r = identify(&rows, &Params::default()).unwrap();
    let e = r.school("e").unwrap();
    assert!(!e.years.contains_key(&2019));
    assert_eq!(e.years[&2020].results_index, None);
    assert_eq!(e.years[&2020].results_band, None);
    assert_eq!(e.years[&2021].results_band, Some(ResultsBand::Low));
    assert_eq!(e.results_category, Some(ResultsCategory::Insufficient));
    // 2019–2020: 4 ranked schools (e has no index), band size 1: a (10 %) is lowest.
    // 2021: 5 ranked schools, band size ceil(1.25) = 2: e (20 %) and a (10 %). So a is ШНРО.
    let pool = |y| r.pools.iter().find(|p| p.year == y).unwrap();
    assert_eq!(
        (
            pool(2020).schools,
            pool(2020).results_ranked,
            pool(2020).results_band_size
        ),
        (5, 4, 1)
    );
    assert_eq!(
        (pool(2021).results_ranked, pool(2021).results_band_size),
        (5, 2)
    );
    assert_eq!(
        r.school("a").unwrap().results_category,
        Some(ResultsCategory::Low)
    );
}

#[test]
fn a_window_longer_than_the_data_is_padded_and_noted() {
    use SchoolType::Secondary;
    let rows: Vec<Row> = [2020, 2021]
        .iter()
        .flat_map(|&y| {
            [("a", 10.0), ("b", 0.0)]
                .map(|(id, v)| row(id, "М", Secondary, y).with("ege_no_cert_pct", v))
        })
        .collect();
    let r = identify(&rows, &Params::default()).unwrap();
    assert_eq!(r.years, vec![2019, 2020, 2021]);
    assert!(
        r.notes.iter().any(|n| n.contains("2 из 3 лет")),
        "{:?}",
        r.notes
    );
    // a is low in 2020 and 2021 — a risk school; ШНРО needs all three years.
    assert_eq!(
        r.school("a").unwrap().results_category,
        Some(ResultsCategory::Risk)
    );
    assert_eq!(
        r.school("b").unwrap().results_category,
        Some(ResultsCategory::Insufficient)
    );
}

#[test]
fn given_years_limit_the_window_and_rows_outside_are_noted() {
    use SchoolType::Secondary;
    let rows: Vec<Row> = (2017..=2021)
        .flat_map(|y| {
            [("a", 10.0), ("b", 0.0)]
                .map(|(id, v)| row(id, "М", Secondary, y).with("ege_no_cert_pct", v))
        })
        .collect();
    let r = identify(
        &rows,
        &Params {
            years: vec![2018, 2019, 2020],
            ..Params::default()
        },
    )
    .unwrap();
    assert_eq!(r.years, vec![2018, 2019, 2020]);
    assert!(
        r.notes.iter().any(|n| n.contains("2017, 2021")),
        "{:?}",
        r.notes
    );
    assert_eq!(r.school("a").unwrap().years.len(), 3);
    assert_eq!(
        r.school("a").unwrap().results_category,
        Some(ResultsCategory::Low)
    );
    // Default window: the three most recent years.
    let r = identify(&rows, &Params::default()).unwrap();
    assert_eq!(r.years, vec![2019, 2020, 2021]);
}

#[test]
fn gap_flag_is_strict_and_official_means_override() {
    use SchoolType::Secondary;
    // Regional mean (weighted): (60·10 + 40·10) / 20 = 50. b is exactly 10 below: with a
    // threshold of 10 it is not flagged («более чем»); with an official mean of 50.5 it is.
    let rows = vec![
        row("a", "М", Secondary, 2021)
            .with("ege_rus_mean", 60.0)
            .with("ege_participants", 10.0),
        row("b", "М", Secondary, 2021)
            .with("ege_rus_mean", 40.0)
            .with("ege_participants", 10.0),
        // No participants: left out of the mean, but still flagged against it.
        row("c", "М", Secondary, 2021).with("ege_rus_mean", 20.0),
    ];
    let mut p = Params::default();
    p.gap_thresholds.insert("ege_rus_mean".into(), 10.0);
    let r = identify(&rows, &p).unwrap();
    assert!((r.regional_means["2021"]["ege_rus_mean"].value - 50.0).abs() < EPS);
    assert!(close(year(&r, "b", 2021).results_index, 1.0));
    assert!(close(year(&r, "c", 2021).results_index, 0.0));
    p.regional_means.insert(
        "2021".into(),
        [("ege_rus_mean".to_string(), 50.5)].into_iter().collect(),
    );
    let r = identify(&rows, &p).unwrap();
    assert_eq!(r.regional_means["2021"]["ege_rus_mean"].source, "official");
    assert!(close(year(&r, "b", 2021).results_index, 0.0));
}

#[test]
fn variants_are_averaged_and_basic_maths_uses_its_own_threshold() {
    use SchoolType::Secondary;
    // Base maths regional mean (weighted): (4.5·10 + 3.5·10 + 4·0) / 20 = 4.0 — b is 0.5 below,
    // never more than 4: base maths is not flagged. Russian: mean (80·10 + 50·10)/20 = 65; b at
    // 50 is 15 below: not flagged at 20. Below-min shares: rus a 0 b 10 → a 1, b 0; maths
    // a 5 b 5 → dropped (max = min). So b's «ege_below_min» = 0 (only the Russian variant).
    let rows = vec![
        row("a", "М", Secondary, 2021)
            .with("ege_participants", 10.0)
            .with("ege_rus_mean", 80.0)
            .with("ege_math_base_mean", 4.5)
            .with("ege_rus_below_min_pct", 0.0)
            .with("ege_math_below_min_pct", 5.0),
        row("b", "М", Secondary, 2021)
            .with("ege_participants", 10.0)
            .with("ege_rus_mean", 50.0)
            .with("ege_math_base_mean", 3.5)
            .with("ege_rus_below_min_pct", 10.0)
            .with("ege_math_below_min_pct", 5.0),
    ];
    let r = identify(&rows, &Params::default()).unwrap();
    let b = year(&r, "b", 2021);
    assert_eq!(b.components.get("ege_below_min"), Some(0.0));
    assert_eq!(b.components.get("ege_gap"), Some(1.0));
    assert!(close(b.results_index, 0.5));
}

#[test]
fn school_type_of_the_latest_year_decides_pool_and_exclusion() {
    let rows = vec![
        row("a", "М", SchoolType::Basic, 2020).with("oge_no_cert_pct", 1.0),
        row("a", "М", SchoolType::Secondary, 2021).with("ege_no_cert_pct", 1.0),
        row("b", "М", SchoolType::Secondary, 2020).with("ege_no_cert_pct", 1.0),
        row("b", "М", SchoolType::Adapted, 2021).with("ege_no_cert_pct", 1.0),
    ];
    let r = identify(&rows, &Params::default()).unwrap();
    assert_eq!(r.school("a").unwrap().pool.as_deref(), Some("secondary"));
    assert!(r.school("b").unwrap().excluded.is_some());
    assert!(
        r.notes.iter().any(|n| n.contains("тип менялся")),
        "{:?}",
        r.notes
    );
}

#[test]
fn evening_schools_form_their_own_pool_unless_parameters_join_them() {
    use SchoolType::*;
    let rows = vec![
        row("b1", "М", Basic, 2021).with("oge_no_cert_pct", 0.0),
        row("b2", "М", Basic, 2021).with("oge_no_cert_pct", 10.0),
        row("v1", "М", Evening, 2021).with("oge_no_cert_pct", 30.0),
    ];
    let r = identify(&rows, &Params::default()).unwrap();
    assert!(close(year(&r, "b2", 2021).results_index, 0.0));
    assert_eq!(
        year(&r, "v1", 2021).results_index,
        None,
        "alone in its pool: max = min, dropped"
    );
    let mut p = Params::default();
    p.pools.truncate(1);
    p.pools.push(Pool {
        id: "basic_evening".into(),
        label: "Основные и вечерние".into(),
        types: vec![Basic, Evening],
    });
    let r = identify(&rows, &p).unwrap();
    assert!(close(year(&r, "b2", 2021).results_index, 2.0 / 3.0));
    assert_eq!(
        r.school("v1").unwrap().pool.as_deref(),
        Some("basic_evening")
    );
}

#[test]
fn empty_input_and_bad_params_are_errors_not_panics() {
    assert_eq!(
        identify(&[], &Params::default()),
        Err(IdentifyError::NoData)
    );
    let p = Params {
        band_share: 0.0,
        ..Params::default()
    };
    let e = identify(&worked_example(), &p).unwrap_err();
    assert!(
        e.to_string()
            .contains("«Доля школ в нижней и верхней группе, %»"),
        "{e}"
    );
}

#[test]
fn partners_prefer_same_municipality_then_nearest_social_index() {
    use SchoolType::Secondary;
    // One low school L (municipality X, social 0.5 in the last year) and high schools:
    // h1 in X, h2/h3/h4 elsewhere with social distances 0.1, 0.3, 0.1 (h2 < h4 by id).
    let mut rows = Vec::new();
    for y in [2019, 2020, 2021] {
        rows.push(
            row("L", "X", Secondary, y)
                .with("ege_no_cert_pct", 50.0)
                .with("deviant_pct", 5.0),
        );
        for (id, muni, dev) in [
            ("h1", "X", 9.0),
            ("h2", "Y", 6.0),
            ("h3", "Z", 8.0),
            ("h4", "Z", 4.0),
        ] {
            rows.push(
                row(id, muni, Secondary, y)
                    .with("ege_no_cert_pct", 0.0)
                    .with("deviant_pct", dev),
            );
        }
        for (id, dev) in [
            ("m1", 0.0),
            ("m2", 10.0),
            ("m3", 10.0),
            ("m4", 10.0),
            ("m5", 10.0),
            ("m6", 10.0),
            ("m7", 10.0),
        ] {
            rows.push(
                row(id, "W", Secondary, y)
                    .with("ege_no_cert_pct", 10.0)
                    .with("deviant_pct", dev),
            );
        }
    }
    // 12 schools, band size 3; 4 tie at the top (0 % without a certificate) → all high.
    let r = identify(&rows, &Params::default()).unwrap();
    assert_eq!(
        r.school("L").unwrap().results_category,
        Some(ResultsCategory::Low)
    );
    assert_eq!(
        r.school("h4").unwrap().results_category,
        Some(ResultsCategory::High)
    );
    // Social index = deviant / 10: L 0.5; h2 0.6 (0.1), h4 0.4 (0.1), h3 0.8 (0.3).
    assert_eq!(r.school("L").unwrap().partners, vec!["h1", "h2", "h4"]);
}

#[test]
fn partners_take_stably_high_schools_elsewhere_before_latest_year_ones_nearby() {
    use SchoolType::Secondary;
    // L (municipality X) is ШНРО. Candidates: s2 stably high in X, s1 stably high in Y,
    // t1 high only in the latest year, in X. Eight schools: band size ceil(0.25 × 8) = 2,
    // ties at the cut all in the band.
    let mut rows = Vec::new();
    for y in [2019, 2020, 2021] {
        let t1 = if y == 2021 { 0.0 } else { 10.0 };
        for (id, muni, no_cert, dev) in [
            ("L", "X", 50.0, 5.0),
            ("s1", "Y", 0.0, 1.0),
            ("s2", "X", 0.0, 9.0),
            ("t1", "X", t1, 5.0),
            ("f1", "W", 10.0, 3.0),
            ("f2", "W", 15.0, 3.0),
            ("f3", "W", 20.0, 3.0),
            ("f4", "W", 30.0, 3.0),
        ] {
            rows.push(
                row(id, muni, Secondary, y)
                    .with("ege_no_cert_pct", no_cert)
                    .with("deviant_pct", dev),
            );
        }
    }
    let r = identify(&rows, &Params::default()).unwrap();
    let cat = |id: &str| r.school(id).unwrap().results_category;
    assert_eq!(cat("L"), Some(ResultsCategory::Low));
    assert_eq!(cat("s1"), Some(ResultsCategory::High));
    assert_eq!(cat("s2"), Some(ResultsCategory::High));
    assert_ne!(cat("t1"), Some(ResultsCategory::High));
    assert_eq!(
        r.school("t1").unwrap().years[&2021].results_band,
        Some(ResultsBand::High)
    );
    // Stably high first (same municipality, then elsewhere), then the latest-year tier.
    // Ordering by municipality first would give s2, t1, s1.
    assert_eq!(r.school("L").unwrap().partners, vec!["s2", "s1", "t1"]);
}
