//! Exact sums of `f64` values: the accumulators of every mean and Student-t
//! interval a fold state carries (docs/model.md §8, §9).
//!
//! Every finite `f64` is a dyadic rational m·2^e (m an integer of at most
//! 53 bits), and so is every sum, difference and product of them. A
//! [`Dyadic`] holds one exactly, as a big integer (`num-bigint`) and a
//! binary exponent, normalized (the integer odd, or zero with exponent 0),
//! so equal values have one representation and a sum stays as small as
//! its value needs: a sum of fractions of about 0.5 is some 60 bits, not a
//! fixed-point number of 2,100.
//!
//! [`Moments`] is a count, a sum and a sum of squares, all exact: adding in
//! any order, splitting the values into parts and merging the parts give
//! the same state, bit for bit, so a fold of a plan's jobs does not depend
//! on the thread count, the shards or the order replications finish in.
//! The mean is the exact sum divided by the count, rounded once; the
//! interval's variance numerator n·S2 − S1² is computed exactly and
//! rounded once, so a constant series has a variance of exactly 0 (a
//! point interval) and the variance is never negative.
//!
//! On the wire (a shard's part) a [`Dyadic`] takes a fixed
//! [`DYADIC_LIMBS`] limbs whatever its value ([`crate::wire`]), so a part's
//! size does not depend on the sums it holds.

use std::cmp::Ordering;

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};
use serde::{Deserialize, Serialize};
use serde_with::As;

use crate::wire::{Le, Limbs};

/// The 64-bit limbs a [`Dyadic`]'s integer takes on the wire: 4,288 bits,
/// enough for any sum of up to 2^64 squares (or products) of `f64` values.
/// A square is below 2^2048 and a whole multiple of 2^-2148, so such a sum
/// is below 2^2112 in steps of 2^-2148: 4,260 bits.
pub const DYADIC_LIMBS: usize = 67;

/// An exact dyadic rational `mant`·2^`exp`: any finite `f64`, and any sum,
/// difference or product of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dyadic {
    /// Odd, or zero.
    #[serde(with = "As::<Limbs<DYADIC_LIMBS>>")]
    mant: BigInt,
    /// 0 when `mant` is zero.
    #[serde(with = "As::<Le>")]
    exp: i64,
}

impl Dyadic {
    /// The value of `x` exactly; `None` for an infinity or NaN.
    pub fn of(x: f64) -> Option<Dyadic> {
        if !x.is_finite() {
            return None;
        }
        let bits = x.to_bits();
        let field = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1 << 52) - 1);
        // Subnormals have no hidden bit and the least exponent.
        let (m, e) = if field == 0 { (frac, -1074) } else { (frac | (1 << 52), field - 1075) };
        let sign = if x.is_sign_negative() { Sign::Minus } else { Sign::Plus };
        Some(Dyadic::normalized(BigInt::from_biguint(sign, BigUint::from(m)), e))
    }

    /// `mant`·2^`exp` with the trailing zero bits of `mant` moved into the exponent.
    fn normalized(mant: BigInt, exp: i64) -> Dyadic {
        match mant.trailing_zeros() {
            None => Dyadic::default(),
            Some(0) => Dyadic { mant, exp },
            Some(z) => Dyadic { mant: mant >> z, exp: exp + z as i64 },
        }
    }

    /// Whether the value is 0.
    pub fn is_zero(&self) -> bool {
        self.mant.is_zero()
    }

    /// Adds `other`, exactly.
    pub fn add(&mut self, other: &Dyadic) {
        self.add_signed(other, false);
    }

    /// Subtracts `other`, exactly.
    pub fn sub(&mut self, other: &Dyadic) {
        self.add_signed(other, true);
    }

    fn add_signed(&mut self, other: &Dyadic, negate: bool) {
        if other.is_zero() {
            return;
        }
        let theirs = |shift: u64| {
            let v = &other.mant << shift;
            if negate { -v } else { v }
        };
        if self.is_zero() {
            *self = Dyadic { mant: theirs(0), exp: other.exp };
            return;
        }
        let mant = std::mem::take(&mut self.mant);
        let (mant, exp) = match self.exp.cmp(&other.exp) {
            Ordering::Greater => ((mant << (self.exp - other.exp) as u64) + theirs(0), other.exp),
            _ => (mant + theirs((other.exp - self.exp) as u64), self.exp),
        };
        *self = Dyadic::normalized(mant, exp);
    }

    /// The product, exactly (odd times odd is odd: no normalizing needed).
    pub fn mul(&self, other: &Dyadic) -> Dyadic {
        if self.is_zero() || other.is_zero() {
            return Dyadic::default();
        }
        Dyadic { mant: &self.mant * &other.mant, exp: self.exp + other.exp }
    }

    /// The value times the whole number `k`, exactly.
    pub fn times(&self, k: u64) -> Dyadic {
        Dyadic::normalized(&self.mant * BigInt::from(k), self.exp)
    }

    /// The value divided by `den`, rounded once to the nearest `f64` (ties
    /// to even; NaN for `den` 0). Exact values stay exact: the sum of two
    /// thirds' worth of 0.5 divided by 2 is 0.5.
    pub fn div(&self, den: u128) -> f64 {
        if den == 0 {
            return f64::NAN;
        }
        if self.is_zero() {
            return 0.0;
        }
        let negative = self.mant.sign() == Sign::Minus;
        let m = self.mant.magnitude();
        let d = BigUint::from(den);
        // Scale the numerator so the quotient has at least 66 bits: the
        // 53 kept, the rounding bit and room for the sticky bit below.
        let k = (66 + d.bits() as i64 - m.bits() as i64).max(0) as u64;
        let (mut q, r) = (m << k).div_rem(&d);
        if !r.is_zero() {
            // An inexact quotient: the lowest bit, far below the rounding
            // bit, says "something more" (a sticky bit).
            q |= BigUint::from(1u8);
        }
        let drop = q.bits() - 64;
        let sticky = q.trailing_zeros().is_some_and(|z| z < drop);
        let top = (&q >> drop).to_u64().unwrap_or(u64::MAX) | u64::from(sticky);
        // u64 → f64 rounds to nearest, ties to even: the one rounding.
        let v = scale(top as f64, self.exp + drop as i64 - k as i64);
        if negative { -v } else { v }
    }

    /// The value as the nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        self.div(1)
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.mant.sign() == Sign::Minus
    }
}

/// `x`·2^`e`, exact while the result is a normal `f64` (results of this
/// crate never come near the subnormal range, where it could round twice).
fn scale(mut x: f64, mut e: i64) -> f64 {
    let pow2 = |e: i64| f64::from_bits(((e + 1023) as u64) << 52);
    while e > 1000 && x.is_finite() {
        x *= pow2(1000);
        e -= 1000;
    }
    while e < -1000 && x != 0.0 {
        x *= pow2(-1000);
        e += 1000;
    }
    x * pow2(e)
}

/// How many values were added, their sum and their sum of squares, exactly:
/// the mean and its Student-t interval of values added in any order and
/// split across any parts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moments {
    #[serde(with = "As::<Le>")]
    n: u64,
    sum: Dyadic,
    squares: Dyadic,
}

impl Moments {
    /// The moments of the finite values among `values`.
    pub fn of(values: &[f64]) -> Moments {
        let mut m = Moments::default();
        for &v in values {
            m.add(v);
        }
        m
    }

    /// Adds `x`; a NaN or an infinity (a metric undefined in a
    /// replication) is left out.
    pub fn add(&mut self, x: f64) {
        if let Some(x) = Dyadic::of(x) {
            self.add_exact(&x);
        }
    }

    /// Adds the exact value `x`.
    pub fn add_exact(&mut self, x: &Dyadic) {
        self.n += 1;
        self.squares.add(&x.mul(x));
        self.sum.add(x);
    }

    /// Adds everything `other` holds.
    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        self.sum.add(&other.sum);
        self.squares.add(&other.squares);
    }

    /// How many values were added.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The exact sum.
    pub fn sum(&self) -> &Dyadic {
        &self.sum
    }

    /// The mean, rounded once (NaN with no value).
    pub fn mean(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.sum.div(u128::from(self.n)) }
    }

    /// n·S2 − S1², exactly: n(n − 1) times the sample variance; 0 exactly
    /// when every value is the same.
    fn spread(&self) -> Dyadic {
        let mut d = self.squares.times(self.n);
        d.sub(&self.sum.mul(&self.sum));
        d
    }

    /// Whether every value added is the same (the sample variance is exactly 0).
    pub fn is_constant(&self) -> bool {
        self.spread().is_zero()
    }

    /// The sample variance (n − 1 in the denominator), rounded once; NaN
    /// with fewer than two values.
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            return f64::NAN;
        }
        let n = u128::from(self.n);
        self.spread().div(n * (n - 1))
    }

    /// The squared standard error of the mean, s²/n, rounded once; NaN
    /// with fewer than two values.
    pub fn variance_of_mean(&self) -> f64 {
        if self.n < 2 {
            return f64::NAN;
        }
        let n = u128::from(self.n);
        n.checked_mul(n).and_then(|n2| n2.checked_mul(n - 1)).map_or_else(
            // Beyond u128 (more than 5·10^12 values): two roundings.
            || self.variance() / self.n as f64,
            |den| self.spread().div(den),
        )
    }

    /// The mean, the Student-t 95% interval of the mean (NaN with fewer
    /// than two values) and the count: what docs/model.md §8 reports.
    pub fn mean_ci(&self) -> (f64, f64, f64, u32) {
        let n = u32::try_from(self.n).unwrap_or(u32::MAX);
        let mean = self.mean();
        if self.n < 2 {
            return (mean, f64::NAN, f64::NAN, n);
        }
        let half = crate::stats::t975(n - 1) * self.variance_of_mean().sqrt();
        (mean, mean - half, mean + half, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(x: f64) -> Dyadic {
        Dyadic::of(x).expect("finite")
    }

    #[test]
    fn every_finite_double_round_trips() {
        for x in [0.0, -0.0, 1.0, -2.5, 0.1, 1e300, -1e-300, f64::MIN_POSITIVE, f64::MAX, 123_456.789] {
            assert_eq!(exact(x).to_f64().to_bits(), if x == 0.0 { 0.0f64 } else { x }.to_bits(), "{x}");
        }
        assert!(Dyadic::of(f64::NAN).is_none() && Dyadic::of(f64::INFINITY).is_none());
        // 5e-324, the least subnormal, is held exactly too.
        let half = exact(2.0f64.powi(537));
        assert_eq!(exact(5e-324).mul(&half).mul(&half).to_f64(), 1.0);
    }

    #[test]
    fn sums_are_exact_and_normalized_whatever_the_order() {
        let values = [0.1, 0.2, 0.3, 1e16, -1e16, 7.0, 1e-9];
        let mut forward = Dyadic::default();
        values.iter().for_each(|&v| forward.add(&exact(v)));
        let mut backward = Dyadic::default();
        values.iter().rev().for_each(|&v| backward.add(&exact(v)));
        assert_eq!(forward, backward, "one representation per value");
        // The naive sum loses 0.6 and the tiny term against 1e16; the exact one does not.
        let naive: f64 = values.iter().sum();
        assert!(forward.to_f64() != naive);
        assert!((forward.to_f64() - (0.6 + 7.0 + 1e-9)).abs() < 1e-15, "{}", forward.to_f64());
        let mut zero = exact(0.25);
        zero.sub(&exact(0.25));
        assert_eq!(zero, Dyadic::default());
    }

    #[test]
    fn division_rounds_once_to_nearest() {
        // 1/3 and 2/3 as the nearest doubles.
        assert_eq!(exact(1.0).div(3), 1.0 / 3.0);
        assert_eq!(exact(2.0).div(3), 2.0 / 3.0);
        assert_eq!(exact(-10.0).div(4), -2.5);
        assert_eq!(exact(1.0).div(10), 0.1);
        // 0.1 + 0.2 summed exactly, then rounded: the correctly rounded sum.
        let mut s = exact(0.1);
        s.add(&exact(0.2));
        assert_eq!(s.to_f64(), 0.1 + 0.2);
        assert!(exact(1.0).div(0).is_nan());
        // A quotient exactly halfway between two doubles goes to the even one.
        let mut halfway = exact(2.0f64.powi(53));
        halfway.add(&exact(1.0));
        assert_eq!(halfway.div(1), 2.0f64.powi(53));
        let mut big = exact(2.0f64.powi(53));
        big.add(&exact(3.0));
        assert_eq!(big.div(1), 2.0f64.powi(53) + 4.0);
    }

    #[test]
    fn moments_give_the_textbook_mean_and_interval() {
        // n = 4, mean 2.5, sd = 1.2910; t(0.975, 3) = 3.1824.
        let m = Moments::of(&[1.0, 2.0, 3.0, 4.0, f64::NAN]);
        let (mean, lo, hi, n) = m.mean_ci();
        assert_eq!((mean, n), (2.5, 4));
        let half = 3.182_446_305 * (5.0f64 / 3.0).sqrt() / 2.0;
        assert!((hi - mean - half).abs() < 1e-9 && (mean - lo - half).abs() < 1e-9, "{lo} {hi}");
        let (mean, lo, _, n) = Moments::of(&[7.0]).mean_ci();
        assert_eq!((mean, n), (7.0, 1));
        assert!(lo.is_nan() && Moments::default().mean().is_nan());
    }

    #[test]
    fn a_constant_series_has_exactly_no_spread() {
        // 0.1 three times: a naive two-pass variance is not always 0 for such values.
        let m = Moments::of(&[0.1, 0.1, 0.1]);
        assert!(m.is_constant());
        assert_eq!(m.variance(), 0.0);
        let (mean, lo, hi, _) = m.mean_ci();
        assert_eq!((lo, hi), (mean, mean));
        assert!(!Moments::of(&[0.1, 0.1, 0.1 + 1e-17, 0.2]).is_constant());
    }

    #[test]
    fn parts_merge_to_the_state_of_one_fold() {
        let values: Vec<f64> = (0..50).map(|i| (f64::from(i) * 0.37).sin() * 10f64.powi(i % 7 - 3)).collect();
        let whole = Moments::of(&values);
        for cut in [0, 1, 17, 49, 50] {
            let (a, b) = values.split_at(cut);
            let mut merged = Moments::of(b);
            merged.merge(&Moments::of(a));
            assert_eq!(merged, whole, "cut at {cut}");
        }
        let bytes = postcard::to_stdvec(&whole).unwrap();
        assert_eq!(postcard::from_bytes::<Moments>(&bytes).unwrap(), whole);
        // On the wire its size is fixed: it does not grow with the count or the values.
        let many = Moments::of(&values.iter().cycle().take(5000).copied().collect::<Vec<_>>());
        assert_eq!(postcard::to_stdvec(&many).unwrap().len(), bytes.len());
        assert_eq!(postcard::to_stdvec(&Moments::default()).unwrap().len(), bytes.len());
    }

    #[test]
    fn the_widest_sums_of_squares_fit_their_fixed_width_on_the_wire() {
        // The extremes of docs/model.md §15.1's bound: the largest and the smallest
        // (subnormal) doubles, squared and summed, in one state.
        let mut m = Moments::default();
        for x in [f64::MAX, -f64::MAX, f64::from_bits(1), 1.0 / 3.0, -7.5e-300] {
            for _ in 0..3 {
                m.add(x);
            }
        }
        let bytes = postcard::to_stdvec(&m).unwrap();
        assert_eq!(bytes.len(), postcard::to_stdvec(&Moments::default()).unwrap().len());
        assert_eq!(postcard::from_bytes::<Moments>(&bytes).unwrap(), m);
        // A value wider than the limbs is refused, not cut.
        let wide = Dyadic { mant: BigInt::from(1) << (64 * DYADIC_LIMBS as u64), exp: 0 };
        assert!(postcard::to_stdvec(&wide).is_err());
        let widest = Dyadic { mant: (BigInt::from(1) << (64 * DYADIC_LIMBS as u64)) - 1, exp: -5 };
        let bytes = postcard::to_stdvec(&widest).unwrap();
        assert_eq!(postcard::from_bytes::<Dyadic>(&bytes).unwrap(), widest);
    }
}
