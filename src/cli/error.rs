//! How a command fails: [`CliError`] and the exit status each failure maps to.

use crate::api::ApiError;
use crate::config::ConfigError;

/// Exit status: success.
pub const EXIT_OK: i32 = 0;
/// Exit status: a check found something (`backups --check`).
pub const EXIT_FOUND: i32 = 1;
/// Exit status: usage or validation error; nothing was sent to the API.
pub const EXIT_USAGE: i32 = 2;
/// Exit status: the API refused.
pub const EXIT_REFUSED: i32 = 3;
/// Exit status: authentication failed.
pub const EXIT_AUTH: i32 = 4;
/// Exit status: network error, timeout or an unreadable answer; also a change whose result is
/// unknown (sent, answer lost: it may have been applied).
pub const EXIT_NETWORK: i32 = 5;
/// Exit status: the output could not be written (a full disk, a closed output, a terminal
/// gone); for a change, the change was made and the journal (`bsched log`) has it.
pub const EXIT_OUTPUT: i32 = 6;
/// Exit status: stopped by Ctrl+C (SIGINT). For `apply`, the changes in flight were finished
/// and recorded, the others were not sent.
pub const EXIT_INTERRUPTED: i32 = 130;
/// Exit status: the reader of standard output went away (`bsched instances | head -1`): the
/// status of a program killed by SIGPIPE, as the shell shows it; nothing is printed.
pub const EXIT_BROKEN_PIPE: i32 = 141;

/// A failed command, with the exit status it maps to. Its text is shown safely (see
/// `shown`): it can quote the API, a file or the journal, and it ends up on a terminal.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input or setup; nothing was sent.
    #[error("{}", shown(.0))]
    Usage(String),
    /// The API or the network failed.
    #[error("{}", shown(&.0.to_string()))]
    Api(#[from] ApiError),
    /// A check found problems (the output says which).
    #[error("{}", shown(.0))]
    Found(String),
    /// Writing the output failed (not a broken pipe, see [`CliError::BrokenPipe`]).
    #[error("{}", shown(.0))]
    Output(String),
    /// Standard output's reader went away: the process ends quietly.
    #[error("the output was closed")]
    BrokenPipe,
    /// Ctrl+C.
    #[error("{}", shown(.0))]
    Interrupted(String),
    /// Some changes of a batch failed (the output says which and why); the exit status is
    /// the one of the first failure.
    #[error("{}", shown(message))]
    Failed {
        /// What failed.
        message: String,
        /// The exit status of the first failure.
        code: i32,
    },
}

/// `text` for a terminal: every line through [`crate::sanitize::for_terminal`], the line breaks
/// of a multi-line message (a file's parse error) kept.
fn shown(text: &str) -> String {
    text.split('\n')
        .map(crate::sanitize::for_terminal)
        .collect::<Vec<_>>()
        .join("\n")
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> CliError {
        CliError::Usage(e.0)
    }
}

impl From<crate::domain::DomainError> for CliError {
    fn from(e: crate::domain::DomainError) -> CliError {
        CliError::Usage(e.to_string())
    }
}

impl CliError {
    /// Writing to the output failed with `e`; `what` says what was written and what stands
    /// (e.g. "the report of a change that was made").
    pub fn writing(e: &std::io::Error, what: &str) -> CliError {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::Output(format!("cannot write {what}: {e}"))
        }
    }

    /// Whether the error is shown on stderr (a broken pipe ends quietly).
    pub fn is_shown(&self) -> bool {
        !matches!(self, CliError::BrokenPipe)
    }

    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Output(_) => EXIT_OUTPUT,
            CliError::BrokenPipe => EXIT_BROKEN_PIPE,
            CliError::Interrupted(_) => EXIT_INTERRUPTED,
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Found(_) => EXIT_FOUND,
            CliError::Failed { code, .. } => *code,
            CliError::Api(e) => match e {
                ApiError::Setup(_) => EXIT_USAGE,
                ApiError::Refused { .. } => EXIT_REFUSED,
                ApiError::Auth(_) => EXIT_AUTH,
                ApiError::Blocked(_)
                | ApiError::Status(_)
                | ApiError::Html
                | ApiError::Empty
                | ApiError::Malformed(_)
                | ApiError::Timeout(_)
                | ApiError::Unconfirmed(_)
                | ApiError::Redirected(_)
                | ApiError::TooLarge(_)
                | ApiError::Network(_) => EXIT_NETWORK,
            },
        }
    }
}
