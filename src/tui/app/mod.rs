//! All of the TUI's state, and `update`: one message in, commands out. No I/O, no await.
//!
//! The state is split by concern: [`Session`] (which account, labels only), [`Fleet`] (what
//! was loaded), [`Panes`] (the main screen's selection and filter) and the open
//! [`Layers`](crate::tui::layers::Layers) (dialogs and views, each in its own module).

mod cached;
pub mod fleet;
mod loads;
mod mouse;
mod notice;
pub mod panes;
mod profiles;
pub mod queue;
pub mod session;
mod triage;
pub mod undo;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use fleet::{Fleet, Loaded, RowInfo, ServerSchedules};
pub use notice::{ERROR_NOTICE_FOR, NOTICE_FOR, Notice};
pub use panes::{Pane, Panes};
pub use queue::{Kind, LoadQueue};
pub use session::Session;
pub use undo::{UNDO_WINDOW, Undo};

use super::keymap::Keymap;
use super::layers::upcoming::UpcomingView;
use super::layers::{Layers, Step, login::LoginForm};
use super::msg::{Cmd, Msg, ReqId};
use crate::api::ClientConfig;
use crate::domain::backups::Protection;
use crate::domain::timing::next_run;
use crate::domain::{Instance, InstanceId, Schedule};

/// A write held back because its server was shown from the cache: it is sent only once the
/// server has been listed afresh and still holds what the user saw.
#[derive(Debug, Clone)]
pub struct Deferred {
    /// The server.
    pub instance: InstanceId,
    /// The schedule the write was made from (an edit or a delete), as shown.
    pub before: Option<Schedule>,
    /// The write.
    pub cmd: Cmd,
}

/// The whole TUI state.
#[derive(Debug)]
pub struct App {
    /// Key bindings.
    pub keymap: Keymap,
    /// The account on screen.
    pub session: Session,
    /// Its servers and what was loaded for them.
    pub fleet: Fleet,
    /// The main screen's focus, selection and filter.
    pub panes: Panes,
    /// The open dialogs and views.
    pub layers: Layers,
    /// The status line.
    pub notice: Option<Notice>,
    /// The last delete, while it can be undone.
    pub undo: Option<Undo>,
    /// The time now, set by the loop before each batch of messages (tests set it by hand).
    pub now: jiff::Timestamp,
    /// Whether the loop should end.
    pub quit: bool,
    /// The terminal's size, as the loop last said (tests set it by hand): the lists page by
    /// what it shows.
    pub screen: ratatui::layout::Rect,
    /// Whether the mouse is captured (`mouse` in the config file; on unless turned off).
    pub mouse: bool,
    /// Where a profile switch (`P`) stands.
    pub(crate) switching: profiles::Switching,
    /// Spinner frame.
    spinner: usize,
    next_req: ReqId,
    next_batch: u64,
}

impl App {
    /// A fresh app for an account.
    pub fn new(session: Session, keymap: Keymap) -> App {
        App {
            keymap,
            session,
            fleet: Fleet::default(),
            panes: Panes::default(),
            layers: Layers::default(),
            notice: None,
            undo: None,
            now: jiff::Timestamp::UNIX_EPOCH,
            quit: false,
            screen: ratatui::layout::Rect::new(0, 0, 80, 24),
            mouse: true,
            switching: profiles::Switching::default(),
            spinner: 0,
            next_req: 0,
            next_batch: 0,
        }
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
        vec![self.load_servers()]
    }

    /// The spinner's frame number.
    pub fn spinner(&self) -> usize {
        self.spinner
    }

    fn req(&mut self) -> ReqId {
        self.next_req += 1;
        self.next_req
    }

    /// A new batch number for a bulk apply.
    pub(crate) fn batch(&mut self) -> u64 {
        self.next_batch += 1;
        self.next_batch
    }

    pub(crate) fn load_servers(&mut self) -> Cmd {
        let req = self.req();
        self.fleet.servers.loading = Some(req);
        self.fleet.light_refresh = None;
        Cmd::LoadInstances { req }
    }

    /// The automatic refresh: the server list, then the servers on screen (and any new
    /// ones), never the whole fleet; skipped while a load of the list or a full refresh runs.
    fn auto_refresh(&mut self) -> Vec<Cmd> {
        if self.layers.is_open::<LoginForm>()
            || self.fleet.servers.loading.is_some()
            || self.fleet.queue.round.is_some()
        {
            return Vec::new();
        }
        let cmd = self.load_servers();
        self.fleet.light_refresh = self.fleet.servers.loading;
        vec![cmd]
    }

    /// Asks for a server's schedules now, before the background loads (after an action).
    pub(crate) fn load_schedules(&mut self, instance: InstanceId) {
        self.fleet.queue.ask(instance, Kind::Schedules, true);
    }

    /// Asks for a server's backups now, before the background loads (after an action).
    pub(crate) fn load_backups(&mut self, instance: InstanceId) {
        self.fleet.queue.ask(instance, Kind::Backups, true);
    }

    /// How many loads the client runs at a time (one: the API serves a session serially).
    fn load_limit(&self) -> usize {
        self.session
            .settings
            .as_ref()
            .map_or(1, |s| s.concurrency.max(1))
    }

    /// Sends the next loads while the client has room: asked-for ones first, then the
    /// selected server, the rows around it, and the rest (see [`queue`]).
    pub(crate) fn pump(&mut self) -> Vec<Cmd> {
        // While the login screen asks for the session, loads wait for it.
        if self.layers.is_open::<LoginForm>() {
            return Vec::new();
        }
        let limit = self.load_limit();
        let mut cmds = Vec::new();
        let selected = self.panes.server_sel;
        let selected_id = self.selected_server().map(|s| s.id);
        self.fleet.queue.wake(self.now, selected_id);
        while self.fleet.queue.has_room(limit) {
            let Some((id, kind)) = self.fleet.next_load(selected) else {
                break;
            };
            let req = self.req();
            self.fleet.queue.sent(req, id, kind);
            cmds.push(match kind {
                Kind::Schedules => {
                    self.fleet.schedules.entry(id).or_default().loading = Some(req);
                    Cmd::LoadSchedules { instance: id, req }
                }
                Kind::Backups => {
                    self.fleet.backups.entry(id).or_default().loading = Some(req);
                    Cmd::LoadBackups { instance: id, req }
                }
            });
        }
        cmds
    }

    /// Sends a write, unless its server's schedules are the cached copy: then the server is
    /// listed first, and the write goes only if what the user saw is still so (see
    /// [`App::on_fresh`]).
    pub(crate) fn write(&mut self, cmd: Cmd) -> Vec<Cmd> {
        let (instance, before) = match &cmd {
            Cmd::Edit {
                instance, before, ..
            }
            | Cmd::Delete {
                instance, before, ..
            } => (*instance, Some((**before).clone())),
            Cmd::SetRetention { instance, .. } => (*instance, None),
            _ => return vec![cmd],
        };
        if self.fleet.schedules_fresh(instance) {
            return vec![cmd];
        }
        self.fleet.deferred.push(Deferred {
            instance,
            before,
            cmd,
        });
        self.load_schedules(instance);
        Vec::new()
    }

    /// Shows a schedule of `instance` as a write's answer gave it, without listing the server
    /// again, and selects it when its server is the selected one.
    pub(crate) fn show_written(&mut self, instance: InstanceId, s: Schedule) {
        let id = s.id;
        self.fleet.put_schedule(instance, s);
        self.upcoming_changed();
        if self.selected_server().is_some_and(|x| x.id == instance)
            && let Some(i) = self.current_schedules().iter().position(|x| x.id == id)
        {
            self.panes.sched_sel = i;
        }
    }

    /// Whether a once-a-minute tick is needed: countdowns and ages are on screen.
    pub fn wants_minute_tick(&self) -> bool {
        !self.layers.is_open::<LoginForm>()
            && self.fleet.servers_loaded()
            && !self.fleet.visible.is_empty()
    }

    /// A server's protection, once its schedules and backups are both loaded.
    pub fn protection(&self, id: InstanceId) -> Option<Protection> {
        self.row(id).protection
    }

    /// What a server row shows, computed once per data change and minute, not per frame.
    pub fn row(&self, id: InstanceId) -> RowInfo {
        self.fleet.row(id, &self.session.zones, self.now)
    }

    /// Work to do before a frame is drawn (pure, no I/O): the fleet view is computed again
    /// once per frame at most, however many answers arrived.
    pub fn prepare(&mut self) {
        self.refilter_if_stale();
        if self.layers.get::<UpcomingView>().is_some_and(|v| v.stale) {
            let data = UpcomingView::compute(self);
            let shown = super::ui::upcoming::rows_shown(self);
            if let Some(v) = self.layers.get_mut::<UpcomingView>() {
                v.replace(data, shown);
            }
        }
    }

    /// The view of upcoming runs must be computed again (schedules arrived or the list changed).
    pub(crate) fn upcoming_changed(&mut self) {
        if let Some(v) = self.layers.get_mut::<UpcomingView>() {
            v.stale = true;
        }
    }

    /// A schedule's next run.
    pub fn next_run_of(&self, s: &Schedule) -> Option<jiff::Timestamp> {
        next_run(s.days, s.time, &self.session.zones.server, self.now)
    }

    /// Whether anything moves on screen (a spinner or a timed notice), so ticks are needed.
    pub fn needs_tick(&self) -> bool {
        self.busy()
            || self.notice.is_some()
            || self.layers.wants_tick()
            || self.fleet.queue.retrying()
    }

    /// Whether any request is in flight.
    pub fn busy(&self) -> bool {
        self.fleet.busy() || self.layers.busy() || self.undo.as_ref().is_some_and(|u| u.running)
    }

    /// The selected server.
    pub fn selected_server(&self) -> Option<&Instance> {
        self.fleet
            .visible
            .get(self.panes.server_sel)
            .and_then(|i| self.fleet.servers().get(*i))
    }

    /// The selected server's schedules, if loaded.
    pub fn current_schedules(&self) -> &[Schedule] {
        self.selected_server()
            .and_then(|s| self.fleet.schedules_of(s.id))
            .map(|l| l.schedules.as_slice())
            .unwrap_or(&[])
    }

    /// The selected schedule.
    pub fn selected_schedule(&self) -> Option<&Schedule> {
        self.current_schedules().get(self.panes.sched_sel)
    }

    /// Handles one message; then sends the loads the client has room for, and keeps the
    /// fleet in the cache once everything asked for has arrived.
    pub fn update(&mut self, msg: Msg) -> Vec<Cmd> {
        self.expire_notice();
        let mut cmds = self.handle(msg);
        if !self.quit {
            cmds.extend(self.pump());
            if !self.fleet.busy() {
                cmds.extend(self.save_cache());
            }
        }
        cmds
    }

    fn handle(&mut self, msg: Msg) -> Vec<Cmd> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Resize { width, height } => self.resized(width, height),
            Msg::Quit => self.quit_now(),
            Msg::Mouse(ev) => self.on_mouse(&ev),
            Msg::Tick => {
                // A notice that is due went before the message was handled.
                self.spinner = self.spinner.wrapping_add(1);
                Vec::new()
            }
            Msg::Adopt(_) => Vec::new(),
            Msg::AutoRefresh => self.auto_refresh(),
            Msg::Cached(kept) => {
                // Read at start: shown only if the account on screen is still the one it was
                // read for (a profile switch may have come first).
                if let Some(cache) = kept.cached.filter(|c| {
                    self.session.cache_key.as_ref() == Some(&(c.host.clone(), c.account.clone()))
                }) {
                    self.show_cached(cache);
                }
                if let Some(e) = kept.error {
                    self.notify(e, true);
                }
                Vec::new()
            }
            Msg::LoggedIn { result } => super::layers::login::on_logged_in(self, result),
            Msg::CodeChecked { result } => super::layers::login::on_code_checked(self, result),
            Msg::Renewed { result } => super::layers::login::on_renewed(self, result),
            Msg::Resumed { result } => super::layers::login::on_resumed(self, result),
            Msg::Paste(text) => super::input::on_paste(self, text.expose()),
            Msg::PanelFilter { req, fields } => {
                // Same rule as the list it belongs to: an answer to an older request is dropped.
                if self.fleet.servers.loading == Some(req) {
                    self.fleet.panel_filter = fields;
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
            } => super::layers::retention::on_set(self, instance, keep, result),
            Msg::Applied {
                batch,
                index,
                result,
            } => super::layers::plan::on_applied(self, batch, index, result),
            Msg::Restored { instance, result } => self.on_restored(instance, result),
            Msg::Warnings(list) => {
                if let Some(text) = super::text::warnings(&list) {
                    self.notify(text, true);
                }
                Vec::new()
            }
            msg @ Msg::EntryRestored { .. } => super::layers::journal::on_restored(self, msg),
            Msg::JournalRead { result } => super::layers::journal::on_read(self, result),
            Msg::Switched { result } => self.on_switched(result),
            Msg::SwitchedToLogin { info } => self.on_switched_to_login(*info),
            Msg::Saved { instance, result } => {
                super::layers::form::on_saved(self, instance, result)
            }
            Msg::Deleted {
                instance,
                id,
                result,
            } => self.on_deleted(instance, id, result),
        }
    }

    pub(crate) fn quit_now(&mut self) -> Vec<Cmd> {
        self.quit = true;
        // What arrived of a refresh still under way is kept too (the loop saves it before
        // it ends).
        let mut cmds: Vec<Cmd> = self.save_cache().into_iter().collect();
        cmds.push(Cmd::Quit);
        cmds
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Cmd> {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            if super::layers::plan::ask_before_quit(self) {
                return Vec::new();
            }
            return self.quit_now();
        }
        if let Some(mut layer) = self.layers.pop() {
            return match layer.on_key(self, &key) {
                Step::Keep(cmds) => {
                    self.layers.open(layer);
                    cmds
                }
                Step::Close(cmds) => cmds,
            };
        }
        self.on_main_key(&key)
    }
}
