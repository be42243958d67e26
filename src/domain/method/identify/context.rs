//! Stage 8 (beyond the seed): contextualised results — the results index against the one
//! expected from the school's social index, as in the Russian research on schools working in
//! difficult social contexts.
//!
//! Per pool and year of the window, over the schools of that pool-year that have both
//! indices (n of them): the ordinary least squares line `results = intercept + slope × social`,
//! with `R² = 1 − SSres/SStot` (SSres = Σ residual², SStot = Σ (results − mean)²; `None` when
//! SStot = 0, i.e. every results index is the same after rounding to 10 decimals). No line when
//! n < `params.context_min_n` (default 10: a line of two coefficients wants about ten points;
//! never below 3, [`super::params::MIN_CONTEXT_N`]) or when every social index is the same
//! (after rounding to 10 decimals); the fit's `note` says why, and its schools get no expected
//! value.
//!
//! Each school-year on a line gets `expected = intercept + slope × social` and
//! `residual = results − expected`, and a category by the residual's place among the
//! pool-year's residuals, with the engine's band rule ([`super::bands`]): «ниже ожидаемого»
//! if its ascending competition rank is ≤ ceil(`context_share` × n), «выше ожидаемого» if its
//! descending rank is (ties share the lowest rank, residuals compared after rounding to 10
//! decimals; a residual in both is in the middle), else «в пределах ожидаемого».
//!
//! A school is resilient in this reading (`context_resilient`) when it is «выше ожидаемого» in
//! every year of the window (a year without a category — no row, no index, no line — breaks
//! it) and its social category over the window is ШНСУ (`unfavourable`): stably above
//! expectation in unfavourable conditions. The seed's «резильентные» are the schools with
//! stably high results that are ШНСУ; this reading compares a school with schools in the same
//! conditions instead of with the whole pool.
//!
//! The computation reads only an [`Identification`] (indices, social categories, the
//! parameters), so it is also run on stored results made before it existed
//! ([`ensure_context`]). Cost: a sort per pool-year, O(n log n).

use super::bands::band_group;
use super::output::{
    Context, ContextCategory, ContextFit, Identification, SocialCategory, YearResult,
};
use super::params::MIN_CONTEXT_N;
use super::summary::summarise;
use crate::domain::method::stats::{rank_key, Band};
use std::collections::{BTreeMap, HashMap};

/// A school-year's place against its pool-year's line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearContext {
    pub expected: f64,
    pub residual: f64,
    pub category: ContextCategory,
}

/// The contextualised results of one school: one entry per entry of its `years` (same
/// order), `None` where it has no line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SchoolContext {
    pub years: Vec<Option<YearContext>>,
    pub resilient: bool,
}

/// The contextualised results of a run: the lines, and per school (in the run's order).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contextualised {
    pub context: Context,
    pub schools: Vec<SchoolContext>,
}

/// One school-year with both indices.
#[derive(Clone, Copy)]
struct Member {
    group: usize,
    school: usize,
    slot: usize,
    x: f64,
    y: f64,
}

/// Computes the contextualised results of `result` (its indices, social categories,
/// `params.context_share` and `params.context_min_n`); the result itself is not changed.
pub fn contextualise(result: &Identification) -> Contextualised {
    let share = result.params.context_share;
    // A stored result's parameters are not validated again: the floor holds here too.
    let min_n = result.params.context_min_n.max(MIN_CONTEXT_N);
    let pool_order: HashMap<&str, usize> = result
        .params
        .pools
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    // The pool-years with a row, in the order of the parameters' pools, then by year.
    let mut groups: BTreeMap<(usize, &str, i32), usize> = BTreeMap::new();
    let mut members = Vec::with_capacity(result.schools.len() * result.years.len());
    let mut schools: Vec<SchoolContext> = Vec::with_capacity(result.schools.len());
    for (si, s) in result.schools.iter().enumerate() {
        schools.push(SchoolContext {
            years: vec![None; s.years.len()],
            resilient: false,
        });
        let Some(pool) = s.pool.as_deref() else {
            continue;
        };
        let order = pool_order.get(pool).copied().unwrap_or(usize::MAX);
        for (slot, (year, y)) in s.years.iter().enumerate() {
            let next = groups.len();
            let group = *groups.entry((order, pool, year)).or_insert(next);
            if let (Some(x), Some(r)) = (y.social_index, y.results_index) {
                if x.is_finite() && r.is_finite() {
                    members.push(Member {
                        group,
                        school: si,
                        slot,
                        x,
                        y: r,
                    });
                }
            }
        }
    }
    // By group and, within a group, in the run's school order (so the sums are the same every
    // time); the groups are few (pools × years), so one pass per group.
    let members = {
        let mut by_group = Vec::with_capacity(members.len());
        for g in 0..groups.len() {
            by_group.extend(members.iter().filter(|m| m.group == g).copied());
        }
        by_group
    };
    let mut fits: Vec<Option<ContextFit>> = vec![None; groups.len()];
    let keys: Vec<(&str, i32)> = {
        let mut k = vec![("", 0); groups.len()];
        for (&(_, pool, year), &g) in &groups {
            k[g] = (pool, year);
        }
        k
    };
    let mut start = 0;
    for g in 0..groups.len() {
        let end = start + members[start..].partition_point(|m| m.group == g);
        let group = &members[start..end];
        let (pool, year) = keys[g];
        let (fit, placed) = fit_group(group, share, min_n);
        for (m, c) in group.iter().zip(placed) {
            schools[m.school].years[m.slot] = c;
        }
        fits[g] = Some(ContextFit {
            pool: pool.to_string(),
            year,
            ..fit
        });
        start = end;
    }
    let mut ordered: Vec<ContextFit> = Vec::with_capacity(groups.len());
    for &g in groups.values() {
        if let Some(f) = fits[g].take() {
            ordered.push(f);
        }
    }
    for (s, c) in result.schools.iter().zip(&mut schools) {
        c.resilient = s.social_category == Some(SocialCategory::Unfavourable)
            && !result.years.is_empty()
            && result.years.iter().all(|y| {
                s.years
                    .iter()
                    .position(|(sy, _)| sy == *y)
                    .and_then(|slot| c.years[slot])
                    .is_some_and(|yc| yc.category == ContextCategory::Above)
            });
    }
    Contextualised {
        context: Context { fits: ordered },
        schools,
    }
}

/// The line of one pool-year (pool and year left empty) and each member's place; no line
/// from fewer than `min_n` members.
fn fit_group(group: &[Member], share: f64, min_n: usize) -> (ContextFit, Vec<Option<YearContext>>) {
    let n = group.len();
    let none = |note: String| {
        (
            ContextFit {
                pool: String::new(),
                year: 0,
                n,
                slope: None,
                intercept: None,
                r2: None,
                note: Some(note),
            },
            vec![None; n],
        )
    };
    if n < min_n {
        return none(format!(
            "школ с обоими индексами меньше {min_n} (n = {n}): линия не строится"
        ));
    }
    let all_same = |v: &dyn Fn(&Member) -> f64| {
        let first = rank_key(v(&group[0]));
        group.iter().all(|m| rank_key(v(m)) == first)
    };
    if all_same(&|m| m.x) {
        return none(format!(
            "у всех школ (n = {n}) одинаковый социальный индекс: наклон не определён, линия не строится"
        ));
    }
    let nf = n as f64;
    let mean_x = group.iter().map(|m| m.x).sum::<f64>() / nf;
    let mean_y = group.iter().map(|m| m.y).sum::<f64>() / nf;
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for m in group {
        let (dx, dy) = (m.x - mean_x, m.y - mean_y);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    let slope = sxy / sxx;
    let intercept = mean_y - slope * mean_x;
    let expected: Vec<f64> = group.iter().map(|m| intercept + slope * m.x).collect();
    let residuals: Vec<f64> = group.iter().zip(&expected).map(|(m, e)| m.y - e).collect();
    let ss_res: f64 = residuals.iter().map(|r| r * r).sum();
    let (r2, note) = if all_same(&|m| m.y) {
        (
            None,
            Some("у всех школ одинаковый индекс результатов: R² не определён".to_string()),
        )
    } else {
        // Least squares with an intercept gives 0 ≤ R² ≤ 1; the clamp removes rounding noise.
        (Some((1.0 - ss_res / syy).clamp(0.0, 1.0)), None)
    };
    // -0.0 and 0.0 are one residual.
    let keyed: Vec<Option<f64>> = residuals.iter().map(|r| Some(r + 0.0)).collect();
    let placed = band_group(&keyed, share)
        .into_iter()
        .zip(expected.iter().zip(&residuals))
        .map(|(b, (&expected, &residual))| {
            b.map(|b| YearContext {
                expected,
                residual,
                category: match b {
                    Band::Bottom => ContextCategory::Below,
                    Band::Middle => ContextCategory::Within,
                    Band::Top => ContextCategory::Above,
                },
            })
        })
        .collect();
    (
        ContextFit {
            pool: String::new(),
            year: 0,
            n,
            slope: Some(slope),
            intercept: Some(intercept),
            r2,
            note,
        },
        placed,
    )
}

/// Writes the contextualised results into `result` (the lines, each school-year's expected
/// value, residual and category, `context_resilient`) and recomputes the summary.
pub fn apply_context(result: &mut Identification) {
    let Contextualised { context, schools } = contextualise(result);
    for (s, c) in result.schools.iter_mut().zip(schools) {
        for ((_, y), yc) in s.years.0.iter_mut().zip(c.years) {
            set_year(y, yc);
        }
        s.context_resilient = c.resilient;
    }
    result.context = context;
    result.summary = summarise(&result.schools);
}

fn set_year(y: &mut YearResult, c: Option<YearContext>) {
    y.expected = c.map(|c| c.expected);
    y.residual = c.map(|c| c.residual);
    y.context_category = c.map(|c| c.category);
}

/// For a result made before this reading (no lines): computes it. Returns whether it did.
pub fn ensure_context(result: &mut Identification) -> bool {
    if !result.context.fits.is_empty() {
        return false;
    }
    apply_context(result);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contract::row::SchoolType;
    use crate::domain::method::identify::{Params, SchoolResult, Summary, YearMap};

    const EPS: f64 = 1e-12;

    fn year_result(x: Option<f64>, y: Option<f64>) -> YearResult {
        YearResult {
            results_index: y,
            social_index: x,
            ..YearResult::default()
        }
    }

    /// A school of the pool «secondary» with (year, social index, results index) per year.
    fn school(id: &str, social: SocialCategory, years: &[(i32, f64, f64)]) -> SchoolResult {
        SchoolResult {
            school_id: id.into(),
            school_name: format!("Школа {id}"),
            municipality: "Север".into(),
            school_type: SchoolType::Secondary,
            pool: Some("secondary".into()),
            excluded: None,
            results_category: None,
            social_category: Some(social),
            years: YearMap(
                years
                    .iter()
                    .map(|&(y, x, r)| (y, year_result(Some(x), Some(r))))
                    .collect(),
            ),
            partners: Vec::new(),
            resilient: false,
            context_resilient: false,
        }
    }

    /// A run of these schools; a line from 3 schools on, as before the minimum was a
    /// parameter, so the worked examples of five schools keep their numbers.
    fn run(years: Vec<i32>, schools: Vec<SchoolResult>) -> Identification {
        Identification {
            params: Params {
                context_min_n: 3,
                ..Params::default()
            },
            years,
            schools,
            summary: Summary::default(),
            pools: Vec::new(),
            regional_means: BTreeMap::new(),
            notes: Vec::new(),
            context: Context::default(),
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < EPS)
    }

    fn category(r: &Identification, id: &str, year: i32) -> Option<ContextCategory> {
        r.school(id)?.years.get(&year)?.context_category
    }

    /// The worked example (README, «Contextualised results»): five schools, x = social index,
    /// y = results index.
    ///
    /// ```text
    ///      x     y     x−x̄    y−ȳ   expected  residual
    /// A  0     0.1   −0.5   −0.4    0.16     −0.06
    /// B  0.25  0.5   −0.25   0      0.33      0.17
    /// C  0.5   0.3    0     −0.2    0.50     −0.20
    /// D  0.75  0.8    0.25   0.3    0.67      0.13
    /// E  1     0.8    0.5    0.3    0.84     −0.04
    /// ```
    ///
    /// x̄ = 0.5, ȳ = 2.5 / 5 = 0.5; Sxx = 0.25 + 0.0625 + 0 + 0.0625 + 0.25 = 0.625;
    /// Sxy = 0.2 + 0 + 0 + 0.075 + 0.15 = 0.425; slope = 0.425 / 0.625 = 0.68;
    /// intercept = 0.5 − 0.68 × 0.5 = 0.16. SSres = 0.0036 + 0.0289 + 0.04 + 0.0169 + 0.0016
    /// = 0.091; SStot = 0.16 + 0 + 0.04 + 0.09 + 0.09 = 0.38; R² = 1 − 0.091 / 0.38 =
    /// 289 / 380 ≈ 0.7605. Share 0.25: ceil(0.25 × 5) = 2 in each tail — below: C (−0.20),
    /// A (−0.06); above: B (0.17), D (0.13); within: E (−0.04).
    #[test]
    fn worked_example() {
        use SocialCategory::Neutral;
        let r = run(
            vec![2025],
            vec![
                school("A", Neutral, &[(2025, 0.0, 0.1)]),
                school("B", Neutral, &[(2025, 0.25, 0.5)]),
                school("C", Neutral, &[(2025, 0.5, 0.3)]),
                school("D", Neutral, &[(2025, 0.75, 0.8)]),
                school("E", Neutral, &[(2025, 1.0, 0.8)]),
            ],
        );
        let c = contextualise(&r);
        assert_eq!(c.context.fits.len(), 1);
        let f = &c.context.fits[0];
        assert_eq!((f.pool.as_str(), f.year, f.n), ("secondary", 2025, 5));
        assert!(close(f.slope, 0.68), "{f:?}");
        assert!(close(f.intercept, 0.16), "{f:?}");
        assert!(close(f.r2, 289.0 / 380.0), "{f:?}");
        assert_eq!(f.note, None);
        let mut r = r;
        apply_context(&mut r);
        for (id, expected, residual, cat) in [
            ("A", 0.16, -0.06, ContextCategory::Below),
            ("B", 0.33, 0.17, ContextCategory::Above),
            ("C", 0.5, -0.2, ContextCategory::Below),
            ("D", 0.67, 0.13, ContextCategory::Above),
            ("E", 0.84, -0.04, ContextCategory::Within),
        ] {
            let y = &r.school(id).unwrap().years[&2025];
            assert!(close(y.expected, expected), "{id}: {y:?}");
            assert!(close(y.residual, residual), "{id}: {y:?}");
            assert_eq!(y.context_category, Some(cat), "{id}");
        }
        // Not ШНСУ: nobody is resilient in this reading.
        assert!(r.schools.iter().all(|s| !s.context_resilient));
        assert_eq!(r.summary.overall.context_resilient.count, 0);
    }

    /// Ties: y = 0.2, 0.5, 0.3, 0.7, 0.6 on the same x. ȳ = 0.46, Sxy = 0.13 − 0.01 + 0 +
    /// 0.06 + 0.07 = 0.25, slope = 0.4, intercept = 0.26; expected 0.26, 0.36, 0.46, 0.56,
    /// 0.66; residuals −0.06, 0.14, −0.16, 0.14, −0.06. SSres = 0.072, SStot = 0.172,
    /// R² = 1 − 0.072 / 0.172 = 25 / 43. Ascending ranks 2, 4, 1, 4, 2: C, A and E (tied at
    /// the cut, all in) are below; descending ranks 3, 1, 5, 1, 3: B and D are above.
    #[test]
    fn tied_residuals_share_the_band() {
        use SocialCategory::Neutral;
        let mut r = run(
            vec![2025],
            ["A", "B", "C", "D", "E"]
                .iter()
                .zip([0.2, 0.5, 0.3, 0.7, 0.6])
                .enumerate()
                .map(|(i, (id, y))| school(id, Neutral, &[(2025, i as f64 / 4.0, y)]))
                .collect(),
        );
        apply_context(&mut r);
        let f = &r.context.fits[0];
        assert!(close(f.slope, 0.4) && close(f.intercept, 0.26), "{f:?}");
        assert!(close(f.r2, 25.0 / 43.0), "{f:?}");
        use ContextCategory::*;
        for (id, cat) in [
            ("A", Below),
            ("B", Above),
            ("C", Below),
            ("D", Above),
            ("E", Below),
        ] {
            assert_eq!(category(&r, id, 2025), Some(cat), "{id}");
        }
    }

    #[test]
    fn no_line_for_fewer_than_three_schools_or_one_social_index() {
        use SocialCategory::Neutral;
        let mut r = run(
            vec![2024, 2025],
            vec![
                school("A", Neutral, &[(2024, 0.1, 0.2), (2025, 0.5, 0.1)]),
                school("B", Neutral, &[(2024, 0.9, 0.4), (2025, 0.5, 0.3)]),
                school("C", Neutral, &[(2025, 0.5, 0.9)]),
            ],
        );
        apply_context(&mut r);
        let f24 = r.context.fit("secondary", 2024).unwrap();
        assert_eq!((f24.n, f24.slope, f24.r2), (2, None, None));
        assert_eq!(
            f24.note.as_deref(),
            Some("школ с обоими индексами меньше 3 (n = 2): линия не строится")
        );
        let f25 = r.context.fit("secondary", 2025).unwrap();
        assert_eq!((f25.n, f25.slope), (3, None));
        assert!(f25
            .note
            .as_deref()
            .unwrap()
            .contains("одинаковый социальный индекс"));
        assert!(r
            .schools
            .iter()
            .flat_map(|s| s.years.values())
            .all(|y| y.expected.is_none() && y.context_category.is_none()));
    }

    /// With the default minimum (10), nine schools with both indices give no line and their
    /// schools no place; ten give a line.
    #[test]
    fn the_default_minimum_draws_from_ten_schools() {
        use SocialCategory::Neutral;
        let schools = |n: usize| -> Vec<SchoolResult> {
            (0..n)
                .map(|i| {
                    let x = i as f64 / n as f64;
                    let y = 0.2 + 0.5 * x + if i % 2 == 0 { 0.05 } else { -0.05 };
                    school(&format!("S{i}"), Neutral, &[(2025, x, y)])
                })
                .collect()
        };
        let with_default = |n: usize| Identification {
            params: Params::default(),
            ..run(vec![2025], schools(n))
        };
        assert_eq!(Params::default().context_min_n, 10);
        let nine = contextualise(&with_default(9));
        let f = &nine.context.fits[0];
        assert_eq!((f.n, f.slope, f.r2), (9, None, None));
        assert_eq!(
            f.note.as_deref(),
            Some("школ с обоими индексами меньше 10 (n = 9): линия не строится")
        );
        assert!(nine.schools.iter().all(|s| s.years == vec![None]));
        let ten = contextualise(&with_default(10));
        let f = &ten.context.fits[0];
        assert_eq!(f.n, 10);
        assert!(
            f.slope.is_some() && f.r2.is_some() && f.note.is_none(),
            "{f:?}"
        );
        assert!(ten.schools.iter().all(|s| s.years[0].is_some()));
        // A stored result whose minimum is below 3 is read with 3.
        let mut low = run(vec![2025], schools(2));
        low.params.context_min_n = 1;
        let f = &contextualise(&low).context.fits[0];
        assert!(
            f.note.as_deref().unwrap().contains("меньше 3 (n = 2)"),
            "{f:?}"
        );
    }

    /// Every results index the same: a flat line, no R², every school within expectation.
    #[test]
    fn equal_results_have_no_r2_and_nobody_above() {
        use SocialCategory::Neutral;
        let mut r = run(
            vec![2025],
            (0..4)
                .map(|i| school(&format!("S{i}"), Neutral, &[(2025, i as f64 / 3.0, 0.3)]))
                .collect(),
        );
        apply_context(&mut r);
        let f = &r.context.fits[0];
        assert!(close(f.slope, 0.0) && close(f.intercept, 0.3), "{f:?}");
        assert_eq!(f.r2, None);
        assert!(f.note.as_deref().unwrap().contains("R² не определён"));
        for s in &r.schools {
            assert_eq!(
                s.years[&2025].context_category,
                Some(ContextCategory::Within)
            );
        }
    }

    /// Three years, one line per year: x = 0, 0.25, 0.5, 0.75, 1 for A…E each year. R (ШНСУ)
    /// sits at x = 1 with the highest results every year: above expectation in all three,
    /// so resilient in this reading. M (ШНСУ) is above in 2024 and 2025 but has no row in
    /// 2023: not resilient. N is above every year but not ШНСУ: not resilient.
    #[test]
    fn stably_above_expectation_in_unfavourable_conditions_is_resilient() {
        use SocialCategory::*;
        let years = [2023, 2024, 2025];
        let mut schools = Vec::new();
        // Filler schools: on the line y = 0.5 − 0.2 x (with a small wobble).
        for (i, id) in ["A", "B", "C", "D", "E", "F"].iter().enumerate() {
            let x = i as f64 / 5.0;
            let wobble = if i % 2 == 0 { 0.01 } else { -0.01 };
            let rows: Vec<_> = years
                .iter()
                .map(|&y| (y, x, 0.5 - 0.2 * x + wobble))
                .collect();
            schools.push(school(id, Neutral, &rows));
        }
        let all = |x: f64, r: f64| years.iter().map(|&y| (y, x, r)).collect::<Vec<_>>();
        schools.push(school("R", Unfavourable, &all(1.0, 0.9)));
        schools.push(school("M", Unfavourable, &all(0.9, 0.85)[1..]));
        schools.push(school("N", Favourable, &all(0.1, 0.95)));
        let mut r = run(years.to_vec(), schools);
        apply_context(&mut r);
        assert_eq!(r.context.fits.len(), 3);
        for y in years {
            for id in ["R", "N"] {
                assert_eq!(
                    category(&r, id, y),
                    Some(ContextCategory::Above),
                    "{id} {y}"
                );
            }
        }
        assert_eq!(category(&r, "M", 2024), Some(ContextCategory::Above));
        assert_eq!(category(&r, "M", 2023), None);
        let resilient: Vec<&str> = r
            .schools
            .iter()
            .filter(|s| s.context_resilient)
            .map(|s| s.school_id.as_str())
            .collect();
        assert_eq!(resilient, vec!["R"]);
        assert_eq!(r.summary.overall.context_resilient.count, 1);
        // A year without a line breaks it too: drop 2023's line by leaving two schools.
        let mut short = r.clone();
        for s in &mut short.schools {
            if !["R", "N"].contains(&s.school_id.as_str()) {
                s.years.0.retain(|(y, _)| *y != 2023);
            }
        }
        apply_context(&mut short);
        assert!(short.schools.iter().all(|s| !s.context_resilient));
    }

    #[test]
    fn a_stored_result_without_context_gets_it_and_the_order_does_not_matter() {
        use crate::domain::demo::{region, DemoSpec};
        let rows = region(&DemoSpec {
            schools: 80,
            municipalities: 4,
            ..DemoSpec::default()
        });
        let full = crate::domain::method::identify::identify(&rows, &Params::default()).unwrap();
        assert_eq!(full.context.fits.len(), full.pools.len());
        for (f, p) in full.context.fits.iter().zip(&full.pools) {
            assert_eq!((f.pool.as_str(), f.year), (p.pool.as_str(), p.year));
        }
        let placed = full
            .schools
            .iter()
            .flat_map(|s| s.years.values())
            .filter(|y| y.context_category.is_some())
            .count();
        assert!(placed > 0);
        // Strip the context as an earlier version stored it, then recompute.
        let mut old = full.clone();
        old.context = Context::default();
        for s in &mut old.schools {
            s.context_resilient = false;
            for (_, y) in &mut s.years.0 {
                set_year(y, None);
            }
        }
        assert!(ensure_context(&mut old));
        assert_eq!(old, full);
        assert!(!ensure_context(&mut old));
        // Reversed rows: the same lines to the bit.
        let mut reversed = rows.clone();
        reversed.reverse();
        let again =
            crate::domain::method::identify::identify(&reversed, &Params::default()).unwrap();
        assert_eq!(again.context, full.context);
    }
}
