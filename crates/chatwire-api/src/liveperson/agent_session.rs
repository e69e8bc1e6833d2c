//! Chat Agent API, agent-session level (spec §2.2.1–§2.2.10): create/read the agent session,
//! availability, agent info, available agents and slots, ring count, accept, chat sessions.

use axum::extract::{Query, State};
use chatwire_engine::Engine;
use chatwire_engine::core::Availability;
use serde::Deserialize;

use super::auth::{LpAgent, LpLogin};
use super::body::LpBody;
use super::input::AvailabilityFilters;
use super::reply::LpReply;
use super::views::Leaf;
use super::views::agent_session::{
    AgentInfo, AvailabilityView, AvailableAgents, ChatSessions, IncomingRequests, session_links,
};
use super::views::chat::{agent_session_url, chat_urls};
use crate::http::negotiate::Format;
use crate::{ApiError, AppState, BaseUrl};

/// `POST /agentSession`: opens an agent session. Any `loginData` is accepted and ignored
/// (clients send `""`, `{}`, credentials, or XML). 201 + `Location` + the documented body.
pub async fn post_agent_session(
    State(state): State<AppState>,
    login: LpLogin,
    format: Format,
    base: BaseUrl,
    _body: LpBody,
) -> Result<LpReply, ApiError> {
    let asid = state.engine.open_agent_session(&login.who).await?;
    let url = agent_session_url(&base, login.who.account(), asid);
    Ok(LpReply::created(format, "agentSessionLocation", url))
}

/// `GET /agentSession/{asid}`: the agent session's links (root `agentSessionId`).
pub async fn get_agent_session(agent: LpAgent, format: Format, base: BaseUrl) -> LpReply {
    let url = agent_session_url(&base, agent.who.account(), agent.asid);
    LpReply::ok(format, &session_links(url))
}

/// `GET /agentSession/{asid}/availability`.
pub async fn get_availability(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
) -> Result<LpReply, ApiError> {
    let record = state
        .engine
        .agent(agent.who.account(), agent.who.agent())
        .await?;
    let view = AvailabilityView {
        chat: record.availability,
        with_voice: true,
    };
    Ok(LpReply::ok(format, &view))
}

/// `PUT /agentSession/{asid}/availability` with `{"availability":{"chat":"Online"}}`: 200 and
/// the new availability.
pub async fn put_availability(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    body: LpBody,
) -> Result<LpReply, ApiError> {
    let value = body.required(&[&["availability"], &["chat"]], "availability.chat")?;
    let to = Engine::settable_availability(&value)?;
    let record = state
        .engine
        .set_availability(agent.who.account(), agent.who.agent(), to)
        .await?;
    let view = AvailabilityView {
        chat: record.availability,
        with_voice: false,
    };
    Ok(LpReply::ok(format, &view))
}

/// `GET /agentSession/{asid}/info`: the agent's own record.
pub async fn get_agent_info(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
) -> Result<LpReply, ApiError> {
    let account = agent.who.account();
    let record = state.engine.agent(account, agent.who.agent()).await?;
    let skills = state.engine.skills(account).await?;
    let url = format!("{}/info", agent_session_url(&base, account, agent.asid));
    let view = AgentInfo {
        agent: &record,
        skills: &skills,
        url: &url,
    };
    Ok(LpReply::ok(format, &view))
}

/// Filters of `availableAgents`.
#[derive(Debug, Deserialize, Default)]
pub struct AgentsQuery {
    /// Skill name.
    pub skill: Option<String>,
    /// `Online`, `Offline`, `Occupied`, `Away`.
    #[serde(rename = "chatState")]
    pub chat_state: Option<String>,
}

/// `GET /agentSession/{asid}/availableAgents`: every enabled agent of the account, online or
/// not, with state codes, limits, skills and current chat count; optional `skill` and
/// `chatState` filters.
pub async fn get_available_agents(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Query(q): Query<AgentsQuery>,
) -> Result<LpReply, ApiError> {
    let account = agent.who.account();
    let skill = q.skill.as_deref().filter(|s| !s.is_empty());
    let (skill, _) = state
        .engine
        .availability_filter(account, skill, None)
        .await?;
    let wanted = match q.chat_state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<Availability>()
                .map_err(|e| ApiError::BadRequest(e.to_string()))?,
        ),
        None => None,
    };
    let skills = state.engine.skills(account).await?;
    let mut agents = state.engine.enabled_agent_loads(account).await?;
    agents.retain(|load| {
        let a = &load.agent;
        skill.is_none_or(|s| a.has_skill(s)) && wanted.is_none_or(|w| w == a.availability)
    });
    let next = format!(
        "{}/availableAgents?timeStamp={}",
        agent_session_url(&base, account, agent.asid),
        state.engine.now().0
    );
    let view = AvailableAgents {
        agents: &agents,
        skills: &skills,
        next: &next,
    };
    Ok(LpReply::ok(format, &view))
}

/// `GET /agentSession/{asid}/chat/availableSlots?skill=&maxWaitTime=` or `?agent=`: `-1` is
/// unlimited. The filters are read as on the visitor side (`AvailabilityFilters`).
pub async fn get_available_slots(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    q: crate::http::query::Query,
) -> Result<LpReply, ApiError> {
    let account = agent.who.account();
    let asked = AvailabilityFilters::parse(&q)?;
    let (skill, agent) = state
        .engine
        .availability_filter(account, asked.skill, asked.agent)
        .await?;
    let free = state.engine.available_slots(account, skill, agent).await?;
    Ok(LpReply::ok(
        format,
        &Leaf::new("availableSlots", free.map_or(-1, i64::from)),
    ))
}

/// `GET /agentSession/{asid}/incomingRequests`: the ring count (a string), with a link to
/// accept when something rings.
pub async fn get_incoming_requests(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    q: crate::http::query::Query,
) -> Result<LpReply, ApiError> {
    // Long-poll when asked: answer as soon as something rings (`wait=<seconds>`).
    let wait = chatwire_engine::wait_secs(q.get("wait"));
    let count = state
        .engine
        .wait_ring_count(agent.who.account(), agent.who.agent(), wait)
        .await?;
    let url = agent_session_url(&base, agent.who.account(), agent.asid);
    let view = IncomingRequests {
        count,
        url: format!("{url}/incomingRequests"),
    };
    Ok(LpReply::ok(format, &view))
}

/// `POST /agentSession/{asid}/incomingRequests`: accepts the next chat ringing for this agent.
/// 201 + `Location` + `chatLocation`; 409 when nothing rings or the agent is at capacity.
pub async fn post_incoming_requests(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    _body: LpBody,
) -> Result<LpReply, ApiError> {
    let committed = state.engine.accept_next(&agent.who).await?;
    let key = &committed.chat.key;
    let urls = chat_urls(&base, agent.who.account(), Some(agent.asid), key);
    Ok(LpReply::created(format, "chatLocation", urls.chat))
}

/// `GET /agentSession/{asid}/chatSessions`: the chats this agent handles or handled (for
/// continuity across devices), plain keys, `startTime` in epoch ms.
pub async fn get_chat_sessions(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
) -> Result<LpReply, ApiError> {
    let chats = state.engine.chats_of_agent(&agent.who, 100).await?;
    let chats: Vec<_> = chats
        .into_iter()
        .map(|c| {
            let urls = chat_urls(&base, agent.who.account(), Some(agent.asid), &c.key);
            (c, urls)
        })
        .collect();
    Ok(LpReply::ok(format, &ChatSessions { chats: &chats }))
}
