//! The help overlay: every binding, generated from the keymap. It scrolls when it does not
//! fit the screen.

use crossterm::event::KeyEvent;

use super::base::{Draw, Kind, LayerState, ListPos, Step, closes, nav};
use crate::tui::keymap::Action;
use crate::tui::model::Model;

/// The help overlay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Help {
    /// The first line shown.
    pub pos: ListPos,
}

impl LayerState for Help {
    fn kind(&self) -> Kind {
        Kind::Help
    }

    fn on_key(&mut self, app: &mut Model, key: &KeyEvent) -> Step {
        if closes(app, key, Action::Help) {
            return Step::close();
        }
        if let Some(action) = nav(app, key) {
            let (lines, shown) = (self.lines(app), self.rows_shown(app));
            self.pos.scroll(action, lines, shown);
        }
        Step::stay()
    }

    fn footer(&self, app: &Model) -> Vec<(String, String)> {
        crate::tui::text::help_footer(&app.keymap)
    }
}
