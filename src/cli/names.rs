//! One vocabulary with the TUI: a server is named by its id or its name (`--instance web-1`),
//! a schedule by its id or its name on that server. A number is an id and costs nothing; a
//! name costs one listing. An unknown or ambiguous name is bad input (exit 2) whose sentence
//! lists the candidates, name and id.

use super::args::Target;
use super::error::CliError;
use crate::api::Client;
use crate::domain::{Instance, InstanceId, Schedule, ScheduleList};
use crate::sanitize::for_terminal;

/// The most candidates an error lists.
const MAX_CANDIDATES: usize = 10;

/// A server the user named: its id, and its name when a listing told it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Server {
    /// Its id.
    pub id: InstanceId,
    /// Its name, when it was looked up.
    pub name: Option<String>,
}

impl Server {
    /// How reports and the journal name it: `web-1 (5203770)` or `5203770`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("{} ({})", for_terminal(n), self.id),
            None => self.id.to_string(),
        }
    }
}

/// The server `target` names; a name is looked up in one listing of the servers.
pub(super) async fn server(client: &Client, target: &Target) -> Result<Server, CliError> {
    match target {
        Target::Id(id) => Ok(Server {
            id: *id,
            name: None,
        }),
        Target::Name(name) => {
            let servers = client.instances().await?;
            pick_server(&servers, name).map(|s| Server {
                id: s.id,
                name: Some(s.name.clone()),
            })
        }
    }
}

/// Which of `items` the name means: the exact name, else the one name equal ignoring case;
/// `Err(candidates)` with every match when more than one does, or with the names that look
/// alike (empty when none does) when none matches.
fn matching<'a, T>(
    items: &'a [T],
    name: &str,
    name_of: impl Fn(&T) -> &str,
) -> Result<&'a T, (bool, Vec<&'a T>)> {
    let exact: Vec<&T> = items.iter().filter(|i| name_of(i) == name).collect();
    let found = if exact.is_empty() {
        let lower = name.to_lowercase();
        items
            .iter()
            .filter(|i| name_of(i).trim().to_lowercase() == lower)
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [one] => Ok(one),
        [] => {
            let lower = name.to_lowercase();
            let alike = items
                .iter()
                .filter(|i| {
                    let n = name_of(i).to_lowercase();
                    !n.is_empty() && (n.contains(&lower) || lower.contains(&n))
                })
                .collect();
            Err((false, alike))
        }
        _ => Err((true, found)),
    }
}

/// `a (1), b (2), …` for an error sentence.
fn listed<T>(items: &[&T], shown: impl Fn(&T) -> String) -> String {
    let mut text: Vec<String> = items
        .iter()
        .take(MAX_CANDIDATES)
        .map(|i| shown(i))
        .collect();
    if items.len() > MAX_CANDIDATES {
        text.push(format!("and {} more", items.len() - MAX_CANDIDATES));
    }
    text.join(", ")
}

/// The server named `name` among `servers`, or the sentence that lists the candidates.
pub(super) fn pick_server<'a>(
    servers: &'a [Instance],
    name: &str,
) -> Result<&'a Instance, CliError> {
    let shown = |s: &Instance| format!("{} ({})", for_terminal(&s.name), s.id);
    matching(servers, name, |s| s.name.as_str()).map_err(|(ambiguous, candidates)| {
        let name = for_terminal(name);
        CliError::Usage(if ambiguous {
            format!(
                "{} servers are named '{name}': {}; give the id instead; nothing was changed",
                candidates.len(),
                listed(&candidates, shown)
            )
        } else if candidates.is_empty() {
            format!(
                "no server is named '{name}' (`bsched instances` lists them); nothing was changed"
            )
        } else {
            format!(
                "no server is named '{name}'; did you mean {}? nothing was changed",
                listed(&candidates, shown)
            )
        })
    })
}

/// The schedule `target` names on `server` (listed in `list`): by id, or by name.
pub(super) fn schedule(
    list: &ScheduleList,
    server: &Server,
    target: &Target,
) -> Result<Schedule, CliError> {
    let shown = |s: &Schedule| {
        format!(
            "'{}' ({}, {} {})",
            for_terminal(&s.name),
            s.id,
            s.days.display(),
            s.time
        )
    };
    match target {
        Target::Id(id) => list
            .schedules
            .iter()
            .find(|s| s.id == *id)
            .cloned()
            .ok_or_else(|| {
                CliError::Api(crate::api::ApiError::Refused {
                    kind: "missed".into(),
                    object: Some("elid".into()),
                    message: format!("schedule {id} is not on server {}", server.label()),
                })
            }),
        Target::Name(name) => matching(&list.schedules, name, |s| s.name.as_str())
            .cloned()
            .map_err(|(ambiguous, candidates)| {
                let name = for_terminal(name);
                let on = server.label();
                CliError::Usage(if ambiguous {
                    format!(
                        "{} schedules on server {on} are named '{name}': {}; give the id instead; nothing was changed",
                        candidates.len(),
                        listed(&candidates, shown)
                    )
                } else if list.schedules.is_empty() {
                    format!("server {on} has no schedules; nothing was changed")
                } else {
                    let all: Vec<&Schedule> = list.schedules.iter().collect();
                    format!(
                        "server {on} has no schedule named '{name}'; its schedules: {}; nothing was changed",
                        listed(&all, shown)
                    )
                })
            }),
    }
}

/// Other schedules of `list` whose name is `name` ignoring case and surrounding space (how
/// plans match names).
pub(super) fn same_name<'a>(list: &'a ScheduleList, name: &str) -> Vec<&'a Schedule> {
    let key = name.trim().to_lowercase();
    list.schedules
        .iter()
        .filter(|s| s.name.trim().to_lowercase() == key)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(id: u64, name: &str) -> Instance {
        Instance {
            id,
            name: name.into(),
            ip: String::new(),
            status: "active".into(),
            datacenter: String::new(),
        }
    }

    #[test]
    fn exact_then_case_then_ambiguous() {
        let servers = [server(1, "web-1"), server(2, "Web-1"), server(3, "db")];
        assert_eq!(pick_server(&servers, "web-1").map(|s| s.id).ok(), Some(1));
        assert_eq!(pick_server(&servers, "DB").map(|s| s.id).ok(), Some(3));
        let e = pick_server(&servers, "WEB-1").expect_err("two ignoring case");
        assert_eq!(e.exit_code(), super::super::error::EXIT_USAGE);
        assert!(e.to_string().contains("web-1 (1), Web-1 (2)"), "{e}");
        let e = pick_server(&servers, "we").expect_err("unknown");
        assert!(
            e.to_string().contains("did you mean web-1 (1), Web-1 (2)?"),
            "{e}"
        );
        let e = pick_server(&servers, "mail").expect_err("unknown");
        assert!(e.to_string().contains("no server is named 'mail'"), "{e}");
    }
}
