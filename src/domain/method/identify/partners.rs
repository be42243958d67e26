//! Stage 6: partner schools and resilient schools.
//!
//! The seed pairs ШНРО with schools that show high results in similar conditions. For each
//! ШНРО and «группа риска» school, up to `partners_max` schools of the same pool are suggested:
//! stably high schools first, then schools high in the latest year of the window; within
//! each of these two tiers, schools of the same municipality first, then the nearest social
//! index (latest year in which both have one), then school id. So a stably high school in
//! another municipality comes before a school of the same municipality that is high only in
//! the latest year. A school with high results in unfavourable conditions is
//! «резильентная».
//!
//! The rule itself — who can be a partner ([`PartnerTier::of`]), how far apart two schools'
//! social conditions are ([`social_distance`]) and in which order candidates come
//! ([`rule_order`]) — is written here once: [`suggest`] applies it to every ШНРО and «группа
//! риска» school of a run (with indexes, so that a national run stays fast), and the support
//! project's candidate list (`domain::support::candidates`) applies it to any school of a
//! stored run.

use super::bands::Indexed;
use super::categories::Categories;
use super::eligibility::Frame;
use super::output::{ResultsBand, ResultsCategory, SocialCategory};
use super::Params;
use crate::domain::method::stats::rank_key;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Why a school can be a partner: the rule's two tiers, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerTier {
    /// Стабильно высокие результаты over the window (results category «high»).
    StablyHigh,
    /// High results (the top band) in the latest year of the window.
    HighLatest,
}

impl PartnerTier {
    /// The tier of a school that is stably high over the window, or in the top band in the
    /// window's latest year; `None` for a school that cannot be a partner.
    pub fn of(stably_high: bool, high_in_latest_year: bool) -> Option<PartnerTier> {
        if stably_high {
            Some(PartnerTier::StablyHigh)
        } else if high_in_latest_year {
            Some(PartnerTier::HighLatest)
        } else {
            None
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PartnerTier::StablyHigh => "стабильно высокие результаты",
            PartnerTier::HighLatest => "высокие результаты в последний год",
        }
    }

    fn index(self) -> usize {
        match self {
            PartnerTier::StablyHigh => 0,
            PartnerTier::HighLatest => 1,
        }
    }
}

/// How far apart two schools' social conditions are: the difference of their latest social
/// indices in the window, rounded as the indices are for ranking ([`rank_key`]), so that
/// arithmetic noise does not decide between two schools at the same distance; `None` when
/// either has no index.
pub fn social_distance(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(rank_key((a? - b?).abs()))
}

/// A candidate partner as the rule compares candidates for one school.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleKey {
    pub tier: PartnerTier,
    /// In another municipality than the school's.
    pub elsewhere: bool,
    /// [`social_distance`] to the school.
    pub distance: Option<f64>,
    /// The candidate's place in the run's school order (which is the order of school ids).
    pub school: usize,
}

/// The rule's order: stably high first; within a tier the same municipality first, then the
/// nearest social conditions (a candidate without an index after those with one), then the
/// school id.
pub fn rule_order(a: &RuleKey, b: &RuleKey) -> Ordering {
    a.tier
        .cmp(&b.tier)
        .then(a.elsewhere.cmp(&b.elsewhere))
        .then(
            a.distance
                .unwrap_or(f64::INFINITY)
                .total_cmp(&b.distance.unwrap_or(f64::INFINITY)),
        )
        .then(a.school.cmp(&b.school))
}

pub struct Partners {
    pub partners: Vec<Vec<String>>,
    pub resilient: Vec<bool>,
}

#[derive(Clone, Copy)]
struct Candidate {
    school: usize,
    tier: PartnerTier,
    social: Option<f64>,
}

/// Candidates of one pool, indexed for nearest-neighbour look-ups.
struct PoolCandidates<'f> {
    all: Vec<Candidate>,
    by_municipality: HashMap<&'f str, Vec<usize>>,
    /// Per tier: candidates with a social index, sorted by it (then by school id).
    by_social: [Vec<usize>; 2],
    /// Per tier: all candidates sorted by school id.
    by_id: [Vec<usize>; 2],
}

pub fn suggest(frame: &Frame, indexed: &Indexed, cats: &Categories, params: &Params) -> Partners {
    let n = frame.schools.len();
    let last_slot = frame.years.len().saturating_sub(1);
    // The latest social index of each school in the window, and its band in the latest year.
    let mut social_ref = vec![None; n];
    let mut high_latest = vec![false; n];
    for si in 0..n {
        for e in frame.by_school.of(si) {
            if let Some(v) = indexed.social_index[e] {
                social_ref[si] = Some(v);
            }
            if frame.entries[e].slot == last_slot
                && indexed.results_band[e] == Some(ResultsBand::High)
            {
                high_latest[si] = true;
            }
        }
    }

    let mut pools: Vec<PoolCandidates> = (0..params.pools.len())
        .map(|_| PoolCandidates {
            all: Vec::new(),
            by_municipality: HashMap::new(),
            by_social: [Vec::new(), Vec::new()],
            by_id: [Vec::new(), Vec::new()],
        })
        .collect();
    for (si, school) in frame.schools.iter().enumerate() {
        let Some(p) = school.pool else { continue };
        let Some(tier) =
            PartnerTier::of(cats.results[si] == ResultsCategory::High, high_latest[si])
        else {
            continue;
        };
        let pc = &mut pools[p];
        let k = pc.all.len();
        pc.all.push(Candidate {
            school: si,
            tier,
            social: social_ref[si],
        });
        pc.by_municipality
            .entry(school.municipality)
            .or_default()
            .push(k);
        if social_ref[si].is_some() {
            pc.by_social[tier.index()].push(k);
        }
        pc.by_id[tier.index()].push(k); // schools are already sorted by id
    }
    for pc in &mut pools {
        let all = &pc.all;
        for list in &mut pc.by_social {
            list.sort_by(|&a, &b| {
                all[a]
                    .social
                    .unwrap()
                    .total_cmp(&all[b].social.unwrap())
                    .then(all[a].school.cmp(&all[b].school))
            });
        }
    }

    let mut partners = vec![Vec::new(); n];
    let mut resilient = vec![false; n];
    for (si, school) in frame.schools.iter().enumerate() {
        let Some(p) = school.pool else { continue };
        resilient[si] = cats.results[si] == ResultsCategory::High
            && cats.social[si] == SocialCategory::Unfavourable;
        if !matches!(
            cats.results[si],
            ResultsCategory::Low | ResultsCategory::Risk
        ) || params.partners_max == 0
        {
            continue;
        }
        let pc = &pools[p];
        let me = social_ref[si];
        // Tier by tier (stably high, then high in the latest year); within a tier the same
        // municipality first, in the rule's order, then the nearest elsewhere (the same
        // order, found through the pool's sorted indices). School indices follow school ids,
        // so comparing indices compares ids.
        let key = |c: &Candidate| RuleKey {
            tier: c.tier,
            elsewhere: false,
            distance: social_distance(me, c.social),
            school: c.school,
        };
        let local = pc
            .by_municipality
            .get(school.municipality)
            .map(Vec::as_slice)
            .unwrap_or_default();
        // Capacities are bounded by the candidates: `partners_max` comes from a file and may
        // be anything (4294967296 asked for 32 GB).
        let mut chosen: Vec<usize> = Vec::with_capacity(params.partners_max.min(pc.all.len()));
        for tier in [PartnerTier::StablyHigh, PartnerTier::HighLatest] {
            if chosen.len() >= params.partners_max {
                break;
            }
            let need = params.partners_max - chosen.len();
            let mut best: Vec<RuleKey> = Vec::with_capacity(need.min(local.len()) + 1);
            for &k in local {
                let c = &pc.all[k];
                if c.school == si || c.tier != tier {
                    continue;
                }
                let kc = key(c);
                if best.len() < need || rule_order(&kc, best.last().expect("full")).is_lt() {
                    let at = best.partition_point(|b| rule_order(b, &kc).is_lt());
                    best.insert(at, kc);
                    best.truncate(need);
                }
            }
            chosen.extend(best.iter().map(|b| b.school));
            let need = params.partners_max - chosen.len();
            if need > 0 {
                chosen.extend(nearest_elsewhere(
                    frame,
                    pc,
                    tier.index(),
                    me,
                    school.municipality,
                    need,
                ));
            }
        }
        partners[si] = chosen
            .into_iter()
            .map(|s| frame.schools[s].id.to_string())
            .collect();
    }
    Partners {
        partners,
        resilient,
    }
}

/// The `need` candidates of `tier` outside `municipality` nearest to social index `me`
/// (ties by school id), then those without a social index, by id.
fn nearest_elsewhere(
    frame: &Frame,
    pc: &PoolCandidates,
    tier: usize,
    me: Option<f64>,
    municipality: &str,
    need: usize,
) -> Vec<usize> {
    let elsewhere = |k: usize| frame.schools[pc.all[k].school].municipality != municipality;
    let Some(x) = me else {
        // Every distance is unknown: by school id.
        return pc.by_id[tier]
            .iter()
            .copied()
            .filter(|&k| elsewhere(k))
            .take(need)
            .map(|k| pc.all[k].school)
            .collect();
    };
    let list = &pc.by_social[tier];
    let social = |k: usize| pc.all[k].social.expect("sorted list holds indexed schools");
    let pos = list.partition_point(|&k| social(k) < x);
    let (mut down, mut up) = (pos, pos); // next below is list[down - 1], next above is list[up]
    let mut picked: Vec<(f64, usize)> = Vec::new();
    loop {
        let d_down = (down > 0)
            .then(|| social_distance(Some(x), Some(social(list[down - 1]))))
            .flatten();
        let d_up = (up < list.len())
            .then(|| social_distance(Some(x), Some(social(list[up]))))
            .flatten();
        let (d, k) = match (d_down, d_up) {
            (Some(a), Some(b)) if a <= b => {
                down -= 1;
                (a, list[down])
            }
            (Some(a), None) => {
                down -= 1;
                (a, list[down])
            }
            (_, Some(b)) => {
                up += 1;
                (b, list[up - 1])
            }
            (None, None) => break,
        };
        // Stop once enough are picked and this one is farther than the farthest picked
        // (candidates at an equal distance are all considered, so that ties go by id).
        if picked.len() >= need && picked.last().is_some_and(|(last, _)| d > *last) {
            break;
        }
        if elsewhere(k) {
            picked.push((d, k));
        }
    }
    picked.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(pc.all[a.1].school.cmp(&pc.all[b.1].school))
    });
    let mut out: Vec<usize> = picked
        .into_iter()
        .take(need)
        .map(|(_, k)| pc.all[k].school)
        .collect();
    if out.len() < need {
        let rest = pc.by_id[tier]
            .iter()
            .copied()
            .filter(|&k| pc.all[k].social.is_none() && elsewhere(k));
        out.extend(rest.take(need - out.len()).map(|k| pc.all[k].school));
    }
    out
}
