//! The mail outbox: e-mails the server owes someone (chat transcripts a visitor asked for, and
//! staff notices: an offline message left, a chat waiting with no agent online), kept durably
//! until an SMTP server has taken them, and the rules for what may be sent.
//!
//! A transcript is *due* when it is pending, its chat has ended (a transcript is sent once the
//! chat is complete) and its `next_attempt_at` has passed; a staff notice ([`MailKind`]) is due
//! as soon as it is pending and its `next_attempt_at` has passed. Readiness is derived from the chat's committed
//! state rather than stored on the mail, so there is no window (a crash, or a request racing the
//! end of the chat) in which a mail could miss its chat's end.
//!
//! Sending, retrying and rendering belong to the engine; this module is data and validation only.

use serde::{Deserialize, Serialize};

use crate::{AccountId, ChatKey, DomainError, Timestamp};

/// Longest address accepted (RFC 5321's path limit less the angle brackets).
pub const MAX_ADDRESS_CHARS: usize = 254;
/// Longest subject accepted, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// Largest |timezone offset| accepted: 14 hours, the widest offset in use (UTC+14, Kiribati).
pub const MAX_TIMEZONE_OFFSET_MS: i64 = 14 * 3_600_000;

/// Server-wide id of an outbox mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MailId(pub i64);

/// Where a mail is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    /// Waiting for its chat to end, or for the next attempt.
    Pending,
    /// An SMTP server accepted it.
    Sent,
    /// Given up: refused for good by the SMTP server, or out of attempts (`last_error` says why).
    Failed,
}

impl MailStatus {
    /// The storage name (`pending`, `sent`, `failed`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    /// Parses [`MailStatus::as_str`]'s output.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "sent" => Some(Self::Sent),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// What a mail is, which decides when it is due and how the mailer renders it.
///
/// Every kind is rendered at send time from stored data (the chat, the offline message), like
/// transcripts always were: the outbox then holds no copy of a visitor's words or contact
/// details, so erasing an offline message or a chat before its mail went out also stops the
/// mail (it fails for good, "not found") instead of mailing erased data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// A chat's transcript for the visitor; due once the chat has ended.
    #[default]
    Transcript,
    /// A staff notice of a new offline message (`offline` names it); due at once.
    OfflineMessage,
    /// A staff notice that a chat has waited too long with no agent online; due at once. At
    /// most one per chat, ever (the store keeps it unique).
    WaitingAlert,
}

impl MailKind {
    /// The storage name (`transcript`, `offline_message`, `waiting_alert`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Transcript => "transcript",
            Self::OfflineMessage => "offline_message",
            Self::WaitingAlert => "waiting_alert",
        }
    }

    /// Parses [`MailKind::as_str`]'s output.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "transcript" => Some(Self::Transcript),
            "offline_message" => Some(Self::OfflineMessage),
            "waiting_alert" => Some(Self::WaitingAlert),
            _ => None,
        }
    }
}

/// One mail of the outbox: a chat's transcript for one address, or a staff notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMail {
    /// Assigned by the store at enqueue (ignored on the way in).
    pub id: MailId,
    /// Owning account.
    pub account: AccountId,
    /// What it is: when it is due and how it is rendered.
    #[serde(default)]
    pub kind: MailKind,
    /// The chat it is about: a transcript's chat (due once it has ended) or the waiting chat
    /// of an alert; `None` for an offline-message notice.
    pub chat: Option<ChatKey>,
    /// The offline message (its id in the offline list) an offline-message notice is about;
    /// set by the store when it saves the message and the notice together.
    #[serde(default)]
    pub offline: Option<i64>,
    /// Recipient address (validated with [`check_address`]).
    pub to: String,
    /// Subject line (validated with [`check_subject`]).
    pub subject: String,
    /// The visitor's offset for rendering times, in milliseconds with the sign of JavaScript's
    /// `Date.getTimezoneOffset()`: local time = UTC − offset (UTC+2 sends −7 200 000). `None`
    /// renders UTC.
    pub timezone_offset_ms: Option<i64>,
    /// When it was queued.
    pub created_at: Timestamp,
    /// Pending, sent or given up.
    pub status: MailStatus,
    /// Failed delivery attempts so far.
    pub attempts: u32,
    /// Not tried before this instant (backoff after a failure; `created_at` at first).
    pub next_attempt_at: Timestamp,
    /// When an SMTP server accepted it.
    pub sent_at: Option<Timestamp>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

impl OutboxMail {
    /// A new pending mail, due as soon as its chat has ended. Validates the address, the
    /// subject and the offset.
    pub fn transcript(
        account: AccountId,
        chat: ChatKey,
        to: &str,
        subject: &str,
        timezone_offset_ms: Option<i64>,
        now: Timestamp,
    ) -> Result<Self, DomainError> {
        check_address(to)?;
        check_subject(subject)?;
        if timezone_offset_ms.is_some_and(|o| o.abs() > MAX_TIMEZONE_OFFSET_MS) {
            return Err(DomainError::invalid(
                "timezoneOffset",
                "must be within ±14 hours (in milliseconds)",
            ));
        }
        Ok(Self {
            id: MailId(0),
            account,
            kind: MailKind::Transcript,
            chat: Some(chat),
            offline: None,
            to: to.to_owned(),
            subject: subject.to_owned(),
            timezone_offset_ms,
            created_at: now,
            status: MailStatus::Pending,
            attempts: 0,
            next_attempt_at: now,
            sent_at: None,
            last_error: None,
        })
    }
}

/// Checks an e-mail address the way a transcript request needs it: at most
/// [`MAX_ADDRESS_CHARS`], exactly one `@` with something on both sides, a domain of host-name
/// labels, no whitespace or control characters anywhere. A domain without a dot (`user@mailhost`,
/// LivePerson's own placeholder `email@domain`) is a valid RFC 5321 address: it is accepted, and
/// whether it can be delivered is the SMTP server's answer (with no SMTP server configured it
/// goes to the local mailbox anyway). A CR or LF would let a client inject mail
/// headers, so it is refused whatever else the text holds. Deliberately not a full RFC 5322
/// parser: quoted local parts and address literals are refused.
pub fn check_address(address: &str) -> Result<(), DomainError> {
    let bad = |why: &str| Err(DomainError::invalid("email", why.to_owned()));
    if address.is_empty() {
        return bad("an e-mail address is required");
    }
    if address.chars().count() > MAX_ADDRESS_CHARS {
        return bad("an e-mail address is at most 254 characters");
    }
    if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("an e-mail address has no spaces, line breaks or control characters");
    }
    let mut parts = address.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return bad("an e-mail address has exactly one @");
    };
    let labels_ok = domain.split('.').all(|l| {
        !l.is_empty() && !l.starts_with('-') && !l.ends_with('-') && !l.contains(['[', ']', '"'])
    });
    if local.is_empty() || local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return bad("the part before the @ is not valid");
    }
    if local.contains(['"', '(', ')', '<', '>', ',', ';', ':', '\\', '[', ']']) {
        return bad("the part before the @ has characters that need quoting");
    }
    if !labels_ok {
        return bad("the domain must be a host name, like example.com");
    }
    Ok(())
}

/// Checks a subject: at most [`MAX_SUBJECT_CHARS`] characters and no control characters (a CR
/// or LF would let a client inject mail headers).
pub fn check_subject(subject: &str) -> Result<(), DomainError> {
    if subject.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            "subject",
            "a subject has no line breaks or control characters",
        ));
    }
    if subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(DomainError::invalid(
            "subject",
            format!("a subject is at most {MAX_SUBJECT_CHARS} characters"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_accepted() {
        for ok in [
            "visitor@example.com",
            "first.last+tag@mail.example.co.uk",
            "a@b.io",
            "ünïcode@exämple.de",
            "visitor@localhost",
            "email@domain",
        ] {
            assert_eq!(check_address(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn malformed_addresses_are_refused_with_the_email_field_named() {
        let long = format!("{}@example.com", "a".repeat(250));
        for bad in [
            "",
            "no-at-sign.example.com",
            "two@@example.com",
            "a@b@example.com",
            "@example.com",
            "visitor@",
            "visitor@.example.com",
            "visitor@example.com.",
            "visitor@exa..mple.com",
            ".visitor@example.com",
            "vis..itor@example.com",
            "vis itor@example.com",
            "visitor@example.com ",
            "\"quoted\"@example.com",
            "visitor@[127.0.0.1]",
            long.as_str(),
        ] {
            assert!(
                matches!(
                    check_address(bad),
                    Err(DomainError::Invalid { what: "email", .. })
                ),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn line_breaks_anywhere_in_the_address_or_subject_are_refused() {
        // Header injection: "a@b.com\r\nBcc: victim@x.com" must never reach a mail header.
        for bad in [
            "visitor@example.com\r\nBcc: x@example.com",
            "visitor@example.com\n",
            "\rvisitor@example.com",
            "visitor@exa\u{0}mple.com",
        ] {
            assert!(check_address(bad).is_err(), "{bad:?}");
        }
        assert!(check_subject("Hello\r\nBcc: x@example.com").is_err());
        assert!(check_subject("Hello\n").is_err());
        assert!(check_subject("Tab\there").is_err());
        assert_eq!(check_subject("Your chat with ACME — thanks!"), Ok(()));
        assert!(check_subject(&"x".repeat(MAX_SUBJECT_CHARS + 1)).is_err());
    }

    #[test]
    fn a_new_transcript_mail_is_pending_and_due_from_now() {
        let account = AccountId::parse("1000").expect("id");
        let chat = ChatKey::from_random(1, 2, 3);
        let mail = OutboxMail::transcript(
            account,
            chat,
            "v@example.com",
            "Hi",
            Some(-7_200_000),
            Timestamp(5),
        )
        .expect("valid");
        assert_eq!(mail.status, MailStatus::Pending);
        assert_eq!((mail.attempts, mail.next_attempt_at), (0, Timestamp(5)));
    }

    #[test]
    fn an_offset_beyond_fourteen_hours_is_refused() {
        let mail = |offset| {
            OutboxMail::transcript(
                AccountId::parse("1000").expect("id"),
                ChatKey::from_random(1, 2, 3),
                "v@example.com",
                "Hi",
                Some(offset),
                Timestamp(5),
            )
        };
        assert!(mail(MAX_TIMEZONE_OFFSET_MS).is_ok());
        assert!(mail(-MAX_TIMEZONE_OFFSET_MS - 1).is_err());
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for k in [
            MailKind::Transcript,
            MailKind::OfflineMessage,
            MailKind::WaitingAlert,
        ] {
            assert_eq!(MailKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(MailKind::parse("notice"), None);
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in [MailStatus::Pending, MailStatus::Sent, MailStatus::Failed] {
            assert_eq!(MailStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(MailStatus::parse("queued"), None);
    }
}
