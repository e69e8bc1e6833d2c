//! The SuperOffice WebAPI chat dialect (spec: shared/spec/superoffice.md; decisions:
//! docs/superoffice.md): the 31 `POST /api/v1/Agents/Chat/{Method}` calls and the REST
//! resources `ChatSession…`, `ChatTopic…`, `Presence/…`, all over the same engine use cases
//! as the LivePerson dialect. Every route exists twice: under `/api/v1` (the configured default
//! account) and under `/{account}/api/v1` (SuperOffice Online's `/Cust12345/api/v1`).
//!
//! Map: `compat` (format, error envelope), `auth` (Basic / Bearer / SOTicket, `SO-AppToken`),
//! `body` (case-insensitive JSON / XML / form bodies), `reply` (`$select`, JSON / XML, 204),
//! `xml` (DataContract output), `dates`, `types` + `types_topic` (wire shapes), `convert`
//! (engine values → shapes), `agent` (method dispatch), `sessions` + `topics` + `messages`
//! (the methods; `messages` is `GetChatMessages` and its long-poll), `rest` (REST routes).
//!
//! What it must not do: decide anything about chats; business rules are the engine's.

pub mod agent;
pub mod auth;
pub mod body;
pub mod compat;
pub mod convert;
pub mod dates;
pub mod hours;
pub mod messages;
pub mod patch;
pub mod reply;
pub mod rest;
pub mod sessions;
pub mod topics;
pub mod types;
pub mod types_topic;
pub mod xml;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// The SuperOffice routes, under both roots, with the dialect's error envelope.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(routes("/api/v1"))
        .merge(routes("/{account}/api/v1"))
        .layer(axum::middleware::from_fn(compat::render_errors))
}

/// Every route under one root.
fn routes(root: &str) -> Router<AppState> {
    use rest as r;
    let cs = format!("{root}/ChatSession");
    let ct = format!("{root}/ChatTopic");
    Router::new()
        .route(
            &format!("{root}/Agents/Chat/{{method}}"),
            post(agent::post_method).get(agent::describe_method),
        )
        .route(&cs, get(r::get_sessions).post(r::post_session))
        .route(&format!("{cs}/default"), get(r::get_session_default))
        .route(
            &format!("{cs}/ForCurrentUser"),
            get(r::get_sessions_for_user),
        )
        .route(&format!("{cs}/Pickup"), post(r::post_pickup_first))
        .route(
            &format!("{cs}/{{id}}"),
            get(r::get_session)
                .put(r::put_session)
                .patch(r::put_session)
                .delete(r::delete_session),
        )
        .route(
            &format!("{cs}/{{id}}/TransferTo/{{to}}"),
            post(r::post_transfer),
        )
        .route(
            &format!("{cs}/{{id}}/AcceptTransfer"),
            post(r::post_accept_transfer),
        )
        .route(
            &format!("{cs}/{{id}}/RejectTransfer"),
            post(r::post_reject_transfer),
        )
        .route(&format!("{cs}/{{id}}/Pickup"), post(r::post_pickup))
        .route(&format!("{cs}/{{id}}/Reset"), post(r::post_reset))
        .route(&format!("{cs}/{{id}}/Transcript"), post(r::post_transcript))
        .route(
            &format!("{cs}/{{id}}/Messages"),
            get(r::get_messages).post(r::post_message),
        )
        .route(&ct, post(r::post_topic))
        .route(&format!("{ct}/default"), get(r::get_topic_default))
        .route(&format!("{ct}/ForCurrentUser"), get(r::get_topics_for_user))
        .route(&format!("{ct}/UserAgents"), get(r::get_user_agents))
        .route(
            &format!("{ct}/{{id}}"),
            get(r::get_topic)
                .put(r::put_topic)
                .patch(r::put_topic)
                .delete(r::delete_topic),
        )
        .route(
            &format!("{ct}/{{id}}/Sessions"),
            get(r::get_topic_sessions).post(r::post_topic_session),
        )
        .route(&format!("{ct}/{{id}}/IsOpen"), get(r::get_topic_is_open))
        .route(
            &format!("{ct}/{{id}}/UserAgent"),
            get(r::get_topic_agents)
                .put(r::put_topic_agents)
                .post(r::post_topic_agent),
        )
        .route(
            &format!("{ct}/{{id}}/UserAgent/{{user}}"),
            get(r::get_topic_agent)
                .put(r::put_topic_agent)
                .delete(r::delete_topic_agent),
        )
        .route(&format!("{root}/Presence/GetAll"), get(r::get_presence))
        .route(&format!("{root}/Presence/SaveAll"), post(r::post_presence))
        .route(&format!("{root}/ChatPresence/GetAll"), get(r::get_presence))
        .route(
            &format!("{root}/ChatPresence/SaveAll"),
            post(r::post_presence),
        )
        .route(&format!("{root}/{{*rest}}"), axum::routing::any(not_found))
}

/// SuperOffice's answer to an unknown resource under the API root.
async fn not_found(uri: axum::http::Uri) -> crate::ApiError {
    crate::ApiError::NotFound(format!("no such resource: {}", uri.path()))
}
