//! Chats: the commands on one chat, who may issue them, and reading it.
//!
//! - this file: request, accept, lines, end, visitor name, visitor activity; the one write
//!   path ([`Engine::commit`]).
//! - `agent_writes`: what an agent does to a chat (lines, URL, end, close, name, typing).
//! - `messages`: special messages and customer lines relayed into agent-opened sessions.
//! - `access`: who may read or act on a chat (rules in `chatwire_core::access`), per request.
//! - `visitor_writes`: what a visitor application may do to a chat (its app key owns it).
//! - `transfers`: transfers, accepting and declining them, requeue.
//! - `archive`: a page of the chats an agent may list, open and ended (the store's indexed
//!   chat query under the access rules).
//! - `reads`: a chat's snapshot, the chat of a visit, open chats, an agent's past chats.
//! - `cursor`: the one cursor read of a chat's events, with an optional wait.
//! - `transcript`: the chat as text or HTML for agents.
//! - `html`: sanitising agent HTML lines.
//!
//! Every write goes through [`Engine::commit`]: the store decides and persists atomically, then
//! the commit is absorbed into the live tail and waiters are notified. The store call runs in
//! its own task so that a client hanging up mid-request can never leave a committed change out
//! of the in-memory tail.

pub(crate) mod access;
mod account_transfer;
pub use account_transfer::AccountTransferTarget;
mod agent_writes;
pub(crate) mod archive;
mod collaboration;
pub(crate) mod cursor;
pub(crate) mod html;
mod messages;
mod reads;
mod transcript;
mod transfers;
pub(crate) mod visitor_writes;

pub use transfers::TransferTo;

use chatwire_core::chat::AssignedAgent;
use chatwire_core::chat::DEFAULT_CHAT_TIMEOUT_SECS;
use chatwire_core::routing;
use chatwire_core::{
    AccountId, Actor, AgentId, ChatCommand, ChatKey, ChatRequest, DomainError, LineSubType,
    NewChat, TextType,
};
use chatwire_store::Committed;

use crate::{AgentPrincipal, Engine, EngineError, EngineResult, Topic, random_bytes};

/// A visitor's chat request, as the dialects parse it.
#[derive(Debug, Clone, Default)]
pub struct ChatRequestInput {
    /// Skill name (or id text); `None` routes to any agent.
    pub skill: Option<String>,
    /// Visitor display name; defaults to `visitor`.
    pub visitor_name: Option<String>,
    /// Numeric visitor id to link a returning visitor; generated when absent.
    pub visitor_id: Option<i64>,
    /// `interactionTimeout`, seconds; defaults to 40.
    pub chat_timeout_secs: Option<u32>,
    /// Lines for agents only.
    pub pre_chat_lines: Vec<String>,
    /// Everything else, stored as-is.
    pub request: ChatRequest,
}

/// A line as a dialect parses it.
#[derive(Debug, Clone)]
pub struct LineInput {
    /// Text.
    pub text: String,
    /// Rendering.
    pub text_type: TextType,
    /// Structured content, for rich-content lines.
    pub json: Option<String>,
    /// Visibility.
    pub sub_type: LineSubType,
}

impl LineInput {
    /// A plain, regular line.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            text_type: TextType::Plain,
            json: None,
            sub_type: LineSubType::Regular,
        }
    }
}

impl Engine {
    /// Runs `cmd` on a chat through the store, then updates memory and wakes waiters.
    pub(crate) async fn commit(
        &self,
        account: &AccountId,
        key: &ChatKey,
        cmd: ChatCommand,
    ) -> EngineResult<Committed> {
        let engine = self.clone();
        let (account, key) = (account.clone(), key.clone());
        tokio::spawn(async move {
            let now = engine.now();
            let committed = engine
                .0
                .store
                .execute(&account, &key, cmd, now)
                .await
                .inspect_err(|e| engine.outcome_unknown(e))?;
            engine.absorb(&committed);
            engine.ring_if_unrung(&committed.chat);
            Ok(committed)
        })
        .await
        .map_err(|e| EngineError::Internal(e.into()))?
    }

    /// Takes a commit into the live tail and notifies the chat and its account.
    fn absorb(&self, committed: &Committed) {
        let tail = self.0.live.upsert(&committed.chat, self.now());
        {
            let mut t = crate::runtime::live::lock(&tail);
            t.absorb(
                &committed.chat,
                &committed.events,
                self.0.config.tail_window,
            );
            // The store's wake-up for this commit will find it done.
            t.notified_revision = t.notified_revision.max(committed.chat.revision);
        }
        self.0.waits.record(committed);
        self.mail_on_commit(committed);
        self.webhooks_on_commit(committed);
        self.0
            .notifier
            .notify(&Topic::Chat(committed.chat.key.clone()));
        self.0
            .notifier
            .notify(&Topic::Account(committed.chat.account.clone()));
    }

    /// Opens a chat for a visitor and queues it for its skill, unthrottled: outside the
    /// engine, chats are opened through [`Engine::request_chat_from`].
    pub(crate) async fn request_chat(
        &self,
        account: &AccountId,
        input: ChatRequestInput,
    ) -> EngineResult<Committed> {
        let mut input = input;
        // Whoever calls, a visitor is authenticated only by a token verified here.
        self.identify_visitor(account, &mut input.request)?;
        if let Some(a2a) = &input.request.a2a {
            let origin = self.check_a2a_source(account, a2a).await?;
            input.pre_chat_lines.insert(0, origin);
        }
        let skill = match input
            .skill
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(name) => Some(self.skill_by_name_or_id(account, name).await?.id),
            None => None,
        };
        let (skill, preferred_agent) = match &input.request.agent_login {
            Some(login) => {
                let agent = self.agent_by_login(account, login).await?;
                self.named_agent_route(account, &agent, skill).await?
            }
            None => (skill, None),
        };
        let [a0, a1, a2, a3, a4, a5, a6, a7, rest @ ..] = random_bytes::<32>()?;
        let a = u64::from_le_bytes([a0, a1, a2, a3, a4, a5, a6, a7]);
        let b = u128::from_le_bytes(
            rest[..16]
                .try_into()
                .map_err(|_| EngineError::Internal(anyhow::anyhow!("rng")))?,
        );
        let c = u32::from_le_bytes(
            rest[16..20]
                .try_into()
                .map_err(|_| EngineError::Internal(anyhow::anyhow!("rng")))?,
        );
        // 16-digit visitor ids, like LivePerson's.
        let generated_visitor =
            1_000_000_000_000_000 + i64::try_from(a % 9_000_000_000_000_000).unwrap_or(0);
        let new = NewChat {
            key: ChatKey::from_random(a, b, c),
            account: account.clone(),
            skill,
            visitor_name: input.visitor_name.unwrap_or_else(|| "visitor".to_owned()),
            visitor_id: input.visitor_id.unwrap_or(generated_visitor),
            chat_timeout_secs: input.chat_timeout_secs.unwrap_or(DEFAULT_CHAT_TIMEOUT_SECS),
            pre_chat_lines: input.pre_chat_lines,
            preferred_agent,
            request: input.request,
        };
        new.validate()?;
        let engine = self.clone();
        let committed = tokio::spawn(async move {
            let committed = engine
                .0
                .store
                .create_chat(new, engine.now())
                .await
                .inspect_err(|e| engine.outcome_unknown(e))?;
            engine.absorb(&committed);
            Ok::<_, EngineError>(committed)
        })
        .await
        .map_err(|e| EngineError::Internal(e.into()))??;
        // With a ring timeout the new chat's first turn is given before the request answers,
        // so no poll in between sees it ring everyone.
        if self.ring_timeout_ms().is_some() && committed.chat.preferred_agent.is_none() {
            self.ring_first(&committed.chat).await;
        }
        Ok(committed)
    }

    /// Accepts the next chat ringing for this agent (personal transfers first, then oldest).
    /// Losing a race to another agent moves on to the next candidate.
    pub async fn accept_next(&self, who: &AgentPrincipal) -> EngineResult<Committed> {
        let (account, agent) = (&who.account, who.agent);
        let load = self.agent_load(account, agent).await?;
        routing::check_capacity(&load)?;
        let open = self.0.live.open_chats(account);
        for chat in routing::pick_order(&load, &open) {
            match self.accept(account, agent, &chat.key).await {
                Err(EngineError::Domain(
                    DomainError::WrongState { .. } | DomainError::NotRoutable,
                )) => {}
                other => return other,
            }
        }
        Err(EngineError::NothingToDo(
            "no chat is waiting for this agent",
        ))
    }

    /// Accepts one specific chat (SuperOffice pick-up, accept transfer).
    pub(crate) async fn accept(
        &self,
        account: &AccountId,
        agent: AgentId,
        key: &ChatKey,
    ) -> EngineResult<Committed> {
        let record = self.agent(account, agent).await?;
        let chat = self.chat(account, key).await?;
        let welcome = match chat.skill {
            Some(skill) => self
                .skill(account, skill)
                .await
                .ok()
                .map(|s| s.welcome_message),
            None => None,
        };
        let me = record.as_assigned();
        let committed = self
            .commit(account, key, ChatCommand::Accept { agent: me, welcome })
            .await?;
        self.reset_ring_outs(account, agent).await;
        Ok(committed)
    }

    /// Posts a line as the visitor or an agent. Crate-only: the caller-taking use cases
    /// ([`Engine::agent_post_line`], [`Engine::visitor_post_line`]) decide who may.
    pub(crate) async fn post_line(
        &self,
        account: &AccountId,
        key: &ChatKey,
        author: Actor,
        line: LineInput,
    ) -> EngineResult<Committed> {
        match &author {
            Actor::Visitor => self.touch_visitor(account, key),
            Actor::Agent { id, .. } => {
                self.readable_chat(account, key, *id).await?;
            }
        }
        let mut line = line;
        if line.text_type == TextType::Html {
            line.text = crate::chats::html::sanitize(&line.text);
        }
        let cmd = ChatCommand::PostLine {
            author,
            text: line.text,
            text_type: line.text_type,
            json: line.json,
            sub_type: line.sub_type,
        };
        self.commit(account, key, cmd).await
    }

    /// Ends a chat. Crate-only: the caller-taking use cases ([`Engine::agent_end_chat`],
    /// [`Engine::visitor_end_chat`]) decide who may.
    pub(crate) async fn end_chat(
        &self,
        account: &AccountId,
        key: &ChatKey,
        by: Actor,
    ) -> EngineResult<Committed> {
        if let Actor::Agent { id, .. } = &by {
            self.readable_chat(account, key, *id).await?;
        }
        self.commit(account, key, ChatCommand::End { by }).await
    }

    /// Sets the visitor's display name (callers have checked who may: the visitor through
    /// `Engine::visitor_set_name`, an agent through [`Engine::agent_set_visitor_name`]).
    pub(crate) async fn set_visitor_name(
        &self,
        account: &AccountId,
        key: &ChatKey,
        name: String,
    ) -> EngineResult<Committed> {
        self.touch_visitor(account, key);
        self.commit(account, key, ChatCommand::SetVisitorName(name))
            .await
    }

    /// Records visitor activity on a chat (any visitor request keeps it alive). In memory;
    /// with a shared store also in the store, at most once per a quarter of the chat's timeout
    /// (see `sweeper`), so other nodes' sweepers know the visitor is still there.
    pub(crate) fn touch_visitor(&self, account: &AccountId, key: &ChatKey) {
        let Some(tail) = self.0.live.get(account, key) else {
            return;
        };
        let now = self.now();
        let record = {
            let mut t = crate::runtime::live::lock(&tail);
            t.last_visitor_activity = now;
            let due = now.millis_since(t.visitor_recorded_at)
                >= crate::runtime::sweeper::record_every_ms(t.chat.chat_timeout_secs);
            if due && self.is_shared() {
                t.visitor_recorded_at = now;
            }
            due && self.is_shared()
        };
        if record && let Ok(runtime) = tokio::runtime::Handle::try_current() {
            // Off the request path: a poll must not wait for a write.
            let (engine, account, key) = (self.clone(), account.clone(), key.clone());
            runtime.spawn(async move {
                if let Err(e) = engine.0.store.record_visitor_seen(&account, &key, now).await {
                    tracing::warn!(chat.id = %key, error = %e, "cannot record the visitor's sighting");
                    // Not recorded: let the next visitor request try again at once, or other
                    // nodes' stored sighting could lag by more than the margin they allow.
                    if let Some(tail) = engine.0.live.get(&account, &key) {
                        let mut t = crate::runtime::live::lock(&tail);
                        if t.visitor_recorded_at == now {
                            t.visitor_recorded_at = chatwire_core::Timestamp(0);
                        }
                    }
                }
            });
        }
    }

    pub(crate) async fn assigned(
        &self,
        account: &AccountId,
        agent: AgentId,
    ) -> EngineResult<AssignedAgent> {
        Ok(self.agent(account, agent).await?.as_assigned())
    }
}
