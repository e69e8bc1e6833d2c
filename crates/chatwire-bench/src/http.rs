//! Raw HTTP/1.1 keep-alive connections (hyper's client `conn` API): one TCP connection per
//! worker, no pool, no redirects, no decompression, so the client spends as little CPU as
//! possible on a machine it shares with the server it measures. The same client drives
//! chatwire and the baseline server, so both numbers carry the same client cost.
//!
//! [`H2Conn`] is HTTP/2 in clear (prior knowledge), one connection shared by many tasks, one
//! stream each: (e) parks many long-polls on few connections with it (`--h2-streams`).
//!
//! Provisioning (logins, chat creation) uses `reqwest` instead (see `provision`): it is not
//! measured.

use std::net::{SocketAddr, ToSocketAddrs as _};

use anyhow::{Context as _, Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::client::conn::{http1, http2};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue, LOCATION};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpStream;

/// Where requests go: the socket address and the `http://host:port` prefix of the links the
/// server answers with (chatwire's links are absolute).
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// Resolved address.
    pub(crate) addr: SocketAddr,
    /// `http://host:port`, no trailing slash.
    pub(crate) base: String,
}

impl Target {
    /// Parses `http://host:port[/]`; HTTPS is not supported (the client is plain TCP).
    pub(crate) fn parse(url: &str) -> Result<Self> {
        let base = url.trim_end_matches('/').to_owned();
        let host = base
            .strip_prefix("http://")
            .ok_or_else(|| anyhow!("{url}: only http:// servers can be driven"))?;
        if host.contains('/') {
            bail!("{url}: give the server's root URL, without a path");
        }
        let addr = host
            .to_socket_addrs()
            .with_context(|| format!("resolving {host}"))?
            .next()
            .ok_or_else(|| anyhow!("{host} resolves to no address"))?;
        Ok(Self { addr, base })
    }

    /// The `Host` header value.
    pub(crate) fn host(&self) -> &str {
        &self.base["http://".len()..]
    }

    /// The path and query of an absolute link the server gave (or the link itself).
    pub(crate) fn path_of<'a>(&self, link: &'a str) -> &'a str {
        link.strip_prefix(&self.base).unwrap_or(link)
    }
}

/// A request prepared once and sent many times.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    method: Method,
    path: String,
    bearer: Option<HeaderValue>,
    body: Bytes,
}

impl Req {
    /// `GET path` with the agent's bearer.
    pub(crate) fn get(path: impl Into<String>, bearer: &str) -> Self {
        Self {
            method: Method::GET,
            path: path.into(),
            bearer: Some(bearer_header(bearer)),
            body: Bytes::new(),
        }
    }

    /// `GET path` without a bearer (`/metrics`, `/healthz`).
    pub(crate) fn get_anon(path: impl Into<String>) -> Self {
        Self {
            method: Method::GET,
            path: path.into(),
            bearer: None,
            body: Bytes::new(),
        }
    }

    /// `POST path` with a JSON body and the agent's bearer.
    pub(crate) fn post_json(path: impl Into<String>, bearer: &str, body: String) -> Self {
        Self {
            method: Method::POST,
            path: path.into(),
            bearer: Some(bearer_header(bearer)),
            body: Bytes::from(body),
        }
    }

    /// `POST path` with a JSON body and no bearer (visitor calls carry the app key in the
    /// query).
    pub(crate) fn post_anon(path: impl Into<String>, body: String) -> Self {
        Self {
            method: Method::POST,
            path: path.into(),
            bearer: None,
            body: Bytes::from(body),
        }
    }

    /// The request's path and query.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }
}

fn bearer_header(bearer: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("Bearer {bearer}")).unwrap_or(HeaderValue::from_static(""))
}

/// What came back: status, `Location` and the whole body.
#[derive(Debug)]
pub(crate) struct Reply {
    /// Status code.
    pub(crate) status: StatusCode,
    /// `Location`, when sent.
    pub(crate) location: Option<String>,
    /// `Content-Type`, when sent.
    pub(crate) content_type: Option<HeaderValue>,
    /// The body, read to the end.
    pub(crate) body: Bytes,
}

/// One keep-alive connection.
pub(crate) struct Conn {
    sender: http1::SendRequest<Full<Bytes>>,
    host: HeaderValue,
}

impl Conn {
    /// Connects (`TCP_NODELAY`) and performs the HTTP/1.1 handshake.
    pub(crate) async fn open(target: &Target) -> Result<Self> {
        let stream = connect(target).await?;
        let (sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
        // The connection task ends when the server closes or the sender is dropped.
        tokio::spawn(async move {
            let _closed = conn.await;
        });
        Ok(Self {
            sender,
            host: HeaderValue::from_str(target.host())?,
        })
    }

    /// Sends `req` and reads the whole response.
    pub(crate) async fn send(&mut self, req: &Req) -> Result<Reply> {
        let request = request(req, req.path.as_str(), Some(&self.host))?;
        self.sender.ready().await?;
        read(self.sender.send_request(request).await?).await
    }
}

/// One HTTP/2 connection in clear (prior knowledge); clones share it, each request is a
/// stream of its own. The server caps the streams open at once (hyper's default: 200); a
/// request beyond the cap waits inside the client for a stream to close.
#[derive(Clone)]
pub(crate) struct H2Conn {
    sender: http2::SendRequest<Full<Bytes>>,
    base: String,
}

impl H2Conn {
    /// Connects (`TCP_NODELAY`) and performs the HTTP/2 handshake.
    pub(crate) async fn open(target: &Target) -> Result<Self> {
        let stream = connect(target).await?;
        let (sender, conn) = http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _closed = conn.await;
        });
        Ok(Self {
            sender,
            base: target.base.clone(),
        })
    }

    /// Sends `req` on a stream of its own and reads the whole response.
    pub(crate) async fn send(&mut self, req: &Req) -> Result<Reply> {
        // HTTP/2 carries the scheme and authority as pseudo-headers: the URI is absolute.
        let uri = format!("{}{}", self.base, req.path);
        let request = request(req, &uri, None)?;
        self.sender.ready().await?;
        read(self.sender.send_request(request).await?).await
    }
}

async fn connect(target: &Target) -> Result<TcpStream> {
    let stream = TcpStream::connect(target.addr)
        .await
        .with_context(|| format!("connecting to {}", target.addr))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// `req` as a hyper request to `uri`, with `Host` when given (HTTP/1.1).
fn request(req: &Req, uri: &str, host: Option<&HeaderValue>) -> Result<Request<Full<Bytes>>> {
    let mut builder = Request::builder().method(req.method.clone()).uri(uri);
    if let Some(host) = host {
        builder = builder.header(HOST, host.clone());
    }
    if let Some(b) = &req.bearer {
        builder = builder.header(AUTHORIZATION, b.clone());
    }
    if !req.body.is_empty() {
        builder = builder.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    Ok(builder.body(Full::new(req.body.clone()))?)
}

/// Reads the status, the headers kept and the whole body.
async fn read(resp: Response<Incoming>) -> Result<Reply> {
    let status = resp.status();
    let location = resp
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let content_type = resp.headers().get(CONTENT_TYPE).cloned();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok(Reply {
        status,
        location,
        content_type,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_strips_its_own_prefix_from_absolute_links() {
        let t = Target::parse("http://127.0.0.1:8080/").expect("parse");
        assert_eq!(t.host(), "127.0.0.1:8080");
        assert_eq!(
            t.path_of("http://127.0.0.1:8080/api/account/1000/chat/x"),
            "/api/account/1000/chat/x"
        );
        assert_eq!(t.path_of("/already/a/path"), "/already/a/path");
    }

    #[test]
    fn https_targets_are_refused() {
        assert!(Target::parse("https://127.0.0.1:8443").is_err());
    }
}
