//! Outbound webhooks: an account's subscriptions (where to post, which events, how to sign),
//! their delivery position, and the rules for what may be subscribed.
//!
//! Delivery is a cursor over the account's event log, not a queue of copies: a subscription
//! holds the global sequence number of the last event it has settled (delivered, skipped as
//! not subscribed, or dead-lettered), and its pending deliveries are exactly the account's
//! events after that cursor. An event and "its delivery" are therefore committed by the same
//! transaction (the one that appends the event), and a delivery of an uncommitted event cannot
//! exist. Sending, retrying and signing belong to the engine; this module is data and
//! validation only.

use serde::{Deserialize, Serialize};

mod account_event;

pub use account_event::{AccountEvent, AccountEventKind, LogEntry, Typist, merge_log};

use crate::{AccountId, ChatEvent, ChatState, DomainError, EventKind, GlobalSeq, Timestamp};

/// Longest target URL accepted, in bytes.
pub const MAX_URL_BYTES: usize = 2048;
/// Shortest secret accepted, in bytes (a generated one is 32 random bytes as 64 hex digits).
pub const MIN_SECRET_BYTES: usize = 16;
/// Longest secret accepted, in bytes.
pub const MAX_SECRET_BYTES: usize = 200;

/// Server-wide id of a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WebhookId(pub i64);

/// What a subscription can ask for. Stored as a bit set ([`WebhookKinds`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookKind {
    /// A visitor requested a chat (its first `waiting` state).
    ChatRequested,
    /// An agent accepted a chat (`chatting`).
    ChatAccepted,
    /// A line or a pushed URL.
    Line,
    /// A transfer to an agent, a skill or another account.
    Transferred,
    /// The chat ended.
    Ended,
    /// Typing notifications (never on by default; an account event).
    Typing,
    /// An offline message (an account event).
    OfflineMessage,
    /// A survey was submitted (an account event).
    SurveySubmitted,
    /// An agent's availability changed (an account event).
    AgentAvailability,
}

impl WebhookKind {
    /// Every kind, in bit order.
    pub const ALL: [Self; 9] = [
        Self::ChatRequested,
        Self::ChatAccepted,
        Self::Line,
        Self::Transferred,
        Self::Ended,
        Self::Typing,
        Self::OfflineMessage,
        Self::SurveySubmitted,
        Self::AgentAvailability,
    ];

    /// The wire name (`chat.requested`, …), also the `type` of a payload.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ChatRequested => "chat.requested",
            Self::ChatAccepted => "chat.accepted",
            Self::Line => "chat.line",
            Self::Transferred => "chat.transferred",
            Self::Ended => "chat.ended",
            Self::Typing => "chat.typing",
            Self::OfflineMessage => "offline.message",
            Self::SurveySubmitted => "survey.submitted",
            Self::AgentAvailability => "agent.availability",
        }
    }

    /// Parses [`WebhookKind::as_str`]'s output.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    const fn bit(self) -> u32 {
        1 << (self as u32)
    }

    /// The kind a chat event is delivered as; `None` for events no subscription receives
    /// (supervisors joining, a chat going back to the queue).
    pub fn of_event(event: &ChatEvent) -> Option<Self> {
        match &event.kind {
            EventKind::State(s) => match s.state {
                // Only the opening state is a request; a requeue is not a new request.
                ChatState::Waiting if event.id.0 == 0 => Some(Self::ChatRequested),
                ChatState::Waiting => None,
                ChatState::Chatting => Some(Self::ChatAccepted),
                ChatState::Ended => Some(Self::Ended),
            },
            EventKind::Line(_) | EventKind::Url { .. } => Some(Self::Line),
            EventKind::Transfer { .. } | EventKind::AccountTransfer { .. } => {
                Some(Self::Transferred)
            }
            EventKind::Collaboration { .. } => None,
        }
    }
}

/// A set of [`WebhookKind`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct WebhookKinds(pub u32);

impl WebhookKinds {
    /// Every kind but typing: what a subscription gets when it names none.
    pub fn default_set() -> Self {
        Self::from_kinds(
            WebhookKind::ALL
                .into_iter()
                .filter(|k| *k != WebhookKind::Typing),
        )
    }

    /// The set of these kinds.
    pub fn from_kinds(kinds: impl IntoIterator<Item = WebhookKind>) -> Self {
        Self(kinds.into_iter().fold(0, |acc, k| acc | k.bit()))
    }

    /// Parses wire names; an unknown one is an `events` error, an empty list too.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, DomainError> {
        if names.is_empty() {
            return Err(DomainError::invalid(
                "events",
                "name at least one event kind",
            ));
        }
        let mut set = 0;
        for name in names {
            let kind = WebhookKind::parse(name.as_ref()).ok_or_else(|| {
                DomainError::invalid("events", format!("unknown event kind {:?}", name.as_ref()))
            })?;
            set |= kind.bit();
        }
        Ok(Self(set))
    }

    /// Whether `kind` is in the set.
    pub const fn contains(self, kind: WebhookKind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// The kinds in the set, in bit order.
    pub fn kinds(self) -> Vec<WebhookKind> {
        WebhookKind::ALL
            .into_iter()
            .filter(|k| self.contains(*k))
            .collect()
    }
}

/// The body a subscription receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadFormat {
    /// chatwire's own JSON: the feed's event shape in an envelope (docs/webhooks.md).
    Chatwire,
    /// SuperOffice's webhook payload for chat events (`chatsession.created`, `.message`,
    /// `.changed`) with its `X-SuperOffice-Signature` (docs/webhooks.md, "SuperOffice").
    SuperOffice,
}

impl PayloadFormat {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Chatwire => "chatwire",
            Self::SuperOffice => "superoffice",
        }
    }

    /// Parses [`PayloadFormat::as_str`]'s output.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        match text {
            "chatwire" => Ok(Self::Chatwire),
            "superoffice" => Ok(Self::SuperOffice),
            _ => Err(DomainError::invalid(
                "format",
                "the payload format must be \"chatwire\" or \"superoffice\"",
            )),
        }
    }
}

/// The SuperOffice event a kind is sent as (`format: superoffice`): a request opens a
/// session, a line is a message, anything else changes the session. `None` for kinds that are
/// not chat events.
pub const fn superoffice_event(kind: WebhookKind) -> Option<&'static str> {
    match kind {
        WebhookKind::ChatRequested => Some("chatsession.created"),
        WebhookKind::Line => Some("chatsession.message"),
        WebhookKind::ChatAccepted | WebhookKind::Transferred | WebhookKind::Ended => {
            Some("chatsession.changed")
        }
        _ => None,
    }
}

/// The GUID-shaped `EventId` of a SuperOffice delivery, derived from the event's global
/// sequence number so that it is the same on every retry and replay (receivers de-duplicate
/// on it).
pub fn superoffice_event_id(seq: GlobalSeq) -> String {
    let n = u64::try_from(seq.0).unwrap_or(0);
    format!("00000000-0000-4000-8000-{:012x}", n & 0xffff_ffff_ffff)
}

/// Where a subscription's deliveries stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookProgress {
    /// Global seq of the last event settled (delivered, skipped or dead-lettered); the next
    /// delivery is the first subscribed event after it.
    pub cursor: GlobalSeq,
    /// Failed attempts of the next event so far.
    pub attempts: u32,
    /// Not tried before this instant (backoff, `Retry-After`, or one node's lease).
    pub next_attempt_at: Timestamp,
    /// When the next event's first attempt failed; `None` while nothing fails.
    pub failing_since: Option<Timestamp>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// One subscription of an account. `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Assigned by the store.
    pub id: WebhookId,
    /// Owning account.
    pub account: AccountId,
    /// Where deliveries are posted (checked by [`check_url`]).
    pub url: String,
    /// The HMAC key of the signature, kept in the clear because signing needs it.
    pub secret: String,
    /// The events it receives.
    pub kinds: WebhookKinds,
    /// The body's shape.
    pub format: PayloadFormat,
    /// Paused subscriptions keep their cursor but are not delivered to.
    pub enabled: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// Its delivery position.
    pub progress: WebhookProgress,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("account", &self.account)
            .field("url", &self.url)
            .field("secret", &"***")
            .field("kinds", &self.kinds)
            .field("format", &self.format)
            .field("enabled", &self.enabled)
            .field("created_at", &self.created_at)
            .field("progress", &self.progress)
            .finish()
    }
}

/// An event a subscription gave up on (retried for the configured maximum age).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// Server-wide id, ascending in dead-letter order.
    pub id: i64,
    /// The subscription.
    pub webhook: WebhookId,
    /// The event's global sequence number.
    pub seq: GlobalSeq,
    /// Failed attempts made.
    pub attempts: u32,
    /// The last failure.
    pub last_error: String,
    /// When the first attempt failed.
    pub first_failed_at: Timestamp,
    /// When it was given up.
    pub dead_at: Timestamp,
}

/// Checks a target URL: `https://host[:port][/path][?query]`, or `http://` when the host is
/// loopback (`localhost`, `127.0.0.0/8`, `[::1]`), at most [`MAX_URL_BYTES`], no user part,
/// no fragment, no spaces or control characters.
pub fn check_url(url: &str) -> Result<(), DomainError> {
    let bad = |why: &str| Err(DomainError::invalid("url", why.to_owned()));
    if url.len() > MAX_URL_BYTES {
        return bad("a webhook URL is at most 2048 bytes");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) || url.contains('#') {
        return bad("a webhook URL has no spaces, control characters or fragment");
    }
    let authority_end = url
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| url[start..].find(['/', '?']).map(|e| start + e))
        .unwrap_or(url.len());
    let origin = crate::origin::validate_origin(&url[..authority_end])
        .map_err(|_| DomainError::invalid("url", "must be https://host[:port][/path]"))?;
    if origin.starts_with("http://") && !is_loopback(&origin["http://".len()..]) {
        return bad("must be https (plain http only to localhost, 127.0.0.1 or [::1])");
    }
    Ok(())
}

/// Whether `host[:port]` names the loopback interface.
fn is_loopback(host_port: &str) -> bool {
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().map_or("", |h| &h[1..])
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Checks a secret given by the caller: [`MIN_SECRET_BYTES`] to [`MAX_SECRET_BYTES`]
/// printable ASCII characters.
pub fn check_secret(secret: &str) -> Result<(), DomainError> {
    if !(MIN_SECRET_BYTES..=MAX_SECRET_BYTES).contains(&secret.len())
        || !secret.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(DomainError::invalid(
            "secret",
            "a secret is 16 to 200 printable ASCII characters without spaces",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
