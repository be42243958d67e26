//! Stage 3: the 25 % bands of each pool-year, by the results and social indices
//! (computed with the components, see [`super::indices::score`]).

use super::eligibility::Frame;
use super::indices::Scored;
use super::output::{PoolYear, ResultsBand, SocialBand};
use super::Params;
use crate::domain::method::stats::{band_size, bands, rank_key, Band};

pub struct Indexed {
    pub results_index: Vec<Option<f64>>,
    pub social_index: Vec<Option<f64>>,
    pub results_band: Vec<Option<ResultsBand>>,
    pub social_band: Vec<Option<SocialBand>>,
}

/// Bands of the entries by their results and social indices (entry-indexed).
pub fn index_and_band(
    frame: &Frame,
    results_index: Vec<Option<f64>>,
    social_index: Vec<Option<f64>>,
    params: &Params,
) -> Indexed {
    let n = frame.entries.len();
    let mut results_band = vec![None; n];
    let mut social_band = vec![None; n];
    for g in &frame.groups {
        let r = band_group(&results_index[g.start..g.end], params.band_share);
        for (k, b) in r.into_iter().enumerate() {
            results_band[g.start + k] = b.map(|b| match b {
                Band::Bottom => ResultsBand::Low,
                Band::Middle => ResultsBand::Middle,
                Band::Top => ResultsBand::High,
            });
        }
        // Social: the highest index means the worst conditions.
        let s = band_group(&social_index[g.start..g.end], params.band_share);
        for (k, b) in s.into_iter().enumerate() {
            social_band[g.start + k] = b.map(|b| match b {
                Band::Bottom => SocialBand::Favourable,
                Band::Middle => SocialBand::Neutral,
                Band::Top => SocialBand::Unfavourable,
            });
        }
    }
    Indexed {
        results_index,
        social_index,
        results_band,
        social_band,
    }
}

/// Bands of the schools that have an index; `None` for those that have none. Values are
/// compared after [`rank_key`] (also the rule of [`super::context`]'s residual categories).
pub(super) fn band_group(index: &[Option<f64>], share: f64) -> Vec<Option<Band>> {
    let present: Vec<(usize, f64)> = index
        .iter()
        .enumerate()
        .filter_map(|(k, v)| v.map(|v| (k, rank_key(v))))
        .collect();
    let values: Vec<f64> = present.iter().map(|(_, v)| *v).collect();
    let mut out = vec![None; index.len()];
    for ((k, _), b) in present.iter().zip(bands(&values, share)) {
        out[*k] = Some(b);
    }
    out
}

/// Sizes, cuts and dropped columns of each pool-year, for the report.
pub fn pool_years(
    frame: &Frame,
    scored: &Scored,
    indexed: &Indexed,
    params: &Params,
) -> Vec<PoolYear> {
    frame
        .groups
        .iter()
        .zip(&scored.dropped)
        .map(|(g, dropped)| {
            let ranked_r = indexed.results_index[g.start..g.end]
                .iter()
                .flatten()
                .count();
            let ranked_s = indexed.social_index[g.start..g.end]
                .iter()
                .flatten()
                .count();
            PoolYear {
                pool: params.pools[g.pool].id.clone(),
                year: frame.years[g.slot],
                schools: g.end - g.start,
                results_ranked: ranked_r,
                results_band_size: band_size(ranked_r, params.band_share),
                social_ranked: ranked_s,
                social_band_size: band_size(ranked_s, params.band_share),
                dropped: dropped.clone(),
            }
        })
        .collect()
}
