//! [`ApiError`]: the one error type handlers return.
//!
//! Error policy (adapted from crates.io):
//! - Client mistakes (bad input, unknown ids, wrong state) get a 4xx with a message that says
//!   what to fix. They are logged at `debug` at most.
//! - Server faults (store down, bugs) get 503 or 500 with a generic message; the cause is
//!   logged once, here, with the request span, and never sent to the client.
//! - Each dialect renders the envelope (LivePerson `{"error":{…}}`, SuperOffice
//!   `{"Error":true,…}`) in JSON or XML; this default rendering is chatwire's own JSON
//!   envelope `{"error":{"status","code","message","field"}}` for routes outside the dialects.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chatwire_engine::EngineError;
use chatwire_engine::core::DomainError;

/// What a handler can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// 400: malformed or invalid input.
    BadRequest(String),
    /// 400: one named field of the request (body member or query parameter) is missing or
    /// invalid. chatwire's own API names the field in its error; the dialects render it as a
    /// plain bad request.
    InvalidField {
        /// The field, as the client spells it (`maxChats`, `skills[2]`, `limit`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// 401: missing or invalid credentials.
    Unauthorized(String),
    /// 403: known caller, not allowed.
    Forbidden(String),
    /// 404: no such resource (or not visible to the caller).
    NotFound(String),
    /// 409: the resource is in a state that refuses this (ended chat, taken chat).
    Conflict(String),
    /// 401 for a refresh/logout whose CSRF token does not match the login session (LivePerson
    /// documents its own body for it, internal code 10).
    InvalidCsrf,
    /// 406: the client accepts no format this endpoint produces.
    NotAcceptable,
    /// 413: the request body is too large.
    PayloadTooLarge,
    /// 429: too many requests from this client, login or key; retry after that many seconds.
    TooManyRequests {
        /// Seconds for `Retry-After`.
        retry_after_secs: u64,
    },
    /// 503: every password worker is taken; retry after that many seconds.
    Busy {
        /// Seconds for `Retry-After`.
        retry_after_secs: u64,
    },
    /// 503: the store is unreachable.
    Unavailable,
    /// 500: a bug; details logged, not shown.
    Internal,
}

impl ApiError {
    /// The error an error answer without a body stands for (a framework 405, 404 or 413, a
    /// bare 5xx), so that a layer can give it the caller's error envelope; the layer keeps
    /// the original status.
    pub fn of_bare_status(status: StatusCode) -> Self {
        match status {
            StatusCode::METHOD_NOT_ALLOWED => {
                Self::NotFound("this method is not supported on this resource".into())
            }
            StatusCode::NOT_FOUND => Self::NotFound("no such resource".into()),
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge,
            s if s.is_server_error() => Self::Internal,
            _ => Self::BadRequest("bad request".into()),
        }
    }

    /// The HTTP status of this error.
    pub const fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::InvalidField { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) | Self::InvalidCsrf => StatusCode::UNAUTHORIZED,
            Self::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy { .. } | Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message for the client.
    pub fn message(&self) -> &str {
        match self {
            Self::BadRequest(m)
            | Self::Unauthorized(m)
            | Self::Forbidden(m)
            | Self::NotFound(m)
            | Self::Conflict(m)
            | Self::InvalidField { message: m, .. } => m,
            Self::InvalidCsrf => {
                "CSRF token invalid! The CSRF token on request does not match the CSRF token on the session"
            }
            Self::NotAcceptable => "none of the formats in Accept is available (use JSON or XML)",
            Self::PayloadTooLarge => "the request body is too large",
            Self::TooManyRequests { .. } => {
                "too many requests, retry after the time in Retry-After"
            }
            Self::Busy { .. } => "too many logins at once, retry after the time in Retry-After",
            Self::Unavailable => "the service is temporarily unavailable, retry later",
            Self::Internal => "internal server error",
        }
    }

    /// A stable machine-readable code for chatwire's own API (`{"error":{"code":…}}`); clients
    /// branch on it, not on the message.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::InvalidField { .. } => "invalid_field",
            Self::Unauthorized(_) | Self::InvalidCsrf => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::NotAcceptable => "not_acceptable",
            Self::PayloadTooLarge => "payload_too_large",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Busy { .. } => "busy",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }

    /// The field the error is about, if one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::InvalidField { field, .. } => Some(field),
            _ => None,
        }
    }

    /// An [`ApiError::InvalidField`].
    pub fn field_error(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidField {
            field: field.into(),
            message: message.into(),
        }
    }

    /// chatwire's own error envelope with `status` (which may differ from this error's, e.g.
    /// 414 for a `BadRequest` refused by the limits layer):
    /// `{"error":{"status","code","message","field"}}`, `field` null when none.
    pub fn chatwire_body(&self, status: StatusCode) -> serde_json::Value {
        // A status other than the error's own (the limits layer's 405, 414, 431) has its own
        // code, so that `code` never contradicts `status`.
        let code = match status.as_u16() {
            _ if status == self.status() => self.code(),
            405 => "method_not_allowed",
            414 => "uri_too_long",
            431 => "headers_too_large",
            _ => self.code(),
        };
        serde_json::json!({ "error": {
            "status": status.as_u16(),
            "code": code,
            "message": self.message(),
            "field": self.field(),
        } })
    }

    /// Seconds the client should wait before retrying, for `Retry-After`.
    pub const fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests { retry_after_secs } | Self::Busy { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    /// Adds `Retry-After` to `response` when this error has one (every dialect's renderer).
    pub fn add_retry_after(&self, response: &mut Response) {
        if let Some(secs) = self.retry_after() {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
    }
}

/// Whole seconds, rounded up, at least 1 (`Retry-After: 0` would invite an immediate retry).
fn ceil_secs(d: std::time::Duration) -> u64 {
    d.as_millis()
        .div_ceil(1000)
        .max(1)
        .try_into()
        .unwrap_or(u64::MAX)
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Domain(d) => match d {
                // The dialects render it as any bad request (same status, same message);
                // chatwire's own API also names the field.
                DomainError::Invalid { what, .. } => Self::InvalidField {
                    field: what.to_owned(),
                    message: d.to_string(),
                },
                DomainError::ChatEnded
                | DomainError::WrongState { .. }
                | DomainError::AgentAtCapacity { .. }
                | DomainError::NoPendingTransfer => Self::Conflict(d.to_string()),
                DomainError::NotParticipant | DomainError::NotRoutable => {
                    Self::Forbidden(d.to_string())
                }
            },
            EngineError::NotFound(what) => Self::NotFound(format!("{what} not found")),
            EngineError::Unauthorized(why) => Self::Unauthorized(why.to_owned()),
            EngineError::InvalidCsrf => Self::InvalidCsrf,
            EngineError::Forbidden(why) => Self::Forbidden(why.to_owned()),
            EngineError::Conflict(why) => Self::Conflict(why),
            EngineError::NothingToDo(why) => Self::Conflict(why.to_owned()),
            EngineError::TooManyRequests { retry_after } => Self::TooManyRequests {
                retry_after_secs: ceil_secs(retry_after),
            },
            EngineError::Busy { retry_after } => Self::Busy {
                retry_after_secs: ceil_secs(retry_after),
            },
            EngineError::Unavailable(src) => {
                tracing::error!(error = format!("{src:#}"), "store unavailable");
                Self::Unavailable
            }
            EngineError::Internal(src) => {
                tracing::error!(error = format!("{src:#}"), "internal error");
                Self::Internal
            }
        }
    }
}

/// What a dialect's error renderer needs, left in the response extensions by
/// [`ApiError::into_response`] (axum's error-extension pattern): the renderer replaces the
/// default body with the dialect's envelope in the request's format.
#[derive(Debug, Clone)]
pub struct ErrorDetails {
    /// The error.
    pub error: std::sync::Arc<ApiError>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.chatwire_body(self.status());
        let mut response = (self.status(), Json(body)).into_response();
        self.add_retry_after(&mut response);
        response.extensions_mut().insert(ErrorDetails {
            error: std::sync::Arc::new(self),
        });
        response
    }
}
