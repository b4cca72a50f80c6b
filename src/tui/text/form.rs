//! The schedule form's hints and its rows in the help.

use super::keys;
use crate::tui::keymap::{Action, Keymap};

/// The form's hint while the name is typed.
pub fn form_hint_name(km: &Keymap) -> String {
    let k = |a| keys(km, a);
    format!(
        "type the name · {} next field · {} save · {} cancel",
        k(Action::NextField),
        k(Action::Save),
        k(Action::CancelForm)
    )
}

/// The form's hint on the weekday checkboxes.
pub fn form_hint_days(km: &Keymap) -> String {
    let k = |a| keys(km, a);
    format!(
        "←/→ move · {} or 1-7 toggle · {} Mon-Fri · {} all · {} none",
        k(Action::ToggleDay),
        k(Action::Workdays),
        k(Action::EveryDay),
        k(Action::NoDays)
    )
}

/// The form's hint on the time picker.
pub fn form_hint_time(km: &Keymap) -> String {
    format!(
        "type HHMM · ↑/↓ change · ←/→ hour/minute · {} save",
        keys(km, Action::Save)
    )
}

/// The form's hint on the end of the stagger window (its keys are fixed).
pub const FORM_HINT_SPREAD: &str = "type HHMM to spread starts until then · ↑/↓ ±15 min · x off";

/// The form's hint on the Save and Cancel buttons.
pub fn form_hint_buttons(km: &Keymap) -> String {
    let k = |a| keys(km, a);
    format!(
        "{} choose · {} next · {} cancel",
        k(Action::Save),
        k(Action::NextField),
        k(Action::CancelForm)
    )
}

/// The form's title while a schedule is edited.
pub fn form_title_edit(server: &str) -> String {
    format!(" Edit schedule · {server} ")
}

/// The form's title for a new schedule.
pub fn form_title_new(server: &str) -> String {
    format!(" New schedule · {server} ")
}

/// The form's title for a schedule applied to the marked servers.
pub fn form_title_bulk(servers: usize) -> String {
    format!(" Apply a schedule to {servers} servers ")
}

/// The label of the name.
pub const FORM_NAME: &str = "Name";
/// The label of the weekdays.
pub const FORM_DAYS: &str = "Days";
/// The label of the time.
pub const FORM_TIME: &str = "Time";
/// The label of the end of the stagger window.
pub const FORM_UNTIL: &str = "Until";
/// The end of the stagger window when there is none.
pub const SPREAD_OFF: &str = "[off]";
/// The Save button.
pub const SAVE: &str = "Save";
/// The Save button while the save is on its way.
pub const SAVING: &str = "Saving…";
/// The Cancel button.
pub const CANCEL: &str = "Cancel";

/// The stagger window's note: `n` starts from `from` to `until`, `apart` minutes apart; the
/// ones after midnight run the next day.
pub fn spread_starts(
    n: usize,
    from: impl std::fmt::Display,
    until: impl std::fmt::Display,
    apart: i64,
    past_midnight: bool,
) -> String {
    let next_day = if past_midnight {
        ", the ones after 00:00 the next day"
    } else {
        ""
    };
    format!("{n} starts from {from} to {until}, ~{apart} min apart{next_day}")
}

/// The stagger window's note for a single server.
pub fn spread_one(at: impl std::fmt::Display) -> String {
    format!("starts at {at}")
}

/// The stagger window's note when it ends where it starts.
pub const SPREAD_EMPTY: &str = "must end at another time than the start";

/// The stagger window's note when it is off.
pub fn spread_none(n: usize, at: impl std::fmt::Display) -> String {
    format!("all {n} start at {at}")
}

/// The form's rows in the help.
pub fn form_help(km: &Keymap) -> Vec<(String, &'static str)> {
    let k = |a| keys(km, a);
    vec![
        (
            format!("{}/{}", k(Action::NextField), k(Action::PrevField)),
            "next / previous field",
        ),
        (
            format!("{}, 1-7", k(Action::ToggleDay)),
            "toggle a day (1 = Monday)",
        ),
        (
            format!(
                "{} / {} / {}",
                k(Action::Workdays),
                k(Action::EveryDay),
                k(Action::NoDays)
            ),
            "Mon-Fri / every day / none",
        ),
        (
            "HHMM, ↑/↓".to_string(),
            "type the time, or change hour/minute",
        ),
        (
            format!("{} / {}", k(Action::Save), k(Action::CancelForm)),
            "save / cancel",
        ),
    ]
}

/// A bulk form's server label: how many servers it applies to.
pub fn bulk_servers(n: usize) -> String {
    format!("{n} servers")
}

/// The time field, as a validation message names it.
pub const TIME_FIELD: &str = "time";
/// The stagger window's end, as a validation message names it.
pub const SPREAD_FIELD: &str = "spread";

/// A time (or the spread's end) typed only in part when the form is saved.
pub fn half_typed(field: &str) -> String {
    format!("{field}: type all four digits (HHMM) or press Backspace")
}

/// A name longer than the form takes.
pub fn name_too_long(max: usize) -> String {
    format!("name: at most {max} characters")
}

/// Four digits that are not a time.
pub fn not_a_time(field: &str, typed: &str) -> String {
    format!("{field}: {typed} is not a time between 00:00 and 23:59")
}
