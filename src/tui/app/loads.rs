//! What arrives from the API for the fleet: the server list, each server's schedules and
//! backups.

use super::login;
use super::{App, Deferred, Kind};
use crate::api::ApiError;
use crate::domain::backups::Backup;
use crate::domain::{Instance, InstanceId, Schedule, ScheduleList};
use crate::tui::layers::plan;
use crate::tui::msg::{Cmd, Msg, ReqId};
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
            Err(e @ ApiError::Auth(_)) => Some(text::login_error(e)),
            _ => None,
        };
        let now = self.model.now;
        let selected = self.model.selected_server().map(|s| s.id);
        let light = self.model.fleet.light_refresh.take() == Some(req);
        let Some(arrived) = self.model.fleet.servers.arrive(req, result, now) else {
            return Vec::new();
        };
        if let Err(e) = arrived {
            // A login problem is the login screen's to tell, in its own words.
            return match relogin {
                Some(reason) => login::reopen(self, reason),
                None => {
                    self.model
                        .notify(text::could_not_load(text::THE_SERVERS, &e), true);
                    Vec::new()
                }
            };
        }
        // The profile switched to works: there is no going back to the one before.
        self.switching.back = None;
        self.model.refilter();
        self.model.fleet.arrived();
        let servers = self.model.fleet.servers();
        if let Some(pos) = selected.and_then(|id| {
            self.model
                .fleet
                .visible
                .iter()
                .position(|i| servers.get(*i).is_some_and(|s| s.id == id))
        }) {
            self.model.panes.server_sel = pos;
        }
        self.model.upcoming_changed();
        // Every server's schedules and backups, in the background: the queue sends the
        // selected server and the rows around it first.
        if light {
            // The automatic refresh: the rows on screen and servers never loaded.
            let sel = self.model.panes.server_sel;
            let lo = sel.saturating_sub(super::queue::WINDOW);
            let on_screen: Vec<InstanceId> = self
                .fleet
                .visible
                .iter()
                .skip(lo)
                .take(2 * super::queue::WINDOW + 1)
                .filter_map(|i| self.model.fleet.servers().get(*i).map(|s| s.id))
                .collect();
            let new: Vec<InstanceId> = self
                .fleet
                .servers()
                .iter()
                .map(|s| s.id)
                .filter(|id| !self.model.fleet.schedules.contains_key(id))
                .collect();
            for id in on_screen.into_iter().chain(new) {
                self.model.fleet.queue.ask(id, Kind::Schedules, false);
                self.model.fleet.queue.ask(id, Kind::Backups, false);
            }
            return Vec::new();
        }
        let loads: Vec<(InstanceId, Kind)> = self
            .fleet
            .servers()
            .iter()
            .flat_map(|s| [(s.id, Kind::Schedules), (s.id, Kind::Backups)])
            .collect();
        self.model.fleet.queue.start_round(&loads, now);
        Vec::new()
    }

    pub(super) fn on_schedules(
        &mut self,
        instance: InstanceId,
        req: ReqId,
        result: Result<ScheduleList, ApiError>,
    ) -> Vec<Cmd> {
        let now = self.model.now;
        self.model.fleet.queue.answered(req);
        let passing = result.as_ref().err().is_some_and(may_pass);
        let Some(arrived) = self
            .fleet
            .schedules
            .get_mut(&instance)
            .and_then(|e| e.arrive(req, result, now))
        else {
            return Vec::new();
        };
        self.model.fleet.arrived();
        self.model.upcoming_changed();
        let mut cmds = plan::recheck(
            &mut self.model,
            &mut self.layers,
            instance,
            arrived.as_ref().err(),
        );
        cmds.extend(self.on_fresh(instance, arrived.as_ref().err()));
        match arrived {
            Ok(()) => {
                self.model.fleet.queue.succeeded(instance, Kind::Schedules);
                if self
                    .model
                    .selected_server()
                    .is_some_and(|s| s.id == instance)
                {
                    self.model.panes.sched_sel = self
                        .panes
                        .sched_sel
                        .min(self.model.current_schedules().len().saturating_sub(1));
                }
            }
            Err(e) => self.load_failed(instance, Kind::Schedules, &e, passing),
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
        let now = self.model.now;
        self.model.fleet.queue.answered(req);
        let passing = result.as_ref().err().is_some_and(may_pass);
        let arrived = self
            .fleet
            .backups
            .get_mut(&instance)
            .and_then(|e| e.arrive(req, result, now));
        if arrived.is_some() {
            self.model.fleet.arrived();
        }
        match arrived {
            Some(Ok(())) => self.model.fleet.queue.succeeded(instance, Kind::Backups),
            Some(Err(e)) => self.load_failed(instance, Kind::Backups, &e, passing),
            None => {}
        }
        Vec::new()
    }

    /// A read of a server failed: it is tried again later if the error may pass, and the
    /// status line says so.
    fn load_failed(&mut self, instance: InstanceId, kind: Kind, e: &str, passing: bool) {
        let retry = self
            .model
            .fleet
            .queue
            .failed(instance, kind, self.model.now, passing);
        let server = self
            .fleet
            .server(instance)
            .map_or_else(|| instance.to_string(), |s| s.name.clone());
        let wait = retry
            .at
            .map(|at| at.duration_since(self.model.now).as_secs());
        if self.model.fleet.queue.braked() {
            self.model
                .notify(text::reads_keep_failing(&self.model.keymap), true);
        } else {
            self.model
                .notify(text::load_failed(kind.noun(), &server, e, wait), true);
        }
    }

    /// A server was listed afresh: the writes held back for it (it was shown from the cache)
    /// go now if what the user saw is still so, and are refused with a sentence otherwise.
    fn on_fresh(&mut self, instance: InstanceId, failed: Option<&String>) -> Vec<Cmd> {
        let (mine, others): (Vec<Deferred>, Vec<Deferred>) =
            std::mem::take(&mut self.model.fleet.deferred)
                .into_iter()
                .partition(|d| d.instance == instance);
        self.model.fleet.deferred = others;
        let mut cmds = Vec::new();
        for d in mine {
            let listed = self.model.fleet.schedules_of(instance);
            let verdict = match (failed, &d.before) {
                (Some(e), _) => Err(text::could_not_check(e)),
                (None, Some(before)) => {
                    match listed.and_then(|l| l.schedules.iter().find(|s| s.id == before.id)) {
                        Some(now) if same_schedule(now, before) => Ok(Some(now.clone())),
                        Some(_) => Err(text::CHANGED_SINCE_CACHED.to_string()),
                        None => Err(text::GONE_SINCE_CACHED.to_string()),
                    }
                }
                (None, None) => Ok(None),
            };
            match verdict {
                Ok(fresh) => cmds.push(with_fresh_before(
                    d.cmd,
                    fresh,
                    listed.and_then(|l| l.backup_rotation),
                )),
                Err(reason) => {
                    let error = ApiError::Setup(reason);
                    let msg = match d.cmd {
                        Cmd::Edit { instance, .. } => Msg::Saved {
                            instance,
                            result: Err(error),
                        },
                        Cmd::Delete {
                            instance, before, ..
                        } => Msg::Deleted {
                            instance,
                            id: before.id,
                            result: Err(error),
                        },
                        Cmd::SetRetention { instance, keep, .. } => Msg::RetentionSet {
                            instance,
                            keep,
                            result: Err(error),
                        },
                        _ => continue,
                    };
                    cmds.extend(self.handle(msg));
                }
            }
        }
        cmds
    }
}

/// Whether a read that failed with `e` may succeed if tried again by itself: a timeout, a cut
/// connection, a 5xx or an unreadable answer, the API's "request in process". A refusal, a
/// block, a redirect or a login problem would fail the same way again.
fn may_pass(e: &ApiError) -> bool {
    e.is_busy()
        || (e.answer_lost() && !matches!(e, ApiError::Unconfirmed(_) | ApiError::TooLarge(_)))
}

/// Whether a schedule as listed now is the one the user saw (same name, days and time).
fn same_schedule(a: &Schedule, b: &Schedule) -> bool {
    a.name == b.name && a.days == b.days && a.time == b.time
}

/// A held-back write, with `before` as the fresh listing has it (for the journal).
fn with_fresh_before(cmd: Cmd, fresh: Option<Schedule>, rotation: Option<u8>) -> Cmd {
    match (cmd, fresh) {
        (Cmd::Edit { instance, spec, .. }, Some(s)) => Cmd::Edit {
            instance,
            before: Box::new(s),
            spec,
        },
        (
            Cmd::Delete {
                instance, server, ..
            },
            Some(s),
        ) => Cmd::Delete {
            instance,
            before: Box::new(s),
            server,
        },
        (Cmd::SetRetention { instance, keep, .. }, _) => Cmd::SetRetention {
            instance,
            before: rotation,
            keep,
        },
        (cmd, _) => cmd,
    }
}
