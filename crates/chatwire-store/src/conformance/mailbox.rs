//! Local mailbox checks: delivering files the message and marks its outbox mail sent in one
//! step; a mail is delivered once; pages follow the cursor, per account.

use chatwire_core::{
    AccountId, Actor, ChatCommand, ChatKey, MailId, MailStatus, MailboxId, MailboxMail, OutboxMail,
    Timestamp,
};

use super::{account, new_chat};
use crate::{Store, StoreError};

fn message(account: &AccountId, chat: &ChatKey, outbox: MailId, n: i64) -> MailboxMail {
    MailboxMail {
        id: MailboxId(0),
        account: account.clone(),
        outbox,
        chat: Some(chat.clone()),
        from: "chatwire <noreply@localhost>".into(),
        to: format!("v{n}@example.com"),
        subject: format!("Transcript {n}"),
        text: format!("line {n}\nsecond line"),
        html: format!("<p>line {n} &amp; more</p>"),
        delivered_at: Timestamp(5_000 + n),
    }
}

async fn queue(store: &dyn Store, account: &AccountId, chat: &ChatKey, n: i64) -> MailId {
    let mail = OutboxMail::transcript(
        account.clone(),
        chat.clone(),
        &format!("v{n}@example.com"),
        "Transcript",
        None,
        Timestamp(2_000),
    )
    .expect("valid mail");
    store.enqueue_mail(&mail).await.expect("enqueue")
}

/// Delivery, exactly-once, cursor pages and account scoping of the local mailbox.
pub async fn run_mailbox(store: &dyn Store) {
    // Arrange: an ended chat with three queued transcripts, and a second account.
    let acc = account(store, "mb").await;
    let other = account(store, "mo").await;
    let chat = store
        .create_chat(new_chat(&acc, None, 601), Timestamp(1_000))
        .await
        .expect("chat")
        .chat
        .key;
    store
        .execute(
            &acc,
            &chat,
            ChatCommand::End { by: Actor::Visitor },
            Timestamp(1_500),
        )
        .await
        .expect("end");
    let queued = [
        queue(store, &acc, &chat, 1).await,
        queue(store, &acc, &chat, 2).await,
        queue(store, &acc, &chat, 3).await,
    ];
    assert!(
        store
            .mailbox(&acc, MailboxId(0), 10)
            .await
            .expect("empty mailbox")
            .is_empty()
    );

    // Act: deliver them in order.
    let mut ids = Vec::new();
    for (n, outbox) in (1..).zip(queued) {
        ids.push(
            store
                .deliver_to_mailbox(&message(&acc, &chat, outbox, n))
                .await
                .expect("deliver"),
        );
    }

    // Assert: ids ascend; messages come back as delivered; the outbox mail is sent.
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let all = store
        .mailbox(&acc, MailboxId(0), 10)
        .await
        .expect("mailbox");
    let want: Vec<MailboxMail> = (1..)
        .zip(queued)
        .zip(&ids)
        .map(|((n, outbox), id)| MailboxMail {
            id: *id,
            ..message(&acc, &chat, outbox, n)
        })
        .collect();
    assert_eq!(all, want);
    let outbox = store.mail_of_chat(&acc, &chat).await.expect("outbox");
    let first = outbox
        .iter()
        .find(|m| m.id == queued[0])
        .expect("queued mail");
    assert_eq!(
        (first.status, first.sent_at),
        (MailStatus::Sent, Some(Timestamp(5_001)))
    );
    assert!(
        store
            .due_mail(Timestamp(i64::MAX), 10_000)
            .await
            .expect("due")
            .iter()
            .all(|m| !queued.contains(&m.id)),
        "a delivered mail is never due again"
    );

    // Cursor pages: after the first, at most one.
    let page = store.mailbox(&acc, ids[0], 1).await.expect("page");
    assert_eq!(page.iter().map(|m| m.id).collect::<Vec<_>>(), vec![ids[1]]);
    let rest = store.mailbox(&acc, ids[2], 10).await.expect("end");
    assert!(rest.is_empty());

    // Account scoping: another account sees nothing and cannot deliver this account's mail.
    assert!(
        store
            .mailbox(&other, MailboxId(0), 10)
            .await
            .expect("other")
            .is_empty()
    );
    let fourth = queue(store, &acc, &chat, 4).await;
    assert!(matches!(
        store
            .deliver_to_mailbox(&message(&other, &chat, fourth, 4))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .deliver_to_mailbox(&message(&acc, &chat, MailId(i64::MAX), 5))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store
            .mailbox(&acc, MailboxId(0), 10)
            .await
            .expect("unchanged")
            .len(),
        3,
        "a refused delivery files nothing"
    );
}
