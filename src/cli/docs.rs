//! `bsched completions SHELL` and `bsched man`: generated from the clap definitions, so they
//! never disagree with `--help`.

use std::io::Write;

use clap::CommandFactory;

use super::args::Cli;
use super::error::CliError;

/// Writes the completion script for `shell`.
pub(super) fn completions(
    shell: clap_complete::Shell,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "bsched", &mut buf);
    out.write_all(&buf)
        .map_err(|e| CliError::writing(&e, "the completion script"))
}

/// Writes the manual page (roff).
pub(super) fn man(out: &mut dyn Write) -> Result<(), CliError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| CliError::Output(format!("cannot render the manual page: {e}")))?;
    out.write_all(&buf)
        .map_err(|e| CliError::writing(&e, "the manual page"))
}
