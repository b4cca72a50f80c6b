//! What the TUI knows of the account's servers: the list, each server's schedules and backups,
//! the filter and the marks. A profile switch starts a new `Fleet`.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use super::queue::Kind;
use crate::domain::backups::{Backup, Protection, assess};
use crate::domain::filter::{Facts, Ignore, Query, Sort, State};
use crate::domain::timing::{Zones, next_run};
use crate::domain::{Instance, InstanceId, Schedule, ScheduleId, ScheduleList};
use crate::tui::msg::ReqId;

/// Something loaded (the server list, a server's schedules or backups) as the TUI holds it.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The last answer that arrived (kept on screen while a refresh runs).
    pub list: Option<T>,
    /// The newest request in flight.
    pub loading: Option<ReqId>,
    /// Why the last load failed.
    pub error: Option<String>,
    /// When the list last arrived (for a cached list: when it was seen).
    pub updated: Option<jiff::Timestamp>,
    /// Whether the list is the last-known one from the cache, not yet read again this run.
    /// Nothing is written to the API on the strength of a cached list.
    pub cached: bool,
}

impl<T> Default for Loaded<T> {
    fn default() -> Loaded<T> {
        Loaded {
            list: None,
            loading: None,
            error: None,
            updated: None,
            cached: false,
        }
    }
}

impl<T> Loaded<T> {
    /// Takes a list from the cache, seen at `seen`, unless one is there already (an answer
    /// that came first stays). A load on its way stays too: its answer replaces the copy.
    pub fn fill_from_cache(&mut self, list: T, seen: jiff::Timestamp) {
        if self.list.is_none() {
            self.list = Some(list);
            self.updated = Some(seen);
            self.cached = true;
        }
    }

    /// Whether the list was read from the API in this run (not from the cache).
    pub fn fresh(&self) -> bool {
        self.list.is_some() && !self.cached
    }

    /// Takes an answer if it is for the newest request; says whether it was.
    pub fn arrive<E: std::fmt::Display>(
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
                self.cached = false;
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

/// What a server row shows that takes computing: its next run and its protection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowInfo {
    /// The soonest run of its schedules.
    pub next: Option<jiff::Timestamp>,
    /// Whether its schedules produce backups (None until both lists arrived).
    pub protection: Option<Protection>,
}

/// The account's servers and what was loaded for them.
#[derive(Debug, Default)]
pub struct Fleet {
    /// Every server, in the API's order.
    pub servers: Loaded<Vec<Instance>>,
    /// The fields of the panel's server filter that are set (empty: off, or not known). While
    /// it is on, the server list may be missing servers, and every view of it says so.
    pub panel_filter: Vec<String>,
    /// Schedules per server.
    pub schedules: HashMap<InstanceId, ServerSchedules>,
    /// Backups per server.
    pub backups: HashMap<InstanceId, Loaded<Vec<Backup>>>,
    /// The server filter.
    pub filter: String,
    /// Indices into the server list that match the filter.
    pub visible: Vec<usize>,
    /// Marked servers (bulk apply, copy).
    pub marked: BTreeSet<InstanceId>,
    /// Schedules with a delete in flight, as they were listed, with their server's name.
    pub deleting: HashMap<ScheduleId, (Schedule, String)>,
    /// Schedule and backup loads, waiting or on their way, in the order they are sent.
    pub queue: super::queue::LoadQueue,
    /// The server list request of an automatic refresh: its answer refreshes the servers on
    /// screen and new ones only, not the whole fleet.
    pub(crate) light_refresh: Option<ReqId>,
    /// Writes held back until their server is listed afresh (it was shown from the cache).
    pub(crate) deferred: Vec<super::Deferred>,
    /// Each shown server's position in `visible`, built when the queue needs it.
    positions: Option<HashMap<InstanceId, usize>>,
    /// Bumped whenever schedules or backups arrive: row caches older than it are stale.
    pub(crate) data_version: u64,
    /// The data version last kept in the cache.
    pub(crate) saved_version: u64,
    /// Server rows computed for the current data version and minute.
    row_cache: RefCell<HashMap<InstanceId, (u64, i64, RowInfo)>>,
    /// The filter as read (empty when it has an error).
    pub query: Query,
    /// Why the filter cannot be read, if it cannot (then no server is shown).
    pub filter_error: Option<String>,
    /// The order of the server list (`s` cycles it).
    pub sort: Sort,
    /// The data version and minute `visible` was computed at, when it depends on them.
    pub(crate) filtered_at: Option<(u64, i64)>,
}

impl Fleet {
    /// Every server, in the API's order (empty until the list arrived).
    pub fn servers(&self) -> &[Instance] {
        self.servers.list.as_deref().unwrap_or(&[])
    }

    /// Whether the server list arrived once.
    pub fn servers_loaded(&self) -> bool {
        self.servers.list.is_some()
    }

    /// The servers the filter shows, in order.
    pub fn shown(&self) -> impl Iterator<Item = &Instance> {
        let all = self.servers();
        self.visible.iter().filter_map(|i| all.get(*i))
    }

    /// The server with this id.
    pub fn server(&self, id: InstanceId) -> Option<&Instance> {
        self.servers().iter().find(|s| s.id == id)
    }

    /// A server's schedules, if they arrived.
    pub fn schedules_of(&self, id: InstanceId) -> Option<&ScheduleList> {
        self.schedules.get(&id).and_then(|e| e.list.as_ref())
    }

    /// Whether a delete of this schedule is on its way.
    pub fn is_deleting(&self, id: ScheduleId) -> bool {
        self.deleting.contains_key(&id)
    }

    /// Whether any list is on its way.
    pub fn busy(&self) -> bool {
        self.servers.loading.is_some() || !self.deleting.is_empty() || self.queue.busy()
    }

    /// Notes that data changed: rows computed before are stale.
    pub(crate) fn arrived(&mut self) {
        self.data_version += 1;
    }

    /// Puts a schedule as a write's answer gave it into its server's list (replacing the one
    /// with its id), so a save needs no listing afterwards.
    pub(crate) fn put_schedule(&mut self, instance: InstanceId, s: Schedule) {
        self.change_list(instance, |list| {
            match list.schedules.iter_mut().find(|x| x.id == s.id) {
                Some(x) => *x = s,
                None => list.schedules.push(s),
            }
        });
    }

    /// Takes a deleted schedule out of its server's list.
    pub(crate) fn remove_schedule(&mut self, instance: InstanceId, id: ScheduleId) {
        self.change_list(instance, |list| list.schedules.retain(|s| s.id != id));
    }

    /// Notes a server's new retention.
    pub(crate) fn put_retention(&mut self, instance: InstanceId, keep: u8) {
        self.change_list(instance, |list| list.backup_rotation = Some(keep));
    }

    /// Changes a server's schedule list as a write's answer says (when it is shown at all).
    fn change_list(&mut self, instance: InstanceId, change: impl FnOnce(&mut ScheduleList)) {
        if let Some(list) = self
            .schedules
            .get_mut(&instance)
            .and_then(|l| l.list.as_mut())
        {
            change(list);
            self.data_version += 1;
        }
    }

    /// Whether anything on screen is still the cached copy.
    pub fn any_cached(&self) -> bool {
        self.servers.cached
            || self.schedules.values().any(|l| l.cached)
            || self.backups.values().any(|l| l.cached)
    }

    /// Whether `id`'s schedules were read from the API in this run.
    pub fn schedules_fresh(&self, id: InstanceId) -> bool {
        self.schedules.get(&id).is_some_and(Loaded::fresh)
    }

    /// The load to send next: see [`super::queue`]. `selected` is the selection's position
    /// in the filtered list.
    pub(crate) fn next_load(&mut self, selected: usize) -> Option<(InstanceId, Kind)> {
        if self.positions.is_none() {
            let all = self.servers();
            let map = self
                .visible
                .iter()
                .enumerate()
                .filter_map(|(pos, i)| all.get(*i).map(|s| (s.id, pos)))
                .collect();
            self.positions = Some(map);
        }
        let positions = self.positions.as_ref()?;
        self.queue
            .next(|id, kind| super::queue::rank(positions, selected, id, kind))
    }

    /// Recomputes which servers match the filter (see [`crate::domain::filter`]) and puts
    /// them in the chosen order. A filter that cannot be read shows no server and keeps its
    /// sentence in `filter_error`.
    pub(crate) fn refilter(&mut self, zones: &Zones, now: jiff::Timestamp, ignore: &Ignore) {
        match Query::parse(&self.filter) {
            Ok(q) => {
                self.query = q;
                self.filter_error = None;
            }
            Err(e) => {
                self.query = Query::default();
                self.filter_error = Some(e.to_string());
            }
        }
        let dynamic = self.query.uses_state() || self.sort.uses_data();
        self.filtered_at = dynamic.then(|| (self.data_version, now.as_second().div_euclid(60)));
        let mut visible: Vec<usize> = if self.filter_error.is_some() {
            Vec::new()
        } else {
            self.servers()
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    let state = if self.query.uses_state() {
                        self.state_of(s, zones, now, ignore)
                    } else {
                        None
                    };
                    self.query.matches(&Facts { server: s, state })
                })
                .map(|(i, _)| i)
                .collect()
        };
        self.sort_rows(&mut visible, zones, now, ignore);
        self.visible = visible;
        self.positions = None;
    }

    /// Puts rows (indices into the server list) in the chosen order; ties keep the API's.
    fn sort_rows(&self, rows: &mut [usize], zones: &Zones, now: jiff::Timestamp, ig: &Ignore) {
        let all = self.servers();
        let server = |i: &usize| all.get(*i);
        match self.sort {
            Sort::Api => {}
            Sort::Name => {
                rows.sort_by_cached_key(|i| server(i).map(|s| (s.name.to_lowercase(), s.id)))
            }
            Sort::Next => rows.sort_by_cached_key(|i| {
                let next = server(i).and_then(|s| self.row(s.id, zones, now).next);
                (next.is_none(), next)
            }),
            Sort::Backup => rows.sort_by_cached_key(|i| {
                // Never backed up first, then the oldest; not yet known last.
                match server(i).and_then(|s| self.row(s.id, zones, now).protection) {
                    Some(p) => (0, p.last().map_or(i64::MIN, |t| t.as_second())),
                    None => (1, 0),
                }
            }),
            Sort::State => rows.sort_by_cached_key(|i| {
                let state = server(i).and_then(|s| self.state_of(s, zones, now, ig));
                (state.is_none(), state)
            }),
        }
    }

    /// A server's backup state as the filter and the rows name it: `Ignored` when the
    /// profile's `ignore` list holds it, else its protection's (None until loaded).
    pub fn state_of(
        &self,
        s: &Instance,
        zones: &Zones,
        now: jiff::Timestamp,
        ignore: &Ignore,
    ) -> Option<State> {
        let own = self.row(s.id, zones, now).protection.map(|p| State::of(&p));
        if !ignore.is_empty() && ignore.matches(s, own) {
            Some(State::Ignored)
        } else {
            own
        }
    }

    /// Whether the rows shown depend on data or a minute that changed since they were chosen.
    pub(crate) fn filter_stale(&self, now: jiff::Timestamp) -> bool {
        self.filtered_at
            .is_some_and(|at| at != (self.data_version, now.as_second().div_euclid(60)))
    }

    /// The marked servers (in id order), except `skip`, as form targets.
    pub fn marked_targets(&self, skip: Option<InstanceId>) -> Vec<(InstanceId, String)> {
        self.marked
            .iter()
            .filter(|id| Some(**id) != skip)
            .filter_map(|id| self.server(*id).map(|s| (s.id, s.name.clone())))
            .collect()
    }

    /// What a server row shows, computed once per data change and minute, not per frame.
    pub fn row(&self, id: InstanceId, zones: &Zones, now: jiff::Timestamp) -> RowInfo {
        let minute = now.as_second().div_euclid(60);
        if let Ok(cache) = self.row_cache.try_borrow()
            && let Some((v, m, info)) = cache.get(&id)
            && *v == self.data_version
            && *m == minute
        {
            return info.clone();
        }
        let schedules = self.schedules_of(id);
        let backups = self.backups.get(&id).and_then(|e| e.list.as_ref());
        let info = RowInfo {
            next: schedules.and_then(|l| {
                l.schedules
                    .iter()
                    .filter_map(|s| next_run(s.days, s.time, &zones.server, now))
                    .min()
            }),
            protection: match (schedules, backups) {
                (Some(s), Some(b)) => Some(assess(&s.schedules, b, &zones.server, now)),
                _ => None,
            },
        };
        if let Ok(mut cache) = self.row_cache.try_borrow_mut() {
            cache.insert(id, (self.data_version, minute, info.clone()));
        }
        info
    }
}
