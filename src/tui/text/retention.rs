//! The sentences of the retention dialog.

use super::{keys, short};
use crate::tui::keymap::{Action, Keymap};

/// Enter on the value the server keeps already.
pub fn already_keeps(server: &str, n: u8) -> String {
    format!("{server} already keeps {n}.")
}

/// The change worked.
pub fn now_keeps(server: &str, n: u8) -> String {
    format!(
        "{server} now keeps {}.",
        crate::domain::plural(n.into(), "scheduled backup", "scheduled backups")
    )
}

/// The retention dialog's hint.
pub fn retention_hint(km: &Keymap) -> String {
    format!(
        "{}/{} or 1-9, 0 = 10 · {} continue · {} cancel",
        short(km, Action::More),
        short(km, Action::Fewer),
        keys(km, Action::Choose),
        short(km, Action::CancelRetention)
    )
}
