//! The journal view: the changes bsched made, newest first.

use crossterm::event::KeyEvent;
use ratatui::Frame;

use super::{Areas, LayerState, Step};
use crate::journal::Entry;
use crate::tui::app::{App, PAGE};
use crate::tui::keymap::Action;
use crate::tui::msg::Cmd;
use crate::tui::ui::{self, Theme};

/// The journal view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JournalView {
    /// The entries, newest last (None while loading).
    pub entries: Option<Vec<Entry>>,
    /// Why they could not be read.
    pub error: Option<String>,
    /// Rows scrolled past (from the newest).
    pub scroll: usize,
}

impl LayerState for JournalView {
    fn on_key(&mut self, app: &mut App, key: &KeyEvent) -> Step {
        if super::closes(app, key, Action::Journal) {
            return Step::close();
        }
        let rows = self.entries.as_ref().map_or(0, Vec::len);
        super::scroll(app, key, &mut self.scroll, rows, PAGE);
        Step::stay()
    }

    fn busy(&self) -> bool {
        self.entries.is_none() && self.error.is_none()
    }

    fn draw(&self, app: &App, theme: Theme, areas: Areas, f: &mut Frame) {
        ui::journal::render(app, self, theme, areas.body, f)
    }
}

/// The journal's entries arrived.
pub(crate) fn on_read(app: &mut App, result: Result<Vec<Entry>, String>) -> Vec<Cmd> {
    if let Some(view) = app.layers.get_mut::<JournalView>() {
        match result {
            Ok(entries) => view.entries = Some(entries),
            Err(e) => view.error = Some(e),
        }
    }
    Vec::new()
}
