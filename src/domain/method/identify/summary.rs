//! Stage 7: how many schools each rule flags, and what share of the assessed schools that
//! is, overall and per municipality.

use super::output::{Counts, ResultsCategory, SchoolResult, SocialCategory, Summary, Tally};
use std::collections::BTreeMap;

pub fn summarise(schools: &[SchoolResult]) -> Summary {
    let mut by_muni: BTreeMap<&str, Vec<&SchoolResult>> = BTreeMap::new();
    for s in schools {
        by_muni.entry(&s.municipality).or_default().push(s);
    }
    Summary {
        overall: count(schools.iter()),
        municipalities: by_muni
            .into_iter()
            .map(|(m, list)| (m.to_string(), count(list.into_iter())))
            .collect(),
    }
}

fn count<'a>(schools: impl Iterator<Item = &'a SchoolResult>) -> Counts {
    let mut c = Counts::default();
    for cat in ResultsCategory::ALL {
        c.results.insert(cat, Tally::default());
    }
    for cat in SocialCategory::ALL {
        c.social.insert(cat, Tally::default());
    }
    for s in schools {
        c.schools += 1;
        if s.excluded.is_some() {
            c.excluded += 1;
            continue;
        }
        c.assessed += 1;
        if let Some(r) = s.results_category {
            c.results.entry(r).or_default().count += 1;
        }
        if let Some(r) = s.social_category {
            c.social.entry(r).or_default().count += 1;
        }
        if s.resilient {
            c.resilient.count += 1;
        }
        if s.context_resilient {
            c.context_resilient.count += 1;
        }
        if s.results_category == Some(ResultsCategory::Low)
            && s.social_category == Some(SocialCategory::Unfavourable)
        {
            c.low_and_unfavourable.count += 1;
        }
    }
    let n = c.assessed;
    let share = |t: &mut Tally| {
        t.share = if n == 0 {
            0.0
        } else {
            t.count as f64 / n as f64
        }
    };
    c.results.values_mut().for_each(share);
    c.social.values_mut().for_each(share);
    share(&mut c.resilient);
    share(&mut c.low_and_unfavourable);
    share(&mut c.context_resilient);
    c
}
