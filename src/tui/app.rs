//! All of the TUI's state, and `update`: one message in, commands out. No I/O, no await.

use std::collections::{HashMap, HashSet};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::bulk::{PlanRow, PlanScreen, RowState};
use super::form::{Form, FormOutcome};
use super::keymap::{Action, Keymap};
use super::login::{LoginForm, LoginOutcome};
use super::msg::{Account, Cmd, Msg, ReqId};
use crate::api::{ApiError, Client, ClientConfig};
use crate::domain::backups::{Backup, Protection, assess};
use crate::domain::plan::{diff, stagger};
use crate::domain::timing::{Zones, hour_of_week, next_run, runs_between};
use crate::domain::{Instance, InstanceId, Schedule, ScheduleId, ScheduleList};
use crate::domain::{ScheduleName, ScheduleSpec};
use crate::journal::{Entry, Journal};

/// Ticks a notice stays up (a tick is 250 ms).
pub const NOTICE_TICKS: u32 = 24;
/// Rows a page jump moves.
pub const PAGE: usize = 10;

/// Which pane has focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The server list.
    Servers,
    /// The selected server's schedules.
    Schedules,
}

/// A timed message on the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
    /// Ticks left.
    pub ticks_left: u32,
}

/// Something loaded per server (its schedules, its backups) as the TUI holds it.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The last answer that arrived (kept on screen while a refresh runs).
    pub list: Option<T>,
    /// The newest request in flight.
    pub loading: Option<ReqId>,
    /// Why the last load failed.
    pub error: Option<String>,
    /// When the list last arrived.
    pub updated: Option<jiff::Timestamp>,
}

impl<T> Default for Loaded<T> {
    fn default() -> Loaded<T> {
        Loaded {
            list: None,
            loading: None,
            error: None,
            updated: None,
        }
    }
}

impl<T> Loaded<T> {
    /// Takes an answer if it is for the newest request; says whether it was.
    fn arrive<E: std::fmt::Display>(
        &mut self,
        req: ReqId,
        result: Result<T, E>,
        now: jiff::Timestamp,
    ) -> Option<Result<(), String>> {
        if self.loading != Some(req) {
            return None; // a newer request wins
        }
        self.loading = None;
        Some(match result {
            Ok(list) => {
                self.list = Some(list);
                self.error = None;
                self.updated = Some(now);
                Ok(())
            }
            Err(e) => {
                let text = e.to_string();
                self.error = Some(text.clone());
                Err(text)
            }
        })
    }
}

/// One server's schedules.
pub type ServerSchedules = Loaded<ScheduleList>;

/// The retention dialog: how many scheduled backups a server keeps (1-10), then a confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionDialog {
    /// The server.
    pub instance: InstanceId,
    /// Its name.
    pub server_name: String,
    /// The retention now, if known.
    pub current: Option<u8>,
    /// The value being chosen.
    pub value: u8,
    /// Whether the confirmation step shows.
    pub confirming: bool,
    /// The change is on its way.
    pub saving: bool,
    /// Why the last attempt failed.
    pub error: Option<String>,
}

/// One upcoming run in the fleet view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpcomingRow {
    /// When it starts.
    pub at: jiff::Timestamp,
    /// The server.
    pub server: String,
    /// Its data centre.
    pub datacenter: String,
    /// The schedule's name.
    pub schedule: String,
}

/// The fleet's upcoming backups and how they cluster, for the servers the filter shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    /// The soonest runs, soonest first.
    pub rows: Vec<UpcomingRow>,
    /// Runs in the coming week per local weekday (Monday first) and hour.
    pub heat: [[u32; 24]; 7],
    /// Servers with schedules loaded / servers shown.
    pub servers: (usize, usize),
    /// The busiest hour of the week, and the data centre that starts most backups in it.
    pub peak: Option<Peak>,
}

/// The hour of the week when most backups start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peak {
    /// Local weekday.
    pub day: crate::domain::Day,
    /// Local hour.
    pub hour: u8,
    /// Backups starting in that hour.
    pub count: u32,
    /// The data centre with the most of them.
    pub datacenter: String,
    /// How many of them are in that data centre.
    pub dc_count: u32,
}

/// What a server row shows that takes computing: its next run and its protection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowInfo {
    /// The soonest run of its schedules.
    pub next: Option<jiff::Timestamp>,
    /// Whether its schedules produce backups (None until both lists arrived).
    pub protection: Option<Protection>,
}

/// How long a delete can be undone with `u` (afterwards: `bsched restore` from the journal).
pub const UNDO_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);

/// The last delete, while it can be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    /// The deleted schedule.
    pub schedule: Schedule,
    /// Its server's name.
    pub server: String,
    /// Until when `u` brings it back.
    pub until: jiff::Timestamp,
    /// The restore is on its way.
    pub running: bool,
}

/// The journal view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JournalView {
    /// The entries, newest last (None while loading).
    pub entries: Option<Vec<Entry>>,
    /// Why they could not be read.
    pub error: Option<String>,
}

/// How many upcoming runs the fleet view lists.
pub const UPCOMING_ROWS: usize = 200;

/// The delete waiting for `y`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmDelete {
    /// The server's name.
    pub server_name: String,
    /// The schedule.
    pub schedule: Schedule,
}

/// The whole TUI state.
#[derive(Debug)]
pub struct App {
    /// Account shown in the header.
    pub account: String,
    /// API host shown in the header.
    pub host: String,
    /// Key bindings.
    pub keymap: Keymap,
    /// Every server, in the API's order.
    pub servers: Vec<Instance>,
    /// Whether the server list has arrived once.
    pub servers_loaded: bool,
    /// The server list request in flight.
    pub servers_loading: Option<ReqId>,
    /// Why the last server load failed.
    pub servers_error: Option<String>,
    /// The fields of the panel's server filter that are set (empty: off, or not known). While
    /// it is on, the server list may be missing servers, and every view of it says so.
    pub panel_filter: Vec<String>,
    /// The server filter.
    pub filter: String,
    /// Whether the filter is being typed.
    pub filter_editing: bool,
    /// Indices into `servers` that match the filter.
    pub visible: Vec<usize>,
    /// Selected row of `visible`.
    pub server_sel: usize,
    /// Selected schedule row.
    pub sched_sel: usize,
    /// Schedules per server.
    pub schedules: HashMap<InstanceId, ServerSchedules>,
    /// Focused pane.
    pub pane: Pane,
    /// The open form.
    pub form: Option<Form>,
    /// The open delete dialog.
    pub confirm: Option<ConfirmDelete>,
    /// Whether help is shown.
    pub help: bool,
    /// Schedules with a delete in flight.
    pub deleting: HashSet<ScheduleId>,
    /// The status line.
    pub notice: Option<Notice>,
    /// Spinner frame.
    pub spinner: usize,
    /// Select this schedule when its server's list arrives (after a save).
    pub select_after_load: Option<ScheduleId>,
    /// Whether the loop should end.
    pub quit: bool,
    /// The login screen, while no session exists yet.
    pub login: Option<LoginForm>,
    /// The API handle the loop's tasks use (None until logged in).
    pub client: Option<Client>,
    /// The time now, set by the loop before each batch of messages (tests set it by hand).
    pub now: jiff::Timestamp,
    /// When the server list last arrived.
    pub servers_updated: Option<jiff::Timestamp>,
    /// The server's zone and the user's.
    pub zones: Zones,
    /// Backups per server.
    pub backups: HashMap<InstanceId, Loaded<Vec<Backup>>>,
    /// The fleet's upcoming backups, while that view is open.
    pub upcoming: Option<Upcoming>,
    /// Whether `upcoming` must be computed again before the next frame.
    pub upcoming_stale: bool,
    /// The retention dialog.
    pub retention: Option<RetentionDialog>,
    /// The active profile.
    pub profile: String,
    /// Every profile of the config file (`P` cycles through them).
    pub profiles: Vec<String>,
    /// The config file named on the command line, for switching profiles.
    pub config_path: Option<std::path::PathBuf>,
    /// The profile named for the run (`--profile`): the environment's account variables apply
    /// to it alone.
    pub run_profile: Option<String>,
    /// Where changes are recorded.
    pub journal: Option<Journal>,
    /// Marked servers (bulk apply, copy).
    pub marked: std::collections::BTreeSet<InstanceId>,
    /// The bulk apply plan screen.
    pub plan: Option<PlanScreen>,
    /// The last delete, while it can be undone.
    pub undo: Option<Undo>,
    /// The journal view.
    pub journal_view: Option<JournalView>,
    /// Schedules with a delete in flight, as they were listed (for undo).
    pub delete_info: HashMap<ScheduleId, (Schedule, String)>,
    next_req: ReqId,
    next_batch: u64,
    /// Schedule and backup lists on their way (kept as a count: `busy` runs every frame).
    loads: usize,
    /// Bumped whenever schedules or backups arrive: row caches older than it are stale.
    data_version: u64,
    /// Server rows computed for the current data version and minute.
    row_cache: std::cell::RefCell<HashMap<InstanceId, (u64, i64, RowInfo)>>,
}

impl App {
    /// A fresh app for an account.
    pub fn new(account: &str, host: &str, keymap: Keymap) -> App {
        App {
            account: account.to_string(),
            host: host.to_string(),
            keymap,
            servers: Vec::new(),
            servers_loaded: false,
            servers_loading: None,
            servers_error: None,
            panel_filter: Vec::new(),
            filter: String::new(),
            filter_editing: false,
            visible: Vec::new(),
            server_sel: 0,
            sched_sel: 0,
            schedules: HashMap::new(),
            pane: Pane::Servers,
            form: None,
            confirm: None,
            help: false,
            deleting: HashSet::new(),
            notice: None,
            spinner: 0,
            select_after_load: None,
            quit: false,
            login: None,
            client: None,
            now: jiff::Timestamp::UNIX_EPOCH,
            servers_updated: None,
            zones: Zones::default(),
            backups: HashMap::new(),
            upcoming: None,
            upcoming_stale: false,
            retention: None,
            profile: crate::config::DEFAULT_PROFILE.to_string(),
            profiles: Vec::new(),
            config_path: None,
            run_profile: None,
            journal: None,
            marked: Default::default(),
            plan: None,
            undo: None,
            journal_view: None,
            delete_info: HashMap::new(),
            next_req: 0,
            next_batch: 0,
            loads: 0,
            data_version: 0,
            row_cache: Default::default(),
        }
    }

    /// An app connected through `client`.
    pub fn connected(client: Client, account: &str, keymap: Keymap) -> App {
        let mut app = App::new(account, &client.host(), keymap);
        app.client = Some(client);
        app
    }

    /// An app on an account (a profile's client, journal and zones).
    pub fn on_account(acc: Account, keymap: Keymap) -> App {
        let mut app = App::connected(acc.client, &acc.account, keymap);
        app.profile = acc.profile;
        app.journal = Some(acc.journal);
        app.zones = acc.zones;
        app
    }

    /// The context the loop's tasks run with.
    pub fn ctx(&self) -> super::worker::Ctx {
        super::worker::Ctx {
            client: self.client.clone(),
            journal: self.journal.clone(),
        }
    }

    /// An app that starts on the login screen, pre-filled from the profile's settings.
    pub fn login_screen(base: ClientConfig, keymap: Keymap) -> App {
        let mut app = App::new("", base.url.host_str().unwrap_or("?"), keymap);
        app.login = Some(LoginForm::new(base));
        app
    }

    /// The first commands: load the servers (nothing while the login screen shows).
    pub fn init(&mut self) -> Vec<Cmd> {
        if self.login.is_some() {
            return Vec::new();
        }
        vec![self.load_servers()]
    }

    fn req(&mut self) -> ReqId {
        self.next_req += 1;
        self.next_req
    }

    fn load_servers(&mut self) -> Cmd {
        let req = self.req();
        self.servers_loading = Some(req);
        Cmd::LoadInstances { req }
    }

    fn load_schedules(&mut self, instance: InstanceId) -> Cmd {
        let req = self.req();
        let entry = self.schedules.entry(instance).or_default();
        if entry.loading.replace(req).is_none() {
            self.loads += 1;
        }
        Cmd::LoadSchedules { instance, req }
    }

    fn load_backups(&mut self, instance: InstanceId) -> Cmd {
        let req = self.req();
        if self
            .backups
            .entry(instance)
            .or_default()
            .loading
            .replace(req)
            .is_none()
        {
            self.loads += 1;
        }
        Cmd::LoadBackups { instance, req }
    }

    /// Whether a once-a-minute tick is needed: countdowns and ages are on screen.
    pub fn wants_minute_tick(&self) -> bool {
        self.login.is_none() && self.servers_loaded && !self.visible.is_empty()
    }

    /// A server's protection, once its schedules and backups are both loaded.
    pub fn protection(&self, id: InstanceId) -> Option<Protection> {
        self.row(id).protection
    }

    /// What a server row shows, computed once per data change and minute, not per frame.
    pub fn row(&self, id: InstanceId) -> RowInfo {
        let minute = self.now.as_second().div_euclid(60);
        if let Ok(cache) = self.row_cache.try_borrow()
            && let Some((v, m, info)) = cache.get(&id)
            && *v == self.data_version
            && *m == minute
        {
            return info.clone();
        }
        let schedules = self.schedules.get(&id).and_then(|e| e.list.as_ref());
        let backups = self.backups.get(&id).and_then(|e| e.list.as_ref());
        let info = RowInfo {
            next: schedules
                .and_then(|l| l.schedules.iter().filter_map(|s| self.next_run_of(s)).min()),
            protection: match (schedules, backups) {
                (Some(s), Some(b)) => Some(assess(&s.schedules, b, &self.zones.server, self.now)),
                _ => None,
            },
        };
        if let Ok(mut cache) = self.row_cache.try_borrow_mut() {
            cache.insert(id, (self.data_version, minute, info.clone()));
        }
        info
    }

    /// Work to do before a frame is drawn (pure, no I/O): the fleet view is computed again
    /// once per frame at most, however many answers arrived.
    pub fn prepare(&mut self) {
        if self.upcoming.is_some() && self.upcoming_stale {
            self.upcoming = Some(self.compute_upcoming());
            self.upcoming_stale = false;
        }
    }

    /// The next week of runs of the servers the filter shows.
    pub fn compute_upcoming(&self) -> Upcoming {
        let tz = &self.zones.server;
        let week = self.now + jiff::SignedDuration::from_hours(24 * 7);
        let mut heat = [[0u32; 24]; 7];
        let mut per_dc: HashMap<(usize, usize, &str), u32> = HashMap::new();
        let mut rows = Vec::new();
        let mut loaded = 0;
        for i in &self.visible {
            let server = &self.servers[*i];
            let Some(list) = self.schedules.get(&server.id).and_then(|e| e.list.as_ref()) else {
                continue;
            };
            loaded += 1;
            for s in &list.schedules {
                for at in runs_between(s.days, s.time, tz, self.now, week) {
                    let (d, h) = hour_of_week(&self.zones.local, at);
                    heat[d][h] += 1;
                    *per_dc
                        .entry((d, h, server.datacenter.as_str()))
                        .or_default() += 1;
                    rows.push(UpcomingRow {
                        at,
                        server: server.name.clone(),
                        datacenter: server.datacenter.clone(),
                        schedule: s.name.clone(),
                    });
                }
            }
        }
        rows.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.server.cmp(&b.server)));
        rows.truncate(UPCOMING_ROWS);
        // The busiest hour (the earliest in the week on a tie) and its busiest data centre.
        let peak = (0..7)
            .flat_map(|d| (0..24).map(move |h| (d, h)))
            .filter(|&(d, h)| heat[d][h] > 0)
            .max_by_key(|&(d, h)| (heat[d][h], std::cmp::Reverse((d, h))))
            .map(|(d, h)| {
                let (dc, n) = per_dc
                    .iter()
                    .filter(|((pd, ph, _), _)| *pd == d && *ph == h)
                    .map(|((_, _, dc), n)| (*dc, *n))
                    .max_by_key(|(dc, n)| (*n, std::cmp::Reverse(*dc)))
                    .unwrap_or(("", 0));
                Peak {
                    day: crate::domain::DAYS[d],
                    hour: h as u8,
                    count: heat[d][h],
                    datacenter: dc.to_string(),
                    dc_count: n,
                }
            });
        Upcoming {
            rows,
            heat,
            servers: (loaded, self.visible.len()),
            peak,
        }
    }

    /// The selected schedule's next run.
    pub fn next_run_of(&self, s: &Schedule) -> Option<jiff::Timestamp> {
        next_run(s.days, s.time, &self.zones.server, self.now)
    }

    /// Whether anything moves on screen (a spinner or a timed notice), so ticks are needed.
    pub fn needs_tick(&self) -> bool {
        self.busy() || self.notice.is_some() || self.login.as_ref().is_some_and(|l| l.busy)
    }

    /// Whether any request is in flight.
    pub fn busy(&self) -> bool {
        self.servers_loading.is_some()
            || !self.deleting.is_empty()
            || self.form.as_ref().is_some_and(|f| f.saving)
            || self.retention.as_ref().is_some_and(|r| r.saving)
            || self
                .plan
                .as_ref()
                .is_some_and(|p| p.started && !p.finished())
            || self.undo.as_ref().is_some_and(|u| u.running)
            || self
                .journal_view
                .as_ref()
                .is_some_and(|j| j.entries.is_none() && j.error.is_none())
            || self.loads > 0
    }

    /// The selected server.
    pub fn selected_server(&self) -> Option<&Instance> {
        self.visible
            .get(self.server_sel)
            .and_then(|i| self.servers.get(*i))
    }

    /// The selected server's schedules, if loaded.
    pub fn current_schedules(&self) -> &[Schedule] {
        self.selected_server()
            .and_then(|s| self.schedules.get(&s.id))
            .and_then(|s| s.list.as_ref())
            .map(|l| l.schedules.as_slice())
            .unwrap_or(&[])
    }

    /// The selected schedule.
    pub fn selected_schedule(&self) -> Option<&Schedule> {
        self.current_schedules().get(self.sched_sel)
    }

    fn notify(&mut self, text: impl Into<String>, error: bool) {
        self.notice = Some(Notice {
            text: text.into(),
            error,
            ticks_left: NOTICE_TICKS,
        });
    }

    /// Recomputes which servers match the filter (case-insensitive, on name, IP, data centre).
    fn refilter(&mut self) {
        let needle = self.filter.to_lowercase();
        self.visible = self
            .servers
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                needle.is_empty()
                    || s.name.to_lowercase().contains(&needle)
                    || s.ip.contains(&needle)
                    || s.datacenter.to_lowercase().contains(&needle)
            })
            .map(|(i, _)| i)
            .collect();
        self.server_sel = self.server_sel.min(self.visible.len().saturating_sub(1));
    }

    /// Handles one message.
    pub fn update(&mut self, msg: Msg) -> Vec<Cmd> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Resize => Vec::new(),
            Msg::Quit => {
                self.quit = true;
                vec![Cmd::Quit]
            }
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                if let Some(n) = &mut self.notice {
                    n.ticks_left = n.ticks_left.saturating_sub(1);
                    if n.ticks_left == 0 {
                        self.notice = None;
                    }
                }
                Vec::new()
            }
            Msg::LoggedIn { result } => self.on_logged_in(result),
            Msg::CodeChecked { result } => {
                let Some(login) = self.login.as_mut() else {
                    return Vec::new();
                };
                match result {
                    Ok(()) => self.enter(),
                    Err(e) => {
                        login.failed(login_error(&e));
                        Vec::new()
                    }
                }
            }
            Msg::PanelFilter { req, fields } => {
                // Same rule as the list it belongs to: an answer to an older request is dropped.
                if self.servers_loading == Some(req) {
                    self.panel_filter = fields;
                }
                Vec::new()
            }
            Msg::Instances { req, result } => self.on_instances(req, result),
            Msg::Schedules {
                instance,
                req,
                result,
            } => {
                let now = self.now;
                let Some(arrived) = self
                    .schedules
                    .get_mut(&instance)
                    .and_then(|e| e.arrive(req, result, now))
                else {
                    return Vec::new();
                };
                self.loads = self.loads.saturating_sub(1);
                self.data_version += 1;
                self.upcoming_stale = true;
                let mut cmds = self.recheck_plan(instance, arrived.as_ref().err());
                match arrived {
                    Ok(()) => {
                        if self.selected_server().is_some_and(|s| s.id == instance) {
                            if let Some(id) = self.select_after_load.take()
                                && let Some(i) =
                                    self.current_schedules().iter().position(|s| s.id == id)
                            {
                                self.sched_sel = i;
                            }
                            self.sched_sel = self
                                .sched_sel
                                .min(self.current_schedules().len().saturating_sub(1));
                        }
                    }
                    Err(e) => self.notify(format!("Could not load schedules: {e}"), true),
                }
                cmds.shrink_to_fit();
                cmds
            }
            Msg::Backups {
                instance,
                req,
                result,
            } => {
                let now = self.now;
                let arrived = self
                    .backups
                    .get_mut(&instance)
                    .and_then(|e| e.arrive(req, result, now));
                if arrived.is_some() {
                    self.loads = self.loads.saturating_sub(1);
                    self.data_version += 1;
                }
                if let Some(Err(e)) = arrived {
                    self.notify(format!("Could not load backups: {e}"), true);
                }
                Vec::new()
            }
            Msg::RetentionSet {
                instance,
                keep,
                result,
            } => self.on_retention_set(instance, keep, result),
            Msg::Applied {
                batch,
                index,
                result,
            } => {
                if let Some(plan) = self.plan.as_mut().filter(|p| p.batch == batch)
                    && let Some(row) = plan.rows.get_mut(index)
                {
                    row.state = match result {
                        Ok(()) => RowState::Done(
                            match row.change.verb() {
                                "create" => "created",
                                "update" => "replaced",
                                "delete" => "deleted",
                                "retention" => "retention set",
                                _ => "done",
                            }
                            .into(),
                        ),
                        Err(e) => RowState::Failed(e.to_string()),
                    };
                    if plan.finished() {
                        let (done, failed, _) = plan.progress();
                        let text = if failed == 0 {
                            format!("Applied {done} changes.")
                        } else {
                            format!(
                                "{failed} of {} changes failed; r retries them.",
                                done + failed
                            )
                        };
                        self.notify(text, failed > 0);
                    }
                }
                Vec::new()
            }
            Msg::Restored { instance, result } => {
                let Some(undo) = self.undo.as_mut() else {
                    return Vec::new();
                };
                undo.running = false;
                match result {
                    Ok(s) => {
                        self.undo = None;
                        self.notify(
                            format!("Undone: '{}' is back (schedule {}).", s.name, s.id),
                            false,
                        );
                        if self.selected_server().is_some_and(|x| x.id == instance) {
                            self.select_after_load = Some(s.id);
                        }
                        vec![self.load_schedules(instance)]
                    }
                    Err(e) => {
                        self.notify(format!("Undo failed: {e}"), true);
                        Vec::new()
                    }
                }
            }
            Msg::Warnings(list) => {
                if let Some(first) = list.first() {
                    let more = match list.len() {
                        1 => String::new(),
                        n => format!(" (and {} more)", n - 1),
                    };
                    self.notify(format!("⚠ {first}{more}"), true);
                }
                Vec::new()
            }
            Msg::JournalRead { result } => {
                if let Some(view) = self.journal_view.as_mut() {
                    match result {
                        Ok(entries) => view.entries = Some(entries),
                        Err(e) => view.error = Some(e),
                    }
                }
                Vec::new()
            }
            Msg::Switched { result } => match result {
                Ok(acc) => self.switch_to(*acc),
                Err(e) => {
                    self.notify(format!("Cannot switch profile: {e}"), true);
                    Vec::new()
                }
            },
            Msg::Saved { instance, result } => self.on_saved(instance, result),
            Msg::Deleted {
                instance,
                id,
                result,
            } => {
                self.deleting.remove(&id);
                let info = self.delete_info.remove(&id);
                match result {
                    Ok(()) => {
                        match info {
                            Some((schedule, server)) => {
                                let undo_keys = self.keymap.keys_for(Action::Undo);
                                self.notify(
                                    format!(
                                        "Deleted '{}' on {server}. {undo_keys} undoes.",
                                        schedule.name
                                    ),
                                    false,
                                );
                                self.undo = Some(Undo {
                                    schedule,
                                    server,
                                    until: self.now + UNDO_WINDOW,
                                    running: false,
                                });
                            }
                            None => self.notify(format!("Deleted schedule {id}."), false),
                        }
                        vec![self.load_schedules(instance)]
                    }
                    Err(e) => {
                        self.notify(format!("Delete failed: {e}"), true);
                        Vec::new()
                    }
                }
            }
        }
    }

    fn on_logged_in(&mut self, result: Result<(Client, bool), ApiError>) -> Vec<Cmd> {
        let Some(login) = self.login.as_mut() else {
            return Vec::new();
        };
        match result {
            Ok((client, needs_code)) => {
                self.host = client.host();
                self.account = client.username().unwrap_or_default().to_string();
                self.client = Some(client);
                if needs_code {
                    login.ask_code();
                    Vec::new()
                } else {
                    self.enter()
                }
            }
            Err(e) => {
                login.failed(login_error(&e));
                Vec::new()
            }
        }
    }

    fn on_retention_set(
        &mut self,
        instance: InstanceId,
        keep: u8,
        result: Result<(), ApiError>,
    ) -> Vec<Cmd> {
        let Some(dialog) = self.retention.as_mut() else {
            return Vec::new();
        };
        dialog.saving = false;
        match result {
            Ok(()) => {
                let name = dialog.server_name.clone();
                self.retention = None;
                self.notify(format!("{name} now keeps {keep} scheduled backups."), false);
                vec![self.load_schedules(instance), self.load_backups(instance)]
            }
            Err(e) => {
                dialog.confirming = false;
                dialog.error = Some(e.to_string());
                Vec::new()
            }
        }
    }

    fn retention_key(&mut self, key: &KeyEvent) -> Vec<Cmd> {
        let Some(d) = self.retention.as_mut() else {
            return Vec::new();
        };
        if d.saving {
            return Vec::new();
        }
        if d.confirming {
            match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    d.saving = true;
                    d.error = None;
                    return vec![Cmd::SetRetention {
                        instance: d.instance,
                        before: d.current,
                        keep: d.value,
                    }];
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => d.confirming = false,
                _ => {}
            }
            return Vec::new();
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => self.retention = None,
            KeyCode::Up | KeyCode::Right | KeyCode::Char('k') | KeyCode::Char('+') => {
                d.value = (d.value + 1).min(10)
            }
            KeyCode::Down | KeyCode::Left | KeyCode::Char('j') | KeyCode::Char('-') => {
                d.value = d.value.saturating_sub(1).max(1)
            }
            KeyCode::Char(c @ '1'..='9') => d.value = c as u8 - b'0',
            KeyCode::Char('0') => d.value = 10,
            KeyCode::Enter => {
                if d.current == Some(d.value) {
                    let text = format!("{} already keeps {}.", d.server_name, d.value);
                    self.retention = None;
                    self.notify(text, false);
                } else {
                    d.confirming = true;
                    d.error = None;
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// Leaves the login screen and loads the servers.
    fn enter(&mut self) -> Vec<Cmd> {
        self.login = None;
        self.notify(format!("Logged in as {}.", self.account), false);
        self.init()
    }

    fn on_instances(
        &mut self,
        req: ReqId,
        result: Result<Vec<Instance>, crate::api::ApiError>,
    ) -> Vec<Cmd> {
        if self.servers_loading != Some(req) {
            return Vec::new();
        }
        self.servers_loading = None;
        match result {
            Ok(list) => {
                let selected = self.selected_server().map(|s| s.id);
                self.servers = list;
                self.servers_loaded = true;
                self.servers_error = None;
                self.servers_updated = Some(self.now);
                self.refilter();
                if let Some(pos) = selected
                    .and_then(|id| self.visible.iter().position(|i| self.servers[*i].id == id))
                {
                    self.server_sel = pos;
                }
                self.upcoming_stale = true;
                // Every server's schedules and backups, except those already on their way.
                let ids: Vec<InstanceId> = self.servers.iter().map(|s| s.id).collect();
                let mut cmds = Vec::new();
                for id in ids {
                    if self.schedules.get(&id).is_none_or(|e| e.loading.is_none()) {
                        cmds.push(self.load_schedules(id));
                    }
                    if self.backups.get(&id).is_none_or(|e| e.loading.is_none()) {
                        cmds.push(self.load_backups(id));
                    }
                }
                cmds
            }
            Err(e) => {
                self.servers_error = Some(e.to_string());
                self.notify(format!("Could not load servers: {e}"), true);
                self.relogin_if_needed(&e);
                Vec::new()
            }
        }
    }

    fn on_saved(
        &mut self,
        instance: InstanceId,
        result: Result<Schedule, crate::api::ApiError>,
    ) -> Vec<Cmd> {
        let Some(form) = self.form.as_mut() else {
            return Vec::new();
        };
        form.saving = false;
        match result {
            Ok(s) => {
                let verb = if form.editing.is_some() {
                    "Saved"
                } else {
                    "Created"
                };
                self.notify(format!("{verb} schedule '{}'.", s.name), false);
                self.form = None;
                self.pane = Pane::Schedules;
                self.select_after_load = Some(s.id);
                vec![self.load_schedules(instance)]
            }
            Err(e) => {
                // The form stays open with everything typed, and the API's reason.
                form.error = Some(e.to_string());
                Vec::new()
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Cmd> {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return vec![Cmd::Quit];
        }
        if let Some(login) = &mut self.login {
            return match login.on_key(&key) {
                LoginOutcome::Stay => Vec::new(),
                LoginOutcome::Quit => {
                    self.quit = true;
                    vec![Cmd::Quit]
                }
                LoginOutcome::Login(cfg) => vec![Cmd::Login { cfg }],
                LoginOutcome::Code(code) => vec![Cmd::ConfirmCode { code }],
            };
        }
        if self.retention.is_some() {
            return self.retention_key(&key);
        }
        if self.help {
            if matches!(
                key.code,
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q')
            ) {
                self.help = false;
            }
            return Vec::new();
        }
        if self.plan.is_some() {
            return self.plan_key(&key);
        }
        if self.journal_view.is_some() {
            if self.closes(&key, Action::Journal) {
                self.journal_view = None;
            }
            return Vec::new();
        }
        if self.upcoming.is_some() {
            if self.closes(&key, Action::Upcoming) {
                self.upcoming = None;
            }
            return Vec::new();
        }
        if let Some(c) = &self.confirm {
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    let c = c.clone();
                    self.confirm = None;
                    self.deleting.insert(c.schedule.id);
                    self.delete_info
                        .insert(c.schedule.id, (c.schedule.clone(), c.server_name.clone()));
                    vec![Cmd::Delete {
                        instance: c.schedule.instance_id,
                        before: Box::new(c.schedule),
                        server: c.server_name,
                    }]
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                    self.confirm = None;
                    Vec::new()
                }
                _ => Vec::new(),
            };
        }
        if let Some(form) = &mut self.form {
            return match form.on_key(&key) {
                FormOutcome::Stay => Vec::new(),
                FormOutcome::Cancel => {
                    self.form = None;
                    Vec::new()
                }
                FormOutcome::Submit(spec) if form.is_bulk() => {
                    let form = form.clone();
                    self.plan_bulk(&form, spec);
                    Vec::new()
                }
                FormOutcome::Submit(spec) => {
                    let instance = form.instance;
                    let cmd = match form.editing {
                        Some(id) => {
                            let Some(before) = self
                                .schedules
                                .get(&instance)
                                .and_then(|e| e.list.as_ref())
                                .and_then(|l| l.schedules.iter().find(|s| s.id == id))
                                .cloned()
                            else {
                                form.error = Some(
                                    "this schedule is no longer listed; refresh with r".into(),
                                );
                                return Vec::new();
                            };
                            Cmd::Edit {
                                instance,
                                before: Box::new(before),
                                spec,
                            }
                        }
                        None => Cmd::Create { instance, spec },
                    };
                    form.saving = true;
                    vec![cmd]
                }
            };
        }
        if self.filter_editing {
            self.filter_key(&key);
            return Vec::new();
        }
        let Some(action) = self.keymap.action(&key) else {
            if key.code == KeyCode::Esc && !self.filter.is_empty() {
                self.filter.clear();
                self.refilter();
            }
            return Vec::new();
        };
        self.on_action(action)
    }

    /// Whether `key` closes a full-screen view opened by `opener`: Esc, q or its own key.
    fn closes(&self, key: &KeyEvent, opener: Action) -> bool {
        matches!(key.code, KeyCode::Esc | KeyCode::Char('q'))
            || self.keymap.action(key) == Some(opener)
    }

    fn filter_key(&mut self, key: &KeyEvent) {
        match key.code {
            KeyCode::Enter => {
                self.filter_editing = false;
                self.server_sel = 0;
                self.pane = Pane::Servers;
            }
            KeyCode::Esc => {
                self.filter_editing = false;
                self.filter.clear();
            }
            KeyCode::Backspace => {
                self.filter.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.filter.push(c)
            }
            _ => return,
        }
        self.server_sel = 0;
        self.sched_sel = 0;
        self.refilter();
    }

    fn move_sel(&mut self, f: impl Fn(usize, usize) -> usize) {
        match self.pane {
            Pane::Servers => {
                let n = self.visible.len();
                if n > 0 {
                    let new = f(self.server_sel, n).min(n - 1);
                    if new != self.server_sel {
                        self.server_sel = new;
                        self.sched_sel = 0;
                    }
                }
            }
            Pane::Schedules => {
                let n = self.current_schedules().len();
                if n > 0 {
                    self.sched_sel = f(self.sched_sel, n).min(n - 1);
                }
            }
        }
    }

    fn on_action(&mut self, action: Action) -> Vec<Cmd> {
        match action {
            Action::Quit => {
                self.quit = true;
                return vec![Cmd::Quit];
            }
            Action::Help => self.help = true,
            Action::Refresh => {
                let mut cmds = vec![self.load_servers()];
                if let Some(id) = self.selected_server().map(|s| s.id) {
                    cmds.push(self.load_schedules(id));
                    cmds.push(self.load_backups(id));
                }
                return cmds;
            }
            Action::SwitchPane => {
                self.pane = match self.pane {
                    Pane::Servers => Pane::Schedules,
                    Pane::Schedules => Pane::Servers,
                }
            }
            Action::Up => self.move_sel(|s, _| s.saturating_sub(1)),
            Action::Down => self.move_sel(|s, _| s + 1),
            Action::Top => self.move_sel(|_, _| 0),
            Action::Bottom => self.move_sel(|_, n| n - 1),
            Action::PageUp => self.move_sel(|s, _| s.saturating_sub(PAGE)),
            Action::PageDown => self.move_sel(|s, _| s + PAGE),
            Action::Filter => self.filter_editing = true,
            Action::New => match self.selected_server() {
                Some(s) => self.form = Some(Form::new(s.id, &s.name)),
                None => self.notify("No server selected.", true),
            },
            Action::Edit => {
                if self.pane == Pane::Servers {
                    self.pane = Pane::Schedules;
                } else if let (Some(s), Some(server)) =
                    (self.selected_schedule(), self.selected_server())
                {
                    self.form = Some(Form::edit(s, &server.name));
                }
            }
            Action::Mark => {
                if let Some(id) = self.selected_server().map(|s| s.id)
                    && !self.marked.remove(&id)
                {
                    self.marked.insert(id);
                }
                // Like a file manager: marking moves on to the next row.
                if self.pane == Pane::Servers {
                    self.move_sel(|s, _| s + 1);
                }
            }
            Action::MarkAll => {
                let shown: Vec<InstanceId> =
                    self.visible.iter().map(|i| self.servers[*i].id).collect();
                if shown.iter().all(|id| self.marked.contains(id)) {
                    for id in &shown {
                        self.marked.remove(id);
                    }
                } else {
                    self.marked.extend(shown);
                }
            }
            Action::BulkApply => {
                let targets = self.marked_targets(None);
                if targets.is_empty() {
                    self.notify(
                        "Mark servers first: Space marks one, * marks all shown.",
                        true,
                    );
                } else {
                    self.form = Some(Form::bulk(targets, None));
                }
            }
            Action::Copy => match (self.pane, self.selected_schedule().cloned()) {
                (Pane::Schedules, Some(s)) => {
                    let targets = self.marked_targets(Some(s.instance_id));
                    if targets.is_empty() {
                        self.notify(
                            "Mark the servers to copy to first (Space in the servers pane).",
                            true,
                        );
                    } else {
                        self.form = Some(Form::bulk(targets, Some(&s)));
                    }
                }
                _ => self.notify(
                    "Select a schedule to copy (Tab moves to the schedules).",
                    true,
                ),
            },
            Action::Undo => return self.undo_delete(),
            Action::Journal => {
                self.journal_view = Some(JournalView::default());
                return vec![Cmd::LoadJournal];
            }
            Action::Profile => {
                if self.profiles.len() < 2 {
                    self.notify(
                        "Only one profile: add [profiles.NAME] sections to the config file to switch accounts.",
                        true,
                    );
                } else {
                    let i = self.profiles.iter().position(|p| *p == self.profile);
                    let next =
                        self.profiles[i.map_or(0, |i| (i + 1) % self.profiles.len())].clone();
                    self.notify(format!("Opening profile {next}…"), false);
                    return vec![Cmd::SwitchProfile {
                        name: next,
                        config: self.config_path.clone(),
                        run_profile: self.run_profile.clone(),
                    }];
                }
            }
            Action::Upcoming => {
                self.upcoming = Some(self.compute_upcoming());
                self.upcoming_stale = false;
            }
            Action::Retention => match self.selected_server() {
                Some(s) => {
                    let current = self
                        .schedules
                        .get(&s.id)
                        .and_then(|e| e.list.as_ref())
                        .and_then(|l| l.backup_rotation);
                    self.retention = Some(RetentionDialog {
                        instance: s.id,
                        server_name: s.name.clone(),
                        current,
                        value: current.unwrap_or(5).clamp(1, 10),
                        confirming: false,
                        saving: false,
                        error: None,
                    });
                }
                None => self.notify("No server selected.", true),
            },
            Action::Delete => {
                if let (Pane::Schedules, Some(s), Some(server)) =
                    (self.pane, self.selected_schedule(), self.selected_server())
                {
                    if !self.deleting.contains(&s.id) {
                        self.confirm = Some(ConfirmDelete {
                            server_name: server.name.clone(),
                            schedule: s.clone(),
                        });
                    }
                } else {
                    self.notify(
                        "Select a schedule first (Tab moves to the schedules).",
                        true,
                    );
                }
            }
        }
        Vec::new()
    }
}

/// A failed login as the screen shows it: one sentence, starting with a capital.
fn login_error(e: &ApiError) -> String {
    let text = match e {
        ApiError::Auth(m) => m.clone(),
        ApiError::Refused { message, .. } => message.clone(),
        other => other.to_string(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => format!("{}{}", c.to_uppercase(), chars.as_str()),
        None => "Login failed.".to_string(),
    }
}

impl App {
    /// The marked servers (in id order), except `skip`, as form targets.
    fn marked_targets(&self, skip: Option<InstanceId>) -> Vec<(InstanceId, String)> {
        self.marked
            .iter()
            .filter(|id| Some(**id) != skip)
            .filter_map(|id| {
                self.servers
                    .iter()
                    .find(|s| s.id == *id)
                    .map(|s| (s.id, s.name.clone()))
            })
            .collect()
    }

    /// Builds the plan of a bulk form: one row per server, with its staggered time.
    fn plan_bulk(&mut self, form: &Form, spec: ScheduleSpec) {
        let times = match form.spread {
            Some(until) => match stagger(form.targets.len(), spec.time(), until) {
                Ok(t) => t,
                Err(e) => {
                    if let Some(f) = self.form.as_mut() {
                        f.error = Some(e.to_string());
                    }
                    return;
                }
            },
            None => vec![spec.time(); form.targets.len()],
        };
        let mut rows = Vec::new();
        for ((id, name), time) in form.targets.iter().zip(times) {
            let Some(list) = self.schedules.get(id).and_then(|e| e.list.as_ref()) else {
                if let Some(f) = self.form.as_mut() {
                    f.error = Some(format!(
                        "the schedules of {name} are not loaded yet; wait a moment or refresh with r"
                    ));
                }
                return;
            };
            let Ok(wanted) = ScheduleSpec::new(spec.name().clone(), spec.days(), time) else {
                return;
            };
            for change in diff(*id, &list.schedules, std::slice::from_ref(&wanted), false) {
                rows.push(PlanRow {
                    instance: *id,
                    server: name.clone(),
                    spec: wanted.clone(),
                    change,
                    state: RowState::Planned,
                });
            }
        }
        self.next_batch += 1;
        self.form = None;
        self.plan = Some(PlanScreen {
            batch: self.next_batch,
            rows,
            started: false,
            scroll: 0,
            title: format!("'{}' {}", spec.name().as_str(), spec.days().display()),
        });
    }

    fn plan_key(&mut self, key: &KeyEvent) -> Vec<Cmd> {
        let Some(plan) = self.plan.as_mut() else {
            return Vec::new();
        };
        let page = PAGE;
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => {
                plan.scroll = (plan.scroll + 1).min(plan.rows.len().saturating_sub(1))
            }
            KeyCode::Up | KeyCode::Char('k') => plan.scroll = plan.scroll.saturating_sub(1),
            KeyCode::PageDown => {
                plan.scroll = (plan.scroll + page).min(plan.rows.len().saturating_sub(1))
            }
            KeyCode::PageUp => plan.scroll = plan.scroll.saturating_sub(page),
            KeyCode::Enter | KeyCode::Char('y') if !plan.started => {
                plan.started = true;
                let batch = plan.batch;
                let mut cmds = Vec::new();
                for (index, row) in plan.rows.iter_mut().enumerate() {
                    if row.change.is_change() {
                        row.state = RowState::Running;
                        cmds.push(Cmd::ApplyChange {
                            batch,
                            index,
                            change: Box::new(row.change.clone()),
                            server: row.server.clone(),
                        });
                    } else {
                        row.state = RowState::Done("already so".into());
                    }
                }
                if cmds.is_empty() {
                    self.notify("Nothing to change: every server already has it.", false);
                }
                return cmds;
            }
            KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('q') if !plan.started => {
                self.plan = None;
                self.notify("Nothing was applied.", false);
            }
            KeyCode::Char('r') if plan.finished() && plan.progress().1 > 0 => {
                // Retry: list the failed servers again and plan them afresh, so a change whose
                // answer was lost is not sent twice.
                let mut servers = Vec::new();
                for row in plan.rows.iter_mut() {
                    if matches!(row.state, RowState::Failed(_)) {
                        row.state = RowState::Rechecking;
                        if !servers.contains(&row.instance) {
                            servers.push(row.instance);
                        }
                    }
                }
                return servers
                    .into_iter()
                    .flat_map(|id| [self.load_schedules(id)])
                    .collect();
            }
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') if plan.finished() => {
                let touched: std::collections::BTreeSet<InstanceId> = plan
                    .rows
                    .iter()
                    .filter(|r| r.change.is_change())
                    .map(|r| r.instance)
                    .collect();
                self.plan = None;
                self.marked.clear();
                return touched
                    .into_iter()
                    .flat_map(|id| [self.load_schedules(id), self.load_backups(id)])
                    .collect();
            }
            _ => {}
        }
        Vec::new()
    }

    /// After a server's schedules arrive: plan its rechecking rows again and run them.
    fn recheck_plan(&mut self, instance: InstanceId, failed: Option<&String>) -> Vec<Cmd> {
        let current = self
            .schedules
            .get(&instance)
            .and_then(|e| e.list.as_ref())
            .map(|l| l.schedules.clone());
        let Some(plan) = self.plan.as_mut() else {
            return Vec::new();
        };
        let batch = plan.batch;
        let mut cmds = Vec::new();
        for (index, row) in plan.rows.iter_mut().enumerate() {
            if row.instance != instance || row.state != RowState::Rechecking {
                continue;
            }
            if let Some(e) = failed {
                row.state = RowState::Failed(e.clone());
                continue;
            }
            let Some(current) = &current else { continue };
            let fresh = diff(instance, current, std::slice::from_ref(&row.spec), false);
            match fresh.into_iter().next() {
                Some(change) if change.is_change() => {
                    row.change = change.clone();
                    row.state = RowState::Running;
                    cmds.push(Cmd::ApplyChange {
                        batch,
                        index,
                        change: Box::new(change),
                        server: row.server.clone(),
                    });
                }
                _ => row.state = RowState::Done("already applied".into()),
            }
        }
        cmds
    }

    fn undo_delete(&mut self) -> Vec<Cmd> {
        let Some(undo) = self.undo.as_mut() else {
            self.notify("Nothing to undo.", true);
            return Vec::new();
        };
        if undo.running {
            return Vec::new();
        }
        if self.now > undo.until {
            let name = undo.schedule.name.clone();
            self.undo = None;
            self.notify(
                format!("Too late to undo the delete of '{name}' here; bsched restore can bring it back (see the journal, L)."),
                true,
            );
            return Vec::new();
        }
        let s = undo.schedule.clone();
        let server = undo.server.clone();
        let spec = ScheduleName::new(&s.name)
            .map_err(|e| e.to_string())
            .and_then(|n| ScheduleSpec::new(n, s.days, s.time).map_err(|e| e.to_string()));
        match spec {
            Ok(spec) => {
                undo.running = true;
                vec![Cmd::Restore {
                    instance: s.instance_id,
                    server,
                    spec,
                }]
            }
            Err(e) => {
                self.undo = None;
                self.notify(format!("Cannot undo: {e}"), true);
                Vec::new()
            }
        }
    }

    /// A session that cannot be renewed (a two-factor account, a changed password) opens the
    /// login screen again, pre-filled, instead of leaving the user with errors.
    fn relogin_if_needed(&mut self, e: &ApiError) {
        if !matches!(e, ApiError::Auth(_)) || self.login.is_some() {
            return;
        }
        if let Some(client) = &self.client {
            let mut form = LoginForm::new(client.settings_without_secrets());
            form.failed(format!("Log in again: {}", login_error(e)));
            self.login = Some(form);
        }
    }

    /// Leaves the current account for another profile's.
    fn switch_to(&mut self, acc: Account) -> Vec<Cmd> {
        self.host = acc.client.host();
        self.account = acc.account;
        self.profile = acc.profile;
        self.client = Some(acc.client);
        self.journal = Some(acc.journal);
        self.zones = acc.zones;
        self.servers.clear();
        self.visible.clear();
        self.servers_loaded = false;
        self.servers_error = None;
        self.servers_updated = None;
        self.panel_filter.clear();
        self.schedules.clear();
        self.backups.clear();
        self.loads = 0;
        self.data_version += 1;
        self.marked.clear();
        self.undo = None;
        self.plan = None;
        self.upcoming = None;
        self.deleting.clear();
        self.delete_info.clear();
        self.filter.clear();
        self.server_sel = 0;
        self.sched_sel = 0;
        self.pane = Pane::Servers;
        self.notify(
            format!("Profile {}: {}.", self.profile, self.account),
            false,
        );
        vec![self.load_servers()]
    }
}
