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

/// The dialog's title.
pub fn retention_title(server: &str) -> String {
    format!(" Backups kept · {server} ")
}

/// The count the server keeps now, when the server did not say.
pub const UNKNOWN: &str = "unknown";
/// The label of the count kept now.
pub const RETENTION_NOW: &str = "Now";
/// The label of the count chosen.
pub const RETENTION_KEEP: &str = "Keep";
/// After the count chosen: what it counts, and the range.
pub const RETENTION_RANGE: &str = "  scheduled backups (1-10)";
/// The change is on its way (after the spinner).
pub const RETENTION_SAVING: &str = "saving…";

/// The question before the change; a smaller count warns that older backups go.
pub fn change_question(current: &str, value: u8, shrink: bool) -> String {
    let mut text = format!("Change from {current} to {value}?");
    if shrink {
        text.push_str(" Older scheduled backups beyond the new count will be overwritten.");
    }
    text
}

/// The question's answers: the keys, and what they do.
pub fn retention_answers(km: &Keymap) -> [super::Hint; 2] {
    [
        (keys(km, Action::Yes), "change".to_string()),
        (keys(km, Action::No), "back".to_string()),
    ]
}
