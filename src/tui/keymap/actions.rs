//! What keys can do: every action, where it applies, its config name, its help line and its
//! footer label.

/// Where a binding applies: the main screen, or one of the layers with keys of its own.
/// In the config file, the main screen's keys are `[keys]` and a layer's are `[keys.LAYER]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// The panes (and the navigation keys of every list).
    Main,
    /// A yes/no question: the delete dialog, the retention change.
    Confirm,
    /// The retention dialog.
    Retention,
    /// The bulk apply plan screen.
    Plan,
    /// The schedule form (outside its text field).
    Form,
    /// The full-screen views (upcoming, journal, help).
    View,
}

impl Section {
    /// The name of its table in `assets/keymap.toml` and under `[keys]` in the config file.
    pub fn name(self) -> &'static str {
        match self {
            Section::Main => "main",
            Section::Confirm => "confirm",
            Section::Retention => "retention_dialog",
            Section::Plan => "plan",
            Section::Form => "form",
            Section::View => "view",
        }
    }
}

/// Something a key can do outside text fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Quit.
    Quit,
    /// Show help.
    Help,
    /// Reload from the API.
    Refresh,
    /// Move between the panes.
    SwitchPane,
    /// Move up.
    Up,
    /// Move down.
    Down,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
    /// Edit the server filter.
    Filter,
    /// New schedule.
    New,
    /// Edit the selected schedule.
    Edit,
    /// Delete the selected schedule.
    Delete,
    /// The fleet's upcoming backups and the heat map.
    Upcoming,
    /// Change the selected server's retention.
    Retention,
    /// Mark or unmark the selected server.
    Mark,
    /// Mark every server the filter shows (again: unmark them).
    MarkAll,
    /// Apply a schedule to the marked servers.
    BulkApply,
    /// Copy the selected schedule to the marked servers.
    Copy,
    /// Undo the last delete.
    Undo,
    /// Show the change journal.
    Journal,
    /// Switch to the next profile.
    Profile,
    /// Copy the selected server's or schedule's id to the clipboard (OSC 52).
    CopyId,
    /// Cycle the servers' sort key (name, next run, backup age, state).
    Sort,
    /// Show the selected server's backups.
    Backups,
    /// A question: yes.
    Yes,
    /// A question: no, back.
    No,
    /// Retention: one more backup kept.
    More,
    /// Retention: one fewer.
    Fewer,
    /// Retention: go on to the confirmation.
    Choose,
    /// Retention: close without a change.
    CancelRetention,
    /// Plan: send it (once it finished: close it).
    ApplyPlan,
    /// Plan: list the failed servers again and retry them.
    RetryFailed,
    /// Plan: close it (before it started: nothing is sent).
    ClosePlan,
    /// Form: next field.
    NextField,
    /// Form: previous field.
    PrevField,
    /// Form: toggle the day under the cursor.
    ToggleDay,
    /// Form: Monday to Friday.
    Workdays,
    /// Form: every day.
    EveryDay,
    /// Form: no day.
    NoDays,
    /// Form: save.
    Save,
    /// Form: cancel.
    CancelForm,
    /// A full-screen view: close it.
    Close,
    /// A full-screen view: open the selected row (upcoming: go to the server and schedule;
    /// journal: restore the selected delete).
    Open,
}

/// What the help, the footer and the config file know of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo {
    /// The action.
    pub action: Action,
    /// Where its keys apply.
    pub section: Section,
    /// Its name in the config file.
    pub name: &'static str,
    /// Its line in the help.
    pub help: &'static str,
    /// Its short label in the footer (None: not in the footer).
    pub footer: Option<&'static str>,
}

const fn info(
    action: Action,
    section: Section,
    name: &'static str,
    help: &'static str,
    footer: Option<&'static str>,
) -> ActionInfo {
    ActionInfo {
        action,
        section,
        name,
        help,
        footer,
    }
}

use Section::{Confirm as C, Form as F, Main as M, Plan as P, Retention as R, View as V};

/// Every action, in help order within its section.
pub const ACTIONS: [ActionInfo; 45] = [
    info(Action::New, M, "new", "new schedule", Some("new")),
    info(Action::Edit, M, "edit", "edit schedule", Some("edit")),
    info(
        Action::Delete,
        M,
        "delete",
        "delete schedule",
        Some("delete"),
    ),
    info(
        Action::Upcoming,
        M,
        "upcoming",
        "upcoming backups, heat map",
        Some("upcoming"),
    ),
    info(
        Action::Retention,
        M,
        "retention",
        "backups kept (retention)",
        Some("retention"),
    ),
    info(Action::Mark, M, "mark", "mark server", Some("mark")),
    info(Action::MarkAll, M, "mark_all", "mark all shown", None),
    info(
        Action::BulkApply,
        M,
        "bulk_apply",
        "apply schedule to marked",
        Some("apply to marked"),
    ),
    info(Action::Copy, M, "copy", "copy schedule to marked", None),
    info(Action::Undo, M, "undo", "undo last delete", Some("undo")),
    info(
        Action::Journal,
        M,
        "journal",
        "change journal",
        Some("journal"),
    ),
    info(
        Action::Profile,
        M,
        "profile",
        "next profile (account)",
        None,
    ),
    info(
        Action::CopyId,
        M,
        "copy_id",
        "copy id to clipboard",
        Some("copy id"),
    ),
    info(
        Action::Sort,
        M,
        "sort",
        "sort by name, next, backup, state",
        Some("sort"),
    ),
    info(
        Action::Backups,
        M,
        "backups",
        "server's backups",
        Some("backups"),
    ),
    info(
        Action::Filter,
        M,
        "filter",
        "filter servers",
        Some("filter"),
    ),
    info(
        Action::SwitchPane,
        M,
        "switch_pane",
        "switch pane",
        Some("pane"),
    ),
    info(Action::Refresh, M, "refresh", "refresh", Some("refresh")),
    info(Action::Up, M, "up", "up", None),
    info(Action::Down, M, "down", "down", None),
    info(Action::Top, M, "top", "first", None),
    info(Action::Bottom, M, "bottom", "last", None),
    info(Action::PageUp, M, "page_up", "page up", None),
    info(Action::PageDown, M, "page_down", "page down", None),
    info(Action::Help, M, "help", "help", Some("help")),
    info(Action::Quit, M, "quit", "quit", Some("quit")),
    info(Action::Yes, C, "yes", "yes", None),
    info(Action::No, C, "no", "no, back", None),
    info(Action::More, R, "more", "keep one more", None),
    info(Action::Fewer, R, "fewer", "keep one fewer", None),
    info(Action::Choose, R, "choose", "continue", None),
    info(Action::CancelRetention, R, "cancel", "cancel", None),
    info(Action::ApplyPlan, P, "apply", "apply the plan", None),
    info(
        Action::RetryFailed,
        P,
        "retry",
        "retry the failed ones",
        None,
    ),
    info(
        Action::ClosePlan,
        P,
        "close",
        "back to the form (before applying: nothing is sent)",
        None,
    ),
    info(Action::NextField, F, "next_field", "next field", None),
    info(Action::PrevField, F, "prev_field", "previous field", None),
    info(Action::ToggleDay, F, "toggle_day", "toggle a day", None),
    info(Action::Workdays, F, "workdays", "Mon-Fri", None),
    info(Action::EveryDay, F, "every_day", "every day", None),
    info(Action::NoDays, F, "no_days", "no day", None),
    info(Action::Save, F, "save", "save", None),
    info(Action::CancelForm, F, "cancel", "cancel", None),
    info(Action::Close, V, "close", "close the view", None),
    info(
        Action::Open,
        V,
        "open",
        "go to the run (upcoming), restore the delete (journal)",
        None,
    ),
];

/// The footer's hints, most wanted first: help and quit always show, the others while they fit.
pub const FOOTER: [Action; 17] = [
    Action::Help,
    Action::Quit,
    Action::New,
    Action::Edit,
    Action::Delete,
    Action::Upcoming,
    Action::Filter,
    Action::Retention,
    Action::Mark,
    Action::BulkApply,
    Action::Undo,
    Action::Journal,
    Action::SwitchPane,
    Action::Refresh,
    Action::Sort,
    Action::Backups,
    Action::CopyId,
];

/// What is known of `action`.
pub fn info_of(action: Action) -> Option<&'static ActionInfo> {
    ACTIONS.iter().find(|i| i.action == action)
}
