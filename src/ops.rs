//! Changes to the account, recorded in the journal: every write of the TUI, the CLI and bulk
//! apply goes through here. The intent is journaled before anything is sent; a journal that
//! cannot be written stops the change with an error (nothing sent). A change whose answer was
//! lost (or whose listing afterwards failed) is recorded as unknown, never as failed: it may
//! have been applied. An outcome that cannot be written is kept as a warning
//! ([`Ops::take_warnings`]) for the front end to show.

use crate::api::{ApiError, Client};
use crate::domain::plan::Change;
use crate::domain::{InstanceId, Schedule, ScheduleId, ScheduleSpec};
use crate::journal::{Action, Intent, Journal, Outcome, Snapshot, unrestored_delete};

/// The client and the journal its changes go to.
#[derive(Debug, Clone)]
pub struct Ops {
    /// The API.
    pub client: Client,
    /// Where changes are recorded.
    pub journal: Journal,
    /// Told (once) when a restore waits for another one to finish.
    wait_notice: Option<fn(&str)>,
}

/// What a restore says when another restore holds the lock and it waits.
pub const RESTORE_WAITS: &str =
    "another restore is running (this process or another bsched); waiting for it to finish";

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restored {
    /// The schedule was created again.
    Created(Schedule),
    /// The server lists it already, unchanged (same name, days and time); nothing was sent.
    AlreadyThere(Schedule),
}

impl Restored {
    /// The schedule as it is on the server now.
    pub fn into_schedule(self) -> Schedule {
        match self {
            Restored::Created(s) | Restored::AlreadyThere(s) => s,
        }
    }
}

fn journal_error(e: crate::journal::JournalError) -> ApiError {
    ApiError::Setup(format!("{e}; nothing was changed"))
}

/// How a change's result is recorded: applied, failed (nothing changed) or unknown (it may
/// have been applied), with the sentence that says so and how to check.
pub fn outcome_of<T>(
    result: &Result<T, ApiError>,
    instance: Option<InstanceId>,
) -> (Outcome, Option<String>) {
    match result {
        Ok(_) => (Outcome::Done, None),
        // The client turns every write it sent but could not confirm (a lost answer it could
        // not reconcile by listing) into `Unconfirmed`; any other error means not applied:
        // refused, failed before the write, or reconciled by listing and found not done.
        Err(e @ ApiError::Unconfirmed(_)) => (
            Outcome::Unknown,
            Some(format!("{e}; {}", check_hint(instance))),
        ),
        Err(e) => (Outcome::Failed, Some(e.to_string())),
    }
}

/// "it may have been applied: list …" for a change whose answer was lost.
pub fn check_hint(instance: Option<InstanceId>) -> String {
    match instance {
        Some(i) => format!(
            "it may have been applied: check with `bsched schedules list --instance {i}` before trying again"
        ),
        None => {
            "it may have been applied: list the server's schedules to check before trying again"
                .into()
        }
    }
}

/// What a change of `action` on `instance` (named `server`) is about to do; the caller sets
/// the parts its action has (before, after, retention, the delete it restores).
/// The longest server name a journal entry keeps, in characters: a name the API sends can be
/// any length, and a line longer than the journal reads ([`crate::journal::MAX_LINE`]) would
/// be lost.
pub const MAX_SERVER_NAME: usize = 200;

/// `name` as the journal keeps it: none when blank, at most [`MAX_SERVER_NAME`] characters
/// (a longer one ends with `…`).
fn kept_name(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return None;
    }
    Some(match name.char_indices().nth(MAX_SERVER_NAME) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_string(),
    })
}

fn intent(action: Action, instance: InstanceId, server: Option<&str>) -> Intent {
    Intent {
        action,
        instance_id: instance,
        server: server.and_then(kept_name),
        before: None,
        after: None,
        retention: None,
        restores: None,
    }
}

impl Ops {
    /// Pairs a client with a journal.
    pub fn new(client: Client, journal: Journal) -> Ops {
        Ops {
            client,
            journal,
            wait_notice: None,
        }
    }

    /// Has a restore that must wait for another one say so through `notice` (the CLI prints
    /// it on stderr) before it waits.
    pub fn announcing_waits(mut self, notice: fn(&str)) -> Ops {
        self.wait_notice = Some(notice);
        self
    }

    /// Takes the restore lock of the journal ([`Journal::try_restore_lock`]), waiting (on a
    /// blocking thread) while another restore holds it.
    async fn restore_lock(&self) -> Result<crate::journal::RestoreLock, ApiError> {
        if let Some(lock) = self.journal.try_restore_lock().map_err(journal_error)? {
            return Ok(lock);
        }
        if let Some(notice) = self.wait_notice {
            notice(RESTORE_WAITS);
        }
        let journal = self.journal.clone();
        tokio::task::spawn_blocking(move || journal.restore_lock())
            .await
            .map_err(|_| {
                ApiError::Setup("waiting for another restore failed; nothing was changed".into())
            })?
            .map_err(journal_error)
    }

    /// Takes the warnings not shown yet: outcomes that could not be written to the journal.
    /// The CLI prints them on stderr; the TUI shows them in its status line.
    pub fn take_warnings(&self) -> Vec<String> {
        self.journal.take_warnings()
    }

    fn begin(&self, intent: Intent) -> Result<u64, ApiError> {
        self.journal.begin(intent).map_err(journal_error)
    }

    /// Records how change `id` ended. When that cannot be written, the warning says so and is
    /// kept for [`Ops::take_warnings`] (and returned).
    fn finish<T>(
        &self,
        id: u64,
        instance: Option<InstanceId>,
        result: &Result<T, ApiError>,
        after: Option<Snapshot>,
        server: Option<String>,
    ) -> Option<String> {
        let (outcome, error) = outcome_of(result, instance);
        let shown = format!("{outcome:?}").to_lowercase();
        let e = self
            .journal
            .finish_naming(id, outcome, after, error, server)
            .err()?;
        let warning = format!(
            "the change of journal entry {id} ended ({shown}) but that could not be recorded: {e}; `bsched log` shows it as unknown"
        );
        tracing::warn!(%warning, "could not record the outcome of a change");
        self.journal.push_warning(warning.clone());
        Some(warning)
    }

    /// Records `intent` in the journal, then runs `write` (a future does nothing until it is
    /// awaited, so nothing is sent before the intent is recorded), then records how it ended,
    /// with the after snapshot `after` makes of its result. Every change goes through here.
    ///
    /// Every entry names its server: the name the caller gave, else the one this client
    /// listed; a change made knowing neither (a CLI command given only the id) learns it
    /// after the write (see [`Ops::name_after`]) and records it with the outcome.
    async fn journaled<T>(
        &self,
        mut intent: Intent,
        instance: Option<InstanceId>,
        write: impl std::future::Future<Output = Result<T, ApiError>>,
        after: impl FnOnce(&T) -> Option<Snapshot>,
    ) -> Result<T, ApiError> {
        let server = intent.instance_id;
        if let Some(listed) = self
            .client
            .known_server_name(server)
            .filter(|_| server != 0)
        {
            intent.server = kept_name(&listed);
        }
        let unnamed = intent.server.is_none() && server != 0;
        let id = self.begin(intent)?;
        let result = write.await;
        let learned = match unnamed {
            true => self
                .name_after(server, result.is_ok())
                .await
                .as_deref()
                .and_then(kept_name),
            false => None,
        };
        self.finish(
            id,
            instance,
            &result,
            result.as_ref().ok().and_then(after),
            learned,
        );
        result
    }

    /// The name of `server` for a change that did not know it: as listed by this client
    /// meanwhile (a create's listing), else, after a change that was applied, one listing of
    /// its schedules (they carry the server's name) or, for a server left without schedules,
    /// the server list. Nothing is asked after a change that failed or may not have applied.
    async fn name_after(&self, server: InstanceId, applied: bool) -> Option<String> {
        if let Some(name) = self.client.known_server_name(server) {
            return Some(name);
        }
        if !applied {
            return None;
        }
        if let Ok((_, Some(name))) = self.client.schedules_named(server).await {
            return Some(name);
        }
        let servers = self.client.instances().await.ok()?;
        servers
            .into_iter()
            .find(|i| i.id == server)
            .map(|i| i.name)
            .filter(|n| !n.trim().is_empty())
    }

    /// Finds schedule `id` on the account (for a delete given only the schedule's id): the
    /// server list, then each server's schedules, as many at once as the client allows,
    /// stopping at the first batch that has it. `None` when no listed server has it.
    pub async fn locate(&self, id: ScheduleId) -> Result<Option<Schedule>, ApiError> {
        let servers = self.client.instances().await?;
        let at_once = self.client.settings_without_secrets().concurrency.max(1);
        for batch in servers.chunks(at_once) {
            let lists =
                futures_util::future::join_all(batch.iter().map(|s| self.client.schedules(s.id)))
                    .await;
            for list in lists {
                if let Some(s) = list?.schedules.into_iter().find(|s| s.id == id) {
                    return Ok(Some(s));
                }
            }
        }
        Ok(None)
    }

    /// Creates a schedule.
    pub async fn create(
        &self,
        instance: InstanceId,
        server: Option<&str>,
        spec: &ScheduleSpec,
    ) -> Result<Schedule, ApiError> {
        self.create_restoring(instance, server, spec, None, None)
            .await
    }

    /// `known`: the server's schedule ids, when it was listed just before.
    async fn create_restoring(
        &self,
        instance: InstanceId,
        server: Option<&str>,
        spec: &ScheduleSpec,
        restores: Option<u64>,
        known: Option<&[ScheduleId]>,
    ) -> Result<Schedule, ApiError> {
        let intent = Intent {
            after: Some(Snapshot::of_spec(spec)),
            restores,
            ..intent(Action::Create, instance, server)
        };
        let write = self.client.create_schedule_known(instance, spec, known);
        self.journaled(intent, Some(instance), write, |s| Some(Snapshot::of(s)))
            .await
    }

    /// Creates again a schedule that was deleted (`bsched restore`, undo in the TUI), unless
    /// it is back already: when the server lists a schedule with the same name, days and time,
    /// nothing is sent. `entry` is the delete's journal entry; without it, the newest delete
    /// of this schedule on this server that was not restored yet is the one recorded.
    ///
    /// From the listing to the create it holds the journal's restore lock, so two restores at
    /// once (the TUI's `u` and `bsched restore`, or two commands) cannot both find the
    /// schedule missing: the second waits, then finds it there.
    pub async fn restore(
        &self,
        instance: InstanceId,
        server: Option<&str>,
        spec: &ScheduleSpec,
        entry: Option<u64>,
    ) -> Result<Restored, ApiError> {
        let _lock = self.restore_lock().await?;
        let listed = self.client.schedules(instance).await?;
        if let Some(s) = listed.schedules.iter().find(|s| spec.matches(s)) {
            return Ok(Restored::AlreadyThere(s.clone()));
        }
        let known: Vec<ScheduleId> = listed.schedules.iter().map(|s| s.id).collect();
        let entry = match entry {
            Some(n) => Some(n),
            None => self.journal.read().ok().and_then(|entries| {
                unrestored_delete(&entries, self.journal.profile(), instance, spec)
            }),
        };
        self.create_restoring(instance, server, spec, entry, Some(&known))
            .await
            .map(Restored::Created)
    }

    /// Edits a schedule; `before` is how it was listed.
    pub async fn edit(
        &self,
        instance: InstanceId,
        server: Option<&str>,
        before: &Schedule,
        spec: &ScheduleSpec,
    ) -> Result<Schedule, ApiError> {
        let intent = Intent {
            before: Some(Snapshot::of(before)),
            after: Some(Snapshot::of_spec(spec)),
            ..intent(Action::Edit, instance, server)
        };
        let write = self.client.edit_schedule(instance, before.id, spec);
        self.journaled(intent, Some(instance), write, |s| Some(Snapshot::of(s)))
            .await
    }

    /// Edits a schedule just listed (`before`) and trusts a clear answer: the write alone, no
    /// listing after it. The result is `spec` applied to `before` (its id and creation kept);
    /// a lost or busy answer is reconciled by one listing as in [`Ops::edit`]. For a caller
    /// that listed the server right before (the CLI's `schedules edit`, bulk apply);
    /// [`Ops::edit`] returns the schedule as the server lists it.
    pub async fn edit_trusting_answer(
        &self,
        instance: InstanceId,
        server: Option<&str>,
        before: &Schedule,
        spec: &ScheduleSpec,
    ) -> Result<Schedule, ApiError> {
        let intent = Intent {
            before: Some(Snapshot::of(before)),
            after: Some(Snapshot::of_spec(spec)),
            ..intent(Action::Edit, instance, server)
        };
        let write = self.client.edit_schedule_trusting(instance, before, spec);
        self.journaled(intent, Some(instance), write, |s| Some(Snapshot::of(s)))
            .await
    }

    /// Creates a schedule and trusts a clear answer: the write alone, no listing after it.
    /// `Ok(None)` when the server accepted it without naming its id (the journal's after
    /// snapshot then has no id). `known`: the server's schedule ids as listed before.
    async fn create_trusting_answer(
        &self,
        instance: InstanceId,
        server: Option<&str>,
        spec: &ScheduleSpec,
        known: Option<&[ScheduleId]>,
    ) -> Result<Option<Schedule>, ApiError> {
        let intent = Intent {
            after: Some(Snapshot::of_spec(spec)),
            ..intent(Action::Create, instance, server)
        };
        let write = self.client.create_schedule_trusting(instance, spec, known);
        // Without an id, the intent's snapshot (the spec, no id) stays the after snapshot.
        self.journaled(intent, Some(instance), write, |s| {
            s.as_ref().map(Snapshot::of)
        })
        .await
    }

    /// Deletes a schedule. `before` (how it was listed) lets it be restored from the journal.
    pub async fn delete(
        &self,
        instance: Option<InstanceId>,
        server: Option<&str>,
        id: ScheduleId,
        before: Option<&Schedule>,
    ) -> Result<(), ApiError> {
        let before_snap = before.map(Snapshot::of).or(Some(Snapshot {
            id: Some(id),
            name: String::new(),
            days: Vec::new(),
            time: String::new(),
        }));
        let instance = instance.or(before.map(|b| b.instance_id));
        let intent = Intent {
            before: before_snap,
            ..intent(Action::Delete, instance.unwrap_or(0), server)
        };
        let write = self.client.delete_schedule(id, instance);
        self.journaled(intent, instance, write, |_| None).await
    }

    /// Sets a server's retention.
    pub async fn set_retention(
        &self,
        instance: InstanceId,
        server: Option<&str>,
        before: Option<u8>,
        keep: u8,
    ) -> Result<(), ApiError> {
        let intent = Intent {
            retention: Some((before, keep)),
            ..intent(Action::Retention, instance, server)
        };
        let write = self.client.set_retention(instance, keep);
        self.journaled(intent, Some(instance), write, |_| None)
            .await
    }

    /// Carries out one planned change (bulk apply). `Unchanged` sends nothing. A clear answer
    /// is trusted, so a change costs its write alone: an update returns the plan's spec
    /// applied to the listed schedule, a create the answered id, or `None` when the server
    /// accepted it without naming it. A lost or busy answer is reconciled by one listing.
    pub async fn apply(
        &self,
        change: &Change,
        server: Option<&str>,
    ) -> Result<Option<Schedule>, ApiError> {
        self.apply_known(change, server, None).await
    }

    /// [`Ops::apply`] for a caller that listed the server before: `known` is the ids it
    /// listed, so a create whose answer was lost never takes one of them for the new one.
    pub async fn apply_known(
        &self,
        change: &Change,
        server: Option<&str>,
        known: Option<&[ScheduleId]>,
    ) -> Result<Option<Schedule>, ApiError> {
        match change {
            Change::Create { instance, spec } => {
                self.create_trusting_answer(*instance, server, spec, known)
                    .await
            }
            Change::Update {
                instance,
                before,
                spec,
            } => self
                .edit_trusting_answer(*instance, server, before, spec)
                .await
                .map(Some),
            Change::Delete { instance, before } => self
                .delete(Some(*instance), server, before.id, Some(before))
                .await
                .map(|_| None),
            Change::Retention {
                instance,
                before,
                after,
            } => self
                .set_retention(*instance, server, *before, *after)
                .await
                .map(|_| None),
            Change::Unchanged { .. } => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_SERVER_NAME, kept_name};

    #[test]
    fn a_server_name_is_kept_whole_up_to_the_limit_and_cut_after() {
        assert_eq!(kept_name("  "), None);
        assert_eq!(kept_name("web-1").as_deref(), Some("web-1"));
        let exact = "я".repeat(MAX_SERVER_NAME);
        assert_eq!(kept_name(&exact), Some(exact.clone()));
        let long = kept_name(&"я".repeat(MAX_SERVER_NAME * 100)).expect("kept");
        assert_eq!(long.chars().count(), MAX_SERVER_NAME + 1);
        assert!(long.ends_with('…'));
    }
}
