//! Small pools (beyond the seed): a pool-year whose results ranking holds fewer schools than
//! `params.small_pool` (default 20). The seed ranks every pool-year alike, so a group of three
//! schools gets a bottom 25 % of one school, and that school is ШНРО if it is there every
//! year; nothing is computed differently here — the pool-year is only *said* to be small,
//! next to the numbers that rest on it (the run page, the card, the robustness and context
//! sections, the report), in one sentence: «в группе 3 школы: 25 % — это 1 школа; списки по
//! этой группе не показательны».
//!
//! The count is the pool-year's schools with a results index (`PoolYear::results_ranked`,
//! the schools the bands are taken among), and the band's size is the engine's rule
//! ([`band_size`]: ceil(share × n), an exact product kept as it is).

use super::output::{Identification, SchoolResult};
use crate::domain::common::format::{count, percent};
use crate::domain::method::stats::band_size;

/// One pool-year's size against the threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSize {
    pub pool: String,
    pub year: i32,
    /// Schools of the pool-year with a results index.
    pub ranked: usize,
    /// Schools in each band of `band_share` (the engine's rule).
    pub band: usize,
    /// `0 < ranked < small_pool`: the lists of this pool-year are not representative. A
    /// pool-year where no school has an index lists nobody and is not marked.
    pub small: bool,
}

/// The sentence said next to a small pool's numbers: «в группе 3 школы: 25 % — это 1 школа;
/// списки по этой группе не показательны» (`ranked` schools with an index, `share` of them in
/// each band).
pub fn small_pool_sentence(ranked: usize, share: f64) -> String {
    format!(
        "в группе {}: {} — это {}; списки по этой группе не показательны",
        count(ranked, "школа", "школы", "школ"),
        percent(share * 100.0),
        count(band_size(ranked, share), "школа", "школы", "школ"),
    )
}

/// Every pool-year of the run with its size, in the run's order (pools, then years).
pub fn pool_sizes(r: &Identification) -> Vec<PoolSize> {
    let share = r.params.band_share;
    r.pools
        .iter()
        .map(|p| PoolSize {
            pool: p.pool.clone(),
            year: p.year,
            ranked: p.results_ranked,
            band: band_size(p.results_ranked, share),
            small: p.results_ranked > 0 && p.results_ranked < r.params.small_pool,
        })
        .collect()
}

/// The small pool-years of the run, in the run's order.
pub fn small_pools(r: &Identification) -> Vec<PoolSize> {
    pool_sizes(r).into_iter().filter(|p| p.small).collect()
}

/// Whether a pool-year is small.
pub fn is_small(r: &Identification, pool: &str, year: i32) -> bool {
    small_pools(r)
        .iter()
        .any(|p| p.pool == pool && p.year == year)
}

/// The small pool-years of a school's pool in the run's window (empty for an excluded school
/// or one whose pool is never small).
pub fn school_small_pools(r: &Identification, s: &SchoolResult) -> Vec<PoolSize> {
    let Some(pool) = s.pool.as_deref() else {
        return Vec::new();
    };
    small_pools(r)
        .into_iter()
        .filter(|p| p.pool == pool && r.years.contains(&p.year))
        .collect()
}

/// Whether a school's pool is small in any year of the window.
pub fn in_small_pool(r: &Identification, s: &SchoolResult) -> bool {
    !school_small_pools(r, s).is_empty()
}

/// The ids of the pools that are small in some year (for marking many schools at once).
pub fn small_pool_ids(r: &Identification) -> Vec<String> {
    let mut ids: Vec<String> = small_pools(r).into_iter().map(|p| p.pool).collect();
    ids.dedup();
    ids
}

/// The small pool-years as lines, the years of one pool with the same count together:
/// «Вечерние (сменные) школы, 2024 и 2025 годы — в группе 3 школы: 25 % — это 1 школа;
/// списки по этой группе не показательны». `only` keeps one pool (the card's).
pub fn small_pool_lines(r: &Identification, only: Option<&str>) -> Vec<String> {
    let share = r.params.band_share;
    let label = |id: &str| {
        r.params
            .pools
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_string(), |p| p.label.clone())
    };
    // (pool, ranked) → years, in the order first met.
    let mut groups: Vec<(String, usize, Vec<i32>)> = Vec::new();
    for p in small_pools(r) {
        if only.is_some_and(|o| o != p.pool) {
            continue;
        }
        match groups
            .iter_mut()
            .find(|(pool, ranked, _)| *pool == p.pool && *ranked == p.ranked)
        {
            Some((_, _, years)) => years.push(p.year),
            None => groups.push((p.pool, p.ranked, vec![p.year])),
        }
    }
    groups
        .into_iter()
        .map(|(pool, ranked, years)| {
            format!(
                "{}, {} — {}",
                label(&pool),
                years_words(&years),
                small_pool_sentence(ranked, share)
            )
        })
        .collect()
}

/// «2025 год», «2024 и 2025 годы», «2023, 2024 и 2025 годы».
fn years_words(years: &[i32]) -> String {
    let names: Vec<String> = years.iter().map(i32::to_string).collect();
    match names.as_slice() {
        [one] => format!("{one} год"),
        [init @ .., last] => format!("{} и {last} годы", init.join(", ")),
        [] => String::new(),
    }
}

/// What a run says above its lists when some pool-year is small: «Малые группы школ (меньше
/// 20 школ с индексом результатов за год):», then [`small_pool_lines`]; `None` when none is.
pub fn small_pools_heading(r: &Identification) -> Option<String> {
    (!small_pools(r).is_empty()).then(|| {
        format!(
            "Малые группы школ (меньше {} с индексом результатов за год)",
            count(r.params.small_pool, "школы", "школ", "школ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::method::identify::{identify, Params, PoolYear};

    fn pool_year(pool: &str, year: i32, ranked: usize) -> PoolYear {
        PoolYear {
            pool: pool.into(),
            year,
            schools: ranked,
            results_ranked: ranked,
            results_band_size: band_size(ranked, 0.25),
            social_ranked: ranked,
            social_band_size: band_size(ranked, 0.25),
            dropped: Vec::new(),
        }
    }

    fn run(pools: Vec<PoolYear>) -> Identification {
        Identification {
            params: Params::default(),
            years: vec![2024, 2025],
            schools: Vec::new(),
            summary: Default::default(),
            pools,
            regional_means: Default::default(),
            notes: Vec::new(),
            context: Default::default(),
        }
    }

    /// The example: three schools, a 25 % band of one.
    #[test]
    fn three_schools_give_the_sentence() {
        assert_eq!(
            small_pool_sentence(3, 0.25),
            "в группе 3 школы: 25 % — это 1 школа; списки по этой группе не показательны"
        );
        assert_eq!(
            small_pool_sentence(21, 0.3),
            "в группе 21 школа: 30 % — это 7 школ; списки по этой группе не показательны"
        );
    }

    /// 20 schools are not small, 19 are; an empty pool-year is not marked.
    #[test]
    fn the_threshold_is_strict() {
        let r = run(vec![
            pool_year("secondary", 2025, 20),
            pool_year("basic", 2025, 19),
            pool_year("evening", 2025, 0),
        ]);
        let sizes = pool_sizes(&r);
        assert_eq!(
            sizes.iter().map(|p| p.small).collect::<Vec<_>>(),
            vec![false, true, false]
        );
        assert!(is_small(&r, "basic", 2025));
        assert!(!is_small(&r, "secondary", 2025));
        assert_eq!(small_pool_ids(&r), vec!["basic".to_string()]);
        let mut p = r.params.clone();
        p.small_pool = 21;
        let r = Identification { params: p, ..r };
        assert!(is_small(&r, "secondary", 2025));
    }

    /// The band follows the engine's rule, ceil(share × n): 19 × 0.25 = 4.75 → 5 (floor would
    /// say 4), 3 × 0.25 = 0.75 → 1 (floor: 0); an exact 16 × 0.25 = 4 stays 4.
    #[test]
    fn the_band_is_the_engines() {
        let r = run(vec![
            pool_year("secondary", 2025, 19),
            pool_year("basic", 2025, 3),
            pool_year("evening", 2025, 16),
        ]);
        let bands: Vec<usize> = pool_sizes(&r).iter().map(|p| p.band).collect();
        assert_eq!(bands, vec![5, 1, 4]);
        for p in &r.pools {
            assert_eq!(band_size(p.results_ranked, 0.25), p.results_band_size);
        }
        assert!(small_pool_sentence(19, 0.25).contains("25 % — это 5 школ;"));
    }

    /// Years of one pool with the same count go on one line, named by the pool's label.
    #[test]
    fn lines_group_the_years_of_a_pool() {
        let r = run(vec![
            pool_year("secondary", 2024, 40),
            pool_year("secondary", 2025, 41),
            pool_year("evening", 2024, 3),
            pool_year("evening", 2025, 3),
            pool_year("basic", 2025, 5),
        ]);
        assert_eq!(
            small_pool_lines(&r, None),
            vec![
                "Вечерние (сменные) школы, 2024 и 2025 годы — в группе 3 школы: 25 % — это 1 школа; списки по этой группе не показательны",
                "Основные школы, 2025 год — в группе 5 школ: 25 % — это 2 школы; списки по этой группе не показательны",
            ]
        );
        assert_eq!(small_pool_lines(&r, Some("basic")).len(), 1);
        assert!(small_pool_lines(&r, Some("secondary")).is_empty());
        assert_eq!(
            small_pools_heading(&r).as_deref(),
            Some("Малые группы школ (меньше 20 школ с индексом результатов за год)")
        );
        assert_eq!(small_pools_heading(&run(Vec::new())), None);
    }

    /// A whole identification of three schools: its pool is small in every year, and each of
    /// its schools is in a small pool.
    #[test]
    fn a_three_school_run_is_small_everywhere() {
        let rows = crate::domain::demo::region(&crate::domain::demo::DemoSpec {
            schools: 3,
            municipalities: 1,
            years: vec![2023, 2024, 2025],
            seed: 3,
        });
        let r = identify(&rows, &Params::default()).unwrap();
        assert!(!r.pools.is_empty());
        for p in pool_sizes(&r) {
            assert_eq!(p.small, p.ranked > 0, "{p:?}");
        }
        for s in r.schools.iter().filter(|s| s.pool.is_some()) {
            let ranked = r
                .pools
                .iter()
                .any(|p| Some(p.pool.as_str()) == s.pool.as_deref() && p.results_ranked > 0);
            assert_eq!(in_small_pool(&r, s), ranked, "{}", s.school_id);
        }
    }
}
