//! The journal of changes bsched made: `log` shows it, `restore` creates again a schedule one of
//! its entries deleted.

use std::io::Write;

use super::args::Cli;
use super::context::{open_journal, resolve_profile, resolve_with_credentials};
use super::error::CliError;
use super::output::{print_json, print_report, print_text, safe, warn_all};
use super::table;
use crate::api::Client;
use crate::domain::Weekdays;
use crate::domain::timing::local_stamp;
use crate::journal::{Action, Entry, Outcome, Snapshot, restored_by};
use crate::ops::{Ops, Restored};

fn snapshot_text(s: &Option<Snapshot>) -> String {
    match s {
        Some(s) if !s.name.is_empty() => {
            let days = Weekdays::parse_user(&s.days.join(","))
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

/// `bsched log`: the journal, newest last; `--limit 0` shows every entry.
pub(super) fn log(
    cli: &Cli,
    json: bool,
    limit: usize,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let profile = resolve_profile(cli)
        .map(|r| r.profile)
        .unwrap_or_else(|_| crate::config::DEFAULT_PROFILE.to_string());
    let journal = open_journal(&profile)?;
    let contents = journal
        .load()
        .map_err(|e| CliError::Usage(safe(&e.to_string())))?;
    warn_all(contents.warning(journal.path()));
    let entries = &contents.entries;
    let shown = match limit {
        0 => &entries[..],
        n => &entries[entries.len().saturating_sub(n)..],
    };
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
                safe(&e.profile),
                format!("{:?}", e.action).to_lowercase(),
                match &e.server {
                    Some(s) => format!("{} ({})", safe(s), e.instance_id),
                    None => e.instance_id.to_string(),
                },
                safe(&entry_change(e)),
                match (&e.outcome, &e.error) {
                    (Outcome::Failed, Some(err)) => format!("failed: {}", safe(err)),
                    (Outcome::Unknown, Some(err)) => format!("unknown: {}", safe(err)),
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

/// `bsched restore ENTRY`: creates again the schedule a journal entry deleted, unless it was
/// restored already or the server has it again (then nothing is sent).
pub(super) async fn restore(cli: &Cli, entry: u64, out: &mut dyn Write) -> Result<(), CliError> {
    let resolved = resolve_with_credentials(cli)?;
    let journal = open_journal(&resolved.profile)?;
    let contents = journal
        .load()
        .map_err(|e| CliError::Usage(safe(&e.to_string())))?;
    warn_all(contents.warning(journal.path()));
    let entries = &contents.entries;
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
    // A delete whose outcome is unknown may have applied: restoring it is safe, since a
    // schedule that is still there is found below and nothing is sent.
    if e.outcome == Outcome::Failed {
        return Err(CliError::Usage(format!(
            "entry {entry} did not delete anything (its outcome is failed)"
        )));
    }
    if e.profile != resolved.profile {
        let p = safe(&e.profile);
        return Err(CliError::Usage(format!(
            "entry {entry} was made on profile '{p}'; run with --profile {p}"
        )));
    }
    if let Some(by) = restored_by(entries, entry) {
        let what = by
            .after
            .as_ref()
            .and_then(|s| s.id)
            .map(|id| format!(" as schedule {id}"))
            .unwrap_or_default();
        return print_text(
            out,
            &format!(
                "Entry {entry} was restored already by entry {}{what}; nothing was sent. (If it was deleted again since, restore that later delete instead.)\n",
                by.id
            ),
        );
    }
    let spec = e
        .before
        .as_ref()
        .ok_or_else(|| CliError::Usage(format!("entry {entry} does not hold the deleted schedule")))?
        .spec()
        .map_err(|why| {
            CliError::Usage(format!(
                "entry {entry} does not hold the whole schedule (it was deleted without --instance): {}",
                safe(&why)
            ))
        })?;
    let ops = Ops::new(Client::new(resolved.client)?, journal)
        .announcing_waits(|notice| eprintln!("{notice}"));
    let restored = ops
        .restore(e.instance_id, e.server.as_deref(), &spec, Some(entry))
        .await;
    warn_all(ops.take_warnings());
    match restored? {
        Restored::AlreadyThere(s) => print_text(
            out,
            &format!(
                "'{}' ({} {}) is already on server {} as schedule {}; nothing was sent.\n",
                safe(&s.name),
                s.days.display(),
                s.time,
                e.instance_id,
                s.id
            ),
        ),
        Restored::Created(created) => print_report(
            out,
            &format!(
                "Restored '{}' ({} {}) on server {} as schedule {}.\n",
                safe(&created.name),
                created.days.display(),
                created.time,
                e.instance_id,
                created.id
            ),
            &format!(
                "schedule {} was restored on server {}",
                created.id, e.instance_id
            ),
        ),
    }
}
