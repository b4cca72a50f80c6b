//! Scheduled (`auto`) backups, synthesized from the schedules over the passing time: every run
//! since a schedule was created leaves a backup, the newest `backup_rotation` of them are kept,
//! and a fault switch (or a server marked as failing) makes runs leave nothing, so "missed"
//! can be seen.
//!
//! A schedule's `create_date` is date-only, as the real server shows it; the hour it was made
//! is unknown, so the emulator counts runs from the day after (the pessimistic reading: a run
//! on the creation day leaves no backup). Old state files with a time part keep their time.

use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use super::state::{EmuInstance, EmuSchedule, stored_time};
use crate::domain::Weekdays;
use crate::domain::backups::parse_api_datetime;
use crate::domain::timing::previous_run;

/// The zone the emulator runs schedules in: the panel's "GMT+3".
pub fn zone() -> TimeZone {
    TimeZone::fixed(Offset::constant(3))
}

/// One synthesized backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoBackup {
    /// Backup id (stable for the same schedule and run).
    pub id: u64,
    /// The schedule that made it.
    pub schedule_id: u64,
    /// Its name.
    pub name: String,
    /// When the run started.
    pub at: Timestamp,
}

/// From when a schedule made with `create_date` runs: its time when it has one, else the start
/// of the next day.
pub fn runs_from(create_date: &str, tz: &TimeZone) -> Option<Timestamp> {
    let text = create_date.trim();
    if text.contains([' ', 'T']) {
        return parse_api_datetime(text).and_then(|dt| tz.to_timestamp(dt).ok());
    }
    let day = text.parse::<jiff::civil::Date>().ok()?.tomorrow().ok()?;
    tz.to_timestamp(day.at(0, 0, 0, 0)).ok()
}

/// Whether the run of `schedule` at `at` is skipped by a rate of `rate` (deterministic).
fn skipped(schedule: u64, at: Timestamp, rate: f64) -> bool {
    if rate <= 0.0 {
        return false;
    }
    // splitmix64 over the schedule and the minute of the run.
    let mut z = schedule
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(at.as_second() as u64);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z as f64 / u64::MAX as f64) < rate
}

/// The `auto` backups `inst` holds at `now`, newest first.
pub fn auto_backups(
    inst: &EmuInstance,
    schedules: &[&EmuSchedule],
    skip_rate: f64,
    now: Timestamp,
) -> Vec<AutoBackup> {
    let tz = zone();
    let keep = inst.backup_rotation.max(1) as usize;
    let mut all = Vec::new();
    for s in schedules {
        let (Ok(days), Some(time)) = (Weekdays::from_api_numbers(&s.days), stored_time(&s.time))
        else {
            continue;
        };
        let Some(created) = runs_from(&s.create_date, &tz) else {
            continue;
        };
        let mut cur = now;
        // Enough runs to fill the retention even when some are skipped.
        for _ in 0..keep + 40 {
            let Some(run) = previous_run(days, time, &tz, cur) else {
                break;
            };
            if run < created {
                break;
            }
            if !inst.backups_fail && !skipped(s.id, run, skip_rate) {
                let date = tz.to_datetime(run);
                all.push(AutoBackup {
                    id: 700_000_000 + (run.as_second() as u64 / 60 % 100_000_000) * 10 + s.id % 10,
                    schedule_id: s.id,
                    name: format!("{} {}", s.name, date.strftime("%Y-%m-%d %H:%M")),
                    at: run,
                });
            }
            cur = run - SignedDuration::from_secs(1);
        }
    }
    all.sort_by(|a, b| b.at.cmp(&a.at).then(b.schedule_id.cmp(&a.schedule_id)));
    all.dedup_by_key(|b| b.id);
    all.truncate(keep);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::Data;

    #[test]
    fn a_date_only_schedule_runs_from_the_next_day() {
        let tz = zone();
        let from = runs_from("2026-11-26", &tz).map(|t| t.to_string());
        assert_eq!(from.as_deref(), Some("2026-11-26T21:00:00Z"));
        let old = runs_from("2026-11-26 10:00:00", &tz).map(|t| t.to_string());
        assert_eq!(old.as_deref(), Some("2026-11-26T07:00:00Z"));
        assert!(runs_from("soon", &tz).is_none());
        // Created on Thursday, Mon-Fri 02:01 (H:MM as a normalizing server stores it): by
        // Friday 13:00 only Friday's run has happened; Thursday's 02:01 is not counted.
        let data = Data::demo();
        let mut s = data.schedules[0].clone();
        s.create_date = "2026-11-26".into();
        s.time = "2:01".into();
        let now: Timestamp = "2026-11-27T10:00:00Z".parse().expect("time");
        let runs = auto_backups(&data.instances[0], &[&s], 0.0, now);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].at.to_string(), "2026-11-26T23:01:00Z");
    }
}
