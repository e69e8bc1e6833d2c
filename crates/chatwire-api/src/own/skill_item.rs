//! One skill in chatwire's own admin API: `GET|PATCH|DELETE
//! /chatwire/v1/accounts/{account}/skills/{skillId}` (the list and creation are in
//! [`super::skills`]).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chatwire_engine::core::SkillId;
use chatwire_engine::{Engine, SkillPatch};
use serde::Deserialize;
use utoipa::ToSchema;

use super::admin::{admin_caller, admin_error};
use super::json::JsonBody;
use super::openapi::ErrorBody;
use super::skills::SkillView;
use crate::{ApiError, AppState};

/// The body of `PATCH …/skills/{skillId}`: members given are changed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SkillPatchBody {
    /// Name, 1 to 100 characters, unique in the account.
    pub name: Option<String>,
    /// Free text for operators.
    pub description: Option<String>,
    /// Sent to the visitor when an agent accepts; empty for none.
    pub welcome_message: Option<String>,
    /// Where staff notices about the skill go; `null` or blank clears it (the account's
    /// address is used then).
    #[serde(default, deserialize_with = "super::json::present")]
    #[schema(value_type = Option<String>, nullable)]
    pub notify_email: Option<Option<String>>,
}

/// The skill id of a path; one that is not a number is no skill (404).
fn skill_path(skill: &str) -> Result<SkillId, ApiError> {
    skill
        .trim()
        .parse::<i64>()
        .map(SkillId)
        .map_err(|_| ApiError::NotFound("skill not found".into()))
}

/// `GET …/skills/{skillId}`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/skills/{skillId}",
    tag = "skills",
    params(
        ("account" = String, Path, description = "Account id"),
        ("skillId" = i64, Path, description = "Skill id"),
    ),
    responses(
        (status = 200, description = "The skill", body = SkillView),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such skill", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_skill(
    State(state): State<AppState>,
    Path((account, skill)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<SkillView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let id = skill_path(&skill)?;
    let skill = state.engine.skill_as(&by, &account, id).await?;
    let staff = state.engine.staff_addresses_as(&by, &account).await?;
    Ok(Json(SkillView::of(&skill, &staff)))
}

/// `PATCH …/skills/{skillId}`.
#[utoipa::path(
    patch,
    path = "/chatwire/v1/accounts/{account}/skills/{skillId}",
    tag = "skills",
    params(
        ("account" = String, Path, description = "Account id"),
        ("skillId" = i64, Path, description = "Skill id"),
    ),
    request_body = SkillPatchBody,
    responses(
        (status = 200, description = "The skill as changed", body = SkillView),
        (status = 400, description = "Bad body", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such skill", body = ErrorBody),
        (status = 409, description = "The name is taken", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn update_skill(
    State(state): State<AppState>,
    Path((account, skill)): Path<(String, String)>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<SkillView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let body: SkillPatchBody = body.parse()?;
    let id = skill_path(&skill)?;
    // Checked before anything is written: a bad address changes nothing.
    let notify = body.notify_email.map(Option::unwrap_or_default);
    if let Some(n) = &notify {
        Engine::check_staff_address(n).map_err(admin_error)?;
    }
    let patch = SkillPatch {
        name: body.name,
        description: body.description,
        welcome_message: body.welcome_message,
    };
    let skill = state
        .engine
        .update_skill_as(&by, &account, id, patch)
        .await
        .map_err(admin_error)?;
    if let Some(n) = &notify {
        state
            .engine
            .set_staff_address_as(&by, &account, Some(id), n)
            .await
            .map_err(admin_error)?;
    }
    let staff = state.engine.staff_addresses_as(&by, &account).await?;
    Ok(Json(SkillView::of(&skill, &staff)))
}

/// `DELETE …/skills/{skillId}`: agents lose the skill; chats keep its id.
#[utoipa::path(
    delete,
    path = "/chatwire/v1/accounts/{account}/skills/{skillId}",
    tag = "skills",
    params(
        ("account" = String, Path, description = "Account id"),
        ("skillId" = i64, Path, description = "Skill id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such skill", body = ErrorBody),
        (status = 409, description = "An open chat is in the skill", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_skill(
    State(state): State<AppState>,
    Path((account, skill)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let id = skill_path(&skill)?;
    state.engine.delete_skill_as(&by, &account, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
