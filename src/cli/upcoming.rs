//! `bsched upcoming`: the fleet's next backups, soonest first, on the user's clock, for one
//! profile or every profile (those that cannot be read are named, the others shown).

use std::io::Write;

use futures_util::future::join_all;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::args::Cli;
use super::context::{connect, every_profile, schedules_of};
use super::error::CliError;
use super::output::{print_json, print_text};
use super::progress::Progress;
use super::table;
use crate::domain::plural;
use crate::domain::timing::{Zones, countdown, local_stamp, rfc3339_in};
use crate::domain::upcoming::upcoming as upcoming_runs;

#[derive(Serialize)]
struct Run {
    profile: String,
    at: Timestamp,
    local: String,
    in_seconds: i64,
    instance_id: u64,
    server: String,
    datacenter: String,
    schedule_id: u64,
    schedule: String,
    server_time: String,
}

#[derive(Serialize)]
struct Heatmap {
    zone: String,
    days: [&'static str; 7],
    counts: [[u32; 24]; 7],
}

#[derive(Serialize)]
struct UpcomingJson {
    server_timezone: String,
    local_timezone: String,
    hours: u32,
    /// Each profile covered: its server zone, and why it could not be read when it failed.
    profiles: Vec<ProfileJson>,
    runs: Vec<Run>,
    heatmap: Heatmap,
}

#[derive(Serialize)]
struct ProfileJson {
    profile: String,
    server_timezone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `bsched upcoming`: the runs of the next `hours`, soonest first, and the week's heat map, for
/// the run's profile or, with `--all-profiles`, every profile with credentials.
pub(super) async fn upcoming(
    cli: &Cli,
    hours: u32,
    json: bool,
    all_profiles: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let accounts = if all_profiles {
        every_profile(cli)?
    } else {
        vec![connect(cli)?]
    };
    let Some((_, _, zones)) = accounts.first() else {
        return Err(CliError::Usage("no profile has credentials".into()));
    };
    // Every account's server list first, so that one bar counts the servers of them all. A
    // profile that cannot be read is left out and named; the others are shown.
    let listed = join_all(accounts.iter().map(|(_, c, _)| c.instances())).await;
    let total = listed.iter().flatten().map(|s| s.len() as u64).sum();
    let progress = Progress::new(total, "servers");
    let progress = &progress;
    let fleets = join_all(
        accounts
            .iter()
            .zip(listed)
            .map(|((_, c, _), servers)| async move {
                match servers {
                    Ok(servers) => schedules_of(c, servers, progress).await,
                    Err(e) => Err(CliError::from(e)),
                }
            }),
    )
    .await;
    let mut failed = Vec::new();
    let mut read = Vec::new();
    for (account, fleet) in accounts.iter().zip(fleets) {
        match fleet {
            Ok(fleet) => read.push((account, fleet)),
            Err(e) => failed.push((account.0.clone(), e)),
        }
    }
    if read.is_empty()
        && let Some((profile, e)) = failed.pop()
    {
        return Err(if all_profiles {
            let code = e.exit_code();
            CliError::Failed {
                message: format!("no profile could be read (the last, '{profile}': {e})"),
                code,
            }
        } else {
            e
        });
    }
    let now = Timestamp::now();
    let horizon = SignedDuration::from_hours(i64::from(hours));
    let mut runs = Vec::new();
    let mut counts = [[0u32; 24]; 7];
    for ((profile, _, account_zones), fleet) in &read {
        // Each account's schedules run in its own server zone; times are on the user's clock.
        let account_zones = Zones {
            server: account_zones.server.clone(),
            local: zones.local.clone(),
        };
        let servers = fleet
            .iter()
            .map(|(s, list)| (s, Some(list.schedules.as_slice())));
        let profile = profile.clone();
        let found = upcoming_runs(servers, &account_zones, now, horizon, usize::MAX);
        for (total, n) in counts.iter_mut().flatten().zip(found.heat.iter().flatten()) {
            *total += n;
        }
        runs.extend(found.rows.into_iter().map(|r| Run {
            profile: profile.clone(),
            at: r.at,
            local: rfc3339_in(&zones.local, r.at),
            in_seconds: r.at.duration_since(now).as_secs(),
            instance_id: r.instance_id,
            server: r.server,
            datacenter: r.datacenter,
            schedule_id: r.schedule_id,
            schedule: r.schedule,
            server_time: r.time.to_string(),
        }));
    }
    // By server id at the same instant (stable: then in the order of the profiles and of each
    // server's schedules).
    runs.sort_by(|a, b| a.at.cmp(&b.at).then(a.instance_id.cmp(&b.instance_id)));
    let profiles: Vec<ProfileJson> = accounts
        .iter()
        .map(|(profile, _, z)| ProfileJson {
            profile: profile.clone(),
            server_timezone: z.server_label(),
            error: failed
                .iter()
                .find(|(p, _)| p == profile)
                .map(|(_, e)| e.to_string()),
        })
        .collect();
    let several = accounts.len() > 1;
    if json {
        print_json(
            out,
            &UpcomingJson {
                server_timezone: zones.server_label(),
                local_timezone: zones.local_label(),
                hours,
                profiles,
                runs,
                heatmap: Heatmap {
                    zone: zones.local_label(),
                    days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                    counts,
                },
            },
        )?;
    } else {
        print_text(
            out,
            &upcoming_text(&runs, &profiles, zones, now, hours, several, cli.wide),
        )?;
    }
    some_profiles_failed(failed, accounts.len())
}

/// The table of `upcoming` and the line that says the zones: the user's, and each profile's
/// server zone when there are several.
fn upcoming_text(
    runs: &[Run],
    profiles: &[ProfileJson],
    zones: &Zones,
    now: Timestamp,
    hours: u32,
    several: bool,
    wide: bool,
) -> String {
    let run_at = if several {
        let each: Vec<String> = profiles
            .iter()
            .map(|p| format!("{} {}", p.profile, p.server_timezone))
            .collect();
        format!("schedules run at: {}", each.join(", "))
    } else {
        format!("schedules run at {}", zones.server_label())
    };
    if runs.is_empty() {
        return format!(
            "No backups start in the next {} ({run_at}).\n",
            plural(hours as usize, "hour", "hours")
        );
    }
    let rows: Vec<Vec<String>> = runs
        .iter()
        .map(|r| {
            let mut row = vec![
                local_stamp(&zones.local, r.at),
                countdown(now, r.at),
                r.server.clone(),
                r.schedule.clone(),
                r.datacenter.clone(),
            ];
            if several {
                row.push(r.profile.clone());
            }
            row
        })
        .collect();
    let mut head = vec!["WHEN", "IN", "SERVER", "SCHEDULE", "DATACENTER"];
    if several {
        head.push("PROFILE");
    }
    let mut text = table::render_fit(&head, &rows, wide);
    text.push_str(&format!(
        "{} in the next {}; times in {} ({run_at}).\n",
        plural(runs.len(), "backup", "backups"),
        plural(hours as usize, "hour", "hours"),
        zones.local_label(),
    ));
    text
}

/// After the others were printed: the profiles that could not be read, as an error whose exit
/// status is the first failure's (4 authentication, 5 network, 3 refused).
fn some_profiles_failed(failed: Vec<(String, CliError)>, of: usize) -> Result<(), CliError> {
    let Some(code) = failed.first().map(|(_, e)| e.exit_code()) else {
        return Ok(());
    };
    let each: Vec<String> = failed.iter().map(|(p, e)| format!("'{p}' ({e})")).collect();
    Err(CliError::Failed {
        message: format!(
            "{} of {of} profiles could not be read and are not shown: {}",
            failed.len(),
            each.join("; ")
        ),
        code,
    })
}
