//! LivePerson wire shapes built from engine values: events, chat info, the chat resource and
//! its link sets (spec §1.6, §2.2.11, §2.2.16, §3). Only this module knows LivePerson's field
//! names, value types and link order.

use chatwire_engine::ChatView;
use chatwire_engine::core::{
    Chat, ChatEvent, EventKind, LineSource, LineSubType, StateChange, TextType, Timestamp,
    TransferTarget,
};

use super::wire::Elem;
use crate::http::time::iso_millis;

/// How an event's id and type are keyed: attributes (`"@id":"3"`) on the chat resources,
/// plain keys with a numeric id (`"id":3`) in the multi-chat retrieve (seed 002).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventIds {
    /// `@id` string, `@type`.
    Attribute,
    /// `id` number, `type`.
    PlainNumeric,
}

const fn text_type(t: TextType) -> &'static str {
    match t {
        TextType::Plain => "plain",
        TextType::Html => "html",
        TextType::RichContent => "rich-content",
    }
}

const fn source(s: LineSource) -> &'static str {
    match s {
        LineSource::Visitor => "visitor",
        LineSource::Agent => "agent",
        LineSource::System => "system",
    }
}

/// One event element. Transfer notes (agents only) are shown as agent-only system lines.
pub fn event_elem(e: &ChatEvent, ids: EventIds) -> Elem {
    let mut elem = Elem::new("event");
    let typ = match &e.kind {
        EventKind::State(_) => "state",
        EventKind::Line(_) | EventKind::Transfer { .. } => "line",
        EventKind::Url { .. } => "url",
    };
    elem = match ids {
        EventIds::Attribute => elem.attr("id", e.id.0.to_string()).attr("type", typ),
        EventIds::PlainNumeric => elem.attr("id", i64::from(e.id.0)).attr("type", typ),
    };
    elem = elem.field("time", iso_millis(e.at));
    match &e.kind {
        EventKind::State(StateChange { state, .. }) => elem.field("state", state.as_str()),
        EventKind::Line(line) => elem
            .field("textType", text_type(line.text_type))
            .field("text", line.text.clone())
            .field("by", line.by.clone())
            .field("source", source(line.source))
            .opt_field(
                "systemMessageId",
                line.system_message.map(|m| i64::from(m.0)),
            )
            .field(
                "subType",
                if line.sub_type == LineSubType::OnlyToRep {
                    "ONLY_TO_REP"
                } else {
                    "REGULAR"
                },
            ),
        EventKind::Url { url, by } => elem
            .field("url", url.clone())
            .field("by", by.clone())
            .field("source", "agent"),
        EventKind::Transfer { to, text, .. } => {
            let target = match to {
                TransferTarget::Skill { name, .. } | TransferTarget::Agent { name, .. } => name,
            };
            let note = if text.is_empty() {
                format!("Transferred to {target}.")
            } else {
                format!("Transferred to {target}: {text}")
            };
            elem.field("textType", "plain")
                .field("text", note)
                .field("by", "info")
                .field("source", "system")
                .field("subType", "ONLY_TO_REP")
        }
    }
}

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

/// The info fields (without links). On the agent side every field is always present, as the
/// Scala client requires; on the visitor side agent fields appear once an agent has accepted.
pub fn info_fields(mut elem: Elem, chat: &Chat, side: Side, extras: &InfoExtras) -> Elem {
    let req = &chat.request;
    elem = elem
        .field("state", chat.state.as_str())
        .field("chatSessionKey", chat.key.as_str());
    if let (Side::Visitor, Some(name), Some(id)) = (side, &extras.skill_name, chat.skill) {
        elem = elem.field("skillName", name.clone()).field("skillId", id.0);
    }
    match (&chat.agent, side) {
        (Some(agent), _) => {
            elem = elem
                .field("agentName", agent.name.clone())
                .field("agentId", agent.id.0)
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

/// The absolute URLs of one chat, for one side.
#[derive(Debug, Clone)]
pub struct ChatUrls {
    /// `…/chat/{chatId}` (agent: under the agent session).
    pub chat: String,
    /// `…/agentSession/{asid}` for the agent side (visit links hang off it).
    pub session: Option<String>,
    /// The chat's visit id (`H…K…`).
    pub visit_id: String,
}

impl ChatUrls {
    fn sub(&self, path: &str) -> String {
        format!("{}/{path}", self.chat)
    }
}

/// `https://host/api/account/{account}/agentSession/{asid}`.
pub fn agent_session_url(
    base: &crate::BaseUrl,
    account: &chatwire_engine::core::AccountId,
    asid: i64,
) -> String {
    base.join(&format!("/api/account/{account}/agentSession/{asid}"))
}

/// The URLs of a chat: under the agent session (agent side) or the account (visitor side).
pub fn chat_urls(
    base: &crate::BaseUrl,
    account: &chatwire_engine::core::AccountId,
    asid: Option<i64>,
    key: &chatwire_engine::core::ChatKey,
) -> ChatUrls {
    match asid {
        Some(asid) => {
            let session = agent_session_url(base, account, asid);
            ChatUrls {
                chat: format!("{session}/chat/{key}"),
                session: Some(session),
                visit_id: key.visit_id(),
            }
        }
        None => ChatUrls {
            chat: base.join(&format!("/api/account/{account}/chat/{key}")),
            session: None,
            visit_id: key.visit_id(),
        },
    }
}

/// `info` with its links `[self, visitor-name, visitor-typing, agent-typing]`.
pub fn info_elem(chat: &Chat, side: Side, urls: &ChatUrls, extras: &InfoExtras) -> Elem {
    let info = Elem::new("info")
        .child(Elem::link(urls.sub("info"), "self"))
        .child(Elem::link(urls.sub("info/visitorName"), "visitor-name"))
        .child(Elem::link(urls.sub("info/visitorTyping"), "visitor-typing"))
        .child(Elem::link(urls.sub("info/agentTyping"), "agent-typing"));
    info_fields(info, chat, side, extras)
}

/// `events` with links `[self, next]` and the event list (left out when empty).
pub fn events_elem(view: &ChatView, urls: &ChatUrls, ids: EventIds) -> Elem {
    Elem::new("events")
        .child(Elem::link(urls.sub("events"), "self"))
        .child(Elem::link(
            format!("{}?from={}", urls.sub("events"), view.next.0),
            "next",
        ))
        .children(view.events.iter().map(|e| event_elem(e, ids)))
}

/// The chat resource: links in the documented order, then events, then info.
pub fn chat_elem(
    view: &ChatView,
    side: Side,
    urls: &ChatUrls,
    extras: &InfoExtras,
    ids: EventIds,
) -> Elem {
    let next = format!("{}?from={}", urls.chat, view.next.0);
    let links: Vec<Elem> = match side {
        Side::Agent => {
            let session = urls.session.clone().unwrap_or_default();
            vec![
                Elem::link(urls.chat.clone(), "self"),
                Elem::link(urls.sub("events"), "events"),
                Elem::link(urls.sub("info"), "info"),
                Elem::link(next, "next"),
                Elem::link(
                    format!("{session}/visits/visit/{}", urls.visit_id),
                    "visit-id",
                ),
                Elem::link(urls.sub("transfer"), "transfer"),
                Elem::link(urls.sub("survey"), "agent-survey"),
            ]
        }
        Side::Visitor => vec![
            Elem::link(urls.chat.clone(), "self"),
            Elem::link(urls.sub("events"), "events"),
            Elem::link(urls.sub("info"), "info"),
            Elem::link(next, "next"),
            Elem::link(urls.sub("transcriptRequest"), "transcript-request"),
            Elem::link(
                urls.sub("transcriptWithSubjectRequest"),
                "transcript-with-subject-request",
            ),
            Elem::link(urls.sub("exitSurvey"), "exit-survey"),
            Elem::link(urls.sub("customVariables"), "custom-variables"),
        ],
    };
    Elem::new("chat")
        .children(links)
        .child(events_elem(view, urls, ids))
        .child(info_elem(&view.chat, side, urls, extras))
}
