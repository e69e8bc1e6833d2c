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

use crate::AppState;
use crate::routes::RouteTable;

/// The SuperOffice routes, under both roots, with the dialect's error envelope.
pub fn router() -> Router<AppState> {
    table()
        .into_router()
        .layer(axum::middleware::from_fn(compat::render_errors))
}

/// Every SuperOffice route, under both roots.
pub fn table() -> RouteTable {
    routes("/api/v1").merge(routes("/{account}/api/v1"))
}

/// Every route under one root.
fn routes(root: &str) -> RouteTable {
    use rest as r;
    let cs = format!("{root}/ChatSession");
    let ct = format!("{root}/ChatTopic");
    RouteTable::new()
        .post(
            &format!("{root}/Agents/Chat/{{method}}"),
            agent::post_method,
        )
        .get(
            &format!("{root}/Agents/Chat/{{method}}"),
            agent::describe_method,
        )
        .get(&cs, r::get_sessions)
        .post(&cs, r::post_session)
        .get(&format!("{cs}/default"), r::get_session_default)
        .get(&format!("{cs}/ForCurrentUser"), r::get_sessions_for_user)
        .post(&format!("{cs}/Pickup"), r::post_pickup_first)
        .get(&format!("{cs}/{{id}}"), r::get_session)
        .put(&format!("{cs}/{{id}}"), r::put_session)
        .patch(&format!("{cs}/{{id}}"), r::put_session)
        .delete(&format!("{cs}/{{id}}"), r::delete_session)
        .post(&format!("{cs}/{{id}}/TransferTo/{{to}}"), r::post_transfer)
        .post(
            &format!("{cs}/{{id}}/AcceptTransfer"),
            r::post_accept_transfer,
        )
        .post(
            &format!("{cs}/{{id}}/RejectTransfer"),
            r::post_reject_transfer,
        )
        .post(&format!("{cs}/{{id}}/Pickup"), r::post_pickup)
        .post(&format!("{cs}/{{id}}/Reset"), r::post_reset)
        .post(&format!("{cs}/{{id}}/Transcript"), r::post_transcript)
        .get(&format!("{cs}/{{id}}/Messages"), r::get_messages)
        .post(&format!("{cs}/{{id}}/Messages"), r::post_message)
        .post(&ct, r::post_topic)
        .get(&format!("{ct}/default"), r::get_topic_default)
        .get(&format!("{ct}/ForCurrentUser"), r::get_topics_for_user)
        .get(&format!("{ct}/UserAgents"), r::get_user_agents)
        .get(&format!("{ct}/{{id}}"), r::get_topic)
        .put(&format!("{ct}/{{id}}"), r::put_topic)
        .patch(&format!("{ct}/{{id}}"), r::put_topic)
        .delete(&format!("{ct}/{{id}}"), r::delete_topic)
        .get(&format!("{ct}/{{id}}/Sessions"), r::get_topic_sessions)
        .post(&format!("{ct}/{{id}}/Sessions"), r::post_topic_session)
        .get(&format!("{ct}/{{id}}/IsOpen"), r::get_topic_is_open)
        .get(&format!("{ct}/{{id}}/UserAgent"), r::get_topic_agents)
        .put(&format!("{ct}/{{id}}/UserAgent"), r::put_topic_agents)
        .post(&format!("{ct}/{{id}}/UserAgent"), r::post_topic_agent)
        .get(
            &format!("{ct}/{{id}}/UserAgent/{{user}}"),
            r::get_topic_agent,
        )
        .put(
            &format!("{ct}/{{id}}/UserAgent/{{user}}"),
            r::put_topic_agent,
        )
        .delete(
            &format!("{ct}/{{id}}/UserAgent/{{user}}"),
            r::delete_topic_agent,
        )
        .get(&format!("{root}/Presence/GetAll"), r::get_presence)
        .post(&format!("{root}/Presence/SaveAll"), r::post_presence)
        .get(&format!("{root}/ChatPresence/GetAll"), r::get_presence)
        .post(&format!("{root}/ChatPresence/SaveAll"), r::post_presence)
        .any(&format!("{root}/{{*rest}}"), not_found)
}

/// SuperOffice's answer to an unknown resource under the API root.
async fn not_found(uri: axum::http::Uri) -> crate::ApiError {
    crate::ApiError::NotFound(format!("no such resource: {}", uri.path()))
}
