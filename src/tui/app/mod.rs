//! The app: the model and the open layers, and `update`: one message in, commands out. No
//! I/O, no await. It routes a key to the topmost layer (or the main screen's keys), an answer
//! to the layer or the part of the model it is for, and opens the layers the main screen's
//! keys ask for.
//!
//! The state is the [`Model`] (what is shown: the account, the fleet, the panes, the status
//! line) and the [`Layers`] (dialogs and views, each in its own module). `App` reads as its
//! model (`app.fleet` is `app.model.fleet`).

mod keys;
mod loads;
mod login;
mod mouse;
mod paste;
mod profiles;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use crate::tui::model::{
    Deferred, ERROR_NOTICE_FOR, Fleet, Kind, LoadQueue, Loaded, Model, NOTICE_FOR, Notice, Pane,
    Panes, RowInfo, ServerSchedules, Session, UNDO_WINDOW, Undo,
};
pub use crate::tui::model::{fleet, panes, queue, session, undo};

use super::keymap::Keymap;
use super::layers::login::LoginForm;
use super::layers::{Layers, Step, form, journal, plan, retention};
use super::msg::{Cmd, Msg};
use super::{text, ui};
use crate::api::ClientConfig;

/// The whole TUI state: the model and the layers over it.
#[derive(Debug)]
pub struct App {
    /// What is shown, apart from the layers.
    pub model: Model,
    /// The open dialogs and views.
    pub layers: Layers,
    /// Where a profile switch (`P`) stands.
    pub(crate) switching: profiles::Switching,
}

impl std::ops::Deref for App {
    type Target = Model;

    fn deref(&self) -> &Model {
        &self.model
    }
}

impl std::ops::DerefMut for App {
    fn deref_mut(&mut self) -> &mut Model {
        &mut self.model
    }
}

impl App {
    /// A fresh app for an account.
    pub fn new(session: Session, keymap: Keymap) -> App {
        App {
            model: Model::new(session, keymap),
            layers: Layers::default(),
            switching: profiles::Switching::default(),
        }
    }

    /// Draws the whole screen (see [`ui::render`]).
    pub fn draw(&self, theme: ui::Theme, f: &mut ratatui::Frame) {
        ui::render(&self.model, &self.layers, theme, f)
    }

    /// An app that starts on the login screen, pre-filled from the profile's settings.
    pub fn login_screen(base: ClientConfig, keymap: Keymap) -> App {
        let mut session = Session::new("", base.url.host_str().unwrap_or("?"));
        session.settings = Some(base.without_secrets());
        let mut app = App::new(session, keymap);
        app.layers.open(LoginForm::new(base));
        app
    }

    /// The first commands: load the servers (nothing while the login screen shows).
    pub fn init(&mut self) -> Vec<Cmd> {
        if self.layers.is_open::<LoginForm>() {
            return Vec::new();
        }
        vec![self.model.load_servers()]
    }

    /// The automatic refresh: the server list, then the servers on screen (and any new
    /// ones), never the whole fleet; skipped while a load of the list or a full refresh runs.
    fn auto_refresh(&mut self) -> Vec<Cmd> {
        if self.layers.is_open::<LoginForm>()
            || self.model.fleet.servers.loading.is_some()
            || self.model.fleet.queue.round.is_some()
        {
            return Vec::new();
        }
        let cmd = self.model.load_servers();
        self.model.fleet.light_refresh = self.model.fleet.servers.loading;
        vec![cmd]
    }

    /// Sends the next loads (see [`Model::send_loads`]), none while the login screen asks for
    /// the session.
    pub(crate) fn pump(&mut self) -> Vec<Cmd> {
        // While the login screen asks for the session, loads wait for it.
        if self.layers.is_open::<LoginForm>() {
            return Vec::new();
        }
        self.model.send_loads()
    }

    /// Whether a once-a-minute tick is needed: countdowns and ages are on screen.
    pub fn wants_minute_tick(&self) -> bool {
        !self.layers.is_open::<LoginForm>()
            && self.model.fleet.servers_loaded()
            && !self.model.fleet.visible.is_empty()
    }

    /// Work to do before a frame is drawn (pure, no I/O): the fleet view is computed again
    /// once per frame at most, however many answers arrived.
    pub fn prepare(&mut self) {
        self.model.refilter_if_stale();
        self.layers.prepare(&self.model);
    }

    /// Whether anything moves on screen (a spinner or a timed notice), so ticks are needed.
    pub fn needs_tick(&self) -> bool {
        self.busy()
            || self.model.notice.is_some()
            || self.layers.wants_tick()
            || self.model.fleet.queue.retrying()
    }

    /// Whether any request is in flight.
    pub fn busy(&self) -> bool {
        self.model.busy() || self.layers.busy()
    }

    /// Handles one message; then sends the loads the client has room for, and keeps the
    /// fleet in the cache once everything asked for has arrived.
    pub fn update(&mut self, msg: Msg) -> Vec<Cmd> {
        self.model.expire_notice();
        let mut cmds = self.handle(msg);
        if !self.model.quit {
            cmds.extend(self.pump());
            if !self.model.fleet.busy() {
                cmds.extend(self.model.save_cache());
            }
        }
        cmds
    }

    fn handle(&mut self, msg: Msg) -> Vec<Cmd> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Resize { width, height } => self.resized(width, height),
            Msg::Quit => self.model.quit_now(),
            Msg::Mouse(ev) => self.on_mouse(&ev),
            Msg::Tick => {
                // A notice that is due went before the message was handled.
                self.model.spin();
                Vec::new()
            }
            Msg::Adopt(_) => Vec::new(),
            Msg::AutoRefresh => self.auto_refresh(),
            Msg::Cached(kept) => {
                // Read at start: shown only if the account on screen is still the one it was
                // read for (a profile switch may have come first).
                if let Some(cache) = kept.cached.filter(|c| {
                    self.model.session.cache_key.as_ref()
                        == Some(&(c.host.clone(), c.account.clone()))
                }) {
                    self.model.show_cached(cache);
                }
                if let Some(e) = kept.error {
                    self.model.notify(e, true);
                }
                Vec::new()
            }
            Msg::LoggedIn { result } => login::on_logged_in(self, result),
            Msg::CodeChecked { result } => login::on_code_checked(self, result),
            Msg::Renewed { result } => login::on_renewed(self, result),
            Msg::Resumed { result } => login::on_resumed(self, result),
            Msg::Paste(text) => self.on_paste(text.expose()),
            Msg::PanelFilter { req, fields } => {
                // Same rule as the list it belongs to: an answer to an older request is dropped.
                if self.model.fleet.servers.loading == Some(req) {
                    self.model.fleet.panel_filter = fields;
                }
                Vec::new()
            }
            Msg::Instances { req, result } => self.on_instances(req, result),
            Msg::Schedules {
                instance,
                req,
                result,
            } => self.on_schedules(instance, req, result),
            Msg::Backups {
                instance,
                req,
                result,
            } => self.on_backups(instance, req, result),
            Msg::RetentionSet {
                instance,
                keep,
                result,
            } => retention::on_set(&mut self.model, &mut self.layers, instance, keep, result),
            Msg::Applied {
                batch,
                index,
                result,
            } => plan::on_applied(&mut self.model, &mut self.layers, batch, index, result),
            Msg::Restored { instance, result } => self.model.on_restored(instance, result),
            Msg::Warnings(list) => {
                if let Some(text) = text::warnings(&list) {
                    self.model.notify(text, true);
                }
                Vec::new()
            }
            msg @ Msg::EntryRestored { .. } => {
                journal::on_restored(&mut self.model, &mut self.layers, msg)
            }
            Msg::JournalRead { result } => {
                journal::on_read(&mut self.model, &mut self.layers, result)
            }
            Msg::Switched { result } => self.on_switched(result),
            Msg::SwitchedToLogin { info } => self.on_switched_to_login(*info),
            Msg::Saved { instance, result } => {
                match form::on_saved(&mut self.model, &mut self.layers, instance, result) {
                    Some(reason) => login::reopen(self, reason),
                    None => Vec::new(),
                }
            }
            Msg::Deleted {
                instance,
                id,
                result,
            } => self.model.on_deleted(instance, id, result),
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Cmd> {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            if plan::ask_before_quit(&mut self.model, &mut self.layers) {
                return Vec::new();
            }
            return self.model.quit_now();
        }
        if let Some(mut layer) = self.layers.pop() {
            return match layer.on_key(&mut self.model, &key) {
                Step::Keep(cmds) => {
                    self.layers.open_boxed(layer);
                    cmds
                }
                Step::Close(cmds) => cmds,
                Step::Replace(next) => {
                    self.layers.open_boxed(next);
                    Vec::new()
                }
            };
        }
        self.on_main_key(&key)
    }
}
