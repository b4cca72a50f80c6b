//! What the TUI knows of the account's servers: the list, each server's schedules and backups,
//! the filter and the marks. A profile switch starts a new `Fleet`.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use crate::domain::backups::{Backup, Protection, assess};
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
    /// Schedule and backup lists on their way (kept as a count: `busy` runs every frame).
    pub(crate) loads: usize,
    /// Bumped whenever schedules or backups arrive: row caches older than it are stale.
    pub(crate) data_version: u64,
    /// Server rows computed for the current data version and minute.
    row_cache: RefCell<HashMap<InstanceId, (u64, i64, RowInfo)>>,
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
        self.servers.loading.is_some() || !self.deleting.is_empty() || self.loads > 0
    }

    /// Marks a load of `id`'s schedules as on its way.
    pub(crate) fn loading_schedules(&mut self, id: InstanceId, req: ReqId) {
        if self
            .schedules
            .entry(id)
            .or_default()
            .loading
            .replace(req)
            .is_none()
        {
            self.loads += 1;
        }
    }

    /// Marks a load of `id`'s backups as on its way.
    pub(crate) fn loading_backups(&mut self, id: InstanceId, req: ReqId) {
        if self
            .backups
            .entry(id)
            .or_default()
            .loading
            .replace(req)
            .is_none()
        {
            self.loads += 1;
        }
    }

    /// Counts an answer that arrived: rows computed before it are stale.
    pub(crate) fn arrived(&mut self) {
        self.loads = self.loads.saturating_sub(1);
        self.data_version += 1;
    }

    /// Recomputes which servers match the filter (case-insensitive, on name, IP, data centre).
    pub(crate) fn refilter(&mut self) {
        let needle = self.filter.to_lowercase();
        self.visible = self
            .servers()
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
