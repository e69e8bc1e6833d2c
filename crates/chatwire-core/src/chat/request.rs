//! Opening a chat: what the visitor sends ([`ChatRequest`]), what the engine adds ([`NewChat`]),
//! and the first events every chat starts with.

use serde::{Deserialize, Serialize};

use super::{Change, Chat, ChatState, EventKind, Line, LineSource, StateChange, SystemMessageId};
use crate::{AccountId, ChatKey, ChatNum, DomainError, EventId, SkillId, Timestamp, Typing};

/// Default `chatTimeout` in seconds (LivePerson §5).
pub const DEFAULT_CHAT_TIMEOUT_SECS: u32 = 40;
/// Longest accepted `interactionTimeout`, one day.
pub const MAX_CHAT_TIMEOUT_SECS: u32 = 86_400;
/// The greeting every chat starts with (system message 4).
pub const ROUTING_GREETING: &str =
    "Thank you for choosing to chat with us.  An agent will be with you shortly.";

/// A pre-chat survey answer (answers of checkbox questions are several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswer {
    /// Question id, as the client sent it.
    pub question: String,
    /// One or more answers.
    pub answers: Vec<String>,
}

/// A custom variable (name/value) attached to the chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomVariable {
    /// Variable name.
    pub name: String,
    /// Variable value.
    pub value: String,
}

/// Where a chat comes from when it continues an account-to-account transfer (the chat
/// request's `a2aSourceSiteId`, `a2aSourceSessionId`, `a2aEventId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct A2aSource {
    /// The source account.
    pub source_account: String,
    /// The source chat's number.
    pub source_session: i64,
    /// The id of the transfer event in the source chat.
    pub event: u32,
}

/// Everything the visitor (or a SuperOffice session create) sent with the request that is not
/// routing state. Stored as-is and shown in chat info.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatRequest {
    /// Skill name as requested (kept even when resolved to an id).
    pub skill_name: Option<String>,
    /// Requested agent login name (exclusive with skill).
    pub agent_login: Option<String>,
    /// Maximum wait the visitor accepts, seconds.
    pub max_wait_time: Option<u32>,
    /// Visitor IP address.
    pub visitor_ip: Option<String>,
    /// Visitor user agent.
    pub user_agent: Option<String>,
    /// Page the chat started from.
    pub referrer: Option<String>,
    /// Visitor session id.
    pub visitor_session_id: Option<String>,
    /// Engagement id (number on the wire).
    pub engagement_id: Option<i64>,
    /// Campaign id (number on the wire).
    pub campaign_id: Option<i64>,
    /// Language tag, e.g. `en-US`.
    pub language: Option<String>,
    /// App Engagement visitor id (`sharkVisitorId`).
    pub le_visitor_id: Option<String>,
    /// App Engagement session id (`sharkSessionId`).
    pub le_session_id: Option<String>,
    /// App Engagement context id (`sharkContextId`).
    pub le_context_id: Option<i64>,
    /// Authenticated visitor participant id.
    pub participant_id: Option<String>,
    /// Authenticated visitor conversation id.
    pub conversation_id: Option<String>,
    /// Single sign-on key (a visitor's signed token is read from here; it is never stored
    /// once verified).
    pub sso_key: Option<String>,
    /// The account transfer this chat continues, checked by the engine before the chat opens.
    pub a2a: Option<A2aSource>,
    /// Who the visitor is, when the engine verified their token with the account's key;
    /// `None` for anonymous visitors, whatever ids they sent.
    pub authenticated: Option<crate::identity::AuthenticatedVisitor>,
    /// Customer e-mail (SuperOffice `CustomerEmail`, transcript default).
    pub customer_email: Option<String>,
    /// Customer phone (SuperOffice `CustomerPhone`).
    pub customer_phone: Option<String>,
    /// Customer company (SuperOffice `CustomerCompanyName`).
    pub customer_company: Option<String>,
    /// Pre-chat survey answers.
    pub survey: Vec<SurveyAnswer>,
    /// Custom variables.
    pub custom_variables: Vec<CustomVariable>,
    /// The visitor app key that opened the chat; only it may read and write the chat as the
    /// visitor (`None` for chats opened otherwise, e.g. by an agent).
    pub app_key: Option<String>,
    /// The agent who opened the chat on a customer's behalf (SuperOffice
    /// `SaveChatSessionEntity` / `CreateChatSessionForTopic`); `None` when a visitor asked for
    /// it. Such a chat has no visitor client: it may be deleted by its creator, and the visitor
    /// timeout does not end it ([`Chat::has_visitor_client`]).
    pub opened_by: Option<crate::AgentId>,
    /// What agents record about the session ([`super::SessionNotes`]).
    pub notes: super::SessionNotes,
}

/// What the engine supplies to open a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChat {
    /// Fresh random key (engine-generated).
    pub key: ChatKey,
    /// The owning account.
    pub account: AccountId,
    /// Resolved skill, if any.
    pub skill: Option<SkillId>,
    /// Visitor display name.
    pub visitor_name: String,
    /// Numeric visitor id.
    pub visitor_id: i64,
    /// Seconds without visitor activity before the chat ends.
    pub chat_timeout_secs: u32,
    /// Lines shown to agents before the chat (never to the visitor).
    pub pre_chat_lines: Vec<String>,
    /// The agent the chat rings alone at first (the request named them), and until when.
    pub preferred_agent: Option<super::PreferredAgent>,
    /// The rest of the request.
    pub request: ChatRequest,
}

impl NewChat {
    /// Checks the values a client controls.
    pub fn validate(&self) -> Result<(), DomainError> {
        if !(1..=MAX_CHAT_TIMEOUT_SECS).contains(&self.chat_timeout_secs) {
            return Err(DomainError::invalid(
                "interactionTimeout",
                "must be 1-86400 seconds",
            ));
        }
        super::command::validate_name(&self.visitor_name)?;
        if self.pre_chat_lines.len() > 100 {
            return Err(DomainError::invalid("preChatLines", "at most 100 lines"));
        }
        for line in &self.pre_chat_lines {
            super::command::validate_text(line)?;
        }
        Ok(())
    }
}

impl Chat {
    /// Whether a visitor client speaks for this chat (and so keeps it alive by polling): false
    /// for a chat an agent opened on a customer's behalf.
    pub fn has_visitor_client(&self) -> bool {
        self.request.opened_by.is_none()
    }

    /// A chat in its initial state (no events yet) and the changes that open it:
    /// `state waiting`, the routing greeting (system message 4), then the pre-chat lines.
    pub fn open(
        new: NewChat,
        num: ChatNum,
        now: Timestamp,
    ) -> Result<(Self, Vec<Change>), DomainError> {
        new.validate()?;
        let mut changes = vec![
            Change::Event(EventKind::State(StateChange {
                state: ChatState::Waiting,
                end_cause: None,
            })),
            Change::Event(EventKind::Line(Line::system(
                SystemMessageId::ROUTING,
                ROUTING_GREETING,
            ))),
        ];
        changes.extend(new.pre_chat_lines.iter().map(|text| {
            let mut line = Line::system(SystemMessageId::PRE_CHAT, text.clone());
            line.source = LineSource::System;
            Change::Event(EventKind::Line(line))
        }));
        let chat = Self {
            key: new.key,
            num,
            account: new.account,
            skill: new.skill,
            state: ChatState::Waiting,
            agent: None,
            transfer: None,
            visitor_name: new.visitor_name,
            agent_typing: Typing::NotTyping,
            visitor_typing: Typing::NotTyping,
            visitor_id: new.visitor_id,
            started_at: now,
            accepted_at: None,
            ended_at: None,
            last_update: now,
            last_line_at: None,
            last_speaker: None,
            chat_timeout_secs: new.chat_timeout_secs,
            next_event_id: EventId(0),
            preferred_agent: new.preferred_agent,
            collaborators: Vec::new(),
            request: new.request,
            revision: 0,
        };
        Ok((chat, changes))
    }
}
