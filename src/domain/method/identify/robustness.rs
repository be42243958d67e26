//! How robust the lists are: the identification run again under the readings of the seed
//! where reasonable people differ, and the lists compared with the base run.
//!
//! The alternatives ([`alternatives`]) change one parameter each against the base:
//! - the ШНСУ rule: «не менее 2 из 3» ↔ «2 последних года или все 3» (`social_rule`);
//! - basic and evening schools in one pool or apart (`pools`);
//! - the band share 20 %, 25 %, 30 % (each value other than the base's);
//! - computed regional means weighted by participants ↔ unweighted (`mean_weighting`);
//! - computed regional means instead of the official ones (`regional_means`), not applicable
//!   when the base has none.
//!
//! For each alternative and each of ШНРО, «группа риска» and ШНСУ: the counts in both runs
//! and which schools enter and leave. «Устойчивые ШНРО» are ШНРО in the base and in every
//! alternative that was run.
//!
//! Only the lists are needed, so the runs stop after the three-year categories
//! (eligibility → indices → bands → categories, the stages of [`super::identify`] called
//! the same way), and what an alternative does not change is shared with the base: the frame
//! (the window, schools and pools: only the pools alternative builds its own) and the
//! indices (the band share and the ШНСУ rule only re-band and re-categorise them). A test
//! checks every alternative against a full [`super::identify`].

use super::bands;
use super::categories;
use super::eligibility::{self, Frame};
use super::indices;
use super::method;
use super::params::MeanWeighting;
use super::{IdentifyError, Params, ResultsCategory, SocialCategory, SocialRule};
use crate::domain::contract::row::{Row, SchoolType};
use crate::domain::tables::table::{Table, TableWriter};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A list whose robustness is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum List {
    /// ШНРО: results category `low`.
    Low,
    /// «Группа риска»: results category `risk`.
    Risk,
    /// ШНСУ: social category `unfavourable`.
    Unfavourable,
}

impl List {
    pub const ALL: [List; 3] = [List::Low, List::Risk, List::Unfavourable];

    pub fn id(self) -> &'static str {
        match self {
            List::Low => "low",
            List::Risk => "risk",
            List::Unfavourable => "unfavourable",
        }
    }

    /// The list's short Russian name.
    pub fn label(self) -> &'static str {
        match self {
            List::Low => "ШНРО",
            List::Risk => "«группа риска»",
            List::Unfavourable => "ШНСУ",
        }
    }
}

/// How many schools are in each list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCounts {
    pub low: usize,
    pub risk: usize,
    pub unfavourable: usize,
}

impl ListCounts {
    pub fn get(&self, list: List) -> usize {
        match list {
            List::Low => self.low,
            List::Risk => self.risk,
            List::Unfavourable => self.unfavourable,
        }
    }
}

/// One list under one alternative against the base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListChange {
    pub list: List,
    /// Schools in the list in the base run.
    pub base: usize,
    /// Schools in the list in the alternative run (`base + entered − left`).
    pub alternative: usize,
    /// In the alternative's list, not in the base's; by school id.
    pub entered: Vec<String>,
    /// In the base's list, not in the alternative's; by school id.
    pub left: Vec<String>,
}

/// One alternative reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    /// Stable id: `social_rule`, `pools`, `band_share_20`, `band_share_25`, `band_share_30`,
    /// `mean_weighting`, `regional_means`.
    pub id: String,
    /// What the alternative reads differently, in Russian.
    pub label: String,
    /// The parameters of the alternative run; `None` when it is not applicable.
    pub params: Option<Params>,
    /// Why the alternative was not run, in Russian; `None` when it was run.
    pub not_applicable: Option<String>,
    /// One per list, in [`List::ALL`] order; empty when the alternative was not run.
    pub changes: Vec<ListChange>,
}

impl Alternative {
    pub fn was_run(&self) -> bool {
        self.not_applicable.is_none()
    }

    pub fn change(&self, list: List) -> Option<&ListChange> {
        self.changes.iter().find(|c| c.list == list)
    }
}

/// A ШНРО of the base run and in how many of the alternatives run it stays ШНРО.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LowStay {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
    /// Alternatives (of those run) in which the school is ШНРО too.
    pub stays_in: usize,
}

/// How robust the lists are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Robustness {
    /// The lists' sizes in the base run.
    pub base_counts: ListCounts,
    /// Every alternative, in [`alternatives`] order, the ones not applicable included.
    pub alternatives: Vec<Alternative>,
    /// How many alternatives were run.
    pub alternatives_run: usize,
    /// «Устойчивые ШНРО»: ШНРО in the base and in every alternative run; by school id.
    pub robust_low: Vec<String>,
    /// Every ШНРО of the base, by school id, with the number of alternatives it stays in.
    pub low_stays: Vec<LowStay>,
}

/// The alternatives to `base`, in a fixed order, not yet run (`changes` empty). Those that do
/// not apply carry the reason and no parameters.
pub fn alternatives(base: &Params) -> Vec<Alternative> {
    let mut out = Vec::new();
    let mut push = |id: &str, label: String, alt: Result<Params, String>| {
        let (params, not_applicable) = match alt {
            Ok(p) if p == *base => (None, Some("совпадает с базовым прочтением".to_string())),
            Ok(p) => (Some(p), None),
            Err(reason) => (None, Some(reason)),
        };
        out.push(Alternative {
            id: id.into(),
            label,
            params,
            not_applicable,
            changes: Vec::new(),
        });
    };

    // The ШНСУ rule.
    let (m, w) = (base.social_min_years, base.window_len());
    let (rule, label) = match base.social_rule {
        SocialRule::AtLeast => (
            SocialRule::LastOrAll,
            if m == 1 {
                format!("ШНСУ: последний год или все {w}")
            } else {
                format!("ШНСУ: {m} последних {} или все {w}", years_word(m))
            },
        ),
        SocialRule::LastOrAll => (
            SocialRule::AtLeast,
            format!(
                "ШНСУ: не менее {m} {} из {w}",
                crate::domain::common::format::plural(m, "года", "лет", "лет")
            ),
        ),
    };
    push(
        "social_rule",
        label,
        Ok(Params {
            social_rule: rule,
            ..base.clone()
        }),
    );

    // Basic and evening schools joined or apart.
    let joined = base.basic_and_evening_joined();
    let label = if joined {
        "Основные и вечерние — отдельно"
    } else {
        "Основные и вечерние — вместе"
    };
    let pools = if base.pool_of(SchoolType::Basic).is_none()
        || base.pool_of(SchoolType::Evening).is_none()
    {
        Err("основные или вечерние школы не участвуют в идентификации".to_string())
    } else {
        let mut p = base.clone();
        p.set_basic_and_evening_joined(!joined);
        Ok(p)
    };
    push("pools", label.into(), pools);

    // The band share.
    for percent in [20u32, 25, 30] {
        let share = f64::from(percent) / 100.0;
        if (base.band_share - share).abs() < 1e-9 {
            continue;
        }
        push(
            &format!("band_share_{percent}"),
            format!("Доля группы {percent} %"),
            Ok(Params {
                band_share: share,
                ..base.clone()
            }),
        );
    }

    // How computed regional means weigh the schools.
    let (weighting, label) = match base.mean_weighting {
        MeanWeighting::Participants => (
            MeanWeighting::Equal,
            "Средние без взвешивания по числу участников",
        ),
        MeanWeighting::Equal => (
            MeanWeighting::Participants,
            "Средние, взвешенные по числу участников",
        ),
    };
    push(
        "mean_weighting",
        label.into(),
        Ok(Params {
            mean_weighting: weighting,
            ..base.clone()
        }),
    );

    // Official regional means or computed ones.
    let computed = if base.regional_means.is_empty() {
        Err("официальные средние не заданы".to_string())
    } else {
        Ok(Params {
            regional_means: Default::default(),
            ..base.clone()
        })
    };
    push(
        "regional_means",
        "Вычисленные средние вместо официальных".into(),
        computed,
    );
    out
}

/// «2 года», «5 лет» (nominative after a number).
fn years_word(n: usize) -> &'static str {
    crate::domain::common::format::plural(n, "год", "года", "лет")
}

/// The three lists of one run, by school id.
type Lists<'a> = [BTreeSet<&'a str>; 3];

/// The base run's intermediate results that alternatives may share.
struct Shared<'a> {
    frame: Frame<'a>,
    results_index: Vec<Option<f64>>,
    social_index: Vec<Option<f64>>,
}

/// Whether the frame (window, schools, exclusions, pools: what [`eligibility::frame`] reads)
/// is the same under both parameter sets.
fn same_frame(a: &Params, b: &Params) -> bool {
    a.years == b.years
        && a.window == b.window
        && a.excluded_types == b.excluded_types
        && a.pools == b.pools
}

/// Whether the indices are the same on the same frame (what [`indices::ranges_and_means`]
/// reads).
fn same_indices(a: &Params, b: &Params) -> bool {
    a.gap_thresholds == b.gap_thresholds
        && a.regional_means == b.regional_means
        && a.mean_weighting == b.mean_weighting
}

/// Stage 2 on a frame: the results and social index of every entry.
fn indices_of(frame: &Frame, params: &Params) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
    let method = method::method();
    let (ranges, means) = indices::ranges_and_means(frame, method, params);
    let (_, results_index, social_index) = indices::score(frame, method, &ranges, &means);
    (results_index, social_index)
}

/// Stages 3–4 on indices: the lists.
fn lists_of<'a>(
    frame: &Frame<'a>,
    results_index: Vec<Option<f64>>,
    social_index: Vec<Option<f64>>,
    params: &Params,
) -> Lists<'a> {
    let indexed = bands::index_and_band(frame, results_index, social_index, params);
    let cats = categories::categorise(frame, &indexed, params);
    let mut lists: Lists = Default::default();
    for (si, school) in frame.schools.iter().enumerate() {
        // Excluded schools have no category.
        if school.pool.is_none() {
            continue;
        }
        match cats.results[si] {
            ResultsCategory::Low => lists[0].insert(school.id),
            ResultsCategory::Risk => lists[1].insert(school.id),
            _ => false,
        };
        if cats.social[si] == SocialCategory::Unfavourable {
            lists[2].insert(school.id);
        }
    }
    lists
}

/// The lists of one alternative, sharing with the base what it does not change.
fn alternative_lists<'a>(
    rows: &'a [Row],
    base: &Params,
    shared: &Shared<'a>,
    params: &Params,
) -> Result<Lists<'a>, IdentifyError> {
    params.validate().map_err(IdentifyError::Params)?;
    if !same_frame(base, params) {
        let frame = eligibility::frame(rows, params)?;
        let (r, s) = indices_of(&frame, params);
        return Ok(lists_of(&frame, r, s, params));
    }
    let (r, s) = if same_indices(base, params) {
        (shared.results_index.clone(), shared.social_index.clone())
    } else {
        indices_of(&shared.frame, params)
    };
    Ok(lists_of(&shared.frame, r, s, params))
}

/// Runs the base and every applicable alternative on the same rows and compares the lists.
///
/// Deterministic and independent of the order of `rows` (as [`super::identify`] is).
pub fn robustness(rows: &[Row], base: &Params) -> Result<Robustness, IdentifyError> {
    base.validate().map_err(IdentifyError::Params)?;
    let frame = eligibility::frame(rows, base)?;
    let (results_index, social_index) = indices_of(&frame, base);
    let shared = Shared {
        frame,
        results_index,
        social_index,
    };
    let base_lists = lists_of(
        &shared.frame,
        shared.results_index.clone(),
        shared.social_index.clone(),
        base,
    );

    let mut alternatives = alternatives(base);
    let mut stays: Vec<usize> = vec![0; base_lists[0].len()];
    let mut run = 0;
    for alt in &mut alternatives {
        let Some(params) = &alt.params else { continue };
        let lists = alternative_lists(rows, base, &shared, params)?;
        run += 1;
        for (k, id) in base_lists[0].iter().enumerate() {
            if lists[0].contains(id) {
                stays[k] += 1;
            }
        }
        alt.changes = List::ALL
            .iter()
            .zip(base_lists.iter().zip(&lists))
            .map(|(&list, (b, a))| ListChange {
                list,
                base: b.len(),
                alternative: a.len(),
                entered: a.difference(b).map(|s| s.to_string()).collect(),
                left: b.difference(a).map(|s| s.to_string()).collect(),
            })
            .collect();
    }

    let low_stays: Vec<LowStay> = base_lists[0]
        .iter()
        .zip(&stays)
        .map(|(id, &stays_in)| {
            let school = shared
                .frame
                .schools
                .binary_search_by(|s| s.id.cmp(id))
                .ok()
                .map(|i| &shared.frame.schools[i]);
            LowStay {
                school_id: id.to_string(),
                school_name: school.map_or("", |s| s.name).to_string(),
                municipality: school.map_or("", |s| s.municipality).to_string(),
                stays_in,
            }
        })
        .collect();
    let robust_low = low_stays
        .iter()
        .filter(|s| s.stays_in == run)
        .map(|s| s.school_id.clone())
        .collect();
    Ok(Robustness {
        base_counts: ListCounts {
            low: base_lists[0].len(),
            risk: base_lists[1].len(),
            unfavourable: base_lists[2].len(),
        },
        alternatives,
        alternatives_run: run,
        robust_low,
        low_stays,
    })
}

/// A cell of the robustness tables.
enum Cell {
    Text(String),
    Count(usize),
}

/// A table with a Russian header, for CSV and the workbook alike.
fn table(header: &[&str], rows: Vec<Vec<Cell>>) -> Table {
    let mut w = TableWriter::new();
    for h in header {
        w.text(h);
    }
    w.end_line();
    for row in rows {
        for cell in row {
            match cell {
                Cell::Text(t) => w.text(&t),
                Cell::Count(n) => w.number(Some(n as f64)),
            };
        }
        w.end_line();
    }
    w.finish()
}

/// The comparison table: one line per alternative × list, and one line with the reason for an
/// alternative that was not run.
pub fn robustness_table(r: &Robustness) -> Table {
    let mut rows = Vec::new();
    for alt in &r.alternatives {
        if let Some(reason) = &alt.not_applicable {
            rows.push(vec![
                Cell::Text(alt.label.clone()),
                Cell::Text(String::new()),
                Cell::Text(String::new()),
                Cell::Text(String::new()),
                Cell::Text(String::new()),
                Cell::Text(String::new()),
                Cell::Text(format!("не рассчитывалась: {reason}")),
            ]);
            continue;
        }
        for c in &alt.changes {
            rows.push(vec![
                Cell::Text(alt.label.clone()),
                Cell::Text(c.list.label().to_string()),
                Cell::Count(c.base),
                Cell::Count(c.alternative),
                Cell::Count(c.entered.len()),
                Cell::Count(c.left.len()),
                Cell::Text(String::new()),
            ]);
        }
    }
    table(
        &[
            "Альтернатива",
            "Категория",
            "В базовом прочтении",
            "В альтернативе",
            "Вошли",
            "Вышли",
            "Примечание",
        ],
        rows,
    )
}

/// Every ШНРО of the base run: the устойчивые first, then by the number of alternatives the
/// school stays in (most first), municipality and school id.
pub fn robust_low_table(r: &Robustness) -> Table {
    let mut stays: Vec<&LowStay> = r.low_stays.iter().collect();
    stays.sort_by(|a, b| {
        b.stays_in
            .cmp(&a.stays_in)
            .then_with(|| a.municipality.cmp(&b.municipality))
            .then_with(|| a.school_id.cmp(&b.school_id))
    });
    let rows = stays
        .into_iter()
        .map(|s| {
            vec![
                Cell::Text(s.municipality.clone()),
                Cell::Text(s.school_id.clone()),
                Cell::Text(s.school_name.clone()),
                Cell::Count(s.stays_in),
                Cell::Count(r.alternatives_run),
                Cell::Text(
                    if s.stays_in == r.alternatives_run {
                        "да"
                    } else {
                        "нет"
                    }
                    .to_string(),
                ),
            ]
        })
        .collect();
    table(
        &[
            "Муниципалитет",
            "Идентификатор школы",
            "Школа",
            "Остаётся ШНРО в альтернативах",
            "Всего альтернатив",
            "Устойчивая ШНРО",
        ],
        rows,
    )
}

/// [`robustness_table`] as CSV for Excel.
pub fn robustness_csv(r: &Robustness) -> String {
    robustness_table(r).to_csv()
}

/// [`robust_low_table`] as CSV for Excel.
pub fn robust_low_csv(r: &Robustness) -> String {
    robust_low_table(r).to_csv()
}

#[cfg(test)]
mod tests;
