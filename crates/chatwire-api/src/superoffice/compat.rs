//! SuperOffice WebAPI quirks around the dialect's routes (spec §3.4, §3.7):
//! - the response format comes from `Accept` (JSON or XML); a missing or unknown `Accept` gets
//!   JSON, never 406 (the Python SDK sends `*/*` and even `aplication/json`);
//! - any error becomes `{"Error":true,"ErrorType":…,"ErrorMessage":…,"ErrorSource":…}`, or the
//!   same as a DataContract `<Error>` element, with the error's status.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::xml;
use crate::http::around::{Around, Before};
use crate::http::error::{ApiError, ErrorDetails};
use crate::http::negotiate::Format;

/// Where errors say they come from.
pub const ERROR_SOURCE: &str = "chatwire.SuperOffice";

/// The .NET exception name we report for an error (SuperOffice documents
/// `SoNotFoundException`; the others follow .NET's usual names).
pub const fn error_type(e: &ApiError) -> &'static str {
    match e {
        ApiError::BadRequest(_) | ApiError::InvalidField { .. } => "ArgumentException",
        ApiError::Unauthorized(_) | ApiError::InvalidCsrf => "UnauthorizedAccessException",
        ApiError::Forbidden(_) => "SoAccessDeniedException",
        ApiError::NotFound(_) => "SoNotFoundException",
        ApiError::Conflict(_) => "InvalidOperationException",
        ApiError::NotAcceptable => "NotSupportedException",
        ApiError::PayloadTooLarge => "RequestTooLargeException",
        ApiError::TooManyRequests { .. } => "TooManyRequestsException",
        ApiError::Busy { .. } | ApiError::Unavailable => "SoServiceUnavailableException",
        ApiError::Internal => "Exception",
    }
}

/// Renders `e` as SuperOffice's error envelope in `format`.
pub fn render_error(e: &ApiError, format: Format) -> Response {
    let body = json!({
        "Error": true,
        "ErrorType": error_type(e),
        "ErrorMessage": e.message(),
        "ErrorSource": ERROR_SOURCE,
    });
    let text = match format {
        Format::Json => body.to_string(),
        Format::Xml => xml::to_xml("Error", &body),
    };
    let mut resp = (e.status(), text).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    e.add_retry_after(&mut resp);
    if e.status() == StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"SuperOffice\""),
        );
    }
    resp
}

/// Marks a response a handler wrote on purpose, so [`RenderErrors`] leaves it alone.
#[derive(Debug, Clone, Copy)]
pub struct DialectBody;

/// Middleware: picks the format from `Accept`, then replaces any error response (handler
/// errors and framework rejections such as 405) with the SuperOffice envelope.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderErrors;

impl Around for RenderErrors {
    type Carry = Format;

    fn before(&self, req: &mut Request) -> Before<Format> {
        let format = Format::from_accept(req.headers()).unwrap_or_default();
        req.extensions_mut().insert(format);
        Before::Go(format)
    }

    fn after(&self, format: Format, resp: Response) -> Response {
        if let Some(details) = resp.extensions().get::<ErrorDetails>() {
            return render_error(&details.error, format);
        }
        if resp.extensions().get::<DialectBody>().is_some() {
            return resp;
        }
        let status = resp.status();
        if status.is_client_error() || status.is_server_error() {
            let e = ApiError::of_bare_status(status);
            let mut out = render_error(&e, format);
            *out.status_mut() = status;
            return out;
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_uses_the_documented_exception_name() {
        assert_eq!(
            error_type(&ApiError::NotFound("x".into())),
            "SoNotFoundException"
        );
    }
}
