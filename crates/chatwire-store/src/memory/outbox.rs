//! The mail outbox and visitor liveness for the in-memory store: queueing, the due scan, the
//! claim that hands a mail to one mailer at a time, delivery bookkeeping, the local mailbox,
//! and the shared "visitor last seen" and "agent last seen" records.

use chatwire_core::{
    AccountId, AgentId, ChatKey, ChatState, MailId, MailKind, MailStatus, MailboxId, MailboxMail,
    OutboxMail, Timestamp,
};

use super::Inner;
use crate::{StoreError, StoreResult};

impl Inner {
    pub(super) fn enqueue_mail(&mut self, mail: &OutboxMail) -> StoreResult<MailId> {
        if !self.accounts.contains_key(&mail.account) {
            return Err(StoreError::NotFound("account"));
        }
        match &mail.chat {
            Some(chat) => {
                self.chat(&mail.account, chat)?;
            }
            None if mail.kind == MailKind::OfflineMessage => {}
            None => {
                return Err(StoreError::Other(anyhow::anyhow!(
                    "this mail needs its chat"
                )));
            }
        }
        let id = MailId(self.next_id());
        let stored = OutboxMail {
            id,
            status: MailStatus::Pending,
            attempts: 0,
            sent_at: None,
            last_error: None,
            ..mail.clone()
        };
        self.outbox.insert(id, stored);
        Ok(id)
    }

    pub(super) fn due_mail(&self, now: Timestamp, limit: u32) -> Vec<OutboxMail> {
        // Notices are due at once; a transcript once its chat has ended.
        let ended = |m: &OutboxMail| {
            !m.waits_for_chat_end()
                || m.chat
                    .as_ref()
                    .and_then(|k| self.chats.get(k))
                    .is_some_and(|(c, _)| c.state == ChatState::Ended)
        };
        let mut due: Vec<OutboxMail> = self
            .outbox
            .values()
            .filter(|m| m.status == MailStatus::Pending && m.next_attempt_at <= now && ended(m))
            .cloned()
            .collect();
        due.sort_by_key(|m| (m.next_attempt_at, m.id));
        due.truncate(limit as usize);
        due
    }

    /// The due scan and the lease in one step (the caller holds the store's lock).
    pub(super) fn claim_due_mail(
        &mut self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Vec<OutboxMail> {
        let mut claimed = self.due_mail(now, limit);
        for mail in &mut claimed {
            mail.next_attempt_at = lease_until;
            if let Some(stored) = self.outbox.get_mut(&mail.id) {
                stored.next_attempt_at = lease_until;
            }
        }
        claimed
    }

    pub(super) fn mail_of_chat(&self, account: &AccountId, key: &ChatKey) -> Vec<OutboxMail> {
        self.outbox
            .values()
            .filter(|m| &m.account == account && m.chat.as_ref() == Some(key))
            .cloned()
            .collect()
    }

    pub(super) fn mark_mail_sent(&mut self, id: MailId, at: Timestamp) -> StoreResult<()> {
        let mail = self
            .outbox
            .get_mut(&id)
            .ok_or(StoreError::NotFound("mail"))?;
        mail.status = MailStatus::Sent;
        mail.sent_at = Some(at);
        Ok(())
    }

    pub(super) fn mark_mail_failed(
        &mut self,
        id: MailId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        error: &str,
    ) -> StoreResult<()> {
        let mail = self
            .outbox
            .get_mut(&id)
            .ok_or(StoreError::NotFound("mail"))?;
        mail.attempts = attempts;
        mail.last_error = Some(error.to_owned());
        match retry_at {
            Some(at) => mail.next_attempt_at = at,
            None => mail.status = MailStatus::Failed,
        }
        Ok(())
    }

    /// Marks the outbox mail sent and files the message, in one step under the lock.
    pub(super) fn deliver_to_mailbox(&mut self, mail: &MailboxMail) -> StoreResult<MailboxId> {
        let queued = self
            .outbox
            .get_mut(&mail.outbox)
            .filter(|m| m.account == mail.account)
            .ok_or(StoreError::NotFound("mail"))?;
        queued.status = MailStatus::Sent;
        queued.sent_at = Some(mail.delivered_at);
        let id = MailboxId(self.next_id());
        self.mailbox.insert(id, MailboxMail { id, ..mail.clone() });
        Ok(id)
    }

    pub(super) fn mailbox(
        &self,
        account: &AccountId,
        after: MailboxId,
        limit: u32,
    ) -> Vec<MailboxMail> {
        self.mailbox
            .range(MailboxId(after.0.saturating_add(1))..)
            .map(|(_, m)| m)
            .filter(|m| &m.account == account)
            .take(limit as usize)
            .cloned()
            .collect()
    }

    pub(super) fn record_visitor_seen(
        &mut self,
        account: &AccountId,
        key: &ChatKey,
        at: Timestamp,
    ) -> StoreResult<()> {
        self.chat(account, key)?;
        let seen = self.visitor_seen.entry(key.clone()).or_insert(at);
        *seen = (*seen).max(at);
        Ok(())
    }

    pub(super) fn visitor_seen(
        &self,
        account: &AccountId,
        key: &ChatKey,
    ) -> StoreResult<Option<Timestamp>> {
        self.chat(account, key)?;
        Ok(self.visitor_seen.get(key).copied())
    }

    pub(super) fn record_agent_seen(
        &mut self,
        account: &AccountId,
        agent: AgentId,
        at: Timestamp,
    ) -> StoreResult<()> {
        if self
            .agents
            .get(&agent)
            .is_none_or(|a| &a.account != account)
        {
            return Err(StoreError::NotFound("agent"));
        }
        let seen = self.agent_seen.entry(agent).or_insert(at);
        *seen = (*seen).max(at);
        Ok(())
    }

    pub(super) fn add_ring_out(&mut self, account: &AccountId, agent: AgentId) -> StoreResult<u32> {
        self.agent_of(account, agent)?;
        let count = self.ring_outs.entry(agent).or_insert(0);
        *count = count.saturating_add(1);
        Ok(*count)
    }

    pub(super) fn clear_ring_outs(
        &mut self,
        account: &AccountId,
        agent: AgentId,
    ) -> StoreResult<()> {
        self.agent_of(account, agent)?;
        self.ring_outs.remove(&agent);
        Ok(())
    }

    fn agent_of(&self, account: &AccountId, agent: AgentId) -> StoreResult<()> {
        if self
            .agents
            .get(&agent)
            .is_none_or(|a| &a.account != account)
        {
            return Err(StoreError::NotFound("agent"));
        }
        Ok(())
    }

    pub(super) fn agents_seen(&self, account: &AccountId) -> Vec<(AgentId, Timestamp)> {
        self.agent_seen
            .iter()
            .filter(|(id, _)| self.agents.get(id).is_some_and(|a| &a.account == account))
            .map(|(id, at)| (*id, *at))
            .collect()
    }
}
