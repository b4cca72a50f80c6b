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

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::domain::{
    InstanceId, Schedule, ScheduleId, ScheduleName, ScheduleSpec, TimeOfDay, Weekdays,
};

/// A schedule as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Its id, when it existed on the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ScheduleId>,
    /// Name.
    pub name: String,
    /// Days, lowercase three-letter names.
    pub days: Vec<String>,
    /// `HH:MM`, server time.
    pub time: String,
}

impl Snapshot {
    /// A listed schedule.
    pub fn of(s: &Schedule) -> Snapshot {
        Snapshot {
            id: Some(s.id),
            name: s.name.clone(),
            days: s.days.short_names().iter().map(|d| d.to_string()).collect(),
            time: s.time.to_string(),
        }
    }

    /// A spec about to be sent.
    pub fn of_spec(s: &ScheduleSpec) -> Snapshot {
        Snapshot {
            id: None,
            name: s.name().as_str().to_string(),
            days: s
                .days()
                .short_names()
                .iter()
                .map(|d| d.to_string())
                .collect(),
            time: s.time().to_string(),
        }
    }

    /// The spec that recreates it.
    pub fn spec(&self) -> Result<ScheduleSpec, String> {
        let name = ScheduleName::new(&self.name).map_err(|e| e.to_string())?;
        let days = Weekdays::parse_user(&self.days.join(",")).map_err(|e| e.to_string())?;
        let time = self.time.parse::<TimeOfDay>().map_err(|e| e.to_string())?;
        ScheduleSpec::new(name, days, time).map_err(|e| e.to_string())
    }
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A schedule was created.
    Create,
    /// A schedule was edited.
    Edit,
    /// A schedule was deleted.
    Delete,
    /// The retention was changed.
    Retention,
}

/// How a change ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// It was applied.
    Done,
    /// It failed; nothing changed (or the listing afterwards showed it did not).
    Failed,
    /// It may or may not have been applied: no outcome was written (the process ended during
    /// the change), or the write was sent and its answer, or the listing after it, was lost.
    Unknown,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Sequence number, from 1.
    pub id: u64,
    /// When the change was started.
    pub time: Timestamp,
    /// The profile (account) it was made on.
    pub profile: String,
    /// What was done.
    pub action: Action,
    /// The server.
    pub instance_id: InstanceId,
    /// The server's name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The schedule before (edit, delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Snapshot>,
    /// The schedule after (create, edit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Snapshot>,
    /// Retention before and after (retention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<(Option<u8>, u8)>,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it failed, or why its outcome is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The delete entry this create restores (`bsched restore`, undo in the TUI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restores: Option<u64>,
}

/// The outcome line written after a change.
#[derive(Debug, Serialize, Deserialize)]
struct OutcomeLine {
    outcome_of: u64,
    outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<Snapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// A journal that cannot be used, in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("journal {path}: {reason}")]
pub struct JournalError {
    /// The file.
    pub path: String,
    /// What went wrong.
    pub reason: String,
}

/// The longest line the reader keeps in memory (64 KiB); a longer line is reported as
/// unreadable and skipped without being stored. Real lines are a few hundred bytes.
pub const MAX_LINE: usize = 64 * 1024;

/// What the appender knows about the file from its last append: a later append reads only
/// what other processes added since, under the lock.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    /// The file it was (device and inode), so a replaced file is read again from the start.
    file: (u64, u64),
    /// Its length after the last append.
    len: u64,
    /// The highest entry number in the file up to `len`.
    last_id: u64,
}

#[derive(Debug, Default)]
struct Shared {
    seen: Option<Seen>,
    /// Warnings raised while writing that nobody has shown yet.
    warnings: Vec<String>,
}

/// A handle to the journal file (cheap to clone; clones share their state).
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    profile: String,
    /// Serializes appends of this process; the file lock serializes them between processes.
    shared: Arc<Mutex<Shared>>,
}

/// The lock a restore holds ([`Journal::try_restore_lock`]); released when dropped.
#[derive(Debug)]
pub struct RestoreLock {
    _file: File,
}

/// What a change is about to do, written before it is sent.
#[derive(Debug, Clone)]
pub struct Intent {
    /// What.
    pub action: Action,
    /// The server.
    pub instance_id: InstanceId,
    /// The server's name.
    pub server: Option<String>,
    /// Before.
    pub before: Option<Snapshot>,
    /// After, as asked for.
    pub after: Option<Snapshot>,
    /// Retention before and after.
    pub retention: Option<(Option<u8>, u8)>,
    /// The delete entry a create restores.
    pub restores: Option<u64>,
}

/// The journal as read: its entries and the lines that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contents {
    /// Every entry, oldest first, with outcomes applied.
    pub entries: Vec<Entry>,
    /// Line numbers (from 1) of lines that are neither an entry nor an outcome: a damaged or
    /// half-written line, or one longer than [`MAX_LINE`].
    pub unreadable: Vec<u64>,
}

impl Contents {
    /// "2 unreadable lines in PATH (lines 7, 9)", when there are any.
    pub fn warning(&self, path: &Path) -> Option<String> {
        let n = self.unreadable.len();
        if n == 0 {
            return None;
        }
        let mut lines: Vec<String> = self
            .unreadable
            .iter()
            .take(10)
            .map(u64::to_string)
            .collect();
        if n > 10 {
            lines.push(format!("and {} more", n - 10));
        }
        Some(format!(
            "{n} unreadable line{s} in {} (line{s} {}); the entries there are lost or damaged",
            path.display(),
            lines.join(", "),
            s = if n == 1 { "" } else { "s" },
        ))
    }
}

/// The create that restored delete entry `entry`, when the journal records one that was done.
pub fn restored_by(entries: &[Entry], entry: u64) -> Option<&Entry> {
    entries.iter().find(|c| {
        c.restores == Some(entry) && c.action == Action::Create && c.outcome == Outcome::Done
    })
}

#[cfg(unix)]
fn file_identity(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn file_identity(_m: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// Reads one line into `buf` (without its `\n`), keeping at most `max` bytes: a longer line is
/// read through and dropped. `Ok(None)` at the end; `Ok(Some(true))` for a line that was too
/// long (then `buf` is empty).
fn read_line_bounded(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(too_long));
        }
        any = true;
        let newline = chunk.iter().position(|b| *b == b'\n');
        let part = &chunk[..newline.unwrap_or(chunk.len())];
        if !too_long {
            if buf.len() + part.len() > max {
                too_long = true;
                buf.clear();
                buf.shrink_to(max);
            } else {
                buf.extend_from_slice(part);
            }
        }
        let used = newline.map_or(chunk.len(), |i| i + 1);
        r.consume(used);
        if newline.is_some() {
            return Ok(Some(too_long));
        }
    }
}

/// One line of the file, as read.
enum Line {
    Entry(Box<Entry>),
    Outcome(OutcomeLine),
    Blank,
    Unreadable,
}

fn parse_line(bytes: &[u8], too_long: bool) -> Line {
    if too_long {
        return Line::Unreadable;
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Line::Blank;
    }
    if let Ok(o) = serde_json::from_slice::<OutcomeLine>(bytes) {
        Line::Outcome(o)
    } else if let Ok(e) = serde_json::from_slice::<Entry>(bytes) {
        Line::Entry(Box::new(e))
    } else {
        Line::Unreadable
    }
}

/// Calls `each` for every line of `r` with its number (from `first_line`).
fn scan(r: impl Read, first_line: u64, mut each: impl FnMut(u64, Line)) -> std::io::Result<()> {
    let mut reader = BufReader::with_capacity(64 * 1024, r);
    let mut buf = Vec::new();
    let mut n = first_line;
    while let Some(too_long) = read_line_bounded(&mut reader, &mut buf, MAX_LINE)? {
        each(n, parse_line(&buf, too_long));
        n += 1;
    }
    Ok(())
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

    fn err(&self, reason: impl Into<String>) -> JournalError {
        JournalError {
            path: self.path.display().to_string(),
            reason: reason.into(),
        }
    }

    fn not_regular(&self) -> JournalError {
        self.err("is not a regular file (a directory, a device or a pipe); bsched keeps its journal only in a regular file")
    }

    /// Refuses a path that exists and is not a regular file (following symlinks), before it
    /// is opened: opening a pipe would wait for a writer, a device can be endless.
    fn check_regular(&self) -> Result<bool, JournalError> {
        match std::fs::metadata(&self.path) {
            Ok(m) if m.is_file() => Ok(true),
            Ok(_) => Err(self.not_regular()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(self.err(format!("cannot read: {e}"))),
        }
    }

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
            let entry = Entry {
                id,
                time: Timestamp::now(),
                profile: self.profile.clone(),
                action: intent.action,
                instance_id: intent.instance_id,
                server: intent.server,
                before: intent.before,
                after: intent.after,
                retention: intent.retention,
                outcome: Outcome::Unknown,
                error: None,
                restores: intent.restores,
            };
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
        let line = OutcomeLine {
            outcome_of: id,
            outcome,
            after,
            error,
        };
        let text = serde_json::to_string(&line).map_err(|e| self.err(e.to_string()))?;
        self.append_locked(|last_id| Ok((text, last_id)))
            .map(|_| ())
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
                    e.outcome = o.outcome;
                    if o.after.is_some() {
                        e.after = o.after;
                    }
                    e.error = o.error;
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

    fn intent(name: &str) -> Intent {
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

    fn done(name: &str, id: u64) -> Option<Snapshot> {
        Some(Snapshot {
            id: Some(id),
            name: name.into(),
            days: vec!["mon".into()],
            time: "02:00".into(),
        })
    }

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
    fn a_line_longer_than_the_limit_is_reported_not_kept() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("journal.jsonl");
        let mut text = String::from("x").repeat(MAX_LINE + 10);
        text.push('\n');
        std::fs::write(&path, &text).expect("write");
        let j = Journal::at(&path, "default");
        assert_eq!(j.begin(intent("a")).expect("begin"), 1);
        let c = j.load().expect("load");
        assert_eq!(c.entries.len(), 1);
        assert_eq!(c.unreadable, vec![1]);

        let mut buf = Vec::new();
        let mut r = std::io::Cursor::new(vec![b'y'; 3 * MAX_LINE]);
        assert_eq!(
            read_line_bounded(&mut r, &mut buf, MAX_LINE).expect("read"),
            Some(true)
        );
        assert!(buf.capacity() <= MAX_LINE + 64 * 1024, "{}", buf.capacity());
        assert_eq!(
            read_line_bounded(&mut r, &mut buf, MAX_LINE).expect("read"),
            None
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
