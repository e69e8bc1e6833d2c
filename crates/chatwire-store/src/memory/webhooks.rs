//! [`WebhookStore`] for the in-memory store: subscriptions, the claim, settling an attempt
//! and dead letters, each under the store's one lock (so each is atomic, as the SQL backends'
//! transactions are).

use async_trait::async_trait;
use chatwire_core::{
    AccountEvent, AccountEventKind, AccountId, DeadLetter, GlobalSeq, LogEntry, Timestamp, Webhook,
    WebhookId, WebhookKinds, WebhookProgress,
};

use chatwire_core::webhook::merge_log;

use super::MemoryStore;
use crate::{StoreError, StoreResult, WebhookStore};

fn owned<'a>(
    hooks: &'a mut std::collections::BTreeMap<WebhookId, Webhook>,
    account: &AccountId,
    id: WebhookId,
) -> StoreResult<&'a mut Webhook> {
    hooks
        .get_mut(&id)
        .filter(|w| &w.account == account)
        .ok_or(StoreError::NotFound("webhook"))
}

#[async_trait]
impl WebhookStore for MemoryStore {
    async fn create_webhook(&self, new: &Webhook) -> StoreResult<Webhook> {
        let mut inner = self.lock()?;
        if !inner.accounts.contains_key(&new.account) {
            return Err(StoreError::NotFound("account"));
        }
        let stored = Webhook {
            id: WebhookId(inner.next_id()),
            progress: WebhookProgress {
                cursor: GlobalSeq(inner.last_seq),
                attempts: 0,
                next_attempt_at: new.created_at,
                failing_since: None,
                last_error: None,
            },
            ..new.clone()
        };
        inner.webhooks.insert(stored.id, stored.clone());
        Ok(stored)
    }

    async fn list_webhooks(&self, account: &AccountId) -> StoreResult<Vec<Webhook>> {
        Ok(self
            .lock()?
            .webhooks
            .values()
            .filter(|w| &w.account == account)
            .cloned()
            .collect())
    }

    async fn enabled_webhooks(&self) -> StoreResult<Vec<(AccountId, WebhookId, WebhookKinds)>> {
        Ok(self
            .lock()?
            .webhooks
            .values()
            .filter(|w| w.enabled)
            .map(|w| (w.account.clone(), w.id, w.kinds))
            .collect())
    }

    async fn get_webhook(&self, account: &AccountId, id: WebhookId) -> StoreResult<Webhook> {
        owned(&mut self.lock()?.webhooks, account, id).map(|w| w.clone())
    }

    async fn update_webhook(&self, webhook: &Webhook) -> StoreResult<()> {
        let mut inner = self.lock()?;
        let slot = owned(&mut inner.webhooks, &webhook.account, webhook.id)?;
        *slot = Webhook {
            progress: slot.progress.clone(),
            created_at: slot.created_at,
            ..webhook.clone()
        };
        Ok(())
    }

    async fn delete_webhook(&self, account: &AccountId, id: WebhookId) -> StoreResult<()> {
        let mut inner = self.lock()?;
        owned(&mut inner.webhooks, account, id)?;
        inner.webhooks.remove(&id);
        inner.dead_letters.retain(|_, d| d.webhook != id);
        Ok(())
    }

    async fn claim_due_webhooks(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Webhook>> {
        let mut inner = self.lock()?;
        let has_event = |w: &Webhook| {
            inner
                .feed
                .iter()
                .rev()
                .take_while(|(_, item)| item.event.seq > w.progress.cursor)
                .any(|(account, _)| account == &w.account)
                || inner
                    .account_events
                    .iter()
                    .rev()
                    .take_while(|e| e.seq > w.progress.cursor)
                    .any(|e| e.account == w.account)
        };
        let mut due: Vec<Webhook> = inner
            .webhooks
            .values()
            .filter(|w| w.enabled && w.progress.next_attempt_at <= now && has_event(w))
            .cloned()
            .collect();
        due.sort_by_key(|w| (w.progress.next_attempt_at, w.id));
        due.truncate(limit as usize);
        for hook in &mut due {
            hook.progress.next_attempt_at = lease_until;
            if let Some(stored) = inner.webhooks.get_mut(&hook.id) {
                stored.progress.next_attempt_at = lease_until;
            }
        }
        Ok(due)
    }

    async fn settle_webhook(
        &self,
        id: WebhookId,
        from: GlobalSeq,
        progress: &WebhookProgress,
        dead: Option<&DeadLetter>,
    ) -> StoreResult<bool> {
        let mut inner = self.lock()?;
        let next_id = inner.last_id + 1;
        let hook = inner
            .webhooks
            .get_mut(&id)
            .ok_or(StoreError::NotFound("webhook"))?;
        if hook.progress.cursor != from {
            return Ok(false);
        }
        hook.progress = progress.clone();
        if let Some(dead) = dead {
            inner.last_id = next_id;
            let letter = DeadLetter {
                id: next_id,
                webhook: id,
                ..dead.clone()
            };
            inner.dead_letters.insert(next_id, letter);
        }
        Ok(true)
    }

    async fn list_dead_letters(
        &self,
        account: &AccountId,
        webhook: WebhookId,
    ) -> StoreResult<Vec<DeadLetter>> {
        let mut inner = self.lock()?;
        owned(&mut inner.webhooks, account, webhook)?;
        Ok(inner
            .dead_letters
            .values()
            .filter(|d| d.webhook == webhook)
            .cloned()
            .collect())
    }

    async fn delete_dead_letter(
        &self,
        account: &AccountId,
        webhook: WebhookId,
        id: i64,
    ) -> StoreResult<()> {
        let mut inner = self.lock()?;
        owned(&mut inner.webhooks, account, webhook)?;
        match inner.dead_letters.get(&id) {
            Some(d) if d.webhook == webhook => {
                inner.dead_letters.remove(&id);
                Ok(())
            }
            _ => Err(StoreError::NotFound("dead letter")),
        }
    }

    async fn webhook_log_since(
        &self,
        account: &AccountId,
        after: GlobalSeq,
        limit: u32,
    ) -> StoreResult<Vec<LogEntry>> {
        // One lock for both reads: the same snapshot, as the SQL backends' one statement.
        let inner = self.lock()?;
        let n = limit as usize;
        let start = inner
            .feed
            .partition_point(|(_, item)| item.event.seq <= after);
        let chat = inner.feed[start..]
            .iter()
            .filter(|(a, _)| a == account)
            .take(n)
            .map(|(_, item)| item.clone())
            .collect();
        let start = inner.account_events.partition_point(|e| e.seq <= after);
        let events = inner.account_events[start..]
            .iter()
            .filter(|e| &e.account == account)
            .take(n)
            .cloned()
            .collect();
        Ok(merge_log(chat, events, n))
    }

    async fn append_account_event(
        &self,
        account: &AccountId,
        at: Timestamp,
        kind: &AccountEventKind,
    ) -> StoreResult<Option<AccountEvent>> {
        let mut inner = self.lock()?;
        if !inner.accounts.contains_key(account) {
            return Err(StoreError::NotFound("account"));
        }
        Ok(inner.append_account_event(account, at, kind.clone()))
    }
}
