//! Reading the files a user names (the scenario, its forecast): regular
//! files only, never more than a stated number of bytes, and what went
//! wrong in plain words (docs/model.md §10.11).
//!
//! A file is opened without blocking and looked at before anything is
//! read: a folder, a named pipe with no writer, a socket or a device such
//! as `/dev/zero` is refused at once instead of hanging or filling memory.
//! A regular file is read through `Read::take(limit + 1)`, so even one that
//! grows while it is read costs at most `limit + 1` bytes.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::plain_io;

/// Largest scenario file read, bytes (16 MiB): a scenario of the largest
/// size routesim takes (statuses, queues, teams and agent groups at their
/// limits, docs/model.md §10.11) is a few MiB; more is not a scenario.
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Largest forecast file read, bytes (256 MiB): far above a year of
/// 15-minute rows for dozens of queues, and a guard against naming a huge file.
pub const MAX_FORECAST_BYTES: u64 = 256 << 20;

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Unreadable {
    /// The path names a folder.
    Folder,
    /// The path names something other than a regular file: the words say what.
    NotRegular(&'static str),
    /// The file holds more than the limit, bytes.
    TooLarge(u64),
    /// The operating system refused (missing file, permission denied, ...).
    Io(std::io::Error),
}

impl Unreadable {
    /// The problem in plain words completing "`FILE` ...", for a `what`
    /// ("scenario file", "forecast file"): "is a folder, not a scenario file".
    pub(crate) fn words(&self, what: &str) -> String {
        match self {
            Unreadable::Folder => format!("is a folder, not a {what}"),
            Unreadable::NotRegular(kind) => {
                format!("is {kind}, not a regular file; name a {what}")
            }
            Unreadable::TooLarge(limit) => format!(
                "is larger than {} MiB, the most routesim reads from a {what}; \
                 check that it names the right file",
                limit >> 20
            ),
            Unreadable::Io(e) => format!("cannot read the file: {}", plain_io(e)),
        }
    }

    /// The problem as a sentence naming the file `shown`: "cannot read
    /// scenario file `x.toml`: no such file or folder", "`x` is a folder,
    /// not a scenario file".
    pub(crate) fn sentence(&self, shown: &str, what: &str) -> String {
        match self {
            Unreadable::Io(e) => format!("cannot read {what} `{shown}`: {}", plain_io(e)),
            other => format!("`{shown}` {}", other.words(what)),
        }
    }
}

/// Opens `path` for reading without waiting for a writer (a named pipe
/// opened this way returns at once; for a regular file the flag changes nothing).
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    // Without O_NONBLOCK, look before opening.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() && !meta.is_dir() {
        return Err(std::io::Error::other("not a regular file"));
    }
    File::open(path)
}

/// What a file that is neither a folder nor a regular file is, in words.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
}

/// Where the loader reads the files a user names: the disk ([`Disk`]), or
/// the copies a shard's part folder keeps (so `routesim merge` loads the
/// same scenarios without the original files). Every read of a scenario or
/// a forecast goes through one.
pub(crate) trait Source: Sync {
    /// The bytes of the file at `path`, at most `limit` of them.
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, Unreadable>;
}

/// The files on disk, read by [`read`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Disk;

impl Source for Disk {
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, Unreadable> {
        read(path, limit)
    }
}

/// The bytes of the regular file at `path`, at most `limit` of them.
pub(crate) fn read(path: &Path, limit: u64) -> Result<Vec<u8>, Unreadable> {
    let file = open(path).map_err(Unreadable::Io)?;
    let meta = file.metadata().map_err(Unreadable::Io)?;
    if meta.is_dir() {
        return Err(Unreadable::Folder);
    }
    if !meta.is_file() {
        return Err(Unreadable::NotRegular(kind_of(&meta)));
    }
    if meta.len() > limit {
        return Err(Unreadable::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(Unreadable::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Unreadable::TooLarge(limit));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_devices_and_large_files_are_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path(), 100).unwrap_err();
        assert_eq!(e.words("scenario file"), "is a folder, not a scenario file");
        let big = dir.path().join("big.toml");
        std::fs::write(&big, [b'#'; 101]).unwrap();
        let e = read(&big, 100).unwrap_err().words("scenario file");
        assert!(e.starts_with("is larger than 0 MiB"), "{e}");
        assert_eq!(read(&big, 101).unwrap().len(), 101);
        let e = read(&dir.path().join("missing"), 100).unwrap_err().sentence("missing", "scenario file");
        assert_eq!(e, "cannot read scenario file `missing`: no such file or folder");
        #[cfg(unix)]
        {
            let e = read(Path::new("/dev/zero"), 100).unwrap_err().words("scenario file");
            assert_eq!(e, "is a device, not a regular file; name a scenario file");
        }
    }
}
