//! `run`: hands each network command to its family.

use std::io::Write;

use super::args::{Cli, Command, SchedulesCmd};
use super::error::CliError;
use super::{docs, fleet, journal, lint, plan, schedules, upcoming};

/// Whether `command` can send a change (so an interruption may have left one unknown).
pub fn changes(command: &Command) -> bool {
    match command {
        Command::Schedules { cmd } => !matches!(cmd, SchedulesCmd::List { .. }),
        Command::Retention { set, .. } => set.is_some(),
        Command::Apply { dry_run, .. } => !dry_run,
        Command::Restore { .. } => true,
        _ => false,
    }
}

/// Runs a command, writing its result to `out`.
pub async fn run(cli: &Cli, out: &mut dyn Write) -> Result<(), CliError> {
    match &cli.command {
        Some(Command::Instances { json }) => fleet::instances(cli, *json, out).await,
        Some(Command::Schedules { cmd }) => schedules::schedules(cli, cmd, out).await,
        Some(Command::Retention {
            instance,
            set,
            json,
        }) => schedules::retention(cli, instance, *set, *json, out).await,
        Some(Command::Upcoming {
            hours,
            json,
            all_profiles,
        }) => upcoming::upcoming(cli, *hours, *json, *all_profiles, out).await,
        Some(Command::Backups {
            instance,
            check,
            quiet,
            json,
        }) => fleet::backups(cli, instance.as_ref(), *check, *quiet, *json, out).await,
        Some(Command::Export { format }) => plan::export(cli, format, out).await,
        Some(Command::Apply {
            file,
            dry_run,
            prune,
            yes,
        }) => plan::apply(cli, file, *dry_run, *prune, *yes, out).await,
        Some(Command::Lint { within, json }) => lint::lint(cli, *within, *json, out).await,
        Some(Command::Log { json, limit }) => journal::log(cli, *json, *limit, out),
        Some(Command::Restore { entry }) => journal::restore(cli, *entry, out).await,
        Some(Command::Completions { shell }) => docs::completions(*shell, out),
        Some(Command::Man) => docs::man(out),
        Some(Command::Emulator(_))
        | Some(Command::Demo { .. })
        | Some(Command::Login)
        | Some(Command::Logout)
        | Some(Command::Doctor { .. })
        | None => Err(CliError::Usage(
            "this command does not talk to the API".into(),
        )),
    }
}
