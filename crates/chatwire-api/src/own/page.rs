//! Pagination of every list in chatwire's own API: `?limit=N&cursor=C` in, `{"items":[…],
//! "next":C|null}` out.
//!
//! A cursor is opaque to clients: the base64url text of the last item's sort key, made and
//! read by the list's handler ([`Cursor`]). Keyset pagination (the key, not an offset) keeps a
//! page stable while items are added or deleted before it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use crate::ApiError;
use crate::http::query::Query;

/// Items per page when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 50;
/// The most items one page holds.
pub const MAX_LIMIT: u32 = 500;

/// `limit` and `cursor` of a list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageParams {
    /// Items wanted, 1 to [`MAX_LIMIT`].
    pub limit: u32,
    /// Where the previous page ended, decoded; `None` for the first page.
    pub after: Option<String>,
}

impl PageParams {
    /// Reads `limit` (1 to [`MAX_LIMIT`], default [`DEFAULT_LIMIT`]) and `cursor` from `q`;
    /// anything else in them is an `invalid_field` error.
    pub fn from_query(q: &Query) -> Result<Self, ApiError> {
        let limit = match q.get("limit").filter(|v| !v.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(v) => match v.trim().parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ApiError::field_error(
                        "limit",
                        format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
                    ));
                }
            },
        };
        let after = match q.get("cursor").filter(|v| !v.is_empty()) {
            None => None,
            Some(c) => Some(Cursor::decode(c)?),
        };
        Ok(Self { limit, after })
    }
}

/// Cursor text: base64url (no padding) of the sort key.
pub struct Cursor;

impl Cursor {
    /// The cursor for a sort key.
    pub fn encode(key: &str) -> String {
        URL_SAFE_NO_PAD.encode(key)
    }

    /// The sort key of a cursor; `invalid_field` on `cursor` if it is not one of ours.
    pub fn decode(cursor: &str) -> Result<String, ApiError> {
        URL_SAFE_NO_PAD
            .decode(cursor.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| {
                ApiError::field_error(
                    "cursor",
                    "cursor is not a cursor this API returned (copy `next` from the last page)",
                )
            })
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The items, in the list's order.
    pub items: Vec<T>,
    /// The cursor of the next page; `null` on the last page.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// A page of `items` from a list sorted by `key`: when there are more than `limit` items
    /// (fetch `limit + 1` to know), the extra one is dropped and `next` points after the last
    /// kept one.
    pub fn from_items(mut items: Vec<T>, limit: u32, key: impl Fn(&T) -> String) -> Self {
        let limit = limit as usize;
        let more = items.len() > limit;
        items.truncate(limit);
        let next = if more {
            items.last().map(|last| Cursor::encode(&key(last)))
        } else {
            None
        };
        Self { items, next }
    }

    /// One page of a list already held whole in memory and sorted by `key` ascending (small
    /// directory lists: agents, skills, keys): the items after the cursor's key.
    pub fn of_sorted<K: Ord>(
        items: Vec<T>,
        params: &PageParams,
        key: impl Fn(&T) -> K,
        parse: impl Fn(&str) -> Option<K>,
        render: impl Fn(&T) -> String,
    ) -> Result<Self, ApiError> {
        let after = match &params.after {
            None => None,
            Some(a) => Some(parse(a).ok_or_else(|| {
                ApiError::field_error("cursor", "cursor is not a cursor of this list")
            })?),
        };
        let rest: Vec<T> = items
            .into_iter()
            .filter(|i| after.as_ref().is_none_or(|a| key(i) > *a))
            .take(params.limit as usize + 1)
            .collect();
        Ok(Self::from_items(rest, params.limit, render))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(raw: &str) -> Result<PageParams, ApiError> {
        PageParams::from_query(&Query::parse(raw))
    }

    #[test]
    fn limits_and_cursors_are_checked() {
        assert_eq!(params("").unwrap().limit, DEFAULT_LIMIT);
        assert_eq!(params("limit=0").unwrap_err().field(), Some("limit"));
        assert_eq!(params("limit=501").unwrap_err().field(), Some("limit"));
        assert_eq!(params("limit=x").unwrap_err().field(), Some("limit"));
        assert_eq!(params("cursor=%%%").unwrap_err().field(), Some("cursor"));
        let c = Cursor::encode("17");
        assert_eq!(
            params(&format!("cursor={c}")).unwrap().after.as_deref(),
            Some("17")
        );
    }

    #[test]
    fn pages_walk_a_sorted_list() {
        let all: Vec<i64> = (1..=7).collect();
        let mut seen = Vec::new();
        let mut p = params("limit=3").unwrap();
        loop {
            let page = Page::of_sorted(
                all.clone(),
                &p,
                |i| *i,
                |s| s.parse().ok(),
                |i| i.to_string(),
            )
            .unwrap();
            seen.extend(page.items);
            match page.next {
                Some(n) => p.after = Some(Cursor::decode(&n).unwrap()),
                None => break,
            }
        }
        assert_eq!(seen, all);
    }
}
