//! Server Chat API visitor authentication (spec §1.5 step 5, §2.3.7a):
//! `POST /api/account/{account}/conversation.json` with the visitor's token in `ssoKey`. The
//! engine verifies it with the account's key and answers the participant id it stands for; the
//! chat request then carries the same token (`ssoKey`) and, optionally, those ids. 200 (the
//! older doc; see the spec's conflict note); a token that does not verify is 401.

use axum::extract::State;

use super::body::LpBody;
use super::reply::{LpAnswer, LpReply};
use super::views::visit::ConversationIds;
use super::visitor_auth::LpVisitor;
use crate::http::negotiate::Format;
use crate::{ApiError, AppState};

/// `POST /api/account/{account}/conversation.json`.
pub async fn post_conversation(
    State(state): State<AppState>,
    visitor: LpVisitor,
    format: Format,
    body: LpBody,
) -> LpAnswer {
    // Documented flat; a `{"conversation":{…}}` wrapper is read too.
    let token = body
        .str_at(&[&["ssoKey"]])
        .or_else(|| body.str_at(&[&["conversation"], &["ssoKey"]]))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::BadRequest("ssoKey (the visitor's token) is required".into()))?;
    let (participant, conversation) = state.engine.authenticate_visitor(&visitor.caller, &token)?;
    Ok(LpReply::ok(
        format,
        &ConversationIds {
            participant_id: &participant,
            conversation_id: &conversation,
        },
    ))
}
