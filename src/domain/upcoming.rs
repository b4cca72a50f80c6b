//! The fleet's upcoming runs and how they cluster (placeholder until the shared version lands).

use std::collections::HashMap;

use super::timing::{Zones, hour_of_week, runs_between};
use super::{Day, Instance, Schedule};

/// One upcoming run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpcomingRow {
    /// When it starts.
    pub at: jiff::Timestamp,
    /// The server.
    pub server: String,
    /// Its data centre.
    pub datacenter: String,
    /// The schedule's name.
    pub schedule: String,
}

/// The fleet's upcoming runs and how they cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    /// The soonest runs, soonest first.
    pub rows: Vec<UpcomingRow>,
    /// Runs per local weekday (Monday first) and hour.
    pub heat: [[u32; 24]; 7],
    /// Servers with schedules loaded / servers given.
    pub servers: (usize, usize),
    /// The busiest hour of the week, and the data centre that starts most backups in it.
    pub peak: Option<Peak>,
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

/// The runs of `servers` from `now` for `horizon`.
pub fn upcoming<'a>(
    servers: impl Iterator<Item = (&'a Instance, Option<&'a [Schedule]>)>,
    zones: &Zones,
    now: jiff::Timestamp,
    horizon: jiff::SignedDuration,
    max_rows: usize,
) -> Upcoming {
    let tz = &zones.server;
    let until = now + horizon;
    let mut heat = [[0u32; 24]; 7];
    let mut per_dc: HashMap<(usize, usize, &str), u32> = HashMap::new();
    let mut rows = Vec::new();
    let (mut loaded, mut total) = (0, 0);
    for (server, list) in servers {
        total += 1;
        let Some(list) = list else { continue };
        loaded += 1;
        for s in list {
            for at in runs_between(s.days, s.time, tz, now, until) {
                let (d, h) = hour_of_week(&zones.local, at);
                heat[d][h] += 1;
                *per_dc
                    .entry((d, h, server.datacenter.as_str()))
                    .or_default() += 1;
                rows.push(UpcomingRow {
                    at,
                    server: server.name.clone(),
                    datacenter: server.datacenter.clone(),
                    schedule: s.name.clone(),
                });
            }
        }
    }
    rows.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.server.cmp(&b.server)));
    rows.truncate(max_rows);
    let peak = (0..7)
        .flat_map(|d| (0..24).map(move |h| (d, h)))
        .filter(|&(d, h)| heat[d][h] > 0)
        .max_by_key(|&(d, h)| (heat[d][h], std::cmp::Reverse((d, h))))
        .map(|(d, h)| {
            let (dc, n) = per_dc
                .iter()
                .filter(|((pd, ph, _), _)| *pd == d && *ph == h)
                .map(|((_, _, dc), n)| (*dc, *n))
                .max_by_key(|(dc, n)| (*n, std::cmp::Reverse(*dc)))
                .unwrap_or(("", 0));
            Peak {
                day: super::DAYS[d],
                hour: h as u8,
                count: heat[d][h],
                datacenter: dc.to_string(),
                dc_count: n,
            }
        });
    Upcoming {
        rows,
        heat,
        servers: (loaded, total),
        peak,
    }
}
