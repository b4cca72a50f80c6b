//! What `bsched lint` finds among one server's schedules: duplicates and near-overlaps.

use serde::Serialize;

use crate::domain::{DAYS, InstanceId, Schedule, ScheduleId, Weekdays};

/// Something `lint` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// Two schedules on one server with the same days and time.
    Duplicate {
        /// The server.
        instance_id: InstanceId,
        /// The first schedule.
        first: ScheduleId,
        /// The second schedule.
        second: ScheduleId,
    },
    /// Two schedules on one server that start within a few minutes on a shared day.
    Overlap {
        /// The server.
        instance_id: InstanceId,
        /// The first schedule.
        first: ScheduleId,
        /// The second schedule.
        second: ScheduleId,
        /// Minutes between their starts.
        minutes: u16,
        /// The days they share, e.g. `Mon-Fri`.
        days: String,
    },
}

/// Duplicates and near-overlaps among one server's schedules (`within` minutes, across
/// midnight too: 23:55 and 00:05 the next day are 10 minutes apart).
pub fn lint(instance: InstanceId, schedules: &[Schedule], within: u16) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, a) in schedules.iter().enumerate() {
        for b in &schedules[i + 1..] {
            if a.days == b.days && a.time == b.time {
                out.push(Finding::Duplicate {
                    instance_id: instance,
                    first: a.id,
                    second: b.id,
                });
                continue;
            }
            // Compare every start of the week: minute of week = day * 1440 + minute of day.
            let starts = |s: &Schedule| -> Vec<(usize, i64)> {
                s.days
                    .iter()
                    .map(|d| {
                        (
                            d.index(),
                            d.index() as i64 * 1440 + i64::from(s.time.minutes()),
                        )
                    })
                    .collect()
            };
            let mut shared = Weekdays::EMPTY;
            let mut best: Option<i64> = None;
            for (da, ma) in starts(a) {
                for (_, mb) in starts(b) {
                    let diff = (ma - mb).rem_euclid(7 * 1440);
                    let dist = diff.min(7 * 1440 - diff);
                    if dist <= i64::from(within) {
                        shared = shared.with(DAYS[da], true);
                        best = Some(best.map_or(dist, |x: i64| x.min(dist)));
                    }
                }
            }
            if let Some(minutes) = best {
                out.push(Finding::Overlap {
                    instance_id: instance,
                    first: a.id,
                    second: b.id,
                    minutes: minutes as u16,
                    days: shared.display(),
                });
            }
        }
    }
    out
}
