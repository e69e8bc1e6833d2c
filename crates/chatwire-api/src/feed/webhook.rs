//! The body of a webhook delivery in the `chatwire` format: the feed's event JSON (the same
//! bytes a feed reader gets for it) in an envelope naming the kind, the account and the
//! subscription. The engine posts it; this crate owns the shape, as it owns the feed's
//! (`crate::webhook_payloads` picks the format). Account events have their own `event`
//! shapes (`account_webhook`).

use chatwire_engine::core::{FeedItem, Webhook, WebhookKind};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::account_webhook::AccountEventDoc;
use super::doc::FeedEvent;
use super::types::feed_item;

/// The body of a `format: chatwire` delivery of `item` to `hook` as `kind`.
pub(crate) fn webhook_body(
    hook: &Webhook,
    kind: WebhookKind,
    item: &FeedItem,
) -> serde_json::Value {
    json!({
        "type": kind.as_str(),
        "eventId": item.event.seq.0,
        "account": hook.account.as_str(),
        "webhookId": hook.id.0,
        "event": feed_item(item),
    })
}

/// The body of a webhook delivery (`format: chatwire`), posted with the headers
/// `Chatwire-Event-Id`, `Chatwire-Event-Type`, `Chatwire-Webhook-Id`, `Chatwire-Timestamp`
/// and `Chatwire-Signature` (docs/webhooks.md).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WebhookPayloadDoc {
    /// The event kind: `chat.requested`, `chat.accepted`, `chat.line`, `chat.transferred`,
    /// `chat.ended` (a chat event), or `offline.message`, `survey.submitted`,
    /// `agent.availability`, `chat.typing` (an account event).
    #[serde(rename = "type")]
    pub kind: String,
    /// The event's `seq`, also in `Chatwire-Event-Id`: the same on every retry and replay.
    pub event_id: i64,
    /// The account.
    pub account: String,
    /// The subscription.
    pub webhook_id: i64,
    /// A chat event exactly as the account feed shows it, or an account event.
    pub event: WebhookEventDoc,
}

/// The `event` of a delivery: a chat event (the feed's shape) or an account event.
/// It only documents (the bodies are built as JSON), so it is never constructed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum WebhookEventDoc {
    /// `chat.requested`, `chat.accepted`, `chat.line`, `chat.transferred`, `chat.ended`.
    Chat(FeedEvent),
    /// `offline.message`, `survey.submitted`, `agent.availability`, `chat.typing`.
    Account(AccountEventDoc),
}
