//! The one decoder of query strings and `application/x-www-form-urlencoded` bodies, tolerant as
//! LivePerson clients need (spec §0 rule 8): they send `login??v=1`, `from=4?v=1&NC=true`,
//! cache busters, and repeat keys. Only the parameters a handler asks for are read; everything
//! else is ignored, and numbers are read as their leading digits.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// Decoded `key=value` pairs in request order, with lenient accessors.
#[derive(Debug, Clone, Default)]
pub struct Query(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Borrowed from the URI and copied once (below): a query can be kilobytes of keys.
        Ok(Self::parse(parts.uri.query().unwrap_or("")))
    }
}

impl Query {
    /// Parses `a=1&b=2`; a leading `?` on a key (from `login??v=1`) is dropped.
    pub fn parse(raw: &str) -> Self {
        // A byte scan: `contains(['%', '+'])` decodes the text character by character, which
        // on a multi-chat poll's kilobytes of keys cost more than the split itself.
        let encoded = raw.bytes().any(|b| b == b'%' || b == b'+');
        let pairs = if encoded {
            // `form_urlencoded` keeps malformed escapes as they are and never splits a character.
            form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.trim_start_matches('?').to_owned(), v.into_owned()))
                .collect()
        } else {
            // Nothing is encoded: the text is already the decoded text, so split and copy. A
            // multi-chat poll's query is kilobytes of chat keys; decoding it byte by byte was
            // 6% of the server's CPU in scenario (a) (docs/performance.md).
            raw.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (k.trim_start_matches('?').to_owned(), v.to_owned())
                })
                .collect()
        };
        Self(pairs)
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `key` as a non-negative integer from its leading digits (`"4?v=1"` → 4). A value that
    /// starts with no digit is an error.
    pub fn leading_u32(&self, key: &str) -> Result<Option<u32>, String> {
        let Some(v) = self.get(key).map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        leading_digits(v)
            .parse::<u32>()
            .map(Some)
            .map_err(|_| format!("{key} must be a non-negative number"))
    }
}

/// The digits `value` starts with (`"4?v=1"` → `"4"`), borrowed: no copy per value.
pub fn leading_digits(value: &str) -> &str {
    let end = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    &value[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_is_tolerated() {
        let q = Query::parse("from=4?v=1&NC=true&__d=67376");
        assert_eq!(q.leading_u32("from"), Ok(Some(4)));
        assert_eq!(Query::parse("?v=1&NC=true").get("v"), Some("1"));
        assert_eq!(Query::parse("").leading_u32("from"), Ok(None));
        assert!(Query::parse("from=abc").leading_u32("from").is_err());
        assert_eq!(
            Query::parse("chatSessionKeys=A%2CB").get("chatSessionKeys"),
            Some("A,B")
        );
        assert_eq!(Query::parse("x=%zz").get("x"), Some("%zz"));
        assert_eq!(
            Query::parse("x=%é%").get("x"),
            Some("%é%"),
            "never splits a character"
        );
        assert_eq!(Query::parse("x=a+b%20c").get("x"), Some("a b c"));
    }

    #[test]
    fn plain_and_encoded_queries_split_the_same_way() {
        let pairs = |q: &str| Query::parse(q).0;
        let expected: Vec<(String, String)> = [("a", "1"), ("b", ""), ("c", "x=y")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(pairs("a=1&&b&?c=x=y"), expected, "nothing encoded");
        assert_eq!(pairs("a=1&&b&?c=%78=y"), expected, "decoded");
    }
}
