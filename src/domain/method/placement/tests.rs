//! Placement against the run it was taken from (every school of two generated regions), and
//! the words, refusals and gaps on small hand-made regions.

use super::words::{difference, number, plain_label, range_text, value_text, with_comma};

use super::*;
use crate::domain::contract::row::SchoolType;
use crate::domain::demo::{region, DemoSpec};
use crate::domain::method::identify::{identify, ComponentValues, Pool};
use crate::domain::method::reference::reference_pools;
use std::collections::BTreeMap;

const REGION: &str = "Демонстрационный край";

/// The reference of a run on `rows`, through its JSON form (as a school receives it).
fn reference_of(
    rows: &[Row],
    params: &Params,
) -> (
    ReferencePayload,
    crate::domain::method::identify::Identification,
) {
    let ident = identify(rows, params).expect("identifies");
    let reference =
        ReferencePayload::new(REGION, &ident.years, params, &reference_pools(&ident, rows));
    let text = serde_json::to_string(&reference).expect("serialises");
    let back: ReferencePayload = serde_json::from_str(&text).expect("reads back");
    assert_eq!(back, reference, "the reference reads back exactly");
    (back, ident)
}

#[derive(Debug, Default)]
struct Seen {
    excluded: usize,
    school_years: usize,
    without_results: usize,
    without_social: usize,
    low: usize,
    high: usize,
    unfavourable: usize,
    favourable: usize,
    with_empty_cells: usize,
    /// Components the run names as weakest that the placement does not (the school is not
    /// below the group's middle there), and the components the placement names.
    weak_dropped: usize,
    weak_named: usize,
}

/// Places every school of the region by the run's reference with its own rows only and
/// checks that the placement is the run's, bit for bit.
fn every_school_agrees(rows: &[Row], params: &Params) -> Seen {
    let (reference, ident) = reference_of(rows, params);
    let mut own: BTreeMap<&str, Vec<Row>> = BTreeMap::new();
    for r in rows {
        own.entry(r.school_id.as_str()).or_default().push(r.clone());
    }
    let bits = |x: Option<f64>| x.map(f64::to_bits);
    let mut seen = Seen::default();
    for school in &ident.schools {
        let mine = &own[school.school_id.as_str()];
        let p = place(&reference, mine).expect("placed");
        let id = &school.school_id;
        assert_eq!(p.school_id, *id);
        assert_eq!(p.school_name, school.school_name, "{id}");
        assert_eq!(p.excluded, school.excluded, "{id}");
        assert_eq!(p.pool.as_deref(), school.pool.as_deref(), "{id}");
        assert_eq!(p.results_category, school.results_category, "{id}");
        assert_eq!(p.social_category, school.social_category, "{id}");
        if school.excluded.is_some() {
            seen.excluded += 1;
            assert!(p.years.is_empty() && p.missing.is_empty(), "{id}");
            continue;
        }
        assert_eq!(
            p.years.iter().map(|y| y.year).collect::<Vec<_>>(),
            school.years.iter().map(|(y, _)| y).collect::<Vec<_>>(),
            "{id}"
        );
        for (yp, (year, run)) in p.years.iter().zip(school.years.iter()) {
            let at = format!("{id} {year}");
            assert_eq!(bits(yp.results_index), bits(run.results_index), "{at}");
            assert_eq!(bits(yp.social_index), bits(run.social_index), "{at}");
            assert_eq!(yp.results_band, run.results_band, "{at}");
            assert_eq!(yp.social_band, run.social_band, "{at}");
            let values: Vec<f64> = yp
                .components
                .iter()
                .map(|c| c.value.unwrap_or(f64::NAN))
                .collect();
            assert_eq!(ComponentValues::from_slice(&values), run.components, "{at}");
            // The named components: below the index and below the group's middle, weakest
            // first, at most `weakest_max`; so every one of the run's weakest components that
            // is below the middle is named, and nothing the run does not find below the index.
            let weak: Vec<&str> = yp.weakest.iter().map(|w| w.component.as_str()).collect();
            let below_middle = |id: &str| {
                yp.components
                    .iter()
                    .find(|c| c.id == id)
                    .is_some_and(|c| c.variants.iter().any(VariantPlacement::below_middle))
            };
            let all_below: Vec<&str> = weakest_of(&values, yp.results_index, MAX_COMPONENTS)
                .ids()
                .collect();
            let expected: Vec<&str> = all_below
                .iter()
                .copied()
                .filter(|id| below_middle(id))
                .take(params.weakest_max)
                .collect();
            assert_eq!(weak, expected, "{at}");
            for id in run.weakest.ids() {
                assert_eq!(below_middle(id), weak.contains(&id), "{at} {id}");
            }
            seen.weak_dropped += run.weakest.ids().filter(|id| !below_middle(id)).count();
            seen.weak_named += weak.len();
            assert!(yp.weakest.iter().all(|w| w.sentence.ends_with('.')), "{at}");
            // The distances have the band's sign.
            match (
                yp.results_band,
                yp.distance_to_low_cut,
                yp.distance_to_high_cut,
            ) {
                (Some(ResultsBand::Low), Some(d), _) => assert!(d <= 1e-10, "{at}"),
                (Some(ResultsBand::High), _, Some(d)) => assert!(d >= -1e-10, "{at}"),
                _ => {}
            }
            seen.school_years += 1;
            seen.without_results += usize::from(yp.results_index.is_none());
            seen.without_social += usize::from(yp.social_index.is_none());
            seen.low += usize::from(yp.results_band == Some(ResultsBand::Low));
            seen.high += usize::from(yp.results_band == Some(ResultsBand::High));
            seen.unfavourable += usize::from(yp.social_band == Some(SocialBand::Unfavourable));
            seen.favourable += usize::from(yp.social_band == Some(SocialBand::Favourable));
            let row = mine.iter().find(|r| r.year == year).expect("row");
            seen.with_empty_cells += usize::from(row.values.filled() < row.values.len());
        }
        // Each window year is placed or said missing.
        for &year in &ident.years {
            assert!(
                p.years.iter().any(|y| y.year == year) || p.missing.iter().any(|m| m.year == year),
                "{id} {year}"
            );
        }
    }
    seen
}

#[test]
fn every_school_of_the_demonstration_region_is_placed_as_the_run_placed_it() {
    let rows = region(&DemoSpec::default());
    let seen = every_school_agrees(&rows, &Params::default());
    assert!(seen.excluded > 5, "{seen:?}");
    assert!(seen.school_years > 500, "{seen:?}");
    assert!(seen.low > 100 && seen.high > 100, "{seen:?}");
    assert!(seen.unfavourable > 100 && seen.favourable > 100, "{seen:?}");
    assert!(seen.with_empty_cells > 100, "{seen:?}");
    // The run names a component only below its pool-year's median, the placement only below
    // the reference's median decile: the same question, so the run leaves out almost nothing
    // the placement would not (the few left are at the median, where a decile of the reference
    // is rounded) — far fewer than one in twenty.
    assert!(seen.weak_named > 300, "{seen:?}");
    assert!(seen.weak_dropped * 20 < seen.weak_named, "{seen:?}");
}

#[test]
fn a_second_region_with_other_parameters_agrees_too() {
    let rows = region(&DemoSpec {
        schools: 420,
        municipalities: 7,
        years: vec![2020, 2021, 2022, 2023, 2024],
        seed: 99,
    });
    let mut params = Params {
        years: vec![2021, 2022, 2023, 2024],
        band_share: 0.3,
        weakest_max: 5,
        ..Params::default()
    };
    // Basic and evening schools ranked together; an official mean for one year; a stricter
    // threshold for OGE mathematics.
    params.pools = vec![
        Pool {
            id: "secondary".into(),
            label: "Средние школы".into(),
            types: vec![SchoolType::Secondary],
        },
        Pool {
            id: "basic_evening".into(),
            label: "Основные и вечерние школы".into(),
            types: vec![SchoolType::Basic, SchoolType::Evening],
        },
    ];
    params.regional_means.insert(
        "2023".into(),
        [
            ("oge_math_mean".to_string(), 3.7),
            ("ege_rus_mean".to_string(), 68.0),
        ]
        .into_iter()
        .collect(),
    );
    params.gap_thresholds.insert("oge_math_mean".into(), 0.5);
    assert_eq!(params.validate(), Ok(()));
    let seen = every_school_agrees(&rows, &params);
    assert!(seen.school_years > 1000, "{seen:?}");
    assert!(seen.excluded > 5, "{seen:?}");

    // A school of the region with a row outside the window hears it.
    let ident = identify(&rows, &params).unwrap();
    let school = ident.schools.iter().find(|s| s.excluded.is_none()).unwrap();
    let (reference, _) = reference_of(&rows, &params);
    let own: Vec<Row> = rows
        .iter()
        .filter(|r| r.school_id == school.school_id)
        .cloned()
        .collect();
    let p = place(&reference, &own).unwrap();
    let outside: Vec<&Missing> = p
        .missing
        .iter()
        .filter(|m| m.kind == MissingKind::OutsideWindow)
        .collect();
    assert_eq!(outside.len(), 1, "{:?}", p.missing);
    assert_eq!(outside[0].year, 2020);
    assert_eq!(
        outside[0].message,
        "Данные за 2020 год не учитываются: эталон описывает 2021–2024 годы."
    );
}

// ------------------------------------------------------------------ a small hand-made group

/// Ten secondary schools S0…S9: oge_math_2_pct 0, 2, …, 18; oge_math_5_pct 0, 3, …, 27;
/// oge_math_mean 4 with 10 participants (regional mean 4); deviant_pct 1…10. One year, 2025.
fn group() -> Vec<Row> {
    (0..10)
        .map(|i| {
            Row::new(
                &format!("S{i}"),
                &format!("Школа {i}"),
                "Север",
                SchoolType::Secondary,
                2025,
            )
            .with("oge_math_2_pct", 2.0 * i as f64)
            .with("oge_math_5_pct", 3.0 * i as f64)
            .with("oge_math_mean", 4.0)
            .with("oge_participants", 10.0)
            .with("deviant_pct", 1.0 + i as f64)
        })
        .collect()
}

fn group_reference() -> ReferencePayload {
    reference_of(&group(), &Params::default()).0
}

/// A school that was not in the run.
fn newcomer(year: i32) -> Row {
    Row::new("X", "Школа X", "Юг", SchoolType::Secondary, year)
}

#[test]
fn the_weakest_component_is_said_with_the_deciles_of_the_group() {
    let r = group_reference();
    assert_eq!(
        r.pools[0].quantiles["oge_math_2_pct"],
        vec![0.0, 0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0]
    );
    let x = newcomer(2025)
        .with("oge_math_2_pct", 12.5)
        .with("oge_math_5_pct", 27.0);
    let p = place(&r, &[x]).unwrap();
    assert_eq!(p.pool.as_deref(), Some("secondary"));
    assert_eq!(p.pool_label.as_deref(), Some("Средние школы"));
    let y = &p.years[0];
    // oge_fail: (18 − 12.5) / 18; oge_excellent: 1.
    let fail = (18.0 - 12.5) * (1.0 / 18.0);
    assert_eq!(y.results_index, Some((fail + 1.0) / 2.0));
    assert_eq!(y.weakest.len(), 1);
    assert_eq!(y.weakest[0].component, "oge_fail");
    // 7 of the 10 schools (0, 2, …, 12) have a lower share of «2».
    assert_eq!(
        y.weakest[0].sentence,
        "Доля участников ОГЭ, получивших оценку «2» по математике, — 12,5 %: выше, чем у 70 % школ группы."
    );
    let variant = &y.components[4].variants[1];
    assert_eq!(variant.better_share, Some(70));
    assert_eq!(variant.range, Some((0.0, 18.0)));

    // A direct indicator: a low share of «5» is lower than at most schools.
    let x = newcomer(2025)
        .with("oge_math_2_pct", 0.0)
        .with("oge_math_5_pct", 4.0);
    let y = &place(&r, &[x]).unwrap().years[0];
    assert_eq!(y.weakest[0].component, "oge_excellent");
    // Above 4: 6, 9, …, 27 — 8 of 10; the deciles certify 70 % (q[3] = 6 > 4: at least
    // (10 − 3) × 10 % above, whatever the size of the group — conservative).
    assert_eq!(
        y.weakest[0].sentence,
        "Доля участников ОГЭ, получивших оценку «5» по математике, — 4 %: ниже, чем у 70 % школ группы."
    );
}

#[test]
fn a_gap_below_the_regional_mean_is_said_with_the_mean_and_the_threshold() {
    let r = group_reference();
    assert_eq!(r.pools[0].regional_means["oge_math_mean"], 4.0);
    let x = newcomer(2025)
        .with("oge_math_2_pct", 0.0)
        .with("oge_math_mean", 2.8)
        .with("oge_participants", 20.0);
    let y = &place(&r, &[x]).unwrap().years[0];
    assert_eq!(y.results_index, Some(0.5));
    assert_eq!(y.weakest[0].component, "oge_gap");
    assert_eq!(
        y.weakest[0].sentence,
        "Средний балл ОГЭ по математике — 2,8: ниже среднего по региону (4) больше чем на 1."
    );
    // Within the threshold: no flag.
    let x = newcomer(2025)
        .with("oge_math_2_pct", 0.0)
        .with("oge_math_mean", 3.1);
    let y = &place(&r, &[x]).unwrap().years[0];
    assert_eq!(y.results_index, Some(1.0));
    assert!(y.weakest.is_empty());
}

#[test]
fn an_old_reference_without_deciles_reads_and_speaks_with_the_range() {
    let r = group_reference();
    let mut json = serde_json::to_value(&r).unwrap();
    for pool in json["pools"].as_array_mut().unwrap() {
        assert!(pool.as_object_mut().unwrap().remove("quantiles").is_some());
    }
    let old: ReferencePayload = serde_json::from_value(json).unwrap();
    assert!(old.pools[0].quantiles.is_empty());
    // Written again, still without the field.
    assert!(!serde_json::to_string(&old).unwrap().contains("quantiles"));
    let x = newcomer(2025)
        .with("oge_math_2_pct", 12.5)
        .with("oge_math_5_pct", 27.0);
    let y = &place(&old, std::slice::from_ref(&x)).unwrap().years[0];
    assert_eq!(y.components[4].variants[1].better_share, None);
    assert_eq!(
        y.weakest[0].sentence,
        "Доля участников ОГЭ, получивших оценку «2» по математике, — 12,5 %: в худшей половине диапазона группы (0–18 %)."
    );
    // The indices do not depend on the deciles.
    let with = place(&r, &[x]).unwrap();
    assert_eq!(with.years[0].results_index, y.results_index);
}

#[test]
fn min_max_directions_are_the_seeds() {
    // Inverse (share of «2»): 0 is the best of the group, 18 the worst; direct (share of
    // «5»): 27 is the best. Swapping formulas 1 and 2, or min and max, fails here.
    let r = group_reference();
    for (two, five, expected_fail, expected_excellent) in [
        (0.0, 27.0, 1.0, 1.0),
        (18.0, 0.0, 0.0, 0.0),
        (4.5, 6.75, 0.75, 0.25),
    ] {
        let x = newcomer(2025)
            .with("oge_math_2_pct", two)
            .with("oge_math_5_pct", five);
        let y = &place(&r, &[x]).unwrap().years[0];
        assert_eq!(y.components[4].value, Some(expected_fail), "{two}");
        assert_eq!(y.components[5].value, Some(expected_excellent), "{five}");
    }
    // Social: higher shares mean worse conditions, a higher index.
    let x = newcomer(2025).with("deviant_pct", 10.0);
    let y = &place(&r, &[x]).unwrap().years[0];
    assert_eq!(y.social_index, Some(1.0));
    assert_eq!(y.social_band, Some(SocialBand::Unfavourable));
}

#[test]
fn bands_and_distances_follow_the_cuts() {
    let r = group_reference();
    let pool = &r.pools[0];
    // 10 schools, band size 3. Results index of Si: the mean of (18 − 2i)/18, 3i/27 and the
    // gap's 1 = 2/3 for everyone — all tied, so nobody is low or high.
    assert_eq!(pool.results_cut_low, None);
    assert_eq!(pool.results_cut_high, None);
    // Social: deviant 1…10 → i × (1/9) (formula 1 as the engine computes it, with the span's
    // reciprocal); favourable S0–S2, unfavourable S7–S9.
    let ninth = |i: f64| i * (1.0 / 9.0);
    assert_eq!(pool.social_cut_favourable, Some(ninth(2.0)));
    assert_eq!(pool.social_cut_unfavourable, Some(ninth(7.0)));
    let x = newcomer(2025)
        .with("oge_math_2_pct", 2.0)
        .with("deviant_pct", 4.0);
    let y = &place(&r, &[x]).unwrap().years[0];
    assert_eq!(y.results_band, Some(ResultsBand::Middle));
    assert_eq!(y.distance_to_low_cut, None);
    assert_eq!(y.social_index, Some(ninth(3.0)));
    assert_eq!(y.social_band, Some(SocialBand::Neutral));
    assert_eq!(y.distance_to_favourable_cut, Some(ninth(3.0) - ninth(2.0)));
    assert_eq!(
        y.distance_to_unfavourable_cut,
        Some(ninth(3.0) - ninth(7.0))
    );
}

#[test]
fn ties_at_a_cut_are_all_in_the_band_as_in_the_run() {
    // Six schools, ege_no_cert_pct 20, 10, 10, 0, 0, 5 (inverse over 0..20): indices 0, .5,
    // .5, 1, 1, .75. Band size 2: the two tied at .5 are both low (three in the band); .75 is
    // in the middle, both 1 are high.
    let rows: Vec<Row> = [20.0, 10.0, 10.0, 0.0, 0.0, 5.0]
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            Row::new(&format!("T{i}"), "Т", "Север", SchoolType::Secondary, 2025)
                .with("ege_no_cert_pct", v)
        })
        .collect();
    let seen = every_school_agrees(&rows, &Params::default());
    assert_eq!((seen.low, seen.high), (3, 2));
    let (r, _) = reference_of(&rows, &Params::default());
    assert_eq!(r.pools[0].results_cut_low, Some(0.5));
    // Arithmetic noise does not split a tie: 0.1 + 0.2 ranks as 0.3.
    let pool = ReferencePool {
        results_cut_low: Some(0.3),
        results_cut_high: Some(0.9),
        ..r.pools[0].clone()
    };
    let (band, _) = bands(&pool, Some(0.1 + 0.2), None);
    assert_eq!(band, Some(ResultsBand::Low));
    // A value in both bands (a reference whose cuts cross) is in the middle, as in the run.
    let crossed = ReferencePool {
        results_cut_low: Some(0.6),
        results_cut_high: Some(0.4),
        ..r.pools[0].clone()
    };
    assert_eq!(
        bands(&crossed, Some(0.5), None).0,
        Some(ResultsBand::Middle)
    );
}

#[test]
fn an_excluded_type_or_a_type_of_no_pool_is_said_and_not_placed() {
    let r = group_reference();
    let primary = Row::new("P", "НОШ", "Юг", SchoolType::Primary, 2025).with("deviant_pct", 3.0);
    let p = place(&r, &[primary]).unwrap();
    assert_eq!(
        p.excluded.as_deref(),
        Some("исключена из идентификации: начальная школа")
    );
    assert_eq!((p.pool, p.years.len()), (None, 0));
    // The identity of the latest row in the window decides (as in the engine).
    let rows = [
        newcomer(2025).with("deviant_pct", 3.0),
        Row::new("X", "Школа X", "Юг", SchoolType::Primary, 2024),
    ];
    assert_eq!(place(&r, &rows).unwrap().excluded, None);

    let mut params = Params::default();
    params.pools.retain(|p| p.id != "evening");
    let mut no_evening = r.clone();
    no_evening.params = params;
    let evening = Row::new("E", "Вечерняя", "Юг", SchoolType::Evening, 2025);
    assert_eq!(
        place(&no_evening, &[evening]).unwrap().excluded.as_deref(),
        Some("тип «вечерняя (сменная)» не входит ни в одну группу школ")
    );
}

#[test]
fn years_outside_the_window_and_years_without_a_pool_are_missing() {
    let mut r = group_reference();
    assert_eq!(r.years, vec![2023, 2024, 2025]);
    let rows = [
        newcomer(2019).with("oge_math_2_pct", 1.0),
        newcomer(2024).with("oge_math_2_pct", 1.0),
        newcomer(2025).with("oge_math_2_pct", 1.0),
    ];
    let p = place(&r, &rows).unwrap();
    assert_eq!(p.years.len(), 1);
    let kinds: Vec<(i32, MissingKind)> = p.missing.iter().map(|m| (m.year, m.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            (2019, MissingKind::OutsideWindow),
            (2023, MissingKind::NoRow),
            (2024, MissingKind::NoPoolYear),
            (2025, MissingKind::NoSocial),
        ],
        "{:#?}",
        p.missing
    );
    assert_eq!(
        p.missing[2].message,
        "В эталоне нет группы «Средние школы» за 2024 год: место школы за этот год не определяется."
    );
    assert!(p.missing[3].message.starts_with(
        "За 2025 год индекс социальных условий не рассчитан: не заполнен ни один социальный показатель: «Доля обучающихся с девиантным поведением, %»"
    ));

    // A column nobody else has, and one without spread, are not used, and said so.
    r.pools[0]
        .columns
        .insert("ege_no_cert_pct".into(), (5.0, 5.0));
    let x = newcomer(2025)
        .with("ege_no_cert_pct", 7.0)
        .with("vpr_math_2_pct", 3.0)
        .with("vpr_math_mean", 4.0)
        .with("deviant_pct", 3.0);
    let p = place(&r, &[x]).unwrap();
    assert_eq!(p.years[0].results_index, None);
    let no_results = p
        .missing
        .iter()
        .find(|m| m.kind == MissingKind::NoResults)
        .unwrap();
    assert!(no_results
        .message
        .starts_with("За 2025 год индекс образовательных результатов не рассчитан: заполненные показатели не участвуют в расчёте по эталону (см. ниже); не заполнены: «Доля участников ЕГЭ по русскому языку, не преодолевших минимальный порог, %»"),
        "{}", no_results.message);
    let unused = p
        .missing
        .iter()
        .find(|m| m.kind == MissingKind::NotUsed)
        .unwrap();
    assert_eq!(
        unused.columns,
        vec!["ege_no_cert_pct", "vpr_math_2_pct", "vpr_math_mean"]
    );
    assert_eq!(
        unused.message,
        "За 2025 год заполненные показатели не участвуют в расчёте: «Доля выпускников, не получивших аттестат (ЕГЭ), %» — у всех школ группы одно и то же значение; «Доля участников ВПР, получивших оценку «2» по математике, %» — в эталоне нет значений этого показателя в группе; «Средний балл ВПР по математике» — в эталоне нет регионального среднего за этот год."
    );
}

#[test]
fn refusals_are_in_russian() {
    let r = group_reference();
    assert_eq!(place(&r, &[]), Err(PlacementError::NoRows));
    assert_eq!(
        place(&r, &[]).unwrap_err().to_string(),
        "нет ни одной строки школы: размещать нечего"
    );
    let two = [
        newcomer(2025),
        Row::new("Y", "Y", "Юг", SchoolType::Basic, 2025),
    ];
    let e = place(&r, &two).unwrap_err();
    assert_eq!(
        e.to_string(),
        "строки относятся к нескольким школам («X», «Y»); по эталону размещается одна школа — оставьте только строки своей школы"
    );
    let twice = [newcomer(2025), newcomer(2024), newcomer(2025)];
    assert_eq!(
        place(&r, &twice).unwrap_err().to_string(),
        "повторная строка для школы «X» за 2025 год"
    );
    let mut bad = r.clone();
    bad.params.band_share = 0.9;
    bad.pools.push(bad.pools[0].clone());
    bad.years = vec![2025, 2024];
    let e = place(&bad, &[newcomer(2025)]).unwrap_err().to_string();
    assert!(
        e.starts_with("эталон непригоден: параметры: «Доля школ в нижней и верхней группе"),
        "{e}"
    );
    assert!(e.contains("годы окна должны идти по возрастанию"), "{e}");
    assert!(
        e.contains("группа «Средние школы» за 2025 год описана дважды"),
        "{e}"
    );
}

#[test]
fn nothing_in_a_row_or_a_reference_makes_it_panic() {
    let r = group_reference();
    // Empty rows of the school: nothing to compute, every gap said.
    let p = place(&r, &[newcomer(2025)]).unwrap();
    assert_eq!(p.years[0].results_index, None);
    assert_eq!(p.years[0].social_index, None);
    assert!(p.missing.iter().any(|m| m.kind == MissingKind::NoResults));
    // Values the reader would refuse: infinities, a NaN written as a value.
    let mut x = newcomer(2025)
        .with("oge_math_2_pct", f64::INFINITY)
        .with("oge_math_5_pct", f64::NEG_INFINITY)
        .with("oge_math_mean", f64::INFINITY);
    x.values.set_by_id("deviant_pct", Some(f64::NAN));
    let _ = place(&r, &[x.clone()]).unwrap();
    // A damaged reference: NaN and crossed ranges, deciles of the wrong length, NaN means
    // and cuts, a pool unknown to the parameters, an empty window.
    let mut bad = r.clone();
    let pool = &mut bad.pools[0];
    pool.columns
        .insert("oge_math_2_pct".into(), (f64::NAN, 3.0));
    pool.columns.insert("oge_math_5_pct".into(), (30.0, 3.0));
    pool.quantiles.insert("oge_math_2_pct".into(), vec![1.0]);
    pool.quantiles
        .insert("oge_math_5_pct".into(), vec![f64::NAN; 11]);
    pool.regional_means.insert("oge_math_mean".into(), f64::NAN);
    pool.results_cut_low = Some(f64::NAN);
    pool.social_cut_unfavourable = Some(f64::INFINITY);
    let mut unknown = bad.pools[0].clone();
    unknown.pool = "nowhere".into();
    bad.pools.push(unknown);
    for rows in [
        vec![x],
        vec![newcomer(2025)
            .with("oge_math_2_pct", 2.0)
            .with("oge_math_mean", 2.0)],
    ] {
        let _ = place(&bad, &rows).unwrap();
    }
    bad.years.clear();
    let p = place(&bad, &[newcomer(2025)]).unwrap();
    assert!(p.years.is_empty());
    assert_eq!(
        p.missing[0].message,
        "Данные за 2025 год не учитываются: в эталоне нет ни одного года."
    );
}

#[test]
fn without_a_reference_the_empty_method_columns_are_listed_by_year() {
    let params = Params::default();
    let mut full = newcomer(2024);
    let m = method();
    for v in m.results.iter().chain(&m.social).flat_map(|c| &c.variants) {
        full.values.set(v.index, Some(3.0));
        if let Some(w) = v.weight {
            full.values.set(w, Some(10.0));
        }
    }
    let partial = {
        let mut r = full.clone();
        r.year = 2025;
        r.values.set_by_id("oge_math_2_pct", None);
        r.values.set_by_id("oge_participants", None);
        r
    };
    let missing = missing_without_reference(&[partial, full], &params);
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].year, 2025);
    assert_eq!(missing[0].kind, MissingKind::Empty);
    assert_eq!(
        missing[0].columns,
        vec!["oge_participants", "oge_math_2_pct"]
    );
    assert_eq!(
        missing[0].message,
        "За 2025 год не заполнены показатели методики: «Число участников ОГЭ», «Доля участников ОГЭ, получивших оценку «2» по математике, %»."
    );
    // An empty row: every column of the method (21 results, 3 counts, 11 social).
    let empty = missing_without_reference(&[newcomer(2025)], &params);
    assert_eq!(empty[0].columns.len(), 35);
    assert!(missing_without_reference(&[], &params).is_empty());
    let primary = Row::new("P", "НОШ", "Юг", SchoolType::Primary, 2025);
    assert!(missing_without_reference(&[primary], &params).is_empty());
}

#[test]
fn a_placement_round_trips_as_json() {
    let r = group_reference();
    let x = newcomer(2025)
        .with("oge_math_2_pct", 12.5)
        .with("oge_math_5_pct", 27.0)
        .with("deviant_pct", 2.0);
    let p = place(&r, &[x, newcomer(2021)]).unwrap();
    let text = serde_json::to_string(&p).unwrap();
    let back: Placement = serde_json::from_str(&text).unwrap();
    assert_eq!(back, p);
}

#[test]
fn words_use_a_decimal_comma_and_the_column_labels() {
    assert_eq!(value_text(12.5, Kind::Share), "12,5 %");
    assert_eq!(value_text(3.6149, Kind::Score5), "3,61");
    assert_eq!(value_text(54.2857, Kind::Score100), "54,3");
    assert_eq!(range_text(0.0, 20.0, Kind::Share), "0–20 %");
    assert_eq!(range_text(2.5, 4.75, Kind::Score5), "2,5–4,75");
    assert_eq!(number(f64::NAN, 2), "—");
    assert_eq!(number(-0.0001, 2), "0");
    assert!(number(1e308, 2).starts_with("1000"));
    assert_eq!(
        with_comma("Доля выпускников, не получивших аттестат (ОГЭ)"),
        "Доля выпускников, не получивших аттестат (ОГЭ),"
    );
    assert_eq!(
        with_comma("Средний балл ОГЭ по математике"),
        "Средний балл ОГЭ по математике"
    );
    assert_eq!(
        plain_label(&column_label("oge_math_2_pct")),
        "Доля участников ОГЭ, получивших оценку «2» по математике"
    );
    assert_eq!(years_words(&[2025]), "2025 год");
    assert_eq!(years_words(&[2023, 2024, 2025]), "2023–2025 годы");
    assert_eq!(years_words(&[2023, 2024]), "2023–2024 годы");
    assert_eq!(years_words(&[2022, 2024]), "2022 и 2024 годы");
    assert_eq!(years_words(&[2020, 2022, 2024]), "2020, 2022, 2024 годы");
}

#[test]
fn the_social_profile_places_each_characteristic_in_the_group() {
    let reference = group_reference();
    // deviant_pct of the group is 1…10; a school with 9.5 has 9 of 10 (1…9) below it.
    let rows = vec![newcomer(2025).with("deviant_pct", 9.5)];
    let p = social_profile(&reference, &rows).expect("a profile");
    assert_eq!(
        (p.year, p.pool.as_str(), p.schools),
        (2025, "secondary", 10)
    );
    let deviant = p
        .lines
        .iter()
        .find(|l| l.column == "deviant_pct")
        .expect("line");
    assert_eq!(deviant.value, Some(9.5));
    assert_eq!(deviant.range, Some((1.0, 10.0)));
    assert_eq!(deviant.share_lower, Some(90));
    assert_eq!(deviant.sentence(), "выше, чем у 90 % школ группы");
    let empty = p
        .lines
        .iter()
        .find(|l| l.column == "free_meals_pct")
        .expect("line");
    assert_eq!(empty.value, None);
    assert_eq!(empty.sentence(), "нет значения");
    assert!(p.lines.iter().all(|l| l.column != "students_total"));
    // A year outside the reference, or an excluded type: no profile.
    assert_eq!(social_profile(&reference, &[newcomer(2020)]), None);
    let mut primary = newcomer(2025);
    primary.school_type = SchoolType::Primary;
    assert_eq!(social_profile(&reference, &[primary]), None);
}

// ------------------------------------------------- the window, the category, the words

/// The ten schools of [`group`] in each of `years`, with the same values every year.
fn group_over(years: &[i32]) -> Vec<Row> {
    years
        .iter()
        .flat_map(|&year| {
            group().into_iter().map(move |mut r| {
                r.year = year;
                r
            })
        })
        .collect()
}

#[test]
fn a_draft_ahead_of_the_reference_is_placed_for_the_references_years() {
    // December 2026: the draft holds 2024–2026, the region's reference describes 2023–2025.
    let (r, _) = reference_of(&group_over(&[2023, 2024, 2025]), &Params::default());
    assert_eq!(r.years, vec![2023, 2024, 2025]);
    let rows: Vec<Row> = [2024, 2025, 2026]
        .iter()
        .map(|&y| {
            newcomer(y)
                .with("oge_math_2_pct", 6.0)
                .with("deviant_pct", 4.0)
        })
        .collect();
    let p = place(&r, &rows).unwrap();
    assert_eq!(p.window, vec![2023, 2024, 2025]);
    // Placed for the years the reference covers and the school has.
    let placed: Vec<i32> = p.years.iter().map(|y| y.year).collect();
    assert_eq!(placed, vec![2024, 2025]);
    assert!(p.years.iter().all(|y| y.results_index.is_some()));
    // The year to add, and the year the reference does not describe yet.
    assert_eq!(p.years_to_add(), vec![2023]);
    assert_eq!(p.outside_window(), vec![2026]);
    let said: Vec<&str> = p.missing.iter().map(|m| m.message.as_str()).collect();
    assert_eq!(
        said,
        vec![
            "За 2023 год нет данных школы, а эталон этот год описывает: место за 2023 год не определяется.",
            "Данные за 2026 год не учитываются: эталон описывает 2023–2025 годы.",
        ]
    );
    assert!(said.iter().all(|m| !m.contains("справочник")));
    // Neither category can be decided, for one reason: said once, with it.
    assert_eq!(p.results_category, Some(ResultsCategory::Insufficient));
    assert_eq!(p.social_category, Some(SocialCategory::Insufficient));
    assert_eq!(
        category_sentence(&p).unwrap(),
        "Категория по трёхлетним правилам методики (2023–2025 годы) не определяется: нет данных школы за 2023 год."
    );

    // With 2023 added, the school is placed for the whole window and the category decided.
    let mut all = rows.clone();
    all.push(
        newcomer(2023)
            .with("oge_math_2_pct", 6.0)
            .with("deviant_pct", 4.0),
    );
    let p = place(&r, &all).unwrap();
    assert!(p.years_to_add().is_empty());
    assert_eq!(
        category_sentence(&p).unwrap(),
        "Категория по трёхлетним правилам методики (2023–2025 годы): средние результаты; нейтральные социальные условия."
    );
}

#[test]
fn the_category_says_which_side_is_undecided_and_why() {
    let (mut r, _) = reference_of(&group_over(&[2023, 2024, 2025]), &Params::default());
    // Social indices every year, results only in 2024 and 2025.
    let rows: Vec<Row> = [2023, 2024, 2025]
        .iter()
        .map(|&y| {
            let row = newcomer(y).with("deviant_pct", 10.0);
            if y == 2023 {
                row
            } else {
                row.with("oge_math_2_pct", 6.0)
            }
        })
        .collect();
    let p = place(&r, &rows).unwrap();
    assert_eq!(p.social_category, Some(SocialCategory::Unfavourable));
    assert_eq!(
        category_sentence(&p).unwrap(),
        "Категория по трёхлетним правилам методики (2023–2025 годы): ШНСУ (школа, функционирующая в неблагоприятных социальных условиях); по результатам не определяется — не рассчитан индекс образовательных результатов за 2023 год."
    );
    // A pool-year the reference lacks, beside a year without a row.
    r.pools.retain(|py| py.year != 2024);
    let p = place(&r, &rows[1..]).unwrap();
    assert_eq!(
        category_sentence(&p).unwrap(),
        "Категория по трёхлетним правилам методики (2023–2025 годы) не определяется: нет данных школы за 2023 год, в эталоне нет группы школы за 2024 год."
    );
    // Excluded: nothing to say.
    let primary = Row::new("P", "НОШ", "Юг", SchoolType::Primary, 2025);
    assert_eq!(category_sentence(&place(&r, &[primary]).unwrap()), None);
}

#[test]
fn only_components_below_the_groups_middle_pull_the_index_down() {
    let r = group_reference();
    // Share of «2» in mathematics 6 %: its component (12/18) is below the school's index
    // (the share of «5» is the group's best), so the engine would name it; but only 30 % of
    // the group do better — the school is above the group's middle, and nothing is named.
    let x = newcomer(2025)
        .with("oge_math_2_pct", 6.0)
        .with("oge_math_5_pct", 27.0);
    let y = &place(&r, &[x]).unwrap().years[0];
    let fail = &y.components[4];
    assert!(fail.value.unwrap() < y.results_index.unwrap());
    assert_eq!(fail.variants[1].better_share, Some(30));
    assert!(!fail.variants[1].below_middle());
    let engine: Vec<&str> = weakest_of(
        &y.components
            .iter()
            .map(|c| c.value.unwrap_or(f64::NAN))
            .collect::<Vec<_>>(),
        y.results_index,
        3,
    )
    .ids()
    .collect();
    assert_eq!(engine, vec!["oge_fail"]);
    assert!(y.weakest.is_empty(), "{:?}", y.weakest);
    // At the median decile (q[5] = 8): not below it, not named; just above it, named.
    for (share, named) in [(8.0, false), (8.5, true)] {
        let x = newcomer(2025)
            .with("oge_math_2_pct", share)
            .with("oge_math_5_pct", 27.0);
        let y = &place(&r, &[x]).unwrap().years[0];
        assert_eq!(!y.weakest.is_empty(), named, "{share}");
    }
}

#[test]
fn two_indicators_below_the_middle_make_one_short_sentence() {
    // Russian: «2» shares 0…9; mathematics 0, 2, …, 18; «5» in mathematics 0, 3, …, 27.
    let rows: Vec<Row> = group()
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.with("oge_rus_2_pct", i as f64))
        .collect();
    let (r, _) = reference_of(&rows, &Params::default());
    let x = newcomer(2025)
        .with("oge_rus_2_pct", 8.0)
        .with("oge_math_2_pct", 12.5)
        .with("oge_math_5_pct", 27.0);
    let y = &place(&r, &[x]).unwrap().years[0];
    assert_eq!(y.weakest.len(), 1);
    // The weaker indicator first (80 % do better in Russian, 70 % in mathematics).
    assert_eq!(
        y.weakest[0].sentence,
        "Доля участников ОГЭ, получивших оценку «2» по русскому языку, — 8 %: выше, чем у 80 % школ группы; по математике — 12,5 %, выше, чем у 70 %."
    );
    let words = y.weakest[0]
        .sentence
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    assert!(words <= 25, "{words}");
    // Only one of the two below the middle: the other is not mentioned.
    let x = newcomer(2025)
        .with("oge_rus_2_pct", 1.0)
        .with("oge_math_2_pct", 12.5)
        .with("oge_math_5_pct", 27.0);
    let y = &place(&r, &[x]).unwrap().years[0];
    assert_eq!(
        y.weakest[0].sentence,
        "Доля участников ОГЭ, получивших оценку «2» по математике, — 12,5 %: выше, чем у 70 % школ группы."
    );
}

#[test]
fn what_differs_between_two_indicators_is_their_subject() {
    let label = |id: &str| column_label(id);
    assert_eq!(
        difference(
            &label("ege_rus_below_min_pct"),
            &label("ege_math_below_min_pct")
        ),
        "по математике"
    );
    assert_eq!(
        difference(&label("ege_math_prof_mean"), &label("ege_math_base_mean")),
        "по базовой математике"
    );
    assert_eq!(
        difference(&label("oge_math_5_pct"), &label("oge_rus_5_pct")),
        "по русскому языку"
    );
    assert_eq!(difference("Индекс", "Другое, %"), "Другое");
}

#[test]
fn distances_are_said_in_words() {
    assert_eq!(
        distance_words(Some(0.04), "низких"),
        "на 0,04 выше границы низких"
    );
    assert_eq!(
        distance_words(Some(-0.1234), "высоких"),
        "на 0,12 ниже границы высоких"
    );
    assert_eq!(
        distance_words(Some(0.0), "неблагоприятных"),
        "на границе неблагоприятных"
    );
    // Tied to ten decimals (arithmetic noise): on the boundary, in the band.
    assert_eq!(distance_words(Some(1e-13), "низких"), "на границе низких");
    assert_eq!(
        distance_words(Some(0.003), "благоприятных"),
        "чуть выше границы благоприятных"
    );
    assert_eq!(
        distance_words(Some(-0.003), "благоприятных"),
        "чуть ниже границы благоприятных"
    );
    assert_eq!(distance_words(None, "низких"), "—");
    assert_eq!(distance_words(Some(f64::NAN), "низких"), "—");
    // No minus sign, hyphen or dash in a distance: the side is a word.
    assert!(!distance_words(Some(-0.5), "низких").contains(['-', '−']));
}
