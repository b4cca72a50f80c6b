//! The emulator's world: everything a running emulator holds (data, switches, sessions,
//! counters and logs), made and read here. The BILLmanager functions that act on it are in
//! `api` (sessions and dispatch), `lists`, `writes`, `paging`, `filter` and `logins`.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::elems::OddAnswers;
use super::faults::Faults;
use super::state::Data;

/// One request as the emulator received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// Its `func`.
    pub func: String,
    /// Whether it carried a session (a non-empty `auth`).
    pub with_session: bool,
    /// Whether it was refused because another request of its session was running.
    pub refused_busy: bool,
    /// Its `elid` (the server or schedule it is about; empty without one).
    pub elid: String,
}

#[derive(Debug)]
pub(super) struct Session {
    pub(super) user: String,
    pub(super) last_used: Instant,
    pub(super) totp_pending: bool,
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
    pub(super) session_ttl: Duration,
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
}
