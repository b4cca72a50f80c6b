//! The retention dialog: how many scheduled backups a server keeps, then a confirmation.

use crossterm::event::{KeyCode, KeyEvent};

use super::base::{Kind, LayerState, Layers, Step};
use crate::api::ApiError;
use crate::domain::{InstanceId, RETENTION_RANGE};
use crate::tui::keymap::{Action, Section};
use crate::tui::model::Model;
use crate::tui::msg::Cmd;
use crate::tui::text;

/// What the dialog offers when the server's retention is not known.
const START: u8 = 5;

/// The retention dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionDialog {
    /// The server.
    pub instance: InstanceId,
    /// Its name.
    pub server_name: String,
    /// The retention now, if known.
    pub current: Option<u8>,
    /// The value being chosen.
    pub value: u8,
    /// Whether the confirmation step shows.
    pub confirming: bool,
    /// The change is on its way.
    pub saving: bool,
    /// Why the last attempt failed.
    pub error: Option<String>,
}

impl RetentionDialog {
    /// The dialog for a server, starting at its current retention.
    pub fn new(instance: InstanceId, server_name: &str, current: Option<u8>) -> RetentionDialog {
        RetentionDialog {
            instance,
            server_name: server_name.to_string(),
            current,
            value: current
                .unwrap_or(START)
                .clamp(*RETENTION_RANGE.start(), *RETENTION_RANGE.end()),
            confirming: false,
            saving: false,
            error: None,
        }
    }

    fn confirm_key(&mut self, model: &mut Model, key: &KeyEvent) -> Step {
        match model.keymap.action_in(Section::Confirm, key) {
            Some(Action::Yes) => {
                self.saving = true;
                self.error = None;
                Step::Keep(model.write(Cmd::SetRetention {
                    instance: self.instance,
                    before: self.current,
                    keep: self.value,
                }))
            }
            Some(Action::No) => {
                self.confirming = false;
                Step::stay()
            }
            _ => Step::stay(),
        }
    }
}

impl LayerState for RetentionDialog {
    fn kind(&self) -> Kind {
        Kind::Retention
    }

    fn on_key(&mut self, model: &mut Model, key: &KeyEvent) -> Step {
        if self.saving {
            return Step::stay();
        }
        if self.confirming {
            return self.confirm_key(model, key);
        }
        let (lo, hi) = (*RETENTION_RANGE.start(), *RETENTION_RANGE.end());
        match key.code {
            // Digits choose directly; 0 is 10.
            KeyCode::Char(c @ '1'..='9') => self.value = c as u8 - b'0',
            KeyCode::Char('0') => self.value = hi,
            _ => match model.keymap.action_in(Section::Retention, key) {
                Some(Action::CancelRetention) => return Step::close(),
                Some(Action::More) => self.value = (self.value + 1).min(hi),
                Some(Action::Fewer) => self.value = self.value.saturating_sub(1).max(lo),
                Some(Action::Choose) if self.current == Some(self.value) => {
                    model.notify(text::already_keeps(&self.server_name, self.value), false);
                    return Step::close();
                }
                Some(Action::Choose) => {
                    self.confirming = true;
                    self.error = None;
                }
                _ => {}
            },
        }
        Step::stay()
    }

    fn busy(&self) -> bool {
        self.saving
    }
}

/// The answer to a retention change.
pub(crate) fn on_set(
    model: &mut Model,
    layers: &mut Layers,
    instance: InstanceId,
    keep: u8,
    result: Result<(), ApiError>,
) -> Vec<Cmd> {
    let Some(dialog) = layers.get_mut::<RetentionDialog>() else {
        return Vec::new();
    };
    dialog.saving = false;
    match result {
        Ok(()) => {
            let name = dialog.server_name.clone();
            layers.close::<RetentionDialog>();
            model.notify(text::now_keeps(&name, keep), false);
            model.fleet.put_retention(instance, keep);
            Vec::new()
        }
        Err(e) => {
            dialog.confirming = false;
            dialog.error = Some(e.to_string());
            Vec::new()
        }
    }
}
