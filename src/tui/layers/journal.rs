//! The journal view: the changes bsched made, newest first. It scrolls, and Enter restores
//! the selected delete after a yes (idempotent: a schedule that is there already, or a delete
//! restored already, sends nothing and says so).

use crossterm::event::KeyEvent;

use super::base::{Areas, Draw, Gesture, Kind, LayerState, Layers, ListPos, Step, closes, nav};
use crate::journal::{Action as Did, Entry, Outcome, restored_by};
use crate::ops::Restored;
use crate::tui::keymap::{Action, Section};
use crate::tui::model::Model;
use crate::tui::msg::{Cmd, Msg};
use crate::tui::text;

/// The journal view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JournalView {
    /// The entries, newest last (None while loading).
    pub entries: Option<Vec<Entry>>,
    /// Why they could not be read.
    pub error: Option<String>,
    /// The selected entry (counted from the newest) and the first one shown.
    pub pos: ListPos,
    /// The restore waiting for a yes: the command it sends.
    pub confirm: Option<Cmd>,
    /// The delete being restored.
    pub restoring: Option<u64>,
}

impl JournalView {
    /// The selected entry.
    pub fn selected(&self) -> Option<&Entry> {
        self.entries.as_ref()?.iter().rev().nth(self.pos.sel)
    }

    /// The restore of the selected entry, or why there is none.
    fn restore_of(&self, model: &Model) -> Result<Cmd, String> {
        let entries = self.entries.as_deref().unwrap_or_default();
        let Some(e) = self.selected() else {
            return Err(String::new());
        };
        if e.action != Did::Delete {
            return Err(text::not_a_delete(e.id));
        }
        if e.outcome == Outcome::Failed {
            return Err(text::delete_failed_nothing_to_restore(e.id));
        }
        if e.profile != model.session.profile {
            return Err(text::other_profile(e.id, &e.profile, &model.keymap));
        }
        if let Some(by) = restored_by(entries, e.id) {
            return Err(text::restored_already(e.id, by.id));
        }
        let spec = e
            .before
            .as_ref()
            .ok_or_else(|| text::NO_SCHEDULE_RECORDED.to_string())
            .and_then(|s| s.spec())
            .map_err(|why| text::cannot_restore(e.id, &why))?;
        let server = e
            .server
            .clone()
            .unwrap_or_else(|| e.instance_id.to_string());
        Ok(Cmd::RestoreEntry {
            entry: e.id,
            instance: e.instance_id,
            server: crate::sanitize::for_terminal(&server).into_owned(),
            spec,
        })
    }

    /// The question on screen, if one is asked.
    pub fn question(&self, model: &Model) -> Option<String> {
        let Some(Cmd::RestoreEntry { server, spec, .. }) = &self.confirm else {
            return None;
        };
        Some(text::restore_question(spec, server, &model.keymap))
    }
}

impl LayerState for JournalView {
    fn kind(&self) -> Kind {
        Kind::Journal
    }

    fn on_key(&mut self, model: &mut Model, key: &KeyEvent) -> Step {
        if let Some(cmd) = self.confirm.take() {
            return match model.keymap.action_in(Section::Confirm, key) {
                Some(Action::Yes) => {
                    if let Cmd::RestoreEntry { entry, .. } = &cmd {
                        self.restoring = Some(*entry);
                    }
                    Step::Keep(vec![cmd])
                }
                Some(Action::No) => Step::stay(),
                _ => {
                    self.confirm = Some(cmd);
                    Step::stay()
                }
            };
        }
        if closes(model, key, Action::Journal) {
            return Step::close();
        }
        if model.keymap.action_in(Section::View, key) == Some(Action::Open) {
            if self.restoring.is_none() {
                match self.restore_of(model) {
                    Ok(cmd) => self.confirm = Some(cmd),
                    Err(e) if e.is_empty() => {}
                    Err(e) => model.notify(e, true),
                }
            }
            return Step::stay();
        }
        if let Some(action) = nav(model, key) {
            let n = self.entries.as_ref().map_or(0, Vec::len);
            self.pos.select(action, n, self.rows_shown(model));
        }
        Step::stay()
    }

    fn busy(&self) -> bool {
        (self.entries.is_none() && self.error.is_none()) || self.restoring.is_some()
    }

    fn footer(&self, model: &Model) -> Vec<(String, String)> {
        text::journal_footer(
            &model.keymap,
            self.confirm.is_some(),
            self.restoring.is_some(),
        )
    }

    fn on_mouse(&mut self, model: &Model, g: Gesture, areas: Areas) {
        // Not while it asks whether to restore.
        if self.confirm.is_none()
            && let Some(rows) = self.list_rows(model, areas)
        {
            let n = self.entries.as_ref().map_or(0, Vec::len);
            self.pos.point(g, rows, n);
        }
    }
}

/// The journal's entries arrived.
pub(crate) fn on_read(
    model: &mut Model,
    layers: &mut Layers,
    result: Result<Vec<Entry>, String>,
) -> Vec<Cmd> {
    if let Some(view) = layers.get_mut::<JournalView>() {
        let shown = view.rows_shown(model);
        match result {
            Ok(entries) => {
                // A reread (after a restore) adds entries at the top: the selection stays on
                // the entry it was on.
                let before = view.entries.as_ref().map_or(0, Vec::len);
                if before > 0 {
                    let added = entries.len().saturating_sub(before);
                    view.pos.sel += added;
                    view.pos.offset += added;
                }
                view.pos.clamp(entries.len(), shown);
                view.entries = Some(entries);
                view.error = None;
            }
            Err(e) => view.error = Some(e),
        }
    }
    Vec::new()
}

/// A restore of an entry's delete finished ([`Msg::EntryRestored`]).
pub(crate) fn on_restored(model: &mut Model, layers: &mut Layers, msg: Msg) -> Vec<Cmd> {
    let Msg::EntryRestored {
        entry,
        instance,
        server,
        result,
    } = msg
    else {
        return Vec::new();
    };
    let server = server.as_str();
    let open = match layers.get_mut::<JournalView>() {
        Some(view) if view.restoring == Some(entry) => {
            view.restoring = None;
            true
        }
        _ => false,
    };
    match result {
        Ok(Restored::AlreadyThere(s)) => {
            model.notify(text::already_there(&s.name, server, s.id), false);
            model.show_written(instance, s);
        }
        Ok(Restored::Created(s)) => {
            model.notify(text::restored(&s.name, server, s.id), false);
            model.show_written(instance, s);
        }
        Err(e) => model.notify(text::restore_failed(&e), true),
    }
    // The journal holds the restore now (or its failure): read it again.
    if open {
        vec![Cmd::LoadJournal]
    } else {
        Vec::new()
    }
}
