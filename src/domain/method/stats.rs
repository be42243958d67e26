//! The statistical rules of the method, each small, documented with a worked example and
//! pinned by tests against values computed by hand.

/// Number of schools in a 25 % band: `ceil(share × n)`.
///
/// Computed so that float noise cannot add a school: 0.1 × 30 is 3.0000000000000004 in
/// binary floating point, yet the band holds 3 schools, not 4.
///
/// Example: n = 10, share = 0.25 → 2.5 → 3 schools.
pub fn band_size(n: usize, share: f64) -> usize {
    if n == 0 || share <= 0.0 {
        return 0;
    }
    let exact = share * n as f64;
    let rounded = exact.round();
    let size = if (exact - rounded).abs() < 1e-9 {
        rounded
    } else {
        exact.ceil()
    };
    (size as usize).min(n)
}

/// Competition ranks ("1224"): the rank of a value is 1 + the number of values strictly
/// better than it, so tied values share the lowest rank. `ascending = true` ranks the
/// smallest value first.
///
/// Example: [0.2, 0.5, 0.2, 0.9] ascending → [1, 3, 1, 4]; descending → [3, 2, 3, 1].
pub fn competition_ranks(values: &[f64], ascending: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    let key = |i: usize| if ascending { values[i] } else { -values[i] };
    order.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
    let mut ranks = vec![0; values.len()];
    let mut rank = 1;
    for (pos, &i) in order.iter().enumerate() {
        if pos > 0 && key(order[pos - 1]) != key(i) {
            rank = pos + 1;
        }
        ranks[i] = rank;
    }
    ranks
}

/// Which values fall in the bottom and top bands of size `ceil(share × n)`.
///
/// A value is in the bottom band if its ascending competition rank is ≤ the band size, in the
/// top band if its descending rank is. A value that would fall in both (a pool of one, or all
/// values tied) is in neither: it is in the middle.
///
/// Example: [0.1, 0.2, 0.2, 0.5, 0.9], share 0.25 → size 2; ascending ranks [1,2,2,4,5] put
/// 0.1, 0.2, 0.2 at the bottom (ties at the cut are all in); descending ranks [5,3,3,2,1] put
/// 0.9, 0.5 at the top.
pub fn bands(values: &[f64], share: f64) -> Vec<Band> {
    let n = values.len();
    let size = band_size(n, share);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![Band::Middle; n];
    // Walk groups of tied values: a group starting at position `start` (0-based) and ending
    // before `end` has ascending rank start + 1 and descending rank n − end + 1.
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && values[order[end]] == values[order[start]] {
            end += 1;
        }
        let band = match (start < size, n - end < size) {
            (true, false) => Band::Bottom,
            (false, true) => Band::Top,
            _ => Band::Middle,
        };
        for &i in &order[start..end] {
            out[i] = band;
        }
        start = end;
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    Bottom,
    Middle,
    Top,
}

/// Minimum and maximum of the present values; `None` if there are none.
pub fn min_max(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Direction of an indicator's effect on its index (seed formulas 1–3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Formula 1 / 3: (x − min) / (max − min).
    Direct,
    /// Formula 2: (max − x) / (max − min).
    Inverse,
}

/// Min–max normalisation into [0, 1]; `None` when max = min (the indicator carries no
/// information in that pool-year and is dropped).
///
/// Example: x = 12, min = 0, max = 40: direct → 0.3, inverse → 0.7.
pub fn normalise(x: f64, min: f64, max: f64, direction: Direction) -> Option<f64> {
    let span = max - min;
    if span <= 0.0 {
        return None;
    }
    let v = match direction {
        Direction::Direct => (x - min) / span,
        Direction::Inverse => (max - x) / span,
    };
    Some(v.clamp(0.0, 1.0))
}

/// [`normalise`] with the reciprocal of the span precomputed (`inv = 1 / (max − min)`, with
/// max > min), for the engine's inner loop: a multiplication instead of a division per cell.
#[inline]
pub fn normalise_scaled(x: f64, min: f64, max: f64, inv: f64, direction: Direction) -> f64 {
    let v = match direction {
        Direction::Direct => (x - min) * inv,
        Direction::Inverse => (max - x) * inv,
    };
    v.clamp(0.0, 1.0)
}

/// A weighted mean accumulated in fixed point (2⁻³² per term), so that the result does not
/// depend on the order in which terms are added (floating-point addition does): the regional
/// means, and therefore the gap flags, are the same whatever the order of the input rows.
/// Terms without a positive weight are left out. Weights are participant counts — whole
/// numbers, whose floating-point sum is exact.
///
/// Example: (70, 10), (50, 30), (90, 0) → (700 + 1500) / 40 = 55.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WeightedMean {
    sum: i128,
    weight: f64,
}

impl WeightedMean {
    const ONE: f64 = 4_294_967_296.0;

    pub fn add(&mut self, value: f64, weight: f64) {
        if weight > 0.0 && value.is_finite() {
            self.sum += (value * weight * Self::ONE).round() as i128;
            self.weight += weight;
        }
    }

    /// `None` if no term had a positive weight.
    pub fn mean(&self) -> Option<f64> {
        (self.weight > 0.0).then(|| self.sum as f64 / Self::ONE / self.weight)
    }
}

/// Arithmetic mean of the present values («многомерная средняя»); `None` if there are none.
pub fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// Rounds an index to 10 decimal places before ranking, so that arithmetic noise
/// (0.1 + 0.2 ≠ 0.3) cannot split schools whose data give the same index.
pub fn rank_key(x: f64) -> f64 {
    (x * 1e10).round() / 1e10
}

/// Deciles of a sorted list by nearest rank: 11 values, `q[0]` the minimum and, for k = 1…10,
/// The median of ascending, NaN-free `sorted`: the middle value, or the mean of the two middle
/// ones; `None` for an empty list. Example: [1, 2, 4, 100] → 3.
pub fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => sorted.get(n / 2).copied(),
        _ => Some((sorted.get(n / 2 - 1)? + sorted.get(n / 2)?) / 2.0),
    }
}

/// `q[k]` the smallest value with at least k × 10 % of the values at or below it (the value at
/// position ⌈k·n/10⌉, counting from 1), so `q[10]` is the maximum. Every decile is one of the
/// values; `None` for an empty list. `sorted` must be ascending (NaN-free).
///
/// Example: [1, 2, 3, 4, 5] → [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5].
pub fn deciles(sorted: &[f64]) -> Option<Vec<f64>> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    Some(
        (0..=10usize)
            .map(|k| sorted[(k * n).div_ceil(10).max(1) - 1])
            .collect(),
    )
}

/// Whether `q` is a usable list of [`deciles`]: 11 finite values, ascending.
fn usable_deciles(q: &[f64]) -> bool {
    q.len() == 11 && q.iter().all(|v| v.is_finite()) && q.windows(2).all(|w| w[0] <= w[1])
}

/// The share of the values (per cent, a whole ten, rounded down) that are certainly below
/// `x`, read from their [`deciles`]: the largest k × 10 with x > q[k]. Certain because the
/// ⌈k·n/10⌉ values at or below q[k] are all below x. `None` if `q` is not 11 ascending finite
/// values or `x` is not finite.
///
/// Example: deciles of [1, 2, 3, 4, 5], x = 4.5 → 80 (4 of 5 values are below).
pub fn share_below(q: &[f64], x: f64) -> Option<u32> {
    if !usable_deciles(q) || !x.is_finite() {
        return None;
    }
    Some(q.iter().rposition(|&v| x > v).map_or(0, |k| k as u32 * 10))
}

/// The share of the values (per cent, a whole ten, rounded down) that are certainly above
/// `x`: the largest (10 − j) × 10 with x < q[j]. Certain because the n − ⌈j·n/10⌉ + 1 values
/// at or above q[j] are all above x, and that is at least (10 − j)·n/10. `None` as in
/// [`share_below`].
///
/// Example: deciles of [1, 2, 3, 4, 5], x = 1.5 → 70 (in fact 4 of 5 values are above).
pub fn share_above(q: &[f64], x: f64) -> Option<u32> {
    if !usable_deciles(q) || !x.is_finite() {
        return None;
    }
    Some(
        q.iter()
            .position(|&v| x < v)
            .map_or(0, |j| (10 - j as u32) * 10),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_size_is_ceil_of_a_quarter() {
        assert_eq!(band_size(0, 0.25), 0);
        assert_eq!(band_size(1, 0.25), 1);
        assert_eq!(band_size(4, 0.25), 1);
        assert_eq!(band_size(5, 0.25), 2);
        assert_eq!(band_size(8, 0.25), 2);
        assert_eq!(band_size(10, 0.25), 3);
        assert_eq!(band_size(30, 0.1), 3, "float noise must not add a school");
        assert_eq!(band_size(7, 1.5), 7, "never more than the pool");
    }

    #[test]
    fn ties_share_the_lowest_rank() {
        assert_eq!(
            competition_ranks(&[0.2, 0.5, 0.2, 0.9], true),
            vec![1, 3, 1, 4]
        );
        assert_eq!(
            competition_ranks(&[0.2, 0.5, 0.2, 0.9], false),
            vec![3, 2, 3, 1]
        );
        assert_eq!(competition_ranks(&[], true), Vec::<usize>::new());
    }

    #[test]
    fn bands_take_ties_at_the_cut() {
        use Band::*;
        assert_eq!(
            bands(&[0.1, 0.2, 0.2, 0.5, 0.9], 0.25),
            vec![Bottom, Bottom, Bottom, Top, Top]
        );
        // 8 schools: band size 2.
        let v = [0.8, 0.1, 0.3, 0.5, 0.4, 0.7, 0.2, 0.6];
        assert_eq!(
            bands(&v, 0.25),
            vec![Top, Bottom, Middle, Middle, Middle, Top, Bottom, Middle]
        );
    }

    #[test]
    fn bands_agree_with_competition_ranks() {
        let v = [0.3, 0.1, 0.3, 0.3, 0.9, 0.1, 0.5, 0.7, 0.7, 0.2, 0.3];
        for share in [0.1, 0.25, 0.3, 0.5] {
            let size = band_size(v.len(), share);
            let (lo, hi) = (competition_ranks(&v, true), competition_ranks(&v, false));
            let expected: Vec<Band> = lo
                .iter()
                .zip(&hi)
                .map(|(&l, &h)| match (l <= size, h <= size) {
                    (true, false) => Band::Bottom,
                    (false, true) => Band::Top,
                    _ => Band::Middle,
                })
                .collect();
            assert_eq!(bands(&v, share), expected, "share {share}");
        }
    }

    #[test]
    fn a_school_in_both_bands_is_in_the_middle() {
        use Band::*;
        assert_eq!(bands(&[0.4], 0.25), vec![Middle]);
        assert_eq!(bands(&[0.4, 0.4, 0.4], 0.25), vec![Middle, Middle, Middle]);
        // Two schools: size 1, each is in exactly one band.
        assert_eq!(bands(&[0.4, 0.6], 0.25), vec![Bottom, Top]);
    }

    #[test]
    fn min_max_normalisation() {
        assert_eq!(normalise(12.0, 0.0, 40.0, Direction::Direct), Some(0.3));
        assert_eq!(normalise(12.0, 0.0, 40.0, Direction::Inverse), Some(0.7));
        assert_eq!(normalise(5.0, 5.0, 5.0, Direction::Direct), None);
        assert!(
            (normalise_scaled(12.0, 0.0, 40.0, 1.0 / 40.0, Direction::Inverse) - 0.7).abs() < 1e-15
        );
        assert_eq!(min_max([3.0, -1.0, 7.0]), Some((-1.0, 7.0)));
        assert_eq!(min_max(std::iter::empty()), None);
    }

    #[test]
    fn weighted_and_plain_means() {
        let mut w = WeightedMean::default();
        for (v, n) in [(70.0, 10.0), (50.0, 30.0), (90.0, 0.0)] {
            w.add(v, n);
        }
        assert_eq!(w.mean(), Some(55.0));
        let mut none = WeightedMean::default();
        none.add(70.0, 0.0);
        assert_eq!(none.mean(), None);
        // The same terms in another order give the same bits.
        let terms = [
            (68.123456789, 17.0),
            (0.1, 3.0),
            (55.5, 29.0),
            (71.25, 1.0),
            (33.3, 8.0),
        ];
        let (mut a, mut b) = (WeightedMean::default(), WeightedMean::default());
        terms.iter().for_each(|&(v, n)| a.add(v, n));
        terms.iter().rev().for_each(|&(v, n)| b.add(v, n));
        assert_eq!(a.mean().map(f64::to_bits), b.mean().map(f64::to_bits));
        assert_eq!(mean([1.0, 0.0, 0.5]), Some(0.5));
        assert_eq!(mean(std::iter::empty()), None);
    }

    #[test]
    fn rank_key_merges_float_noise() {
        assert_ne!(0.1 + 0.2, 0.3);
        assert_eq!(rank_key(0.1 + 0.2), rank_key(0.3));
    }

    #[test]
    fn deciles_by_nearest_rank_and_certain_shares() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        let q = deciles(&v).unwrap();
        assert_eq!(
            q,
            vec![1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0]
        );
        assert_eq!(deciles(&[]), None);
        assert_eq!(deciles(&[7.0]), Some(vec![7.0; 11]));
        assert_eq!(share_below(&q, 4.5), Some(80));
        assert_eq!(share_below(&q, 3.5), Some(60));
        assert_eq!(share_below(&q, 1.0), Some(0));
        assert_eq!(share_below(&q, 9.0), Some(100));
        assert_eq!(share_above(&q, 1.5), Some(70));
        assert_eq!(share_above(&q, 0.0), Some(100));
        assert_eq!(share_above(&q, 5.0), Some(0));
        assert_eq!(share_below(&q[..10], 4.5), None);
        assert_eq!(share_below(&q, f64::NAN), None);
        let mut unsorted = q.clone();
        unsorted.swap(0, 10);
        assert_eq!(share_above(&unsorted, 1.5), None);
        // The claims are never more than the truth, for every list size and position.
        for n in 1..=40usize {
            let values: Vec<f64> = (0..n).map(|i| (i / 2) as f64).collect(); // with ties
            let q = deciles(&values).unwrap();
            for x in (-1..=(n as i32)).map(|x| x as f64 * 0.5) {
                let below = values.iter().filter(|&&v| v < x).count() as f64 / n as f64;
                let above = values.iter().filter(|&&v| v > x).count() as f64 / n as f64;
                assert!(
                    share_below(&q, x).unwrap() as f64 / 100.0 <= below + 1e-12,
                    "{n} {x}"
                );
                assert!(
                    share_above(&q, x).unwrap() as f64 / 100.0 <= above + 1e-12,
                    "{n} {x}"
                );
            }
        }
    }
}
