//! Helpers the end-to-end tests share for reading a result folder's files.

use std::collections::BTreeMap;
use std::path::Path;

/// A CSV file as rows of column name → value.
pub fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    table(path).1
}

/// A CSV file's header, and its rows of column name → value.
pub fn table(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_path(path).expect("read csv");
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
    let rows = reader
        .records()
        .map(|r| header.iter().cloned().zip(r.expect("record").iter().map(str::to_owned)).collect())
        .collect();
    (header, rows)
}

/// Column `col` of `row` as a number (an empty cell reads as NaN).
pub fn num(row: &BTreeMap<String, String>, col: &str) -> f64 {
    let text = &row[col];
    if text.is_empty() { f64::NAN } else { text.parse().unwrap_or_else(|_| panic!("{col}={text}")) }
}
