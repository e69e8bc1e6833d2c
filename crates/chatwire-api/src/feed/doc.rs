//! The OpenAPI description of the feed routes: the shapes `types` builds, written as schemas
//! (the handlers build JSON directly for speed; these structs only document it), and the
//! routes' list ([`FeedApi`]).

use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// One chat event with its chat (feed and chat stream). Members beyond the common ones
/// depend on `type`: `state` (`state`, `endedBy`), `line` (`text`, `textType`, `by`,
/// `source`, `systemMessageId`, `subType`, `agentId`), `url` (`url`, `by`), `transfer`
/// (`fromAgentId`, `to`, `text`), `collaboration` (`agentId`, `by`, `mode`),
/// `accountTransfer` (`fromAgentId`, `toAccount`, `skill`, `text`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FeedEvent {
    /// Account-wide sequence number (the feed's cursor).
    pub seq: i64,
    /// The event's id within its chat (the chat stream's cursor).
    pub id: i64,
    /// When it happened, ISO 8601 with milliseconds.
    pub time: String,
    /// `state`, `line`, `url`, `transfer`, `collaboration` or `accountTransfer`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The chat (feed only).
    pub chat_id: Option<String>,
}

/// `GET …/feed`: events after the cursor.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FeedPage {
    /// The events, in sequence order.
    pub events: Vec<FeedEvent>,
    /// The cursor for the next call (`after=`): the last event's `seq`, or `after` when
    /// nothing came.
    pub next: i64,
}

/// One message of the local mailbox.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MailboxMessage {
    /// Id, ascending in delivery order (the cursor).
    pub id: i64,
    /// The chat the mail is about.
    pub chat_id: String,
    /// Sender.
    pub from: String,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// When it was delivered, ISO 8601.
    pub delivered_at: String,
}

/// `GET …/mailbox`: messages after the cursor.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MailboxPage {
    /// The messages, oldest first.
    pub mail: Vec<MailboxMessage>,
    /// The cursor for the next call (`after=`).
    pub next: i64,
}

/// The feed routes.
#[derive(OpenApi)]
#[openapi(
    paths(
        super::get_feed,
        super::sse::feed_stream,
        super::sse::chat_stream,
        super::mailbox::get_mailbox
    ),
    components(schemas(FeedEvent, FeedPage, MailboxMessage, MailboxPage))
)]
pub struct FeedApi;
