//! The sentences of the views: where Enter leads (the upcoming view), restoring a delete
//! from the journal, the backups view, the help's view keys, and the question Ctrl+C asks
//! during a bulk apply.

use super::{closes, keys};
use crate::domain::ScheduleId;
use crate::tui::keymap::{Action, Keymap, Section};

/// The help's lines for the views (upcoming, journal, backups, the plan).
pub fn views_help(km: &Keymap) -> Vec<(String, &'static str)> {
    let k = |a| keys(km, a);
    vec![
        (
            k(Action::Open),
            "go to the run (upcoming), restore the delete (journal)",
        ),
        (
            k(Action::Close),
            "close the view (or the key that opened it)",
        ),
    ]
}

/// The delete confirmation's rows in the help.
pub fn confirm_help(km: &Keymap) -> Vec<(String, &'static str)> {
    km.help_rows_in(Section::Confirm)
}

/// The retention dialog's rows in the help: its keys, and the digits.
pub fn retention_help(km: &Keymap) -> Vec<(String, &'static str)> {
    let mut rows = km.help_rows_in(Section::Retention);
    rows.insert(0, ("1-9, 0".to_string(), "keep that many (0 = 10)"));
    rows
}

/// The plan screen's rows in the help.
pub fn plan_help(km: &Keymap) -> Vec<(String, &'static str)> {
    km.help_rows_in(Section::Plan)
}

/// Enter in the upcoming view on a server the filter hides now.
pub fn filter_cleared_for(server: &str) -> String {
    format!("The filter hid {server}: cleared it to show the server.")
}

/// Enter in the upcoming view on a server that is no longer listed.
pub fn server_gone(server: &str) -> String {
    format!("{server} is no longer in the server list (refreshed since).")
}

/// Open on a journal entry that is not a delete.
pub fn not_a_delete(entry: u64) -> String {
    format!("Entry {entry} is not a delete; only deleted schedules can be restored.")
}

/// Open on a delete that failed.
pub fn delete_failed_nothing_to_restore(entry: u64) -> String {
    format!("Entry {entry} did not delete anything (it failed); nothing to restore.")
}

/// Open on a delete made on another profile.
pub fn other_profile(entry: u64, profile: &str, km: &Keymap) -> String {
    format!(
        "Entry {entry} was made on profile '{}'; switch to it ({}) to restore it.",
        crate::sanitize::for_terminal(profile),
        keys(km, Action::Profile)
    )
}

/// Open on a delete that does not hold the whole schedule.
pub fn cannot_restore(entry: u64, why: &str) -> String {
    format!(
        "Entry {entry} does not hold the whole schedule, so it cannot be restored: {}",
        crate::sanitize::for_terminal(why)
    )
}

/// Open on a delete that a later create restored already.
pub fn restored_already(entry: u64, by: u64) -> String {
    format!("Entry {entry} was restored already by entry {by}; nothing was sent.")
}

/// The question before a restore.
pub fn restore_question(spec: &crate::domain::ScheduleSpec, server: &str, km: &Keymap) -> String {
    format!(
        "Restore '{}' ({} {}) on {}? {} yes · {} no",
        crate::sanitize::for_terminal(spec.name().as_str()),
        spec.days().display(),
        spec.time(),
        crate::sanitize::for_terminal(server),
        keys(km, Action::Yes),
        keys(km, Action::No)
    )
}

/// A restore found the schedule there: nothing sent.
pub fn already_there(name: &str, server: &str, id: ScheduleId) -> String {
    format!("'{name}' is already on {server} as schedule {id}; nothing was sent.")
}

/// A restore created the schedule again.
pub fn restored(name: &str, server: &str, id: ScheduleId) -> String {
    format!("Restored '{name}' on {server} as schedule {id}.")
}

/// A restore failed.
pub fn restore_failed(e: &crate::api::ApiError) -> String {
    format!("Restore failed: {e}")
}

/// Ctrl+C while a bulk apply runs.
pub fn quit_while_applying(km: &Keymap) -> String {
    format!(
        "A bulk apply is running: Ctrl+C again or {} quits (changes on their way may be left unknown); any other key goes on.",
        keys(km, Action::Yes)
    )
}

/// The backups view's title (the server's name shown escaped, see [`crate::sanitize`]).
pub fn backups_title(server: &str, km: &Keymap) -> String {
    format!(
        " Backups of {} · newest first · {} closes ",
        crate::sanitize::for_terminal(server),
        closes(km, Action::Backups)
    )
}

/// The journal view's title.
pub fn journal_title(km: &Keymap) -> String {
    format!(
        " Change journal · newest first · {} restores a delete · {} closes ",
        keys(km, Action::Open),
        closes(km, Action::Journal)
    )
}

// ---- the views as they are drawn ---------------------------------------------------------

/// A view's list on its way (after the spinner).
pub const READING: &str = "reading…";

/// The backups view's list on its way (after the spinner).
pub const READING_BACKUPS: &str = "reading backups…";
/// A server without backups.
pub const NO_BACKUPS: &str = "No backups.";
/// The backups view's columns.
pub const BACKUPS_HEAD: [&str; 6] = ["ID", "NAME", "TYPE", "CREATED", "STATUS", "SIZE"];
/// A backup made by a schedule.
pub const KIND_SCHEDULED: &str = "scheduled";
/// A backup made by hand.
pub const KIND_MANUAL: &str = "manual";

/// The journal without entries.
pub const NO_CHANGES: &str = "No changes recorded yet.";
/// The journal view's columns.
pub const JOURNAL_HEAD: [&str; 6] = ["ENTRY", "TIME", "PROFILE", "SERVER", "CHANGE", "OUTCOME"];

/// The selected journal entry's first line under the table.
pub fn entry_head(entry: u64, time: &str, profile: &str, server: &str) -> String {
    format!("Entry {entry} · {time} · {profile} · {server}")
}

/// The restore question's title.
pub const RESTORE_TITLE: &str = " Restore ";

/// A restore on its way (after the spinner).
pub fn restoring_entry(entry: u64) -> String {
    format!("restoring entry {entry}…")
}

/// The upcoming view while schedules load.
pub const STILL_LOADING: &str = "Schedules are still loading…";
/// The upcoming view without runs.
pub const NO_RUNS: &str = "No backup runs in the next 7 days.";
/// The upcoming view's columns (the data centre's, [`super::HEAD_DC`], when it fits).
pub const UPCOMING_HEAD: [&str; 4] = ["WHEN", "IN", "SERVER", "SCHEDULE"];
/// The heat map's title.
pub const HEAT_TITLE: &str = " Starts per hour ";
/// The heat map's legend without runs.
pub const NO_RUNS_WEEK: &str = "no runs in the coming week";

/// The heat map's legend: the shades and their counts, then what they count.
pub fn heat_legend(shades: &str) -> String {
    format!("{shades}  starts in the hour")
}

/// The heat map's busiest hour, and how many of its starts share a data centre.
pub fn busiest(day: &str, hour: u8, count: u32, dc_count: u32, dc: &str) -> String {
    format!(
        "Busiest: {day} {hour:02}:00, {}; {dc_count} in {dc}",
        crate::domain::plural(count as usize, "start", "starts")
    )
}

/// The help's keys that no keymap changes.
pub const FIXED_HELP: [(&str, &str); 2] = [
    ("Ctrl+C", "quit, always"),
    ("Ctrl+Z", "suspend (fg comes back)"),
];

/// The help's sections below the bindings: a title and its rows.
pub type HelpSection = (&'static str, Vec<(String, &'static str)>);

/// The help's sections below the bindings, in order.
pub fn help_sections(km: &Keymap) -> [HelpSection; 6] {
    [
        ("In the form", super::form_help(km)),
        (
            "Answering a question (delete, restore, quit)",
            confirm_help(km),
        ),
        ("In the retention dialog", retention_help(km)),
        ("In the plan", plan_help(km)),
        ("In the views", views_help(km)),
        ("In text fields, and the mouse", super::fields_help()),
    ]
}

/// A journal entry of a delete that recorded no schedule to restore.
pub const NO_SCHEDULE_RECORDED: &str = "no schedule recorded";
