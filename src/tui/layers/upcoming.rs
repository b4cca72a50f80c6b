//! The fleet's upcoming backups and the heat map of start hours, for the servers the filter
//! shows. It scrolls, and Enter goes to the selected run's server and schedule in the panes.

use crossterm::event::KeyEvent;

use super::base::{Areas, Draw, Gesture, Kind, LayerState, ListPos, Step, closes, nav};
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
    /// The model's [`Model::runs_version`] `data` was computed at.
    pub version: u64,
    /// The selected run and the first one shown.
    pub pos: ListPos,
}

impl UpcomingView {
    /// The view of the model's upcoming runs.
    pub fn open(model: &Model) -> UpcomingView {
        UpcomingView {
            data: UpcomingView::compute(model),
            version: model.runs_version,
            pos: ListPos::default(),
        }
    }

    /// Whether what the runs are computed from changed since `data` was.
    pub fn stale(&self, model: &Model) -> bool {
        self.version != model.runs_version
    }

    /// The next week of runs of the servers the filter shows.
    pub fn compute(model: &Model) -> Upcoming {
        let fleet = &model.fleet;
        let servers = fleet
            .shown()
            .map(|s| (s, fleet.schedules_of(s.id).map(|l| l.schedules.as_slice())));
        upcoming(
            servers,
            &model.session.zones,
            model.now,
            WEEK,
            UPCOMING_ROWS,
        )
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
        self.pos.clamp(self.data.rows.len(), rows_shown);
    }

    /// Closes the view and selects the run's server and schedule in the panes.
    fn go_to(&self, model: &mut Model) -> Step {
        let Some(row) = self.data.rows.get(self.pos.sel) else {
            return Step::stay();
        };
        let find =
            |model: &Model| {
                model.fleet.visible.iter().position(|i| {
                    model.fleet.servers().get(*i).map(|s| s.id) == Some(row.instance_id)
                })
            };
        let at = match find(model) {
            Some(i) => i,
            None => {
                // The filter hides it now (a refresh changed what it matches): cleared, and
                // said so.
                model.fleet.filter.clear();
                model.refilter();
                match find(model) {
                    Some(i) => {
                        model.notify(text::filter_cleared_for(&row.server), false);
                        i
                    }
                    None => {
                        model.notify(text::server_gone(&row.server), true);
                        return Step::stay();
                    }
                }
            }
        };
        model.panes.server_sel = at;
        model.panes.pane = Pane::Schedules;
        model.panes.sched_sel = model
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

    fn on_key(&mut self, model: &mut Model, key: &KeyEvent) -> Step {
        if closes(model, key, Action::Upcoming) {
            return Step::close();
        }
        if model.keymap.action_in(Section::View, key) == Some(Action::Open) {
            return self.go_to(model);
        }
        if let Some(action) = nav(model, key) {
            let h = self.rows_shown(model);
            self.pos.select(action, self.data.rows.len(), h);
        }
        Step::stay()
    }

    fn prepare(&mut self, model: &Model) {
        if self.stale(model) {
            let data = UpcomingView::compute(model);
            let shown = self.rows_shown(model);
            self.replace(data, shown);
            self.version = model.runs_version;
        }
    }

    fn footer(&self, model: &Model) -> Vec<(String, String)> {
        text::upcoming_footer(&model.keymap)
    }

    fn on_mouse(&mut self, model: &Model, g: Gesture, areas: Areas) {
        if let Some(rows) = self.list_rows(model, areas) {
            self.pos.point(g, rows, self.data.rows.len());
        }
    }
}
