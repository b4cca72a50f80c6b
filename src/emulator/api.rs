//! The emulator's BILLmanager functions: one step from a request's parameters to its `$`
//! document, over the emulator's world. Sessions and login live here; lists, writes, paging,
//! the panel's filter and login limits have their own files.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::elems::OddAnswers;
use super::faults::Faults;
use super::logins::RequestRecord;
use super::state::Data;

/// The page size BILLmanager uses when the client does not say.
pub const DEFAULT_PAGE: usize = 10;

/// A request's parameters (form fields or query), first value of each name wins.
#[derive(Debug, Default, Clone)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// The value of `key`, if sent.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key` if sent and not blank.
    pub(super) fn filled(&self, key: &str) -> Option<&str> {
        self.get(key).map(str::trim).filter(|v| !v.is_empty())
    }

    /// Whether this is a write (`sok` present and not empty, as BILLmanager reads it).
    pub(super) fn sok(&self) -> bool {
        self.filled("sok").is_some()
    }
}

#[derive(Debug)]
pub(super) struct Session {
    pub(super) user: String,
    last_used: Instant,
    totp_pending: bool,
}

/// Everything a running emulator holds. The switches default to the real server's behaviour;
/// the kind behaviour is only there when a test turns it on.
#[derive(Debug)]
pub struct World {
    /// Persisted data.
    pub data: Data,
    /// Fault switches.
    pub faults: Faults,
    /// Every `func` received, in order (for tests: "nothing was sent").
    pub calls: Vec<String>,
    /// Every request received, in order, with whether it carried a session and whether it was
    /// refused because another request of its session was running.
    pub requests: Vec<RequestRecord>,
    /// Allow overlapping requests of one session (the real server refuses the second one).
    pub parallel_sessions: bool,
    /// Requests refused with "Request in process, please wait".
    pub busy_refusals: u64,
    /// A schedule create answers with the new `id` (the real server's answer is unverified, so
    /// the default is the harder case: `ok` alone).
    pub create_returns_id: bool,
    /// The server normalizes what it stores: times as `H:MM`, names trimmed with runs of
    /// spaces collapsed, so a listing differs from what was sent.
    pub normalize: bool,
    /// Answers made harder still, for tests (see [`OddAnswers`]).
    pub odd: OddAnswers,
    /// Every `func=auth` request received.
    pub logins: u64,
    /// `func=auth` requests per login name as sent (trimmed, lower-case).
    pub logins_by_user: BTreeMap<String, u64>,
    /// Refuse a user's logins with `blocklogon` after this many within 60 seconds.
    pub login_limit_per_minute: Option<u32>,
    pub(super) login_times: HashMap<String, VecDeque<Instant>>,
    pub(super) sessions: HashMap<String, Session>,
    pub(super) in_flight: HashSet<String>,
    session_ttl: Duration,
    /// `p_cnt` per (user, func): a list's rows-per-page is a user preference.
    pub(super) page_size: HashMap<(String, String), usize>,
    /// The last `p_num` per (session, func): served again when a request does not say.
    pub(super) page_num: HashMap<(String, String), usize>,
    pub(super) state_file: Option<PathBuf>,
    /// Share of scheduled runs that leave no backup.
    pub skip_backups: f64,
    /// A fixed "now" for backups and creation dates (tests); the real clock when None.
    pub clock: Option<jiff::Timestamp>,
}

pub(super) type Answer = Result<Map<String, Value>, Value>;

/// `{"$": s}`.
pub(super) fn t(s: impl Into<String>) -> Value {
    json!({"$": s.into()})
}

/// A `doc.error` value.
pub(super) fn err(kind: &str, object: &str, msg: &str) -> Value {
    json!({"$type": kind, "$object": object, "$lang": "en",
        "param": [{"$name": "object", "$type": "msg", "$": object}, {"$name": "value", "$": ""}],
        "msg": {"$": msg}})
}

fn access_denied() -> Value {
    err(
        "access",
        "",
        "Insufficient privileges to perform this function",
    )
}

/// `{"ok": {}}`.
pub(super) fn ok() -> Answer {
    let mut m = Map::new();
    m.insert("ok".into(), json!({}));
    Ok(m)
}

fn new_token() -> String {
    let mut b = [0u8; 12];
    if getrandom::fill(&mut b).is_err() {
        // No OS randomness: fall back to the clock; the emulator's tokens guard nothing real.
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        b.copy_from_slice(&n.to_le_bytes()[..12]);
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl World {
    /// A world over `data`, persisted to `state_file` when given, with the real server's
    /// behaviour (every switch off).
    pub fn new(data: Data, session_ttl: Duration, state_file: Option<PathBuf>) -> World {
        World {
            data,
            faults: Faults::default(),
            calls: Vec::new(),
            requests: Vec::new(),
            parallel_sessions: false,
            busy_refusals: 0,
            create_returns_id: false,
            normalize: false,
            odd: OddAnswers::default(),
            logins: 0,
            logins_by_user: BTreeMap::new(),
            login_limit_per_minute: None,
            login_times: HashMap::new(),
            sessions: HashMap::new(),
            in_flight: HashSet::new(),
            session_ttl,
            page_size: HashMap::new(),
            page_num: HashMap::new(),
            state_file,
            skip_backups: 0.0,
            clock: None,
        }
    }

    /// The session tokens handed out and still valid (for tests that look for leaks).
    pub fn session_tokens(&self) -> Vec<String> {
        self.sessions.keys().cloned().collect()
    }

    /// How many sessions have a request running right now.
    pub fn requests_in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Drops every session, as if each had expired.
    pub fn expire_sessions(&mut self) {
        self.sessions.clear();
    }

    /// Sets how long a session lives after its last request.
    pub fn set_session_ttl(&mut self, ttl: Duration) {
        self.session_ttl = ttl;
    }

    /// "Now" for dates the server writes.
    pub(super) fn now(&self) -> jiff::Timestamp {
        self.clock.unwrap_or_else(jiff::Timestamp::now)
    }

    pub(super) fn save(&self) {
        if let Some(path) = &self.state_file
            && let Err(e) = self.data.save(path)
        {
            tracing::error!("emulator state not saved: {e}");
        }
    }

    /// Handles one request and returns its whole JSON answer.
    pub fn respond(&mut self, p: &Params) -> Value {
        let func = p.get("func").unwrap_or("").to_string();
        let answer = self.dispatch(&func, p);
        let doc = match answer {
            Ok(m) => m,
            Err(e) => {
                let mut m = Map::new();
                m.insert("error".into(), e);
                m
            }
        };
        with_tparams(doc, p)
    }

    fn dispatch(&mut self, func: &str, p: &Params) -> Answer {
        if func == "auth" {
            return self.auth(p);
        }
        let user = self.check_session(func, p)?;
        match func {
            "whoami" => self.whoami(p),
            "totp.confirm" => self.totp_confirm(p, &user),
            // check_session has refreshed the session already.
            "keepalive" => ok(),
            "logon" => {
                if let Some(tok) = p.get("auth") {
                    self.sessions.remove(tok);
                }
                ok()
            }
            "instances" => self.instances(p, &user),
            "instances.filter" => self.instances_filter(p, &user),
            "instances.edit" => self.instance_edit(p),
            "instances.fleio_bckps" => self.backups(p, &user),
            "instances.fleio_bckps.schedule" => self.schedules(p, &user),
            "instances.fleio_bckps.schedule.edit" => self.schedule_edit(p),
            "instances.fleio_bckps.schedule.delete" => self.schedule_delete(p),
            "" => Err(err("missed", "func", "No function given")),
            other => Err(err(
                "missed",
                "func",
                &format!("Function {other} not found"),
            )),
        }
    }

    fn auth(&mut self, p: &Params) -> Answer {
        let (name, pass) = (
            p.get("username").unwrap_or(""),
            p.get("password").unwrap_or(""),
        );
        self.check_login_limit(name)?;
        let Some(user) = self
            .data
            .users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(name.trim()) && u.password == pass)
        else {
            return Err(err("auth", "badpassword", "Invalid username or password"));
        };
        let token = new_token();
        self.sessions.insert(
            token.clone(),
            Session {
                user: user.username.clone(),
                last_used: Instant::now(),
                totp_pending: user.totp.is_some(),
            },
        );
        let mut m = Map::new();
        m.insert(
            "auth".into(),
            json!({"$id": token, "$level": "16", "$": token}),
        );
        Ok(m)
    }

    fn check_session(&mut self, func: &str, p: &Params) -> Result<String, Value> {
        let tok = p.get("auth").unwrap_or("");
        let ttl = self.session_ttl;
        let Some(s) = self.sessions.get_mut(tok) else {
            return Err(access_denied());
        };
        if s.last_used.elapsed() > ttl {
            self.sessions.remove(tok);
            return Err(access_denied());
        }
        s.last_used = Instant::now();
        if s.totp_pending && !matches!(func, "whoami" | "totp.confirm" | "logon") {
            return Err(access_denied());
        }
        Ok(s.user.clone())
    }

    fn whoami(&self, p: &Params) -> Answer {
        let pending = p
            .get("auth")
            .and_then(|t| self.sessions.get(t))
            .is_some_and(|s| s.totp_pending);
        let mut m = Map::new();
        m.insert(
            "ok".into(),
            if pending {
                t("func=totp.confirm")
            } else {
                json!({})
            },
        );
        Ok(m)
    }

    fn totp_confirm(&mut self, p: &Params, user: &str) -> Answer {
        let code = self
            .data
            .users
            .iter()
            .find(|u| u.username == user)
            .and_then(|u| u.totp.clone());
        if p.get("sok") != Some("ok") || code.is_none() {
            return ok();
        }
        if p.get("qrcode").map(str::trim) != code.as_deref() {
            return Err(err("value", "qrcode", "Invalid confirmation code"));
        }
        if let Some(old) = p.get("auth") {
            self.sessions.remove(old);
        }
        let token = new_token();
        self.sessions.insert(
            token.clone(),
            Session {
                user: user.to_string(),
                last_used: Instant::now(),
                totp_pending: false,
            },
        );
        let mut m = Map::new();
        m.insert("auth".into(), json!({"$id": token, "$": token}));
        Ok(m)
    }
}

/// `{"doc": doc}` with the request's parameters echoed in `tparams`, session token included,
/// as the real API does (it proves the client scrubs echoes).
pub(super) fn with_tparams(mut doc: Map<String, Value>, p: &Params) -> Value {
    let mut tparams = Map::new();
    tparams.insert("func".into(), t(p.get("func").unwrap_or("")));
    tparams.insert("out".into(), t("json"));
    if let Some(auth) = p.get("auth") {
        tparams.insert("auth".into(), t(auth));
    }
    doc.insert("tparams".into(), Value::Object(tparams));
    json!({ "doc": doc })
}
