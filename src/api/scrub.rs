//! Removing known secrets from whatever a server says.
//!
//! A server (or a proxy in front of it) may repeat a request in its answer: BILLmanager echoes
//! the session id in `tparams`, and a hostile one may put the password into an error message or
//! a schedule name. Every text that came from the server passes through [`Scrubber`] before it
//! goes anywhere (screen, log, journal, error message), and every number or boolean is turned
//! into text so that the decoder reads `"id": 5` like `"id": {"$": "5"}`.

use serde_json::Value;

use super::{ApiError, Secret};

/// What replaces a secret in text.
pub const MASK: &str = "***";
/// Secrets shorter than this are not searched for: masking every `a` of every name would
/// destroy the text and protect nothing a guess would not find.
const MIN_LEN: usize = 4;

/// The secrets to remove.
#[derive(Default)]
pub struct Scrubber {
    secrets: Vec<String>,
}

impl Scrubber {
    /// A scrubber for these secrets (short or empty ones are skipped).
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a Secret>) -> Scrubber {
        let mut secrets: Vec<String> = secrets
            .into_iter()
            .map(|s| s.expose())
            .filter(|s| s.chars().count() >= MIN_LEN)
            // A server may echo the form as it came (percent-encoded) or as JSON writes it
            // (escaped): each form is a secret too, for raw text such as the trace.
            .flat_map(|s| {
                let json = serde_json::to_string(s).unwrap_or_default();
                let json = json
                    .strip_prefix('"')
                    .and_then(|j| j.strip_suffix('"'))
                    .unwrap_or(s)
                    .to_string();
                let form: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
                let percent = form.replace('+', "%20");
                [s.to_string(), json, form, percent]
            })
            .collect();
        // Longest first, so a secret that contains another is masked whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Scrubber { secrets }
    }

    /// `text` with every secret replaced by `***`.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), MASK);
            }
        }
        out
    }

    /// Whether `text` holds a secret, ignoring case (a host name is lowercased on the way).
    pub fn mentions_ignoring_case(&self, text: &str) -> bool {
        let t = text.to_lowercase();
        self.secrets.iter().any(|x| t.contains(&x.to_lowercase()))
    }

    /// Walks a decoded document: masks secrets in every string and key-independent value, and
    /// turns numbers and booleans into strings.
    pub fn value(&self, v: &mut Value) {
        match v {
            Value::String(s) => {
                if self.secrets.iter().any(|x| s.contains(x.as_str())) {
                    *s = self.text(s);
                }
            }
            Value::Number(n) => *v = Value::String(n.to_string()),
            Value::Bool(b) => *v = Value::String(if *b { "on" } else { "off" }.into()),
            Value::Array(items) => items.iter_mut().for_each(|i| self.value(i)),
            Value::Object(map) => {
                // Keys are text from the server too (a filter's field names are shown).
                if map
                    .keys()
                    .any(|k| self.secrets.iter().any(|x| k.contains(x.as_str())))
                {
                    let old = std::mem::take(map);
                    for (k, mut v) in old {
                        self.value(&mut v);
                        map.insert(self.text(&k), v);
                    }
                } else {
                    map.values_mut().for_each(|i| self.value(i));
                }
            }
            Value::Null => {}
        }
    }

    /// An error with every secret removed from its text.
    pub fn error(&self, e: ApiError) -> ApiError {
        if self.secrets.is_empty() {
            return e;
        }
        match e {
            ApiError::Refused {
                kind,
                object,
                message,
            } => ApiError::Refused {
                kind: self.text(&kind),
                object: object.map(|o| self.text(&o)),
                message: self.text(&message),
            },
            ApiError::Auth(m) => ApiError::Auth(self.text(&m)),
            ApiError::Malformed(m) => ApiError::Malformed(self.text(&m)),
            ApiError::Network(m) => ApiError::Network(self.text(&m)),
            ApiError::Unconfirmed(m) => ApiError::Unconfirmed(self.text(&m)),
            ApiError::Setup(m) => ApiError::Setup(self.text(&m)),
            ApiError::Redirected(m) => ApiError::Redirected(self.text(&m)),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_every_secret_everywhere() {
        let pass = Secret::new("hunter2hunter2");
        let tok = Secret::new("abcdef123456");
        let s = Scrubber::new([&pass, &tok, &Secret::new("ab")]);
        let mut v = json!({"msg": {"$": "bad password hunter2hunter2 for abcdef123456"}, "id": 7, "x": [true]});
        s.value(&mut v);
        let text = v.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("abcdef"),
            "{text}"
        );
        assert_eq!(v["id"], json!("7"));
        assert_eq!(v["x"][0], json!("on"));
        let e = s.error(ApiError::Auth("echo: abcdef123456".into()));
        assert_eq!(e, ApiError::Auth("echo: ***".into()));
    }

    #[test]
    fn masks_keys_and_the_encoded_forms() {
        let pass = Secret::new("p@ss word\\\"x");
        let s = Scrubber::new([&pass]);
        let mut v = json!({"p@ss word\\\"x": {"$": "1"}, "a": "p%40ss+word%5C%22x"});
        s.value(&mut v);
        let text = v.to_string();
        assert!(!text.contains("p@ss") && !text.contains("p%40ss"), "{text}");
        let raw = r#"{"msg": "p@ss word\\\"x", "q": "p%40ss%20word%5C%22x"}"#;
        let clean = s.text(raw);
        assert!(!clean.contains("ss"), "{clean}");
    }
}
