//! The main screen: two panes (servers, their schedules), the filter, and the keys that act
//! on the selection.

use crossterm::event::{KeyCode, KeyEvent};

use super::Model;
use crate::tui::keymap::Action;
use crate::tui::text;

/// Which pane has focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    /// The server list.
    #[default]
    Servers,
    /// The selected server's schedules.
    Schedules,
}

/// The main screen's focus, selection and filter editing.
#[derive(Debug, Clone)]
pub struct Panes {
    /// Focused pane.
    pub pane: Pane,
    /// Selected row of the servers the filter shows.
    pub server_sel: usize,
    /// Selected schedule row.
    pub sched_sel: usize,
    /// Whether the filter is being typed.
    pub filter_editing: bool,
    /// The filter's text field while it is typed (its text is the fleet's filter).
    pub filter_input: crate::tui::input::TextField,
}

impl Default for Panes {
    fn default() -> Panes {
        Panes {
            pane: Pane::default(),
            server_sel: 0,
            sched_sel: 0,
            filter_editing: false,
            filter_input: crate::tui::input::TextField::default()
                .max_chars(crate::tui::input::FILTER_MAX_CHARS),
        }
    }
}

/// Moves a selection of `n` rows by `step` (the keymap's navigation actions).
pub fn step(action: Action, sel: usize, n: usize, page: usize) -> Option<usize> {
    if n == 0 {
        return None;
    }
    let new = match action {
        Action::Up => sel.saturating_sub(1),
        Action::Down => sel + 1,
        Action::Top => 0,
        Action::Bottom => n - 1,
        Action::PageUp => sel.saturating_sub(page),
        Action::PageDown => sel + page,
        _ => return None,
    };
    Some(new.min(n - 1))
}

impl Model {
    /// Recomputes the filtered rows and keeps the selection on one of them. A filter that
    /// cannot be read says why on the status line (and shows no server); the sentence goes
    /// once the filter is right again.
    pub(crate) fn refilter(&mut self) {
        let before = self.fleet.filter_error.take();
        self.fleet
            .refilter(&self.session.zones, self.now, &self.session.ignore);
        self.panes.server_sel = self
            .panes
            .server_sel
            .min(self.fleet.visible.len().saturating_sub(1));
        match (&self.fleet.filter_error, before) {
            // Said once per new error (not again at each refresh of the rows).
            (Some(e), Some(old)) if *e == old => {}
            (Some(e), _) => self.notify(text::filter_error(e), true),
            (None, Some(old)) => {
                if self
                    .notice
                    .as_ref()
                    .is_some_and(|n| n.text == text::filter_error(&old))
                {
                    self.notice = None;
                }
            }
            (None, None) => {}
        }
    }

    /// A key while the filter is typed: Enter keeps it, Esc clears it, the text-field keys
    /// edit it (see [`crate::tui::input`]); it applies as it is typed.
    pub(crate) fn filter_key(&mut self, key: &KeyEvent) {
        self.sync_filter_input();
        match key.code {
            KeyCode::Enter => {
                self.panes.filter_editing = false;
                self.panes.pane = Pane::Servers;
            }
            KeyCode::Esc => {
                self.panes.filter_editing = false;
                self.panes.filter_input.clear();
                self.fleet.filter.clear();
            }
            _ => {
                if self.panes.filter_input.on_key(key) != crate::tui::input::Edit::Changed {
                    return;
                }
                self.fleet.filter = self.panes.filter_input.value().to_string();
            }
        }
        self.panes.server_sel = 0;
        self.panes.sched_sel = 0;
        self.refilter();
    }

    /// Pasted text goes into the filter being typed, as one line.
    pub(crate) fn paste_filter(&mut self, text: &str) {
        self.sync_filter_input();
        if self.panes.filter_input.paste(text) == crate::tui::input::Edit::Nothing {
            return;
        }
        self.fleet.filter = self.panes.filter_input.value().to_string();
        self.panes.server_sel = 0;
        self.panes.sched_sel = 0;
        self.refilter();
    }

    /// The field takes the filter as set elsewhere (opening it with `/`), caret at the end.
    fn sync_filter_input(&mut self) {
        if self.panes.filter_input.value() != self.fleet.filter {
            self.panes.filter_input.set(self.fleet.filter.clone());
        }
    }
}
