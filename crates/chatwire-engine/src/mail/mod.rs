//! Mail: chat transcripts by e-mail (the visitor's request, the durable outbox it goes into,
//! and the mailer that sends it over SMTP once the chat has ended) and staff notices (`staff`:
//! an offline message left, a chat waiting with no agent online; rendered by `notice`), which
//! go through the same outbox, retries, leases and local mailbox but are due at once.
//!
//! Flow: [`Engine::request_transcript`] (`visitor_writes`: the visitor may act on the chat)
//! hands over to `Engine::queue_transcript`, which validates the address and queues an
//! [`OutboxMail`](chatwire_core::OutboxMail) in the store (durable on return). The store reports
//! a mail as due once its chat has ended, so the request may come before or after the end, and
//! a restart loses nothing. Every chat end (agent, visitor, timeout: anything that goes through
//! `Engine::absorb`) and every request wakes the mailer (`sender`), which renders the transcript
//! (`transcript`), sends it, and records the outcome, backing off exponentially while the SMTP
//! server is unreachable.
//!
//! With `smtp_host` empty, mail still works: the mailer files each mail in the account's local
//! mailbox (`mailbox`, in the store) instead of sending it, and admins read it through
//! chatwire's own API. So a request is answered the same way whether or not SMTP is set up.
//!
//! What it must not do: know about HTTP or a dialect. The dialects call
//! [`Engine::request_transcript`]; the mailer reads chats through the store.

mod mailbox;
mod notice;
mod sender;
mod staff;
pub(crate) mod transcript;

#[cfg(test)]
mod staff_tests;
#[cfg(test)]
mod tests;

use std::fmt;
use std::time::Duration;

use chatwire_core::{
    AccountId, ChatKey, ChatState, DomainError, EventKind, MailKind, OutboxMail,
    outbox::check_subject,
};
use chatwire_store::Committed;
use lettre::message::Mailbox;
use tokio::sync::Notify;

use crate::{Engine, EngineError, EngineResult};

pub use mailbox::MAX_MAILBOX_PAGE;
pub(crate) use sender::spawn;

/// The subject of a transcript mail when the visitor gives none.
pub const DEFAULT_SUBJECT: &str = "Your chat transcript";

/// Most transcript mails one chat may queue: a chat must not turn the server into a relay that
/// mails anyone, any number of times.
pub const MAX_TRANSCRIPTS_PER_CHAT: usize = 5;

/// SMTP settings of the mailer (the binary fills them from `[mail]`).
#[derive(Clone, PartialEq, Eq)]
pub struct MailConfig {
    /// SMTP server host name or address; empty delivers every mail to the local mailbox.
    pub smtp_host: String,
    /// SMTP port (25; 587 is usual with STARTTLS).
    pub smtp_port: u16,
    /// The `From` of every mail, e.g. `chatwire <noreply@example.com>`.
    pub from: String,
    /// Require STARTTLS (the server's certificate is verified against the web PKI roots).
    pub starttls: bool,
    /// SMTP login; empty for none.
    pub username: String,
    /// SMTP password (never printed by `Debug`).
    pub password: String,
    /// Attempts per mail before it is given up (at least 1).
    pub max_attempts: u32,
    /// Wait after the first failed attempt; doubles with each further failure.
    pub retry_initial: Duration,
    /// Longest wait between attempts.
    pub retry_max: Duration,
    /// Connect and command timeout towards the SMTP server.
    pub timeout: Duration,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_host: String::new(),
            smtp_port: 25,
            from: "chatwire <noreply@localhost>".to_owned(),
            starttls: false,
            username: String::new(),
            password: String::new(),
            max_attempts: 10,
            retry_initial: Duration::from_secs(5),
            retry_max: Duration::from_secs(600),
            timeout: Duration::from_secs(30),
        }
    }
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("from", &self.from)
            .field("starttls", &self.starttls)
            .field("username", &self.username)
            .field(
                "password",
                &if self.password.is_empty() { "" } else { "***" },
            )
            .field("max_attempts", &self.max_attempts)
            .field("retry_initial", &self.retry_initial)
            .field("retry_max", &self.retry_max)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl MailConfig {
    /// Whether mail goes out over SMTP (an SMTP host is set); otherwise to the local mailbox.
    pub fn enabled(&self) -> bool {
        !self.smtp_host.trim().is_empty()
    }

    /// Checks values that parse but cannot work: a `from` that is not a mailbox, no attempts,
    /// zero or inverted retry waits, a zero timeout.
    pub fn validate(&self) -> Result<(), DomainError> {
        self.sender_mailbox()?;
        if self.max_attempts == 0 {
            return Err(DomainError::invalid(
                "mail.max_attempts",
                "must be at least 1",
            ));
        }
        if self.retry_initial.is_zero() || self.retry_max < self.retry_initial {
            return Err(DomainError::invalid(
                "mail.retry_initial_ms",
                "must be positive and not above mail.retry_max_ms",
            ));
        }
        if self.timeout.is_zero() {
            return Err(DomainError::invalid(
                "mail.timeout_secs",
                "must be positive",
            ));
        }
        Ok(())
    }

    /// The parsed `from` mailbox.
    pub(crate) fn sender_mailbox(&self) -> Result<Mailbox, DomainError> {
        self.from.parse::<Mailbox>().map_err(|e| {
            DomainError::invalid(
                "mail.from",
                format!(
                    "{:?} is not a mailbox like \"Name <user@host>\": {e}",
                    self.from
                ),
            )
        })
    }
}

/// A visitor's request for the transcript of their chat (LivePerson `transcriptRequest` and
/// `transcriptWithSubjectRequest`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptRequest {
    /// Where to send it.
    pub email: String,
    /// Subject line; `None` or blank for [`DEFAULT_SUBJECT`].
    pub subject: Option<String>,
    /// The visitor's time zone for the times in the mail, in milliseconds with JavaScript's
    /// `Date.getTimezoneOffset()` sign: local time = UTC − offset, so UTC+2 sends −7 200 000
    /// (LivePerson's example). `None` renders UTC.
    pub timezone_offset_ms: Option<i64>,
}

/// The mailer's shared state inside the engine.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    /// Wakes the mailer: a chat ended or a mail was queued. `notify_one` keeps a permit when the
    /// mailer is busy, so a wake-up during a scan is not lost.
    pub(crate) wake: Notify,
    /// Chats whose waiting alert this node need not try again (`staff`).
    pub(crate) alerted: staff::Alerted,
}

impl Engine {
    /// Queues a transcript of the chat for `email`; sent once the chat has ended (at once if it
    /// already has) over SMTP, retried until the SMTP server takes it, or filed in the local
    /// mailbox when no SMTP server is configured.
    ///
    /// Idempotent: while a mail to the same address (ignoring case) is still pending for this
    /// chat, asking again queues nothing more (a client retrying its PUT gets one mail).
    ///
    /// Errors: `NotFound` for an unknown chat; `Domain(Invalid)` for an address that is not a
    /// plain `local@host` (at most 254 characters, no whitespace or control characters), a
    /// subject with a line break or over 200 characters, or an offset beyond ±14 hours;
    /// `Conflict` once the chat has queued [`MAX_TRANSCRIPTS_PER_CHAT`] mails.
    /// Durable on return.
    pub(crate) async fn queue_transcript(
        &self,
        account: &AccountId,
        key: &ChatKey,
        request: TranscriptRequest,
    ) -> EngineResult<()> {
        self.chat(account, key).await?;
        self.touch_visitor(account, key);
        // Checked before trimming: a CR/LF anywhere is an injection attempt, not padding.
        let subject = request.subject.unwrap_or_default();
        check_subject(&subject)?;
        let subject = match subject.trim() {
            "" => DEFAULT_SUBJECT,
            given => given,
        };
        let mail = OutboxMail::transcript(
            account.clone(),
            key.clone(),
            &request.email,
            subject,
            request.timezone_offset_ms,
            self.now(),
        )?;
        // lettre's parser is what the mailer will use: refuse now what it would refuse later.
        if let Err(e) = mail.to.parse::<lettre::Address>() {
            return Err(
                DomainError::invalid("email", format!("not a deliverable address: {e}")).into(),
            );
        }
        // Only transcripts count: a staff notice about the chat is no transcript.
        let mut queued = self.0.store.mail_of_chat(account, key).await?;
        queued.retain(|m| m.kind == MailKind::Transcript);
        let pending_same = queued.iter().any(|m| {
            m.status == chatwire_core::MailStatus::Pending && m.to.eq_ignore_ascii_case(&mail.to)
        });
        if pending_same {
            return Ok(());
        }
        if queued.len() >= MAX_TRANSCRIPTS_PER_CHAT {
            return Err(EngineError::Conflict(format!(
                "a chat's transcript can be mailed at most {MAX_TRANSCRIPTS_PER_CHAT} times"
            )));
        }
        let id = self.0.store.enqueue_mail(&mail).await?;
        tracing::info!(chat.id = %key, mail.id = id.0, "transcript queued");
        // Always wake: if the chat has ended (even a moment ago, its own wake-up possibly
        // already spent on a scan that ran before this mail was committed) the mail is due now.
        self.0.mail.wake.notify_one();
        Ok(())
    }

    /// The transcript mails queued for a chat, oldest first, with their delivery state
    /// (status, attempts, last error). For operators and tests.
    pub async fn transcript_mails(
        &self,
        account: &AccountId,
        key: &ChatKey,
    ) -> EngineResult<Vec<OutboxMail>> {
        let mut all = self.0.store.mail_of_chat(account, key).await?;
        all.retain(|m| m.kind == MailKind::Transcript);
        Ok(all)
    }

    /// Called for every absorbed commit: a chat that has just ended makes its mails due.
    pub(crate) fn mail_on_commit(&self, committed: &Committed) {
        let ended_now = committed.events.iter().any(
            |e| matches!(&e.kind, EventKind::State(change) if change.state == ChatState::Ended),
        );
        if ended_now {
            self.0.mail.wake.notify_one();
        }
    }
}
