//! Chat Agent API, transfers (spec §2.2.20–§2.2.21, §4.1): the skills a chat can go to, moving
//! the chat to a skill or an agent, and (rel `transfer-account`) sending its visitor to a
//! skill of another account.

use axum::extract::{Path, State};
use chatwire_engine::EngineError;
use chatwire_engine::core::DomainError;

use super::agent_chat::ChatPath;
use super::auth::LpAgent;
use super::body::LpBody;
use super::reply::LpReply;
use super::views::transfer::{
    AccountTransferOutcome, TransferAccounts, TransferOutcome, TransferSkills,
};
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

/// `GET …/chat/{chatId}/transferAccount`: the accounts the chat can be sent to, with their
/// skills that have available agents.
pub async fn get_transfer_account(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let accounts = state
        .engine
        .account_transfer_targets(&agent.who, &key)
        .await?;
    Ok(LpReply::ok(
        format,
        &TransferAccounts {
            accounts: &accounts,
        },
    ))
}

/// `POST …/chat/{chatId}/transferAccount` with
/// `{"transferAccount":{"account":{"id":…},"skill":{"id":…},"text":…}}`: the visitor gets an
/// `a2a-transfer` event naming the other account's chat request, and the chat ends; 200. A
/// target that cannot take it answers `{"transferAccount":{"errormsg":…}}` with 400.
pub async fn post_transfer_account(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
    body: LpBody,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let (account, skill, text) = super::input::account_transfer(&body)?;
    let outcome = match state
        .engine
        .transfer_account(&agent.who, &key, &account, &skill, text)
        .await
    {
        Ok(_) => TransferOutcome::Done,
        Err(EngineError::Domain(e @ DomainError::Invalid { .. })) => {
            TransferOutcome::Refused(e.to_string())
        }
        Err(e) => return Err(e.into()),
    };
    let status = outcome.status();
    Ok(LpReply::ok(format, &AccountTransferOutcome(outcome)).status(status))
}
