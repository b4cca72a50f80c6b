//! Fleet-wide commands: the servers (`instances`), the upcoming backups of every server
//! (`upcoming`), and the proof that schedules produce backups (`backups`).

use std::io::Write;

use futures_util::future::try_join_all;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::args::Cli;
use super::context::{client_for, connect, every_profile, fleet, schedules_of};
use super::error::CliError;
use super::output::{print_json, print_text};
use super::progress::{Progress, each};
use super::table;
use crate::api::Client;
use crate::domain::Instance;
use crate::domain::backups::{Backup, Protection, assess};
use crate::domain::filter::{Ignore, State};
use crate::domain::timing::{Zones, countdown, local_stamp, rfc3339_in};
use crate::domain::upcoming::upcoming as upcoming_runs;
use crate::sanitize::for_terminal;

/// `bsched instances`: the account's servers.
pub(super) async fn instances(cli: &Cli, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let list = client_for(cli)?.instances().await?;
    if json {
        print_json(out, &list)
    } else {
        print_text(out, &instances_table(&list))
    }
}

fn instances_table(list: &[Instance]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                i.name.clone(),
                i.status.clone(),
                i.ip.clone(),
                i.datacenter.clone(),
            ]
        })
        .collect();
    table::render(&["ID", "NAME", "STATUS", "IP", "DATACENTER"], &rows)
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
    // Every account's server list first, so that one bar counts the servers of them all.
    let servers = try_join_all(accounts.iter().map(|(_, c, _)| c.instances())).await?;
    let progress = Progress::new(servers.iter().map(|s| s.len() as u64).sum(), "servers");
    let fleets = try_join_all(
        accounts
            .iter()
            .zip(servers)
            .map(|((_, c, _), s)| schedules_of(c, s, &progress)),
    )
    .await?;
    progress.finish();
    let now = Timestamp::now();
    let horizon = SignedDuration::from_hours(i64::from(hours));
    let mut runs = Vec::new();
    let mut counts = [[0u32; 24]; 7];
    for ((profile, _, account_zones), fleet) in accounts.iter().zip(&fleets) {
        // Each account's schedules run in its own server zone; times are on the user's clock.
        let account_zones = Zones {
            server: account_zones.server.clone(),
            local: zones.local.clone(),
        };
        let servers = fleet
            .iter()
            .map(|(s, list)| (s, Some(list.schedules.as_slice())));
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

/// `bsched backups`: with `--instance`, that server's backups; else every server's protection.
pub(super) async fn backups(
    cli: &Cli,
    instance: Option<u64>,
    check: bool,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let resolved = super::context::resolve_with_credentials(cli)?;
    let (zones, ignore) = (resolved.zones.clone(), resolved.ignore.clone());
    let client = Client::new(resolved.client)?;
    match instance {
        Some(id) => backups_of(&client, id, json, out).await,
        None => protection(&client, &zones, &ignore, check, json, out).await,
    }
}

#[derive(Serialize)]
struct ServerState {
    instance_id: u64,
    server: String,
    schedules: usize,
    backup_rotation: Option<u8>,
    /// In the profile's `ignore` list: never a problem for `--check`.
    ignored: bool,
    #[serde(flatten)]
    protection: Protection,
}

/// `bsched backups`: each server's last scheduled backup and whether it is missed or
/// unprotected.
async fn protection(
    client: &Client,
    zones: &Zones,
    ignore: &Ignore,
    check: bool,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let fleet = fleet(client).await?;
    let progress = Progress::new(fleet.len() as u64, "backups");
    let backups = each(&progress, fleet.iter().map(|(s, _)| client.backups(s.id))).await?;
    progress.finish();
    let now = Timestamp::now();
    let states: Vec<ServerState> = fleet
        .iter()
        .zip(&backups)
        .map(|((server, list), backups)| {
            let protection = assess(&list.schedules, backups, &zones.server, now);
            ServerState {
                instance_id: server.id,
                server: server.name.clone(),
                schedules: list.schedules.len(),
                backup_rotation: list.backup_rotation,
                ignored: ignore.matches(server, Some(State::of(&protection))),
                protection,
            }
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
                    p if s.ignored => format!("ignored ({})", p.word()),
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
            !s.ignored
                && matches!(
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
async fn backups_of(
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
