//! History pages, one chat's record, deleting a chat and erasing a visitor.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chatwire_engine::core::history::VisitorRef;
use chatwire_engine::core::{AgentId, ChatKey, SkillId};
use chatwire_engine::{Engine, HistoryFilter};

use super::views::{ChatSummaryView, ErasedView, ErasureBody, HistoryChatView};
use super::{engine_error, params};
use crate::http::query::Query;
use crate::own::admin::admin_caller;
use crate::own::json::JsonBody;
use crate::own::openapi::ErrorBody;
use crate::own::page::{Cursor, Page};
use crate::{ApiError, AppState};

/// A chat id from the path; one that cannot be a chat id is a chat that does not exist.
fn chat_key(raw: &str) -> Result<ChatKey, ApiError> {
    ChatKey::parse(raw).map_err(|_| ApiError::NotFound("chat not found".into()))
}

/// `GET /chatwire/v1/accounts/{account}/history/chats`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/history/chats",
    tag = "history",
    summary = "Search the account's chats, newest first",
    params(
        ("account" = String, Path, description = "Account id"),
        ("from" = Option<String>, Query, description = "Requested at or after (RFC 3339 or epoch ms)"),
        ("to" = Option<String>, Query, description = "Requested before (RFC 3339 or epoch ms)"),
        ("skill" = Option<i64>, Query, description = "Skill id"),
        ("agent" = Option<i64>, Query, description = "Handling (last) agent id"),
        ("visitor" = Option<i64>, Query, description = "Numeric visitor id"),
        ("state" = Option<String>, Query, description = "waiting, chatting or ended"),
        ("q" = Option<String>, Query, description = "Words one visitor or agent line holds (full text, case-insensitive)"),
        ("limit" = Option<u32>, Query, description = "Chats per page, 1 to 200 (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of chats", body = Page<ChatSummaryView>),
        (status = 400, description = "Bad parameter", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_chats(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<Page<ChatSummaryView>>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let filter = HistoryFilter {
        from: params::time(&q, "from")?,
        to: params::time(&q, "to")?,
        skill: params::int(&q, "skill")?.map(SkillId),
        agent: params::int(&q, "agent")?.map(AgentId),
        visitor: params::int(&q, "visitor")?,
        state: params::state(&q)?,
        q: q.get("q")
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned),
        cursor: params::cursor(&q)?,
        limit: params::limit(&q)?,
    };
    let page = state
        .engine
        .history(&by, &account, &filter)
        .await
        .map_err(engine_error)?;
    Ok(Json(Page {
        items: page.chats.iter().map(ChatSummaryView::from).collect(),
        next: page.next.as_deref().map(Cursor::encode),
    }))
}

/// `GET /chatwire/v1/accounts/{account}/history/chats/{chat}`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/history/chats/{chat}",
    tag = "history",
    summary = "One chat with every event, its surveys and its transcript",
    params(
        ("account" = String, Path, description = "Account id"),
        ("chat" = String, Path, description = "Chat id"),
    ),
    responses(
        (status = 200, description = "The chat's record", body = HistoryChatView),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such chat in the account", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_chat(
    State(state): State<AppState>,
    Path((account, chat)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<HistoryChatView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let key = chat_key(&chat)?;
    let record = state
        .engine
        .history_chat(&by, &account, &key)
        .await
        .map_err(engine_error)?;
    Ok(Json(HistoryChatView::from(&record)))
}

/// `DELETE /chatwire/v1/accounts/{account}/chats/{chat}`.
#[utoipa::path(
    delete,
    path = "/chatwire/v1/accounts/{account}/chats/{chat}",
    tag = "erasure",
    summary = "Delete an ended chat with everything about it",
    params(
        ("account" = String, Path, description = "Account id"),
        ("chat" = String, Path, description = "Chat id"),
    ),
    responses(
        (status = 200, description = "What was deleted", body = ErasedView),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such chat in the account", body = ErrorBody),
        (status = 409, description = "The chat is still open: end it first", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_chat(
    State(state): State<AppState>,
    Path((account, chat)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<ErasedView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let key = chat_key(&chat)?;
    let erased = state
        .engine
        .delete_chat_record(&by, &account, &key)
        .await
        .map_err(engine_error)?;
    Ok(Json(ErasedView::from(&erased)))
}

/// `POST /chatwire/v1/accounts/{account}/erasure`.
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts/{account}/erasure",
    tag = "erasure",
    summary = "Delete everything about one visitor (by visitor id or e-mail)",
    params(("account" = String, Path, description = "Account id")),
    request_body = ErasureBody,
    responses(
        (status = 200, description = "What was deleted", body = ErasedView),
        (status = 400, description = "Bad body", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "One of the visitor's chats is open; nothing was deleted", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn erase_visitor(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<ErasedView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let body: ErasureBody = body.parse()?;
    let who = match (body.visitor_id, body.email) {
        (Some(id), None) => VisitorRef::Id(id),
        (None, Some(email)) => VisitorRef::Email(email),
        _ => {
            return Err(ApiError::field_error(
                "visitorId",
                "send exactly one of visitorId and email",
            ));
        }
    };
    let erased = state
        .engine
        .erase_visitor(&by, &account, &who)
        .await
        .map_err(engine_error)?;
    Ok(Json(ErasedView::from(&erased)))
}
