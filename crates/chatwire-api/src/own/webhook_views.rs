//! JSON shapes of webhook subscriptions in chatwire's own admin API: the subscription as
//! listed (never its secret), as created (the secret, shown this once), request bodies, dead
//! letters and a replay's outcome. Also the path id parsers of the webhook routes.

use chatwire_engine::core::{DeadLetter, Webhook, WebhookId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ApiError;
use crate::http::time::iso_millis;

/// Where a subscription's deliveries stand.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    /// `seq` of the last event settled (delivered, skipped or dead-lettered): the next
    /// delivery is the first subscribed event after it.
    pub cursor: i64,
    /// Failed attempts of the next event so far.
    pub attempts: u32,
    /// Not tried before (RFC 3339): backoff, `Retry-After`, or a worker's lease.
    pub next_attempt_at: String,
    /// When the next event's first attempt failed; null while nothing fails.
    pub failing_since: Option<String>,
    /// Why the last attempt failed (`HTTP 500`, `timed out`, …).
    pub last_error: Option<String>,
}

/// A subscription as the admin API shows it (the secret is never shown again).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookView {
    /// Server-wide id.
    pub id: i64,
    /// Where deliveries are posted.
    pub url: String,
    /// Event kinds received (`chat.requested`, `chat.accepted`, `chat.line`,
    /// `chat.transferred`, `chat.ended`, `chat.typing`, `offline.message`,
    /// `survey.submitted`, `agent.availability`).
    pub events: Vec<String>,
    /// Payload format: `chatwire` or `superoffice`.
    pub format: String,
    /// Paused when false.
    pub enabled: bool,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// Delivery state.
    pub delivery: DeliveryView,
}

impl From<&Webhook> for WebhookView {
    fn from(w: &Webhook) -> Self {
        let p = &w.progress;
        Self {
            id: w.id.0,
            url: w.url.clone(),
            events: w
                .kinds
                .kinds()
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
            format: w.format.as_str().to_owned(),
            enabled: w.enabled,
            created_at: iso_millis(w.created_at),
            delivery: DeliveryView {
                cursor: p.cursor.0,
                attempts: p.attempts,
                next_attempt_at: iso_millis(p.next_attempt_at),
                failing_since: p.failing_since.map(iso_millis),
                last_error: p.last_error.clone(),
            },
        }
    }
}

/// A subscription just created: as listed, plus its signing secret (shown this once).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedWebhookView {
    /// The subscription.
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// The HMAC-SHA256 key of `Chatwire-Signature`. Keep it: it is not shown again.
    pub secret: String,
}

/// The body of `POST …/webhooks`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWebhookBody {
    /// Target URL: `https://…`, or `http://` to localhost, 127.0.0.1 or [::1] only.
    pub url: String,
    /// Signing secret, 16 to 200 printable ASCII characters; generated when absent.
    pub secret: Option<String>,
    /// Event kinds; absent: every kind but `chat.typing`.
    pub events: Option<Vec<String>>,
    /// Payload format: `chatwire` (absent) or `superoffice` (SuperOffice's chat webhook
    /// payload and `X-SuperOffice-Signature`, docs/webhooks.md).
    pub format: Option<String>,
    /// Absent: true.
    pub enabled: Option<bool>,
}

/// The body of `PATCH …/webhooks/{webhookId}`: members given are changed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookPatchBody {
    /// Target URL.
    pub url: Option<String>,
    /// A new signing secret (rotation).
    pub secret: Option<String>,
    /// Event kinds, replacing the present set.
    pub events: Option<Vec<String>>,
    /// Payload format.
    pub format: Option<String>,
    /// false pauses (the subscription keeps its place), true resumes.
    pub enabled: Option<bool>,
}

/// An event a subscription gave up on.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetterView {
    /// Id (for replay).
    pub id: i64,
    /// The event's `seq` (its `Chatwire-Event-Id`).
    pub seq: i64,
    /// Failed attempts made.
    pub attempts: u32,
    /// The last failure.
    pub last_error: String,
    /// When the first attempt failed (RFC 3339).
    pub first_failed_at: String,
    /// When it was given up (RFC 3339).
    pub dead_at: String,
}

impl From<&DeadLetter> for DeadLetterView {
    fn from(d: &DeadLetter) -> Self {
        Self {
            id: d.id,
            seq: d.seq.0,
            attempts: d.attempts,
            last_error: d.last_error.clone(),
            first_failed_at: iso_millis(d.first_failed_at),
            dead_at: iso_millis(d.dead_at),
        }
    }
}

/// What a replay came to.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplayView {
    /// The receiver answered 2xx and the dead letter was deleted.
    pub delivered: bool,
    /// Why not (the dead letter stays).
    pub error: Option<String>,
}

/// A `{webhookId}` path segment; not a number is 404, like the other numeric ids.
pub(super) fn webhook_id(raw: &str) -> Result<WebhookId, ApiError> {
    raw.trim()
        .parse()
        .map(WebhookId)
        .map_err(|_| ApiError::NotFound("webhook not found".into()))
}

/// A `{deadLetterId}` path segment.
pub(super) fn letter_id(raw: &str) -> Result<i64, ApiError> {
    raw.trim()
        .parse()
        .map_err(|_| ApiError::NotFound("dead letter not found".into()))
}
