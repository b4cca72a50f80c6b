//! The selected server's backups, newest first, the scheduled ones marked (the CLI's
//! `bsched backups --instance`). The list is the fleet's: it is read again on opening when
//! what is on hand is only the cache's summary, a failure, or nothing.

use crossterm::event::KeyEvent;

use super::base::{Areas, Draw, Gesture, Kind, LayerState, Layers, ListPos, Step, closes, nav};
use crate::domain::InstanceId;
use crate::domain::backups::Backup;
use crate::tui::keymap::Action;
use crate::tui::model::Model;
use crate::tui::msg::Cmd;
use crate::tui::text;

/// The backups view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupsView {
    /// The server.
    pub instance: InstanceId,
    /// Its name.
    pub server: String,
    /// The first row shown.
    pub pos: ListPos,
}

impl BackupsView {
    /// The server's backups on hand, newest first (None before any arrived).
    pub fn list(&self, model: &Model) -> Option<Vec<Backup>> {
        let mut list = model.fleet.backups.get(&self.instance)?.list.clone()?;
        list.sort_by_key(|b| std::cmp::Reverse(b.created));
        Some(list)
    }

    /// Whether a read of the list is on its way.
    pub fn loading(&self, model: &Model) -> bool {
        model
            .fleet
            .queue
            .pending(self.instance, crate::tui::model::Kind::Backups)
    }
}

/// `b`: opens the selected server's backups, reading them when needed.
pub(crate) fn open(model: &mut Model, layers: &mut Layers) -> Vec<Cmd> {
    let Some((id, name)) = model.selected_server().map(|s| (s.id, s.name.clone())) else {
        model.notify(text::NO_SERVER, true);
        return Vec::new();
    };
    // The cache keeps only the newest backup of each kind, so a cached list is read again.
    let whole = model
        .fleet
        .backups
        .get(&id)
        .is_some_and(|l| l.list.is_some() && !l.cached && l.error.is_none());
    if !whole {
        model.load_backups(id);
    }
    layers.open(BackupsView {
        instance: id,
        server: name,
        pos: ListPos::default(),
    });
    Vec::new()
}

impl LayerState for BackupsView {
    fn kind(&self) -> Kind {
        Kind::Backups
    }

    fn on_key(&mut self, model: &mut Model, key: &KeyEvent) -> Step {
        if closes(model, key, Action::Backups) {
            return Step::close();
        }
        if let Some(action) = nav(model, key) {
            let n = self.list(model).map_or(0, |l| l.len());
            self.pos.scroll(action, n, self.rows_shown(model));
        }
        Step::stay()
    }

    fn footer(&self, model: &Model) -> Vec<(String, String)> {
        text::backups_footer(&model.keymap)
    }

    fn on_mouse(&mut self, model: &Model, g: Gesture, _areas: Areas) {
        let n = self.list(model).map_or(0, |l| l.len());
        let h = self.rows_shown(model);
        self.pos.wheel(g, n, h);
    }
}
