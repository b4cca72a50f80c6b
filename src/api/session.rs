//! Sessions: logging in (password, password_command, two-factor code), keeping the session
//! between runs and alive while the TUI runs, renewing it once when refused, logging out.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::client::{Client, locked, no_credentials};
use super::doc;
use super::session_store::{Kept, SessionStore};
use super::{ApiError, Secret};

/// How long a login that failed on the way (not refused) is not tried again.
const LOGIN_RETRY_AFTER: Duration = Duration::from_secs(60);

impl Client {
    /// Writes what was learned next to the current session.
    pub(super) fn keep_again(&self) {
        if let Ok(session) = self.inner.session.try_lock() {
            let s = session.clone();
            drop(session);
            if s.is_some() {
                self.keep(s);
            }
        }
    }

    /// Writes the session to the store (a failure is a warning: the next run logs in again).
    pub(super) fn keep(&self, session: Option<Secret>) {
        if let Some(store) = &self.inner.cfg.session_store
            && let Err(e) = store.save(&self.kept(session))
        {
            self.warn(format!(
                "the session could not be kept in {} ({e}); the next command logs in again",
                store.path.display()
            ));
        }
    }

    /// Writes the current session to `store` (for `bsched login`, which keeps a session only
    /// once the whole login, code included, has worked).
    pub async fn keep_in(&self, store: &SessionStore) -> std::io::Result<()> {
        let session = self.inner.session.lock().await.clone();
        store.save(&self.kept(session))
    }

    /// What a store keeps for `session`: it, and what was learned of the server with it.
    fn kept(&self, session: Option<Secret>) -> Kept {
        Kept {
            session,
            create_returns_id: self.create_returns_id(),
        }
    }

    pub(super) async fn password(&self) -> Result<Secret, ApiError> {
        let cfg = &self.inner.cfg;
        let p = self
            .inner
            .password
            .get_or_try_init(|| async {
                let Some(cmd) = cfg.password_command.clone() else {
                    return Err(no_credentials());
                };
                tokio::task::spawn_blocking(move || {
                    super::password_command::run_password_command(&cmd)
                })
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

    pub(super) async fn fresh_session(&self) -> Result<Secret, ApiError> {
        // The panel's filter is read once per session: a new session reads it again.
        *locked(&self.inner.panel_filter) = None;
        if let Some(e) = locked(&self.inner.login_failure).clone() {
            return Err(e);
        }
        // A login that failed on the way (timeout, a broken answer) is not tried again for a
        // minute: every attempt counts toward the server's lockout after failed logins.
        if let Some((e, at)) = locked(&self.inner.login_trouble).clone()
            && at.elapsed() < LOGIN_RETRY_AFTER
        {
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
            doc::session_id(&page.doc)
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
                } else {
                    *locked(&self.inner.login_trouble) = Some((e.clone(), Instant::now()));
                }
                Err(e)
            }
        }
    }

    /// The current session, logging in first when there is none.
    pub(super) async fn session(&self) -> Result<Secret, ApiError> {
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
    pub(super) async fn renew(&self, stale: &Secret) -> Result<Secret, ApiError> {
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
        let fresh = doc::session_id(&page.doc).map(Secret::new).ok_or_else(|| {
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
}
