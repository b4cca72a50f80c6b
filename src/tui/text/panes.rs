//! The words of the main screen as it is drawn: the header, the servers pane and the
//! schedules pane (their titles, column headers, empty lines, the BACKUP flags, the
//! freshness mark) and the details below the schedules.

use super::keys;
use crate::tui::keymap::{Action, Keymap};

// ---- the header ------------------------------------------------------------------------

/// The program's name at the header's start.
pub const HEADER_NAME: &str = " bsched ";

/// The header while anything loads (after the spinner).
pub const LOADING: &str = "loading";

/// Which clock the screen speaks: the user's zone, and the zone schedules are kept in.
pub fn zones(local: &str, server: &str) -> String {
    format!("times in {local} · schedules at {server} ")
}

// ---- both panes ------------------------------------------------------------------------

/// A pane's freshness mark, longest first (the pane shows the first that fits): `spin` is
/// the spinner and a space, or nothing; `age` as [`short_age`] says it.
pub fn freshness(spin: &str, age: &str, cached: bool) -> [String; 3] {
    let seen = if cached { "cached, seen" } else { "updated" };
    [
        format!(" {spin}{seen} {age} ago "),
        format!(" {spin}{age} ago "),
        format!(" {spin}{age} "),
    ]
}

/// An age in its shortest form: `40s`, `4m`, `3h`, `2d`.
pub fn short_age(secs: i64) -> String {
    match secs {
        ..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..172_800 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86_400),
    }
}

/// The column headers the two panes share.
pub const HEAD_NAME: &str = "NAME";
/// The next run's column.
pub const HEAD_NEXT: &str = "NEXT";
/// The id's column.
pub const HEAD_ID: &str = "ID";

// ---- the servers pane ------------------------------------------------------------------

/// The servers pane's title: how many are listed (`12` or `3/12` under a filter) and the
/// mark of the sort (with its leading space, or empty).
pub fn servers_title(count: &str, sort: &str) -> String {
    format!(" Servers ({count}){sort} ")
}

/// The servers pane while the list is on its way (after the spinner).
pub const LOADING_SERVERS: &str = "loading servers…";
/// An account without servers.
pub const NO_SERVERS: &str = "No servers on this account.";
/// A filter that hides every server.
pub const NO_SERVER_MATCHES: &str = "No server matches the filter.";

/// The servers pane's columns besides the shared ones.
pub const HEAD_STATUS: &str = "STATUS";
/// The IP address's column.
pub const HEAD_IP: &str = "IP";
/// The data centre's column.
pub const HEAD_DC: &str = "DC";
/// The schedule count's column.
pub const HEAD_COUNT: &str = "#";
/// The backup flag's column.
pub const HEAD_BACKUP: &str = "BACKUP";

/// The BACKUP cell of a server with a recent scheduled backup: its age (`10h ago`, `just
/// now`, from [`crate::domain::timing::age`]), or the short form (`10h`, `now`).
pub fn backup_age(age: String, long: bool) -> String {
    match long {
        true => age,
        false if age == "just now" => "now".into(),
        false => age.trim_end_matches(" ago").into(),
    }
}

/// The BACKUP cell of a server whose last scheduled run did not happen.
pub fn flag_missed(long: bool) -> &'static str {
    if long { "✗ missed" } else { "missed" }
}

/// The BACKUP cell of a server without a backup schedule.
pub fn flag_unprotected(long: bool) -> &'static str {
    if long { "unprotected" } else { "none" }
}

/// The BACKUP cell of a server whose schedule has not run yet.
pub fn flag_waiting(long: bool) -> &'static str {
    if long { "waiting" } else { "wait" }
}

// ---- the schedules pane ----------------------------------------------------------------

/// The schedules pane's title when no server is selected.
pub const SCHEDULES_TITLE: &str = " Schedules ";

/// The schedules pane's title after the server's name: how many backups it keeps.
pub fn keeps(n: impl std::fmt::Display) -> String {
    format!(" · keeps {n}")
}

/// What could not be loaded, in [`super::could_not_load`]: the server list.
pub const THE_SERVERS: &str = "servers";
/// What could not be loaded: a server's schedules.
pub const THE_SCHEDULES: &str = "schedules";
/// What could not be loaded: a server's backups.
pub const THE_BACKUPS: &str = "backups";
/// A server's schedules on their way (after the spinner).
pub const LOADING_SCHEDULES: &str = "loading schedules…";
/// A server's backups on their way (after the spinner).
pub const LOADING_BACKUPS: &str = "loading backups…";

/// A server without schedules.
pub const NO_BACKUP_SCHEDULE: &str =
    "No backup schedule: this server is not backed up automatically.";

/// How to add a schedule, as the key is drawn in its own style: the words before the key,
/// the key, and the words after it.
pub fn add_one(km: &Keymap) -> (&'static str, String, &'static str) {
    ("Press ", keys(km, Action::New), " to add one.")
}

/// The schedules pane's columns besides the shared ones: the days as text.
pub const HEAD_DAYS: &str = "DAYS";
/// The days as seven cells, Monday first.
pub const WEEK_HEAD: &str = "Mo Tu We Th Fr Sa Su";
/// The time's column.
pub const HEAD_TIME: &str = "TIME";
/// The creation date's column.
pub const HEAD_CREATED: &str = "CREATED";

/// A schedule whose delete is on its way.
pub const DELETING: &str = "deleting…";

/// The label before the next run in the details.
pub const NEXT_RUN: &str = "Next run ";

/// A server that never had a scheduled backup.
pub const NEVER: &str = "never";

/// The label before the age of the last scheduled backup.
pub const LAST_BACKUP: &str = "✓ Last backup ";

/// The last scheduled run did not happen (`last`: the last backup, or [`NEVER`]).
pub fn missed_run(expected: &str, last: &str) -> String {
    format!("✗ Missed the {expected} run · last backup {last}")
}

/// The server has no backup schedule.
pub fn unprotected(last: &str) -> String {
    format!("Unprotected · last scheduled backup {last}")
}

/// The server's schedule has not run yet.
pub fn waiting(last: &str) -> String {
    format!("Waiting for the first run · last backup {last}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_flag_drops_ago() {
        assert_eq!(backup_age("10h ago".into(), false), "10h");
        assert_eq!(backup_age("just now".into(), false), "now");
        assert_eq!(backup_age("10h ago".into(), true), "10h ago");
        assert_eq!(short_age(59), "59s");
        assert_eq!(short_age(3600), "1h");
        assert_eq!(short_age(172_800), "2d");
    }
}
