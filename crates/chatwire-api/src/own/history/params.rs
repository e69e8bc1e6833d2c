//! Query parameters of the history routes, each refused as `invalid_field` naming it.

use chatwire_engine::core::{ChatState, Timestamp};

use crate::ApiError;
use crate::http::query::Query;

/// The non-empty value of `name`, if sent.
fn value<'q>(q: &'q Query, name: &str) -> Option<&'q str> {
    q.get(name).map(str::trim).filter(|v| !v.is_empty())
}

/// The latest instant accepted: the end of year 9999 (milliseconds).
const LATEST_MS: i64 = 253_402_300_799_999;

/// An instant from 1970 to year 9999: RFC 3339 (`2026-01-31T00:00:00Z`) or epoch
/// milliseconds. The bounds keep range arithmetic far from overflow.
pub(crate) fn time(q: &Query, name: &'static str) -> Result<Option<Timestamp>, ApiError> {
    let Some(v) = value(q, name) else {
        return Ok(None);
    };
    let ms = match v.parse::<i64>() {
        Ok(ms) => Some(ms),
        Err(_) => chrono::DateTime::parse_from_rfc3339(v)
            .ok()
            .map(|t| t.timestamp_millis()),
    };
    ms.filter(|ms| (0..=LATEST_MS).contains(ms))
        .map(|ms| Some(Timestamp(ms)))
        .ok_or_else(|| {
            ApiError::field_error(
                name,
                format!(
                    "{name} must be an RFC 3339 time (2026-01-31T00:00:00Z) or epoch milliseconds, \
                     from 1970 to year 9999"
                ),
            )
        })
}

/// A whole number.
pub(crate) fn int(q: &Query, name: &'static str) -> Result<Option<i64>, ApiError> {
    value(q, name)
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ApiError::field_error(name, format!("{name} must be a whole number")))
        })
        .transpose()
}

/// `limit`, 1 or more (the engine checks the upper bound of each list).
pub(crate) fn limit(q: &Query) -> Result<Option<u32>, ApiError> {
    value(q, "limit")
        .map(|v| {
            v.parse::<u32>().map_err(|_| {
                ApiError::field_error("limit", "limit must be a whole number from 1 to 200")
            })
        })
        .transpose()
}

/// A chat state.
pub(crate) fn state(q: &Query) -> Result<Option<ChatState>, ApiError> {
    value(q, "state")
        .map(|v| match v {
            "waiting" => Ok(ChatState::Waiting),
            "chatting" => Ok(ChatState::Chatting),
            "ended" => Ok(ChatState::Ended),
            _ => Err(ApiError::field_error(
                "state",
                "state must be waiting, chatting or ended",
            )),
        })
        .transpose()
}

/// `true` or `false`.
pub(crate) fn flag(q: &Query, name: &'static str) -> Result<Option<bool>, ApiError> {
    value(q, name)
        .map(|v| match v {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(ApiError::field_error(
                name,
                format!("{name} must be true or false"),
            )),
        })
        .transpose()
}

/// The opaque `cursor` of own-API pages, decoded to the engine's cursor text.
pub(crate) fn cursor(q: &Query) -> Result<Option<String>, ApiError> {
    value(q, "cursor")
        .map(crate::own::page::Cursor::decode)
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_or_milliseconds_and_bad_ones_name_the_field() {
        let q = Query::parse("from=2026-01-31T00:00:00Z&to=1000&bad=yesterday");
        assert_eq!(
            time(&q, "from").unwrap(),
            Some(Timestamp(1_769_817_600_000))
        );
        assert_eq!(time(&q, "to").unwrap(), Some(Timestamp(1000)));
        assert_eq!(time(&q, "bad").unwrap_err().field(), Some("bad"));
        assert_eq!(time(&q, "none").unwrap(), None);
        // Out of range: refused, so no range arithmetic can overflow.
        let q = Query::parse("a=-9223372036854775808&b=9223372036854775807&c=-1&d=253402300800000");
        for name in ["a", "b", "c", "d"] {
            assert_eq!(time(&q, name).unwrap_err().field(), Some(name), "{name}");
        }
    }

    #[test]
    fn states_flags_and_numbers() {
        let q = Query::parse("state=ended&handled=maybe&skill=x&limit=-1");
        assert_eq!(state(&q).unwrap(), Some(ChatState::Ended));
        assert_eq!(flag(&q, "handled").unwrap_err().field(), Some("handled"));
        assert_eq!(int(&q, "skill").unwrap_err().field(), Some("skill"));
        assert_eq!(limit(&q).unwrap_err().field(), Some("limit"));
    }
}
