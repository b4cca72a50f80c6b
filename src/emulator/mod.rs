//! A local stand-in for the BILLmanager API: axum on loopback, the API's formats and quirks,
//! state persisted to a file, and injectable faults. The demo runs on it and every test talks
//! to it.

mod api;
pub mod backups;
pub mod faults;
pub mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use tokio::sync::oneshot;

pub use api::{DEFAULT_PAGE, Params, World};
pub use faults::{Fault, Rule, When};
pub use state::{DEMO_PASSWORD, DEMO_TOTP_CODE, DEMO_TOTP_USER, DEMO_USER, Data};

/// Which data a fresh emulator starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Seed {
    /// A realistic fleet of fifteen servers.
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
        }
    }
}

type Shared = Arc<Mutex<World>>;

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    addr: SocketAddr,
    world: Shared,
    _stop: oneshot::Sender<()>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish()
    }
}

fn lock(world: &Shared) -> MutexGuard<'_, World> {
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
        let world: Shared = Arc::new(Mutex::new(world));
        let listener = tokio::net::TcpListener::bind(opts.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", opts.listen))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot read the listening address: {e}"))?;
        let app = Router::new()
            .route("/", any(handle))
            .route("/billmgr", any(handle))
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

    /// The functions called so far.
    pub fn calls(&self) -> Vec<String> {
        self.with(|w| w.calls.clone())
    }
}

async fn read_params(req: Request) -> Result<Params, String> {
    let mut params = Params::default();
    if let Some(q) = req.uri().query() {
        params
            .0
            .extend(form_urlencoded::parse(q.as_bytes()).into_owned());
    }
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if multipart {
        let mut mp = Multipart::from_request(req, &())
            .await
            .map_err(|e| e.to_string())?;
        while let Some(field) = mp.next_field().await.map_err(|e| e.to_string())? {
            let name = field.name().unwrap_or("").to_string();
            let value = field.text().await.map_err(|e| e.to_string())?;
            params.0.push((name, value));
        }
    } else {
        let body = Bytes::from_request(req, &())
            .await
            .map_err(|e| e.to_string())?;
        params.0.extend(form_urlencoded::parse(&body).into_owned());
    }
    Ok(params)
}

fn reply(status: u16, content_type: &'static str, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, content_type)],
        Body::from(body),
    )
        .into_response()
}

async fn handle(State(world): State<Shared>, req: Request) -> Response {
    let params = match read_params(req).await {
        Ok(p) => p,
        Err(e) => return reply(400, "text/plain", format!("bad request: {e}")),
    };
    let func = params.get("func").unwrap_or("").to_string();
    let (latency, before) = {
        let mut w = lock(&world);
        w.calls.push(func.clone());
        let before = w.faults.take(&func, When::Before).or_else(|| {
            if func == "auth" {
                None
            } else {
                w.faults.roll()
            }
        });
        (w.faults.latency_ms, before)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    match &before {
        Some(Fault::Delay(ms)) => tokio::time::sleep(Duration::from_millis(*ms)).await,
        Some(Fault::ExpireSessions) => lock(&world).expire_sessions(),
        Some(Fault::Reset) => return reset(),
        Some(f) => {
            if let Some((status, ct, body)) = f.answer() {
                return reply(status, ct, body);
            }
        }
        None => {}
    }
    let (doc, after) = {
        let mut w = lock(&world);
        let doc = w.respond(&params);
        (doc, w.faults.take(&func, When::After))
    };
    match &after {
        // Applied, then the answer is late (past the client's timeout) or cut off.
        Some(Fault::Delay(ms)) => tokio::time::sleep(Duration::from_millis(*ms)).await,
        Some(Fault::Reset) => return reset(),
        Some(f) => {
            if let Some((status, ct, body)) = f.answer() {
                return reply(status, ct, body);
            }
        }
        None => {}
    }
    reply(200, "application/json", doc.to_string())
}

/// An answer whose connection breaks after its first bytes.
fn reset() -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"{\"doc\": {")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection reset by the emulator",
        )),
    ];
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(futures_util::stream::iter(chunks)),
    )
        .into_response()
}
