//! Property tests over random small scenarios: every routing decision obeys
//! the rules and the books balance (see `checker`). Each case generates a
//! scenario file, loads it through the normal validation, runs one
//! replication and replays its trace through the independent checker.

use proptest::prelude::*;

use crate::checker::check_run;

/// A random but valid scenario: 1-3 queues, 1-2 teams, 1-3 agent groups
/// with shifts, staffing arrays, planned and unplanned episodes (including
/// Offline ones), every selection rule and both requeue settings; offers
/// with timeouts (§R13), queues synced to Busy with and without
/// `capacity_aware` (§R14), and groups that switch teams (§R16).
pub(crate) fn scenario_text() -> impl Strategy<Value = String> {
    let queue = (
        1u8..=3,
        1u32..=2,
        5u32..=150,
        0usize..3,
        1u32..=10,
        prop::option::of(0u32..=60),
        prop::option::of(30u32..=300),
        prop::option::of(any::<bool>()),
        0u8..4,
    );
    let team = (prop::collection::vec(any::<bool>(), 3), 1u32..=4, prop::option::of(1u32..=2));
    let group = (
        0usize..2,
        1u32..=6,
        0usize..3,
        0u32..=23,
        2u32..=12,
        0u32..=10,
        0u32..=15,
        0usize..4,
        prop::option::of(0usize..3),
        any::<bool>(),
    );
    let offers = prop::option::of((1u32..=60, 5u32..=40, 1u32..=5));
    (
        prop::collection::vec(queue, 1..=3),
        prop::collection::vec(team, 1..=2),
        prop::collection::vec(group, 1..=3),
        0usize..4,
        any::<bool>(),
        2u32..=30,
        any::<bool>(),
        offers,
    )
        .prop_map(|(queues, teams, groups, rule, requeue, horizon_h, hourly, offers)| {
            let rules = ["longest_idle", "most_available", "least_active", "round_robin"];
            let interval_h = if hourly { 1 } else { 2 };
            let per_day = 24 / interval_h;
            let mut t = format!(
                "seed = 5\nhorizon = \"{horizon_h}h\"\ninterval = \"{interval_h}h\"\nreplications = 1\n\
                 [routing]\nagent_selection = \"{}\"\nrequeue_when_offline = {requeue}\n",
                rules[rule]
            );
            if let Some((delay_s, timeout_s, missed_m)) = offers {
                t += &format!(
                    "assignment = \"accept\"\naccept_delay = {{ dist = \"exponential\", mean = \"{delay_s}s\" }}\n\
                     accept_timeout = \"{timeout_s}s\"\n\
                     missed_unavailable = {{ dist = \"constant\", value = \"{missed_m}m\" }}\n"
                );
            }
            t += "[[status]]\nname = \"Lunch\"\n[[status]]\nname = \"Coaching\"\n";
            let channels = ["chat", "voice", "email"];
            for (i, (prio, size, rate, dist, mean_m, wrap_s, patience_s, rq, sync)) in queues.iter().enumerate() {
                let handle = match dist {
                    0 => format!("{{ dist = \"exponential\", mean = \"{mean_m}m\" }}"),
                    1 => format!("{{ dist = \"constant\", value = \"{mean_m}m\" }}"),
                    _ => format!("{{ dist = \"uniform\", min = \"30s\", max = \"{mean_m}m\" }}"),
                };
                t += &format!(
                    "[[queue]]\nname = \"q{i}\"\nchannel = \"{}\"\npriority = {prio}\nitem_size = {size}\n\
                     arrivals = {{ per_hour = {rate} }}\nhandle_time = {handle}\n",
                    channels[i]
                );
                if let Some(w) = wrap_s {
                    t += &format!("wrap_up = {{ dist = \"exponential\", mean = \"{w}s\" }}\n");
                }
                if let Some(p) = patience_s {
                    t += &format!("patience = {{ dist = \"exponential\", mean = \"{p}s\" }}\n");
                }
                if let Some(r) = rq {
                    t += &format!("requeue_when_offline = {r}\n");
                }
                // Some queues are phone queues synced to Busy, some of them capacity-aware.
                match sync {
                    1 => t += "busy_while_handling = true\n",
                    2 => t += "busy_while_handling = true\ncapacity_aware = true\n",
                    _ => {}
                }
            }
            let nq = queues.len();
            let max_size = queues.iter().map(|q| q.1).max().unwrap_or(1);
            for (ti, (serves, capacity, cap)) in teams.iter().enumerate() {
                // Team ti serves queue i when i % teams == ti, plus random extras, so every queue is served.
                // The extras are routing-profile entries (docs/model.md §R15): a team
                // priority of their own and, for some, an overflow delay.
                let mut served: Vec<String> = (0..nq)
                    .filter(|&q| q % teams.len() == ti || serves[q])
                    .map(|q| {
                        if q % teams.len() == ti {
                            format!("\"q{q}\"")
                        } else {
                            let (p, d) = (1 + (q * 3 + ti) % 5, (q + ti) % 3 * 30);
                            format!("{{ queue = \"q{q}\", priority = {p}, delay = \"{d}s\" }}")
                        }
                    })
                    .collect();
                if served.is_empty() {
                    served.push("\"q0\"".into());
                }
                let capacity = (*capacity).max(max_size);
                t += &format!("[[team]]\nname = \"t{ti}\"\nqueues = [{}]\ncapacity = {capacity}\n", served.join(", "));
                if let Some(c) = cap {
                    t += &format!("channel_caps = {{ chat = {} }}\n", c.max(&max_size));
                }
            }
            for (gi, (team, count, shape, start_h, len_h, ready_m, wind_m, sched, unplanned, switch)) in groups.iter().enumerate() {
                let team = team % teams.len();
                // With two teams, some groups work as both and switch twice a day.
                let switching = *switch && teams.len() == 2;
                if switching {
                    t += &format!("[[agents]]\nname = \"g{gi}\"\nteams = [\"t{team}\", \"t{}\"]\n", 1 - team);
                } else {
                    t += &format!("[[agents]]\nname = \"g{gi}\"\nteam = \"t{team}\"\n");
                }
                match shape {
                    0 => t += &format!("count = {count}\n"),
                    1 => {
                        let levels: Vec<String> = (0..per_day).map(|i| ((i as u32 * 7 + gi as u32) % (count + 1)).to_string()).collect();
                        t += &format!("staffing = [{}]\n", levels.join(", "));
                    }
                    _ => {
                        let end_h = (start_h + len_h) % 24;
                        let wind = if *wind_m * 60 < len_h * 3600 / 2 { *wind_m } else { 0 };
                        t += &format!(
                            "count = {count}\nshift = {{ start = \"{start_h:02}:00\", end = \"{end_h:02}:00\", ready_delay = \"{ready_m}m\", wind_down = \"{wind}m\" }}\n"
                        );
                    }
                }
                let statuses = ["Lunch", "Coaching", "Offline", "Unavailable"];
                let mut entries = Vec::new();
                if *sched > 0 {
                    entries.push(format!(
                        "{{ status = \"{}\", window = \"01:00-20:00\", duration = \"45m\" }}, {{ status = \"Coaching\", at = \"03:30\", duration = \"20m\" }}",
                        statuses[*sched]
                    ));
                }
                if switching {
                    entries.push(format!(
                        "{{ team = \"t{}\", window = \"02:00-06:00\" }}, {{ team = \"t{team}\", at = \"10:00\" }}",
                        1 - team
                    ));
                }
                if !entries.is_empty() {
                    t += &format!("schedule = [{}]\n", entries.join(", "));
                }
                if let Some(u) = unplanned {
                    let s = ["Busy", "Offline", "Lunch"][*u];
                    t += &format!("unplanned = [{{ status = \"{s}\", per_hour = 0.5, duration = {{ dist = \"exponential\", mean = \"10m\" }} }}]\n");
                }
            }
            t
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// No conversation goes to an agent who is not Available, whose team does
    /// not serve it, or who lacks capacity; capacity and channel caps are never
    /// exceeded; work goes highest priority then longest waiting; the selection
    /// rule picks the agent it should; every conversation ends answered,
    /// abandoned or unresolved; time in status adds up per agent.
    #[test]
    fn routing_invariants_hold_on_random_scenarios(text in scenario_text(), rep in 0u32..4) {
        let sc = routesim::scenario::parse(&text, "generated.toml", "generated", &[])
            .map_err(|e| TestCaseError::fail(format!("generator made an invalid scenario: {e}\n{text}")))?;
        let (seen, _) = check_run(&sc, rep);
        prop_assert!(seen.arrived > 0 || sc.queues.iter().all(|q| q.mean_rate() * sc.horizon < 5.0));
    }

    /// A tally reused after another replication records exactly what a
    /// fresh one does (every counter, histogram bucket and interval row),
    /// and its total is the sum of its queues. (A wait histogram grows to
    /// the longest wait it has seen and keeps its size when cleared, so
    /// the histograms are compared by what they hold: every bucket's count,
    /// the extremes and the total.)
    #[test]
    fn a_reused_tally_equals_a_fresh_one(text in scenario_text(), rep in 0u32..4) {
        let sc = routesim::scenario::parse(&text, "generated.toml", "generated", &[])
            .map_err(|e| TestCaseError::fail(format!("generator made an invalid scenario: {e}\n{text}")))?;
        let fresh = routesim::engine::run(&sc, rep);
        let dirty = routesim::engine::run(&sc, rep + 1);
        let reused = routesim::engine::run_reusing(&sc, rep, dirty);
        let held = |h: &hdrhistogram::Histogram<u64>| {
            let buckets: Vec<(u64, u64)> = h.iter_recorded().map(|v| (v.value_iterated_to(), v.count_at_value())).collect();
            (buckets, h.len(), h.min_nz(), h.max())
        };
        let all_waits = |t: &routesim::stats::Tally| {
            std::iter::once(t.total()).chain(&t.queues).map(|q| held(&q.waits)).collect::<Vec<_>>()
        };
        prop_assert_eq!(all_waits(&reused), all_waits(&fresh));
        // Everything else, with the histograms set aside.
        let rest = |t: &routesim::stats::Tally| {
            let mut t = t.clone();
            for q in &mut t.queues {
                q.waits = routesim::stats::QueueWaits::default();
            }
            format!("{:?} {:?} {:?} {:?}", t.queues, t.teams, t.intervals, t.team_intervals)
                + &format!("{:?}", t.interval_status_secs)
                + &{
                    let q = t.total();
                    format!(
                        "{:?}",
                        (q.counts, q.requeued, q.stranded, q.completed, q.work_sum, q.queue_area)
                    ) + &format!("{:?}", (q.offers, q.missed_offers, q.accepted, q.accept_wait_sum))
                }
        };
        prop_assert_eq!(rest(&reused), rest(&fresh));
        prop_assert_eq!(fresh.total().counts.offered, fresh.queues.iter().map(|q| q.counts.offered).sum::<u64>());
        prop_assert_eq!(fresh.total().waits.len(), fresh.queues.iter().map(|q| q.waits.len()).sum::<u64>());
    }
}

/// The generator is not vacuous: across its cases it exercises contested
/// assignments, the selection rule, requeues and abandonment.
#[test]
fn generated_scenarios_exercise_the_interesting_paths() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut total = crate::checker::Seen::default();
    for _ in 0..60 {
        let text = scenario_text().new_tree(&mut runner).unwrap().current();
        let sc = routesim::scenario::parse(&text, "generated.toml", "generated", &[]).unwrap();
        let (seen, _) = check_run(&sc, 0);
        total.arrived += seen.arrived;
        total.requeued += seen.requeued;
        total.abandoned += seen.abandoned;
        total.contested += seen.contested;
        total.selections_checked += seen.selections_checked;
        total.offers += seen.offers;
        total.missed += seen.missed;
        total.withdrawn += seen.withdrawn;
        total.calls += seen.calls;
        total.switches += seen.switches;
    }
    assert!(total.arrived > 1000, "{total:?}");
    assert!(total.requeued > 0, "{total:?}");
    assert!(total.abandoned > 0, "{total:?}");
    assert!(total.contested > 0, "{total:?}");
    assert!(total.selections_checked > 100, "{total:?}");
    assert!(total.offers > 100 && total.missed > 0 && total.withdrawn > 0, "{total:?}");
    assert!(total.calls > 100, "{total:?}");
    assert!(total.switches > 0, "{total:?}");
}

/// `replicate::run`, whose workers reuse their tallies and fold each
/// replication as it ends, gives exactly the summary that fresh tallies
/// give, on one thread or two: means and clipped intervals bit for bit, the
/// per-replication values row by row, and the wait percentiles as the
/// percentiles of every replication's waits merged.
#[test]
fn replications_through_reused_tallies_match_fresh_ones() {
    use routesim::stats::{self, Scope};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/support-day.toml");
    let sc = routesim::scenario::load(&path, &["replications=70".to_owned()]).unwrap();
    let tallies: Vec<_> = (0..70).map(|r| routesim::engine::run(&sc, r)).collect();
    let fresh: Vec<Vec<f64>> = tallies.iter().map(|t| t.summary_values(&sc)).collect();
    let merged = |scope: Scope| {
        let mut h = stats::wait_histogram(stats::max_wait_ms(&sc));
        for t in &tallies {
            let waits = match scope {
                Scope::Total => &t.total().waits,
                Scope::Queue(q) => &t.queues[q].waits,
                Scope::Team(_) => unreachable!("teams have no waits"),
            };
            h.add(waits).unwrap();
        }
        h
    };
    for threads in [1, 2] {
        let results = routesim::replicate::run(&sc, threads, &|| {}).unwrap();
        assert_eq!(results.summary.len(), fresh[0].len());
        assert_eq!(results.per_replication.len(), 70);
        for (m, row) in results.summary.iter().enumerate() {
            let values: Vec<f64> = fresh.iter().map(|v| v[m]).collect();
            for (r, v) in values.iter().enumerate() {
                let got = results.per_replication[r][m];
                assert!(got.to_bits() == v.to_bits(), "replication {r} row {m}: {got} vs {v}");
            }
            let same = |a: f64, b: f64| a.to_bits() == b.to_bits();
            let ctx = format!(
                "{threads} threads, {} {} {}: {row:?}",
                row.scope.kind(),
                row.name,
                row.metric.name()
            );
            if let Some(p) = row.metric.quantile() {
                let want = stats::percentile(&merged(row.scope), p);
                assert!(same(row.mean, want), "{ctx}: pooled percentile {want}");
                assert!(row.ci95_low <= row.mean && row.mean <= row.ci95_high, "{ctx}");
                continue;
            }
            let (mean, low, high, n) = routesim::exact::Moments::of(&values).mean_ci();
            let (min, max) = row.metric.unit().range();
            assert!(
                same(row.mean, mean)
                    && same(row.ci95_low, low.clamp(min, max))
                    && same(row.ci95_high, high.clamp(min, max))
                    && row.replications == n,
                "{ctx} vs fresh {mean} [{low}, {high}] n={n}"
            );
        }
    }
}
