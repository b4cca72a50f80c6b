//! The delete confirmation: names the schedule and its server; only the confirm key deletes.

use crossterm::event::KeyEvent;

use super::base::{Kind, LayerState, Step};
use crate::domain::Schedule;
use crate::tui::keymap::{Action, Section};
use crate::tui::model::Model;

/// The delete waiting for a yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmDelete {
    /// The server's name.
    pub server_name: String,
    /// The schedule.
    pub schedule: Schedule,
}

impl LayerState for ConfirmDelete {
    fn kind(&self) -> Kind {
        Kind::Confirm
    }

    fn on_key(&mut self, model: &mut Model, key: &KeyEvent) -> Step {
        match model.keymap.action_in(Section::Confirm, key) {
            Some(Action::Yes) => {
                Step::Close(model.delete(self.schedule.clone(), self.server_name.clone()))
            }
            Some(Action::No) => Step::close(),
            _ => Step::stay(),
        }
    }
}
