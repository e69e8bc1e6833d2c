//! [`WebhookPayloads`]: the bodies of webhook deliveries, by the subscription's format:
//! chatwire's own (the feed's event JSON in an envelope, `feed::webhook`) or SuperOffice's
//! (`superoffice::webhook`); account events in chatwire's format (`feed::account_webhook`).
//! Here, not in either, so that no surface imports another.

use chatwire_engine::WebhookRenderer;
use chatwire_engine::core::{AccountEvent, Chat, FeedItem, PayloadFormat, Webhook, WebhookKind};

/// Renders webhook bodies (handed to `Engine::start_webhooks` by the binary).
#[derive(Debug, Clone, Copy, Default)]
pub struct WebhookPayloads;

impl WebhookRenderer for WebhookPayloads {
    fn render(
        &self,
        hook: &Webhook,
        kind: WebhookKind,
        item: &FeedItem,
        chat: Option<&Chat>,
    ) -> Vec<u8> {
        let body = match hook.format {
            PayloadFormat::Chatwire => crate::feed::webhook_body(hook, kind, item),
            PayloadFormat::SuperOffice => crate::superoffice::webhook::body(hook, kind, item, chat),
        };
        serde_json::to_vec(&body).unwrap_or_default()
    }

    fn render_account(&self, hook: &Webhook, event: &AccountEvent) -> Vec<u8> {
        // Only `format: chatwire` gets account events (the engine passes them over for
        // SuperOffice's format, which has no event for them).
        serde_json::to_vec(&crate::feed::account_webhook_body(hook, event)).unwrap_or_default()
    }
}
