//! Agent actions in chatwire's own admin API: `POST …/agents/{agentId}/disable`, `…/enable`
//! and `…/password` (reset; the new password in the body, or one generated and returned
//! once). Disabling and resetting end the agent's sessions at once, on every node.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chatwire_engine::Engine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::admin::{admin_caller, admin_error};
use super::agents::{AgentView, agent_path};
use super::json::JsonBody;
use super::openapi::ErrorBody;
use crate::{ApiError, AppState};

/// The body of `POST …/password`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordBody {
    /// The new password (8 to 200 characters); absent: one is generated and returned.
    pub password: Option<String>,
}

/// The answer of `POST …/password`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordReset {
    /// The generated password (shown this once); null when the body gave one.
    pub password: Option<String>,
}

/// `POST …/agents/{agentId}/disable`.
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts/{account}/agents/{agentId}/disable",
    tag = "agents",
    params(
        ("account" = String, Path, description = "Account id"),
        ("agentId" = i64, Path, description = "Agent id"),
    ),
    responses(
        (status = 200, description = "Disabled: sessions ended, open chats requeued", body = AgentView),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such agent", body = ErrorBody),
        (status = 409, description = "An admin disabling themselves", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn disable_agent(
    State(state): State<AppState>,
    Path((account, agent)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<AgentView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let (account, id) = agent_path(account.as_str(), &agent)?;
    let agent = state.engine.disable_agent_as(&by, &account, id).await?;
    Ok(Json(AgentView::from(&agent)))
}

/// `POST …/agents/{agentId}/enable`.
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts/{account}/agents/{agentId}/enable",
    tag = "agents",
    params(
        ("account" = String, Path, description = "Account id"),
        ("agentId" = i64, Path, description = "Agent id"),
    ),
    responses(
        (status = 200, description = "Enabled (they log in anew)", body = AgentView),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such agent", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn enable_agent(
    State(state): State<AppState>,
    Path((account, agent)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<AgentView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let (account, id) = agent_path(account.as_str(), &agent)?;
    let agent = state.engine.enable_agent_as(&by, &account, id).await?;
    Ok(Json(AgentView::from(&agent)))
}

/// `POST …/agents/{agentId}/password`: sets a new password; the agent's sessions end.
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts/{account}/agents/{agentId}/password",
    tag = "agents",
    params(
        ("account" = String, Path, description = "Account id"),
        ("agentId" = i64, Path, description = "Agent id"),
    ),
    request_body = PasswordBody,
    responses(
        (status = 200, description = "Set; the generated password when none was given", body = PasswordReset),
        (status = 400, description = "Bad body", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such agent", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn reset_password(
    State(state): State<AppState>,
    Path((account, agent)): Path<(String, String)>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<PasswordReset>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let body: PasswordBody = body.parse()?;
    let (account, id) = agent_path(account.as_str(), &agent)?;
    let password = state
        .engine
        .reset_password_as(&by, &account, id, body.password)
        .await
        .map_err(admin_error)?;
    Ok(Json(PasswordReset { password }))
}
