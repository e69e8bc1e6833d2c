//! Request bodies: JSON or XML (by `Content-Type`, else sniffed), decoded to one JSON value so
//! handlers read both formats the same way, plus lenient field access (spec §1.8: `@type` or
//! `type`; numbers as numbers or strings).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde_json::Value;

use super::wire::{KeyStyle, parse_xml, to_json};
use crate::http::error::ApiError;
use crate::http::negotiate::Format;

/// A decoded request body; `Value::Null` when empty.
#[derive(Debug, Clone, PartialEq)]
pub struct LpBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for LpBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest(format!("could not read the request body: {e}"))
            }
        })?;
        decode(&headers, &bytes).map(Self)
    }
}

/// Decodes a body per its format.
///
/// The size limit is the router's `DefaultBodyLimit` (`limits.liveperson_body_bytes`), applied
/// while the body is read.
pub fn decode(headers: &axum::http::HeaderMap, bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::BadRequest("the request body is not UTF-8".into()))?;
    match Format::of_body(headers, bytes) {
        Format::Json => serde_json::from_str(text)
            .map_err(|e| ApiError::BadRequest(format!("malformed JSON body: {e}"))),
        Format::Xml => {
            let root = parse_xml(text).map_err(ApiError::BadRequest)?;
            Ok(to_json(&root, KeyStyle::Attributes))
        }
    }
}

impl LpBody {
    /// The body inside a single root element named one of `roots`, if it is one; XML bodies
    /// arrive as `{"<root>":{…}}` where JSON clients send the fields at the top.
    #[must_use]
    pub fn unwrap_root(self, roots: &[&str]) -> Self {
        match &self.0 {
            Value::Object(map) if map.len() == 1 => match roots.iter().find_map(|r| map.get(*r)) {
                Some(inner) if inner.is_object() => Self(inner.clone()),
                _ => self,
            },
            _ => self,
        }
    }

    /// The value at `path`, each step trying the names given (e.g. `&["@type", "type"]`).
    pub fn at(&self, path: &[&[&str]]) -> Option<&Value> {
        let mut v = &self.0;
        for names in path {
            v = names.iter().find_map(|n| v.get(*n))?;
        }
        Some(v)
    }

    /// A string at `path` (numbers and booleans are given as text).
    pub fn str_at(&self, path: &[&[&str]]) -> Option<String> {
        self.at(path).and_then(scalar_text)
    }

    /// A required string at `path`, else 400 naming `what`.
    pub fn required(&self, path: &[&[&str]], what: &str) -> Result<String, ApiError> {
        self.str_at(path)
            .ok_or_else(|| ApiError::BadRequest(format!("the body must contain {what}")))
    }

    /// An integer at `path` (a JSON number or a numeric string).
    pub fn int_at(&self, path: &[&[&str]]) -> Result<Option<i64>, ApiError> {
        match self.at(path) {
            None | Some(Value::Null) => Ok(None),
            // Clients fill templates with empty strings ("LETagContextId": "{{contextId}}").
            Some(Value::String(t)) if t.trim().is_empty() => Ok(None),
            Some(v) => scalar_text(v)
                .and_then(|t| t.trim().parse::<i64>().ok())
                .map(Some)
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "{} must be a number",
                        path.last().and_then(|n| n.first()).unwrap_or(&"value")
                    ))
                }),
        }
    }
}

/// Scalars as text; objects and arrays are not scalars.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A JSON value that may be one item or a list of items (the single-item collapse, §1.8).
pub fn one_or_many(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;
    use serde_json::json;

    use super::*;

    #[test]
    fn json_and_xml_bodies_read_the_same() {
        let j = LpBody(
            decode(
                &HeaderMap::new(),
                br#"{"event":{"@type":"line","text":"hi"}}"#,
            )
            .expect("json"),
        );
        let x = LpBody(
            decode(
                &HeaderMap::new(),
                b"<event type=\"line\"><text>hi</text></event>",
            )
            .expect("xml"),
        );
        for b in [&j, &x] {
            assert_eq!(
                b.str_at(&[&["event"], &["@type", "type"]]).as_deref(),
                Some("line")
            );
            assert_eq!(b.str_at(&[&["event"], &["text"]]).as_deref(), Some("hi"));
        }
    }

    #[test]
    fn empty_bodies_are_null_and_garbage_is_a_400() {
        assert_eq!(decode(&HeaderMap::new(), b"").expect("empty"), Value::Null);
        assert!(matches!(
            decode(&HeaderMap::new(), b"{nope"),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            decode(&HeaderMap::new(), b"<a>"),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            decode(&HeaderMap::new(), &[0xff, 0xfe]),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn numbers_may_be_strings() {
        let b = LpBody(json!({"transfer":{"skill":{"id":"12"},"agent":{"id":7}}}));
        assert_eq!(
            b.int_at(&[&["transfer"], &["skill"], &["id"]])
                .expect("int"),
            Some(12)
        );
        assert_eq!(
            b.int_at(&[&["transfer"], &["agent"], &["id"]])
                .expect("int"),
            Some(7)
        );
        assert!(LpBody(json!({"a":"x"})).int_at(&[&["a"]]).is_err());
        assert_eq!(
            LpBody(json!({"a":""})).int_at(&[&["a"]]).expect("empty"),
            None
        );
    }
}
