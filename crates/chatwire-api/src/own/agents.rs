//! Agents in chatwire's own admin API: `GET|POST /chatwire/v1/accounts/{account}/agents` and
//! `GET|PATCH|DELETE …/agents/{agentId}`. Disable, enable and password reset are in
//! [`super::agent_actions`].

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chatwire_engine::core::{AccountId, Agent, AgentId};
use chatwire_engine::{AdminAgentInput, AgentPatch, Engine};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::admin::{admin_caller, admin_error};
use super::json::JsonBody;
use super::openapi::ErrorBody;
use super::page::{Page, PageParams};
use crate::http::query::Query;
use crate::{ApiError, AppState};

/// An agent as the admin API shows it (never the password or its hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentView {
    /// Server-wide numeric id.
    pub id: i64,
    /// Login name, unique in the account (case-insensitively).
    pub login_name: String,
    /// The name visitors see.
    pub nickname: String,
    /// The name colleagues see.
    pub display_name: String,
    /// E-mail address, empty when unknown.
    pub email: String,
    /// Concurrent chat limit; -1 is unlimited.
    pub max_chats: i32,
    /// Skill ids.
    pub skills: Vec<i64>,
    /// The admin right (this API, supervision, the account feed).
    pub is_admin: bool,
    /// Disabled agents cannot log in.
    pub enabled: bool,
    /// `Online`, `Away`, `Occupied` or `Offline`.
    pub availability: String,
}

impl From<&Agent> for AgentView {
    fn from(a: &Agent) -> Self {
        Self {
            id: a.id.0,
            login_name: a.login_name.clone(),
            nickname: a.nickname.clone(),
            display_name: a.display_name.clone(),
            email: a.email.clone(),
            max_chats: a.max_chats.as_wire(),
            skills: a.skills.iter().map(|s| s.0).collect(),
            is_admin: a.is_admin,
            enabled: a.enabled,
            availability: a.availability.to_string(),
        }
    }
}

/// The body of `POST …/agents`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAgentBody {
    /// 1 to 100 characters without spaces, unique in the account.
    pub login_name: String,
    /// 8 to 200 characters.
    pub password: String,
    /// Name visitors see (1-100 characters); the login name when absent.
    pub nickname: Option<String>,
    /// Name colleagues see (1-100 characters); the nickname when absent.
    pub display_name: Option<String>,
    /// E-mail address.
    #[serde(default)]
    pub email: String,
    /// -1 (unlimited, the default) or 0 to 1000.
    #[serde(default = "unlimited")]
    pub max_chats: i32,
    /// Skill ids of the account.
    #[serde(default)]
    pub skills: Vec<i64>,
    /// The admin right.
    #[serde(default)]
    pub is_admin: bool,
}

fn unlimited() -> i32 {
    -1
}

/// The body of `PATCH …/agents/{agentId}`: members given are changed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentPatchBody {
    /// Login name.
    pub login_name: Option<String>,
    /// Name visitors see.
    pub nickname: Option<String>,
    /// Name colleagues see.
    pub display_name: Option<String>,
    /// E-mail address (empty to clear).
    pub email: Option<String>,
    /// -1 (unlimited) or 0 to 1000.
    pub max_chats: Option<i32>,
    /// Skill ids, replacing the present ones.
    pub skills: Option<Vec<i64>>,
    /// The admin right (an admin cannot remove their own: 409).
    pub is_admin: Option<bool>,
    /// `false` disables (as `POST …/disable`), `true` enables.
    pub enabled: Option<bool>,
}

fn ids_as_text(ids: &[i64]) -> Vec<String> {
    ids.iter().map(ToString::to_string).collect()
}

/// The account and agent id of a path; an id that is not a number is no agent (404).
pub(crate) fn agent_path(account: &str, agent: &str) -> Result<(AccountId, AgentId), ApiError> {
    let account = Engine::parse_account(account)?;
    let id = agent
        .trim()
        .parse::<i64>()
        .map_err(|_| ApiError::NotFound("agent not found".into()))?;
    Ok((account, AgentId(id)))
}

/// `GET …/agents`: the account's agents by id, a page at a time.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/agents",
    tag = "agents",
    params(
        ("account" = String, Path, description = "Account id"),
        ("limit" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of agents", body = Page<AgentView>),
        (status = 400, description = "Bad parameter", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_agents(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<Page<AgentView>>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let params = PageParams::from_query(&q)?;
    let agents = state.engine.agents_as(&by, &account).await?;
    let page = Page::of_sorted(
        agents,
        &params,
        |a| a.id,
        |c| c.parse().ok().map(AgentId),
        |a| a.id.0.to_string(),
    )?;
    Ok(Json(Page {
        items: page.items.iter().map(AgentView::from).collect(),
        next: page.next,
    }))
}

/// `POST …/agents`: creates an agent (enabled, Offline).
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts/{account}/agents",
    tag = "agents",
    params(("account" = String, Path, description = "Account id")),
    request_body = NewAgentBody,
    responses(
        (status = 201, description = "Created", body = AgentView),
        (status = 400, description = "Bad body", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "The login name is taken", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_agent(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<(StatusCode, Json<AgentView>), ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let body: NewAgentBody = body.parse()?;
    let input = AdminAgentInput {
        login_name: body.login_name,
        password: body.password,
        nickname: body.nickname,
        display_name: body.display_name,
        email: body.email,
        max_chats: body.max_chats,
        skills: ids_as_text(&body.skills),
        is_admin: body.is_admin,
    };
    let agent = state
        .engine
        .create_agent_as(&by, &account, input)
        .await
        .map_err(admin_error)?;
    Ok((StatusCode::CREATED, Json(AgentView::from(&agent))))
}

/// `GET …/agents/{agentId}`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/agents/{agentId}",
    tag = "agents",
    params(
        ("account" = String, Path, description = "Account id"),
        ("agentId" = i64, Path, description = "Agent id"),
    ),
    responses(
        (status = 200, description = "The agent", body = AgentView),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such agent", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_agent(
    State(state): State<AppState>,
    Path((account, agent)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<AgentView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let (account, id) = agent_path(account.as_str(), &agent)?;
    let agent = state.engine.agent_as(&by, &account, id).await?;
    Ok(Json(AgentView::from(&agent)))
}

/// `PATCH …/agents/{agentId}`: changes an agent's record.
#[utoipa::path(
    patch,
    path = "/chatwire/v1/accounts/{account}/agents/{agentId}",
    tag = "agents",
    params(
        ("account" = String, Path, description = "Account id"),
        ("agentId" = i64, Path, description = "Agent id"),
    ),
    request_body = AgentPatchBody,
    responses(
        (status = 200, description = "The agent as changed", body = AgentView),
        (status = 400, description = "Bad body", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such agent", body = ErrorBody),
        (status = 409, description = "Login name taken, or an admin demoting or disabling themselves", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn update_agent(
    State(state): State<AppState>,
    Path((account, agent)): Path<(String, String)>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<AgentView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let body: AgentPatchBody = body.parse()?;
    let (account, id) = agent_path(account.as_str(), &agent)?;
    let patch = AgentPatch {
        login_name: body.login_name,
        nickname: body.nickname,
        display_name: body.display_name,
        email: body.email,
        max_chats: body.max_chats,
        skills: body.skills.as_deref().map(ids_as_text),
        is_admin: body.is_admin,
        enabled: body.enabled,
    };
    let agent = state
        .engine
        .update_agent_as(&by, &account, id, patch)
        .await
        .map_err(admin_error)?;
    Ok(Json(AgentView::from(&agent)))
}

/// `DELETE …/agents/{agentId}`: deletes an agent who never handled a chat.
#[utoipa::path(
    delete,
    path = "/chatwire/v1/accounts/{account}/agents/{agentId}",
    tag = "agents",
    params(
        ("account" = String, Path, description = "Account id"),
        ("agentId" = i64, Path, description = "Agent id"),
    ),
    responses(
        (status = 204, description = "Deleted; their sessions ended"),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such agent", body = ErrorBody),
        (status = 409, description = "The agent handled chats (disable them instead), or is the caller", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_agent(
    State(state): State<AppState>,
    Path((account, agent)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let (account, id) = agent_path(account.as_str(), &agent)?;
    state.engine.delete_agent_as(&by, &account, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
