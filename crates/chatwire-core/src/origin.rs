//! Web origins (`scheme://host[:port]`), as an app key's allowed origins list them and as
//! browsers send them in `Origin`.

use crate::DomainError;

/// Checks `text` as a web origin and returns it normalised (scheme and host lowercased, the
/// default port dropped): `http` or `https`, a host name or IP address, an optional port, and
/// nothing else (no path, not even `/`, no query, no user).
pub fn validate_origin(text: &str) -> Result<String, DomainError> {
    let bad = |why: &str| DomainError::invalid("allowedOrigins", format!("{text:?}: {why}"));
    let trimmed = text.trim();
    let (scheme, rest) = trimmed
        .split_once("://")
        .ok_or_else(|| bad("must be scheme://host[:port], e.g. https://shop.example.com"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => return Err(bad("the scheme must be http or https")),
    };
    if rest.contains(['/', '?', '#', '@']) {
        return Err(bad("an origin has no path, query, fragment or user"));
    }
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (addr, after) = v6.split_once(']').ok_or_else(|| bad("unclosed ["))?;
        if addr.is_empty()
            || !addr
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err(bad("not an IPv6 address"));
        }
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or_else(|| bad("junk after ]"))?),
        };
        (format!("[{}]", addr.to_ascii_lowercase()), port)
    } else {
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        };
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if host.is_empty() || host.len() > 253 || !host.split('.').all(label_ok) {
            return Err(bad("the host must be a domain name or an IP address"));
        }
        (host.to_ascii_lowercase(), port)
    };
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.chars().all(|c| c.is_ascii_digit()) => {
                (n.to_string() != default_port).then(|| n.to_string())
            }
            _ => return Err(bad("the port must be 1 to 65535")),
        },
    };
    Ok(match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised() {
        let ok = |s: &str| validate_origin(s).expect(s);
        assert_eq!(ok("https://Shop.Example.com"), "https://shop.example.com");
        assert_eq!(
            ok("https://shop.example.com:443"),
            "https://shop.example.com"
        );
        assert_eq!(ok("http://localhost:8080"), "http://localhost:8080");
        assert_eq!(ok("http://127.0.0.1"), "http://127.0.0.1");
        assert_eq!(ok("https://[::1]:8443"), "https://[::1]:8443");
    }

    #[test]
    fn anything_but_an_origin_is_refused() {
        for bad in [
            "",
            "shop.example.com",
            "ftp://shop.example.com",
            "https://shop.example.com/",
            "https://shop.example.com/path",
            "https://shop.example.com?x=1",
            "https://user@shop.example.com",
            "https://shop.example.com:0",
            "https://shop.example.com:99999",
            "https://-bad-.example.com",
            "https://",
            "*",
        ] {
            assert!(validate_origin(bad).is_err(), "{bad:?} accepted");
        }
    }
}
