//! "Did you mean": the one rule that names the nearest known word to an
//! unknown key, name or column, for every checker of the scenario loader
//! (schema, validation, overrides, the forecast), within a budget of
//! comparisons per scenario so a file of many unknown names stays fast.

/// Candidates compared, over all the suggestions for one scenario, before
/// "did you mean" is given up: about a tenth of a second of edit distances.
const SUGGESTION_BUDGET: usize = 1_000_000;

thread_local! {
    /// What is left of [`SUGGESTION_BUDGET`] for the scenario being checked
    /// on this thread (loading a scenario is single-threaded; a sweep's
    /// variants on several threads each have their own).
    static SUGGESTIONS_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(SUGGESTION_BUDGET) };
}

/// Gives the next scenario checked on this thread the whole budget of suggestions.
pub(crate) fn reset_suggestions() {
    SUGGESTIONS_LEFT.set(SUGGESTION_BUDGET);
}

/// "unknown key `prioritty` in `queue.chat`; did you mean `priority`?"
pub(crate) fn unknown(what: &str, given: &str, place: &str, allowed: &[&str]) -> String {
    unknown_among(what, given, place, allowed.iter().copied())
}

/// Most names listed after "expected one of"; the rest are counted.
const LISTED: usize = 20;

/// [`unknown`] over any list of names, listing at most [`LISTED`] of them.
pub(crate) fn unknown_among<'a>(
    what: &str,
    given: &str,
    place: &str,
    allowed: impl ExactSizeIterator<Item = &'a str> + Clone,
) -> String {
    let place = if place.is_empty() { String::new() } else { format!(" {place}") };
    match nearest(given, allowed.clone()) {
        Some(near) => format!("unknown {what} `{given}`{place}; did you mean `{near}`?"),
        None => {
            let total = allowed.len();
            let mut list: Vec<String> = allowed.take(LISTED).map(|a| format!("`{a}`")).collect();
            if total > LISTED {
                list.push(format!("and {} more", total - LISTED));
            }
            let list = if list.is_empty() { "none".to_owned() } else { list.join(", ") };
            format!("unknown {what} `{given}`{place}; expected one of {list}")
        }
    }
}

/// The candidate nearest to `given`: the same name in other case first,
/// then the closest by edit distance, if close enough to be a typo. The
/// one "did you mean" rule of the scenario loader (keys, names, forecast columns).
///
/// Suggestions share a budget of [`SUGGESTION_BUDGET`] candidates per
/// scenario (reset by [`reset_suggestions`]): a file with many thousands of
/// unknown names gets its first suggestions, not a check that takes
/// minutes (names × candidates).
pub(crate) fn nearest<'a>(given: &str, candidates: impl Iterator<Item = &'a str> + Clone) -> Option<&'a str> {
    let left = SUGGESTIONS_LEFT.get();
    let n = candidates.clone().take(left + 1).count();
    if n > left {
        SUGGESTIONS_LEFT.set(0);
        return None;
    }
    SUGGESTIONS_LEFT.set(left - n);
    if let Some(c) = candidates.clone().find(|c| c.eq_ignore_ascii_case(given)) {
        return Some(c);
    }
    let lower = given.to_lowercase();
    let limit = (given.chars().count() / 3).clamp(1, 3);
    candidates
        // Optimal string alignment: a swap of two neighbours is one edit.
        .map(|c| (strsim::osa_distance(&lower, &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_case_first_then_edit_distance() {
        let names = ["Available", "Busy", "Lunch", "Coaching"];
        assert_eq!(nearest("lunch", names.iter().copied()), Some("Lunch"));
        assert_eq!(nearest("Lnch", names.iter().copied()), Some("Lunch"));
        assert_eq!(nearest("prioritty", ["priority", "name"].into_iter()), Some("priority"));
        assert_eq!(nearest("zzzzzz", names.iter().copied()), None);
        assert_eq!(nearest("chta", ["chat", "email"].into_iter()), Some("chat"));
    }

    #[test]
    fn suggestions_stop_when_their_budget_is_spent() {
        reset_suggestions();
        let names: Vec<String> = (0..SUGGESTION_BUDGET / 2 + 1).map(|i| format!("n{i}")).collect();
        let names = || names.iter().map(String::as_str);
        assert_eq!(nearest("n1", names()), Some("n1"));
        assert_eq!(nearest("n1", names()), None, "over budget");
        let listed = unknown_among("status", "zz", "", names());
        assert!(listed.ends_with(&format!("`n19`, and {} more", SUGGESTION_BUDGET / 2 + 1 - 20)), "{listed}");
        reset_suggestions();
        assert_eq!(nearest("n1", names()), Some("n1"));
    }
}
