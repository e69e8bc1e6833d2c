//! Surveys in chatwire's own admin API: `GET|POST /chatwire/v1/accounts/{account}/surveys`
//! and `GET|PUT|DELETE …/surveys/{surveyId}`. The document is [`SurveyDto`]; the rules
//! (definition, skill, one active survey per kind and skill) are the engine's.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chatwire_engine::Engine;
use chatwire_engine::core::AccountId;
use utoipa::OpenApi;

use super::admin::admin_caller;
use super::json::JsonBody;
use super::page::{Page, PageParams};
pub use super::survey_types::SurveyDto;
use super::survey_types::{EntryDto, KindDto, QuestionDto, QuestionTypeDto, ValidationDto};
use crate::http::query::Query;
use crate::{ApiError, AppState};

/// The survey routes.
#[derive(OpenApi)]
#[openapi(
    paths(list_surveys, create_survey, get_survey, replace_survey, delete_survey),
    components(schemas(
        SurveyDto,
        QuestionDto,
        EntryDto,
        KindDto,
        QuestionTypeDto,
        ValidationDto
    ))
)]
pub struct SurveysApi;

fn survey_id(raw: &str) -> Result<i64, ApiError> {
    raw.trim()
        .parse()
        .map_err(|_| ApiError::field_error("surveyId", "a survey id is a number"))
}

async fn admin(
    state: &AppState,
    account: &str,
    headers: &HeaderMap,
) -> Result<(chatwire_engine::AdminCaller, AccountId), ApiError> {
    let account = Engine::parse_account(account)?;
    let by = admin_caller(state, &account, headers).await?;
    Ok((by, account))
}

/// `GET …/surveys`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/surveys",
    tag = "surveys",
    summary = "The account's surveys, by id",
    params(
        ("account" = String, Path, description = "Account id"),
        ("limit" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of surveys", body = Page<SurveyDto>),
        (status = 400, description = "Bad parameter", body = super::ErrorBody),
        (status = 401, description = "No or bad credentials", body = super::ErrorBody),
        (status = 403, description = "Not an admin", body = super::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_surveys(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<Page<SurveyDto>>, ApiError> {
    let (by, account) = admin(&state, &account, &headers).await?;
    let params = PageParams::from_query(&q)?;
    let all = state.engine.surveys_as(&by, &account).await?;
    let page = Page::of_sorted(
        all,
        &params,
        |s| s.id,
        |c| c.parse().ok(),
        |s| s.id.to_string(),
    )?;
    Ok(Json(Page {
        items: page.items.iter().map(SurveyDto::from).collect(),
        next: page.next,
    }))
}

/// `POST …/surveys`.
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts/{account}/surveys",
    tag = "surveys",
    summary = "Defines a survey (pre-chat, offline, exit or agent; for the account or one skill)",
    params(("account" = String, Path, description = "Account id")),
    request_body = SurveyDto,
    responses(
        (status = 201, description = "Created", body = SurveyDto),
        (status = 400, description = "Bad definition (the field says where)", body = super::ErrorBody),
        (status = 401, description = "No or bad credentials", body = super::ErrorBody),
        (status = 403, description = "Not an admin", body = super::ErrorBody),
        (status = 409, description = "Another active survey of this kind and skill", body = super::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_survey(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<(StatusCode, Json<SurveyDto>), ApiError> {
    let (by, account) = admin(&state, &account, &headers).await?;
    let dto: SurveyDto = body.parse()?;
    let survey = dto.into_survey(&account);
    let created = state.engine.create_survey_as(&by, &account, survey).await?;
    Ok((StatusCode::CREATED, Json(SurveyDto::from(&created))))
}

/// `GET …/surveys/{surveyId}`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/surveys/{surveyId}",
    tag = "surveys",
    summary = "One survey",
    params(
        ("account" = String, Path, description = "Account id"),
        ("surveyId" = i64, Path, description = "Survey id"),
    ),
    responses(
        (status = 200, description = "The survey", body = SurveyDto),
        (status = 400, description = "Bad id", body = super::ErrorBody),
        (status = 401, description = "No or bad credentials", body = super::ErrorBody),
        (status = 403, description = "Not an admin", body = super::ErrorBody),
        (status = 404, description = "No such survey", body = super::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_survey(
    State(state): State<AppState>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<SurveyDto>, ApiError> {
    let (by, account) = admin(&state, &account, &headers).await?;
    let survey = state
        .engine
        .survey_as(&by, &account, survey_id(&id)?)
        .await?;
    Ok(Json(SurveyDto::from(&survey)))
}

/// `PUT …/surveys/{surveyId}`.
#[utoipa::path(
    put,
    path = "/chatwire/v1/accounts/{account}/surveys/{surveyId}",
    tag = "surveys",
    summary = "Replaces a survey's definition (set `active` false to retire it)",
    params(
        ("account" = String, Path, description = "Account id"),
        ("surveyId" = i64, Path, description = "Survey id"),
    ),
    request_body = SurveyDto,
    responses(
        (status = 200, description = "The survey as stored", body = SurveyDto),
        (status = 400, description = "Bad definition (the field says where)", body = super::ErrorBody),
        (status = 401, description = "No or bad credentials", body = super::ErrorBody),
        (status = 403, description = "Not an admin", body = super::ErrorBody),
        (status = 404, description = "No such survey", body = super::ErrorBody),
        (status = 409, description = "Another active survey of this kind and skill", body = super::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn replace_survey(
    State(state): State<AppState>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<SurveyDto>, ApiError> {
    let (by, account) = admin(&state, &account, &headers).await?;
    let id = survey_id(&id)?;
    let dto: SurveyDto = body.parse()?;
    let survey = dto.into_survey(&account);
    let stored = state
        .engine
        .update_survey_as(&by, &account, id, survey)
        .await?;
    Ok(Json(SurveyDto::from(&stored)))
}

/// `DELETE …/surveys/{surveyId}`.
#[utoipa::path(
    delete,
    path = "/chatwire/v1/accounts/{account}/surveys/{surveyId}",
    tag = "surveys",
    summary = "Deletes a survey nobody has answered",
    params(
        ("account" = String, Path, description = "Account id"),
        ("surveyId" = i64, Path, description = "Survey id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Bad id", body = super::ErrorBody),
        (status = 401, description = "No or bad credentials", body = super::ErrorBody),
        (status = 403, description = "Not an admin", body = super::ErrorBody),
        (status = 404, description = "No such survey", body = super::ErrorBody),
        (status = 409, description = "It has responses: deactivate it instead", body = super::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_survey(
    State(state): State<AppState>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let (by, account) = admin(&state, &account, &headers).await?;
    state
        .engine
        .delete_survey_as(&by, &account, survey_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
