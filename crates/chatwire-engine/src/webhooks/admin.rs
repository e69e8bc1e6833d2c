//! Subscriptions as an admin manages them: list, read, create (the secret generated when not
//! given), edit, delete; an account's dead letters and their replay. Every use case takes an
//! [`AdminCaller`] and checks its account first.

use chatwire_core::webhook::{check_secret, check_url};
use chatwire_core::{
    AccountId, DeadLetter, GlobalSeq, PayloadFormat, Webhook, WebhookId, WebhookKinds,
    WebhookProgress,
};

use super::attempt::{self, Outcome};
use crate::{AdminCaller, Engine, EngineError, EngineResult};

/// Most subscriptions an account may have: each one is a worker task and a claim per event.
pub const MAX_WEBHOOKS_PER_ACCOUNT: usize = 20;

/// What an admin supplies to create a subscription.
#[derive(Debug, Clone, Default)]
pub struct WebhookInput {
    /// Target URL (https, or http to loopback).
    pub url: String,
    /// The signing secret; generated (32 random bytes, 64 hex digits) when absent.
    pub secret: Option<String>,
    /// Event kinds by wire name; absent: every kind but typing.
    pub events: Option<Vec<String>>,
    /// Payload format by name; absent: `chatwire`.
    pub format: Option<String>,
    /// Absent: enabled.
    pub enabled: Option<bool>,
}

/// What an admin may change on a subscription (absent fields stay).
#[derive(Debug, Clone, Default)]
pub struct WebhookPatch {
    /// Target URL.
    pub url: Option<String>,
    /// A new signing secret (rotation: the receiver must accept the new one from now on).
    pub secret: Option<String>,
    /// Event kinds, replacing the present set.
    pub events: Option<Vec<String>>,
    /// Payload format.
    pub format: Option<String>,
    /// Pause (false) or resume (true). A paused subscription keeps its place: on resuming it
    /// receives what was committed meanwhile.
    pub enabled: Option<bool>,
}

/// What a replay of a dead letter came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayOutcome {
    /// The receiver answered 2xx; the dead letter is deleted.
    pub delivered: bool,
    /// Why not, when not delivered (the dead letter stays).
    pub error: Option<String>,
}

fn kinds(events: Option<&[String]>) -> EngineResult<WebhookKinds> {
    Ok(match events {
        None => WebhookKinds::default_set(),
        Some(list) => WebhookKinds::parse(list)?,
    })
}

impl Engine {
    /// An account's subscriptions, by id.
    pub async fn webhooks_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
    ) -> EngineResult<Vec<Webhook>> {
        by.check_account(account)?;
        self.dir(account).await?;
        Ok(self.0.store.list_webhooks(account).await?)
    }

    /// One subscription of the account (`NotFound` for another account's).
    pub async fn webhook_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: WebhookId,
    ) -> EngineResult<Webhook> {
        by.check_account(account)?;
        Ok(self.0.store.get_webhook(account, id).await?)
    }

    /// Creates a subscription. It receives the events committed after it was created.
    /// `Conflict` past [`MAX_WEBHOOKS_PER_ACCOUNT`].
    pub async fn create_webhook_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        input: WebhookInput,
    ) -> EngineResult<Webhook> {
        by.check_account(account)?;
        check_url(input.url.trim())?;
        let secret = match input.secret {
            Some(s) => {
                check_secret(&s)?;
                s
            }
            None => self.random_token(32)?,
        };
        let new = Webhook {
            id: WebhookId(0),
            account: account.clone(),
            url: input.url.trim().to_owned(),
            secret,
            kinds: kinds(input.events.as_deref())?,
            format: PayloadFormat::parse(input.format.as_deref().unwrap_or("chatwire"))?,
            enabled: input.enabled.unwrap_or(true),
            created_at: self.now(),
            progress: WebhookProgress {
                cursor: GlobalSeq(0),
                attempts: 0,
                next_attempt_at: self.now(),
                failing_since: None,
                last_error: None,
            },
        };
        self.dir(account).await?;
        if self.0.store.list_webhooks(account).await?.len() >= MAX_WEBHOOKS_PER_ACCOUNT {
            return Err(EngineError::Conflict(format!(
                "an account has at most {MAX_WEBHOOKS_PER_ACCOUNT} webhooks"
            )));
        }
        let created = self.0.store.create_webhook(&new).await?;
        self.refresh_webhooks().await;
        Ok(created)
    }

    /// Changes a subscription's URL, secret, kinds, format or enabled flag.
    pub async fn update_webhook_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: WebhookId,
        patch: WebhookPatch,
    ) -> EngineResult<Webhook> {
        by.check_account(account)?;
        if let Some(url) = &patch.url {
            check_url(url.trim())?;
        }
        if let Some(secret) = &patch.secret {
            check_secret(secret)?;
        }
        let kinds = patch
            .events
            .as_deref()
            .map(|e| kinds(Some(e)))
            .transpose()?;
        let format = patch
            .format
            .as_deref()
            .map(PayloadFormat::parse)
            .transpose()?;
        let mut stored = self.0.store.get_webhook(account, id).await?;
        if let Some(url) = patch.url {
            stored.url = url.trim().to_owned();
        }
        if let Some(secret) = patch.secret {
            stored.secret = secret;
        }
        stored.kinds = kinds.unwrap_or(stored.kinds);
        stored.format = format.unwrap_or(stored.format);
        stored.enabled = patch.enabled.unwrap_or(stored.enabled);
        self.0.store.update_webhook(&stored).await?;
        self.refresh_webhooks().await;
        Ok(stored)
    }

    /// Deletes a subscription and its dead letters; nothing more is sent to it.
    pub async fn delete_webhook_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: WebhookId,
    ) -> EngineResult<()> {
        by.check_account(account)?;
        self.0.store.delete_webhook(account, id).await?;
        self.refresh_webhooks().await;
        Ok(())
    }

    /// A subscription's dead letters, oldest first.
    pub async fn dead_letters_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: WebhookId,
    ) -> EngineResult<Vec<DeadLetter>> {
        by.check_account(account)?;
        Ok(self.0.store.list_dead_letters(account, id).await?)
    }

    /// Posts a dead-lettered event to its subscription once more, now, signed as usual (same
    /// `Chatwire-Event-Id`). Delivered: the dead letter is deleted. Not delivered: it stays,
    /// and the answer says why. Out of order by nature (later events went on meanwhile).
    /// `NotFound` when the event itself is gone (chat deleted or retention), `Conflict` when
    /// this node does not run the delivery worker.
    pub async fn replay_dead_letter_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: WebhookId,
        letter: i64,
    ) -> EngineResult<ReplayOutcome> {
        by.check_account(account)?;
        let hook = self.0.store.get_webhook(account, id).await?;
        let dead = self
            .0
            .store
            .list_dead_letters(account, id)
            .await?
            .into_iter()
            .find(|d| d.id == letter)
            .ok_or(EngineError::NotFound("dead letter"))?;
        let item = self
            .0
            .store
            .webhook_log_since(account, GlobalSeq(dead.seq.0 - 1), 1)
            .await?
            .into_iter()
            .find(|i| i.seq() == dead.seq)
            .ok_or(EngineError::NotFound("event"))?;
        let kind = item.webhook_kind().ok_or(EngineError::NotFound("event"))?;
        let Some((renderer, client)) = self.0.webhooks.delivery.get() else {
            return Err(EngineError::Conflict(
                "webhook delivery is not running on this server".to_owned(),
            ));
        };
        let body = super::body_of(self, renderer.as_ref(), &hook, kind, &item).await?;
        match attempt::post(client, &hook, kind, &item, body, self.now()).await {
            Outcome::Delivered => {
                self.0.store.delete_dead_letter(account, id, letter).await?;
                Ok(ReplayOutcome {
                    delivered: true,
                    error: None,
                })
            }
            Outcome::Failed { error, .. } => Ok(ReplayOutcome {
                delivered: false,
                error: Some(error),
            }),
        }
    }
}
