//! One method per API function: servers, schedules, backups, retention, the panel's filter.
//!
//! Lists are read tolerantly: each field in the first form that parses (`$`, then `$orig`), and
//! one unreadable element is skipped with a warning instead of failing the whole list. Writes
//! never trust exact equality: a server that stores `2:00` for `02:00` has still saved the
//! schedule; a difference is a warning.

use serde_json::Value;
use serde_json::value::RawValue;

use super::doc;
use super::parse::{parse_backup, parse_instance, parse_schedule, set_filter_fields};
use super::{ApiError, Client};
use crate::domain::backups::Backup;
use crate::domain::{Instance, InstanceId, Schedule, ScheduleId, ScheduleList, ScheduleSpec};

pub use crate::domain::RETENTION_RANGE;

const EDIT: &str = "instances.fleio_bckps.schedule.edit";
/// Unreadable elements of one list named one by one; the rest are counted.
const NAMED_UNREADABLE: usize = 3;
/// Fields of the panel's filter named in the warning; the rest are counted.
const NAMED_FILTER_FIELDS: usize = 5;

impl Client {
    /// Every instance on the account, all pages. An unreadable element is skipped and noted.
    /// The first time in a session, also reads the panel's server filter and warns when it
    /// is on.
    pub async fn instances(&self) -> Result<Vec<Instance>, ApiError> {
        let (elems, _) = self.list_all("instances", &[]).await?;
        let list = self.readable(&elems, "the server list", parse_instance);
        for i in &list {
            self.learn_server_name(i.id, &i.name);
        }
        let fields = match self.known_panel_filter() {
            Some(f) => Some(f),
            None => match self.panel_filter().await {
                Ok(f) => {
                    self.learn_panel_filter(f.clone());
                    Some(f)
                }
                Err(e) => {
                    tracing::debug!(error = %e, "the panel's server filter could not be read");
                    if matches!(e, ApiError::Refused { .. }) {
                        // The server has no such function: nothing to warn about, ever.
                        self.learn_panel_filter(Vec::new());
                    }
                    None
                }
            },
        };
        if let Some(fields) = fields.filter(|f| !f.is_empty()) {
            self.warn(panel_filter_note(&fields));
        }
        Ok(list)
    }

    /// One instance's schedules and retention, all pages.
    pub async fn schedules(&self, instance: InstanceId) -> Result<ScheduleList, ApiError> {
        self.schedules_named(instance).await.map(|(list, _)| list)
    }

    /// One instance's schedules and retention, with the server's name as its schedules carry
    /// it (`servername`; `None` when it has none): one request where `instances` and a
    /// listing would be two.
    pub async fn schedules_named(
        &self,
        instance: InstanceId,
    ) -> Result<(ScheduleList, Option<String>), ApiError> {
        let (elems, doc) = self
            .list_all(
                "instances.fleio_bckps.schedule",
                &[("elid", instance.to_string())],
            )
            .await?;
        let schedules = self.readable(&elems, &format!("server {instance}"), |e| {
            parse_schedule(e, instance)
        });
        let backup_rotation = doc::parsed(&doc, "backup_rotation", |s| s.trim().parse().ok());
        let scrub = self.scrubber();
        let server_name = elems.iter().find_map(|raw| {
            let mut e = doc::parse_element(raw).ok()?;
            scrub.value(&mut e);
            doc::field(&e, "servername")
                .filter(|n| !n.trim().is_empty())
                .map(str::to_string)
        });
        if let Some(name) = &server_name {
            self.learn_server_name(instance, name);
        }
        Ok((
            ScheduleList {
                schedules,
                backup_rotation,
            },
            server_name,
        ))
    }

    /// One instance's backups (`instances.fleio_bckps`), all pages.
    pub async fn backups(&self, instance: InstanceId) -> Result<Vec<Backup>, ApiError> {
        let (elems, _) = self
            .list_all("instances.fleio_bckps", &[("elid", instance.to_string())])
            .await?;
        Ok(self.readable(
            &elems,
            &format!("the backups of server {instance}"),
            parse_backup,
        ))
    }

    /// Every element that can be read, each parsed on its own and dropped after; the others
    /// are skipped and named in a warning.
    fn readable<T>(
        &self,
        elems: &[Box<RawValue>],
        list: &str,
        parse: impl Fn(&Value) -> Result<T, ApiError>,
    ) -> Vec<T> {
        let mut unreadable = 0usize;
        // One scrubber for the whole list, not one per element.
        let scrub = self.scrubber();
        let out = elems
            .iter()
            .filter_map(|raw| {
                let mut e = doc::parse_element(raw).unwrap_or(Value::Null);
                scrub.value(&mut e);
                match parse(&e) {
                    Ok(t) => Some(t),
                    Err(err) => {
                        unreadable += 1;
                        // A few are named; a server that sends thousands gets one line more,
                        // not thousands.
                        if unreadable <= NAMED_UNREADABLE {
                            let id = doc::field(&e, "id").unwrap_or("without an id");
                            let id: String =
                                crate::sanitize::for_terminal(id).chars().take(40).collect();
                            self.warn(format!(
                                "{list}: element {id} could not be read and is not shown ({err})"
                            ));
                        }
                        None
                    }
                }
            })
            .collect();
        if unreadable > NAMED_UNREADABLE {
            self.warn(format!(
                "{list}: {} more elements could not be read and are not shown",
                unreadable - NAMED_UNREADABLE
            ));
        }
        out
    }

    /// Which fields of the panel's server filter (`instances.filter`, api.md 8a.7) are set: a
    /// filter set in the web panel hides servers from every client of the account.
    pub async fn panel_filter(&self) -> Result<Vec<String>, ApiError> {
        let doc = self.call("instances.filter", &[]).await?;
        Ok(set_filter_fields(&doc))
    }

    fn spec_params(instance: InstanceId, spec: &ScheduleSpec) -> Vec<(&'static str, String)> {
        vec![
            ("plid", instance.to_string()),
            ("name", spec.name().as_str().to_string()),
            ("rotation_days", spec.days().to_api_csv()),
            ("rotation_time", spec.time().to_string()),
            ("sok", "ok".to_string()),
        ]
    }

    /// Sends `schedule.edit`. A refusal is the outer `Err`; an answer that may have been lost
    /// after the change applied, or a "request in process" refusal, is `Ok(Err(_))`, for the
    /// caller to reconcile by listing again.
    async fn send_edit(
        &self,
        what: &'static str,
        params: &[(&str, String)],
    ) -> Result<Result<Value, ApiError>, ApiError> {
        match self.call_write(EDIT, params).await {
            Err(e) if !e.answer_lost() && !e.is_busy() => Err(e),
            Err(e) => {
                tracing::warn!(error = %e, what, "no clear answer; listing again to reconcile");
                Ok(Err(e))
            }
            ok => Ok(ok),
        }
    }

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

/// What to tell a user whose server list the panel's filter may shorten.
pub fn panel_filter_note(fields: &[String]) -> String {
    let mut named: Vec<String> = fields
        .iter()
        .take(NAMED_FILTER_FIELDS)
        .map(|f| crate::sanitize::for_terminal(f).chars().take(40).collect())
        .collect();
    if fields.len() > NAMED_FILTER_FIELDS {
        named.push(format!("{} more", fields.len() - NAMED_FILTER_FIELDS));
    }
    format!(
        "the panel's server filter is on ({}); some servers may be hidden from bsched too. Clear it in the provider's web panel (Cloud VPS list, filter, clear)",
        named.join(", ")
    )
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
