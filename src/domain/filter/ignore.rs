//! A profile's `ignore` list: the servers that need no backup.

use super::{Facts, FilterError, State, Term, matches_term, shown, term, words_of};
use crate::domain::Instance;

/// A profile's `ignore` list: servers that need no backup. Each entry is a server's exact name
/// or id, or filter words (`status:stopped`, `dc:Lab state:unprotected`); in an entry with
/// filter words, a plain word is an exact name or id too. A server is ignored when any entry
/// matches it. `state:` words are matched against the server's own backup state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ignore {
    rules: Vec<Vec<Rule>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Rule {
    /// An exact name or id.
    Server(String),
    /// A filter term (never plain text).
    Term(Term),
}

impl Ignore {
    /// Reads the entries; an entry that cannot be read is named in the error.
    pub fn parse(entries: &[String]) -> Result<Ignore, FilterError> {
        let mut rules = Vec::new();
        for entry in entries {
            let e = entry.trim();
            if e.is_empty() {
                return Err(FilterError("an entry is empty".into()));
            }
            let bad = |err: FilterError| FilterError(format!("'{}': {err}", shown(e)));
            let words = words_of(e).map_err(bad)?;
            let keyed: Vec<Term> = words
                .iter()
                .map(|w| term(w))
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?;
            let has_key = keyed.iter().any(|t| !matches!(t, Term::Text(_)));
            if !has_key {
                // A whole entry without keys is one name, spaces and all.
                rules.push(vec![Rule::Server(e.to_string())]);
                continue;
            }
            let mut rule = Vec::new();
            for (w, t) in words.iter().zip(keyed) {
                match t {
                    Term::State(State::Ignored) => {
                        return Err(bad(FilterError(
                            "state:ignored cannot be used in the ignore list".into(),
                        )));
                    }
                    Term::Text(_) => rule.push(Rule::Server(w.clone())),
                    t => rule.push(Rule::Term(t)),
                }
            }
            rules.push(rule);
        }
        Ok(Ignore { rules })
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether the server is ignored; `state` is its own backup state (never `Ignored`).
    pub fn matches(&self, server: &Instance, state: Option<State>) -> bool {
        let facts = Facts { server, state };
        self.rules.iter().any(|rule| {
            rule.iter().all(|r| match r {
                Rule::Server(n) => server.name.trim() == n || server.id.to_string() == *n,
                Rule::Term(t) => matches_term(t, &facts),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(id: u64, name: &str, dc: &str, status: &str) -> Instance {
        Instance {
            id,
            name: name.into(),
            ip: format!("10.0.0.{id}"),
            status: status.into(),
            datacenter: dc.into(),
        }
    }

    #[test]
    fn ignore_entries_are_exact_names_ids_or_terms() {
        let list = |e: &[&str]| Ignore::parse(&e.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let ig = list(&[
            "ci-runner",
            "status:stopped",
            "4711",
            "my server",
            "dc:lab web",
        ])
        .expect("ignore");
        let runner = server(1, "ci-runner", "Poland", "active");
        let runner2 = server(2, "ci-runner-2", "Poland", "active");
        let stopped = server(3, "old", "Poland", "stopped");
        let by_id = server(4711, "x", "Poland", "active");
        let spaced = server(5, "my server", "Poland", "active");
        let lab_web = server(6, "web", "Lab-1", "active");
        let web = server(7, "web", "Poland", "active");
        assert!(ig.matches(&runner, None));
        assert!(!ig.matches(&runner2, None), "a name is matched whole");
        assert!(ig.matches(&stopped, None));
        assert!(ig.matches(&by_id, None));
        assert!(ig.matches(&spaced, None));
        assert!(ig.matches(&lab_web, None));
        assert!(!ig.matches(&web, None));
        let by_state = list(&["state:unprotected"]).expect("state");
        assert!(by_state.matches(&web, Some(State::Unprotected)));
        assert!(!by_state.matches(&web, Some(State::Ok)));
        assert!(list(&["state:ignored"]).is_err());
        let e = list(&["ok", "foo:bar"]).expect_err("unknown key");
        assert!(e.0.starts_with("'foo:bar': "), "{e}");
        assert!(list(&[" "]).is_err());
        assert!(Ignore::default().is_empty());
    }
}
