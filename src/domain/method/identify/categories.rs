//! Stage 4: the rules over the window of years.
//!
//! A year in which a school has no index counts as a year outside every band; a school that
//! has such a year and meets none of the rules is «недостаточно данных».

use super::bands::Indexed;
use super::eligibility::Frame;
use super::output::{ResultsBand, ResultsCategory, SocialBand, SocialCategory};
use super::{Params, SocialRule};

/// Categories per school of the frame (meaningless for excluded schools).
pub struct Categories {
    pub results: Vec<ResultsCategory>,
    pub social: Vec<SocialCategory>,
}

pub fn categorise(frame: &Frame, indexed: &Indexed, params: &Params) -> Categories {
    let w = frame.years.len();
    let mut results = Vec::with_capacity(frame.schools.len());
    let mut social = Vec::with_capacity(frame.schools.len());
    let (mut r, mut s) = (vec![None; w], vec![None; w]);
    for school in 0..frame.schools.len() {
        r.fill(None);
        s.fill(None);
        for e in frame.by_school.of(school) {
            let slot = frame.entries[e].slot;
            r[slot] = indexed.results_band[e];
            s[slot] = indexed.social_band[e];
        }
        results.push(results_category(&r, params.risk_years));
        social.push(social_category(
            &s,
            params.social_rule,
            params.social_min_years,
        ));
    }
    Categories { results, social }
}

/// ШНРО: low in every year; «группа риска»: low in the last `risk_years` years but not ШНРО;
/// стабильно высокие: high in every year. Slots are the window's years, oldest first.
pub fn results_category(slots: &[Option<ResultsBand>], risk_years: usize) -> ResultsCategory {
    let all = |b: ResultsBand| !slots.is_empty() && slots.iter().all(|s| *s == Some(b));
    let last = slots.len().saturating_sub(risk_years);
    if all(ResultsBand::Low) {
        ResultsCategory::Low
    } else if risk_years <= slots.len()
        && slots[last..].iter().all(|s| *s == Some(ResultsBand::Low))
    {
        ResultsCategory::Risk
    } else if all(ResultsBand::High) {
        ResultsCategory::High
    } else if slots.iter().any(Option::is_none) {
        ResultsCategory::Insufficient
    } else {
        ResultsCategory::Middle
    }
}

/// ШНСУ / favourable by `rule` with `min_years` (default: in the band in at least 2 of 3 years).
pub fn social_category(
    slots: &[Option<SocialBand>],
    rule: SocialRule,
    min_years: usize,
) -> SocialCategory {
    let meets = |b: SocialBand| {
        let hits = slots.iter().filter(|s| **s == Some(b)).count();
        match rule {
            SocialRule::AtLeast => hits >= min_years,
            SocialRule::LastOrAll => {
                let last = slots.len().saturating_sub(min_years);
                (min_years <= slots.len() && slots[last..].iter().all(|s| *s == Some(b)))
                    || (!slots.is_empty() && hits == slots.len())
            }
        }
    };
    if meets(SocialBand::Unfavourable) {
        SocialCategory::Unfavourable
    } else if meets(SocialBand::Favourable) {
        SocialCategory::Favourable
    } else if slots.iter().any(Option::is_none) {
        SocialCategory::Insufficient
    } else {
        SocialCategory::Neutral
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ResultsBand::{High as H, Low as L, Middle as M};
    use SocialBand::{Favourable as F, Neutral as N, Unfavourable as U};

    #[test]
    fn results_rules() {
        let cases: &[(&[Option<ResultsBand>], ResultsCategory)] = &[
            (&[Some(L), Some(L), Some(L)], ResultsCategory::Low),
            (&[Some(M), Some(L), Some(L)], ResultsCategory::Risk),
            (&[None, Some(L), Some(L)], ResultsCategory::Risk),
            (&[Some(L), Some(M), Some(L)], ResultsCategory::Middle),
            (&[Some(L), Some(L), Some(M)], ResultsCategory::Middle),
            (&[Some(H), Some(H), Some(H)], ResultsCategory::High),
            (&[Some(H), None, Some(H)], ResultsCategory::Insufficient),
            (&[Some(L), Some(L), None], ResultsCategory::Insufficient),
            (&[None, None, None], ResultsCategory::Insufficient),
            (&[Some(M), Some(H), Some(M)], ResultsCategory::Middle),
        ];
        for (slots, expected) in cases {
            assert_eq!(results_category(slots, 2), *expected, "{slots:?}");
        }
    }

    #[test]
    fn social_rules_both_readings() {
        let cases: &[(&[Option<SocialBand>], SocialCategory, SocialCategory)] = &[
            // (slots, at least 2 of 3, last 2 or all 3)
            (
                &[Some(U), Some(U), Some(N)],
                SocialCategory::Unfavourable,
                SocialCategory::Neutral,
            ),
            (
                &[Some(U), Some(N), Some(U)],
                SocialCategory::Unfavourable,
                SocialCategory::Neutral,
            ),
            (
                &[Some(N), Some(U), Some(U)],
                SocialCategory::Unfavourable,
                SocialCategory::Unfavourable,
            ),
            (
                &[Some(U), Some(U), Some(U)],
                SocialCategory::Unfavourable,
                SocialCategory::Unfavourable,
            ),
            (
                &[Some(F), Some(N), Some(F)],
                SocialCategory::Favourable,
                SocialCategory::Neutral,
            ),
            (
                &[Some(U), Some(N), Some(F)],
                SocialCategory::Neutral,
                SocialCategory::Neutral,
            ),
            (
                &[Some(U), None, Some(N)],
                SocialCategory::Insufficient,
                SocialCategory::Insufficient,
            ),
            (
                &[None, Some(U), Some(U)],
                SocialCategory::Unfavourable,
                SocialCategory::Unfavourable,
            ),
        ];
        for (slots, at_least, last_or_all) in cases {
            assert_eq!(
                social_category(slots, SocialRule::AtLeast, 2),
                *at_least,
                "at least: {slots:?}"
            );
            assert_eq!(
                social_category(slots, SocialRule::LastOrAll, 2),
                *last_or_all,
                "last or all: {slots:?}"
            );
        }
    }
}
