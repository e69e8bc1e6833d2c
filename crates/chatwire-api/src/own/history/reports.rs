//! Offline messages, statistics and the retention period.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chatwire_engine::core::history::StatsBy;
use chatwire_engine::core::{AgentId, SkillId};
use chatwire_engine::{Engine, StatsQuery};

use super::views::{OfflineMessageView, RetentionView, StatsRowView, StatsView};
use super::{engine_error, params};
use crate::http::query::Query;
use crate::http::time::iso_millis;
use crate::own::admin::admin_caller;
use crate::own::json::JsonBody;
use crate::own::openapi::ErrorBody;
use crate::own::page::{Cursor, Page};
use crate::{ApiError, AppState};

/// `GET /chatwire/v1/accounts/{account}/offline-messages`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/offline-messages",
    tag = "history",
    summary = "Offline (\"leave a message\") surveys, newest first",
    params(
        ("account" = String, Path, description = "Account id"),
        ("handled" = Option<bool>, Query, description = "false: only those not handled yet"),
        ("limit" = Option<u32>, Query, description = "Messages per page, 1 to 200 (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of offline messages", body = Page<OfflineMessageView>),
        (status = 400, description = "Bad parameter", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_offline(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<Page<OfflineMessageView>>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    // handled=true alone is not offered: handled messages are the rest of the list.
    let unhandled_only = params::flag(&q, "handled")? == Some(false);
    let cursor = params::cursor(&q)?;
    let (messages, next) = state
        .engine
        .offline_messages(
            &by,
            &account,
            unhandled_only,
            cursor.as_deref(),
            params::limit(&q)?,
        )
        .await
        .map_err(engine_error)?;
    Ok(Json(Page {
        items: messages.iter().map(OfflineMessageView::from).collect(),
        next: next.as_deref().map(Cursor::encode),
    }))
}

/// `POST /chatwire/v1/accounts/{account}/offline-messages/{id}/handled`.
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts/{account}/offline-messages/{id}/handled",
    tag = "history",
    summary = "Mark an offline message handled (again: the first mark stays)",
    params(
        ("account" = String, Path, description = "Account id"),
        ("id" = i64, Path, description = "Offline message id"),
    ),
    responses(
        (status = 200, description = "The message, handled", body = OfflineMessageView),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such offline message", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn mark_handled(
    State(state): State<AppState>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<OfflineMessageView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let id: i64 = id
        .trim()
        .parse()
        .map_err(|_| ApiError::NotFound("offline message not found".into()))?;
    let message = state
        .engine
        .mark_offline_handled(&by, &account, id)
        .await
        .map_err(engine_error)?;
    Ok(Json(OfflineMessageView::from(&message)))
}

fn stats_by(q: &Query) -> Result<(StatsBy, &'static str), ApiError> {
    match q.get("by").map(str::trim).filter(|v| !v.is_empty()) {
        None | Some("total") => Ok((StatsBy::Total, "total")),
        Some("hour") => Ok((StatsBy::Hour, "hour")),
        Some("day") => Ok((StatsBy::Day, "day")),
        Some("skill") => Ok((StatsBy::Skill, "skill")),
        Some("agent") => Ok((StatsBy::Agent, "agent")),
        Some(_) => Err(ApiError::field_error(
            "by",
            "by must be total, hour, day, skill or agent",
        )),
    }
}

/// `GET /chatwire/v1/accounts/{account}/stats`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/stats",
    tag = "history",
    summary = "Chats requested, accepted, missed, waits, handle times, lines and survey scores",
    params(
        ("account" = String, Path, description = "Account id"),
        ("from" = Option<String>, Query, description = "Requested at or after (default: `to` minus a day)"),
        ("to" = Option<String>, Query, description = "Requested before (default: now); at most 92 days after `from`"),
        ("by" = Option<String>, Query, description = "total (default), hour, day, skill or agent"),
        ("skill" = Option<i64>, Query, description = "Only this skill's chats"),
        ("agent" = Option<i64>, Query, description = "Only this agent's chats"),
    ),
    responses(
        (status = 200, description = "The figures", body = StatsView),
        (status = 400, description = "Bad parameter", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_stats(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<StatsView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let (group, group_name) = stats_by(&q)?;
    let query = StatsQuery {
        from: params::time(&q, "from")?,
        to: params::time(&q, "to")?,
        by: group,
        skill: params::int(&q, "skill")?.map(SkillId),
        agent: params::int(&q, "agent")?.map(AgentId),
    };
    // The engine's defaults, filled in once, so the answer names the range it counted.
    let (from, to) = state.engine.stats_range(&query);
    let query = StatsQuery {
        from: Some(from),
        to: Some(to),
        ..query
    };
    let rows = state
        .engine
        .chat_stats(&by, &account, &query)
        .await
        .map_err(engine_error)?;
    Ok(Json(StatsView {
        from: iso_millis(from),
        to: iso_millis(to),
        by: group_name.to_owned(),
        rows: rows.iter().map(StatsRowView::from).collect(),
    }))
}

/// `GET /chatwire/v1/accounts/{account}/retention`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/retention",
    tag = "erasure",
    summary = "The account's retention period",
    params(("account" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "The period (null: kept forever)", body = RetentionView),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_retention(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
) -> Result<Json<RetentionView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let days = state
        .engine
        .retention(&by, &account)
        .await
        .map_err(engine_error)?;
    Ok(Json(RetentionView { days }))
}

/// `PUT /chatwire/v1/accounts/{account}/retention`.
#[utoipa::path(
    put,
    path = "/chatwire/v1/accounts/{account}/retention",
    tag = "erasure",
    summary = "Set the account's retention period: ended chats older than it are deleted",
    params(("account" = String, Path, description = "Account id")),
    request_body = RetentionView,
    responses(
        (status = 200, description = "The period now", body = RetentionView),
        (status = 400, description = "Bad body", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn put_retention(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<RetentionView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let body: RetentionView = body.parse()?;
    state
        .engine
        .set_retention(&by, &account, body.days)
        .await
        .map_err(engine_error)?;
    Ok(Json(body))
}
