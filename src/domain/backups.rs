//! Backups as the API lists them, and the proof that schedules produce them: each server is
//! protected (its last scheduled backup is where a schedule said it would be), missed (a run
//! that should have produced one did not), waiting for its first run, or unprotected.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::Schedule;
use super::timing::previous_run;

/// A backup's origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackupKind {
    /// Made by a schedule ("On schedule").
    Auto,
    /// Made by hand.
    Manual,
    /// Something else the API may add.
    Other(String),
}

impl BackupKind {
    /// Reads `backup_type`.
    pub fn from_api(s: &str) -> BackupKind {
        match s.trim().to_lowercase().as_str() {
            "auto" => BackupKind::Auto,
            "manual" => BackupKind::Manual,
            other => BackupKind::Other(other.to_string()),
        }
    }
}

/// One backup of a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// Backup id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Scheduled or manual.
    pub kind: BackupKind,
    /// When it was made, as the API writes it (server zone, no offset given).
    pub created_text: String,
    /// The same, read as a wall-clock time, when it could be read.
    pub created: Option<DateTime>,
    /// `fleio_status`: `Active`, `Saving`, …
    pub status: String,
    /// `image_size` as the API formats it.
    pub size: String,
}

/// Reads the API's `YYYY-MM-DD HH:MM[:SS]` (or a bare date) as a wall-clock time.
pub fn parse_api_datetime(s: &str) -> Option<DateTime> {
    let s = s.trim();
    if let Ok(dt) = s.replacen(' ', "T", 1).parse::<DateTime>() {
        return Some(dt);
    }
    s.parse::<jiff::civil::Date>()
        .ok()
        .map(|d| d.at(0, 0, 0, 0))
}

/// The latest moment a schedule may have been created, from its `create_date`: a date-only
/// value (as the real API writes it) means "some time that day", so the end of that day; a run
/// on the creation day is then never counted as missed.
pub fn created_at_latest(s: &str) -> Option<DateTime> {
    let s = s.trim();
    // A date parser also reads the date of a full date and time: only a value with no time
    // part at all is a date-only one.
    let date_only = !s.contains([' ', 'T', 't', ':']);
    if date_only && let Ok(d) = s.parse::<jiff::civil::Date>() {
        return d.tomorrow().ok().map(|t| t.at(0, 0, 0, 0));
    }
    parse_api_datetime(s)
}

/// How long after a scheduled start a backup may take to appear in the list.
pub const GRACE: SignedDuration = SignedDuration::from_hours(3);
/// How much earlier than the scheduled minute a backup's time may read and still count.
pub const EARLY: SignedDuration = SignedDuration::from_mins(10);

/// Whether a server's schedules are producing backups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Protection {
    /// No schedule at all.
    Unprotected {
        /// The last scheduled backup left from an earlier schedule, if any.
        last: Option<Timestamp>,
    },
    /// Schedules exist but none has had a run yet (they are newer than their last start).
    Waiting {
        /// The last scheduled backup, if any.
        last: Option<Timestamp>,
    },
    /// The last run that should have made a backup did.
    Protected {
        /// The newest scheduled backup.
        last: Timestamp,
    },
    /// A run that should have made a backup did not.
    Missed {
        /// The run that has no backup.
        expected: Timestamp,
        /// The newest scheduled backup, if any.
        last: Option<Timestamp>,
    },
}

impl Protection {
    /// The newest scheduled backup.
    pub fn last(&self) -> Option<Timestamp> {
        match self {
            Protection::Unprotected { last } | Protection::Waiting { last } => *last,
            Protection::Protected { last } => Some(*last),
            Protection::Missed { last, .. } => *last,
        }
    }

    /// One word for tables and JSON.
    pub fn word(&self) -> &'static str {
        match self {
            Protection::Unprotected { .. } => "unprotected",
            Protection::Waiting { .. } => "waiting",
            Protection::Protected { .. } => "ok",
            Protection::Missed { .. } => "missed",
        }
    }
}

/// Judges a server from its schedules and its backups at `now`. Schedule times and backup
/// times are read in the server zone `tz`.
pub fn assess(
    schedules: &[Schedule],
    backups: &[Backup],
    tz: &TimeZone,
    now: Timestamp,
) -> Protection {
    let last = backups
        .iter()
        .filter(|b| b.kind == BackupKind::Auto)
        .filter_map(|b| b.created)
        .filter_map(|dt| tz.to_timestamp(dt).ok())
        .max();
    if schedules.is_empty() {
        return Protection::Unprotected { last };
    }
    // The newest run, old enough to have finished, of a schedule that existed at the time.
    let settled = now - GRACE;
    let expected = schedules
        .iter()
        .filter_map(|s| {
            let run = previous_run(s.days, s.time, tz, settled)?;
            let created = created_at_latest(&s.created).and_then(|dt| tz.to_timestamp(dt).ok());
            match created {
                Some(c) if c > run => None,
                _ => Some(run),
            }
        })
        .max();
    match (expected, last) {
        (None, _) => Protection::Waiting { last },
        (Some(expected), Some(l)) if l >= expected - EARLY => Protection::Protected { last: l },
        (Some(expected), last) => Protection::Missed { expected, last },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_times_read_with_or_without_seconds() {
        assert_eq!(
            parse_api_datetime("2026-11-27 02:01:00")
                .unwrap()
                .to_string(),
            "2026-11-27T02:01:00"
        );
        assert_eq!(
            parse_api_datetime("2026-11-27 02:01").unwrap().to_string(),
            "2026-11-27T02:01:00"
        );
        assert_eq!(
            parse_api_datetime("2026-11-27").unwrap().to_string(),
            "2026-11-27T00:00:00"
        );
        assert!(parse_api_datetime("yesterday").is_none());
    }

    fn daily_at_two(created: &str) -> Schedule {
        Schedule {
            id: 1,
            instance_id: 7,
            name: "nightly".into(),
            days: crate::domain::Weekdays::ALL,
            time: "02:00".parse().expect("time"),
            created: created.into(),
        }
    }

    fn at(text: &str) -> Timestamp {
        text.parse().expect("timestamp")
    }

    /// The real API writes `create_date` without a time: "2026-11-27" is some time that day,
    /// so that day's 02:00 run may have come before the schedule and is not a missed one.
    #[test]
    fn a_date_only_creation_waits_for_the_first_run_after_that_day() {
        let tz = TimeZone::UTC;
        let s = [daily_at_two("2026-11-27")];
        let same_day = assess(&s, &[], &tz, at("2026-11-27T10:00:00Z"));
        assert_eq!(same_day, Protection::Waiting { last: None });
        // The next day's run is due, and without a backup it is missed.
        let next_day = assess(&s, &[], &tz, at("2026-11-28T10:00:00Z"));
        assert_eq!(
            next_day,
            Protection::Missed {
                expected: at("2026-11-28T02:00:00Z"),
                last: None
            }
        );
        // A creation time given in full still counts from that minute.
        let with_time = [daily_at_two("2026-11-27 01:00:00")];
        assert!(matches!(
            assess(&with_time, &[], &tz, at("2026-11-27T10:00:00Z")),
            Protection::Missed { .. }
        ));
    }
}
