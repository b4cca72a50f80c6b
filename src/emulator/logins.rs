//! Logins counted and refused as the real panel's server does, and the request log.
//!
//! Every `func=auth` request is counted (`World::logins`, and per login name in
//! `World::logins_by_user`). With `login_limit_per_minute = Some(n)`, a login name that has
//! made `n` login attempts in the last 60 seconds is refused with the real `blocklogon`
//! answer (attempts refused this way do not count). One-shot refusals a test can queue
//! ([`LoginRefusal`]) answer the next `func=auth` with the panel's other login errors. All are
//! `$type` `auth`, keyed by `$object` as Zomro's panel maps them (`public/locales/en/auth.json`).

use std::time::{Duration, Instant};

use serde_json::Value;

use super::answer::{Params, err};
use super::faults::Fault;
pub use super::world::RequestRecord;
use super::world::World;

/// A login refusal of the real server, by its `$object`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefusal {
    /// `badpassword`: "Invalid username or password".
    BadPassword,
    /// `blocklogon`: "Your account has been blocked for 20 seconds".
    BlockLogon,
    /// `blocked_ip`: too many failed login attempts from this address.
    BlockedIp,
    /// `badip`: "Access from this IP denied".
    BadIp,
    /// `blockgeoip`: a login from a new region waits for a confirmation by e-mail.
    BlockGeoIp,
}

impl LoginRefusal {
    /// Every refusal.
    pub const ALL: [LoginRefusal; 5] = [
        LoginRefusal::BadPassword,
        LoginRefusal::BlockLogon,
        LoginRefusal::BlockedIp,
        LoginRefusal::BadIp,
        LoginRefusal::BlockGeoIp,
    ];

    /// `error.$object`.
    pub fn object(self) -> &'static str {
        match self {
            LoginRefusal::BadPassword => "badpassword",
            LoginRefusal::BlockLogon => "blocklogon",
            LoginRefusal::BlockedIp => "blocked_ip",
            LoginRefusal::BadIp => "badip",
            LoginRefusal::BlockGeoIp => "blockgeoip",
        }
    }

    /// `error.msg.$`, in English.
    pub fn message(self) -> &'static str {
        match self {
            LoginRefusal::BadPassword => "Invalid username or password",
            LoginRefusal::BlockLogon => "Your account has been blocked for 20 seconds",
            LoginRefusal::BlockedIp => {
                "The limit for the number of unsuccessful login attempts has been exceeded"
            }
            LoginRefusal::BadIp => "Access from this IP denied",
            LoginRefusal::BlockGeoIp => {
                "Your account has been blocked because you are logging in from a new region. Unlock instructions have been sent to your email"
            }
        }
    }

    /// The `doc.error` value.
    pub fn error(self) -> Value {
        err("auth", self.object(), self.message())
    }

    /// The same answer as a one-shot fault (queue it with `func` `auth`).
    pub fn fault(self) -> Fault {
        Fault::Refuse {
            kind: "auth".into(),
            object: self.object().into(),
            msg: self.message().into(),
        }
    }
}

/// The key a login name is counted under.
fn login_key(name: &str) -> String {
    name.trim()
        .chars()
        .take(200)
        .collect::<String>()
        .to_lowercase()
}

const LOGIN_WINDOW: Duration = Duration::from_secs(60);

impl World {
    /// Records a request on arrival: the call log, the request log, the login counters.
    pub(super) fn note_request(&mut self, p: &Params, refused_busy: bool) {
        let func = p.get("func").unwrap_or("").to_string();
        if func == "auth" {
            self.logins += 1;
            *self
                .logins_by_user
                .entry(login_key(p.get("username").unwrap_or("")))
                .or_default() += 1;
        }
        self.requests.push(RequestRecord {
            func: func.clone(),
            with_session: p.filled("auth").is_some(),
            refused_busy,
            elid: p.get("elid").unwrap_or("").chars().take(40).collect(),
        });
        self.calls.push(func);
    }

    /// Refuses a login of `name` past the per-minute limit; otherwise counts it.
    pub(super) fn check_login_limit(&mut self, name: &str) -> Result<(), Value> {
        let Some(limit) = self.login_limit_per_minute else {
            return Ok(());
        };
        let now = Instant::now();
        let times = self.login_times.entry(login_key(name)).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) > LOGIN_WINDOW)
        {
            times.pop_front();
        }
        if times.len() >= limit as usize {
            return Err(LoginRefusal::BlockLogon.error());
        }
        times.push_back(now);
        Ok(())
    }
}
