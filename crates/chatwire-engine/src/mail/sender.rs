//! The mailer: one background task that delivers due outbox mails, over SMTP when an SMTP
//! server is configured and to the local mailbox (`super::mailbox`) otherwise, records the
//! outcome, and backs off exponentially while the SMTP server (or the store) fails.
//!
//! Wake-ups: a chat's end and every new request notify [`super::Outbox::wake`] (a permit is kept
//! when the mailer is busy, so none is lost); a retry wakes it when due; and a slow poll picks up
//! retries scheduled by an earlier run of the server. Delivery over SMTP is at least once: a
//! crash between the SMTP server's "250 OK" and the store's "sent" sends that mail again at the
//! next start. Delivery to the mailbox is exactly once: the store files the message and marks
//! the mail sent in one transaction.
//!
//! A failure that will be retried ends the scan: the SMTP server is most likely down for every
//! mail, so the rest wait for the next scan instead of each spending a connect timeout now. The
//! failed mail moves behind them (due mails go earliest `next_attempt_at` first), so one mail
//! that keeps failing does not hold the others back.
//!
//! Several nodes: each node runs a mailer on the same outbox. A mailer takes mails one at a time
//! with [`chatwire_store::Store::claim_due_mail`], which leases the mail to it for
//! [`lease`] (ten SMTP timeouts): no other mailer gets it before the outcome is recorded or, if
//! this node dies mid-attempt, before the lease runs out. One at a time, so a mailer that stops
//! its scan after a failure leaves no other mail leased and idle.
//!
//! What it must not do: touch the HTTP layer or the live tails. It reads chats and events from
//! the store, like any other background reader.

use std::time::Duration;

use chatwire_core::{Chat, EventId, MailKind, OutboxMail, Timestamp};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::MailConfig;
use super::transcript::{Transcript, render};
use crate::{Engine, EngineError, EngineResult};

/// How long a claimed mail is reserved for this mailer: one attempt (render, connect, send,
/// record) must fit, whatever the SMTP server does within `timeout` per step.
pub(crate) fn lease(config: &MailConfig) -> Duration {
    config.timeout.saturating_mul(10)
}
/// Longest sleep between scans with nothing scheduled: bounds how late a retry scheduled by an
/// earlier run of the server (not known to this one) can be.
const POLL: Duration = Duration::from_secs(30);

/// The SMTP client.
pub(crate) type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// How long to wait before the next attempt after `attempts` failed ones (1 or more):
/// `initial`, doubling with each failure, never more than `max`.
pub(crate) fn retry_delay(config: &MailConfig, attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(31);
    config
        .retry_initial
        .saturating_mul(1_u32 << doublings)
        .min(config.retry_max)
}

/// Builds the SMTP client from the configuration (plain SMTP, optional STARTTLS and login).
pub(crate) fn transport(config: &MailConfig) -> EngineResult<Transport> {
    let mut builder = Transport::builder_dangerous(config.smtp_host.as_str())
        .port(config.smtp_port)
        .timeout(Some(config.timeout));
    if config.starttls {
        let tls = TlsParameters::new(config.smtp_host.clone())
            .map_err(|e| EngineError::Internal(anyhow::anyhow!("SMTP TLS setup: {e}")))?;
        builder = builder.tls(Tls::Required(tls));
    }
    if !config.username.is_empty() {
        builder = builder.credentials(Credentials::new(
            config.username.clone(),
            config.password.clone(),
        ));
    }
    Ok(builder.build())
}

/// Where the mailer delivers.
pub(crate) enum Route {
    /// To the configured SMTP server.
    Smtp(Box<Transport>),
    /// To the local mailbox in the store (no SMTP server configured).
    Mailbox,
}

/// Starts the mailer; it stops at shutdown. With no SMTP host configured it delivers to the
/// local mailbox.
pub(crate) fn spawn(engine: Engine) {
    let config = &engine.0.config.mail;
    let route = if config.enabled() {
        match transport(config) {
            Ok(smtp) => {
                tracing::info!(
                    smtp.host = %config.smtp_host,
                    smtp.port = config.smtp_port,
                    smtp.starttls = config.starttls,
                    "mailer started"
                );
                Route::Smtp(Box::new(smtp))
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot set up the SMTP client: no transcripts");
                return;
            }
        }
    } else {
        tracing::info!(
            "mail.smtp_host is empty: mail is delivered to the local mailbox \
             (GET /chatwire/v1/accounts/{{account}}/mailbox)"
        );
        Route::Mailbox
    };
    tokio::spawn(async move { engine.run_mailer(&route).await });
}

/// Why one attempt failed, and whether trying again could help.
pub(super) struct Failure {
    /// What went wrong, kept as the mail's last error.
    pub(super) error: String,
    /// Trying again cannot help (the chat is gone, an address is refused for good).
    pub(super) permanent: bool,
}

impl Engine {
    async fn run_mailer(&self, route: &Route) {
        let mut next_retry: Option<Timestamp> = None;
        loop {
            let started = self.now();
            let scheduled = self.deliver_due(route).await;
            // A retry scheduled before this scan and due by its start was taken by it.
            next_retry = [next_retry.filter(|t| *t > started), scheduled]
                .into_iter()
                .flatten()
                .min();
            let wait = next_retry.map_or(POLL, |t| {
                let ms = u64::try_from(t.millis_since(self.now())).unwrap_or(0);
                Duration::from_millis(ms).min(POLL)
            });
            tokio::select! {
                () = self.0.mail.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
                () = self.0.shutdown.cancelled() => break,
            }
        }
        tracing::debug!("mailer stopped");
    }

    /// Sends due mails until none is left or one fails and will be retried; returns that
    /// mail's retry time.
    async fn deliver_due(&self, route: &Route) -> Option<Timestamp> {
        let lease_ms = i64::try_from(lease(&self.0.config.mail).as_millis()).unwrap_or(i64::MAX);
        loop {
            if self.0.shutdown.is_cancelled() {
                return None;
            }
            let now = self.now();
            let until = Timestamp(now.0.saturating_add(lease_ms));
            let mail = match self.0.store.claim_due_mail(now, until, 1).await {
                Ok(mut claimed) => claimed.pop()?,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the mail outbox failed");
                    return None;
                }
            };
            if let Some(retry) = self.deliver(route, &mail).await {
                return Some(retry);
            }
        }
    }

    /// One attempt at one mail, recorded in the store. Returns the retry time if it failed
    /// and will be tried again.
    #[tracing::instrument(skip_all, fields(mail.id = mail.id.0, mail.kind = mail.kind.as_str(), chat.id = ?mail.chat))]
    async fn deliver(&self, route: &Route, mail: &OutboxMail) -> Option<Timestamp> {
        let outcome = match route {
            Route::Smtp(smtp) => self.send_smtp(smtp, mail).await,
            // Filing the message records the mail as sent in the same transaction.
            Route::Mailbox => self.deliver_locally(mail).await,
        };
        match outcome {
            Ok(()) => None,
            Err(failure) => self.record_failure(mail, &failure, self.now()).await,
        }
    }

    /// Sends one mail over SMTP and records it sent.
    async fn send_smtp(&self, smtp: &Transport, mail: &OutboxMail) -> Result<(), Failure> {
        let message = self.message(mail).await?;
        smtp.send(message).await.map_err(|e| Failure {
            permanent: e.is_permanent(),
            error: format!("{e:#}"),
        })?;
        tracing::info!("mail sent");
        if let Err(e) = self.0.store.mark_mail_sent(mail.id, self.now()).await {
            // The mail went out but stays pending: it will be sent again (at least once).
            tracing::warn!(error = %e, "recording the sent mail failed");
        }
        Ok(())
    }

    /// Records a failed attempt: a retry time with backoff, or giving up (permanent refusal, or
    /// out of attempts). Returns the retry time, if any.
    async fn record_failure(
        &self,
        mail: &OutboxMail,
        failure: &Failure,
        now: Timestamp,
    ) -> Option<Timestamp> {
        let config = &self.0.config.mail;
        let after = |d: Duration| {
            Timestamp(
                now.0
                    .saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            )
        };
        let attempts = mail.attempts.saturating_add(1);
        let retry = (!failure.permanent && attempts < config.max_attempts)
            .then(|| after(retry_delay(config, attempts)));
        match retry {
            Some(at) => tracing::warn!(
                attempts, error = %failure.error, retry_in_ms = at.millis_since(now),
                "mail not sent; will retry"
            ),
            None => tracing::error!(
                attempts, error = %failure.error, "mail not sent; giving up"
            ),
        }
        match self
            .0
            .store
            .mark_mail_failed(mail.id, attempts, retry, &failure.error)
            .await
        {
            Ok(()) => retry,
            Err(e) => {
                // Still due as far as the store knows: look again after a pause, not in a
                // tight loop against a store that is failing.
                tracing::warn!(error = %e, "recording the failed attempt failed");
                Some(after(config.retry_initial))
            }
        }
    }

    /// The transcript of `mail`'s chat, rendered, with the chat it is of. Errors are failures
    /// of this attempt: permanent when the chat is gone.
    pub(super) async fn rendered_transcript(
        &self,
        mail: &OutboxMail,
    ) -> Result<(Chat, Transcript), Failure> {
        let transient = |e: &dyn std::fmt::Display| Failure {
            error: e.to_string(),
            permanent: false,
        };
        let Some(key) = mail.chat.as_ref() else {
            return Err(Failure {
                error: "a transcript without its chat".to_owned(),
                permanent: true,
            });
        };
        let chat = match self.0.store.get_chat(&mail.account, key).await {
            Ok(chat) => chat,
            Err(chatwire_store::StoreError::NotFound(what)) => {
                return Err(Failure {
                    error: format!("{what} not found"),
                    permanent: true,
                });
            }
            Err(e) => return Err(transient(&e)),
        };
        let mut events = Vec::new();
        let page = self.0.config.max_events_per_read.max(1);
        loop {
            let from = EventId(u32::try_from(events.len()).unwrap_or(u32::MAX));
            let batch = self
                .0
                .store
                .events_since(&mail.account, key, from, page)
                .await
                .map_err(|e| transient(&e))?;
            let done = batch.len() < page as usize;
            events.extend(batch);
            if done {
                break;
            }
        }
        let body = render(&chat, &events, mail.timezone_offset_ms);
        Ok((chat, body))
    }

    /// `mail` as a message: a transcript (plain and HTML) or a staff notice (plain text).
    /// Errors are failures of this attempt: permanent when the mail can never be built (what
    /// it is about is gone, an address lettre refuses).
    async fn message(&self, mail: &OutboxMail) -> Result<Message, Failure> {
        let permanent = |e: &dyn std::fmt::Display| Failure {
            error: e.to_string(),
            permanent: true,
        };
        let from = self
            .0
            .config
            .mail
            .sender_mailbox()
            .map_err(|e| permanent(&e))?;
        let to: Mailbox = mail.to.parse().map_err(|e| permanent(&e))?;
        let domain = from.email.domain().to_owned();
        let builder = Message::builder()
            .from(from)
            .to(to)
            .subject(mail.subject.clone());
        // A stable Message-ID lets a receiving server drop the duplicate of an at-least-once
        // resend.
        if mail.kind == MailKind::Transcript {
            let (chat, body) = self.rendered_transcript(mail).await?;
            let message_id = format!("<transcript-{}.{}@{domain}>", mail.id.0, chat.num.0);
            builder
                .message_id(Some(message_id))
                .multipart(MultiPart::alternative_plain_html(body.plain, body.html))
                .map_err(|e| permanent(&e))
        } else {
            let text = self.notice_text(mail).await?;
            let message_id = format!("<{}-{}@{domain}>", mail.kind.as_str(), mail.id.0);
            builder
                .message_id(Some(message_id))
                .header(lettre::message::header::ContentType::TEXT_PLAIN)
                .body(text)
                .map_err(|e| permanent(&e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> MailConfig {
        MailConfig {
            retry_initial: Duration::from_secs(5),
            retry_max: Duration::from_secs(600),
            ..MailConfig::default()
        }
    }

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap() {
        let delays: Vec<u64> = (1..=10)
            .map(|n| retry_delay(&config(), n).as_secs())
            .collect();
        assert_eq!(delays, vec![5, 10, 20, 40, 80, 160, 320, 600, 600, 600]);
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        assert_eq!(retry_delay(&config(), u32::MAX), Duration::from_secs(600));
        assert_eq!(retry_delay(&config(), 0), Duration::from_secs(5));
    }
}
