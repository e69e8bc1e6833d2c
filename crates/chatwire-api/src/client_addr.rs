//! [`ClientAddr`]: the address of the client behind a request, for throttling (and the
//! visitor address a chat records).
//!
//! The TCP peer (axum `ConnectInfo`, which the server installs; in-process tests may lack it,
//! then the address is unknown). When the peer is a configured trusted proxy
//! (`server.trusted_proxies`), the client is the right-most address that is not itself a
//! trusted proxy in the one header the proxies are configured to write
//! (`server.forwarded_header`: `X-Forwarded-For` by default, or `Forwarded`): each proxy
//! appends the address it received from, so everything left of the first untrusted hop may be
//! forged by the client. The other header is never read: a proxy that appends to one passes
//! the client's own copy of the other through, so reading it would let a client pick its
//! address per request and escape the per-address throttles. Anyone else's forwarding headers
//! are ignored.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::{AppState, HttpSettings};

/// Which forwarding header the trusted proxies write (`server.forwarded_header`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For` (nginx `$proxy_add_x_forwarded_for`, most load balancers).
    #[default]
    XForwardedFor,
    /// `Forwarded: for=…` (RFC 7239).
    Forwarded,
}

impl ForwardedHeader {
    /// Parses the setting's value, `x-forwarded-for` or `forwarded` (any case).
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            other => Err(format!(
                "forwarded header {other:?} must be \"x-forwarded-for\" or \"forwarded\""
            )),
        }
    }
}

/// The client's address, `None` when not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(resolve(&state.http, peer_ip(parts), &parts.headers)))
    }
}

/// The TCP peer's address (axum `ConnectInfo`), `None` when the server installed none.
pub fn peer_ip(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The client address from the peer and its forwarding headers (pure, for testing).
pub fn resolve(
    settings: &HttpSettings,
    peer: Option<IpAddr>,
    headers: &HeaderMap,
) -> Option<IpAddr> {
    let trusted = |ip: IpAddr| settings.is_trusted_proxy(ip);
    let peer = peer?;
    if !trusted(peer) {
        return Some(peer);
    }
    let hops = match settings.forwarded_header {
        ForwardedHeader::XForwardedFor => x_forwarded_for(headers),
        ForwardedHeader::Forwarded => forwarded_for(headers),
    };
    // Right to left: the first hop no trusted proxy vouches for is the client. A hop that does
    // not parse ends the walk: nothing left of it can be believed either.
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) if trusted(*ip) => client = *ip,
            Some(ip) => return Some(*ip),
            None => break,
        }
    }
    Some(client)
}

/// The `for=` addresses of every `Forwarded` element, in order.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|element| {
            element
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                .and_then(|(_, v)| parse_node(v))
        })
        .collect()
}

/// The addresses of every `X-Forwarded-For` header, in order.
fn x_forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(parse_node)
        .collect()
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:80`, `"[2001:db8::1]:80"`, `::1`.
fn parse_node(raw: &str) -> Option<IpAddr> {
    let s = raw.trim().trim_matches('"');
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sock) = s.parse::<SocketAddr>() {
        return Some(sock.ip());
    }
    s.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(ip, _)| ip.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base_url::IpNet;

    fn settings() -> HttpSettings {
        HttpSettings {
            trusted_proxies: vec![
                IpNet::parse("10.0.0.0/8").expect("net"),
                IpNet::parse("::1").expect("net"),
            ],
            ..HttpSettings::default()
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().expect("header value"));
        }
        h
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("ip"))
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let h = headers(&[("x-forwarded-for", "1.1.1.1"), ("forwarded", "for=2.2.2.2")]);
        assert_eq!(resolve(&settings(), ip("192.0.2.5"), &h), ip("192.0.2.5"));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.0.0.2")]);
        assert_eq!(resolve(&settings(), ip("10.0.0.1"), &h), ip("203.0.113.9"));
        let split = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(resolve(&settings(), ip("::1"), &split), ip("203.0.113.9"));
    }

    #[test]
    fn by_default_a_forwarded_header_the_client_sent_is_ignored() {
        // nginx appended the client to X-Forwarded-For and passed the client's own
        // `Forwarded` through: believing it would let the client pick its address.
        let h = headers(&[
            ("forwarded", "for=198.51.100.77"),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(resolve(&settings(), ip("10.0.0.1"), &h), ip("203.0.113.9"));
        let only_forwarded = headers(&[("forwarded", "for=198.51.100.77")]);
        assert_eq!(
            resolve(&settings(), ip("10.0.0.1"), &only_forwarded),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn set_to_forwarded_only_forwarded_is_read_and_its_node_forms_parse() {
        let s = HttpSettings {
            forwarded_header: ForwardedHeader::Forwarded,
            ..settings()
        };
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            (
                "forwarded",
                "for=6.6.6.6;proto=https, for=\"[2001:db8::7]:4711\";by=10.0.0.1",
            ),
        ]);
        assert_eq!(resolve(&s, ip("10.0.0.1"), &h), ip("2001:db8::7"));
        let port = headers(&[("forwarded", "for=198.51.100.3:1234")]);
        assert_eq!(resolve(&s, ip("10.0.0.1"), &port), ip("198.51.100.3"));
        let xff_only = headers(&[("x-forwarded-for", "6.6.6.6")]);
        assert_eq!(resolve(&s, ip("10.0.0.1"), &xff_only), ip("10.0.0.1"));
    }

    #[test]
    fn the_setting_parses_both_names_in_any_case_and_refuses_others() {
        assert_eq!(
            ForwardedHeader::parse("X-Forwarded-For"),
            Ok(ForwardedHeader::XForwardedFor)
        );
        assert_eq!(
            ForwardedHeader::parse("forwarded"),
            Ok(ForwardedHeader::Forwarded)
        );
        assert!(ForwardedHeader::parse("x-real-ip").is_err());
    }

    #[test]
    fn a_garbled_hop_stops_the_walk_at_the_last_trusted_address() {
        let h = headers(&[("x-forwarded-for", "6.6.6.6, unknown, 10.0.0.3")]);
        assert_eq!(resolve(&settings(), ip("10.0.0.1"), &h), ip("10.0.0.3"));
        let none = headers(&[]);
        assert_eq!(resolve(&settings(), ip("10.0.0.1"), &none), ip("10.0.0.1"));
    }

    #[test]
    fn without_a_peer_the_client_is_unknown() {
        let h = headers(&[("x-forwarded-for", "6.6.6.6")]);
        assert_eq!(resolve(&settings(), None, &h), None);
    }
}
