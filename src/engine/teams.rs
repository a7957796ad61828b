//! Team switching (docs/model.md §R16): a group may list several teams
//! and schedule switches between them. A switch moves the agent to the
//! other team's pool, routing profile and capacity; conversations it holds,
//! and an offer standing, stay with it (even beyond the new team's
//! capacity: nothing is taken away); its time is booked to the team it is
//! on at the time.

use super::events::Event;
use super::{Sim, Trace};
use crate::model::AgentId;
use crate::time::DAY;

impl<O: FnMut(&Trace)> Sim<'_, O> {
    /// Switch `entry` of agent `a`'s group comes due: the agent works as
    /// the switch's team from now on (again tomorrow at the same time).
    pub(super) fn on_switch(&mut self, a: AgentId, entry: usize) {
        let sc = self.sc;
        let to = sc.groups[self.agents[a].group].switches[entry].team;
        self.schedule(self.now.secs() + DAY, Event::Switch { agent: a, entry: entry as u16 });
        let from = self.agents[a].team;
        if from == to {
            return;
        }
        self.flush_agent(a); // time so far goes to the old team
        self.unpool(a);
        let r = self.route[a];
        let holding = i32::from(r.open > 0);
        if self.kind(a).is_productive() {
            self.change_work(from, -(r.held as i32), -holding);
            self.change_work(to, r.held as i32, holding);
        }
        self.agents[a].team = to;
        let r = &mut self.route[a];
        r.capacity = sc.teams[to].capacity;
        r.spare = r.capacity.saturating_sub(r.held);
        r.rekey(a, sc.routing.selection);
        (self.observe)(&Trace::Team { time: self.now.secs(), agent: a, team: to });
        if self.is_available(a) {
            self.pull_work(a);
            self.repool(a);
        }
    }
}
