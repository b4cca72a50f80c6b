//! What the app does with the login screen's answers: a login, a code, a renewal with the
//! profile's own password, going back to the profile before a switch.

use crate::api::ApiError;
use crate::tui::app::App;
use crate::tui::layers::login::{LoginForm, Origin, Previous};
use crate::tui::msg::{Cmd, LoggedIn};
use crate::tui::text;

/// Opens the login screen again after the session could not be renewed, above whatever is
/// open (a form keeps what was typed). The executor first tries the profile's own password
/// (or password command): then only the one-time code is asked, if the account has one.
/// Without a way to log in, the screen asks for the password, pre-filled from the settings.
pub(crate) fn reopen(app: &mut App, reason: String) -> Vec<Cmd> {
    if app.layers.is_open::<LoginForm>() {
        return Vec::new();
    }
    let Some(settings) = app.model.session.settings.clone() else {
        return Vec::new();
    };
    let mut form = LoginForm::new(settings);
    // Right after a profile switch (a kept session that has ended): Esc goes back to the
    // profile before. Else, with nothing fresh ever shown, there is nothing to go back to, so
    // Esc quits as at start.
    let fresh = app.model.fleet.servers_loaded() && !app.model.fleet.servers.cached;
    form.origin = match app.switching.back.take() {
        Some(previous) => Origin::Switched(previous),
        None if fresh => Origin::Expired,
        None => Origin::Start,
    };
    form.failed(text::log_in_again(&reason));
    form.busy = true;
    app.layers.open(form);
    vec![Cmd::Renew {
        profile: app.model.session.profile.clone(),
    }]
}

/// The answer to a renewal with the profile's own credentials: log in is done (maybe asking
/// for a code), or the password must be typed.
pub(crate) fn on_renewed(app: &mut App, result: Option<Result<LoggedIn, ApiError>>) -> Vec<Cmd> {
    let Some(login) = app.layers.get_mut::<LoginForm>() else {
        return Vec::new();
    };
    match result {
        Some(Ok(done)) => {
            app.model.session.settings = Some(done.settings);
            if done.needs_code {
                login.code_only = true;
                login.ask_code();
                Vec::new()
            } else {
                enter(app)
            }
        }
        Some(Err(e)) => {
            login.failed(text::login_error(&e));
            Vec::new()
        }
        // Nothing to log in with: the password is asked (the reason stays on screen).
        None => {
            login.busy = false;
            Vec::new()
        }
    }
}

/// A profile switch reached an account that asks for a one-time code: the screen before is
/// kept whole in the login screen, which asks for the code only.
pub(crate) fn ask_code_after_switch(app: &mut App, previous: Previous) {
    let Some(settings) = app.model.session.settings.clone() else {
        return;
    };
    let form = LoginForm::code_only(settings, Origin::Switched(Box::new(previous)));
    app.layers.open(form);
}

/// A profile switch reached a profile without credentials: the login screen asks for them
/// (URL and username from the profile), and the screen before is kept whole in it.
pub(crate) fn ask_login_after_switch(app: &mut App, previous: Previous) {
    let Some(settings) = app.model.session.settings.clone() else {
        return;
    };
    let mut form = LoginForm::new(settings);
    form.origin = Origin::Switched(Box::new(previous));
    form.no_password = true;
    app.layers.open(form);
}

/// The executor is back on the profile before the switch: the screen is given back as it was.
/// The next `P` moves past the profile left, so that the ones after it stay reachable.
pub(crate) fn on_resumed(app: &mut App, result: Result<(), String>) -> Vec<Cmd> {
    let Some(login) = app.layers.get_mut::<LoginForm>() else {
        return Vec::new();
    };
    if let Err(e) = result {
        let back = match &login.origin {
            Origin::Switched(prev) => prev.session.profile.clone(),
            _ => String::new(),
        };
        login.failed(text::cannot_go_back(&back, &e));
        return Vec::new();
    }
    let Some(login) = app.layers.close::<LoginForm>() else {
        return Vec::new();
    };
    let Origin::Switched(prev) = login.origin else {
        return Vec::new();
    };
    let prev = *prev;
    app.switching.passed = Some(app.model.session.profile.clone());
    app.model.session = prev.session;
    app.model.fleet = prev.fleet;
    app.model.panes = prev.panes;
    app.layers = prev.layers;
    app.model.undo = prev.undo;
    app.model.notify(
        text::switched(&app.model.session.profile, &app.model.session.account),
        false,
    );
    Vec::new()
}

/// The answer to a login: the account's labels (the executor keeps the client).
pub(crate) fn on_logged_in(app: &mut App, result: Result<LoggedIn, ApiError>) -> Vec<Cmd> {
    let Some(login) = app.layers.get_mut::<LoginForm>() else {
        return Vec::new();
    };
    match result {
        Ok(done) => {
            let needs_code = done.needs_code;
            app.model.session.host = done.host;
            app.model.session.account = done.account;
            app.model.session.settings = Some(done.settings);
            if needs_code {
                login.ask_code();
                Vec::new()
            } else {
                enter(app)
            }
        }
        Err(e) => {
            login.failed(text::login_error(&e));
            Vec::new()
        }
    }
}

/// The answer to a one-time code.
pub(crate) fn on_code_checked(app: &mut App, result: Result<(), ApiError>) -> Vec<Cmd> {
    let Some(login) = app.layers.get_mut::<LoginForm>() else {
        return Vec::new();
    };
    match result {
        Ok(()) => enter(app),
        Err(e) => {
            login.failed(text::login_error(&e));
            Vec::new()
        }
    }
}

/// Leaves the login screen and loads the servers; whatever was open below it (a form with
/// what was typed) is there again.
fn enter(app: &mut App) -> Vec<Cmd> {
    app.layers.close::<LoginForm>();
    // The form's note of the refusal that opened the login is no longer so.
    if let Some(form) = app.layers.get_mut::<crate::tui::layers::form::Form>() {
        form.error = None;
    }
    app.model
        .notify(text::logged_in(&app.model.session.account), false);
    app.init()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The client's errors advise the CLI; the login screen words them without that advice.
    #[test]
    fn login_errors_give_no_command_line_advice() {
        let cases = [
            (
                "the session expired; this account asks for a one-time code, so log in again (`bsched login`)",
                "The session expired.",
            ),
            (
                "the session expired or was refused, and no password is set to log in again; run `bsched login`",
                "The session expired or was refused, and no password is set to log in again.",
            ),
            (
                "this account asks for a one-time code (two-factor login): run `bsched login` once, or log in from the TUI",
                "This account asks for a one-time code (two-factor login).",
            ),
            (
                "invalid username or password",
                "Invalid username or password.",
            ),
            ("run `bsched login`", "Login failed."),
        ];
        for (error, shown) in cases {
            assert_eq!(text::login_error(&ApiError::Auth(error.into())), shown);
        }
        assert_eq!(
            text::log_in_again("The session expired."),
            "Log in again: the session expired."
        );
        assert_eq!(
            text::log_in_again("API URL refused."),
            "Log in again: API URL refused."
        );
    }
}
