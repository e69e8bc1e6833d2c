//! The conformance suite every [`Store`] backend runs (in-memory, SQLite, PostgreSQL).
//!
//! [`run_story`] walks one realistic chat from account creation to the end; [`run_concurrency`]
//! checks the guarantees that only show under concurrent writers; [`run_sessions`],
//! [`run_surveys`], [`run_topics`] and [`run_outbox`] cover the smaller tables;
//! [`run_mail_claims`] (every backend), [`run_visitor_seen`] and [`run_wakeups`] (backends that
//! several processes share) what a cluster of nodes needs. Each call
//! creates its own accounts with random ids, so the suite can run against a shared database.

use std::sync::Arc;

use chatwire_core::chat::AssignedAgent;
use chatwire_core::{
    Account, AccountId, Actor, Agent, Availability, ChatCommand, ChatKey, ChatRequest, ChatState,
    DomainError, EventId, EventKind, GlobalSeq, LineSubType, MaxChats, NewAgent, NewAppKey,
    NewChat, SkillId, TextType, Timestamp,
};

use crate::{NewSkill, Store, StoreError};

mod sessions;
mod surveys;
mod topics;
pub use sessions::run_sessions;
pub use surveys::run_surveys;
pub use topics::run_topics;

mod outbox;
mod shared;

pub use outbox::run_outbox;
pub use shared::{run_mail_claims, run_visitor_seen, run_wakeups};

fn unique(prefix: &str) -> String {
    // Random enough for test isolation; core stays free of rand, so use the clock and a counter.
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}{}_{}",
        nanos % 1_000_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn chat_key(seed: u64) -> ChatKey {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    ChatKey::from_random(
        seed,
        nanos ^ u128::from(seed) << 64,
        u32::try_from(seed % 1_000_000).unwrap_or(0),
    )
}

async fn account(store: &dyn Store, prefix: &str) -> AccountId {
    let id = AccountId::parse(&unique(prefix)).expect("valid account id");
    let account = Account {
        id: id.clone(),
        name: "Test".into(),
        created_at: Timestamp(1),
    };
    store
        .create_account(&account)
        .await
        .expect("create account");
    id
}

async fn agent(
    store: &dyn Store,
    account: &AccountId,
    login: &str,
    skills: Vec<SkillId>,
    max: i32,
) -> Agent {
    let new = NewAgent {
        account: account.clone(),
        login_name: login.into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        nickname: format!("{login}-nick"),
        display_name: format!("{login} display"),
        email: format!("{login}@example.com"),
        max_chats: MaxChats::from(max),
        skills,
        is_admin: false,
    };
    let mut agent = store.create_agent(&new).await.expect("create agent");
    agent.availability = Availability::Online;
    store.update_agent(&agent).await.expect("go online");
    agent
}

fn new_chat(account: &AccountId, skill: Option<SkillId>, seed: u64) -> NewChat {
    NewChat {
        key: chat_key(seed),
        account: account.clone(),
        skill,
        visitor_name: "visitor".into(),
        visitor_id: 1_215_602_164_887_992,
        chat_timeout_secs: 40,
        pre_chat_lines: vec![],
        request: ChatRequest {
            language: Some("en-US".into()),
            ..ChatRequest::default()
        },
    }
}

fn accept(agent: &Agent) -> ChatCommand {
    ChatCommand::Accept {
        agent: AssignedAgent {
            id: agent.id,
            name: agent.nickname.clone(),
        },
        welcome: None,
    }
}

fn line(author: Actor, text: &str) -> ChatCommand {
    ChatCommand::PostLine {
        author,
        text: text.into(),
        text_type: TextType::Plain,
        json: None,
        sub_type: LineSubType::Regular,
    }
}

fn as_agent(agent: &Agent) -> Actor {
    Actor::Agent {
        id: agent.id,
        name: agent.nickname.clone(),
    }
}

/// One chat's life, checking every store operation on the way.
pub async fn run_story(store: &dyn Store) {
    // Arrange: directory.
    let acc = account(store, "s").await;
    let dup = Account {
        id: acc.clone(),
        name: "again".into(),
        created_at: Timestamp(2),
    };
    assert!(matches!(
        store.create_account(&dup).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.get_account(&acc).await.expect("get account").name,
        "Test"
    );
    let sales = store
        .create_skill(&NewSkill {
            account: acc.clone(),
            name: "Sales".into(),
            description: String::new(),
            welcome_message: String::new(),
        })
        .await
        .expect("skill");
    let clash = NewSkill {
        account: acc.clone(),
        name: "SALES".into(),
        description: String::new(),
        welcome_message: String::new(),
    };
    assert!(matches!(
        store.create_skill(&clash).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.list_skills(&acc).await.expect("skills"),
        vec![sales.clone()]
    );
    let a1 = agent(store, &acc, "agent1", vec![sales.id], 2).await;
    let a2 = agent(store, &acc, "agent2", vec![sales.id], 2).await;
    assert_eq!(
        store
            .find_agent_by_login(&acc, "AGENT1")
            .await
            .expect("by login")
            .id,
        a1.id
    );
    assert_eq!(
        store
            .get_agent(&acc, a1.id)
            .await
            .expect("get")
            .availability,
        Availability::Online
    );
    assert_eq!(store.list_agents(&acc).await.expect("agents").len(), 2);
    let other = account(store, "o").await;
    assert!(
        matches!(
            store.get_agent(&other, a1.id).await,
            Err(StoreError::NotFound(_))
        ),
        "agents are per account"
    );
    let mut same_login = NewAgent {
        login_name: "Agent1".into(),
        ..new_agent_from(&a1)
    };
    same_login.account = acc.clone();
    assert!(matches!(
        store.create_agent(&same_login).await,
        Err(StoreError::Conflict(_))
    ));
    let key_text = unique("key-");
    let app = NewAppKey {
        key: key_text.clone(),
        account: acc.clone(),
        name: "web".into(),
        can_read_feed: false,
    };
    store
        .create_app_key(&app, Timestamp(3))
        .await
        .expect("app key");
    assert_eq!(
        store
            .find_app_key(&key_text)
            .await
            .expect("find key")
            .account,
        acc
    );
    assert!(matches!(
        store.create_app_key(&app, Timestamp(3)).await,
        Err(StoreError::Conflict(_))
    ));
    // The feed right is granted and withdrawn in place; only by the key's own account.
    store
        .set_app_key_feed(&acc, &key_text, true)
        .await
        .expect("grant feed");
    assert!(
        store
            .find_app_key(&key_text)
            .await
            .expect("key")
            .can_read_feed
    );
    store
        .set_app_key_feed(&acc, &key_text, false)
        .await
        .expect("withdraw feed");
    assert!(
        !store
            .find_app_key(&key_text)
            .await
            .expect("key")
            .can_read_feed
    );
    let stranger = AccountId::parse(&unique("9")).expect("account id");
    assert!(matches!(
        store.set_app_key_feed(&stranger, &key_text, true).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.set_app_key_feed(&acc, "no-such-key", true).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        !store
            .find_app_key(&key_text)
            .await
            .expect("key")
            .can_read_feed
    );

    // Act: open a chat.
    let opened = store
        .create_chat(new_chat(&acc, Some(sales.id), 1), Timestamp(1_000))
        .await
        .expect("open");
    let key = opened.chat.key.clone();
    assert_eq!(
        opened.events.iter().map(|e| e.id.0).collect::<Vec<_>>(),
        vec![0, 1]
    );
    assert_eq!(opened.chat.state, ChatState::Waiting);
    assert_eq!(
        store
            .get_chat_by_num(&acc, opened.chat.num)
            .await
            .expect("by num")
            .key,
        key
    );
    assert!(
        matches!(
            store.get_chat(&other, &key).await,
            Err(StoreError::NotFound(_))
        ),
        "chats are per account"
    );
    assert!(
        store
            .open_chats()
            .await
            .expect("open chats")
            .iter()
            .any(|c| c.key == key)
    );

    // Accept, then a second accept loses.
    let accepted = store
        .execute(&acc, &key, accept(&a1), Timestamp(2_000))
        .await
        .expect("accept");
    assert_eq!(accepted.chat.state, ChatState::Chatting);
    assert_eq!(accepted.events.first().map(|e| e.id), Some(EventId(2)));
    let lost = store
        .execute(&acc, &key, accept(&a2), Timestamp(2_001))
        .await;
    assert!(matches!(
        lost,
        Err(StoreError::Domain(DomainError::WrongState { .. }))
    ));

    // Lines both ways; only the handler may speak for the agent side.
    for i in 0..10 {
        let (author, text) = if i % 2 == 0 {
            (Actor::Visitor, "hello")
        } else {
            (as_agent(&a1), "hi there")
        };
        store
            .execute(&acc, &key, line(author, text), Timestamp(3_000 + i))
            .await
            .expect("line");
    }
    let intruder = store
        .execute(&acc, &key, line(as_agent(&a2), "me too"), Timestamp(4_000))
        .await;
    assert!(matches!(
        intruder,
        Err(StoreError::Domain(DomainError::NotParticipant))
    ));

    // Info-only changes append nothing.
    let renamed = store
        .execute(
            &acc,
            &key,
            ChatCommand::SetVisitorName("Natalie".into()),
            Timestamp(4_001),
        )
        .await
        .expect("rename");
    assert!(renamed.events.is_empty());
    assert_eq!(
        store.get_chat(&acc, &key).await.expect("get").visitor_name,
        "Natalie"
    );

    // Page through the log by cursor: contiguous ids, increasing seqs, exact boundaries.
    let all = store
        .events_since(&acc, &key, EventId(0), 1_000)
        .await
        .expect("all events");
    assert_eq!(all.len(), 14);
    assert!(all.iter().enumerate().all(|(i, e)| e.id.0 as usize == i));
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    let page = store
        .events_since(&acc, &key, EventId(5), 3)
        .await
        .expect("page");
    assert_eq!(
        page.iter().map(|e| e.id.0).collect::<Vec<_>>(),
        vec![5, 6, 7]
    );
    assert!(
        store
            .events_since(&acc, &key, EventId(14), 10)
            .await
            .expect("tail")
            .is_empty()
    );
    assert!(matches!(&all[4].kind, EventKind::Line(l) if l.text == "hello"));

    // The account feed lists the chat's events in seq order and nothing of other accounts.
    let feed = store
        .feed_since(&acc, GlobalSeq(0), 1_000)
        .await
        .expect("feed");
    assert_eq!(feed.len(), 14);
    assert!(feed.windows(2).all(|w| w[0].event.seq < w[1].event.seq));
    let after = store
        .feed_since(&acc, feed[9].event.seq, 1_000)
        .await
        .expect("feed tail");
    assert_eq!(after.len(), 4);
    assert!(
        store
            .feed_since(&other, GlobalSeq(0), 10)
            .await
            .expect("other feed")
            .is_empty()
    );

    // End: the chat stays readable, takes nothing more, and leaves the open set.
    store
        .execute(
            &acc,
            &key,
            ChatCommand::End { by: as_agent(&a1) },
            Timestamp(5_000),
        )
        .await
        .expect("end");
    let late = store
        .execute(&acc, &key, line(Actor::Visitor, "hello?"), Timestamp(5_001))
        .await;
    assert!(matches!(
        late,
        Err(StoreError::Domain(DomainError::ChatEnded))
    ));
    let ended = store.get_chat(&acc, &key).await.expect("readable");
    assert_eq!(
        (ended.state, ended.ended_at),
        (ChatState::Ended, Some(Timestamp(5_000)))
    );
    assert!(
        !store
            .open_chats()
            .await
            .expect("open")
            .iter()
            .any(|c| c.key == key)
    );
    let mine = store
        .chats_of_agent(&acc, a1.id, 10)
        .await
        .expect("agent chats");
    assert_eq!(
        mine.iter().map(|c| c.key.clone()).collect::<Vec<_>>(),
        vec![key.clone()]
    );
    assert!(matches!(
        store.get_chat(&acc, &chat_key(99)).await,
        Err(StoreError::NotFound(_))
    ));
}

fn new_agent_from(a: &Agent) -> NewAgent {
    NewAgent {
        account: a.account.clone(),
        login_name: a.login_name.clone(),
        password_hash: a.password_hash.clone(),
        nickname: a.nickname.clone(),
        display_name: a.display_name.clone(),
        email: a.email.clone(),
        max_chats: a.max_chats,
        skills: a.skills.clone(),
        is_admin: a.is_admin,
    }
}

/// Guarantees under concurrent writers: contiguous ids, one accept winner, capacity held.
pub async fn run_concurrency(store: Arc<dyn Store>) {
    concurrent_lines_keep_ids_contiguous(Arc::clone(&store)).await;
    concurrent_accepts_have_exactly_one_winner(Arc::clone(&store)).await;
    capacity_holds_under_concurrent_accepts(store).await;
}

async fn concurrent_lines_keep_ids_contiguous(store: Arc<dyn Store>) {
    let acc = account(store.as_ref(), "c").await;
    let key = store
        .create_chat(new_chat(&acc, None, 2), Timestamp(1))
        .await
        .expect("open")
        .chat
        .key;
    let mut tasks = Vec::new();
    for w in 0..8 {
        let (store, acc, key) = (Arc::clone(&store), acc.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..25 {
                let text = format!("w{w} l{i}");
                store
                    .execute(&acc, &key, line(Actor::Visitor, &text), Timestamp(10))
                    .await
                    .expect("line");
            }
        }));
    }
    for t in tasks {
        t.await.expect("writer");
    }
    let events = store
        .events_since(&acc, &key, EventId(0), 10_000)
        .await
        .expect("events");
    assert_eq!(events.len(), 2 + 8 * 25);
    assert!(
        events.iter().enumerate().all(|(i, e)| e.id.0 as usize == i),
        "ids contiguous"
    );
    assert!(
        events.windows(2).all(|w| w[0].seq < w[1].seq),
        "seq follows id order"
    );
    let chat = store.get_chat(&acc, &key).await.expect("chat");
    assert_eq!(chat.next_event_id.0 as usize, events.len());
}

async fn concurrent_accepts_have_exactly_one_winner(store: Arc<dyn Store>) {
    let acc = account(store.as_ref(), "r").await;
    let key = store
        .create_chat(new_chat(&acc, None, 3), Timestamp(1))
        .await
        .expect("open")
        .chat
        .key;
    let mut agents = Vec::new();
    for i in 0..8 {
        agents.push(agent(store.as_ref(), &acc, &format!("racer{i}"), vec![], -1).await);
    }
    let tasks: Vec<_> = agents
        .iter()
        .map(|a| {
            let (store, acc, key, cmd) = (Arc::clone(&store), acc.clone(), key.clone(), accept(a));
            tokio::spawn(async move { store.execute(&acc, &key, cmd, Timestamp(5)).await })
        })
        .collect();
    let mut winners = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => winners += 1,
            Err(StoreError::Domain(DomainError::WrongState { .. })) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(winners, 1);
    let events = store
        .events_since(&acc, &key, EventId(0), 100)
        .await
        .expect("events");
    assert_eq!(events.len(), 4, "exactly one accept was written");
}

async fn capacity_holds_under_concurrent_accepts(store: Arc<dyn Store>) {
    let acc = account(store.as_ref(), "k").await;
    let solo = agent(store.as_ref(), &acc, "solo", vec![], 1).await;
    let mut keys = Vec::new();
    for i in 0..5 {
        keys.push(
            store
                .create_chat(new_chat(&acc, None, 10 + i), Timestamp(1))
                .await
                .expect("open")
                .chat
                .key,
        );
    }
    let tasks: Vec<_> = keys
        .iter()
        .map(|key| {
            let (store, acc, key, cmd) =
                (Arc::clone(&store), acc.clone(), key.clone(), accept(&solo));
            tokio::spawn(async move { store.execute(&acc, &key, cmd, Timestamp(5)).await })
        })
        .collect();
    let mut accepted = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => accepted += 1,
            Err(StoreError::Domain(DomainError::AgentAtCapacity { .. })) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(accepted, 1, "maxChats 1 holds under concurrency");
}
