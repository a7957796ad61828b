use super::*;

/// Erlang C recomputed by the textbook formula, term by term (not the library's Erlang B
/// recursion): P(wait) = (a^c/c! * c/(c-a)) / (sum_{k<c} a^k/k! + a^c/c! * c/(c-a)),
/// SL = 1 - P(wait) e^{-(c-a) T / AHT}, ASA = P(wait) AHT / (c-a). Returns (P(wait), SL, ASA).
fn textbook_erlang_c(a: f64, c: u32, aht: f64, t: f64) -> (f64, f64, f64) {
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        sum += term;
        term *= a / f64::from(k + 1);
    }
    let top = term * f64::from(c) / (f64::from(c) - a);
    let pw = top / (sum + top);
    let drain = (f64::from(c) - a) / aht;
    (pw, 1.0 - pw * (-drain * t).exp(), pw / drain)
}

fn calc(rate: f64, aht: f64, patience: Option<f64>, threshold: f64) -> Calculator {
    Calculator::new(rate, aht, patience, threshold).unwrap()
}

fn target(s: &str) -> Target {
    s.parse().unwrap()
}

fn close(x: f64, y: f64, tol: f64) -> bool {
    (x - y).abs() <= tol
}

/// Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example": 100 calls
/// per 30 minutes (200/h), AHT 180 s, 80% in 20 s. The article finds P(wait) = 68.21% with 11
/// agents and 14 agents (raw, before shrinkage) as the fewest meeting 80/20. Both are
/// recomputed here by the textbook formula.
#[test]
fn call_centre_helper_worked_example_needs_14_agents() {
    let c = calc(200.0, 180.0, None, 20.0);
    assert!(close(c.offered_load(), 10.0, 1e-12));
    let eleven = c.row(11).unwrap();
    assert!(close(eleven.p_wait, 0.6821, 5e-5), "{eleven:?}");
    for n in 11..=16 {
        let row = c.row(n).unwrap();
        let (pw, sl, asa) = textbook_erlang_c(10.0, n, 180.0, 20.0);
        assert!(close(row.p_wait, pw, 1e-12) && close(row.service_level, sl, 1e-12), "{n}: {row:?}");
        assert!(close(row.asa.unwrap(), asa, 1e-9) && close(row.occupancy, 10.0 / f64::from(n), 1e-12));
        assert!(close(row.queue_length.unwrap(), pw * 10.0 / (f64::from(n) - 10.0), 1e-12));
        assert_eq!(row.abandon_rate, 0.0);
    }
    let s = c.size(&[target("service_level>=0.8")]).unwrap();
    assert_eq!(s.row.agents, 14);
    let (_, sl13, _) = textbook_erlang_c(10.0, 13, 180.0, 20.0);
    let (_, sl14, _) = textbook_erlang_c(10.0, 14, 180.0, 20.0);
    assert!(sl13 < 0.8 && sl14 >= 0.8);
    assert_eq!(s.below.unwrap().agents, 13);
    let want = 13.0 + (0.8 - sl13) / (sl14 - sl13);
    assert!(close(s.fractional.unwrap(), want, 1e-12), "{s:?}");
}

/// Lester Bromley's "The Erlang-C formula" walk-through (erlang.com / mitan.co.uk): 360 calls
/// per half hour, 4-minute calls, 55 agents, 15 s answer target: 48 Erlangs, occupancy 87.27%.
/// The figures are recomputed here by the textbook formula.
#[test]
fn bromley_walk_through_matches_the_textbook_formula() {
    let c = calc(720.0, 240.0, None, 15.0);
    assert!(close(c.offered_load(), 48.0, 1e-12));
    let row = c.row(55).unwrap();
    let (pw, sl, asa) = textbook_erlang_c(48.0, 55, 240.0, 15.0);
    assert!(close(row.occupancy, 48.0 / 55.0, 1e-12) && close(row.occupancy, 0.8727, 5e-5));
    assert!(close(row.p_wait, pw, 1e-12) && close(row.service_level, sl, 1e-12), "{row:?}");
    assert!(close(row.asa.unwrap(), asa, 1e-9));
}

/// Erlang A figures against the stationary distribution computed here by plain products,
/// with flow balance: abandonment flow theta * E[queue] over lambda is the abandon rate.
#[test]
fn erlang_a_rows_match_the_birth_death_chain() {
    let (rate, aht, patience, agents) = (200.0, 180.0, 120.0, 10_u32);
    let row = calc(rate, aht, Some(patience), 20.0).row(agents).unwrap();
    let (lambda, mu, theta) = (rate / 3600.0, 1.0 / aht, 1.0 / patience);
    let c = agents as usize;
    let mut pi = vec![1.0_f64];
    for n in 1..400 {
        let death = if n <= c { n as f64 * mu } else { c as f64 * mu + (n - c) as f64 * theta };
        pi.push(pi[n - 1] * lambda / death);
    }
    let total: f64 = pi.iter().sum();
    let p_wait: f64 = pi[c..].iter().sum::<f64>() / total;
    let queue: f64 = pi.iter().enumerate().skip(c).map(|(n, p)| (n - c) as f64 * p).sum::<f64>() / total;
    let busy: f64 = pi.iter().enumerate().map(|(n, p)| n.min(c) as f64 * p).sum::<f64>() / total;
    assert!(close(row.p_wait, p_wait, 1e-12), "{row:?} vs {p_wait}");
    assert!(close(row.queue_length.unwrap(), queue, 1e-10));
    assert!(close(row.occupancy, busy / c as f64, 1e-12));
    assert!(close(row.abandon_rate, theta * queue / lambda, 1e-12));
}

#[test]
fn unstable_erlang_c_rows_are_marked_and_null_in_json() {
    let c = calc(200.0, 180.0, None, 20.0);
    for n in [1, 9, 10] {
        let row = c.row(n).unwrap();
        assert!(!row.stable() && row.asa.is_none() && row.queue_length.is_none(), "{row:?}");
        assert_eq!((row.p_wait, row.service_level, row.abandon_rate, row.occupancy), (1.0, 0.0, 0.0, 1.0));
        assert!(!row.meets(&[target("abandon_rate<=0.05")]), "an unstable row meets nothing");
        let json: serde_json::Value = serde_json::from_str(&row.json()).unwrap();
        assert!(json["asa"].is_null() && json["queue_length"].is_null());
        assert_eq!(json["agents"], serde_json::json!(n));
    }
    let text = table(&c.curve("9..11".parse().unwrap()).unwrap());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[1].contains("unstable") && lines[2].contains("unstable") && !lines[3].contains("unstable"));
    // Erlang A is stable at any load: abandonment bounds the queue.
    let a = calc(200.0, 180.0, Some(60.0), 20.0).row(5).unwrap();
    assert!(a.stable() && a.abandon_rate > 0.5 - 1e-9, "{a:?}");
}

#[test]
fn json_has_exactly_the_agreed_keys_in_order() {
    let row = calc(200.0, 180.0, None, 20.0).row(14).unwrap();
    let json = row.json();
    let keys: Vec<String> = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&json)
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut want = ["agents", "p_wait", "service_level", "asa", "abandon_rate", "occupancy", "queue_length"];
    assert!(json.starts_with("{\"agents\":14,\"p_wait\":"), "{json}");
    want.sort_unstable();
    assert_eq!(keys, want);
}

#[test]
fn table_header_carries_units_and_rows_are_aligned() {
    let rows = calc(200.0, 180.0, None, 20.0).curve("13..14".parse().unwrap()).unwrap();
    let text = table(&rows);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "agents  p_wait (%)  service_level (%)  asa (s)  abandon_rate (%)  occupancy (%)  queue_length"
    );
    let widths: Vec<usize> = lines.iter().map(|l| l.len()).collect();
    assert!(widths.iter().all(|w| *w == widths[0]), "{text}");
    let fields: Vec<&str> = lines[2].split_whitespace().collect();
    let r = rows[1];
    assert_eq!(fields[0], "14");
    assert_eq!(fields[2], format!("{:.2}", 100.0 * r.service_level));
    assert_eq!(fields[3], format!("{:.2}", r.asa.unwrap()));
    assert_eq!(fields[5], format!("{:.2}", 100.0 * r.occupancy));
}

#[test]
fn several_targets_all_hold_at_the_answer_and_not_one_below() {
    let c = calc(1800.0, 180.0, Some(180.0), 20.0);
    let targets = [
        target("service_level>=0.9"),
        target("asa<=5s"),
        target("abandon_rate<=2%"),
        target("occupancy<=0.92"),
    ];
    let s = c.size(&targets).unwrap();
    let n = s.row.agents;
    assert!(s.row.meets(&targets) && !c.row(n - 1).unwrap().meets(&targets), "{s:?}");
    assert_eq!(s.below, Some(c.row(n - 1).unwrap()));
    for t in &s.targets {
        assert!(
            c.row(t.agents).unwrap().meets(&[t.target]) && !c.row(t.agents - 1).unwrap().meets(&[t.target])
        );
        let f = t.fractional.unwrap();
        assert!(f > f64::from(t.agents - 1) && f <= f64::from(t.agents), "{t:?}");
        // At the fractional figure, interpolating the metric gives the bound.
        let (v0, v1) = (
            c.row(t.agents - 1).unwrap().metric(t.target.goal).unwrap(),
            c.row(t.agents).unwrap().metric(t.target.goal).unwrap(),
        );
        let at = v0 + (v1 - v0) * (f - f64::from(t.agents - 1));
        assert!(close(at, t.target.value, 1e-12), "{t:?}");
    }
    let binding = s.targets.iter().filter(|t| t.agents == n).filter_map(|t| t.fractional).fold(0.0, f64::max);
    assert_eq!(s.fractional, Some(binding));
}

#[test]
fn fractional_figure_is_absent_when_one_agent_fewer_is_unstable_or_none() {
    // Load 10 on Erlang C: occupancy <= 0.99 is met by 11 agents, and 10 are unstable.
    let s = calc(200.0, 180.0, None, 20.0).size(&[target("occupancy<=0.99")]).unwrap();
    assert_eq!((s.row.agents, s.fractional), (11, None));
    let s = calc(1.0, 60.0, None, 20.0).size(&[target("service_level>=0.8")]).unwrap();
    assert_eq!((s.row.agents, s.below, s.fractional), (1, None, None));
    let text = answer(&calc(1.0, 60.0, None, 20.0), &[], &[target("service_level>=0.8")]).unwrap().text();
    assert!(text.contains("fractional agents: none (one agent fewer is no agent)"), "{text}");
}

#[test]
fn unreachable_targets_are_a_clear_error() {
    let e = calc(200.0, 180.0, None, 20.0).size(&[target("occupancy<=0")]).unwrap_err().to_string();
    assert!(
        e.contains("--target occupancy<=0") && e.contains("100000 agents") && e.contains("loosen"),
        "{e}"
    );
    assert!(e.contains("(it is 0.01%)"), "{e}");
    // Load near the largest team: the largest team misses.
    let e = calc(2e6, 180.0, None, 20.0).size(&[target("service_level>=0.8")]).unwrap_err().to_string();
    assert!(e.contains("100000 agents") && e.contains("loosen"), "{e}");
}

#[test]
fn agent_ranges_parse_and_refuse_clearly() {
    assert_eq!("14".parse::<AgentRange>().unwrap(), AgentRange { first: 14, last: 14 });
    assert_eq!("10..20".parse::<AgentRange>().unwrap(), AgentRange { first: 10, last: 20 });
    assert_eq!(" 3..=5".parse::<AgentRange>().unwrap(), AgentRange { first: 3, last: 5 });
    let err = |s: &str| s.parse::<AgentRange>().unwrap_err().to_string();
    assert_eq!(err("5..3"), "--agents 5..3: the range runs downwards; write the smaller number first (3..5)");
    assert!(err("0").contains("between 1 and 100000"));
    assert!(
        err("-3").contains("e.g. 14") && err("ten").contains("e.g. 10..20") && err("3..").contains("e.g. 14")
    );
    assert!(err("1..20000").contains("at most 10000"));
    assert!(err("99999999999").contains("between 1 and 100000"));
}

#[test]
fn inputs_parse_in_the_planners_words_and_refuse_clearly() {
    let c = Calculator::parse("200", "3m", Some("2m"), None, None).unwrap();
    assert_eq!(c, calc(200.0, 180.0, Some(120.0), DEFAULT_THRESHOLD));
    assert_eq!(c.formula(), "Erlang A");
    let err = |r: &str, a: &str, p: Option<&str>, t: Option<&str>| {
        Calculator::parse(r, a, p, t, None).unwrap_err().to_string()
    };
    assert!(
        err("-5", "3m", None, None)
            .starts_with("--rate -5: the arrival rate is a number of arrivals per hour, 0 or more")
    );
    assert!(err("lots", "3m", None, None).starts_with("--rate lots:"));
    assert!(err("inf", "3m", None, None).starts_with("--rate inf:"));
    assert!(err("200", "3", None, None).starts_with("--aht 3: `3` has a number without a unit"));
    assert!(err("200", "0s", None, None).contains("longer than 0"));
    assert!(
        err("200", "3m", Some("0s"), None)
            .starts_with("--patience 0s: the mean patience must be longer than 0")
    );
    assert!(err("200", "3m", None, Some("soon")).starts_with("--threshold soon: `soon` is not a duration"));
    let e = answer(&c, &[], &[]).unwrap_err().to_string();
    assert!(e.contains("--agents 14") && e.contains("--target service_level>=0.8"), "{e}");
    assert!(answer(&c, &[], &[]).unwrap_err().is_bad_input());
}

#[test]
fn no_arrivals_need_one_agent() {
    let c = calc(0.0, 180.0, None, 20.0);
    let row = c.row(1).unwrap();
    assert_eq!((row.p_wait, row.service_level, row.asa, row.occupancy), (0.0, 1.0, Some(0.0), 0.0));
    assert_eq!(c.size(&[target("service_level>=0.99")]).unwrap().row.agents, 1);
    assert_eq!(calc(0.0, 180.0, Some(60.0), 20.0).row(3).unwrap().service_level, 1.0);
}

#[test]
fn answer_lists_asked_rows_then_the_sizing() {
    let c = calc(200.0, 180.0, None, 20.0);
    let ranges = ["12".parse().unwrap(), "15..16".parse().unwrap()];
    let a = answer(&c, &ranges, &[target("service_level>=0.8")]).unwrap();
    let agents: Vec<u32> = a.rows.iter().map(|r| r.agents).collect();
    assert_eq!(agents, [12, 15, 16]);
    let json = a.json_lines();
    let lines: Vec<&str> = json.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[3].starts_with("{\"agents\":14,"), "{json}");
    let text = a.text();
    assert!(text.starts_with(
        "Erlang C: 200 arrivals per hour, mean handle time 180 s, threshold 20 s; offered load 10.00 Erlangs\n"
    ));
    assert!(text.contains("fewest agents meeting service_level>=0.8: 14\nfractional agents: 13."), "{text}");
}

/// Large teams: the doubling-and-bisection search lands on the same answer as a walk upward
/// from the load, and the rows are finite at 5,000 agents and more.
#[test]
fn large_teams_search_matches_a_linear_walk() {
    let c = calc(100_000.0, 180.0, None, 20.0); // 5000 Erlangs
    let targets = [target("service_level>=0.8")];
    let s = c.size(&targets).unwrap();
    let walk = (5001..).find(|&n| c.row(n).unwrap().meets(&targets)).unwrap();
    assert_eq!(s.row.agents, walk);
    assert!(s.row.agents > 5000 && s.row.agents < 5100, "{s:?}");
    let a = calc(100_000.0, 180.0, Some(180.0), 20.0);
    let s = a.size(&targets).unwrap();
    assert!(s.row.meets(&targets) && !a.row(s.row.agents - 1).unwrap().meets(&targets));
    for row in [s.row, a.row(5000).unwrap(), a.row(4900).unwrap()] {
        for v in [row.p_wait, row.service_level, row.asa.unwrap(), row.abandon_rate, row.occupancy] {
            assert!(v.is_finite() && v >= 0.0, "{row:?}");
        }
    }
}

#[test]
fn bounds_no_staffing_reaches_and_absurd_loads_are_refused() {
    let c = Calculator::new(100.0, 180.0, Some(60.0), 20.0).unwrap();
    for t in ["asa<=0s", "service_level>=1", "abandon_rate<=0"] {
        let e = c.size(&[t.parse().unwrap()]).unwrap_err().to_string();
        assert!(e.contains("no number of agents reaches this"), "{t}: {e}");
    }
    // Reachable bounds close to them still get an answer.
    assert!(c.size(&["service_level>=0.99".parse().unwrap()]).is_ok());
    let e = Calculator::new(1e6, 3600.0, Some(3600.0), 20.0).unwrap_err().to_string();
    assert!(e.contains("more than the 100000 agents") && e.contains("per hour"), "{e}");
}

/// `--concurrency 3` (issue 19): 120 chats an hour of 9 minutes each (18
/// Erlangs), three at once per agent, 80% in 30 s. n agents are 3n servers:
/// 7 agents (21 servers) give 1 - C(21, 18) e^{-3·30/540} = 0.6649 by the
/// textbook formula, 8 agents (24 servers) 0.9086, so 8 is the answer; the
/// rows equal the plain calculator's rows for 21 and 24 servers.
#[test]
fn concurrency_three_sizes_chat_in_agents_of_three_servers() {
    let plain = calc(120.0, 540.0, None, 30.0);
    let chat = plain.with_concurrency(3).unwrap();
    let (_, sl21, _) = textbook_erlang_c(18.0, 21, 540.0, 30.0);
    let (_, sl24, asa24) = textbook_erlang_c(18.0, 24, 540.0, 30.0);
    assert!(close(sl24, 0.9086, 5e-5), "{sl24}");
    assert!(sl21 < 0.8, "{sl21}");
    let seven = chat.row(7).unwrap();
    let eight = chat.row(8).unwrap();
    assert_eq!((seven.agents, eight.agents), (7, 8));
    assert!(close(seven.service_level, sl21, 1e-10), "{seven:?}");
    assert!(close(eight.service_level, sl24, 1e-10), "{eight:?}");
    assert!(close(eight.asa.unwrap(), asa24, 1e-9), "{eight:?}");
    assert_eq!(ErlangRow { agents: 24, ..eight }, plain.row(24).unwrap());
    let sizing = chat.size(&[target("service_level>=0.8")]).unwrap();
    assert_eq!(sizing.row.agents, 8);
    assert_eq!(sizing.below.map(|r| r.agents), Some(7));
    // Each agent's three slots: occupancy is the servers' occupancy, 18/24.
    assert!(close(eight.occupancy, 0.75, 1e-12), "{eight:?}");
    // Without concurrency the answer is the fewest servers, by the textbook formula.
    let servers = (19..).find(|&c| textbook_erlang_c(18.0, c, 540.0, 30.0).1 >= 0.8).unwrap();
    assert_eq!(plain.size(&[target("service_level>=0.8")]).unwrap().row.agents, servers);
    assert!((22..=24).contains(&servers), "{servers}");
}

/// Concurrency must be a whole number from 1 to the limit, named in the error.
#[test]
fn concurrency_is_refused_outside_its_range() {
    for bad in ["0", "-1", "2.5", "x", "101"] {
        let e = Calculator::parse("120", "9m", None, Some("30s"), Some(bad)).unwrap_err().to_string();
        assert!(e.contains(&format!("--concurrency {bad}")), "{bad}: {e}");
        assert!(e.contains("100"), "{bad}: {e}");
    }
    let c = Calculator::parse("120", "9m", None, Some("30s"), Some("3")).unwrap();
    assert_eq!((c.concurrency(), c.max_agents()), (3, MAX_AGENTS / 3));
}
