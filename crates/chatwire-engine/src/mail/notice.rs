//! Staff notices: rendering the plain-text body of an offline-message notice or a waiting
//! alert when the mailer sends it, from what the store holds then.
//!
//! Why at send time, like transcripts: the notice of an offline message needs the message's
//! id, which the store assigns in the very transaction that queues the notice; and the outbox
//! then keeps no copy of a visitor's name, address or words, so erasing an offline message
//! (or a chat) before its notice went out also stops the notice, which fails for good as "not
//! found" instead of mailing erased data. A waiting alert renders the chat as stored plus the
//! moment the alert was raised (the mail's `created_at`), so it still tells how long the
//! visitor had waited when nobody was there, even if an agent took the chat since.

use chatwire_core::history::OfflineMessage;
use chatwire_core::survey::Validation;
use chatwire_core::{AccountId, ChatState, MailKind, OutboxMail, SkillId, Timestamp};

use super::sender::Failure;
use crate::Engine;

/// A time as `2026-12-06 19:30:00 UTC`.
pub(crate) fn utc(at: Timestamp) -> String {
    chrono::DateTime::from_timestamp_millis(at.0).map_or_else(
        || format!("{} ms", at.0),
        |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

/// How a failed read of the notice's data counts: gone for good, or worth a retry.
fn failure(e: &crate::EngineError) -> Failure {
    Failure {
        error: e.to_string(),
        permanent: matches!(e, crate::EngineError::NotFound(_)),
    }
}

impl Engine {
    /// The plain-text body of a staff notice. Errors are failures of this attempt: permanent
    /// when what it is about is gone (erased).
    pub(super) async fn notice_text(&self, mail: &OutboxMail) -> Result<String, Failure> {
        match (mail.kind, mail.offline, mail.chat.as_ref()) {
            (MailKind::OfflineMessage, Some(id), _) => {
                let message = self
                    .offline_message(&mail.account, id)
                    .await
                    .map_err(|e| failure(&e))?;
                Ok(self.offline_text(&message).await)
            }
            (MailKind::WaitingAlert, _, Some(key)) => {
                let chat = self
                    .0
                    .store
                    .get_chat(&mail.account, key)
                    .await
                    .map_err(|e| failure(&e.into()))?;
                let skill = self.skill_label(&mail.account, chat.skill).await;
                let waited_min = mail.created_at.millis_since(chat.started_at) / 60_000;
                let now = match chat.state {
                    ChatState::Waiting => "still waiting when this mail was sent".to_owned(),
                    ChatState::Chatting => "taken by an agent since".to_owned(),
                    ChatState::Ended => "ended since".to_owned(),
                };
                Ok(format!(
                    "A visitor has waited {waited_min} minutes for an agent with no agent \
                     online who could take the chat.\n\n\
                     Chat: {key} (number {num})\nVisitor: {visitor}\nSkill: {skill}\n\
                     Waiting since: {since}\nAlert raised: {raised}\nNow: {now}\n",
                    num = chat.num.0,
                    visitor = chat.visitor_name,
                    since = utc(chat.started_at),
                    raised = utc(mail.created_at),
                ))
            }
            _ => Err(Failure {
                error: format!("a {} mail without what it is about", mail.kind.as_str()),
                permanent: true,
            }),
        }
    }

    /// The offline message `id` of the account; `NotFound` once erased.
    async fn offline_message(
        &self,
        account: &AccountId,
        id: i64,
    ) -> crate::EngineResult<OfflineMessage> {
        let page = self
            .0
            .store
            .offline_messages(account, false, Some(id.saturating_add(1)), 1)
            .await?;
        page.into_iter()
            .find(|m| m.id == id)
            .ok_or(crate::EngineError::NotFound("offline message"))
    }

    /// A skill's name for a mail, `(none)` without one.
    async fn skill_label(&self, account: &AccountId, skill: Option<SkillId>) -> String {
        let Some(id) = skill else {
            return "(none)".to_owned();
        };
        match self.skills(account).await {
            Ok(all) => all
                .into_iter()
                .find(|s| s.id == id)
                .map_or_else(|| id.to_string(), |s| s.name),
            Err(_) => id.to_string(),
        }
    }

    /// The notice of an offline message: who left it, the answers with their questions, the
    /// skill, when, and the id admins see in the offline list.
    async fn offline_text(&self, message: &OfflineMessage) -> String {
        let r = &message.response;
        let survey = self
            .surveys(&r.account)
            .await
            .ok()
            .and_then(|all| all.into_iter().find(|s| s.id == r.survey));
        let question = |id: &str| {
            survey
                .as_ref()
                .and_then(|s| s.questions.iter().find(|q| q.id.to_string() == id))
        };
        let (mut name, mut email, mut phone) = (None, r.email(), None);
        let mut answers = String::new();
        for a in &r.answers {
            let q = question(&a.question);
            let label = q.map_or_else(|| format!("Question {}", a.question), |q| q.label.clone());
            let text = a.answers.join(", ");
            let lower = label.to_lowercase();
            if lower.contains("name") && name.is_none() {
                name = Some(text.clone());
            } else if lower.contains("phone") && phone.is_none() {
                phone = Some(text.clone());
            } else if (lower.contains("mail")
                || q.is_some_and(|q| q.validation == Some(Validation::Email)))
                && email.is_none()
            {
                email = Some(text.clone());
            }
            answers.push_str(&format!("  {label}: {text}\n"));
        }
        let skill = r
            .context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("skill"))
            .map_or("(none)", |(_, v)| v.as_str());
        let given = |v: Option<String>| v.unwrap_or_else(|| "(not given)".to_owned());
        let mut text = format!(
            "A visitor left an offline message.\n\n\
             Name: {name}\nE-mail: {email}\n",
            name = given(name),
            email = given(email),
        );
        if let Some(phone) = phone {
            text.push_str(&format!("Phone: {phone}\n"));
        }
        text.push_str(&format!(
            "Skill: {skill}\nReceived: {at}\nOffline message id: {id}\n\nAnswers:\n{answers}",
            at = utc(r.submitted_at),
            id = message.id,
        ));
        text
    }
}
