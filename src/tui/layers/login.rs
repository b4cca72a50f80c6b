//! The login screen shown when no credentials are configured: API URL, username, password,
//! then a one-time code when the account asks for one (api.md 2.1).

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use ratatui::Frame;

use super::{Areas, LayerState, Step};
use crate::api::{ApiError, ClientConfig, Secret, checked_url};
use crate::tui::app::App;
use crate::tui::msg::{Cmd, LoggedIn};
use crate::tui::text;
use crate::tui::ui::{self, Theme};

/// Which field has focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginField {
    /// The API URL.
    Url,
    /// The login name.
    Username,
    /// The password (masked).
    Password,
    /// The six-digit one-time code (second step only).
    Code,
}

/// What a key did on the login screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Nothing for the app to do.
    Stay,
    /// Leave the program.
    Quit,
    /// Log in with this configuration (URL checked, username and password present).
    Login(Box<ClientConfig>),
    /// Send this one-time code.
    Code(Secret),
}

/// The login screen's state. The password and code never print (see `Debug`).
#[derive(Clone)]
pub struct LoginForm {
    /// The API URL as typed.
    pub url: String,
    /// The login name as typed.
    pub username: String,
    password: String,
    code: String,
    /// Focus.
    pub focus: LoginField,
    /// Whether the account asked for a one-time code and the code step is showing.
    pub code_step: bool,
    /// Why the last attempt failed, or what is missing.
    pub error: Option<String>,
    /// A login or code check is on its way.
    pub busy: bool,
    /// Timeouts and concurrency from the profile, used for the client built at login.
    base: ClientConfig,
}

impl fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginForm")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &"***")
            .field("code", &"***")
            .field("focus", &self.focus)
            .field("code_step", &self.code_step)
            .field("error", &self.error)
            .field("busy", &self.busy)
            .finish()
    }
}

impl LoginForm {
    /// A login screen pre-filled from the profile (its URL and username, if any).
    pub fn new(base: ClientConfig) -> LoginForm {
        let username = base.username.clone().unwrap_or_default();
        let focus = if username.is_empty() {
            LoginField::Username
        } else {
            LoginField::Password
        };
        LoginForm {
            url: base.url.to_string(),
            username,
            password: String::new(),
            code: String::new(),
            focus,
            code_step: false,
            error: None,
            busy: false,
            base,
        }
    }

    /// The password as dots, one per character.
    pub fn password_mask(&self) -> String {
        "•".repeat(self.password.chars().count())
    }

    /// The code as typed (digits only, shown: a one-time code is useless once sent).
    pub fn code(&self) -> &str {
        &self.code
    }

    fn fields(&self) -> &'static [LoginField] {
        if self.code_step {
            &[LoginField::Code]
        } else {
            &[LoginField::Url, LoginField::Username, LoginField::Password]
        }
    }

    fn text_mut(&mut self) -> &mut String {
        match self.focus {
            LoginField::Url => &mut self.url,
            LoginField::Username => &mut self.username,
            LoginField::Password => &mut self.password,
            LoginField::Code => &mut self.code,
        }
    }

    fn step_focus(&mut self, forward: bool) {
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = fields.len();
        self.focus = fields[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
    }

    /// Switches to the code step (the account asked for a one-time code).
    pub fn ask_code(&mut self) {
        self.code_step = true;
        self.focus = LoginField::Code;
        self.busy = false;
        self.error = None;
    }

    /// Handles one key press.
    pub fn on_key(&mut self, key: &KeyEvent) -> LoginOutcome {
        if self.busy {
            return LoginOutcome::Stay;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc if self.code_step => {
                self.code_step = false;
                self.code.clear();
                self.error = None;
                self.focus = LoginField::Password;
            }
            KeyCode::Esc => return LoginOutcome::Quit,
            KeyCode::Tab | KeyCode::Down => self.step_focus(true),
            KeyCode::BackTab | KeyCode::Up => self.step_focus(false),
            KeyCode::Enter => return self.submit(),
            KeyCode::Backspace => {
                self.text_mut().pop();
            }
            KeyCode::Char('u') if ctrl => self.text_mut().clear(),
            KeyCode::Char(c) if !ctrl => {
                if self.focus == LoginField::Code && (!c.is_ascii_digit() || self.code.len() >= 6) {
                    return LoginOutcome::Stay;
                }
                self.text_mut().push(c);
            }
            _ => {}
        }
        LoginOutcome::Stay
    }

    fn fail(&mut self, focus: LoginField, message: &str) -> LoginOutcome {
        self.focus = focus;
        self.error = Some(message.to_string());
        LoginOutcome::Stay
    }

    fn submit(&mut self) -> LoginOutcome {
        if self.code_step {
            if self.code.len() != 6 {
                return self.fail(LoginField::Code, "The code has six digits.");
            }
            self.busy = true;
            self.error = None;
            return LoginOutcome::Code(Secret::new(self.code.clone()));
        }
        let url = match checked_url(self.url.trim()) {
            Ok(u) => u,
            Err(e) => return self.fail(LoginField::Url, &format!("URL: {e}.")),
        };
        if self.username.trim().is_empty() {
            return self.fail(
                LoginField::Username,
                "Enter the username (the account's e-mail).",
            );
        }
        if self.password.is_empty() {
            return self.fail(LoginField::Password, "Enter the password.");
        }
        let mut cfg = self.base.clone();
        cfg.url = url;
        cfg.username = Some(self.username.trim().to_string());
        cfg.password = Some(Secret::new(self.password.clone()));
        cfg.token = None;
        self.busy = true;
        self.error = None;
        LoginOutcome::Login(Box::new(cfg))
    }

    /// A login or code check failed: keep everything typed and say why.
    pub fn failed(&mut self, message: String) {
        self.busy = false;
        self.error = Some(message);
    }
}

impl LayerState for LoginForm {
    fn on_key(&mut self, app: &mut App, key: &KeyEvent) -> Step {
        match LoginForm::on_key(self, key) {
            LoginOutcome::Stay => Step::stay(),
            LoginOutcome::Quit => Step::Keep(app.quit_now()),
            LoginOutcome::Login(cfg) => Step::Keep(vec![Cmd::Login { cfg }]),
            LoginOutcome::Code(code) => Step::Keep(vec![Cmd::ConfirmCode { code }]),
        }
    }

    fn wants_tick(&self) -> bool {
        self.busy
    }

    fn full_screen(&self) -> bool {
        true
    }

    fn draw(&self, app: &App, theme: Theme, areas: Areas, f: &mut Frame) {
        ui::login::render(self, ui::spinner(app), theme, areas.screen, f)
    }
}

/// A failed login as the screen shows it: one sentence, starting with a capital.
pub fn login_error(e: &ApiError) -> String {
    let text = match e {
        ApiError::Auth(m) => m.clone(),
        ApiError::Refused { message, .. } => message.clone(),
        other => other.to_string(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => format!("{}{}", c.to_uppercase(), chars.as_str()),
        None => text::LOGIN_FAILED.to_string(),
    }
}

/// Opens the login screen again, pre-filled from the session's settings, after the session
/// could not be renewed.
pub(crate) fn reopen(app: &mut App, reason: String) {
    if app.layers.is_open::<LoginForm>() {
        return;
    }
    if let Some(settings) = app.session.settings.clone() {
        let mut form = LoginForm::new(settings);
        form.failed(text::log_in_again(&reason));
        app.layers.open(form);
    }
}

/// The answer to a login: the account's labels (the executor keeps the client).
pub(crate) fn on_logged_in(app: &mut App, result: Result<LoggedIn, ApiError>) -> Vec<Cmd> {
    let Some(login) = app.layers.get_mut::<LoginForm>() else {
        return Vec::new();
    };
    match result {
        Ok(done) => {
            let needs_code = done.needs_code;
            app.session.host = done.host;
            app.session.account = done.account;
            app.session.settings = Some(done.settings);
            if needs_code {
                login.ask_code();
                Vec::new()
            } else {
                enter(app)
            }
        }
        Err(e) => {
            login.failed(login_error(&e));
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
            login.failed(login_error(&e));
            Vec::new()
        }
    }
}

/// Leaves the login screen and loads the servers.
fn enter(app: &mut App) -> Vec<Cmd> {
    app.layers.close::<LoginForm>();
    app.notify(text::logged_in(&app.session.account), false);
    app.init()
}
