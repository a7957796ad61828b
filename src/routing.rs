//! The router's data structures: who can take work and what is waiting.
//!
//! [`AgentPool`] holds, per team, the agents that are Available with spare
//! capacity, as an indexed binary heap ordered by the scenario's selection
//! rule, so the best agent is found in O(1) and kept in O(log n) per change.
//! [`WaitQueue`] holds one queue's waiting conversations in queue-age order.
//! Neither allocates once warmed up.

use std::collections::VecDeque;

use crate::model::Selection;

/// Marker for "not in any pool".
const NOT_POOLED: u32 = u32::MAX;
/// `pos` of an agent in a [`ListPool`].
const IN_LIST: u32 = 0;

/// What the router knows of each agent, kept up to date by the engine.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RouteState {
    /// Time of the last assignment or of becoming Available, seconds.
    pub idle_since: f64,
    /// Spare capacity units.
    pub spare: u32,
    /// Open conversations.
    pub open: u32,
    /// Position in its team's pool heap, `IN_LIST` in a list pool, or `NOT_POOLED`.
    pos: u32,
    /// Neighbours in a list pool (`NIL` at the ends).
    prev: u32,
    next: u32,
    /// Rule 12's order as one number (smaller first); see [`RouteState::rekey`].
    key: u128,
}

impl RouteState {
    /// A logged-out agent with `capacity` spare units.
    pub(crate) fn new(capacity: u32) -> RouteState {
        RouteState {
            idle_since: 0.0,
            spare: capacity,
            open: 0,
            pos: NOT_POOLED,
            prev: NIL,
            next: NIL,
            key: 0,
        }
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

/// Rule 12's order: does agent `a` come before agent `b`?
/// Ties fall to the longest idle, then the lowest index.
#[inline(always)]
pub(crate) fn before(a: u32, b: u32, st: &[RouteState]) -> bool {
    st[a as usize].key < st[b as usize].key
}

/// The agents of one team that are Available with spare capacity, best first.
///
/// Two layouts keep the same order: a sorted list for the rules ordered by
/// idle time alone (longest idle, round robin), where the best is always at
/// the head and a pool holds few agents when work is waiting, and an indexed
/// heap for the rules whose keys move both ways with load (most available,
/// least active). Either is correct for every rule; the choice is only speed.
#[derive(Debug, Clone)]
pub(crate) enum AgentPool {
    /// Sorted doubly linked list through [`RouteState`], best at the head.
    List(ListPool),
    /// Indexed binary heap, best at the root.
    Heap(HeapPool),
}

impl AgentPool {
    /// An empty pool for a team of `n` agents, laid out for `rule`.
    pub(crate) fn for_rule(rule: Selection, n: usize) -> AgentPool {
        match rule {
            Selection::LongestIdle | Selection::RoundRobin => AgentPool::List(ListPool::default()),
            Selection::MostAvailable | Selection::LeastActive => AgentPool::Heap(HeapPool::with_capacity(n)),
        }
    }

    /// Adds agent `a` (not already pooled).
    #[inline]
    pub(crate) fn insert(&mut self, a: u32, st: &mut [RouteState]) {
        debug_assert!(!st[a as usize].pooled());
        match self {
            AgentPool::List(l) => l.insert(a, st),
            AgentPool::Heap(h) => h.insert(a, st),
        }
    }

    /// Removes agent `a` (pooled).
    #[inline]
    pub(crate) fn remove(&mut self, a: u32, st: &mut [RouteState]) {
        debug_assert!(st[a as usize].pooled());
        match self {
            AgentPool::List(l) => l.remove(a, st),
            AgentPool::Heap(h) => h.remove(a, st),
        }
    }

    /// Restores order after agent `a`'s key changed (pooled).
    #[inline]
    pub(crate) fn update(&mut self, a: u32, st: &mut [RouteState]) {
        match self {
            AgentPool::List(l) => l.update(a, st),
            AgentPool::Heap(h) => h.update(a, st),
        }
    }

    /// The best agent by the rule among those `fits` accepts. The best is
    /// checked first; only if it does not fit (item size, channel cap) are
    /// the others looked at.
    #[inline]
    pub(crate) fn best(&self, st: &[RouteState], fits: impl Fn(u32) -> bool) -> Option<u32> {
        match self {
            AgentPool::List(l) => l.iter(st).find(|&a| fits(a)),
            AgentPool::Heap(h) => h.best(st, fits),
        }
    }

    /// Calls `f` on every pooled agent, in no particular order (for round robin's scan).
    #[inline]
    pub(crate) fn for_each(&self, st: &[RouteState], mut f: impl FnMut(u32)) {
        match self {
            AgentPool::List(l) => l.iter(st).for_each(f),
            AgentPool::Heap(h) => h.heap.iter().for_each(|&a| f(a)),
        }
    }
}

/// Marker for "no agent" in list links.
const NIL: u32 = u32::MAX;

/// A pool as a list sorted by key, linked through `RouteState::prev` and
/// `RouteState::next`: O(1) to take the best or remove any agent, a walk
/// to insert.
#[derive(Debug, Clone)]
pub(crate) struct ListPool {
    head: u32,
    tail: u32,
}

impl Default for ListPool {
    fn default() -> ListPool {
        ListPool { head: NIL, tail: NIL }
    }
}

impl ListPool {
    /// Adds agent `a`, searching from the front: an agent rejoining the
    /// pool keeps the idle-since time of its last assignment, which is
    /// usually earlier than that of most agents waiting in the pool.
    fn insert(&mut self, a: u32, st: &mut [RouteState]) {
        let key = st[a as usize].key;
        let mut next = self.head;
        while next != NIL && st[next as usize].key < key {
            next = st[next as usize].next;
        }
        let prev = if next == NIL { self.tail } else { st[next as usize].prev };
        self.link(a, prev, next, st);
    }

    /// Adds agent `a`, searching from the back: for an agent whose key has
    /// just grown (assigned while keeping spare capacity: idle since now).
    fn insert_from_back(&mut self, a: u32, st: &mut [RouteState]) {
        let key = st[a as usize].key;
        let mut prev = self.tail;
        while prev != NIL && st[prev as usize].key > key {
            prev = st[prev as usize].prev;
        }
        let next = if prev == NIL { self.head } else { st[prev as usize].next };
        self.link(a, prev, next, st);
    }

    /// Links agent `a` between `prev` and `next` (adjacent, `NIL` at the ends).
    fn link(&mut self, a: u32, prev: u32, next: u32, st: &mut [RouteState]) {
        let r = &mut st[a as usize];
        (r.prev, r.next, r.pos) = (prev, next, IN_LIST);
        match prev {
            NIL => self.head = a,
            p => st[p as usize].next = a,
        }
        match next {
            NIL => self.tail = a,
            n => st[n as usize].prev = a,
        }
    }

    fn remove(&mut self, a: u32, st: &mut [RouteState]) {
        let r = &mut st[a as usize];
        let (prev, next) = (r.prev, r.next);
        r.pos = NOT_POOLED;
        match prev {
            NIL => self.head = next,
            p => st[p as usize].next = next,
        }
        match next {
            NIL => self.tail = prev,
            n => st[n as usize].prev = prev,
        }
    }

    fn update(&mut self, a: u32, st: &mut [RouteState]) {
        let r = &st[a as usize];
        let in_order = (r.prev == NIL || st[r.prev as usize].key < r.key)
            && (r.next == NIL || r.key < st[r.next as usize].key);
        if !in_order {
            self.remove(a, st);
            self.insert_from_back(a, st);
        }
    }

    fn iter<'a>(&self, st: &'a [RouteState]) -> impl Iterator<Item = u32> + 'a {
        let mut at = self.head;
        std::iter::from_fn(move || {
            let a = at;
            (a != NIL).then(|| {
                at = st[a as usize].next;
                a
            })
        })
    }
}

/// A pool as an indexed binary heap on the key; positions live in [`RouteState::pos`].
#[derive(Debug, Default, Clone)]
pub(crate) struct HeapPool {
    heap: Vec<u32>,
}

impl HeapPool {
    fn with_capacity(n: usize) -> HeapPool {
        HeapPool { heap: Vec::with_capacity(n) }
    }

    fn insert(&mut self, a: u32, st: &mut [RouteState]) {
        let i = self.heap.len();
        self.heap.push(a);
        st[a as usize].pos = i as u32;
        self.sift_up(i, st);
    }

    fn remove(&mut self, a: u32, st: &mut [RouteState]) {
        let i = st[a as usize].pos as usize;
        st[a as usize].pos = NOT_POOLED;
        let Some(last) = self.heap.pop() else { return };
        if i < self.heap.len() {
            self.heap[i] = last;
            st[last as usize].pos = i as u32;
            self.restore(i, st);
        }
    }

    fn update(&mut self, a: u32, st: &mut [RouteState]) {
        let i = st[a as usize].pos as usize;
        self.restore(i, st);
    }

    fn best(&self, st: &[RouteState], fits: impl Fn(u32) -> bool) -> Option<u32> {
        let &top = self.heap.first()?;
        if fits(top) {
            return Some(top);
        }
        self.heap[1..]
            .iter()
            .copied()
            .filter(|&a| fits(a))
            .reduce(|b, a| if before(a, b, st) { a } else { b })
    }

    fn restore(&mut self, i: usize, st: &mut [RouteState]) {
        if i > 0 && before(self.heap[i], self.heap[(i - 1) / 2], st) {
            self.sift_up(i, st);
        } else {
            self.sift_down(i, st);
        }
    }

    fn sift_up(&mut self, mut i: usize, st: &mut [RouteState]) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if !before(self.heap[i], self.heap[parent], st) {
                break;
            }
            self.swap(i, parent, st);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize, st: &mut [RouteState]) {
        let n = self.heap.len();
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut best = i;
            if l < n && before(self.heap[l], self.heap[best], st) {
                best = l;
            }
            if r < n && before(self.heap[r], self.heap[best], st) {
                best = r;
            }
            if best == i {
                break;
            }
            self.swap(i, best, st);
            i = best;
        }
    }

    fn swap(&mut self, i: usize, j: usize, st: &mut [RouteState]) {
        self.heap.swap(i, j);
        st[self.heap[i] as usize].pos = i as u32;
        st[self.heap[j] as usize].pos = j as u32;
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
            .map(|&(idle, spare, open)| RouteState {
                idle_since: idle,
                spare,
                open,
                pos: NOT_POOLED,
                prev: NIL,
                next: NIL,
                key: 0,
            })
            .collect();
        for (i, r) in st.iter_mut().enumerate() {
            r.rekey(i as u32, rule);
        }
        st
    }

    /// Rule 12 written out: the rule's criterion, then longest idle, then lowest index.
    fn reference_before(rule: Selection, a: u32, b: u32, st: &[RouteState]) -> bool {
        let (x, y) = (&st[a as usize], &st[b as usize]);
        let primary = match rule {
            Selection::MostAvailable => y.spare.cmp(&x.spare),
            Selection::LeastActive => x.open.cmp(&y.open),
            Selection::LongestIdle | Selection::RoundRobin => std::cmp::Ordering::Equal,
        };
        primary.then(x.idle_since.total_cmp(&y.idle_since)).then(a.cmp(&b)).is_lt()
    }

    /// The pool's best equals a brute-force minimum by rule 12 under every
    /// rule and in both layouts, through any sequence of inserts, removals
    /// and key changes, and its members are exactly the pooled agents.
    #[test]
    fn pool_best_matches_brute_force() {
        let rules = [Selection::LongestIdle, Selection::MostAvailable, Selection::LeastActive];
        proptest!(|(keys in prop::collection::vec((0u8..5, 1u32..4, 0u32..3), 1..30),
                    ops in prop::collection::vec((0usize..30, 0u8..3, 0u8..5), 0..200),
                    r in 0usize..3,
                    list in any::<bool>())| {
            let rule = rules[r];
            let mut st = states(&keys.iter().map(|&(i, s, o)| (f64::from(i), s, o)).collect::<Vec<_>>(), rule);
            let n = st.len();
            let mut pool = if list {
                AgentPool::List(ListPool::default())
            } else {
                AgentPool::Heap(HeapPool::with_capacity(n))
            };
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
                prop_assert_eq!(pool.best(&st, |_| true), brute(&|_| true));
                prop_assert_eq!(pool.best(&st, |b| b % 2 == 0), brute(&|b| b % 2 == 0));
                let mut members = vec![];
                pool.for_each(&st, |a| members.push(a));
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
