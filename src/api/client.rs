//! The BILLmanager client: form POSTs, login and re-login, paging, one method per API function.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::Url;
use serde_json::Value;
use tokio::sync::{Mutex, Semaphore};

use super::doc::{self, decode_body};
use super::{ApiError, Secret};
use crate::domain::backups::{Backup, BackupKind, parse_api_datetime};
use crate::domain::{
    Instance, InstanceId, Schedule, ScheduleId, ScheduleList, ScheduleSpec, TimeOfDay, Weekdays,
};

/// The most pages a list is followed for; a guard against a server that never ends a list.
const MAX_PAGES: u64 = 10_000;

/// How to reach and authenticate to the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The API endpoint (already checked by [`super::checked_url`]).
    pub url: Url,
    /// Login name.
    pub username: Option<String>,
    /// Password, used to log in and to log in again when the session expires.
    pub password: Option<Secret>,
    /// An existing session id to start with.
    pub token: Option<Secret>,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub request_timeout: Duration,
    /// Requests in flight at once (BILLmanager may serialize per session).
    pub concurrency: usize,
}

impl ClientConfig {
    /// A config with default timeouts for `url`.
    pub fn new(url: Url) -> ClientConfig {
        ClientConfig {
            url,
            username: None,
            password: None,
            token: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            concurrency: 4,
        }
    }
}

/// A cheap-to-clone handle to the API.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    cfg: ClientConfig,
    session: Mutex<Option<Secret>>,
    permits: Semaphore,
    /// Set once a one-time code was confirmed: the session cannot be renewed with the
    /// password alone.
    totp: AtomicBool,
}

impl Client {
    /// Builds the client; nothing is sent yet.
    pub fn new(cfg: ClientConfig) -> Result<Client, ApiError> {
        // Another part of the process may have installed it already; either way one is set.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.request_timeout)
            .user_agent(concat!("bsched/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| ApiError::Setup("could not set up the HTTP client".into()))?;
        let session = Mutex::new(cfg.token.clone());
        let permits = Semaphore::new(cfg.concurrency.max(1));
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                cfg,
                session,
                permits,
                totp: AtomicBool::new(false),
            }),
        })
    }

    /// The API host, for display.
    pub fn host(&self) -> String {
        let url = &self.inner.cfg.url;
        match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or("?")),
            None => url.host_str().unwrap_or("?").to_string(),
        }
    }

    /// The settings this client was made with, without the password and the session: what a
    /// login screen may be pre-filled with.
    pub fn settings_without_secrets(&self) -> ClientConfig {
        let mut cfg = self.inner.cfg.clone();
        cfg.password = None;
        cfg.token = None;
        cfg
    }

    /// The account name, for display.
    pub fn username(&self) -> Option<&str> {
        self.inner.cfg.username.as_deref()
    }

    fn can_login(&self) -> bool {
        self.inner.cfg.username.is_some() && self.inner.cfg.password.is_some()
    }

    /// Logs in with the username and password and keeps the new session.
    pub async fn login(&self) -> Result<(), ApiError> {
        let mut session = self.inner.session.lock().await;
        *session = Some(self.fresh_session().await?);
        Ok(())
    }

    async fn fresh_session(&self) -> Result<Secret, ApiError> {
        let cfg = &self.inner.cfg;
        let (Some(user), Some(pass)) = (&cfg.username, &cfg.password) else {
            return Err(ApiError::Setup(
                "no credentials: set BSCHED_USERNAME and BSCHED_PASSWORD (or a profile in the config file)".into(),
            ));
        };
        tracing::debug!("logging in");
        let form = [
            ("func", "auth"),
            ("username", user.as_str()),
            ("password", pass.expose()),
            ("out", "json"),
            ("lang", "en"),
            ("sok", "ok"),
        ];
        let doc = self.send(&form).await.map_err(|e| match e {
            ApiError::Refused { message, .. } => ApiError::Auth(message),
            other => other,
        })?;
        let auth = doc
            .get("auth")
            .ok_or_else(|| ApiError::Malformed("the login answer holds no session".into()))?;
        let token = doc::attr(auth, "id")
            .or_else(|| doc::text(auth))
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::Malformed("the login answer holds no session".into()))?;
        Ok(Secret::new(token))
    }

    /// The current session, logging in first when there is none.
    async fn session(&self) -> Result<Secret, ApiError> {
        let mut session = self.inner.session.lock().await;
        if let Some(s) = session.as_ref() {
            return Ok(s.clone());
        }
        let fresh = self.fresh_session().await?;
        *session = Some(fresh.clone());
        Ok(fresh)
    }

    /// Replaces the session `stale` with a new one, unless another task already did.
    async fn renew(&self, stale: &Secret) -> Result<Secret, ApiError> {
        let mut session = self.inner.session.lock().await;
        if let Some(s) = session.as_ref().filter(|s| *s != stale) {
            return Ok(s.clone());
        }
        let fresh = self.fresh_session().await?;
        *session = Some(fresh.clone());
        Ok(fresh)
    }

    /// Logs in and asks the API whether the account still needs a one-time code (TOTP,
    /// api.md 2.1): `Ok(true)` means [`Client::confirm_totp`] must follow before anything else.
    pub async fn login_checking_totp(&self) -> Result<bool, ApiError> {
        self.login().await?;
        self.needs_totp().await
    }

    /// Whether the current session waits for a one-time code (`whoami` answers
    /// `ok = func=totp.confirm`).
    pub async fn needs_totp(&self) -> Result<bool, ApiError> {
        let token = self.session().await?;
        let doc = self.call_with("whoami", &[], &token).await?;
        Ok(doc
            .get("ok")
            .and_then(doc::text)
            .is_some_and(|t| t.trim() == "func=totp.confirm"))
    }

    /// Sends the one-time code; the API answers with a new session, which replaces the old.
    pub async fn confirm_totp(&self, code: &str) -> Result<(), ApiError> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::Setup("the code has six digits".into()));
        }
        let mut session = self.inner.session.lock().await;
        let Some(token) = session.clone() else {
            return Err(ApiError::Setup("log in before sending the code".into()));
        };
        let params = [
            ("sok", "ok".to_string()),
            ("clicked_button", "ok".to_string()),
            ("qrcode", code.to_string()),
        ];
        let doc = self.call_with("totp.confirm", &params, &token).await?;
        let fresh = doc
            .get("auth")
            .and_then(|a| doc::attr(a, "id").or_else(|| doc::text(a)))
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::Malformed("the code was taken but no session came back".into())
            })?;
        *session = Some(Secret::new(fresh));
        self.inner.totp.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Calls `func` with `params`. When the session is refused for access, logs in again once
    /// and retries once: a call refused for access did not apply, so this is safe for writes.
    pub async fn call(&self, func: &str, params: &[(&str, String)]) -> Result<Value, ApiError> {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::Setup("the client was shut down".into()))?;
        let token = self.session().await?;
        match self.call_with(func, params, &token).await {
            Err(e) if e.is_access() => {
                if !self.can_login() {
                    return Err(ApiError::Auth(
                        "the session expired or was refused, and no password is set to log in again".into(),
                    ));
                }
                if self.inner.totp.load(Ordering::Relaxed) {
                    return Err(ApiError::Auth(
                        "the session expired; this account asks for a one-time code, so log in again".into(),
                    ));
                }
                tracing::info!(func, "session refused; logging in again");
                let token = self.renew(&token).await?;
                match self.call_with(func, params, &token).await {
                    // Refused again right after a fresh login: say why if the account waits
                    // for a one-time code, which a password alone cannot give.
                    Err(e) if e.is_access() && self.needs_totp().await.unwrap_or(false) => {
                        Err(ApiError::Auth(
                            "this account asks for a one-time code (two-factor login); log in from the TUI (`bsched` with no credentials set) or pass a session with BSCHED_TOKEN".into(),
                        ))
                    }
                    other => other,
                }
            }
            other => other,
        }
    }

    async fn call_with(
        &self,
        func: &str,
        params: &[(&str, String)],
        token: &Secret,
    ) -> Result<Value, ApiError> {
        let mut form: Vec<(&str, &str)> = vec![
            ("func", func),
            ("out", "json"),
            ("lang", "en"),
            ("auth", token.expose()),
        ];
        form.extend(params.iter().map(|(k, v)| (*k, v.as_str())));
        tracing::debug!(func, "calling");
        self.send(&form).await
    }

    async fn send(&self, form: &[(&str, &str)]) -> Result<Value, ApiError> {
        let timeout = self.inner.cfg.request_timeout.as_secs().max(1);
        let resp = self
            .inner
            .http
            .post(self.inner.cfg.url.clone())
            .form(form)
            .send()
            .await
            .map_err(|e| self.transport_error(&e, timeout))?;
        let status = resp.status().as_u16();
        let body = resp
            .bytes()
            .await
            .map_err(|e| self.transport_error(&e, timeout))?;
        let result = decode_body(status, &body);
        if let Err(e) = &result {
            tracing::debug!(error = %e, "call failed");
        }
        result
    }

    fn transport_error(&self, e: &reqwest::Error, timeout: u64) -> ApiError {
        if e.is_timeout() {
            ApiError::Timeout(timeout)
        } else if e.is_connect() {
            ApiError::Network(format!("could not connect to {}", self.host()))
        } else if e.is_body() || e.is_decode() {
            ApiError::Network(format!(
                "the connection to {} broke while reading the answer",
                self.host()
            ))
        } else {
            ApiError::Network(format!("the request to {} failed", self.host()))
        }
    }

    /// Calls a list function and follows every page (the server's default page is small).
    /// Returns every element and the first page's document (for doc-level fields).
    async fn list_all(
        &self,
        func: &str,
        params: &[(&str, String)],
    ) -> Result<(Vec<Value>, Value), ApiError> {
        let mut all = Vec::new();
        let mut first_doc = None;
        for page in 1..=MAX_PAGES {
            let mut p = params.to_vec();
            if page > 1 {
                p.push(("p_num", page.to_string()));
            }
            let doc = self.call(func, &p).await?;
            let items: Vec<Value> = doc::elems(&doc).into_iter().cloned().collect();
            let (p_num, total) = doc::paging(&doc);
            let got = items.len();
            all.extend(items);
            if first_doc.is_none() {
                first_doc = Some(doc);
            }
            let more = match total {
                Some(total) => (all.len() as u64) < total,
                None => false,
            };
            // A server that answers another page than asked (past the end) is done too.
            if !more || got == 0 || p_num.is_some_and(|n| n != page) {
                break;
            }
        }
        Ok((all, first_doc.unwrap_or(Value::Null)))
    }

    /// Every instance on the account, all pages.
    pub async fn instances(&self) -> Result<Vec<Instance>, ApiError> {
        let (elems, _) = self.list_all("instances", &[]).await?;
        elems.iter().map(parse_instance).collect()
    }

    /// One instance's schedules and retention, all pages.
    pub async fn schedules(&self, instance: InstanceId) -> Result<ScheduleList, ApiError> {
        let (elems, doc) = self
            .list_all(
                "instances.fleio_bckps.schedule",
                &[("elid", instance.to_string())],
            )
            .await?;
        let schedules = elems
            .iter()
            .map(|e| parse_schedule(e, instance))
            .collect::<Result<Vec<_>, _>>()?;
        let backup_rotation =
            doc::field(&doc, "backup_rotation").and_then(|s| s.trim().parse().ok());
        Ok(ScheduleList {
            schedules,
            backup_rotation,
        })
    }

    /// One instance's backups (`instances.fleio_bckps`), all pages.
    pub async fn backups(&self, instance: InstanceId) -> Result<Vec<Backup>, ApiError> {
        let (elems, _) = self
            .list_all("instances.fleio_bckps", &[("elid", instance.to_string())])
            .await?;
        elems.iter().map(parse_backup).collect()
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
    /// after the change applied is `Ok(Err(_))`, for the caller to reconcile by listing again.
    async fn send_edit(
        &self,
        what: &'static str,
        params: &[(&str, String)],
    ) -> Result<Result<Value, ApiError>, ApiError> {
        match self
            .call("instances.fleio_bckps.schedule.edit", params)
            .await
        {
            Err(e) if !e.answer_lost() => Err(e),
            Err(e) => {
                tracing::warn!(error = %e, what, "answer lost; listing again to reconcile");
                Ok(Err(e))
            }
            ok => Ok(ok),
        }
    }

    /// Creates a schedule and returns it as listed afterwards. The answer is not trusted to
    /// carry an id: the list is read before and after. A create whose answer was lost is
    /// reconciled by listing again, never sent twice.
    pub async fn create_schedule(
        &self,
        instance: InstanceId,
        spec: &ScheduleSpec,
    ) -> Result<Schedule, ApiError> {
        let before: Vec<ScheduleId> = self
            .schedules(instance)
            .await?
            .schedules
            .iter()
            .map(|s| s.id)
            .collect();
        let mut params = Self::spec_params(instance, spec);
        params.push(("elid", String::new()));
        let sent = self.send_edit("create", &params).await?;
        let after = self.schedules(instance).await?;
        let created = after
            .schedules
            .into_iter()
            .filter(|s| !before.contains(&s.id) && spec.matches(s))
            .max_by_key(|s| s.id);
        match (created, sent) {
            (Some(s), _) => Ok(s),
            (None, Err(e)) => Err(e),
            (None, Ok(_)) => Err(ApiError::Malformed(
                "the API accepted the schedule but it is not in the list afterwards".into(),
            )),
        }
    }

    /// Edits a schedule, sending every field again, and returns it as listed afterwards.
    pub async fn edit_schedule(
        &self,
        instance: InstanceId,
        id: ScheduleId,
        spec: &ScheduleSpec,
    ) -> Result<Schedule, ApiError> {
        let mut params = Self::spec_params(instance, spec);
        params.push(("elid", id.to_string()));
        let sent = self.send_edit("edit", &params).await?;
        let after = self.schedules(instance).await?;
        match (after.schedules.into_iter().find(|s| s.id == id), sent) {
            (Some(s), _) if spec.matches(&s) => Ok(s),
            (_, Err(e)) => Err(e),
            (Some(_), Ok(_)) => Err(ApiError::Malformed(
                "the API accepted the change but the schedule still shows the old values".into(),
            )),
            (None, Ok(_)) => Err(ApiError::Refused {
                kind: "missed".into(),
                object: Some("elid".into()),
                message: format!("schedule {id} is no longer on server {instance}"),
            }),
        }
    }

    /// Deletes a schedule. When the answer is lost and the instance is known, lists again to
    /// learn whether it is gone.
    pub async fn delete_schedule(
        &self,
        id: ScheduleId,
        instance: Option<InstanceId>,
    ) -> Result<(), ApiError> {
        let sent = self
            .call(
                "instances.fleio_bckps.schedule.delete",
                &[("elid", id.to_string())],
            )
            .await;
        match (sent, instance) {
            (Ok(_), _) => Ok(()),
            (Err(e), Some(instance)) if e.answer_lost() => {
                tracing::warn!(error = %e, "delete answer lost; listing again to reconcile");
                let after = self.schedules(instance).await?;
                if after.schedules.iter().any(|s| s.id == id) {
                    Err(e)
                } else {
                    Ok(())
                }
            }
            (Err(e), _) => Err(e),
        }
    }

    /// Sets a server's retention (`backup_rotation`, 1-10).
    pub async fn set_retention(&self, instance: InstanceId, keep: u8) -> Result<(), ApiError> {
        if !(1..=10).contains(&keep) {
            return Err(ApiError::Setup(format!(
                "retention must be between 1 and 10 backups, not {keep}"
            )));
        }
        self.call(
            "instances.edit",
            &[
                ("elid", instance.to_string()),
                ("backup_rotation", keep.to_string()),
                ("sok", "ok".into()),
                ("clicked_button", "ok".into()),
            ],
        )
        .await
        .map(|_| ())
    }
}

fn parse_instance(e: &Value) -> Result<Instance, ApiError> {
    Ok(Instance {
        id: doc::number_field(e, "id")?,
        name: doc::field_or_empty(e, "servername").to_string(),
        ip: doc::field_or_empty(e, "ip").to_string(),
        status: doc::field_or_empty(e, "instance_status").to_lowercase(),
        datacenter: doc::field_or_empty(e, "datacentername").to_string(),
    })
}

/// Decodes one page of a schedule list, as the client does with each answer: the `$`
/// document, then every element into a [`Schedule`] (used by the benchmarks too).
pub fn decode_schedule_page(
    status: u16,
    body: &[u8],
    instance: InstanceId,
) -> Result<Vec<Schedule>, ApiError> {
    let doc = decode_body(status, body)?;
    doc::elems(&doc)
        .into_iter()
        .map(|e| parse_schedule(e, instance))
        .collect()
}

fn parse_backup(e: &Value) -> Result<Backup, ApiError> {
    let created_text = doc::field_or_empty(e, "createdate").trim().to_string();
    Ok(Backup {
        id: doc::number_field(e, "id")?,
        name: doc::field_or_empty(e, "name").to_string(),
        kind: BackupKind::from_api(doc::field_or_empty(e, "backup_type")),
        created: parse_api_datetime(&created_text),
        created_text,
        status: doc::field_or_empty(e, "fleio_status").to_string(),
        size: doc::field_or_empty(e, "image_size").to_string(),
    })
}

fn parse_schedule(e: &Value, instance: InstanceId) -> Result<Schedule, ApiError> {
    let id = doc::number_field(e, "id")?;
    let days = doc::field(e, "rotation_days")
        .ok_or_else(|| ApiError::Malformed(format!("schedule {id} has no days")))
        .and_then(|d| {
            Weekdays::from_api(d)
                .map_err(|_| ApiError::Malformed(format!("schedule {id} has unreadable days")))
        })?;
    let time: TimeOfDay = doc::field(e, "rotation_time")
        .and_then(|t| t.trim().parse().ok())
        .ok_or_else(|| ApiError::Malformed(format!("schedule {id} has an unreadable time")))?;
    Ok(Schedule {
        id,
        instance_id: doc::number_field(e, "instance_id").unwrap_or(instance),
        name: doc::field_or_empty(e, "name").to_string(),
        days,
        time,
        created: doc::field_or_empty(e, "create_date").to_string(),
    })
}
