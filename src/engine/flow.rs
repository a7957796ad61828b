//! A conversation's way through the system (docs/model.md §R8-§R12): it
//! arrives and is drawn, routed to the agent rule §R12 picks or queued,
//! assigned (or offered, §R13), handled, wrapped up and completed, or it
//! abandons; an agent who gains room pulls the best waiting work.
//!
//! Each rule reads the scenario and hands the parts what they own: the
//! conversation slab, the router, the floor, the books, the agenda.

use super::conversations::{Conv, ConvKey, ConvState};
use super::events::Event;
use super::{OfferOutcome, Sim, Trace};
use crate::model::{AgentId, QueueId};
use crate::routing::Waiting;
use crate::time::Time;

impl<O: FnMut(&Trace)> Sim<'_, O> {
    /// Queue `q`'s next conversation arrives now: drawn, booked, routed.
    pub(super) fn on_arrival(&mut self, q: QueueId) {
        let sc = self.sc;
        let now = self.clock.secs();
        let next = self.streams.next_arrival(sc, q, now);
        self.agenda.set_next_arrival(q, next);
        let drawn = self.streams.conversation(sc, &self.queues[q], q, now);
        let (handle, wrap, patience) = (drawn.handle, drawn.wrap, drawn.patience);
        let counted = now >= sc.warmup;
        let id = self.convs.new_id();
        (self.observe)(&Trace::Arrived { time: now, id, queue: q, handle, wrap, patience });
        let key = self.convs.insert(Conv {
            id,
            arrival: now,
            handle,
            wrap,
            remaining: handle,
            handle_end: 0.0,
            offered_at: 0.0,
            agent: AgentId(0),
            interval: self.clock.interval as u32,
            queue: q,
            state: ConvState::Waiting,
            answered: false,
            counted,
        });
        self.books.arrived(&self.clock, q, counted);
        self.convs.unanswered += 1;
        // Patience runs while the conversation waits, and while it is offered;
        // with business hours, only while the queue is open (docs/model.md §10.13).
        if !self.route_conversation(key) && patience.is_finite() {
            let deadline = self.patience_end(q, now, patience);
            if deadline < self.clock.end {
                self.agenda.add_deadline(Time(deadline), key);
            }
        }
    }

    /// How long a conversation of queue `q` waited from `from` to `to`: open
    /// time only, with business hours (docs/model.md §10.13). Only a queue
    /// with hours reads the scenario's queue.
    #[inline(always)]
    pub(super) fn wait_between(&self, q: QueueId, from: f64, to: f64) -> f64 {
        if self.queues[q].always_open { to - from } else { self.sc.queues[q].wait_between(from, to) }
    }

    /// When the patience `patience` of a conversation of queue `q` that
    /// starts waiting at `from` runs out: counted in open time only, with
    /// business hours (docs/model.md §10.13).
    #[inline(always)]
    fn patience_end(&self, q: QueueId, from: f64, patience: f64) -> f64 {
        if self.queues[q].always_open {
            from + patience
        } else {
            self.sc.queues[q].patience_end(from, patience)
        }
    }

    /// Routes a conversation that has just entered (or re-entered) its queue:
    /// to the best eligible agent, else into the queue. Returns whether it
    /// was assigned (an offer, §R13, is not an assignment: it still waits).
    ///
    /// Between events no waiting conversation has an eligible agent, so the
    /// newcomer is the only one that can be assigned now.
    #[inline(always)]
    pub(super) fn route_conversation(&mut self, key: ConvKey) -> bool {
        let Some(c) = self.convs.get(key) else {
            return false;
        };
        let (q, since) = (c.queue, c.arrival);
        let (best, later) = self.router.choose(q, since, self.clock.secs());
        match best {
            Some(a) if self.router.offers => {
                self.change_waiting(q, 1);
                self.offer(key, a);
                false
            }
            Some(a) => {
                self.assign(key, a);
                true
            }
            None => {
                self.change_waiting(q, 1);
                self.router.waits[q].push(Waiting { since, conv: key });
                if later {
                    self.schedule_eligible(key, q, since);
                }
                false
            }
        }
    }

    /// Gives waiting conversation `key` of queue `q` (out of its queue's
    /// list, still counted as waiting) to agent `a`: assigned at once, or
    /// offered in accept mode (§R13).
    #[inline(always)]
    pub(super) fn take(&mut self, key: ConvKey, q: QueueId, a: AgentId) {
        if self.router.offers {
            self.offer(key, a);
        } else {
            self.change_waiting(q, -1);
            // Only conversations that waited have a patience deadline.
            self.agenda.remove_deadline(key);
            self.assign(key, a);
        }
    }

    /// Assigns conversation `key` (out of its queue) to Available agent `a`:
    /// the answer is booked, capacity taken, handle time started; a synced
    /// call puts the agent in Busy (§R14).
    #[inline(always)]
    pub(super) fn assign(&mut self, key: ConvKey, a: AgentId) {
        let now = self.clock.secs();
        let key = self.convs.renew(key);
        let Some(c) = self.convs.get_mut(key) else {
            return;
        };
        let q = c.queue;
        c.state = ConvState::Serving;
        c.agent = a;
        c.remaining = c.handle;
        c.handle_end = now + c.handle;
        let (end, first, counted, interval, id, arrival) =
            (c.handle_end, !c.answered, c.counted, c.interval as usize, c.id, c.arrival);
        c.answered = true;
        let queue = &self.queues[q];
        let (sl_threshold, size, channel, synced) =
            (queue.sl_threshold, queue.held_size, queue.channel, queue.busy_while_handling);
        let team = self.floor.agents[a].team;
        if first {
            self.convs.unanswered -= 1;
            // The wait that counts: open time only, with business hours (§10.13).
            let wait = self.wait_between(q, arrival, now);
            self.books.answered(sl_threshold, q, interval, wait, team, counted);
        }
        let held = self.router.hold(a, team, q, size, channel, now);
        self.floor.agents[a].open.push(key);
        // Only Available agents are assigned work, so the work counts toward occupancy.
        debug_assert!(self.floor.is_available(a), "assignment to an agent who is not Available");
        self.books.change_work(now, team, size as i32, i32::from(held.first));
        if held.left_spare {
            self.books.change_pooled(now, team, -1);
        }
        (self.observe)(&Trace::Assigned {
            time: now,
            id,
            queue: q,
            agent: a,
            age: now - arrival,
            used_units: held.units,
            channel_units: held.channel_units,
        });
        self.agenda.push(Time(end), Event::HandleDone(key));
        if synced {
            self.start_call(a);
        }
    }

    /// A conversation's handle time is over: wrap-up follows, or it is complete.
    pub(super) fn on_handle_done(&mut self, key: ConvKey) {
        let Some(c) = self.convs.get_mut(key) else {
            return;
        };
        if c.state != ConvState::Serving {
            return;
        }
        if c.wrap > 0.0 {
            c.state = ConvState::WrapUp;
            let end = self.clock.now + c.wrap;
            self.agenda.push(end, Event::WrapDone(key));
        } else {
            self.complete(key);
        }
    }

    /// Handle time and wrap-up are over: record, free the capacity, let the agent pull work.
    #[inline(always)]
    pub(super) fn complete(&mut self, key: ConvKey) {
        let Some(&c) = self.convs.get(key) else {
            return;
        };
        let (a, q) = (c.agent, c.queue);
        if c.counted {
            self.books.completed(q, self.floor.agents[a].team, c.handle + c.wrap);
        }
        let call = self.release(a, key, q);
        self.convs.remove(key);
        (self.observe)(&Trace::Completed { time: self.clock.secs(), id: c.id, agent: a });
        if call {
            self.end_call(a);
        }
        if self.floor.is_available(a) {
            self.pull_work(a);
            self.repool(a);
        }
    }

    /// Takes conversation `key` of queue `q` off agent `a`, returning its
    /// capacity (a synced call also stops keeping the agent Busy; the
    /// caller settles the status).
    /// Returns whether it was a synced call (§R14).
    #[inline(always)]
    pub(super) fn release(&mut self, a: AgentId, key: ConvKey, q: QueueId) -> bool {
        let now = self.clock.secs();
        let queue = &self.queues[q];
        let size = queue.held_size;
        let team = self.floor.agents[a].team;
        let freed = self.router.free(a, team, size, queue.channel);
        if self.floor.kind(a).is_productive() {
            self.books.change_work(now, team, -(size as i32), -i32::from(freed.last));
        }
        let ag = &mut self.floor.agents[a];
        if let Some(i) = ag.open.iter().position(|&k| k == key) {
            ag.open.swap_remove(i);
        }
        let call = queue.busy_while_handling;
        if call {
            ag.call = false;
        }
        if freed.entered_spare {
            self.books.change_pooled(now, team, 1);
        }
        call
    }

    /// Puts an Available agent with room back in its team's pool.
    /// Called after [`Sim::pull_work`], so an agent who takes waiting work at
    /// once never enters the pool only to leave it again.
    #[inline(always)]
    pub(super) fn repool(&mut self, a: AgentId) {
        let ag = &self.floor.agents[a];
        if self.router.poolable(a, ag) && !self.router.pooled(a) {
            let team = ag.team;
            if self.router.enter_pool(a, team) {
                self.books.change_pooled(self.clock.secs(), team, 1);
            }
        }
    }

    /// Takes agent `a` out of its team's pool, if it is in it.
    #[inline]
    pub(super) fn unpool(&mut self, a: AgentId) {
        let team = self.floor.agents[a].team;
        if self.router.leave_pool(a, team) {
            self.books.change_pooled(self.clock.secs(), team, -1);
        }
    }

    /// A waiting (or offered) conversation's patience runs out.
    pub(super) fn on_abandon(&mut self, key: ConvKey) {
        let Some(&c) = self.convs.get(key) else {
            return;
        };
        let offered = c.state == ConvState::Offered;
        if c.state != ConvState::Waiting && !offered {
            return;
        }
        if offered {
            self.close_offer(c.agent, c.id, OfferOutcome::Abandoned);
        }
        let q = c.queue;
        let wait = self.wait_between(q, c.arrival, self.clock.secs());
        self.convs.unanswered -= 1;
        let sl_threshold = self.queues[q].sl_threshold;
        self.books.abandoned(self.sc, sl_threshold, q, c.interval as usize, wait, c.counted);
        self.change_waiting(q, -1);
        (self.observe)(&Trace::Abandoned { time: self.clock.secs(), id: c.id });
        self.convs.remove(key); // its queue entry goes stale and is dropped at the front
        if offered {
            // The agent it was offered to is free for other work again.
            self.free_after_offer(c.agent);
        }
    }

    /// Agent `a` can take more work: give it the best waiting conversations it fits,
    /// highest priority first, then longest waiting.
    #[inline(always)]
    pub(super) fn pull_work(&mut self, a: AgentId) {
        let team = self.floor.agents[a].team;
        // A full agent can take nothing (unless its team serves calls that
        // ignore load); one holding an offer, or put in Busy by a synced
        // call it just took, takes nothing more either.
        while self.router.poolable(a, &self.floor.agents[a]) {
            let profile = &self.sc.teams[team];
            let now = self.clock.secs();
            let Some((q, w)) = self.router.best_waiting(a, team, profile, &self.convs, now) else {
                return;
            };
            debug_assert!(self.books.waiting(q) > 0);
            self.router.waits[q].pop();
            self.take(w.conv, q, a);
        }
    }
}
