//! What the agent and visitor chat routes share: reading one chat as the caller and answering
//! with the chat resource, its events page, one event, its info or one info field. The two sides
//! differ only in who reads (the engine decides what that caller sees) and where the chat's URLs
//! hang (under the agent session or not), so each answer is written once here.

use std::time::Duration;

use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use chatwire_engine::core::{AccountId, Chat, ChatKey, EventId};
use chatwire_engine::{Caller, ChatView, Cursor};

use super::auth::LpAgent;
use super::input::{event_id, from_param};
use super::reply::{LpAnswer, LpReply};
use super::views::Leaf;
use super::views::chat::{ChatInfo, ChatResource, ChatUrls, InfoExtras, Side, chat_urls};
use super::views::events::{EventIds, EventView, EventsPage};
use super::visitor_auth::LpVisitor;
use crate::http::negotiate::Format;
use crate::http::path::{self, chat_key};
use crate::http::query::Query;
use crate::{ApiError, AppState, BaseUrl};

/// One side's reader of the chat a route names: the caller the engine checks, where the URLs
/// hang, and the `{chat}` path segment (parsed when answering, after the other extractors).
pub struct ChatReader {
    state: AppState,
    caller: Caller,
    account: AccountId,
    asid: Option<i64>,
    side: Side,
    chat: String,
}

/// The agent side's [`ChatReader`] of the route's chat (caller from [`LpAgent`]).
pub struct AgentChat(pub ChatReader);

/// The visitor side's [`ChatReader`] of the route's chat (caller from [`LpVisitor`]).
pub struct VisitorChat(pub ChatReader);

/// The raw `{chat}` segment of the matched route.
async fn chat_segment(parts: &mut Parts, state: &AppState) -> Result<String, ApiError> {
    let params = path::params(parts, state).await?;
    let chat = params.iter().find(|(k, _)| *k == "chat").map(|(_, v)| v);
    Ok(chat.unwrap_or_default().to_owned())
}

impl FromRequestParts<AppState> for AgentChat {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let agent = LpAgent::from_request_parts(parts, state).await?;
        let chat = chat_segment(parts, state).await?;
        Ok(Self(ChatReader::agent(state, &agent, chat)))
    }
}

impl FromRequestParts<AppState> for VisitorChat {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let v = LpVisitor::from_request_parts(parts, state).await?;
        let chat = chat_segment(parts, state).await?;
        Ok(Self(ChatReader::visitor(state, &v, chat)))
    }
}

/// A one-value field of a chat's info (`…/info/<field>`), as both sides show it; extracted
/// from the route the request matched, so one handler serves every field's route.
#[derive(Debug, Clone, Copy)]
pub enum InfoField {
    /// `visitorName`.
    VisitorName,
    /// `visitorTyping`.
    VisitorTyping,
    /// `agentTyping`.
    AgentTyping,
}

impl InfoField {
    const ALL: [Self; 3] = [Self::VisitorName, Self::VisitorTyping, Self::AgentTyping];

    /// The field's name: the last path segment, the answer's root and the body's key.
    pub fn name(self) -> &'static str {
        match self {
            Self::VisitorName => "visitorName",
            Self::VisitorTyping => "visitorTyping",
            Self::AgentTyping => "agentTyping",
        }
    }

    /// The field of `chat` as its one-value answer.
    pub fn leaf(self, chat: &Chat) -> Leaf {
        match self {
            Self::VisitorName => Leaf::new(self.name(), chat.visitor_name.clone()),
            Self::VisitorTyping => Leaf::new(self.name(), chat.visitor_typing.as_str()),
            Self::AgentTyping => Leaf::new(self.name(), chat.agent_typing.as_str()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for InfoField {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let route = parts
            .extensions
            .get::<MatchedPath>()
            .map(MatchedPath::as_str);
        let last = route.and_then(|r| r.rsplit('/').next());
        Self::ALL
            .into_iter()
            .find(|f| Some(f.name()) == last)
            .ok_or_else(|| ApiError::NotFound("no such resource".into()))
    }
}

impl ChatReader {
    /// The agent side: chats under the agent session.
    pub fn agent(state: &AppState, agent: &LpAgent, chat: String) -> Self {
        Self {
            state: state.clone(),
            caller: Caller::Agent(agent.who.clone()),
            account: agent.who.account().clone(),
            asid: Some(agent.asid),
            side: Side::Agent,
            chat,
        }
    }

    /// The visitor side: the app key's chats.
    pub fn visitor(state: &AppState, v: &LpVisitor, chat: String) -> Self {
        Self {
            state: state.clone(),
            caller: Caller::Visitor(v.caller.clone()),
            account: v.account.clone(),
            asid: None,
            side: Side::Visitor,
            chat,
        }
    }

    /// The events after `from` this caller sees, waiting up to `wait` when nothing is new.
    pub async fn read(
        &self,
        key: &ChatKey,
        from: EventId,
        wait: Duration,
    ) -> Result<ChatView, ApiError> {
        let cursor = Cursor::From(from);
        Ok(self
            .state
            .engine
            .read_events(&self.caller, key, cursor, wait)
            .await?)
    }

    /// The chat as it is now, no events; fails as any read does when the caller may not see it.
    pub async fn current(&self, key: &ChatKey) -> Result<ChatView, ApiError> {
        self.read(key, EventId(u32::MAX), Duration::ZERO).await
    }

    /// The read a query asks for: from `from=N`, long-polling up to `wait=<seconds>`.
    async fn asked(&self, key: &ChatKey, q: &Query) -> Result<ChatView, ApiError> {
        let wait = chatwire_engine::wait_secs(q.get("wait"));
        self.read(key, from_param(q)?, wait).await
    }

    fn urls(&self, base: &BaseUrl, key: &ChatKey) -> ChatUrls {
        chat_urls(base, &self.account, self.asid, key)
    }

    /// The facts `info` shows beyond the chat. Only the visitor side shows the skill name, so
    /// the agent side skips the directory lookup.
    async fn extras(&self, view: &ChatView) -> InfoExtras {
        let engine = &self.state.engine;
        let skill_name = match (self.side, view.chat.skill) {
            (Side::Visitor, Some(id)) => engine.skill(&self.account, id).await.ok().map(|s| s.name),
            _ => None,
        };
        InfoExtras {
            skill_name,
            now: engine.now(),
        }
    }

    /// `GET …/chat/{chatId}[?from=N]`: links, events from `N`, info.
    pub async fn resource(self, f: Format, base: &BaseUrl, q: &Query) -> LpAnswer {
        let key = chat_key(&self.chat)?;
        let view = self.asked(&key, q).await?;
        let urls = self.urls(base, &key);
        let extras = self.extras(&view).await;
        let resource = ChatResource {
            read: &view,
            side: self.side,
            urls: &urls,
            extras: &extras,
            ids: EventIds::Attribute,
        };
        Ok(LpReply::ok(f, &resource))
    }

    /// `GET …/chat/{chatId}/events[?from=N]`.
    pub async fn events(self, f: Format, base: &BaseUrl, q: &Query) -> LpAnswer {
        let key = chat_key(&self.chat)?;
        let view = self.asked(&key, q).await?;
        let urls = self.urls(base, &key);
        let page = EventsPage {
            read: &view,
            urls: &urls,
            ids: EventIds::Attribute,
        };
        Ok(LpReply::ok(f, &page))
    }

    /// `GET …/chat/{chatId}/events/{eventId}`: one event the caller may see.
    pub async fn event(self, f: Format, base: &BaseUrl, event: &str) -> LpAnswer {
        let key = chat_key(&self.chat)?;
        let id = event_id(event)?;
        let view = self.read(&key, id, Duration::ZERO).await?;
        let event = view
            .events
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| ApiError::NotFound("event not found".into()))?;
        let view = EventView {
            event,
            ids: EventIds::Attribute,
            chat: &view.chat,
            base: &base.0,
        };
        Ok(LpReply::ok(f, &view))
    }

    /// `GET …/chat/{chatId}/info`.
    pub async fn info(self, f: Format, base: &BaseUrl) -> LpAnswer {
        let key = chat_key(&self.chat)?;
        let view = self.current(&key).await?;
        let urls = self.urls(base, &key);
        let extras = self.extras(&view).await;
        let info = ChatInfo {
            chat: &view.chat,
            side: self.side,
            urls: &urls,
            extras: &extras,
        };
        Ok(LpReply::ok(f, &info))
    }

    /// `GET …/chat/{chatId}/info/<field>`.
    pub async fn field(self, f: Format, field: InfoField) -> LpAnswer {
        let view = self.current(&chat_key(&self.chat)?).await?;
        Ok(LpReply::ok(f, &field.leaf(&view.chat)))
    }
}
