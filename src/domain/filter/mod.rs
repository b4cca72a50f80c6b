//! The server filter's language, shared by the TUI's `/` filter and a profile's `ignore` list.
//!
//! A filter is words separated by spaces; a server is shown when every word matches:
//!
//! - `text`: the name, the IP address or the data centre contains it (any case);
//! - `state:WORD`: the server's backup state is WORD: `ok`, `missed`, `unprotected`,
//!   `waiting` or `ignored` (known once its schedules and backups are loaded);
//! - `dc:TEXT`: the data centre contains TEXT (`dc:Poland`);
//! - `status:WORD`: the server's status is WORD (`status:stopped`);
//! - `name:TEXT`: the name contains TEXT; `id:N`: the server's id is N.
//!
//! Keys and values are read in any case; a value with spaces is written in double quotes
//! (`dc:"Poland 2"`). A word of letters before a colon that is not one of these keys is an
//! error, stated in one sentence (a filter with an error matches nothing); a word with other
//! characters before its colon (an IPv6 address) is text.

use super::Instance;
use super::backups::Protection;

/// A server's backup state as the filter names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// A run that should have made a backup did not.
    Missed,
    /// No schedule at all.
    Unprotected,
    /// Schedules exist but none has run yet.
    Waiting,
    /// The last run made its backup.
    Ok,
    /// In the profile's `ignore` list: needs no backup.
    Ignored,
}

impl State {
    /// Every state, most urgent first (the order the STATE sort shows them in).
    pub const ALL: [State; 5] = [
        State::Missed,
        State::Unprotected,
        State::Waiting,
        State::Ok,
        State::Ignored,
    ];

    /// The word `state:` takes.
    pub fn word(self) -> &'static str {
        match self {
            State::Missed => "missed",
            State::Unprotected => "unprotected",
            State::Waiting => "waiting",
            State::Ok => "ok",
            State::Ignored => "ignored",
        }
    }

    /// The state of a server's protection (not ignored).
    pub fn of(p: &Protection) -> State {
        match p {
            Protection::Missed { .. } => State::Missed,
            Protection::Unprotected { .. } => State::Unprotected,
            Protection::Waiting { .. } => State::Waiting,
            Protection::Protected { .. } => State::Ok,
        }
    }

    fn parse(value: &str) -> Result<State, FilterError> {
        let v = value.to_lowercase();
        if v == "protected" {
            return Ok(State::Ok);
        }
        State::ALL
            .into_iter()
            .find(|s| s.word() == v)
            .ok_or_else(|| {
                FilterError(format!(
                    "'{}' is not a backup state; write state: with one of {}",
                    shown(value),
                    words(State::ALL.iter().map(|s| s.word()))
                ))
            })
    }
}

/// The keys a filter word may start with, in the order completion offers them.
pub const KEYS: [&str; 5] = ["state", "dc", "status", "name", "id"];

/// A filter that cannot be read, in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

/// One word of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// The name, IP or data centre contains it (lower case).
    Text(String),
    /// The backup state is this one.
    State(State),
    /// The data centre contains it (lower case).
    Dc(String),
    /// The status is this one (lower case).
    Status(String),
    /// The name contains it (lower case).
    Name(String),
    /// The server's id.
    Id(u64),
}

/// What a row shows in a column, for saying why a server matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The IP address.
    Ip,
    /// The data centre.
    Dc,
    /// The status.
    Status,
    /// The backup state.
    State,
    /// The id.
    Id,
}

impl Field {
    /// The key a note names the field with.
    pub fn key(self) -> &'static str {
        match self {
            Field::Ip => "ip",
            Field::Dc => "dc",
            Field::Status => "status",
            Field::State => "state",
            Field::Id => "id",
        }
    }
}

/// What a server is matched on: the server and its backup state, when known.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The server.
    pub server: &'a Instance,
    /// Its backup state (None until its schedules and backups are loaded).
    pub state: Option<State>,
}

/// A parsed filter: every term must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    terms: Vec<Term>,
}

impl Query {
    /// Reads a filter (see the module's documentation).
    pub fn parse(text: &str) -> Result<Query, FilterError> {
        let terms = words_of(text)?
            .into_iter()
            .map(|w| term(&w))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Query { terms })
    }

    /// Its terms, in the order written.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Whether it has no terms (matches every server).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether it asks for the backup state (so its rows change as loads arrive).
    pub fn uses_state(&self) -> bool {
        self.terms.iter().any(|t| matches!(t, Term::State(_)))
    }

    /// Whether every term matches the server.
    pub fn matches(&self, f: &Facts) -> bool {
        self.terms.iter().all(|t| matches_term(t, f))
    }

    /// Why the server matched: the fields, other than its name, that its terms matched on,
    /// with the server's value (`dc` `Poland`), once each, in the order of the terms.
    pub fn reasons(&self, f: &Facts) -> Vec<(Field, String)> {
        let s = f.server;
        let mut out: Vec<(Field, String)> = Vec::new();
        for t in &self.terms {
            let reason = match t {
                Term::Text(x) if lower_contains(&s.name, x) => None,
                Term::Text(x) if lower_contains(&s.ip, x) => Some((Field::Ip, s.ip.clone())),
                Term::Text(x) if lower_contains(&s.datacenter, x) => {
                    Some((Field::Dc, s.datacenter.clone()))
                }
                Term::Dc(_) => Some((Field::Dc, s.datacenter.clone())),
                Term::Status(_) => Some((Field::Status, s.status.clone())),
                Term::State(st) => Some((Field::State, st.word().to_string())),
                Term::Id(id) => Some((Field::Id, id.to_string())),
                Term::Text(_) | Term::Name(_) => None,
            };
            if let Some(r) = reason
                && !out.iter().any(|(f, _)| *f == r.0)
            {
                out.push(r);
            }
        }
        out
    }
}

fn lower_contains(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(needle)
}

pub(super) fn matches_term(t: &Term, f: &Facts) -> bool {
    let s = f.server;
    match t {
        Term::Text(x) => {
            lower_contains(&s.name, x)
                || lower_contains(&s.ip, x)
                || lower_contains(&s.datacenter, x)
        }
        Term::State(st) => f.state == Some(*st),
        Term::Dc(x) => lower_contains(&s.datacenter, x),
        Term::Status(x) => s.status.trim().to_lowercase() == *x,
        Term::Name(x) => lower_contains(&s.name, x),
        Term::Id(id) => s.id == *id,
    }
}

/// A value as an error sentence quotes it: printable, at most 40 characters.
pub(super) fn shown(value: &str) -> String {
    crate::sanitize::for_terminal(value)
        .chars()
        .take(40)
        .collect()
}

fn words<'a>(list: impl Iterator<Item = &'a str>) -> String {
    list.collect::<Vec<_>>().join(", ")
}

/// Splits a filter into words at spaces, keeping double-quoted runs together (quotes removed).
pub(super) fn words_of(text: &str) -> Result<Vec<String>, FilterError> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if quoted {
        return Err(FilterError(
            "a double quote is not closed; close it or remove it".into(),
        ));
    }
    if any {
        out.push(word);
    }
    Ok(out)
}

/// Reads one word.
pub(super) fn term(word: &str) -> Result<Term, FilterError> {
    let Some((key, value)) = word.split_once(':') else {
        return Ok(Term::Text(word.to_lowercase()));
    };
    // Only a word of letters is a key: `2001:db8::1` is text.
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphabetic()) {
        return Ok(Term::Text(word.to_lowercase()));
    }
    let key_l = key.to_ascii_lowercase();
    if !KEYS.contains(&key_l.as_str()) {
        return Err(FilterError(format!(
            "'{}:' is not a filter key; use {} (or drop the colon to search text)",
            shown(key),
            KEYS.map(|k| format!("{k}:")).join(", ")
        )));
    }
    let value = value.trim();
    if value.is_empty() {
        return Err(FilterError(format!(
            "'{key_l}:' needs a value (e.g. {})",
            example(&key_l)
        )));
    }
    let v = value.to_lowercase();
    Ok(match key_l.as_str() {
        "state" => Term::State(State::parse(value)?),
        "dc" => Term::Dc(v),
        "status" => Term::Status(v),
        "name" => Term::Name(v),
        _ => Term::Id(
            value
                .parse()
                .map_err(|_| FilterError(format!("id: '{}' is not a server id", shown(value))))?,
        ),
    })
}

fn example(key: &str) -> &'static str {
    match key {
        "state" => "state:unprotected",
        "dc" => "dc:Poland",
        "status" => "status:stopped",
        "name" => "name:web",
        _ => "id:5203770",
    }
}

mod ignore;
mod sort;

pub use ignore::Ignore;
pub use sort::{PRESET, Sort, complete};

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

    fn hit(q: &str, s: &Instance, state: Option<State>) -> bool {
        Query::parse(q)
            .expect(q)
            .matches(&Facts { server: s, state })
    }

    #[test]
    fn terms_combine_and_all_must_match() {
        let web = server(5203770, "web-1", "Poland", "active");
        let db = server(7, "db", "Netherlands-2", "stopped");
        assert!(hit("", &web, None));
        assert!(hit("WEB", &web, None));
        assert!(
            hit("poland", &web, None),
            "plain text finds the data centre"
        );
        assert!(hit("10.0.0.7", &db, None), "and the IP");
        assert!(hit("dc:Poland", &web, None));
        assert!(!hit("dc:Poland", &db, None));
        assert!(hit("status:stopped", &db, None));
        assert!(!hit("status:stop", &db, None), "a status is matched whole");
        assert!(hit("STATE:Missed", &db, Some(State::Missed)));
        assert!(hit("state:protected", &db, Some(State::Ok)));
        assert!(
            !hit("state:missed", &db, None),
            "an unknown state matches no state"
        );
        assert!(hit("id:5203770", &web, None));
        assert!(hit("web dc:poland state:ok", &web, Some(State::Ok)));
        assert!(!hit("web dc:poland state:ok", &web, Some(State::Missed)));
        assert!(hit("dc:\"Netherlands-2\"", &db, None));
    }

    #[test]
    fn bad_words_get_one_sentence() {
        let e = Query::parse("web stat:missed").expect_err("unknown key");
        assert!(e.0.contains("'stat:' is not a filter key"), "{e}");
        assert!(e.0.contains("state:"), "{e}");
        let e = Query::parse("state:broken").expect_err("unknown state");
        assert!(e.0.contains("'broken' is not a backup state"), "{e}");
        assert!(Query::parse("state:").is_err());
        assert!(Query::parse("id:web").is_err());
        assert!(Query::parse("dc:\"Pol").is_err());
        // Not a key: an IPv6 address is text.
        assert_eq!(
            Query::parse("2001:db8::1").expect("text").terms(),
            &[Term::Text("2001:db8::1".into())]
        );
        // A hostile value is quoted printable.
        let e = Query::parse("state:\x1b[31m").expect_err("bad");
        assert!(!e.0.contains('\x1b'), "{e:?}");
    }

    #[test]
    fn reasons_name_the_fields_other_than_the_name() {
        let s = server(9, "web-1", "Poland", "stopped");
        let q = Query::parse("web dc:pol status:stopped 10.0.0").expect("q");
        let f = Facts {
            server: &s,
            state: None,
        };
        assert_eq!(
            q.reasons(&f),
            vec![
                (Field::Dc, "Poland".to_string()),
                (Field::Status, "stopped".to_string()),
                (Field::Ip, "10.0.0.9".to_string()),
            ]
        );
    }
}
