//! The journal file and the handle to it: where it is, the warnings about who can read it,
//! and reading it whole (outcomes applied to their entries, unreadable lines counted).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::entry::{Contents, Entry};
use super::lines::{Line, scan};

/// A journal that cannot be used, in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("journal {path}: {reason}")]
pub struct JournalError {
    /// The file.
    pub path: String,
    /// What went wrong.
    pub reason: String,
}

/// What the appender knows about the file from its last append: a later append reads only
/// what other processes added since, under the lock.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Seen {
    /// The file it was (device and inode), so a replaced file is read again from the start.
    pub(super) file: (u64, u64),
    /// Its length after the last append.
    pub(super) len: u64,
    /// The highest entry number in the file up to `len`.
    pub(super) last_id: u64,
}

/// What every clone of a handle shares.
#[derive(Debug, Default)]
pub(super) struct Shared {
    /// The file as the last append of any clone left it.
    pub(super) seen: Option<Seen>,
    /// Warnings raised while writing that nobody has shown yet.
    pub(super) warnings: Vec<String>,
}

/// A handle to the journal file (cheap to clone; clones share their state).
#[derive(Debug, Clone)]
pub struct Journal {
    pub(super) path: PathBuf,
    pub(super) profile: String,
    /// Serializes appends of this process; the file lock serializes them between processes.
    pub(super) shared: Arc<Mutex<Shared>>,
}

impl Journal {
    /// The journal at `path`, recording changes of `profile`.
    pub fn at(path: impl Into<PathBuf>, profile: &str) -> Journal {
        Journal {
            path: path.into(),
            profile: profile.to_string(),
            shared: Arc::new(Mutex::new(Shared::default())),
        }
    }

    /// The journal in the data directory (`journal.jsonl`).
    pub fn in_data_dir(profile: &str) -> Option<Journal> {
        crate::config::data_dir().map(|d| Journal::at(d.join("journal.jsonl"), profile))
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The profile it records.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// Warnings about the file itself and its directory (the data directory, and the
    /// directories in it), to show when it is opened: other users can read them (with the
    /// `chmod` that fixes it).
    pub fn file_warnings(&self) -> Vec<String> {
        let mut warnings = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => {
                crate::fsutil::dir_exposure_warnings(dir, "the journal's directory")
            }
            _ => Vec::new(),
        };
        // Something that is not a regular file is refused when it is read or written.
        if std::fs::metadata(&self.path).is_ok_and(|m| m.is_file()) {
            warnings.extend(crate::fsutil::exposure_warning(
                &self.path,
                "the change journal",
            ));
        }
        warnings
    }

    /// Takes the warnings raised while writing that were not shown yet (an outcome that could
    /// not be recorded). Shared by every clone of this handle.
    pub fn take_warnings(&self) -> Vec<String> {
        match self.shared.lock() {
            Ok(mut s) => std::mem::take(&mut s.warnings),
            Err(_) => Vec::new(),
        }
    }

    /// Keeps a warning for [`Journal::take_warnings`].
    pub fn push_warning(&self, warning: String) {
        if let Ok(mut s) = self.shared.lock() {
            s.warnings.push(warning);
        }
    }

    pub(super) fn err(&self, reason: impl Into<String>) -> JournalError {
        JournalError {
            path: self.path.display().to_string(),
            reason: reason.into(),
        }
    }

    pub(super) fn not_regular(&self) -> JournalError {
        self.err("is not a regular file (a directory, a device or a pipe); bsched keeps its journal only in a regular file")
    }

    /// Refuses a path that exists and is not a regular file (following symlinks), before it
    /// is opened: opening a pipe would wait for a writer, a device can be endless.
    pub(super) fn check_regular(&self) -> Result<bool, JournalError> {
        match std::fs::metadata(&self.path) {
            Ok(m) if m.is_file() => Ok(true),
            Ok(_) => Err(self.not_regular()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(self.err(format!("cannot read: {e}"))),
        }
    }

    /// Every entry, oldest first, with outcomes applied. A missing file is an empty journal;
    /// unreadable lines are left out (see [`Journal::load`] to learn which).
    pub fn read(&self) -> Result<Vec<Entry>, JournalError> {
        self.load().map(|c| c.entries)
    }

    /// Every entry, oldest first, with outcomes applied, and the lines that could not be
    /// read. A missing file is an empty journal; a path that is not a regular file is refused.
    pub fn load(&self) -> Result<Contents, JournalError> {
        if !self.check_regular()? {
            return Ok(Contents::default());
        }
        let f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Contents::default()),
            Err(e) => return Err(self.err(format!("cannot read: {e}"))),
        };
        // The path may have been swapped since it was checked.
        if !f.metadata().is_ok_and(|m| m.is_file()) {
            return Err(self.not_regular());
        }
        // A writer holds the lock for one line; waiting for it means no half line is seen.
        // A file system without locks is read anyway.
        let _ = f.lock_shared();
        let mut contents = Contents::default();
        scan(&f, 1, |n, line| match line {
            Line::Entry(e) => contents.entries.push(*e),
            Line::Outcome(o) => {
                if let Some(e) = contents
                    .entries
                    .iter_mut()
                    .rev()
                    .find(|e| e.id == o.outcome_of)
                {
                    e.apply(o);
                }
                // An outcome whose intent is gone: the intent line is counted already.
            }
            Line::Blank => {}
            Line::Unreadable => contents.unreadable.push(n),
        })
        .map_err(|e| self.err(format!("cannot read: {e}")))?;
        Ok(contents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::testing::intent;

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_and_a_readable_one_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("data/bsched/journal.jsonl");
        let j = Journal::at(&path, "default");
        j.begin(intent("a")).expect("begin");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().expect("dir")), 0o700);
        assert_eq!(mode(&tmp.path().join("data")), 0o700);
        assert!(j.file_warnings().is_empty());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let w = j.file_warnings();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("chmod 600") && w[0].contains("journal"),
            "{w:?}"
        );
        // A data directory others can open is named too, with its own fix.
        let dir = path.parent().expect("dir");
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let w = j.file_warnings();
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].contains("chmod 700") && w[0].contains(&dir.display().to_string()),
            "{w:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn only_a_regular_file_is_read_or_written() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("journal.jsonl");
        std::fs::create_dir(&dir).expect("mkdir");
        let link = tmp.path().join("zero.jsonl");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
        for p in [&dir, &link] {
            let j = Journal::at(p, "default");
            let e = j.load().expect_err("refused");
            assert!(e.to_string().contains("not a regular file"), "{e}");
            let e = j.begin(intent("a")).expect_err("refused");
            assert!(e.to_string().contains("not a regular file"), "{e}");
        }
    }
}
