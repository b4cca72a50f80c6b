//! Triage on the main screen: the filter's words and their Tab completion, the sort, the
//! profile's ignored servers, and copying an id (see [`crate::domain::filter`]).

use super::{Model, Pane};
use crate::domain::Instance;
use crate::domain::filter::{Facts, Field, PRESET, State, complete};
use crate::tui::msg::Cmd;
use crate::tui::text;

impl Model {
    /// Recomputes the filtered rows, keeping the selection on the same server when it is still
    /// shown.
    pub(crate) fn refilter_keeping_selection(&mut self) {
        let selected = self.selected_server().map(|s| s.id);
        self.refilter();
        let servers = self.fleet.servers();
        if let Some(pos) = selected.and_then(|id| {
            self.fleet
                .visible
                .iter()
                .position(|i| servers.get(*i).is_some_and(|s| s.id == id))
        }) {
            self.panes.server_sel = pos;
        } else {
            self.panes.sched_sel = 0;
        }
    }

    /// Recomputes the rows when they depend on backup states or an order that loads (or the
    /// minute) changed since.
    pub(crate) fn refilter_if_stale(&mut self) {
        if self.fleet.filter_stale(self.now) {
            self.refilter_keeping_selection();
        }
    }

    /// `s`: the next order of the server list.
    pub(crate) fn cycle_sort(&mut self) {
        self.fleet.sort = self.fleet.sort.next();
        self.refilter_keeping_selection();
        self.notify(text::sorted(self.fleet.sort.label()), false);
    }

    /// Tab while the filter is typed: an empty filter becomes [`PRESET`] (the servers without
    /// a schedule) and is kept at once, so `/`, Tab, `*`, `A` mark them all for a schedule;
    /// otherwise the last word is completed (see [`complete`]) and typing goes on.
    pub(crate) fn complete_filter(&mut self) {
        if self.fleet.filter.trim().is_empty() {
            self.fleet.filter = PRESET.to_string();
            self.panes.filter_editing = false;
            self.panes.pane = Pane::Servers;
        } else {
            let servers = self.fleet.servers();
            let dcs: Vec<String> = servers.iter().map(|s| s.datacenter.clone()).collect();
            let statuses: Vec<String> = servers.iter().map(|s| s.status.clone()).collect();
            match complete(&self.fleet.filter, &dcs, &statuses) {
                Some(done) => self.fleet.filter = done,
                None => return,
            }
        }
        self.panes.server_sel = 0;
        self.panes.sched_sel = 0;
        self.refilter();
    }

    /// A server's backup state as the filter names it (`Ignored` for the profile's `ignore`
    /// list); None until its schedules and backups are loaded.
    pub fn state(&self, s: &Instance) -> Option<State> {
        self.fleet
            .state_of(s, &self.session.zones, self.now, &self.session.ignore)
    }

    /// Whether the profile's `ignore` list holds the server: it needs no backup.
    pub fn ignored(&self, s: &Instance) -> bool {
        !self.session.ignore.is_empty() && self.state(s) == Some(State::Ignored)
    }

    /// Why a shown server matched the filter, for the fields `hidden` says have no column on
    /// screen: `dc:Poland ip:10.0.0.7` (None when the visible columns say it all).
    pub fn match_note(&self, s: &Instance, hidden: impl Fn(Field) -> bool) -> Option<String> {
        if self.fleet.query.is_empty() {
            return None;
        }
        let facts = Facts {
            server: s,
            state: None,
        };
        let notes: Vec<String> = self
            .fleet
            .query
            .reasons(&facts)
            .into_iter()
            .filter(|(f, _)| hidden(*f))
            .map(|(f, v)| format!("{}:{v}", f.key()))
            .collect();
        (!notes.is_empty()).then(|| notes.join(" "))
    }

    /// `y`: the selected server's id (servers pane) or schedule's id (schedules pane) to the
    /// clipboard; the loop writes it to the terminal (OSC 52).
    pub(crate) fn copy_id(&mut self) -> Vec<Cmd> {
        let copied = match self.panes.pane {
            Pane::Servers => self
                .selected_server()
                .map(|s| (s.id, text::server_named(&s.name)))
                .ok_or(text::NO_SERVER),
            Pane::Schedules => self
                .selected_schedule()
                .map(|s| (s.id, text::schedule_named(&s.name)))
                .ok_or(text::NO_SCHEDULE),
        };
        match copied {
            Ok((id, what)) => {
                self.notify(text::copied(&what, id), false);
                vec![Cmd::Clipboard {
                    text: id.to_string(),
                }]
            }
            Err(why) => {
                self.notify(why, true);
                Vec::new()
            }
        }
    }
}
