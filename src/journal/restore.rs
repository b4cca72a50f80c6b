//! Restores: the lock a restore holds from "is the schedule there?" to "created", and which
//! delete a create restores.

use std::fs::File;
use std::path::PathBuf;

use crate::domain::{InstanceId, ScheduleSpec};

use super::entry::{Action, Entry, Outcome, Snapshot};
use super::store::{Journal, JournalError};

/// The lock a restore holds ([`Journal::try_restore_lock`]); released when dropped.
#[derive(Debug)]
pub struct RestoreLock {
    _file: File,
}

/// The create that restored delete entry `entry`, when the journal records one that was done.
pub fn restored_by(entries: &[Entry], entry: u64) -> Option<&Entry> {
    entries.iter().find(|c| {
        c.restores == Some(entry) && c.action == Action::Create && c.outcome == Outcome::Done
    })
}

/// The delete a create of `spec` on `instance` restores, when no entry was named: the newest
/// delete of that schedule (same name, days and time) on that server, made on `profile`, not
/// known to have failed, and not restored yet.
pub fn unrestored_delete(
    entries: &[Entry],
    profile: &str,
    instance: InstanceId,
    spec: &ScheduleSpec,
) -> Option<u64> {
    let want = Snapshot::of_spec(spec);
    let deletes = |e: &&Entry| {
        e.action == Action::Delete
            && e.profile == profile
            && e.instance_id == instance
            && e.outcome != Outcome::Failed
            && e.before.as_ref().is_some_and(|b| {
                b.name.trim() == want.name && b.days == want.days && b.time == want.time
            })
    };
    entries
        .iter()
        .rev()
        .filter(deletes)
        .find(|d| restored_by(entries, d.id).is_none())
        .map(|d| d.id)
}

impl Journal {
    /// Where restores take their lock: `<journal>.restore.lock`, beside the journal.
    pub fn restore_lock_path(&self) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_else(|| "journal".into());
        name.push(".restore.lock");
        self.path.with_file_name(name)
    }

    /// Takes the lock a restore holds from "is the schedule there?" to "created", without
    /// waiting: `Ok(None)` when another restore (another process, or another task of this
    /// one) holds it. It is released when the returned file is dropped. The lock file is
    /// 0600 beside the journal and holds nothing.
    pub fn try_restore_lock(&self) -> Result<Option<RestoreLock>, JournalError> {
        let f = self.open_restore_lock()?;
        match f.try_lock() {
            Ok(()) => Ok(Some(RestoreLock { _file: f })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(self.lock_error(&e)),
        }
    }

    /// [`Journal::try_restore_lock`], waiting as long as another restore holds it. Blocks the
    /// thread: run it where blocking is allowed (`spawn_blocking`).
    pub fn restore_lock(&self) -> Result<RestoreLock, JournalError> {
        let f = self.open_restore_lock()?;
        f.lock().map_err(|e| self.lock_error(&e))?;
        Ok(RestoreLock { _file: f })
    }

    fn open_restore_lock(&self) -> Result<File, JournalError> {
        let path = self.restore_lock_path();
        if std::fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
            return Err(self.err(format!(
                "{} is not a regular file; a restore locks it",
                path.display()
            )));
        }
        crate::fsutil::open_private_append(&path).map_err(|e| {
            self.err(format!(
                "cannot open {} to lock it for a restore: {e}",
                path.display()
            ))
        })
    }

    fn lock_error(&self, e: &std::io::Error) -> JournalError {
        self.err(format!(
            "cannot lock {} for a restore: {e}",
            self.restore_lock_path().display()
        ))
    }
}
