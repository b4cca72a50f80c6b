//! The command line: clap definitions, the non-interactive commands, exit codes.
//!
//! Layers, each importing only from the ones below it:
//! - `dispatch` (`run`): matches a command to its family;
//! - the families: `schedules` (servers' schedules and retention), `fleet` (servers,
//!   backups), `upcoming` (the next runs), `plan` (plan files), `lint`, `journal` (log, restore), and
//!   `account` (login, logout) and `doctor`; no family imports another;
//! - `context` (profile, credentials, journal, client, the fleet), `output` (printing, tables,
//!   confirmation) and `progress` (the progress bar of a fan-out, on stderr);
//! - `args` (clap), `error` (`CliError`, exit codes) and `table`, which import no other part
//!   of the command line.

pub mod account;
mod args;
mod context;
mod dispatch;
mod docs;
mod doctor;
mod error;
mod fleet;
mod interrupt;
mod journal;
mod lint;
mod names;
mod output;
mod plan;
mod progress;
mod schedules;
mod table;
mod upcoming;

pub use args::{Cli, Command, EXIT_STATUSES, EmulatorArgs, SchedulesCmd, Target};
pub use context::{journal_for, ops_for, resolve_profile, resolve_with_credentials};
pub use dispatch::{changes, run};
pub use doctor::doctor;
pub use error::{
    CliError, EXIT_AUTH, EXIT_BROKEN_PIPE, EXIT_FOUND, EXIT_INTERRUPTED, EXIT_NETWORK, EXIT_OK,
    EXIT_OUTPUT, EXIT_REFUSED, EXIT_USAGE,
};
pub use interrupt::until_interrupted;
pub use output::warn_all;
