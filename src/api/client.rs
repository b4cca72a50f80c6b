//! The BILLmanager client: form POSTs, sessions (kept between runs, renewed once), one request
//! at a time per session, capped answers, no redirects, secrets scrubbed from every answer.

use std::sync::Arc;
use std::sync::Mutex as StdMutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use reqwest::Url;
use tokio::sync::{Mutex, OnceCell, Semaphore};

use super::scrub::Scrubber;
use super::session_store::{Kept, SessionStore};
use super::{ApiError, Secret};
use crate::domain::InstanceId;

/// Answers larger than this are refused unless the profile says otherwise (`max_answer_mb`).
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 16 * 1024 * 1024;
/// How often a read refused with "Request in process" is tried in all.
pub(super) const BUSY_TRIES: u32 = 3;

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
    /// These settings without the password and the session token.
    pub fn without_secrets(&self) -> ClientConfig {
        let mut cfg = self.clone();
        cfg.password = None;
        cfg.token = None;
        cfg
    }

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
    pub(super) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) cfg: ClientConfig,
    pub(super) session: Mutex<Option<Secret>>,
    pub(super) permits: Semaphore,
    /// Held for a whole write (listing, write, listing): the next write waits until the last
    /// one is reconciled, so it is not sent while the server may still be busy with it.
    pub(super) writes: Mutex<()>,
    /// Set once a one-time code was confirmed: the session cannot be renewed with the
    /// password alone.
    pub(super) totp: AtomicBool,
    /// The password, once known (from the config or its command).
    pub(super) password: OnceCell<Secret>,
    /// Every secret this client has seen: scrubbed from every answer.
    pub(super) secrets: StdMutex<Vec<Secret>>,
    /// A login that failed: never tried again by this client.
    pub(super) login_failure: StdMutex<Option<ApiError>>,
    /// A login that failed on the way (not refused), and when: not tried again for a while.
    pub(super) login_trouble: StdMutex<Option<(ApiError, std::time::Instant)>>,
    pub(super) logins: AtomicU32,
    /// Whether this server's creates answer with the new id (learned, and kept with the session).
    pub(super) create_returns_id: StdMutex<Option<bool>>,
    /// The panel's server filter, read once per session (kept with it).
    pub(super) panel_filter: StdMutex<Option<Vec<String>>>,
    /// Server names as the listings of this client gave them (the journal names servers).
    pub(super) server_names: StdMutex<std::collections::HashMap<InstanceId, String>>,
    /// Where every request and answer is written, secrets removed (`bsched doctor --trace`).
    pub(super) trace: StdMutex<Option<std::fs::File>>,
    /// Things the user should know that did not stop a call (a skipped element, a server that
    /// stored a value differently). Drained by the front end.
    pub(super) warnings: StdMutex<Vec<String>>,
}

pub(super) fn locked<T>(m: &StdMutex<T>) -> std::sync::MutexGuard<'_, T> {
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
                login_trouble: StdMutex::new(None),
                logins: AtomicU32::new(0),
                create_returns_id: StdMutex::new(kept.create_returns_id),
                // Read again by every process: a filter set in the web panel later must be seen
                // by the next command, however long the session lives.
                panel_filter: StdMutex::new(None),
                server_names: StdMutex::new(std::collections::HashMap::new()),
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
        self.inner.cfg.without_secrets()
    }

    /// The account name, for display.
    pub fn username(&self) -> Option<&str> {
        self.inner.cfg.username.as_deref()
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

    pub(super) fn scrubber(&self) -> Scrubber {
        Scrubber::new(locked(&self.inner.secrets).iter())
    }

    pub(super) fn remember_secret(&self, s: &Secret) {
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
    }

    /// The name of server `id` as this client last listed it (the server list, or its
    /// schedules' `servername`), if it has.
    pub fn known_server_name(&self, id: InstanceId) -> Option<String> {
        locked(&self.inner.server_names).get(&id).cloned()
    }

    pub(super) fn learn_server_name(&self, id: InstanceId, name: &str) {
        if !name.trim().is_empty() {
            locked(&self.inner.server_names).insert(id, name.to_string());
        }
    }
}

pub(super) fn no_credentials() -> ApiError {
    ApiError::Setup(
        "no credentials: set BSCHED_USERNAME and BSCHED_PASSWORD (or a profile in the config file), or run `bsched login`".into(),
    )
}
