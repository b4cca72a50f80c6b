//! The sentences of the server and schedule rows: failed loads and their retries, the DST
//! mark, the ids.

use super::keys;
use crate::tui::keymap::{Action, Keymap};

/// A server's `what` (`schedules`, `backups`) could not be read; `retry_in`: seconds until
/// the next try, if one comes.
pub fn load_failed(what: &str, server: &str, e: &str, retry_in: Option<i64>) -> String {
    match retry_in {
        Some(s) => format!("Could not load the {what} of {server}: {e}; trying again in {s}s"),
        None => format!("Could not load the {what} of {server}: {e}"),
    }
}

/// What comes after a failed read, under its reason: the next try (`in`: seconds, `retry`: its
/// number of `of`), a try on its way, or nothing more until the user refreshes.
pub fn load_retry(
    failures: u8,
    next_in: Option<i64>,
    on_its_way: bool,
    of: usize,
    km: &Keymap,
) -> String {
    let refresh = keys(km, Action::Refresh);
    match (on_its_way, next_in) {
        (true, _) => "Trying again…".to_string(),
        (false, Some(s)) => format!("Trying again in {s}s (retry {failures} of {of})."),
        (false, None) if failures > 1 => {
            format!("Tried {failures} times. Press {refresh} to try again.")
        }
        (false, None) => format!("Press {refresh} to try again."),
    }
}

/// The detail pane's line for a schedule whose time falls in a daylight-saving change (the
/// row's TIME shows the same mark).
pub fn dst_detail(warning: &str) -> String {
    format!("⚠ DST: {warning}")
}

/// The ids of the selected server and schedule, in the detail pane's rule.
pub fn ids(server: u64, schedule: Option<u64>) -> String {
    match schedule {
        Some(s) => format!("server id {server} · schedule id {s}"),
        None => format!("server id {server}"),
    }
}
