//! Content negotiation shared by the dialects: the response [`Format`] and request body
//! decoding. Each dialect's compat layer decides the format (suffix, `Accept`) before routing
//! and stores it in the request extensions, so handlers, extractors and the error renderer all
//! agree on it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

/// Wire format of a response (and of error envelopes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `application/json`.
    #[default]
    Json,
    /// `application/xml`.
    Xml,
}

impl Format {
    /// The `Content-Type` to send.
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json; charset=utf-8",
            Self::Xml => "application/xml; charset=utf-8",
        }
    }

    /// The format an `Accept` header asks for: the first of JSON/XML it names (any `+json`,
    /// `text/json`, `*/*` count as JSON); `None` when it names neither.
    pub fn from_accept(headers: &HeaderMap) -> Option<Self> {
        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok())?;
        let mut best: Option<(f32, usize, Self)> = None;
        for (pos, part) in accept.split(',').enumerate() {
            let mut bits = part.split(';');
            let media = bits.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = bits
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let format = if media.contains("xml") {
                Self::Xml
            } else if media.contains("json") || media == "*/*" || media == "application/*" {
                Self::Json
            } else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(bq, bpos, _)| q > bq || (q == bq && pos < bpos)) {
                best = Some((q, pos, format));
            }
        }
        best.map(|(_, _, f)| f)
    }

    /// The format of a request body: by `Content-Type`, else sniffed (`<` means XML), as
    /// clients post JSON without a `Content-Type`.
    pub fn of_body(headers: &HeaderMap, body: &[u8]) -> Self {
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if ct.contains("xml") {
            Self::Xml
        } else if ct.contains("json") {
            Self::Json
        } else if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<') {
            Self::Xml
        } else {
            Self::Json
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Self>().copied().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, v.parse().expect("value"));
        h
    }

    #[test]
    fn accept_picks_the_preferred_known_format() {
        assert_eq!(
            Format::from_accept(&accept("application/xml")),
            Some(Format::Xml)
        );
        assert_eq!(
            Format::from_accept(&accept("text/xml, application/json")),
            Some(Format::Xml)
        );
        assert_eq!(
            Format::from_accept(&accept("application/xml;q=0.5, application/json")),
            Some(Format::Json)
        );
        assert_eq!(Format::from_accept(&accept("*/*")), Some(Format::Json));
        assert_eq!(Format::from_accept(&accept("text/html")), None);
        assert_eq!(Format::from_accept(&HeaderMap::new()), None);
    }

    #[test]
    fn bodies_without_content_type_are_sniffed() {
        assert_eq!(
            Format::of_body(&HeaderMap::new(), b"  <event/>"),
            Format::Xml
        );
        assert_eq!(Format::of_body(&HeaderMap::new(), b"{}"), Format::Json);
        assert_eq!(Format::of_body(&HeaderMap::new(), b""), Format::Json);
    }
}
