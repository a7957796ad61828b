//! The charts and pages of the folders of `sweep`, `staff`, `erlang --out`
//! and `compare` (docs/model.md §11.10): [`capacity_charts`] draws each
//! from the folder's files ([`Files`]) only, so `routesim plot DIR`
//! redraws what the command drew.

use super::Chart;
use super::files::{Files, Kind, Page};
use super::{compare, erlang, schedule, staff, sweep};
use crate::error::{Error, Result};

/// The charts (in report order) and the page of a sweep, staff, erlang or compare folder.
pub fn capacity_charts(files: &Files) -> Result<(Vec<Chart<'static>>, Page)> {
    match files.kind() {
        Some(Kind::Sweep) => sweep::sweep(files),
        Some(Kind::Staff) => staff::staff(files),
        Some(Kind::Erlang) => erlang::erlang(files),
        Some(Kind::Compare) => compare::compare(files),
        Some(Kind::Schedule) => schedule::schedule(files),
        _ => Err(Error::Records {
            path: ".".into(),
            problem: "not a sweep, staff, erlang, compare or schedule folder".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::files::Csv;
    use super::*;

    #[test]
    fn the_kind_of_a_folder_follows_its_files() {
        assert_eq!(Kind::of(|n| n == "sweep.csv" || n == "summary.csv"), Kind::Sweep);
        assert_eq!(Kind::of(|n| n == "staffing.csv"), Kind::Staff);
        assert_eq!(Kind::of(|n| n == "erlang.csv"), Kind::Erlang);
        assert_eq!(Kind::of(|n| n == "compare.csv"), Kind::Compare);
        assert_eq!(Kind::of(|n| n == "roster.csv" || n == "coverage.csv"), Kind::Schedule);
        assert_eq!(Kind::of(|_| false), Kind::Run);
    }

    #[test]
    fn a_short_csv_row_is_refused_by_line() {
        let e = Csv::parse("x.csv", "a,b\n1,2\n3\n").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("line 3"), "{e}");
    }

    #[test]
    fn a_folder_of_no_kind_draws_nothing() {
        assert!(capacity_charts(&Files::default()).is_err());
    }
}
