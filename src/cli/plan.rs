//! Plan files: `export` and `apply`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::future::join_all;

use super::progress::Progress;

use super::args::Cli;
use super::context::{connect, fleet, open_journal, resolve_with_credentials};
use super::error::{CliError, EXIT_INTERRUPTED, EXIT_REFUSED};
use super::interrupt::OwnInterrupts;
use super::output::{confirm, print_report, print_text, safe, warn_all};
use crate::api::{ApiError, Client};
use crate::domain::plan::{Change, Plan, PlanDays, PlanFormat, PlanSchedule, PlanServer, diff};
use crate::domain::timing::parse_zone;
use crate::domain::{Schedule, ScheduleId, ScheduleList, ScheduleSpec, plural};
use crate::ops::{Ops, check_hint};

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
    let (_, client, zones) = connect(cli)?;
    let fleet = fleet(&client).await?;
    let mut servers = Vec::new();
    for (server, list) in fleet {
        let mut schedules = Vec::new();
        for s in &list.schedules {
            let spec = s.spec().map_err(|e| {
                CliError::Usage(format!(
                    "server {} schedule {} cannot be exported: {e}",
                    server.id, s.id
                ))
            })?;
            schedules.push(PlanSchedule {
                name: spec.name().clone(),
                days: PlanDays(spec.days()),
                time: spec.time(),
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

/// The largest plan read, from a file or standard input: far more than thousands of servers
/// need, and a bound on what a stray pipe can make bsched hold.
pub const MAX_PLAN_BYTES: u64 = 4 * 1024 * 1024;

/// The plan's text, from `file` or, for `-`, standard input; refused past [`MAX_PLAN_BYTES`].
/// Read off the async thread, so Ctrl+C while waiting for input ends the command.
async fn read_plan(file: &Path) -> Result<String, CliError> {
    use std::io::Read;
    let from_stdin = file.as_os_str() == "-";
    let shown = if from_stdin {
        "standard input".to_string()
    } else {
        format!("plan file {}", file.display())
    };
    let path = file.to_path_buf();
    let read = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        if from_stdin {
            std::io::stdin()
                .lock()
                .take(MAX_PLAN_BYTES + 1)
                .read_to_end(&mut bytes)?;
        } else {
            std::fs::File::open(&path)?
                .take(MAX_PLAN_BYTES + 1)
                .read_to_end(&mut bytes)?;
        }
        Ok(bytes)
    })
    .await
    .map_err(|e| CliError::Usage(format!("cannot read {shown}: {e}")))?
    .map_err(|e| CliError::Usage(format!("cannot read {shown}: {e}")))?;
    if read.len() as u64 > MAX_PLAN_BYTES {
        return Err(CliError::Usage(format!(
            "{shown} is larger than {} MiB; nothing was applied",
            MAX_PLAN_BYTES / (1024 * 1024)
        )));
    }
    String::from_utf8(read)
        .map_err(|_| CliError::Usage(format!("{shown} is not UTF-8 text; nothing was applied")))
}

/// Whether the diff is coloured: standard output is a terminal and `NO_COLOR` is not set to
/// something (<https://no-color.org>).
fn colour_on_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A diff line in its colour when `on`: `+` green, `-` red, `~` yellow.
fn painted(line: &str, on: bool) -> String {
    let code = match line.chars().next() {
        Some('+') => "32",
        Some('-') => "31",
        Some('~') => "33",
        _ => return line.to_string(),
    };
    if on {
        format!("\x1b[{code}m{line}\x1b[0m")
    } else {
        line.to_string()
    }
}

/// The changes that bring one server to its plan entry.
fn server_changes(
    entry: &PlanServer,
    list: &ScheduleList,
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
    let from_stdin = file.as_os_str() == "-";
    if from_stdin && !yes && !dry_run {
        return Err(CliError::Usage(
            "the plan comes on standard input, so no answer can be read there: add --yes (or --dry-run); nothing was applied".into(),
        ));
    }
    let text = read_plan(file).await?;
    let source = if from_stdin {
        "the plan on standard input".to_string()
    } else {
        format!("plan file {}", file.display())
    };
    let format = if from_stdin {
        // No name to tell by: JSON starts with `{`, TOML cannot.
        if text.trim_start().starts_with('{') {
            PlanFormat::Json
        } else {
            PlanFormat::Toml
        }
    } else {
        match file.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => PlanFormat::Json,
            _ => PlanFormat::Toml,
        }
    };
    let plan = Plan::parse(&text, format).map_err(|e| {
        CliError::Usage(format!(
            "{}: {}; nothing was applied",
            source,
            safe(&e.to_string())
        ))
    })?;
    let resolved = resolve_with_credentials(cli)?;
    let plan_zone = parse_zone(&plan.server_timezone)
        .map_err(|e| CliError::Usage(format!("{}: server_timezone: {e}", source)))?;
    if plan_zone != resolved.zones.server {
        return Err(CliError::Usage(format!(
            "{}: its times are in {} but profile '{}' keeps schedules in {}; set server_timezone to match; nothing was applied",
            source,
            safe(&plan.server_timezone),
            resolved.profile,
            resolved.zones.server_label()
        )));
    }
    let journal = open_journal(&resolved.profile)?;
    let ops = Ops::new(Client::new(resolved.client)?, journal);
    // Only the servers the plan names are listed: one request each, no server list.
    let bar = Progress::new(plan.servers.len() as u64, "servers");
    let listed = join_all(plan.servers.iter().map(|s| async {
        let listed = ops.client.schedules_named(s.id).await;
        bar.inc();
        listed
    }))
    .await;
    bar.finish();
    let mut lists = Vec::with_capacity(listed.len());
    let mut names = Vec::with_capacity(listed.len());
    for (entry, res) in plan.servers.iter().zip(listed) {
        match res {
            Ok((list, listed_name)) => {
                lists.push(list);
                // The account's name as its schedules carry it (else the server list's, below).
                names.push(listed_name);
            }
            Err(e) => {
                if let Some(said) = not_on_account(&e) {
                    return Err(CliError::Usage(format!(
                        "{}: server {} is not on this account (listing its schedules, the API answered: {}); nothing was applied",
                        source,
                        entry.id,
                        safe(said)
                    )));
                }
                return Err(e.into());
            }
        }
    }
    // A server with no schedule carries no name in its listing: one listing of the servers
    // names them all, so the diff and the journal name every server as the account does.
    // The plan's own name is the last resort.
    let servers = match names.iter().any(Option::is_none) {
        true => ops.client.instances().await.ok(),
        false => None,
    };
    for (entry, name) in plan.servers.iter().zip(names.iter_mut()) {
        if name.is_none() {
            *name = servers
                .iter()
                .flatten()
                .find(|s| s.id == entry.id)
                .map(|s| s.name.clone())
                .or_else(|| entry.name.clone());
        }
    }
    let shown = |i: usize| -> String {
        let id = plan.servers.get(i).map(|s| s.id).unwrap_or_default();
        match names.get(i).and_then(Option::as_deref) {
            Some(n) => format!("{} ({id})", safe(n)),
            None => format!("server {id}"),
        }
    };
    let mut per_server: Vec<(&PlanServer, Vec<Change>)> = Vec::new();
    for (entry, list) in plan.servers.iter().zip(&lists) {
        per_server.push((entry, server_changes(entry, list, prune)?));
    }

    // The diff, per server; coloured on a terminal.
    let colour = colour_on_stdout();
    let mut text = String::new();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let mut emptied = Vec::new();
    for (i, ((_, changes), list)) in per_server.iter().zip(&lists).enumerate() {
        let name = shown(i);
        let real: Vec<&Change> = changes.iter().filter(|c| c.is_change()).collect();
        for c in changes {
            *counts.entry(c.verb()).or_default() += 1;
        }
        let deletes = changes
            .iter()
            .filter(|c| matches!(c, Change::Delete { .. }))
            .count();
        if prune && !list.schedules.is_empty() && deletes == list.schedules.len() {
            emptied.push(format!(
                "! --prune deletes every schedule of {name}: all {deletes}; it will have no scheduled backups\n"
            ));
        }
        if real.is_empty() {
            continue;
        }
        text.push_str(&format!("{name}\n"));
        for c in real {
            text.push_str(&format!("  {}\n", painted(&safe(&c.to_string()), colour)));
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
                "No changes: the account matches the plan ({} unchanged).\n",
                plural(
                    counts.get("unchanged").copied().unwrap_or(0),
                    "schedule",
                    "schedules"
                )
            ),
        );
    }
    for line in emptied {
        text.push_str(&line);
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
        if !confirm(&format!(
            "Apply {}? [y/N] ",
            plural(total, "change", "changes")
        ))
        .await?
        {
            return print_text(out, "Nothing applied.\n");
        }
    }

    let known: Vec<Vec<ScheduleId>> = lists
        .iter()
        .map(|l| l.schedules.iter().map(|s| s.id).collect())
        .collect();
    let (results, interrupted) = run_changes(&ops, &per_server, &names, &known).await?;
    warn_all(ops.take_warnings());
    let (mut failed, mut failed_on) = (0, Vec::<String>::new());
    let mut first_code = None;
    let (mut done, mut unknown, mut not_sent) = (0, 0, 0);
    let mut report = String::new();
    for (i, ((entry, _), res)) in per_server.iter().zip(results).enumerate() {
        let name = shown(i);
        for (c, r) in res {
            let c = safe(&c.to_string());
            match r {
                None => not_sent += 1,
                Some(Ok(_)) => done += 1,
                Some(Err(e)) => {
                    let unconfirmed = matches!(e, ApiError::Unconfirmed(_));
                    let why = if unconfirmed {
                        format!("{e}; {}", check_hint(Some(entry.id)))
                    } else {
                        e.to_string()
                    };
                    let what = if unconfirmed { "unknown" } else { "failed" };
                    unknown += usize::from(unconfirmed);
                    report.push_str(&format!("{what}: {name}: {c}: {}\n", safe(&why)));
                    failed += 1;
                    if !failed_on.contains(&name) {
                        failed_on.push(name.clone());
                    }
                    first_code.get_or_insert(CliError::Api(e).exit_code());
                }
            }
        }
    }
    let of_total = plural(total, "change", "changes");
    report.push_str(&format!("Applied {done} of {of_total}.\n"));
    if interrupted {
        report.push_str(&format!(
            "Interrupted: {} not sent; run the same apply again to finish.\n",
            plural(not_sent, "change", "changes")
        ));
    }
    let printed = print_report(out, &report, &format!("{done} of {of_total} applied"));
    let retry = "run the same apply again to retry them: it lists the servers first, so a change that was applied after all is not repeated";
    if interrupted {
        return Err(CliError::Failed {
            message: format!(
                "interrupted: {done} of {of_total} applied, {failed} failed or unknown, {not_sent} not sent (nothing was sent for those); {retry}"
            ),
            code: EXIT_INTERRUPTED,
        });
    }
    if failed == 0 {
        return printed;
    }
    let unknown_note = if unknown > 0 {
        format!(" ({unknown} may have been applied: `bsched log` marks them unknown)")
    } else {
        String::new()
    };
    Err(CliError::Failed {
        message: format!(
            "{failed} change(s) failed on {}{unknown_note}; {retry}{}",
            failed_on.join(", "),
            if printed.is_err() {
                "; the report could not be written"
            } else {
                ""
            }
        ),
        code: first_code.unwrap_or(EXIT_REFUSED),
    })
}

/// What the API said when a listing's refusal means the server is not on this account: the
/// emulator answers `missed` for an unknown `elid` (the real server's answer is unverified,
/// api.md 8.3; an `access` refusal is taken by the client as an expired session).
fn not_on_account(e: &ApiError) -> Option<&str> {
    match e {
        ApiError::Refused { kind, message, .. } if kind == "missed" => Some(message),
        _ => None,
    }
}

/// What each planned change came to: `None` when it was never sent (Ctrl+C came first).
type Results<'a> = Vec<Vec<(&'a Change, Option<Result<Option<Schedule>, ApiError>>)>>;

/// Applies the changes: servers in parallel, each server's changes in order, and no more
/// changes begun at once than the client sends at once (so a change is journaled only when
/// it can be sent). Ctrl+C stops sending: the changes in flight finish and are recorded, the
/// others are reported as not sent; a second Ctrl+C quits at once.
/// `names`: each server's name for the journal; `known`: the ids its listing showed.
async fn run_changes<'a>(
    ops: &Ops,
    per_server: &'a [(&'a PlanServer, Vec<Change>)],
    names: &[Option<String>],
    known: &[Vec<ScheduleId>],
) -> Result<(Results<'a>, bool), CliError> {
    // Ctrl+C is handled here while changes are sent (see below), not by the command's guard.
    let _own = OwnInterrupts::take();
    let stop = AtomicBool::new(false);
    let slots =
        tokio::sync::Semaphore::new(ops.client.settings_without_secrets().concurrency.max(1));
    let total = per_server
        .iter()
        .map(|(_, changes)| changes.iter().filter(|c| c.is_change()).count() as u64)
        .sum();
    let bar = Progress::new(total, "changes");
    let work = join_all(per_server.iter().enumerate().map(|(i, (_, changes))| {
        let (stop, slots, bar) = (&stop, &slots, &bar);
        let name = names.get(i).cloned().flatten();
        let known = known.get(i).map(Vec::as_slice);
        async move {
            let mut res = Vec::new();
            for c in changes.iter().filter(|c| c.is_change()) {
                let _slot = slots.acquire().await;
                if stop.load(Ordering::SeqCst) {
                    res.push((c, None));
                    continue;
                }
                res.push((c, Some(ops.apply_known(c, name.as_deref(), known).await)));
                bar.inc();
            }
            res
        }
    }));
    tokio::pin!(work);
    tokio::select! {
        results = &mut work => Ok((results, false)),
        _ = tokio::signal::ctrl_c() => {
            stop.store(true, Ordering::SeqCst);
            // Not `eprintln!`, which panics when stderr is a closed pipe.
            let _ = writeln!(
                std::io::stderr(),
                "Stopping: the changes in flight finish and are recorded; nothing more is sent (Ctrl+C again quits at once)."
            );
            tokio::select! {
                results = &mut work => Ok((results, true)),
                _ = tokio::signal::ctrl_c() => {
                    warn_all(ops.take_warnings());
                    Err(CliError::Failed {
                        message: "interrupted twice: the changes in flight may or may not have been applied (`bsched log` shows them as unknown); the others were not sent".into(),
                        code: EXIT_INTERRUPTED,
                    })
                }
            }
        }
    }
}
