//! The main screen: two panes (servers, their schedules), the filter, and the keys that act
//! on the selection.

use crossterm::event::{KeyCode, KeyEvent};

use super::App;
use crate::domain::InstanceId;
use crate::tui::keymap::Action;
use crate::tui::layers::confirm::ConfirmDelete;
use crate::tui::layers::form::Form;
use crate::tui::layers::help::Help;
use crate::tui::layers::journal::JournalView;
use crate::tui::layers::retention::RetentionDialog;
use crate::tui::layers::upcoming::UpcomingView;
use crate::tui::msg::Cmd;
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

impl App {
    /// A key with no layer open.
    pub(super) fn on_main_key(&mut self, key: &KeyEvent) -> Vec<Cmd> {
        if self.panes.filter_editing {
            if key.code == KeyCode::Tab && key.modifiers.is_empty() {
                self.complete_filter();
                return Vec::new();
            }
            self.filter_key(key);
            return Vec::new();
        }
        let Some(action) = self.keymap.action(key) else {
            if key.code == KeyCode::Esc && !self.fleet.filter.is_empty() {
                self.fleet.filter.clear();
                self.refilter();
            }
            return Vec::new();
        };
        self.on_action(action)
    }

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
    fn filter_key(&mut self, key: &KeyEvent) {
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

    fn move_sel(&mut self, action: Action) {
        match self.panes.pane {
            Pane::Servers => {
                let n = self.fleet.visible.len();
                let page = crate::tui::ui::layout::pane_page(self, Pane::Servers);
                if let Some(new) = step(action, self.panes.server_sel, n, page)
                    && new != self.panes.server_sel
                {
                    self.panes.server_sel = new;
                    self.panes.sched_sel = 0;
                }
            }
            Pane::Schedules => {
                let n = self.current_schedules().len();
                let page = crate::tui::ui::layout::pane_page(self, Pane::Schedules);
                if let Some(new) = step(action, self.panes.sched_sel, n, page) {
                    self.panes.sched_sel = new;
                }
            }
        }
    }

    fn on_action(&mut self, action: Action) -> Vec<Cmd> {
        match action {
            Action::Quit => return self.quit_now(),
            Action::Help => self.layers.open(Help::default()),
            Action::Refresh => {
                // Every failed read is retried again, even when reads kept failing.
                self.fleet.queue.release();
                // The selected server at once; the rest follow the server list, in the
                // background.
                if let Some(id) = self.selected_server().map(|s| s.id) {
                    self.load_schedules(id);
                    self.load_backups(id);
                }
                return vec![self.load_servers()];
            }
            Action::SwitchPane => {
                self.panes.pane = match self.panes.pane {
                    Pane::Servers => Pane::Schedules,
                    Pane::Schedules => Pane::Servers,
                }
            }
            Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown => self.move_sel(action),
            Action::Filter => self.panes.filter_editing = true,
            Action::New => match self.selected_server() {
                Some(s) => {
                    let form = Form::new(s.id, &s.name);
                    self.layers.open(form);
                }
                None => self.notify(text::NO_SERVER, true),
            },
            Action::Edit => {
                if self.panes.pane == Pane::Servers {
                    self.panes.pane = Pane::Schedules;
                } else if let (Some(s), Some(server)) =
                    (self.selected_schedule(), self.selected_server())
                {
                    let form = Form::edit(s, &server.name);
                    self.layers.open(form);
                }
            }
            Action::Mark => {
                if let Some(id) = self.selected_server().map(|s| s.id)
                    && !self.fleet.marked.remove(&id)
                {
                    self.fleet.marked.insert(id);
                }
                // Like a file manager: marking moves on to the next row.
                if self.panes.pane == Pane::Servers {
                    self.move_sel(Action::Down);
                }
            }
            Action::MarkAll => {
                let shown: Vec<InstanceId> = self.fleet.shown().map(|s| s.id).collect();
                if shown.iter().all(|id| self.fleet.marked.contains(id)) {
                    for id in &shown {
                        self.fleet.marked.remove(id);
                    }
                } else {
                    self.fleet.marked.extend(shown);
                }
            }
            Action::BulkApply => {
                let targets = self.fleet.marked_targets(None);
                if targets.is_empty() {
                    self.notify(text::mark_first(&self.keymap), true);
                } else {
                    self.layers.open(Form::bulk(targets, None));
                }
            }
            Action::Copy => match (self.panes.pane, self.selected_schedule().cloned()) {
                (Pane::Schedules, Some(s)) => {
                    let targets = self.fleet.marked_targets(Some(s.instance_id));
                    if targets.is_empty() {
                        self.notify(text::mark_copy_targets_first(&self.keymap), true);
                    } else {
                        self.layers.open(Form::bulk(targets, Some(&s)));
                    }
                }
                _ => self.notify(text::select_schedule_to_copy(&self.keymap), true),
            },
            Action::Undo => return self.undo_delete(),
            Action::Journal => {
                self.layers.open(JournalView::default());
                return vec![Cmd::LoadJournal];
            }
            Action::Profile => return self.next_profile(),
            Action::Backups => return crate::tui::layers::backups::open(self),
            Action::Upcoming => {
                let view = UpcomingView::new(UpcomingView::compute(self));
                self.layers.open(view);
            }
            Action::Retention => match self.selected_server() {
                Some(s) => {
                    let current = self
                        .fleet
                        .schedules_of(s.id)
                        .and_then(|l| l.backup_rotation);
                    let dialog = RetentionDialog::new(s.id, &s.name, current);
                    self.layers.open(dialog);
                }
                None => self.notify(text::NO_SERVER, true),
            },
            Action::Delete => {
                if let (super::Pane::Schedules, Some(s), Some(server)) = (
                    self.panes.pane,
                    self.selected_schedule(),
                    self.selected_server(),
                ) {
                    if !self.fleet.is_deleting(s.id) {
                        let dialog = ConfirmDelete {
                            server_name: server.name.clone(),
                            schedule: s.clone(),
                        };
                        self.layers.open(dialog);
                    }
                } else {
                    self.notify(text::select_schedule_first(&self.keymap), true);
                }
            }
            Action::Sort => self.cycle_sort(),
            Action::CopyId => return self.copy_id(),
            // The layers' own actions mean nothing here.
            _ => {}
        }
        Vec::new()
    }
}
