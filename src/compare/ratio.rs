//! A paired difference of two pooled ratios: B's Σx/Σy minus A's, over the
//! same replications, with the ratio estimator's interval (docs/model.md
//! §14, per-interval differences). `compare_intervals.csv` reports each headline metric of an
//! interval this way, so its A and B values are the pooled ratios that
//! intervals.csv gives for the same seed and replications.
//!
//! The sums are whole numbers (conversations, microseconds, milliseconds),
//! folded exactly, and the residual sums of squares are taken in big
//! integers, so that merging parts in any order gives the same bytes and no
//! cancellation loses the spread of two nearly equal variants.

use num_bigint::BigInt;
use num_traits::ToPrimitive;
use serde::{Deserialize, Serialize};
use serde_with::As;

use super::{Diff, replications_needed};
use crate::replicate::{HEADLINE_UNITS, headline_value};
use crate::stats;
use crate::wire::{Le, Limbs};

/// The sums of one headline metric of one interval and queue over paired
/// replications: `s` holds Σx_A, Σy_A, Σx_B, Σy_B, `p` the sums of the
/// products of those four values taken two at a time (see [`pair_index`])
/// and `t` three at a time (see [`TRIPLES`]), for the residuals' skewness.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct RatioPair {
    #[serde(with = "As::<Le>")]
    n: u32,
    #[serde(with = "As::<[Le; 4]>")]
    s: [i128; 4],
    #[serde(with = "As::<[Le; 10]>")]
    p: [i128; 10],
    #[serde(with = "As::<[Limbs<TRIPLE_LIMBS>; 20]>")]
    t: [BigInt; 20],
}

/// The 64-bit limbs a sum of triple products takes on the wire: each
/// product of three `i128` values is below 2^381, and a sum of up to 2^32
/// of them below 2^413 (docs/model.md §15.1).
const TRIPLE_LIMBS: usize = 7;

/// The products of three of (x_A, y_A, x_B, y_B), `i <= j <= k`, in `t`'s
/// order, with how many orderings each stands for.
const TRIPLES: [(usize, usize, usize, u8); 20] = {
    let mut out = [(0, 0, 0, 0); 20];
    let mut n = 0;
    let mut i = 0;
    while i < 4 {
        let mut j = i;
        while j < 4 {
            let mut k = j;
            while k < 4 {
                let orderings = if i == j && j == k {
                    1
                } else if i == j || j == k {
                    3
                } else {
                    6
                };
                out[n] = (i, j, k, orderings);
                n += 1;
                k += 1;
            }
            j += 1;
        }
        i += 1;
    }
    out
};

/// The share of paired replications' spread a mean needs before its
/// normal-theory interval holds its coverage: Cochran's rule, n > 25·G1²
/// for a mean of values with skewness G1 (Cochran, Sampling Techniques,
/// 1977, §2.15).
pub(super) const COCHRAN: f64 = 25.0;

/// The place of the product of values `i <= j` (of x_A, y_A, x_B, y_B) in `p`.
const fn pair_index(i: usize, j: usize) -> usize {
    // Rows 0..i hold 4, 3, 2, ... products.
    i * 4 - i * (i.saturating_sub(1)) / 2 - i + j
}

impl RatioPair {
    /// Adds one replication's A parts `(x, y)` and B parts.
    pub(super) fn add(&mut self, a: (i128, i128), b: (i128, i128)) {
        let v = [a.0, a.1, b.0, b.1];
        self.n += 1;
        for (s, x) in self.s.iter_mut().zip(v) {
            *s = s.saturating_add(x);
        }
        for i in 0..4 {
            for j in i..4 {
                let p = &mut self.p[pair_index(i, j)];
                *p = p.saturating_add(v[i].saturating_mul(v[j]));
            }
        }
        for (t, &(i, j, k, _)) in self.t.iter_mut().zip(&TRIPLES) {
            *t += BigInt::from(v[i]) * v[j] * v[k];
        }
    }

    /// Adds `other`'s replications (disjoint from these).
    pub(super) fn merge(&mut self, other: &RatioPair) {
        self.n += other.n;
        for (a, b) in self.s.iter_mut().zip(other.s) {
            *a = a.saturating_add(b);
        }
        for (a, b) in self.p.iter_mut().zip(other.p) {
            *a = a.saturating_add(b);
        }
        for (a, b) in self.t.iter_mut().zip(&other.t) {
            *a += b;
        }
    }

    /// The squared sample skewness G1² of the paired residuals `u_B − u_A`
    /// (NaN with fewer than 3 replications, no spread or no denominator):
    /// with `D = S_yA²(S_yB·x_B − S_xB·y_B) − S_yB²(S_yA·x_A − S_xA·y_A)`, a
    /// whole-number multiple of the residual whose sum is 0,
    /// G1² = n·(ΣD³)² / (ΣD²)³, from the exact sums.
    pub(super) fn skewness_squared(&self) -> f64 {
        let [xa, ya, xb, yb] = self.s.map(BigInt::from);
        if self.n < 3 || ya == BigInt::ZERO || yb == BigInt::ZERO {
            return f64::NAN;
        }
        let c = [-(&yb * &yb * &ya), &yb * &yb * &xa, &ya * &ya * &yb, -(&ya * &ya * &xb)];
        let mut d2 = BigInt::ZERO;
        for i in 0..4 {
            for j in i..4 {
                let times = if i == j { 1 } else { 2 };
                d2 += &c[i] * &c[j] * BigInt::from(self.p[pair_index(i, j)]) * times;
            }
        }
        let mut d3 = BigInt::ZERO;
        for (t, &(i, j, k, orderings)) in self.t.iter().zip(&TRIPLES) {
            d3 += &c[i] * &c[j] * &c[k] * t * orderings;
        }
        if d2 == BigInt::ZERO {
            return f64::NAN;
        }
        ratio_of(&(&d3 * &d3 * self.n), &(&d2 * &d2 * &d2))
    }

    /// A's summed numerator and denominator.
    pub(super) fn a(&self) -> (i128, i128) {
        (self.s[0], self.s[1])
    }

    /// B's summed numerator and denominator.
    pub(super) fn b(&self) -> (i128, i128) {
        (self.s[2], self.s[3])
    }

    /// The comparison of headline metric `m` (docs/model.md §14, per-interval differences): A's and
    /// B's pooled ratios, their difference, and its 95% interval
    /// `± t(n−1) · √(Σ(u_B − u_A)² / (n(n−1)))` with each side's linearized
    /// residual `u = (x − R·y) / ȳ` (the ratio estimator's, paired).
    pub(super) fn diff(&self, m: usize) -> Diff {
        let n = self.n;
        let (a_mean, b_mean) =
            (headline_value(m, self.s[0], self.s[1]), headline_value(m, self.s[2], self.s[3]));
        let diff = b_mean - a_mean;
        let spread = self.spread();
        let (low, high, sd) = match spread {
            Some(sum_sq) if n >= 2 && diff.is_finite() => {
                // Σ(u_B − u_A)² is in the numerator's units over the denominator's.
                let scale = HEADLINE_UNITS[m].1 / HEADLINE_UNITS[m].0;
                let sd = (sum_sq / f64::from(n - 1)).sqrt() * scale;
                let half = stats::t975(n - 1) * sd / f64::from(n).sqrt();
                (diff - half, diff + half, sd)
            }
            _ => (f64::NAN, f64::NAN, f64::NAN),
        };
        let significant = n >= 2 && (low > 0.0 || high < 0.0);
        let needed = (!significant && sd > 0.0 && diff != 0.0 && diff.is_finite())
            .then(|| replications_needed(diff, sd));
        Diff { a_mean, b_mean, diff, low, high, n, significant, needed }
    }

    /// Σ(u_B − u_A)² over the replications, in (numerator / denominator)
    /// units squared; `None` when a side has no denominator.
    fn spread(&self) -> Option<f64> {
        let big = |v: i128| BigInt::from(v);
        let [xa, ya, xb, yb] = self.s.map(big);
        if ya == BigInt::ZERO || yb == BigInt::ZERO {
            return None;
        }
        let p = |i: usize, j: usize| big(self.p[pair_index(i, j)]);
        // Σ(x − R y)² · Sy² = Sy²·Σx² − 2·Sx·Sy·Σxy + Sx²·Σy², exactly.
        let own = |x: &BigInt, y: &BigInt, xx: BigInt, xy: BigInt, yy: BigInt| {
            y * y * xx - BigInt::from(2) * x * y * xy + x * x * yy
        };
        let qa = own(&xa, &ya, p(0, 0), p(0, 1), p(1, 1));
        let qb = own(&xb, &yb, p(2, 2), p(2, 3), p(3, 3));
        // Σ(x_A − R_A y_A)(x_B − R_B y_B) · Sy_A·Sy_B, exactly.
        let cross = &ya * &yb * p(0, 2) - &xb * &ya * p(0, 3) - &xa * &yb * p(1, 2) + &xa * &xb * p(1, 3);
        // With ȳ = Sy / n: Σ(u_B − u_A)² = n² (qb / Sy_B⁴ − 2 cross / (Sy_A² Sy_B²) + qa / Sy_A⁴),
        // over one denominator Sy_A⁴ Sy_B⁴ so that nothing cancels in floating point.
        let (ya2, yb2) = (&ya * &ya, &yb * &yb);
        let num = qb * &ya2 * &ya2 - BigInt::from(2) * cross * &ya2 * &yb2 + qa * &yb2 * &yb2;
        let den = &ya2 * &ya2 * &yb2 * &yb2;
        let n = f64::from(self.n);
        Some((ratio_of(&num, &den) * n * n).max(0.0))
    }
}

/// `num / den` of two big integers as a float, exact to rounding even when
/// both are past f64's range.
fn ratio_of(num: &BigInt, den: &BigInt) -> f64 {
    let shift = den.bits().saturating_sub(60);
    let (num, den) = (num >> shift, den >> shift);
    num.to_f64().unwrap_or(f64::NAN) / den.to_f64().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One replication's A parts and B parts.
    type Rep = ((i128, i128), (i128, i128));

    #[test]
    fn the_products_have_one_place_each() {
        let mut seen = [false; 10];
        for i in 0..4 {
            for j in i..4 {
                let k = pair_index(i, j);
                assert!(!seen[k], "({i}, {j}) shares place {k}");
                seen[k] = true;
            }
        }
        assert!(seen.iter().all(|&s| s));
    }

    /// The interval against the textbook formula computed directly from the
    /// per-replication values.
    #[test]
    fn the_interval_is_the_paired_ratio_estimators() {
        let reps = [((8, 10), (6, 10)), ((6, 10), (5, 11)), ((9, 12), (7, 12)), ((7, 9), (7, 10))];
        let mut r = RatioPair::default();
        for (a, b) in reps {
            r.add(a, b);
        }
        let sum = |f: &dyn Fn(&Rep) -> i128| reps.iter().map(f).sum::<i128>() as f64;
        let (ra, rb) = (sum(&|p| p.0.0) / sum(&|p| p.0.1), sum(&|p| p.1.0) / sum(&|p| p.1.1));
        let (ya, yb) = (sum(&|p| p.0.1) / 4.0, sum(&|p| p.1.1) / 4.0);
        let d: Vec<f64> = reps
            .iter()
            .map(|((xa, ya_), (xb, yb_))| {
                (*xb as f64 - rb * *yb_ as f64) / yb - (*xa as f64 - ra * *ya_ as f64) / ya
            })
            .collect();
        let sd = (d.iter().map(|v| v * v).sum::<f64>() / 3.0).sqrt();
        let half = stats::t975(3) * sd / 2.0;
        let got = r.diff(0);
        assert!((got.a_mean - ra).abs() < 1e-15 && (got.b_mean - rb).abs() < 1e-15);
        assert!((got.diff - (rb - ra)).abs() < 1e-15);
        assert!((got.high - got.diff - half).abs() < 1e-12, "{} vs {half}", got.high - got.diff);
        assert!((got.diff - got.low - half).abs() < 1e-12);
    }

    /// The skewness of the paired residuals against a direct computation.
    #[test]
    fn the_skewness_is_the_residuals() {
        let reps = [
            ((8, 10), (6, 10)),
            ((6, 10), (5, 11)),
            ((30, 12), (7, 12)),
            ((7, 9), (7, 10)),
            ((2, 8), (1, 9)),
        ];
        let mut r = RatioPair::default();
        for (a, b) in reps {
            r.add(a, b);
        }
        let n = reps.len() as f64;
        let sum = |f: &dyn Fn(&Rep) -> i128| reps.iter().map(f).sum::<i128>() as f64;
        let (ra, rb) = (sum(&|p| p.0.0) / sum(&|p| p.0.1), sum(&|p| p.1.0) / sum(&|p| p.1.1));
        let (ya, yb) = (sum(&|p| p.0.1) / n, sum(&|p| p.1.1) / n);
        let d: Vec<f64> = reps
            .iter()
            .map(|((xa, ya_), (xb, yb_))| {
                (*xb as f64 - rb * *yb_ as f64) / yb - (*xa as f64 - ra * *ya_ as f64) / ya
            })
            .collect();
        let m2 = d.iter().map(|v| v * v).sum::<f64>() / n;
        let m3 = d.iter().map(|v| v * v * v).sum::<f64>() / n;
        let want = m3 * m3 / (m2 * m2 * m2);
        let got = r.skewness_squared();
        assert!(want > 0.1, "the example is skewed: {want}");
        assert!((got - want).abs() < 1e-9 * want, "{got} vs {want}");
    }

    /// Identical sides differ by exactly zero, with a zero-width interval.
    #[test]
    fn a_side_against_itself_has_no_spread() {
        let mut r = RatioPair::default();
        for v in [(3, 7), (5, 9), (1, 4)] {
            r.add(v, v);
        }
        let d = r.diff(0);
        assert_eq!((d.diff, d.low, d.high, d.significant), (0.0, 0.0, 0.0, false));
    }

    /// Merging parts in any order gives the same sums as one fold.
    #[test]
    fn merging_is_exact() {
        let reps = [((8, 10), (6, 10)), ((6, 10), (5, 11)), ((9, 12), (7, 12))];
        let mut whole = RatioPair::default();
        reps.iter().for_each(|&(a, b)| whole.add(a, b));
        let (mut x, mut y) = (RatioPair::default(), RatioPair::default());
        x.add(reps[2].0, reps[2].1);
        y.add(reps[0].0, reps[0].1);
        y.add(reps[1].0, reps[1].1);
        x.merge(&y);
        assert_eq!(x, whole);
    }

    /// Without denominators there is no ratio and no interval.
    #[test]
    fn no_traffic_gives_no_number() {
        let mut r = RatioPair::default();
        r.add((0, 0), (0, 0));
        r.add((0, 0), (0, 0));
        let d = r.diff(1);
        assert!(d.a_mean.is_nan() && d.low.is_nan() && !d.significant && d.needed.is_none());
    }
}
