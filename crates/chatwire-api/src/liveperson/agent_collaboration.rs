//! Chat Agent API, collaboration channels (rel `collaboration-channels`): a supervisor (an
//! admin of the account) joins a chat another agent handles to listen or to write, changes
//! mode, or leaves. Who may, and what a writer may do, is the engine's (`chats/collaboration`).
//!
//! - `GET …/chat/{chatId}/collaborationChannels`: the channels (any agent who may read the chat);
//! - `POST …/collaborationChannels` with `{"collaborationChannel":{"mode":"listen"|"write"}}`:
//!   join or change mode; 201 with `Location` `…/collaborationChannels/{agentId}`;
//! - `DELETE …/collaborationChannels/{agentId}` (or POST + override): leave; a supervisor leaves
//!   only their own channel.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chatwire_engine::core::CollaborationMode;

use super::agent_chat::ChatPath;
use super::auth::LpAgent;
use super::body::LpBody;
use super::compat::empty;
use super::reply::{LpAnswer, LpReply};
use super::views::chat::chat_urls;
use super::views::collaboration::CollaborationChannels;
use crate::http::negotiate::Format;
use crate::http::path::chat_key;
use crate::{ApiError, AppState, BaseUrl};

fn channels_url(base: &BaseUrl, agent: &LpAgent, key: &chatwire_engine::core::ChatKey) -> String {
    chat_urls(base, agent.who.account(), Some(agent.asid), key).sub("collaborationChannels")
}

/// `GET …/chat/{chatId}/collaborationChannels`.
pub async fn get_channels(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, chat)): ChatPath,
) -> LpAnswer {
    let key = chat_key(&chat)?;
    let chat = state.engine.collaborators(&agent.who, &key).await?;
    let url = channels_url(&base, &agent, &key);
    Ok(LpReply::ok(
        format,
        &CollaborationChannels {
            chat: &chat,
            url: &url,
        },
    ))
}

/// `POST …/chat/{chatId}/collaborationChannels`: join, or change mode.
pub async fn post_channel(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, chat)): ChatPath,
    body: LpBody,
) -> LpAnswer {
    let key = chat_key(&chat)?;
    let mode = body
        .str_at(&[&["collaborationChannel"], &["mode"]])
        .or_else(|| body.str_at(&[&["mode"]]));
    let mode = match mode.as_deref().map(str::trim) {
        Some(m) if m.eq_ignore_ascii_case("listen") => CollaborationMode::Listen,
        Some(m) if m.eq_ignore_ascii_case("write") => CollaborationMode::Write,
        _ => {
            return Err(ApiError::BadRequest(
                "collaborationChannel.mode must be listen or write".into(),
            ));
        }
    };
    state
        .engine
        .collaborate(&agent.who, &key, Some(mode))
        .await?;
    let url = format!(
        "{}/{}",
        channels_url(&base, &agent, &key),
        agent.who.agent().0
    );
    Ok(LpReply::created(
        format,
        "collaborationChannelLocation",
        url,
    ))
}

/// `DELETE …/chat/{chatId}/collaborationChannels/{channel}`: the supervisor leaves; 200.
pub async fn delete_channel(
    State(state): State<AppState>,
    agent: LpAgent,
    Path((_, _, chat, channel)): Path<(String, i64, String, String)>,
) -> Result<Response, ApiError> {
    let key = chat_key(&chat)?;
    if channel.trim() != agent.who.agent().0.to_string() {
        // Another supervisor's channel: first the chat's own access answer, then a refusal.
        state.engine.collaborators(&agent.who, &key).await?;
        return Err(ApiError::NotFound("collaboration channel not found".into()));
    }
    state.engine.collaborate(&agent.who, &key, None).await?;
    Ok(empty(StatusCode::OK))
}
