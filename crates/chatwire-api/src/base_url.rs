//! [`BaseUrl`]: where absolute links in responses point (`https://host:port`).
//!
//! Precedence: the configured public URL; else the request's own scheme and `Host`.
//! `X-Forwarded-Proto` / `X-Forwarded-Host` are honoured only when the TCP peer is a configured
//! trusted proxy, because anyone else could use them to make us emit links to their host.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use crate::{ApiError, AppState};

/// The scheme the listener serves (`http` or `https`), set by the server as a request extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerScheme(pub &'static str);

/// An IP network (`10.0.0.0/8`, `::1/128`, or a bare address), as `ipnet` parses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet(ipnet::IpNet);

impl IpNet {
    /// Parses `addr` or `addr/prefix`; a bare address is the network of that one address.
    pub fn parse(s: &str) -> Result<Self, String> {
        let net = s.trim();
        let addr = net.split_once('/').map_or(net, |(addr, _)| addr);
        let ip: IpAddr = addr
            .parse()
            .map_err(|_| format!("not an IP address: {s}"))?;
        if addr.len() == net.len() {
            return Ok(Self(ip.into()));
        }
        net.parse()
            .map(Self)
            .map_err(|_| format!("bad prefix in {s}"))
    }

    /// Whether `ip` is inside this network. An IPv4 peer of a dual-stack listener arrives as
    /// `::ffff:a.b.c.d` and counts as its IPv4 address.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip.to_canonical())
    }
}

/// HTTP-level settings the API needs.
#[derive(Debug, Clone, Default)]
pub struct HttpSettings {
    /// Configured public base URL (`https://chat.example.com`), without trailing slash.
    pub public_url: Option<String>,
    /// Peers whose `X-Forwarded-*` headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// The one header the trusted proxies write the client address into.
    pub forwarded_header: crate::client_addr::ForwardedHeader,
    /// The account SuperOffice routes without an account segment (`/api/v1/…`) serve; empty
    /// for none (only `/{account}/api/v1/…` then).
    pub superoffice_default_account: String,
    /// Where the browser side's files are read from at each request instead of the built-in
    /// copy (`server.web_dir`, for UI work); `None` in production.
    pub web_dir: Option<std::path::PathBuf>,
}

/// The base of absolute links: scheme, host and optional path prefix, no trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(pub String);

impl BaseUrl {
    /// `base + path` (path starts with `/`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// The host part (for CSDS answers): no scheme, no path.
    pub fn host(&self) -> &str {
        let rest = self.0.split_once("://").map_or(self.0.as_str(), |(_, r)| r);
        rest.split('/').next().unwrap_or(rest)
    }
}

impl HttpSettings {
    /// Whether the TCP peer `ip` is one of the trusted proxies, whose forwarding headers are
    /// believed (here and in [`crate::client_addr`]).
    pub fn is_trusted_proxy(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|n| n.contains(ip))
    }
}

/// Decides the base URL from settings, peer and headers (pure, for testing).
pub fn resolve(
    settings: &HttpSettings,
    peer: Option<IpAddr>,
    scheme: &str,
    headers: &HeaderMap,
    uri_host: Option<&str>,
) -> Result<BaseUrl, ApiError> {
    if let Some(url) = &settings.public_url {
        return Ok(BaseUrl(url.trim_end_matches('/').to_owned()));
    }
    let trusted = peer.is_some_and(|ip| settings.is_trusted_proxy(ip));
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or(v).trim().to_owned())
    };
    let mut scheme = scheme.to_owned();
    let mut host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| uri_host.map(str::to_owned));
    if trusted {
        if let Some(proto) = header("x-forwarded-proto").filter(|p| p == "http" || p == "https") {
            scheme = proto;
        }
        if let Some(fwd) = header("x-forwarded-host") {
            host = Some(fwd);
        }
    }
    let host = host.ok_or_else(|| ApiError::BadRequest("missing Host header".into()))?;
    let valid = !host.is_empty()
        && host.len() <= 255
        && host.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_')
        });
    if !valid {
        return Err(ApiError::BadRequest("invalid Host header".into()));
    }
    Ok(BaseUrl(format!("{scheme}://{host}")))
}

impl FromRequestParts<AppState> for BaseUrl {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = crate::client_addr::peer_ip(parts);
        let scheme = parts
            .extensions
            .get::<ListenerScheme>()
            .map_or("http", |s| s.0);
        resolve(
            &state.http,
            peer,
            scheme,
            &parts.headers,
            parts.uri.authority().map(|a| a.as_str()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().expect("header value"));
        }
        h
    }

    fn proxy_settings() -> HttpSettings {
        HttpSettings {
            public_url: None,
            trusted_proxies: vec![IpNet::parse("10.0.0.0/8").expect("net")],
            superoffice_default_account: String::new(),
            ..HttpSettings::default()
        }
    }

    #[test]
    fn configured_public_url_wins() {
        let s = HttpSettings {
            public_url: Some("https://chat.example.com/".into()),
            trusted_proxies: vec![],
            superoffice_default_account: String::new(),
            ..HttpSettings::default()
        };
        let b = resolve(&s, None, "http", &headers(&[("host", "evil")]), None).expect("base");
        assert_eq!(b.0, "https://chat.example.com");
        assert_eq!(b.host(), "chat.example.com");
    }

    #[test]
    fn request_scheme_and_host_are_used_without_configuration() {
        let b = resolve(
            &HttpSettings::default(),
            None,
            "https",
            &headers(&[("host", "localhost:8443")]),
            None,
        )
        .expect("base");
        assert_eq!(b.join("/api"), "https://localhost:8443/api");
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let h = headers(&[
            ("host", "internal:8080"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "chat.example.com"),
        ]);
        let trusted = resolve(
            &proxy_settings(),
            Some("10.1.2.3".parse().expect("ip")),
            "http",
            &h,
            None,
        )
        .expect("base");
        assert_eq!(trusted.0, "https://chat.example.com");
        let stranger = resolve(
            &proxy_settings(),
            Some("192.0.2.1".parse().expect("ip")),
            "http",
            &h,
            None,
        )
        .expect("base");
        assert_eq!(stranger.0, "http://internal:8080");
    }

    #[test]
    fn hostile_host_headers_are_refused() {
        for bad in ["a b", "x/y", "", "a@b"] {
            let h = headers(&[("host", bad)]);
            assert!(
                resolve(&HttpSettings::default(), None, "http", &h, None).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn ip_networks_match_by_prefix() {
        let net = IpNet::parse("192.168.0.0/16").expect("net");
        assert!(net.contains("192.168.4.5".parse().expect("ip")));
        assert!(!net.contains("192.169.0.1".parse().expect("ip")));
        assert!(
            IpNet::parse("::1")
                .expect("net")
                .contains("::1".parse().expect("ip"))
        );
        assert!(
            IpNet::parse("127.0.0.1")
                .expect("net")
                .contains("::ffff:127.0.0.1".parse().expect("ip"))
        );
        assert!(IpNet::parse("10.0.0.0/33").is_err());
        assert!(IpNet::parse("10.0.0.0/x").is_err());
        assert!(IpNet::parse("not-an-ip").is_err());
        let host_bits = IpNet::parse(" 10.1.2.3/8 ").expect("net");
        assert!(host_bits.contains("10.9.9.9".parse().expect("ip")));
        assert!(
            IpNet::parse("2001:db8::/32")
                .expect("net")
                .contains("2001:db8:1::5".parse().expect("ip"))
        );
    }
}
