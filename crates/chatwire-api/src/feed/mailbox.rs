//! `GET /chatwire/v1/accounts/{account}/mailbox?after=ID&limit=N`: the account's local mailbox
//! (mail the server delivered here because no SMTP server is configured), oldest first, a page
//! at a time. For admin agents (`Authorization: Bearer <login bearer>`); the engine decides.
//!
//! Answer: `{"mail":[{id, chatId, from, to, subject, text, html, deliveredAt}], "next": ID}`;
//! `next` is the cursor for the following page (the last id, or `after` when the page is
//! empty). Errors are chatwire's own `{"error":{"status","code","message","field"}}`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chatwire_engine::Engine;
use chatwire_engine::core::{MailboxId, MailboxMail};
use serde_json::{Value, json};

use crate::http::auth::authorization;
use crate::http::query::Query;
use crate::http::time::iso_millis;
use crate::{ApiError, AppState};

/// Messages per page when the request names no `limit`.
const DEFAULT_LIMIT: u32 = 50;

/// `GET /chatwire/v1/accounts/{account}/mailbox`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/mailbox",
    tag = "feed",
    summary = "The local mailbox: mail delivered here because no SMTP server is configured",
    params(
        ("account" = String, Path, description = "Account id"),
        ("after" = Option<i64>, Query, description = "Last mailbox id received (default 0)"),
        ("limit" = Option<u32>, Query, description = "Most messages (default 50)"),
    ),
    responses(
        (status = 200, description = "Messages after the cursor", body = super::doc::MailboxPage),
        (status = 400, description = "Bad parameter", body = crate::own::ErrorBody),
        (status = 401, description = "No or bad credentials", body = crate::own::ErrorBody),
        (status = 403, description = "Not an admin", body = crate::own::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn get_mailbox(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<Value>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let bearer = authorization(&headers, "Bearer").ok_or_else(|| {
        ApiError::Unauthorized("send Authorization: Bearer <an admin's login bearer>".into())
    })?;
    let who = state.engine.bearer(&account, &bearer).await?;
    let after = match q.get("after").map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => a.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::field_error("after", "after must be a mailbox id (0 or more)")
        })?,
        None => 0,
    };
    let limit = q
        .leading_u32("limit")
        .map_err(|m| ApiError::field_error("limit", m))?
        .unwrap_or(DEFAULT_LIMIT);
    let page = state.engine.mailbox(&who, MailboxId(after), limit).await?;
    let next = page.last().map_or(after, |m| m.id.0);
    Ok(Json(json!({
        "mail": page.iter().map(mail_json).collect::<Vec<_>>(),
        "next": next,
    })))
}

/// One mailbox message as JSON.
fn mail_json(m: &MailboxMail) -> Value {
    json!({
        "id": m.id.0,
        "chatId": m.chat.as_ref().map(|k| k.as_str()),
        "from": m.from,
        "to": m.to,
        "subject": m.subject,
        "text": m.text,
        "html": m.html,
        "deliveredAt": iso_millis(m.delivered_at),
    })
}
