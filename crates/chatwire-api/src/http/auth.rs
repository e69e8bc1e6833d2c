//! Credentials in request headers: the `Authorization` scheme and value (matched
//! case-insensitively: clients send `AUTHORIZATION: bearer …`), Basic `login:password`, and the
//! places a visitor application may put its app key.

use axum::http::{HeaderMap, header};
use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::query::Query;

/// The credential in `Authorization: <scheme> <value>` when the scheme matches.
pub fn authorization(headers: &HeaderMap, scheme: &str) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (s, rest) = value.split_once(char::is_whitespace)?;
    s.eq_ignore_ascii_case(scheme)
        .then(|| rest.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Base64 with padding optional, as clients send it.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);

/// `login:password` of a Basic credential (standard or URL-safe base64, padding optional);
/// `None` when it is not base64, not UTF-8 or has no colon.
pub fn basic_credentials(value: &str) -> Option<(String, String)> {
    // Any number of trailing `=` was accepted before the crate decoded these.
    let value = value.trim().trim_end_matches('=');
    let bytes = GeneralPurpose::new(&alphabet::STANDARD, LENIENT)
        .decode(value)
        .or_else(|_| GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT).decode(value))
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (login, password) = text.split_once(':')?;
    Some((login.to_owned(), password.to_owned()))
}

/// A visitor application's key: `Authorization: LivePerson appKey=<key>`, else
/// `Authorization: Bearer <key>` when `bearer_is_key`, else the `appKey` query parameter.
pub fn app_key(headers: &HeaderMap, query: &Query, bearer_is_key: bool) -> Option<String> {
    let from_scheme = authorization(headers, "LivePerson").and_then(|v| {
        v.split(',').find_map(|p| {
            p.trim()
                .strip_prefix("appKey=")
                .map(|k| k.trim_matches('"').to_owned())
        })
    });
    from_scheme
        .or_else(|| {
            bearer_is_key
                .then(|| authorization(headers, "Bearer"))
                .flatten()
        })
        .or_else(|| query.get("appKey").map(str::to_owned))
        .filter(|k| !k.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_is_case_insensitive_and_the_value_kept() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            "bearer abc123".parse().expect("value"),
        );
        assert_eq!(authorization(&h, "Bearer").as_deref(), Some("abc123"));
        h.insert(
            header::AUTHORIZATION,
            "LivePerson appKey=xyz".parse().expect("value"),
        );
        assert_eq!(authorization(&h, "Bearer"), None);
        assert_eq!(
            authorization(&h, "liveperson").as_deref(),
            Some("appKey=xyz")
        );
        h.insert(header::AUTHORIZATION, "Bearer ".parse().expect("value"));
        assert_eq!(authorization(&h, "Bearer"), None);
    }

    #[test]
    fn basic_credentials_decode_with_and_without_padding() {
        let pair = |l: &str, p: &str| Some((l.to_owned(), p.to_owned()));
        assert_eq!(basic_credentials("dGplMDpUamUw"), pair("tje0", "Tje0"));
        assert_eq!(basic_credentials("YTpi"), pair("a", "b"));
        assert_eq!(basic_credentials("YTo="), pair("a", ""));
        assert_eq!(basic_credentials("YTo"), pair("a", ""));
        assert_eq!(basic_credentials("YTo==="), pair("a", ""), "extra padding");
        assert_eq!(
            basic_credentials("YTp"),
            pair("a", ""),
            "non-zero trailing bits"
        );
        // `a:?>` is `YTo/Pg` in the standard alphabet and `YTo_Pg` in the URL-safe one.
        assert_eq!(basic_credentials("YTo_Pg"), pair("a", "?>"));
        assert_eq!(basic_credentials("Y"), None);
        assert_eq!(basic_credentials("**"), None);
        assert_eq!(basic_credentials("YWI"), None, "no colon");
    }

    #[test]
    fn an_app_key_comes_from_the_scheme_the_bearer_or_the_query() {
        let mut h = HeaderMap::new();
        let q = Query::parse("appKey=fromquery");
        assert_eq!(app_key(&h, &q, true).as_deref(), Some("fromquery"));
        h.insert(header::AUTHORIZATION, "Bearer k1".parse().expect("value"));
        assert_eq!(app_key(&h, &q, true).as_deref(), Some("k1"));
        assert_eq!(app_key(&h, &q, false).as_deref(), Some("fromquery"));
        h.insert(
            header::AUTHORIZATION,
            "LivePerson appKey=\"k2\", v=1".parse().expect("value"),
        );
        assert_eq!(app_key(&h, &Query::default(), false).as_deref(), Some("k2"));
    }
}
