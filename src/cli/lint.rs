//! `bsched lint`: duplicate schedules and schedules that start within a few minutes of each
//! other on one server.

use std::io::Write;

use serde::Serialize;

use super::args::Cli;
use super::context::{client_for, fleet};
use super::error::CliError;
use super::output::{print_json, print_text, safe};
use crate::domain::plan::{Finding, lint as lint_server};

#[derive(Serialize)]
struct LintJson<'a> {
    server: &'a str,
    #[serde(flatten)]
    finding: &'a Finding,
}

/// `bsched lint`: duplicates and near-overlaps; exit 1 when something is found.
pub async fn lint(cli: &Cli, within: u16, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let client = client_for(cli)?;
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
                .map(|x| {
                    format!(
                        "{} '{}' ({} {})",
                        x.id,
                        safe(&x.name),
                        x.days.display(),
                        x.time
                    )
                })
                .unwrap_or_else(|| id.to_string())
        };
        let mut text = String::new();
        for (server, f) in &found {
            let shown = safe(server);
            text.push_str(&match f {
                Finding::Duplicate { first, second, .. } => format!(
                    "{shown}: duplicate: {} and {} run at the same days and time\n",
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
                    "{shown}: overlap: {} and {} start {minutes} min apart ({days})\n",
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
