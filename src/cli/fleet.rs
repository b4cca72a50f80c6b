//! Fleet-wide commands: the servers (`instances`) and the proof that schedules produce backups
//! (`backups`).

use std::io::Write;

use jiff::Timestamp;
use serde::Serialize;

use super::args::{Cli, Target};
use super::context::{client_for, fleet};
use super::error::CliError;
use super::names;
use super::output::{print_json, print_text};
use super::progress::{Progress, each};
use super::table;
use crate::api::Client;
use crate::domain::Instance;
use crate::domain::backups::{Backup, Protection, assess};
use crate::domain::filter::{Ignore, State};
use crate::domain::timing::{Zones, local_stamp};
use crate::sanitize::for_terminal;

/// `bsched instances`: the account's servers.
pub(super) async fn instances(cli: &Cli, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let list = client_for(cli)?.instances().await?;
    if json {
        print_json(out, &list)
    } else {
        print_text(out, &instances_table(&list, cli.wide))
    }
}

fn instances_table(list: &[Instance], wide: bool) -> String {
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
    table::render_fit(&["ID", "NAME", "STATUS", "IP", "DATACENTER"], &rows, wide)
}

/// `bsched backups`: with `--instance`, that server's backups; else every server's protection.
pub(super) async fn backups(
    cli: &Cli,
    instance: Option<&Target>,
    check: bool,
    quiet: bool,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let resolved = super::context::resolve_with_credentials(cli)?;
    let (zones, ignore) = (resolved.zones.clone(), resolved.ignore.clone());
    let client = Client::new(resolved.client)?;
    let shown = Shown {
        json,
        quiet,
        wide: cli.wide,
    };
    match instance {
        Some(target) => {
            let id = names::server(&client, target).await?.id;
            backups_of(&client, id, json, cli.wide, out).await
        }
        None => protection(&client, &zones, &ignore, check, shown, out).await,
    }
}

/// How `backups` prints: JSON or a table, every server or (`--quiet`) only the problems, the
/// table shortened to the terminal or not.
#[derive(Clone, Copy)]
struct Shown {
    json: bool,
    quiet: bool,
    wide: bool,
}

/// Whether a server's state is a problem `--check` reports.
fn is_problem(p: &Protection) -> bool {
    matches!(
        p,
        Protection::Missed { .. } | Protection::Unprotected { .. }
    )
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
    shown: Shown,
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
    // `--quiet`: only the problems (nothing at all when there is none).
    let printed: Vec<&ServerState> = states
        .iter()
        .filter(|s| !shown.quiet || (!s.ignored && is_problem(&s.protection)))
        .collect();
    if shown.json {
        // JSON stays JSON: `[]` when quiet and all is well.
        print_json(out, &printed)?;
    } else if !printed.is_empty() {
        let rows: Vec<Vec<String>> = printed
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
        let mut text = table::render_fit(
            &["ID", "NAME", "SCHEDULES", "LAST SCHEDULED BACKUP", "STATE"],
            &rows,
            shown.wide,
        );
        text.push_str(&format!("Times in {}.\n", zones.local_label()));
        print_text(out, &text)?;
    }
    let bad: Vec<std::borrow::Cow<str>> = states
        .iter()
        .filter(|s| !s.ignored && is_problem(&s.protection))
        .map(|s| for_terminal(&s.server))
        .collect();
    if check && !bad.is_empty() {
        return Err(CliError::Found(format!(
            "{} missed a backup or {} no schedule: {}",
            crate::domain::plural(bad.len(), "server", "servers"),
            if bad.len() == 1 { "has" } else { "have" },
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
    wide: bool,
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
        &table::render_fit(
            &["ID", "NAME", "TYPE", "CREATED", "STATUS", "SIZE"],
            &rows,
            wide,
        ),
    )
}
