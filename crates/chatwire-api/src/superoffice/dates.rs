//! SuperOffice date-times (spec §3.8): ISO 8601 with whole seconds and no offset
//! (`2019-12-19T10:44:12`), `0001-01-01T00:00:00` for unset. chatwire's base zone is UTC, so
//! values are UTC; `SO-TimeZone: <zone>, includeTZOffset` appends the offset (`Z`). Other
//! zones are not converted (documented in docs/superoffice.md).

use axum::http::HeaderMap;
use chatwire_engine::core::Timestamp;

/// An unset date.
pub const UNSET: &str = "0001-01-01T00:00:00";

/// How dates are written in this response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dates {
    /// Append the offset (`Z`).
    pub with_offset: bool,
}

impl Dates {
    /// From the `SO-TimeZone` header (`utc,includeTZOffset`).
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let with_offset = headers
            .get("so-timezone")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|p| p.trim().eq_ignore_ascii_case("includeTZOffset"))
            });
        Self { with_offset }
    }

    /// A date, or the unset date.
    pub fn format(self, at: Option<Timestamp>) -> String {
        let base = at
            .and_then(|t| chrono::DateTime::from_timestamp_millis(t.millis()))
            .map_or_else(
                || UNSET.to_owned(),
                |t| t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            );
        if self.with_offset {
            format!("{base}Z")
        } else {
            base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_have_whole_seconds_and_an_offset_only_on_request() {
        let t = Some(Timestamp(1_576_752_252_345));
        assert_eq!(Dates::default().format(t), "2019-12-19T10:44:12");
        let mut h = HeaderMap::new();
        h.insert("SO-TimeZone", "utc,includeTZOffset".parse().expect("value"));
        let d = Dates::from_headers(&h);
        assert_eq!(d.format(t), "2019-12-19T10:44:12Z");
        assert_eq!(d.format(None), "0001-01-01T00:00:00Z");
        assert_eq!(Dates::default().format(None), UNSET);
    }
}
