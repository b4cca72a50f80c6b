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
