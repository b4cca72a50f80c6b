//! How one entry reads, the same in `bsched log` and in the TUI's journal view: the server
//! as `web-1 (5203770)`, the change with before → after, and the result. Every string from the
//! file passes through [`for_terminal`]: a name in the journal came from the API or the user.
//!
//! Entries written by older versions read as well as they can: a server without a name is its
//! id, a delete made without the server (`instance_id` 0, a snapshot holding only the schedule
//! id) reads as `schedule 301` on an unknown server.

use super::{Action, Entry, Outcome, Snapshot};
use crate::domain::{InstanceId, Weekdays};
use crate::sanitize::for_terminal;

/// The parts an entry is shown with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryText {
    /// The server: `web-1 (5203770)`, `5203770` when its name was not recorded, `unknown
    /// server` for an old delete made without it.
    pub server: String,
    /// `create`, `edit`, `delete` or `retention`.
    pub action: &'static str,
    /// What changed: `'nightly' Mon-Fri 02:01`, `'nightly' 02:01 → 03:00`, `keep 7 → 3`.
    pub change: String,
    /// `done`, `failed: why`, `unknown: why`.
    pub result: String,
}

/// How every front end names a server: `web-1 (5203770)`; the id alone without a name.
pub fn server_label(name: Option<&str>, id: InstanceId) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("{} ({id})", for_terminal(n)),
        None if id == 0 => "unknown server".to_string(),
        None => id.to_string(),
    }
}

/// The one way an entry is shown (`bsched log`, the TUI's journal view).
pub fn entry_text(e: &Entry) -> EntryText {
    EntryText {
        server: server_label(e.server.as_deref(), e.instance_id),
        action: action_word(e.action),
        change: change(e),
        result: result(e),
    }
}

/// The action as a lowercase word.
pub fn action_word(a: Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Edit => "edit",
        Action::Delete => "delete",
        Action::Retention => "retention",
    }
}

fn name(s: &Snapshot) -> String {
    format!("'{}'", for_terminal(&s.name))
}

fn days(s: &Snapshot) -> String {
    Weekdays::parse_user(&s.days.join(","))
        .map(Weekdays::display)
        .unwrap_or_else(|_| for_terminal(&s.days.join(",")).into_owned())
}

fn time(s: &Snapshot) -> String {
    for_terminal(&s.time).into_owned()
}

/// `'nightly' Mon-Fri 02:01`; a snapshot that holds only an id: `schedule 301`.
fn whole(s: &Snapshot) -> String {
    if s.name.is_empty() && s.days.is_empty() && s.time.is_empty() {
        return s.id.map(|i| format!("schedule {i}")).unwrap_or_default();
    }
    [name(s), days(s), time(s)]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `a → b` when they differ, else `a`.
fn arrow(before: String, after: String) -> (String, bool) {
    if before == after {
        (before, false)
    } else {
        (format!("{before} → {after}"), true)
    }
}

/// An edit: the name, then each part that changed as before → after.
fn edit(before: &Snapshot, after: &Snapshot) -> String {
    let (name, _) = arrow(name(before), name(after));
    let (days, days_changed) = arrow(days(before), days(after));
    let (time, time_changed) = arrow(time(before), time(after));
    let changed: Vec<String> = [(days, days_changed), (time, time_changed)]
        .into_iter()
        .filter_map(|(text, changed)| changed.then_some(text))
        .collect();
    match (changed.is_empty(), before.name == after.name) {
        (true, true) => format!("{} (no change)", whole(after)),
        (true, false) => name,
        (false, _) => format!("{name} {}", changed.join(", ")),
    }
}

fn change(e: &Entry) -> String {
    let text = match (e.action, &e.before, &e.after) {
        (Action::Create, _, Some(a)) => whole(a),
        (Action::Delete, Some(b), _) => whole(b),
        (Action::Edit, Some(b), Some(a)) => edit(b, a),
        (Action::Edit, None, Some(a)) => whole(a),
        (Action::Edit, Some(b), None) => whole(b),
        (Action::Retention, ..) => match e.retention {
            Some((Some(b), a)) if b != a => format!("keep {b} → {a}"),
            Some((_, a)) => format!("keep {a}"),
            None => String::new(),
        },
        _ => String::new(),
    };
    match e.restores {
        Some(n) => format!("{text} (restores entry {n})"),
        None => text,
    }
}

fn result(e: &Entry) -> String {
    let word = match e.outcome {
        Outcome::Done => "done",
        Outcome::Failed => "failed",
        Outcome::Unknown => "unknown",
    };
    match (&e.outcome, &e.error) {
        (Outcome::Done, _) | (_, None) => word.to_string(),
        (_, Some(why)) => format!("{word}: {}", for_terminal(why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Entry;

    fn snap(name: &str, days: &[&str], time: &str) -> Option<Snapshot> {
        Some(Snapshot {
            id: Some(301),
            name: name.into(),
            days: days.iter().map(|d| d.to_string()).collect(),
            time: time.into(),
        })
    }

    fn entry(action: Action) -> Entry {
        Entry {
            id: 1,
            time: jiff::Timestamp::UNIX_EPOCH,
            profile: "default".into(),
            action,
            instance_id: 5_203_770,
            server: Some("web-1".into()),
            before: None,
            after: None,
            retention: None,
            outcome: Outcome::Done,
            error: None,
            restores: None,
        }
    }

    const WEEK: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];

    #[test]
    fn an_edit_shows_each_changed_part_before_and_after() {
        let mut e = entry(Action::Edit);
        e.before = snap("nightly", &WEEK, "02:01");
        e.after = snap("nightly", &WEEK, "03:00");
        let t = entry_text(&e);
        assert_eq!(t.server, "web-1 (5203770)");
        assert_eq!(t.action, "edit");
        assert_eq!(t.change, "'nightly' 02:01 → 03:00");
        assert_eq!(t.result, "done");

        e.after = snap("nightly", &["sat", "sun"], "02:01");
        assert_eq!(entry_text(&e).change, "'nightly' Mon-Fri → Sat,Sun");
        e.after = snap("weekly", &["sat", "sun"], "03:00");
        assert_eq!(
            entry_text(&e).change,
            "'nightly' → 'weekly' Mon-Fri → Sat,Sun, 02:01 → 03:00"
        );
        e.after = snap("weekly", &WEEK, "02:01");
        assert_eq!(entry_text(&e).change, "'nightly' → 'weekly'");
        e.after = e.before.clone();
        assert_eq!(entry_text(&e).change, "'nightly' Mon-Fri 02:01 (no change)");
    }

    #[test]
    fn retention_create_delete_and_results_read_in_words() {
        let mut e = entry(Action::Retention);
        e.retention = Some((Some(7), 3));
        assert_eq!(entry_text(&e).change, "keep 7 → 3");
        e.retention = Some((None, 3));
        assert_eq!(entry_text(&e).change, "keep 3");

        let mut e = entry(Action::Create);
        e.after = snap("nightly", &WEEK, "02:01");
        e.restores = Some(4);
        assert_eq!(
            entry_text(&e).change,
            "'nightly' Mon-Fri 02:01 (restores entry 4)"
        );
        e.outcome = Outcome::Failed;
        e.error = Some("refused\x1b[2J".into());
        assert_eq!(entry_text(&e).result, "failed: refused^[[2J");
        e.outcome = Outcome::Unknown;
        e.error = None;
        assert_eq!(entry_text(&e).result, "unknown");

        let mut e = entry(Action::Delete);
        e.server = Some("evil\x1b[8m".into());
        e.before = snap("nightly", &WEEK, "02:01");
        let t = entry_text(&e);
        assert_eq!(t.server, "evil^[[8m (5203770)");
        assert_eq!(t.change, "'nightly' Mon-Fri 02:01");
    }

    #[test]
    fn an_old_delete_made_without_the_server_reads_as_well_as_it_can() {
        // As written before the server was recorded on every delete.
        let line = r#"{"id":3,"time":"2026-01-02T03:04:05Z","profile":"default","action":"delete","instance_id":0,"before":{"id":301,"name":"","days":[],"time":""},"outcome":"done"}"#;
        let e: Entry = serde_json::from_str(line).expect("an old line parses");
        let t = entry_text(&e);
        assert_eq!(t.server, "unknown server");
        assert_eq!(t.change, "schedule 301");
        assert_eq!(t.result, "done");

        let line = r#"{"id":4,"time":"2026-01-02T03:04:05Z","profile":"default","action":"create","instance_id":5203770,"after":{"id":302,"name":"n","days":["sat","sun"],"time":"02:00"},"outcome":"unknown"}"#;
        let e: Entry = serde_json::from_str(line).expect("an old line parses");
        let t = entry_text(&e);
        assert_eq!(t.server, "5203770");
        assert_eq!(t.change, "'n' Sat,Sun 02:00");
    }
}
