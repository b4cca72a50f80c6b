//! The help overlay: every binding, generated from the keymap. It scrolls when it does not
//! fit the screen.

use crossterm::event::KeyEvent;

use super::base::{Areas, Draw, Gesture, Kind, LayerState, ListPos, Step, closes, nav};
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

    fn on_key(&mut self, model: &mut Model, key: &KeyEvent) -> Step {
        if closes(model, key, Action::Help) {
            return Step::close();
        }
        if let Some(action) = nav(model, key) {
            let (lines, shown) = self.extent(model);
            self.pos.scroll(action, lines, shown);
        }
        Step::stay()
    }

    fn footer(&self, model: &Model) -> Vec<(String, String)> {
        crate::tui::text::help_footer(&model.keymap)
    }

    fn on_mouse(&mut self, model: &Model, g: Gesture, _areas: Areas) {
        let (n, h) = self.extent(model);
        self.pos.wheel(g, n, h);
    }
}
