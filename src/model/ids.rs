//! Typed ids: the index of a queue, team, agent group, agent or status,
//! each its own type, so that one cannot index another's list (a team id
//! in `Scenario::queues` does not compile). Lists indexed by them are
//! [`typed_index_collections::TiVec`]s: a `Vec` whose `Index` takes the
//! id, at the cost of a `Vec` index.

use std::fmt;

/// Defines an id type over the unsigned integer `$raw`: `Copy`, ordered,
/// usable as a `TiVec` key (`From<usize>` and back), and printed as the
/// bare number.
macro_rules! id {
    ($(#[$doc:meta])* $name:ident($raw:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub $raw);

        impl $name {
            /// Position in the list it indexes.
            #[inline(always)]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl From<usize> for $name {
            /// The id at position `i`; the scenario's limits keep every
            /// list far shorter than the id type's range.
            #[inline(always)]
            fn from(i: usize) -> $name {
                debug_assert!(<$raw>::try_from(i).is_ok(), "{} {i} out of range", stringify!($name));
                $name(i as $raw)
            }
        }

        impl From<$name> for usize {
            #[inline(always)]
            fn from(id: $name) -> usize {
                id.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id! {
    /// Index of a queue in `Scenario::queues`.
    QueueId(u32)
}

id! {
    /// Index of a team (routing profile) in `Scenario::teams`.
    TeamId(u32)
}

id! {
    /// Index of an agent group in `Scenario::groups`.
    GroupId(u32)
}

id! {
    /// Index of an agent in a replication: groups in file order, agents in
    /// group order.
    AgentId(u32)
}

id! {
    /// Index of a status in `Scenario::statuses`.
    StatusId(u16)
}

impl StatusId {
    /// The default Available status.
    pub const AVAILABLE: StatusId = StatusId(0);
    /// The default Busy status.
    pub const BUSY: StatusId = StatusId(1);
    /// The default Unavailable status.
    pub const UNAVAILABLE: StatusId = StatusId(2);
    /// The default Offline status.
    pub const OFFLINE: StatusId = StatusId(3);
}

#[cfg(test)]
mod tests {
    use super::*;
    use typed_index_collections::TiVec;

    #[test]
    fn ids_index_their_own_lists() {
        let queues: TiVec<QueueId, &str> = vec!["chat", "mail"].into();
        let keys: Vec<QueueId> = queues.keys().collect();
        assert_eq!(keys, [QueueId(0), QueueId(1)]);
        assert_eq!(queues[QueueId(1)], "mail");
        assert_eq!(QueueId::from(7).index(), 7);
        assert_eq!(usize::from(TeamId(3)), 3);
        assert_eq!(StatusId::OFFLINE.to_string(), "3");
    }
}
