//! The SuperOffice WebAPI chat dialect (spec: shared/spec/superoffice.md; decisions:
//! docs/superoffice.md): the 31 `POST /api/v1/Agents/Chat/{Method}` calls and the REST
//! resources `ChatSession…`, `ChatTopic…`, `Presence/…`, all over the same engine use cases
//! as the LivePerson dialect. Every route exists twice: under `/api/v1` (the configured default
//! account) and under `/{account}/api/v1` (SuperOffice Online's `/Cust12345/api/v1`).
//!
//! One operation table: every `IChatAgent` method is a typed request (a struct named after the
//! method) read once from either wire form and answered by one function (`operation`). The RPC
//! form finds it by name in `agent::OPERATIONS`; the REST routes (`rest`) build the same
//! requests from path, query and body, and add REST's own shapes (`rest_shape`); the OData
//! lists are the session archive (`archive`, options read by `odata`).
//!
//! Map: the methods by domain noun: `presence`, `sessions` (the session entity), `routing` (who
//! handles a session), `messages`, `topics`, `topic_members`. Wire plumbing: `compat` (format,
//! error envelope), `auth` (Basic / Bearer / SOTicket, `SO-AppToken`), `body` (case-insensitive
//! JSON / XML / form bodies), `reply` (`$select`, JSON / XML, 204), `xml` (DataContract output),
//! `dates`, `special` (message types), `hours` (opening hours), `topic_options` (widget, bot, alert, ticket settings),
//! `patch` (JSON Patch), `types` + `types_topic` (wire
//! shapes), `convert` (engine values → shapes), `webhook` (the SuperOffice webhook payload).
//!
//! What it must not do: decide anything about chats; business rules are the engine's.

pub mod agent;
pub mod archive;
pub mod auth;
pub mod body;
pub mod compat;
pub mod convert;
pub mod dates;
pub mod hours;
pub mod messages;
pub mod odata;
pub mod operation;
pub mod patch;
pub mod presence;
pub mod reply;
pub mod rest;
pub mod rest_shape;
pub mod routing;
pub mod sessions;
pub mod special;
pub mod topic_members;
pub mod topic_options;
pub mod topics;
pub mod types;
pub mod types_topic;
pub(crate) mod webhook;
pub mod xml;

use axum::Router;

use crate::AppState;
use crate::routes::RouteTable;

/// The SuperOffice routes, under both roots, with the dialect's error envelope.
pub fn router() -> Router<AppState> {
    table()
        .into_router()
        .layer(crate::http::around::AroundLayer(compat::RenderErrors))
}

/// Every SuperOffice route, under both roots.
pub fn table() -> RouteTable {
    routes("/api/v1").merge(routes("/{account}/api/v1"))
}

/// Every route under one root: the RPC method URL, the REST resources, and SuperOffice's 404
/// for anything else under the root.
fn routes(root: &str) -> RouteTable {
    let method = format!("{root}/Agents/Chat/{{method}}");
    let table = RouteTable::new()
        .post(&method, agent::post_method)
        .get(&method, agent::describe_method);
    rest::routes(table, root).any(&format!("{root}/{{*rest}}"), not_found)
}

/// SuperOffice's answer to an unknown resource under the API root.
async fn not_found(uri: axum::http::Uri) -> crate::ApiError {
    crate::ApiError::NotFound(format!("no such resource: {}", uri.path()))
}
