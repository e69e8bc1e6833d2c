//! Chat Agent API, transfers (spec §2.2.20–§2.2.21): the skills a chat can go to, and moving
//! the chat to a skill or an agent.

use axum::extract::{Path, State};
use chatwire_engine::EngineError;
use chatwire_engine::core::DomainError;

use super::agent_chat::ChatPath;
use super::auth::LpAgent;
use super::body::LpBody;
use super::reply::LpReply;
use super::views::transfer::{TransferOutcome, TransferSkills};
use crate::http::negotiate::Format;
use crate::http::path::chat_key;
use crate::{ApiError, AppState};

/// `GET …/chat/{chatId}/transfer`: skills the chat can go to, with their online agents
/// (other than this agent).
pub async fn get_transfer(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let skills = state
        .engine
        .transfer_skills_of_chat(&agent.who, &key)
        .await?;
    Ok(LpReply::ok(format, &TransferSkills { skills: &skills }))
}

/// `POST …/chat/{chatId}/transfer` with `{"transfer":{"skill":{"id":2}|"agent":{"id":6},"text":…}}`
/// (agent wins when both are given): 200. An unavailable target answers
/// `{"transfer":{"errormsg":…}}` with 400, the shape a Scala client models.
pub async fn post_transfer(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
    body: LpBody,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let (target, text) = super::input::transfer(&body)?;
    let outcome = match state.engine.transfer(&agent.who, &key, target, text).await {
        Ok(_) => TransferOutcome::Done,
        Err(EngineError::Domain(e @ DomainError::Invalid { .. })) => {
            TransferOutcome::Refused(e.to_string())
        }
        Err(e) => return Err(e.into()),
    };
    Ok(LpReply::ok(format, &outcome).status(outcome.status()))
}
