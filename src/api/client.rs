//! The BILLmanager client: form POSTs, sessions (kept between runs, renewed once), one request
//! at a time per session, capped answers, no redirects, secrets scrubbed from every answer.

use std::sync::Arc;
use std::sync::Mutex as StdMutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use reqwest::Url;
use serde_json::Value;
use tokio::sync::{Mutex, OnceCell, Semaphore};

use super::doc::{self, Page, decode_page};
use super::scrub::Scrubber;
use super::session_store::{Kept, SessionStore};
use super::{ApiError, Secret};

/// Answers larger than this are refused unless the profile says otherwise (`max_answer_mb`).
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 16 * 1024 * 1024;
/// How often a read refused with "Request in process" is tried in all.
const BUSY_TRIES: u32 = 3;

static PRINT_WARNINGS: AtomicBool = AtomicBool::new(false);

/// Makes every client of this process print its warnings on stderr as they happen (the CLI:
/// stdout keeps its shape for scripts).
pub fn print_warnings_to_stderr() {
    PRINT_WARNINGS.store(true, Ordering::Relaxed);
}

/// How to reach and authenticate to the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The API endpoint (already checked by [`super::checked_url`]).
    pub url: Url,
    /// Login name.
    pub username: Option<String>,
    /// Password, used to log in and to log in again when the session expires.
    pub password: Option<Secret>,
    /// A shell command that prints the password; run only when a login needs it.
    pub password_command: Option<String>,
    /// An existing session id to start with.
    pub token: Option<Secret>,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub request_timeout: Duration,
    /// Requests in flight at once. BILLmanager serializes a session's requests and refuses a
    /// second one while the first runs, so 1 unless the server is known to allow more.
    pub concurrency: usize,
    /// The largest answer read, in bytes.
    pub max_answer_bytes: u64,
    /// Elements asked for per page of a list.
    pub page_size: u64,
    /// Where the session is kept between runs (none: not kept).
    pub session_store: Option<SessionStore>,
}

impl ClientConfig {
    /// A config with default timeouts for `url`.
    pub fn new(url: Url) -> ClientConfig {
        ClientConfig {
            url,
            username: None,
            password: None,
            password_command: None,
            token: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            concurrency: 1,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            page_size: super::PAGE_SIZE,
            session_store: None,
        }
    }

    /// Whether a login is possible: a user name and a password or a command that prints one.
    pub fn can_login(&self) -> bool {
        self.username.is_some() && (self.password.is_some() || self.password_command.is_some())
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
    /// Held for a whole write (listing, write, listing): the next write waits until the last
    /// one is reconciled, so it is not sent while the server may still be busy with it.
    writes: Mutex<()>,
    /// Set once a one-time code was confirmed: the session cannot be renewed with the
    /// password alone.
    totp: AtomicBool,
    /// The password, once known (from the config or its command).
    password: OnceCell<Secret>,
    /// Every secret this client has seen: scrubbed from every answer.
    secrets: StdMutex<Vec<Secret>>,
    /// A login that failed: never tried again by this client.
    login_failure: StdMutex<Option<ApiError>>,
    logins: AtomicU32,
    /// Whether this server's creates answer with the new id (learned, and kept with the session).
    create_returns_id: StdMutex<Option<bool>>,
    /// The panel's server filter, read once per session (kept with it).
    panel_filter: StdMutex<Option<Vec<String>>>,
    /// Where every request and answer is written, secrets removed (`bsched doctor --trace`).
    trace: StdMutex<Option<std::fs::File>>,
    /// Things the user should know that did not stop a call (a skipped element, a server that
    /// stored a value differently). Drained by the front end.
    warnings: StdMutex<Vec<String>>,
}

fn locked<T>(m: &StdMutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Client {
    /// Builds the client; nothing is sent yet. A kept session is read from the store.
    pub fn new(cfg: ClientConfig) -> Result<Client, ApiError> {
        // Another part of the process may have installed it already; either way one is set.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let loopback = cfg.url.host_str().is_some_and(super::is_loopback);
        let mut builder = reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.request_timeout)
            // A redirect would carry the form (password, session) to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("bsched/", env!("CARGO_PKG_VERSION")));
        if loopback {
            // An SSH tunnel or the emulator: a proxy would see the password in clear text.
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|_| ApiError::Setup("could not set up the HTTP client".into()))?;
        let kept = match (&cfg.token, &cfg.session_store) {
            (None, Some(store)) => store.load(),
            _ => Kept::default(),
        };
        let token = cfg.token.clone().or(kept.session.clone());
        let mut secrets: Vec<Secret> = token.iter().cloned().collect();
        secrets.extend(cfg.password.iter().cloned());
        let password = OnceCell::new();
        if let Some(p) = &cfg.password {
            let _ = password.set(p.clone());
        }
        let exposed = match (&kept.session, &cfg.session_store) {
            (Some(_), Some(store)) => {
                crate::fsutil::exposure_warning(&store.path, "a stored session")
            }
            _ => None,
        };
        let permits = Semaphore::new(cfg.concurrency.max(1));
        let client = Client {
            inner: Arc::new(Inner {
                http,
                session: Mutex::new(token),
                permits,
                writes: Mutex::new(()),
                totp: AtomicBool::new(false),
                password,
                secrets: StdMutex::new(secrets),
                login_failure: StdMutex::new(None),
                logins: AtomicU32::new(0),
                create_returns_id: StdMutex::new(kept.create_returns_id),
                panel_filter: StdMutex::new(kept.panel_filter),
                warnings: StdMutex::new(Vec::new()),
                trace: StdMutex::new(None),
                cfg,
            }),
        };
        if let Some(w) = exposed {
            client.warn(w);
        }
        Ok(client)
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

    /// Writes every request and answer from now on to `path` (created 0600), with the
    /// password, the session ids and anything that echoes them replaced by `***`.
    pub fn trace_to(&self, path: &std::path::Path) -> std::io::Result<()> {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode_private()
            .open(path)?;
        // The mode above applies only to a new file: an existing one is made private too.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        *locked(&self.inner.trace) = Some(f);
        Ok(())
    }

    fn trace(&self, what: &str, text: &str) {
        use std::io::Write;
        let mut t = locked(&self.inner.trace);
        if let Some(f) = t.as_mut() {
            let clean = self.scrubber().text(text);
            let _ = writeln!(f, "{what} {clean}");
        }
    }

    /// Sends two `whoami` requests of the current session at once and says whether the server
    /// refused one as "request in process" (it serializes a session's requests).
    pub async fn probe_parallel(&self) -> Result<bool, ApiError> {
        let token = self.session().await?;
        let (a, b) = tokio::join!(
            self.call_with("whoami", &[], &token),
            self.call_with("whoami", &[], &token)
        );
        match (a, b) {
            (Err(e), _) | (_, Err(e)) if e.is_busy() => Ok(true),
            (Err(e), _) | (_, Err(e)) => Err(e),
            _ => Ok(false),
        }
    }

    /// How many logins this client sent.
    pub fn logins(&self) -> u32 {
        self.inner.logins.load(Ordering::Relaxed)
    }

    /// Whether a session is at hand (configured, kept from an earlier run, or logged in).
    pub async fn has_session(&self) -> bool {
        self.inner.session.lock().await.is_some()
    }

    /// Notes a warning for the front end: printed on stderr at once in the CLI
    /// ([`print_warnings_to_stderr`]), collected for [`Client::take_warnings`] otherwise.
    pub(super) fn warn(&self, text: String) {
        let text = self.scrubber().text(&text);
        tracing::warn!("{text}");
        if PRINT_WARNINGS.load(Ordering::Relaxed) {
            eprintln!("warning: {}", crate::sanitize::for_terminal(&text));
        } else {
            locked(&self.inner.warnings).push(text);
        }
    }

    /// The warnings noted since the last call (a skipped element, a value stored differently).
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *locked(&self.inner.warnings))
    }

    fn scrubber(&self) -> Scrubber {
        Scrubber::new(locked(&self.inner.secrets).iter())
    }

    fn remember_secret(&self, s: &Secret) {
        let mut all = locked(&self.inner.secrets);
        if !all.contains(s) {
            all.push(s.clone());
        }
    }

    /// Waits for the writes before this one to be done; hold the guard for the whole write.
    pub(super) async fn write_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.inner.writes.lock().await
    }

    pub(super) fn max_answer_bytes(&self) -> u64 {
        self.inner.cfg.max_answer_bytes
    }

    pub(super) fn page_size(&self) -> u64 {
        self.inner.cfg.page_size.max(1)
    }

    pub(super) fn create_returns_id(&self) -> Option<bool> {
        *locked(&self.inner.create_returns_id)
    }

    pub(super) fn learn_create_returns_id(&self, yes: bool) {
        let changed = locked(&self.inner.create_returns_id).replace(yes) != Some(yes);
        if changed {
            self.keep_again();
        }
    }

    /// The panel's server filter as read for this session (None: not read yet).
    pub fn known_panel_filter(&self) -> Option<Vec<String>> {
        locked(&self.inner.panel_filter).clone()
    }

    pub(super) fn learn_panel_filter(&self, fields: Vec<String>) {
        *locked(&self.inner.panel_filter) = Some(fields);
        self.keep_again();
    }

    /// Writes what was learned next to the current session.
    fn keep_again(&self) {
        if let Ok(session) = self.inner.session.try_lock() {
            let s = session.clone();
            drop(session);
            if s.is_some() {
                self.keep(s);
            }
        }
    }

    /// Writes the session to the store (a failure is a warning: the next run logs in again).
    fn keep(&self, session: Option<Secret>) {
        if let Some(store) = &self.inner.cfg.session_store {
            let kept = Kept {
                session,
                create_returns_id: self.create_returns_id(),
                panel_filter: self.known_panel_filter(),
            };
            if let Err(e) = store.save(&kept) {
                self.warn(format!(
                    "the session could not be kept in {} ({e}); the next command logs in again",
                    store.path.display()
                ));
            }
        }
    }

    /// Writes the current session to `store` (for `bsched login`, which keeps a session only
    /// once the whole login, code included, has worked).
    pub async fn keep_in(&self, store: &SessionStore) -> std::io::Result<()> {
        let session = self.inner.session.lock().await.clone();
        store.save(&Kept {
            session,
            create_returns_id: self.create_returns_id(),
            panel_filter: self.known_panel_filter(),
        })
    }

    async fn password(&self) -> Result<Secret, ApiError> {
        let cfg = &self.inner.cfg;
        let p = self
            .inner
            .password
            .get_or_try_init(|| async {
                let Some(cmd) = cfg.password_command.clone() else {
                    return Err(no_credentials());
                };
                tokio::task::spawn_blocking(move || crate::config::run_password_command(&cmd))
                    .await
                    .map_err(|_| ApiError::Setup("password_command could not be run".into()))?
                    .map_err(|e| ApiError::Setup(e.0))
            })
            .await?
            .clone();
        self.remember_secret(&p);
        Ok(p)
    }

    /// Logs in with the username and password and keeps the new session.
    pub async fn login(&self) -> Result<(), ApiError> {
        let mut session = self.inner.session.lock().await;
        let fresh = self.fresh_session().await?;
        *session = Some(fresh.clone());
        drop(session);
        self.keep(Some(fresh));
        Ok(())
    }

    async fn fresh_session(&self) -> Result<Secret, ApiError> {
        // The panel's filter is read once per session: a new session reads it again.
        *locked(&self.inner.panel_filter) = None;
        if let Some(e) = locked(&self.inner.login_failure).clone() {
            return Err(e);
        }
        let Some(user) = &self.inner.cfg.username else {
            return Err(no_credentials());
        };
        let pass = self.password().await?;
        tracing::debug!("logging in");
        self.inner.logins.fetch_add(1, Ordering::Relaxed);
        let form = [
            ("func", "auth"),
            ("username", user.as_str()),
            ("password", pass.expose()),
            ("out", "json"),
            ("lang", "en"),
            ("sok", "ok"),
        ];
        let result = self.send(&form).await.map_err(|e| match e {
            ApiError::Refused { message, .. } => ApiError::Auth(message),
            other => other,
        });
        let token = result.and_then(|page| {
            page.doc
                .get("auth")
                .and_then(|a| doc::attr(a, "id").or_else(|| doc::text(a)))
                .filter(|t| !t.is_empty())
                .map(Secret::new)
                .ok_or_else(|| ApiError::Malformed("the login answer holds no session".into()))
        });
        match token {
            Ok(t) => {
                self.remember_secret(&t);
                Ok(t)
            }
            Err(e) => {
                // A refusal, or a redirect (the URL is wrong): the password is not sent again.
                if matches!(e, ApiError::Auth(_) | ApiError::Redirected(_)) {
                    *locked(&self.inner.login_failure) = Some(e.clone());
                }
                Err(e)
            }
        }
    }

    /// The current session, logging in first when there is none.
    async fn session(&self) -> Result<Secret, ApiError> {
        let mut session = self.inner.session.lock().await;
        if let Some(s) = session.as_ref() {
            return Ok(s.clone());
        }
        let fresh = self.fresh_session().await?;
        *session = Some(fresh.clone());
        drop(session);
        self.keep(Some(fresh.clone()));
        Ok(fresh)
    }

    /// Replaces the session `stale` with a new one, unless another task already did.
    async fn renew(&self, stale: &Secret) -> Result<Secret, ApiError> {
        let mut session = self.inner.session.lock().await;
        if let Some(s) = session.as_ref().filter(|s| *s != stale) {
            return Ok(s.clone());
        }
        *session = None;
        let fresh = self.fresh_session().await;
        *session = fresh.as_ref().ok().cloned();
        drop(session);
        match &fresh {
            Ok(s) => self.keep(Some(s.clone())),
            Err(_) => self.keep(None),
        }
        fresh
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
        let page = self.call_with("whoami", &[], &token).await?;
        Ok(page
            .doc
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
        let page = self.call_with("totp.confirm", &params, &token).await?;
        let fresh = page
            .doc
            .get("auth")
            .and_then(|a| doc::attr(a, "id").or_else(|| doc::text(a)))
            .filter(|t| !t.is_empty())
            .map(Secret::new)
            .ok_or_else(|| {
                ApiError::Malformed("the code was taken but no session came back".into())
            })?;
        self.remember_secret(&fresh);
        *session = Some(fresh.clone());
        drop(session);
        self.inner.totp.store(true, Ordering::Relaxed);
        self.keep(Some(fresh));
        Ok(())
    }

    /// Keeps the session alive (BILLmanager ends it about an hour after its last request).
    pub async fn keepalive(&self) -> Result<(), ApiError> {
        self.call("keepalive", &[]).await.map(|_| ())
    }

    /// Keeps the session alive while this client is in use (the TUI): every `every`, a
    /// `keepalive` is sent, so a two-factor user is not asked for a code again after a pause.
    /// The task ends when the last handle to the client is dropped.
    pub fn keep_session_alive(&self, every: Duration) {
        let weak = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(inner) = weak.upgrade() else {
                    return;
                };
                let client = Client { inner };
                if client.inner.session.lock().await.is_none() {
                    continue;
                }
                if let Err(e) = client.keepalive().await {
                    tracing::info!(error = %e, "keepalive failed");
                }
            }
        });
    }

    /// Ends the session on the server (`func=logon`, as the panel does) and forgets the kept one.
    /// A session the server no longer knows is ended too.
    pub async fn logout(&self) -> Result<(), ApiError> {
        let token = self.inner.session.lock().await.take();
        let result = match &token {
            Some(t) => match self.call_with("logon", &[("sok", "ok".into())], t).await {
                Err(e) if e.is_access() => Ok(()),
                other => other.map(|_| ()),
            },
            None => Ok(()),
        };
        if let Some(store) = &self.inner.cfg.session_store {
            store.clear().map_err(|e| {
                ApiError::Setup(format!("could not remove {}: {e}", store.path.display()))
            })?;
        }
        result
    }

    /// Calls a read function `func` with `params`. A "request in process" refusal is waited
    /// out (at most three tries in all); a refused session is renewed once and the call retried
    /// once: a call refused for access did not apply.
    pub async fn call(&self, func: &str, params: &[(&str, String)]) -> Result<Value, ApiError> {
        let page = self.call_as(func, params, false).await?;
        self.whole(page)
    }

    /// [`Client::call`] for a list: the elements stay JSON text until read ([`Page`]).
    pub(super) async fn call_page(
        &self,
        func: &str,
        params: &[(&str, String)],
    ) -> Result<Page, ApiError> {
        self.call_as(func, params, false).await
    }

    /// One element of a list as a document, with every known secret removed.
    pub(super) fn element(&self, raw: &serde_json::value::RawValue) -> Result<Value, ApiError> {
        let mut v: Value = serde_json::from_str(raw.get())
            .map_err(|_| ApiError::Malformed("an element of the list is not JSON".into()))?;
        self.scrubber().value(&mut v);
        Ok(v)
    }

    /// A page with its elements put back into the document (for small answers).
    fn whole(&self, page: Page) -> Result<Value, ApiError> {
        let Page { mut doc, elems } = page;
        if !elems.is_empty() {
            let mut items = elems
                .iter()
                .map(|e| self.element(e))
                .collect::<Result<Vec<Value>, _>>()?;
            let elem = if items.len() == 1 {
                items.remove(0)
            } else {
                Value::Array(items)
            };
            if let Some(m) = doc.as_object_mut() {
                m.insert("elem".into(), elem);
            }
        }
        Ok(doc)
    }

    /// Calls a write: like [`Client::call`], but a "request in process" refusal is returned,
    /// never retried (the caller reconciles by listing).
    pub(super) async fn call_write(
        &self,
        func: &str,
        params: &[(&str, String)],
    ) -> Result<Value, ApiError> {
        let page = self.call_as(func, params, true).await?;
        self.whole(page)
    }

    async fn call_as(
        &self,
        func: &str,
        params: &[(&str, String)],
        write: bool,
    ) -> Result<Page, ApiError> {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::Setup("the client was shut down".into()))?;
        let token = self.session().await?;
        match self.waiting_out_busy(func, params, &token, write).await {
            // `auth` on another function than `auth` is taken like `access` (api.md 8a.9).
            Err(e) if e.is_access() || matches!(e, ApiError::Auth(_)) => {
                if !self.inner.cfg.can_login() {
                    return Err(ApiError::Auth(
                        "the session expired or was refused, and no password is set to log in again; run `bsched login`".into(),
                    ));
                }
                if self.inner.totp.load(Ordering::Relaxed) {
                    return Err(ApiError::Auth(
                        "the session expired; this account asks for a one-time code, so log in again (`bsched login`)".into(),
                    ));
                }
                tracing::info!(func, "session refused; logging in again");
                let token = self.renew(&token).await?;
                match self.waiting_out_busy(func, params, &token, write).await {
                    // Refused again right after a fresh login: logging in again would loop.
                    // Say why if the account waits for a one-time code, which a password alone
                    // cannot give; either way this client logs in no more.
                    Err(e) if e.is_access() || matches!(e, ApiError::Auth(_)) => {
                        let e = if self.needs_totp().await.unwrap_or(false) {
                            ApiError::Auth(
                                "this account asks for a one-time code (two-factor login): run `bsched login` once, or log in from the TUI".into(),
                            )
                        } else {
                            ApiError::Auth(
                                "the server refused a session it had just given (is the session bound to another IP address?); not logging in again".into(),
                            )
                        };
                        *locked(&self.inner.login_failure) = Some(e.clone());
                        // The server refuses this session too: the next command must not
                        // start from it.
                        self.keep(None);
                        Err(e)
                    }
                    other => other,
                }
            }
            other => other,
        }
    }

    async fn waiting_out_busy(
        &self,
        func: &str,
        params: &[(&str, String)],
        token: &Secret,
        write: bool,
    ) -> Result<Page, ApiError> {
        let mut tries = 1;
        loop {
            match self.call_with(func, params, token).await {
                Err(e) if e.is_busy() && !write && tries < BUSY_TRIES => {
                    tracing::debug!(func, tries, "session busy; waiting");
                    tokio::time::sleep(Duration::from_millis(500 << tries)).await;
                    tries += 1;
                }
                other => return other,
            }
        }
    }

    pub(super) async fn call_with(
        &self,
        func: &str,
        params: &[(&str, String)],
        token: &Secret,
    ) -> Result<Page, ApiError> {
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

    /// One POST: no redirect followed, the answer read up to the cap, decoded, scrubbed.
    async fn send(&self, form: &[(&str, &str)]) -> Result<Page, ApiError> {
        let timeout = self.inner.cfg.request_timeout.as_secs().max(1);
        if locked(&self.inner.trace).is_some() {
            let shown: Vec<String> = form
                .iter()
                .map(|(k, v)| match *k {
                    "password" | "auth" | "qrcode" => format!("{k}=***"),
                    _ => format!("{k}={v}"),
                })
                .collect();
            self.trace(">", &shown.join("&"));
        }
        let resp = self
            .inner
            .http
            .post(self.inner.cfg.url.clone())
            .form(form)
            .send()
            .await
            .map_err(|e| self.transport_error(&e, timeout))?;
        let status = resp.status();
        if status.is_redirection() {
            let to = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| self.inner.cfg.url.join(l).ok())
                .and_then(|u| {
                    let host = u.host_str()?;
                    Some(match u.port() {
                        Some(p) => format!("{}://{host}:{p}", u.scheme()),
                        None => format!("{}://{host}", u.scheme()),
                    })
                })
                .unwrap_or_else(|| "an unnamed place".into());
            // Only the scheme and host are named (a path or query could carry the session),
            // and the host itself is server text: scrubbed and made printable.
            let scrub = self.scrubber();
            let to = if scrub.mentions_ignoring_case(&to) {
                super::scrub::MASK.to_string()
            } else {
                to
            };
            let to: String = crate::sanitize::for_terminal(&to)
                .chars()
                .take(100)
                .collect();
            self.trace(
                &format!("< HTTP {}", status.as_u16()),
                &format!("redirect to {to}, not followed"),
            );
            return Err(ApiError::Redirected(to));
        }
        let body = self.read_capped(resp, timeout).await?;
        // The secrets known before this answer: a session it hands out is kept intact in the
        // document (the caller needs it) but masked in the trace and in every later answer.
        let scrub = self.scrubber();
        let decoded = decode_page(status.as_u16(), &body);
        if let Ok(Page { doc, .. }) = &decoded
            && let Some(fresh) = doc
                .get("auth")
                .and_then(|a| doc::attr(a, "id").or_else(|| doc::text(a)))
        {
            self.remember_secret(&Secret::new(fresh));
        }
        if locked(&self.inner.trace).is_some() {
            let text = String::from_utf8_lossy(&body[..body.len().min(256 * 1024)]);
            self.trace(&format!("< HTTP {}", status.as_u16()), &text);
        }
        drop(body);
        match decoded {
            Ok(Page { mut doc, elems }) => {
                if let Some(m) = doc.as_object_mut() {
                    // The echo of the request (session id included) is of no use to us.
                    m.remove("tparams");
                }
                // Elements are scrubbed one by one when they are read (`Client::element`).
                scrub.value(&mut doc);
                Ok(Page { doc, elems })
            }
            Err(e) => {
                let e = scrub.error(e);
                tracing::debug!(error = %e, "call failed");
                Err(e)
            }
        }
    }

    async fn read_capped(
        &self,
        mut resp: reqwest::Response,
        timeout: u64,
    ) -> Result<Vec<u8>, ApiError> {
        let cap = self.inner.cfg.max_answer_bytes;
        if resp.content_length().is_some_and(|n| n > cap) {
            return Err(ApiError::TooLarge(cap));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| self.transport_error(&e, timeout))?
        {
            if body.len() as u64 + chunk.len() as u64 > cap {
                return Err(ApiError::TooLarge(cap));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn transport_error(&self, e: &reqwest::Error, timeout: u64) -> ApiError {
        let chain = {
            let mut text = String::new();
            let mut src: Option<&dyn std::error::Error> = Some(e);
            while let Some(s) = src {
                text.push_str(&s.to_string());
                text.push(' ');
                src = s.source();
            }
            text
        };
        if e.is_timeout() {
            ApiError::Timeout(timeout)
        } else if chain.contains("certificate") || chain.contains("UnknownIssuer") {
            ApiError::Network(format!(
                "the TLS certificate of {} is not trusted (self-signed, expired or for another name); bsched sent nothing",
                self.host()
            ))
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
}

trait PrivateMode {
    fn mode_private(&mut self) -> &mut Self;
}

impl PrivateMode for std::fs::OpenOptions {
    #[cfg(unix)]
    fn mode_private(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt;
        self.mode(0o600)
    }
    #[cfg(not(unix))]
    fn mode_private(&mut self) -> &mut Self {
        self
    }
}

fn no_credentials() -> ApiError {
    ApiError::Setup(
        "no credentials: set BSCHED_USERNAME and BSCHED_PASSWORD (or a profile in the config file), or run `bsched login`".into(),
    )
}
