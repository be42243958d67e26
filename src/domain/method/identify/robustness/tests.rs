//! Worked examples of the alternatives, and the shared stages checked against full runs.

use super::*;
use crate::domain::demo::{region, DemoSpec};
use crate::domain::method::identify::identify;
use std::collections::BTreeMap;

const YEARS: [i32; 3] = [2019, 2020, 2021];

fn row(id: &str, t: SchoolType, year: i32) -> Row {
    Row::new(id, &format!("Школа {id}"), "Город", t, year)
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn alt<'a>(r: &'a Robustness, id: &str) -> &'a Alternative {
    r.alternatives
        .iter()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("no alternative {id}"))
}

/// (entered, left) of one list under one alternative.
fn moved(r: &Robustness, id: &str, list: List) -> (Vec<String>, Vec<String>) {
    let c = alt(r, id).change(list).expect("run");
    (c.entered.clone(), c.left.clone())
}

/// The lists as a full identification gives them.
fn lists_by_identify(rows: &[Row], params: &Params) -> [BTreeSet<String>; 3] {
    let r = identify(rows, params).unwrap();
    let mut out: [BTreeSet<String>; 3] = Default::default();
    for s in &r.schools {
        match s.results_category {
            Some(ResultsCategory::Low) => out[0].insert(s.school_id.clone()),
            Some(ResultsCategory::Risk) => out[1].insert(s.school_id.clone()),
            _ => false,
        };
        if s.social_category == Some(SocialCategory::Unfavourable) {
            out[2].insert(s.school_id.clone());
        }
    }
    out
}

/// Every run alternative's lists (base + entered − left) equal a full identification with its
/// parameters, and the counts add up.
fn check_against_identify(rows: &[Row], base: &Params, r: &Robustness) {
    let base_lists = lists_by_identify(rows, base);
    assert_eq!(
        [
            r.base_counts.low,
            r.base_counts.risk,
            r.base_counts.unfavourable
        ],
        [
            base_lists[0].len(),
            base_lists[1].len(),
            base_lists[2].len()
        ]
    );
    for a in r.alternatives.iter().filter(|a| a.was_run()) {
        let expected = lists_by_identify(rows, a.params.as_ref().unwrap());
        for (k, list) in List::ALL.into_iter().enumerate() {
            let c = a.change(list).unwrap();
            let mut got = base_lists[k].clone();
            got.extend(c.entered.iter().cloned());
            for s in &c.left {
                got.remove(s);
            }
            assert_eq!(got, expected[k], "{} {:?}", a.id, list);
            assert_eq!(c.alternative, c.base + c.entered.len() - c.left.len());
        }
    }
}

/// The worked example of the band share, the ШНСУ rule and the pools.
///
/// Secondary schools s00…s19, three years. Results: only `ege_no_cert_pct` = i (higher is
/// worse), except s15 with 0 in 2019. Social: only `deviant_pct` = i (higher is worse),
/// except s19 with 0 in 2021.
/// - Band 25 % of 20 = 5. Results: 2019 low s19…s16, s14; 2020 and 2021 s19…s15.
///   ШНРО s16…s19; «группа риска» s15 (low in the last 2 years only).
///   Social: 2019 and 2020 unfavourable s15…s19; 2021 s14…s18. ШНСУ (2 of 3): s15…s19.
/// - 20 % (band 4): results low s16…s19 every year → ШНРО the same, s15 leaves «группа
///   риска». Social: 2019, 2020 s16…s19; 2021 s15…s18 → ШНСУ s16…s19: s15 leaves.
/// - 30 % (band 6): results 2019 s13, s14, s16…s19; 2020, 2021 s14…s19 → s14 enters ШНРО,
///   s15 stays at risk. Social: 2019, 2020 s14…s19; 2021 s13…s18 → s14 enters ШНСУ.
/// - ШНСУ «2 последних года или все 3»: s19 (unfavourable 2019 and 2020 only) leaves.
///
/// Basic b0…b3 (`ege_no_cert_pct` 0, 1, 2, 3) and evening e0…e3 (50, 60, 70, 80), the same
/// every year, no social data. Apart: band 1 in each pool → ШНРО b3 and e3. Together: one
/// pool of 8, band 2 → e3 and e2: e2 enters, b3 leaves. At 30 % each pool of 4 has band 2:
/// b2 and e2 enter as well.
fn worked_example() -> Vec<Row> {
    let mut rows = Vec::new();
    for (y, &year) in YEARS.iter().enumerate() {
        for i in 0..20 {
            let no_cert = if i == 15 && y == 0 { 0.0 } else { i as f64 };
            let deviant = if i == 19 && y == 2 { 0.0 } else { i as f64 };
            rows.push(
                row(&format!("s{i:02}"), SchoolType::Secondary, year)
                    .with("ege_no_cert_pct", no_cert)
                    .with("deviant_pct", deviant),
            );
        }
        for (i, v) in [0.0, 1.0, 2.0, 3.0].into_iter().enumerate() {
            rows.push(row(&format!("b{i}"), SchoolType::Basic, year).with("ege_no_cert_pct", v));
        }
        for (i, v) in [50.0, 60.0, 70.0, 80.0].into_iter().enumerate() {
            rows.push(row(&format!("e{i}"), SchoolType::Evening, year).with("ege_no_cert_pct", v));
        }
    }
    rows
}

#[test]
fn each_alternative_changes_what_the_worked_example_says() {
    let rows = worked_example();
    let base = Params::default();
    let r = robustness(&rows, &base).unwrap();
    assert_eq!(
        r.base_counts,
        ListCounts {
            low: 6,
            risk: 1,
            unfavourable: 5
        }
    );
    let order: Vec<&str> = r.alternatives.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        order,
        [
            "social_rule",
            "pools",
            "band_share_20",
            "band_share_30",
            "mean_weighting",
            "regional_means"
        ]
    );
    assert_eq!(
        alt(&r, "social_rule").label,
        "ШНСУ: 2 последних года или все 3"
    );
    assert_eq!(alt(&r, "pools").label, "Основные и вечерние — вместе");
    assert_eq!(alt(&r, "band_share_30").label, "Доля группы 30 %");
    assert_eq!(
        alt(&r, "mean_weighting").label,
        "Средние без взвешивания по числу участников"
    );

    // Band share 30 %: more schools in every pool's band.
    assert_eq!(
        moved(&r, "band_share_30", List::Low),
        (ids(&["b2", "e2", "s14"]), ids(&[]))
    );
    assert_eq!(moved(&r, "band_share_30", List::Risk), (ids(&[]), ids(&[])));
    assert_eq!(
        moved(&r, "band_share_30", List::Unfavourable),
        (ids(&["s14"]), ids(&[]))
    );
    // Band share 20 %: ШНРО unchanged, s15 leaves «группа риска» and ШНСУ.
    assert_eq!(moved(&r, "band_share_20", List::Low), (ids(&[]), ids(&[])));
    assert_eq!(
        moved(&r, "band_share_20", List::Risk),
        (ids(&[]), ids(&["s15"]))
    );
    assert_eq!(
        moved(&r, "band_share_20", List::Unfavourable),
        (ids(&[]), ids(&["s15"]))
    );
    // The stricter ШНСУ rule: s19 leaves; the results lists do not move.
    assert_eq!(
        moved(&r, "social_rule", List::Unfavourable),
        (ids(&[]), ids(&["s19"]))
    );
    assert_eq!(moved(&r, "social_rule", List::Low), (ids(&[]), ids(&[])));
    // Basic and evening together.
    assert_eq!(moved(&r, "pools", List::Low), (ids(&["e2"]), ids(&["b3"])));
    // No exam means in the data: the weighting changes nothing.
    assert_eq!(moved(&r, "mean_weighting", List::Low), (ids(&[]), ids(&[])));
    // No official means: not run, with the reason.
    let official = alt(&r, "regional_means");
    assert!(!official.was_run());
    assert_eq!(
        official.not_applicable.as_deref(),
        Some("официальные средние не заданы")
    );
    assert!(official.params.is_none() && official.changes.is_empty());
    assert_eq!(r.alternatives_run, 5);

    // Устойчивые: every base ШНРО but b3 (it leaves when the pools are joined).
    assert_eq!(r.robust_low, ids(&["e3", "s16", "s17", "s18", "s19"]));
    let b3 = r.low_stays.iter().find(|s| s.school_id == "b3").unwrap();
    assert_eq!(b3.stays_in, 4);
    assert_eq!(b3.school_name, "Школа b3");
    assert_eq!(b3.municipality, "Город");
    check_against_identify(&rows, &base, &r);
}

#[test]
fn the_other_reading_is_the_alternative_of_a_changed_base() {
    let rows = worked_example();
    let mut base = Params {
        social_rule: SocialRule::LastOrAll,
        band_share: 0.3,
        mean_weighting: MeanWeighting::Equal,
        ..Params::default()
    };
    base.set_basic_and_evening_joined(true);
    let r = robustness(&rows, &base).unwrap();
    let order: Vec<&str> = r.alternatives.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        order,
        [
            "social_rule",
            "pools",
            "band_share_20",
            "band_share_25",
            "mean_weighting",
            "regional_means"
        ]
    );
    let p = |id| alt(&r, id).params.clone().unwrap();
    assert_eq!(p("social_rule").social_rule, SocialRule::AtLeast);
    assert_eq!(alt(&r, "social_rule").label, "ШНСУ: не менее 2 лет из 3");
    assert!(!p("pools").basic_and_evening_joined());
    assert_eq!(alt(&r, "pools").label, "Основные и вечерние — отдельно");
    assert_eq!(p("band_share_25").band_share, 0.25);
    assert_eq!(
        p("mean_weighting").mean_weighting,
        MeanWeighting::Participants
    );
    // Each alternative changes one thing only.
    for a in r.alternatives.iter().filter(|a| a.was_run()) {
        let q = a.params.as_ref().unwrap();
        let differs = [
            q.social_rule != base.social_rule,
            q.pools != base.pools,
            q.band_share != base.band_share,
            q.mean_weighting != base.mean_weighting,
            q.regional_means != base.regional_means,
        ];
        assert_eq!(differs.iter().filter(|d| **d).count(), 1, "{}", a.id);
    }
    check_against_identify(&rows, &base, &r);
}

#[test]
fn pools_do_not_apply_when_basic_or_evening_schools_are_excluded() {
    let mut base = Params::default();
    base.set_excluded(SchoolType::Evening, true);
    let a = alternatives(&base);
    let pools = a.iter().find(|a| a.id == "pools").unwrap();
    assert_eq!(
        pools.not_applicable.as_deref(),
        Some("основные или вечерние школы не участвуют в идентификации")
    );
    let r = robustness(&worked_example(), &base).unwrap();
    check_against_identify(&worked_example(), &base, &r);
}

/// Weighted and unweighted means on a case built for it.
///
/// Secondary schools s00…s19, three years: `ege_no_cert_pct` = i, `ege_rus_mean` 70 with
/// 10 participants, except s00 (90 with 1,000 participants) and s12 (60 with 10).
/// Weighted mean: (90·1000 + 70·180 + 60·10) / 1190 = 103200 / 1190 ≈ 86.72, so s12 is
/// more than 20 points below (flagged, gap 0) and the others at 70 are not: s12's index
/// (7/19 + 0) / 2 ≈ 0.18 is the lowest, and ШНРО (band 5) are s12, s16…s19.
/// Unweighted: (90 + 70·18 + 60) / 20 = 70.5, nobody is flagged, ШНРО s15…s19.
fn weighting_example() -> Vec<Row> {
    let mut rows = Vec::new();
    for year in YEARS {
        for i in 0..20 {
            let (mean, n) = match i {
                0 => (90.0, 1000.0),
                12 => (60.0, 10.0),
                _ => (70.0, 10.0),
            };
            rows.push(
                row(&format!("s{i:02}"), SchoolType::Secondary, year)
                    .with("ege_no_cert_pct", i as f64)
                    .with("ege_rus_mean", mean)
                    .with("ege_participants", n),
            );
        }
    }
    rows
}

#[test]
fn weighted_and_equal_means_differ_and_move_the_list() {
    let rows = weighting_example();
    let weighted = identify(&rows, &Params::default()).unwrap();
    let equal_params = Params {
        mean_weighting: MeanWeighting::Equal,
        ..Params::default()
    };
    let equal = identify(&rows, &equal_params).unwrap();
    let m = |r: &super::super::Identification| r.regional_means["2021"]["ege_rus_mean"].value;
    assert!(
        (m(&weighted) - 103_200.0 / 1190.0).abs() < 1e-9,
        "{}",
        m(&weighted)
    );
    assert!((m(&equal) - 70.5).abs() < 1e-9, "{}", m(&equal));

    let r = robustness(&rows, &Params::default()).unwrap();
    assert_eq!(
        moved(&r, "mean_weighting", List::Low),
        (ids(&["s15"]), ids(&["s12"]))
    );
    let s12 = r.low_stays.iter().find(|s| s.school_id == "s12").unwrap();
    assert!(!r.robust_low.contains(&"s12".to_string()));
    assert!(s12.stays_in < r.alternatives_run);
    check_against_identify(&rows, &Params::default(), &r);

    // The same rows in another order: the same means to the bit, the same robustness.
    let mut reversed = rows.clone();
    reversed.reverse();
    reversed.rotate_left(7);
    for p in [Params::default(), equal_params] {
        let a = identify(&rows, &p).unwrap();
        let b = identify(&reversed, &p).unwrap();
        assert_eq!(m(&a).to_bits(), m(&b).to_bits(), "{:?}", p.mean_weighting);
        assert_eq!(
            robustness(&rows, &p).unwrap(),
            robustness(&reversed, &p).unwrap()
        );
    }
}

#[test]
fn computed_means_replace_the_official_ones() {
    let rows = weighting_example();
    // Official mean 85 every year: s12 (60) is flagged whatever the weighting; computed
    // unweighted (70.5) it is not.
    let official: BTreeMap<String, f64> = [("ege_rus_mean".to_string(), 85.0)].into();
    let base = Params {
        mean_weighting: MeanWeighting::Equal,
        regional_means: YEARS
            .iter()
            .map(|y| (y.to_string(), official.clone()))
            .collect(),
        ..Params::default()
    };
    let r = robustness(&rows, &base).unwrap();
    let computed = alt(&r, "regional_means");
    assert!(computed.was_run());
    assert!(computed.params.as_ref().unwrap().regional_means.is_empty());
    assert_eq!(
        moved(&r, "regional_means", List::Low),
        (ids(&["s15"]), ids(&["s12"]))
    );
    // The official means are used as given: the weighting does not matter.
    assert_eq!(moved(&r, "mean_weighting", List::Low), (ids(&[]), ids(&[])));
    check_against_identify(&rows, &base, &r);
}

#[test]
fn shared_stages_agree_with_full_runs_on_the_demo_region() {
    let rows = region(&DemoSpec {
        schools: 240,
        municipalities: 8,
        years: YEARS.to_vec(),
        seed: 11,
    });
    let mut joined = Params {
        social_rule: SocialRule::LastOrAll,
        band_share: 0.2,
        ..Params::default()
    };
    joined.set_basic_and_evening_joined(true);
    joined
        .regional_means
        .insert("2020".into(), [("oge_math_mean".to_string(), 3.9)].into());
    for base in [Params::default(), joined] {
        let r = robustness(&rows, &base).unwrap();
        assert!(r.base_counts.low > 0);
        check_against_identify(&rows, &base, &r);
    }
}

#[test]
fn bad_parameters_and_no_data_are_errors() {
    let p = Params {
        band_share: 0.9,
        ..Params::default()
    };
    assert!(matches!(
        robustness(&worked_example(), &p),
        Err(IdentifyError::Params(_))
    ));
    assert_eq!(
        robustness(&[], &Params::default()),
        Err(IdentifyError::NoData)
    );
}

#[test]
fn the_tables_for_excel() {
    let r = robustness(&worked_example(), &Params::default()).unwrap();
    let csv = robustness_csv(&r);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}Альтернатива;Категория;В базовом прочтении;В альтернативе;Вошли;Вышли;Примечание"
    );
    // 5 alternatives run × 3 lists, one not applicable.
    assert_eq!(lines.len(), 1 + 5 * 3 + 1);
    assert!(lines.contains(&"Доля группы 30 %;ШНРО;6;9;3;0;"), "{csv}");
    assert!(
        lines.contains(&"ШНСУ: 2 последних года или все 3;ШНСУ;5;4;0;1;"),
        "{csv}"
    );
    assert!(lines.contains(
        &"Вычисленные средние вместо официальных;;;;;;не рассчитывалась: официальные средние не заданы"
    ));

    let csv = robust_low_csv(&r);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}Муниципалитет;Идентификатор школы;Школа;Остаётся ШНРО в альтернативах;Всего альтернатив;Устойчивая ШНРО"
    );
    assert_eq!(lines[1], "Город;e3;Школа e3;5;5;да");
    assert_eq!(lines.last(), Some(&"Город;b3;Школа b3;4;5;нет"));
    assert_eq!(lines.len(), 1 + 6);
}
