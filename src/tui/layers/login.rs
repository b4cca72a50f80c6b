//! The login screen shown when no credentials are configured: API URL, username, password,
//! then a one-time code when the account asks for one (api.md 2.1).

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent};

use super::base::{Kind, LayerState, Layers, Step};
use crate::api::{ClientConfig, Secret, checked_url};
use crate::tui::input::{Edit, TextField};
use crate::tui::model::{Fleet, Model, Panes, Session, Undo};
use crate::tui::msg::Cmd;
use crate::tui::text;

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
    /// Leave the login screen (Esc): what that means depends on how it was reached.
    Leave,
    /// Log in with this configuration (URL checked, username and password present).
    Login(Box<ClientConfig>),
    /// Send this one-time code.
    Code(Secret),
}

/// What the screen showed before a profile switch opened the login screen: the account, its
/// fleet and its open views, all given back by Esc.
#[derive(Debug)]
pub struct Previous {
    /// The account's labels.
    pub session: Session,
    /// What was loaded.
    pub fleet: Fleet,
    /// The selection and filter.
    pub panes: Panes,
    /// The open views.
    pub layers: Layers,
    /// The delete that could still be undone.
    pub undo: Option<Undo>,
}

impl Previous {
    /// Takes everything the screen shows, leaving an empty screen.
    pub(crate) fn take(model: &mut Model, layers: &mut Layers) -> Previous {
        Previous {
            session: model.session.clone(),
            fleet: std::mem::take(&mut model.fleet),
            panes: std::mem::take(&mut model.panes),
            layers: std::mem::take(layers),
            undo: model.undo.take(),
        }
    }
}

/// How the login screen was reached, which decides what Esc does.
#[derive(Debug, Default)]
pub enum Origin {
    /// At start, with nothing to show behind it: Esc quits.
    #[default]
    Start,
    /// The session ended while the TUI ran: Esc closes the screen, and what was open stays
    /// (the next request that needs the session opens it again).
    Expired,
    /// A profile switch (`P`) to an account that asks for a code, has no credentials, or
    /// whose kept session has ended: Esc goes back to the profile before, as it was.
    Switched(Box<Previous>),
}

/// The login screen's state. The password and code never print (see `Debug`).
pub struct LoginForm {
    /// The API URL as typed.
    pub url: TextField,
    /// The login name as typed.
    pub username: TextField,
    password: TextField,
    code: TextField,
    /// Focus.
    pub focus: LoginField,
    /// Whether the account asked for a one-time code and the code step is showing.
    pub code_step: bool,
    /// Whether the password comes from the profile: only the code is asked, and the password
    /// step is never shown.
    pub code_only: bool,
    /// Whether the profile has no password of its own (reached with `P`): the one typed is
    /// used for this session only.
    pub no_password: bool,
    /// Why the last attempt failed, or what is missing.
    pub error: Option<String>,
    /// A login or code check is on its way.
    pub busy: bool,
    /// Going back to the profile before the switch (Esc) is on its way.
    pub leaving: bool,
    /// How the screen was reached.
    pub origin: Origin,
    /// Timeouts and concurrency from the profile, used for the client built at login.
    base: ClientConfig,
}

impl fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginForm")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("code", &"***")
            .field("focus", &self.focus)
            .field("code_step", &self.code_step)
            .field("code_only", &self.code_only)
            .field("no_password", &self.no_password)
            .field("error", &self.error)
            .field("busy", &self.busy)
            .field("origin", &self.origin)
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
            url: TextField::new(base.url.to_string()).max_chars(crate::tui::input::URL_MAX_CHARS),
            username: TextField::new(username).max_chars(crate::tui::input::CREDENTIAL_MAX_CHARS),
            password: TextField::secret().max_chars(crate::tui::input::CREDENTIAL_MAX_CHARS),
            code: TextField::default()
                .digits_only()
                .max_chars(crate::tui::input::CODE_MAX_CHARS),
            focus,
            code_step: false,
            code_only: false,
            no_password: false,
            error: None,
            busy: false,
            leaving: false,
            origin: Origin::Start,
            base,
        }
    }

    /// A screen that asks only for the code: the profile's password has logged in already.
    pub fn code_only(base: ClientConfig, origin: Origin) -> LoginForm {
        let mut form = LoginForm::new(base);
        form.code_only = true;
        form.origin = origin;
        form.ask_code();
        form
    }

    /// The password as dots, one per character.
    pub fn password_mask(&self) -> String {
        "•".repeat(self.password.value().chars().count())
    }

    /// The code as typed (digits only, shown: a one-time code is useless once sent).
    pub fn code(&self) -> &str {
        self.code.value()
    }

    /// The password field (drawn as dots).
    pub fn password_field(&self) -> &TextField {
        &self.password
    }

    /// The code field.
    pub fn code_field(&self) -> &TextField {
        &self.code
    }

    /// The focused field.
    pub fn focused(&self) -> &TextField {
        match self.focus {
            LoginField::Url => &self.url,
            LoginField::Username => &self.username,
            LoginField::Password => &self.password,
            LoginField::Code => &self.code,
        }
    }

    fn fields(&self) -> &'static [LoginField] {
        if self.code_step {
            &[LoginField::Code]
        } else {
            &[LoginField::Url, LoginField::Username, LoginField::Password]
        }
    }

    fn field_mut(&mut self) -> &mut TextField {
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

    /// Pasted text goes into the focused field (never submits: line breaks are dropped).
    pub fn paste(&mut self, text: &str) {
        if !self.busy && self.field_mut().paste(text).taken() {
            self.error = None;
        }
    }

    /// Handles one key press.
    pub fn on_key(&mut self, key: &KeyEvent) -> LoginOutcome {
        if self.busy {
            return LoginOutcome::Stay;
        }
        match key.code {
            KeyCode::Esc if self.code_step && !self.code_only => {
                self.code_step = false;
                self.code.clear();
                self.error = None;
                self.focus = LoginField::Password;
            }
            KeyCode::Esc => return LoginOutcome::Leave,
            KeyCode::Tab | KeyCode::Down => self.step_focus(true),
            KeyCode::BackTab | KeyCode::Up => self.step_focus(false),
            KeyCode::Enter => return self.submit(),
            _ => {
                if self.field_mut().on_key(key) == Edit::Changed {
                    // What was wrong is being fixed.
                    self.error = None;
                }
            }
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
            if self.code.value().len() != 6 {
                return self.fail(LoginField::Code, text::CODE_SIX_DIGITS);
            }
            self.busy = true;
            self.error = None;
            return LoginOutcome::Code(Secret::new(self.code.value()));
        }
        let url = match checked_url(self.url.value().trim()) {
            Ok(u) => u,
            Err(e) => return self.fail(LoginField::Url, &text::bad_url(&e.to_string())),
        };
        if self.username.value().trim().is_empty() {
            return self.fail(LoginField::Username, text::ENTER_USERNAME);
        }
        if self.password.is_empty() {
            return self.fail(LoginField::Password, text::ENTER_PASSWORD);
        }
        let mut cfg = self.base.clone();
        cfg.url = url;
        cfg.username = Some(self.username.value().trim().to_string());
        cfg.password = Some(Secret::new(self.password.value()));
        cfg.token = None;
        self.busy = true;
        self.error = None;
        LoginOutcome::Login(Box::new(cfg))
    }

    /// A login or code check failed: keep everything typed and say why.
    pub fn failed(&mut self, message: String) {
        self.busy = false;
        self.leaving = false;
        self.error = Some(message);
    }
}

impl LayerState for LoginForm {
    fn kind(&self) -> Kind {
        Kind::Login
    }

    fn on_key(&mut self, model: &mut Model, key: &KeyEvent) -> Step {
        match LoginForm::on_key(self, key) {
            LoginOutcome::Stay => Step::stay(),
            LoginOutcome::Leave => match &self.origin {
                Origin::Start => Step::Keep(model.quit_now()),
                Origin::Expired => {
                    model.notify(text::login_closed(&model.keymap), true);
                    Step::close()
                }
                Origin::Switched(prev) => {
                    self.busy = true;
                    self.leaving = true;
                    self.error = None;
                    Step::Keep(vec![Cmd::Resume {
                        profile: prev.session.profile.clone(),
                    }])
                }
            },
            LoginOutcome::Login(cfg) => Step::Keep(vec![Cmd::Login { cfg }]),
            LoginOutcome::Code(code) => Step::Keep(vec![Cmd::ConfirmCode { code }]),
        }
    }

    fn wants_tick(&self) -> bool {
        self.busy
    }

    fn on_paste(&mut self, text: &str) {
        self.paste(text);
    }

    fn full_screen(&self) -> bool {
        true
    }
}
