//! Chat events as LivePerson shows them (spec §2.2.11–§2.2.13, §3): one event, the `events`
//! resource with its `[self, next]` links, and how ids are keyed.

use chatwire_engine::ChatView;
use chatwire_engine::core::{
    AccountId, Chat, ChatEvent, EventKind, LineSource, LineSubType, StateChange, TextType,
    TransferTarget,
};

use super::View;
use super::chat::ChatUrls;
use crate::http::time::iso_millis;
use crate::liveperson::wire::{Elem, Scalar};

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

/// One event. Transfer notes (agents only) are shown as agent-only system lines.
#[derive(Debug, Clone, Copy)]
pub struct EventView<'a> {
    /// The event.
    pub event: &'a ChatEvent,
    /// Id style.
    pub ids: EventIds,
    /// The chat the event belongs to (an account transfer names it to the other account).
    pub chat: &'a Chat,
    /// The server's public base URL (`https://host`).
    pub base: &'a str,
}

/// `a2a-transfer` (spec §3.1; LivePerson's event sample): where the visitor requests the next
/// chat, with the parameters to send along as they are.
fn a2a_transfer(elem: Elem, view: &EventView<'_>, account: &AccountId, skill: &str) -> Elem {
    let host = view
        .base
        .split_once("://")
        .map_or(view.base, |(_, rest)| rest);
    // Numeric ids are numbers on the wire, as in the sample; other account ids stay text.
    let site = |a: &AccountId| {
        a.as_str()
            .parse::<i64>()
            .map_or_else(|_| Scalar::from(a.as_str()), Scalar::from)
    };
    let params = Elem::new("chatRequestParameters")
        .field("a2aEventId", i64::from(view.event.id.0))
        .field("a2aSourceSessionId", view.chat.num.0)
        .field("a2aSourceSiteId", site(&view.chat.account))
        .field("skill", skill);
    elem.field("domain", host)
        .child(params)
        .field("remoteSiteId", site(account))
        .child(Elem::link(
            format!("{}/api/account/{account}/chat/request", view.base),
            "a2a-transfer",
        ))
}

impl View for EventView<'_> {
    fn render(&self) -> Elem {
        let e = self.event;
        let typ = match &e.kind {
            EventKind::State(_) => "state",
            EventKind::Line(_) | EventKind::Transfer { .. } => "line",
            EventKind::Url { .. } => "url",
            EventKind::AccountTransfer { .. } => "a2a-transfer",
            EventKind::Collaboration { .. } => "collaboration",
        };
        let elem = match self.ids {
            EventIds::Attribute => Elem::new("event")
                .attr("id", e.id.0.to_string())
                .attr("type", typ),
            EventIds::PlainNumeric => Elem::new("event")
                .attr("id", i64::from(e.id.0))
                .attr("type", typ),
        }
        .field("time", iso_millis(e.at));
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
            EventKind::AccountTransfer { account, skill, .. } => {
                a2a_transfer(elem, self, account, skill)
            }
            // Agents only: a supervisor's channel (lpTag groups these by `channelID`).
            EventKind::Collaboration { agent, mode } => {
                let elem = elem
                    .field("channelID", agent.id.0.to_string())
                    .field("by", agent.name.clone())
                    .field("agentId", agent.id.0);
                match mode {
                    Some(mode) => elem.field("state", "active").field("mode", mode.as_str()),
                    None => elem.field("state", "ended"),
                }
            }
        }
    }
}

/// `events` with links `[self, next]` and the event list (left out when empty).
#[derive(Debug, Clone, Copy)]
pub struct EventsPage<'a> {
    /// The read: events after the cursor, and the next cursor.
    pub read: &'a ChatView,
    /// The chat's URLs.
    pub urls: &'a ChatUrls,
    /// Id style.
    pub ids: EventIds,
}

impl View for EventsPage<'_> {
    fn render(&self) -> Elem {
        let events = self.urls.sub("events");
        let next = format!("{events}?from={}", self.read.next.0);
        Elem::new("events")
            .child(Elem::link(events, "self"))
            .child(Elem::link(next, "next"))
            .children(self.read.events.iter().map(|event| {
                EventView {
                    event,
                    ids: self.ids,
                    chat: &self.read.chat,
                    base: &self.urls.base,
                }
                .render()
            }))
    }
}
