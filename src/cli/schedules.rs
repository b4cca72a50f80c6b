//! A server's schedules (`schedules list/add/edit/rm`) and its retention (`retention`).

use std::io::{IsTerminal, Write};

use serde_json::json;

use super::args::{Cli, SchedulesCmd, Target};
use super::context::{changed, client_for, ops_for, ops_with_zones};
use super::error::CliError;
use super::names::{self, Server};
use super::output::{confirm, print_json, print_report, print_text, shown_as, warn_all};
use super::table;
use crate::domain::timing::{Zones, dst_warning};
use crate::domain::{Schedule, ScheduleList, ScheduleName, ScheduleSpec, TimeOfDay, Weekdays};
use crate::sanitize::for_terminal;

fn schedules_table(list: &ScheduleList, wide: bool) -> String {
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
        table::render_fit(&["ID", "NAME", "DAYS", "TIME", "CREATED"], &rows, wide)
    };
    if let Some(keep) = list.backup_rotation {
        text.push_str(&format!("Retention: {} kept.\n", backups_kept(keep)));
    }
    text
}

/// Free text (not a table) that names a schedule: the name is the API's, so it is shown through
/// [`for_terminal`] like every table cell.
fn schedule_line(verb: &str, s: &Schedule, server: &Server) -> String {
    format!(
        "{verb} schedule {} '{}' on server {}: {} {}\n",
        s.id,
        for_terminal(&s.name),
        server.label(),
        s.days.display(),
        s.time
    )
}

/// Warns (stderr) when `spec`'s runs fall in a daylight-saving gap or overlap of the server
/// zone within a year, as the TUI's detail pane does.
fn warn_dst(spec: &ScheduleSpec, zones: &Zones) {
    if let Some(w) = dst_warning(
        spec.days(),
        spec.time(),
        &zones.server,
        jiff::Timestamp::now(),
        366,
    ) {
        warn_all([format!(
            "{} (schedules run in {}).",
            w.text.trim_end_matches('.'),
            zones.server_label()
        )]);
    }
}

/// The server schedule `id` is on, found by listing every server; a clear error when none has it.
async fn located(
    ops: &crate::ops::Ops,
    id: crate::domain::ScheduleId,
) -> Result<Schedule, CliError> {
    match ops.locate(id).await? {
        Some(s) => Ok(s),
        None => Err(CliError::Api(crate::api::ApiError::Refused {
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
    target: &Target,
    set: Option<u8>,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (client, made, server) = match set {
        Some(n) => {
            let ops = ops_for(cli)?;
            let server = names::server(&ops.client, target).await?;
            let instance = server.id;
            let before = ops.client.schedules(instance).await?.backup_rotation;
            let made = before != Some(n);
            if made {
                let result = ops
                    .set_retention(instance, server.name.as_deref(), before, n)
                    .await;
                changed(&ops, result)?;
            }
            (ops.client, made.then_some(n), server)
        }
        None => {
            let client = client_for(cli)?;
            let server = names::server(&client, target).await?;
            (client, None, server)
        }
    };
    let instance = server.id;
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
    let label = server.label();
    let text = match keep {
        Some(k) => format!("Server {label} keeps {}.\n", backups_kept(k)),
        None => format!("The API did not say how many backups server {label} keeps.\n"),
    };
    match made {
        Some(n) => print_report(
            out,
            &shown_as(json, &value, text)?,
            &format!("server {label} was set to keep {}", backups_kept(n)),
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
            let client = client_for(cli)?;
            let server = names::server(&client, instance).await?;
            let list = client.schedules(server.id).await?;
            if *json {
                let items: Vec<_> = list.schedules.iter().map(Schedule::to_json).collect();
                print_json(out, &items)
            } else {
                print_text(out, &schedules_table(&list, cli.wide))
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
            let (ops, zones) = ops_with_zones(cli)?;
            let server = names::server(&ops.client, instance).await?;
            // A second schedule with one name is allowed, but rarely meant.
            let list = ops.client.schedules(server.id).await?;
            let twins = names::same_name(&list, spec.name().as_str());
            if !twins.is_empty() {
                let ids: Vec<String> = twins.iter().map(|s| s.id.to_string()).collect();
                warn_all([format!(
                    "server {} already has a schedule named '{}' (id {}); adding another",
                    server.label(),
                    spec.name().as_str(),
                    ids.join(", ")
                )]);
            }
            warn_dst(&spec, &zones);
            let result = ops.create(server.id, server.name.as_deref(), &spec).await;
            let created = changed(&ops, result)?;
            print_report(
                out,
                &shown_as(
                    *json,
                    &created.to_json(),
                    schedule_line("Created", &created, &server),
                )?,
                &format!(
                    "schedule {} was created on server {}",
                    created.id,
                    server.label()
                ),
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
            let (ops, zones) = ops_with_zones(cli)?;
            let server = names::server(&ops.client, instance).await?;
            let current = names::schedule(&ops.client.schedules(server.id).await?, &server, id)?;
            let sid = current.id;
            let name = match name {
                Some(n) => n,
                // A listed schedule's days are never empty: only its name can fail.
                None => current.spec().map(|s| s.name().clone()).map_err(|e| {
                    CliError::Usage(format!(
                        "the current name of schedule {sid} cannot be sent back as it is ({e}); give a new one with --name"
                    ))
                })?,
            };
            let spec = ScheduleSpec::new(
                name,
                days.unwrap_or(current.days),
                time.unwrap_or(current.time),
            )?;
            if spec.matches(&current) {
                let said = format!(
                    "Nothing to change: schedule {sid} '{}' on server {} is {} {} already; nothing was sent.\n",
                    for_terminal(&current.name),
                    server.label(),
                    current.days.display(),
                    current.time
                );
                return if *json {
                    // The JSON is the schedule as it stands; the sentence goes to stderr.
                    let _ = write!(std::io::stderr(), "{said}");
                    print_json(out, &current.to_json())
                } else {
                    print_text(out, &said)
                };
            }
            if spec.days() != current.days || spec.time() != current.time {
                warn_dst(&spec, &zones);
            }
            // Listed just before: a clear answer is the result, no second listing.
            let result = ops
                .edit_trusting_answer(server.id, server.name.as_deref(), &current, &spec)
                .await;
            let edited = changed(&ops, result)?;
            print_report(
                out,
                &shown_as(
                    *json,
                    &edited.to_json(),
                    schedule_line("Updated", &edited, &server),
                )?,
                &format!(
                    "schedule {} on server {} was changed",
                    edited.id,
                    server.label()
                ),
            )
        }
        SchedulesCmd::Rm { id, instance, yes } => {
            let interactive = std::io::stdin().is_terminal();
            if !yes && !interactive {
                return Err(CliError::Usage(format!(
                    "refusing to delete schedule {id} without confirmation: stdin is not a terminal; add --yes"
                )));
            }
            if matches!(id, Target::Name(_)) && instance.is_none() {
                return Err(CliError::Usage(format!(
                    "schedule {id} is a name, and names are per server: give the server with --instance; nothing was changed"
                )));
            }
            let ops = ops_for(cli)?;
            let (what, before, server, sid) = match (instance, id) {
                (Some(target), _) => {
                    let server = names::server(&ops.client, target).await?;
                    let s = names::schedule(&ops.client.schedules(server.id).await?, &server, id)?;
                    (
                        // The prompt is what `y` answers: a name that moves the cursor or
                        // erases the line could show one schedule and delete another.
                        format!(
                            "schedule {} '{}' ({} {}) on server {}",
                            s.id,
                            for_terminal(&s.name),
                            s.days.display(),
                            s.time,
                            server.label()
                        ),
                        Some(s.clone()),
                        Some(server),
                        s.id,
                    )
                }
                // Without --instance the schedule is looked for on every server: the journal
                // then records its server and the whole schedule (so it can be restored).
                (None, Target::Id(sid)) => {
                    let s = located(&ops, *sid).await?;
                    let server = names::Server {
                        id: s.instance_id,
                        name: ops.client.known_server_name(s.instance_id),
                    };
                    (
                        format!(
                            "schedule {} '{}' ({} {}) on server {}",
                            s.id,
                            for_terminal(&s.name),
                            s.days.display(),
                            s.time,
                            server.label()
                        ),
                        Some(s.clone()),
                        Some(server),
                        s.id,
                    )
                }
                (None, Target::Name(_)) => {
                    return Err(CliError::Usage("a schedule name needs --instance".into()));
                }
            };
            if !yes && !confirm(&format!("Delete {what}? [y/N] ")).await? {
                return print_text(out, "Nothing deleted.\n");
            }
            let result = ops
                .delete(
                    server.as_ref().map(|s| s.id),
                    server.as_ref().and_then(|s| s.name.as_deref()),
                    sid,
                    before.as_ref(),
                )
                .await;
            changed(&ops, result)?;
            print_report(
                out,
                &format!("Deleted {what}.\n"),
                &format!("{what} was deleted"),
            )
        }
    }
}
