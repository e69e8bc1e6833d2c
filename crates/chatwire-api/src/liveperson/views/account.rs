//! Visitor-side account answers (spec §1.5, §1.6, §2.3.0): the account root with its rels, and
//! the App Engagement answer visitor apps read before a chat request.

use chatwire_engine::core::Skill;

use super::{Links, Shape, View};
use crate::liveperson::wire::Elem;

/// How long an issued engagement is valid, seconds.
const VALID_FOR_SECS: i64 = 1800;

/// `account`: the account root and its rels (lpTag navigates only by rel).
pub fn account_root(account: String, url: String) -> Links {
    Links {
        root: "account",
        id: Some(account),
        url,
        rels: &[
            ("", "self"),
            ("/agentSession", "agent-session"),
            ("/chat/request", "chat-request"),
            ("/chat/availability", "chat-availability"),
            ("/chat/availableSlots", "chat-available-slots"),
            ("/chat/estimatedWaitTime", "chat-estimatedWaitTime"),
            ("/chat/preSurvey", "prechat-survey"),
            ("/chat/offlineSurvey", "chat-offline-survey"),
        ],
    }
}

/// The ids an engagement issues, which the chat request then echoes (`LETagVisitorId` …).
#[derive(Debug, Clone)]
pub struct EngagementIds {
    /// `visitorId`.
    pub visitor_id: String,
    /// `sessionId`.
    pub session_id: String,
    /// `pageId`.
    pub page_id: String,
    /// `contextId` (server-time derived).
    pub context_id: i64,
}

/// `engagement` (a bare object): whether the chosen skill can be served now, the issued ids,
/// and the engagement details when it can.
#[derive(Debug, Clone)]
pub struct Engagement<'a> {
    /// The engagement's skill when chat is available; `None` answers `NOT_AVAILABLE`.
    pub available_skill: Option<&'a Skill>,
    /// The issued ids.
    pub ids: EngagementIds,
    /// The app's language (`en-US` unless it sent one).
    pub language: String,
}

impl Engagement<'_> {
    fn details(&self, skill: &Skill) -> Elem {
        // Engagement and campaign ids derive from the skill: one engagement per skill.
        Elem::new("engagementDetails")
            .field("campaignId", skill.id.0 * 10 + 1)
            .field("engagementId", skill.id.0 * 10 + 2)
            .field("contextId", self.ids.context_id.to_string())
            .field("windowId", skill.id.0 * 10 + 3)
            .field("language", self.language.clone())
            .field("engagementRevision", 1)
            .field("validForSeconds", VALID_FOR_SECS)
            .field("skillId", skill.id.0)
            .field("skillName", skill.name.clone())
    }
}

impl View for Engagement<'_> {
    fn render(&self) -> Elem {
        let status = if self.available_skill.is_some() {
            "AVAILABLE"
        } else {
            "NOT_AVAILABLE"
        };
        let root = Elem::new("engagement")
            .field("status", status)
            .field("sessionId", self.ids.session_id.clone())
            .field("visitorId", self.ids.visitor_id.clone())
            .field("pageId", self.ids.page_id.clone());
        match self.available_skill {
            Some(skill) => root.child(self.details(skill)),
            None => root,
        }
    }

    fn shape(&self) -> Shape {
        Shape::unwrapped(&[])
    }
}
