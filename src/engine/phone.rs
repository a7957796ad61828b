//! Busy synced from a phone system (docs/model.md §R14): a call of a queue
//! with `busy_while_handling` puts its agent in Busy from assignment until
//! its wrap-up is over, then back to the status the agent would have. No
//! other routed work reaches the agent meanwhile (Busy is not
//! Available). Unless the queue is `capacity_aware`, the call needs and
//! holds no capacity units, so it reaches agents whatever their digital
//! load: their team's pool then keeps full agents too, and the queue's
//! fit has size 0 (see `Sim::new`, `Queue::held_size`).

use super::agents::Phase;
use super::{Sim, Trace};
use crate::model::AgentId;

impl<O: FnMut(&Trace)> Sim<'_, O> {
    /// Agent `a` has just been assigned a synced call: Busy until it ends.
    pub(super) fn start_call(&mut self, a: AgentId) {
        self.update_agent(a, |ag| ag.call = true);
    }

    /// Agent `a`'s synced call is over (completed, or requeued with an
    /// Offline agent): the agent goes into a planned episode that came due
    /// during the call, if any (never Available in between), else back to
    /// the status its shift and episodes give.
    pub(super) fn end_call(&mut self, a: AgentId) {
        let ag = &mut self.floor.agents[a];
        ag.call = false;
        if ag.phase == Phase::On && ag.episode.is_none() && !ag.deferred.is_empty() {
            let entry = ag.deferred.remove(0);
            let p = self.sc.groups[ag.group].schedule[entry];
            self.start_episode(a, p.status, p.duration);
        } else {
            self.update_agent(a, |_| {});
        }
    }
}
