//! The login screen shown when no credentials are configured: API URL, username, password,
//! then a one-time code when the account asks for one (api.md 2.1).

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::api::{ClientConfig, Secret, checked_url};

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
