//! A hostile fake API on 127.0.0.1: each test decides every answer, and every request is kept.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub params: Vec<(String, String)>,
}

impl Seen {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn func(&self) -> &str {
        self.get("func").unwrap_or("")
    }
}

type Answer = Box<dyn Fn(&Seen, usize) -> Response + Send + Sync>;

struct Shared {
    seen: Mutex<Vec<Seen>>,
    answer: Answer,
}

/// A running fake. Dropping it leaves the task running until the test's runtime ends.
pub struct Fake {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Fake {
    /// Starts a fake whose answers come from `answer(request, index)`.
    pub async fn start(answer: impl Fn(&Seen, usize) -> Response + Send + Sync + 'static) -> Fake {
        let shared = Arc::new(Shared {
            seen: Mutex::new(Vec::new()),
            answer: Box::new(answer),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = Router::new()
            .fallback(any(handle))
            .with_state(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Fake { addr, shared }
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().expect("lock").clone()
    }

    /// How many requests called `func`.
    pub fn count(&self, func: &str) -> usize {
        self.seen().iter().filter(|s| s.func() == func).count()
    }
}

async fn handle(State(shared): State<Arc<Shared>>, _headers: HeaderMap, body: Bytes) -> Response {
    let params: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let seen = Seen { params };
    let index = {
        let mut all = shared.seen.lock().expect("lock");
        all.push(seen.clone());
        all.len() - 1
    };
    (shared.answer)(&seen, index)
}

/// A JSON answer `{"doc": doc}`.
pub fn doc(doc: Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        json!({ "doc": doc }).to_string(),
    )
        .into_response()
}

/// The login answer with session `token`.
pub fn auth_ok(token: &str) -> Response {
    doc(json!({"auth": {"$id": token, "$": token}}))
}

/// A `doc.error` answer.
pub fn error(kind: &str, object: &str, msg: &str) -> Response {
    doc(json!({"error": {"$type": kind, "$object": object, "msg": {"$": msg}}}))
}

/// A body streamed without end (or until the client stops reading).
pub fn endless() -> Response {
    let chunk = Bytes::from(vec![b' '; 64 * 1024]);
    let stream = futures_util::stream::repeat_with(move || Ok::<_, std::io::Error>(chunk.clone()));
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// A plain TCP listener that counts connections and answers none (a proxy or a redirect
/// target that must never be reached).
pub struct Trap {
    pub addr: SocketAddr,
    pub hits: Arc<std::sync::atomic::AtomicUsize>,
}

impl Trap {
    pub async fn start() -> Trap {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let h = hits.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                h.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                drop(sock);
            }
        });
        Trap { addr, hits }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::SeqCst)
    }
}
