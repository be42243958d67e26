//! Stage 2: from raw columns to comparable components in [0, 1].
//!
//! - Min–max indicators (results 1–8, all social shares) are normalised over the pool-year
//!   by formulas 1–3; a column whose maximum equals its minimum there is dropped.
//! - Gap indicators (results 9–11) become flags against the regional mean of the year; a flag
//!   means a weak result and enters as 1 − flag.
//! - An indicator with Russian and maths variants is the mean of the variants the school has.

use super::eligibility::Frame;
use super::method::{Component, Method, Rule};
use super::output::RegionalMean;
use super::Params;
use crate::domain::stats::{min_max, normalise, weighted_mean};
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
}

/// The regional mean of each gap variant in each year: official if the parameters give it,
/// otherwise the mean of school means over all eligible schools of the year (all pools),
/// weighted by the school's participants of that exam; schools without a positive count are
/// left out.
pub fn regional_means(frame: &Frame, method: &Method, params: &Params) -> Means {
    let variants: Vec<(usize, usize)> = method
        .results
        .iter()
        .enumerate()
        .filter(|(_, c)| c.rule == Rule::Gap)
        .flat_map(|(ci, c)| (0..c.variants.len()).map(move |vi| (ci, vi)))
        .collect();
    let thresholds = variants
        .iter()
        .map(|&(c, v)| params.gap_thresholds.get(&method.results[c].variants[v].column).copied())
        .collect();
    let values = frame
        .years
        .iter()
        .enumerate()
        .map(|(slot, year)| {
            let official = params.regional_means.get(&year.to_string());
            variants
                .iter()
                .map(|&(c, v)| {
                    let var = &method.results[c].variants[v];
                    if let Some(x) = official.and_then(|m| m.get(&var.column)) {
                        return Some((*x, true));
                    }
                    let weight = var.weight?;
                    weighted_mean(frame.entries.iter().filter(|e| e.slot == slot).filter_map(|e| {
                        Some((e.row.values.get(var.index)?, e.row.values.get(weight)?))
                    }))
                    .map(|m| (m, false))
                })
                .collect()
        })
        .collect();
    Means { variants, values, thresholds }
}

/// Normalised component values per entry.
pub struct Scored {
    pub n_results: usize,
    pub n_social: usize,
    /// `entries × n_results`, NaN where the school has no value.
    results: Vec<f64>,
    social: Vec<f64>,
    /// Per group of the frame: columns dropped because max = min.
    pub dropped: Vec<Vec<String>>,
}

impl Scored {
    /// Results component `c` of entry `e`.
    pub fn result(&self, e: usize, c: usize) -> Option<f64> {
        let v = self.results[e * self.n_results + c];
        (!v.is_nan()).then_some(v)
    }
    pub fn social(&self, e: usize, c: usize) -> Option<f64> {
        let v = self.social[e * self.n_social + c];
        (!v.is_nan()).then_some(v)
    }
}

pub fn score(frame: &Frame, method: &Method, means: &Means) -> Scored {
    let n = frame.entries.len();
    let (nr, ns) = (method.results.len(), method.social.len());
    let mut results = vec![f64::NAN; n * nr];
    let mut social = vec![f64::NAN; n * ns];
    let mut dropped = Vec::with_capacity(frame.groups.len());
    // Per-entry accumulators of the variants of one component, reused.
    let mut sum = Vec::new();
    let mut count = Vec::new();
    for g in &frame.groups {
        let len = g.end - g.start;
        let mut dropped_here = Vec::new();
        for (table, out, width) in [(&method.results, &mut results, nr), (&method.social, &mut social, ns)] {
            for (c, comp) in table.iter().enumerate() {
                sum.clear();
                sum.resize(len, 0.0);
                count.clear();
                count.resize(len, 0u32);
                accumulate(frame, g.start, g.end, g.slot, c, comp, means, &mut sum, &mut count, &mut dropped_here);
                for k in 0..len {
                    if count[k] > 0 {
                        out[(g.start + k) * width + c] = sum[k] / count[k] as f64;
                    }
                }
            }
        }
        dropped.push(dropped_here);
    }
    Scored { n_results: nr, n_social: ns, results, social, dropped }
}

/// Adds the normalised variants of component `c` for the entries `start..end` of one pool-year.
#[allow(clippy::too_many_arguments)]
fn accumulate(
    frame: &Frame,
    start: usize,
    end: usize,
    slot: usize,
    c: usize,
    comp: &Component,
    means: &Means,
    sum: &mut [f64],
    count: &mut [u32],
    dropped: &mut Vec<String>,
) {
    let entries = &frame.entries[start..end];
    for (vi, var) in comp.variants.iter().enumerate() {
        match comp.rule {
            Rule::Minmax => {
                let Some((lo, hi)) = min_max(entries.iter().filter_map(|e| e.row.values.get(var.index))) else {
                    continue;
                };
                if hi <= lo {
                    dropped.push(var.column.clone());
                    continue;
                }
                for (k, e) in entries.iter().enumerate() {
                    if let Some(x) = e.row.values.get(var.index) {
                        sum[k] += normalise(x, lo, hi, comp.direction).expect("max > min");
                        count[k] += 1;
                    }
                }
            }
            Rule::Gap => {
                let Some(k_var) = means.variants.iter().position(|&(cc, vv)| cc == c && vv == vi) else {
                    continue;
                };
                let (Some(mean), Some(threshold)) = (means.get(slot, k_var), means.thresholds[k_var]) else {
                    continue;
                };
                for (k, e) in entries.iter().enumerate() {
                    if let Some(x) = e.row.values.get(var.index) {
                        let flag = mean - x > threshold;
                        sum[k] += if flag { 0.0 } else { 1.0 };
                        count[k] += 1;
                    }
                }
            }
        }
    }
}

/// The regional means actually used, for the report.
pub fn means_report(frame: &Frame, method: &Method, means: &Means) -> BTreeMap<String, BTreeMap<String, RegionalMean>> {
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
                    Some((method.results[c].variants[v].column.clone(), RegionalMean { value, source: source.into() }))
                })
                .collect();
            (year.to_string(), m)
        })
        .collect()
}
