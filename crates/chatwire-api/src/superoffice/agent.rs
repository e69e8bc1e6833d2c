//! `POST /api/v1/Agents/Chat/{Method}` (spec §1) and the operation table it dispatches on:
//! [`OPERATIONS`] has one row per `IChatAgent` method, in the spec's order; the handler finds
//! the row by name (case-insensitively), reads the typed request from the body (and the query,
//! for the entity ids) and answers it. The REST routes (`rest`) build the same typed requests
//! from their path, query and body. `GET` on a method URL describes it, as SuperOffice does.

use axum::extract::Path;
use serde_json::json;

use super::body::Fields;
use super::messages::{AddChatMessage, GetChatMessages, GetChatTranscript};
use super::operation::{Entry, Out, RoutedCall};
use super::presence::{GetChatPresence, SaveChatPresence};
use super::reply::SoCtx;
use super::routing::{
    AcceptChatSessionTransfer, PickUpChatSession, PickUpFirstChatSession,
    RejectChatSessionTransfer, ResetChatSession, TransferChatSession,
};
use super::sessions::{
    ChatSessionsForUser, CreateChatSessionForTopic, CreateDefaultChatSessionEntity,
    DeleteChatSessionEntity, GetChatSessionEntity, SaveChatSessionEntity,
};
use super::topic_members::{
    AddChatTopicUserAgent, CreateDefaultChatTopicAgent, DeleteChatTopicUserAgent,
    GetChatTopicUserAgent, GetChatTopicUserAgentList, GetUserAgentList, UpdateChatTopicUserAgent,
    UpdateChatTopicUserAgents,
};
use super::topics::{
    ChatTopicsForUser, CreateDefaultChatTopicEntity, DeleteChatTopicEntity, GetChatTopicEntity,
    IsWithinOpeningHours, SaveChatTopicEntity,
};
use crate::ApiError;

/// Every method of `IChatAgent`, in the spec's order (#1–#31).
pub const OPERATIONS: [Entry; 31] = [
    Entry::of::<GetChatPresence>(),
    Entry::of::<SaveChatPresence>(),
    Entry::of::<CreateDefaultChatSessionEntity>(),
    Entry::of::<SaveChatSessionEntity>(),
    Entry::of::<DeleteChatSessionEntity>(),
    Entry::of::<GetChatSessionEntity>(),
    Entry::of::<ChatSessionsForUser>(),
    Entry::of::<TransferChatSession>(),
    Entry::of::<AcceptChatSessionTransfer>(),
    Entry::of::<RejectChatSessionTransfer>(),
    Entry::of::<PickUpChatSession>(),
    Entry::of::<PickUpFirstChatSession>(),
    Entry::of::<ResetChatSession>(),
    Entry::of::<GetChatTranscript>(),
    Entry::of::<GetChatMessages>(),
    Entry::of::<AddChatMessage>(),
    Entry::of::<CreateDefaultChatTopicAgent>(),
    Entry::of::<CreateDefaultChatTopicEntity>(),
    Entry::of::<SaveChatTopicEntity>(),
    Entry::of::<DeleteChatTopicEntity>(),
    Entry::of::<GetChatTopicEntity>(),
    Entry::of::<IsWithinOpeningHours>(),
    Entry::of::<ChatTopicsForUser>(),
    Entry::of::<GetUserAgentList>(),
    Entry::of::<GetChatTopicUserAgentList>(),
    Entry::of::<GetChatTopicUserAgent>(),
    Entry::of::<AddChatTopicUserAgent>(),
    Entry::of::<UpdateChatTopicUserAgent>(),
    Entry::of::<UpdateChatTopicUserAgents>(),
    Entry::of::<DeleteChatTopicUserAgent>(),
    Entry::of::<CreateChatSessionForTopic>(),
];

/// The names of [`OPERATIONS`], in the same order.
pub const METHODS: [&str; 31] = {
    let mut names = [""; 31];
    let mut i = 0;
    while i < names.len() {
        names[i] = OPERATIONS[i].name;
        i += 1;
    }
    names
};

/// The row of a method name, any case (404 for a name `IChatAgent` does not have).
fn operation(method: &str) -> Result<&'static Entry, ApiError> {
    OPERATIONS
        .iter()
        .find(|op| op.name.eq_ignore_ascii_case(method))
        .ok_or_else(|| ApiError::NotFound(format!("no such agent method: Chat/{method}")))
}

fn method_of(path: &[(String, String)]) -> &str {
    path.iter()
        .find(|(k, _)| k == "method")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// `POST …/Agents/Chat/{method}`: the caller and the body are read before the name is
/// looked up, so an unknown method behind a wrong login is still a 401.
pub async fn post_method(routed: RoutedCall, body: Fields) -> Out {
    let op = operation(method_of(&routed.path))?;
    op.call(routed.agent.call(), &body).await
}

/// `GET …/Agents/Chat/{method}`: what the method is, not a call.
pub async fn describe_method(Path(path): Path<Vec<(String, String)>>, ctx: SoCtx) -> Out {
    let method = operation(method_of(&path))?.name;
    ctx.ok(
        "Description",
        &json!({ "POST": format!("Chat agent method {method}; POST its parameters as the body") }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_each_method_once_and_finds_it_in_any_case() {
        let mut names = METHODS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OPERATIONS.len());
        let found = operation("getCHATmessages").map(|op| op.name).ok();
        assert_eq!(found, Some("GetChatMessages"));
        assert!(operation("GetChatSession").is_err());
    }
}
