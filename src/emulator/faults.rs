//! Faults the emulator can inject: by rate (command-line switches) or one-shot (tests).

use std::collections::VecDeque;

use serde_json::json;

/// One way an answer can go wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// An HTTP status other than 200 (500, 502, 503, or the edge's 403/460 block).
    Status(u16),
    /// An HTML error page with status 200.
    Html,
    /// JSON cut off in the middle.
    Truncated,
    /// An empty body.
    Empty,
    /// A `doc.error` of the given `$type` and `$object` (e.g. `runningoperation`).
    Refuse {
        /// `$type`.
        kind: String,
        /// `$object`.
        object: String,
        /// `msg.$`.
        msg: String,
    },
    /// Every session expires before this request is handled.
    ExpireSessions,
    /// The answer is held back for this many milliseconds.
    Delay(u64),
    /// The connection is cut in the middle of the answer.
    Reset,
    /// A redirect (307/308) to another place, as a hijacked proxy or a moved endpoint would
    /// answer: a client that followed it would send the form (password, session) there.
    Redirect {
        /// 301, 302, 303, 307 or 308.
        status: u16,
        /// Where it points.
        location: String,
    },
}

/// When a one-shot fault strikes: before the request is handled (nothing applies) or after
/// (the change is applied and its answer is lost).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Instead of handling the request.
    Before,
    /// After handling it, in place of its answer.
    After,
}

/// A fault for the next request to a function (or any function).
#[derive(Debug, Clone)]
pub struct Rule {
    /// What goes wrong.
    pub fault: Fault,
    /// Before or after the request applies.
    pub when: When,
    /// Only requests to this `func` (None: any request but `auth`).
    pub func: Option<String>,
}

/// The fault switches of a running emulator.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// One-shot rules, first match wins and is used up.
    pub queue: VecDeque<Rule>,
    /// Share of requests (0.0-1.0) that fail with `rate_fault`.
    pub rate: f64,
    /// The fault used for `rate`.
    pub rate_fault: Option<Fault>,
    /// Latency added to every request, in milliseconds.
    pub latency_ms: u64,
    rng: u64,
}

impl Faults {
    /// Takes the first queued rule matching `func` and `when`.
    pub fn take(&mut self, func: &str, when: When) -> Option<Fault> {
        let pos = self.queue.iter().position(|r| {
            r.when == when
                && match &r.func {
                    Some(f) => f == func,
                    None => func != "auth",
                }
        })?;
        self.queue.remove(pos).map(|r| r.fault)
    }

    /// Whether the rate switch fires for this request (deterministic sequence).
    pub fn roll(&mut self) -> Option<Fault> {
        let fault = self.rate_fault.clone()?;
        if self.rate <= 0.0 {
            return None;
        }
        // xorshift64: repeatable runs, no dependency.
        if self.rng == 0 {
            self.rng = 0x9E37_79B9_7F4A_7C15;
        }
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let sample = (self.rng >> 11) as f64 / (1u64 << 53) as f64;
        (sample < self.rate).then_some(fault)
    }
}

impl Fault {
    /// Parses a command-line fault name: `500`, `502`, `503`, `403`, `460`, `html`,
    /// `malformed`, `empty`, `runningoperation`.
    pub fn parse(s: &str) -> Option<Fault> {
        Some(match s {
            "html" => Fault::Html,
            "malformed" | "truncated" => Fault::Truncated,
            "empty" => Fault::Empty,
            "reset" => Fault::Reset,
            "runningoperation" => Fault::running_operation(),
            code => Fault::Status(code.parse().ok().filter(|c| (400..600).contains(c))?),
        })
    }

    /// BILLmanager's "another operation is already running" refusal.
    pub fn running_operation() -> Fault {
        Fault::Refuse {
            kind: "runningoperation".into(),
            object: "runningoperation".into(),
            msg: "Another operation is already running on this object, please wait".into(),
        }
    }

    /// The body and status of this fault's answer (`None` for faults that are not answers).
    pub fn answer(&self) -> Option<(u16, &'static str, String)> {
        const JSON: &str = "application/json";
        Some(match self {
            Fault::Status(code) => (*code, "text/plain", format!("error {code}")),
            Fault::Html => (
                200,
                "text/html",
                "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>".into(),
            ),
            Fault::Truncated => (200, JSON, r#"{"doc": {"elem": [{"id": {"$": "1"#.into()),
            Fault::Empty => (200, JSON, String::new()),
            Fault::Refuse { kind, object, msg } => (
                200,
                JSON,
                json!({"doc": {"error": {"$type": kind, "$object": object, "$lang": "en",
                    "param": [{"$name": "object", "$type": "msg", "$": object}],
                    "msg": {"$": msg}}}})
                .to_string(),
            ),
            Fault::ExpireSessions | Fault::Delay(_) | Fault::Reset | Fault::Redirect { .. } => {
                return None;
            }
        })
    }
}
