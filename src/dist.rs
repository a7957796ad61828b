//! Probability distributions of durations (handle time, wrap-up, patience,
//! episode lengths), built once when the scenario is loaded and sampled in
//! the hot loop without allocation.

use rand::Rng;
use rand_distr::{Distribution, Exp, Exp1, Gamma, LogNormal, Uniform};

use crate::streams;

/// A distribution of non-negative durations in seconds.
#[derive(Debug, Clone)]
pub struct Dist {
    kind: Shape,
    mean: f64,
}

#[derive(Debug, Clone)]
enum Shape {
    Constant(f64),
    /// A standard exponential draw ([`Exp1`]) times `scale`, which is what
    /// [`Exp::sample`] computes for `Exp::new(1 / mean)`: `scale` is its
    /// `1 / lambda`, the same number.
    Exponential {
        scale: f64,
    },
    LogNormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Uniform(Uniform<f64>),
    Empirical(Box<[f64]>),
}

impl Dist {
    /// Always `value` seconds.
    pub fn constant(value: f64) -> Result<Dist, String> {
        check_non_negative("value", value)?;
        Ok(Dist { kind: Shape::Constant(value), mean: value })
    }

    /// Exponential with the given mean (seconds); a zero mean is the constant 0.
    pub fn exponential(mean: f64) -> Result<Dist, String> {
        check_non_negative("mean", mean)?;
        if mean == 0.0 {
            return Dist::constant(0.0);
        }
        let lambda = 1.0 / mean;
        Exp::new(lambda).map_err(|e| e.to_string())?;
        // As `Exp::new` stores it, so a draw is the same number `Exp` gives.
        let scale = 1.0 / lambda;
        Ok(Dist { kind: Shape::Exponential { scale }, mean })
    }

    /// Lognormal given the mean and standard deviation of the variable itself.
    pub fn lognormal(mean: f64, sd: f64) -> Result<Dist, String> {
        check_positive("mean", mean)?;
        check_non_negative("sd", sd)?;
        if sd == 0.0 {
            return Dist::constant(mean);
        }
        let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
        let mu = mean.ln() - sigma2 / 2.0;
        let ln = LogNormal::new(mu, sigma2.sqrt()).map_err(|e| e.to_string())?;
        Ok(Dist { kind: Shape::LogNormal(ln), mean })
    }

    /// Gamma given its mean and standard deviation.
    pub fn gamma(mean: f64, sd: f64) -> Result<Dist, String> {
        check_positive("mean", mean)?;
        check_non_negative("sd", sd)?;
        if sd == 0.0 {
            return Dist::constant(mean);
        }
        let shape = (mean / sd).powi(2);
        let scale = sd * sd / mean;
        let g = Gamma::new(shape, scale).map_err(|e| e.to_string())?;
        Ok(Dist { kind: Shape::Gamma(g), mean })
    }

    /// Uniform between `min` and `max` seconds.
    pub fn uniform(min: f64, max: f64) -> Result<Dist, String> {
        check_non_negative("min", min)?;
        check_non_negative("max", max)?;
        if max < min {
            return Err(format!("max ({max} s) is below min ({min} s)"));
        }
        if max == min {
            return Dist::constant(min);
        }
        let u = Uniform::new(min, max).map_err(|e| e.to_string())?;
        Ok(Dist { kind: Shape::Uniform(u), mean: (min + max) / 2.0 })
    }

    /// Each of `values` with equal probability.
    pub fn empirical(values: Vec<f64>) -> Result<Dist, String> {
        if values.is_empty() {
            return Err("`values` needs at least one duration".into());
        }
        for &v in &values {
            check_non_negative("values", v)?;
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        Ok(Dist { kind: Shape::Empirical(values.into_boxed_slice()), mean })
    }

    /// The distribution's mean, seconds.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// One draw, seconds (never negative).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            Shape::Constant(v) => *v,
            Shape::Exponential { scale } => Distribution::<f64>::sample(&Exp1, rng) * scale,
            Shape::LogNormal(d) => d.sample(rng),
            Shape::Gamma(d) => d.sample(rng),
            Shape::Uniform(d) => d.sample(rng),
            Shape::Empirical(values) => values[rng.random_range(0..values.len())],
        }
    }
}

impl Dist {
    /// One draw from one of the engine's streams: [`Dist::sample`] on the
    /// engine's generator, with the common shapes (exponential, constant)
    /// inlined at the call, `rand_distr`'s exponential sampler included,
    /// and the others behind one call.
    #[inline(always)]
    pub(crate) fn draw(&self, rng: &mut streams::Rng) -> f64 {
        draw_as(self.inlined(), rng, |r| self.draw_other(r))
    }

    /// [`Dist::draw`] for the shapes it does not inline.
    #[inline(never)]
    fn draw_other(&self, rng: &mut streams::Rng) -> f64 {
        self.sample(rng)
    }

    /// How [`Dist::draw`] makes a draw of this shape, and its parameter:
    /// exponential with its scale, constant with its value, or another
    /// shape (parameter NaN, unused).
    #[inline(always)]
    pub(crate) fn inlined(&self) -> (DrawKind, f64) {
        match self.kind {
            Shape::Exponential { scale } => (DrawKind::Exponential, scale),
            Shape::Constant(v) => (DrawKind::Fixed, v),
            _ => (DrawKind::Other, f64::NAN),
        }
    }
}

/// How a draw is made on the engine's hot path ([`draw_as`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum DrawKind {
    /// A standard exponential draw times the parameter.
    Exponential,
    /// The parameter itself, with no draw: a constant, or the value the
    /// engine gives an absent part (no wrap-up: 0; no patience: infinite).
    Fixed,
    /// Any other shape: through `other`.
    Other,
}

/// One draw made as `how` (a kind and its parameter) says, from `rng`:
/// the common shapes inline, `rand_distr`'s exponential sampler included;
/// `other` draws the rest. [`Dist::draw`] and the engine's per-queue hot
/// lines both draw through it, so both give the same numbers.
#[inline(always)]
pub(crate) fn draw_as(
    how: (DrawKind, f64),
    rng: &mut streams::Rng,
    other: impl FnOnce(&mut streams::Rng) -> f64,
) -> f64 {
    match how {
        (DrawKind::Exponential, scale) => Distribution::<f64>::sample(&Exp1, rng) * scale,
        (DrawKind::Fixed, value) => value,
        (DrawKind::Other, _) => other(rng),
    }
}

fn check_non_negative(key: &str, v: f64) -> Result<(), String> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(format!("`{key}` must be a finite duration of zero or more, got {v} s"))
    }
}

fn check_positive(key: &str, v: f64) -> Result<(), String> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(format!("`{key}` must be a positive duration, got {v} s"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Sample mean and sd within 4 standard errors of the parameters asked for.
    fn check_moments(d: &Dist, mean: f64, sd: f64) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        let se = sd / (n as f64).sqrt();
        assert!((m - mean).abs() < 4.0 * se + 1e-12, "mean {m} vs {mean}");
        assert!((v.sqrt() - sd).abs() < 0.03 * sd + 1e-12, "sd {} vs {sd}", v.sqrt());
        assert!(xs.iter().all(|&x| x >= 0.0));
        assert!((d.mean() - mean).abs() < 1e-9);
    }

    #[test]
    fn each_distribution_has_the_moments_it_was_given() {
        check_moments(&Dist::exponential(180.0).unwrap(), 180.0, 180.0);
        check_moments(&Dist::lognormal(480.0, 300.0).unwrap(), 480.0, 300.0);
        check_moments(&Dist::gamma(60.0, 30.0).unwrap(), 60.0, 30.0);
        check_moments(&Dist::uniform(10.0, 20.0).unwrap(), 15.0, 10.0 / 12f64.sqrt());
        check_moments(&Dist::constant(30.0).unwrap(), 30.0, 0.0);
        let e = Dist::empirical(vec![1.0, 2.0, 3.0]).unwrap();
        check_moments(&e, 2.0, (2.0f64 / 3.0).sqrt() * (200_000.0f64 / 199_999.0).sqrt());
    }

    #[test]
    fn nonsense_parameters_are_errors() {
        assert!(Dist::exponential(-1.0).is_err());
        assert!(Dist::lognormal(0.0, 1.0).is_err());
        assert!(Dist::gamma(1.0, f64::NAN).is_err());
        assert!(Dist::uniform(5.0, 1.0).is_err());
        assert!(Dist::empirical(vec![]).is_err());
    }
}
