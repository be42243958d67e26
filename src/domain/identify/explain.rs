//! Stage 5: for each school and year, the results components that pulled the index down most:
//! those below the school's own index, weakest first (ties in method order).

use super::bands::Indexed;
use super::indices::Scored;
use super::output::{ComponentList, MAX_COMPONENTS};
use super::Params;

/// The weakest components of entry `e`.
pub fn weakest(scored: &Scored, indexed: &Indexed, params: &Params, e: usize) -> ComponentList {
    let mut out = ComponentList::default();
    let Some(index) = indexed.results_index[e] else {
        return out;
    };
    let values = scored.results_of(e);
    let mut below = [(0usize, 0.0f64); MAX_COMPONENTS];
    let mut n = 0;
    for (c, &v) in values.iter().enumerate() {
        if v < index {
            below[n] = (c, v);
            n += 1;
        }
    }
    let below = &mut below[..n];
    below.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    for &(c, _) in below.iter().take(params.weakest_max) {
        out.push(c);
    }
    out
}
