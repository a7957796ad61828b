//! Offers (docs/model.md §R13): in accept mode a conversation is offered
//! to the agent routing picks, who accepts after a drawn delay or lets the
//! offer time out. While an offer stands the agent is out of the routing
//! pool (so the room the conversation needs stays free for it) and the
//! conversation still waits: its patience runs, and it counts in the
//! queue length. A missed offer sends the agent to Unavailable for a drawn
//! time and the conversation on to the next eligible agent, keeping its age.

use super::conversations::{ConvKey, ConvState};
use super::events::Event;
use super::{OfferOutcome, Sim, Trace};
use crate::model::{AgentId, StatusId};

impl<O: FnMut(&Trace)> Sim<'_, O> {
    /// Offers waiting conversation `key` (out of its queue's list, counted
    /// as waiting) to agent `a`, who is eligible for it.
    pub(super) fn offer(&mut self, key: ConvKey, a: AgentId) {
        let Some(offers) = &self.sc.routing.offers else { return };
        let now = self.clock.secs();
        let Some(c) = self.convs.get_mut(key) else { return };
        let q = c.queue;
        c.state = ConvState::Offered;
        c.agent = a;
        c.offered_at = now;
        let (id, counted) = (c.id, c.counted);
        if counted {
            self.books.tally.queues[q].offers += 1;
        }
        self.unpool(a);
        // Round robin moves on from the agent offered to, as from one assigned.
        self.router.moved_on(q, a);
        let ag = &mut self.floor.agents[a];
        ag.offer = Some(key);
        ag.offer_token = ag.offer_token.wrapping_add(1);
        let token = ag.offer_token;
        (self.observe)(&Trace::Offered { time: now, id, queue: q, agent: a });
        let delay = self.streams.accept_delay(offers, q);
        let (at, accepted) = if delay <= offers.timeout { (delay, true) } else { (offers.timeout, false) };
        self.schedule(now + at, Event::OfferEnd { agent: a, token, accepted });
    }

    /// Agent `a`'s offer numbered `token` ends: accepted (the conversation
    /// is assigned, its wait including the time offered) or missed.
    pub(super) fn on_offer_end(&mut self, a: AgentId, token: u32, accepted: bool) {
        let ag = &self.floor.agents[a];
        let Some(key) = ag.offer.filter(|_| ag.offer_token == token) else {
            return; // withdrawn or abandoned meanwhile
        };
        let Some(&c) = self.convs.get(key) else { return };
        let q = c.queue;
        if accepted {
            if c.counted {
                let qt = &mut self.books.tally.queues[q];
                qt.accepted += 1;
                qt.accept_wait_sum += self.clock.secs() - c.offered_at;
            }
            self.close_offer(a, c.id, OfferOutcome::Accepted);
            self.change_waiting(q, -1);
            self.agenda.remove_deadline(key);
            self.assign(key, a);
            self.free_after_offer(a);
        } else {
            if c.counted {
                self.books.tally.queues[q].missed_offers += 1;
            }
            self.close_offer(a, c.id, OfferOutcome::Missed);
            let duration = match (&self.sc.routing.offers, &mut self.floor.agents[a].missed_rng) {
                (Some(offers), Some(rng)) => offers.missed_unavailable.sample(rng),
                _ => 0.0,
            };
            // The agent is Available, in no episode and on no call (or the
            // offer would have been withdrawn), so the episode starts now.
            self.start_episode(a, StatusId::UNAVAILABLE, duration);
            self.reroute_offered(key);
        }
    }

    /// Clears agent `a`'s standing offer of conversation `id`, reporting how it ended.
    pub(super) fn close_offer(&mut self, a: AgentId, id: u64, outcome: OfferOutcome) {
        self.floor.agents[a].offer = None;
        (self.observe)(&Trace::OfferEnded { time: self.clock.secs(), id, agent: a, outcome });
    }

    /// After an offer closed, an agent still Available takes work again.
    pub(super) fn free_after_offer(&mut self, a: AgentId) {
        if self.floor.is_available(a) {
            self.pull_work(a);
            self.repool(a);
        }
    }

    /// Agent `a` left Available while holding an offer: the
    /// offer is withdrawn, without penalty, and the conversation moves on.
    pub(super) fn withdraw_offer(&mut self, a: AgentId) {
        let Some(key) = self.floor.agents[a].offer else { return };
        let id = self.convs.get(key).map_or(0, |c| c.id);
        self.close_offer(a, id, OfferOutcome::Withdrawn);
        self.reroute_offered(key);
    }

    /// An offer of `key` missed or withdrawn: the conversation is routed
    /// again as if it had just entered its queue, keeping its age.
    fn reroute_offered(&mut self, key: ConvKey) {
        let Some(c) = self.convs.get_mut(key) else { return };
        c.state = ConvState::Waiting;
        let q = c.queue;
        // `route_conversation` counts it as waiting again.
        self.change_waiting(q, -1);
        self.route_conversation(key);
    }
}
