//! Property tests of the identification engine.

use proptest::prelude::*;
use shkala::domain::contract::row::{Row, SchoolType};
use shkala::domain::method::identify::robustness::{robustness, List};
use shkala::domain::method::identify::{
    identify, MeanWeighting, Params, ResultsBand, ResultsCategory, SocialCategory, SocialRule,
};
use std::collections::BTreeSet;

/// Columns the generated schools may have, with the values they draw from. Values come from
/// small grids so that ties (and max = min) happen often.
const COLUMNS: [(&str, &[f64]); 9] = [
    ("ege_no_cert_pct", &[0.0, 0.0, 2.5, 5.0, 10.0, 20.0]),
    ("ege_rus_below_min_pct", &[0.0, 1.0, 3.0, 3.0, 8.0]),
    ("ege_math_below_min_pct", &[0.0, 2.0, 6.0, 12.0]),
    ("ege_rus_80plus_pct", &[0.0, 5.0, 10.0, 30.0]),
    ("ege_rus_mean", &[35.0, 55.0, 65.0, 70.0, 90.0]),
    ("ege_participants", &[0.0, 5.0, 20.0]),
    ("oge_math_mean", &[2.8, 3.5, 3.9, 4.4]),
    ("deviant_pct", &[0.0, 1.0, 4.0]),
    ("free_meals_pct", &[10.0, 20.0, 50.0]),
];
const YEARS: [i32; 3] = [2019, 2020, 2021];
const TYPES: [SchoolType; 4] = [
    SchoolType::Secondary,
    SchoolType::Secondary,
    SchoolType::Basic,
    SchoolType::Primary,
];

/// A school: type, municipality, and per year and column an optional grid index.
type SchoolSpec = (usize, usize, Vec<Vec<Option<usize>>>);

fn school() -> impl Strategy<Value = SchoolSpec> {
    let cells = prop::collection::vec(
        prop::collection::vec(prop::option::weighted(0.75, 0usize..6), COLUMNS.len()),
        YEARS.len(),
    );
    (0..TYPES.len(), 0usize..3, cells)
}

fn region() -> impl Strategy<Value = Vec<SchoolSpec>> {
    prop::collection::vec(school(), 1..14)
}

fn rows(spec: &[SchoolSpec]) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, (t, m, years)) in spec.iter().enumerate() {
        for (y, cells) in years.iter().enumerate() {
            // A school may lack a year entirely (all cells of the first column pattern empty).
            if cells.iter().all(Option::is_none) && y == 0 {
                continue;
            }
            let mut r = Row::new(
                &format!("s{i:02}"),
                &format!("Школа {i}"),
                &format!("М{m}"),
                TYPES[*t],
                YEARS[y],
            );
            for (c, cell) in cells.iter().enumerate() {
                if let Some(k) = cell {
                    let grid = COLUMNS[c].1;
                    r = r.with(COLUMNS[c].0, grid[k % grid.len()]);
                }
            }
            rows.push(r);
        }
    }
    rows
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn indices_are_in_the_unit_interval_and_categories_match_bands(spec in region()) {
        let rows = rows(&spec);
        prop_assume!(!rows.is_empty());
        let r = identify(&rows, &Params::default()).unwrap();
        for s in &r.schools {
            for y in s.years.values() {
                for v in [y.results_index, y.social_index].into_iter().flatten() {
                    prop_assert!((0.0..=1.0).contains(&v), "index {v} of {}", s.school_id);
                }
                for v in y.components.values() {
                    prop_assert!((0.0..=1.0).contains(&v));
                }
                prop_assert_eq!(y.results_index.is_some(), y.results_band.is_some());
            }
            let bands: Vec<Option<ResultsBand>> =
                r.years.iter().map(|y| s.years.get(y).and_then(|v| v.results_band)).collect();
            match s.results_category {
                Some(ResultsCategory::Low) => prop_assert!(bands.iter().all(|b| *b == Some(ResultsBand::Low))),
                Some(ResultsCategory::High) => prop_assert!(bands.iter().all(|b| *b == Some(ResultsBand::High))),
                Some(ResultsCategory::Risk) => prop_assert!(bands[1..].iter().all(|b| *b == Some(ResultsBand::Low))),
                Some(ResultsCategory::Insufficient) => prop_assert!(bands.iter().any(Option::is_none)),
                Some(ResultsCategory::Middle) => prop_assert!(bands.iter().all(Option::is_some)),
                None => prop_assert!(s.excluded.is_some()),
            }
        }
    }

    #[test]
    fn improving_an_inverse_indicator_never_lowers_the_results_index(
        spec in region(),
        pick in any::<prop::sample::Index>(),
        column in prop::sample::select(vec!["ege_no_cert_pct", "ege_rus_below_min_pct", "ege_math_below_min_pct"]),
        fraction in 0.0f64..=1.0,
    ) {
        let rows = rows(&spec);
        let candidates: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].values.get_by_id(column).is_some_and(|v| v > 0.0)).collect();
        prop_assume!(!candidates.is_empty());
        let i = candidates[pick.index(candidates.len())];
        let before = identify(&rows, &Params::default()).unwrap();
        let mut better = rows.clone();
        let old = better[i].values.get_by_id(column).unwrap();
        better[i].values.set_by_id(column, Some(old * (1.0 - fraction)));
        let after = identify(&better, &Params::default()).unwrap();
        let key = rows[i].year;
        let index = |r: &shkala::domain::method::identify::Identification| {
            r.school(&rows[i].school_id).and_then(|s| s.years.get(&key)).and_then(|y| y.results_index)
        };
        if let (Some(b), Some(a)) = (index(&before), index(&after)) {
            prop_assert!(a >= b - 1e-12, "{column}: {old} → {}: index {b} → {a}", old * (1.0 - fraction));
        }
    }

    #[test]
    fn row_order_does_not_change_the_output(spec in region(), seed in any::<u64>()) {
        let rows = rows(&spec);
        prop_assume!(!rows.is_empty());
        let mut shuffled = rows.clone();
        // Fisher–Yates with a tiny LCG, so the permutation comes from the seed.
        let mut state = seed | 1;
        for k in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(k, (state >> 33) as usize % (k + 1));
        }
        let a = serde_json::to_value(identify(&rows, &Params::default()).unwrap()).unwrap();
        let b = serde_json::to_value(identify(&shuffled, &Params::default()).unwrap()).unwrap();
        prop_assert_eq!(a, b);
    }

    /// Устойчивые ШНРО are ШНРО in the base and in every alternative run (each checked against
    /// a full identification with the alternative's parameters); every list moves by its
    /// entering and leaving schools; the result does not depend on the order of the rows.
    #[test]
    fn robust_low_is_in_every_list_and_lists_move_by_entries_and_exits(
        spec in region(),
        last_or_all in any::<bool>(),
        joined in any::<bool>(),
        share in prop::sample::select(vec![0.2, 0.25, 0.3, 0.34]),
        equal in any::<bool>(),
        official in prop::option::of(prop::sample::select(vec![40.0f64, 60.0, 3.6])),
        seed in any::<u64>(),
    ) {
        let rows = rows(&spec);
        prop_assume!(!rows.is_empty());
        let mut base = Params {
            social_rule: if last_or_all { SocialRule::LastOrAll } else { SocialRule::AtLeast },
            band_share: share,
            mean_weighting: if equal { MeanWeighting::Equal } else { MeanWeighting::Participants },
            ..Params::default()
        };
        base.set_basic_and_evening_joined(joined);
        if let Some(m) = official {
            base.regional_means.insert(
                "2020".into(),
                [("ege_rus_mean".to_string(), m), ("oge_math_mean".to_string(), m.min(5.0))].into(),
            );
        }
        let r = robustness(&rows, &base).unwrap();
        let lists = |p: &Params| -> [BTreeSet<String>; 3] {
            let mut out: [BTreeSet<String>; 3] = Default::default();
            for s in identify(&rows, p).unwrap().schools {
                match s.results_category {
                    Some(ResultsCategory::Low) => out[0].insert(s.school_id.clone()),
                    Some(ResultsCategory::Risk) => out[1].insert(s.school_id.clone()),
                    _ => false,
                };
                if s.social_category == Some(SocialCategory::Unfavourable) {
                    out[2].insert(s.school_id);
                }
            }
            out
        };
        let base_lists = lists(&base);
        let robust: BTreeSet<String> = r.robust_low.iter().cloned().collect();
        prop_assert!(robust.is_subset(&base_lists[0]));
        prop_assert_eq!(r.low_stays.len(), base_lists[0].len());
        prop_assert_eq!(r.alternatives.iter().filter(|a| a.was_run()).count(), r.alternatives_run);
        prop_assert_eq!(r.alternatives.iter().filter(|a| a.id == "regional_means" && a.was_run()).count(), usize::from(official.is_some()));
        for a in r.alternatives.iter().filter(|a| a.was_run()) {
            let alt_lists = lists(a.params.as_ref().unwrap());
            prop_assert!(robust.is_subset(&alt_lists[0]), "{}", a.id);
            for (k, list) in List::ALL.into_iter().enumerate() {
                let c = a.change(list).unwrap();
                prop_assert_eq!(c.base, base_lists[k].len());
                prop_assert_eq!(c.alternative, alt_lists[k].len());
                prop_assert_eq!(c.alternative + c.left.len(), c.base + c.entered.len());
                let entered: BTreeSet<String> = alt_lists[k].difference(&base_lists[k]).cloned().collect();
                let left: BTreeSet<String> = base_lists[k].difference(&alt_lists[k]).cloned().collect();
                prop_assert_eq!(c.entered.iter().cloned().collect::<BTreeSet<_>>(), entered, "{} {:?}", a.id, list);
                prop_assert_eq!(c.left.iter().cloned().collect::<BTreeSet<_>>(), left, "{} {:?}", a.id, list);
            }
        }
        // A base ШНРО is устойчивая exactly when it stays in every alternative run.
        for s in &r.low_stays {
            prop_assert_eq!(robust.contains(&s.school_id), s.stays_in == r.alternatives_run);
        }
        let mut shuffled = rows.clone();
        let mut state = seed | 1;
        for k in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(k, (state >> 33) as usize % (k + 1));
        }
        prop_assert_eq!(robustness(&shuffled, &base).unwrap(), r);
    }
}
