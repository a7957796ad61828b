//! The router's data structures: who can take work and what is waiting.
//!
//! [`AgentPool`] holds, per team, the agents that are Available with spare
//! capacity, as an indexed 4-ary heap ([`QuadHeap`]) ordered by the scenario's selection
//! rule, so the best agent is found in O(1) and kept in O(log n) per change.
//! Beside it, one smaller heap per *fit* — an item size or channel cap that
//! not every pooled agent meets — holds just the agents that can take such
//! a conversation, so a blocked top never costs a scan; and, under
//! `round_robin`, an [`IndexSet`] per heap finds the next agent after the
//! last one assigned in O(log n).
//! [`WaitQueue`] holds one queue's waiting conversations in queue-age order.
//! None of them allocates once warmed up.

use std::collections::VecDeque;

use typed_index_collections::{TiSlice, TiVec};

use crate::heap::{Positions as Slots, QuadHeap, Track};
use crate::model::{AgentId, QueueId, Selection, TeamId};
use crate::ragged::Ragged;

/// Marker for "not in any pool".
const NOT_POOLED: u32 = u32::MAX;

/// What the router knows of each agent, kept up to date by the engine.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RouteState {
    /// Time of the last assignment or of becoming Available, seconds.
    pub idle_since: f64,
    /// Spare capacity units: `capacity` less `held` (never below 0).
    pub spare: u32,
    /// The capacity of the agent's current team.
    pub capacity: u32,
    /// Capacity units held by open conversations.
    pub held: u32,
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
        RouteState { idle_since: 0.0, spare: capacity, capacity, held: 0, open: 0, pos: NOT_POOLED, key: 0 }
    }

    /// Recomputes the ordering key of agent `agent` after its idle time,
    /// spare capacity or open count changed: the rule's criterion in the top
    /// 32 bits, then the idle-since time (never negative, so its bits order
    /// like the number), then the agent's index, so one integer comparison
    /// applies the rule and both tie-breaks.
    #[inline]
    pub(crate) fn rekey(&mut self, agent: AgentId, rule: Selection) {
        let primary = match rule {
            Selection::MostAvailable => u32::MAX - self.spare,
            Selection::LeastActive => self.open,
            Selection::LongestIdle | Selection::RoundRobin => 0,
        };
        self.key =
            (u128::from(primary) << 96) | (u128::from(self.idle_since.to_bits()) << 32) | u128::from(agent.0);
    }

    /// Whether the agent is in a pool (Available with spare capacity).
    pub(crate) fn pooled(&self) -> bool {
        self.pos != NOT_POOLED
    }
}

/// The order of docs/model.md §R12: does agent `a` come before agent `b`?
/// Ties fall to the longest idle, then the lowest index.
#[inline(always)]
pub(crate) fn before(a: AgentId, b: AgentId, st: &TiSlice<AgentId, RouteState>) -> bool {
    st[a].key < st[b].key
}

/// What a conversation needs of an agent beyond spare capacity: its size
/// and its channel's cap, when the cap can bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fit {
    /// Capacity units.
    pub size: u32,
    /// Channel index.
    pub channel: usize,
    /// The team's cap on that channel, or `u32::MAX` when it cannot bind
    /// (at least the team's capacity: spare capacity is then the only limit).
    pub cap: u32,
}

impl Fit {
    /// Whether an agent with `spare` units and `units` (units held per
    /// channel) can take a conversation needing this fit.
    #[inline]
    pub(crate) fn admits(&self, spare: u32, units: &[u32]) -> bool {
        spare >= self.size && (self.cap == u32::MAX || units[self.channel] + self.size <= self.cap)
    }

    /// Whether every pooled agent meets it: pooled agents have at least
    /// `min_spare` spare units (1, or 0 in a pool that also holds full
    /// agents for calls that ignore load, docs/model.md §R14).
    pub(crate) fn is_trivial(&self, min_spare: u32) -> bool {
        self.size <= min_spare && self.cap == u32::MAX
    }
}

/// The agents of one team that are Available with spare capacity, best first.
///
/// A [`QuadHeap`] of the agents' keys ([`RouteState::rekey`]), stored in the
/// heap itself so a sift compares neighbouring integers instead of following
/// agent indices; each agent's position is kept in [`RouteState`] for
/// removal and re-ranking. O(1) to find the best, O(log n) per change
/// whatever the rule and however many agents are idle. One [`FitPool`] per
/// non-trivial [`Fit`] of the team's queues, and under round robin an
/// [`IndexSet`] per heap, are kept in step by the same calls.
#[derive(Debug, Clone)]
pub(crate) struct AgentPool {
    heap: QuadHeap<()>,
    /// The team's agents (ascending); an agent's place here is its local index.
    members: Vec<AgentId>,
    /// Round robin only: the pooled agents by local index.
    order: Option<IndexSet>,
    /// One per non-trivial fit of the team's queues.
    fits: Vec<FitPool>,
    /// Neither order sets nor fit pools: the heap is all there is to keep.
    plain: bool,
    /// Spare units every pooled agent has at least: 1, or 0 when the pool
    /// also holds Available agents with no spare capacity.
    min_spare: u32,
    /// Channels per agent in the units array the engine passes.
    channels: usize,
}

/// The pooled agents of a team that meet one [`Fit`], best first.
#[derive(Debug, Clone)]
struct FitPool {
    fit: Fit,
    /// Keys as in the team's heap; values: local indices.
    heap: QuadHeap<u32>,
    /// Heap position by local index, or `NOT_POOLED`.
    pos: Vec<u32>,
    /// Round robin only: the members by local index.
    order: Option<IndexSet>,
}

/// The agent a key belongs to (its low 32 bits; see [`RouteState::rekey`]).
#[inline]
fn agent_of(key: u128) -> AgentId {
    AgentId(key as u32)
}

/// Keeps each pooled agent's heap position in its [`RouteState`].
impl Track<()> for &mut TiSlice<AgentId, RouteState> {
    #[inline(always)]
    fn placed(&mut self, key: u128, _: (), i: usize) {
        self[agent_of(key)].pos = i as u32;
    }
}

impl AgentPool {
    /// An empty pool for a team of agents `members` (ascending), with a
    /// fit pool for each of `fits` that is not trivial,
    /// and round-robin order sets when `round_robin`. `channels`: channels
    /// per agent in the units array given to the other calls
    /// (`units[agent * channels + channel]`). `full_too`: the pool also
    /// holds Available agents without spare capacity (their team serves a
    /// call that ignores load, docs/model.md §R14).
    pub(crate) fn new(
        members: Vec<AgentId>,
        fits: &[Fit],
        round_robin: bool,
        channels: usize,
        full_too: bool,
    ) -> AgentPool {
        debug_assert!(members.windows(2).all(|w| w[0] < w[1]));
        let n = members.len();
        let set = || round_robin.then(|| IndexSet::with_len(n));
        let min_spare = u32::from(!full_too);
        let mut own: Vec<Fit> = Vec::new();
        for f in fits.iter().filter(|f| !f.is_trivial(min_spare)) {
            if !own.contains(f) {
                own.push(*f);
            }
        }
        AgentPool {
            heap: QuadHeap::with_capacity(n, ()),
            fits: own
                .into_iter()
                .map(|fit| FitPool {
                    fit,
                    heap: QuadHeap::with_capacity(n, 0),
                    pos: vec![NOT_POOLED; n],
                    order: set(),
                })
                .collect(),
            order: set(),
            members,
            plain: false,
            min_spare,
            channels,
        }
        .settled()
    }

    /// Marks the pool plain when it has nothing beside its heap.
    fn settled(mut self) -> AgentPool {
        self.plain = self.order.is_none() && self.fits.is_empty();
        self
    }

    /// The fit pool for `fit`: `None` for a trivial fit (the whole pool),
    /// `Some(i)` otherwise. Called when the simulation is set up.
    pub(crate) fn class_of(&self, fit: Fit) -> Option<usize> {
        if fit.is_trivial(self.min_spare) {
            return None;
        }
        self.fits.iter().position(|f| f.fit == fit)
    }

    /// Agent `a`'s local index (its place among the team's members).
    #[inline]
    fn local(&self, a: AgentId) -> u32 {
        self.members.partition_point(|&m| m < a) as u32
    }

    /// Adds agent `a` (not already pooled). `units`: units held by every
    /// agent on every channel (see [`AgentPool::new`]).
    #[inline]
    pub(crate) fn insert(&mut self, a: AgentId, mut st: &mut TiSlice<AgentId, RouteState>, units: &[u32]) {
        debug_assert!(!st[a].pooled());
        let key = st[a].key;
        self.heap.push(key, (), &mut st);
        self.touch(a, st, units);
    }

    /// Removes agent `a` (pooled).
    #[inline(always)]
    pub(crate) fn remove(&mut self, a: AgentId, mut st: &mut TiSlice<AgentId, RouteState>, units: &[u32]) {
        debug_assert!(st[a].pooled());
        let i = st[a].pos as usize;
        st[a].pos = NOT_POOLED;
        self.heap.remove_at(i, &mut st);
        self.touch(a, st, units);
    }

    /// Restores order after agent `a`'s key, spare capacity or units
    /// changed (pooled).
    #[inline]
    pub(crate) fn update(&mut self, a: AgentId, mut st: &mut TiSlice<AgentId, RouteState>, units: &[u32]) {
        let r = &st[a];
        let (i, key) = (r.pos as usize, r.key);
        self.heap.replace_at(i, key, (), &mut st);
        self.touch(a, st, units);
    }

    /// Brings the fit pools in line with agent `a` (pooled), whose spare
    /// capacity or units changed but whose key did not.
    #[inline]
    pub(crate) fn refresh(&mut self, a: AgentId, st: &TiSlice<AgentId, RouteState>, units: &[u32]) {
        self.touch(a, st, units);
    }

    /// Brings the order set and the fit pools in line with agent `a`'s state.
    #[inline(always)]
    fn touch(&mut self, a: AgentId, st: &TiSlice<AgentId, RouteState>, units: &[u32]) {
        if !self.plain {
            self.touch_all(a, st, units);
        }
    }

    fn touch_all(&mut self, a: AgentId, st: &TiSlice<AgentId, RouteState>, units: &[u32]) {
        let units = &units[a.index() * self.channels..(a.index() + 1) * self.channels];
        let local = self.local(a);
        let r = &st[a];
        if let Some(order) = &mut self.order {
            order.set(local as usize, r.pooled());
        }
        for f in &mut self.fits {
            let want = r.pooled() && f.fit.admits(r.spare, units);
            let at = f.pos[local as usize];
            match (want, at != NOT_POOLED) {
                (true, false) => f.heap.push(r.key, local, &mut Slots(&mut f.pos)),
                (true, true) => f.heap.replace_at(at as usize, r.key, local, &mut Slots(&mut f.pos)),
                (false, true) => {
                    f.pos[local as usize] = NOT_POOLED;
                    f.heap.remove_at(at as usize, &mut Slots(&mut f.pos));
                }
                (false, false) => {}
            }
            if let Some(order) = &mut f.order {
                order.set(local as usize, want);
            }
        }
    }

    /// The best pooled agent by the rule that meets fit `class` (see
    /// [`AgentPool::class_of`]): the top of its heap, O(1).
    #[inline]
    pub(crate) fn best(&self, class: Option<usize>) -> Option<AgentId> {
        let top = match class {
            None => self.heap.keys().first().copied(),
            Some(c) => self.fits[c].heap.keys().first().copied(),
        };
        top.map(agent_of)
    }

    /// Round robin: the pooled agent meeting fit `class` with the smallest
    /// index at or after `start`, else the smallest of all; O(log n).
    #[inline]
    pub(crate) fn next_from(&self, class: Option<usize>, start: AgentId) -> Option<AgentId> {
        let order = match class {
            None => self.order.as_ref(),
            Some(c) => self.fits[c].order.as_ref(),
        }?;
        let from = self.local(start) as usize;
        let local = order.next_from(from).or_else(|| order.next_from(0))?;
        Some(self.members[local])
    }

    /// Calls `f` on every pooled agent, in no particular order.
    #[cfg(test)]
    pub(crate) fn for_each(&self, f: impl FnMut(AgentId)) {
        self.heap.keys().iter().map(|&k| agent_of(k)).for_each(f);
    }
}

/// A set of indices below a fixed bound with O(log n) search for the next
/// member at or after an index: one bit per index, and summary levels in
/// which a bit is set when the 64-bit word it stands for is not empty.
#[derive(Debug, Clone)]
pub(crate) struct IndexSet {
    /// `levels[0]`: the members; `levels[k + 1]`: bit j set iff `levels[k][j] != 0`.
    /// The last level is a single word.
    levels: Vec<Vec<u64>>,
}

impl IndexSet {
    /// An empty set for indices below `n`.
    pub(crate) fn with_len(n: usize) -> IndexSet {
        let mut levels = vec![vec![0u64; n.div_ceil(64).max(1)]];
        while let Some(last) = levels.last()
            && last.len() > 1
        {
            levels.push(vec![0u64; last.len().div_ceil(64)]);
        }
        IndexSet { levels }
    }

    /// Adds (`member`) or removes index `i`.
    #[inline]
    pub(crate) fn set(&mut self, i: usize, member: bool) {
        let mut i = i;
        for level in &mut self.levels {
            let word = &mut level[i >> 6];
            let was_empty = *word == 0;
            if member {
                *word |= 1 << (i & 63);
                if !was_empty {
                    return;
                }
            } else {
                *word &= !(1 << (i & 63));
                if *word != 0 {
                    return;
                }
            }
            i >>= 6;
        }
    }

    /// Whether index `i` is a member.
    #[cfg(test)]
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.levels[0][i >> 6] & (1 << (i & 63)) != 0
    }

    /// The smallest member at or after `i`.
    #[inline]
    pub(crate) fn next_from(&self, i: usize) -> Option<usize> {
        let (mut level, mut idx) = (0, i);
        // Climb until a word holds a set bit at or after idx.
        loop {
            let words = &self.levels[level];
            let w = idx >> 6;
            let found = *words.get(w)? & (!0u64 << (idx & 63));
            if found != 0 {
                idx = (w << 6) | found.trailing_zeros() as usize;
                break;
            }
            if level + 1 == self.levels.len() {
                return None;
            }
            (level, idx) = (level + 1, w + 1);
        }
        // Descend to the first member under the bit found.
        while level > 0 {
            level -= 1;
            idx = (idx << 6) | self.levels[level][idx].trailing_zeros() as usize;
        }
        Some(idx)
    }
}

/// Per team, which of the queues it serves have something waiting: one
/// bit per place in the team's queue list, kept by the engine as each
/// queue's waiting count goes from 0 to 1 and back. A freed agent visits
/// the set bits only, so its search costs the same whatever the number of
/// empty queues its team serves (a word per 64 of them).
#[derive(Debug, Clone)]
pub(crate) struct NonEmpty {
    /// Per team: the bits, by place in its queue list.
    words: TiVec<TeamId, Vec<u64>>,
    /// Per queue: (team, place) of every team whose list holds it.
    places: Ragged<QueueId, (TeamId, u32)>,
}

impl NonEmpty {
    /// All empty, for teams serving `team_queues[t]` (of `queues` queues).
    pub(crate) fn new<'a>(team_queues: impl Iterator<Item = &'a [QueueId]>, queues: usize) -> NonEmpty {
        let mut places: TiVec<QueueId, Vec<(TeamId, u32)>> = vec![Vec::new(); queues].into();
        let words = team_queues
            .enumerate()
            .map(|(t, list)| {
                for (i, &q) in list.iter().enumerate() {
                    places[q].push((TeamId::from(t), i as u32));
                }
                vec![0u64; list.len().div_ceil(64)]
            })
            .collect();
        NonEmpty { words, places: Ragged::from_lists(places) }
    }

    /// Marks queue `q` as holding something (`true`) or nothing, in every team serving it.
    #[inline]
    pub(crate) fn set(&mut self, q: QueueId, waiting: bool) {
        for &(t, i) in self.places.get(q) {
            let word = &mut self.words[t][i as usize >> 6];
            let bit = 1u64 << (i & 63);
            if waiting {
                *word |= bit;
            } else {
                *word &= !bit;
            }
        }
    }

    /// Word `w` of team `t`'s bits (bit j: place `64 w + j` of its queue list).
    #[inline]
    pub(crate) fn word(&self, t: TeamId, w: usize) -> u64 {
        self.words[t][w]
    }

    /// Words of team `t`'s bits.
    #[inline]
    pub(crate) fn word_count(&self, t: TeamId) -> usize {
        self.words[t].len()
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
    #[inline(always)]
    pub(crate) fn push(&mut self, w: Waiting<K>) {
        match self.entries.back() {
            Some(last) if last.since > w.since => self.insert_by_age(w),
            _ => self.entries.push_back(w),
        }
    }

    /// [`WaitQueue::push`] for a conversation older than the newest waiting.
    #[cold]
    fn insert_by_age(&mut self, w: Waiting<K>) {
        let at = self.entries.partition_point(|e| e.since <= w.since);
        self.entries.insert(at, w);
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

    fn states(keys: &[(f64, u32, u32)], rule: Selection) -> TiVec<AgentId, RouteState> {
        let mut st: TiVec<AgentId, RouteState> = keys
            .iter()
            .map(|&(idle, spare, open)| RouteState {
                idle_since: idle,
                spare,
                capacity: spare,
                held: 0,
                open,
                pos: NOT_POOLED,
                key: 0,
            })
            .collect();
        for (a, r) in st.iter_mut_enumerated() {
            r.rekey(a, rule);
        }
        st
    }

    /// docs/model.md §R12 written out: the rule's criterion, then longest idle, then lowest index.
    fn reference_before(rule: Selection, a: AgentId, b: AgentId, st: &TiSlice<AgentId, RouteState>) -> bool {
        let (x, y) = (&st[a], &st[b]);
        let primary = match rule {
            Selection::MostAvailable => y.spare.cmp(&x.spare),
            Selection::LeastActive => x.open.cmp(&y.open),
            Selection::LongestIdle | Selection::RoundRobin => std::cmp::Ordering::Equal,
        };
        primary.then(x.idle_since.total_cmp(&y.idle_since)).then(a.cmp(&b)).is_lt()
    }

    /// The pool's best equals a brute-force minimum by docs/model.md §R12 under every
    /// rule, for the whole pool and for each fit pool (item size 2; a
    /// channel cap of 1 on channel 0), through any sequence of inserts,
    /// removals and changes of key, spare capacity and units; round robin's
    /// next agent equals a brute-force search; and the members are exactly
    /// the pooled agents.
    #[test]
    fn pool_best_matches_brute_force() {
        let rules =
            [Selection::LongestIdle, Selection::MostAvailable, Selection::LeastActive, Selection::RoundRobin];
        let fits = [
            Fit { size: 1, channel: 0, cap: u32::MAX },
            Fit { size: 2, channel: 1, cap: u32::MAX },
            Fit { size: 1, channel: 0, cap: 1 },
        ];
        proptest!(|(keys in prop::collection::vec((0u8..5, 1u32..4, 0u32..3), 1..30),
                    ops in prop::collection::vec((0usize..30, 0u8..3, 0u8..5, 0u32..3), 0..200),
                    r in 0usize..4, stride in 1u32..4)| {
            let rule = rules[r];
            let mut st = states(&keys.iter().map(|&(i, s, o)| (f64::from(i), s, o)).collect::<Vec<_>>(), rule);
            let n = st.len();
            // Members are agents with gaps (another team's agents between).
            let global = |i: usize| AgentId(i as u32 * stride);
            let mut wide: TiVec<AgentId, RouteState> = vec![st.raw[0]; n * stride as usize].into();
            for (i, r) in st.drain(..).enumerate() {
                let mut r = r;
                r.rekey(global(i), rule);
                wide[global(i)] = r;
            }
            let mut st = wide;
            let members: Vec<AgentId> = (0..n).map(global).collect();
            let mut units = vec![0u32; 2 * st.len()];
            let mut pool = AgentPool::new(members.clone(), &fits, rule == Selection::RoundRobin, 2, false);
            let classes: Vec<Option<usize>> = fits.iter().map(|&f| pool.class_of(f)).collect();
            prop_assert_eq!(classes[0], None);
            for (who, op, val, ch0) in ops {
                let a = members[who % n];
                match op {
                    0 if !st[a].pooled() => pool.insert(a, &mut st, &units),
                    1 if st[a].pooled() => pool.remove(a, &mut st, &units),
                    _ => {
                        let r = &mut st[a];
                        r.idle_since = f64::from(val);
                        r.spare = u32::from(val % 3) + 1;
                        r.open = u32::from(val % 2);
                        r.rekey(a, rule);
                        units[2 * a.index()] = ch0;
                        if r.pooled() { pool.update(a, &mut st, &units); }
                    }
                }
                for (f, &class) in fits.iter().zip(&classes) {
                    let keep = |b: AgentId| f.admits(st[b].spare, &units[2 * b.index()..2 * b.index() + 2]);
                    let eligible: Vec<AgentId> = members.iter().copied().filter(|&b| st[b].pooled() && keep(b)).collect();
                    let brute = eligible.iter().copied().reduce(|x, y| if reference_before(rule, y, x, &st) { y } else { x });
                    prop_assert_eq!(pool.best(class), brute);
                    if rule == Selection::RoundRobin {
                        let next = |b: AgentId| AgentId(b.0 + 1);
                        for start in [AgentId(0), a, next(a), next(*members.last().unwrap())] {
                            let want = eligible.iter().copied().find(|&b| b >= start).or(eligible.first().copied());
                            prop_assert_eq!(pool.next_from(class, start), want);
                        }
                    }
                }
                let mut seen = vec![];
                pool.for_each(|a| seen.push(a));
                seen.sort_unstable();
                let pooled: Vec<AgentId> = members.iter().copied().filter(|&b| st[b].pooled()).collect();
                prop_assert_eq!(seen, pooled);
            }
        });
    }

    /// The index set's next member equals a search of a sorted set, at
    /// sizes that need one, two and three levels.
    #[test]
    fn index_set_finds_the_next_member() {
        proptest!(|(n in prop::sample::select(vec![1usize, 63, 64, 65, 4096, 4097, 300_000]),
                    ops in prop::collection::vec((any::<u32>(), any::<bool>()), 0..300))| {
            let mut set = IndexSet::with_len(n);
            let mut reference = std::collections::BTreeSet::new();
            for (i, member) in ops {
                let i = i as usize % n;
                set.set(i, member);
                if member { reference.insert(i); } else { reference.remove(&i); }
                prop_assert_eq!(set.contains(i), member);
                for from in [0, i, i + 1, n / 2, n.saturating_sub(1), n] {
                    prop_assert_eq!(set.next_from(from), reference.range(from..).next().copied());
                }
            }
        });
    }

    #[test]
    fn ties_fall_to_longest_idle_then_lowest_index() {
        let keys = [(5.0, 2, 0), (3.0, 2, 0), (3.0, 2, 0), (1.0, 1, 0)];
        let a = |i: u32| AgentId(i);
        let st = states(&keys, Selection::MostAvailable);
        assert!(before(a(1), a(0), &st));
        assert!(before(a(1), a(2), &st));
        assert!(before(a(2), a(3), &st));
        let st = states(&keys, Selection::LongestIdle);
        assert!(before(a(3), a(1), &st));
        assert!(before(a(1), a(2), &st));
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
