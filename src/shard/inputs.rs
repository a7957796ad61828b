//! The files a shard read, kept in its part folder: recorded while the
//! shard loads its scenarios ([`Recorder`]), and served back to the same
//! loader by `routesim merge` ([`Stored`]), so the merge needs none of the
//! original files and loads exactly the scenarios the shards ran.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::{self, Source, Unreadable};

/// One file as a shard read it: its path as the loader opened it, the
/// SHA-256 of its bytes, and its text (scenarios and forecasts are UTF-8,
/// or the load fails before a part is written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredFile {
    /// The path as opened (relative to where the shard ran, or absolute).
    pub(crate) path: String,
    /// SHA-256 of the bytes, hex.
    pub(crate) sha256: String,
    /// The bytes, as text.
    pub(crate) text: String,
}

/// Reads from disk and keeps what it read: each path once (a later read of
/// the same path is served from the first, so the loader sees one version
/// of every file even if it changes meanwhile).
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    seen: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Source for Recorder {
    fn read(&self, path: &Path, limit: u64) -> std::result::Result<Vec<u8>, Unreadable> {
        let key = path.display().to_string();
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, bytes)) = seen.iter().find(|(p, _)| *p == key) {
            return if bytes.len() as u64 > limit {
                Err(Unreadable::TooLarge(limit))
            } else {
                Ok(bytes.clone())
            };
        }
        let bytes = input::read(path, limit)?;
        seen.push((key, bytes.clone()));
        Ok(bytes)
    }
}

impl Recorder {
    /// The files read, in the order first read.
    pub(crate) fn into_files(self) -> Result<Vec<StoredFile>> {
        let seen = self.seen.into_inner().unwrap_or_else(PoisonError::into_inner);
        seen.into_iter()
            .map(|(path, bytes)| {
                let sha256 = super::sha256_hex(&bytes);
                let text = String::from_utf8(bytes)
                    .map_err(|_| Error::Internal(format!("{path} was loaded but is not UTF-8 text")))?;
                Ok(StoredFile { path, sha256, text })
            })
            .collect()
    }
}

/// The files a part folder kept, served by path; any other path is
/// missing ("not kept in the part folder").
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stored<'a>(pub(crate) &'a [StoredFile]);

impl Source for Stored<'_> {
    fn read(&self, path: &Path, limit: u64) -> std::result::Result<Vec<u8>, Unreadable> {
        let key = path.display().to_string();
        match self.0.iter().find(|f| f.path == key) {
            Some(f) if f.text.len() as u64 > limit => Err(Unreadable::TooLarge(limit)),
            Some(f) => Ok(f.text.as_bytes().to_vec()),
            None => Err(Unreadable::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "it is not kept in the part folder",
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_read_is_served_back_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "horizon = \"1h\"\n").unwrap();
        let recorder = Recorder::default();
        assert_eq!(recorder.read(&path, 100).unwrap(), b"horizon = \"1h\"\n");
        // A second read is the first one's bytes, even after the file changed.
        std::fs::write(&path, "changed").unwrap();
        assert_eq!(recorder.read(&path, 100).unwrap(), b"horizon = \"1h\"\n");
        assert!(matches!(recorder.read(&path, 3), Err(Unreadable::TooLarge(3))));
        let files = recorder.into_files().unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].sha256, crate::shard::sha256_hex(b"horizon = \"1h\"\n"));
        std::fs::remove_file(&path).unwrap();
        let stored = Stored(&files);
        assert_eq!(stored.read(&path, 100).unwrap(), b"horizon = \"1h\"\n");
        let other = stored.read(&dir.path().join("f.csv"), 100).unwrap_err();
        assert!(other.words("forecast file").contains("not kept in the part folder"));
    }
}
