//! Plan files (`export`, `apply`), the journal (`log`, `restore`) and `lint`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use futures_util::future::{join_all, try_join_all};
use serde::Serialize;

use super::commands::{confirm, journal_for, print_json, print_text, resolve_with_credentials};
use super::fleet::fleet;
use super::{Cli, CliError, table};
use crate::api::Client;
use crate::domain::plan::{
    Change, Finding, Plan, PlanFormat, PlanSchedule, PlanServer, diff, lint as lint_server,
};
use crate::domain::timing::{local_stamp, parse_zone};
use crate::domain::{Instance, ScheduleName, ScheduleSpec};
use crate::journal::{Action, Entry, Outcome};
use crate::ops::Ops;

fn format_of(name: &str) -> Result<PlanFormat, CliError> {
    match name.to_lowercase().as_str() {
        "toml" => Ok(PlanFormat::Toml),
        "json" => Ok(PlanFormat::Json),
        other => Err(CliError::Usage(format!(
            "unknown format '{other}'; use toml or json"
        ))),
    }
}

/// `bsched export`: every server's schedules and retention as a plan.
pub async fn export(cli: &Cli, format: &str, out: &mut dyn Write) -> Result<(), CliError> {
    let format = format_of(format)?;
    let resolved = resolve_with_credentials(cli)?;
    let zones = resolved.zones.clone();
    let client = Client::new(resolved.client)?;
    let fleet = fleet(&client).await?;
    let mut servers = Vec::new();
    for (server, list) in fleet {
        let mut schedules = Vec::new();
        for s in &list.schedules {
            let name = ScheduleName::new(&s.name).map_err(|e| {
                CliError::Usage(format!(
                    "server {} schedule {} cannot be exported: {e}",
                    server.id, s.id
                ))
            })?;
            schedules.push(PlanSchedule {
                name,
                days: crate::domain::plan::PlanDays(s.days),
                time: s.time,
            });
        }
        servers.push(PlanServer {
            id: server.id,
            name: Some(server.name.clone()),
            retention: list.backup_rotation,
            schedules,
        });
    }
    let plan = Plan {
        server_timezone: zones.server_label(),
        servers,
    };
    let text = plan
        .render(format)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    print_text(out, &text)
}

/// The changes that bring one server to its plan entry.
fn server_changes(
    entry: &PlanServer,
    list: &crate::domain::ScheduleList,
    prune: bool,
) -> Result<Vec<Change>, CliError> {
    let wanted = entry
        .schedules
        .iter()
        .map(|s| s.spec())
        .collect::<Result<Vec<ScheduleSpec>, _>>()?;
    let mut changes = diff(entry.id, &list.schedules, &wanted, prune);
    if let Some(keep) = entry.retention
        && list.backup_rotation != Some(keep)
    {
        changes.push(Change::Retention {
            instance: entry.id,
            before: list.backup_rotation,
            after: keep,
        });
    }
    Ok(changes)
}

/// `bsched apply -f PLAN`: diff, confirm, apply; the same file twice changes nothing.
pub async fn apply(
    cli: &Cli,
    file: &Path,
    dry_run: bool,
    prune: bool,
    yes: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Usage(format!("cannot read plan file {}: {e}", file.display())))?;
    let format = match file.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("json") => PlanFormat::Json,
        _ => PlanFormat::Toml,
    };
    let plan = Plan::parse(&text, format).map_err(|e| {
        CliError::Usage(format!(
            "plan file {}: {e}; nothing was applied",
            file.display()
        ))
    })?;
    let resolved = resolve_with_credentials(cli)?;
    let plan_zone = parse_zone(&plan.server_timezone).map_err(|e| {
        CliError::Usage(format!(
            "plan file {}: server_timezone: {e}",
            file.display()
        ))
    })?;
    if plan_zone != resolved.zones.server {
        return Err(CliError::Usage(format!(
            "plan file {}: its times are in {} but profile '{}' keeps schedules in {}; set server_timezone to match; nothing was applied",
            file.display(),
            plan.server_timezone,
            resolved.profile,
            resolved.zones.server_label()
        )));
    }
    let journal = journal_for(&resolved.profile)?;
    let ops = Ops::new(Client::new(resolved.client)?, journal);
    let servers = ops.client.instances().await?;
    let name_of = |id: u64| -> Option<&Instance> { servers.iter().find(|s| s.id == id) };
    if let Some(missing) = plan.servers.iter().find(|s| name_of(s.id).is_none()) {
        return Err(CliError::Usage(format!(
            "plan file {}: server {} is not on this account; nothing was applied",
            file.display(),
            missing.id
        )));
    }
    let lists = try_join_all(plan.servers.iter().map(|s| ops.client.schedules(s.id))).await?;
    let mut per_server: Vec<(&PlanServer, Vec<Change>)> = Vec::new();
    for (entry, list) in plan.servers.iter().zip(&lists) {
        per_server.push((entry, server_changes(entry, list, prune)?));
    }

    // The diff, per server.
    let mut text = String::new();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for (entry, changes) in &per_server {
        let name = name_of(entry.id).map(|s| s.name.as_str()).unwrap_or("?");
        let real: Vec<&Change> = changes.iter().filter(|c| c.is_change()).collect();
        for c in changes {
            *counts.entry(c.verb()).or_default() += 1;
        }
        if real.is_empty() {
            continue;
        }
        text.push_str(&format!("{name} ({})\n", entry.id));
        for c in real {
            text.push_str(&format!("  {c}\n"));
        }
    }
    let total: usize = counts
        .iter()
        .filter(|(k, _)| **k != "unchanged")
        .map(|(_, n)| n)
        .sum();
    if total == 0 {
        return print_text(
            out,
            &format!(
                "No changes: the account matches the plan ({} schedules unchanged).\n",
                counts.get("unchanged").copied().unwrap_or(0)
            ),
        );
    }
    let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    text.push_str(&format!("Plan: {}.\n", summary.join(", ")));
    print_text(out, &text)?;
    if dry_run {
        return print_text(out, "Dry run: nothing was changed.\n");
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::Usage(
                "refusing to apply without confirmation: stdin is not a terminal; add --yes".into(),
            ));
        }
        let _ = out.flush();
        if !confirm(&format!("Apply {total} changes? [y/N] "))? {
            return print_text(out, "Nothing applied.\n");
        }
    }

    // Servers in parallel (bounded by the client), each server's changes in order.
    let results = join_all(per_server.iter().map(|(entry, changes)| {
        let ops = &ops;
        let name = name_of(entry.id).map(|s| s.name.clone());
        async move {
            let mut res = Vec::new();
            for c in changes.iter().filter(|c| c.is_change()) {
                res.push((c, ops.apply(c, name.as_deref()).await));
            }
            res
        }
    }))
    .await;
    let mut failed = Vec::new();
    let mut first_code = None;
    let mut done = 0;
    let mut report = String::new();
    for ((entry, _), res) in per_server.iter().zip(results) {
        let name = name_of(entry.id).map(|s| s.name.as_str()).unwrap_or("?");
        for (c, r) in res {
            match r {
                Ok(_) => done += 1,
                Err(e) => {
                    report.push_str(&format!("failed: {name} ({}): {c}: {e}\n", entry.id));
                    failed.push(name.to_string());
                    first_code.get_or_insert(CliError::Api(e).exit_code());
                }
            }
        }
    }
    report.push_str(&format!("Applied {done} of {total} changes.\n"));
    print_text(out, &report)?;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed {
            message: format!(
                "{} change(s) failed on {}; run the same apply again to retry them (applied changes are not repeated)",
                failed.len(),
                failed.join(", ")
            ),
            code: first_code.unwrap_or(super::EXIT_REFUSED),
        })
    }
}

fn snapshot_text(s: &Option<crate::journal::Snapshot>) -> String {
    match s {
        Some(s) if !s.name.is_empty() => {
            let days = crate::domain::Weekdays::parse_user(&s.days.join(","))
                .map(|d| d.display())
                .unwrap_or_else(|_| s.days.join(","));
            format!("'{}' {days} {}", s.name, s.time)
        }
        Some(s) => s.id.map(|i| format!("schedule {i}")).unwrap_or_default(),
        None => String::new(),
    }
}

fn entry_change(e: &Entry) -> String {
    match e.action {
        Action::Create => snapshot_text(&e.after),
        Action::Delete => snapshot_text(&e.before),
        Action::Edit => format!(
            "{} -> {}",
            snapshot_text(&e.before),
            snapshot_text(&e.after)
        ),
        Action::Retention => match e.retention {
            Some((Some(b), a)) => format!("keep {b} -> {a}"),
            Some((None, a)) => format!("keep {a}"),
            None => String::new(),
        },
    }
}

/// `bsched log`: the journal, newest last.
pub fn log(cli: &Cli, json: bool, limit: usize, out: &mut dyn Write) -> Result<(), CliError> {
    let profile = super::resolve_profile(cli)
        .map(|r| r.profile)
        .unwrap_or_else(|_| crate::config::DEFAULT_PROFILE.to_string());
    let journal = journal_for(&profile)?;
    let entries = journal.read().map_err(|e| CliError::Usage(e.to_string()))?;
    let shown = &entries[entries.len().saturating_sub(limit)..];
    if json {
        return print_json(out, &shown);
    }
    if shown.is_empty() {
        return print_text(
            out,
            "The journal is empty: bsched has made no changes yet.\n",
        );
    }
    let tz = jiff::tz::TimeZone::system();
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                local_stamp(&tz, e.time),
                e.profile.clone(),
                format!("{:?}", e.action).to_lowercase(),
                match &e.server {
                    Some(s) => format!("{s} ({})", e.instance_id),
                    None => e.instance_id.to_string(),
                },
                entry_change(e),
                match (&e.outcome, &e.error) {
                    (Outcome::Failed, Some(err)) => format!("failed: {err}"),
                    (o, _) => format!("{o:?}").to_lowercase(),
                },
            ]
        })
        .collect();
    print_text(
        out,
        &table::render(
            &[
                "ENTRY", "TIME", "PROFILE", "ACTION", "SERVER", "CHANGE", "OUTCOME",
            ],
            &rows,
        ),
    )
}

/// `bsched restore ENTRY`: creates again the schedule a journal entry deleted.
pub async fn restore(cli: &Cli, entry: u64, out: &mut dyn Write) -> Result<(), CliError> {
    let resolved = resolve_with_credentials(cli)?;
    let journal = journal_for(&resolved.profile)?;
    let entries = journal.read().map_err(|e| CliError::Usage(e.to_string()))?;
    let e = entries.iter().find(|e| e.id == entry).ok_or_else(|| {
        CliError::Usage(format!(
            "there is no journal entry {entry} (see `bsched log`)"
        ))
    })?;
    if e.action != Action::Delete {
        return Err(CliError::Usage(format!(
            "entry {entry} is {}, not a delete; only deleted schedules can be restored",
            format!("{:?}", e.action).to_lowercase()
        )));
    }
    if e.outcome != Outcome::Done {
        return Err(CliError::Usage(format!(
            "entry {entry} did not delete anything (its outcome is {})",
            format!("{:?}", e.outcome).to_lowercase()
        )));
    }
    if e.profile != resolved.profile {
        return Err(CliError::Usage(format!(
            "entry {entry} was made on profile '{}'; run with --profile {}",
            e.profile, e.profile
        )));
    }
    let spec = e
        .before
        .as_ref()
        .ok_or_else(|| CliError::Usage(format!("entry {entry} does not hold the deleted schedule")))?
        .spec()
        .map_err(|why| {
            CliError::Usage(format!(
                "entry {entry} does not hold the whole schedule (it was deleted without --instance): {why}"
            ))
        })?;
    let ops = Ops::new(Client::new(resolved.client)?, journal);
    let created = ops
        .create(e.instance_id, e.server.as_deref(), &spec)
        .await?;
    print_text(
        out,
        &format!(
            "Restored '{}' ({} {}) on server {} as schedule {}.\n",
            created.name,
            created.days.display(),
            created.time,
            e.instance_id,
            created.id
        ),
    )
}

#[derive(Serialize)]
struct LintJson<'a> {
    server: &'a str,
    #[serde(flatten)]
    finding: &'a Finding,
}

/// `bsched lint`: duplicates and near-overlaps; exit 1 when something is found.
pub async fn lint(cli: &Cli, within: u16, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let resolved = resolve_with_credentials(cli)?;
    let client = Client::new(resolved.client)?;
    let fleet = fleet(&client).await?;
    let mut found: Vec<(&str, Finding)> = Vec::new();
    for (server, list) in &fleet {
        for f in lint_server(server.id, &list.schedules, within) {
            found.push((server.name.as_str(), f));
        }
    }
    if json {
        let items: Vec<LintJson> = found
            .iter()
            .map(|(s, f)| LintJson {
                server: s,
                finding: f,
            })
            .collect();
        print_json(out, &items)?;
    } else if found.is_empty() {
        print_text(out, "No duplicate or overlapping schedules.\n")?;
    } else {
        let name_of = |server: &str, id: u64| {
            fleet
                .iter()
                .find(|(s, _)| s.name == server)
                .and_then(|(_, l)| l.schedules.iter().find(|x| x.id == id))
                .map(|x| format!("{} '{}' ({} {})", x.id, x.name, x.days.display(), x.time))
                .unwrap_or_else(|| id.to_string())
        };
        let mut text = String::new();
        for (server, f) in &found {
            text.push_str(&match f {
                Finding::Duplicate { first, second, .. } => format!(
                    "{server}: duplicate: {} and {} run at the same days and time\n",
                    name_of(server, *first),
                    name_of(server, *second)
                ),
                Finding::Overlap {
                    first,
                    second,
                    minutes,
                    days,
                    ..
                } => format!(
                    "{server}: overlap: {} and {} start {minutes} min apart ({days})\n",
                    name_of(server, *first),
                    name_of(server, *second)
                ),
            });
        }
        print_text(out, &text)?;
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(CliError::Found(format!(
            "{} finding(s): backups on one server that start together compete for the same disk",
            found.len()
        )))
    }
}
