//! The fleet's upcoming backups and the heat map of start hours, for the servers the filter
//! shows. It scrolls, and Enter goes to the selected run's server and schedule in the panes.

use crossterm::event::KeyEvent;

use super::base::{Draw, Kind, LayerState, ListPos, Step, closes, nav};
use crate::domain::upcoming::{Upcoming, WEEK, upcoming};
use crate::tui::keymap::{Action, Section};
use crate::tui::model::{Model, Pane};
use crate::tui::text;

/// How many upcoming runs the fleet view lists.
pub const UPCOMING_ROWS: usize = 200;

/// The upcoming view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpcomingView {
    /// What it shows.
    pub data: Upcoming,
    /// Whether `data` must be computed again before the next frame.
    pub stale: bool,
    /// The selected run and the first one shown.
    pub pos: ListPos,
}

impl UpcomingView {
    /// The view of `data`.
    pub fn new(data: Upcoming) -> UpcomingView {
        UpcomingView {
            data,
            stale: false,
            pos: ListPos::default(),
        }
    }

    /// The next week of runs of the servers the filter shows.
    pub fn compute(app: &Model) -> Upcoming {
        let fleet = &app.fleet;
        let servers = fleet
            .shown()
            .map(|s| (s, fleet.schedules_of(s.id).map(|l| l.schedules.as_slice())));
        upcoming(servers, &app.session.zones, app.now, WEEK, UPCOMING_ROWS)
    }

    /// Shows `data` instead, keeping the selection on the same run when it is still listed.
    pub fn replace(&mut self, data: Upcoming, rows_shown: usize) {
        let key = self
            .data
            .rows
            .get(self.pos.sel)
            .map(|r| (r.instance_id, r.schedule_id, r.at));
        if let Some(i) = key.and_then(|k| {
            data.rows
                .iter()
                .position(|r| (r.instance_id, r.schedule_id, r.at) == k)
        }) {
            self.pos.offset = (self.pos.offset + i).saturating_sub(self.pos.sel);
            self.pos.sel = i;
        }
        self.data = data;
        self.stale = false;
        self.pos.clamp(self.data.rows.len(), rows_shown);
    }

    /// Closes the view and selects the run's server and schedule in the panes.
    fn open(&self, app: &mut Model) -> Step {
        let Some(row) = self.data.rows.get(self.pos.sel) else {
            return Step::stay();
        };
        let find = |app: &Model| {
            app.fleet
                .visible
                .iter()
                .position(|i| app.fleet.servers().get(*i).map(|s| s.id) == Some(row.instance_id))
        };
        let at = match find(app) {
            Some(i) => i,
            None => {
                // The filter hides it now (a refresh changed what it matches): cleared, and
                // said so.
                app.fleet.filter.clear();
                app.refilter();
                match find(app) {
                    Some(i) => {
                        app.notify(text::filter_cleared_for(&row.server), false);
                        i
                    }
                    None => {
                        app.notify(text::server_gone(&row.server), true);
                        return Step::stay();
                    }
                }
            }
        };
        app.panes.server_sel = at;
        app.panes.pane = Pane::Schedules;
        app.panes.sched_sel = app
            .current_schedules()
            .iter()
            .position(|s| s.id == row.schedule_id)
            .unwrap_or(0);
        Step::close()
    }
}

impl LayerState for UpcomingView {
    fn kind(&self) -> Kind {
        Kind::Upcoming
    }

    fn on_key(&mut self, app: &mut Model, key: &KeyEvent) -> Step {
        if closes(app, key, Action::Upcoming) {
            return Step::close();
        }
        if app.keymap.action_in(Section::View, key) == Some(Action::Open) {
            return self.open(app);
        }
        if let Some(action) = nav(app, key) {
            let h = self.rows_shown(app);
            self.pos.select(action, self.data.rows.len(), h);
        }
        Step::stay()
    }

    fn footer(&self, app: &Model) -> Vec<(String, String)> {
        text::upcoming_footer(&app.keymap)
    }
}
