//! The local mailbox: where the outbox delivers when no SMTP server is configured, so a server
//! started with no mail settings (the demo, a first install) still "sends" transcripts, and an
//! operator (or a test) can read what went out through chatwire's own API.
//!
//! A mailbox message is the rendered mail, kept as sent: who it was for, the subject and both
//! bodies. It always comes from an outbox mail ([`crate::OutboxMail`]); the store records the
//! delivery and the outbox mail's "sent" together, so a mail lands in the mailbox once.
//!
//! This module is data only; delivering belongs to the engine's mailer.

use serde::{Deserialize, Serialize};

use crate::{AccountId, ChatKey, MailId, Timestamp};

/// Server-wide id of a mailbox message; ascending in delivery order, so it is the cursor of a
/// mailbox listing.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct MailboxId(pub i64);

/// One mail delivered to the local mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxMail {
    /// Assigned by the store at delivery (ignored on the way in).
    pub id: MailboxId,
    /// The account whose mail it is (the outbox mail's).
    pub account: AccountId,
    /// The outbox mail this delivers.
    pub outbox: MailId,
    /// The chat it is about (a transcript's chat, a waiting alert's chat); `None` for a
    /// notice about no chat (an offline message).
    pub chat: Option<ChatKey>,
    /// The `From` it was rendered with.
    pub from: String,
    /// The recipient.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// When it was delivered.
    pub delivered_at: Timestamp,
}
