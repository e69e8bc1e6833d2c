//! History, statistics and erasure through the engine: admins only, validation by field,
//! deleted chats leave memory, retention deletes in bounded steps.

use chatwire_core::history::{StatsBy, VisitorRef};
use chatwire_core::{ChatState, DomainError};

use super::*;
use crate::{AdminCaller, HistoryFilter, StatsQuery};

impl Fixture {
    /// An admin of every account (the command line's operator).
    fn admin(&self) -> AdminCaller {
        self.engine.local_operator()
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
async fn history_finds_words_and_bad_parameters_name_their_field() {
    let f = fixture().await;
    let key = f.ended_chat("the parcel never came").await;
    let nobody = AccountId::parse("nobody").expect("id");
    let refused = f
        .engine
        .history(&f.admin(), &nobody, &HistoryFilter::default())
        .await;
    assert!(matches!(refused, Err(EngineError::NotFound(_))));

    let admin = f.admin();
    let filter = HistoryFilter {
        q: Some("PARCEL".into()),
        ..HistoryFilter::default()
    };
    let page = f
        .engine
        .history(&admin, &f.account, &filter)
        .await
        .expect("history");
    assert_eq!(page.chats.len(), 1);
    assert_eq!(page.next, None);
    let record = f
        .engine
        .history_chat(&admin, &f.account, &key)
        .await
        .expect("record");
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
        let e = f
            .engine
            .history(&admin, &f.account, &bad)
            .await
            .expect_err("refused");
        assert_eq!(invalid_field(e), field);
    }
}

#[tokio::test]
async fn history_pages_follow_the_cursor_to_the_end() {
    let f = fixture().await;
    let admin = f.admin();
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
        let page = f
            .engine
            .history(&admin, &f.account, &filter)
            .await
            .expect("page");
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
    let admin = f.admin();
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
    let rows = f
        .engine
        .chat_stats(&admin, &f.account, &q)
        .await
        .expect("stats");
    assert_eq!(
        (rows[0].requested, rows[0].accepted, rows[0].lines),
        (2, 1, 1)
    );
    let wide = StatsQuery {
        from: Some(chatwire_core::Timestamp(0)),
        ..q
    };
    assert_eq!(
        invalid_field(
            f.engine
                .chat_stats(&admin, &f.account, &wide)
                .await
                .expect_err("range")
        ),
        "to"
    );
}

#[tokio::test]
async fn deleting_refuses_open_chats_and_forgets_deleted_ones() {
    let f = fixture().await;
    let admin = f.admin();
    let open = f.request("Sales").await;
    let refused = f.engine.delete_chat_record(&admin, &f.account, &open).await;
    assert!(matches!(refused, Err(EngineError::Conflict(_))));
    let key = f.ended_chat("bye").await;
    let erased = f
        .engine
        .delete_chat_record(&admin, &f.account, &key)
        .await
        .expect("delete");
    assert_eq!(erased.chats, std::slice::from_ref(&key));
    assert!(matches!(
        f.engine.chat(&f.account, &key).await,
        Err(EngineError::NotFound(_))
    ));
    let bad = f
        .engine
        .erase_visitor(&admin, &f.account, &VisitorRef::Email("nobody".into()))
        .await;
    assert_eq!(invalid_field(bad.expect_err("email")), "email");
    let chat = f.engine.chat(&f.account, &open).await.expect("open chat");
    assert_eq!(chat.state, ChatState::Waiting);
}

#[tokio::test]
async fn retention_deletes_old_ended_chats_in_steps() {
    let f = fixture().await;
    let admin = f.admin();
    for i in 0..3 {
        f.ended_chat(&format!("old {i}")).await;
    }
    assert_eq!(
        invalid_field(
            f.engine
                .set_retention(&admin, &f.account, Some(0))
                .await
                .expect_err("0")
        ),
        "days"
    );
    f.engine
        .set_retention(&admin, &f.account, Some(1))
        .await
        .expect("set");
    assert_eq!(
        f.engine.retention(&admin, &f.account).await.expect("get"),
        Some(1)
    );
    let young = f.engine.run_retention().await.expect("pass");
    assert!(young.erased.chats.is_empty(), "not a day old yet");
    f.clock.advance_ms(2 * 86_400_000);
    let run = f.engine.run_retention().await.expect("pass");
    assert_eq!(run.erased.chats.len(), 3);
    let page = f
        .engine
        .history(&admin, &f.account, &HistoryFilter::default())
        .await
        .expect("history");
    assert!(page.chats.is_empty());
}

#[tokio::test]
async fn retention_goes_on_while_steps_take_full_batches_of_offline_messages() {
    use chatwire_core::survey::{Survey, SurveyKind, SurveyResponse};
    use chatwire_store::SurveyStore;

    let store = Arc::new(MemoryStore::new());
    let clock = Arc::new(ManualClock::new(chatwire_core::Timestamp(
        1_700_000_000_000,
    )));
    let mut config = EngineConfig::default();
    config.retention.batch = 2;
    config.retention.pause = Duration::ZERO;
    let engine = Engine::with_clock(store.clone(), config, clock.clone());
    let (account, _) = populate(&engine).await;
    let def = Survey {
        id: 0,
        account: account.clone(),
        kind: SurveyKind::Offline,
        name: "offline".into(),
        title: String::new(),
        header: String::new(),
        questions: vec![],
        skill: None,
        active: true,
    };
    let survey = store.create_survey(&def).await.expect("survey").id;
    // Five messages and no chat: only the chat-less count tells the pass to go on.
    for _ in 0..5 {
        let r = SurveyResponse {
            survey,
            kind: SurveyKind::Offline,
            account: account.clone(),
            chat: None,
            agent: None,
            answers: vec![],
            context: vec![],
            submitted_at: crate::Clock::now(clock.as_ref()),
        };
        store.save_survey_response(&r).await.expect("message");
    }
    let admin = engine.local_operator();
    engine
        .set_retention(&admin, &account, Some(1))
        .await
        .expect("set");
    clock.advance_ms(2 * 86_400_000);
    let run = engine.run_retention().await.expect("pass");
    assert_eq!((run.erased.offline_messages, run.steps), (5, 3));
    assert!(
        store
            .survey_responses(&account, None)
            .await
            .expect("left")
            .is_empty()
    );
}
