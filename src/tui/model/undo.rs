//! Deletes and their undo: `u` brings the last deleted schedule back for a while.

use super::Model;
use crate::api::ApiError;
use crate::domain::{InstanceId, Schedule, ScheduleId};
use crate::tui::msg::Cmd;
use crate::tui::text;

/// How long a delete can be undone with `u` (afterwards: `bsched restore` from the journal).
pub const UNDO_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);

/// The last delete, while it can be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    /// The deleted schedule.
    pub schedule: Schedule,
    /// Its server's name.
    pub server: String,
    /// Until when `u` brings it back.
    pub until: jiff::Timestamp,
    /// The restore is on its way.
    pub running: bool,
}

impl Model {
    /// Sends a confirmed delete.
    pub(crate) fn delete(&mut self, schedule: Schedule, server: String) -> Vec<Cmd> {
        self.fleet
            .deleting
            .insert(schedule.id, (schedule.clone(), server.clone()));
        self.write(Cmd::Delete {
            instance: schedule.instance_id,
            before: Box::new(schedule),
            server,
        })
    }

    pub(crate) fn on_deleted(
        &mut self,
        instance: InstanceId,
        id: ScheduleId,
        result: Result<(), ApiError>,
    ) -> Vec<Cmd> {
        let info = self.fleet.deleting.remove(&id);
        if let Err(e) = result {
            self.notify(text::delete_failed(&e), true);
            return Vec::new();
        }
        match info {
            Some((schedule, server)) => {
                self.notify(text::deleted(&schedule.name, &server, &self.keymap), false);
                self.undo = Some(Undo {
                    schedule,
                    server,
                    until: self.now + UNDO_WINDOW,
                    running: false,
                });
            }
            None => self.notify(text::deleted_id(id), false),
        }
        // The delete's answer says it is gone: no listing needed to show it.
        self.fleet.remove_schedule(instance, id);
        self.upcoming_changed();
        let n = self.current_schedules().len();
        self.panes.sched_sel = self.panes.sched_sel.min(n.saturating_sub(1));
        Vec::new()
    }

    pub(crate) fn undo_delete(&mut self) -> Vec<Cmd> {
        let Some(undo) = self.undo.as_mut() else {
            self.notify(text::NOTHING_TO_UNDO, true);
            return Vec::new();
        };
        if undo.running {
            return Vec::new();
        }
        if self.now > undo.until {
            let name = undo.schedule.name.clone();
            self.undo = None;
            self.notify(text::too_late_to_undo(&name, &self.keymap), true);
            return Vec::new();
        }
        match undo.schedule.spec() {
            Ok(spec) => {
                undo.running = true;
                vec![Cmd::Restore {
                    instance: undo.schedule.instance_id,
                    server: undo.server.clone(),
                    spec,
                }]
            }
            Err(e) => {
                self.undo = None;
                self.notify(text::cannot_undo(&e), true);
                Vec::new()
            }
        }
    }

    pub(crate) fn on_restored(
        &mut self,
        instance: InstanceId,
        result: Result<Schedule, ApiError>,
    ) -> Vec<Cmd> {
        let Some(undo) = self.undo.as_mut() else {
            return Vec::new();
        };
        undo.running = false;
        match result {
            Ok(s) => {
                self.undo = None;
                self.notify(text::undone(&s.name, s.id), false);
                // The restore listed the server: what it returned is what the server holds.
                self.show_written(instance, s);
                Vec::new()
            }
            Err(e) => {
                self.notify(text::undo_failed(&e), true);
                Vec::new()
            }
        }
    }
}
