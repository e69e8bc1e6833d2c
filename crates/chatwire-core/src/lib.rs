//! chatwire's domain: plain data plus the decisions made on it.
//!
//! Map of the crate:
//! - [`ids`]: typed identifiers (account, skill, agent, chat key and number, event id, global sequence).
//! - [`time`]: [`Timestamp`], milliseconds since the Unix epoch (UTC); formatting belongs to the dialects.
//! - [`account`], [`skill`], [`agent`]: the directory of an account (agents, skills, visitor app keys).
//! - [`chat`]: the chat aggregate, its append-only event log, and `Chat::decide`, the only place
//!   where chat state changes are decided.
//! - [`chat_query`]: a typed query over an account's chats (scope, filter, order, page) that
//!   every store backend runs the same way.
//! - [`history`]: history search, statistics and erasure (what stores answer the same way).
//! - [`session`]: authentication sessions (hashes only).
//! - [`app_login`]: bots' application-login credentials as stored (secrets hashed).
//! - [`survey`]: survey forms and answer validation.
//! - [`outbox`]: mails owed (chat transcripts, staff notices) and the address and subject rules.
//! - [`staff_mail`]: where staff notices go and building one.
//! - [`identity`]: authenticated visitors (what a verified token says of them).
//! - [`webhook`]: outbound webhook subscriptions, their delivery cursor and dead letters.
//! - [`mailbox`]: mails delivered locally when no SMTP server is configured.
//! - [`routing`]: who rings, who may accept, capacity. One set of rules for both wire dialects.
//! - [`access`]: who may read a chat and who may act on it (transfer, take, decline, write,
//!   delete).
//! - [`opening_hours`], [`topic_options`]: a skill's SuperOffice topic settings (hours, widget,
//!   bot, alerts, tickets).
//! - [`text`]: which characters text may hold (XML 1.0's), checked at input, dropped at output.
//! - [`error`]: [`DomainError`], business failures only (no status codes).
//!
//! This crate does no I/O and depends on no runtime: every rule here is unit-tested in-process.

pub mod access;
pub mod account;
pub mod admin_token;
pub mod agent;
pub mod app_login;
pub mod chat;
pub mod chat_query;
pub mod error;
pub mod history;
pub mod identity;
pub mod ids;
pub mod mailbox;
pub mod opening_hours;
pub mod origin;
pub mod outbox;
pub mod routing;
pub mod session;
pub mod skill;
pub mod staff_mail;
pub mod survey;
pub mod text;
pub mod time;
pub mod topic_options;
pub mod webhook;

pub use account::{Account, AppKey, NewAppKey};
pub use admin_token::AdminToken;
pub use agent::{Agent, Availability, MaxChats, NewAgent};
pub use app_login::{AppLoginRecord, NewAppLogin};
pub use chat::{
    Actor, Change, Chat, ChatCommand, ChatEvent, ChatRequest, ChatState, CollaborationMode,
    Collaborator, Committed, DecisionContext, EndCause, EventKind, FeedItem, Line, LineSource,
    LineSubType, NewChat, PreferredAgent, StateChange, SystemMessageId, TextType, TransferTarget,
    Typing,
};
pub use error::DomainError;
pub use ids::{AccountId, AgentId, ChatKey, ChatNum, EventId, GlobalSeq, SkillId};
pub use mailbox::{MailboxId, MailboxMail};
pub use opening_hours::{DayHours, OpeningHours, TopicSettings};
pub use outbox::{MailId, MailKind, MailStatus, OutboxMail};
pub use session::{AuthSession, SessionKind};
pub use skill::Skill;
pub use staff_mail::StaffAddresses;
pub use survey::{Survey, SurveyKind, SurveyResponse};
pub use time::Timestamp;
pub use webhook::{
    AccountEvent, AccountEventKind, DeadLetter, LogEntry, PayloadFormat, Webhook, WebhookId,
    WebhookKind, WebhookKinds, WebhookProgress,
};
