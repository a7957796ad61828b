//! The fixed-width form of fold states on the wire (docs/model.md §15.1).
//!
//! A fold state ([`crate::driver::fold_to_bytes`]) is postcard, whose
//! integers are varints: a count of 10 takes one byte and a count of a
//! million three, so a shard's part would grow as its replications add up.
//! Every integer of a fold state is written at its full width instead
//! ([`Le`]), and every big integer in a fixed number of 64-bit limbs
//! ([`Limbs`]), so that a part's size depends only on the plan's layout
//! (variants, queues, intervals, summary rows), never on the values it
//! holds or on how many replications made them.
//!
//! Both are [`serde_with`] adapters: `#[serde(with = "As::<Le>")]` on an
//! integer, `As::<Vec<[Le; 3]>>` on a vector of arrays of them.

use num_bigint::{BigInt, BigUint, Sign};
use serde::de::{Error as _, SeqAccess, Visitor};
use serde::ser::{Error as _, SerializeTuple};
use serde::{Deserializer, Serializer};
use serde_with::{DeserializeAs, SerializeAs};

/// An integer at its full width, little-endian (postcard's `fixint::le`).
#[derive(Debug, Clone, Copy)]
pub struct Le;

macro_rules! fixed_width {
    ($($int:ty),*) => {$(
        impl SerializeAs<$int> for Le {
            fn serialize_as<S: Serializer>(value: &$int, s: S) -> Result<S::Ok, S::Error> {
                postcard::fixint::le::serialize(value, s)
            }
        }

        impl<'de> DeserializeAs<'de, $int> for Le {
            fn deserialize_as<D: Deserializer<'de>>(d: D) -> Result<$int, D::Error> {
                postcard::fixint::le::deserialize(d)
            }
        }
    )*};
}

fixed_width![u32, u64, i64, u128, i128];

/// A big integer in exactly `N` 64-bit limbs after a sign byte (0 zero,
/// 1 positive, 2 negative). A value wider than `N` limbs is refused when
/// written: each use names the bound its values provably stay under.
#[derive(Debug, Clone, Copy)]
pub struct Limbs<const N: usize>;

impl<const N: usize> SerializeAs<BigInt> for Limbs<N> {
    fn serialize_as<S: Serializer>(value: &BigInt, s: S) -> Result<S::Ok, S::Error> {
        let (sign, digits) = value.to_u64_digits();
        if digits.len() > N {
            return Err(S::Error::custom(format!(
                "an exact sum of {} bits does not fit the {} its field holds",
                value.bits(),
                64 * N
            )));
        }
        let mut t = s.serialize_tuple(N + 1)?;
        t.serialize_element(&match sign {
            Sign::NoSign => 0u8,
            Sign::Plus => 1,
            Sign::Minus => 2,
        })?;
        for i in 0..N {
            t.serialize_element(&digits.get(i).copied().unwrap_or(0).to_le_bytes())?;
        }
        t.end()
    }
}

impl<'de, const N: usize> DeserializeAs<'de, BigInt> for Limbs<N> {
    fn deserialize_as<D: Deserializer<'de>>(d: D) -> Result<BigInt, D::Error> {
        struct LimbsVisitor<const N: usize>;
        impl<'de, const N: usize> Visitor<'de> for LimbsVisitor<N> {
            type Value = BigInt;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "a sign byte and {N} limbs")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<BigInt, A::Error> {
                let missing = || A::Error::custom(format!("a big integer ends before its {N} limbs"));
                let sign = match seq.next_element::<u8>()?.ok_or_else(missing)? {
                    0 => Sign::NoSign,
                    1 => Sign::Plus,
                    2 => Sign::Minus,
                    other => return Err(A::Error::custom(format!("a big integer's sign byte is {other}"))),
                };
                let mut digits = Vec::with_capacity(N);
                for _ in 0..N {
                    digits.push(u64::from_le_bytes(seq.next_element::<[u8; 8]>()?.ok_or_else(missing)?));
                }
                let magnitude = BigUint::from_slice(
                    &digits.iter().flat_map(|&d| [d as u32, (d >> 32) as u32]).collect::<Vec<u32>>(),
                );
                Ok(BigInt::from_biguint(sign, magnitude))
            }
        }
        d.deserialize_tuple(N + 1, LimbsVisitor::<N>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};
    use serde_with::As;

    /// A big integer in two limbs, as a fold state holds its sums.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Two(#[serde(with = "As::<Limbs<2>>")] BigInt);

    /// Integers at full width, alone and in a vector.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Ints {
        #[serde(with = "As::<Le>")]
        count: u64,
        #[serde(with = "As::<Vec<Le>>")]
        signed: Vec<i64>,
    }

    #[test]
    fn big_integers_take_their_limbs_whatever_their_value_and_read_back() {
        let values = [
            BigInt::from(0i32),
            BigInt::from(-5i32),
            BigInt::from(u64::MAX) * 3u32 + 1u32,
            -(BigInt::from(1u32) << 127usize),
        ];
        for v in values {
            let bytes = postcard::to_stdvec(&Two(v.clone())).expect("fits");
            assert_eq!(bytes.len(), 1 + 2 * 8, "{v}");
            assert_eq!(postcard::from_bytes::<Two>(&bytes).expect("reads"), Two(v));
        }
        // One bit past two limbs is refused, not cut.
        assert!(postcard::to_stdvec(&Two(BigInt::from(1u32) << 128usize)).is_err());
    }

    #[test]
    fn a_foreign_sign_byte_or_a_cut_big_integer_is_refused() {
        let mut bytes = postcard::to_stdvec(&Two(BigInt::from(42u32))).expect("fits");
        assert!(postcard::from_bytes::<Two>(&bytes[..bytes.len() - 1]).is_err());
        bytes[0] = 3;
        assert!(postcard::from_bytes::<Two>(&bytes).is_err(), "sign byte 3");
        bytes[0] = 1;
        assert_eq!(postcard::from_bytes::<Two>(&bytes).expect("reads"), Two(BigInt::from(42u32)));
    }

    #[test]
    fn integers_are_written_at_full_width() {
        let small = postcard::to_stdvec(&Ints { count: 1, signed: vec![0, -1] }).expect("writes");
        let large =
            postcard::to_stdvec(&Ints { count: u64::MAX, signed: vec![i64::MIN, i64::MAX] }).expect("writes");
        // 8 bytes for the count, one for the vector's length, 8 for each element.
        assert_eq!((small.len(), large.len()), (8 + 1 + 16, 8 + 1 + 16));
        let back: Ints = postcard::from_bytes(&large).expect("reads");
        assert_eq!(back, Ints { count: u64::MAX, signed: vec![i64::MIN, i64::MAX] });
    }
}
