//! The main screen's keys: the two panes, the filter, and the actions on the selection that
//! open the layers.

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
use crate::tui::model::Pane;
use crate::tui::model::panes::step;
use crate::tui::msg::Cmd;
use crate::tui::text;

impl App {
    /// A key with no layer open.
    pub(crate) fn on_main_key(&mut self, key: &KeyEvent) -> Vec<Cmd> {
        if self.model.panes.filter_editing {
            if key.code == KeyCode::Tab && key.modifiers.is_empty() {
                self.model.complete_filter();
                return Vec::new();
            }
            self.model.filter_key(key);
            return Vec::new();
        }
        let Some(action) = self.model.keymap.action(key) else {
            if key.code == KeyCode::Esc && !self.model.fleet.filter.is_empty() {
                self.model.fleet.filter.clear();
                self.model.refilter();
            }
            return Vec::new();
        };
        self.on_action(action)
    }

    fn move_sel(&mut self, action: Action) {
        match self.model.panes.pane {
            Pane::Servers => {
                let n = self.model.fleet.visible.len();
                let page = crate::tui::ui::pane_page(&self.model, Pane::Servers);
                if let Some(new) = step(action, self.model.panes.server_sel, n, page)
                    && new != self.model.panes.server_sel
                {
                    self.model.panes.server_sel = new;
                    self.model.panes.sched_sel = 0;
                }
            }
            Pane::Schedules => {
                let n = self.model.current_schedules().len();
                let page = crate::tui::ui::pane_page(&self.model, Pane::Schedules);
                if let Some(new) = step(action, self.model.panes.sched_sel, n, page) {
                    self.model.panes.sched_sel = new;
                }
            }
        }
    }

    fn on_action(&mut self, action: Action) -> Vec<Cmd> {
        match action {
            Action::Quit => return self.model.quit_now(),
            Action::Help => self.layers.open(Help::default()),
            Action::Refresh => {
                // Every failed read is retried again, even when reads kept failing.
                self.model.fleet.queue.release();
                // The selected server at once; the rest follow the server list, in the
                // background.
                if let Some(id) = self.model.selected_server().map(|s| s.id) {
                    self.model.load_schedules(id);
                    self.model.load_backups(id);
                }
                return vec![self.model.load_servers()];
            }
            Action::SwitchPane => {
                self.model.panes.pane = match self.model.panes.pane {
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
            Action::Filter => self.model.panes.filter_editing = true,
            Action::New => match self.model.selected_server() {
                Some(s) => {
                    let form = Form::new(s.id, &s.name);
                    self.layers.open(form);
                }
                None => self.model.notify(text::NO_SERVER, true),
            },
            Action::Edit => {
                if self.model.panes.pane == Pane::Servers {
                    self.model.panes.pane = Pane::Schedules;
                } else if let (Some(s), Some(server)) =
                    (self.model.selected_schedule(), self.model.selected_server())
                {
                    let form = Form::edit(s, &server.name);
                    self.layers.open(form);
                }
            }
            Action::Mark => {
                if let Some(id) = self.model.selected_server().map(|s| s.id)
                    && !self.model.fleet.marked.remove(&id)
                {
                    self.model.fleet.marked.insert(id);
                }
                // Like a file manager: marking moves on to the next row.
                if self.model.panes.pane == Pane::Servers {
                    self.move_sel(Action::Down);
                }
            }
            Action::MarkAll => {
                let shown: Vec<InstanceId> = self.model.fleet.shown().map(|s| s.id).collect();
                if shown.iter().all(|id| self.model.fleet.marked.contains(id)) {
                    for id in &shown {
                        self.model.fleet.marked.remove(id);
                    }
                } else {
                    self.model.fleet.marked.extend(shown);
                }
            }
            Action::BulkApply => {
                let targets = self.model.fleet.marked_targets(None);
                if targets.is_empty() {
                    self.model
                        .notify(text::mark_first(&self.model.keymap), true);
                } else {
                    self.layers.open(Form::bulk(targets, None));
                }
            }
            Action::Copy => match (
                self.model.panes.pane,
                self.model.selected_schedule().cloned(),
            ) {
                (Pane::Schedules, Some(s)) => {
                    let targets = self.model.fleet.marked_targets(Some(s.instance_id));
                    if targets.is_empty() {
                        self.model
                            .notify(text::mark_copy_targets_first(&self.model.keymap), true);
                    } else {
                        self.layers.open(Form::bulk(targets, Some(&s)));
                    }
                }
                _ => self
                    .model
                    .notify(text::select_schedule_to_copy(&self.model.keymap), true),
            },
            Action::Undo => return self.model.undo_delete(),
            Action::Journal => {
                self.layers.open(JournalView::default());
                return vec![Cmd::LoadJournal];
            }
            Action::Profile => return self.next_profile(),
            Action::Backups => {
                return crate::tui::layers::backups::open(&mut self.model, &mut self.layers);
            }
            Action::Upcoming => {
                self.layers.open(UpcomingView::open(&self.model));
            }
            Action::Retention => match self.model.selected_server() {
                Some(s) => {
                    let current = self
                        .fleet
                        .schedules_of(s.id)
                        .and_then(|l| l.backup_rotation);
                    let dialog = RetentionDialog::new(s.id, &s.name, current);
                    self.layers.open(dialog);
                }
                None => self.model.notify(text::NO_SERVER, true),
            },
            Action::Delete => {
                if let (Pane::Schedules, Some(s), Some(server)) = (
                    self.model.panes.pane,
                    self.model.selected_schedule(),
                    self.model.selected_server(),
                ) {
                    if !self.model.fleet.is_deleting(s.id) {
                        let dialog = ConfirmDelete {
                            server_name: server.name.clone(),
                            schedule: s.clone(),
                        };
                        self.layers.open(dialog);
                    }
                } else {
                    self.model
                        .notify(text::select_schedule_first(&self.model.keymap), true);
                }
            }
            Action::Sort => self.model.cycle_sort(),
            Action::CopyId => return self.model.copy_id(),
            // The layers' own actions mean nothing here.
            _ => {}
        }
        Vec::new()
    }
}
