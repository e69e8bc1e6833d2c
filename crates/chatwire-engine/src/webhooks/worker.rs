//! The delivery worker: claims due subscriptions, runs one attempt for each in its own task,
//! and records the outcome.
//!
//! One attempt per claim: read the account's events after the subscription's cursor, skip
//! the kinds it does not take, post the first one it takes, then settle from the cursor it
//! claimed at (2xx: the cursor moves to that event; failure: the backoff; after `max_age` of
//! failures: a dead letter and the cursor moves on). The claim is a lease in the store, so a
//! subscription has one attempt in flight cluster-wide, and its events go out strictly in
//! order. A crash between the receiver's 2xx and the settle repeats that one event (at least
//! once; the `Chatwire-Event-Id` header is there for de-duplication).

use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{DeadLetter, FeedItem, Timestamp, Webhook, WebhookKind, WebhookProgress};
use tokio::sync::Semaphore;

use super::attempt::{self, Outcome};
use super::schedule::{self, Next};
use super::{WebhookConfig, WebhookRenderer};
use crate::Engine;

/// Events read per attempt while looking for the first subscribed one.
const PAGE: u32 = 100;
/// How often the worker re-reads which accounts have subscriptions.
const ACCOUNTS_REFRESH: Duration = Duration::from_secs(5);

/// Starts the worker on the runtime (after [`Engine::start_webhooks`] set the renderer and
/// client); it stops at the engine's shutdown.
pub(super) fn spawn(engine: Engine) {
    let Some((renderer, client)) = engine.0.webhooks.delivery.get().cloned() else {
        return;
    };
    let cfg = engine.0.config.webhooks.clone();
    tokio::spawn(run(engine, renderer, client, cfg));
}

async fn run(
    engine: Engine,
    renderer: Arc<dyn WebhookRenderer>,
    client: reqwest::Client,
    cfg: WebhookConfig,
) {
    let shutdown = engine.shutdown_token();
    let slots = Arc::new(Semaphore::new(cfg.max_in_flight));
    let mut refreshed = tokio::time::Instant::now() - ACCOUNTS_REFRESH;
    loop {
        if refreshed.elapsed() >= ACCOUNTS_REFRESH {
            engine.refresh_webhook_accounts().await;
            refreshed = tokio::time::Instant::now();
        }
        // No subscription anywhere (as of the last refresh): nothing can be due.
        if engine.0.webhooks.any() {
            claim_and_spawn(&engine, &renderer, &client, &cfg, &slots).await;
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = engine.0.webhooks.wake.notified() => {}
            () = tokio::time::sleep(cfg.poll_interval) => {}
        }
    }
}

async fn claim_and_spawn(
    engine: &Engine,
    renderer: &Arc<dyn WebhookRenderer>,
    client: &reqwest::Client,
    cfg: &WebhookConfig,
    slots: &Arc<Semaphore>,
) {
    let free = slots.available_permits();
    if free == 0 {
        return;
    }
    let now = engine.now();
    // The lease outlasts one attempt (the request timeout) with room for the store calls
    // around it; a worker that dies mid-attempt delays that subscription until it ends.
    let lease = Timestamp(now.0 + millis(cfg.timeout) * 2 + 5_000);
    let limit = u32::try_from(free).unwrap_or(u32::MAX);
    let claimed = match engine.0.store.claim_due_webhooks(now, lease, limit).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "webhook claim failed");
            return;
        }
    };
    for hook in claimed {
        let Ok(permit) = Arc::clone(slots).try_acquire_owned() else {
            break; // the lease ends and it is claimed again
        };
        let (engine, renderer, client, cfg) = (
            engine.clone(),
            Arc::clone(renderer),
            client.clone(),
            cfg.clone(),
        );
        tokio::spawn(async move {
            let id = hook.id;
            if let Err(e) = attempt_one(&engine, &*renderer, &client, &cfg, hook).await {
                tracing::warn!(webhook.id = id.0, error = %e, "webhook attempt not recorded");
            }
            drop(permit);
            engine.0.webhooks.wake.notify_one();
        });
    }
}

/// The first event after the cursor that `hook` takes, and the last event looked at.
async fn next_event(
    engine: &Engine,
    hook: &Webhook,
) -> crate::EngineResult<(
    Option<(WebhookKind, FeedItem)>,
    Option<chatwire_core::GlobalSeq>,
)> {
    let page = engine
        .0
        .store
        .feed_since(&hook.account, hook.progress.cursor, PAGE)
        .await?;
    let last = page.last().map(|i| i.event.seq);
    let first = page.into_iter().find_map(|item| {
        WebhookKind::of_event(&item.event)
            .filter(|k| hook.kinds.contains(*k))
            .map(|k| (k, item))
    });
    Ok((first, last))
}

async fn attempt_one(
    engine: &Engine,
    renderer: &dyn WebhookRenderer,
    client: &reqwest::Client,
    cfg: &WebhookConfig,
    hook: Webhook,
) -> crate::EngineResult<()> {
    let from = hook.progress.cursor;
    let store = &engine.0.store;
    let (found, last) = next_event(engine, &hook).await?;
    let Some((kind, item)) = found else {
        // Nothing subscribed in this page: skip it and be due again at once.
        let cursor = last.unwrap_or(from);
        store
            .settle_webhook(hook.id, from, &settled(cursor, engine.now()), None)
            .await?;
        return Ok(());
    };
    let body = renderer.render(&hook, kind, &item);
    let outcome = attempt::post(client, &hook, kind, &item, body, engine.now()).await;
    let now = engine.now();
    let seq = item.event.seq;
    let (progress, dead) = match outcome {
        Outcome::Delivered => (settled(seq, now), None),
        Outcome::Failed { error, retry_after } => {
            let attempts = hook.progress.attempts.saturating_add(1);
            let first = hook.progress.failing_since.unwrap_or(now);
            tracing::info!(webhook.id = hook.id.0, event.seq = seq.0, attempts, %error, "webhook attempt failed");
            match schedule::next(cfg, now, first, attempts, retry_after, schedule::jitter()) {
                Next::RetryAt(at) => (
                    WebhookProgress {
                        cursor: from,
                        attempts,
                        next_attempt_at: at,
                        failing_since: Some(first),
                        last_error: Some(error),
                    },
                    None,
                ),
                Next::Dead => {
                    tracing::warn!(
                        webhook.id = hook.id.0,
                        event.seq = seq.0,
                        "webhook event dead-lettered"
                    );
                    let letter = DeadLetter {
                        id: 0,
                        webhook: hook.id,
                        seq,
                        attempts,
                        last_error: error,
                        first_failed_at: first,
                        dead_at: now,
                    };
                    (settled(seq, now), Some(letter))
                }
            }
        }
    };
    if !store
        .settle_webhook(hook.id, from, &progress, dead.as_ref())
        .await?
    {
        tracing::warn!(
            webhook.id = hook.id.0,
            "webhook claim was stale; outcome dropped"
        );
    }
    Ok(())
}

/// Progress after the event at `cursor` was settled: nothing failing, due again at `now`.
fn settled(cursor: chatwire_core::GlobalSeq, now: Timestamp) -> WebhookProgress {
    WebhookProgress {
        cursor,
        attempts: 0,
        next_attempt_at: now,
        failing_since: None,
        last_error: None,
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
