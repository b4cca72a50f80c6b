//! Calls and the wire: one request at a time per session (busy reads waited out), a refused
//! session renewed once, no redirect followed, answers read up to the cap, decoded, scrubbed,
//! and optionally traced with secrets removed.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::Value;

use super::client::{BUSY_TRIES, Client, locked};
use super::doc::{self, Page, decode_page};
use super::{ApiError, Secret};

impl Client {
    /// Writes every request and answer from now on to `path` (created 0600), with the
    /// password, the session ids and anything that echoes them replaced by `***`.
    pub fn trace_to(&self, path: &std::path::Path) -> std::io::Result<()> {
        *locked(&self.inner.trace) = Some(crate::fsutil::create_private(path)?);
        Ok(())
    }

    pub(super) fn trace(&self, what: &str, text: &str) {
        use std::io::Write;
        let mut t = locked(&self.inner.trace);
        if let Some(f) = t.as_mut() {
            // Masked first, cut after: a cut can never leave part of a secret.
            let clean = self.scrubber().text(text);
            let mut end = clean.len().min(256 * 1024);
            while !clean.is_char_boundary(end) {
                end -= 1;
            }
            let _ = writeln!(f, "{what} {}", &clean[..end]);
        }
    }

    /// Overlaps a slow request of the current session (a server list) with a quick one
    /// (`whoami`), a few times, and says whether the server refused one as "request in
    /// process" (it serializes a session's requests). `false` proves little: two requests
    /// rarely overlap on a fast server.
    pub async fn probe_parallel(&self) -> Result<bool, ApiError> {
        let token = self.session().await?;
        let list = [("p_num", "1".to_string()), ("p_cnt", "1000".to_string())];
        for _ in 0..3 {
            let (a, b) = tokio::join!(self.call_with("instances", &list, &token), async {
                tokio::time::sleep(Duration::from_millis(5)).await;
                self.call_with("whoami", &[], &token).await
            });
            match (a, b) {
                (Err(e), _) | (_, Err(e)) if e.is_busy() => return Ok(true),
                (Err(e), _) | (_, Err(e)) => return Err(e),
                _ => {}
            }
        }
        Ok(false)
    }

    /// Calls a read function `func` with `params`. A "request in process" refusal is waited
    /// out (at most three tries in all); a refused session is renewed once and the call retried
    /// once: a call refused for access did not apply.
    pub async fn call(&self, func: &str, params: &[(&str, String)]) -> Result<Value, ApiError> {
        let page = self.call_as(func, params, false).await?;
        self.whole(page)
    }

    /// [`Client::call`], also saying how `elem` came: `Some(true)` an array, `Some(false)` one
    /// object, `None` absent (for `bsched doctor`).
    pub async fn call_with_shape(
        &self,
        func: &str,
        params: &[(&str, String)],
    ) -> Result<(Value, Option<bool>), ApiError> {
        let page = self.call_as(func, params, false).await?;
        let array = page.elem_array;
        Ok((self.whole(page)?, array))
    }

    /// [`Client::call`] for a list: the elements stay JSON text until read ([`Page`]).
    pub(super) async fn call_page(
        &self,
        func: &str,
        params: &[(&str, String)],
    ) -> Result<Page, ApiError> {
        self.call_as(func, params, false).await
    }

    /// A page with its elements put back into the document (for small answers).
    pub(super) fn whole(&self, page: Page) -> Result<Value, ApiError> {
        let scrub = self.scrubber();
        page.into_whole(|v| scrub.value(v))
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

    pub(super) async fn call_as(
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

    pub(super) async fn waiting_out_busy(
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
    pub(super) async fn send(&self, form: &[(&str, &str)]) -> Result<Page, ApiError> {
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
            && let Some(fresh) = doc::session_id(doc)
        {
            self.remember_secret(&Secret::new(fresh));
        }
        if locked(&self.inner.trace).is_some() {
            // The document as decoded and written again, never the raw bytes: a secret the
            // server escaped in another way (`\u0070…`, `\/`) reads plainly here and is masked.
            let text = match &decoded {
                Ok(page) => {
                    let mut whole = page.doc.clone();
                    let items: Vec<Value> = page
                        .elems
                        .iter()
                        .filter_map(|e| serde_json::from_str(e.get()).ok())
                        .collect();
                    if let Some(m) = whole.as_object_mut()
                        && !items.is_empty()
                    {
                        m.insert("elem".into(), Value::Array(items));
                    }
                    whole.to_string()
                }
                Err(e) => format!("not a document ({e}), {} bytes", body.len()),
            };
            self.trace(&format!("< HTTP {}", status.as_u16()), &text);
        }
        drop(body);
        match decoded {
            Ok(Page {
                mut doc,
                elems,
                elem_array,
            }) => {
                if let Some(m) = doc.as_object_mut() {
                    // The echo of the request (session id included) is of no use to us.
                    m.remove("tparams");
                }
                // Elements are scrubbed one by one when they are read (`Client::element`).
                scrub.value(&mut doc);
                Ok(Page {
                    doc,
                    elems,
                    elem_array,
                })
            }
            Err(e) => {
                let e = scrub.error(e);
                tracing::debug!(error = %e, "call failed");
                Err(e)
            }
        }
    }

    pub(super) async fn read_capped(
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

    pub(super) fn transport_error(&self, e: &reqwest::Error, timeout: u64) -> ApiError {
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
