//! Messages into the loop and commands out of it.

use crossterm::event::KeyEvent;

use crate::api::{ApiError, ClientConfig, Secret};
use crate::domain::backups::Backup;
use crate::domain::plan::Change;
use crate::domain::timing::Zones;
use crate::domain::{Instance, InstanceId, Schedule, ScheduleId, ScheduleList, ScheduleSpec};
use crate::journal::Entry;

/// What the tasks run with: the API client and the journal of the account on screen.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// The API handle (None until logged in).
    pub client: Option<crate::api::Client>,
    /// Where changes are recorded.
    pub journal: Option<crate::journal::Journal>,
    /// Where the account's last-known fleet is kept (None: not kept).
    pub cache: Option<std::path::PathBuf>,
    /// The settings the client was built from, credentials included, to build a new one when
    /// its session ends and cannot be renewed (None: the profile is read again instead).
    pub login: Option<Box<ClientConfig>>,
}

/// A request id: the newest request for a view wins, older answers are dropped.
pub type ReqId = u64;

/// Everything that can change the state.
#[derive(Debug)]
pub enum Msg {
    /// A key press (releases and repeats are filtered before).
    Key(KeyEvent),
    /// The terminal's size: at the first frame and after every resize (the lists page by
    /// what is visible).
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// A mouse event (only with mouse capture on: `mouse` in the config file).
    Mouse(crossterm::event::MouseEvent),
    /// A slow tick for spinners and timed notices (only while one is visible).
    Tick,
    /// Quit (a signal arrived).
    Quit,
    /// Time for the automatic refresh (`refresh` in the profile).
    AutoRefresh,
    /// The last-known fleet, read from the cache while the first frame was drawn.
    Cached(Box<super::Kept>),
    /// Things noted that did not stop a command: by the API client (a list element that could
    /// not be read and was skipped, a value the server stored differently) or by the journal
    /// (a change's outcome that could not be recorded).
    Warnings(Vec<String>),
    /// What the client knows of the panel's server filter (`instances.filter`), sent just
    /// before the server list of request `req`: the fields set, empty when the filter is off.
    PanelFilter {
        /// The server list request it belongs to.
        req: ReqId,
        /// The fields of the filter that are set.
        fields: Vec<String>,
    },
    /// The executor's new client and journal, after a login or a profile switch. It comes
    /// just before the message that tells the app, so that every command the app sends after
    /// hearing of the new account goes to it, and none before. The loop hands it to the
    /// executor; the app never sees what is inside.
    Adopt(Box<Ctx>),
    /// A login finished: the executor holds the new session.
    LoggedIn {
        /// The answer.
        result: Result<LoggedIn, ApiError>,
    },
    /// The session was renewed with the profile's own credentials (after one ended): the
    /// account's labels, whether a code is asked next, or why not; None when there is nothing
    /// to log in with (the login screen asks for the password).
    Renewed {
        /// The answer.
        result: Option<Result<LoggedIn, ApiError>>,
    },
    /// The executor is back on the profile before a switch (Esc on the login screen the
    /// switch opened), or why it could not go back.
    Resumed {
        /// The answer.
        result: Result<(), String>,
    },
    /// Text pasted into the terminal (bracketed paste): it goes into the focused text field.
    /// It may be a password, so it never prints (`Debug` shows `***`).
    Paste(crate::api::Secret),
    /// The one-time code was checked.
    CodeChecked {
        /// The answer.
        result: Result<(), ApiError>,
    },
    /// The server list arrived.
    Instances {
        /// Which request.
        req: ReqId,
        /// The answer.
        result: Result<Vec<Instance>, ApiError>,
    },
    /// A server's schedules arrived.
    Schedules {
        /// The server.
        instance: InstanceId,
        /// Which request.
        req: ReqId,
        /// The answer.
        result: Result<ScheduleList, ApiError>,
    },
    /// A server's backups arrived.
    Backups {
        /// The server.
        instance: InstanceId,
        /// Which request.
        req: ReqId,
        /// The answer.
        result: Result<Vec<Backup>, ApiError>,
    },
    /// A retention change finished.
    RetentionSet {
        /// The server.
        instance: InstanceId,
        /// The retention asked for.
        keep: u8,
        /// The answer.
        result: Result<(), ApiError>,
    },
    /// One change of a bulk apply finished.
    Applied {
        /// The batch.
        batch: u64,
        /// The row of the plan.
        index: usize,
        /// The answer.
        result: Result<(), ApiError>,
    },
    /// An undo (a deleted schedule created again) finished.
    Restored {
        /// The server.
        instance: InstanceId,
        /// The answer.
        result: Result<Schedule, ApiError>,
    },
    /// A restore of a journal entry's delete finished (the journal view).
    EntryRestored {
        /// The delete's entry.
        entry: u64,
        /// The server.
        instance: InstanceId,
        /// The server's name, as the entry gave it.
        server: String,
        /// Created again, or found there already (nothing sent).
        result: Result<crate::ops::Restored, ApiError>,
    },
    /// The journal was read.
    JournalRead {
        /// The entries, or why they could not be read.
        result: Result<Vec<Entry>, String>,
    },
    /// Another profile is ready.
    Switched {
        /// The new account, or why it could not be opened.
        result: Result<SessionInfo, String>,
    },
    /// Another profile has no credentials to log in with: the login screen asks for them
    /// (used for this session only).
    SwitchedToLogin {
        /// The new account's labels and settings (no client yet).
        info: Box<SessionInfo>,
    },
    /// A create or edit finished.
    Saved {
        /// The server.
        instance: InstanceId,
        /// The answer.
        result: Result<Schedule, ApiError>,
    },
    /// A delete finished.
    Deleted {
        /// The server.
        instance: InstanceId,
        /// The schedule.
        id: ScheduleId,
        /// The answer.
        result: Result<(), ApiError>,
    },
}

/// A login that worked: what the screen shows of the account (the executor keeps the client).
#[derive(Debug, Clone)]
pub struct LoggedIn {
    /// The API host.
    pub host: String,
    /// The account name.
    pub account: String,
    /// The settings, without secrets (for logging in again).
    pub settings: ClientConfig,
    /// Whether the account asks for a one-time code next.
    pub needs_code: bool,
}

/// The account a profile switch opened, as the screen shows it (the executor keeps the
/// client and the journal).
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// The profile.
    pub profile: String,
    /// The account name.
    pub account: String,
    /// The API host.
    pub host: String,
    /// Its zones.
    pub zones: Zones,
    /// Its automatic refresh, if on.
    pub refresh: Option<std::time::Duration>,
    /// The servers that need no backup (`ignore`).
    pub ignore: crate::domain::filter::Ignore,
    /// Its last-known fleet (host and account its cache is kept under, and what was read).
    pub cache_key: Option<(String, String)>,
    /// Its last-known fleet, when one was kept.
    pub cached: Option<Box<crate::cache::FleetCache>>,
    /// Why the kept fleet could not be read, if it could not.
    pub cache_error: Option<String>,
    /// The settings, without secrets (for logging in again).
    pub settings: ClientConfig,
    /// Whether the account asks for a one-time code before anything else (two-factor login
    /// with the profile's password): the login screen asks for the code only.
    pub needs_code: bool,
}

/// Work the loop hands to background tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    /// Log in with a new client built from this configuration.
    Login {
        /// URL, username, password, timeouts.
        cfg: Box<ClientConfig>,
    },
    /// Send the one-time code on the session being logged in.
    ConfirmCode {
        /// The code.
        code: Secret,
    },
    /// Load the server list.
    LoadInstances {
        /// Request id.
        req: ReqId,
    },
    /// Load one server's schedules.
    LoadSchedules {
        /// The server.
        instance: InstanceId,
        /// Request id.
        req: ReqId,
    },
    /// Load one server's backups.
    LoadBackups {
        /// The server.
        instance: InstanceId,
        /// Request id.
        req: ReqId,
    },
    /// Change a server's retention (only after the user confirmed).
    SetRetention {
        /// The server.
        instance: InstanceId,
        /// The retention the dialog showed (for the journal).
        before: Option<u8>,
        /// Backups to keep, 1-10.
        keep: u8,
    },
    /// Create a schedule.
    Create {
        /// The server.
        instance: InstanceId,
        /// What to create.
        spec: ScheduleSpec,
    },
    /// Edit a schedule.
    Edit {
        /// The server.
        instance: InstanceId,
        /// The schedule as listed (for the journal).
        before: Box<Schedule>,
        /// Its new fields.
        spec: ScheduleSpec,
    },
    /// Delete a schedule (only ever sent after the user confirmed).
    Delete {
        /// The server.
        instance: InstanceId,
        /// The schedule as listed (the journal keeps it, so it can be restored).
        before: Box<Schedule>,
        /// The server's name.
        server: String,
    },
    /// One change of a bulk apply (only after the user confirmed the plan).
    ApplyChange {
        /// The batch.
        batch: u64,
        /// The row of the plan.
        index: usize,
        /// What to do.
        change: Box<Change>,
        /// The server's name.
        server: String,
    },
    /// Create again a schedule that was just deleted (undo).
    Restore {
        /// The server.
        instance: InstanceId,
        /// The server's name.
        server: String,
        /// The deleted schedule.
        spec: ScheduleSpec,
    },
    /// Create again the schedule a journal entry deleted, unless the server has it (only
    /// after the user confirmed).
    RestoreEntry {
        /// The delete's entry.
        entry: u64,
        /// The server.
        instance: InstanceId,
        /// The server's name, as the entry gave it.
        server: String,
        /// The deleted schedule.
        spec: ScheduleSpec,
    },
    /// Read the journal.
    LoadJournal,
    /// Keep the last-known fleet in the profile's cache file.
    SaveCache {
        /// What to keep.
        cache: Box<crate::cache::FleetCache>,
    },
    /// Open another profile of the config file (its session is kept from the last time it
    /// was open while the TUI runs).
    SwitchProfile {
        /// The profile's name.
        name: String,
        /// The profile on screen now, whose session is kept for coming back.
        from: String,
    },
    /// Log in again with the profile's own credentials, with a new client, after the
    /// session could not be renewed (a two-factor account asks for the code next).
    Renew {
        /// The profile on screen.
        profile: String,
    },
    /// Go back to the kept session of the profile before a switch.
    Resume {
        /// The profile.
        profile: String,
    },
    /// Put text on the clipboard: the loop writes it to the terminal as OSC 52.
    Clipboard {
        /// What to copy (an id).
        text: String,
    },
    /// Leave the loop.
    Quit,
}
