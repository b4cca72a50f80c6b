//! The help overlay: every binding, generated from the keymap. It scrolls when it does not
//! fit the screen.

use crossterm::event::KeyEvent;
use ratatui::Frame;

use super::{Areas, LayerState, ListPos, Step};
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::ui::{self, Theme};

/// The help overlay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Help {
    /// The first line shown.
    pub pos: ListPos,
}

impl LayerState for Help {
    fn on_key(&mut self, app: &mut App, key: &KeyEvent) -> Step {
        if super::closes(app, key, Action::Help) {
            return Step::close();
        }
        if let Some(action) = super::nav(app, key) {
            let (lines, shown) = ui::help::extent(app);
            self.pos.scroll(action, lines, shown);
        }
        Step::stay()
    }

    fn footer(&self, app: &App) -> Vec<(String, String)> {
        crate::tui::text::help_footer(&app.keymap)
    }

    fn draw(&self, app: &App, theme: Theme, areas: Areas, f: &mut Frame) {
        ui::help::render(app, self.pos, theme, areas.screen, f)
    }
}
