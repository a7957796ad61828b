//! Random streams. Every draw comes from a generator built here from the
//! seed, the replication, what the draws are for ([`Purpose`]) and the
//! names of what they belong to (a queue, an agent group and the agent's
//! place in it), never from positions in the file. So two variants of a
//! scenario share every stream they both have (common random numbers):
//! adding a wrap-up leaves every handle time as it was, inserting a queue or
//! a group reseeds no other, and adding agents to a group leaves the first
//! ones' episodes alone.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used for every stream: fast, small, and reproducible across platforms.
pub(crate) type Rng = Xoshiro256PlusPlus;

/// What a stream is for. Each purpose has streams of its own, so drawing
/// more of one (a wrap-up added, patience removed) shifts no other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum Purpose {
    /// Arrival times of one queue (keyed by the queue's name).
    Arrivals = 1,
    /// Handle times of one queue's conversations (keyed by the queue's name).
    Handle = 2,
    /// Wrap-up times of one queue's conversations (keyed by the queue's name).
    WrapUp = 3,
    /// Patience of one queue's conversations (keyed by the queue's name).
    Patience = 4,
    /// Unplanned episodes of one agent (keyed by the group's name and the
    /// agent's place in the group).
    Episodes = 5,
    /// The day-level volume multiplier shared by every queue with a
    /// `rate_cv` (one draw per day; keyed by nothing).
    DayVolume = 6,
    /// Accept delays of offers of one queue's conversations (keyed by the
    /// queue's name; accept mode only).
    AcceptDelay = 7,
    /// How long one agent stays Unavailable after each missed offer (keyed
    /// like [`Purpose::Episodes`]; accept mode only).
    MissedOffer = 8,
}

/// The stream for `purpose` and `key` (see [`key`]) in replication
/// `replication` of `seed`.
pub(crate) fn stream(seed: u64, replication: u32, purpose: Purpose, key: u64) -> Rng {
    let mut h = splitmix(seed);
    h = splitmix(h ^ u64::from(replication));
    h = splitmix(h ^ purpose as u64);
    h = splitmix(h ^ key);
    Rng::seed_from_u64(h)
}

/// The key of a stream that belongs to `name` (a queue or group name) and
/// to `index` within it (an agent's place in its group; 0 otherwise):
/// 64-bit FNV-1a of the name's bytes, then mixed with the index. Computed
/// once per replication, when the simulation is set up, never per event.
pub(crate) fn key(name: &str, index: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    splitmix(h ^ splitmix(index))
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng as _;

    #[test]
    fn streams_differ_by_every_coordinate_and_repeat() {
        let first = |s: u64, r: u32, p: Purpose, k: u64| stream(s, r, p, k).random::<u64>();
        let chat = key("chat", 0);
        let base = first(1, 0, Purpose::Arrivals, chat);
        assert_eq!(base, first(1, 0, Purpose::Arrivals, key("chat", 0)));
        assert_ne!(base, first(2, 0, Purpose::Arrivals, chat));
        assert_ne!(base, first(1, 1, Purpose::Arrivals, chat));
        assert_ne!(base, first(1, 0, Purpose::Handle, chat));
        assert_ne!(base, first(1, 0, Purpose::Arrivals, key("email", 0)));
        assert_ne!(base, first(1, 0, Purpose::Arrivals, key("chat", 1)));
    }

    #[test]
    fn keys_tell_names_and_places_apart() {
        // A name and its extension, or a name and a place, never collide by construction.
        let keys = [key("a", 0), key("a", 1), key("ab", 0), key("b", 0), key("", 0), key("", 1)];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
