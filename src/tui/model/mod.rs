//! The TUI's model: what it shows and the operations on it, without the open layers. No
//! I/O, no await. The layers change it through `&mut Model`; the app above holds it with the
//! layers and routes each message.
//!
//! The state is split by concern: [`Session`] (which account, labels only), [`Fleet`] (what
//! was loaded), [`Panes`] (the main screen's selection and filter), the status line's
//! [`Notice`] and the last delete's [`Undo`].

mod cached;
pub mod fleet;
mod notice;
pub mod panes;
pub mod queue;
pub mod session;
mod triage;
pub mod undo;

pub use fleet::{Fleet, Loaded, RowInfo, ServerSchedules};
pub use notice::{ERROR_NOTICE_FOR, NOTICE_FOR, Notice};
pub use panes::{Pane, Panes};
pub use queue::{Kind, LoadQueue};
pub use session::Session;
pub use undo::{UNDO_WINDOW, Undo};

use super::keymap::Keymap;
use super::msg::{Cmd, ReqId};
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

/// What the TUI shows, apart from the open layers.
#[derive(Debug)]
pub struct Model {
    /// Key bindings.
    pub keymap: Keymap,
    /// The account on screen.
    pub session: Session,
    /// Its servers and what was loaded for them.
    pub fleet: Fleet,
    /// The main screen's focus, selection and filter.
    pub panes: Panes,
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
    /// Counts the changes to what the upcoming runs are computed from (schedules arrived,
    /// the server list changed): a view of them computes them again before the next frame
    /// when it changed since.
    pub runs_version: u64,
    /// Spinner frame.
    spinner: usize,
    next_req: ReqId,
    next_batch: u64,
}

impl Model {
    /// A fresh model for an account.
    pub fn new(session: Session, keymap: Keymap) -> Model {
        Model {
            keymap,
            session,
            fleet: Fleet::default(),
            panes: Panes::default(),
            notice: None,
            undo: None,
            now: jiff::Timestamp::UNIX_EPOCH,
            quit: false,
            screen: ratatui::layout::Rect::new(0, 0, 80, 24),
            mouse: true,
            runs_version: 0,
            spinner: 0,
            next_req: 0,
            next_batch: 0,
        }
    }

    /// Moves the spinner on (a tick).
    pub(crate) fn spin(&mut self) {
        self.spinner = self.spinner.wrapping_add(1);
    }

    /// Whether a request of the model is in flight (a load, a delete or an undo).
    pub fn busy(&self) -> bool {
        self.fleet.busy() || self.undo.as_ref().is_some_and(|u| u.running)
    }

    /// The spinner's frame number.
    pub fn spinner(&self) -> usize {
        self.spinner
    }

    pub(crate) fn req(&mut self) -> ReqId {
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

    /// The next loads, while the client has room: asked-for ones first, then the selected
    /// server, the rows around it, and the rest (see [`queue`]).
    pub(crate) fn send_loads(&mut self) -> Vec<Cmd> {
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
    /// the app's `on_fresh`).
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

    /// A server's protection, once its schedules and backups are both loaded.
    pub fn protection(&self, id: InstanceId) -> Option<Protection> {
        self.row(id).protection
    }

    /// What a server row shows, computed once per data change and minute, not per frame.
    pub fn row(&self, id: InstanceId) -> RowInfo {
        self.fleet.row(id, &self.session.zones, self.now)
    }

    /// The view of upcoming runs must be computed again (schedules arrived or the list changed).
    pub(crate) fn upcoming_changed(&mut self) {
        self.runs_version += 1;
    }

    /// A schedule's next run.
    pub fn next_run_of(&self, s: &Schedule) -> Option<jiff::Timestamp> {
        next_run(s.days, s.time, &self.session.zones.server, self.now)
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

    pub(crate) fn quit_now(&mut self) -> Vec<Cmd> {
        self.quit = true;
        // What arrived of a refresh still under way is kept too (the loop saves it before
        // it ends).
        let mut cmds: Vec<Cmd> = self.save_cache().into_iter().collect();
        cmds.push(Cmd::Quit);
        cmds
    }
}
