//! A hostile middle for tests: a proxy on 127.0.0.1 in front of the emulator that can fail the
//! listing that follows a write, or hold a request until the test lets it through. It runs on
//! its own thread, so sync and async tests can use it alike.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const LIST: &str = "instances.fleio_bckps.schedule";
const EDIT: &str = "instances.fleio_bckps.schedule.edit";

struct Hold {
    func: String,
    arrived: std::sync::mpsc::Sender<()>,
    release: tokio::sync::oneshot::Receiver<()>,
}

#[derive(Default)]
struct Rules {
    /// Fail (HTTP 500, not forwarded) the first schedule listing of a server after a write
    /// to it was applied.
    fail_listing_after_write: bool,
    written: HashSet<String>,
    hold: Option<Hold>,
}

struct Inner {
    upstream: String,
    http: reqwest::Client,
    rules: Mutex<Rules>,
}

/// A running proxy.
pub struct Proxy {
    url: String,
    inner: Arc<Inner>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// A request held by the proxy.
pub struct Held {
    arrived: std::sync::mpsc::Receiver<()>,
    release: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Held {
    /// Waits (up to a minute) until the held request has arrived at the proxy.
    pub fn wait_arrived(&self) {
        self.arrived
            .recv_timeout(Duration::from_secs(60))
            .expect("the held request arrives");
    }

    /// Lets it through to the emulator.
    pub fn release(mut self) {
        if let Some(tx) = self.release.take() {
            let _ = tx.send(());
        }
    }
}

impl Proxy {
    /// A proxy in front of `upstream` (the emulator's URL).
    pub fn start(upstream: &str) -> Proxy {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let inner = Arc::new(Inner {
            upstream: upstream.trim_end_matches('/').to_string(),
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("http client"),
            rules: Mutex::new(Rules::default()),
        });
        let (url_tx, url_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = inner.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let addr = listener.local_addr().expect("addr");
                url_tx.send(format!("http://{addr}/")).expect("url");
                let app = Router::new().fallback(handle).with_state(state);
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        let url = url_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("proxy starts");
        Proxy {
            url,
            inner,
            _stop: stop,
        }
    }

    /// The URL a client should use.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The next listing of a server's schedules after a write to that server was applied
    /// answers HTTP 500 (once).
    pub fn fail_listing_after_write(&self) {
        let mut r = self.inner.rules.lock().unwrap();
        r.fail_listing_after_write = true;
        r.written.clear();
    }

    /// Holds the next request to `func` until the returned handle releases it.
    pub fn hold(&self, func: &str) -> Held {
        let (arrived_tx, arrived) = std::sync::mpsc::channel();
        let (release, release_rx) = tokio::sync::oneshot::channel();
        self.inner.rules.lock().unwrap().hold = Some(Hold {
            func: func.into(),
            arrived: arrived_tx,
            release: release_rx,
        });
        Held {
            arrived,
            release: Some(release),
        }
    }
}

async fn handle(State(p): State<Arc<Inner>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 1 << 20).await else {
        return (StatusCode::BAD_REQUEST, "body").into_response();
    };
    let mut params: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    if let Some(q) = parts.uri.query() {
        params.extend(form_urlencoded::parse(q.as_bytes()).into_owned());
    }
    let get = |k: &str| {
        params
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let func = get("func");
    let held = {
        let mut r = p.rules.lock().unwrap();
        if r.hold.as_ref().is_some_and(|h| h.func == func) {
            r.hold.take()
        } else {
            None
        }
    };
    if let Some(h) = held {
        let _ = h.arrived.send(());
        let _ = h.release.await;
    }
    {
        let mut r = p.rules.lock().unwrap();
        if r.fail_listing_after_write && func == LIST && r.written.contains(&get("elid")) {
            r.fail_listing_after_write = false;
            return (StatusCode::INTERNAL_SERVER_ERROR, "error 500").into_response();
        }
    }
    let mut fwd = p
        .http
        .post(format!("{}{}", p.upstream, parts.uri.path()))
        .body(body.clone());
    if let Some(ct) = parts.headers.get(header::CONTENT_TYPE) {
        fwd = fwd.header(header::CONTENT_TYPE, ct.clone());
    }
    let Ok(resp) = fwd.send().await else {
        return (StatusCode::BAD_GATEWAY, "upstream").into_response();
    };
    let status = resp.status();
    let ct = resp.headers().get(header::CONTENT_TYPE).cloned();
    let Ok(bytes) = resp.bytes().await else {
        return (StatusCode::BAD_GATEWAY, "upstream body").into_response();
    };
    if func == EDIT && status.is_success() {
        let mut r = p.rules.lock().unwrap();
        if r.fail_listing_after_write {
            r.written.insert(get("plid"));
        }
    }
    let mut out = Response::builder().status(status.as_u16());
    if let Some(ct) = ct {
        out = out.header(header::CONTENT_TYPE, ct);
    }
    out.body(Body::from(bytes))
        .unwrap_or_else(|_| StatusCode::BAD_GATEWAY.into_response())
}
