//! Stage 2: from raw columns to comparable components in [0, 1].
//!
//! - Min–max indicators (results 1–8, all social shares) are normalised over the pool-year
//!   by formulas 1–3; a column whose maximum equals its minimum there is dropped.
//! - Gap indicators (results 9–11) become flags against the regional mean of the year; a flag
//!   means a weak result and enters as 1 − flag.
//! - An indicator with Russian and maths variants is the mean of the variants the school has.

use super::eligibility::Frame;
use super::method::{Component, Method, Rule, Variant};
use super::output::RegionalMean;
use super::params::MeanWeighting;
use super::Params;
use crate::domain::contract::row::Row;
use crate::domain::method::stats::{mean, normalise_scaled, Direction, WeightedMean};
use std::collections::BTreeMap;

/// Regional means of the gap variants, by window slot.
pub struct Means {
    /// (component index, variant index) of every gap variant, in method order.
    pub variants: Vec<(usize, usize)>,
    /// `[slot][k]`: the mean of `variants[k]` and whether it is official.
    pub values: Vec<Vec<Option<(f64, bool)>>>,
    /// `[k]`: the flag threshold of `variants[k]`; `None` if the parameters give none (the
    /// variant is then not used).
    pub thresholds: Vec<Option<f64>>,
}

impl Means {
    fn get(&self, slot: usize, k: usize) -> Option<f64> {
        self.values[slot][k].map(|(v, _)| v)
    }
    fn index_of(&self, c: usize, v: usize) -> Option<usize> {
        self.variants.iter().position(|&x| x == (c, v))
    }
}

/// Minimum and maximum of every data column in every pool-year (∞/−∞ where nobody has it):
/// `lo[group * width + column]`.
pub struct Ranges {
    width: usize,
    lo: Vec<f64>,
    hi: Vec<f64>,
}

impl Ranges {
    /// The (minimum, maximum) of data column `column` in pool-year `group` (∞, −∞ where
    /// nobody has it).
    pub fn of(&self, group: usize, column: usize) -> (f64, f64) {
        let i = group * self.width + column;
        (self.lo[i], self.hi[i])
    }
}

/// Pass 1 over the rows: the range of every column per pool-year, and the regional mean of
/// each gap variant in each year — official if the parameters give it, otherwise the mean of
/// school means over all eligible schools of the year (all pools). With
/// [`MeanWeighting::Participants`] each school mean is weighted by the school's participants
/// of that exam (schools without a positive count are left out); with
/// [`MeanWeighting::Equal`] every school that has the mean counts with weight 1. Either way
/// the sums are order-independent ([`WeightedMean`]).
pub fn ranges_and_means(frame: &Frame, method: &Method, params: &Params) -> (Ranges, Means) {
    ranges_and_means_in(frame, Cells::Rows(frame.rows), method, params)
}

/// Where stage 2 reads a row's data cells: the input rows themselves, or a chance replicate's
/// redrawn copy of them (see [`super::chance`]), `width` cells per input row in the input's
/// order, so that the frame's row positions ([`super::eligibility::Step::row`]) hold for both.
#[derive(Debug, Clone, Copy)]
pub enum Cells<'c> {
    Rows(&'c [Row]),
    Flat { width: usize, values: &'c [f64] },
}

impl Cells<'_> {
    /// The data cells of input row `row` (NaN = empty).
    #[inline]
    pub fn raw(&self, row: usize) -> &[f64] {
        match self {
            Cells::Rows(rows) => rows[row].values.raw(),
            Cells::Flat { width, values } => &values[row * width..(row + 1) * width],
        }
    }
}

/// [`ranges_and_means`] over the cells of `cells` instead of the frame's rows.
pub fn ranges_and_means_in(
    frame: &Frame,
    cells: Cells,
    method: &Method,
    params: &Params,
) -> (Ranges, Means) {
    let width = crate::domain::contract::schema::schema().data_len();
    let variants: Vec<(usize, usize)> = method
        .results
        .iter()
        .enumerate()
        .filter(|(_, c)| c.rule == Rule::Gap)
        .flat_map(|(ci, c)| (0..c.variants.len()).map(move |vi| (ci, vi)))
        .collect();
    let columns: Vec<(usize, Option<usize>)> = variants
        .iter()
        .map(|&(c, v)| {
            let var = &method.results[c].variants[v];
            (var.index, var.weight)
        })
        .collect();
    let thresholds = variants
        .iter()
        .map(|&(c, v)| {
            params
                .gap_thresholds
                .get(&method.results[c].variants[v].column)
                .copied()
        })
        .collect();
    let nv = variants.len();
    // Order-independent sums (see `WeightedMean`), by slot × gap variant.
    let mut sums = vec![WeightedMean::default(); frame.years.len() * nv];
    let mut lo = vec![f64::INFINITY; frame.groups.len() * width];
    let mut hi = vec![f64::NEG_INFINITY; frame.groups.len() * width];
    for step in &frame.walk {
        let raw = cells.raw(step.row as usize);
        let base = step.group as usize * width;
        // NaN (an empty cell) fails both comparisons and is skipped.
        for (c, &v) in raw.iter().enumerate() {
            if v < lo[base + c] {
                lo[base + c] = v;
            }
            if v > hi[base + c] {
                hi[base + c] = v;
            }
        }
        for (k, &(col, w)) in columns.iter().enumerate() {
            let w = match params.mean_weighting {
                MeanWeighting::Participants => w.map_or(f64::NAN, |w| raw[w]),
                MeanWeighting::Equal => 1.0,
            };
            let x = raw[col];
            // Empty cells and non-positive weights are left out by `add`.
            sums[step.slot as usize * nv + k].add(x, w);
        }
    }
    let ranges = Ranges { width, lo, hi };
    let values = frame
        .years
        .iter()
        .enumerate()
        .map(|(slot, year)| {
            let official = params.regional_means.get(&year.to_string());
            variants
                .iter()
                .enumerate()
                .map(|(k, &(c, v))| {
                    if let Some(x) =
                        official.and_then(|m| m.get(&method.results[c].variants[v].column))
                    {
                        return Some((*x, true));
                    }
                    sums[slot * nv + k].mean().map(|m| (m, false))
                })
                .collect()
        })
        .collect();
    (
        ranges,
        Means {
            variants,
            values,
            thresholds,
        },
    )
}

/// Normalised results components and both indices of every entry.
pub struct Scored {
    pub n_results: usize,
    /// `walk position × n_results`, NaN where the school has no value. Stored in walk order
    /// (rows of a school are usually adjacent), so reading a school's years stays local.
    results: Vec<f64>,
    /// Walk position of each entry.
    pos: Vec<u32>,
    /// Per group of the frame: columns dropped because max = min.
    pub dropped: Vec<Vec<String>>,
}

impl Scored {
    /// All results components of entry `e`, NaN where absent.
    pub fn results_of(&self, e: usize) -> &[f64] {
        let p = self.pos[e] as usize;
        &self.results[p * self.n_results..(p + 1) * self.n_results]
    }
}

/// How one variant is turned into [0, 1] in one pool-year. Decided by [`Scale::min_max`] or
/// [`Scale::gap`] and applied by [`components`]: the engine and
/// [`crate::domain::method::placement`] (a school placed by a region's reference) go through the same
/// functions, which is what makes them agree to the bit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Min–max (formulas 1–3) with max > min; `inv` is 1 / (max − min).
    MinMax { lo: f64, hi: f64, inv: f64 },
    /// 1 − flag, flagged when below `mean` by more than `threshold`.
    Gap { mean: f64, threshold: f64 },
    /// Not usable here (max = min, no regional mean, no threshold, nobody has it).
    Unused,
}

impl Scale {
    /// Formulas 1–3 over the pool-year's range; unused when nobody has the column (`lo > hi`,
    /// the empty range (∞, −∞)) or when its maximum equals its minimum (no information).
    pub fn min_max(lo: f64, hi: f64) -> Scale {
        if hi > lo {
            Scale::MinMax {
                lo,
                hi,
                inv: 1.0 / (hi - lo),
            }
        } else {
            Scale::Unused
        }
    }

    /// The gap flag against the regional mean; unused without a mean or a threshold.
    pub fn gap(mean: Option<f64>, threshold: Option<f64>) -> Scale {
        match (mean, threshold) {
            (Some(mean), Some(threshold)) => Scale::Gap { mean, threshold },
            _ => Scale::Unused,
        }
    }

    /// The normalised value of `x` (0 = worst, 1 = best); `None` when the scale is unused.
    #[inline]
    pub fn apply(self, x: f64, direction: Direction) -> Option<f64> {
        match self {
            Scale::MinMax { lo, hi, inv } => Some(normalise_scaled(x, lo, hi, inv, direction)),
            Scale::Gap { mean, threshold } => Some(if gap_flag(x, mean, threshold) {
                0.0
            } else {
                1.0
            }),
            Scale::Unused => None,
        }
    }
}

/// The seed's «второй способ»: a school mean below the regional mean by more than the
/// threshold is flagged (a weak result, entering as 0).
///
/// Example: OGE mathematics 2.8 against a regional mean 3.95, threshold 1 → flagged.
#[inline]
pub fn gap_flag(x: f64, mean: f64, threshold: f64) -> bool {
    mean - x > threshold
}

/// The scales of one pool-year for a table of components (`[component][variant]`):
/// `range(variant)` gives the column's (min, max) there, (∞, −∞) when nobody has it;
/// `gap(component, variant)` the regional mean and threshold of a gap variant. Columns whose
/// maximum equals their minimum are added to `dropped`.
pub fn scales(
    table: &[Component],
    mut range: impl FnMut(&Variant) -> (f64, f64),
    mut gap: impl FnMut(usize, usize, &Variant) -> (Option<f64>, Option<f64>),
    dropped: &mut Vec<String>,
) -> Vec<Vec<Scale>> {
    table
        .iter()
        .enumerate()
        .map(|(c, comp)| {
            comp.variants
                .iter()
                .enumerate()
                .map(|(vi, var)| match comp.rule {
                    Rule::Minmax => {
                        let (lo, hi) = range(var);
                        if lo <= hi && hi <= lo {
                            dropped.push(var.column.clone());
                        }
                        Scale::min_max(lo, hi)
                    }
                    Rule::Gap => {
                        let (mean, threshold) = gap(c, vi, var);
                        Scale::gap(mean, threshold)
                    }
                })
                .collect()
        })
        .collect()
}

/// An index: the arithmetic mean of the components present («многомерная средняя»), in table
/// order; `None` if there are none.
#[inline]
pub fn index(components: &[f64]) -> Option<f64> {
    mean(components.iter().copied().filter(|v| !v.is_nan()))
}

/// Pass 2 over the rows: every component and both indices of every entry.
///
/// Returns the components and the results and social indices of each entry (arithmetic mean
/// of the components it has, «многомерная средняя»).
pub fn score(
    frame: &Frame,
    method: &Method,
    ranges: &Ranges,
    means: &Means,
) -> (Scored, Vec<Option<f64>>, Vec<Option<f64>>) {
    score_in(frame, Cells::Rows(frame.rows), method, ranges, means)
}

/// [`score`] over the cells of `cells` instead of the frame's rows.
pub fn score_in(
    frame: &Frame,
    cells: Cells,
    method: &Method,
    ranges: &Ranges,
    means: &Means,
) -> (Scored, Vec<Option<f64>>, Vec<Option<f64>>) {
    let n = frame.entries.len();
    let nr = method.results.len();
    let mut results = vec![f64::NAN; n * nr];
    let mut pos = vec![0u32; n];
    let mut results_index = vec![None; n];
    let mut social_index = vec![None; n];
    let mut dropped = Vec::with_capacity(frame.groups.len());
    // The scale of every variant in every pool-year, decided once: `[group][component][variant]`.
    let mut result_scales = Vec::with_capacity(frame.groups.len());
    let mut social_scales = Vec::with_capacity(frame.groups.len());
    for (gi, g) in frame.groups.iter().enumerate() {
        let mut dropped_here = Vec::new();
        let range = |var: &Variant| ranges.of(gi, var.index);
        let gap = |c: usize, vi: usize, _: &Variant| match means.index_of(c, vi) {
            Some(k) => (means.get(g.slot, k), means.thresholds[k]),
            None => (None, None),
        };
        result_scales.push(scales(&method.results, range, gap, &mut dropped_here));
        social_scales.push(scales(&method.social, range, gap, &mut dropped_here));
        dropped.push(dropped_here);
    }
    let mut social_values = vec![f64::NAN; method.social.len()];
    for (p, step) in frame.walk.iter().enumerate() {
        let e = step.entry as usize;
        pos[e] = p as u32;
        let raw = cells.raw(step.row as usize);
        let g = step.group as usize;
        let out = &mut results[p * nr..(p + 1) * nr];
        components(&method.results, &result_scales[g], raw, out);
        results_index[e] = index(out);
        components(&method.social, &social_scales[g], raw, &mut social_values);
        social_index[e] = index(&social_values);
    }
    (
        Scored {
            n_results: nr,
            results,
            pos,
            dropped,
        },
        results_index,
        social_index,
    )
}

/// The components of one row (`raw`: its data cells by data index, NaN = empty): each the
/// mean of its usable variants, in variant order («the mean of the variants the school
/// has»), NaN if it has none.
pub fn components(table: &[Component], scales: &[Vec<Scale>], raw: &[f64], out: &mut [f64]) {
    for ((comp, scales), out) in table.iter().zip(scales).zip(out.iter_mut()) {
        let (mut sum, mut count) = (0.0, 0u32);
        for (var, scale) in comp.variants.iter().zip(scales) {
            let x = raw.get(var.index).copied().unwrap_or(f64::NAN);
            if x.is_nan() {
                continue;
            }
            if let Some(v) = scale.apply(x, comp.direction) {
                sum += v;
                count += 1;
            }
        }
        *out = if count > 0 {
            sum / count as f64
        } else {
            f64::NAN
        };
    }
}

/// The regional means actually used, for the report.
pub fn means_report(
    frame: &Frame,
    method: &Method,
    means: &Means,
) -> BTreeMap<String, BTreeMap<String, RegionalMean>> {
    frame
        .years
        .iter()
        .enumerate()
        .map(|(slot, year)| {
            let m = means
                .variants
                .iter()
                .enumerate()
                .filter_map(|(k, &(c, v))| {
                    let (value, official) = means.values[slot][k]?;
                    let source = if official { "official" } else { "computed" };
                    Some((
                        method.results[c].variants[v].column.clone(),
                        RegionalMean {
                            value,
                            source: source.into(),
                        },
                    ))
                })
                .collect();
            (year.to_string(), m)
        })
        .collect()
}
