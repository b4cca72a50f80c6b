//! The README against the program: every key of the keymap, every command and every flag the
//! command line knows is in the README, so the documentation cannot fall behind the code.

use bsched::cli::Cli;
use bsched::tui::keymap::{ACTIONS, Keymap};
use clap::CommandFactory;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

/// The README's key table: from `### Keys` to the next heading.
fn key_table(readme: &str) -> &str {
    let start = readme.find("### Keys").expect("a Keys section");
    let rest = &readme[start + 8..];
    let end = rest.find("\n#").unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn every_default_key_is_in_the_readme_key_table() {
    let readme = readme();
    let table = key_table(&readme);
    let km = Keymap::default();
    let mut missing = Vec::new();
    for info in ACTIONS.iter() {
        for label in km.keys_for(info.action).split('/') {
            if label.is_empty() {
                continue;
            }
            if !table.contains(&format!("`{label}`")) {
                missing.push(format!(
                    "{} ({}): `{label}`",
                    info.name,
                    info.section.name()
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys missing from the README's key table: {missing:#?}"
    );
}

#[test]
fn every_command_and_flag_is_in_the_readme() {
    let readme = readme();
    let mut missing = Vec::new();
    fn walk(cmd: &clap::Command, path: &str, readme: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long() {
                if long == "help" || long == "version" {
                    continue;
                }
                if !readme.contains(&format!("--{long}")) {
                    missing.push(format!("{path} --{long}"));
                }
            }
        }
        for sub in cmd.get_subcommands() {
            if sub.get_name() == "help" {
                continue;
            }
            let here = format!("{path} {}", sub.get_name());
            if !readme.contains(&here) {
                missing.push(here.clone());
            }
            walk(sub, &here, readme, missing);
        }
    }
    walk(&Cli::command(), "bsched", &readme, &mut missing);
    assert!(missing.is_empty(), "missing from the README: {missing:#?}");
}
