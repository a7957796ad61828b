//! Helpers the end-to-end tests share for reading a result folder's files.

use std::collections::BTreeMap;
use std::path::Path;

/// A CSV file as rows of column name → value.
pub fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("read csv");
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
    reader
        .records()
        .map(|r| header.iter().cloned().zip(r.expect("record").iter().map(str::to_owned)).collect())
        .collect()
}
