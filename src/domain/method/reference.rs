//! Reference values of a region: what a school needs to place itself among the region's
//! schools without their data (column ranges and deciles, regional means and band cuts per
//! pool-year).
//!
//! A school places itself with [`crate::domain::method::placement::place`].
//!
//! The values come from one identification and the rows it was computed on, and are taken
//! when the run is made (a stored run keeps them), so a reference exported later describes
//! exactly that run, whatever was imported since.

use crate::domain::common::time::Timestamp;
use crate::domain::contract::row::Row;
use crate::domain::contract::schema::{schema, Fnv};
use crate::domain::method::identify::{Identification, Params, ResultsBand, SocialBand};
use crate::domain::method::stats::deciles;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;

/// A region's reference: enough to place a school among the region's schools later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferencePayload {
    pub region: String,
    /// The window, oldest first.
    pub years: Vec<i32>,
    pub params: Params,
    pub pools: Vec<ReferencePool>,
    /// When the run these values come from was made, so that a school can say which
    /// reference it placed itself by; absent in references made before it was recorded (and
    /// then not written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_created_at: Option<Timestamp>,
    /// The run's name as the municipality sees it in its list of runs (empty when absent).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub run_label: String,
}

/// One pool-year of a reference.
///
/// Bands by index value: a results index ≤ `results_cut_low` is in the low band, ≥
/// `results_cut_high` in the high band. A social index (higher = worse conditions) ≥
/// `social_cut_unfavourable` is in the unfavourable band, ≤ `social_cut_favourable` in the
/// favourable one. A cut is `None` when nobody is in that band. Compared as the engine ranks,
/// on indices rounded to 10 decimals ([`crate::domain::method::stats::rank_key`]), this gives every
/// school of the run its band, ties at a cut included (see [`crate::domain::method::placement`]).
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
    /// Deciles of each data column over the same schools as `columns` (11 values: 0 %, 10 %,
    /// …, 100 %, by nearest rank, see [`crate::domain::method::stats::deciles`]), so that a school can
    /// be told what share of its group has a better value. Absent in references made before
    /// they were added (and then not written).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub quantiles: BTreeMap<String, Vec<f64>>,
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
            run_created_at: None,
            run_label: String::new(),
        }
    }

    /// The same reference, marked with the run it comes from (its date and name).
    pub fn with_run(mut self, created_at: &Timestamp, label: &str) -> Self {
        self.run_created_at = Some(created_at.clone());
        self.run_label = label.trim().to_string();
        self
    }
}

/// The reference values of every pool-year of a run, from the run and the rows it was
/// computed on:
///
/// * columns, deciles: over the rows, in the window, of the schools the run placed in a pool
///   (excluded schools do not count), exactly the rows the engine normalised over;
/// * regional means: those the run used (official or computed), by year;
/// * cuts: from the bands of the result (see [`ReferencePool`]).
pub fn reference_pools(identification: &Identification, rows: &[Row]) -> Vec<ReferencePool> {
    let s = schema();
    let years = &identification.years;
    let mut pool_ids: Vec<&str> = identification
        .pools
        .iter()
        .map(|p| p.pool.as_str())
        .collect();
    pool_ids.sort_unstable();
    pool_ids.dedup();
    // School id → pool (by position in `pool_ids`), with a cheap hash: one lookup per row.
    let pool_of: HashMap<&str, usize, BuildHasherDefault<Fnv>> = identification
        .schools
        .iter()
        .filter(|r| r.excluded.is_none())
        .filter_map(|r| {
            let p = r.pool.as_deref()?;
            Some((r.school_id.as_str(), pool_ids.binary_search(&p).ok()?))
        })
        .collect();
    // The rows of each pool-year (`pool × window slot`), in input order.
    let mut by_group: Vec<Vec<&Row>> = vec![Vec::new(); pool_ids.len() * years.len()];
    for row in rows {
        let Some(slot) = years.iter().position(|&y| y == row.year) else {
            continue;
        };
        let Some(&pool) = pool_of.get(row.school_id.as_str()) else {
            continue;
        };
        by_group[pool * years.len() + slot].push(row);
    }
    // Per pool-year: the column ranges and deciles, one column at a time (sorted once).
    type Columns = (BTreeMap<String, (f64, f64)>, BTreeMap<String, Vec<f64>>);
    let mut by_column: Vec<Vec<f64>> = vec![Vec::new(); s.data_len()];
    let columns: Vec<Columns> = by_group
        .iter()
        .map(|group| {
            for c in by_column.iter_mut() {
                c.clear();
                c.reserve(group.len());
            }
            for row in group {
                for (c, &v) in by_column.iter_mut().zip(row.values.raw()) {
                    if !v.is_nan() {
                        c.push(v);
                    }
                }
            }
            let (mut ranges, mut quantiles) = (BTreeMap::new(), BTreeMap::new());
            for (i, values) in by_column.iter_mut().enumerate() {
                values.sort_unstable_by(f64::total_cmp);
                if let Some(q) = deciles(values) {
                    let id = &s.data_column(i).id;
                    ranges.insert(id.clone(), (q[0], q[10]));
                    quantiles.insert(id.clone(), q);
                }
            }
            (ranges, quantiles)
        })
        .collect();
    let columns_of = |pool: &str, year: i32| {
        let p = pool_ids.binary_search(&pool).ok()?;
        let slot = years.iter().position(|&y| y == year)?;
        columns.get(p * years.len() + slot)
    };
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
                columns: columns_of(&py.pool, py.year)
                    .map(|c| c.0.clone())
                    .unwrap_or_default(),
                regional_means: identification
                    .regional_means
                    .get(&py.year.to_string())
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), v.value)).collect())
                    .unwrap_or_default(),
                quantiles: columns_of(&py.pool, py.year)
                    .map(|c| c.1.clone())
                    .unwrap_or_default(),
                results_cut_low: low,
                results_cut_high: high,
                social_cut_unfavourable: unfavourable,
                social_cut_favourable: favourable,
            }
        })
        .collect()
}
