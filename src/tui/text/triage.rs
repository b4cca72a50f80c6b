//! The sentences of triage: the filter's words, the sort, the ignore list, copying ids.

/// The filter cannot be read (`e` is one sentence from [`crate::domain::filter`]).
pub fn filter_error(e: &str) -> String {
    format!("Filter: {e}.")
}

/// A `state:` filter shows nothing yet while the states are still loading.
pub const STATES_LOADING: &str =
    "No server matches the filter yet: backup states are still loading.";

/// The server list's new order.
pub fn sorted(label: Option<&str>) -> String {
    match label {
        Some(l) => format!("Servers sorted by {l}."),
        None => "Servers in the API's order.".into(),
    }
}

/// The sort as the servers pane's title shows it.
pub fn sort_title(label: &str) -> String {
    format!("↓{label}")
}

/// The BACKUP cell of a server in the profile's `ignore` list.
pub const IGNORED: &str = "ignored";

/// The detail pane of a server in the profile's `ignore` list.
pub const IGNORED_DETAIL: &str =
    "– Ignored: the profile's ignore list says this server needs no backup.";

/// A server, as a notice names it.
pub fn server_named(name: &str) -> String {
    format!("server {name}")
}

/// A schedule, as a notice names it.
pub fn schedule_named(name: &str) -> String {
    format!("schedule {name}")
}

/// An id went to the clipboard (`what` is e.g. `server web-1`, see [`server_named`]).
pub fn copied(what: &str, id: u64) -> String {
    format!("Copied the id of {what} to the clipboard: {id}.")
}

/// `y` with nothing to copy in the schedules pane.
pub const NO_SCHEDULE: &str = "No schedule selected.";

/// The mark on the server lists while the panel's server filter is on, longest first (the
/// list shows the first that fits, else [`PANEL_FILTER_ON`] cut); `fields` names the
/// filter's fields.
pub fn panel_filter_marks(fields: &str) -> [String; 3] {
    [
        format!(" ⚠ panel filter on ({fields}): some servers may be hidden "),
        " ⚠ panel filter on: some servers may be hidden ".to_string(),
        " ⚠ panel filter on: some hidden ".to_string(),
    ]
}

/// The shortest mark of the panel's server filter.
pub const PANEL_FILTER_ON: &str = " ⚠ panel filter on ";

/// Why rows matched, when no row had room to say it (`matched dc:Poland`).
pub fn matched(notes: &[String]) -> String {
    format!(" matched {} ", notes.join(", "))
}
