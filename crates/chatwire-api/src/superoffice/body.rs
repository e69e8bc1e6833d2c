//! Request bodies as a case-insensitive view ([`Fields`]): JSON, XML (DataContract elements
//! inside any root) and `application/x-www-form-urlencoded` all become one JSON tree with
//! lowercased keys, read through lenient accessors (`"7"` is the integer 7 and `"true"` a bool,
//! since XML and forms carry only text). A body that is empty or literally `null` is an empty
//! object: the TS client sends both for methods without parameters (spec §1, §3).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use quick_xml::events::Event;
use serde_json::{Map, Value};

use crate::ApiError;

/// A decoded request body (or any object inside one), keys lowercased.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(pub Value);

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        // The size limit is the router's `DefaultBodyLimit` (`limits.superoffice_body_bytes`).
        // Only that limit is "too large"; a body that cannot be read (a malformed chunked
        // encoding, a connection cut mid-body) is the client's malformed request.
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest(format!("could not read the request body: {e}"))
            }
        })?;
        Self::decode(&ct, &bytes)
    }
}

impl Fields {
    /// Decodes a body by content type (sniffing `<` as XML when the type says nothing).
    pub fn decode(content_type: &str, body: &[u8]) -> Result<Self, ApiError> {
        let text = std::str::from_utf8(body)
            .map_err(|_| ApiError::BadRequest("the request body is not UTF-8".into()))?
            .trim();
        if text.is_empty() || text == "null" {
            return Ok(Self(Value::Object(Map::new())));
        }
        let value = if content_type.contains("x-www-form-urlencoded") {
            form(text)
        } else if content_type.contains("xml")
            || (!content_type.contains("json") && text.starts_with('<'))
        {
            xml(text)?
        } else {
            serde_json::from_str(text).map_err(|e| {
                ApiError::BadRequest(format!("the request body is not valid JSON: {e}"))
            })?
        };
        Ok(Self(lower_keys(value)))
    }

    /// A property by (case-insensitive) name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .as_object()
            .and_then(|m| m.get(&name.to_ascii_lowercase()))
            .filter(|v| !v.is_null())
    }

    /// An integer property (number or numeric text); absent or empty is `None`.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.get(name).map_or(Ok(None), |v| int_value(name, v))
    }

    /// An integer property that must be present.
    pub fn require_int(&self, name: &str) -> Result<i64, ApiError> {
        self.int(name)?
            .ok_or_else(|| ApiError::BadRequest(format!("{name} is required")))
    }

    /// A boolean property (`true`/`false`, `1`/`0`, any case); absent is `None`.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Number(n)) => Ok(Some(n.as_i64() != Some(0))),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "true" | "1" => Ok(Some(true)),
                "false" | "0" => Ok(Some(false)),
                _ => Err(bad(name, "true or false")),
            },
            Some(_) => Err(bad(name, "true or false")),
        }
    }

    /// A text property (numbers are given as their text).
    pub fn str(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A nested object; absent is an empty one.
    pub fn obj(&self, name: &str) -> Self {
        match self.get(name) {
            Some(v @ Value::Object(_)) => Self(v.clone()),
            _ => Self(Value::Object(Map::new())),
        }
    }

    /// A list property: a JSON array, or (XML) an element wrapping one or more items.
    pub fn list(&self, name: &str) -> Vec<Self> {
        self.get(name).map_or_else(Vec::new, items)
    }

    /// This body as a list (a bare JSON array, or an XML `ArrayOfX`).
    pub fn as_list(&self) -> Vec<Self> {
        items(&self.0)
    }
}

/// The integer in property `name`'s value: a number, or numeric text with whitespace around
/// it; empty text or `null` is `None`, anything else a 400 naming the property.
pub fn int_value(name: &str, value: &Value) -> Result<Option<i64>, ApiError> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => n.as_i64().map(Some).ok_or_else(|| bad(name, "an integer")),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| bad(name, "an integer")),
        _ => Err(bad(name, "an integer")),
    }
}

fn items(v: &Value) -> Vec<Fields> {
    match v {
        Value::Array(a) => a.iter().cloned().map(Fields).collect(),
        // XML: <ChatPresence><ChatPresence>…</ChatPresence>…</ChatPresence>: one child name.
        Value::Object(m) if m.len() == 1 => match m.values().next() {
            Some(Value::Array(a)) => a.iter().cloned().map(Fields).collect(),
            Some(inner @ Value::Object(_)) => vec![Fields(inner.clone())],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn bad(name: &str, what: &str) -> ApiError {
    ApiError::BadRequest(format!("{name} must be {what}"))
}

fn lower_keys(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), lower_keys(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(lower_keys).collect()),
        other => other,
    }
}

/// `a=1&Message.Message=hi` → `{"a":"1","Message":{"Message":"hi"}}` (dots nest).
fn form(text: &str) -> Value {
    let mut root = Map::new();
    for (k, v) in crate::http::query::Query::parse(text).0 {
        let path: Vec<&str> = k.split(['.', '[', ']']).filter(|s| !s.is_empty()).collect();
        set_path(&mut root, &path, v);
    }
    Value::Object(root)
}

fn set_path(map: &mut Map<String, Value>, path: &[&str], v: String) {
    match path {
        [] => {}
        [last] => {
            map.insert((*last).to_owned(), Value::String(v));
        }
        [first, rest @ ..] => {
            let entry = map
                .entry((*first).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(inner) = entry {
                set_path(inner, rest, v);
            }
        }
    }
}

/// XML → tree: the root element is unwrapped; elements with children become objects (a name
/// repeated becomes an array), leaves become text, `i:nil="true"` becomes null. Namespace
/// prefixes are dropped.
fn xml(text: &str) -> Result<Value, ApiError> {
    let mut reader = quick_xml::Reader::from_str(text);
    // Stack of (name, children, text).
    let mut stack: Vec<(String, Map<String, Value>, String, bool)> = Vec::new();
    let mut root: Option<Value> = None;
    let invalid = |e: &dyn std::fmt::Display| {
        ApiError::BadRequest(format!("the request body is not valid XML: {e}"))
    };
    loop {
        match reader.read_event().map_err(|e| invalid(&e))? {
            Event::Start(e) => {
                let name = local(e.name().as_ref());
                stack.push((name, Map::new(), String::new(), is_nil(&e)));
            }
            Event::Empty(e) => {
                let value = if is_nil(&e) {
                    Value::Null
                } else {
                    Value::String(String::new())
                };
                let name = local(e.name().as_ref());
                match stack.last_mut() {
                    Some(parent) => insert(&mut parent.1, name, value),
                    None => root = Some(Value::Object(Map::new())),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let s = t.decode().map_err(|e| invalid(&e))?;
                    let unescaped = quick_xml::escape::unescape(&s).map_err(|e| invalid(&e))?;
                    top.2.push_str(&unescaped);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    let name = r.decode().map_err(|e| invalid(&e))?;
                    let c = match &*name {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => r.resolve_char_ref().ok().flatten(),
                    };
                    top.2
                        .push(c.ok_or_else(|| invalid(&format!("unknown entity &{name};")))?);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(_) => {
                let Some((name, children, text, nil)) = stack.pop() else {
                    return Err(invalid(&"unbalanced end tag"));
                };
                let value = if nil {
                    Value::Null
                } else if children.is_empty() {
                    Value::String(text)
                } else {
                    Value::Object(children)
                };
                match stack.last_mut() {
                    Some(parent) => insert(&mut parent.1, name, value),
                    None => root = Some(value),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    match root {
        Some(v @ Value::Object(_)) => Ok(v),
        Some(Value::String(s)) if s.is_empty() => Ok(Value::Object(Map::new())),
        Some(other) => Ok(other),
        None => Err(invalid(&"no root element")),
    }
}

fn local(name: &[u8]) -> String {
    let full = String::from_utf8_lossy(name);
    full.rsplit(':').next().unwrap_or_default().to_owned()
}

fn is_nil(e: &quick_xml::events::BytesStart<'_>) -> bool {
    e.attributes().flatten().any(|a| {
        a.key.local_name().as_ref() == b"nil" && a.value.as_ref().eq_ignore_ascii_case(b"true")
    })
}

fn insert(map: &mut Map<String, Value>, name: String, value: Value) {
    match map.get_mut(&name) {
        Some(Value::Array(a)) => a.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
        None => {
            map.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_and_pascal_case_json_read_the_same() {
        let a = Fields::decode("application/json", br#"{"chatSessionId":1,"after":"7"}"#)
            .expect("json");
        let b =
            Fields::decode("application/json", br#"{"ChatSessionId":1,"After":7}"#).expect("json");
        for f in [a, b] {
            assert_eq!(f.int("ChatSessionId").expect("int"), Some(1));
            assert_eq!(f.int("AFTER").expect("int"), Some(7));
        }
    }

    #[test]
    fn null_and_empty_bodies_are_empty_objects() {
        for body in [&b""[..], b"null", b"  "] {
            let f = Fields::decode("application/json", body).expect("empty");
            assert_eq!(f.int("x").expect("int"), None);
        }
    }

    #[test]
    fn xml_bodies_nest_and_repeat() {
        let body = br#"<request xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><ChatSessionId>3</ChatSessionId>
            <Message><Message>hi &amp; bye</Message><Type>ToCustomer</Type><Author i:nil="true"/></Message>
            <ChatPresence><ChatPresence><UserId>1</UserId></ChatPresence><ChatPresence><UserId>2</UserId></ChatPresence></ChatPresence></request>"#;
        let f = Fields::decode("application/xml", body).expect("xml");
        assert_eq!(f.int("chatsessionid").expect("int"), Some(3));
        let m = f.obj("message");
        assert_eq!(m.str("message").as_deref(), Some("hi & bye"));
        assert_eq!(m.str("author"), None);
        let list = f.list("ChatPresence");
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].int("userid").expect("int"), Some(2));
    }

    #[test]
    fn form_bodies_decode_and_nest_on_dots() {
        let f = Fields::decode(
            "application/x-www-form-urlencoded",
            b"ChatSessionId=5&Message.Message=hello+there%21&Html=true",
        )
        .expect("form");
        assert_eq!(f.int("chatsessionid").expect("int"), Some(5));
        assert_eq!(
            f.obj("message").str("message").as_deref(),
            Some("hello there!")
        );
        assert_eq!(f.bool("html").expect("bool"), Some(true));
    }

    #[test]
    fn malformed_values_are_400() {
        let f = Fields::decode("application/json", br#"{"After":"x"}"#).expect("json");
        assert!(f.int("after").is_err());
        assert!(Fields::decode("application/json", b"{").is_err());
    }
}
