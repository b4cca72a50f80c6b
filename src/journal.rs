//! The change journal: every create, edit, delete and retention change bsched makes, from the
//! TUI or the CLI, appended as JSON lines to `journal.jsonl` in the data directory.
//!
//! A change is written twice: an intent line before anything is sent (so a journal that
//! cannot be written stops the change) and an outcome line after. A change whose outcome line
//! is missing (the process died) reads as "unknown".

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
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
    /// No outcome was written (the process ended during the change).
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
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
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

/// A handle to the journal file (cheap to clone; appends are serialized).
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    profile: String,
    /// Serializes appends; holds the last entry id once the file was read.
    lock: Arc<Mutex<Option<u64>>>,
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
}

impl Journal {
    /// The journal at `path`, recording changes of `profile`.
    pub fn at(path: impl Into<PathBuf>, profile: &str) -> Journal {
        Journal {
            path: path.into(),
            profile: profile.to_string(),
            lock: Arc::new(Mutex::new(None)),
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

    fn err(&self, reason: impl Into<String>) -> JournalError {
        JournalError {
            path: self.path.display().to_string(),
            reason: reason.into(),
        }
    }

    fn append(&self, line: &str) -> Result<(), JournalError> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| self.err(format!("cannot create: {e}")))?;
        }
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| self.err(format!("cannot open for writing: {e}")))?;
        f.write_all(format!("{line}\n").as_bytes())
            .and_then(|_| f.sync_data())
            .map_err(|e| self.err(format!("cannot write: {e}")))
    }

    /// Writes the intent of a change and returns its entry id. Call before sending anything:
    /// an error here means the change must not be made.
    pub fn begin(&self, intent: Intent) -> Result<u64, JournalError> {
        let mut last = self
            .lock
            .lock()
            .map_err(|_| self.err("a writer panicked"))?;
        let id = match *last {
            Some(n) => n + 1,
            None => self.read()?.last().map(|e| e.id).unwrap_or(0) + 1,
        };
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
        };
        let line = serde_json::to_string(&entry).map_err(|e| self.err(e.to_string()))?;
        self.append(&line)?;
        *last = Some(id);
        Ok(id)
    }

    /// Writes how change `id` ended. A failure here is reported but the change stands.
    pub fn finish(
        &self,
        id: u64,
        ok: bool,
        after: Option<Snapshot>,
        error: Option<String>,
    ) -> Result<(), JournalError> {
        let _guard = self
            .lock
            .lock()
            .map_err(|_| self.err("a writer panicked"))?;
        let line = OutcomeLine {
            outcome_of: id,
            outcome: if ok { Outcome::Done } else { Outcome::Failed },
            after,
            error,
        };
        let text = serde_json::to_string(&line).map_err(|e| self.err(e.to_string()))?;
        self.append(&text)
    }

    /// Every entry, oldest first, with outcomes applied. A missing file is an empty journal;
    /// unreadable lines are skipped.
    pub fn read(&self) -> Result<Vec<Entry>, JournalError> {
        let f = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.err(format!("cannot read: {e}"))),
        };
        let mut entries: Vec<Entry> = Vec::new();
        for line in BufReader::new(f).lines() {
            let line = line.map_err(|e| self.err(format!("cannot read: {e}")))?;
            if let Ok(o) = serde_json::from_str::<OutcomeLine>(&line) {
                if let Some(e) = entries.iter_mut().rev().find(|e| e.id == o.outcome_of) {
                    e.outcome = o.outcome;
                    if o.after.is_some() {
                        e.after = o.after;
                    }
                    e.error = o.error;
                }
            } else if let Ok(e) = serde_json::from_str::<Entry>(&line) {
                entries.push(e);
            }
        }
        Ok(entries)
    }
}
