//! Fleet-wide commands: the upcoming backups of every server, and the proof that schedules
//! produce backups.

use std::io::Write;

use futures_util::future::try_join_all;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::commands::{print_json, print_text};
use super::{CliError, table};
use crate::api::Client;
use crate::domain::backups::{Backup, Protection, assess};
use crate::domain::timing::{
    Zones, countdown, hour_of_week, local_stamp, rfc3339_in, runs_between,
};
use crate::domain::{Instance, ScheduleList};
use crate::sanitize::for_terminal;

/// Every server with its schedules (requests run as concurrently as the client allows).
pub(super) async fn fleet(client: &Client) -> Result<Vec<(Instance, ScheduleList)>, CliError> {
    let servers = client.instances().await?;
    let lists = try_join_all(servers.iter().map(|s| client.schedules(s.id))).await?;
    Ok(servers.into_iter().zip(lists).collect())
}

/// Every profile of the config file that has credentials, with its client and zones.
pub fn every_profile(cli: &super::Cli) -> Result<Vec<(String, Client, Zones)>, CliError> {
    let env = |k: &str| std::env::var(k).ok();
    let names = crate::config::profile_names(cli.config.as_deref())?;
    if names.is_empty() {
        return Err(CliError::Usage(
            "--all-profiles needs profiles in the config file".into(),
        ));
    }
    let mut out = Vec::new();
    for name in names {
        // The environment's account variables belong to the run's profile alone.
        let r = crate::config::resolve_other(
            cli.config.as_deref(),
            cli.profile.as_deref(),
            &name,
            &env,
        )?;
        if r.has_credentials() {
            let zones = r.zones.clone();
            out.push((name, Client::new(r.client)?, zones));
        }
    }
    Ok(out)
}

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
    runs: Vec<Run>,
    heatmap: Heatmap,
}

/// `bsched upcoming`: the runs of the next `hours`, soonest first, and the week's heat map, for
/// one account or several.
pub async fn upcoming(
    accounts: &[(String, Client, Zones)],
    hours: u32,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let Some((_, _, zones)) = accounts.first() else {
        return Err(CliError::Usage("no profile has credentials".into()));
    };
    let fleets = try_join_all(accounts.iter().map(|(_, c, _)| fleet(c))).await?;
    let now = Timestamp::now();
    let until = now + SignedDuration::from_hours(i64::from(hours));
    let week = now + SignedDuration::from_hours(24 * 7);
    let mut runs = Vec::new();
    let mut counts = [[0u32; 24]; 7];
    for ((profile, _, account_zones), fleet) in accounts.iter().zip(&fleets) {
        for (server, list) in fleet {
            for s in &list.schedules {
                for at in runs_between(s.days, s.time, &account_zones.server, now, week) {
                    let (d, h) = hour_of_week(&zones.local, at);
                    counts[d][h] += 1;
                    if at <= until {
                        runs.push(Run {
                            profile: profile.clone(),
                            at,
                            local: rfc3339_in(&zones.local, at),
                            in_seconds: at.duration_since(now).as_secs(),
                            instance_id: server.id,
                            server: server.name.clone(),
                            datacenter: server.datacenter.clone(),
                            schedule_id: s.id,
                            schedule: s.name.clone(),
                            server_time: s.time.to_string(),
                        });
                    }
                }
            }
        }
    }
    runs.sort_by(|a, b| a.at.cmp(&b.at).then(a.instance_id.cmp(&b.instance_id)));
    if json {
        return print_json(
            out,
            &UpcomingJson {
                server_timezone: zones.server_label(),
                local_timezone: zones.local_label(),
                hours,
                runs,
                heatmap: Heatmap {
                    zone: zones.local_label(),
                    days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                    counts,
                },
            },
        );
    }
    if runs.is_empty() {
        return print_text(
            out,
            &format!("No backups start in the next {hours} hours.\n"),
        );
    }
    let several = accounts.len() > 1;
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
    let mut text = table::render(&head, &rows);
    text.push_str(&format!(
        "{} backups in the next {hours} hours; times in {} (schedules run at {}).\n",
        runs.len(),
        zones.local_label(),
        zones.server_label()
    ));
    print_text(out, &text)
}

#[derive(Serialize)]
struct ServerState {
    instance_id: u64,
    server: String,
    schedules: usize,
    backup_rotation: Option<u8>,
    #[serde(flatten)]
    protection: Protection,
}

/// `bsched backups`: each server's last scheduled backup and whether it is missed or
/// unprotected.
pub async fn protection(
    client: &Client,
    zones: &Zones,
    check: bool,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let fleet = fleet(client).await?;
    let backups = try_join_all(fleet.iter().map(|(s, _)| client.backups(s.id))).await?;
    let now = Timestamp::now();
    let states: Vec<ServerState> = fleet
        .iter()
        .zip(&backups)
        .map(|((server, list), backups)| ServerState {
            instance_id: server.id,
            server: server.name.clone(),
            schedules: list.schedules.len(),
            backup_rotation: list.backup_rotation,
            protection: assess(&list.schedules, backups, &zones.server, now),
        })
        .collect();
    if json {
        print_json(out, &states)?;
    } else {
        let rows: Vec<Vec<String>> = states
            .iter()
            .map(|s| {
                let last = s
                    .protection
                    .last()
                    .map(|t| {
                        format!(
                            "{} ({})",
                            local_stamp(&zones.local, t),
                            crate::domain::timing::age(now, t)
                        )
                    })
                    .unwrap_or_else(|| "never".into());
                let state = match &s.protection {
                    Protection::Missed { expected, .. } => {
                        format!("MISSED the {} run", local_stamp(&zones.local, *expected))
                    }
                    Protection::Unprotected { .. } => "UNPROTECTED: no schedule".into(),
                    other => other.word().to_string(),
                };
                vec![
                    s.instance_id.to_string(),
                    s.server.clone(),
                    s.schedules.to_string(),
                    last,
                    state,
                ]
            })
            .collect();
        let mut text = table::render(
            &["ID", "NAME", "SCHEDULES", "LAST SCHEDULED BACKUP", "STATE"],
            &rows,
        );
        text.push_str(&format!("Times in {}.\n", zones.local_label()));
        print_text(out, &text)?;
    }
    let bad: Vec<std::borrow::Cow<str>> = states
        .iter()
        .filter(|s| {
            matches!(
                s.protection,
                Protection::Missed { .. } | Protection::Unprotected { .. }
            )
        })
        .map(|s| for_terminal(&s.server))
        .collect();
    if check && !bad.is_empty() {
        return Err(CliError::Found(format!(
            "{} server(s) missed a backup or have no schedule: {}",
            bad.len(),
            bad.join(", ")
        )));
    }
    Ok(())
}

#[derive(Serialize)]
struct BackupJson<'a> {
    id: u64,
    name: &'a str,
    kind: &'a crate::domain::backups::BackupKind,
    created: &'a str,
    status: &'a str,
    size: &'a str,
}

/// `bsched backups --instance ID`: that server's backups, newest first.
pub async fn backups_of(
    client: &Client,
    instance: u64,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let mut list: Vec<Backup> = client.backups(instance).await?;
    list.sort_by_key(|b| std::cmp::Reverse(b.created));
    if json {
        let items: Vec<BackupJson> = list
            .iter()
            .map(|b| BackupJson {
                id: b.id,
                name: &b.name,
                kind: &b.kind,
                created: &b.created_text,
                status: &b.status,
                size: &b.size,
            })
            .collect();
        return print_json(out, &items);
    }
    if list.is_empty() {
        return print_text(out, "No backups.\n");
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|b| {
            vec![
                b.id.to_string(),
                b.name.clone(),
                match &b.kind {
                    crate::domain::backups::BackupKind::Auto => "scheduled".into(),
                    crate::domain::backups::BackupKind::Manual => "manual".into(),
                    crate::domain::backups::BackupKind::Other(o) => o.clone(),
                },
                b.created_text.clone(),
                b.status.clone(),
                b.size.clone(),
            ]
        })
        .collect();
    print_text(
        out,
        &table::render(&["ID", "NAME", "TYPE", "CREATED", "STATUS", "SIZE"], &rows),
    )
}
