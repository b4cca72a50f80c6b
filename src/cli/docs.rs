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

/// Writes the manual page (roff): one page with every command and its options, then the exit
/// statuses.
pub(super) fn man(out: &mut dyn Write) -> Result<(), CliError> {
    let mut buf = Vec::new();
    page(&mut buf).map_err(|e| CliError::Output(format!("cannot render the manual page: {e}")))?;
    out.write_all(&once_preamble(&buf))
        .map_err(|e| CliError::writing(&e, "the manual page"))
}

/// Text for roff: backslashes and hyphens escaped, no line read as a request.
fn roff_text(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.replace('\\', "\\e").replace('-', "\\-");
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn page(w: &mut Vec<u8>) -> std::io::Result<()> {
    let mut root = Cli::command();
    root.build();
    let man = clap_mangen::Man::new(root.clone());
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;
    writeln!(w, ".SH COMMANDS")?;
    let mut commands = Vec::new();
    leaves(&root, &mut commands);
    for cmd in commands {
        let name = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
        writeln!(w, ".SS \"{}\"", roff_text(&name).replace('"', ""))?;
        if let Some(about) = cmd.get_long_about().or(cmd.get_about()) {
            writeln!(w, "{}", roff_text(&about.to_string()))?;
        }
        let usage = cmd.clone().render_usage().to_string();
        let usage = usage.trim_start_matches("Usage: ");
        writeln!(w, ".PP\n\\fB{}\\fR", roff_text(usage))?;
        // The global options are in OPTIONS above; help and version everywhere.
        let mut own = cmd.clone();
        let globals: Vec<String> = own
            .get_arguments()
            .filter(|a| a.is_global_set() || matches!(a.get_id().as_str(), "help" | "version"))
            .map(|a| a.get_id().to_string())
            .collect();
        for id in globals {
            own = own.mut_arg(id, |a| a.hide(true));
        }
        let mut options = Vec::new();
        clap_mangen::Man::new(own).render_options_section(&mut options)?;
        let options = String::from_utf8_lossy(&options);
        // Its options under the command's heading, not a section of their own, and the
        // page's preamble once (it is at the top already).
        for line in options.lines().filter(|l| {
            !(*l == ".SH OPTIONS" || l.starts_with(".ie \\n(.g") || l.starts_with(".el .ds Aq"))
        }) {
            writeln!(w, "{line}")?;
        }
    }
    writeln!(w, ".SH \"EXIT STATUS\"")?;
    for line in super::args::EXIT_STATUSES.lines().skip(1) {
        if let Some((code, text)) = line.trim().split_once(' ') {
            writeln!(w, ".TP\n\\fB{code}\\fR\n{}", roff_text(text.trim()))?;
        }
    }
    man.render_version_section(w)?;
    Ok(())
}

/// `page` with clap_mangen's preamble (two lines it writes before every section it renders)
/// kept once, at the top.
fn once_preamble(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let mut kept: Vec<&str> = Vec::new();
    let mut out = String::new();
    for line in text.lines() {
        let preamble = line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq");
        if preamble {
            if kept.contains(&line) {
                continue;
            }
            kept.push(line);
        }
        out.push_str(line);
        out.push('\n');
    }
    out.into_bytes()
}

/// Every command that runs (not a group of commands), depth first, without `help`.
fn leaves<'a>(cmd: &'a clap::Command, out: &mut Vec<&'a clap::Command>) {
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        if sub.has_subcommands() {
            leaves(sub, out);
        } else {
            out.push(sub);
        }
    }
}
