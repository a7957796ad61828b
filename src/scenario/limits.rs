//! The limits a scenario is held to, named here once for every checker
//! (validation, the forecast, the list lengths checked before either) and
//! for docs/model.md §10.11, which lists them.

use crate::time::DAY;

/// Limits that keep one run's memory and time bounded; beyond them the
/// scenario is almost certainly a typo.
pub(crate) const MAX_AGENTS: usize = 200_000;
pub(crate) const MAX_INTERVALS: f64 = 200_000.0;
pub(crate) const MAX_REPLICATIONS: i64 = 100_000;
pub(crate) const MAX_ARRIVALS: f64 = 2e9;
pub(crate) const MAX_DRAIN: f64 = 366.0 * DAY;
/// Schedule entries (episodes and team switches) and unplanned sources per
/// group: the engine numbers them in 16 bits.
pub(crate) const MAX_ENTRIES: usize = 1000;

/// Most `[[status]]` tables a scenario may define (besides the four
/// built-in statuses): far above any platform's list of statuses.
pub(crate) const MAX_STATUSES: usize = 10_000;
/// Most `[[queue]]` tables.
pub(crate) const MAX_QUEUES: usize = 1000;
/// Most `[[team]]` tables.
pub(crate) const MAX_TEAMS: usize = 1000;
/// Most `[[agents]]` groups: one per agent for a 10,000-seat centre.
pub(crate) const MAX_GROUPS: usize = 10_000;
/// Most `[[shift]]` patterns: each brings its (length, start, days off)
/// combinations into `schedule`'s integer program.
pub(crate) const MAX_SHIFTS: usize = 1000;

/// The lists of a scenario whose length is limited: key, what one element
/// is called (plural) and the limit. Checked on the document before
/// anything looks at an element, so an over-long list is refused at once.
pub(crate) const LIST_LIMITS: [(&str, &str, usize); 5] = [
    ("status", "statuses", MAX_STATUSES),
    ("queue", "queues", MAX_QUEUES),
    ("team", "teams", MAX_TEAMS),
    ("agents", "agent groups", MAX_GROUPS),
    ("shift", "shift patterns", MAX_SHIFTS),
];

/// Largest `rate_cv` accepted: a day-to-day spread of 200% is already far
/// beyond any forecast error worth simulating.
pub(crate) const MAX_RATE_CV: f64 = 2.0;
