//! The help overlay: every binding, generated from the keymap.

use crossterm::event::KeyEvent;
use ratatui::Frame;

use super::{Areas, LayerState, Step};
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::ui::{self, Theme};

/// The help overlay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Help;

impl LayerState for Help {
    fn on_key(&mut self, app: &mut App, key: &KeyEvent) -> Step {
        if super::closes(app, key, Action::Help) {
            Step::close()
        } else {
            Step::stay()
        }
    }

    fn draw(&self, app: &App, theme: Theme, areas: Areas, f: &mut Frame) {
        ui::help::render(app, theme, areas.screen, f)
    }
}
