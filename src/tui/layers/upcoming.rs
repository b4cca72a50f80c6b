//! The fleet's upcoming backups and the heat map of start hours, for the servers the filter
//! shows.

use crossterm::event::KeyEvent;
use ratatui::Frame;

use super::{Areas, LayerState, Step};
use crate::domain::upcoming::{Upcoming, WEEK, upcoming};
use crate::tui::app::{App, PAGE};
use crate::tui::keymap::Action;
use crate::tui::ui::{self, Theme};

/// How many upcoming runs the fleet view lists.
pub const UPCOMING_ROWS: usize = 200;

/// The upcoming view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpcomingView {
    /// What it shows.
    pub data: Upcoming,
    /// Whether `data` must be computed again before the next frame.
    pub stale: bool,
    /// Rows scrolled past.
    pub scroll: usize,
}

impl UpcomingView {
    /// The view of `data`.
    pub fn new(data: Upcoming) -> UpcomingView {
        UpcomingView {
            data,
            stale: false,
            scroll: 0,
        }
    }

    /// The next week of runs of the servers the filter shows.
    pub fn compute(app: &App) -> Upcoming {
        let fleet = &app.fleet;
        let servers = fleet
            .shown()
            .map(|s| (s, fleet.schedules_of(s.id).map(|l| l.schedules.as_slice())));
        upcoming(servers, &app.session.zones, app.now, WEEK, UPCOMING_ROWS)
    }
}

impl LayerState for UpcomingView {
    fn on_key(&mut self, app: &mut App, key: &KeyEvent) -> Step {
        if super::closes(app, key, Action::Upcoming) {
            return Step::close();
        }
        super::scroll(app, key, &mut self.scroll, self.data.rows.len(), PAGE);
        Step::stay()
    }

    fn draw(&self, app: &App, theme: Theme, areas: Areas, f: &mut Frame) {
        ui::upcoming::render(app, &self.data, self.scroll, theme, areas.body, f)
    }
}
