//! Skills in chatwire's own admin API: `GET|POST /chatwire/v1/accounts/{account}/skills`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chatwire_engine::core::{Skill, SkillId, StaffAddresses};
use chatwire_engine::{Engine, NewSkillInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::admin::admin_caller;
use super::json::JsonBody;
use super::page::{Page, PageParams};
use crate::http::query::Query;
use crate::{ApiError, AppState};

/// A skill as the admin API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillView {
    /// Server-wide numeric id (LivePerson skill id, SuperOffice topic id).
    pub id: i64,
    /// Name, unique in the account (case-insensitively).
    pub name: String,
    /// Free text for operators.
    pub description: String,
    /// Sent to the visitor when an agent accepts; empty for none.
    pub welcome_message: String,
    /// Where staff notices about this skill go (offline messages, waiting alerts); `null`:
    /// to the account's address.
    pub notify_email: Option<String>,
}

impl SkillView {
    /// The view of `s`, its staff address taken from `staff`.
    pub fn of(s: &Skill, staff: &StaffAddresses) -> Self {
        Self {
            id: s.id.0,
            name: s.name.clone(),
            description: s.description.clone(),
            welcome_message: s.welcome_message.clone(),
            notify_email: staff.of_skill(s.id).map(str::to_owned),
        }
    }
}

/// The body of `POST …/skills`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewSkillBody {
    /// Name, 1 to 100 characters, unique in the account.
    pub name: String,
    /// Free text for operators.
    #[serde(default)]
    pub description: String,
    /// Sent to the visitor when an agent accepts.
    #[serde(default)]
    pub welcome_message: String,
    /// Where staff notices about the skill go; absent or blank: to the account's address.
    #[serde(default)]
    pub notify_email: Option<String>,
}

/// `GET /chatwire/v1/accounts/{account}/skills`: the account's skills by id, a page at a time.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/skills",
    tag = "skills",
    params(
        ("account" = String, Path, description = "Account id"),
        ("limit" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of skills", body = Page<SkillView>),
        (status = 400, description = "Bad parameter", body = super::openapi::ErrorBody),
        (status = 401, description = "No or bad credentials", body = super::openapi::ErrorBody),
        (status = 403, description = "Not an admin", body = super::openapi::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_skills(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<Page<SkillView>>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let params = PageParams::from_query(&q)?;
    let skills = state.engine.skills_as(&by, &account).await?;
    let staff = state.engine.staff_addresses_as(&by, &account).await?;
    let page = Page::of_sorted(
        skills,
        &params,
        |s| s.id,
        |c| c.parse().ok().map(SkillId),
        |s| s.id.0.to_string(),
    )?;
    Ok(Json(Page {
        items: page
            .items
            .iter()
            .map(|s| SkillView::of(s, &staff))
            .collect(),
        next: page.next,
    }))
}

/// `POST /chatwire/v1/accounts/{account}/skills`: creates a skill.
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts/{account}/skills",
    tag = "skills",
    params(("account" = String, Path, description = "Account id")),
    request_body = NewSkillBody,
    responses(
        (status = 201, description = "Created", body = SkillView),
        (status = 400, description = "Bad body", body = super::openapi::ErrorBody),
        (status = 401, description = "No or bad credentials", body = super::openapi::ErrorBody),
        (status = 403, description = "Not an admin", body = super::openapi::ErrorBody),
        (status = 409, description = "The name is taken", body = super::openapi::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_skill(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<(StatusCode, Json<SkillView>), ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let body: NewSkillBody = body.parse()?;
    // Checked before anything is written: a bad address creates no skill.
    let notify = body.notify_email.unwrap_or_default();
    Engine::check_staff_address(&notify).map_err(super::admin::admin_error)?;
    let input = NewSkillInput {
        name: body.name,
        description: body.description,
        welcome_message: body.welcome_message,
    };
    let skill = state
        .engine
        .create_skill_as(&by, &account, input)
        .await
        .map_err(super::admin::admin_error)?;
    state
        .engine
        .set_staff_address_as(&by, &account, Some(skill.id), &notify)
        .await
        .map_err(super::admin::admin_error)?;
    let staff = state.engine.staff_addresses_as(&by, &account).await?;
    Ok((StatusCode::CREATED, Json(SkillView::of(&skill, &staff))))
}
