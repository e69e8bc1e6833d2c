//! Conformance: offline messages marked handled, deleting a chat and erasing a visitor
//! (everything about them, counted; open chats refused; numbers never reused) and retention in
//! bounded steps.

use chatwire_core::history::{HistoryQuery, VisitorRef, search_words};
use chatwire_core::survey::SurveyKind;
use chatwire_core::{AccountId, Actor, ChatCommand, GlobalSeq, OutboxMail, Timestamp};

use super::history::{HOUR, chat, response, survey};
use super::{account, agent, new_chat};
use crate::{Store, StoreError};

/// Offline messages listed newest first and marked handled; deleting a chat and erasing a
/// visitor remove everything about them (events, feed, search, facts, surveys, mail) and say
/// what; open chats are refused; retention deletes ended chats in bounded steps.
pub async fn run_erasure(store: &dyn Store) {
    let acc = account(store, "e").await;
    let other = account(store, "f").await;
    let ann = agent(store, &acc, "ann", vec![], -1).await;
    let base = 1_700_000_000_000;
    let offline = survey(store, &acc, SurveyKind::Offline).await;
    let exit = survey(store, &acc, SurveyKind::Exit).await;
    for (answer, v) in [
        ("v21@example.com", None),
        ("call me", Some(22)),
        ("hi", None),
    ] {
        store
            .save_survey_response(&response(
                &acc,
                offline,
                SurveyKind::Offline,
                None,
                answer,
                v,
            ))
            .await
            .expect("offline");
    }
    let msgs = store
        .offline_messages(&acc, false, None, 10)
        .await
        .expect("list");
    assert_eq!(msgs.len(), 3);
    assert!(
        msgs[0].id > msgs[1].id && msgs[1].id > msgs[2].id,
        "newest first"
    );
    let page = store
        .offline_messages(&acc, false, Some(msgs[0].id), 1)
        .await
        .expect("page");
    assert_eq!(page[0].id, msgs[1].id);
    let done = store
        .mark_offline_handled(&acc, msgs[0].id, ann.id, Timestamp(9))
        .await
        .expect("handled");
    assert_eq!(
        (done.handled_at, done.handled_by),
        (Some(Timestamp(9)), Some(ann.id))
    );
    assert_eq!(
        store
            .offline_messages(&acc, true, None, 10)
            .await
            .expect("unhandled")
            .len(),
        2
    );
    assert!(matches!(
        store
            .mark_offline_handled(&other, msgs[0].id, ann.id, Timestamp(9))
            .await,
        Err(StoreError::NotFound(_))
    ));

    // A chat with an exit survey and a mail; deleting it takes them along.
    let a = chat(
        store,
        &acc,
        911,
        base,
        21,
        Some(&ann),
        &["secret words"],
        true,
    )
    .await;
    store
        .save_survey_response(&response(&acc, exit, SurveyKind::Exit, Some(&a), "5", None))
        .await
        .expect("exit");
    let mail = OutboxMail {
        id: chatwire_core::MailId(0),
        account: acc.clone(),
        kind: chatwire_core::MailKind::Transcript,
        chat: Some(a.clone()),
        offline: None,
        to: "v21@example.com".into(),
        subject: "Transcript".into(),
        timezone_offset_ms: None,
        created_at: Timestamp(base),
        status: chatwire_core::MailStatus::Pending,
        attempts: 0,
        next_attempt_at: Timestamp(base),
        sent_at: None,
        last_error: None,
    };
    store.enqueue_mail(&mail).await.expect("mail");
    let facts = store
        .chat_facts(&acc, Timestamp(base), Timestamp(base + 1))
        .await
        .expect("facts");
    assert_eq!((facts[0].score_sum, facts[0].score_count), (5.0, 1));
    let open = chat(
        store,
        &acc,
        912,
        base + 10,
        22,
        None,
        &["still here"],
        false,
    )
    .await;
    assert!(matches!(
        store.delete_chat(&acc, &open).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.delete_chat(&other, &a).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        matches!(
            store.erase_visitor(&acc, &VisitorRef::Id(22)).await,
            Err(StoreError::Conflict(_))
        ),
        "an open chat of the visitor"
    );
    assert_eq!(
        store
            .offline_messages(&acc, false, None, 10)
            .await
            .expect("kept")
            .len(),
        3,
        "a refused erasure deletes nothing"
    );

    let erased = store
        .erase_visitor(&acc, &VisitorRef::Email("V21@EXAMPLE.com ".into()))
        .await
        .expect("erase");
    assert_eq!(erased.chats, std::slice::from_ref(&a));
    assert_eq!(
        (
            erased.survey_responses,
            erased.offline_messages,
            erased.mails
        ),
        (2, 1, 1)
    );
    assert!(erased.events >= 5, "{erased:?}");
    assert!(matches!(
        store.get_chat(&acc, &a).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        store
            .mail_of_chat(&acc, &a)
            .await
            .expect("mails")
            .is_empty()
    );
    let mut q = HistoryQuery::new(acc.clone(), 10);
    q.words = search_words("secret");
    assert!(store.search_chats(&q).await.expect("search").is_empty());
    let feed = store
        .feed_since(&acc, GlobalSeq(0), 1_000)
        .await
        .expect("feed");
    assert!(feed.iter().all(|i| i.chat != a), "gone from the feed");
    assert!(
        store
            .chat_facts(&acc, Timestamp(base), Timestamp(base + 1))
            .await
            .expect("facts")
            .is_empty()
    );
    assert_eq!(
        store
            .offline_messages(&acc, false, None, 10)
            .await
            .expect("left")
            .len(),
        2
    );

    // Numbers are never reused after a deletion (feed cursors, SuperOffice ids).
    let last_seq = feed.last().map_or(0, |i| i.event.seq.0);
    store
        .execute(
            &acc,
            &open,
            ChatCommand::End { by: Actor::Visitor },
            Timestamp(base + 20),
        )
        .await
        .expect("end");
    let before = store.get_chat(&acc, &open).await.expect("chat").num;
    let erased = store
        .erase_visitor(&acc, &VisitorRef::Id(22))
        .await
        .expect("erase by id");
    assert_eq!((erased.chats.len(), erased.offline_messages), (1, 1));
    let next = store
        .create_chat(new_chat(&acc, None, 913), Timestamp(base + 30))
        .await
        .expect("chat");
    assert!(next.chat.num > before, "chat numbers move on");
    assert!(next.events[0].seq.0 > last_seq, "sequence numbers move on");

    // By e-mail, also the chats naming it only in their pre-chat survey, or whose
    // transcript was sent to it.
    let mut pre = new_chat(&acc, None, 940);
    pre.request.survey = vec![chatwire_core::chat::SurveyAnswer {
        question: "email".into(),
        answers: vec!["Pre@Example.com".into()],
    }];
    let pre = store
        .create_chat(pre, Timestamp(base))
        .await
        .expect("chat")
        .chat
        .key;
    store
        .execute(
            &acc,
            &pre,
            ChatCommand::End { by: Actor::Visitor },
            Timestamp(base + 1),
        )
        .await
        .expect("end");
    let mailed = chat(store, &acc, 941, base, 43, None, &["x"], true).await;
    let to_pre = OutboxMail {
        chat: Some(mailed.clone()),
        to: "pre@example.com".into(),
        ..mail.clone()
    };
    store.enqueue_mail(&to_pre).await.expect("mail");
    let erased = store
        .erase_visitor(&acc, &VisitorRef::Email("pre@EXAMPLE.com".into()))
        .await
        .expect("erase by e-mail");
    let mut got = erased.chats.clone();
    got.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    let mut want = vec![pre, mailed];
    want.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    assert_eq!((got, erased.mails), (want, 1));

    // Retention: set, listed, and a sweep in steps of two.
    assert!(matches!(
        store
            .set_retention(&AccountId::parse("nobody_here").expect("id"), Some(3))
            .await,
        Err(StoreError::NotFound(_))
    ));
    store.set_retention(&acc, Some(30)).await.expect("set");
    assert_eq!(store.retention(&acc).await.expect("get"), Some(30));
    assert!(
        store
            .retention_policies()
            .await
            .expect("all")
            .contains(&(acc.clone(), 30))
    );
    assert_eq!(store.retention(&other).await.expect("get"), None);
    for i in 0..5 {
        chat(
            store,
            &acc,
            920 + i,
            base + 1_000 * i64::try_from(i).unwrap_or(0),
            30,
            None,
            &["x"],
            true,
        )
        .await;
    }
    let young = chat(store, &acc, 930, base + 10 * HOUR, 31, None, &["y"], true).await;
    let cutoff = Timestamp(base + HOUR);
    let first = store.sweep_retention(&acc, cutoff, 2).await.expect("sweep");
    assert_eq!(first.chats.len(), 2);
    let second = store.sweep_retention(&acc, cutoff, 2).await.expect("sweep");
    let third = store.sweep_retention(&acc, cutoff, 2).await.expect("sweep");
    assert_eq!((second.chats.len(), third.chats.len()), (2, 1));
    assert!(
        store
            .sweep_retention(&acc, cutoff, 2)
            .await
            .expect("sweep")
            .chats
            .is_empty()
    );
    assert!(
        store.get_chat(&acc, &young).await.is_ok(),
        "younger chats stay"
    );
    assert!(
        store.get_chat(&acc, &next.chat.key).await.is_ok(),
        "open chats stay"
    );
    store.set_retention(&acc, None).await.expect("clear");
    assert_eq!(store.retention(&acc).await.expect("get"), None);
}
