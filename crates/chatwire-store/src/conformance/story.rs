//! [`run_story`]: one realistic chat from account creation to the end, on any backend.

use chatwire_core::{
    Account, AccountId, Actor, Agent, Availability, ChatCommand, ChatState, DomainError, EventId,
    EventKind, GlobalSeq, NewAgent, NewAppKey, Timestamp,
};

use crate::{NewSkill, Store, StoreError};

use super::{accept, account, agent, as_agent, chat_key, line, new_chat, unique};

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
        allowed_origins: Vec::new(),
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

    // The chat with its events from a point: the same chat, the same events, bounded.
    let (chat, since) = store
        .chat_since(&acc, &key, EventId(12), 1_000)
        .await
        .expect("chat since");
    assert_eq!(chat, store.get_chat(&acc, &key).await.expect("get"));
    assert_eq!(since, all[12..]);
    let (_, capped) = store
        .chat_since(&acc, &key, EventId(5), 3)
        .await
        .expect("capped");
    assert_eq!(capped, page);
    let (_, none) = store
        .chat_since(&acc, &key, EventId(14), 10)
        .await
        .expect("at the end");
    assert!(none.is_empty());
    assert!(matches!(
        store.chat_since(&stranger, &key, EventId(0), 10).await,
        Err(StoreError::NotFound(_))
    ));

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
