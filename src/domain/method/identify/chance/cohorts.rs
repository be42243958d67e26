//! Which count stands behind each indicator of the method, which school-years are small on
//! it, and how each cell is redrawn in a replicate.
//!
//! **The count of an indicator** is the count column of its group in `src/data/columns.json`:
//! the ЕГЭ shares and means rest on `ege_participants`, the ОГЭ ones on `oge_participants`, the
//! ВПР ones on `vpr_participants`, the social shares on `students_total`. (The seed gives one
//! participant count per exam; a subject's participants are taken to be the exam's.)
//!
//! **A replicate cell** is a share with a count `n ≥ 1`: the observed count is
//! `k = round(share × n / 100)` (kept within 0…n) and the share is drawn as 100 × Beta(k + ½,
//! n − k + ½), the Jeffreys posterior of the proportion. A share without a count (empty, or 0
//! with a share given) is kept fixed and counted ([`Plan::fixed_shares`]). A mean is kept fixed
//! unless the options give its exam a typical spread σ (the standard deviation of pupils'
//! scores): then it is drawn from a normal law with the observed mean and σ ÷ √n, clipped to
//! its scale (0–100 or 2–5).

use super::ChanceOptions;
use crate::domain::common::format::{count, num};
use crate::domain::contract::schema::{schema, Kind};
use crate::domain::method::identify::eligibility::Frame;
use crate::domain::method::identify::indices::Ranges;
use crate::domain::method::identify::method::Method;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, Normal, StandardNormal};
use serde::{Deserialize, Serialize};

/// One indicator column of the method and the count it rests on.
#[derive(Debug, Clone)]
pub struct Link {
    /// Data index of the indicator.
    pub column: usize,
    /// Data index of its group's count column.
    pub count: usize,
    pub kind: Kind,
    /// The group (`ege`, `oge`, `vpr`, `social`).
    pub group: String,
}

/// Every indicator column of the method (results and social, each once, in data order) with
/// its count column. A column whose group has no count column has no link (none in the
/// contract today).
pub fn links(method: &Method) -> Vec<Link> {
    let s = schema();
    let mut columns: Vec<usize> = method
        .results
        .iter()
        .chain(&method.social)
        .flat_map(|c| &c.variants)
        .map(|v| v.index)
        .collect();
    columns.sort_unstable();
    columns.dedup();
    columns
        .into_iter()
        .filter_map(|i| {
            let col = s.data_column(i);
            let count = (0..s.data_len()).find(|&j| {
                let c = s.data_column(j);
                c.group == col.group && c.kind == Kind::Count
            })?;
            Some(Link {
                column: i,
                count,
                kind: col.kind,
                group: col.group.clone(),
            })
        })
        .collect()
}

/// A school-year whose count is below the minimum (or missing) on the indicators of one group
/// it has values for: «малочисленная» on those indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmallCohort {
    pub year: i32,
    /// The count column (`ege_participants`, …, `students_total`).
    pub count_column: String,
    /// The count; `None` when the row has none (then the shares are kept fixed).
    pub count: Option<u32>,
    /// The indicator columns of the method the school has values for in that group.
    pub columns: Vec<String>,
}

/// The indicator whose chance variation is the widest for one side of a school (its results,
/// or its social conditions): the redrawn share with the largest posterior spread measured
/// against its pool-year's range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    /// A social indicator (the ШНСУ side); otherwise a results one.
    pub social: bool,
    pub year: i32,
    pub column: String,
    pub count_column: String,
    pub count: u32,
    /// Whether the count is below the minimum.
    pub small: bool,
    /// How many percentage points one pupil moves the share (100 ÷ n).
    pub one_pupil: f64,
}

/// A Gamma(shape, 1) draw: Z²/2 for shape ½ (a χ² of one degree of freedom, halved; a share of
/// 0 or of n out of n has that shape), otherwise Marsaglia and Tsang's method (`rand_distr`).
#[derive(Debug, Clone, Copy)]
enum Shape {
    Half,
    Large(Gamma<f64>),
}

impl Shape {
    fn of(shape: f64) -> Option<Shape> {
        if shape == 0.5 {
            Some(Shape::Half)
        } else {
            Gamma::new(shape, 1.0).ok().map(Shape::Large)
        }
    }

    #[inline]
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Shape::Half => {
                let z: f64 = StandardNormal.sample(rng);
                0.5 * z * z
            }
            Shape::Large(g) => g.sample(rng),
        }
    }
}

/// The Jeffreys posterior of a share, Beta(k + ½, n − k + ½), drawn as X ÷ (X + Y) with
/// X ~ Gamma(k + ½) and Y ~ Gamma(n − k + ½): the same law as a direct Beta draw, but with
/// almost no logarithm or exponential (Marsaglia–Tsang accepts by a polynomial squeeze), which
/// keeps 200 replicates of 1,500 schools within the browser's budget.
#[derive(Debug, Clone, Copy)]
pub struct ShareDraw {
    x: Shape,
    y: Shape,
}

impl ShareDraw {
    /// `None` unless both shapes are positive and finite.
    pub fn new(a: f64, b: f64) -> Option<ShareDraw> {
        Some(ShareDraw {
            x: Shape::of(a)?,
            y: Shape::of(b)?,
        })
    }

    /// A proportion in [0, 1].
    #[inline]
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        let x = self.x.sample(rng);
        let y = self.y.sample(rng);
        let sum = x + y;
        if sum > 0.0 {
            x / sum
        } else {
            0.5
        }
    }
}

/// How a replicate redraws the cells of the frame's rows.
pub struct Plan {
    /// (position in the replicate's flat cells, the draw of the proportion).
    pub shares: Vec<(usize, ShareDraw)>,
    /// (position, the draw, the scale's bounds).
    pub means: Vec<(usize, Normal<f64>, f64, f64)>,
    /// Shares of the frame kept fixed because their row has no count.
    pub fixed_shares: usize,
    /// Per school of the frame: its small cohorts, oldest year first.
    pub small: Vec<Vec<SmallCohort>>,
    /// Per school of the frame: the driver of its results' and of its social conditions'
    /// uncertainty, if any share of that side is redrawn.
    pub driver: Vec<[Option<Driver>; 2]>,
}

/// The count behind `link` in a row: `None` when empty or below 1 (then the shares are kept
/// fixed), otherwise rounded.
fn count_of(raw: &[f64], link: &Link) -> Option<f64> {
    let n = raw[link.count];
    (n.is_finite() && n >= 1.0).then(|| n.round())
}

/// The small cohorts of one school-year (its row's cells `raw`), by count column in link
/// order: the indicators it has values for whose count is below `min_cohort` or missing.
fn small_of_row(raw: &[f64], year: i32, links: &[Link], min_cohort: u32) -> Vec<SmallCohort> {
    let s = schema();
    let mut small: Vec<SmallCohort> = Vec::new();
    for link in links {
        if raw[link.column].is_nan() {
            continue;
        }
        let n = count_of(raw, link);
        if n.is_some_and(|n| n >= f64::from(min_cohort)) {
            continue;
        }
        let count_column = &s.data_column(link.count).id;
        let column = s.data_column(link.column).id.clone();
        match small.iter_mut().find(|c| &c.count_column == count_column) {
            Some(c) => c.columns.push(column),
            None => small.push(SmallCohort {
                year,
                count_column: count_column.clone(),
                count: n.map(|n| n as u32),
                columns: vec![column],
            }),
        }
    }
    small
}

/// The small cohorts of every school the method places in a pool, without any replicate (a
/// light pass over the rows, for the run's lists and card before an estimate is made): by
/// school id, each school's oldest year first; schools without one are left out.
pub fn small_cohorts(
    rows: &[crate::domain::contract::row::Row],
    params: &crate::domain::method::identify::Params,
    min_cohort: u32,
) -> Result<Vec<(String, Vec<SmallCohort>)>, crate::domain::method::identify::IdentifyError> {
    let frame = crate::domain::method::identify::eligibility::frame(rows, params)?;
    let links = links(crate::domain::method::identify::method::method());
    let mut small = vec![Vec::new(); frame.schools.len()];
    for entry in &frame.entries {
        let year = frame.years[entry.slot];
        small[entry.school].extend(small_of_row(
            entry.row.values.raw(),
            year,
            &links,
            min_cohort,
        ));
    }
    Ok(frame
        .schools
        .iter()
        .zip(small)
        .filter(|(s, small)| s.pool.is_some() && !small.is_empty())
        .map(|(s, mut small)| {
            small.sort_by_key(|c| c.year);
            (s.id.to_string(), small)
        })
        .collect())
}

/// The plan of the frame's rows, in the frame's entry order (pool, year, school: independent
/// of the order of the input rows, so the same seed draws the same values for the same
/// school-year-indicator however the rows are ordered). `ranges` are the base run's, for the
/// drivers.
pub fn plan(
    frame: &Frame,
    links: &[Link],
    ranges: &Ranges,
    width: usize,
    options: &ChanceOptions,
) -> Plan {
    let s = schema();
    let mut plan = Plan {
        shares: Vec::new(),
        means: Vec::new(),
        fixed_shares: 0,
        small: vec![Vec::new(); frame.schools.len()],
        driver: vec![[None, None]; frame.schools.len()],
    };
    // The driver's measure per school: posterior spread ÷ the pool-year's range.
    let mut driver_weight = vec![[0.0f64; 2]; frame.schools.len()];
    for entry in &frame.entries {
        let raw = entry.row.values.raw();
        let base = entry.row_index as usize * width;
        let year = frame.years[entry.slot];
        plan.small[entry.school].extend(small_of_row(raw, year, links, options.min_cohort));
        for link in links {
            let x = raw[link.column];
            if x.is_nan() {
                continue;
            }
            let n = count_of(raw, link);
            match (link.kind, n) {
                (Kind::Share, None) => plan.fixed_shares += 1,
                (Kind::Share, Some(n)) => {
                    let k = (x * n / 100.0).round().clamp(0.0, n);
                    let (a, b) = (k + 0.5, n - k + 0.5);
                    let Some(draw) = ShareDraw::new(a, b) else {
                        continue;
                    };
                    plan.shares.push((base + link.column, draw));
                    let spread = 100.0 * (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt();
                    let (lo, hi) = ranges.of(entry.group, link.column);
                    let width_of_range = hi - lo;
                    if width_of_range.is_finite() && width_of_range > 0.0 {
                        let weight = spread / width_of_range;
                        let side = usize::from(link.group == "social");
                        if weight > driver_weight[entry.school][side] {
                            driver_weight[entry.school][side] = weight;
                            plan.driver[entry.school][side] = Some(Driver {
                                social: side == 1,
                                year,
                                column: s.data_column(link.column).id.clone(),
                                count_column: s.data_column(link.count).id.clone(),
                                count: n as u32,
                                small: n < f64::from(options.min_cohort),
                                one_pupil: 100.0 / n,
                            });
                        }
                    }
                }
                (kind @ (Kind::Score100 | Kind::Score5), Some(n)) => {
                    let Some(&sigma) = options.spreads.get(&link.group) else {
                        continue;
                    };
                    let (lo, hi) = if kind == Kind::Score100 {
                        (0.0, 100.0)
                    } else {
                        (2.0, 5.0)
                    };
                    if let Ok(normal) = Normal::new(x, sigma / n.sqrt()) {
                        plan.means.push((base + link.column, normal, lo, hi));
                    }
                }
                _ => {}
            }
        }
    }
    for small in &mut plan.small {
        small.sort_by_key(|c| c.year);
    }
    plan
}

/// Who a count column counts: (the exam's name or «», one, few, many).
fn counted(count_column: &str) -> (&'static str, &'static str, &'static str, &'static str) {
    match count_column {
        "ege_participants" => ("ЕГЭ", "участник", "участника", "участников"),
        "oge_participants" => ("ОГЭ", "участник", "участника", "участников"),
        "vpr_participants" => ("ВПР", "участник", "участника", "участников"),
        _ => ("", "обучающийся", "обучающихся", "обучающихся"),
    }
}

impl SmallCohort {
    /// «2024: ЕГЭ — 4 участника», «2024: 7 обучающихся», «2024: ОГЭ — число участников не
    /// указано».
    pub fn words(&self) -> String {
        let (exam, one, few, many) = counted(&self.count_column);
        let what = match (self.count, exam) {
            (Some(n), _) => count(n as usize, one, few, many),
            (None, "") => "численность обучающихся не указана".to_string(),
            (None, _) => "число участников не указано".to_string(),
        };
        if exam.is_empty() {
            format!("{}: {what}", self.year)
        } else {
            format!("{}: {exam} — {what}", self.year)
        }
    }
}

/// The small cohorts of a school in a few words, for a line under its name: the exams (and
/// «обучающиеся» for the social shares) in order of appearance, each «— нет численности» when
/// none of its rows has a count: «ЕГЭ, ОГЭ», «ВПР — нет численности». The years and counts
/// are in [`SmallCohort::words`].
pub fn small_summary(small: &[SmallCohort]) -> String {
    let mut seen: Vec<(&str, bool)> = Vec::new();
    for c in small {
        match seen.iter_mut().find(|(col, _)| *col == c.count_column) {
            Some((_, none)) => *none &= c.count.is_none(),
            None => seen.push((&c.count_column, c.count.is_none())),
        }
    }
    seen.into_iter()
        .map(|(col, none)| {
            let (exam, ..) = counted(col);
            let name = if exam.is_empty() {
                "обучающиеся"
            } else {
                exam
            };
            if none {
                format!("{name} — нет численности")
            } else {
                name.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Driver {
    /// «по результатам: „Доля …“ за 2024 год: 4 участника ЕГЭ, один ученик меняет долю на
    /// 25 п. п. (малочисленная группа)».
    pub fn words(&self) -> String {
        let (exam, one, few, many) = counted(&self.count_column);
        let label = schema()
            .column(&self.column)
            .map_or(self.column.as_str(), |c| c.label.as_str())
            .trim_end_matches(", %")
            .to_string();
        let who = count(self.count as usize, one, few, many);
        let who = if exam.is_empty() {
            who
        } else {
            format!("{who} {exam}")
        };
        format!(
            "{}: «{label}» за {} год: {who}, один ученик меняет долю на {} п. п.{}",
            if self.social {
                "по социальным условиям"
            } else {
                "по результатам"
            },
            self.year,
            num(Some(self.one_pupil), 1),
            if self.small {
                " (малочисленная группа)"
            } else {
                ""
            }
        )
    }
}
