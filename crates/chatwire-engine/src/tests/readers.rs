//! Short forms of the one cursor read (`Engine::read_events`) for tests: who reads is given as
//! [`Who`], and the callers are made here (the visitor's app key on first use).

use std::time::Duration;

use chatwire_core::{AccountId, AgentId, Chat, ChatEvent, ChatKey, EventId, GlobalSeq, NewAppKey};

use crate::{AgentPrincipal, Caller, ChatView, Cursor, Engine, EngineResult};

/// The app key tests read as a visitor with.
const VISITOR_KEY: &str = "test-visitor-key";

/// Who reads in a test.
#[derive(Debug, Clone, Copy)]
pub(super) enum Who {
    /// A visitor application of the account (holding [`VISITOR_KEY`]).
    Visitor,
    /// An agent of the account.
    Agent(AgentId),
}

impl Engine {
    /// The caller `who` stands for on `account`.
    pub(super) async fn caller_for(&self, account: &AccountId, who: Who) -> Caller {
        match who {
            Who::Agent(agent) => Caller::Agent(AgentPrincipal {
                account: account.clone(),
                agent,
                login: None,
            }),
            Who::Visitor => {
                if let Ok(v) = self.visitor_caller(account, VISITOR_KEY).await {
                    return Caller::Visitor(v);
                }
                let new = NewAppKey {
                    key: VISITOR_KEY.into(),
                    account: account.clone(),
                    name: "tests".into(),
                    can_read_feed: false,
                    allowed_origins: Vec::new(),
                };
                self.create_app_key(&new).await.expect("app key");
                Caller::Visitor(
                    self.visitor_caller(account, VISITOR_KEY)
                        .await
                        .expect("key"),
                )
            }
        }
    }

    /// One page of a chat's events from `from`, without waiting.
    pub(super) async fn poll(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        who: Who,
    ) -> EngineResult<ChatView> {
        self.poll_wait(account, key, from, who, Duration::ZERO)
            .await
    }

    /// One page of a chat's events from `from`, waiting up to `wait` when nothing is new.
    pub(super) async fn poll_wait(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        who: Who,
        wait: Duration,
    ) -> EngineResult<ChatView> {
        let caller = self.caller_for(account, who).await;
        self.read_events(&caller, key, Cursor::From(from), wait)
            .await
    }

    /// Many chats' events with one shared wait.
    pub(super) async fn poll_many(
        &self,
        account: &AccountId,
        requests: &[(ChatKey, EventId)],
        who: Who,
        wait: Duration,
    ) -> Vec<EngineResult<ChatView>> {
        let caller = self.caller_for(account, who).await;
        self.read_events_many(&caller, requests, wait).await
    }

    /// An agent's events of a chat with `seq > after` (SuperOffice `GetChatMessages`), waiting
    /// up to `wait` for a message.
    pub(super) async fn messages_after(
        &self,
        account: &AccountId,
        key: &ChatKey,
        agent: AgentId,
        after: GlobalSeq,
        wait: Duration,
    ) -> EngineResult<(Chat, Vec<ChatEvent>)> {
        let caller = self.caller_for(account, Who::Agent(agent)).await;
        let view = self
            .read_events(&caller, key, Cursor::After(after), wait)
            .await?;
        Ok((std::sync::Arc::unwrap_or_clone(view.chat), view.events))
    }
}
