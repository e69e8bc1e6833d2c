//! Chat Agent API, agent-session level (spec §2.2.1–§2.2.10): create/read the agent session,
//! availability, agent info, available agents and slots, ring count, accept, chat sessions.

use axum::extract::{Query, State};
use chatwire_engine::Engine;
use chatwire_engine::core::{Agent, Availability};
use serde::Deserialize;

use super::auth::{LpAgent, LpLogin};
use super::body::LpBody;
use super::reply::LpReply;
use super::types::{ChatUrls, agent_session_url, chat_urls};
use super::wire::Elem;
use crate::negotiate::Format;
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
    let url = agent_session_url(&base, &login.who.account, asid);
    let root = Elem::new("agentSessionLocation").child(Elem::link(url.clone(), "location"));
    Ok(LpReply::created(format, root, url))
}

/// `GET /agentSession/{asid}`: the agent session's links (root `agentSessionId`).
pub async fn get_agent_session(agent: LpAgent, format: Format, base: BaseUrl) -> LpReply {
    let url = agent_session_url(&base, &agent.who.account, agent.asid);
    let links = [
        ("", "self"),
        ("/availability", "availability"),
        ("/incomingRequests", "incoming-requests"),
        ("/chatSessions", "chat-sessions"),
        ("/info", "info"),
        ("/availableAgents", "available-agents"),
        ("/chat/availableSlots", "chat-available-slots"),
    ];
    let root = Elem::new("agentSessionId").children(
        links
            .iter()
            .map(|(path, rel)| Elem::link(format!("{url}{path}"), rel)),
    );
    LpReply::ok(format, root)
}

fn availability_elem(a: Availability) -> Elem {
    Elem::new("availability")
        .field("chat", a.as_str())
        .field("voice", "Offline")
}

/// `GET /agentSession/{asid}/availability`.
pub async fn get_availability(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
) -> Result<LpReply, ApiError> {
    let record = state
        .engine
        .agent(&agent.who.account, agent.who.agent)
        .await?;
    Ok(LpReply::ok(format, availability_elem(record.availability)))
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
        .set_availability(&agent.who.account, agent.who.agent, to)
        .await?;
    Ok(LpReply::ok(
        format,
        Elem::new("availability").field("chat", record.availability.as_str()),
    ))
}

fn skills_info(agent: &Agent, skills: &[chatwire_engine::core::Skill]) -> Elem {
    Elem::new("skillsInfo").children(skills.iter().filter(|s| agent.has_skill(s.id)).map(|s| {
        Elem::new("skillInfo")
            .field("id", s.id.0.to_string())
            .field("name", s.name.clone())
    }))
}

/// `GET /agentSession/{asid}/info`: the agent's own record.
pub async fn get_agent_info(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
) -> Result<LpReply, ApiError> {
    let account = &agent.who.account;
    let record = state.engine.agent(account, agent.who.agent).await?;
    let skills = state.engine.skills(account).await?;
    let url = format!("{}/info", agent_session_url(&base, account, agent.asid));
    let root = Elem::new("info")
        .child(Elem::link(url, "self"))
        .field("agentName", record.nickname.clone())
        .field("displayName", record.display_name.clone())
        .field("loginName", record.login_name.clone())
        .field("id", record.id.0.to_string())
        .field("maxChats", record.max_chats.as_wire().to_string())
        .child(availability_elem(record.availability))
        .child(skills_info(&record, &skills));
    Ok(LpReply::ok(format, root).with_list("skillInfo"))
}

/// Numeric availability codes of `availableAgents` (spec §2.2.5).
const fn state_code(a: Availability) -> &'static str {
    match a {
        Availability::Offline => "1",
        Availability::Online => "2",
        Availability::Occupied => "3",
        Availability::Away => "4",
    }
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
    let account = &agent.who.account;
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
    let mut agents = Vec::new();
    for load in state.engine.enabled_agent_loads(account).await? {
        let a = &load.agent;
        if skill.is_some_and(|s| !a.has_skill(s)) || wanted.is_some_and(|w| w != a.availability) {
            continue;
        }
        agents.push(
            Elem::new("agent")
                .attr("chatState", state_code(a.availability))
                .attr("id", a.id.0.to_string())
                .attr("maxChats", a.max_chats.as_wire().to_string())
                .attr("voiceState", "1")
                .field("email", a.email.clone())
                .field("nickname", a.nickname.clone())
                .field(
                    "privilegeGroup",
                    if a.is_admin {
                        "administrators"
                    } else {
                        "agents"
                    },
                )
                .child(
                    Elem::new("skills").children(
                        a.skills
                            .iter()
                            .map(|s| Elem::leaf("skill", s.0.to_string())),
                    ),
                )
                .field("userName", a.login_name.clone())
                .field("chats", i64::from(load.active_chats))
                .child(skills_info(a, &skills)),
        );
    }
    let next = format!(
        "{}/availableAgents?timeStamp={}",
        agent_session_url(&base, account, agent.asid),
        state.engine.now().0
    );
    let root = Elem::new("availableAgents")
        .child(Elem::new("agents").children(agents))
        .child(Elem::link(next, "next"));
    Ok(LpReply::ok(format, root))
}

/// Filters of `availableSlots`.
#[derive(Debug, Deserialize, Default)]
pub struct SlotsQuery {
    /// Skill name.
    pub skill: Option<String>,
    /// Seconds (0–86400); accepted for compatibility.
    #[serde(rename = "maxWaitTime")]
    pub max_wait_time: Option<String>,
    /// Agent login name (exclusive with skill).
    pub agent: Option<String>,
}

/// Resolves slot filters and asks the engine; `-1` means unlimited.
pub async fn slots(
    state: &AppState,
    account: &chatwire_engine::core::AccountId,
    q: &SlotsQuery,
) -> Result<i64, ApiError> {
    if let Some(w) = q.max_wait_time.as_deref().filter(|w| !w.is_empty()) {
        let ok = w.trim().parse::<u32>().is_ok_and(|w| w <= 86_400);
        if !ok {
            return Err(ApiError::BadRequest("maxWaitTime must be 0-86400".into()));
        }
    }
    let agent = q.agent.as_deref().filter(|a| !a.is_empty());
    let skill = q.skill.as_deref().filter(|s| !s.is_empty());
    if agent.is_some() && (skill.is_some() || q.max_wait_time.is_some()) {
        return Err(ApiError::BadRequest(
            "agent cannot be combined with skill or maxWaitTime".into(),
        ));
    }
    let (skill, agent) = state
        .engine
        .availability_filter(account, skill, agent)
        .await?;
    let free = state.engine.available_slots(account, skill, agent).await?;
    Ok(free.map_or(-1, i64::from))
}

/// `GET /agentSession/{asid}/chat/availableSlots?skill=&maxWaitTime=` or `?agent=`.
pub async fn get_available_slots(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Query(q): Query<SlotsQuery>,
) -> Result<LpReply, ApiError> {
    let n = slots(&state, &agent.who.account, &q).await?;
    Ok(LpReply::ok(format, Elem::leaf("availableSlots", n)))
}

/// `GET /agentSession/{asid}/incomingRequests`: the ring count (a string), with a link to
/// accept when something rings.
pub async fn get_incoming_requests(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    q: super::query::LpQuery,
) -> Result<LpReply, ApiError> {
    // Long-poll when asked: answer as soon as something rings (`wait=<seconds>`).
    let wait = chatwire_engine::wait_secs(q.get("wait"));
    let count = state
        .engine
        .wait_ring_count(&agent.who.account, agent.who.agent, wait)
        .await?;
    let mut root = Elem::new("incomingRequests");
    if count > 0 {
        let url = format!(
            "{}/incomingRequests",
            agent_session_url(&base, &agent.who.account, agent.asid)
        );
        root = root.child(Elem::link(url, "incoming-requests"));
    }
    Ok(LpReply::ok(
        format,
        root.field("ringingCount", count.to_string()),
    ))
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
    let urls: ChatUrls = chat_urls(
        &base,
        &agent.who.account,
        Some(agent.asid),
        &committed.chat.key,
    );
    let root = Elem::new("chatLocation").child(Elem::link(urls.chat.clone(), "location"));
    Ok(LpReply::created(format, root, urls.chat))
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
    let sessions = chats.iter().map(|c| {
        let urls = chat_urls(&base, &agent.who.account, Some(agent.asid), &c.key);
        Elem::new("chatSession")
            .child(Elem::link(urls.chat, "chat-session"))
            .field("chatSessionKey", c.key.as_str())
            .field("startTime", c.started_at.millis())
    });
    Ok(
        LpReply::ok(format, Elem::new("chatSessions").children(sessions))
            .plain()
            .with_list("chatSession"),
    )
}
