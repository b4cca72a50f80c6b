//! The writes: create, edit and delete a schedule, set the retention. Each is reconciled by
//! listing when its answer is lost or unclear, never sent twice.

use serde_json::Value;

use super::{ApiError, Client, doc};
use crate::domain::{InstanceId, RETENTION_RANGE, Schedule, ScheduleId, ScheduleSpec};
impl Client {
    /// Creates a schedule and returns it as the server lists it afterwards: the write, then one
    /// listing. When this server's creates are known to answer with the new id (a listing
    /// confirmed it once; kept with the session), the write alone is enough. A create whose
    /// answer was lost is reconciled by listing, never sent twice.
    ///
    /// Whether the schedule function answers with an id is not known (api.md 8.4, 8a.5:
    /// BILLmanager's `*.edit` usually does). Both answers are handled: without an id the
    /// listing decides (the newest schedule like the one sent), and what was seen is learned,
    /// so a server that changes its mind costs one extra listing, never a wrong result.
    pub async fn create_schedule(
        &self,
        instance: InstanceId,
        spec: &ScheduleSpec,
    ) -> Result<Schedule, ApiError> {
        self.create_schedule_known(instance, spec, None).await
    }

    /// [`Client::create_schedule`] for a caller that has just listed the server: `known` is
    /// the ids it listed, and none of them is ever taken for the new schedule.
    pub async fn create_schedule_known(
        &self,
        instance: InstanceId,
        spec: &ScheduleSpec,
        known: Option<&[ScheduleId]>,
    ) -> Result<Schedule, ApiError> {
        match self.create(instance, spec, known, false).await? {
            Some(s) => Ok(s),
            // A confirmed create always names its schedule; kept as an error, not a panic.
            None => Err(ApiError::Unconfirmed(
                "the server accepted the schedule without naming it".into(),
            )),
        }
    }

    /// Creates a schedule and trusts a clear answer: no listing after an `ok`. The schedule is
    /// the answered id with what was sent, or `None` when the server accepted it without
    /// naming it (its id is then unknown). A lost or busy answer is reconciled by one listing
    /// as in [`Client::create_schedule`]. `known` is the server's schedule ids as listed
    /// before, when the caller has them: a schedule among them is never taken for the new one.
    pub async fn create_schedule_trusting(
        &self,
        instance: InstanceId,
        spec: &ScheduleSpec,
        known: Option<&[ScheduleId]>,
    ) -> Result<Option<Schedule>, ApiError> {
        self.create(instance, spec, known, true).await
    }

    async fn create(
        &self,
        instance: InstanceId,
        spec: &ScheduleSpec,
        known: Option<&[ScheduleId]>,
        trust_ok: bool,
    ) -> Result<Option<Schedule>, ApiError> {
        let _turn = self.write_turn().await;
        // An answered id is relied on without a listing only once a listing has confirmed one
        // (or when the caller trusts the answer).
        let learned = self.create_returns_id() == Some(true);
        let mut params = Self::spec_params(instance, spec);
        params.push(("elid", String::new()));
        let sent = self.send_edit("create", &params).await?;
        let answered_id = sent
            .as_ref()
            .ok()
            .and_then(|doc| doc::parsed(doc, "id", |s| s.trim().parse::<ScheduleId>().ok()));
        if sent.is_ok() {
            match answered_id {
                None => self.learn_create_returns_id(false),
                Some(id) if learned || trust_ok => {
                    return Ok(Some(as_sent(instance, id, spec, String::new())));
                }
                Some(_) => {}
            }
            if trust_ok {
                return Ok(None);
            }
        }
        let after = match self.schedules(instance).await {
            Ok(a) => a,
            Err(e) => return Err(unconfirmed(&sent, &e)),
        };
        let fresh = |s: &Schedule| known.is_none_or(|k| !k.contains(&s.id));
        // Ids grow: the newest schedule like ours is the one just made.
        let newest_like = after
            .schedules
            .iter()
            .filter(|s| fresh(s) && loosely_matches(spec, s))
            .max_by_key(|s| s.id);
        if let Some(id) = answered_id {
            // Without a listing before, an answered id is confirmed when it is the newest
            // schedule like ours (an old id answered by mistake is not).
            let confirmed = newest_like.filter(|s| s.id == id).cloned();
            // The answered id is the new schedule: from now on the answer alone is enough.
            self.learn_create_returns_id(confirmed.is_some());
            if let Some(s) = confirmed {
                self.note_difference(spec, &s);
                return Ok(Some(s));
            }
        }
        let newest = after
            .schedules
            .iter()
            .filter(|s| fresh(s))
            .max_by_key(|s| s.id);
        let created = newest_like
            // None like ours (a server that stored it in another form): with the ids listed
            // before, any new one; without them, the answered id when it is the newest.
            .or_else(|| known.and(newest))
            .or_else(|| newest.filter(|s| Some(s.id) == answered_id))
            .cloned();
        match (created, sent) {
            (Some(s), sent) => {
                if let Err(e) = sent {
                    tracing::warn!(error = %e, id = s.id, "no clear create answer; the newest schedule like it is taken as the new one");
                }
                self.note_difference(spec, &s);
                Ok(Some(s))
            }
            (None, Err(e)) if e.is_busy() => Err(busy_nothing_changed()),
            // Listed, and nothing like it there: it was not created.
            (None, Err(e)) => Err(e),
            // Accepted, yet not found: it may be there in a form this list could not read.
            (None, Ok(_)) => Err(ApiError::Unconfirmed(
                "the API accepted the schedule but it is not in the list afterwards".into(),
            )),
        }
    }

    /// Edits a schedule, sending every field again, and returns it as listed afterwards (the
    /// write and one listing).
    pub async fn edit_schedule(
        &self,
        instance: InstanceId,
        id: ScheduleId,
        spec: &ScheduleSpec,
    ) -> Result<Schedule, ApiError> {
        let _turn = self.write_turn().await;
        let mut params = Self::spec_params(instance, spec);
        params.push(("elid", id.to_string()));
        let sent = self.send_edit("edit", &params).await?;
        self.reconcile_edit(instance, id, spec, sent).await
    }

    /// Edits schedule `before` (as it was just listed) and trusts a clear answer: after an
    /// `ok` nothing is listed, and the result is `spec` applied to `before` (its id and
    /// creation kept). A lost or busy answer is reconciled by one listing as in
    /// [`Client::edit_schedule`].
    pub async fn edit_schedule_trusting(
        &self,
        instance: InstanceId,
        before: &Schedule,
        spec: &ScheduleSpec,
    ) -> Result<Schedule, ApiError> {
        let _turn = self.write_turn().await;
        let mut params = Self::spec_params(instance, spec);
        params.push(("elid", before.id.to_string()));
        let sent = self.send_edit("edit", &params).await?;
        if sent.is_ok() {
            return Ok(as_sent(instance, before.id, spec, before.created.clone()));
        }
        self.reconcile_edit(instance, before.id, spec, sent).await
    }

    /// What an edit came to, from a listing after it.
    async fn reconcile_edit(
        &self,
        instance: InstanceId,
        id: ScheduleId,
        spec: &ScheduleSpec,
        sent: Result<Value, ApiError>,
    ) -> Result<Schedule, ApiError> {
        let after = match self.schedules(instance).await {
            Ok(a) => a,
            Err(e) => return Err(unconfirmed(&sent, &e)),
        };
        match (after.schedules.into_iter().find(|s| s.id == id), sent) {
            (Some(s), Ok(_)) => {
                self.note_difference(spec, &s);
                Ok(s)
            }
            (Some(s), Err(_)) if loosely_matches(spec, &s) => {
                self.note_difference(spec, &s);
                Ok(s)
            }
            (Some(_), Err(e)) if e.is_busy() => Err(busy_nothing_changed()),
            (_, Err(e)) => Err(e),
            (None, Ok(_)) => Err(ApiError::Refused {
                kind: "missed".into(),
                object: Some("elid".into()),
                message: format!("schedule {id} is no longer on server {instance}"),
            }),
        }
    }

    /// Deletes a schedule. When the answer is lost (or the server was busy) and the instance
    /// is known, lists again to learn whether it is gone.
    pub async fn delete_schedule(
        &self,
        id: ScheduleId,
        instance: Option<InstanceId>,
    ) -> Result<(), ApiError> {
        let _turn = self.write_turn().await;
        let sent = self
            .call_write(
                "instances.fleio_bckps.schedule.delete",
                &[("elid", id.to_string())],
            )
            .await;
        match (sent, instance) {
            (Ok(_), _) => Ok(()),
            (Err(e), Some(instance)) if e.answer_lost() || e.is_busy() => {
                tracing::warn!(error = %e, "no clear delete answer; listing again to reconcile");
                let after = self
                    .schedules(instance)
                    .await
                    .map_err(|l| ApiError::Unconfirmed(format!("{e}; listing again: {l}")))?;
                match after.schedules.iter().any(|s| s.id == id) {
                    true if e.is_busy() => Err(busy_nothing_changed()),
                    true => Err(e),
                    false => Ok(()),
                }
            }
            // No server to list: whether it applied cannot be known.
            (Err(e), None) if e.answer_lost() => Err(ApiError::Unconfirmed(e.to_string())),
            (Err(e), _) => Err(e),
        }
    }

    /// Sets a server's retention (`backup_rotation`, 1-10).
    pub async fn set_retention(&self, instance: InstanceId, keep: u8) -> Result<(), ApiError> {
        if !RETENTION_RANGE.contains(&keep) {
            return Err(ApiError::Setup(format!(
                "retention must be between 1 and 10 backups, not {keep}"
            )));
        }
        let _turn = self.write_turn().await;
        let sent = self
            .call_write(
                "instances.edit",
                &[
                    ("elid", instance.to_string()),
                    ("backup_rotation", keep.to_string()),
                    ("sok", "ok".into()),
                    ("clicked_button", "ok".into()),
                ],
            )
            .await;
        match sent {
            Ok(_) => Ok(()),
            // No clear answer: read the value back to learn whether it was set.
            Err(e) if e.answer_lost() || e.is_busy() => {
                tracing::warn!(error = %e, "no clear retention answer; reading it back");
                match self.schedules(instance).await {
                    Ok(list) if list.backup_rotation == Some(keep) => Ok(()),
                    Ok(_) if e.is_busy() => Err(busy_nothing_changed()),
                    Ok(_) => Err(e),
                    Err(l) => Err(ApiError::Unconfirmed(format!(
                        "{e}; reading the retention back failed: {l}"
                    ))),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// A warning when the server stored something else than was sent (it normalized it).
    fn note_difference(&self, spec: &ScheduleSpec, s: &Schedule) {
        if spec.matches(s) {
            return;
        }
        self.warn(format!(
            "server {} stored schedule {} as '{}' {} {} (sent '{}' {} {})",
            s.instance_id,
            s.id,
            crate::sanitize::for_terminal(&s.name),
            s.days.display(),
            s.time,
            spec.name().as_str(),
            spec.days().display(),
            spec.time(),
        ));
    }
}

/// The error for a write whose result the listing after it could not confirm.
fn unconfirmed(sent: &Result<Value, ApiError>, listing: &ApiError) -> ApiError {
    match sent {
        Ok(_) => ApiError::Unconfirmed(format!(
            "the server accepted it, but listing afterwards failed: {listing}"
        )),
        Err(e) if e.is_busy() => ApiError::Unconfirmed(format!(
            "the server was busy, and listing afterwards failed: {listing}"
        )),
        Err(e) => ApiError::Unconfirmed(format!("{e}; listing afterwards failed: {listing}")),
    }
}

/// The schedule `id` on `instance` as `spec` describes it: what a write that answered `ok`
/// made of it, without a listing.
fn as_sent(instance: InstanceId, id: ScheduleId, spec: &ScheduleSpec, created: String) -> Schedule {
    Schedule {
        id,
        instance_id: instance,
        name: spec.name().as_str().to_string(),
        days: spec.days(),
        time: spec.time(),
        created,
    }
}

fn busy_nothing_changed() -> ApiError {
    ApiError::Refused {
        kind: "busy".into(),
        object: None,
        message: "the server was still busy with another request of this session and did not make the change (checked by listing); try again".into(),
    }
}

/// Whether a listed schedule is what `spec` asked for, allowing for a server that normalizes
/// names (spaces, case); days and time must agree.
pub fn loosely_matches(spec: &ScheduleSpec, s: &Schedule) -> bool {
    let norm = |t: &str| {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    s.days == spec.days() && s.time == spec.time() && norm(&s.name) == norm(spec.name().as_str())
}
