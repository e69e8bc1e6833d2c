//! Tolerant query parsing (spec §0 rule 8): clients send `login??v=1`, `from=4?v=1&NC=true`,
//! cache busters, and repeat keys. Only the parameters a handler asks for are read; everything
//! else is ignored, and numbers are read as their leading digits.

use axum::extract::{FromRequestParts, RawQuery};
use axum::http::request::Parts;

/// The raw query string with lenient accessors.
#[derive(Debug, Clone, Default)]
pub struct LpQuery(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for LpQuery {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let RawQuery(raw) = RawQuery::from_request_parts(parts, state).await?;
        Ok(Self::parse(raw.as_deref().unwrap_or("")))
    }
}

fn decode(s: &str) -> String {
    if !s.contains(['%', '+']) {
        // Nothing encoded: already valid UTF-8.
        return s.to_owned();
    }
    // Byte-wise, so a `%` next to multi-byte characters can never split a character; runs
    // without escapes are copied whole (a poll's key list is kilobytes of them).
    let bytes = s.as_bytes();
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .position(|&b| b == b'%' || b == b'+')
            .unwrap_or(bytes.len() - i);
        out.extend_from_slice(&bytes[i..i + run]);
        i += run;
        match bytes.get(i) {
            Some(b'%') if i + 2 < bytes.len() => {
                if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            Some(b'+') => out.push(b' '),
            Some(&b) => out.push(b),
            None => break,
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl LpQuery {
    /// Parses `a=1&b=2`; a leading `?` on a key (from `login??v=1`) is dropped.
    pub fn parse(raw: &str) -> Self {
        let pairs = raw
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k.trim_start_matches('?')), decode(v))
            })
            .collect();
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
        let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
        digits
            .parse::<u32>()
            .map(Some)
            .map_err(|_| format!("{key} must be a non-negative number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_is_tolerated() {
        let q = LpQuery::parse("from=4?v=1&NC=true&__d=67376");
        assert_eq!(q.leading_u32("from"), Ok(Some(4)));
        assert_eq!(LpQuery::parse("?v=1&NC=true").get("v"), Some("1"));
        assert_eq!(LpQuery::parse("").leading_u32("from"), Ok(None));
        assert!(LpQuery::parse("from=abc").leading_u32("from").is_err());
        assert_eq!(
            LpQuery::parse("chatSessionKeys=A%2CB").get("chatSessionKeys"),
            Some("A,B")
        );
        assert_eq!(LpQuery::parse("x=%zz").get("x"), Some("%zz"));
        assert_eq!(
            LpQuery::parse("x=%é%").get("x"),
            Some("%é%"),
            "never splits a character"
        );
        assert_eq!(LpQuery::parse("x=a+b%20c").get("x"), Some("a b c"));
    }
}
