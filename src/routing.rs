//! The router's data structures: who can take work and what is waiting.
//!
//! [`AgentPool`] holds, per team, the agents that are Available with spare
//! capacity, as an indexed 4-ary heap ([`QuadHeap`]) ordered by the scenario's selection
//! rule, so the best agent is found in O(1) and kept in O(log n) per change.
//! [`WaitQueue`] holds one queue's waiting conversations in queue-age order.
//! Neither allocates once warmed up.

use std::collections::VecDeque;

use crate::heap::{QuadHeap, Track};
use crate::model::Selection;

/// Marker for "not in any pool".
const NOT_POOLED: u32 = u32::MAX;

/// What the router knows of each agent, kept up to date by the engine.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RouteState {
    /// Time of the last assignment or of becoming Available, seconds.
    pub idle_since: f64,
    /// Spare capacity units.
    pub spare: u32,
    /// Open conversations.
    pub open: u32,
    /// Position in its team's pool heap, or `NOT_POOLED`.
    pos: u32,
    /// The order of docs/model.md §R12 as one number (smaller first); see [`RouteState::rekey`].
    key: u128,
}

impl RouteState {
    /// A logged-out agent with `capacity` spare units.
    pub(crate) fn new(capacity: u32) -> RouteState {
        RouteState { idle_since: 0.0, spare: capacity, open: 0, pos: NOT_POOLED, key: 0 }
    }

    /// Recomputes the ordering key of agent `index` after its idle time,
    /// spare capacity or open count changed: the rule's criterion in the top
    /// 32 bits, then the idle-since time (never negative, so its bits order
    /// like the number), then the agent index, so one integer comparison
    /// applies the rule and both tie-breaks.
    #[inline]
    pub(crate) fn rekey(&mut self, index: u32, rule: Selection) {
        let primary = match rule {
            Selection::MostAvailable => u32::MAX - self.spare,
            Selection::LeastActive => self.open,
            Selection::LongestIdle | Selection::RoundRobin => 0,
        };
        self.key =
            (u128::from(primary) << 96) | (u128::from(self.idle_since.to_bits()) << 32) | u128::from(index);
    }

    /// Whether the agent is in a pool (Available with spare capacity).
    pub(crate) fn pooled(&self) -> bool {
        self.pos != NOT_POOLED
    }
}

/// The order of docs/model.md §R12: does agent `a` come before agent `b`?
/// Ties fall to the longest idle, then the lowest index.
#[inline(always)]
pub(crate) fn before(a: u32, b: u32, st: &[RouteState]) -> bool {
    st[a as usize].key < st[b as usize].key
}

/// The agents of one team that are Available with spare capacity, best first.
///
/// A [`QuadHeap`] of the agents' keys ([`RouteState::rekey`]), stored in the
/// heap itself so a sift compares neighbouring integers instead of following
/// agent indices; each agent's position is kept in [`RouteState`] for
/// removal and re-ranking. O(1) to find the best, O(log n) per change
/// whatever the rule and however many agents are idle.
#[derive(Debug, Clone)]
pub(crate) struct AgentPool {
    heap: QuadHeap<()>,
}

/// The agent a key belongs to (its low 32 bits; see [`RouteState::rekey`]).
#[inline]
fn agent_of(key: u128) -> u32 {
    key as u32
}

/// Keeps each pooled agent's heap position in its [`RouteState`].
impl Track<()> for &mut [RouteState] {
    #[inline(always)]
    fn placed(&mut self, key: u128, _: (), i: usize) {
        self[agent_of(key) as usize].pos = i as u32;
    }
}

impl AgentPool {
    /// An empty pool with room for `n` agents.
    pub(crate) fn with_capacity(n: usize) -> AgentPool {
        AgentPool { heap: QuadHeap::with_capacity(n, ()) }
    }

    /// Adds agent `a` (not already pooled).
    #[inline]
    pub(crate) fn insert(&mut self, a: u32, mut st: &mut [RouteState]) {
        debug_assert!(!st[a as usize].pooled());
        let key = st[a as usize].key;
        self.heap.push(key, (), &mut st);
    }

    /// Removes agent `a` (pooled).
    #[inline]
    pub(crate) fn remove(&mut self, a: u32, mut st: &mut [RouteState]) {
        debug_assert!(st[a as usize].pooled());
        let i = st[a as usize].pos as usize;
        st[a as usize].pos = NOT_POOLED;
        self.heap.remove_at(i, &mut st);
    }

    /// Restores order after agent `a`'s key changed (pooled).
    #[inline]
    pub(crate) fn update(&mut self, a: u32, mut st: &mut [RouteState]) {
        let r = &st[a as usize];
        let (i, key) = (r.pos as usize, r.key);
        self.heap.replace_at(i, key, (), &mut st);
    }

    /// The best agent by the rule among those `fits` accepts. The top is
    /// checked first; only if it does not fit (item size, channel cap) are
    /// the others scanned.
    #[inline]
    pub(crate) fn best(&self, fits: impl Fn(u32) -> bool) -> Option<u32> {
        let keys = self.heap.keys();
        let &top = keys.first()?;
        if fits(agent_of(top)) {
            return Some(agent_of(top));
        }
        keys[1..].iter().copied().filter(|&k| fits(agent_of(k))).min().map(agent_of)
    }

    /// Calls `f` on every pooled agent, in no particular order (for round robin's scan).
    #[inline]
    pub(crate) fn for_each(&self, f: impl FnMut(u32)) {
        self.heap.keys().iter().map(|&k| agent_of(k)).for_each(f);
    }
}

/// A conversation waiting in a queue: its queue age and slab handle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Waiting<K> {
    /// When it first entered the queue (kept across requeues), seconds.
    pub since: f64,
    /// The engine's handle for it.
    pub conv: K,
}

/// One queue's waiting conversations, oldest first. Conversations that
/// abandon are dropped lazily when they reach the front.
#[derive(Debug, Clone)]
pub(crate) struct WaitQueue<K> {
    entries: VecDeque<Waiting<K>>,
}

impl<K: Copy> WaitQueue<K> {
    /// An empty queue.
    pub(crate) fn new() -> WaitQueue<K> {
        WaitQueue { entries: VecDeque::with_capacity(64) }
    }

    /// Adds a conversation, keeping age order: O(1) for a new arrival, a
    /// binary search for a requeued one that keeps its original age.
    pub(crate) fn push(&mut self, w: Waiting<K>) {
        match self.entries.back() {
            Some(last) if last.since > w.since => {
                let at = self.entries.partition_point(|e| e.since <= w.since);
                self.entries.insert(at, w);
            }
            _ => self.entries.push_back(w),
        }
    }

    /// The oldest live conversation, discarding dead ones on the way.
    #[inline]
    pub(crate) fn front(&mut self, live: impl Fn(K) -> bool) -> Option<Waiting<K>> {
        while let Some(&w) = self.entries.front() {
            if live(w.conv) {
                return Some(w);
            }
            self.entries.pop_front();
        }
        None
    }

    /// Removes the front entry (after [`WaitQueue::front`] returned it).
    pub(crate) fn pop(&mut self) {
        self.entries.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn states(keys: &[(f64, u32, u32)], rule: Selection) -> Vec<RouteState> {
        let mut st: Vec<RouteState> = keys
            .iter()
            .map(|&(idle, spare, open)| RouteState { idle_since: idle, spare, open, pos: NOT_POOLED, key: 0 })
            .collect();
        for (i, r) in st.iter_mut().enumerate() {
            r.rekey(i as u32, rule);
        }
        st
    }

    /// docs/model.md §R12 written out: the rule's criterion, then longest idle, then lowest index.
    fn reference_before(rule: Selection, a: u32, b: u32, st: &[RouteState]) -> bool {
        let (x, y) = (&st[a as usize], &st[b as usize]);
        let primary = match rule {
            Selection::MostAvailable => y.spare.cmp(&x.spare),
            Selection::LeastActive => x.open.cmp(&y.open),
            Selection::LongestIdle | Selection::RoundRobin => std::cmp::Ordering::Equal,
        };
        primary.then(x.idle_since.total_cmp(&y.idle_since)).then(a.cmp(&b)).is_lt()
    }

    /// The pool's best equals a brute-force minimum by docs/model.md §R12 under every
    /// rule, through any sequence of inserts, removals and key changes, and
    /// its members are exactly the pooled agents.
    #[test]
    fn pool_best_matches_brute_force() {
        let rules = [Selection::LongestIdle, Selection::MostAvailable, Selection::LeastActive];
        proptest!(|(keys in prop::collection::vec((0u8..5, 1u32..4, 0u32..3), 1..30),
                    ops in prop::collection::vec((0usize..30, 0u8..3, 0u8..5), 0..200),
                    r in 0usize..3)| {
            let rule = rules[r];
            let mut st = states(&keys.iter().map(|&(i, s, o)| (f64::from(i), s, o)).collect::<Vec<_>>(), rule);
            let n = st.len();
            let mut pool = AgentPool::with_capacity(n);
            for (who, op, val) in ops {
                let a = (who % n) as u32;
                match op {
                    0 if !st[a as usize].pooled() => pool.insert(a, &mut st),
                    1 if st[a as usize].pooled() => pool.remove(a, &mut st),
                    _ => {
                        let r = &mut st[a as usize];
                        r.idle_since = f64::from(val);
                        r.spare = u32::from(val % 3) + 1;
                        r.open = u32::from(val % 2);
                        r.rekey(a, rule);
                        if r.pooled() { pool.update(a, &mut st); }
                    }
                }
                let brute = |keep: &dyn Fn(u32) -> bool| (0..n as u32).filter(|&b| st[b as usize].pooled() && keep(b))
                    .reduce(|x, y| if reference_before(rule, y, x, &st) { y } else { x });
                prop_assert_eq!(pool.best(|_| true), brute(&|_| true));
                prop_assert_eq!(pool.best(|b| b % 2 == 0), brute(&|b| b % 2 == 0));
                let mut members = vec![];
                pool.for_each(|a| members.push(a));
                members.sort_unstable();
                let pooled: Vec<u32> = (0..n as u32).filter(|&b| st[b as usize].pooled()).collect();
                prop_assert_eq!(members, pooled);
            }
        });
    }

    #[test]
    fn ties_fall_to_longest_idle_then_lowest_index() {
        let keys = [(5.0, 2, 0), (3.0, 2, 0), (3.0, 2, 0), (1.0, 1, 0)];
        let st = states(&keys, Selection::MostAvailable);
        assert!(before(1, 0, &st));
        assert!(before(1, 2, &st));
        assert!(before(2, 3, &st));
        let st = states(&keys, Selection::LongestIdle);
        assert!(before(3, 1, &st));
        assert!(before(1, 2, &st));
    }

    #[test]
    fn requeued_conversations_keep_their_age() {
        let mut q = WaitQueue::new();
        for (since, id) in [(1.0, 1), (3.0, 3), (4.0, 4), (2.0, 2), (0.5, 0)] {
            q.push(Waiting { since, conv: id });
        }
        let mut order = vec![];
        while let Some(w) = q.front(|id| id != 3) {
            order.push(w.conv);
            q.pop();
        }
        assert_eq!(order, vec![0, 1, 2, 4]);
    }
}
