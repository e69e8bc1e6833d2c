//! chatwire's own JSON API under `/chatwire/v1` (not a LivePerson or SuperOffice route): the
//! admin API, history, statistics and the real-time feed ([`crate::feed`]), with the
//! plumbing every route of it shares.
//!
//! Conventions (docs/api.md):
//! - JSON in ([`json::JsonBody`], parsed after the caller is authenticated) and out;
//!   member names in camelCase.
//! - Every error is `{"error":{"status","code","message","field"}}` ([`crate::ApiError`]'s own
//!   rendering); a bad body member or query parameter is `invalid_field` naming it.
//! - Every list is paged: `?limit=&cursor=` in, `{"items":[…],"next":…}` out ([`page`]). The
//!   feed and the mailbox keep their numeric `after`/`next` cursors.
//! - Admin routes take an [`chatwire_engine::AdminCaller`] ([`admin::admin_caller`]); the
//!   engine decides what it may do.
//! - Each handler carries a `utoipa` annotation; [`openapi::document`] merges them into the
//!   OpenAPI 3.1 document served at `/chatwire/v1/openapi.json` and rendered at
//!   `/chatwire/v1/docs`.

pub mod accounts;
pub mod admin;
pub mod agent_actions;
pub mod agents;
pub mod app_keys;
pub mod app_logins;
pub mod history;
pub mod json;
pub mod openapi;
pub mod page;
mod reference;
pub mod skill_item;
pub mod skills;
mod survey_types;
pub mod surveys;
pub mod webhook_views;
pub mod webhooks;

pub use openapi::{ErrorBody, ErrorDetail};

use crate::routes::RouteTable;

/// Every route of chatwire's own API.
pub fn table() -> RouteTable {
    RouteTable::new()
        .get("/chatwire/v1/openapi.json", openapi::openapi_json)
        .get("/chatwire/v1/docs", openapi::reference_page)
        .get(
            "/chatwire/v1/accounts/{account}/skills",
            skills::list_skills,
        )
        .post(
            "/chatwire/v1/accounts/{account}/skills",
            skills::create_skill,
        )
        .merge(history::table())
        .merge(admin_table())
        .get(
            "/chatwire/v1/accounts/{account}/surveys",
            surveys::list_surveys,
        )
        .post(
            "/chatwire/v1/accounts/{account}/surveys",
            surveys::create_survey,
        )
        .get(
            "/chatwire/v1/accounts/{account}/surveys/{surveyId}",
            surveys::get_survey,
        )
        .put(
            "/chatwire/v1/accounts/{account}/surveys/{surveyId}",
            surveys::replace_survey,
        )
        .delete(
            "/chatwire/v1/accounts/{account}/surveys/{surveyId}",
            surveys::delete_survey,
        )
        .get("/chatwire/v1/accounts/{account}/appLogins", app_logins::list_app_logins)
        .post("/chatwire/v1/accounts/{account}/appLogins", app_logins::create_app_login)
        .delete(
            "/chatwire/v1/accounts/{account}/appLogins/{appLoginId}",
            app_logins::revoke_app_login,
        )
        .merge(webhook_table())
        .merge(crate::feed::table())
        // Anything else under /chatwire answers in this API's envelope, not LivePerson's (the
        // dialect that catches every unmatched path).
        .any("/chatwire/{*rest}", unknown_path)
}

/// An unknown path under `/chatwire`.
async fn unknown_path(uri: axum::http::Uri) -> crate::ApiError {
    crate::ApiError::NotFound(format!(
        "no such resource: {} (see /chatwire/v1/docs)",
        uri.path()
    ))
}

/// The webhook routes (docs/webhooks.md).
fn webhook_table() -> RouteTable {
    const HOOKS: &str = "/chatwire/v1/accounts/{account}/webhooks";
    const HOOK: &str = "/chatwire/v1/accounts/{account}/webhooks/{webhookId}";
    RouteTable::new()
        .get(HOOKS, webhooks::list_webhooks)
        .post(HOOKS, webhooks::create_webhook)
        .get(HOOK, webhooks::get_webhook)
        .patch(HOOK, webhooks::update_webhook)
        .delete(HOOK, webhooks::delete_webhook)
        .get(
            "/chatwire/v1/accounts/{account}/webhooks/{webhookId}/deadLetters",
            webhooks::list_dead_letters,
        )
        .post(
            "/chatwire/v1/accounts/{account}/webhooks/{webhookId}/deadLetters/{deadLetterId}/replay",
            webhooks::replay_dead_letter,
        )
}

/// The admin routes besides the skills list: accounts, agents, one skill, app keys.
fn admin_table() -> RouteTable {
    const ACCOUNT: &str = "/chatwire/v1/accounts/{account}";
    const AGENT: &str = "/chatwire/v1/accounts/{account}/agents/{agentId}";
    const SKILL: &str = "/chatwire/v1/accounts/{account}/skills/{skillId}";
    const KEYS: &str = "/chatwire/v1/accounts/{account}/appKeys";
    const KEY: &str = "/chatwire/v1/accounts/{account}/appKeys/{key}";
    RouteTable::new()
        .get("/chatwire/v1/accounts", accounts::list_accounts)
        .post("/chatwire/v1/accounts", accounts::create_account)
        .get(ACCOUNT, accounts::get_account)
        .patch(ACCOUNT, accounts::update_account)
        .get(
            "/chatwire/v1/accounts/{account}/agents",
            agents::list_agents,
        )
        .post(
            "/chatwire/v1/accounts/{account}/agents",
            agents::create_agent,
        )
        .get(AGENT, agents::get_agent)
        .patch(AGENT, agents::update_agent)
        .delete(AGENT, agents::delete_agent)
        .post(
            "/chatwire/v1/accounts/{account}/agents/{agentId}/disable",
            agent_actions::disable_agent,
        )
        .post(
            "/chatwire/v1/accounts/{account}/agents/{agentId}/enable",
            agent_actions::enable_agent,
        )
        .post(
            "/chatwire/v1/accounts/{account}/agents/{agentId}/password",
            agent_actions::reset_password,
        )
        .get(SKILL, skill_item::get_skill)
        .patch(SKILL, skill_item::update_skill)
        .delete(SKILL, skill_item::delete_skill)
        .get(KEYS, app_keys::list_app_keys)
        .post(KEYS, app_keys::create_app_key)
        .get(KEY, app_keys::get_app_key)
        .patch(KEY, app_keys::update_app_key)
        .delete(KEY, app_keys::revoke_app_key)
}
