//! What every part of the suite builds on: unique ids, accounts, agents, chats, commands.

use chatwire_core::chat::AssignedAgent;
use chatwire_core::{
    Account, AccountId, Actor, Agent, Availability, ChatCommand, ChatKey, ChatRequest, LineSubType,
    MaxChats, NewAgent, NewChat, SkillId, TextType, Timestamp,
};

use crate::Store;

pub(super) fn unique(prefix: &str) -> String {
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

pub(super) fn chat_key(seed: u64) -> ChatKey {
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

pub(super) async fn account(store: &dyn Store, prefix: &str) -> AccountId {
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

pub(super) async fn agent(
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
    store
        .update_agent(&agent, chatwire_core::Timestamp(0))
        .await
        .expect("go online");
    agent
}

pub(super) fn new_chat(account: &AccountId, skill: Option<SkillId>, seed: u64) -> NewChat {
    NewChat {
        key: chat_key(seed),
        account: account.clone(),
        skill,
        visitor_name: "visitor".into(),
        visitor_id: 1_215_602_164_887_992,
        chat_timeout_secs: 40,
        pre_chat_lines: vec![],
        preferred_agent: None,
        request: ChatRequest {
            language: Some("en-US".into()),
            ..ChatRequest::default()
        },
    }
}

pub(super) fn accept(agent: &Agent) -> ChatCommand {
    ChatCommand::Accept {
        agent: AssignedAgent {
            id: agent.id,
            name: agent.nickname.clone(),
        },
        welcome: None,
    }
}

pub(super) fn line(author: Actor, text: &str) -> ChatCommand {
    ChatCommand::PostLine {
        author,
        text: text.into(),
        text_type: TextType::Plain,
        json: None,
        sub_type: LineSubType::Regular,
    }
}

pub(super) fn as_agent(agent: &Agent) -> Actor {
    Actor::Agent {
        id: agent.id,
        name: agent.nickname.clone(),
    }
}
