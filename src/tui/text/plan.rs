//! The words of the plan screen as it is drawn: its title, columns, each row's change and
//! result, and the progress.

use crate::domain::Weekdays;
use crate::domain::plan::Change;

/// The plan screen's title: what is applied, to how many servers, in how many changes.
pub fn plan_title(what: &str, servers: usize, changes: usize) -> String {
    format!(
        " {what} on {servers} servers · {} ",
        crate::domain::plural(changes, "change", "changes")
    )
}

/// The plan's columns.
pub const PLAN_HEAD: [&str; 3] = ["SERVER", "WHAT", "RESULT"];

/// A row's change is on its way (after the spinner).
pub const SENDING: &str = "sending";
/// A row's server is listed again before its change (after the spinner).
pub const LISTING_AGAIN: &str = "listing again";

/// A row's change; a create on other days than the plan's (a start after midnight in a
/// staggered window runs the next day) names its days.
pub fn change_what(change: &Change, plan_days: Option<Weekdays>) -> String {
    match change {
        Change::Create { spec, .. } if plan_days.is_some_and(|d| d != spec.days()) => {
            format!("create {} {}", spec.days().display(), spec.time())
        }
        Change::Create { spec, .. } => format!("create at {}", spec.time()),
        Change::Update { before, spec, .. } => {
            if before.days == spec.days() {
                format!("replace {} → {}", before.time, spec.time())
            } else {
                format!(
                    "replace {} {} → {} {}",
                    before.days.display(),
                    before.time,
                    spec.days().display(),
                    spec.time()
                )
            }
        }
        Change::Unchanged { schedule, .. } => format!("unchanged ({})", schedule.time),
        Change::Delete { before, .. } => format!("delete {}", before.time),
        Change::Retention { after, .. } => format!("keep {after}"),
    }
}

/// The progress gauge's label.
pub fn plan_progress(done: usize, failed: usize, running: usize, total: usize) -> String {
    format!("{done} applied, {failed} failed, {running} in flight of {total}")
}

/// A plan row whose server already has what it asks.
pub const ALREADY_SO: &str = "already so";
/// A plan row found done when it was checked again.
pub const ALREADY_APPLIED: &str = "already applied";
