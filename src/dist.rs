//! Probability distributions of durations (handle time, wrap-up, patience,
//! episode lengths), built once when the scenario is loaded and sampled in
//! the hot loop without allocation.

use rand::{Rng, RngCore};
use rand_distr::{Distribution, Exp, Exp1, Gamma, LogNormal, Uniform};

use crate::streams;

/// A distribution of non-negative durations in seconds.
#[derive(Debug, Clone)]
pub struct Dist {
    kind: Kind,
    mean: f64,
    /// Exponential only: the factor `rand_distr`'s `Exp` multiplies a
    /// standard exponential draw by (`1 / (1 / mean)`, computed as it does).
    exp_scale: Option<f64>,
}

#[derive(Debug, Clone)]
enum Kind {
    Constant(f64),
    Exponential(Exp<f64>),
    LogNormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Uniform(Uniform<f64>),
    Empirical(Box<[f64]>),
}

impl Dist {
    /// Always `value` seconds.
    pub fn constant(value: f64) -> Result<Dist, String> {
        check_non_negative("value", value)?;
        Ok(Dist { kind: Kind::Constant(value), mean: value, exp_scale: None })
    }

    /// Exponential with the given mean (seconds); a zero mean is the constant 0.
    pub fn exponential(mean: f64) -> Result<Dist, String> {
        check_non_negative("mean", mean)?;
        if mean == 0.0 {
            return Dist::constant(0.0);
        }
        let lambda = 1.0 / mean;
        let exp = Exp::new(lambda).map_err(|e| e.to_string())?;
        Ok(Dist { kind: Kind::Exponential(exp), mean, exp_scale: Some(1.0 / lambda) })
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
        Ok(Dist { kind: Kind::LogNormal(ln), mean, exp_scale: None })
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
        Ok(Dist { kind: Kind::Gamma(g), mean, exp_scale: None })
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
        Ok(Dist { kind: Kind::Uniform(u), mean: (min + max) / 2.0, exp_scale: None })
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
        Ok(Dist { kind: Kind::Empirical(values.into_boxed_slice()), mean, exp_scale: None })
    }

    /// The distribution's mean, seconds.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// One draw, seconds (never negative).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            Kind::Constant(v) => *v,
            Kind::Exponential(d) => d.sample(rng),
            Kind::LogNormal(d) => d.sample(rng),
            Kind::Gamma(d) => d.sample(rng),
            Kind::Uniform(d) => d.sample(rng),
            Kind::Empirical(values) => values[rng.random_range(0..values.len())],
        }
    }
}

impl Dist {
    /// One draw from one of the engine's streams: the same value, and the
    /// same state of `rng` after it, as [`Dist::sample`], with the
    /// exponential's common case inlined ([`exp1`]).
    #[inline(always)]
    pub(crate) fn draw(&self, rng: &mut streams::Rng) -> f64 {
        match self.exp_scale {
            Some(scale) => exp1(rng) * scale,
            None => self.sample(rng),
        }
    }
}

/// A standard exponential draw, exactly as `rand_distr::Exp1` makes it
/// (the same value from the same state, leaving the same state): the
/// first step of its ziggurat, which decides about 98.9% of draws with
/// one 64-bit number, is done here inline; otherwise the generator is put
/// back and `Exp1` draws from the start.
#[inline(always)]
pub(crate) fn exp1(rng: &mut streams::Rng) -> f64 {
    let saved = rng.clone();
    let bits = rng.next_u64();
    let i = (bits & 0xff) as usize;
    // 52 random bits as a float in [1, 2), moved to (0, 1), as rand_distr does.
    let u = f64::from_bits((bits >> 12) | (1023u64 << 52)) - (1.0 - f64::EPSILON / 2.0);
    let x = u * ZIG_EXP_X[i];
    if x < ZIG_EXP_X[i + 1] {
        return x;
    }
    *rng = saved;
    Exp1.sample(rng)
}

/// The x coordinates of `rand_distr` 0.5's exponential ziggurat
/// (`ziggurat_tables::ZIG_EXP_X`, generated by its `ziggurat_tables.py`;
/// MIT or Apache-2.0, as this crate). The `exp1_matches_rand_distr` test
/// holds [`exp1`] to `Exp1` draw for draw, so a change of the crate's
/// tables cannot go unnoticed.
#[rustfmt::skip]
#[allow(clippy::excessive_precision, clippy::unreadable_literal)]
static ZIG_EXP_X: [f64; 257] = [
    8.697117470131052741, 7.697117470131050077, 6.941033629377212577, 6.478378493832569696,
    6.144164665772472667, 5.882144315795399869, 5.666410167454033697, 5.482890627526062488,
    5.323090505754398016, 5.181487281301500047, 5.054288489981304089, 4.938777085901250530,
    4.832939741025112035, 4.735242996601741083, 4.644491885420085175, 4.559737061707351380,
    4.480211746528421912, 4.405287693473573185, 4.334443680317273007, 4.267242480277365857,
    4.203313713735184365, 4.142340865664051464, 4.084051310408297830, 4.028208544647936762,
    3.974606066673788796, 3.923062500135489739, 3.873417670399509127, 3.825529418522336744,
    3.779270992411667862, 3.734528894039797375, 3.691201090237418825, 3.649195515760853770,
    3.608428813128909507, 3.568825265648337020, 3.530315889129343354, 3.492837654774059608,
    3.456332821132760191, 3.420748357251119920, 3.386035442460300970, 3.352149030900109405,
    3.319047470970748037, 3.286692171599068679, 3.255047308570449882, 3.224079565286264160,
    3.193757903212240290, 3.164053358025972873, 3.134938858084440394, 3.106389062339824481,
    3.078380215254090224, 3.050890016615455114, 3.023897504455676621, 2.997382949516130601,
    2.971327759921089662, 2.945714394895045718, 2.920526286512740821, 2.895747768600141825,
    2.871364012015536371, 2.847360965635188812, 2.823725302450035279, 2.800444370250737780,
    2.777506146439756574, 2.754899196562344610, 2.732612636194700073, 2.710636095867928752,
    2.688959688741803689, 2.667573980773266573, 2.646469963151809157, 2.625639026797788489,
    2.605072938740835564, 2.584763820214140750, 2.564704126316905253, 2.544886627111869970,
    2.525304390037828028, 2.505950763528594027, 2.486819361740209455, 2.467904050297364815,
    2.449198932978249754, 2.430698339264419694, 2.412396812688870629, 2.394289099921457886,
    2.376370140536140596, 2.358635057409337321, 2.341079147703034380, 2.323697874390196372,
    2.306486858283579799, 2.289441870532269441, 2.272558825553154804, 2.255833774367219213,
    2.239262898312909034, 2.222842503111036816, 2.206569013257663858, 2.190438966723220027,
    2.174449009937774679, 2.158595893043885994, 2.142876465399842001, 2.127287671317368289,
    2.111826546019042183, 2.096490211801715020, 2.081275874393225145, 2.066180819490575526,
    2.051202409468584786, 2.036338080248769611, 2.021585338318926173, 2.006941757894518563,
    1.992404978213576650, 1.977972700957360441, 1.963642687789548313, 1.949412758007184943,
    1.935280786297051359, 1.921244700591528076, 1.907302480018387536, 1.893452152939308242,
    1.879691795072211180, 1.866019527692827973, 1.852433515911175554, 1.838931967018879954,
    1.825513128903519799, 1.812175288526390649, 1.798916770460290859, 1.785735935484126014,
    1.772631179231305643, 1.759600930889074766, 1.746643651946074405, 1.733757834985571566,
    1.720942002521935299, 1.708194705878057773, 1.695514524101537912, 1.682900062917553896,
    1.670349953716452118, 1.657862852574172763, 1.645437439303723659, 1.633072416535991334,
    1.620766508828257901, 1.608518461798858379, 1.596327041286483395, 1.584191032532688892,
    1.572109239386229707, 1.560080483527888084, 1.548103603714513499, 1.536177455041032092,
    1.524300908219226258, 1.512472848872117082, 1.500692176842816750, 1.488957805516746058,
    1.477268661156133867, 1.465623682245745352, 1.454021818848793446, 1.442462031972012504,
    1.430943292938879674, 1.419464582769983219, 1.408024891569535697, 1.396623217917042137,
    1.385258568263121992, 1.373929956328490576, 1.362636402505086775, 1.351376933258335189,
    1.340150580529504643, 1.328956381137116560, 1.317793376176324749, 1.306660610415174117,
    1.295557131686601027, 1.284481990275012642, 1.273434238296241139, 1.262412929069615330,
    1.251417116480852521, 1.240445854334406572, 1.229498195693849105, 1.218573192208790124,
    1.207669893426761121, 1.196787346088403092, 1.185924593404202199, 1.175080674310911677,
    1.164254622705678921, 1.153445466655774743, 1.142652227581672841, 1.131873919411078511,
    1.121109547701330200, 1.110358108727411031, 1.099618588532597308, 1.088889961938546813,
    1.078171191511372307, 1.067461226479967662, 1.056759001602551429, 1.046063435977044209,
    1.035373431790528542, 1.024687873002617211, 1.014005623957096480, 1.003325527915696735,
    0.992646405507275897, 0.981967053085062602, 0.971286240983903260, 0.960602711668666509,
    0.949915177764075969, 0.939222319955262286, 0.928522784747210395, 0.917815182070044311,
    0.907098082715690257, 0.896370015589889935, 0.885629464761751528, 0.874874866291025066,
    0.864104604811004484, 0.853317009842373353, 0.842510351810368485, 0.831682837734273206,
    0.820832606554411814, 0.809957724057418282, 0.799056177355487174, 0.788125868869492430,
    0.777164609759129710, 0.766170112735434672, 0.755139984181982249, 0.744071715500508102,
    0.732962673584365398, 0.721810090308756203, 0.710611050909655040, 0.699362481103231959,
    0.688061132773747808, 0.676703568029522584, 0.665286141392677943, 0.653804979847664947,
    0.642255960424536365, 0.630634684933490286, 0.618936451394876075, 0.607156221620300030,
    0.595288584291502887, 0.583327712748769489, 0.571267316532588332, 0.559100585511540626,
    0.546820125163310577, 0.534417881237165604, 0.521885051592135052, 0.509211982443654398,
    0.496388045518671162, 0.483401491653461857, 0.470239275082169006, 0.456886840931420235,
    0.443327866073552401, 0.429543940225410703, 0.415514169600356364, 0.401214678896277765,
    0.386617977941119573, 0.371692145329917234, 0.356399760258393816, 0.340696481064849122,
    0.324529117016909452, 0.307832954674932158, 0.290527955491230394, 0.272513185478464703,
    0.253658363385912022, 0.233790483059674731, 0.212671510630966620, 0.189958689622431842,
    0.165127622564187282, 0.137304980940012589, 0.104838507565818778, 0.063852163815001570,
    0.000000000000000000,
];

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

    /// The inlined exponential gives `Exp1`'s values and leaves the
    /// generator as `Exp1` does, draw for draw (over enough draws to take
    /// every path of the ziggurat, the tail included).
    #[test]
    fn exp1_matches_rand_distr() {
        for seed in 0..4u64 {
            let mut a = crate::streams::Rng::seed_from_u64(seed);
            let mut b = a.clone();
            for _ in 0..250_000 {
                let (x, y): (f64, f64) = (exp1(&mut a), Exp1.sample(&mut b));
                assert_eq!(x.to_bits(), y.to_bits());
            }
            assert_eq!(a, b);
        }
        let d = Dist::exponential(180.0).unwrap();
        let mut a = crate::streams::Rng::seed_from_u64(9);
        let mut b = a.clone();
        for _ in 0..10_000 {
            assert_eq!(d.draw(&mut a).to_bits(), d.sample(&mut b).to_bits());
        }
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
