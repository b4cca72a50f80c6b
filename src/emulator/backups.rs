//! Scheduled (`auto`) backups, synthesized from the schedules over the passing time: every run
//! since a schedule was created leaves a backup, the newest `backup_rotation` of them are kept,
//! and a fault switch (or a server marked as failing) makes runs leave nothing, so "missed"
//! can be seen.

use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use super::state::{EmuInstance, EmuSchedule};
use crate::domain::backups::parse_api_datetime;
use crate::domain::timing::previous_run;
use crate::domain::{TimeOfDay, Weekdays};

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
        let (Ok(days), Ok(time)) = (
            Weekdays::from_api_numbers(&s.days),
            s.time.parse::<TimeOfDay>(),
        ) else {
            continue;
        };
        let Some(created) =
            parse_api_datetime(&s.create_date).and_then(|dt| tz.to_timestamp(dt).ok())
        else {
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
