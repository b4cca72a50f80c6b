//! The journal of changes bsched made: `log` shows it, `restore` creates again a schedule one of
//! its entries deleted.

use std::io::Write;

use super::args::Cli;
use super::context::{open_journal, resolve_profile, resolve_with_credentials};
use super::error::CliError;
use super::output::{print_json, print_report, print_text, safe, warn_all};
use super::table;
use crate::api::Client;
use crate::domain::plural;
use crate::domain::timing::local_stamp;
use crate::journal::{Action, Outcome, action_word, entry_text, restored_by, server_label};
use crate::ops::{Ops, Restored};

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
            let t = entry_text(e);
            vec![
                e.id.to_string(),
                local_stamp(&tz, e.time),
                safe(&e.profile),
                t.action.to_string(),
                t.server,
                t.change,
                t.result,
            ]
        })
        .collect();
    let mut text = table::render(
        &[
            "ENTRY", "TIME", "PROFILE", "ACTION", "SERVER", "CHANGE", "OUTCOME",
        ],
        &rows,
    );
    text.push_str(&log_footer(shown.len(), entries.len()));
    print_text(out, &text)
}

/// The line under the log: how many entries it shows of how many.
fn log_footer(shown: usize, total: usize) -> String {
    if shown == total {
        return match total {
            1 => "The only entry of the journal.\n".to_string(),
            n => format!("All {n} entries of the journal.\n"),
        };
    }
    format!(
        "The newest {} of {total}; --limit 0 shows every entry.\n",
        plural(shown, "entry", "entries")
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
            action_word(e.action)
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
    let server = server_label(e.server.as_deref(), e.instance_id);
    match restored? {
        Restored::AlreadyThere(s) => print_text(
            out,
            &format!(
                "'{}' ({} {}) is already on server {server} as schedule {}; nothing was sent.\n",
                safe(&s.name),
                s.days.display(),
                s.time,
                s.id
            ),
        ),
        Restored::Created(created) => print_report(
            out,
            &format!(
                "Restored '{}' ({} {}) on server {server} as schedule {}.\n",
                safe(&created.name),
                created.days.display(),
                created.time,
                created.id
            ),
            &format!("schedule {} was restored on server {server}", created.id),
        ),
    }
}
