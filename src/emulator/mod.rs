//! A local stand-in for the BILLmanager API: axum on loopback, the API's formats and quirks,
//! state persisted to a file, and injectable faults. The demo runs on it and every test talks
//! to it.
//!
//! It is the real server's harder twin: by default it does what the real server is known or
//! believed to do, and the kinder behaviour is only there behind a switch of [`Options`]:
//!
//! - paging state on the server: `p_num` remembered per (session, function) ([`paging`]);
//! - one request at a time per session, the second refused with
//!   [`http::BUSY_MESSAGE`] (switch: `parallel_sessions`);
//! - answers as the real server writes them: `elem` always an array, date-only schedule
//!   `create_date`, `$orig` beside `$` ([`elems`]; harder still: `odd_answers`);
//! - writes answer `ok` without the new id (switch: `create_returns_id`); a normalizing
//!   server is one switch away (`normalize`);
//! - logins counted, limited (`login_limit_per_minute`) and refused as the panel knows
//!   ([`logins`]);
//! - the panel's server filter hides servers from every session of the user ([`filter`]);
//! - every answer echoes the request in `tparams`, session id included.

mod answer;
mod api;
pub mod backups;
pub mod elems;
pub mod faults;
pub mod filter;
pub mod http;
mod lists;
pub mod logins;
pub mod paging;
pub mod state;
mod world;
mod writes;

use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::routing::any;
use tokio::sync::oneshot;

pub use answer::{DEFAULT_PAGE, Params};
pub use elems::{OddAnswers, UNREADABLE_SCHEDULE_ID};
pub use faults::{Fault, Rule, When};
pub use http::{BUSY_MESSAGE, BUSY_MESSAGE_RU};
pub use logins::{LoginRefusal, RequestRecord};
pub use state::{DEMO_PASSWORD, DEMO_TOTP_CODE, DEMO_TOTP_USER, DEMO_USER, Data};
pub use world::World;

/// Which data a fresh emulator starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Seed {
    /// A realistic fleet of twenty-five servers.
    Demo,
    /// An account with no servers.
    Empty,
}

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct Options {
    /// Address to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// Where to persist state; loaded when it exists, else seeded and created.
    pub state_file: Option<PathBuf>,
    /// The seed used when there is no state file yet.
    pub seed: Seed,
    /// Start from the seed even when the state file exists.
    pub reset: bool,
    /// Session lifetime after the last request.
    pub session_ttl: Duration,
    /// Latency added to every request.
    pub latency_ms: u64,
    /// Share of requests that fail with `fail_with`.
    pub fail_rate: f64,
    /// The fault used by `fail_rate`.
    pub fail_with: Option<Fault>,
    /// Allow a non-loopback listen address.
    pub allow_remote: bool,
    /// Share of scheduled runs (0.0-1.0) that leave no backup.
    pub skip_backups: f64,
    /// Serve overlapping requests of one session (the real server refuses the second one
    /// with "Request in process, please wait").
    pub parallel_sessions: bool,
    /// Answer a schedule create with the new id (the real answer is unverified; off is the
    /// harder case: `ok` alone).
    pub create_returns_id: bool,
    /// Store times as `H:MM` and names with spaces trimmed and collapsed, so what is listed
    /// differs from what was sent.
    pub normalize: bool,
    /// Refuse a user's logins with `blocklogon` after this many within 60 seconds.
    pub login_limit_per_minute: Option<u32>,
    /// Answers harder still than the real server's, for tests.
    pub odd_answers: OddAnswers,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            state_file: None,
            seed: Seed::Demo,
            reset: false,
            session_ttl: Duration::from_secs(3600),
            latency_ms: 0,
            fail_rate: 0.0,
            fail_with: None,
            allow_remote: false,
            skip_backups: 0.0,
            parallel_sessions: false,
            create_returns_id: false,
            normalize: false,
            login_limit_per_minute: None,
            odd_answers: OddAnswers::default(),
        }
    }
}

pub(crate) type Shared = Arc<Mutex<World>>;

/// A running emulator. Dropping it stops the server and releases its state file.
pub struct Emulator {
    addr: SocketAddr,
    world: Shared,
    _stop: oneshot::Sender<()>,
    /// The exclusive lock on the state file's `.lock` companion, held while it runs.
    _lock: Option<File>,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // A request still running after the lock is released must not overwrite the state
        // file of the next emulator that takes it.
        lock(&self.world).state_file = None;
    }
}

/// `<state>.lock`: the file whose lock says an emulator uses `state`. (The state file itself
/// is replaced on every save, so its lock would not hold.)
fn lock_path(state: &Path) -> PathBuf {
    let mut name = state
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "state".into());
    name.push(".lock");
    state.with_file_name(name)
}

/// Takes the exclusive lock on `state`, or says which emulator holds it.
fn lock_state(state: &Path) -> Result<File, String> {
    let path = lock_path(state);
    let file = crate::fsutil::open_private_append(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!(
            "another bsched emulator is using {}; stop it first",
            state.display()
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish()
    }
}

pub(crate) fn lock(world: &Shared) -> MutexGuard<'_, World> {
    // A panic while holding the lock leaves consistent data behind (each step is whole).
    world.lock().unwrap_or_else(|p| p.into_inner())
}

impl Emulator {
    /// Binds and starts serving in the background of the current tokio runtime.
    pub async fn start(opts: Options) -> Result<Emulator, String> {
        if !opts.allow_remote && !opts.listen.ip().is_loopback() {
            return Err(format!(
                "refusing to listen on {}: the emulator binds to loopback unless --allow-remote is given",
                opts.listen
            ));
        }
        let state_lock = opts.state_file.as_deref().map(lock_state).transpose()?;
        let data = match &opts.state_file {
            Some(path) if path.exists() && !opts.reset => Data::load(path)?,
            _ => match opts.seed {
                Seed::Demo => Data::demo(),
                Seed::Empty => Data::empty(),
            },
        };
        if let Some(path) = &opts.state_file {
            data.save(path)?;
        }
        let mut world = World::new(data, opts.session_ttl, opts.state_file.clone());
        world.faults.latency_ms = opts.latency_ms;
        world.faults.rate = opts.fail_rate;
        world.faults.rate_fault = opts.fail_with.clone();
        world.skip_backups = opts.skip_backups;
        world.parallel_sessions = opts.parallel_sessions;
        world.create_returns_id = opts.create_returns_id;
        world.normalize = opts.normalize;
        world.login_limit_per_minute = opts.login_limit_per_minute;
        world.odd = opts.odd_answers.clone();
        let world: Shared = Arc::new(Mutex::new(world));
        let listener = tokio::net::TcpListener::bind(opts.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", opts.listen))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot read the listening address: {e}"))?;
        let app = Router::new()
            .route("/", any(http::handle))
            .route("/billmgr", any(http::handle))
            .with_state(world.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!("emulator stopped: {e}");
            }
        });
        Ok(Emulator {
            addr,
            world,
            _stop: stop,
            _lock: state_lock,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL a client should use.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Runs `f` on the emulator's world (data, faults, call log).
    pub fn with<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut lock(&self.world))
    }

    /// Queues a one-shot fault.
    pub fn push_fault(&self, fault: Fault, when: When, func: Option<&str>) {
        self.with(|w| {
            w.faults.queue.push_back(Rule {
                fault,
                when,
                func: func.map(str::to_string),
            })
        });
    }

    /// Answers the next `func=auth` with `refusal` (one-shot).
    pub fn refuse_next_login(&self, refusal: LoginRefusal) {
        self.push_fault(refusal.fault(), When::Before, Some("auth"));
    }

    /// The functions called so far.
    pub fn calls(&self) -> Vec<String> {
        self.with(|w| w.calls.clone())
    }

    /// The requests received so far: function, whether it carried a session, whether it was
    /// refused as busy. Count round trips with it.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.with(|w| w.requests.clone())
    }

    /// `func=auth` requests received so far.
    pub fn logins(&self) -> u64 {
        self.with(|w| w.logins)
    }
}
