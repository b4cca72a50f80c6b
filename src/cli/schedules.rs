//! A server's schedules (`schedules list/add/edit/rm`) and its retention (`retention`).

use std::io::{IsTerminal, Write};

use serde_json::json;

use super::args::{Cli, SchedulesCmd};
use super::context::{changed, client_for, ops_for};
use super::error::CliError;
use super::output::{confirm, print_json, print_report, print_text, shown_as};
use super::table;
use crate::api::ApiError;
use crate::domain::{
    InstanceId, Schedule, ScheduleId, ScheduleList, ScheduleName, ScheduleSpec, TimeOfDay, Weekdays,
};
use crate::sanitize::for_terminal;

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
        text.push_str(&format!("Retention: {} kept.\n", backups_kept(keep)));
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

/// The server schedule `id` is on, found by listing every server; a clear error when none has it.
async fn located(ops: &crate::ops::Ops, id: ScheduleId) -> Result<Schedule, CliError> {
    match ops.locate(id).await? {
        Some(s) => Ok(s),
        None => Err(CliError::Api(ApiError::Refused {
            kind: "missed".into(),
            object: Some("elid".into()),
            message: format!(
                "schedule {id} is on none of the servers this account lists; nothing was deleted (for a server the panel's filter hides, give --instance)"
            ),
        })),
    }
}

/// `1 scheduled backup`, `7 scheduled backups`.
fn backups_kept(n: u8) -> String {
    crate::domain::plural(n.into(), "scheduled backup", "scheduled backups")
}

fn parse_time(s: &str) -> Result<TimeOfDay, CliError> {
    Ok(s.parse::<TimeOfDay>()?)
}

/// `bsched retention`: how many scheduled backups a server keeps; with `--set`, changes it
/// (nothing is sent when it keeps that many already) and reads it back.
pub(super) async fn retention(
    cli: &Cli,
    instance: InstanceId,
    set: Option<u8>,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (client, made) = match set {
        Some(n) => {
            let ops = ops_for(cli)?;
            let before = ops.client.schedules(instance).await?.backup_rotation;
            let made = before != Some(n);
            if made {
                let result = ops.set_retention(instance, None, before, n).await;
                changed(&ops, result)?;
            }
            (ops.client, made.then_some(n))
        }
        None => (client_for(cli)?, None),
    };
    // Read back, so what is printed is what the API holds.
    let keep = match client.schedules(instance).await {
        Ok(list) => list.backup_rotation,
        Err(e) => {
            return match made {
                // The change stands; only reading it back failed.
                Some(n) => Err(CliError::Failed {
                    message: format!(
                        "server {instance} was set to keep {}, but reading it back failed: {e}",
                        backups_kept(n)
                    ),
                    code: CliError::Api(e).exit_code(),
                }),
                None => Err(e.into()),
            };
        }
    };
    let value = json!({"instance_id": instance, "backup_rotation": keep});
    let text = match keep {
        Some(k) => format!("Server {instance} keeps {}.\n", backups_kept(k)),
        None => format!("The API did not say how many backups server {instance} keeps.\n"),
    };
    match made {
        Some(n) => print_report(
            out,
            &shown_as(json, &value, text)?,
            &format!("server {instance} was set to keep {}", backups_kept(n)),
        ),
        None if json => print_json(out, &value),
        None => print_text(out, &text),
    }
}

/// `bsched schedules …`: list, add, edit or remove a server's schedules.
pub(super) async fn schedules(
    cli: &Cli,
    cmd: &SchedulesCmd,
    out: &mut dyn Write,
) -> Result<(), CliError> {
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
                // A listed schedule's days are never empty: only its name can fail.
                None => current.spec().map(|s| s.name().clone()).map_err(|e| {
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
            // Listed just before: a clear answer is the result, no second listing.
            let result = ops
                .edit_trusting_answer(*instance, None, &current, &spec)
                .await;
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
            // Without --instance the schedule is looked for on every server: the journal
            // then records its server and the whole schedule (so it can be restored).
            let s = match instance {
                Some(inst) => find(&ops.client.schedules(*inst).await?, *inst, *id)?,
                None => located(&ops, *id).await?,
            };
            // The prompt is what `y` answers: a name that moves the cursor or erases the line
            // could show one schedule and delete another.
            let what = format!(
                "schedule {} '{}' ({} {}) on server {}",
                s.id,
                for_terminal(&s.name),
                s.days.display(),
                s.time,
                s.instance_id
            );
            if !yes && !confirm(&format!("Delete {what}? [y/N] "))? {
                return print_text(out, "Nothing deleted.\n");
            }
            let result = ops.delete(Some(s.instance_id), None, *id, Some(&s)).await;
            changed(&ops, result)?;
            print_report(
                out,
                &format!("Deleted {what}.\n"),
                &format!("{what} was deleted"),
            )
        }
    }
}
