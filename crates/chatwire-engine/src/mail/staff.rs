//! Staff notices by e-mail: where they go, the notice of an offline message (queued with the
//! message, in one store transaction), and the waiting alert the sweeper raises.
//!
//! Rules owned here: staff mail about a skill goes to the skill's address, else the account's,
//! else nowhere (no mail, nothing queued). A chat raises a waiting alert when it has waited
//! (since it was requested) at least `waiting_alert` while no agent who could take it is
//! online (`routing::is_available_for`, the rule behind visitor availability), at most once
//! ever: the store writes the alert only while the chat still waits and only if it has none,
//! in one transaction, so nodes sweeping the same store at once raise one mail between them.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use chatwire_core::{
    AccountId, Chat, ChatKey, ChatState, MailKind, OutboxMail, SkillId, SurveyResponse, routing,
};

use crate::{Engine, EngineResult};

/// Subject of the notice of an offline message (the skill's name follows, when it has one).
pub(crate) const OFFLINE_SUBJECT: &str = "New offline message";
/// Subject of a waiting alert (the skill's name follows, when it has one).
pub(crate) const WAITING_SUBJECT: &str = "A chat is waiting with no agent online";

/// Chats this node has seen alerted (or raise nothing): not asked about again, so a chat
/// that waits for an hour costs one store write, not one per sweep. Forgotten once the chat
/// stops waiting.
#[derive(Debug, Default)]
pub(crate) struct Alerted {
    chats: Mutex<HashSet<ChatKey>>,
}

impl Engine {
    /// Where staff mail about `skill` goes: the skill's address, else the account's.
    pub(crate) async fn staff_address_for(
        &self,
        account: &AccountId,
        skill: Option<SkillId>,
    ) -> EngineResult<Option<String>> {
        let all = self.0.store.staff_addresses(account).await?;
        Ok(all.for_skill(skill).map(str::to_owned))
    }

    /// A notice's subject: `base`, with the skill's name when there is one and it fits.
    async fn notice_subject(
        &self,
        base: &str,
        account: &AccountId,
        skill: Option<SkillId>,
    ) -> String {
        let name = match skill {
            Some(id) => self
                .skills(account)
                .await
                .ok()
                .and_then(|all| all.into_iter().find(|s| s.id == id))
                .map(|s| s.name),
            None => None,
        };
        let subject = name.map_or_else(|| base.to_owned(), |n| format!("{base} ({n})"));
        if chatwire_core::outbox::check_subject(&subject).is_ok() {
            subject
        } else {
            base.to_owned()
        }
    }

    /// Stores an offline message and, when `skill` (else the account) has a staff address,
    /// queues its notice in the same store transaction. Durable on return. Either way the
    /// store appends the message's `offline.message` account event in that transaction too,
    /// so the webhook worker is woken once, after.
    pub(crate) async fn save_offline_message(
        &self,
        response: &SurveyResponse,
        skill: Option<SkillId>,
    ) -> EngineResult<()> {
        let account = &response.account;
        match self.staff_address_for(account, skill).await? {
            None => self.0.store.save_survey_response(response).await?,
            Some(to) => self.save_with_notice(response, skill, &to).await?,
        }
        self.webhooks_on_account_commit(account);
        Ok(())
    }

    /// Saves the message with its notice to `to`, then wakes the mailer.
    async fn save_with_notice(
        &self,
        response: &SurveyResponse,
        skill: Option<SkillId>,
        to: &str,
    ) -> EngineResult<()> {
        let account = &response.account;
        let subject = self.notice_subject(OFFLINE_SUBJECT, account, skill).await;
        let notice = OutboxMail::notice(
            account.clone(),
            MailKind::OfflineMessage,
            None,
            to,
            &subject,
            self.now(),
        )?;
        let id = self
            .0
            .store
            .save_offline_with_notice(response, &notice)
            .await?;
        tracing::info!(offline.id = id, "offline message notice queued");
        self.0.mail.wake.notify_one();
        Ok(())
    }

    /// One pass of waiting alerts over every open chat of the store (all nodes' chats, so a
    /// chat is alerted even if the node it was opened on has stopped). Returns alerts raised
    /// by this pass. Does nothing when `waiting_alert` is zero.
    pub async fn sweep_waiting_alerts(&self) -> usize {
        let after = i64::try_from(self.0.config.waiting_alert.as_millis()).unwrap_or(i64::MAX);
        if after == 0 {
            return 0;
        }
        let open = match self.0.store.open_chats().await {
            Ok(open) => open,
            Err(e) => {
                tracing::warn!(error = %e, "waiting alerts: cannot read the open chats");
                return 0;
            }
        };
        let now = self.now();
        let waiting: Vec<Chat> = {
            let mut seen = self.alerted();
            seen.retain(|k| {
                open.iter()
                    .any(|c| &c.key == k && c.state == ChatState::Waiting)
            });
            open.into_iter()
                .filter(|c| c.state == ChatState::Waiting && !seen.contains(&c.key))
                .filter(|c| now.millis_since(c.started_at) >= after)
                .collect()
        };
        let mut raised = 0;
        for chat in waiting {
            match self.alert_waiting(&chat).await {
                Ok(true) => raised += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(chat.id = %chat.key, error = %e, "waiting alert failed");
                }
            }
        }
        if raised > 0 {
            self.0.mail.wake.notify_one();
        }
        raised
    }

    /// Raises the alert of one long-waiting chat unless an agent who could take it is online
    /// or nobody is to be told. `true` when this call queued the mail.
    async fn alert_waiting(&self, chat: &Chat) -> EngineResult<bool> {
        let account = &chat.account;
        let someone = self
            .agents(account)
            .await?
            .iter()
            .any(|a| routing::is_available_for(a, chat.skill));
        if someone {
            // Not remembered: the agent may leave while the chat still waits.
            return Ok(false);
        }
        let Some(to) = self.staff_address_for(account, chat.skill).await? else {
            return Ok(false);
        };
        let subject = self
            .notice_subject(WAITING_SUBJECT, account, chat.skill)
            .await;
        let alert = OutboxMail::notice(
            account.clone(),
            MailKind::WaitingAlert,
            Some(chat.key.clone()),
            &to,
            &subject,
            self.now(),
        )?;
        let id = self.0.store.raise_waiting_alert(&alert).await?;
        // Raised here, by another node, or the chat stopped waiting: never again either way.
        self.alerted().insert(chat.key.clone());
        if let Some(id) = id {
            tracing::info!(chat.id = %chat.key, mail.id = id.0, "waiting alert queued");
        }
        Ok(id.is_some())
    }

    fn alerted(&self) -> std::sync::MutexGuard<'_, HashSet<ChatKey>> {
        self.0
            .mail
            .alerted
            .chats
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
