//! Agent-session answers of the Chat Agent API (spec §2.2.1–§2.2.10): the session's links,
//! availability, the agent's own info, available agents, the ring count, chat sessions.

use chatwire_engine::core::routing::AgentLoad;
use chatwire_engine::core::{Agent, Availability, Chat, Skill};

use super::chat::ChatUrls;
use super::{Links, Shape, View};
use crate::liveperson::wire::Elem;

/// `agentSessionId`: the agent session's links in the documented order.
pub fn session_links(url: String) -> Links {
    Links {
        root: "agentSessionId",
        id: None,
        url,
        rels: &[
            ("", "self"),
            ("/availability", "availability"),
            ("/incomingRequests", "incoming-requests"),
            ("/chatSessions", "chat-sessions"),
            ("/info", "info"),
            ("/availableAgents", "available-agents"),
            ("/chat/availableSlots", "chat-available-slots"),
        ],
    }
}

/// `availability`: the chat state, and (when read, not when set) the voice state, which is
/// always `Offline` here.
#[derive(Debug, Clone, Copy)]
pub struct AvailabilityView {
    /// The agent's chat availability.
    pub chat: Availability,
    /// Whether `voice` is shown.
    pub with_voice: bool,
}

impl View for AvailabilityView {
    fn render(&self) -> Elem {
        let elem = Elem::new("availability").field("chat", self.chat.as_str());
        if self.with_voice {
            elem.field("voice", "Offline")
        } else {
            elem
        }
    }
}

/// `skillsInfo`: the account's skills this agent has, in account order.
fn skills_info(agent: &Agent, skills: &[Skill]) -> Elem {
    Elem::new("skillsInfo").children(skills.iter().filter(|s| agent.has_skill(s.id)).map(|s| {
        Elem::new("skillInfo")
            .field("id", s.id.0.to_string())
            .field("name", s.name.clone())
    }))
}

/// `info`: the agent's own record.
#[derive(Debug, Clone, Copy)]
pub struct AgentInfo<'a> {
    /// The agent.
    pub agent: &'a Agent,
    /// The account's skills.
    pub skills: &'a [Skill],
    /// `…/agentSession/{asid}/info`.
    pub url: &'a str,
}

impl View for AgentInfo<'_> {
    fn render(&self) -> Elem {
        let a = self.agent;
        let availability = AvailabilityView {
            chat: a.availability,
            with_voice: true,
        };
        Elem::new("info")
            .child(Elem::link(self.url.to_owned(), "self"))
            .field("agentName", a.nickname.clone())
            .field("displayName", a.display_name.clone())
            .field("loginName", a.login_name.clone())
            .field("id", a.id.0.to_string())
            .field("maxChats", a.max_chats.as_wire().to_string())
            .child(availability.render())
            .child(skills_info(a, self.skills))
    }

    fn shape(&self) -> Shape {
        Shape::listing(&["skillInfo"])
    }
}

/// Numeric availability codes of `availableAgents` (spec §2.2.5).
const fn state_code(a: Availability) -> &'static str {
    match a {
        Availability::Offline => "1",
        Availability::Online => "2",
        Availability::Occupied => "3",
        Availability::Away => "4",
    }
}

/// `availableAgents`: agents with state codes, limits, skills and current chat count, and a
/// `next` link stamped with the server time.
#[derive(Debug, Clone, Copy)]
pub struct AvailableAgents<'a> {
    /// Each listed agent with its active chat count.
    pub agents: &'a [AgentLoad],
    /// The account's skills.
    pub skills: &'a [Skill],
    /// The `next` link.
    pub next: &'a str,
}

impl AvailableAgents<'_> {
    fn agent(&self, a: &Agent, chats: u32) -> Elem {
        let group = if a.is_admin {
            "administrators"
        } else {
            "agents"
        };
        let skill_ids = a
            .skills
            .iter()
            .map(|s| Elem::leaf("skill", s.0.to_string()));
        Elem::new("agent")
            .attr("chatState", state_code(a.availability))
            .attr("id", a.id.0.to_string())
            .attr("maxChats", a.max_chats.as_wire().to_string())
            .attr("voiceState", "1")
            .field("email", a.email.clone())
            .field("nickname", a.nickname.clone())
            .field("privilegeGroup", group)
            .child(Elem::new("skills").children(skill_ids))
            .field("userName", a.login_name.clone())
            .field("chats", i64::from(chats))
            .child(skills_info(a, self.skills))
    }
}

impl View for AvailableAgents<'_> {
    fn render(&self) -> Elem {
        let agents = self
            .agents
            .iter()
            .map(|load| self.agent(&load.agent, load.active_chats));
        Elem::new("availableAgents")
            .child(Elem::new("agents").children(agents))
            .child(Elem::link(self.next.to_owned(), "next"))
    }
}

/// `incomingRequests`: the ring count (a string), with a link to accept when something rings.
#[derive(Debug, Clone)]
pub struct IncomingRequests {
    /// Chats ringing for this agent.
    pub count: u32,
    /// `…/agentSession/{asid}/incomingRequests`.
    pub url: String,
}

impl View for IncomingRequests {
    fn render(&self) -> Elem {
        let mut root = Elem::new("incomingRequests");
        if self.count > 0 {
            root = root.child(Elem::link(self.url.clone(), "incoming-requests"));
        }
        root.field("ringingCount", self.count.to_string())
    }
}

/// `chatSessions`: the chats this agent handles or handled, plain keys, `startTime` in epoch ms.
#[derive(Debug, Clone, Copy)]
pub struct ChatSessions<'a> {
    /// Each chat with its URLs.
    pub chats: &'a [(Chat, ChatUrls)],
}

impl View for ChatSessions<'_> {
    fn render(&self) -> Elem {
        Elem::new("chatSessions").children(self.chats.iter().map(|(c, urls)| {
            Elem::new("chatSession")
                .child(Elem::link(urls.chat.clone(), "chat-session"))
                .field("chatSessionKey", c.key.as_str())
                .field("startTime", c.started_at.millis())
        }))
    }

    fn shape(&self) -> Shape {
        Shape::plain(&["chatSession"])
    }
}
