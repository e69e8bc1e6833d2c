//! History, statistics and erasure through the engine: admins only, validation by field,
//! deleted chats leave memory, retention deletes in bounded steps.

use chatwire_core::history::{StatsBy, VisitorRef};
use chatwire_core::{ChatState, DomainError};

use super::*;
use crate::{Caller, HistoryFilter, StatsQuery};

impl Fixture {
    /// Makes agent `i` an admin and returns it as a caller.
    async fn admin(&self, i: usize) -> Caller {
        let mut a = self
            .engine
            .agent(&self.account, self.agents[i])
            .await
            .expect("agent");
        a.is_admin = true;
        self.engine.update_agent(&a).await.expect("admin");
        Caller::Agent(self.caller(self.agents[i]))
    }

    /// A Sales chat accepted by agent 0, one agent line, then ended.
    async fn ended_chat(&self, text: &str) -> ChatKey {
        let key = self.request("Sales").await;
        let who = self.caller(self.agents[0]);
        self.engine
            .accept(&self.account, who.agent, &key)
            .await
            .expect("accept");
        self.engine
            .agent_post_line(&who, &key, LineInput::plain(text))
            .await
            .expect("line");
        self.engine.agent_end_chat(&who, &key).await.expect("end");
        key
    }
}

fn invalid_field(e: EngineError) -> &'static str {
    match e {
        EngineError::Domain(DomainError::Invalid { what, .. }) => what,
        other => panic!("not a field error: {other:?}"),
    }
}

#[tokio::test]
async fn only_admins_read_history_and_bad_parameters_name_their_field() {
    let f = fixture().await;
    let key = f.ended_chat("the parcel never came").await;
    let agent = Caller::Agent(f.caller(f.agents[1]));
    let refused = f.engine.history(&agent, &HistoryFilter::default()).await;
    assert!(matches!(refused, Err(EngineError::Forbidden(_))));
    assert!(matches!(f.engine.run_retention().await, Ok(_)));

    let admin = f.admin(1).await;
    let filter = HistoryFilter {
        q: Some("PARCEL".into()),
        ..HistoryFilter::default()
    };
    let page = f.engine.history(&admin, &filter).await.expect("history");
    assert_eq!(page.chats.len(), 1);
    assert_eq!(page.next, None);
    let record = f.engine.history_chat(&admin, &key).await.expect("record");
    assert!(record.events.len() >= 5, "{:?}", record.events);
    assert!(record.transcript.contains("the parcel never came"));

    for (bad, field) in [
        (
            HistoryFilter {
                limit: Some(0),
                ..HistoryFilter::default()
            },
            "limit",
        ),
        (
            HistoryFilter {
                cursor: Some("nope".into()),
                ..HistoryFilter::default()
            },
            "cursor",
        ),
        (
            HistoryFilter {
                q: Some(" ?! ".into()),
                ..HistoryFilter::default()
            },
            "q",
        ),
        (
            HistoryFilter {
                from: Some(chatwire_core::Timestamp(10)),
                to: Some(chatwire_core::Timestamp(5)),
                ..HistoryFilter::default()
            },
            "to",
        ),
    ] {
        let e = f.engine.history(&admin, &bad).await.expect_err("refused");
        assert_eq!(invalid_field(e), field);
    }
}

#[tokio::test]
async fn history_pages_follow_the_cursor_to_the_end() {
    let f = fixture().await;
    let admin = f.admin(0).await;
    for i in 0..5 {
        f.ended_chat(&format!("chat {i}")).await;
        f.clock.advance_ms(1_000);
    }
    let mut filter = HistoryFilter {
        limit: Some(2),
        ..HistoryFilter::default()
    };
    let mut seen = 0;
    loop {
        let page = f.engine.history(&admin, &filter).await.expect("page");
        seen += page.chats.len();
        match page.next {
            Some(next) => filter.cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, 5);
}

#[tokio::test]
async fn statistics_count_from_the_store() {
    let f = fixture().await;
    let admin = f.admin(0).await;
    f.ended_chat("hello").await;
    f.request("Support").await;
    let q = StatsQuery {
        from: None,
        to: None,
        by: StatsBy::Total,
        skill: None,
        agent: None,
    };
    f.clock.advance_ms(1_000);
    let rows = f.engine.chat_stats(&admin, &q).await.expect("stats");
    assert_eq!(
        (rows[0].requested, rows[0].accepted, rows[0].lines),
        (2, 1, 1)
    );
    let wide = StatsQuery {
        from: Some(chatwire_core::Timestamp(0)),
        ..q
    };
    assert_eq!(
        invalid_field(f.engine.chat_stats(&admin, &wide).await.expect_err("range")),
        "to"
    );
}

#[tokio::test]
async fn deleting_refuses_open_chats_and_forgets_deleted_ones() {
    let f = fixture().await;
    let admin = f.admin(0).await;
    let open = f.request("Sales").await;
    let refused = f.engine.delete_chat_record(&admin, &open).await;
    assert!(matches!(refused, Err(EngineError::Conflict(_))));
    let key = f.ended_chat("bye").await;
    let erased = f
        .engine
        .delete_chat_record(&admin, &key)
        .await
        .expect("delete");
    assert_eq!(erased.chats, [key.clone()]);
    assert!(matches!(
        f.engine.chat(&f.account, &key).await,
        Err(EngineError::NotFound(_))
    ));
    let bad = f
        .engine
        .erase_visitor(&admin, &VisitorRef::Email("nobody".into()))
        .await;
    assert_eq!(invalid_field(bad.expect_err("email")), "email");
    let chat = f.engine.chat(&f.account, &open).await.expect("open chat");
    assert_eq!(chat.state, ChatState::Waiting);
}

#[tokio::test]
async fn retention_deletes_old_ended_chats_in_steps() {
    let f = fixture().await;
    let admin = f.admin(0).await;
    for i in 0..3 {
        f.ended_chat(&format!("old {i}")).await;
    }
    assert_eq!(
        invalid_field(
            f.engine
                .set_retention(&admin, Some(0))
                .await
                .expect_err("0")
        ),
        "days"
    );
    f.engine.set_retention(&admin, Some(1)).await.expect("set");
    assert_eq!(f.engine.retention(&admin).await.expect("get"), Some(1));
    let young = f.engine.run_retention().await.expect("pass");
    assert!(young.erased.chats.is_empty(), "not a day old yet");
    f.clock.advance_ms(2 * 86_400_000);
    let run = f.engine.run_retention().await.expect("pass");
    assert_eq!(run.erased.chats.len(), 3);
    let page = f
        .engine
        .history(&admin, &HistoryFilter::default())
        .await
        .expect("history");
    assert!(page.chats.is_empty());
}
