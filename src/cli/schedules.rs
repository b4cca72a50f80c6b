//! The non-interactive commands. Input is validated before anything is sent.

use std::io::{IsTerminal, Write};

use serde_json::json;

use super::args::{Cli, Command, SchedulesCmd};
use super::plan::print_report;
use super::{CliError, table};
use crate::api::{ApiError, Client};
use crate::config;
use crate::domain::{
    Instance, InstanceId, Schedule, ScheduleId, ScheduleList, ScheduleName, ScheduleSpec,
    TimeOfDay, Weekdays,
};
use crate::journal::Journal;
use crate::ops::Ops;
use crate::sanitize::for_terminal;

/// Resolves the profile from `--config`/`--profile` and the environment, prints its warnings,
/// and refuses to go on without credentials.
pub fn resolve_with_credentials(cli: &Cli) -> Result<config::Resolved, CliError> {
    let resolved = resolve_profile(cli)?;
    if !resolved.has_credentials() {
        return Err(CliError::Usage(
            "no credentials: set BSCHED_USERNAME and BSCHED_PASSWORD (or BSCHED_TOKEN), or a profile in the config file; `bsched demo` tries bsched without an account".into(),
        ));
    }
    // A kept session others can read is warned about by the client that loads it.
    Ok(resolved)
}

/// Prints warnings on stderr, one line each, shown safely (they can quote a path or the API).
pub fn warn_all(warnings: impl IntoIterator<Item = String>) {
    for w in warnings {
        eprintln!("warning: {}", for_terminal(&w));
    }
}

/// Resolves the profile from the config file and the environment, printing its warnings.
pub fn resolve_profile(cli: &Cli) -> Result<config::Resolved, CliError> {
    let env = |k: &str| std::env::var(k).ok();
    let resolved = config::resolve(cli.config.as_deref(), cli.profile.as_deref(), &env)?;
    warn_all(resolved.warnings.iter().cloned());
    Ok(resolved)
}

/// The journal of `profile` in the data directory.
pub fn journal_for(profile: &str) -> Result<Journal, CliError> {
    Journal::in_data_dir(profile).ok_or_else(|| {
        CliError::Usage(
            "cannot find a data directory for the change journal (is HOME set?); nothing was changed"
                .into(),
        )
    })
}

/// The journal of `profile`, with its file warnings printed (readable by others).
pub(super) fn open_journal(profile: &str) -> Result<Journal, CliError> {
    let journal = journal_for(profile)?;
    warn_all(journal.file_warnings());
    Ok(journal)
}

/// Resolves the profile and builds a client whose changes are journaled; warns when others
/// can read the journal. After each change, print [`Ops::take_warnings`] (see [`changed`]).
pub fn ops_for(cli: &Cli) -> Result<Ops, CliError> {
    let resolved = resolve_with_credentials(cli)?;
    let journal = open_journal(&resolved.profile)?;
    Ok(Ops::new(Client::new(resolved.client)?, journal))
}

/// The result of a change, after printing what the journal could not record about it (an
/// outcome not written): shown whether the change worked or not.
fn changed<T>(ops: &Ops, result: Result<T, ApiError>) -> Result<T, CliError> {
    warn_all(ops.take_warnings());
    Ok(result?)
}

/// Resolves the profile and builds a client; refuses to go on without credentials.
pub fn client_for(cli: &Cli) -> Result<Client, CliError> {
    Ok(Client::new(resolve_with_credentials(cli)?.client)?)
}

pub(super) fn print_json(out: &mut dyn Write, v: &impl serde::Serialize) -> Result<(), CliError> {
    print_text(out, &json_text(v)?)
}

pub(super) fn print_text(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    write!(out, "{text}").map_err(|e| CliError::Usage(format!("cannot write output: {e}")))
}

/// The JSON text of `v`, as [`print_json`] writes it.
fn json_text(v: &impl serde::Serialize) -> Result<String, CliError> {
    serde_json::to_string_pretty(v)
        .map(|t| t + "\n")
        .map_err(|e| CliError::Usage(format!("cannot format JSON: {e}")))
}

/// `v` as JSON when `json`, else `text`: what a command reports.
fn shown_as(json: bool, v: &impl serde::Serialize, text: String) -> Result<String, CliError> {
    if json { json_text(v) } else { Ok(text) }
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

fn schedules_table(list: &ScheduleList) -> String {
    let rows: Vec<Vec<String>> = list
        .schedules
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.name.clone(),
                s.days.display(),
                s.time.to_string(),
                s.created.clone(),
            ]
        })
        .collect();
    let mut text = if rows.is_empty() {
        "No schedules.\n".to_string()
    } else {
        table::render(&["ID", "NAME", "DAYS", "TIME", "CREATED"], &rows)
    };
    if let Some(keep) = list.backup_rotation {
        text.push_str(&format!("Retention: {keep} scheduled backups kept.\n"));
    }
    text
}

/// Free text (not a table) that names a schedule: the name is the API's, so it is shown through
/// [`for_terminal`] like every table cell.
fn schedule_line(verb: &str, s: &Schedule) -> String {
    format!(
        "{verb} schedule {} '{}' on server {}: {} {}\n",
        s.id,
        for_terminal(&s.name),
        s.instance_id,
        s.days.display(),
        s.time
    )
}

fn find(list: &ScheduleList, instance: InstanceId, id: ScheduleId) -> Result<Schedule, CliError> {
    list.schedules
        .iter()
        .find(|s| s.id == id)
        .cloned()
        .ok_or_else(|| {
            CliError::Api(ApiError::Refused {
                kind: "missed".into(),
                object: Some("elid".into()),
                message: format!("schedule {id} is not on server {instance}"),
            })
        })
}

fn parse_time(s: &str) -> Result<TimeOfDay, CliError> {
    Ok(s.parse::<TimeOfDay>()?)
}

/// Runs a network command, writing its result to `out`.
pub async fn run(cli: &Cli, out: &mut dyn Write) -> Result<(), CliError> {
    match &cli.command {
        Some(Command::Instances { json }) => {
            let client = client_for(cli)?;
            let list = client.instances().await?;
            if *json {
                print_json(out, &list)
            } else {
                print_text(out, &instances_table(&list))
            }
        }
        Some(Command::Schedules { cmd }) => schedules(cli, cmd, out).await,
        Some(Command::Retention {
            instance,
            set,
            json,
        }) => {
            let (client, made) = match set {
                Some(n) => {
                    let ops = ops_for(cli)?;
                    let before = ops.client.schedules(*instance).await?.backup_rotation;
                    let made = before != Some(*n);
                    if made {
                        let result = ops.set_retention(*instance, None, before, *n).await;
                        changed(&ops, result)?;
                    }
                    (ops.client, made.then_some(*n))
                }
                None => (client_for(cli)?, None),
            };
            // Read back, so what is printed is what the API holds.
            let keep = match client.schedules(*instance).await {
                Ok(list) => list.backup_rotation,
                Err(e) => {
                    return match made {
                        // The change stands; only reading it back failed.
                        Some(n) => Err(CliError::Failed {
                            message: format!(
                                "server {instance} was set to keep {n} scheduled backups, but reading it back failed: {e}"
                            ),
                            code: CliError::Api(e).exit_code(),
                        }),
                        None => Err(e.into()),
                    };
                }
            };
            let value = json!({"instance_id": instance, "backup_rotation": keep});
            let text = match keep {
                Some(k) => format!("Server {instance} keeps {k} scheduled backups.\n"),
                None => format!("The API did not say how many backups server {instance} keeps.\n"),
            };
            match made {
                Some(n) => print_report(
                    out,
                    &shown_as(*json, &value, text)?,
                    &format!("server {instance} was set to keep {n} scheduled backups"),
                ),
                None if *json => print_json(out, &value),
                None => print_text(out, &text),
            }
        }
        Some(Command::Upcoming {
            hours,
            json,
            all_profiles,
        }) => {
            let accounts = if *all_profiles {
                super::fleet::every_profile(cli)?
            } else {
                let resolved = resolve_with_credentials(cli)?;
                let zones = resolved.zones.clone();
                vec![(resolved.profile, Client::new(resolved.client)?, zones)]
            };
            super::fleet::upcoming(&accounts, *hours, *json, out).await
        }
        Some(Command::Export { format }) => super::plan::export(cli, format, out).await,
        Some(Command::Apply {
            file,
            dry_run,
            prune,
            yes,
        }) => super::plan::apply(cli, file, *dry_run, *prune, *yes, out).await,
        Some(Command::Log { json, limit }) => super::plan::log(cli, *json, *limit, out),
        Some(Command::Restore { entry }) => super::plan::restore(cli, *entry, out).await,
        Some(Command::Lint { within, json }) => super::plan::lint(cli, *within, *json, out).await,
        Some(Command::Backups {
            instance,
            check,
            json,
        }) => {
            let resolved = resolve_with_credentials(cli)?;
            let zones = resolved.zones.clone();
            let client = Client::new(resolved.client)?;
            match instance {
                Some(id) => super::fleet::backups_of(&client, *id, *json, out).await,
                None => super::fleet::protection(&client, &zones, *check, *json, out).await,
            }
        }
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

async fn schedules(cli: &Cli, cmd: &SchedulesCmd, out: &mut dyn Write) -> Result<(), CliError> {
    match cmd {
        SchedulesCmd::List { instance, json } => {
            let list = client_for(cli)?.schedules(*instance).await?;
            if *json {
                let items: Vec<_> = list.schedules.iter().map(Schedule::to_json).collect();
                print_json(out, &items)
            } else {
                print_text(out, &schedules_table(&list))
            }
        }
        SchedulesCmd::Add {
            instance,
            name,
            days,
            time,
            json,
        } => {
            let spec = ScheduleSpec::new(
                ScheduleName::new(name)?,
                Weekdays::parse_user(days)?,
                parse_time(time)?,
            )?;
            let ops = ops_for(cli)?;
            let result = ops.create(*instance, None, &spec).await;
            let created = changed(&ops, result)?;
            print_report(
                out,
                &shown_as(
                    *json,
                    &created.to_json(),
                    schedule_line("Created", &created),
                )?,
                &format!("schedule {} was created on server {instance}", created.id),
            )
        }
        SchedulesCmd::Edit {
            instance,
            id,
            name,
            days,
            time,
            json,
        } => {
            if name.is_none() && days.is_none() && time.is_none() {
                return Err(CliError::Usage(
                    "nothing to change: give --name, --days or --time".into(),
                ));
            }
            let name = name.as_deref().map(ScheduleName::new).transpose()?;
            let days = days.as_deref().map(Weekdays::parse_user).transpose()?;
            let time = time.as_deref().map(parse_time).transpose()?;
            let ops = ops_for(cli)?;
            let current = find(&ops.client.schedules(*instance).await?, *instance, *id)?;
            let name = match name {
                Some(n) => n,
                None => ScheduleName::new(&current.name).map_err(|e| {
                    CliError::Usage(format!(
                        "the current name of schedule {id} cannot be sent back as it is ({e}); give a new one with --name"
                    ))
                })?,
            };
            let spec = ScheduleSpec::new(
                name,
                days.unwrap_or(current.days),
                time.unwrap_or(current.time),
            )?;
            if spec.matches(&current) {
                return if *json {
                    print_json(out, &current.to_json())
                } else {
                    print_text(out, &schedule_line("Updated", &current))
                };
            }
            let result = ops.edit(*instance, None, &current, &spec).await;
            let edited = changed(&ops, result)?;
            print_report(
                out,
                &shown_as(*json, &edited.to_json(), schedule_line("Updated", &edited))?,
                &format!("schedule {} on server {instance} was changed", edited.id),
            )
        }
        SchedulesCmd::Rm { id, instance, yes } => {
            let interactive = std::io::stdin().is_terminal();
            if !yes && !interactive {
                return Err(CliError::Usage(format!(
                    "refusing to delete schedule {id} without confirmation: stdin is not a terminal; add --yes"
                )));
            }
            let ops = ops_for(cli)?;
            let (what, before) = match instance {
                Some(inst) => {
                    let s = find(&ops.client.schedules(*inst).await?, *inst, *id)?;
                    (
                        // The prompt is what `y` answers: a name that moves the cursor or
                        // erases the line could show one schedule and delete another.
                        format!(
                            "schedule {} '{}' ({} {}) on server {}",
                            s.id,
                            for_terminal(&s.name),
                            s.days.display(),
                            s.time,
                            inst
                        ),
                        Some(s),
                    )
                }
                None => (format!("schedule {id}"), None),
            };
            if !yes && !confirm(&format!("Delete {what}? [y/N] "))? {
                return print_text(out, "Nothing deleted.\n");
            }
            let result = ops.delete(*instance, None, *id, before.as_ref()).await;
            changed(&ops, result)?;
            print_report(
                out,
                &format!("Deleted {what}.\n"),
                &format!("{what} was deleted"),
            )
        }
    }
}

/// Asks a yes/no question on stderr. The prompt is shown through [`for_terminal`] as a last
/// guard; callers sanitize the names they put in it.
pub(super) fn confirm(prompt: &str) -> Result<bool, CliError> {
    let mut err = std::io::stderr();
    let _ = write!(err, "{}", for_terminal(prompt));
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| CliError::Usage(format!("cannot read the answer: {e}")))?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}
