//! What arrives from the API for the fleet: the server list, each server's schedules and
//! backups, and a profile switch.

use super::{App, Fleet, Panes};
use crate::api::ApiError;
use crate::domain::backups::Backup;
use crate::domain::{Instance, InstanceId, ScheduleList};
use crate::tui::layers::{Layer, login, plan};
use crate::tui::msg::{Cmd, ReqId, SessionInfo};
use crate::tui::text;

impl App {
    pub(super) fn on_instances(
        &mut self,
        req: ReqId,
        result: Result<Vec<Instance>, ApiError>,
    ) -> Vec<Cmd> {
        // A session that cannot be renewed (a two-factor account, a changed password) opens
        // the login screen again, pre-filled, instead of leaving the user with errors.
        let relogin = match &result {
            Err(e @ ApiError::Auth(_)) => Some(login::login_error(e)),
            _ => None,
        };
        let now = self.now;
        let selected = self.selected_server().map(|s| s.id);
        let Some(arrived) = self.fleet.servers.arrive(req, result, now) else {
            return Vec::new();
        };
        if let Err(e) = arrived {
            self.notify(text::could_not_load("servers", &e), true);
            if let Some(reason) = relogin {
                login::reopen(self, reason);
            }
            return Vec::new();
        }
        self.refilter();
        let servers = self.fleet.servers();
        if let Some(pos) = selected.and_then(|id| {
            self.fleet
                .visible
                .iter()
                .position(|i| servers.get(*i).is_some_and(|s| s.id == id))
        }) {
            self.panes.server_sel = pos;
        }
        self.upcoming_changed();
        // Every server's schedules and backups, except those already on their way.
        let ids: Vec<InstanceId> = self.fleet.servers().iter().map(|s| s.id).collect();
        let mut cmds = Vec::new();
        for id in ids {
            if self
                .fleet
                .schedules
                .get(&id)
                .is_none_or(|e| e.loading.is_none())
            {
                cmds.push(self.load_schedules(id));
            }
            if self
                .fleet
                .backups
                .get(&id)
                .is_none_or(|e| e.loading.is_none())
            {
                cmds.push(self.load_backups(id));
            }
        }
        cmds
    }

    pub(super) fn on_schedules(
        &mut self,
        instance: InstanceId,
        req: ReqId,
        result: Result<ScheduleList, ApiError>,
    ) -> Vec<Cmd> {
        let now = self.now;
        let Some(arrived) = self
            .fleet
            .schedules
            .get_mut(&instance)
            .and_then(|e| e.arrive(req, result, now))
        else {
            return Vec::new();
        };
        self.fleet.arrived();
        self.upcoming_changed();
        let mut cmds = plan::recheck(self, instance, arrived.as_ref().err());
        match arrived {
            Ok(()) => {
                if self.selected_server().is_some_and(|s| s.id == instance) {
                    if let Some(id) = self.panes.select_after_load.take()
                        && let Some(i) = self.current_schedules().iter().position(|s| s.id == id)
                    {
                        self.panes.sched_sel = i;
                    }
                    self.panes.sched_sel = self
                        .panes
                        .sched_sel
                        .min(self.current_schedules().len().saturating_sub(1));
                }
            }
            Err(e) => self.notify(text::could_not_load("schedules", &e), true),
        }
        cmds.shrink_to_fit();
        cmds
    }

    pub(super) fn on_backups(
        &mut self,
        instance: InstanceId,
        req: ReqId,
        result: Result<Vec<Backup>, ApiError>,
    ) -> Vec<Cmd> {
        let now = self.now;
        let arrived = self
            .fleet
            .backups
            .get_mut(&instance)
            .and_then(|e| e.arrive(req, result, now));
        if arrived.is_some() {
            self.fleet.arrived();
        }
        if let Some(Err(e)) = arrived {
            self.notify(text::could_not_load("backups", &e), true);
        }
        Vec::new()
    }

    /// Leaves the current account for another profile's (the executor has switched already).
    pub(super) fn on_switched(&mut self, result: Result<SessionInfo, String>) -> Vec<Cmd> {
        let info = match result {
            Ok(info) => info,
            Err(e) => {
                self.notify(text::cannot_switch(&e), true);
                return Vec::new();
            }
        };
        let session = &mut self.session;
        session.account = info.account;
        session.host = info.host;
        session.profile = info.profile;
        session.zones = info.zones;
        session.settings = Some(info.settings);
        // Nothing of the old account stays: its servers, marks, plans and pending deletes.
        self.fleet = Fleet::default();
        self.panes = Panes::default();
        self.undo = None;
        self.layers
            .retain(|l| matches!(l, Layer::Help(_) | Layer::Login(_)));
        self.notify(
            text::switched(&self.session.profile, &self.session.account),
            false,
        );
        vec![self.load_servers()]
    }
}
