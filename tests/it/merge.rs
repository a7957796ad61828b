//! The fold states of the replication driver merge exactly (ARCHITECTURE.md,
//! "Architecture invariants"): the jobs of a plan split into arbitrary
//! parts, each part folded on its own, serialized and read back, then merged
//! in any order, give the same bytes as one fold of every job — for the
//! summary fold of `run` and `sweep`, the paired fold of `compare` and the
//! measures of the staffing search.

use proptest::prelude::*;
use routesim::Scenario;
use routesim::compare::Paired;
use routesim::driver::{Collector, Job, Plan, Workers, fold_from_bytes, fold_to_bytes};
use routesim::model::TeamId;
use routesim::replicate::Summaries;
use routesim::staffing::search::Measures;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::properties::scenario_text;

/// Folds `plan`'s jobs in the parts `part_of` assigns (job i goes to part
/// `part_of[i % len] % parts`), each part through bytes, merges the parts in
/// the order `order` gives, and checks the bytes against one fold of all.
fn split_and_merge<C>(collector: &C, plan: &Plan, parts: usize, part_of: &[usize], order: &[usize])
where
    C: Collector,
    C::Fold: Serialize + DeserializeOwned,
{
    let workers = Workers::new(2).unwrap();
    let jobs = plan.jobs();
    let whole = fold_to_bytes(&workers.fold(plan, &jobs, collector, &|| ()).unwrap()).unwrap();
    let mut split: Vec<Vec<Job>> = vec![Vec::new(); parts];
    for (i, &job) in jobs.iter().enumerate() {
        split[part_of[i % part_of.len()] % parts].push(job);
    }
    let bytes: Vec<Vec<u8>> = split
        .iter()
        .map(|part| fold_to_bytes(&workers.fold(plan, part, collector, &|| ()).unwrap()).unwrap())
        .collect();
    let mut merged = collector.empty();
    let mut indices: Vec<usize> = (0..parts).collect();
    // Merge in the order the permutation keys give.
    indices.sort_by_key(|&p| (order[p % order.len()], p));
    for p in indices {
        let fold: C::Fold = fold_from_bytes(&bytes[p]).unwrap();
        collector.merge(&mut merged, fold);
    }
    let got = fold_to_bytes(&merged).unwrap();
    assert!(got == whole, "merged parts differ from one fold ({} against {} bytes)", got.len(), whole.len());
}

fn parse(text: &str, set: &[&str]) -> Scenario {
    let set: Vec<String> = set.iter().map(|s| (*s).to_owned()).collect();
    routesim::scenario::parse(text, "generated.toml", "generated", &set).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Two variants of a random scenario (as `sweep` runs them), split at random.
    #[test]
    fn summary_folds_merge_exactly(
        text in scenario_text(),
        reps in 1u32..6,
        parts in 1usize..5,
        part_of in prop::collection::vec(0usize..5, 1..12),
        order in prop::collection::vec(0usize..100, 1..6),
    ) {
        let r = format!("replications={reps}");
        let scenarios = [parse(&text, &[&r]), parse(&text, &[&r, "seed=7"])];
        split_and_merge(&Summaries::new(&scenarios), &Plan::new(&scenarios), parts, &part_of, &order);
        // And the results of a merged fold are those of `run_many`.
        let summaries = Summaries::new(&scenarios);
        let workers = Workers::new(1).unwrap();
        let mut merged = summaries.empty();
        for job in Plan::new(&scenarios).jobs().into_iter().rev() {
            let part = workers.fold(&Plan::new(&scenarios), &[job], &summaries, &|| ()).unwrap();
            let part = fold_from_bytes(&fold_to_bytes(&part).unwrap()).unwrap();
            summaries.merge(&mut merged, part);
        }
        let merged = format!("{:?}", summaries.results(merged));
        let run = format!("{:?}", routesim::replicate::run_many(&scenarios, 2, &|| ()).unwrap());
        prop_assert!(merged == run, "results of merged single-job folds differ from run_many");
    }

    /// A and B of `compare` (B keeps paused work with an agent who logs off), split at random.
    #[test]
    fn paired_folds_merge_exactly(
        text in scenario_text(),
        reps in 1u32..6,
        parts in 1usize..5,
        part_of in prop::collection::vec(0usize..5, 1..12),
        order in prop::collection::vec(0usize..100, 1..6),
    ) {
        let r = format!("replications={reps}");
        let both = [parse(&text, &[&r]), parse(&text, &[&r, "routing.requeue_when_offline=false"])];
        split_and_merge(&Paired::new(&both), &Plan::new(&both), parts, &part_of, &order);
    }

    /// Candidate staffings of the search, split at random.
    #[test]
    fn measure_folds_merge_exactly(
        text in scenario_text(),
        reps in 1u32..5,
        parts in 1usize..5,
        part_of in prop::collection::vec(0usize..5, 1..12),
        order in prop::collection::vec(0usize..100, 1..6),
    ) {
        let r = format!("replications={reps}");
        let candidates = [parse(&text, &[&r]), parse(&text, &[&r, "seed=3"])];
        split_and_merge(&Measures::new(&candidates, vec![TeamId(0)]), &Plan::new(&candidates), parts, &part_of, &order);
    }
}

/// A fold state's bytes are not taken for another kind of state.
#[test]
fn bytes_of_another_fold_are_refused() {
    let text = "horizon = \"1h\"\nreplications = 2\n[[queue]]\nname = \"q\"\narrivals = { per_hour = 30 }\n\
                handle_time = { dist = \"exponential\", mean = \"2m\" }\n[[team]]\nname = \"t\"\nqueues = [\"q\"]\n\
                [[agents]]\nname = \"g\"\nteam = \"t\"\ncount = 2\n";
    let scenarios = [parse(text, &[])];
    let workers = Workers::new(1).unwrap();
    let summaries = Summaries::new(&scenarios);
    let fold =
        workers.fold(&Plan::new(&scenarios), &Plan::new(&scenarios).jobs(), &summaries, &|| ()).unwrap();
    let bytes = fold_to_bytes(&fold).unwrap();
    let cut = fold_from_bytes::<routesim::replicate::SummaryFold>(&bytes[..bytes.len() / 2]);
    assert!(cut.is_err(), "half a fold state was read");
    assert!(fold_from_bytes::<routesim::replicate::SummaryFold>(&bytes).unwrap() == fold);
}
