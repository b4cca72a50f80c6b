//! Every sentence the TUI shows, by screen. Where a sentence names a key, it takes the keymap
//! and names the key bound now, so that no hint can disagree with what the keys do.

mod confirm;
mod fields;
mod form;
mod hints;
mod panes;
mod plan;
mod retention;
mod rows;
mod triage;
mod views;

pub use confirm::*;
pub use fields::*;
pub use form::*;
pub use hints::*;
pub use panes::*;
pub use plan::*;
pub use retention::*;
pub use rows::*;
pub use triage::*;
pub use views::*;

use super::keymap::{Action, Keymap};
use crate::domain::ScheduleId;

/// All the keys bound to `action`, e.g. `j/↓`.
pub fn keys(km: &Keymap, action: Action) -> String {
    km.keys_for(action)
}

/// One key for `action` in a short hint: its first key that is not a letter (an arrow, Enter,
/// Esc), or else its first key.
pub fn short(km: &Keymap, action: Action) -> String {
    let labels = km.labels(action);
    labels
        .iter()
        .find(|l| l.chars().count() > 1 || !l.chars().all(char::is_alphanumeric))
        .or(labels.first())
        .cloned()
        .unwrap_or_default()
}

// ---- the main screen -------------------------------------------------------------------

/// No server is selected.
pub const NO_SERVER: &str = "No server selected.";
/// `P` with a single profile.
pub const ONLY_ONE_PROFILE: &str =
    "Only one profile: add [profiles.NAME] sections to the config file to switch accounts.";

/// Bulk apply with nothing marked.
pub fn mark_first(km: &Keymap) -> String {
    format!(
        "Mark servers first: {} marks one, {} marks all shown.",
        keys(km, Action::Mark),
        keys(km, Action::MarkAll)
    )
}

/// Copy with nothing marked.
pub fn mark_copy_targets_first(km: &Keymap) -> String {
    format!(
        "Mark the servers to copy to first ({} in the servers pane).",
        keys(km, Action::Mark)
    )
}

/// Copy without a schedule selected.
pub fn select_schedule_to_copy(km: &Keymap) -> String {
    format!(
        "Select a schedule to copy ({} moves to the schedules).",
        keys(km, Action::SwitchPane)
    )
}

/// Delete without a schedule selected.
pub fn select_schedule_first(km: &Keymap) -> String {
    format!(
        "Select a schedule first ({} moves to the schedules).",
        keys(km, Action::SwitchPane)
    )
}

/// The status line while servers are marked.
pub fn marked(km: &Keymap, n: usize) -> String {
    format!(
        " {n} marked · {} applies a schedule to them · {} copies the selected one · {} unmarks all shown",
        keys(km, Action::BulkApply),
        keys(km, Action::Copy),
        keys(km, Action::MarkAll),
    )
}

/// The status line while the filter is typed (the keys of a text field are fixed).
pub const FILTER_EDITING: &str = "   Enter keep · Tab complete · Esc clear";

/// The status line while a filter is set.
pub fn filter_set(filter: &str) -> String {
    format!(" filter: {filter}  (Esc clears)")
}

/// The terminal is smaller than the layout needs.
pub const TOO_SMALL: &str = "Terminal too small";

/// The size the layout needs, and the terminal's.
pub fn need_size(need: (u16, u16), have: (u16, u16)) -> String {
    format!("need {}×{}, have {}×{}", need.0, need.1, have.0, have.1)
}

/// How to leave a terminal too small for the layout.
pub fn too_small(km: &Keymap) -> String {
    format!("{} quits", short(km, Action::Quit))
}

/// Which rows of a list are on screen: `first`-`last` (from 1) of `total`.
pub fn position(first: usize, last: usize, total: usize) -> String {
    format!(" {first}-{last} of {total} ")
}

/// A server without schedules.
pub fn no_schedules(km: &Keymap) -> String {
    format!("No schedules. {} adds one.", keys(km, Action::New))
}

/// What the API or the journal noted, as one notice.
pub fn warnings(list: &[String]) -> Option<String> {
    let first = list.first()?;
    let more = match list.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Some(format!("⚠ {first}{more}"))
}

/// A list could not be loaded.
pub fn could_not_load(what: &str, e: &str) -> String {
    format!("Could not load {what}: {e}")
}

// ---- profiles and login ----------------------------------------------------------------

/// A profile switch is on its way.
pub fn opening_profile(name: &str) -> String {
    format!("Opening profile {name}…")
}

/// A profile could not be opened (`P` moves past it next time).
pub fn cannot_switch(profile: Option<&str>, e: &str) -> String {
    let e = e.trim().trim_end_matches('.');
    match profile {
        Some(p) => format!("Cannot open profile {p}: {e}."),
        None => format!("Cannot switch profile: {e}."),
    }
}

/// Esc on a switch's login screen could not go back to the profile before.
pub fn cannot_go_back(profile: &str, e: &str) -> String {
    let e = e.trim().trim_end_matches('.');
    format!("Cannot go back to profile {profile}: {e}.")
}

/// Another profile is on screen.
pub fn switched(profile: &str, account: &str) -> String {
    format!("Profile {profile}: {account}.")
}

// ---- the form and the delete dialog ------------------------------------------------------

/// A save worked.
pub fn saved(created: bool, name: &str) -> String {
    let verb = if created { "Created" } else { "Saved" };
    format!("{verb} schedule '{name}'.")
}

/// An edit of a schedule that vanished from the list.
pub fn no_longer_listed(km: &Keymap) -> String {
    format!(
        "this schedule is no longer listed; refresh with {}",
        keys(km, Action::Refresh)
    )
}

/// A delete failed.
pub fn delete_failed(e: &dyn std::fmt::Display) -> String {
    format!("Delete failed: {e}")
}

/// A delete worked.
pub fn deleted(name: &str, server: &str, km: &Keymap) -> String {
    format!(
        "Deleted '{name}' on {server}. {} undoes.",
        keys(km, Action::Undo)
    )
}

/// A delete worked (of a schedule no longer on screen).
pub fn deleted_id(id: ScheduleId) -> String {
    format!("Deleted schedule {id}.")
}

/// Undo with nothing to undo.
pub const NOTHING_TO_UNDO: &str = "Nothing to undo.";

/// Undo after its window.
pub fn too_late_to_undo(name: &str, km: &Keymap) -> String {
    format!(
        "Too late to undo the delete of '{name}' here; bsched restore can bring it back (see the journal, {}).",
        keys(km, Action::Journal)
    )
}

/// A deleted schedule that cannot be sent again.
pub fn cannot_undo(e: &dyn std::fmt::Display) -> String {
    format!("Cannot undo: {e}")
}

/// The undo worked.
pub fn undone(name: &str, id: ScheduleId) -> String {
    format!("Undone: '{name}' is back (schedule {id}).")
}

/// The undo failed.
pub fn undo_failed(e: &dyn std::fmt::Display) -> String {
    format!("Undo failed: {e}")
}

// ---- the plan screen -------------------------------------------------------------------

/// Applying a plan in which every server has it already.
pub const NOTHING_TO_CHANGE: &str = "Nothing to change: every server already has it.";
/// A plan closed unapplied.
pub const NOTHING_APPLIED: &str = "Nothing was applied.";

/// A bulk form for a server whose schedules are not loaded.
pub fn not_loaded_yet(server: &str, km: &Keymap) -> String {
    format!(
        "the schedules of {server} are not loaded yet; wait a moment or refresh with {}",
        keys(km, Action::Refresh)
    )
}

/// A bulk form for a server whose schedules could not be read.
pub fn plan_load_failed(server: &str, e: &str, km: &Keymap) -> String {
    format!(
        "the schedules of {server} could not be loaded ({e}); refresh with {} and try again, or unmark {server}",
        keys(km, Action::Refresh)
    )
}

/// A plan row's note once its change is done.
pub fn applied_note(verb: &str) -> &'static str {
    match verb {
        "create" => "created",
        "update" => "replaced",
        "delete" => "deleted",
        "retention" => "retention set",
        _ => "done",
    }
}

/// Every change of a plan has its result.
pub fn plan_finished(done: usize, failed: usize, km: &Keymap) -> String {
    if failed == 0 {
        format!(
            "Applied {}.",
            crate::domain::plural(done, "change", "changes")
        )
    } else {
        format!(
            "{failed} of {} failed; {} retries them.",
            crate::domain::plural(done + failed, "change", "changes"),
            keys(km, Action::RetryFailed)
        )
    }
}

/// The plan screen's hint line.
pub fn plan_hint(km: &Keymap, started: bool, finished: bool, failed: usize) -> String {
    if !started {
        format!(
            "{} applies the plan · {} back to the form, nothing sent · {}/{} scroll",
            keys(km, Action::ApplyPlan),
            keys(km, Action::ClosePlan),
            short(km, Action::Up),
            short(km, Action::Down)
        )
    } else if !finished {
        "applying… each server gets its own result; one failure does not stop the others".into()
    } else if failed > 0 {
        format!(
            "{} retries the failed ones (after listing them again) · {} closes",
            keys(km, Action::RetryFailed),
            plan_closes(km)
        )
    } else {
        format!("done · {} closes", plan_closes(km))
    }
}

/// The keys that close a finished plan.
fn plan_closes(km: &Keymap) -> String {
    format!(
        "{}/{}",
        short(km, Action::ClosePlan),
        short(km, Action::ApplyPlan)
    )
}

// ---- the views -------------------------------------------------------------------------

/// How a view opened with `opener` closes: its key, or the views' close key.
fn closes(km: &Keymap, opener: Action) -> String {
    format!("{}/{}", keys(km, opener), short(km, Action::Close))
}

/// The upcoming view's title.
pub fn upcoming_title(km: &Keymap, zone: &str, filter: &str) -> String {
    let filter = if filter.is_empty() {
        String::new()
    } else {
        format!(" · filter '{filter}'")
    };
    format!(
        " Upcoming backups · next 7 days · {zone} time{filter} · {} closes ",
        closes(km, Action::Upcoming)
    )
}

/// The help's title.
pub fn help_title(km: &Keymap) -> String {
    format!(
        " Help · {} or {} closes ",
        short(km, Action::Close),
        keys(km, Action::Help)
    )
}

/// A write held back for a server shown from the cache, when the server could not be listed.
pub fn could_not_check(e: &str) -> String {
    format!(
        "nothing was sent: the server's schedules were shown from the cache and could not be listed again to check them ({e})"
    )
}

/// A write held back for a server shown from the cache, when the schedule changed meanwhile.
pub const CHANGED_SINCE_CACHED: &str = "nothing was sent: this schedule changed on the server since bsched last saw it (the screen showed the cached copy); the list now shows it as it is: look again and retry";

/// A write held back for a server shown from the cache, when the schedule is gone.
pub const GONE_SINCE_CACHED: &str = "nothing was sent: this schedule is no longer on the server (the screen showed the cached copy)";

/// A count with thousands separated: `1,000`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A span of time as a person says it: `40 s`, `4 min`, `1 h 5 min`.
pub fn span(d: jiff::SignedDuration) -> String {
    let s = d.as_secs().max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", (s + 30) / 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// The header while the whole fleet is read again.
pub fn refreshing(done: usize, total: usize, left: Option<jiff::SignedDuration>) -> String {
    let left = left
        .map(|d| format!(" · {} left", span(d)))
        .unwrap_or_default();
    format!("refreshing {} / {}{left}", count(done), count(total))
}

/// How much of the fleet a view of everyone's schedules covers while they load.
pub fn coverage(known: usize, total: usize, cached: usize) -> Option<String> {
    let cached = match cached {
        0 => String::new(),
        n => format!(", {} of them from the cache", count(n)),
    };
    match known < total {
        true => Some(format!(
            " schedules of {} / {} servers so far{cached} ",
            count(known),
            count(total)
        )),
        false if !cached.is_empty() => Some(format!(" all {} servers{cached} ", count(total))),
        false => None,
    }
}

/// The plan screen while servers shown from the cache are listed again.
pub fn checking_first(n: usize) -> String {
    match n {
        1 => "one server was shown from the cache and is being listed again; the plan can be applied once it is".into(),
        n => format!("{} servers were shown from the cache and are being listed again; the plan can be applied once they are", count(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_spans_read_as_a_person_writes_them() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(span(jiff::SignedDuration::from_secs(42)), "42 s");
        assert_eq!(span(jiff::SignedDuration::from_secs(250)), "4 min");
        assert_eq!(span(jiff::SignedDuration::from_secs(3900)), "1 h 5 min");
        assert_eq!(
            refreshing(340, 1000, Some(jiff::SignedDuration::from_secs(200))),
            "refreshing 340 / 1,000 · 3 min left"
        );
    }

    #[test]
    fn a_hint_names_a_slash_key_too() {
        let mut o = std::collections::BTreeMap::new();
        o.insert("filter".to_string(), toml::Value::from(vec!["f"]));
        o.insert("quit".to_string(), toml::Value::from(vec!["/", "q"]));
        let km = Keymap::new(&o).expect("keymap");
        assert_eq!(short(&km, Action::Quit), "/");
        assert_eq!(too_small(&km), "/ quits");
        assert_eq!(short(&Keymap::default(), Action::Up), "↑");
        assert_eq!(short(&Keymap::default(), Action::Quit), "q");
    }
}
