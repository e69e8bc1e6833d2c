//! One delivery attempt: the signed POST of one event to one subscription, and what came of
//! it (2xx, or a failure with the reason and any `Retry-After`).

use std::time::Duration;

use chatwire_core::webhook::{superoffice_event, superoffice_event_id};
use chatwire_core::{LogEntry, PayloadFormat, Timestamp, Webhook, WebhookKind};
use reqwest::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};

use super::{schedule, signature};

/// Header names of a delivery (docs/webhooks.md, "Headers").
pub(crate) mod headers {
    /// The event's global sequence number: the same on every retry and replay, so receivers
    /// drop duplicates by it.
    pub(crate) const EVENT_ID: &str = "chatwire-event-id";
    /// The event kind (`chat.line`, …).
    pub(crate) const EVENT_TYPE: &str = "chatwire-event-type";
    /// The subscription's id.
    pub(crate) const WEBHOOK_ID: &str = "chatwire-webhook-id";
    /// Unix seconds at signing; covered by the signature.
    pub(crate) const TIMESTAMP: &str = "chatwire-timestamp";
    /// `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.
    pub(crate) const SIGNATURE: &str = "chatwire-signature";
    /// SuperOffice format: the event name (`chatsession.created`, …).
    pub(crate) const SO_EVENT: &str = "x-superoffice-event";
    /// SuperOffice format: the payload's `EventId`.
    pub(crate) const SO_EVENT_ID: &str = "x-superoffice-eventid";
    /// SuperOffice format: base64 of HMAC-SHA256(secret, body).
    pub(crate) const SO_SIGNATURE: &str = "x-superoffice-signature";
}

/// The outcome of one attempt.
#[derive(Debug)]
pub(super) enum Outcome {
    /// The receiver answered 2xx.
    Delivered,
    /// Anything else: another status, a timeout, a refused or dropped connection.
    Failed {
        /// Why, for the subscription's `lastError` (no response body: it is the receiver's).
        error: String,
        /// The receiver's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
}

/// Posts `item` (a chat or an account event) to `hook` once, rendered as `body`.
pub(super) async fn post(
    client: &reqwest::Client,
    hook: &Webhook,
    kind: WebhookKind,
    item: &LogEntry,
    body: Vec<u8>,
    now: Timestamp,
) -> Outcome {
    let timestamp = now.0.div_euclid(1000);
    let signature = signature::sign(&hook.secret, timestamp, &body);
    let request = client
        .post(&hook.url)
        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
        .header(headers::EVENT_ID, item.seq().0.to_string())
        .header(headers::EVENT_TYPE, kind.as_str())
        .header(headers::WEBHOOK_ID, hook.id.0.to_string())
        .header(headers::TIMESTAMP, timestamp.to_string())
        .header(headers::SIGNATURE, signature);
    let request = match hook.format {
        PayloadFormat::Chatwire => request,
        PayloadFormat::SuperOffice => request
            .header(
                headers::SO_EVENT,
                superoffice_event(kind).unwrap_or_default(),
            )
            .header(headers::SO_EVENT_ID, superoffice_event_id(item.seq()))
            .header(
                headers::SO_SIGNATURE,
                signature::sign_superoffice(&hook.secret, &body),
            ),
    };
    let request = request.body(body);
    match request.send().await {
        Ok(response) if response.status().is_success() => Outcome::Delivered,
        Ok(response) => Outcome::Failed {
            error: format!("HTTP {}", response.status().as_u16()),
            retry_after: response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| schedule::parse_retry_after(v, now)),
        },
        Err(e) => Outcome::Failed {
            error: describe(&e),
            retry_after: None,
        },
    }
}

/// A transport error in a few words (the full chain is logged at debug level).
fn describe(e: &reqwest::Error) -> String {
    tracing::debug!(error = ?e, "webhook attempt failed");
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else if e.is_redirect() {
        "redirected (redirects are not followed)".to_owned()
    } else {
        "connection failed before a response".to_owned()
    }
}
