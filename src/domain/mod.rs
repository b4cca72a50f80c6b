//! Domain types: weekdays, times, names, schedules and instances. No I/O.

pub mod backups;
pub mod filter;
pub mod plan;
mod time;
pub mod timing;
pub mod upcoming;
mod weekdays;
mod words;

pub use time::TimeOfDay;
pub use weekdays::{DAYS, Day, Weekdays};
pub use words::plural;

use serde::Serialize;

/// A value the user or the API gave that the domain refuses. Each message is one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A day list that cannot be read or is empty.
    #[error("days: {0}")]
    Days(String),
    /// A time that is not `HH:MM` in range.
    #[error("time: {0}")]
    Time(String),
    /// A name that is empty, too long, holds control characters or text-direction controls,
    /// or shows nothing.
    #[error("name: {0}")]
    Name(String),
    /// A time zone that cannot be read.
    #[error("time zone: {0}")]
    Zone(String),
}

/// The longest schedule name, in characters (the panel's limit).
pub const NAME_MAX_CHARS: usize = 100;

/// How many scheduled backups a server can keep: the range the panel offers (api.md 6).
pub const RETENTION_RANGE: std::ops::RangeInclusive<u8> = 1..=10;

/// A schedule name: trimmed, 1-100 characters, no control characters, no bidi overrides,
/// isolates or line separators, and something visible (see [`crate::sanitize::check_name`]).
/// Every way a name comes in (the CLI, the TUI form, a plan file, a journal entry) builds one,
/// so a name that could pass for another is refused before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScheduleName(String);

impl ScheduleName {
    /// Validates and trims a name.
    pub fn new(raw: &str) -> Result<ScheduleName, DomainError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(DomainError::Name("a name is required".into()));
        }
        let chars = name.chars().count();
        if chars > NAME_MAX_CHARS {
            return Err(DomainError::Name(format!(
                "{chars} characters is too long; at most {NAME_MAX_CHARS} are allowed"
            )));
        }
        crate::sanitize::check_name(name).map_err(DomainError::Name)?;
        Ok(ScheduleName(name.to_string()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ScheduleName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a schedule should be: the fields a create or edit sends. Its days are never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleSpec {
    name: ScheduleName,
    days: Weekdays,
    time: TimeOfDay,
}

impl ScheduleSpec {
    /// A spec; refuses an empty day set.
    pub fn new(
        name: ScheduleName,
        days: Weekdays,
        time: TimeOfDay,
    ) -> Result<ScheduleSpec, DomainError> {
        if days.is_empty() {
            return Err(DomainError::Days("at least one day is required".into()));
        }
        Ok(ScheduleSpec { name, days, time })
    }

    /// The name.
    pub fn name(&self) -> &ScheduleName {
        &self.name
    }

    /// The days (never empty).
    pub fn days(&self) -> Weekdays {
        self.days
    }

    /// The time.
    pub fn time(&self) -> TimeOfDay {
        self.time
    }

    /// Whether a listed schedule already says exactly this.
    pub fn matches(&self, s: &Schedule) -> bool {
        s.name.trim() == self.name.as_str() && s.days == self.days && s.time == self.time
    }
}

/// An instance (server) id, as the API numbers them.
pub type InstanceId = u64;
/// A schedule id.
pub type ScheduleId = u64;

/// A backup schedule as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Schedule id.
    pub id: ScheduleId,
    /// The instance it belongs to.
    pub instance_id: InstanceId,
    /// Its name as the API stores it.
    pub name: String,
    /// The days it runs on.
    pub days: Weekdays,
    /// The time it starts, in the server's zone.
    pub time: TimeOfDay,
    /// When it was created, as the API writes it.
    pub created: String,
}

impl Schedule {
    /// The spec that would create this schedule again (a name the API stored may be one this
    /// program refuses to send, e.g. with control characters: then the reason).
    pub fn spec(&self) -> Result<ScheduleSpec, DomainError> {
        ScheduleSpec::new(ScheduleName::new(&self.name)?, self.days, self.time)
    }
}

/// A Cloud VPS instance as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instance {
    /// Instance id (the `elid`/`plid` of the backup calls).
    pub id: InstanceId,
    /// The user-given server name.
    pub name: String,
    /// Its main IP address (may be empty).
    pub ip: String,
    /// Its OpenStack state, lower-case (`active`, `stopped`, …).
    pub status: String,
    /// Its data centre.
    pub datacenter: String,
}

/// A server's schedules and its retention.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScheduleList {
    /// The schedules, in the API's order.
    pub schedules: Vec<Schedule>,
    /// The server's `backup_rotation` (scheduled backups kept), if the API gave it.
    pub backup_rotation: Option<u8>,
}

/// The JSON shape of a schedule in the CLI's output (the CLI contract).
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleJson<'a> {
    /// Schedule id.
    pub id: ScheduleId,
    /// Instance id.
    pub instance_id: InstanceId,
    /// Name.
    pub name: &'a str,
    /// Lowercase three-letter day names, Monday first.
    pub days: Vec<&'static str>,
    /// `HH:MM`.
    pub time: String,
    /// Creation date as the API wrote it.
    pub created: &'a str,
}

impl Schedule {
    /// The CLI contract's JSON view of this schedule.
    pub fn to_json(&self) -> ScheduleJson<'_> {
        ScheduleJson {
            id: self.id,
            instance_id: self.instance_id,
            name: &self.name,
            days: self.days.short_names(),
            time: self.time.to_string(),
            created: &self.created,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_counted_in_characters() {
        assert_eq!(ScheduleName::new("  nightly ").unwrap().as_str(), "nightly");
        assert!(ScheduleName::new("   ").is_err());
        let cyr = "ж".repeat(100); // 200 bytes, 100 characters
        assert!(ScheduleName::new(&cyr).is_ok());
        assert!(ScheduleName::new(&"ж".repeat(101)).is_err());
        assert!(ScheduleName::new("a\nb").is_err());
    }

    #[test]
    fn names_that_could_pass_for_another_are_refused() {
        for (bad, says) in [
            ("nightly\u{202e}ylthgin", "text-direction control (U+202E)"),
            ("a\u{2066}b\u{2069}", "text-direction control (U+2066)"),
            ("week\u{2028}end", "line break (U+2028)"),
            ("a\x1b[8mb", "control character"),
            ("\u{200b}\u{200b}", "no visible characters"),
            (" \u{feff} ", "no visible characters"),
        ] {
            let e = ScheduleName::new(bad).expect_err(bad).to_string();
            assert!(e.starts_with("name: the name "), "{e}");
            assert!(e.contains(says), "{bad:?}: {e}");
            assert!(
                !e.contains(bad.trim()),
                "the error never echoes the name: {e}"
            );
        }
        assert!(ScheduleName::new("Щоночі 02:00 (web)").is_ok());
    }

    #[test]
    fn spec_refuses_empty_days() {
        let name = ScheduleName::new("x").unwrap();
        assert!(ScheduleSpec::new(name, Weekdays::EMPTY, TimeOfDay::MIDNIGHT).is_err());
    }
}
