//! The `$` document decoder: BILLmanager's XML mirrored as JSON.
//!
//! Text sits under `"$"`, attributes under `"$name"`, a list of one is an object, an empty list
//! has no key at all, an empty value is `{}`, and a scalar may arrive wrapped in an array.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::ApiError;

/// A decoded answer: the document without its list, and the list's elements still as JSON
/// text. A large list is never held as one tree: each element is parsed when it is read and
/// dropped after, so decoding costs a small multiple of the answer, not tens of times it.
#[derive(Debug)]
pub struct Page {
    /// `doc` without `elem`.
    pub doc: Value,
    /// The elements of `doc.elem` (one, many or none), unparsed.
    pub elems: Vec<Box<RawValue>>,
    /// How `elem` came: `Some(true)` an array, `Some(false)` one object, `None` absent.
    pub elem_array: Option<bool>,
}

/// A field of `doc` other than `elem` longer than this is dropped unread: the bulk of an
/// answer belongs in `elem`, and a hostile one must not make the decoder build a huge tree.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// Turns an HTTP answer into the `doc` object, or a clear error. Never echoes the body: it
/// carries the session token in `tparams`.
pub fn decode_body(status: u16, body: &[u8]) -> Result<Value, ApiError> {
    decode_page(status, body)?.into_whole(|_| {})
}

/// One element of a list, parsed from its text.
pub fn parse_element(raw: &RawValue) -> Result<Value, ApiError> {
    serde_json::from_str(raw.get())
        .map_err(|_| ApiError::Malformed("an element of the list is not JSON".into()))
}

impl Page {
    /// The document with its elements put back under `elem` (one as an object, several as an
    /// array), each passed through `each` first: for small answers.
    pub fn into_whole(self, mut each: impl FnMut(&mut Value)) -> Result<Value, ApiError> {
        let Page { mut doc, elems, .. } = self;
        if !elems.is_empty() {
            let mut items = Vec::with_capacity(elems.len());
            for raw in &elems {
                let mut v = parse_element(raw)?;
                each(&mut v);
                items.push(v);
            }
            let elem = if items.len() == 1 {
                items.remove(0)
            } else {
                Value::Array(items)
            };
            if let Some(m) = doc.as_object_mut() {
                m.insert("elem".into(), elem);
            }
        }
        Ok(doc)
    }
}

/// Like [`decode_body`], but keeps the list's elements as JSON text (see [`Page`]).
pub fn decode_page(status: u16, body: &[u8]) -> Result<Page, ApiError> {
    if status == 403 || status == 460 {
        return Err(ApiError::Blocked(status));
    }
    if status != 200 {
        return Err(ApiError::Status(status));
    }
    let text = body.trim_ascii();
    if text.is_empty() {
        return Err(ApiError::Empty);
    }
    if text.first() == Some(&b'<') {
        return Err(ApiError::Html);
    }
    let malformed = |e: serde_json::Error| {
        ApiError::Malformed(if e.is_eof() {
            "the JSON ends too early (truncated answer)".into()
        } else if e.is_data() {
            "the JSON has no `doc` object".into()
        } else {
            format!("invalid JSON at line {} column {}", e.line(), e.column())
        })
    };
    let mut de = serde_json::Deserializer::from_slice(text);
    let found = de.deserialize_map(RootVisitor).map_err(malformed)?;
    de.end().map_err(malformed)?;
    let Some((doc, elem)) = found else {
        return Err(ApiError::Malformed("the JSON has no `doc` object".into()));
    };
    if let Some(err) = doc.get("error") {
        return Err(decode_error(err));
    }
    let (elems, elem_array) = match elem {
        None => (Vec::new(), None),
        Some(raw) => match raw.get().trim_start().as_bytes().first() {
            Some(b'[') => (
                serde_json::from_str::<Vec<&RawValue>>(raw.get())
                    .map_err(malformed)?
                    .into_iter()
                    .map(RawValue::to_owned)
                    .collect(),
                Some(true),
            ),
            Some(b'n') => (Vec::new(), None),
            _ => (vec![raw.to_owned()], Some(false)),
        },
    };
    Ok(Page {
        doc: Value::Object(doc),
        elems,
        elem_array,
    })
}

type Split<'de> = (Map<String, Value>, Option<&'de RawValue>);

/// The root object: only `doc` matters.
struct RootVisitor;

impl<'de> Visitor<'de> for RootVisitor {
    type Value = Option<Split<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with a `doc` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "doc" && found.is_none() {
                found = Some(map.next_value_seed(DocSeed)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// `doc`: every field as a value, except `elem`, kept as text.
struct DocSeed;

impl<'de> DeserializeSeed<'de> for DocSeed {
    type Value = Split<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocSeed {
    type Value = Split<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `doc` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut rest = Map::new();
        let mut elem = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "elem" {
                elem = Some(map.next_value::<&'de RawValue>()?);
                continue;
            }
            let raw = map.next_value::<&'de RawValue>()?;
            if raw.get().len() > MAX_FIELD_BYTES {
                if key == "error" {
                    // Never mistaken for success because it was too long to read.
                    rest.insert(
                        key,
                        serde_json::json!({"$type": "unknown", "msg": {"$": "an error message too long to read"}}),
                    );
                }
                continue;
            }
            let v: Value = serde_json::from_str(raw.get()).map_err(de::Error::custom)?;
            rest.insert(key, v);
        }
        Ok((rest, elem))
    }
}

/// Reads `doc.error` into a typed error.
fn decode_error(err: &Value) -> ApiError {
    let err = first(err);
    let kind = attr(err, "type").unwrap_or("unknown").to_string();
    let object = attr(err, "object").map(str::to_string);
    let message = err
        .get("msg")
        .and_then(text)
        .map(str::to_string)
        .unwrap_or_else(|| match &object {
            Some(o) => format!("error {kind} on {o}"),
            None => format!("error {kind}"),
        });
    if kind == "auth" {
        return ApiError::Auth(login_refusal(object.as_deref()).map_or(message, str::to_string));
    }
    ApiError::Refused {
        kind,
        object,
        message,
    }
}

/// What to do about a refused login, by the refusal's `$object` (the keys Zomro's panel
/// translates, api.md 6 and 8a.8); `None` keeps the server's own message.
fn login_refusal(object: Option<&str>) -> Option<&'static str> {
    Some(match object? {
        "badpassword" => {
            "wrong username or password; check them (after several failed logins the account is blocked for a while)"
        }
        "blocklogon" => {
            "the account is blocked for about 20 seconds after failed logins; wait, then try again"
        }
        "blocked_ip" => {
            "too many failed logins from this IP address; it stays blocked until the provider's support unblocks it"
        }
        "badip" => {
            "logins from this IP address are not allowed for this account (see the access settings in the provider's panel)"
        }
        "blockgeoip" => {
            "the login was blocked because it comes from a new region; follow the unlock instructions the provider sent by e-mail, then try again"
        }
        _ => return None,
    })
}

/// The first element if `v` is an array, else `v` itself.
fn first(v: &Value) -> &Value {
    match v {
        Value::Array(items) => items.first().unwrap_or(&Value::Null),
        other => other,
    }
}

/// An attribute (`"$name"`) of a node.
pub fn attr<'a>(node: &'a Value, name: &str) -> Option<&'a str> {
    first(node).get(format!("${name}")).and_then(Value::as_str)
}

/// The text of a node: `$` if present (what the server shows), else `$orig` (the raw value);
/// a bare string is taken as is; `{}` and missing text give `None`; an array gives its first
/// element's text.
pub fn text(node: &Value) -> Option<&str> {
    match first(node) {
        Value::String(s) => Some(s),
        Value::Object(map) => map
            .get("$")
            .or_else(|| map.get("$orig"))
            .and_then(Value::as_str),
        _ => None,
    }
}

/// Every text form of a node, `$` first, then `$orig` (the raw value, which can differ
/// completely: api.md 8a.3).
pub fn texts(node: &Value) -> impl Iterator<Item = &str> {
    let (a, b) = match first(node) {
        Value::String(s) => (Some(s.as_str()), None),
        Value::Object(map) => (
            map.get("$").and_then(Value::as_str),
            map.get("$orig").and_then(Value::as_str),
        ),
        _ => (None, None),
    };
    a.into_iter().chain(b)
}

/// The first form of field `key` that `parse` accepts, `$` first.
pub fn parsed<T>(elem: &Value, key: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
    elem.get(key).and_then(|n| texts(n).find_map(parse))
}

/// The session id an answer hands out (`doc.auth.$id`, or its text), when there is one.
pub fn session_id(doc: &Value) -> Option<&str> {
    doc.get("auth")
        .and_then(|a| attr(a, "id").or_else(|| text(a)))
        .filter(|t| !t.is_empty())
}

/// The text of field `key` of an element.
pub fn field<'a>(elem: &'a Value, key: &str) -> Option<&'a str> {
    elem.get(key).and_then(text)
}

/// The text of field `key`, or `""`.
pub fn field_or_empty<'a>(elem: &'a Value, key: &str) -> &'a str {
    field(elem, key).unwrap_or("")
}

/// The elements of `doc.elem`: none when the key is missing, one when it is an object.
pub fn elems(doc: &Value) -> Vec<&Value> {
    match doc.get("elem") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    }
}

/// A numeric field (either form); a clear error names the field when it is missing or not a
/// number.
pub fn number_field(elem: &Value, key: &str) -> Result<u64, ApiError> {
    if elem.get(key).and_then(|n| texts(n).next()).is_none() {
        return Err(ApiError::Malformed(format!("an element has no `{key}`")));
    }
    parsed(elem, key, |s| s.trim().parse().ok())
        .ok_or_else(|| ApiError::Malformed(format!("`{key}` is not a number")))
}

/// Paging metadata: (page number, total elements), when present.
pub fn paging(doc: &Value) -> (Option<u64>, Option<u64>) {
    let num = |k| {
        doc.get(k)
            .and_then(text)
            .and_then(|s| s.trim().parse().ok())
    };
    (num("p_num"), num("p_elems"))
}

/// The page size the server says it used (`p_cnt`), when present.
pub fn paging_size(doc: &Value) -> Option<u64> {
    doc.get("p_cnt")
        .and_then(text)
        .and_then(|s| s.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(v: Value) -> Value {
        decode_body(200, v.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn a_huge_field_outside_elem_is_dropped_unread_and_a_huge_error_stays_an_error() {
        let big = "x".repeat(MAX_FIELD_BYTES + 10);
        let body =
            json!({"doc": {"junk": {"$": big}, "p_num": {"$": "1"}, "elem": [{"id": {"$": "1"}}]}});
        let page = decode_page(200, body.to_string().as_bytes()).unwrap();
        assert!(page.doc.get("junk").is_none());
        assert_eq!(page.doc["p_num"]["$"], "1");
        assert_eq!((page.elems.len(), page.elem_array), (1, Some(true)));
        let err = json!({"doc": {"error": {"$type": "value", "msg": {"$": big}}}});
        assert!(matches!(
            decode_page(200, err.to_string().as_bytes()),
            Err(ApiError::Refused { .. })
        ));
    }

    #[test]
    fn one_or_many_and_missing_elem() {
        let one = ok(json!({"doc": {"elem": {"id": {"$": "1"}}}}));
        assert_eq!(elems(&one).len(), 1);
        let many = ok(json!({"doc": {"elem": [{"id": {"$": "1"}}, {"id": {"$": "2"}}]}}));
        assert_eq!(elems(&many).len(), 2);
        let none = ok(json!({"doc": {"p_elems": {"$": "0"}}}));
        assert!(elems(&none).is_empty());
    }

    #[test]
    fn text_forms() {
        let e = json!({"a": {"$": "x"}, "b": {}, "c": [{"$": "2024-01-01"}], "d": {"$": "On", "$orig": "on"}, "e": "bare"});
        assert_eq!(field(&e, "a"), Some("x"));
        assert_eq!(field(&e, "b"), None);
        assert_eq!(field(&e, "c"), Some("2024-01-01"));
        assert_eq!(field(&e, "d"), Some("On"));
        assert_eq!(texts(&e["d"]).collect::<Vec<_>>(), ["On", "on"]);
        assert_eq!(parsed(&e, "d", |s| (s == "on").then_some(1)), Some(1));
        assert_eq!(field(&e, "e"), Some("bare"));
        assert_eq!(field(&e, "missing"), None);
    }

    #[test]
    fn errors_are_typed() {
        let body = json!({"doc": {"error": {"$type": "value", "$object": "rotation_time", "msg": {"$": "Invalid time"}}, "tparams": {"auth": {"$": "SECRET"}}}});
        let err = decode_body(200, body.to_string().as_bytes()).unwrap_err();
        assert_eq!(
            err,
            ApiError::Refused {
                kind: "value".into(),
                object: Some("rotation_time".into()),
                message: "Invalid time".into()
            }
        );
        let auth = json!({"doc": {"error": {"$type": "auth", "$object": "badpassword", "msg": {"$": "Invalid username or password"}}}});
        assert!(matches!(
            decode_body(200, auth.to_string().as_bytes()),
            Err(ApiError::Auth(_))
        ));
    }

    #[test]
    fn transport_failures_are_clear_and_do_not_echo_the_body() {
        assert_eq!(decode_body(500, b"oops"), Err(ApiError::Status(500)));
        assert_eq!(decode_body(460, b""), Err(ApiError::Blocked(460)));
        assert_eq!(decode_body(200, b"  \n"), Err(ApiError::Empty));
        assert_eq!(
            decode_body(200, b"<html>SECRET</html>"),
            Err(ApiError::Html)
        );
        let trunc = decode_body(200, br#"{"doc": {"auth": "SECRET", "elem": ["#).unwrap_err();
        assert!(trunc.to_string().contains("truncated"), "{trunc}");
        assert!(!trunc.to_string().contains("SECRET"));
        assert!(matches!(
            decode_body(200, b"[1]"),
            Err(ApiError::Malformed(_))
        ));
        assert!(matches!(
            decode_body(200, b"{\"doc\": garbage"),
            Err(ApiError::Malformed(_))
        ));
    }
}
