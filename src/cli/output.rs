//! What commands print: text, JSON, the report of changes made, warnings, and the yes/no
//! question before a change. Everything from the API, a file or the journal goes through
//! [`for_terminal`] (tables do it themselves, see [`super::table`]).

use std::io::Write;

use super::error::{CliError, EXIT_OUTPUT};
use crate::sanitize::for_terminal;

/// Text from the API, the journal or a plan file, safe to print.
pub(super) fn safe(s: &str) -> String {
    for_terminal(s).into_owned()
}

/// Prints warnings on stderr, one line each, shown safely (they can quote a path or the API).
pub fn warn_all(warnings: impl IntoIterator<Item = String>) {
    // Not `eprintln!`, which panics when stderr is a closed pipe.
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let _ = writeln!(err, "warning: {}", for_terminal(&w));
    }
}

pub(super) fn print_json(out: &mut dyn Write, v: &impl serde::Serialize) -> Result<(), CliError> {
    print_text(out, &json_text(v)?)
}

pub(super) fn print_text(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    write!(out, "{text}").map_err(|e| CliError::writing(&e, "the output"))
}

/// The JSON text of `v`, as [`print_json`] writes it.
pub(super) fn json_text(v: &impl serde::Serialize) -> Result<String, CliError> {
    serde_json::to_string_pretty(v)
        .map(|t| t + "\n")
        .map_err(|e| CliError::Usage(format!("cannot format JSON: {e}")))
}

/// `v` as JSON when `json`, else `text`: what a command reports.
pub(super) fn shown_as(
    json: bool,
    v: &impl serde::Serialize,
    text: String,
) -> Result<String, CliError> {
    if json { json_text(v) } else { Ok(text) }
}

/// Writes the report of changes that were made. Failing to write it must not say "nothing was
/// sent" (exit 2): the changes stand, so the error says so and exits [`EXIT_OUTPUT`]; a broken
/// pipe (the reader went away on purpose) ends quietly.
pub(super) fn print_report(out: &mut dyn Write, text: &str, made: &str) -> Result<(), CliError> {
    write!(out, "{text}")
        .and_then(|_| out.flush())
        .map_err(|e| match CliError::writing(&e, "") {
            CliError::BrokenPipe => CliError::BrokenPipe,
            _ => CliError::Failed {
                message: format!(
                    "{made}, but the report could not be written ({e}); `bsched log` shows what was done"
                ),
                code: EXIT_OUTPUT,
            },
        })
}

/// Asks a yes/no question on stderr. The prompt is shown through [`for_terminal`] as a last
/// guard; callers sanitize the names they put in it. The answer is read off the async thread,
/// so Ctrl+C at the prompt ends the command (see [`super::interrupt`]).
pub(super) async fn confirm(prompt: &str) -> Result<bool, CliError> {
    let mut err = std::io::stderr();
    let _ = write!(err, "{}", for_terminal(prompt));
    let _ = err.flush();
    let answer = tokio::task::spawn_blocking(|| {
        use std::io::{BufRead, Read};
        let mut answer = Vec::new();
        // One short line is an answer; more is not read.
        std::io::stdin()
            .lock()
            .take(1024)
            .read_until(b'\n', &mut answer)
            .map(|_| answer)
    })
    .await
    .map_err(|e| CliError::Usage(format!("cannot read the answer: {e}")))?
    .map_err(|e| CliError::Usage(format!("cannot read the answer: {e}")))?;
    let answer = String::from_utf8_lossy(&answer);
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}
