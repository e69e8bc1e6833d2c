//! [`ClientAddr`]: the address of the client behind a request, for throttling (and the
//! visitor address a chat records).
//!
//! The TCP peer (axum `ConnectInfo`, which the server installs; in-process tests may lack it,
//! then the address is unknown). When the peer is a configured trusted proxy
//! (`server.trusted_proxies`), the client is the right-most address of `Forwarded` (`for=`)
//! or, without it, `X-Forwarded-For` that is not itself a trusted proxy: each proxy appends the
//! address it received from, so everything left of the first untrusted hop may be forged by the
//! client. Anyone else's forwarding headers are ignored.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::{AppState, HttpSettings};

/// The client's address, `None` when not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Self(resolve(&state.http, peer, &parts.headers)))
    }
}

/// The client address from the peer and its forwarding headers (pure, for testing).
pub fn resolve(
    settings: &HttpSettings,
    peer: Option<IpAddr>,
    headers: &HeaderMap,
) -> Option<IpAddr> {
    let trusted = |ip: IpAddr| settings.trusted_proxies.iter().any(|n| n.contains(ip));
    let peer = peer?;
    if !trusted(peer) {
        return Some(peer);
    }
    let hops = forwarded_for(headers).unwrap_or_else(|| x_forwarded_for(headers));
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

/// The `for=` addresses of every `Forwarded` element, in order; `None` without the header.
fn forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let values: Vec<&str> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return None;
    }
    let hops = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|element| {
            element
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                .and_then(|(_, v)| parse_node(v))
        })
        .collect();
    Some(hops)
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
    fn forwarded_wins_over_x_forwarded_for_and_its_node_forms_parse() {
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            (
                "forwarded",
                "for=6.6.6.6;proto=https, for=\"[2001:db8::7]:4711\";by=10.0.0.1",
            ),
        ]);
        assert_eq!(resolve(&settings(), ip("10.0.0.1"), &h), ip("2001:db8::7"));
        let port = headers(&[("forwarded", "for=198.51.100.3:1234")]);
        assert_eq!(
            resolve(&settings(), ip("10.0.0.1"), &port),
            ip("198.51.100.3")
        );
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
