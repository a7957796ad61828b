//! Routing profiles (docs/model.md §R15): which teams serve a queue at
//! once, which only after a conversation has waited their delay
//! (overflow), and the `Eligible` event that keeps "between events, no
//! waiting conversation has an eligible agent" true when a conversation
//! reaches a team's delay.

use typed_index_collections::TiVec;

use super::conversations::{ConvKey, ConvState};
use super::events::Event;
use super::{Sim, Trace};
use crate::model::{QueueId, Scenario, TeamId};
use crate::ragged::Ragged;

/// Per queue, the teams that serve it, split by whether they wait a delay
/// (each split in one allocation: [`Ragged`]).
pub(super) struct Profiles {
    /// Teams serving each queue at once (no delay in their profile).
    at_once: Ragged<QueueId, TeamId>,
    /// Teams serving each queue only after a delay: (team, delay in seconds).
    delayed: Ragged<QueueId, (TeamId, f64)>,
}

impl Profiles {
    /// Reads every team's profile of `sc` once, when the replication is set
    /// up: one pass over the profiles' entries (a queue is listed at most
    /// once per team), each queue's teams in team order.
    pub(super) fn new(sc: &Scenario) -> Profiles {
        let mut at_once: TiVec<QueueId, Vec<TeamId>> = vec![Vec::new(); sc.queues.len()].into();
        let mut delayed: TiVec<QueueId, Vec<(TeamId, f64)>> = vec![Vec::new(); sc.queues.len()].into();
        for (t, team) in sc.teams.iter_enumerated() {
            for (&q, &delay) in team.queues.iter().zip(&team.delays) {
                if delay > 0.0 {
                    delayed[q].push((t, delay));
                } else {
                    at_once[q].push(t);
                }
            }
        }
        Profiles { at_once: Ragged::from_lists(at_once), delayed: Ragged::from_lists(delayed) }
    }

    /// The teams that take queue `q`'s conversations as soon as they arrive.
    #[inline]
    pub(super) fn at_once(&self, q: QueueId) -> &[TeamId] {
        self.at_once.get(q)
    }

    /// The teams that take queue `q`'s conversations after a delay: (team, delay in seconds).
    #[inline]
    pub(super) fn delayed(&self, q: QueueId) -> &[(TeamId, f64)] {
        self.delayed.get(q)
    }
}

impl<O: FnMut(&Trace)> Sim<'_, O> {
    /// Schedules, for conversation `key` of queue `q` waiting since `since`,
    /// an `Eligible` event at each delay it has not reached yet.
    pub(super) fn schedule_eligible(&mut self, key: ConvKey, q: QueueId, since: f64) {
        let now = self.clock.secs();
        for &(t, delay) in self.router.delayed(q) {
            if since + delay > now {
                self.agenda.schedule(&self.clock, since + delay, Event::Eligible { conv: key, team: t });
            }
        }
    }

    /// Conversation `key` has waited as long as team `t` asks: if it still
    /// waits and an agent of `t` can take it, it is given to the one R12
    /// picks now. (Any older conversation of its queue that `t` could take
    /// would have been taken already, so it is the one to take.)
    pub(super) fn on_eligible(&mut self, key: ConvKey, t: TeamId) {
        let Some(c) = self.convs.get(key) else { return };
        if c.state != ConvState::Waiting {
            return;
        }
        let q = c.queue;
        let Some(a) = self.router.better_of(None, t, q) else { return };
        // Its queue entry goes stale and is dropped when it reaches the front.
        self.take(key, q, a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass reading equals the definition through
    /// `Scenario::teams_serving` and `Scenario::serve`, on every bundled
    /// scenario (blended-day has an overflow team).
    #[test]
    fn profiles_split_each_queues_teams_by_their_delay() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut delayed_seen = 0;
        for name in ["blended-day", "support-day", "swing-day", "forecast-day", "erlang-a"] {
            let sc = crate::scenario::load(&dir.join(format!("{name}.toml")), &[]).expect(name);
            let p = Profiles::new(&sc);
            for q in sc.queues.keys() {
                let serving: Vec<(TeamId, f64)> =
                    sc.teams_serving(q).filter_map(|t| sc.serve(t, q).map(|(_, d)| (t, d))).collect();
                let at_once: Vec<TeamId> = serving.iter().filter(|s| s.1 <= 0.0).map(|s| s.0).collect();
                let delayed: Vec<(TeamId, f64)> = serving.iter().copied().filter(|s| s.1 > 0.0).collect();
                assert_eq!(p.at_once(q), at_once.as_slice(), "{name} queue {q}");
                assert_eq!(p.delayed(q), delayed.as_slice(), "{name} queue {q}");
                delayed_seen += delayed.len();
            }
        }
        assert!(delayed_seen > 0, "no scenario with an overflow team");
    }
}
