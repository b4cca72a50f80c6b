//! The small pieces every BILLmanager function of the emulator shares: a request's
//! parameters, an answer, and the `$` JSON they are written in. It uses no other module of
//! the emulator.

use serde_json::{Map, Value, json};

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

/// `{"ok": {}}`.
pub(super) fn ok() -> Answer {
    let mut m = Map::new();
    m.insert("ok".into(), json!({}));
    Ok(m)
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
