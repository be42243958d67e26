//! Reference values of a region: what a school needs to place itself among the region's
//! schools without their data (column ranges, regional means and band cuts per pool-year).
//!
//! The values come from one identification and the rows it was computed on, and are taken
//! when the run is made (a stored run keeps them), so a reference exported later describes
//! exactly that run, whatever was imported since.

use super::identify::{Identification, Params, ResultsBand, SocialBand};
use super::row::Row;
use super::schema::schema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A region's reference: enough to place a school among the region's schools later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferencePayload {
    pub region: String,
    /// The window, oldest first.
    pub years: Vec<i32>,
    pub params: Params,
    pub pools: Vec<ReferencePool>,
}

/// One pool-year of a reference.
///
/// Bands by index value: a results index ≤ `results_cut_low` is in the low band, ≥
/// `results_cut_high` in the high band. A social index (higher = worse conditions) ≥
/// `social_cut_unfavourable` is in the unfavourable band, ≤ `social_cut_favourable` in the
/// favourable one. A cut is `None` when nobody is in that band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferencePool {
    pub pool: String,
    pub year: i32,
    /// Schools of the pool with a row that year.
    pub schools: usize,
    /// (min, max) of each data column over the pool-year's eligible schools; columns nobody
    /// filled are absent.
    pub columns: BTreeMap<String, (f64, f64)>,
    /// Regional means used for the gap flags that year, by column.
    pub regional_means: BTreeMap<String, f64>,
    /// The highest results index in the low band.
    pub results_cut_low: Option<f64>,
    /// The lowest results index in the high band.
    pub results_cut_high: Option<f64>,
    /// The lowest social index in the unfavourable band.
    pub social_cut_unfavourable: Option<f64>,
    /// The highest social index in the favourable band.
    pub social_cut_favourable: Option<f64>,
}

impl ReferencePayload {
    /// The reference of a run: its window, parameters and pool-years, under a region's name.
    pub fn new(region: &str, years: &[i32], params: &Params, pools: &[ReferencePool]) -> Self {
        ReferencePayload {
            region: region.to_string(),
            years: years.to_vec(),
            params: params.clone(),
            pools: pools.to_vec(),
        }
    }
}

/// * Cuts: from the bands of the result (see [`ReferencePool`]).
pub fn reference_pools(identification: &Identification, rows: &[Row]) -> Vec<ReferencePool> {
    let s = schema();
    let pool_of: HashMap<&str, &str> = identification
        .schools
        .iter()
        .filter(|r| r.excluded.is_none())
        .filter_map(|r| r.pool.as_deref().map(|p| (r.school_id.as_str(), p)))
        .collect();
    // (min, max) by data index, per pool-year; named once at the end.
    type ByIndex = Vec<Option<(f64, f64)>>;
    type ByName = BTreeMap<String, (f64, f64)>;
    let mut acc: HashMap<(&str, i32), ByIndex> = HashMap::new();
    for row in rows {
        if !identification.years.contains(&row.year) {
            continue;
        }
        let Some(pool) = pool_of.get(row.school_id.as_str()) else {
            continue;
        };
        let columns = acc
            .entry((pool, row.year))
            .or_insert_with(|| vec![None; s.data_len()]);
        for (i, &v) in row.values.raw().iter().enumerate() {
            if !v.is_nan() {
                let c = &mut columns[i];
                *c = Some(c.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
            }
        }
    }
    let ranges: HashMap<(&str, i32), ByName> = acc
        .into_iter()
        .map(|(k, columns)| {
            let named = columns
                .into_iter()
                .enumerate()
                .filter_map(|(i, c)| c.map(|c| (s.data_column(i).id.clone(), c)))
                .collect();
            (k, named)
        })
        .collect();
    identification
        .pools
        .iter()
        .map(|py| {
            let max = |a: Option<f64>, x: f64| Some(a.map_or(x, |a| a.max(x)));
            let min = |a: Option<f64>, x: f64| Some(a.map_or(x, |a| a.min(x)));
            let (mut low, mut high, mut unfavourable, mut favourable) = (None, None, None, None);
            for school in identification
                .schools
                .iter()
                .filter(|r| r.excluded.is_none() && r.pool.as_deref() == Some(&py.pool))
            {
                let Some(y) = school.years.get(&py.year) else {
                    continue;
                };
                match (y.results_band, y.results_index) {
                    (Some(ResultsBand::Low), Some(x)) => low = max(low, x),
                    (Some(ResultsBand::High), Some(x)) => high = min(high, x),
                    _ => {}
                }
                match (y.social_band, y.social_index) {
                    (Some(SocialBand::Unfavourable), Some(x)) => {
                        unfavourable = min(unfavourable, x)
                    }
                    (Some(SocialBand::Favourable), Some(x)) => favourable = max(favourable, x),
                    _ => {}
                }
            }
            ReferencePool {
                pool: py.pool.clone(),
                year: py.year,
                schools: py.schools,
                columns: ranges
                    .get(&(py.pool.as_str(), py.year))
                    .cloned()
                    .unwrap_or_default(),
                regional_means: identification
                    .regional_means
                    .get(&py.year.to_string())
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), v.value)).collect())
                    .unwrap_or_default(),
                results_cut_low: low,
                results_cut_high: high,
                social_cut_unfavourable: unfavourable,
                social_cut_favourable: favourable,
            }
        })
        .collect()
}
