//! Saving the form: an edit that changes nothing is not sent, a name the server already has
//! is warned about, and the answer closes the form or keeps it with the reason.

use super::Form;
use crate::api::ApiError;
use crate::domain::{InstanceId, Schedule, ScheduleSpec};
use crate::tui::layers::base::Layers;
use crate::tui::model::{Model, Pane};
use crate::tui::msg::Cmd;
use crate::tui::text;

/// What a save comes to.
pub(super) enum Save {
    /// Send this.
    Send(Cmd),
    /// An edit that changes nothing: nothing is sent.
    Unchanged(String),
}

impl Form {
    /// The command that saves a valid spec, or why there is none.
    pub(super) fn save(&self, model: &Model, spec: ScheduleSpec) -> Result<Save, String> {
        let instance = self.instance;
        let Some(id) = self.editing else {
            return Ok(Save::Send(Cmd::Create { instance, spec }));
        };
        let before = model
            .fleet
            .schedules_of(instance)
            .and_then(|l| l.schedules.iter().find(|s| s.id == id))
            .cloned()
            .ok_or_else(|| text::no_longer_listed(&model.keymap))?;
        if spec.matches(&before) {
            return Ok(Save::Unchanged(before.name));
        }
        Ok(Save::Send(Cmd::Edit {
            instance,
            before: Box::new(before),
            spec,
        }))
    }

    /// Another schedule of the same server with the name as typed (a warning, not a
    /// refusal: the API takes two schedules with one name, but they are easy to confuse).
    pub fn same_name(&self, model: &Model) -> bool {
        let name = self.name.value().trim();
        if self.is_bulk() || name.is_empty() {
            return false;
        }
        model.fleet.schedules_of(self.instance).is_some_and(|l| {
            l.schedules
                .iter()
                .any(|s| Some(s.id) != self.editing && s.name.trim() == name)
        })
    }
}

/// The answer to a save. Some(reason) when the session ended and cannot be renewed (a
/// two-factor account): the app opens the login screen above the form, which is there again
/// after the login.
pub(crate) fn on_saved(
    model: &mut Model,
    layers: &mut Layers,
    instance: InstanceId,
    result: Result<Schedule, ApiError>,
) -> Option<String> {
    let form = layers.get_mut::<Form>()?;
    form.saving = false;
    match result {
        Ok(s) => {
            let created = form.editing.is_none();
            layers.close::<Form>();
            model.notify(text::saved(created, &s.name), false);
            model.panes.pane = Pane::Schedules;
            // The write's answer (or the listing that confirmed it) is what the server holds.
            model.show_written(instance, s);
            None
        }
        Err(e) => {
            // The form stays open with everything typed, and the API's reason.
            form.error = Some(e.to_string());
            match e {
                ApiError::Auth(_) => Some(text::login_error(&e)),
                _ => None,
            }
        }
    }
}
