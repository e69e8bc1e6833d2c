//! The delivery worker: claims due subscriptions, runs one attempt for each in its own task,
//! and records the outcome.
//!
//! A claim starts a run: read the account's log after the subscription's cursor (chat events
//! and account events merged by seq, one store read), skip the kinds it does not take (and
//! account events for a format that has no event for them), post the first one it takes, and settle from the cursor it was at
//! (2xx: the cursor moves to that event and the lease is renewed, so the run goes on with the
//! next event without another claim; failure: the backoff ends the run; after `max_age` of
//! failures: a dead letter, and the run goes on). A run that finds nothing more releases the
//! subscription (due again at once). The claim is a lease in the store, so a subscription has
//! one attempt in flight cluster-wide, and its events go out strictly in order. A crash
//! between the receiver's 2xx and the settle repeats that one event (at least once; the
//! `Chatwire-Event-Id` header is there for de-duplication).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{DeadLetter, GlobalSeq, LogEntry, Timestamp, Webhook, WebhookProgress};
use tokio::sync::Semaphore;

use super::attempt::{self, Outcome};
use super::schedule::{self, Next};
use super::{Local, WebhookConfig, WebhookRenderer};
use crate::Engine;

/// Events read per store call during a run.
const PAGE: u32 = 100;
/// Most events one run posts before it releases its claim (and the worker claims again).
const RUN: usize = 100;
/// How often the worker re-reads which accounts have subscriptions.
const ACCOUNTS_REFRESH: Duration = Duration::from_secs(5);

/// Starts the worker on the runtime (after [`Engine::start_webhooks`] set the renderer and
/// client); it stops at the engine's shutdown.
pub(super) fn spawn(engine: Engine) {
    let Some((renderer, client)) = engine.0.webhooks.delivery.get().cloned() else {
        return;
    };
    let cfg = engine.0.config.webhooks.clone();
    tokio::spawn(work(engine, renderer, client, cfg));
}

async fn work(
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
            engine.refresh_webhooks().await;
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
    let lease = Timestamp(now.0 + lease_len(cfg));
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
        engine.0.webhooks.set_local(hook.id, Some(Local::InFlight));
        tokio::spawn(async move {
            let id = hook.id;
            let after = match run(&engine, &*renderer, &client, &cfg, hook).await {
                Ok(after) => after,
                Err(e) => {
                    tracing::warn!(webhook.id = id.0, error = %e, "webhook attempt not recorded");
                    None
                }
            };
            // Forget "in flight" before waking the worker, so that a commit that came during
            // the release is claimed now rather than at the next poll.
            engine.0.webhooks.set_local(id, after);
            drop(permit);
            engine.0.webhooks.wake.notify_one();
        });
    }
}

/// One claimed subscription's run; returns what this node then knows of it (`None`: it may
/// be due, `Until`: backing off). Events are read a page at a time and posted one by one;
/// kinds the subscription does not take are passed over (the next settle's cursor moves past
/// them).
async fn run(
    engine: &Engine,
    renderer: &dyn WebhookRenderer,
    client: &reqwest::Client,
    cfg: &WebhookConfig,
    mut hook: Webhook,
) -> crate::EngineResult<Option<Local>> {
    let store = &engine.0.store;
    let mut buffer: VecDeque<LogEntry> = VecDeque::new();
    let mut read_to = hook.progress.cursor;
    let mut posted = 0;
    while posted < RUN {
        let Some(item) = buffer.pop_front() else {
            let page = store
                .webhook_log_since(&hook.account, read_to, PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            read_to = last.seq();
            buffer = page.into();
            continue;
        };
        let Some(kind) = super::deliverable(&hook, &item) else {
            continue;
        };
        posted += 1;
        let from = hook.progress.cursor;
        let body = super::body_of(engine, renderer, &hook, kind, &item).await?;
        let outcome = attempt::post(client, &hook, kind, &item, body, engine.now()).await;
        let now = engine.now();
        let held = Timestamp(now.0 + lease_len(cfg));
        let seq = item.seq();
        let (progress, dead) = match outcome {
            Outcome::Delivered => (settled(seq, held), None),
            Outcome::Failed { error, retry_after } => {
                let attempts = hook.progress.attempts.saturating_add(1);
                let first = hook.progress.failing_since.unwrap_or(now);
                tracing::info!(webhook.id = hook.id.0, event.seq = seq.0, attempts, %error, "webhook attempt failed");
                match schedule::next(cfg, now, first, attempts, retry_after, schedule::jitter()) {
                    Next::RetryAt(at) => {
                        let retry = WebhookProgress {
                            cursor: from,
                            attempts,
                            next_attempt_at: at,
                            failing_since: Some(first),
                            last_error: Some(error),
                        };
                        return Ok(store
                            .settle_webhook(hook.id, from, &retry, None)
                            .await?
                            .then_some(Local::Until(at)));
                    }
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
                        (settled(seq, held), Some(letter))
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
            return Ok(None);
        }
        hook.progress = progress;
    }
    // Release the claim, due again at once. Caught up: past everything read (the rest was
    // not subscribed); stopped by the run's length: where the last settle left it.
    let cursor = if buffer.is_empty() {
        read_to
    } else {
        hook.progress.cursor
    };
    let release = settled(cursor, engine.now());
    store
        .settle_webhook(hook.id, hook.progress.cursor, &release, None)
        .await?;
    Ok(None)
}

/// Progress after the event at `cursor` was settled: nothing failing, next attempt at `at`
/// (the renewed lease while the run goes on, or now when it releases).
fn settled(cursor: GlobalSeq, at: Timestamp) -> WebhookProgress {
    WebhookProgress {
        cursor,
        attempts: 0,
        next_attempt_at: at,
        failing_since: None,
        last_error: None,
    }
}

/// How long a claim (or a renewal) holds a subscription: one attempt (the request timeout)
/// with room for the store calls around it. A node that dies mid-run delays that
/// subscription until it ends.
fn lease_len(cfg: &WebhookConfig) -> i64 {
    millis(cfg.timeout) * 2 + 5_000
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
