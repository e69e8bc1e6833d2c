//! The local mailbox: where the mailer delivers when no SMTP server is configured, and who may
//! read it.
//!
//! Rules owned here: a mailbox message is the mail exactly as it would have been mailed
//! (subject, `From`, both bodies of a transcript; a staff notice's text, and that text as HTML); filing it marks its outbox mail sent in the same store
//! transaction, so it is filed once; only the account's admin agents read the mailbox (it holds
//! visitors' addresses and whole conversations), a page at a time by cursor.

use chatwire_core::{MailKind, MailboxId, MailboxMail, OutboxMail};

use super::sender::Failure;
use crate::{AgentPrincipal, Engine, EngineError, EngineResult};

/// Most messages one mailbox read returns.
pub const MAX_MAILBOX_PAGE: u32 = 100;

impl Engine {
    /// Renders `mail` and files it in its account's mailbox (marking it sent).
    pub(super) async fn deliver_locally(&self, mail: &OutboxMail) -> Result<(), Failure> {
        let (text, html) = if mail.kind == MailKind::Transcript {
            let (_, body) = self.rendered_transcript(mail).await?;
            (body.plain, body.html)
        } else {
            // A notice is plain text; the HTML body shows the same text as it is.
            let text = self.notice_text(mail).await?;
            let html = format!("<pre>{}</pre>", super::transcript::escape(&text));
            (text, html)
        };
        let filed = MailboxMail {
            id: MailboxId::default(),
            account: mail.account.clone(),
            outbox: mail.id,
            chat: mail.chat.clone(),
            from: self.0.config.mail.from.clone(),
            to: mail.to.clone(),
            subject: mail.subject.clone(),
            text,
            html,
            delivered_at: self.now(),
        };
        match self.0.store.deliver_to_mailbox(&filed).await {
            Ok(id) => {
                tracing::info!(mailbox.id = id.0, "mail delivered to the local mailbox");
                Ok(())
            }
            Err(e) => Err(Failure {
                error: format!("filing in the local mailbox failed: {e}"),
                permanent: false,
            }),
        }
    }

    /// The caller's account mailbox after the cursor `after` (0 for the start), oldest first,
    /// at most `limit` (clamped to 1..=[`MAX_MAILBOX_PAGE`]). For admin agents only; others
    /// are `Forbidden`.
    pub async fn mailbox(
        &self,
        who: &AgentPrincipal,
        after: MailboxId,
        limit: u32,
    ) -> EngineResult<Vec<MailboxMail>> {
        if !self.agent(&who.account, who.agent).await?.is_admin {
            return Err(EngineError::Forbidden(
                "the mailbox is for the account's admins",
            ));
        }
        let limit = limit.clamp(1, MAX_MAILBOX_PAGE);
        Ok(self.0.store.mailbox(&who.account, after, limit).await?)
    }
}
