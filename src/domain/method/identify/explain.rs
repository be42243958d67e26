//! Stage 5: for each school and year, the results components that pulled the index down most:
//! those below the school's own index, weakest first (ties in method order).

use super::bands::Indexed;
use super::indices::Scored;
use super::output::{ComponentList, MAX_COMPONENTS};
use super::Params;

/// The weakest components of entry `e`.
pub fn weakest(scored: &Scored, indexed: &Indexed, params: &Params, e: usize) -> ComponentList {
    weakest_of(
        scored.results_of(e),
        indexed.results_index[e],
        params.weakest_max,
    )
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
