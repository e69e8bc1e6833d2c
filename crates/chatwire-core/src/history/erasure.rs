//! Deletion: who a visitor erasure is about, what a deletion removed, and offline messages
//! (the offline survey's "leave a message" answers, which agents mark handled).

use crate::{AgentId, ChatKey, SurveyResponse, Timestamp};

/// The visitor an erasure is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitorRef {
    /// The numeric visitor id (LivePerson `visitorId`): their chats and the offline messages
    /// sent with that id.
    Id(i64),
    /// An e-mail address (compared ignoring ASCII case): chats whose customer e-mail it is,
    /// offline messages answering with it, mail sent to it.
    Email(String),
}

impl VisitorRef {
    /// The e-mail as stores compare it (trimmed, ASCII-lowercased).
    pub fn normalized_email(email: &str) -> String {
        email.trim().to_ascii_lowercase()
    }
}

/// What a deletion removed, counted per kind of record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    /// The chats deleted (their keys, so caches can forget them).
    pub chats: Vec<ChatKey>,
    /// Their events (lines, state changes…), with the search index entries and feed items.
    pub events: u64,
    /// Survey responses (pre-chat answers live in the chat; these are exit, agent and offline).
    pub survey_responses: u64,
    /// Offline messages among them.
    pub offline_messages: u64,
    /// Mails of the outbox (transcripts queued or sent).
    pub mails: u64,
    /// Mails of the local mailbox.
    pub mailbox_mails: u64,
    /// Retention steps only: the survey responses about no chat (offline messages) among
    /// `survey_responses`. A step deletes at most its batch of them, so the sweeper reads
    /// this to know whether more are left (other deletions leave it 0).
    pub chatless_responses: u64,
}

impl Erased {
    /// Adds `other`'s counts and chats to these.
    pub fn add(&mut self, other: Self) {
        self.chats.extend(other.chats);
        self.events += other.events;
        self.survey_responses += other.survey_responses;
        self.offline_messages += other.offline_messages;
        self.mails += other.mails;
        self.mailbox_mails += other.mailbox_mails;
        self.chatless_responses += other.chatless_responses;
    }
}

/// Whether an answer is an e-mail address (one `@`-separated word with a dotted domain).
fn looks_like_email(v: &str) -> bool {
    let v = v.trim();
    v.split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !v.contains(' '))
}

/// The first answer of `answers` that is an e-mail address, normalised.
fn first_email(answers: &[crate::chat::SurveyAnswer]) -> Option<String> {
    answers
        .iter()
        .flat_map(|a| a.answers.iter())
        .find(|v| looks_like_email(v))
        .map(|v| VisitorRef::normalized_email(v))
}

/// The e-mail a chat knows its visitor by, normalised: the customer e-mail (SuperOffice
/// `CustomerEmail`, LivePerson transcript default), else the first e-mail answer of the
/// pre-chat survey. Erasure by e-mail finds chats by it (stores keep it in a column).
pub fn visitor_email(chat: &crate::Chat) -> Option<String> {
    chat.request
        .customer_email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(VisitorRef::normalized_email)
        .or_else(|| first_email(&chat.request.survey))
}

/// An offline message: a submitted offline survey, with whether an agent handled it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineMessage {
    /// Its id (ascending in submission order).
    pub id: i64,
    /// What the visitor submitted.
    pub response: SurveyResponse,
    /// When an agent marked it handled.
    pub handled_at: Option<Timestamp>,
    /// Who did.
    pub handled_by: Option<AgentId>,
}

impl SurveyResponse {
    /// The numeric visitor id the response was sent with (context `visitorId`), if any.
    pub fn visitor_id(&self) -> Option<i64> {
        self.context
            .iter()
            .find(|(k, _)| k == "visitorId")
            .and_then(|(_, v)| v.trim().parse().ok())
    }

    /// The first answer that is an e-mail address, normalised ([`VisitorRef::normalized_email`]).
    pub fn email(&self) -> Option<String> {
        first_email(&self.answers)
    }

    /// Sum and count of the numeric answers (ratings), for statistics; exit surveys only.
    pub fn score(&self) -> (f64, u32) {
        if self.kind != crate::SurveyKind::Exit {
            return (0.0, 0);
        }
        self.answers
            .iter()
            .flat_map(|a| a.answers.iter())
            .filter_map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
            .fold((0.0, 0), |(s, n), x| (s + x, n + 1))
    }
}
