//! (f)'s provisioning, through the server's public interfaces only: the admin API (as agent1,
//! the demo account's admin) creates the skills and the agents; visitors open chats with the
//! demo app key. The stored bulk is chats a visitor opens on a skill no agent has, writes one
//! line into and ends: three requests per chat, 64 at a time over keep-alive connections.
//! Pollers log in like agent3 does and accept their chats. Nothing here is measured, but how
//! long it takes is printed and reported.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use futures::stream::{self, StreamExt as _, TryStreamExt as _};
use hyper::StatusCode;
use serde_json::{Value, json};

use crate::http::{Conn, Req, Target};
use crate::load::counter;
use crate::provision::{ACCOUNT, Agent};

/// The password of every agent (f) creates.
const PASSWORD: &str = "scale-pass";
/// The skill of the live chats (only (f)'s agents have it).
pub(crate) const LIVE_SKILL: &str = "ScaleLive";
/// The skill of the stored bulk (no agent has it, so nothing rings).
const BULK_SKILL: &str = "ScaleBulk";

/// The login name of (f)'s agent number `i`.
pub(crate) fn login_name(i: usize) -> String {
    format!("scale{i:05}")
}

/// The admin API as agent1.
pub(crate) struct Admin {
    http: reqwest::Client,
    base: String,
    bearer: String,
}

impl Admin {
    /// Logs agent1 (the demo account's admin) in.
    pub(crate) async fn login(target: &Target) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()?;
        let bearer = crate::provision::login_bearer(&http, target, "agent1", "demo-pass").await?;
        Ok(Self {
            http,
            base: format!("{}/chatwire/v1/accounts/1000", target.base),
            bearer,
        })
    }

    /// POSTs `body` to `path`, retrying while the server's password hashing queue is full
    /// (503); a 409 (already there, from an earlier run) is fine.
    async fn create(&self, path: &str, body: &Value) -> Result<Option<Value>> {
        for _ in 0..100 {
            let resp = self
                .http
                .post(format!("{}/{path}", self.base))
                .bearer_auth(&self.bearer)
                .json(body)
                .send()
                .await?;
            match resp.status() {
                StatusCode::CREATED | StatusCode::OK => return Ok(Some(resp.json().await?)),
                StatusCode::CONFLICT => return Ok(None),
                StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                other => bail!("POST {path}: {other} {}", resp.text().await?),
            }
        }
        bail!("POST {path}: still busy after 100 tries")
    }

    /// The id of skill `name`, created when missing.
    async fn skill(&self, name: &str) -> Result<i64> {
        let body = json!({"name": name, "description": "chatwire-bench (f)"});
        if let Some(v) = self.create("skills", &body).await? {
            return v["id"]
                .as_i64()
                .ok_or_else(|| anyhow!("skill without id: {v}"));
        }
        let list: Value = self
            .http
            .get(format!("{}/skills?limit=500", self.base))
            .bearer_auth(&self.bearer)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        list["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["name"] == name)
            .and_then(|s| s["id"].as_i64())
            .ok_or_else(|| anyhow!("skill {name} exists but is not listed"))
    }

    /// Creates the skills and agents `0..agents` (`scale00000`…), each with the live skill
    /// and at most `max_chats` chats; agents already there are kept.
    pub(crate) async fn agents(&self, agents: usize, max_chats: usize) -> Result<()> {
        let live = self.skill(LIVE_SKILL).await?;
        self.skill(BULK_SKILL).await?;
        let bar = counter("(f) creating agents", agents as u64);
        stream::iter(0..agents)
            .map(|i| {
                let body = json!({
                    "loginName": login_name(i),
                    "password": PASSWORD,
                    "maxChats": max_chats,
                    "skills": [live],
                });
                let bar = bar.clone();
                async move {
                    self.create("agents", &body).await?;
                    bar.inc(1);
                    Ok::<_, anyhow::Error>(())
                }
            })
            // Each creation hashes a password on the server's bounded hashing workers.
            .buffer_unordered(4)
            .try_collect::<Vec<()>>()
            .await?;
        bar.finish_and_clear();
        Ok(())
    }
}

/// Logs in (f)'s agent `i`, opens an agent session and goes Online (retrying while the
/// password hashing queue is full).
pub(crate) async fn poller_agent(target: &Target, i: usize) -> Result<Agent> {
    let mut last = None;
    for _ in 0..50 {
        match Agent::login_as(target, &login_name(i), PASSWORD).await {
            Ok(a) => return Ok(a),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(last.unwrap_or_else(|| anyhow!("login failed")))
}

/// The visitor's chat request for `skill`.
fn chat_request(skill: &str) -> Req {
    Req::post_anon(
        format!("{ACCOUNT}/chat/request?appKey=demo-app-key"),
        json!({"request": {"skill": skill, "interactionTimeout": 86_400}}).to_string(),
    )
}

/// A visitor's event on the chat at `path` (the visitor-side chat path).
pub(crate) fn visitor_event(path: &str, event: &Value) -> Req {
    Req::post_anon(
        format!("{path}/events?appKey=demo-app-key"),
        json!({ "event": event }).to_string(),
    )
}

/// Sends `req`, which must succeed (2xx); returns its `Location`.
async fn expect(conn: &mut Conn, req: &Req) -> Result<Option<String>> {
    let reply = conn.send(req).await?;
    if !reply.status.is_success() {
        bail!(
            "{}: {} {}",
            req.path(),
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
    }
    Ok(reply.location)
}

/// Opens `n` visitor chats on `skill` over `conns` connections; when `end` is set each gets one
/// visitor line and is ended by its visitor (the stored bulk), else it stays waiting (to be
/// accepted). Returns the visitor-side chat paths of the chats left open.
pub(crate) async fn visitor_chats(
    target: &Target,
    n: u64,
    end: bool,
    conns: usize,
    label: &str,
) -> Result<Vec<String>> {
    let skill = if end { BULK_SKILL } else { LIVE_SKILL };
    let bar = counter(label, n);
    let ticket = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..conns.min(usize::try_from(n).unwrap_or(usize::MAX)) {
        let mut conn = Conn::open(target).await?;
        let (ticket, bar, target) = (Arc::clone(&ticket), bar.clone(), target.clone());
        let request = chat_request(skill);
        tasks.push(tokio::spawn(async move {
            let mut open = Vec::new();
            while ticket.fetch_add(1, Ordering::Relaxed) < n {
                let loc = expect(&mut conn, &request).await?;
                let path = target
                    .path_of(loc.as_deref().ok_or_else(|| anyhow!("no Location"))?)
                    .to_owned();
                if end {
                    let line = json!({"@type": "line", "text": "a stored chat"});
                    expect(&mut conn, &visitor_event(&path, &line)).await?;
                    let ended = json!({"@type": "state", "state": "ended"});
                    expect(&mut conn, &visitor_event(&path, &ended)).await?;
                } else {
                    open.push(path);
                }
                bar.inc(1);
            }
            Ok::<_, anyhow::Error>(open)
        }));
    }
    let mut open = Vec::new();
    for t in tasks {
        open.extend(t.await??);
    }
    bar.finish_and_clear();
    Ok(open)
}
