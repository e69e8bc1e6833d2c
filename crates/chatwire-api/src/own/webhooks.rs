//! Webhook subscriptions in chatwire's own admin API: `GET|POST
//! /chatwire/v1/accounts/{account}/webhooks`, `GET|PATCH|DELETE …/webhooks/{webhookId}`, and
//! dead letters: `GET …/webhooks/{webhookId}/deadLetters`, `POST
//! …/deadLetters/{deadLetterId}/replay` (docs/webhooks.md). Handlers call the engine, which
//! checks the admin caller and validates.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chatwire_engine::{Engine, WebhookInput, WebhookPatch};
use utoipa::OpenApi;

use super::admin::{admin_caller, admin_error};
use super::json::JsonBody;
use super::openapi::ErrorBody;
use super::page::{Page, PageParams};
use super::webhook_views::{
    CreatedWebhookView, DeadLetterView, DeliveryView, NewWebhookBody, ReplayView, WebhookPatchBody,
    WebhookView, letter_id, webhook_id,
};
use crate::http::query::Query;
use crate::{ApiError, AppState};

/// The webhook routes.
#[derive(OpenApi)]
#[openapi(
    paths(
        list_webhooks,
        create_webhook,
        get_webhook,
        update_webhook,
        delete_webhook,
        list_dead_letters,
        replay_dead_letter
    ),
    components(schemas(
        WebhookView,
        CreatedWebhookView,
        DeliveryView,
        NewWebhookBody,
        WebhookPatchBody,
        DeadLetterView,
        ReplayView,
        crate::feed::WebhookPayloadDoc,
        crate::feed::WebhookEventDoc,
        crate::feed::AccountEventDoc
    )),
    tags((name = "webhooks", description = "Outbound webhooks: subscriptions, dead letters, replay (docs/webhooks.md)"))
)]
pub struct WebhooksApi;

/// `GET …/webhooks`: the account's subscriptions by id, a page at a time.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/webhooks",
    tag = "webhooks",
    params(
        ("account" = String, Path, description = "Account id"),
        ("limit" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of subscriptions", body = Page<WebhookView>),
        (status = 400, description = "Bad parameter", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_webhooks(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<Page<WebhookView>>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let params = PageParams::from_query(&q)?;
    let hooks = state.engine.webhooks_as(&by, &account).await?;
    let page = Page::of_sorted(
        hooks,
        &params,
        |w| w.id.0,
        |c| c.parse().ok(),
        |w| w.id.0.to_string(),
    )?;
    Ok(Json(Page {
        items: page.items.iter().map(WebhookView::from).collect(),
        next: page.next,
    }))
}

/// `POST …/webhooks`: creates a subscription; the answer shows its secret this once.
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts/{account}/webhooks",
    tag = "webhooks",
    params(("account" = String, Path, description = "Account id")),
    request_body = NewWebhookBody,
    responses(
        (status = 201, description = "Created; receives events committed from now on", body = CreatedWebhookView),
        (status = 400, description = "Bad body (url, secret, events, format)", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "The account has the most subscriptions allowed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_webhook(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<(StatusCode, Json<CreatedWebhookView>), ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let body: NewWebhookBody = body.parse()?;
    let input = WebhookInput {
        url: body.url,
        secret: body.secret,
        events: body.events,
        format: body.format,
        enabled: body.enabled,
    };
    let hook = state
        .engine
        .create_webhook_as(&by, &account, input)
        .await
        .map_err(admin_error)?;
    let view = CreatedWebhookView {
        webhook: WebhookView::from(&hook),
        secret: hook.secret,
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET …/webhooks/{webhookId}`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/webhooks/{webhookId}",
    tag = "webhooks",
    params(
        ("account" = String, Path, description = "Account id"),
        ("webhookId" = i64, Path, description = "Subscription id"),
    ),
    responses(
        (status = 200, description = "The subscription", body = WebhookView),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such subscription in the account", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_webhook(
    State(state): State<AppState>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<WebhookView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let hook = state
        .engine
        .webhook_as(&by, &account, webhook_id(&id)?)
        .await?;
    Ok(Json(WebhookView::from(&hook)))
}

/// `PATCH …/webhooks/{webhookId}`: changes the URL, secret, events, format or enabled flag.
#[utoipa::path(
    patch,
    path = "/chatwire/v1/accounts/{account}/webhooks/{webhookId}",
    tag = "webhooks",
    params(
        ("account" = String, Path, description = "Account id"),
        ("webhookId" = i64, Path, description = "Subscription id"),
    ),
    request_body = WebhookPatchBody,
    responses(
        (status = 200, description = "The subscription as changed", body = WebhookView),
        (status = 400, description = "Bad body", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such subscription in the account", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn update_webhook(
    State(state): State<AppState>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<WebhookView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let id = webhook_id(&id)?;
    let body: WebhookPatchBody = body.parse()?;
    let patch = WebhookPatch {
        url: body.url,
        secret: body.secret,
        events: body.events,
        format: body.format,
        enabled: body.enabled,
    };
    let hook = state
        .engine
        .update_webhook_as(&by, &account, id, patch)
        .await
        .map_err(admin_error)?;
    Ok(Json(WebhookView::from(&hook)))
}

/// `DELETE …/webhooks/{webhookId}`: deletes the subscription and its dead letters.
#[utoipa::path(
    delete,
    path = "/chatwire/v1/accounts/{account}/webhooks/{webhookId}",
    tag = "webhooks",
    params(
        ("account" = String, Path, description = "Account id"),
        ("webhookId" = i64, Path, description = "Subscription id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such subscription in the account", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_webhook(
    State(state): State<AppState>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let id = webhook_id(&id)?;
    state.engine.delete_webhook_as(&by, &account, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET …/webhooks/{webhookId}/deadLetters`: events given up on, oldest first.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/webhooks/{webhookId}/deadLetters",
    tag = "webhooks",
    params(
        ("account" = String, Path, description = "Account id"),
        ("webhookId" = i64, Path, description = "Subscription id"),
        ("limit" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of dead letters", body = Page<DeadLetterView>),
        (status = 400, description = "Bad parameter", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such subscription in the account", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_dead_letters(
    State(state): State<AppState>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<Page<DeadLetterView>>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let id = webhook_id(&id)?;
    let params = PageParams::from_query(&q)?;
    let letters = state.engine.dead_letters_as(&by, &account, id).await?;
    let page = Page::of_sorted(
        letters,
        &params,
        |d| d.id,
        |c| c.parse().ok(),
        |d| d.id.to_string(),
    )?;
    Ok(Json(Page {
        items: page.items.iter().map(DeadLetterView::from).collect(),
        next: page.next,
    }))
}

/// `POST …/deadLetters/{deadLetterId}/replay`: posts the event once more, now (signed as
/// usual, same `Chatwire-Event-Id`); delivered, the dead letter is deleted.
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts/{account}/webhooks/{webhookId}/deadLetters/{deadLetterId}/replay",
    tag = "webhooks",
    params(
        ("account" = String, Path, description = "Account id"),
        ("webhookId" = i64, Path, description = "Subscription id"),
        ("deadLetterId" = i64, Path, description = "Dead letter id"),
    ),
    responses(
        (status = 200, description = "Tried: `delivered` says whether the receiver took it", body = ReplayView),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such dead letter, or its event was deleted", body = ErrorBody),
        (status = 409, description = "Webhook delivery does not run on this server", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn replay_dead_letter(
    State(state): State<AppState>,
    Path((account, id, letter)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Json<ReplayView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let (id, letter) = (webhook_id(&id)?, letter_id(&letter)?);
    let outcome = state
        .engine
        .replay_dead_letter_as(&by, &account, id, letter)
        .await?;
    Ok(Json(ReplayView {
        delivered: outcome.delivered,
        error: outcome.error,
    }))
}
