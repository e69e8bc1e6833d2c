//! The body of a webhook delivery in the `chatwire` format: the feed's event JSON (the same
//! bytes a feed reader gets for it) in an envelope naming the kind, the account and the
//! subscription. The engine posts it; this crate owns the shape, as it owns the feed's.

use chatwire_engine::WebhookRenderer;
use chatwire_engine::core::{FeedItem, Webhook, WebhookKind};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::doc::FeedEvent;
use super::types::feed_item;

/// Renders webhook bodies (handed to `Engine::start_webhooks` by the binary).
#[derive(Debug, Clone, Copy, Default)]
pub struct WebhookPayloads;

impl WebhookRenderer for WebhookPayloads {
    fn render(&self, hook: &Webhook, kind: WebhookKind, item: &FeedItem) -> Vec<u8> {
        let body = json!({
            "type": kind.as_str(),
            "eventId": item.event.seq.0,
            "account": hook.account.as_str(),
            "webhookId": hook.id.0,
            "event": feed_item(item),
        });
        serde_json::to_vec(&body).unwrap_or_default()
    }
}

/// The body of a webhook delivery (`format: chatwire`), posted with the headers
/// `Chatwire-Event-Id`, `Chatwire-Event-Type`, `Chatwire-Webhook-Id`, `Chatwire-Timestamp`
/// and `Chatwire-Signature` (docs/webhooks.md).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WebhookPayloadDoc {
    /// The event kind: `chat.requested`, `chat.accepted`, `chat.line`, `chat.transferred`
    /// or `chat.ended`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The event's `seq`, also in `Chatwire-Event-Id`: the same on every retry and replay.
    pub event_id: i64,
    /// The account.
    pub account: String,
    /// The subscription.
    pub webhook_id: i64,
    /// The event exactly as the account feed shows it.
    pub event: FeedEvent,
}
