//! The chat resource and its `info` (spec §1.6, §2.2.11, §2.2.16, §2.3.8): link sets per side,
//! the info fields each side shows, and the absolute URLs of a chat.

use chatwire_engine::ChatView;
use chatwire_engine::core::{AccountId, Chat, ChatKey, Timestamp};

use super::events::{EventIds, EventsPage};
use super::{Shape, View};
use crate::BaseUrl;
use crate::http::time::iso_millis;
use crate::liveperson::wire::Elem;

/// Which side a chat resource is rendered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Chat Agent API.
    Agent,
    /// Server Chat API (visitor).
    Visitor,
}

/// Extra facts `info` shows that the chat itself does not carry.
#[derive(Debug, Clone, Default)]
pub struct InfoExtras {
    /// Skill name, if routed by skill.
    pub skill_name: Option<String>,
    /// Now, for `duration`.
    pub now: Timestamp,
}

/// `rtSessionId`: numeric and shared across APIs; LivePerson's look like 4294967xxx.
pub const fn rt_session_id(chat: &Chat) -> i64 {
    4_294_967_296 + chat.num.0
}

/// `duration`: whole seconds since the accept, up to the end (0 before any accept; never
/// negative). The rendered-chat cache derives its validity from this same rule
/// ([`next_duration_tick`]).
pub fn duration_secs(chat: &Chat, now: Timestamp) -> i64 {
    chat.accepted_at.map_or(0, |start| {
        chat.ended_at.unwrap_or(now).millis_since(start) / 1000
    })
}

/// When [`duration_secs`] will next show another value, `None` if it never will (not
/// accepted, or ended).
pub fn next_duration_tick(chat: &Chat, now: Timestamp) -> Option<Timestamp> {
    let start = chat.accepted_at?;
    if chat.ended_at.is_some() {
        return None;
    }
    Some(Timestamp(start.0 + (duration_secs(chat, now) + 1) * 1000))
}

/// The absolute URLs of one chat, for one side.
#[derive(Debug, Clone)]
pub struct ChatUrls {
    /// `…/chat/{chatId}` (agent: under the agent session).
    pub chat: String,
    /// `…/agentSession/{asid}` for the agent side (visit links hang off it).
    pub session: Option<String>,
    /// The chat's visit id (`H…K…`).
    pub visit_id: String,
    /// The server's public base URL (`https://host`), for links out of the chat (an
    /// account transfer names the other account's chat request).
    pub base: String,
}

impl ChatUrls {
    /// `…/chat/{chatId}/{path}`.
    pub fn sub(&self, path: &str) -> String {
        format!("{}/{path}", self.chat)
    }
}

/// `https://host/api/account/{account}/agentSession/{asid}`.
pub fn agent_session_url(base: &BaseUrl, account: &AccountId, asid: i64) -> String {
    base.join(&format!("/api/account/{account}/agentSession/{asid}"))
}

/// The URLs of a chat: under the agent session (agent side) or the account (visitor side).
pub fn chat_urls(
    base: &BaseUrl,
    account: &AccountId,
    asid: Option<i64>,
    key: &ChatKey,
) -> ChatUrls {
    match asid {
        Some(asid) => {
            let session = agent_session_url(base, account, asid);
            ChatUrls {
                chat: format!("{session}/chat/{key}"),
                session: Some(session),
                visit_id: key.visit_id(),
                base: base.0.clone(),
            }
        }
        None => ChatUrls {
            chat: base.join(&format!("/api/account/{account}/chat/{key}")),
            session: None,
            visit_id: key.visit_id(),
            base: base.0.clone(),
        },
    }
}

/// `info` with its links `[self, visitor-name, visitor-typing, agent-typing]`. On the agent
/// side every field is always present, as the Scala client requires; on the visitor side agent
/// fields appear once an agent has accepted, and keys are plain (Postman reads
/// `info.link[1]["href"]`).
#[derive(Debug, Clone, Copy)]
pub struct ChatInfo<'a> {
    /// The chat.
    pub chat: &'a Chat,
    /// Who reads it.
    pub side: Side,
    /// The chat's URLs.
    pub urls: &'a ChatUrls,
    /// Skill name and now.
    pub extras: &'a InfoExtras,
}

impl ChatInfo<'_> {
    fn fields(&self, mut elem: Elem) -> Elem {
        let (chat, extras) = (self.chat, self.extras);
        let req = &chat.request;
        elem = elem
            .field("state", chat.state.as_str())
            .field("chatSessionKey", chat.key.as_str());
        if let (Side::Visitor, Some(name), Some(id)) = (self.side, &extras.skill_name, chat.skill) {
            elem = elem.field("skillName", name.clone()).field("skillId", id.0);
        }
        match (&chat.agent, self.side) {
            (Some(agent), _) => {
                elem = elem
                    .field("agentName", agent.name.clone())
                    .field("agentId", agent.id.0);
            }
            (None, Side::Agent) => elem = elem.field("agentName", "").field("agentId", 0),
            (None, Side::Visitor) => {}
        }
        elem.field("startTime", iso_millis(chat.started_at))
            .field("duration", duration_secs(chat, extras.now))
            .field("lastUpdate", iso_millis(chat.last_update))
            .field("chatTimeout", i64::from(chat.chat_timeout_secs))
            .field("visitorId", chat.visitor_id)
            .field("agentTyping", chat.agent_typing.as_str())
            .field("visitorTyping", chat.visitor_typing.as_str())
            .field("visitorName", chat.visitor_name.clone())
            .field("rtSessionId", rt_session_id(chat))
            .field(
                "sharkVisitorId",
                req.le_visitor_id.clone().unwrap_or_default(),
            )
            .field(
                "sharkSessionId",
                req.le_session_id.clone().unwrap_or_default(),
            )
            .field("sharkContextId", req.le_context_id.unwrap_or(0))
            .field("engagementId", req.engagement_id.unwrap_or(0))
            .field("campaignId", req.campaign_id.unwrap_or(0))
            .field(
                "language",
                req.language.clone().unwrap_or_else(|| "en-US".to_owned()),
            )
            .opt_field("participantId", req.participant_id.clone())
    }
}

impl View for ChatInfo<'_> {
    fn render(&self) -> Elem {
        let urls = self.urls;
        self.fields(
            Elem::new("info")
                .child(Elem::link(urls.sub("info"), "self"))
                .child(Elem::link(urls.sub("info/visitorName"), "visitor-name"))
                .child(Elem::link(urls.sub("info/visitorTyping"), "visitor-typing"))
                .child(Elem::link(urls.sub("info/agentTyping"), "agent-typing")),
        )
    }

    fn shape(&self) -> Shape {
        match self.side {
            Side::Agent => Shape::ATTRIBUTES,
            Side::Visitor => Shape::plain(&[]),
        }
    }
}

/// The chat resource: links in the documented order, then events, then info.
#[derive(Debug, Clone, Copy)]
pub struct ChatResource<'a> {
    /// The read: the chat, events after the cursor, the next cursor.
    pub read: &'a ChatView,
    /// Who reads it.
    pub side: Side,
    /// The chat's URLs.
    pub urls: &'a ChatUrls,
    /// Skill name and now.
    pub extras: &'a InfoExtras,
    /// Event id style.
    pub ids: EventIds,
}

impl ChatResource<'_> {
    fn links(&self) -> Vec<Elem> {
        let urls = self.urls;
        let next = format!("{}?from={}", urls.chat, self.read.next.0);
        let head = [
            Elem::link(urls.chat.clone(), "self"),
            Elem::link(urls.sub("events"), "events"),
            Elem::link(urls.sub("info"), "info"),
            Elem::link(next, "next"),
        ];
        let tail = match self.side {
            Side::Agent => {
                let session = urls.session.as_deref().unwrap_or_default();
                vec![
                    Elem::link(urls.sub("collaborationChannels"), "collaboration-channels"),
                    Elem::link(
                        format!("{session}/visits/visit/{}", urls.visit_id),
                        "visit-id",
                    ),
                    Elem::link(urls.sub("transfer"), "transfer"),
                    Elem::link(urls.sub("transferAccount"), "transfer-account"),
                    Elem::link(urls.sub("survey"), "agent-survey"),
                ]
            }
            Side::Visitor => vec![
                Elem::link(urls.sub("transcriptRequest"), "transcript-request"),
                Elem::link(
                    urls.sub("transcriptWithSubjectRequest"),
                    "transcript-with-subject-request",
                ),
                Elem::link(urls.sub("exitSurvey"), "exit-survey"),
                Elem::link(urls.sub("customVariables"), "custom-variables"),
            ],
        };
        head.into_iter().chain(tail).collect()
    }
}

impl View for ChatResource<'_> {
    fn render(&self) -> Elem {
        let events = EventsPage {
            read: self.read,
            urls: self.urls,
            ids: self.ids,
        };
        let info = ChatInfo {
            chat: &self.read.chat,
            side: self.side,
            urls: self.urls,
            extras: self.extras,
        };
        Elem::new("chat")
            .children(self.links())
            .child(events.render())
            .child(info.render())
    }
}
