//! Responses: [`SoCtx`] (format, `$select`, date style and the case-insensitive query of one
//! request) and [`SoReply`] (a value in JSON or DataContract XML, or 204).
//!
//! `$select` (spec §3.1): a comma-separated, case-insensitive list of properties, `/` for
//! nested ones (`User/FullName`). Unselected properties stay present as `null`, in every item
//! of a list.

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use super::compat::DialectBody;
use super::dates::Dates;
use super::xml;
use crate::ApiError;
use crate::http::negotiate::Format;

/// What a SuperOffice request asks about its response.
#[derive(Debug, Clone, Default)]
pub struct SoCtx {
    /// Response format.
    pub format: Format,
    /// Date style.
    pub dates: Dates,
    /// `$select` paths, lowercased and split on `/`; empty selects everything.
    pub select: Vec<Vec<String>>,
    /// Query parameters, keys lowercased.
    pub query: HashMap<String, String>,
}

impl<S: Send + Sync> FromRequestParts<S> for SoCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query: HashMap<String, String> = parts
            .uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (unescape(k).to_ascii_lowercase(), unescape(v))
            })
            .collect();
        let select = query
            .get("$select")
            .map(|s| {
                s.split(',')
                    .map(|p| {
                        p.trim()
                            .split('/')
                            .map(|seg| seg.trim().to_ascii_lowercase())
                            .collect::<Vec<_>>()
                    })
                    .filter(|p| p.iter().all(|s| !s.is_empty()))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            format: parts
                .extensions
                .get::<Format>()
                .copied()
                .unwrap_or_default(),
            dates: Dates::from_headers(&parts.headers),
            select,
            query,
        })
    }
}

impl SoCtx {
    /// A query parameter by case-insensitive name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// An integer query parameter that must be present.
    pub fn require_int(&self, name: &str) -> Result<i64, ApiError> {
        self.param(name)
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| {
                ApiError::BadRequest(format!("query parameter {name} (integer) is required"))
            })
    }

    /// A 200 with `value` (root element `root` in XML), `$select` applied.
    pub fn ok<T: Serialize>(&self, root: &'static str, value: &T) -> Result<SoReply, ApiError> {
        let mut v = serde_json::to_value(value).map_err(|_| ApiError::Internal)?;
        if !self.select.is_empty() {
            select(&mut v, &self.select);
        }
        Ok(SoReply::Value {
            format: self.format,
            root,
            value: v,
        })
    }
}

fn unescape(s: &str) -> String {
    super::body::Fields::decode(
        "application/x-www-form-urlencoded",
        format!("x={s}").as_bytes(),
    )
    .ok()
    .and_then(|f| f.str("x"))
    .unwrap_or_else(|| s.to_owned())
}

/// Nulls every property of `v` (or of each item of it) not named by `paths`.
fn select(v: &mut Value, paths: &[Vec<String>]) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(|i| select(i, paths)),
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let lower = key.to_ascii_lowercase();
                let mine: Vec<&Vec<String>> = paths.iter().filter(|p| p[0] == lower).collect();
                if mine.is_empty() {
                    *value = Value::Null;
                } else if mine.iter().all(|p| p.len() > 1) {
                    let rest: Vec<Vec<String>> = mine.iter().map(|p| p[1..].to_vec()).collect();
                    select(value, &rest);
                }
            }
        }
        _ => {}
    }
}

/// A SuperOffice response.
#[derive(Debug)]
pub enum SoReply {
    /// 200 with a body.
    Value {
        /// Format.
        format: Format,
        /// XML root (carrier name; `ArrayOf{root}` for lists).
        root: &'static str,
        /// The body.
        value: Value,
    },
    /// 204.
    NoContent,
}

impl IntoResponse for SoReply {
    fn into_response(self) -> Response {
        let mut resp = match self {
            Self::NoContent => StatusCode::NO_CONTENT.into_response(),
            Self::Value {
                format,
                root,
                value,
            } => {
                let body = match format {
                    Format::Json => value.to_string(),
                    Format::Xml => xml::to_xml(root, &value),
                };
                let mut r = (StatusCode::OK, body).into_response();
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(format.content_type()),
                );
                r
            }
        };
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        resp.extensions_mut().insert(DialectBody);
        resp
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn select_nulls_the_rest_and_follows_nested_paths() {
        let mut v = json!([{"Name": "a", "Id": 1, "User": {"FullName": "F", "Id": 2}}]);
        select(
            &mut v,
            &[vec!["name".into()], vec!["user".into(), "fullname".into()]],
        );
        assert_eq!(
            v,
            json!([{"Name": "a", "Id": null, "User": {"FullName": "F", "Id": null}}])
        );
    }
}
