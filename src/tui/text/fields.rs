//! The sentences of the login screen and the form's checks.

use super::keys;
use crate::tui::keymap::{Action, Keymap};

/// A login refused without a reason.
pub const LOGIN_FAILED: &str = "Login failed.";

/// The session could not be renewed (`reason` as [`login_error`] words it).
pub fn log_in_again(reason: &str) -> String {
    let reason = reason.trim().trim_end_matches('.');
    // "The session expired" reads on after the colon in lower case; "API ..." stays.
    let mut chars = reason.chars();
    let reason = match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            format!("{}{}", first.to_lowercase(), &reason[first.len_utf8()..])
        }
        _ => reason.to_string(),
    };
    format!("Log in again: {reason}.")
}

/// An error's text without the advice it gives for the command line (`run \`bsched login\``):
/// inside the TUI the login screen is the way. The clauses of `msg` (split at `; ` and `: `)
/// that name a `bsched` command are left out.
pub fn without_cli_advice(msg: &str) -> String {
    let advice = |clause: &&str| clause.contains("bsched ");
    msg.trim()
        .split("; ")
        .map(|part| {
            part.split(": ")
                .filter(|c| !advice(c))
                .collect::<Vec<_>>()
                .join(": ")
        })
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The login screen of a profile without a password (reached with `P`).
pub fn login_note_no_password(profile: &str) -> String {
    format!(
        "Profile {profile} has no password in the config file; the one typed here is used for this session only."
    )
}

/// The login worked.
pub fn logged_in(account: &str) -> String {
    format!("Logged in as {account}.")
}

/// Esc closed the login screen that a session's end opened: how to get it back.
pub fn login_closed(km: &Keymap) -> String {
    format!(
        "Not logged in: the session ended. {} logs in again.",
        keys(km, Action::Refresh)
    )
}

/// The login screen's note on what is asked.
pub fn login_note(code_step: bool, code_only: bool, start: bool) -> &'static str {
    match (code_step, code_only) {
        (true, true) => {
            "Logged in with the profile's password; this account uses two-factor login: enter the 6-digit code from your app."
        }
        (true, false) => {
            "This account uses two-factor login: enter the 6-digit code from your app."
        }
        _ if start => "No credentials are configured; they are used for this session only.",
        _ => "Type the password again; it is used for this session only.",
    }
}

/// The login screen's keys; `esc` says what Esc does there.
pub fn login_hint(code_step: bool, esc: &str) -> String {
    if code_step {
        format!("Enter send code · Esc {esc}")
    } else {
        format!("Enter log in · Tab next field · Ctrl+U clear · Esc {esc}")
    }
}

/// The login screen's title.
pub const LOGIN_TITLE: &str = " bsched · log in ";
/// The label of the API's address.
pub const LOGIN_URL: &str = "API URL";
/// The label of the username.
pub const LOGIN_USERNAME: &str = "Username";
/// The label of the password.
pub const LOGIN_PASSWORD: &str = "Password";
/// The label of the one-time code.
pub const LOGIN_CODE: &str = "Code";
/// The password field when the profile's own password logged in.
pub const FROM_PROFILE: &str = "(from the profile)";
/// The code is being checked (after the spinner).
pub const CHECKING_CODE: &str = "Checking the code…";
/// The login is on its way (after the spinner).
pub const LOGGING_IN: &str = "Logging in…";

/// Esc on a switch's login screen is going back to the profile before (after the spinner).
pub fn going_back(profile: &str) -> String {
    format!("Going back to profile {profile}…")
}

/// What Esc does on the code step: back to the password.
pub const ESC_BACK: &str = "back";
/// What Esc does on the first login: quit.
pub const ESC_QUIT: &str = "quit";
/// What Esc does on the login a session's end opened: close it.
pub const ESC_CLOSE: &str = "close";

/// What Esc does on a switch's login screen: back to the profile before.
pub fn esc_back_to(profile: &str) -> String {
    format!("back to {profile}")
}

/// An edit that changes nothing was not sent.
pub fn nothing_changed(name: &str) -> String {
    format!("Nothing changed: '{name}' already has these days and time; nothing was sent.")
}

/// The form's warning: the server has another schedule of this name.
pub const SAME_NAME: &str =
    "This server already has a schedule with this name; saving adds another.";

/// The same warning while editing.
pub const SAME_NAME_EDIT: &str = "Another schedule of this server has this name.";

/// The help's lines for the text fields (the form's name, the login, the filter) and the mouse.
pub fn fields_help() -> Vec<(String, &'static str)> {
    [
        ("Home/End, ^A/^E", "start / end of the field"),
        ("Ctrl+←/→, Alt+B/F", "a word back / forward"),
        ("Ctrl+W, ^U, ^K", "delete a word / the field / to the end"),
        ("paste", "inserts as one line, never submits"),
        (
            "Tab (filter)",
            "complete a word: state:, dc:, name: … (empty: state:unprotected)",
        ),
        (
            "click, wheel",
            "select a row and its pane, scroll, toggle a form day",
        ),
    ]
    .into_iter()
    .map(|(k, d)| (k.to_string(), d))
    .collect()
}

/// A failed login as the screen shows it: one sentence, starting with a capital and ending
/// with a full stop, without the command-line advice the error carries for the CLI.
pub fn login_error(e: &crate::api::ApiError) -> String {
    let text = match e {
        crate::api::ApiError::Auth(m) => m.clone(),
        crate::api::ApiError::Refused { message, .. } => message.clone(),
        other => other.to_string(),
    };
    let text = without_cli_advice(&text);
    let text = text.trim_end_matches('.');
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => format!("{}{}.", c.to_uppercase(), chars.as_str()),
        None => LOGIN_FAILED.to_string(),
    }
}

/// The login screen: a code of the wrong length.
pub const CODE_SIX_DIGITS: &str = "The code has six digits.";
/// The login screen: no username.
pub const ENTER_USERNAME: &str = "Enter the username (the account's e-mail).";
/// The login screen: no password.
pub const ENTER_PASSWORD: &str = "Enter the password.";

/// The login screen: a URL that cannot be used, and why.
pub fn bad_url(why: &str) -> String {
    format!("URL: {why}.")
}
