//! Stage 5: for each school and year, the results components that pulled the index down most:
//! those below the school's own index **and** below the middle of its pool-year, weakest first
//! (ties in method order).
//!
//! «Below the middle» is the same question the school's own placement asks
//! ([`crate::domain::method::placement::VariantPlacement::below_middle`]): for a min–max
//! component, a value below the median of that component over the schools of the pool-year
//! that have it (so at least half of them do better); for a gap component, a value below 1
//! (some variant is flagged below the regional mean). A component below the school's own
//! index where the school still does better than most of its group did not lower the index
//! against the group, and is not named: the best school of a pool has nothing listed.

use super::bands::Indexed;
use super::eligibility::Frame;
use super::indices::Scored;
use super::method::{Method, Rule};
use super::output::{ComponentList, MAX_COMPONENTS};
use super::Params;
use crate::domain::method::stats::median;

/// Per pool-year of the frame and results component: the value a component must be below to
/// count as below the group's middle (`middle[group * n + c]`); NaN where nobody has it.
pub struct Middles {
    n: usize,
    middle: Vec<f64>,
}

impl Middles {
    /// The middles of every pool-year: medians of the min–max components, 1 for the gap
    /// components. One sort per pool-year and component: O(n log n) in all.
    pub fn of(frame: &Frame, scored: &Scored, method: &Method) -> Middles {
        let n = scored.n_results;
        let mut middle = vec![f64::NAN; frame.groups.len() * n];
        let mut values: Vec<f64> = Vec::new();
        for (g, group) in frame.groups.iter().enumerate() {
            for (c, component) in method.results.iter().enumerate().take(n) {
                middle[g * n + c] = if component.rule == Rule::Gap {
                    1.0
                } else {
                    values.clear();
                    values.extend(
                        (group.start..group.end)
                            .map(|e| scored.results_of(e)[c])
                            .filter(|v| v.is_finite()),
                    );
                    values.sort_unstable_by(f64::total_cmp);
                    median(&values).unwrap_or(f64::NAN)
                };
            }
        }
        Middles { n, middle }
    }

    fn of_group(&self, group: usize) -> &[f64] {
        &self.middle[group * self.n..(group + 1) * self.n]
    }
}

/// The weakest components of entry `e`: below its index and below its pool-year's middle.
pub fn weakest(
    frame: &Frame,
    scored: &Scored,
    indexed: &Indexed,
    middles: &Middles,
    params: &Params,
    e: usize,
) -> ComponentList {
    let values = scored.results_of(e);
    let middle = middles.of_group(frame.entries[e].group);
    let below: Vec<f64> = values
        .iter()
        .zip(middle)
        .map(|(&v, &m)| if v < m { v } else { f64::NAN })
        .collect();
    weakest_of(&below, indexed.results_index[e], params.weakest_max)
}

/// The weakest of a school-year's results components (`values` in method order, NaN where
/// absent) against its results index: those strictly below the index, weakest first, ties in
/// method order, at most `max`. Empty without an index.
///
/// Example: components [0.2, NaN, 0.9, 0.2, 0.5], index 0.45, max 3 → [0, 3].
pub fn weakest_of(values: &[f64], index: Option<f64>, max: usize) -> ComponentList {
    let mut out = ComponentList::default();
    let Some(index) = index else {
        return out;
    };
    let mut below = [(0usize, 0.0f64); MAX_COMPONENTS];
    let mut n = 0;
    for (c, &v) in values.iter().enumerate().take(MAX_COMPONENTS) {
        if v < index {
            below[n] = (c, v);
            n += 1;
        }
    }
    let below = &mut below[..n];
    below.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    for &(c, _) in below.iter().take(max) {
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weakest_are_below_the_index_weakest_first() {
        let nan = f64::NAN;
        let w = weakest_of(&[0.2, nan, 0.9, 0.2, 0.5], Some(0.45), 3);
        let ids: Vec<&str> = w.ids().collect();
        let table = &super::super::method::method().results;
        assert_eq!(ids, vec![table[0].id.as_str(), table[3].id.as_str()]);
        assert!(weakest_of(&[0.2], None, 3).is_empty());
        assert_eq!(weakest_of(&[0.1, 0.2, 0.3, 0.0], Some(1.0), 2).len(), 2);
    }
}
