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
use crate::domain::{Instance, InstanceId, ScheduleList, ScheduleSpec};

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

    pub(super) fn spec_params(
        instance: InstanceId,
        spec: &ScheduleSpec,
    ) -> Vec<(&'static str, String)> {
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
    pub(super) async fn send_edit(
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
