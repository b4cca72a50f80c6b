//! Changes to the account, recorded in the journal: every write of the TUI, the CLI and bulk
//! apply goes through here. The intent is journaled before anything is sent; a journal that
//! cannot be written stops the change with an error (nothing sent).

use crate::api::{ApiError, Client};
use crate::domain::plan::Change;
use crate::domain::{InstanceId, Schedule, ScheduleId, ScheduleSpec};
use crate::journal::{Action, Intent, Journal, Snapshot};

/// The client and the journal its changes go to.
#[derive(Debug, Clone)]
pub struct Ops {
    /// The API.
    pub client: Client,
    /// Where changes are recorded.
    pub journal: Journal,
}

fn journal_error(e: crate::journal::JournalError) -> ApiError {
    ApiError::Setup(format!("{e}; nothing was changed"))
}

impl Ops {
    /// Pairs a client with a journal.
    pub fn new(client: Client, journal: Journal) -> Ops {
        Ops { client, journal }
    }

    fn begin(&self, intent: Intent) -> Result<u64, ApiError> {
        self.journal.begin(intent).map_err(journal_error)
    }

    fn finish<T>(&self, id: u64, result: &Result<T, ApiError>, after: Option<Snapshot>) {
        let (ok, error) = match result {
            Ok(_) => (true, None),
            Err(e) => (false, Some(e.to_string())),
        };
        if let Err(e) = self.journal.finish(id, ok, after, error) {
            tracing::warn!(error = %e, "could not record the outcome of a change");
        }
    }

    /// Creates a schedule.
    pub async fn create(
        &self,
        instance: InstanceId,
        server: Option<&str>,
        spec: &ScheduleSpec,
    ) -> Result<Schedule, ApiError> {
        let id = self.begin(Intent {
            action: Action::Create,
            instance_id: instance,
            server: server.map(str::to_string),
            before: None,
            after: Some(Snapshot::of_spec(spec)),
            retention: None,
        })?;
        let result = self.client.create_schedule(instance, spec).await;
        self.finish(id, &result, result.as_ref().ok().map(Snapshot::of));
        result
    }

    /// Edits a schedule; `before` is how it was listed.
    pub async fn edit(
        &self,
        instance: InstanceId,
        server: Option<&str>,
        before: &Schedule,
        spec: &ScheduleSpec,
    ) -> Result<Schedule, ApiError> {
        let id = self.begin(Intent {
            action: Action::Edit,
            instance_id: instance,
            server: server.map(str::to_string),
            before: Some(Snapshot::of(before)),
            after: Some(Snapshot::of_spec(spec)),
            retention: None,
        })?;
        let result = self.client.edit_schedule(instance, before.id, spec).await;
        self.finish(id, &result, result.as_ref().ok().map(Snapshot::of));
        result
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
        let entry = self.begin(Intent {
            action: Action::Delete,
            instance_id: instance.or(before.map(|b| b.instance_id)).unwrap_or(0),
            server: server.map(str::to_string),
            before: before_snap,
            after: None,
            retention: None,
        })?;
        let result = self.client.delete_schedule(id, instance).await;
        self.finish(entry, &result, None);
        result
    }

    /// Sets a server's retention.
    pub async fn set_retention(
        &self,
        instance: InstanceId,
        server: Option<&str>,
        before: Option<u8>,
        keep: u8,
    ) -> Result<(), ApiError> {
        let entry = self.begin(Intent {
            action: Action::Retention,
            instance_id: instance,
            server: server.map(str::to_string),
            before: None,
            after: None,
            retention: Some((before, keep)),
        })?;
        let result = self.client.set_retention(instance, keep).await;
        self.finish(entry, &result, None);
        result
    }

    /// Carries out one planned change. `Unchanged` sends nothing.
    pub async fn apply(
        &self,
        change: &Change,
        server: Option<&str>,
    ) -> Result<Option<Schedule>, ApiError> {
        match change {
            Change::Create { instance, spec } => {
                self.create(*instance, server, spec).await.map(Some)
            }
            Change::Update {
                instance,
                before,
                spec,
            } => self.edit(*instance, server, before, spec).await.map(Some),
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
