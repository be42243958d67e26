//! One school placed among its region's schools by the region's reference
//! ([`ReferencePayload`]), without the other schools' data.
//!
//! A deputy director imports the reference exported by the municipality or the region and
//! sees, for each year of the reference's window (the reference's years, whatever years the
//! school's draft holds): the school's results and social indices, computed with the
//! reference's column ranges and regional means exactly as the engine computes them; the band
//! the school falls in and its distance to each cut, in words ([`distance_words`]); the
//! results components that pull the index down where the school is below its group's middle,
//! one short sentence each; the three-year category said once with what it lacks
//! ([`category_sentence`]); and what is missing.
//!
//! **Agreement with the run.** Every rule is the engine's own function, not a copy: the pool
//! and the exclusion ([`eligibility::pool_or_exclusion`], [`eligibility::identity_position`]),
//! the scales of a pool-year and the components ([`indices::scales`], [`indices::components`]:
//! formulas 1–3, the gap flag, the mean of the variants the school has), the index
//! ([`indices::index`]) and the weakest components ([`explain::weakest_of`]). For a school of
//! the run, with the reference of that run, the indices, components and bands are therefore
//! the run's to the bit (tested on the demonstration region, every school); of the run's
//! weakest components the placement names those where the school is below the group's
//! middle ([`Weak`]).
//!
//! **Bands.** The run's bands are by rank (25 % of the pool-year, ties at a cut all in, see
//! [`crate::domain::method::stats::bands`]); the reference keeps the cuts: the highest index in the low
//! band, the lowest in the high band (and the social ones). The low band is a prefix of the
//! pool-year's indices in rank order and the high band a suffix, and the engine ranks indices
//! rounded to 10 decimals ([`rank_key`]); so, comparing the same rounded values, «index ≤ low
//! cut ⇔ low band» and «index ≥ high cut ⇔ high band» hold for every school of the run,
//! ties at a cut included. A value that would be in both bands is in the middle, as in the
//! engine. For a school that was not in the run, the band is where its index falls among the
//! run's cuts: an estimate (its arrival would change the band sizes by at most one school).
//!
//! The distances are plain differences `index − cut` (positive above the cut). A school tied
//! with the cut to 10 decimals is in the band even if the difference is +1e−16; in words it is
//! «на границе».

use crate::domain::contract::row::Row;
use crate::domain::contract::schema::{schema, Kind};
use crate::domain::method::identify::categories::{results_category, social_category};
use crate::domain::method::identify::eligibility::{identity_position, pool_or_exclusion};
use crate::domain::method::identify::explain::weakest_of;
use crate::domain::method::identify::indices::{components, gap_flag, index, scales, Scale};
use crate::domain::method::identify::method::{method, Component, Variant};
use crate::domain::method::identify::output::MAX_COMPONENTS;
use crate::domain::method::identify::{
    Params, ResultsBand, ResultsCategory, SocialBand, SocialCategory,
};
use crate::domain::method::reference::{ReferencePayload, ReferencePool};
use crate::domain::method::stats::{rank_key, share_above, share_below, Direction};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Where one school stands by a region's reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    pub school_id: String,
    /// From the school's latest row in the window (or else its latest row), as in the engine.
    pub school_name: String,
    /// Pool id (`secondary`, …); `None` for an excluded school.
    pub pool: Option<String>,
    /// The pool's Russian name («Средние школы»).
    pub pool_label: Option<String>,
    /// Why the school is left out of the method (the engine's words), or `None`.
    pub excluded: Option<String>,
    /// The reference's window: the years the school is placed for, oldest first.
    #[serde(default)]
    pub window: Vec<i32>,
    /// The years of the window in which the school has a row and the reference a pool-year,
    /// oldest first.
    pub years: Vec<YearPlacement>,
    /// What is missing for the placement, year by year.
    pub missing: Vec<Missing>,
    /// The category the school would get by the three-year rules applied to its bands in the
    /// reference's window (the engine's own rules); `None` for an excluded school.
    #[serde(default)]
    pub results_category: Option<ResultsCategory>,
    #[serde(default)]
    pub social_category: Option<SocialCategory>,
}

/// One year of a placement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearPlacement {
    pub year: i32,
    /// Schools of the pool with a row that year (the reference's count).
    pub schools: usize,
    pub results_index: Option<f64>,
    /// Higher = worse social conditions.
    pub social_index: Option<f64>,
    pub results_band: Option<ResultsBand>,
    pub social_band: Option<SocialBand>,
    /// `results_index − results_cut_low` (≤ 0 in the low band).
    pub distance_to_low_cut: Option<f64>,
    /// `results_index − results_cut_high` (≥ 0 in the high band).
    pub distance_to_high_cut: Option<f64>,
    /// `social_index − social_cut_unfavourable` (≥ 0 in the unfavourable band).
    pub distance_to_unfavourable_cut: Option<f64>,
    /// `social_index − social_cut_favourable` (≤ 0 in the favourable band).
    pub distance_to_favourable_cut: Option<f64>,
    /// Every results component, in method order.
    pub components: Vec<ComponentPlacement>,
    /// The components that pull the results index down most where the school is below its
    /// group's middle, weakest first (at most the parameters' `weakest_max`).
    pub weakest: Vec<Weak>,
}

/// A results component of a school-year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentPlacement {
    /// Component id (`oge_fail`, …).
    pub id: String,
    /// Number in the seed's table 1.
    pub number: u32,
    pub label: String,
    /// Normalised value, 0 = worst, 1 = best; `None` when the school has no usable variant.
    pub value: Option<f64>,
    pub variants: Vec<VariantPlacement>,
}

/// One column of a component, as the school has it and as the reference scales it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantPlacement {
    pub column: String,
    /// The column's label from the row contract.
    pub label: String,
    /// The school's value; `None` if the cell is empty.
    pub value: Option<f64>,
    /// 0 = worst, 1 = best (a gap variant: 1 − flag); `None` if empty or not usable.
    pub normalised: Option<f64>,
    /// Min–max variants: the pool-year's (min, max).
    pub range: Option<(f64, f64)>,
    /// Gap variants: the regional mean and the threshold.
    pub regional_mean: Option<f64>,
    pub threshold: Option<f64>,
    /// Min–max variants with deciles in the reference: the share of the group (per cent, a
    /// whole ten, rounded down) certainly doing better on this column.
    pub better_share: Option<u32>,
}

impl VariantPlacement {
    /// Whether the school is below its group's middle on this column: with deciles, at least
    /// half the group certainly does better (the value is worse than the median decile); a
    /// min–max column without deciles, in the worse half of the group's range; a gap column,
    /// below the regional mean by more than the threshold. `false` for an empty or unusable
    /// value.
    pub fn below_middle(&self) -> bool {
        match (self.value, self.normalised) {
            (Some(x), Some(norm)) => match (
                self.better_share,
                self.range,
                self.regional_mean,
                self.threshold,
            ) {
                (Some(share), _, _, _) => share >= 50,
                (None, Some(_), _, _) => norm < 0.5,
                (None, None, Some(mean), Some(threshold)) => gap_flag(x, mean, threshold),
                _ => false,
            },
            _ => false,
        }
    }
}

/// A component that pulls the results index down, with a sentence for the school.
///
/// Named only where the school is below its group's middle on at least one of the
/// component's indicators ([`VariantPlacement::below_middle`]): worse than the group's median
/// by the reference's deciles; without deciles (a reference of an earlier release), in the
/// worse half of the group's range; for a gap component, below the regional mean by more than
/// the threshold. A component below the school's own index but where the school does better
/// than most of its group does not pull it down against the group and is not named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weak {
    pub component: String,
    pub label: String,
    /// Normalised value (below the results index).
    pub value: f64,
    /// One short sentence in plain Russian, saying only what the reference supports: the
    /// weakest indicator of the component with its value and how it compares, and the
    /// component's other indicator if it too is below the middle.
    pub sentence: String,
}

/// What is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingKind {
    /// A year of the window without a row of the school.
    NoRow,
    /// A row outside the reference's window.
    OutsideWindow,
    /// The reference has no pool-year for the school's pool that year.
    NoPoolYear,
    /// No results component could be computed.
    NoResults,
    /// No social component could be computed.
    NoSocial,
    /// Filled columns the reference cannot scale (no spread in the group, nobody else has
    /// them, no regional mean or threshold).
    NotUsed,
    /// Method columns left empty (without a reference).
    Empty,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Missing {
    pub year: i32,
    pub kind: MissingKind,
    /// Column ids concerned, in contract order.
    pub columns: Vec<String>,
    /// In Russian, naming the year and the columns by their labels.
    pub message: String,
}

/// Why a placement is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlacementError {
    #[error("нет ни одной строки школы: размещать нечего")]
    NoRows,
    #[error(
        "строки относятся к нескольким школам ({}); по эталону размещается одна школа — оставьте только строки своей школы",
        .0.join(", ")
    )]
    SeveralSchools(Vec<String>),
    #[error("повторная строка для школы «{0}» за {1} год")]
    DuplicateYear(String, i32),
    #[error("эталон непригоден: {}", .0.join("; "))]
    Reference(Vec<String>),
}

/// Places one school (`rows`: its rows, any years) by a region's reference.
///
/// Refused when there are no rows, rows of several schools, two rows for one year, or a
/// reference that cannot be read consistently (invalid parameters, a window out of order, a
/// pool-year given twice). Never panics.
pub fn place(reference: &ReferencePayload, rows: &[Row]) -> Result<Placement, PlacementError> {
    let first = rows.first().ok_or(PlacementError::NoRows)?;
    let ids: BTreeSet<&str> = rows.iter().map(|r| r.school_id.as_str()).collect();
    if ids.len() > 1 {
        let mut shown: Vec<String> = ids.iter().take(5).map(|id| format!("«{id}»")).collect();
        if ids.len() > 5 {
            shown.push(format!("и ещё {}", ids.len() - 5));
        }
        return Err(PlacementError::SeveralSchools(shown));
    }
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by_key(|r| r.year);
    if let Some(w) = sorted.windows(2).find(|w| w[0].year == w[1].year) {
        return Err(PlacementError::DuplicateYear(
            w[1].school_id.clone(),
            w[1].year,
        ));
    }
    check_reference(reference).map_err(PlacementError::Reference)?;

    let params = &reference.params;
    let window = &reference.years;
    let latest = sorted[identity_position(sorted.len(), |k| sorted[k].year, window)];
    let (pool, excluded) = pool_or_exclusion(latest.school_type, params);
    let mut placement = Placement {
        school_id: first.school_id.clone(),
        school_name: latest.school_name.clone(),
        pool: pool.map(|p| params.pools[p].id.clone()),
        pool_label: pool.map(|p| params.pools[p].label.clone()),
        excluded,
        years: Vec::new(),
        missing: Vec::new(),
        results_category: None,
        social_category: None,
        window: window.clone(),
    };
    let Some(pool) = pool.map(|p| &params.pools[p]) else {
        return Ok(placement);
    };

    let mut missing = Vec::new();
    for &year in window {
        if !sorted.iter().any(|r| r.year == year) {
            missing.push(Missing {
                year,
                kind: MissingKind::NoRow,
                columns: Vec::new(),
                message: format!(
                    "За {year} год нет данных школы, а эталон этот год описывает: место за {year} год не определяется."
                ),
            });
        }
    }
    for row in &sorted {
        if !window.contains(&row.year) {
            missing.push(Missing {
                year: row.year,
                kind: MissingKind::OutsideWindow,
                columns: Vec::new(),
                message: format!(
                    "Данные за {} год не учитываются: {}.",
                    row.year,
                    window_words(window)
                ),
            });
            continue;
        }
        let Some(py) = reference
            .pools
            .iter()
            .find(|p| p.pool == pool.id && p.year == row.year)
        else {
            missing.push(Missing {
                year: row.year,
                kind: MissingKind::NoPoolYear,
                columns: Vec::new(),
                message: format!(
                    "В эталоне нет группы «{}» за {} год: место школы за этот год не определяется.",
                    pool.label, row.year
                ),
            });
            continue;
        };
        placement
            .years
            .push(place_year(py, params, row, &mut missing));
    }
    missing.sort_by_key(|m| m.year);
    placement.missing = missing;
    let band = |year: i32| placement.years.iter().find(|y| y.year == year);
    let results: Vec<Option<ResultsBand>> = window
        .iter()
        .map(|&y| band(y).and_then(|b| b.results_band))
        .collect();
    let social: Vec<Option<SocialBand>> = window
        .iter()
        .map(|&y| band(y).and_then(|b| b.social_band))
        .collect();
    placement.results_category = Some(results_category(&results, params.risk_years));
    placement.social_category = Some(social_category(
        &social,
        params.social_rule,
        params.social_min_years,
    ));
    Ok(placement)
}

/// Everything that makes a reference unusable, in Russian.
fn check_reference(reference: &ReferencePayload) -> Result<(), Vec<String>> {
    let mut errors = match reference.params.validate() {
        Ok(()) => Vec::new(),
        Err(e) => e.into_iter().map(|m| format!("параметры: {m}")).collect(),
    };
    if reference.years.windows(2).any(|w| w[0] >= w[1]) {
        errors.push("годы окна должны идти по возрастанию без повторов".into());
    }
    let mut seen = BTreeSet::new();
    for p in &reference.pools {
        if !seen.insert((p.pool.as_str(), p.year)) {
            // The group by its label when the reference's parameters name it.
            let name = reference
                .params
                .pools
                .iter()
                .find(|q| q.id == p.pool)
                .map_or(p.pool.as_str(), |q| q.label.as_str());
            errors.push(format!("группа «{name}» за {} год описана дважды", p.year));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// One year: the engine's scales for the pool-year, rebuilt from the reference.
fn place_year(
    py: &ReferencePool,
    params: &Params,
    row: &Row,
    missing: &mut Vec<Missing>,
) -> YearPlacement {
    let m = method();
    let raw = row.values.raw();
    let range = |var: &Variant| {
        py.columns
            .get(&var.column)
            .copied()
            .unwrap_or((f64::INFINITY, f64::NEG_INFINITY))
    };
    let gap = |_: usize, _: usize, var: &Variant| {
        (
            py.regional_means.get(&var.column).copied(),
            params.gap_thresholds.get(&var.column).copied(),
        )
    };
    let mut dropped = Vec::new();
    let result_scales = scales(&m.results, range, gap, &mut dropped);
    let social_scales = scales(&m.social, range, gap, &mut dropped);
    let mut results = vec![f64::NAN; m.results.len()];
    let mut social = vec![f64::NAN; m.social.len()];
    components(&m.results, &result_scales, raw, &mut results);
    components(&m.social, &social_scales, raw, &mut social);
    let results_index = index(&results);
    let social_index = index(&social);

    let (results_band, social_band) = bands(py, results_index, social_index);
    let distance = |x: Option<f64>, cut: Option<f64>| Some(x? - cut?);
    let comps: Vec<ComponentPlacement> = m
        .results
        .iter()
        .zip(&result_scales)
        .zip(&results)
        .map(|((comp, scales), &value)| component_placement(py, comp, scales, value, raw))
        .collect();
    // Every component below the school's index, weakest first (the engine's order); of them,
    // those where the school is below the group's middle, at most `weakest_max`.
    let weakest = weakest_of(&results, results_index, MAX_COMPONENTS)
        .ids()
        .filter_map(|id| comps.iter().find(|c| c.id == id))
        .filter_map(|c| Some((c, c.value?)))
        .filter(|(c, _)| c.variants.iter().any(VariantPlacement::below_middle))
        .take(params.weakest_max)
        .map(|(c, value)| Weak {
            component: c.id.clone(),
            label: c.label.clone(),
            value,
            sentence: sentence(c, m),
        })
        .collect();

    year_missing(
        row.year,
        raw,
        (&m.results, &result_scales, results_index),
        (&m.social, &social_scales, social_index),
        py,
        missing,
    );
    YearPlacement {
        year: row.year,
        schools: py.schools,
        results_index,
        social_index,
        results_band,
        social_band,
        distance_to_low_cut: distance(results_index, py.results_cut_low),
        distance_to_high_cut: distance(results_index, py.results_cut_high),
        distance_to_unfavourable_cut: distance(social_index, py.social_cut_unfavourable),
        distance_to_favourable_cut: distance(social_index, py.social_cut_favourable),
        components: comps,
        weakest,
    }
}

/// The bands by the cuts, compared on the values the engine ranks ([`rank_key`]); a value in
/// both bands is in the middle, as in [`crate::domain::method::stats::bands`].
fn bands(
    py: &ReferencePool,
    results: Option<f64>,
    social: Option<f64>,
) -> (Option<ResultsBand>, Option<SocialBand>) {
    let at_most = |x: f64, cut: Option<f64>| cut.is_some_and(|c| rank_key(x) <= rank_key(c));
    let at_least = |x: f64, cut: Option<f64>| cut.is_some_and(|c| rank_key(x) >= rank_key(c));
    let r = results.map(|x| {
        match (
            at_most(x, py.results_cut_low),
            at_least(x, py.results_cut_high),
        ) {
            (true, false) => ResultsBand::Low,
            (false, true) => ResultsBand::High,
            _ => ResultsBand::Middle,
        }
    });
    let s = social.map(|x| {
        match (
            at_most(x, py.social_cut_favourable),
            at_least(x, py.social_cut_unfavourable),
        ) {
            (true, false) => SocialBand::Favourable,
            (false, true) => SocialBand::Unfavourable,
            _ => SocialBand::Neutral,
        }
    });
    (r, s)
}

fn column_label(id: &str) -> String {
    schema()
        .column(id)
        .map(|c| c.label.clone())
        .unwrap_or_else(|| id.to_string())
}

fn column_kind(id: &str) -> Kind {
    schema().column(id).map_or(Kind::Share, |c| c.kind)
}

fn component_placement(
    py: &ReferencePool,
    comp: &Component,
    scales: &[Scale],
    value: f64,
    raw: &[f64],
) -> ComponentPlacement {
    let variants = comp
        .variants
        .iter()
        .zip(scales)
        .map(|(var, &scale)| {
            let x = raw.get(var.index).copied().filter(|v| !v.is_nan());
            let (range, regional_mean, threshold) = match scale {
                Scale::MinMax { lo, hi, .. } => (Some((lo, hi)), None, None),
                Scale::Gap { mean, threshold } => (None, Some(mean), Some(threshold)),
                Scale::Unused => (None, None, None),
            };
            let better_share = match (scale, x) {
                (Scale::MinMax { .. }, Some(x)) => {
                    py.quantiles
                        .get(&var.column)
                        .and_then(|q| match comp.direction {
                            // Higher is worse: better values are below.
                            Direction::Inverse => share_below(q, x),
                            Direction::Direct => share_above(q, x),
                        })
                }
                _ => None,
            };
            VariantPlacement {
                column: var.column.clone(),
                label: column_label(&var.column),
                value: x,
                normalised: x.and_then(|x| scale.apply(x, comp.direction)),
                range,
                regional_mean,
                threshold,
                better_share,
            }
        })
        .collect();
    ComponentPlacement {
        id: comp.id.clone(),
        number: comp.number,
        label: comp.label.clone(),
        value: (!value.is_nan()).then_some(value),
        variants,
    }
}

impl Placement {
    /// The years of the reference's window for which the school has no row: the years to add
    /// (or fill in) to be placed for the whole window.
    pub fn years_to_add(&self) -> Vec<i32> {
        self.missing
            .iter()
            .filter(|m| m.kind == MissingKind::NoRow)
            .map(|m| m.year)
            .collect()
    }

    /// The school's years outside the reference's window (not used).
    pub fn outside_window(&self) -> Vec<i32> {
        self.missing
            .iter()
            .filter(|m| m.kind == MissingKind::OutsideWindow)
            .map(|m| m.year)
            .collect()
    }
}

mod missing;
mod words;
pub use missing::missing_without_reference;
use missing::year_missing;
pub use words::{category_sentence, distance_words, years_words};
use words::{sentence, window_words};

mod profile;
pub use profile::{social_profile, ProfileLine, SocialProfile};

#[cfg(test)]
mod tests;
