//! The OpenAPI 3.1 document of chatwire's own API, generated from the handlers' `utoipa`
//! annotations, and the reference page rendered from it.
//!
//! - `GET /chatwire/v1/openapi.json`: the document (also `chatwire openapi` on the command
//!   line, which CI validates).
//! - `GET /chatwire/v1/docs`: the same as one HTML page (no script, nothing from a CDN).
//!
//! Each area of the API declares its own `#[derive(OpenApi)]` list of paths; [`document`]
//! merges them. A test checks that every `/chatwire/v1` route of the router is in it.

use axum::Json;
use axum::response::Html;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// chatwire's error envelope (every 4xx and 5xx of its own API).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The inside of [`ErrorBody`].
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status, repeated.
    pub status: u16,
    /// Stable code to branch on: `bad_request`, `invalid_field`, `unauthorized`,
    /// `forbidden`, `not_found`, `method_not_allowed`, `conflict`, `not_acceptable`,
    /// `payload_too_large`, `uri_too_long`, `headers_too_large`, `too_many_requests`, `busy`,
    /// `unavailable`, `internal`.
    pub code: String,
    /// What to fix, for a person.
    pub message: String,
    /// The body member or query parameter at fault (`invalid_field`), else null.
    pub field: Option<String>,
}

/// The document's frame: title, security schemes, shared schemas.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "chatwire's own API",
        description = "Admin, history, statistics and real-time (feed, SSE) API of chatwire, \
                       beside the LivePerson and SuperOffice dialects. Errors are \
                       `{\"error\":{\"status\",\"code\",\"message\",\"field\"}}`; lists are \
                       paged with `limit` and an opaque `cursor` (the `next` of the previous \
                       page).",
        license(name = "Apache-2.0")
    ),
    paths(openapi_json, reference_page),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&Security),
    tags(
        (name = "meta", description = "This API's own description"),
        (name = "accounts", description = "Accounts (server-wide admin tokens create and list them)"),
        (name = "agents", description = "Agents: records, rights, disabling, passwords"),
        (name = "skills", description = "Skills (SuperOffice chat topics)"),
        (name = "appKeys", description = "Visitor app keys: feed right, allowed web origins, revocation"),
        (name = "surveys", description = "Pre-chat, offline, exit and agent surveys"),
        (name = "appLogins", description = "Bots' application logins (LivePerson application login)"),
        (name = "feed", description = "Account feed, server-sent events, local mailbox"),
    )
)]
struct Frame;

/// The skills routes.
#[derive(OpenApi)]
#[openapi(paths(
    super::skills::list_skills,
    super::skills::create_skill,
    super::skill_item::get_skill,
    super::skill_item::update_skill,
    super::skill_item::delete_skill
))]
struct SkillsApi;

/// The accounts routes.
#[derive(OpenApi)]
#[openapi(paths(
    super::accounts::list_accounts,
    super::accounts::create_account,
    super::accounts::get_account,
    super::accounts::update_account
))]
struct AccountsApi;

/// The agents routes.
#[derive(OpenApi)]
#[openapi(paths(
    super::agents::list_agents,
    super::agents::create_agent,
    super::agents::get_agent,
    super::agents::update_agent,
    super::agents::delete_agent,
    super::agent_actions::disable_agent,
    super::agent_actions::enable_agent,
    super::agent_actions::reset_password
))]
struct AgentsApi;

/// The app keys routes.
#[derive(OpenApi)]
#[openapi(paths(
    super::app_keys::list_app_keys,
    super::app_keys::create_app_key,
    super::app_keys::get_app_key,
    super::app_keys::update_app_key,
    super::app_keys::revoke_app_key
))]
struct AppKeysApi;

/// Adds the two credentials chatwire's own API takes.
struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The bearer of a LivePerson login (POST /api/account/{account}/login) of \
                         an admin agent, or an admin API token",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "appKey",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "appKey",
                "A visitor app key (also `Authorization: LivePerson appKey=…`)",
            ))),
        );
    }
}

/// The whole document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = Frame::openapi();
    doc.merge(AccountsApi::openapi());
    doc.merge(AgentsApi::openapi());
    doc.merge(SkillsApi::openapi());
    doc.merge(AppKeysApi::openapi());
    doc.merge(super::surveys::SurveysApi::openapi());
    doc.merge(super::app_logins::AppLoginsApi::openapi());
    doc.merge(super::webhooks::WebhooksApi::openapi());
    doc.merge(crate::feed::FeedApi::openapi());
    doc.merge(super::history::HistoryApi::openapi());
    doc
}

/// The whole document as indented JSON (`chatwire openapi`).
pub fn document_text() -> String {
    document()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// `GET /chatwire/v1/openapi.json`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/openapi.json",
    tag = "meta",
    summary = "This document",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}

/// `GET /chatwire/v1/docs`: the reference page.
#[utoipa::path(
    get,
    path = "/chatwire/v1/docs",
    tag = "meta",
    summary = "This document as a page for people",
    responses((status = 200, description = "The reference page", content_type = "text/html", body = String))
)]
pub async fn reference_page() -> Html<String> {
    let doc = serde_json::to_value(document()).unwrap_or_default();
    Html(super::reference::render(&doc))
}
