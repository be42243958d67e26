//! The identification engine: ШНРО, «группа риска», стабильно высокие, ШНСУ.
//!
//! [`identify`] runs the method of `001_b52395fe2205607b.txt` («Методика проведения
//! идентификации общеобразовательных организаций») as named stages, in the seed's order:
//!
//! 1. [`eligibility`] — the window of years, the schools, exclusions, pools;
//! 2. [`indices`] — regional means, gap flags, min–max normalisation of the components per
//!    pool-year, and the results and social indices (многомерная средняя);
//! 3. [`bands`] — the 25 % bands of each index per pool-year;
//! 4. [`categories`] — the three-year rules;
//! 5. [`explain`] — the components that pulled each index down;
//! 6. [`partners`] — partner schools for ШНРО and «группа риска», resilient schools;
//! 7. [`summary`] — counts and shares, overall and per municipality;
//! 8. [`context`] — beyond the seed: contextualised results (the results index against the
//!    one expected from the social index, per pool-year), then the summary.
//!
//! [`small_pools`] says which pool-years rank too few schools for their lists to be
//! representative (beyond the seed; it reads a result and changes nothing).
//!
//! Each stage is a pure function from typed input to typed output; every number comes from
//! [`Params`]. The readings of the seed are listed in the README's method section.

pub mod bands;
pub mod categories;
pub mod chance;
pub mod context;
pub mod csv;
pub mod eligibility;
pub mod explain;
pub mod indices;
pub mod method;
pub mod naming;
pub mod output;
pub mod params;
pub mod partners;
pub mod robustness;
pub mod small_pools;
pub mod summary;

pub use output::*;
pub use params::MeanWeighting;
pub use params::{Params, Pool, SocialRule};

use crate::domain::contract::row::Row;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IdentifyError {
    #[error("неверные параметры: {}", .0.join("; "))]
    Params(Vec<String>),
    #[error("нет данных: во входных файлах нет ни одной строки")]
    NoData,
    #[error("повторная строка для школы «{0}» за {1} год")]
    Duplicate(String, i32),
}

/// Runs the whole method on validated rows.
///
/// The output does not depend on the order of `rows`.
pub fn identify(rows: &[Row], params: &Params) -> Result<Identification, IdentifyError> {
    params.validate().map_err(IdentifyError::Params)?;
    let method = method::method();

    let frame = eligibility::frame(rows, params)?;
    let (ranges, means) = indices::ranges_and_means(&frame, method, params);
    let (scored, results_index, social_index) = indices::score(&frame, method, &ranges, &means);
    let indexed = bands::index_and_band(&frame, results_index, social_index, params);
    let middles = explain::Middles::of(&frame, &scored, method);
    let cats = categories::categorise(&frame, &indexed, params);
    let partners::Partners {
        mut partners,
        resilient,
    } = partners::suggest(&frame, &indexed, &cats, params);

    let years = frame.years.clone();
    let pool_ids: Vec<std::sync::Arc<str>> =
        params.pools.iter().map(|p| p.id.as_str().into()).collect();
    let school_result = |si: usize, partners: Vec<String>| {
        let school = &frame.schools[si];
        let mut year_results = Vec::with_capacity(frame.years.len());
        for e in frame.by_school.of(si) {
            let entry = &frame.entries[e];
            year_results.push((
                frame.years[entry.slot],
                YearResult {
                    results_index: indexed.results_index[e],
                    results_band: indexed.results_band[e],
                    social_index: indexed.social_index[e],
                    social_band: indexed.social_band[e],
                    weakest: explain::weakest(&frame, &scored, &indexed, &middles, params, e),
                    components: ComponentValues::from_slice(scored.results_of(e)),
                    expected: None,
                    residual: None,
                    context_category: None,
                },
            ));
        }
        let (results_category, social_category) = match school.pool {
            Some(_) => (Some(cats.results[si]), Some(cats.social[si])),
            None => (None, None),
        };
        SchoolResult {
            school_id: school.id.to_string(),
            school_name: school.name.to_string(),
            municipality: school.municipality.to_string(),
            school_type: school.school_type,
            pool: school.pool.map(|p| pool_ids[p].clone()),
            excluded: school.excluded.clone(),
            results_category,
            social_category,
            years: YearMap(year_results),
            partners,
            resilient: resilient[si],
            context_resilient: false,
        }
    };
    let schools = each_school(&mut partners, &school_result);
    let pools = bands::pool_years(&frame, &scored, &indexed, params);
    let regional_means = indices::means_report(&frame, method, &means);
    let mut result = Identification {
        params: params.clone(),
        years,
        schools,
        summary: Summary::default(),
        pools,
        regional_means,
        notes: frame.notes,
        context: Context::default(),
    };
    // The last stage; it computes the summary too.
    context::apply_context(&mut result);
    Ok(result)
}

/// Every school's result, in school order: `make(school, its partners)`. Natively, a large
/// region's schools are made on every core, in parts of consecutive schools joined in order —
/// the same results, each school's being its own (the browser's worker has no threads).
fn each_school<F>(partners: &mut [Vec<String>], make: &F) -> Vec<SchoolResult>
where
    F: Fn(usize, Vec<String>) -> SchoolResult + Sync,
{
    let part = |first: usize, partners: &mut [Vec<String>]| -> Vec<SchoolResult> {
        partners
            .iter_mut()
            .enumerate()
            .map(|(k, p)| make(first + k, std::mem::take(p)))
            .collect()
    };
    #[cfg(not(target_arch = "wasm32"))]
    {
        /// Below this, a part is not worth a thread.
        const PART: usize = 2048;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let n = partners.len();
        let size = n.div_ceil(threads.min(n / PART).max(1));
        if size < n {
            let parts: Vec<Vec<SchoolResult>> = std::thread::scope(|s| {
                let mut chunks = partners.chunks_mut(size).enumerate();
                let (_, first) = chunks.next().expect("a school");
                let part = &part;
                let others: Vec<_> = chunks
                    .map(|(i, chunk)| s.spawn(move || part(i * size, chunk)))
                    .collect();
                let mut parts = vec![part(0, first)];
                for h in others {
                    parts.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
                }
                parts
            });
            let mut all = Vec::with_capacity(n);
            for p in parts {
                all.extend(p);
            }
            return all;
        }
    }
    part(0, partners)
}

#[cfg(test)]
mod tests;
