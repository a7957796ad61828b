//! The one priority queue the engine is built on: a 4-ary min-heap of
//! `u128` keys, each with a small payload, that can report every move so an
//! index of positions stays current (for removal and re-ranking from the
//! middle).
//!
//! The keys are followed by at least [`ARITY`] sentinels (`u128::MAX`, a key no entry
//! may have), so every node that has a first child has four, and the least
//! of them is picked with selects instead of unpredictable branches. An
//! empty heap's top key is the sentinel, which reads as "nothing pending".

/// Children per node.
pub(crate) const ARITY: usize = 4;

/// The key of no entry: fills the slots after the last entry.
pub(crate) const SENTINEL: u128 = u128::MAX;

/// A 4-ary min-heap of `(key, value)` entries, keys unique and below
/// [`SENTINEL`].
#[derive(Debug, Clone)]
pub(crate) struct QuadHeap<V> {
    /// `len` keys in heap order, then at least `ARITY` sentinels.
    keys: Vec<u128>,
    /// The value of each key (the sentinels' values are never read).
    values: Vec<V>,
    len: usize,
}

/// Told where each entry lands, to keep an index of positions. An entry
/// taken out by [`QuadHeap::remove_at`] is not reported: the caller marks
/// it as gone.
pub(crate) trait Track<V> {
    /// The entry `(key, value)` is now at position `i`.
    fn placed(&mut self, key: u128, value: V, i: usize);
}

/// For heaps whose entries are never looked up by position.
#[derive(Debug)]
pub(crate) struct Untracked;

impl<V> Track<V> for Untracked {
    #[inline(always)]
    fn placed(&mut self, _: u128, _: V, _: usize) {}
}

/// For heaps whose values are small indices: keeps each index's position
/// in a slice (`positions[value] = position`).
pub(crate) struct Positions<'a>(pub &'a mut [u32]);

impl Track<u32> for Positions<'_> {
    #[inline(always)]
    fn placed(&mut self, _: u128, value: u32, i: usize) {
        self.0[value as usize] = i as u32;
    }
}

impl<V: Copy> QuadHeap<V> {
    /// An empty heap with room for `n` entries; `filler` is any value,
    /// stored beside the sentinels.
    pub(crate) fn with_capacity(n: usize, filler: V) -> QuadHeap<V> {
        let slots = n.max(1) + ARITY;
        let keys = vec![SENTINEL; slots];
        let values = vec![filler; slots];
        QuadHeap { keys, values, len: 0 }
    }

    /// Entries in the heap.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The least key, or [`SENTINEL`] when empty.
    #[inline]
    pub(crate) fn top_key(&self) -> u128 {
        self.keys[0]
    }

    /// The entry with the least key.
    #[inline]
    pub(crate) fn top(&self) -> Option<(u128, V)> {
        (self.len > 0).then(|| (self.keys[0], self.values[0]))
    }

    /// Heap order holds, and every slot after the last entry (at least
    /// [`ARITY`] of them) holds the sentinel.
    #[cfg(test)]
    fn is_well_formed(&self) -> bool {
        let ordered = (1..self.len).all(|i| self.keys[(i - 1) / ARITY] <= self.keys[i]);
        let entries = self.keys[..self.len].iter().all(|&k| k != SENTINEL);
        let padded =
            self.keys.len() >= self.len + ARITY && self.keys[self.len..].iter().all(|&k| k == SENTINEL);
        ordered && entries && padded
    }

    /// The key at position `i`.
    #[cfg(test)]
    pub(crate) fn key_at(&self, i: usize) -> u128 {
        self.keys[i]
    }

    /// Every key, in heap order (not sorted).
    #[inline]
    pub(crate) fn keys(&self) -> &[u128] {
        &self.keys[..self.len]
    }

    /// Adds an entry.
    #[inline(always)]
    pub(crate) fn push(&mut self, key: u128, value: V, track: &mut impl Track<V>) {
        debug_assert!(key != SENTINEL, "the sentinel key was pushed");
        if self.len + ARITY == self.keys.len() {
            self.grow();
        }
        self.len += 1;
        self.sift_up(self.len - 1, key, value, track);
    }

    /// Removes the entry at position `i` (which must hold one); the entries
    /// that move are reported to `track`, the removed one is not.
    #[inline(always)]
    pub(crate) fn remove_at(&mut self, i: usize, track: &mut impl Track<V>) {
        debug_assert!(i < self.len);
        let n = self.len - 1;
        let last = (std::mem::replace(&mut self.keys[n], SENTINEL), self.values[n]);
        self.len = n;
        if i < n {
            self.restore(i, last.0, last.1, track);
        }
    }

    /// Puts `(key, value)` at position `i` in place of what was there (which
    /// must be an entry), and restores the order.
    #[inline(always)]
    pub(crate) fn replace_at(&mut self, i: usize, key: u128, value: V, track: &mut impl Track<V>) {
        debug_assert!(i < self.len && key != SENTINEL);
        if self.len == 1 {
            // Alone: nothing to compare with (one queue's next arrival, a pool of one).
            self.keys[0] = key;
            self.values[0] = value;
            track.placed(key, value, 0);
            return;
        }
        self.restore(i, key, value, track);
    }

    /// Doubles the slots (all new ones sentinels).
    #[cold]
    fn grow(&mut self) {
        let slots = 2 * self.keys.len();
        self.keys.resize(slots, SENTINEL);
        // Any value will do beside a sentinel; slot 0 always exists.
        let filler = self.values[0];
        self.values.resize(slots, filler);
    }

    /// Places an entry at or around position `i`, whose old entry is gone.
    #[inline(always)]
    fn restore(&mut self, i: usize, key: u128, value: V, track: &mut impl Track<V>) {
        if i > 0 && key < self.keys[(i - 1) / ARITY] {
            self.sift_up(i, key, value, track);
        } else {
            self.sift_down(i, key, value, track);
        }
    }

    /// Places an entry at or above position `i`, moving greater parents down.
    #[inline(always)]
    fn sift_up(&mut self, mut i: usize, key: u128, value: V, track: &mut impl Track<V>) {
        // Slices of the entries, so the compiler sees every index is in bounds.
        let (keys, values) = (&mut self.keys[..=i], &mut self.values[..=i]);
        while i > 0 {
            let parent = (i - 1) / ARITY;
            let up = keys[parent];
            if up <= key {
                break;
            }
            place(keys, values, i, up, values[parent], track);
            i = parent;
        }
        place(keys, values, i, key, value, track);
    }

    /// Places an entry at or below position `i`, moving lesser children up.
    /// The least of the four children is picked by selects, not branches.
    #[inline(always)]
    fn sift_down(&mut self, mut i: usize, key: u128, value: V, track: &mut impl Track<V>) {
        let len = self.len;
        // The entries and the sentinels after them: a node with a first
        // child has all four in these slices, which the compiler can see.
        let (keys, values) = (&mut self.keys[..len + ARITY], &mut self.values[..len + ARITY]);
        loop {
            let first = ARITY * i + 1;
            if first >= len {
                break;
            }
            let Some(&[k0, k1, k2, k3]) = keys.get(first..first + ARITY) else { break };
            let (c01, k01) = if k1 < k0 { (first + 1, k1) } else { (first, k0) };
            let (c23, k23) = if k3 < k2 { (first + 3, k3) } else { (first + 2, k2) };
            let (child, least) = if k23 < k01 { (c23, k23) } else { (c01, k01) };
            if key <= least {
                break;
            }
            place(keys, values, i, least, values[child], track);
            i = child;
        }
        place(keys, values, i, key, value, track);
    }
}

/// Puts `(key, value)` at position `i` and reports it.
#[inline(always)]
fn place<V: Copy>(
    keys: &mut [u128],
    values: &mut [V],
    i: usize,
    key: u128,
    value: V,
    track: &mut impl Track<V>,
) {
    keys[i] = key;
    values[i] = value;
    track.placed(key, value, i);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Records positions by value, as the engine's indexes do.
    struct ByValue(Vec<usize>);

    impl Track<usize> for ByValue {
        fn placed(&mut self, _: u128, value: usize, i: usize) {
            self.0[value] = i;
        }
    }

    proptest! {
        /// Through any mix of pushes, removals from the middle and key
        /// changes, the top is the least key present, every tracked position
        /// holds its entry, and draining yields the keys sorted.
        #[test]
        fn heap_matches_a_sorted_reference(
            capacity in 0usize..6,
            ops in prop::collection::vec((0u8..3, 0usize..40, 0u64..1000), 0..300),
        ) {
            let mut heap = QuadHeap::with_capacity(capacity, usize::MAX);
            let mut pos = ByValue(vec![usize::MAX; 40]);
            let mut present: Vec<Option<u128>> = vec![None; 40];
            let mut seq = 0u128;
            for (op, v, k) in ops {
                seq += 1;
                let key = (u128::from(k) << 64) | seq; // unique
                match (op, present[v]) {
                    (0, None) => { heap.push(key, v, &mut pos); present[v] = Some(key); }
                    (1, Some(_)) => { heap.remove_at(pos.0[v], &mut pos); present[v] = None; }
                    (2, Some(_)) => { heap.replace_at(pos.0[v], key, v, &mut pos); present[v] = Some(key); }
                    _ => {}
                }
                prop_assert!(heap.is_well_formed());
                let least = present.iter().flatten().min().copied();
                prop_assert_eq!(heap.top().map(|t| t.0), least);
                prop_assert_eq!(heap.top_key(), least.unwrap_or(SENTINEL));
                prop_assert_eq!(heap.len(), present.iter().flatten().count());
                for (v, k) in present.iter().enumerate() {
                    if let Some(k) = k {
                        prop_assert_eq!(heap.key_at(pos.0[v]), *k);
                    }
                }
            }
            let mut expected: Vec<u128> = present.iter().flatten().copied().collect();
            expected.sort_unstable();
            let mut drained = vec![];
            while let Some((k, v)) = heap.top() {
                drained.push(k);
                heap.remove_at(0, &mut pos);
                prop_assert_eq!(present[v], Some(k));
            }
            prop_assert_eq!(drained, expected);
        }
    }
}
