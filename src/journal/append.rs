//! Appending to the journal: one line at a time under an exclusive lock on the file, numbered
//! after the highest entry any process wrote, on a fresh line even after a half-written one.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};

use jiff::Timestamp;

use super::entry::{Intent, Outcome, OutcomeLine, Snapshot};
use super::lines::{Line, scan};
use super::store::{Journal, JournalError, Seen};

#[cfg(unix)]
fn file_identity(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn file_identity(_m: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

impl Journal {
    /// Opens the file for reading and appending, creating it 0600 (and its directory 0700).
    fn open_for_append(&self) -> Result<File, JournalError> {
        self.check_regular()?;
        if let Some(dir) = self.path.parent() {
            crate::fsutil::private_dir(dir)
                .map_err(|e| self.err(format!("cannot create its directory: {e}")))?;
        }
        let mut o = OpenOptions::new();
        o.read(true).append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        o.open(&self.path)
            .map_err(|e| self.err(format!("cannot open for writing: {e}")))
    }

    /// Appends `make(last_id)`'s line under an exclusive lock on the file: `last_id` is the
    /// highest entry number in the file as it is now, whoever wrote it; `make` returns the
    /// line and the highest number once it is written. The line starts on a fresh line even
    /// when the file ends in a half-written one.
    fn append_locked(
        &self,
        make: impl FnOnce(u64) -> Result<(String, u64), JournalError>,
    ) -> Result<u64, JournalError> {
        let mut shared = self
            .shared
            .lock()
            .map_err(|_| self.err("a writer panicked"))?;
        let mut f = self.open_for_append()?;
        f.lock()
            .map_err(|e| self.err(format!("cannot lock for writing: {e}; nothing was written")))?;
        let meta = f
            .metadata()
            .map_err(|e| self.err(format!("cannot read: {e}")))?;
        if !meta.is_file() {
            return Err(self.not_regular());
        }
        let len = meta.len();
        let identity = file_identity(&meta);
        // Only what was added since this handle last wrote needs reading; a replaced or
        // shortened file is read again from the start.
        let (from, mut last_id) = match shared.seen {
            Some(s) if s.file == identity && s.len <= len => (s.len, s.last_id),
            _ => (0, 0),
        };
        if from < len {
            f.seek(SeekFrom::Start(from))
                .map_err(|e| self.err(format!("cannot read: {e}")))?;
            scan((&mut f).take(len - from), 1, |_, line| {
                if let Line::Entry(e) = line {
                    last_id = last_id.max(e.id);
                }
            })
            .map_err(|e| self.err(format!("cannot read: {e}")))?;
        }
        let ends_mid_line = if len > 0 {
            let mut last = [0u8; 1];
            f.seek(SeekFrom::Start(len - 1))
                .and_then(|_| f.read_exact(&mut last))
                .map_err(|e| self.err(format!("cannot read: {e}")))?;
            last[0] != b'\n'
        } else {
            false
        };
        let (line, written_id) = make(last_id)?;
        let mut bytes = Vec::with_capacity(line.len() + 2);
        if ends_mid_line {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        let written = f.write_all(&bytes).and_then(|_| f.sync_data());
        // Whatever happened, the next append re-reads from here: a failed write may have
        // left part of a line behind.
        shared.seen = Some(match written {
            Ok(()) => Seen {
                file: identity,
                len: len + bytes.len() as u64,
                last_id: written_id,
            },
            Err(_) => Seen {
                file: identity,
                len,
                last_id,
            },
        });
        written.map_err(|e| self.err(format!("cannot write: {e}")))?;
        Ok(written_id)
    }

    /// Writes the intent of a change and returns its entry id. Call before sending anything:
    /// an error here means the change must not be made.
    pub fn begin(&self, intent: Intent) -> Result<u64, JournalError> {
        self.append_locked(|last_id| {
            let id = last_id + 1;
            let entry = intent.into_entry(id, Timestamp::now(), self.profile.clone());
            let line = serde_json::to_string(&entry).map_err(|e| self.err(e.to_string()))?;
            Ok((line, id))
        })
    }

    /// Writes how change `id` ended. A failure here is reported but the change stands.
    pub fn finish(
        &self,
        id: u64,
        outcome: Outcome,
        after: Option<Snapshot>,
        error: Option<String>,
    ) -> Result<(), JournalError> {
        self.finish_naming(id, outcome, after, error, None)
    }

    /// [`Journal::finish`], with the server's name when it was learned only during the change
    /// (the intent did not have it): the entry then reads with that name.
    pub fn finish_naming(
        &self,
        id: u64,
        outcome: Outcome,
        after: Option<Snapshot>,
        error: Option<String>,
        server: Option<String>,
    ) -> Result<(), JournalError> {
        let line = OutcomeLine {
            outcome_of: id,
            outcome,
            after,
            error,
            server,
        };
        let text = serde_json::to_string(&line).map_err(|e| self.err(e.to_string()))?;
        self.append_locked(|last_id| Ok((text, last_id)))
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::testing::{done, intent};

    #[test]
    fn a_half_written_line_does_not_swallow_the_next_entry() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("journal.jsonl");
        let j = Journal::at(&path, "default");
        let id = j.begin(intent("first")).expect("begin");
        // The disk filled in the middle of the outcome line.
        let mut f = OpenOptions::new().append(true).open(&path).expect("open");
        f.write_all(br#"{"outcome_of":1,"outcome":"do"#)
            .expect("write");
        drop(f);
        // Another process (a fresh handle) appends the next change.
        let other = Journal::at(&path, "default");
        let next = other.begin(intent("second")).expect("begin");
        assert_eq!(next, id + 1);
        other
            .finish(next, Outcome::Done, done("second", 9), None)
            .expect("finish");
        let c = j.load().expect("load");
        assert_eq!(c.entries.len(), 2, "{c:?}");
        assert_eq!(
            c.entries[1].after.as_ref().map(|s| s.name.as_str()),
            Some("second")
        );
        assert_eq!(c.entries[1].outcome, Outcome::Done);
        assert_eq!(c.entries[0].outcome, Outcome::Unknown);
        assert_eq!(c.unreadable, vec![2]);
        let w = c.warning(&path).expect("a warning");
        assert!(w.starts_with("1 unreadable line in "), "{w}");
        assert!(w.contains("(line 2)"), "{w}");
    }

    #[test]
    fn threads_with_their_own_handles_never_share_a_number() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("journal.jsonl");
        let threads: Vec<_> = (0..6)
            .map(|t| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let j = Journal::at(&path, "default");
                    for i in 0..25 {
                        let name = format!("t{t}-{i}");
                        let id = j.begin(intent(&name)).expect("begin");
                        j.finish(id, Outcome::Done, done(&name, id), None)
                            .expect("finish");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        let c = Journal::at(&path, "default").load().expect("load");
        assert!(c.unreadable.is_empty(), "{:?}", c.unreadable);
        let mut ids: Vec<u64> = c.entries.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        assert_eq!(ids, (1..=150).collect::<Vec<u64>>());
        // Every outcome found its own intent: the snapshot written with it names the entry.
        for e in &c.entries {
            assert_eq!(e.outcome, Outcome::Done, "{e:?}");
            assert_eq!(e.after.as_ref().and_then(|s| s.id), Some(e.id), "{e:?}");
        }
    }
}
