//! The change journal: every create, edit, delete and retention change bsched makes, from the
//! TUI or the CLI, appended as JSON lines to `journal.jsonl` in the data directory.
//!
//! A change is written twice: an intent line before anything is sent (so a journal that
//! cannot be written stops the change) and an outcome line after. A change whose outcome line
//! is missing (the process died) reads as "unknown", and so does one whose answer was lost.
//!
//! Several processes (the TUI and a CLI command, two `apply` runs) may write at once: every
//! append holds an exclusive lock on the file, reads the last entry number under it and
//! starts on a fresh line, so numbers never collide and a half-written line (a full disk)
//! never swallows the next entry. The file is created 0600 in a 0700 directory. Reading
//! refuses anything but a regular file, keeps at most [`MAX_LINE`] bytes of a line in memory,
//! and reports the lines it could not read instead of skipping them silently.
//!
//! The module by concern: `entry` holds what a line says (the file format), `lines` reads
//! the file line by line, `store` is the handle and reads the file whole, `append` writes a
//! line under the lock, and `restore` holds the restore lock and which create restored which
//! delete, and `show` is how one entry reads (the log and the TUI's journal view).

mod append;
mod entry;
mod lines;
mod restore;
mod show;
mod store;

pub use entry::{Action, Contents, Entry, Intent, Outcome, Snapshot};
pub use lines::MAX_LINE;
pub use restore::{RestoreLock, restored_by, unrestored_delete};
pub use show::{EntryText, action_word, entry_text, server_label};
pub use store::{Journal, JournalError};

/// What the tests of every part of the journal write.
#[cfg(test)]
mod testing {
    use super::{Action, Intent, Snapshot};

    pub(super) fn intent(name: &str) -> Intent {
        Intent {
            action: Action::Create,
            instance_id: 7,
            server: Some("web-1".into()),
            before: None,
            after: Some(Snapshot {
                id: None,
                name: name.into(),
                days: vec!["mon".into()],
                time: "02:00".into(),
            }),
            retention: None,
            restores: None,
        }
    }

    pub(super) fn done(name: &str, id: u64) -> Option<Snapshot> {
        Some(Snapshot {
            id: Some(id),
            name: name.into(),
            days: vec!["mon".into()],
            time: "02:00".into(),
        })
    }
}
