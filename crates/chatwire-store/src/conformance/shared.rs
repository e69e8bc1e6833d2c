//! Conformance for what only matters when several processes share one store: the visitor
//! liveness record ([`run_visitor_seen`]), the agent liveness record ([`run_agent_seen`]), ring-out
//! counts ([`run_ring_outs`]), the mail claim under concurrent mailers
//! ([`run_mail_claims`], every backend), and the change hints ([`run_wakeups`], for stores that
//! have them).

use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{ChatCommand, MailId, OutboxMail, Timestamp};
use futures::StreamExt;
use futures::stream::BoxStream;

use super::{account, agent, chat_key, line, new_chat};
use crate::{NewSkill, Store, StoreError, Wakeup};

/// Agents' last-seen times: none at first, only moving forward, scoped to the account; an
/// agent of another account is `NotFound`. Only for backends that implement it.
pub async fn run_agent_seen(store: &dyn Store) {
    // Arrange
    let acc = account(store, "as").await;
    let other = account(store, "at").await;
    let first = agent(store, &acc, "seen1", vec![], 1).await.id;
    let second = agent(store, &acc, "seen2", vec![], 1).await.id;
    let stranger = agent(store, &other, "seen3", vec![], 1).await.id;

    // Act + Assert
    assert_eq!(store.agents_seen(&acc).await.expect("read"), vec![]);
    for at in [5_000, 4_000] {
        store
            .record_agent_seen(&acc, first, Timestamp(at))
            .await
            .expect("record");
    }
    store
        .record_agent_seen(&acc, second, Timestamp(3_000))
        .await
        .expect("record");
    store
        .record_agent_seen(&other, stranger, Timestamp(9_000))
        .await
        .expect("record");
    let mut seen = store.agents_seen(&acc).await.expect("read");
    seen.sort_unstable();
    assert_eq!(
        seen,
        vec![(first, Timestamp(5_000)), (second, Timestamp(3_000))],
        "an older sighting (a slower node) does not move it back; other accounts stay out"
    );
    assert!(matches!(
        store
            .record_agent_seen(&other, first, Timestamp(7_000))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

/// Ring-out counts: one more per call, per agent, reset by a clear; scoped to the account (an
/// agent of another account is `NotFound`). Only for backends that implement it.
pub async fn run_ring_outs(store: &dyn Store) {
    // Arrange
    let acc = account(store, "ro").await;
    let other = account(store, "rp").await;
    let first = agent(store, &acc, "ring1", vec![], 1).await.id;
    let second = agent(store, &acc, "ring2", vec![], 1).await.id;

    // Act + Assert
    for expected in 1..=3 {
        assert_eq!(
            store.add_ring_out(&acc, first).await.expect("add"),
            expected
        );
    }
    assert_eq!(store.add_ring_out(&acc, second).await.expect("add"), 1);
    store.clear_ring_outs(&acc, first).await.expect("clear");
    store
        .clear_ring_outs(&acc, first)
        .await
        .expect("clearing 0 is fine");
    assert_eq!(
        store.add_ring_out(&acc, first).await.expect("add"),
        1,
        "counts again from 0"
    );
    assert_eq!(
        store.add_ring_out(&acc, second).await.expect("add"),
        2,
        "others untouched"
    );
    assert!(matches!(
        store.add_ring_out(&other, first).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.clear_ring_outs(&other, first).await,
        Err(StoreError::NotFound(_))
    ));
}

/// The visitor's last-seen time: absent at first, only moves forward, scoped to the account.
/// Only for backends that implement it (the default keeps nothing).
pub async fn run_visitor_seen(store: &dyn Store) {
    // Arrange
    let acc = account(store, "v").await;
    let other = account(store, "w").await;
    let key = store
        .create_chat(new_chat(&acc, None, 601), Timestamp(1_000))
        .await
        .expect("open")
        .chat
        .key;

    // Act + Assert
    assert_eq!(store.visitor_seen(&acc, &key).await.expect("read"), None);
    for at in [5_000, 4_000] {
        store
            .record_visitor_seen(&acc, &key, Timestamp(at))
            .await
            .expect("record");
    }
    assert_eq!(
        store.visitor_seen(&acc, &key).await.expect("read"),
        Some(Timestamp(5_000)),
        "an older sighting (a slower node) does not move it back"
    );
    store
        .record_visitor_seen(&acc, &key, Timestamp(6_000))
        .await
        .expect("record");
    assert_eq!(
        store.visitor_seen(&acc, &key).await.expect("read"),
        Some(Timestamp(6_000))
    );
    assert!(matches!(
        store
            .record_visitor_seen(&other, &key, Timestamp(7_000))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.visitor_seen(&acc, &chat_key(602)).await,
        Err(StoreError::NotFound(_))
    ));
}

/// Mailers racing for the same due mails: each mail is handed out once per lease, in due
/// order, and is due again when the lease runs out (its claimer died).
pub async fn run_mail_claims(store: Arc<dyn Store>) {
    // Arrange: an ended chat with six mails due at 100..=600 (earlier than anything else the
    // suite queues, so the server-wide claim takes ours first).
    let acc = account(store.as_ref(), "q").await;
    let key = store
        .create_chat(new_chat(&acc, None, 603), Timestamp(1))
        .await
        .expect("open")
        .chat
        .key;
    let end = ChatCommand::End {
        by: chatwire_core::Actor::Visitor,
    };
    store
        .execute(&acc, &key, end, Timestamp(2))
        .await
        .expect("end");
    let mut ours = Vec::new();
    for i in 1..=6 {
        let mail = OutboxMail::transcript(
            acc.clone(),
            key.clone(),
            &format!("m{i}@example.com"),
            "Transcript",
            None,
            Timestamp(i * 100),
        )
        .expect("mail");
        ours.push(store.enqueue_mail(&mail).await.expect("enqueue"));
    }

    // Act: one claim, then eight claimers at once.
    let (now, lease) = (Timestamp(700), Timestamp(50_000));
    let first = store.claim_due_mail(now, lease, 1).await.expect("claim");
    let racers: Vec<_> = (0..8)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.claim_due_mail(now, lease, 2).await })
        })
        .collect();
    let mut raced: Vec<MailId> = Vec::new();
    for r in racers {
        raced.extend(r.await.expect("task").expect("claim").iter().map(|m| m.id));
    }

    // Assert: the earliest first, with its lease; the rest exactly once among the racers.
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].id, ours[0], "earliest next attempt first");
    assert_eq!(
        first[0].next_attempt_at, lease,
        "returned as stored: leased"
    );
    raced.retain(|id| ours.contains(id));
    raced.sort();
    assert_eq!(raced, ours[1..].to_vec(), "every other mail, each once");
    let again = store.claim_due_mail(now, lease, 10).await.expect("claim");
    assert!(again.iter().all(|m| !ours.contains(&m.id)), "all leased");
    // The lease runs out (a crashed mailer): due again, attempts untouched.
    let due: Vec<OutboxMail> = store
        .due_mail(lease, 10_000)
        .await
        .expect("due")
        .into_iter()
        .filter(|m| ours.contains(&m.id))
        .collect();
    assert_eq!(due.len(), 6);
    assert!(due.iter().all(|m| m.attempts == 0));
}

/// Waits (at most five seconds) for the first hint `wanted` accepts.
async fn expect_hint(
    hints: &mut BoxStream<'static, Wakeup>,
    what: &str,
    wanted: impl Fn(&Wakeup) -> bool,
) {
    let found = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(w) = hints.next().await {
            if wanted(&w) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "no wake-up for {what}");
}

/// Every kind of write a node must hear about yields its hint to `listener`, after the write
/// returns. `store` writes: another node of the same database (a backend may drop a node's
/// own hints, as PostgreSQL does), or the same store where it does not. Only for backends
/// whose [`Store::wakeups`] is `Some`.
pub async fn run_wakeups(store: &dyn Store, listener: &dyn Store) {
    // Arrange
    let mut hints = listener
        .wakeups()
        .await
        .expect("wakeups")
        .expect("this backend reports wake-ups");
    let acc = account(store, "h").await;

    // Act + Assert: chat writes carry the revision they committed.
    let opened = store
        .create_chat(new_chat(&acc, None, 604), Timestamp(1))
        .await
        .expect("open");
    // The hint may carry the chat and the write's events; what it carries is as committed.
    let chat_hint = |committed: &crate::Committed| {
        let (wanted, written) = (committed.chat.clone(), committed.events.clone());
        move |w: &Wakeup| match w {
            Wakeup::Chat {
                account,
                key,
                revision,
                next_event,
                chat,
                events,
            } => {
                *account == wanted.account
                    && *key == wanted.key
                    && *revision == wanted.revision
                    && *next_event == wanted.next_event_id
                    && chat.as_deref().is_none_or(|c| *c == wanted)
                    && (events.is_empty() || **events == *written)
            }
            _ => false,
        }
    };
    expect_hint(&mut hints, "opening a chat", chat_hint(&opened)).await;
    let lined = store
        .execute(
            &acc,
            &opened.chat.key,
            line(chatwire_core::Actor::Visitor, "hi"),
            Timestamp(2),
        )
        .await
        .expect("line");
    expect_hint(&mut hints, "a line", chat_hint(&lined)).await;

    // Directory writes name the account.
    let directory = |what: &'static str| {
        let acc = acc.clone();
        (what, move |w: &Wakeup| *w == Wakeup::Directory(acc.clone()))
    };
    let mut someone = agent(store, &acc, "hinted", vec![], 1).await;
    let (what, wanted) = directory("a new agent");
    expect_hint(&mut hints, what, wanted).await;
    someone.availability = chatwire_core::Availability::Online;
    store
        .update_agent(&someone, chatwire_core::Timestamp(0))
        .await
        .expect("update agent");
    let patch = Wakeup::Availability {
        account: acc.clone(),
        agent: someone.id,
        availability: chatwire_core::Availability::Online,
    };
    expect_hint(&mut hints, "an agent's availability alone", |w| *w == patch).await;
    someone.availability = chatwire_core::Availability::Away;
    someone.nickname = "renamed".into();
    store
        .update_agent(&someone, chatwire_core::Timestamp(0))
        .await
        .expect("update agent");
    let (what, wanted) = directory("an agent's availability and name");
    expect_hint(&mut hints, what, wanted).await;
    let skill = store
        .create_skill(&NewSkill {
            account: acc.clone(),
            name: "Hinted".into(),
            description: String::new(),
            welcome_message: String::new(),
        })
        .await
        .expect("skill");
    let (what, wanted) = directory("a new skill");
    expect_hint(&mut hints, what, wanted).await;
    store
        .delete_skill(&acc, skill.id)
        .await
        .expect("delete skill");
    let (what, wanted) = directory("a deleted skill");
    expect_hint(&mut hints, what, wanted).await;
    let login = store
        .create_app_login(&chatwire_core::NewAppLogin {
            account: acc.clone(),
            agent: someone.id,
            app_key: "hinted-bot".into(),
            secret_hash: "hash".into(),
            created_at: Timestamp(1),
        })
        .await
        .expect("app login");
    let (what, wanted) = directory("a new application login");
    expect_hint(&mut hints, what, wanted).await;
    store
        .revoke_app_login(&acc, login.id, Timestamp(2))
        .await
        .expect("revoke");
    let (what, wanted) = directory("a revoked application login (its bot's sessions end)");
    expect_hint(&mut hints, what, wanted).await;

    // A logout names the session family.
    store
        .delete_session_family("family-hash")
        .await
        .expect("delete family");
    expect_hint(&mut hints, "a logout", |w| {
        *w == Wakeup::SessionFamily("family-hash".into())
    })
    .await;
}
