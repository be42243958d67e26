//! Stage 5: for each school and year, the results components that pulled the index down most:
//! those below the school's own index, weakest first (ties in method order).

use super::components::Scored;
use super::eligibility::Frame;
use super::indices::Indexed;
use super::method::Method;
use super::Params;

pub fn weakest(frame: &Frame, scored: &Scored, indexed: &Indexed, method: &Method, params: &Params) -> Vec<Vec<String>> {
    (0..frame.entries.len())
        .map(|e| {
            let Some(index) = indexed.results_index[e] else {
                return Vec::new();
            };
            let mut below: Vec<(usize, f64)> =
                (0..scored.n_results).filter_map(|c| scored.result(e, c).map(|v| (c, v))).filter(|(_, v)| *v < index).collect();
            below.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            below.into_iter().take(params.weakest_max).map(|(c, _)| method.results[c].id.clone()).collect()
        })
        .collect()
}
