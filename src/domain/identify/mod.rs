//! The identification engine: ШНРО, «группа риска», стабильно высокие, ШНСУ.
//!
//! [`identify`] runs the method of `001_b52395fe2205607b.txt` («Методика проведения
//! идентификации общеобразовательных организаций») as named stages, in the seed's order:
//!
//! 1. [`eligibility`] — the window of years, the schools, exclusions, pools;
//! 2. [`components`] — regional means, gap flags, min–max normalisation per pool-year;
//! 3. [`indices`] — results and social indices (многомерная средняя) and the 25 % bands;
//! 4. [`categories`] — the three-year rules;
//! 5. [`explain`] — the components that pulled each index down;
//! 6. [`partners`] — partner schools for ШНРО and «группа риска», resilient schools;
//! 7. [`summary`] — counts and shares, overall and per municipality.
//!
//! Each stage is a pure function from typed input to typed output; every number comes from
//! [`Params`]. The readings of the seed are listed in the README's method section.

pub mod categories;
pub mod components;
pub mod csv;
pub mod eligibility;
pub mod explain;
pub mod indices;
pub mod method;
pub mod output;
pub mod params;
pub mod partners;
pub mod summary;

pub use output::*;
pub use params::{Params, Pool, SocialRule};

use crate::domain::row::Row;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IdentifyError {
    #[error("неверные параметры: {}", .0.join("; "))]
    Params(Vec<String>),
    #[error("нет данных: во входных файлах нет ни одной строки")]
    NoData,
}

/// Runs the whole method on validated rows.
///
/// The output does not depend on the order of `rows`.
pub fn identify(rows: &[Row], params: &Params) -> Result<Identification, IdentifyError> {
    params.validate().map_err(IdentifyError::Params)?;
    let method = method::method();

    let frame = eligibility::frame(rows, params)?;
    let means = components::regional_means(&frame, method, params);
    let scored = components::score(&frame, method, &means);
    let indexed = indices::index_and_band(&frame, &scored, params);
    let cats = categories::categorise(&frame, &indexed, params);
    let weakest = explain::weakest(&frame, &scored, &indexed, method, params);
    let partner_lists = partners::suggest(&frame, &indexed, &cats, params);

    let years = frame.years.clone();
    let mut schools = Vec::with_capacity(frame.schools.len());
    for (si, school) in frame.schools.iter().enumerate() {
        let mut year_results = BTreeMap::new();
        for &e in &frame.by_school[si] {
            let entry = &frame.entries[e];
            let components = method
                .results
                .iter()
                .enumerate()
                .filter_map(|(c, comp)| scored.result(e, c).map(|v| (comp.id.clone(), v)))
                .collect();
            year_results.insert(
                frame.years[entry.slot].to_string(),
                YearResult {
                    results_index: indexed.results_index[e],
                    results_band: indexed.results_band[e],
                    social_index: indexed.social_index[e],
                    social_band: indexed.social_band[e],
                    weakest: weakest[e].clone(),
                    components,
                },
            );
        }
        let (results_category, social_category) = match school.pool {
            Some(_) => (Some(cats.results[si]), Some(cats.social[si])),
            None => (None, None),
        };
        schools.push(SchoolResult {
            school_id: school.id.to_string(),
            school_name: school.name.to_string(),
            municipality: school.municipality.to_string(),
            school_type: school.school_type,
            pool: school.pool.map(|p| params.pools[p].id.clone()),
            excluded: school.excluded.clone(),
            results_category,
            social_category,
            years: year_results,
            partners: partner_lists.partners[si].clone(),
            resilient: partner_lists.resilient[si],
        });
    }
    let summary = summary::summarise(&schools);
    let pools = indices::pool_years(&frame, &scored, &indexed, params);
    let regional_means = components::means_report(&frame, method, &means);
    Ok(Identification { params: params.clone(), years, schools, summary, pools, regional_means, notes: frame.notes })
}

#[cfg(test)]
mod tests;
