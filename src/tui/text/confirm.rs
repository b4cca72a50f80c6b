//! The words of the delete confirmation.

use super::Hint;
use crate::tui::keymap::{Action, Keymap};

/// The dialog's title.
pub const CONFIRM_TITLE: &str = " Delete schedule? ";
/// The label of the schedule's name.
pub const CONFIRM_SCHEDULE: &str = "Schedule";
/// The label of the server's name.
pub const CONFIRM_SERVER: &str = "Server";
/// The label of the days and time.
pub const CONFIRM_RUNS: &str = "Runs";

/// The dialog's answers: the keys, and what they do.
pub fn confirm_answers(km: &Keymap) -> [Hint; 2] {
    [
        (super::keys(km, Action::Yes), "delete".to_string()),
        (super::keys(km, Action::No), "cancel".to_string()),
    ]
}
