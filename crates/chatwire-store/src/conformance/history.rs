//! Conformance: history search (filters, words, cursor pages), statistics' raw data, offline
//! messages, deletion of a chat and of a visitor, and retention in bounded steps.

use chatwire_core::chat::SurveyAnswer;
use chatwire_core::history::{HistoryCursor, HistoryQuery, StatsBy, aggregate, search_words};
use chatwire_core::survey::{Survey, SurveyKind, SurveyResponse};
use chatwire_core::{AccountId, Actor, Agent, ChatCommand, ChatKey, ChatState, Timestamp};

use super::{accept, account, agent, as_agent, line, new_chat};
use crate::Store;

pub(super) const HOUR: i64 = 3_600_000;

/// Opens a chat of `visitor` at `at`; accepted by `by` a second later when given, with
/// `lines` from the visitor, ended at `at + 60 s` when `end`.
#[allow(clippy::too_many_arguments)] // a test fixture: one argument per trait of the chat
pub(super) async fn chat(
    store: &dyn Store,
    acc: &AccountId,
    seed: u64,
    at: i64,
    visitor: i64,
    by: Option<&Agent>,
    lines: &[&str],
    end: bool,
) -> ChatKey {
    let mut new = new_chat(acc, None, seed);
    new.visitor_id = visitor;
    new.request.customer_email = Some(format!("V{visitor}@Example.com"));
    let key = store
        .create_chat(new, Timestamp(at))
        .await
        .expect("chat")
        .chat
        .key;
    if let Some(a) = by {
        store
            .execute(acc, &key, accept(a), Timestamp(at + 1_000))
            .await
            .expect("accept");
    }
    for (i, text) in lines.iter().enumerate() {
        let at = Timestamp(at + 2_000 + i64::try_from(i).unwrap_or(0));
        store
            .execute(acc, &key, line(Actor::Visitor, text), at)
            .await
            .expect("line");
    }
    if end {
        let who = by.map_or(Actor::Visitor, as_agent);
        store
            .execute(
                acc,
                &key,
                ChatCommand::End { by: who },
                Timestamp(at + 60_000),
            )
            .await
            .expect("end");
    }
    key
}

async fn keys(store: &dyn Store, q: &HistoryQuery) -> Vec<ChatKey> {
    store
        .search_chats(q)
        .await
        .expect("search")
        .into_iter()
        .map(|c| c.key)
        .collect()
}

pub(super) async fn survey(store: &dyn Store, acc: &AccountId, kind: SurveyKind) -> i64 {
    let def = Survey {
        id: 0,
        account: acc.clone(),
        kind,
        name: format!("{kind:?}"),
        title: String::new(),
        header: String::new(),
        questions: vec![],
        skill: None,
        active: true,
    };
    store.create_survey(&def).await.expect("survey").id
}

pub(super) fn response(
    acc: &AccountId,
    survey: i64,
    kind: SurveyKind,
    chat: Option<&ChatKey>,
    answer: &str,
    visitor: Option<i64>,
) -> SurveyResponse {
    SurveyResponse {
        survey,
        kind,
        account: acc.clone(),
        chat: chat.cloned(),
        agent: None,
        answers: vec![SurveyAnswer {
            question: "1".into(),
            answers: vec![answer.into()],
        }],
        context: visitor
            .map(|v| ("visitorId".to_owned(), v.to_string()))
            .into_iter()
            .collect(),
        submitted_at: Timestamp(5),
    }
}

/// History search: every filter, the words of visitor and agent lines (not system lines),
/// newest first, keyset pages; statistics' facts of a range.
pub async fn run_history(store: &dyn Store) {
    let acc = account(store, "h").await;
    let other = account(store, "i").await;
    let ann = agent(store, &acc, "ann", vec![], -1).await;
    let base = 1_700_000_000_000;
    let a = chat(
        store,
        &acc,
        901,
        base,
        11,
        Some(&ann),
        &["Where is my refund?", "order 42"],
        true,
    )
    .await;
    let b = chat(
        store,
        &acc,
        902,
        base + HOUR,
        12,
        None,
        &["hello there"],
        true,
    )
    .await;
    let c = chat(
        store,
        &acc,
        903,
        base + 2 * HOUR,
        11,
        Some(&ann),
        &["refund please"],
        false,
    )
    .await;
    chat(store, &other, 904, base, 11, None, &["refund"], true).await;

    let all = HistoryQuery::new(acc.clone(), 50);
    assert_eq!(
        keys(store, &all).await,
        [c.clone(), b.clone(), a.clone()],
        "newest first"
    );
    let q = |f: &dyn Fn(&mut HistoryQuery)| {
        let mut q = all.clone();
        f(&mut q);
        q
    };
    assert_eq!(
        keys(store, &q(&|q| q.words = search_words("REFUND"))).await,
        [c.clone(), a.clone()]
    );
    assert_eq!(
        keys(store, &q(&|q| q.words = search_words("refund where"))).await,
        std::slice::from_ref(&a)
    );
    assert!(
        keys(store, &q(&|q| q.words = search_words("refund 42")))
            .await
            .is_empty(),
        "one line holds every word"
    );
    assert!(
        keys(store, &q(&|q| q.words = search_words("shortly")))
            .await
            .is_empty(),
        "system lines are not searched"
    );
    assert_eq!(
        keys(store, &q(&|q| q.agent = Some(ann.id))).await,
        [c.clone(), a.clone()]
    );
    assert_eq!(
        keys(store, &q(&|q| q.visitor = Some(12))).await,
        std::slice::from_ref(&b)
    );
    assert_eq!(
        keys(store, &q(&|q| q.state = Some(ChatState::Chatting))).await,
        std::slice::from_ref(&c)
    );
    assert_eq!(
        keys(
            store,
            &q(&|q| {
                q.from = Some(Timestamp(base + 1));
                q.to = Some(Timestamp(base + 2 * HOUR));
            })
        )
        .await,
        std::slice::from_ref(&b)
    );
    assert!(
        keys(
            store,
            &q(&|q| q.skill = Some(chatwire_core::SkillId(999_999)))
        )
        .await
        .is_empty()
    );

    // Pages of one, each after the last chat of the page before.
    let mut page = q(&|q| q.limit = 1);
    let mut seen = Vec::new();
    loop {
        let got = store.search_chats(&page).await.expect("page");
        let Some(last) = got.last() else { break };
        page.after = Some(HistoryCursor::after(last));
        seen.push(last.key.clone());
    }
    assert_eq!(seen, [c.clone(), b.clone(), a.clone()]);

    let facts = store
        .chat_facts(&acc, Timestamp(base), Timestamp(base + 3 * HOUR))
        .await
        .expect("facts");
    let t = &aggregate(&facts, StatsBy::Total)[0];
    assert_eq!((t.requested, t.accepted, t.missed, t.lines), (3, 2, 1, 4));
    assert_eq!(t.wait_p50_ms, Some(1_000));
    assert_eq!(t.handle_avg_ms, Some(59_000));
    let few = store
        .chat_facts(&acc, Timestamp(base + 1), Timestamp(base + HOUR + 1))
        .await
        .expect("facts");
    assert_eq!(few.len(), 1);
}
