//! What the journal holds: one entry per change, the outcome line written after it, and the
//! intent a change hands to [`Journal::begin`](super::Journal::begin). The serde shapes here
//! are the file format: changing them changes `journal.jsonl`.

use std::path::Path;

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
pub(super) struct OutcomeLine {
    pub(super) outcome_of: u64,
    pub(super) outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) after: Option<Snapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) error: Option<String>,
    /// The server's name, when it was learned only after the intent was written (lines
    /// written before this field existed have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) server: Option<String>,
}

impl Entry {
    /// Records how the change ended, from its outcome line.
    pub(super) fn apply(&mut self, o: OutcomeLine) {
        self.outcome = o.outcome;
        if o.after.is_some() {
            self.after = o.after;
        }
        if self.server.is_none() {
            self.server = o.server;
        }
        self.error = o.error;
    }
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

impl Intent {
    /// The entry it is written as: number `id`, started `time` on `profile`, its outcome
    /// unknown until the outcome line says otherwise.
    pub(super) fn into_entry(self, id: u64, time: Timestamp, profile: String) -> Entry {
        Entry {
            id,
            time,
            profile,
            action: self.action,
            instance_id: self.instance_id,
            server: self.server,
            before: self.before,
            after: self.after,
            retention: self.retention,
            outcome: Outcome::Unknown,
            error: None,
            restores: self.restores,
        }
    }
}

/// The journal as read: its entries and the lines that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contents {
    /// Every entry, oldest first, with outcomes applied.
    pub entries: Vec<Entry>,
    /// Line numbers (from 1) of lines that are neither an entry nor an outcome: a damaged or
    /// half-written line, or one longer than [`MAX_LINE`](super::MAX_LINE).
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
