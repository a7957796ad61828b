//! Conversations in flight, in a slab whose slots are reused, so memory is
//! bounded by how many are open at once, not by the horizon. A [`ConvKey`]
//! carries a generation: events and queue entries that outlived a state
//! change (answered before patience ran out, requeued, paused) no longer
//! match and are ignored.

use crate::model::{AgentId, QueueId};

/// Handle to a conversation: slot and generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ConvKey {
    slot: u32,
    generation: u32,
}

impl ConvKey {
    /// A key that names no conversation (fills unused slots).
    pub(crate) const DANGLING: ConvKey = ConvKey { slot: u32::MAX, generation: u32::MAX };

    /// The slab slot (stable for the conversation's life).
    #[inline]
    pub(crate) fn slot(self) -> usize {
        self.slot as usize
    }
}

/// Where a conversation is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConvState {
    /// In a queue.
    Waiting,
    /// Offered to an agent who has not accepted yet (docs/model.md §R13); still unanswered.
    Offered,
    /// Assigned, handle time running.
    Serving,
    /// Assigned, wrap-up running.
    WrapUp,
    /// Assigned to an agent who went Offline without requeue; handle time stopped.
    Paused,
}

/// One conversation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Conv {
    /// Unique id within the replication (for the trace).
    pub id: u64,
    /// Arrival time (queue age is kept across requeues), seconds.
    pub arrival: f64,
    /// Handle time drawn at arrival, seconds.
    pub handle: f64,
    /// Wrap-up drawn at arrival, seconds.
    pub wrap: f64,
    /// Handle time left when paused, seconds.
    pub remaining: f64,
    /// When the running handle time ends, seconds.
    pub handle_end: f64,
    /// When the standing offer was made (Offered only), seconds.
    pub offered_at: f64,
    /// Assigned agent, or the agent it is offered to (meaningful unless Waiting).
    pub agent: AgentId,
    /// Reporting interval of arrival.
    pub interval: u32,
    /// Its queue.
    pub queue: QueueId,
    /// Life stage.
    pub state: ConvState,
    /// Answered at least once (first assignment happened).
    pub answered: bool,
    /// Arrived after the warm-up, so it counts in the metrics.
    pub counted: bool,
}

/// Slab of conversations with generation-checked handles, and the counts
/// the run keeps of them.
#[derive(Debug)]
pub(crate) struct Conversations {
    slots: Vec<(u32, Conv)>,
    free: Vec<u32>,
    /// Conversations created so far (ids for the trace).
    next_id: u64,
    /// Conversations that arrived and are neither answered nor abandoned yet.
    pub unanswered: u64,
}

impl Conversations {
    /// An empty slab with room for `n`.
    pub(crate) fn with_capacity(n: usize) -> Conversations {
        Conversations { slots: Vec::with_capacity(n), free: Vec::with_capacity(n), next_id: 0, unanswered: 0 }
    }

    /// The id of the next conversation to arrive (unique within the replication).
    #[inline]
    pub(crate) fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Stores `conv`, reusing a free slot if there is one.
    #[inline]
    pub(crate) fn insert(&mut self, conv: Conv) -> ConvKey {
        if let Some(slot) = self.free.pop() {
            let entry = &mut self.slots[slot as usize];
            entry.1 = conv;
            ConvKey { slot, generation: entry.0 }
        } else {
            self.slots.push((0, conv));
            ConvKey { slot: (self.slots.len() - 1) as u32, generation: 0 }
        }
    }

    /// The conversation `key` names, if the key is still current.
    #[inline]
    pub(crate) fn get(&self, key: ConvKey) -> Option<&Conv> {
        let (generation, conv) = &self.slots[key.slot as usize];
        (*generation == key.generation).then_some(conv)
    }

    /// Mutable access to a current key's conversation.
    #[inline]
    pub(crate) fn get_mut(&mut self, key: ConvKey) -> Option<&mut Conv> {
        let (generation, conv) = &mut self.slots[key.slot as usize];
        (*generation == key.generation).then_some(conv)
    }

    /// Whether `key` is current and waiting in a queue.
    #[inline]
    pub(crate) fn is_waiting(&self, key: ConvKey) -> bool {
        self.get(key).is_some_and(|c| c.state == ConvState::Waiting)
    }

    /// Invalidates every outstanding copy of `key` and returns the new key.
    #[inline]
    pub(crate) fn renew(&mut self, key: ConvKey) -> ConvKey {
        let entry = &mut self.slots[key.slot as usize];
        entry.0 = entry.0.wrapping_add(1);
        ConvKey { slot: key.slot, generation: entry.0 }
    }

    /// Frees the slot; every copy of `key` goes stale.
    #[inline]
    pub(crate) fn remove(&mut self, key: ConvKey) {
        self.renew(key);
        self.free.push(key.slot);
    }

    /// Conversations still in the slab.
    pub(crate) fn live(&self) -> impl Iterator<Item = &Conv> {
        let free = &self.free;
        let mut is_free = vec![false; self.slots.len()];
        for &s in free {
            is_free[s as usize] = true;
        }
        self.slots.iter().zip(is_free).filter(|(_, f)| !f).map(|((_, c), _)| c)
    }
}
