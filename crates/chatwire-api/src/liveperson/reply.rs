//! [`LpReply`]: a rendered [`View`] in the request's format, with status and `Location`.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::views::{Location, Shape, View};
use super::wire::{Elem, JsonOptions, to_xml, write_json};
use crate::http::negotiate::Format;
use crate::http::pieces::Pieces;

/// A view's tree plus how to send it.
#[derive(Debug)]
pub struct LpReply {
    /// Status (200 unless set).
    pub status: StatusCode,
    /// The root element.
    pub root: Elem,
    /// JSON shape of this endpoint.
    pub shape: Shape,
    /// `Location` header (201s).
    pub location: Option<String>,
    /// Response format.
    pub format: Format,
}

/// What most LivePerson handlers answer: a reply, or the error the dialect renders.
pub type LpAnswer = Result<LpReply, crate::ApiError>;

impl LpReply {
    /// A 200 with `view`.
    pub fn ok(format: Format, view: &impl View) -> Self {
        Self {
            status: StatusCode::OK,
            root: view.render(),
            shape: view.shape(),
            location: None,
            format,
        }
    }

    /// A 201 whose body is `<root><link href=url rel="location"/></root>` and whose `Location`
    /// is `url`.
    pub fn created(format: Format, root: &'static str, url: String) -> Self {
        Self {
            status: StatusCode::CREATED,
            location: Some(url.clone()),
            ..Self::ok(format, &Location { root, url })
        }
    }

    /// Sets the status.
    #[must_use]
    pub const fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

impl IntoResponse for LpReply {
    fn into_response(self) -> Response {
        let body = match self.format {
            Format::Json => {
                let opts = JsonOptions {
                    style: self.shape.style,
                    unwrap_root: self.shape.unwrap_root,
                    lists: self.shape.lists,
                };
                let mut out = Vec::with_capacity(1024);
                write_json(&self.root, opts, &mut out);
                out
            }
            Format::Xml => to_xml(&self.root).into_bytes(),
        };
        respond(self.status, self.format, body, self.location)
    }
}

/// A body already rendered in `format` (see [`super::views::chat_list`]), sent like an
/// [`LpReply`] without another copy.
#[derive(Debug)]
pub struct LpRaw {
    /// Response format the body is in.
    pub format: Format,
    /// The body.
    pub body: RawBody,
}

/// What an [`LpRaw`] sends: one buffer, or pieces of buffers other answers already hold, sent
/// one after another without being copied into one ([`Pieces`]).
#[derive(Debug)]
pub enum RawBody {
    /// One buffer.
    Whole(Bytes),
    /// Its pieces, in order.
    Pieces(Vec<Bytes>),
}

impl From<Bytes> for RawBody {
    fn from(body: Bytes) -> Self {
        Self::Whole(body)
    }
}

impl IntoResponse for LpRaw {
    fn into_response(self) -> Response {
        match self.body {
            RawBody::Whole(body) => respond(StatusCode::OK, self.format, body, None),
            RawBody::Pieces(pieces) => {
                let body = Body::new(Pieces::new(pieces));
                respond(StatusCode::OK, self.format, body, None)
            }
        }
    }
}

fn respond(
    status: StatusCode,
    format: Format,
    body: impl IntoResponse,
    location: Option<String>,
) -> Response {
    let mut resp = (status, body).into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    // Polling clients must never see a cached answer.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(loc) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, loc);
    }
    resp.extensions_mut().insert(super::compat::DialectBody);
    resp
}
