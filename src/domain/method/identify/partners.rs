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

use super::bands::Indexed;
use super::categories::Categories;
use super::eligibility::Frame;
use super::output::{ResultsBand, ResultsCategory, SocialCategory};
use super::Params;
use crate::domain::method::stats::rank_key;
use std::collections::HashMap;

pub struct Partners {
    pub partners: Vec<Vec<String>>,
    pub resilient: Vec<bool>,
}

#[derive(Clone, Copy)]
struct Candidate {
    school: usize,
    /// 0: stably high; 1: high in the latest year only.
    tier: u8,
    social: Option<f64>,
}

/// Social distance, rounded like the indices are for ranking, so that arithmetic noise does
/// not decide between two schools at the same distance (the school id does).
fn distance(a: Option<f64>, b: Option<f64>) -> f64 {
    match (a, b) {
        (Some(a), Some(b)) => rank_key((a - b).abs()),
        _ => f64::INFINITY,
    }
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
        let tier = if cats.results[si] == ResultsCategory::High {
            0
        } else if high_latest[si] {
            1
        } else {
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
            pc.by_social[tier as usize].push(k);
        }
        pc.by_id[tier as usize].push(k); // schools are already sorted by id
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
        // municipality first, by (social distance, id), then the nearest elsewhere.
        // School indices follow school ids, so comparing indices compares ids.
        let key = |c: &Candidate| (distance(me, c.social), c.school);
        let order = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
        let local = pc
            .by_municipality
            .get(school.municipality)
            .map(Vec::as_slice)
            .unwrap_or_default();
        // Capacities are bounded by the candidates: `partners_max` comes from a file and may
        // be anything (4294967296 asked for 32 GB).
        let mut chosen: Vec<usize> = Vec::with_capacity(params.partners_max.min(pc.all.len()));
        for tier in 0..2u8 {
            if chosen.len() >= params.partners_max {
                break;
            }
            let need = params.partners_max - chosen.len();
            let mut best: Vec<(f64, usize)> = Vec::with_capacity(need.min(local.len()) + 1);
            for &k in local {
                let c = &pc.all[k];
                if c.school == si || c.tier != tier {
                    continue;
                }
                let kc = key(c);
                if best.len() < need || order(&kc, best.last().expect("full")).is_lt() {
                    let at = best.partition_point(|b| order(b, &kc).is_lt());
                    best.insert(at, kc);
                    best.truncate(need);
                }
            }
            chosen.extend(best.iter().map(|b| b.1));
            let need = params.partners_max - chosen.len();
            if need > 0 {
                chosen.extend(nearest_elsewhere(
                    frame,
                    pc,
                    tier as usize,
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
        let d_down = (down > 0).then(|| rank_key(x - social(list[down - 1])));
        let d_up = (up < list.len()).then(|| rank_key(social(list[up]) - x));
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
