//! Worked examples by hand, the properties, and the optimised path against a plain loop of
//! redrawn rows through the ordinary [`identify`].

use super::*;
use crate::domain::contract::row::SchoolType;
use crate::domain::contract::schema::Kind;
use crate::domain::demo::{region, DemoSpec};
use crate::domain::method::identify::identify;
use rand_distr::Beta;
use std::collections::BTreeSet;

const YEARS: [i32; 3] = [2019, 2020, 2021];

fn run(rows: &[Row], options: &ChanceOptions) -> Chance {
    chance(rows, &Params::default(), options, &mut |_, _| {}, &|| false).unwrap()
}

fn options(replicates: usize, seed: u64) -> ChanceOptions {
    ChanceOptions {
        replicates,
        seed,
        ..ChanceOptions::default()
    }
}

/// Eight secondary schools, three years, one results indicator (`ege_no_cert_pct`, higher is
/// worse) and one social one (`deviant_pct`), every count `n` unless said:
/// - z: 40 % every year — the worst, ШНРО;
/// - x: 30 % in 2019 and 2020 (second worst), 25 % of `x_count` pupils in 2021;
/// - y: 10 % every year;
/// - a1…a5: 1 … 5 %.
///
/// The band is 25 % of 8 = 2 schools. In 2021 the two worst are z and whichever of x and y has
/// the higher share, so x is ШНРО exactly when its 2021 share is above y's 10 %.
fn hand_region(n: f64, x_count: f64) -> Vec<Row> {
    let mut rows = Vec::new();
    for (y, &year) in YEARS.iter().enumerate() {
        let mut schools: Vec<(String, f64, f64, f64)> = vec![
            ("z".into(), 40.0, n, 40.0),
            (
                "x".into(),
                if y < 2 { 30.0 } else { 25.0 },
                if y < 2 { n } else { x_count },
                30.0,
            ),
            ("y".into(), 10.0, n, 20.0),
        ];
        for i in 1..=5 {
            schools.push((format!("a{i}"), i as f64, n, 2.0 * i as f64));
        }
        for (id, share, count, deviant) in schools {
            rows.push(
                Row::new(
                    &id,
                    &format!("Школа {id}"),
                    "Город",
                    SchoolType::Secondary,
                    year,
                )
                .with("ege_participants", count)
                .with("ege_no_cert_pct", share)
                .with("students_total", n)
                .with("deviant_pct", deviant),
            );
        }
    }
    rows
}

/// P(100 × Beta(1.5, 3.5) > 10): ∫ from √0.1 to 1 of 2t²(1 − t²)^2.5 dt over the same from 0
/// (x = t², Simpson's rule) — 0.8526.
fn beta_above_a_tenth() -> f64 {
    let f = |t: f64| 2.0 * t * t * (1.0 - t * t).powf(2.5);
    let simpson = |a: f64, b: f64| {
        let n = 2000;
        let h = (b - a) / n as f64;
        let mut s = f(a) + f(b);
        for i in 1..n {
            s += if i % 2 == 1 { 4.0 } else { 2.0 } * f(a + i as f64 * h);
        }
        s * h / 3.0
    };
    simpson(0.1f64.sqrt(), 1.0) / simpson(0.0, 1.0)
}

#[test]
fn a_school_whose_low_status_rests_on_one_of_four_pupils_flips_in_the_share_the_beta_law_gives() {
    let rows = hand_region(100_000.0, 4.0);
    let base = identify(&rows, &Params::default()).unwrap();
    let x = base.schools.iter().find(|s| s.school_id == "x").unwrap();
    assert_eq!(x.results_category, Some(ResultsCategory::Low));

    let c = run(&rows, &options(4000, 7));
    let x = c.school("x").unwrap();
    let expected = beta_above_a_tenth();
    assert!((expected - 0.8526).abs() < 1e-3, "{expected}");
    // 4,000 replicates: a standard error of 0.006; 0.03 is five of them.
    assert!(
        (x.probability(ChanceList::Low) - expected).abs() < 0.03,
        "{} against {expected}",
        x.probability(ChanceList::Low)
    );
    assert_eq!(
        x.certainty(ChanceList::Low, &c.options),
        Some(Certainty::Probable)
    );
    // z stays the worst whatever x draws; y is never low in the last two years.
    assert_eq!(c.school("z").unwrap().probability(ChanceList::Low), 1.0);
    assert_eq!(c.school("y").unwrap().probability(ChanceList::Risk), 0.0);
    // x's 2021 count is small, and its ЕГЭ share drives its uncertainty.
    assert_eq!(
        x.small,
        vec![SmallCohort {
            year: 2021,
            count_column: "ege_participants".into(),
            count: Some(4),
            columns: vec!["ege_no_cert_pct".into()],
        }]
    );
    assert_eq!(x.small[0].words(), "2021: ЕГЭ — 4 участника");
    // Its results are uncertain, its ШНСУ is not (every replicate has it): one driver.
    assert_eq!(x.drivers.len(), 1, "{:?}", x.drivers);
    let d = &x.drivers[0];
    assert_eq!(
        (d.year, d.column.as_str(), d.count),
        (2021, "ege_no_cert_pct", 4)
    );
    assert!(d.small && !d.social);
    assert_eq!(
        d.words(),
        "по результатам: «Доля выпускников, не получивших аттестат (ЕГЭ)» за 2021 год: 4 участника ЕГЭ, один ученик меняет долю на 25 п. п. (малочисленная группа)"
    );
    // z is certain everywhere: nothing drives it.
    assert!(c.school("z").unwrap().drivers.is_empty());
}

#[test]
fn schools_of_ten_thousand_on_every_indicator_keep_their_base_category_for_certain() {
    let rows = hand_region(10_000.0, 10_000.0);
    let base = identify(&rows, &Params::default()).unwrap();
    let c = run(&rows, &options(200, 3));
    assert_eq!(c.schools.len(), 8);
    for s in &c.schools {
        let b = base
            .schools
            .iter()
            .find(|b| b.school_id == s.school_id)
            .unwrap();
        assert_eq!(Some(s.results_category), b.results_category);
        assert_eq!(Some(s.social_category), b.social_category);
        for list in ChanceList::ALL {
            let p = s.probability(list);
            assert_eq!(
                p,
                if s.in_base(list) { 1.0 } else { 0.0 },
                "{} {list:?}",
                s.school_id
            );
        }
        assert!(s.small.is_empty());
    }
    assert!(c.drawn_shares > 0);
    assert_eq!(c.fixed_shares, 0);
    assert_eq!(c.confident(ChanceList::Low), 2);
}

/// The count columns of the contract.
const COUNTS: [&str; 4] = [
    "ege_participants",
    "oge_participants",
    "vpr_participants",
    "students_total",
];

/// `rows` with every count replaced by `f` of it.
fn with_counts(rows: &[Row], f: impl Fn(Option<f64>) -> Option<f64>) -> Vec<Row> {
    rows.iter()
        .cloned()
        .map(|mut r| {
            for id in COUNTS {
                let n = r.values.get_by_id(id);
                r.values.set_by_id(id, f(n));
            }
            r
        })
        .collect()
}

#[test]
fn a_region_without_counts_gives_the_base_run_and_says_how_many_shares_were_kept_fixed() {
    let rows = with_counts(
        &region(&DemoSpec {
            schools: 120,
            ..DemoSpec::default()
        }),
        |_| None,
    );
    let base = identify(&rows, &Params::default()).unwrap();
    let c = run(&rows, &options(20, 1));
    assert_eq!(c.drawn_shares, 0);
    assert!(c.fixed_shares > 1000, "{}", c.fixed_shares);
    let placed = base.schools.iter().filter(|s| s.pool.is_some()).count();
    assert_eq!(c.schools.len(), placed);
    for s in &c.schools {
        for list in ChanceList::ALL {
            assert_eq!(s.probability(list), if s.in_base(list) { 1.0 } else { 0.0 });
        }
        assert!(s.drivers.is_empty());
        // Every indicator the school has rests on a missing count.
        assert!(s.small.iter().all(|m| m.count.is_none()));
        assert!(!s.small.is_empty());
    }
    let words = c.schools[0]
        .small
        .iter()
        .map(|m| m.words())
        .collect::<Vec<_>>();
    assert!(
        words
            .iter()
            .any(|w| w.ends_with("численность обучающихся не указана")),
        "{words:?}"
    );
}

fn demo(schools: usize) -> Vec<Row> {
    region(&DemoSpec {
        schools,
        ..DemoSpec::default()
    })
}

#[test]
fn the_same_seed_gives_the_same_probabilities_whatever_the_order_of_the_rows() {
    let rows = demo(150);
    let a = run(&rows, &options(40, 11));
    let b = run(&rows, &options(40, 11));
    assert_eq!(a, b);
    let mut reversed = rows.clone();
    reversed.reverse();
    assert_eq!(run(&reversed, &options(40, 11)), a);
    let other = run(&rows, &options(40, 12));
    assert_ne!(
        other
            .schools
            .iter()
            .map(|s| s.probabilities)
            .collect::<Vec<_>>(),
        a.schools
            .iter()
            .map(|s| s.probabilities)
            .collect::<Vec<_>>()
    );
    // Probabilities are shares of the 40 replicates, in [0, 1].
    for s in &a.schools {
        for p in s.probabilities {
            assert!((0.0..=1.0).contains(&p));
            assert_eq!((p * 40.0).round() / 40.0, p);
        }
    }
    // Some school of the demonstration region is uncertain.
    assert!(a
        .schools
        .iter()
        .any(|s| s.probabilities.iter().any(|&p| p > 0.0 && p < 1.0)));
}

#[test]
fn larger_counts_move_the_probabilities_towards_nought_and_one() {
    let rows = demo(150);
    let scaled = with_counts(&rows, |n| n.map(|n| n * 100.0));
    // The sum of p(1 − p) over schools and lists: 0 when every probability is 0 or 1.
    let spread = |c: &Chance| -> f64 {
        c.schools
            .iter()
            .flat_map(|s| s.probabilities)
            .map(|p| p * (1.0 - p))
            .sum()
    };
    let (small, large) = (run(&rows, &options(60, 5)), run(&scaled, &options(60, 5)));
    assert!(
        spread(&large) < spread(&small) / 2.0,
        "{} {}",
        spread(&large),
        spread(&small)
    );
}

#[test]
fn progress_is_told_and_a_cancel_stops_the_estimate() {
    let rows = hand_region(100.0, 4.0);
    let mut seen = Vec::new();
    chance(
        &rows,
        &Params::default(),
        &options(5, 1),
        &mut |d, t| seen.push((d, t)),
        &|| false,
    )
    .unwrap();
    assert_eq!(seen, (1..=5).map(|d| (d, 5)).collect::<Vec<_>>());
    let r = chance(
        &rows,
        &Params::default(),
        &options(5, 1),
        &mut |_, _| {},
        &|| true,
    );
    assert_eq!(r, Err(ChanceError::Cancelled));
    // Enough work to be spread over the cores natively: a cancel stops it there too.
    let r = chance(
        &demo(300),
        &Params::default(),
        &options(200, 1),
        &mut |_, _| {},
        &|| true,
    );
    assert_eq!(r, Err(ChanceError::Cancelled));
}

#[test]
fn options_out_of_range_are_refused_in_russian() {
    let bad = ChanceOptions {
        replicates: 0,
        edge: 0.6,
        spreads: [("ege".to_string(), -1.0), ("огэ".to_string(), 0.5)]
            .into_iter()
            .collect(),
        ..ChanceOptions::default()
    };
    let e = bad.validate().unwrap_err();
    assert_eq!(e.len(), 4, "{e:?}");
    assert!(e[0].starts_with("число повторов должно быть от 1 до 10000"));
    assert!(e[1].contains("«на грани» ≤ «вероятно»"));
    assert!(ChanceOptions::default().validate().is_ok());
    let r = chance(
        &hand_region(100.0, 4.0),
        &Params::default(),
        &bad,
        &mut |_, _| {},
        &|| false,
    );
    assert!(matches!(r, Err(ChanceError::Options(_))));
}

#[test]
fn a_given_spread_redraws_the_means_within_their_scale() {
    let rows = demo(60);
    let fixed = run(&rows, &options(10, 1));
    assert_eq!(fixed.drawn_means, 0);
    let mut o = options(10, 1);
    o.spreads.insert("ege".into(), 15.0);
    o.spreads.insert("oge".into(), 0.8);
    let drawn = run(&rows, &o);
    assert!(drawn.drawn_means > 0);
    assert_eq!(drawn.drawn_shares, fixed.drawn_shares);
}

/// The model written out plainly: each replicate clones the rows, redraws every share of the
/// method that has a count from its Beta posterior (its own generator, in row order) and calls
/// the ordinary [`identify`].
fn plain_probabilities(rows: &[Row], replicates: usize, seed: u64) -> BTreeMap<String, [f64; 4]> {
    let s = schema();
    let m = method::method();
    let columns: BTreeSet<usize> = m
        .results
        .iter()
        .chain(&m.social)
        .flat_map(|c| &c.variants)
        .map(|v| v.index)
        .filter(|&i| s.data_column(i).kind == Kind::Share)
        .collect();
    let count_of = |i: usize| {
        let group = &s.data_column(i).group;
        (0..s.data_len())
            .find(|&j| &s.data_column(j).group == group && s.data_column(j).kind == Kind::Count)
            .unwrap()
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut tallies: BTreeMap<String, [f64; 4]> = BTreeMap::new();
    for _ in 0..replicates {
        let drawn: Vec<Row> = rows
            .iter()
            .map(|r| {
                let mut r = r.clone();
                for &i in &columns {
                    let (Some(x), Some(n)) = (r.values.get(i), r.values.get(count_of(i))) else {
                        continue;
                    };
                    if n < 1.0 {
                        continue;
                    }
                    let n = n.round();
                    let k = (x * n / 100.0).round().clamp(0.0, n);
                    let b = Beta::new(k + 0.5, n - k + 0.5).unwrap();
                    r.values.set(i, Some(100.0 * b.sample(&mut rng)));
                }
                r
            })
            .collect();
        let result = identify(&drawn, &Params::default()).unwrap();
        for school in result.schools.iter().filter(|s| s.pool.is_some()) {
            let t = tallies.entry(school.school_id.clone()).or_default();
            match school.results_category {
                Some(ResultsCategory::Low) => t[0] += 1.0,
                Some(ResultsCategory::Risk) => t[1] += 1.0,
                Some(ResultsCategory::High) => t[2] += 1.0,
                _ => {}
            }
            if school.social_category == Some(SocialCategory::Unfavourable) {
                t[3] += 1.0;
            }
        }
    }
    for t in tallies.values_mut() {
        for p in t.iter_mut() {
            *p /= replicates as f64;
        }
    }
    tallies
}

/// On a 300-school region the optimised path (shared frame, redrawn cells, stages up to the
/// categories) and the plain loop agree within the Monte-Carlo error. The two estimates are
/// independent shares of R = 200 replicates, so their difference has a standard deviation of
/// √(2p(1 − p)/R) at the common probability p; the tolerance is 4.5 of those (a false alarm
/// about once in 150,000 comparisons; there are 1,200) plus 1/R for the granularity.
#[test]
fn the_optimised_replicates_agree_with_a_plain_loop_through_identify() {
    let rows = demo(300);
    let r = 200;
    let fast = run(&rows, &options(r, 21));
    let plain = plain_probabilities(&rows, r, 9_999);
    assert_eq!(fast.schools.len(), plain.len());
    let mut uncertain = 0;
    for s in &fast.schools {
        let q = plain[&s.school_id];
        for (k, list) in ChanceList::ALL.into_iter().enumerate() {
            let (a, b) = (s.probability(list), q[k]);
            let p = (a + b) / 2.0;
            let tolerance = 4.5 * (2.0 * p * (1.0 - p) / r as f64).sqrt() + 1.0 / r as f64;
            assert!(
                (a - b).abs() <= tolerance,
                "{} {list:?}: {a} against {b} (tolerance {tolerance})",
                s.school_id
            );
            if p > 0.05 && p < 0.95 {
                uncertain += 1;
            }
        }
    }
    // The comparison is not empty: the region has uncertain schools.
    assert!(uncertain >= 10, "{uncertain}");
}

#[test]
fn the_table_has_a_line_per_school_in_russian_words() {
    let c = run(&hand_region(100_000.0, 4.0), &options(200, 7));
    let t = chance_table(&c);
    assert_eq!(t.rows.len(), 9);
    let header: Vec<String> = t.rows[0]
        .iter()
        .map(|c| match c {
            crate::domain::tables::table::Cell::Text(s) => s.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(header[4], "ШНРО, % повторов");
    let x = t
        .rows
        .iter()
        .find(|r| r[0] == crate::domain::tables::table::Cell::Text("Школа x".into()))
        .unwrap();
    let text = |i: usize| match &x[i] {
        crate::domain::tables::table::Cell::Text(s) => s.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(text(2), "ШНРО");
    assert_eq!(text(8), "ШНРО: вероятно; ШНСУ: уверенно");
    assert_eq!(text(9), "2021: ЕГЭ — 4 участника");
    assert!(
        text(10).starts_with("по результатам: «Доля выпускников"),
        "{}",
        text(10)
    );
    let p = x[4].number().unwrap();
    assert!((p - 100.0 * c.school("x").unwrap().probability(ChanceList::Low)).abs() < 1e-9);
}

#[test]
fn the_groups_of_a_list_split_its_schools_by_their_probability() {
    let c = run(&demo(150), &options(60, 2));
    for list in ChanceList::ALL {
        let in_list = c.schools.iter().filter(|s| s.in_base(list)).count();
        let grouped: usize = [
            Certainty::Confident,
            Certainty::Probable,
            Certainty::Doubtful,
        ]
        .into_iter()
        .map(|g| c.group(list, g).len())
        .sum();
        assert_eq!(grouped, in_list);
        for s in c.group(list, Certainty::Edge) {
            assert!(!s.in_base(list) && s.probability(list) >= 0.2);
        }
        let probable = c.group(list, Certainty::Probable);
        assert!(probable
            .windows(2)
            .all(|w| w[0].probability(list) >= w[1].probability(list)));
        let (bins, zero) = c.histogram(list, 10);
        assert_eq!(bins.iter().sum::<usize>() + zero, c.schools.len());
    }
}

#[test]
fn replicates_run_a_few_at_a_time_give_what_one_call_gives() {
    // 300 schools × 200 replicates: natively spread over the cores when there are several.
    let rows = demo(300);
    let params = Params::default();
    let o = options(200, 4);
    let whole = run(&rows, &o);
    let mut r = Replicates::new(&rows, &params, &o).unwrap();
    while r.done() < r.total() {
        r.run(7);
    }
    assert_eq!(r.done(), 200);
    assert_eq!(r.finish(), whole);
}

#[test]
fn the_share_draw_has_the_mean_and_the_spread_of_its_beta_law() {
    use super::cohorts::ShareDraw;
    for (a, b) in [
        (0.5, 10.5),
        (1.5, 3.5),
        (3.5, 0.5),
        (50.5, 50.5),
        (0.5, 0.5),
    ] {
        let draw = ShareDraw::new(a, b).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        let n = 40_000;
        let xs: Vec<f64> = (0..n).map(|_| draw.sample(&mut rng)).collect();
        assert!(xs.iter().all(|x| (0.0..=1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let (m, v) = (a / (a + b), a * b / ((a + b) * (a + b) * (a + b + 1.0)));
        // Four standard errors of the mean; the variance within 5 %.
        assert!(
            (mean - m).abs() < 4.0 * (v / n as f64).sqrt(),
            "{a} {b}: mean {mean} against {m}"
        );
        assert!(
            (var / v - 1.0).abs() < 0.05,
            "{a} {b}: variance {var} against {v}"
        );
    }
}

#[test]
fn the_small_cohorts_without_replicates_are_those_of_the_estimate() {
    let rows = demo(150);
    let c = run(&rows, &options(5, 1));
    let light = cohorts::small_cohorts(&rows, &Params::default(), 10).unwrap();
    let from_estimate: Vec<(String, Vec<SmallCohort>)> = c
        .schools
        .iter()
        .filter(|s| !s.small.is_empty())
        .map(|s| (s.school_id.clone(), s.small.clone()))
        .collect();
    assert!(!light.is_empty());
    assert_eq!(light, from_estimate);
    // A higher minimum marks more school-years.
    let more = cohorts::small_cohorts(&rows, &Params::default(), 30).unwrap();
    let count = |v: &[(String, Vec<SmallCohort>)]| v.iter().map(|(_, s)| s.len()).sum::<usize>();
    assert!(count(&more) > count(&light));
}

#[test]
fn the_short_words_of_the_small_cohorts_name_the_exams_once() {
    let c = |year: i32, col: &str, count: Option<u32>| SmallCohort {
        year,
        count_column: col.into(),
        count,
        columns: vec![],
    };
    let small = [
        c(2023, "ege_participants", Some(6)),
        c(2023, "vpr_participants", None),
        c(2024, "ege_participants", None),
        c(2024, "students_total", Some(7)),
        c(2025, "vpr_participants", None),
    ];
    assert_eq!(
        cohorts::small_summary(&small),
        "ЕГЭ, ВПР — нет численности, обучающиеся"
    );
    assert_eq!(cohorts::small_summary(&[]), "");
}
