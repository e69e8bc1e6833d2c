//! Webhook checks: a subscription starts at the current tail, is claimed only when its account
//! has an event after its cursor and only once per lease (also under concurrent claimers),
//! settles only from the cursor it was claimed at, dead letters are stored with the cursor's
//! move and are scoped to their subscription and account.
//!
//! `claim_due_webhooks` is server-wide, so every assertion here looks only at this run's own
//! subscriptions.

use std::sync::Arc;

use chatwire_core::{
    AccountId, Actor, DeadLetter, GlobalSeq, PayloadFormat, Timestamp, Webhook, WebhookId,
    WebhookKind, WebhookKinds, WebhookProgress,
};

use super::{account, line, new_chat};
use crate::{Store, StoreError};

fn hook(account: &AccountId, url: &str) -> Webhook {
    Webhook {
        id: WebhookId(0),
        account: account.clone(),
        url: url.into(),
        secret: "0123456789abcdef0123".into(),
        kinds: WebhookKinds::default_set(),
        format: PayloadFormat::Chatwire,
        enabled: true,
        created_at: Timestamp(1_000),
        progress: WebhookProgress {
            cursor: GlobalSeq(-1),
            attempts: 9,
            next_attempt_at: Timestamp(0),
            failing_since: None,
            last_error: None,
        },
    }
}

async fn claim_ours(store: &dyn Store, now: i64, lease: i64, ours: &[WebhookId]) -> Vec<Webhook> {
    store
        .claim_due_webhooks(Timestamp(now), Timestamp(lease), 10_000)
        .await
        .expect("claim")
        .into_iter()
        .filter(|w| ours.contains(&w.id))
        .collect()
}

/// Create, read, update, delete; the claim, its lease, settling and dead letters.
pub async fn run_webhooks(store: &dyn Store) {
    // Arrange: an account with one chat already written, and another account.
    let acc = account(store, "w").await;
    let other = account(store, "x").await;
    let before = store
        .create_chat(new_chat(&acc, None, 1), Timestamp(10))
        .await
        .expect("chat");
    let tail = before.events.last().expect("events").seq;

    // Act + Assert: the store sets the cursor at the tail, ignoring what the caller sent.
    let created = store
        .create_webhook(&hook(&acc, "https://a.example/h"))
        .await
        .expect("create");
    assert!(
        created.progress.cursor >= tail,
        "starts after what was committed before"
    );
    assert_eq!(created.progress.attempts, 0);
    assert_eq!(created.progress.next_attempt_at, Timestamp(1_000));
    assert!(matches!(
        store
            .create_webhook(&hook(
                &AccountId::parse("nobody_here").expect("id"),
                "https://a.example"
            ))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.get_webhook(&acc, created.id).await.expect("get"),
        created
    );
    assert!(matches!(
        store.get_webhook(&other, created.id).await,
        Err(StoreError::NotFound(_))
    ));
    let ours = [created.id];
    let listed = store.enabled_webhooks().await.expect("enabled");
    assert!(listed.contains(&(acc.clone(), created.id, created.kinds)));
    assert!(!listed.iter().any(|(a, _, _)| a == &other));

    // Nothing after the cursor: not claimed.
    assert!(claim_ours(store, 2_000, 9_000, &ours).await.is_empty());

    // An event of another account does not make it due; one of its own does.
    store
        .create_chat(new_chat(&other, None, 2), Timestamp(20))
        .await
        .expect("other chat");
    assert!(claim_ours(store, 2_000, 9_000, &ours).await.is_empty());
    let key = before.chat.key.clone();
    store
        .execute(&acc, &key, line(Actor::Visitor, "hello"), Timestamp(30))
        .await
        .expect("line");
    let claimed = claim_ours(store, 2_000, 9_000, &ours).await;
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        claimed[0].progress.next_attempt_at,
        Timestamp(9_000),
        "leased"
    );
    assert!(
        claim_ours(store, 2_000, 9_500, &ours).await.is_empty(),
        "not again during the lease"
    );
    assert_eq!(
        claim_ours(store, 9_000, 12_000, &ours).await.len(),
        1,
        "again after it"
    );

    // Settling: only from the cursor it was claimed at.
    let from = created.progress.cursor;
    let failed = WebhookProgress {
        cursor: from,
        attempts: 1,
        next_attempt_at: Timestamp(15_000),
        failing_since: Some(Timestamp(9_000)),
        last_error: Some("HTTP 500".into()),
    };
    assert!(
        store
            .settle_webhook(created.id, from, &failed, None)
            .await
            .expect("settle")
    );
    let read = store.get_webhook(&acc, created.id).await.expect("get");
    assert_eq!(read.progress, failed);
    assert!(
        claim_ours(store, 14_000, 20_000, &ours).await.is_empty(),
        "backing off"
    );
    let page = store.feed_since(&acc, from, 100).await.expect("feed");
    let last = page.last().expect("the line").event.seq;
    let dead = DeadLetter {
        id: 0,
        webhook: created.id,
        seq: last,
        attempts: 7,
        last_error: "HTTP 500".into(),
        first_failed_at: Timestamp(9_000),
        dead_at: Timestamp(16_000),
    };
    let moved = WebhookProgress {
        cursor: last,
        attempts: 0,
        next_attempt_at: Timestamp(16_000),
        failing_since: None,
        last_error: None,
    };
    assert!(
        store
            .settle_webhook(created.id, from, &moved, Some(&dead))
            .await
            .expect("dead")
    );
    assert!(
        !store
            .settle_webhook(created.id, from, &failed, Some(&dead))
            .await
            .expect("stale"),
        "a stale claim writes nothing"
    );
    assert_eq!(
        store
            .get_webhook(&acc, created.id)
            .await
            .expect("get")
            .progress,
        moved
    );
    let letters = store
        .list_dead_letters(&acc, created.id)
        .await
        .expect("letters");
    assert_eq!(letters.len(), 1, "the stale settle added none");
    assert_eq!(letters[0].seq, last);
    assert_eq!(letters[0].attempts, 7);
    assert!(matches!(
        store.list_dead_letters(&other, created.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        claim_ours(store, 20_000, 30_000, &ours).await.is_empty(),
        "caught up"
    );

    // Update keeps the progress; a paused subscription is never claimed.
    let mut edited = store.get_webhook(&acc, created.id).await.expect("get");
    edited.url = "https://b.example/h".into();
    edited.kinds = WebhookKinds::from_kinds([WebhookKind::Line]);
    edited.enabled = false;
    store.update_webhook(&edited).await.expect("update");
    assert_eq!(
        store.get_webhook(&acc, created.id).await.expect("get"),
        edited
    );
    store
        .execute(&acc, &key, line(Actor::Visitor, "again"), Timestamp(40))
        .await
        .expect("line");
    assert!(
        claim_ours(store, 40_000, 50_000, &ours).await.is_empty(),
        "paused"
    );
    let listed = store.enabled_webhooks().await.expect("enabled");
    assert!(!listed.iter().any(|(_, id, _)| id == &created.id), "paused");
    let mut foreign = edited.clone();
    foreign.account = other.clone();
    assert!(matches!(
        store.update_webhook(&foreign).await,
        Err(StoreError::NotFound(_))
    ));

    // Dead letters: deleted one by one, and with their subscription.
    assert!(matches!(
        store
            .delete_dead_letter(&acc, created.id, letters[0].id + 1_000_000)
            .await,
        Err(StoreError::NotFound(_))
    ));
    store
        .delete_dead_letter(&acc, created.id, letters[0].id)
        .await
        .expect("replayed");
    assert!(
        store
            .list_dead_letters(&acc, created.id)
            .await
            .expect("letters")
            .is_empty()
    );
    let second = store
        .create_webhook(&hook(&acc, "https://c.example"))
        .await
        .expect("second");
    assert_eq!(
        store
            .list_webhooks(&acc)
            .await
            .expect("list")
            .iter()
            .map(|w| w.id)
            .collect::<Vec<_>>(),
        vec![created.id, second.id]
    );
    assert!(matches!(
        store.delete_webhook(&other, created.id).await,
        Err(StoreError::NotFound(_))
    ));
    store
        .delete_webhook(&acc, created.id)
        .await
        .expect("delete");
    assert!(matches!(
        store.get_webhook(&acc, created.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.settle_webhook(created.id, last, &moved, None).await,
        Err(StoreError::NotFound(_))
    ));
}

/// Sixteen claimers at once: each due subscription goes to exactly one of them.
pub async fn run_webhook_claims(store: Arc<dyn Store>) {
    let acc = account(store.as_ref(), "wc").await;
    let mut ours = Vec::new();
    for i in 0..8 {
        let created = store
            .create_webhook(&hook(&acc, &format!("https://{i}.example")))
            .await
            .expect("create");
        ours.push(created.id);
    }
    store
        .create_chat(new_chat(&acc, None, 3), Timestamp(10))
        .await
        .expect("chat");
    let claims = (0..16).map(|_| {
        let store = Arc::clone(&store);
        let ours = ours.clone();
        tokio::spawn(async move { claim_ours(store.as_ref(), 5_000, 60_000, &ours).await })
    });
    let mut got: Vec<WebhookId> = Vec::new();
    for claim in claims {
        got.extend(claim.await.expect("claimer").into_iter().map(|w| w.id));
    }
    got.sort();
    assert_eq!(got, ours, "every subscription claimed exactly once");
}
