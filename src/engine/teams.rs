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
        let now = self.clock.secs();
        let to = sc.groups[self.floor.agents[a].group].switches[entry].team;
        self.schedule(now + DAY, Event::Switch { agent: a, entry: entry as u16 });
        let from = self.floor.agents[a].team;
        if from == to {
            return;
        }
        // Time so far goes to the old team.
        self.books.flush_agent(&self.clock, sc, &mut self.floor.agents[a]);
        self.unpool(a);
        let r = self.router.route[a];
        let holding = i32::from(r.open > 0);
        if self.floor.kind(a).is_productive() {
            self.books.change_work(now, from, -(r.held as i32), -holding);
            self.books.change_work(now, to, r.held as i32, holding);
        }
        self.floor.agents[a].team = to;
        self.router.switch_team(a, sc.teams[to].capacity);
        (self.observe)(&Trace::Team { time: now, agent: a, team: to });
        if self.floor.is_available(a) {
            self.pull_work(a);
            self.repool(a);
        }
    }
}
