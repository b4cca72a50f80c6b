//! The emulator's HTTP side: reading a request (query, urlencoded or multipart form), one
//! request at a time per session, latency and faults, the answer.
//!
//! **One request at a time per session.** BILLmanager serializes a session's requests: while
//! a request with a given `auth` is being handled (its latency and delay faults included), a
//! second request with the same `auth` is refused at once, with HTTP 200 and
//! [`busy_answer`]. Requests without a session (`func=auth`) are not serialized. A request is
//! handled to its end in a task of its own, as the real server finishes what it started: a
//! client that gives up on a slow answer finds its session still busy until the server is
//! done. `World::parallel_sessions` turns this off.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::answer::{Params, with_tparams};
use super::faults::{Fault, When};
use super::{Shared, lock};

/// The English text of the "one request at a time" refusal; clients recognise it by message.
pub const BUSY_MESSAGE: &str = "Request in process, please wait";
/// The Russian text of the same refusal (for `lang=ru`).
pub const BUSY_MESSAGE_RU: &str = "Ваш запрос обрабатывается, пожалуйста подождите";

/// The refusal of a request whose session has another request running:
/// `{"doc": {"error": {"$type": "inprocess", "$object": "", "msg": {"$": BUSY_MESSAGE}}, "tparams": …}}`.
/// The real `$type` is unknown; the message is what the panel matches.
pub fn busy_answer(p: &Params) -> Value {
    let msg = if p.get("lang") == Some("ru") {
        BUSY_MESSAGE_RU
    } else {
        BUSY_MESSAGE
    };
    let mut doc = Map::new();
    doc.insert(
        "error".into(),
        json!({"$type": "inprocess", "$object": "", "msg": {"$": msg}}),
    );
    with_tparams(doc, p)
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

/// A session's place in the in-flight set, left when dropped (on every path out).
struct InFlight {
    world: Shared,
    token: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        lock(&self.world).in_flight.remove(&self.token);
    }
}

pub(super) async fn handle(State(world): State<Shared>, req: Request) -> Response {
    let params = match read_params(req).await {
        Ok(p) => p,
        Err(e) => return reply(400, "text/plain", format!("bad request: {e}")),
    };
    // Handled to its end even when the client hangs up, as the real server does.
    match tokio::spawn(process(world, params)).await {
        Ok(r) => r,
        Err(_) => reply(500, "text/plain", "the emulator failed".into()),
    }
}

async fn process(world: Shared, params: Params) -> Response {
    let func = params.get("func").unwrap_or("").to_string();
    let token = params
        .filled("auth")
        .filter(|_| func != "auth")
        .map(str::to_string);
    let (latency, before, _in_flight) = {
        let mut w = lock(&world);
        let mut guard = None;
        if let Some(token) = token
            && !w.parallel_sessions
        {
            if !w.in_flight.insert(token.clone()) {
                w.busy_refusals += 1;
                w.note_request(&params, true);
                return reply(200, "application/json", busy_answer(&params).to_string());
            }
            guard = Some(InFlight {
                world: Arc::clone(&world),
                token,
            });
        }
        w.note_request(&params, false);
        let before = w.faults.take(&func, When::Before).or_else(|| {
            if func == "auth" {
                None
            } else {
                w.faults.roll()
            }
        });
        (w.faults.latency_ms, before, guard)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    match &before {
        Some(Fault::Delay(ms)) => tokio::time::sleep(Duration::from_millis(*ms)).await,
        Some(Fault::ExpireSessions) => lock(&world).expire_sessions(),
        Some(Fault::Reset) => return reset(),
        Some(Fault::Redirect { status, location }) => return redirect(*status, location),
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
        Some(Fault::Redirect { status, location }) => return redirect(*status, location),
        Some(f) => {
            if let Some((status, ct, body)) = f.answer() {
                return reply(status, ct, body);
            }
        }
        None => {}
    }
    reply(200, "application/json", doc.to_string())
}

/// A redirect to `location`.
fn redirect(status: u16, location: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::TEMPORARY_REDIRECT);
    let location = header::HeaderValue::from_str(location)
        .unwrap_or_else(|_| header::HeaderValue::from_static("/"));
    (status, [(header::LOCATION, location)], Body::empty()).into_response()
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
