//! [`JsonBody`]: the request body of chatwire's own API, parsed as JSON with the failing field
//! named in the error.
//!
//! The extractor only collects the bytes; the handler parses them ([`JsonBody::parse`]) after
//! it has authenticated the caller, so a caller without credentials learns nothing about the
//! body's rules (401 comes before 400).
//!
//! axum's `Json` answers a bad body with a plain-text 400/415/422; chatwire's own API answers
//! every client mistake with its JSON envelope and the field (`{"error":{"code":
//! "invalid_field","field":"maxChats",…}}`), so this extractor parses through
//! `serde_path_to_error` and maps each failure to an [`ApiError`].

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// For a PATCH member that may be sent as `null`: `Some(None)` when it is `null`, `Some(v)`
/// when given, `None` (with `#[serde(default)]`) when absent, so "clear" and "keep" differ.
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

/// A request body, to be parsed as JSON by [`JsonBody::parse`].
#[derive(Debug, Clone)]
pub struct JsonBody {
    bytes: Bytes,
    is_json: bool,
}

impl JsonBody {
    /// The body as a `T`: `bad_request` unless it was sent as JSON and is valid JSON, and
    /// `invalid_field` naming the member that does not fit `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if !self.is_json {
            return Err(ApiError::BadRequest(
                "send the body as JSON with Content-Type: application/json".into(),
            ));
        }
        parse(&self.bytes)
    }
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime.eq_ignore_ascii_case("application/json")
                    || mime.to_ascii_lowercase().ends_with("+json")
            });
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?;
        Ok(Self { bytes, is_json })
    }
}

/// Parses `bytes` as a `T`, naming the field that failed.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        if inner.is_syntax() || inner.is_eof() || path == "." {
            // Not about one field: the body as a whole is malformed or of the wrong shape.
            ApiError::BadRequest(format!(
                "the body is not valid JSON for this call: {message}"
            ))
        } else {
            ApiError::field_error(path, message)
        }
    })?;
    de.end()
        .map_err(|e| ApiError::BadRequest(format!("trailing data after the JSON body: {e}")))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Sample {
        #[allow(dead_code)]
        max_chats: u32,
        #[allow(dead_code)]
        skills: Vec<i64>,
    }

    #[test]
    fn names_the_failing_field() {
        let err = parse::<Sample>(br#"{"maxChats":"x","skills":[]}"#).unwrap_err();
        assert_eq!(err.field(), Some("maxChats"));
        let err = parse::<Sample>(br#"{"maxChats":1,"skills":[1,"a"]}"#).unwrap_err();
        assert_eq!(err.field(), Some("skills[1]"));
    }

    #[test]
    fn whole_body_mistakes_have_no_field() {
        let err = parse::<Sample>(b"{").unwrap_err();
        assert_eq!(err.code(), "bad_request");
        let err = parse::<Sample>(br#"{"maxChats":1}"#).unwrap_err();
        assert!(err.message().contains("skills"), "{}", err.message());
        assert!(parse::<Sample>(br#"{"maxChats":1,"skills":[]} x"#).is_err());
        assert!(parse::<Sample>(br#"{"maxChats":1,"skills":[]}"#).is_ok());
    }
}
