//! Outbox checks: a mail is due only once its chat has ended and its backoff has passed;
//! failures, give-ups and deliveries are recorded; mails are scoped to their account's chats.
//!
//! `due_mail` is server-wide, so every assertion here looks only at this run's own mails.

use chatwire_core::{AccountId, ChatCommand, ChatKey, MailId, MailStatus, OutboxMail, Timestamp};

use super::{account, chat_key, new_chat};
use crate::{Store, StoreError};

fn mail(account: &AccountId, chat: &ChatKey, to: &str, now: i64) -> OutboxMail {
    OutboxMail::transcript(
        account.clone(),
        chat.clone(),
        to,
        "Your chat transcript",
        Some(-7_200_000),
        Timestamp(now),
    )
    .expect("valid mail")
}

/// The ids among `store.due_mail(now)` that are in `ours`, in the order returned.
async fn due_of(store: &dyn Store, now: i64, ours: &[MailId]) -> Vec<MailId> {
    store
        .due_mail(Timestamp(now), 10_000)
        .await
        .expect("due mail")
        .into_iter()
        .map(|m| m.id)
        .filter(|id| ours.contains(id))
        .collect()
}

async fn one(store: &dyn Store, account: &AccountId, key: &ChatKey, id: MailId) -> OutboxMail {
    store
        .mail_of_chat(account, key)
        .await
        .expect("mail of chat")
        .into_iter()
        .find(|m| m.id == id)
        .expect("the mail is listed with its chat")
}

/// Queue, readiness at the chat's end, backoff, give-up, delivery, account scoping.
pub async fn run_outbox(store: &dyn Store) {
    // Arrange: an open chat and an ended one.
    let acc = account(store, "m").await;
    let other = account(store, "n").await;
    let open = store
        .create_chat(new_chat(&acc, None, 501), Timestamp(1_000))
        .await
        .expect("open chat")
        .chat
        .key;
    let ended = store
        .create_chat(new_chat(&acc, None, 502), Timestamp(1_000))
        .await
        .expect("second chat")
        .chat
        .key;
    let end = ChatCommand::End {
        by: chatwire_core::Actor::Visitor,
    };
    store
        .execute(&acc, &ended, end.clone(), Timestamp(1_500))
        .await
        .expect("end");

    // Act + Assert: queueing answers an id and stores the mail as given, pending.
    let waiting = store
        .enqueue_mail(&mail(&acc, &open, "a@example.com", 2_000))
        .await
        .expect("enqueue");
    let stored = one(store, &acc, &open, waiting).await;
    assert_eq!(
        stored,
        OutboxMail {
            id: waiting,
            ..mail(&acc, &open, "a@example.com", 2_000)
        }
    );
    assert!(
        matches!(
            store
                .enqueue_mail(&mail(&acc, &chat_key(503), "a@example.com", 2_000))
                .await,
            Err(StoreError::NotFound(_))
        ),
        "a chat that does not exist"
    );
    assert!(
        matches!(
            store
                .enqueue_mail(&mail(&other, &open, "a@example.com", 2_000))
                .await,
            Err(StoreError::NotFound(_))
        ),
        "another account's chat"
    );
    assert!(
        store
            .mail_of_chat(&other, &open)
            .await
            .expect("foreign listing")
            .is_empty(),
        "mails are listed per account"
    );

    // A chat that has not ended holds its mails back, whatever the time.
    assert!(due_of(store, i64::MAX, &[waiting]).await.is_empty());

    // A mail for a chat that has already ended is due at once, and not before its time.
    let ready = store
        .enqueue_mail(&mail(&acc, &ended, "b@example.com", 3_000))
        .await
        .expect("enqueue for ended chat");
    assert!(due_of(store, 2_999, &[ready]).await.is_empty());
    assert_eq!(due_of(store, 3_000, &[ready]).await, vec![ready]);

    // Ending the chat makes its waiting mail due (readiness follows the committed chat).
    store
        .execute(&acc, &open, end, Timestamp(4_000))
        .await
        .expect("end the first chat");
    assert_eq!(
        due_of(store, 4_000, &[waiting, ready]).await,
        vec![waiting, ready],
        "earliest next attempt first"
    );

    // A failure with a retry time: attempts and error recorded, not due before the retry.
    store
        .mark_mail_failed(waiting, 1, Some(Timestamp(9_000)), "connection refused")
        .await
        .expect("fail once");
    let failed = one(store, &acc, &open, waiting).await;
    assert_eq!(
        (failed.status, failed.attempts, failed.next_attempt_at),
        (MailStatus::Pending, 1, Timestamp(9_000))
    );
    assert_eq!(failed.last_error.as_deref(), Some("connection refused"));
    assert_eq!(due_of(store, 8_999, &[waiting, ready]).await, vec![ready]);
    assert_eq!(
        due_of(store, 9_000, &[waiting, ready]).await,
        vec![ready, waiting]
    );

    // Giving up: failed for good, never due again, the last error kept.
    store
        .mark_mail_failed(waiting, 2, None, "550 no such user")
        .await
        .expect("give up");
    let given_up = one(store, &acc, &open, waiting).await;
    assert_eq!(
        (given_up.status, given_up.attempts),
        (MailStatus::Failed, 2)
    );
    assert_eq!(given_up.last_error.as_deref(), Some("550 no such user"));
    assert_eq!(due_of(store, i64::MAX, &[waiting]).await, vec![]);

    // Delivery: sent with its time, never due again.
    store
        .mark_mail_sent(ready, Timestamp(9_500))
        .await
        .expect("sent");
    let sent = one(store, &acc, &ended, ready).await;
    assert_eq!(
        (sent.status, sent.sent_at),
        (MailStatus::Sent, Some(Timestamp(9_500)))
    );
    assert_eq!(due_of(store, i64::MAX, &[ready]).await, vec![]);

    // Unknown ids are NotFound; `limit` is honoured.
    assert!(matches!(
        store.mark_mail_sent(MailId(i64::MAX), Timestamp(1)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.mark_mail_failed(MailId(i64::MAX), 1, None, "x").await,
        Err(StoreError::NotFound(_))
    ));
    for i in 0..3 {
        store
            .enqueue_mail(&mail(&acc, &ended, &format!("c{i}@example.com"), 10_000))
            .await
            .expect("enqueue more");
    }
    assert_eq!(
        store
            .due_mail(Timestamp(i64::MAX), 2)
            .await
            .expect("due")
            .len(),
        2
    );
    assert_eq!(
        store
            .mail_of_chat(&acc, &ended)
            .await
            .expect("listing")
            .iter()
            .map(|m| m.to.as_str())
            .collect::<Vec<_>>(),
        vec![
            "b@example.com",
            "c0@example.com",
            "c1@example.com",
            "c2@example.com"
        ],
        "oldest first"
    );
}
