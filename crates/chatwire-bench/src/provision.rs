//! Sets up what the scenarios measure, through the public HTTP API only (the same calls as the
//! README's curl walk-through): agent3 of the demo account logs in, opens an agent session and
//! goes Online; visitors open Support chats with the demo app key; agent3 accepts them and
//! writes lines. Nothing here is measured.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use futures::stream::{self, StreamExt as _, TryStreamExt as _};
use hyper::StatusCode;
use serde_json::{Value, json};

use crate::http::{Conn, Req, Target};
use crate::load::counter;

/// The demo account's path prefix.
pub(crate) const ACCOUNT: &str = "/api/account/1000";

/// A logged-in agent with an Online agent session.
#[derive(Debug, Clone)]
pub(crate) struct Agent {
    http: reqwest::Client,
    target: Target,
    /// Login bearer.
    pub(crate) bearer: String,
    /// Agent session path (`/api/account/1000/agentSession/{asid}`).
    pub(crate) session: String,
}

/// Logs `username` of the demo account in (LivePerson Login API); returns the bearer.
pub(crate) async fn login_bearer(
    http: &reqwest::Client,
    target: &Target,
    username: &str,
    password: &str,
) -> Result<String> {
    let login: Value = http
        .post(format!("{}{ACCOUNT}/login", target.base))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await?
        .error_for_status()
        .with_context(|| format!("login as {username} (is this a `serve --demo` server?)"))?
        .json()
        .await?;
    login["bearer"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("login answered no bearer: {login}"))
}

/// An accepted chat as the agent sees it.
#[derive(Debug, Clone)]
pub(crate) struct Chat {
    /// Agent-side chat path (`…/agentSession/{asid}/chat/{key}`).
    pub(crate) path: String,
    /// Chat key (last path segment).
    pub(crate) key: String,
    /// The id the next event will get ("nothing new" cursor).
    pub(crate) next: u32,
}

impl Agent {
    /// Logs agent3 in, opens an agent session and sets it Online.
    pub(crate) async fn login(target: &Target) -> Result<Self> {
        Self::login_as(target, "agent3", "demo-pass").await
    }

    /// Logs `username` of the demo account in, opens an agent session and sets it Online.
    pub(crate) async fn login_as(target: &Target, username: &str, password: &str) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()?;
        let base = &target.base;
        let bearer = login_bearer(&http, target, username, password).await?;
        let resp = http
            .post(format!("{base}{ACCOUNT}/agentSession"))
            .bearer_auth(&bearer)
            .json(&json!({"loginData": ""}))
            .send()
            .await?
            .error_for_status()?;
        let session = target.path_of(location(&resp)?).to_owned();
        http.put(format!("{base}{session}/availability"))
            .bearer_auth(&bearer)
            .json(&json!({"availability": {"chat": "Online"}}))
            .send()
            .await?
            .error_for_status()
            .context("going Online")?;
        Ok(Self {
            http,
            target: target.clone(),
            bearer,
            session,
        })
    }

    /// Opens `n` visitor chats and accepts them all (chat `next` is not known yet: call
    /// [`fill`] to write lines and learn it).
    pub(crate) async fn open_chats(&self, n: usize, label: &str) -> Result<Vec<Chat>> {
        let bar = counter(label, 2 * n as u64);
        let base = &self.target.base;
        stream::iter(0..n)
            .map(|_| async {
                let resp = self
                    .http
                    .post(format!("{base}{ACCOUNT}/chat/request?appKey=demo-app-key"))
                    .json(&json!({"request": {"skill": "Support", "interactionTimeout": 86_400}}))
                    .send()
                    .await?;
                if resp.status() != StatusCode::CREATED {
                    bail!("chat request: {} {}", resp.status(), resp.text().await?);
                }
                bar.inc(1);
                Ok(())
            })
            .buffer_unordered(16)
            .try_collect::<Vec<()>>()
            .await?;
        let chats = stream::iter(0..n)
            .map(|_| async {
                let chat = self.accept().await?;
                bar.inc(1);
                Ok::<_, anyhow::Error>(chat)
            })
            .buffer_unordered(4)
            .try_collect::<Vec<Chat>>()
            .await?;
        bar.finish_and_clear();
        Ok(chats)
    }

    /// Accepts the longest-waiting chat (retrying briefly while nothing rings yet).
    pub(crate) async fn accept(&self) -> Result<Chat> {
        let base = &self.target.base;
        for _ in 0..50 {
            let resp = self
                .http
                .post(format!("{base}{}/incomingRequests", self.session))
                .bearer_auth(&self.bearer)
                .send()
                .await?;
            match resp.status() {
                StatusCode::CREATED | StatusCode::OK => {
                    let path = self.target.path_of(location(&resp)?).to_owned();
                    let key = path.rsplit('/').next().unwrap_or_default().to_owned();
                    return Ok(Chat { path, key, next: 0 });
                }
                StatusCode::CONFLICT => tokio::time::sleep(Duration::from_millis(20)).await,
                other => bail!("accept: {other} {}", resp.text().await?),
            }
        }
        bail!("accept: nothing rang for a second")
    }
}

fn location(resp: &reqwest::Response) -> Result<&str> {
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| anyhow!("{} without Location", resp.url()))
}

/// A line as the agent posts it.
pub(crate) fn line_body(text: &str) -> String {
    json!({"event": {"@type": "line", "text": text}}).to_string()
}

/// Writes `lines` agent lines into every chat with `writers` concurrent connections
/// (round-robin over the chats), then sets each chat's `next` from the ids the server gave.
pub(crate) async fn fill(
    target: &Target,
    agent: &Agent,
    chats: &mut [Chat],
    lines: u64,
    writers: usize,
    label: &str,
) -> Result<()> {
    let total = lines * chats.len() as u64;
    if total == 0 {
        return Ok(());
    }
    let bar = counter(label, total);
    let reqs: Arc<Vec<Req>> = Arc::new(
        chats
            .iter()
            .map(|c| {
                Req::post_json(
                    format!("{}/events", c.path),
                    &agent.bearer,
                    line_body("a line of history"),
                )
            })
            .collect(),
    );
    let last: Arc<Vec<AtomicU32>> = Arc::new(chats.iter().map(|_| AtomicU32::new(0)).collect());
    let ticket = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..writers.min(usize::try_from(total).unwrap_or(usize::MAX)) {
        let mut conn = Conn::open(target).await?;
        let (reqs, last, ticket, bar) = (
            Arc::clone(&reqs),
            Arc::clone(&last),
            Arc::clone(&ticket),
            bar.clone(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let t = ticket.fetch_add(1, Ordering::Relaxed);
                if t >= total {
                    return Ok::<_, anyhow::Error>(());
                }
                let chat = usize::try_from(t % reqs.len() as u64)?;
                let reply = conn.send(&reqs[chat]).await?;
                if reply.status != StatusCode::CREATED {
                    bail!(
                        "posting a line: {} {}",
                        reply.status,
                        String::from_utf8_lossy(&reply.body)
                    );
                }
                last[chat].fetch_max(event_id(reply.location.as_deref())?, Ordering::Relaxed);
                bar.inc(1);
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    bar.finish_and_clear();
    for (chat, last) in chats.iter_mut().zip(last.iter()) {
        chat.next = last.load(Ordering::Relaxed) + 1;
    }
    Ok(())
}

/// The event id at the end of a posted line's `Location` (`…/events/{id}`).
pub(crate) fn event_id(location: Option<&str>) -> Result<u32> {
    location
        .and_then(|l| l.rsplit('/').next())
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| anyhow!("a posted line came back without an event Location"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posted_line_locations_give_their_event_id() {
        let loc = "http://127.0.0.1:1/api/account/1000/agentSession/12/chat/K/events/41";
        assert_eq!(event_id(Some(loc)).expect("id"), 41);
        assert!(event_id(None).is_err());
        assert!(event_id(Some("http://x/events/")).is_err());
    }
}
