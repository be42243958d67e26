//! How sure each school's category is: the method rerun on chance replicates of the region.
//!
//! A school of 4 ЕГЭ participants moves a share by 25 points with one pupil; the seed's method
//! ranks such shares like those of a 200-pupil school. A **replicate** redraws every share of
//! every school-year from what its count allows ([`cohorts`]: the Jeffreys posterior
//! Beta(k + ½, n − k + ½) of `k = round(share × n / 100)` of `n`; means only when a spread is
//! given) and reruns the method over the whole region — the bands are relative, so every
//! school is redrawn together. A school's **probability** of a list is the share of the
//! replicates in which it is in that list (ШНРО, «группа риска», стабильно высокие, ШНСУ).
//!
//! Only the lists are needed, so a replicate runs the stages up to the categories
//! (eligibility → indices → bands → categories, called as [`super::identify`] calls them) and
//! shares with the base what a replicate leaves alone: the frame (window, schools, exclusions,
//! pools) is built once; only the cells are redrawn ([`super::indices::Cells::Flat`]). A test
//! checks the probabilities against a plain loop of redrawn rows through [`super::identify`].
//!
//! **Reproducible.** The generator is ChaCha8 seeded with the options' seed, one stream per
//! replicate (`set_stream(r)`), and the cells are drawn in the frame's entry order (pool,
//! year, school) — so a seed gives the same probabilities whatever the order of the rows and
//! however the replicates are spread over threads. (Natively and in the browser the floating
//! point of the draws is the same IEEE arithmetic, but `ln`/`exp` may differ in the last bit
//! between the two: a probability may then differ by one replicate.)

pub mod cohorts;
mod table;

pub use cohorts::{Driver, SmallCohort};
pub use table::chance_table;

use super::bands;
use super::categories;
use super::eligibility::{self, Frame};
use super::indices::{self, Cells};
use super::method;
use super::{IdentifyError, Params, ResultsCategory, SocialCategory};
use crate::domain::contract::row::Row;
use crate::domain::contract::schema::schema;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The default number of replicates.
pub const DEFAULT_REPLICATES: usize = 200;
/// The default seed of the command-line tool (a stored run has its own, [`run_seed`]).
pub const DEFAULT_SEED: u64 = 1;
/// The seed of a stored run's estimate, made from what is stored with the run (its id), so
/// that the same run gives the same probabilities in every session, and a person can repeat
/// them with the command-line tool (`--seed`). Nine digits, to be read and typed.
pub fn run_seed(run_id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(run_id.as_bytes()) % 1_000_000_000
}

/// The most replicates a request may ask for.
pub const MAX_REPLICATES: usize = 10_000;

/// Every number of a chance estimate (the README's method section argues the defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChanceOptions {
    /// How many replicates (default 200).
    pub replicates: usize,
    /// The generator's seed.
    pub seed: u64,
    /// A count below this makes a school-year «малочисленная» on the indicators resting on it
    /// (default 10: below it one pupil moves a share by more than 10 points).
    pub min_cohort: u32,
    /// «Уверенно»: in the list in at least this share of the replicates (default 0.9).
    pub confident: f64,
    /// «Вероятно»: at least this share, below `confident` (default 0.5).
    pub probable: f64,
    /// «На грани»: outside the list, in it in at least this share (default 0.2).
    pub edge: f64,
    /// A typical spread of pupils' scores per exam (`ege` in points, `oge` and `vpr` in marks);
    /// an exam without one keeps its means fixed.
    pub spreads: BTreeMap<String, f64>,
}

impl Default for ChanceOptions {
    fn default() -> Self {
        ChanceOptions {
            replicates: DEFAULT_REPLICATES,
            seed: DEFAULT_SEED,
            min_cohort: 10,
            confident: 0.9,
            probable: 0.5,
            edge: 0.2,
            spreads: BTreeMap::new(),
        }
    }
}

impl ChanceOptions {
    /// Every reason the options cannot be used, in Russian.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut e = Vec::new();
        if !(1..=MAX_REPLICATES).contains(&self.replicates) {
            e.push(format!(
                "число повторов должно быть от 1 до {MAX_REPLICATES}, указано {}",
                self.replicates
            ));
        }
        let share = |x: f64| x.is_finite() && x > 0.0 && x <= 1.0;
        if !(share(self.confident) && share(self.probable) && share(self.edge))
            || self.edge > self.probable
            || self.probable > self.confident
        {
            e.push(
                "пороги групп должны идти так: 0 < «на грани» ≤ «вероятно» ≤ «уверенно» ≤ 100 %"
                    .into(),
            );
        }
        for (exam, sigma) in &self.spreads {
            if !["ege", "oge", "vpr"].contains(&exam.as_str()) {
                e.push(format!(
                    "разброс задан для неизвестного экзамена «{exam}» (ожидается ege, oge или vpr)"
                ));
            } else if !(sigma.is_finite() && *sigma > 0.0) {
                e.push(format!(
                    "разброс баллов для «{exam}» должен быть положительным числом"
                ));
            }
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

/// A list whose probability is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChanceList {
    Low,
    Risk,
    High,
    Unfavourable,
}

impl ChanceList {
    pub const ALL: [ChanceList; 4] = [
        ChanceList::Low,
        ChanceList::Risk,
        ChanceList::High,
        ChanceList::Unfavourable,
    ];

    /// The list's short Russian name («ШНРО», «группа риска», …).
    pub fn label(self) -> &'static str {
        match self {
            ChanceList::Low => "ШНРО",
            ChanceList::Risk => "группа риска",
            ChanceList::High => "стабильно высокие",
            ChanceList::Unfavourable => "ШНСУ",
        }
    }
}

/// How sure a school's place in a list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    /// In the list, and in it in at least `confident` of the replicates.
    Confident,
    /// In the list, in at least `probable`.
    Probable,
    /// In the list, but in fewer than `probable` of the replicates.
    Doubtful,
    /// Outside the list, in it in at least `edge` of the replicates («на грани»).
    Edge,
}

impl Certainty {
    pub const ALL: [Certainty; 4] = [
        Certainty::Confident,
        Certainty::Probable,
        Certainty::Doubtful,
        Certainty::Edge,
    ];

    /// The group's name as the page and the exports write it.
    pub fn label(self) -> &'static str {
        match self {
            Certainty::Confident => "уверенно",
            Certainty::Probable => "вероятно",
            Certainty::Doubtful => "под сомнением",
            Certainty::Edge => "на грани",
        }
    }
}

/// One school of the run: its base categories and its probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolChance {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
    pub results_category: ResultsCategory,
    pub social_category: SocialCategory,
    /// Shares of the replicates in which the school is ШНРО, «группа риска», стабильно
    /// высокий, ШНСУ ([`ChanceList::ALL`] order).
    pub probabilities: [f64; 4],
    /// School-years small (or without a count) on some of the method's indicators.
    pub small: Vec<SmallCohort>,
    /// What drives the uncertainty: the results indicator whose chance variation is the
    /// widest when the school's results lists are uncertain (some probability strictly between
    /// 0 and 1), then the social one when its ШНСУ is; empty for a school every replicate puts
    /// in the same lists.
    pub drivers: Vec<Driver>,
}

impl SchoolChance {
    pub fn probability(&self, list: ChanceList) -> f64 {
        self.probabilities[list as usize]
    }

    /// Whether the base run puts the school in `list`.
    pub fn in_base(&self, list: ChanceList) -> bool {
        match list {
            ChanceList::Low => self.results_category == ResultsCategory::Low,
            ChanceList::Risk => self.results_category == ResultsCategory::Risk,
            ChanceList::High => self.results_category == ResultsCategory::High,
            ChanceList::Unfavourable => self.social_category == SocialCategory::Unfavourable,
        }
    }

    /// The school's group in `list` under `options`; `None` when it is outside the list and
    /// falls in it in fewer than `edge` of the replicates.
    pub fn certainty(&self, list: ChanceList, options: &ChanceOptions) -> Option<Certainty> {
        let p = self.probability(list);
        if self.in_base(list) {
            Some(if p >= options.confident {
                Certainty::Confident
            } else if p >= options.probable {
                Certainty::Probable
            } else {
                Certainty::Doubtful
            })
        } else {
            (p >= options.edge).then_some(Certainty::Edge)
        }
    }
}

/// The chance estimate of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chance {
    pub options: ChanceOptions,
    /// School-year shares redrawn in each replicate.
    pub drawn_shares: usize,
    /// School-year shares kept fixed: their row has no count (or a count of 0).
    pub fixed_shares: usize,
    /// School-year means redrawn (only for exams given a spread).
    pub drawn_means: usize,
    /// Every school the method places in a pool, by id.
    pub schools: Vec<SchoolChance>,
}

impl Chance {
    /// The schools of `list`'s group `certainty`, most probable first (then by name).
    pub fn group(&self, list: ChanceList, certainty: Certainty) -> Vec<&SchoolChance> {
        let mut out: Vec<&SchoolChance> = self
            .schools
            .iter()
            .filter(|s| s.certainty(list, &self.options) == Some(certainty))
            .collect();
        out.sort_by(|a, b| {
            b.probability(list)
                .total_cmp(&a.probability(list))
                .then_with(|| a.school_name.cmp(&b.school_name))
                .then_with(|| a.school_id.cmp(&b.school_id))
        });
        out
    }

    /// How many schools of `list` are «уверенно» in it.
    pub fn confident(&self, list: ChanceList) -> usize {
        self.schools
            .iter()
            .filter(|s| s.certainty(list, &self.options) == Some(Certainty::Confident))
            .count()
    }

    /// The probabilities of `list` in `bins` equal bins over (0, 1] (a probability of 1 in
    /// the last), and how many schools never fall in the list (probability 0, not binned).
    pub fn histogram(&self, list: ChanceList, bins: usize) -> (Vec<usize>, usize) {
        let bins = bins.max(1);
        let mut out = vec![0; bins];
        let mut zero = 0;
        for s in &self.schools {
            let p = s.probability(list);
            if p <= 0.0 {
                zero += 1;
            } else {
                out[((p * bins as f64).ceil() as usize).clamp(1, bins) - 1] += 1;
            }
        }
        (out, zero)
    }

    pub fn school(&self, id: &str) -> Option<&SchoolChance> {
        self.schools
            .binary_search_by(|s| s.school_id.as_str().cmp(id))
            .ok()
            .map(|i| &self.schools[i])
    }
}

/// Why an estimate stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChanceError {
    #[error("{0}")]
    Identify(#[from] IdentifyError),
    #[error("неверные параметры оценки случайности: {}", .0.join("; "))]
    Options(Vec<String>),
    #[error("оценка случайности отменена")]
    Cancelled,
}

/// The chance estimate of `rows` under `params`: `options.replicates` replicates. `progress`
/// gets (replicates done, all) as they finish; `cancelled` is asked between replicates.
///
/// Deterministic for a seed, and independent of the order of `rows`.
pub fn chance(
    rows: &[Row],
    params: &Params,
    options: &ChanceOptions,
    progress: &mut dyn FnMut(usize, usize),
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<Chance, ChanceError> {
    let mut r = Replicates::new(rows, params, options)?;
    #[cfg(not(target_arch = "wasm32"))]
    if r.run_on_every_core(cancelled)? {
        progress(r.total(), r.total());
        return Ok(r.finish());
    }
    while r.done() < r.total() {
        if cancelled() {
            return Err(ChanceError::Cancelled);
        }
        r.run(1);
        progress(r.done(), r.total());
    }
    Ok(r.finish())
}

/// An estimate under way: the frame and the plan made once, the replicates run a few at a
/// time ([`Replicates::run`]) so that the browser's worker can tell progress and hear a cancel
/// between them, then [`Replicates::finish`].
pub struct Replicates<'a> {
    frame: Frame<'a>,
    plan: cohorts::Plan,
    /// Every input row's data cells, `width` each: the replicate's redrawn copy.
    cells: Vec<f64>,
    width: usize,
    params: &'a Params,
    options: ChanceOptions,
    base: categories::Categories,
    tallies: Tallies,
    done: usize,
}

impl<'a> Replicates<'a> {
    /// Checks the parameters and options, builds the frame and the plan, and runs the base.
    pub fn new(
        rows: &'a [Row],
        params: &'a Params,
        options: &ChanceOptions,
    ) -> Result<Self, ChanceError> {
        params.validate().map_err(IdentifyError::Params)?;
        options.validate().map_err(ChanceError::Options)?;
        let method = method::method();
        let frame = eligibility::frame(rows, params)?;
        let width = schema().data_len();
        let links = cohorts::links(method);
        let (base_ranges, _) = indices::ranges_and_means(&frame, method, params);
        let plan = cohorts::plan(&frame, &links, &base_ranges, width, options);
        let base = categories_of(&frame, Cells::Rows(rows), params);
        let mut cells = Vec::with_capacity(rows.len() * width);
        for r in rows {
            cells.extend_from_slice(r.values.raw());
        }
        let tallies = vec![[0; 4]; frame.schools.len()];
        Ok(Replicates {
            frame,
            plan,
            cells,
            width,
            params,
            options: options.clone(),
            base,
            tallies,
            done: 0,
        })
    }

    pub fn total(&self) -> usize {
        self.options.replicates
    }

    pub fn done(&self) -> usize {
        self.done
    }

    /// Runs the next `n` replicates (fewer at the end).
    pub fn run(&mut self, n: usize) {
        let range = self.done..(self.done + n).min(self.total());
        self.done = range.end;
        replicates_into(
            range,
            &self.frame,
            &self.plan,
            &mut self.cells,
            self.width,
            self.params,
            self.options.seed,
            &mut self.tallies,
            &|| false,
        );
    }

    /// Natively, every replicate at once spread over the cores when the work is worth it (each
    /// thread its own copy of the cells and its own replicates; the tallies are sums, so the
    /// result is the same). `Ok(false)` when it was not worth it (nothing run); a cancel in
    /// any thread leaves the tallies as they were.
    #[cfg(not(target_arch = "wasm32"))]
    fn run_on_every_core(
        &mut self,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Result<bool, ChanceError> {
        let total = self.total();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(total);
        // Below this much work a thread is not worth its copy of the cells.
        if self.done > 0 || threads < 2 || self.frame.entries.len() * total < 100_000 {
            return Ok(false);
        }
        let size = total.div_ceil(threads);
        let (frame, plan, cells, width, params, seed) = (
            &self.frame,
            &self.plan,
            &self.cells,
            self.width,
            self.params,
            self.options.seed,
        );
        let parts: Vec<Option<Tallies>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let range = t * size..((t + 1) * size).min(total);
                    let mut copy = cells.clone();
                    s.spawn(move || {
                        let mut tallies = vec![[0; 4]; frame.schools.len()];
                        let complete = replicates_into(
                            range,
                            frame,
                            plan,
                            &mut copy,
                            width,
                            params,
                            seed,
                            &mut tallies,
                            cancelled,
                        );
                        complete.then_some(tallies)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let parts: Vec<Tallies> = parts
            .into_iter()
            .collect::<Option<_>>()
            .ok_or(ChanceError::Cancelled)?;
        for part in parts {
            for (s, p) in self.tallies.iter_mut().zip(part) {
                for k in 0..4 {
                    s[k] += p[k];
                }
            }
        }
        self.done = total;
        Ok(true)
    }

    /// The estimate from the replicates run so far (all of them, unless cancelled).
    pub fn finish(self) -> Chance {
        let total = self.done.max(1) as f64;
        let schools = self
            .frame
            .schools
            .iter()
            .enumerate()
            .filter(|(_, s)| s.pool.is_some())
            .map(|(si, s)| SchoolChance {
                school_id: s.id.to_string(),
                school_name: s.name.to_string(),
                municipality: s.municipality.to_string(),
                results_category: self.base.results[si],
                social_category: self.base.social[si],
                probabilities: self.tallies[si].map(|t| f64::from(t) / total),
                small: self.plan.small[si].clone(),
                // A side whose lists hold the school in every replicate or in none has no
                // uncertainty to drive.
                drivers: {
                    let unsure = |t: u32| t > 0 && (t as usize) < self.done;
                    let t = &self.tallies[si];
                    let [results, social] = self.plan.driver[si].clone();
                    [
                        results.filter(|_| t[..3].iter().any(|&t| unsure(t))),
                        social.filter(|_| unsure(t[3])),
                    ]
                    .into_iter()
                    .flatten()
                    .collect()
                },
            })
            .collect();
        Chance {
            options: ChanceOptions {
                replicates: self.done,
                ..self.options
            },
            drawn_shares: self.plan.shares.len(),
            fixed_shares: self.plan.fixed_shares,
            drawn_means: self.plan.means.len(),
            schools,
        }
    }
}

/// Stages 2–4 on the frame over `cells`: the categories of every school.
fn categories_of(frame: &Frame, cells: Cells, params: &Params) -> categories::Categories {
    let method = method::method();
    let (ranges, means) = indices::ranges_and_means_in(frame, cells, method, params);
    let (_, results_index, social_index) = indices::score_in(frame, cells, method, &ranges, &means);
    let indexed = bands::index_and_band(frame, results_index, social_index, params);
    categories::categorise(frame, &indexed, params)
}

/// Per school of the frame: in how many replicates it is in each list.
type Tallies = Vec<[u32; 4]>;

/// Replicates `range` on `cells`: each redraws the plan's cells from its own stream and adds
/// the categories to `tallies`. `false` if `cancelled` stopped it.
#[allow(clippy::too_many_arguments)]
fn replicates_into(
    range: std::ops::Range<usize>,
    frame: &Frame,
    plan: &cohorts::Plan,
    cells: &mut [f64],
    width: usize,
    params: &Params,
    seed: u64,
    tallies: &mut Tallies,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> bool {
    for r in range {
        if cancelled() {
            return false;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(r as u64);
        for (at, draw) in &plan.shares {
            cells[*at] = 100.0 * draw.sample(&mut rng);
        }
        for (at, normal, lo, hi) in &plan.means {
            cells[*at] = normal.sample(&mut rng).clamp(*lo, *hi);
        }
        let cats = categories_of(
            frame,
            Cells::Flat {
                width,
                values: cells,
            },
            params,
        );
        for (si, school) in frame.schools.iter().enumerate() {
            if school.pool.is_none() {
                continue;
            }
            let t = &mut tallies[si];
            match cats.results[si] {
                ResultsCategory::Low => t[0] += 1,
                ResultsCategory::Risk => t[1] += 1,
                ResultsCategory::High => t[2] += 1,
                _ => {}
            }
            if cats.social[si] == SocialCategory::Unfavourable {
                t[3] += 1;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests;
