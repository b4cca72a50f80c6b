//! The fleet's upcoming backups: every run of the coming week, a 7 x 24 heat map of their
//! start hours in the user's zone, and the busiest hour. Used by the TUI's upcoming view and by
//! `bsched upcoming`. Pure: the caller gives the servers, the zones and the time.

use std::cmp::Reverse;
use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};

use super::timing::{Zones, hour_of_week, runs_between};
use super::{DAYS, Day, Instance, InstanceId, Schedule, ScheduleId, TimeOfDay};

/// How far ahead runs are computed: the heat map covers this, and no row is later.
pub const WEEK: SignedDuration = SignedDuration::from_hours(24 * 7);

/// One upcoming run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpcomingRow {
    /// When it starts.
    pub at: Timestamp,
    /// The server's id.
    pub instance_id: InstanceId,
    /// The server's name.
    pub server: String,
    /// Its data centre.
    pub datacenter: String,
    /// The schedule's id.
    pub schedule_id: ScheduleId,
    /// The schedule's name.
    pub schedule: String,
    /// The schedule's start time, in the server's zone.
    pub time: TimeOfDay,
}

/// The hour of the week when most backups start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peak {
    /// Local weekday.
    pub day: Day,
    /// Local hour.
    pub hour: u8,
    /// Backups starting in that hour.
    pub count: u32,
    /// The data centre with the most of them.
    pub datacenter: String,
    /// How many of them are in that data centre.
    pub dc_count: u32,
}

/// The fleet's upcoming backups and how they cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    /// The soonest runs within the horizon, soonest first (then by server name), at most the
    /// number asked for.
    pub rows: Vec<UpcomingRow>,
    /// Runs in the coming week per local weekday (Monday first) and hour, whatever the
    /// horizon and the number of rows.
    pub heat: [[u32; 24]; 7],
    /// Servers with schedules loaded / servers given.
    pub servers: (usize, usize),
    /// The busiest hour of the week (the earliest in the week on a tie), and the data centre
    /// that starts most backups in it (the alphabetically first on a tie); None without runs.
    pub peak: Option<Peak>,
}

/// The runs of `servers` (each with its schedules, or None while they are not loaded) in the
/// week after `now`: schedules run in `zones.server`, the heat map is in `zones.local`. Rows are
/// the runs no later than `now + horizon` (a horizon beyond [`WEEK`] adds nothing), sorted by
/// time then server name, the first `max_rows` of them.
pub fn upcoming<'a>(
    servers: impl IntoIterator<Item = (&'a Instance, Option<&'a [Schedule]>)>,
    zones: &Zones,
    now: Timestamp,
    horizon: SignedDuration,
    max_rows: usize,
) -> Upcoming {
    let week = now + WEEK;
    let until = now.checked_add(horizon).unwrap_or(week);
    let mut heat = [[0u32; 24]; 7];
    let mut per_dc: HashMap<(usize, usize, &str), u32> = HashMap::new();
    let mut rows = Vec::new();
    let (mut loaded, mut shown) = (0, 0);
    for (server, schedules) in servers {
        shown += 1;
        let Some(schedules) = schedules else {
            continue;
        };
        loaded += 1;
        for s in schedules {
            for at in runs_between(s.days, s.time, &zones.server, now, week) {
                let (d, h) = hour_of_week(&zones.local, at);
                heat[d][h] += 1;
                *per_dc
                    .entry((d, h, server.datacenter.as_str()))
                    .or_default() += 1;
                if at <= until {
                    rows.push(UpcomingRow {
                        at,
                        instance_id: server.id,
                        server: server.name.clone(),
                        datacenter: server.datacenter.clone(),
                        schedule_id: s.id,
                        schedule: s.name.clone(),
                        time: s.time,
                    });
                }
            }
        }
    }
    rows.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.server.cmp(&b.server)));
    rows.truncate(max_rows);
    Upcoming {
        rows,
        heat,
        servers: (loaded, shown),
        peak: peak(&heat, &per_dc),
    }
}

/// The busiest hour (the earliest in the week on a tie) and its busiest data centre (the
/// alphabetically first on a tie).
fn peak(heat: &[[u32; 24]; 7], per_dc: &HashMap<(usize, usize, &str), u32>) -> Option<Peak> {
    (0..7)
        .flat_map(|d| (0..24).map(move |h| (d, h)))
        .filter(|&(d, h)| heat[d][h] > 0)
        .max_by_key(|&(d, h)| (heat[d][h], Reverse((d, h))))
        .map(|(d, h)| {
            let (dc, n) = per_dc
                .iter()
                .filter(|((pd, ph, _), _)| *pd == d && *ph == h)
                .map(|((_, _, dc), n)| (*dc, *n))
                .max_by_key(|(dc, n)| (*n, Reverse(*dc)))
                .unwrap_or(("", 0));
            Peak {
                day: DAYS[d],
                hour: h as u8,
                count: heat[d][h],
                datacenter: dc.to_string(),
                dc_count: n,
            }
        })
}

#[cfg(test)]
mod tests {
    use jiff::tz::{Offset, TimeZone};

    use super::*;
    use crate::domain::Weekdays;

    /// Monday 2026-01-05, midnight UTC.
    fn monday() -> Timestamp {
        "2026-01-05T00:00:00Z".parse().expect("timestamp")
    }

    /// Schedules run at +03:00; the user's clock is `local` hours from UTC.
    fn zones(local: i8) -> Zones {
        Zones {
            server: TimeZone::fixed(Offset::constant(3)),
            local: TimeZone::fixed(Offset::constant(local)),
        }
    }

    fn server(id: u64, name: &str, dc: &str) -> Instance {
        Instance {
            id,
            name: name.into(),
            ip: String::new(),
            status: "active".into(),
            datacenter: dc.into(),
        }
    }

    fn schedule(id: u64, instance: u64, name: &str, days: &str, time: &str) -> Schedule {
        Schedule {
            id,
            instance_id: instance,
            name: name.into(),
            days: Weekdays::parse_user(days).expect("days"),
            time: time.parse().expect("time"),
            created: String::new(),
        }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn rows_come_soonest_first_then_by_server_name_with_their_ids() {
        let (b, a) = (server(1, "b-web", "fra"), server(2, "a-db", "ams"));
        let b_list = [
            schedule(10, 1, "late", "tue", "09:00"),
            schedule(11, 1, "early", "tue", "04:00"),
        ];
        let a_list = [schedule(20, 2, "same", "tue", "04:00")];
        let up = upcoming(
            [(&b, Some(&b_list[..])), (&a, Some(&a_list[..]))],
            &zones(0),
            monday(),
            WEEK,
            usize::MAX,
        );
        let got: Vec<(Timestamp, &str, &str)> = up
            .rows
            .iter()
            .map(|r| (r.at, r.server.as_str(), r.schedule.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                // 04:00 at +03:00 is 01:00 UTC: a-db before b-web at the same instant, though
                // b-web came first.
                (at("2026-01-06T01:00:00Z"), "a-db", "same"),
                (at("2026-01-06T01:00:00Z"), "b-web", "early"),
                (at("2026-01-06T06:00:00Z"), "b-web", "late"),
            ]
        );
        let first = &up.rows[0];
        assert_eq!(
            (
                first.instance_id,
                first.schedule_id,
                first.datacenter.as_str()
            ),
            (2, 20, "ams")
        );
        assert_eq!(first.time.to_string(), "04:00");
    }

    #[test]
    fn rows_stop_at_the_horizon_and_the_count_but_the_heat_map_covers_the_week() {
        let s = server(1, "web", "fra");
        let list = [schedule(1, 1, "nightly", "daily", "03:00")];
        let week = upcoming([(&s, Some(&list[..]))], &zones(0), monday(), WEEK, 100);
        // (now, now + 7 days]: Tuesday to the next Monday, midnight UTC each.
        assert_eq!(week.rows.len(), 7);
        assert_eq!(week.rows[6].at, at("2026-01-12T00:00:00Z"));

        let two_days = upcoming(
            [(&s, Some(&list[..]))],
            &zones(0),
            monday(),
            SignedDuration::from_hours(48),
            100,
        );
        let times: Vec<Timestamp> = two_days.rows.iter().map(|r| r.at).collect();
        assert_eq!(
            times,
            [at("2026-01-06T00:00:00Z"), at("2026-01-07T00:00:00Z")],
            "a run exactly at the horizon is in"
        );
        assert_eq!(two_days.heat, week.heat, "the heat map is the week's");

        let three = upcoming([(&s, Some(&list[..]))], &zones(0), monday(), WEEK, 3);
        assert_eq!(three.rows, week.rows[..3]);
        assert_eq!(three.heat, week.heat);

        let beyond = upcoming(
            [(&s, Some(&list[..]))],
            &zones(0),
            monday(),
            SignedDuration::from_hours(720),
            100,
        );
        assert_eq!(beyond.rows, week.rows, "nothing beyond the week");
    }

    #[test]
    fn the_heat_map_counts_start_hours_on_the_users_clock() {
        let s = server(1, "web", "fra");
        let list = [
            // 03:00 at +03:00 is midnight UTC, 19:00 the day before at -05:00.
            schedule(1, 1, "nightly", "daily", "03:00"),
            // Monday 10:00 at +03:00 is 07:00 UTC, 02:00 Monday at -05:00.
            schedule(2, 1, "weekly", "mon", "10:00"),
        ];
        let up = upcoming([(&s, Some(&list[..]))], &zones(-5), monday(), WEEK, 100);
        let mut expected = [[0u32; 24]; 7];
        for day in &mut expected {
            day[19] = 1;
        }
        expected[0][2] = 1;
        assert_eq!(up.heat, expected);
        assert_eq!(up.heat.iter().flatten().sum::<u32>(), 8);
    }

    #[test]
    fn servers_without_schedules_loaded_are_counted_apart() {
        let (a, b) = (server(1, "a", "fra"), server(2, "b", "fra"));
        let list = [schedule(1, 1, "x", "daily", "03:00")];
        let up = upcoming(
            [(&a, Some(&list[..])), (&b, None)],
            &zones(0),
            monday(),
            WEEK,
            100,
        );
        assert_eq!(up.servers, (1, 2));
        assert!(up.rows.iter().all(|r| r.server == "a"));

        let empty = upcoming([(&b, None)], &zones(0), monday(), WEEK, 100);
        assert_eq!(empty.servers, (0, 1));
        assert!(empty.rows.is_empty());
        assert_eq!(empty.peak, None, "no runs, no peak");
    }

    #[test]
    fn the_peak_is_the_earliest_busiest_hour_and_its_busiest_data_centre() {
        // Every run at 05:00 (+03:00), 02:00 on the UTC clock.
        let s1 = server(1, "s1", "beta");
        let s2 = server(2, "s2", "alpha");
        let s3 = server(3, "s3", "alpha");
        let l1 = [schedule(1, 1, "x", "tue,wed", "05:00")];
        let l2 = [schedule(2, 2, "x", "wed", "05:00")];
        let l3 = [schedule(3, 3, "x", "tue", "05:00")];
        let fleet = [
            (&s1, Some(&l1[..])),
            (&s2, Some(&l2[..])),
            (&s3, Some(&l3[..])),
        ];
        // Tuesday and Wednesday 02:00 both start two: Tuesday, the earlier, is the peak; in
        // it alpha and beta start one each: alpha, the first by name.
        let up = upcoming(fleet, &zones(0), monday(), WEEK, 100);
        assert_eq!(
            up.peak,
            Some(Peak {
                day: Day::Tue,
                hour: 2,
                count: 2,
                datacenter: "alpha".into(),
                dc_count: 1,
            })
        );

        // One more on Wednesday in beta: Wednesday is the busiest, and beta the busiest there
        // although alpha comes first by name.
        let s4 = server(4, "s4", "beta");
        let l4 = [schedule(4, 4, "x", "wed", "05:00")];
        let up = upcoming(
            fleet.into_iter().chain([(&s4, Some(&l4[..]))]),
            &zones(0),
            monday(),
            WEEK,
            100,
        );
        assert_eq!(
            up.peak,
            Some(Peak {
                day: Day::Wed,
                hour: 2,
                count: 3,
                datacenter: "beta".into(),
                dc_count: 2,
            })
        );
    }
}
