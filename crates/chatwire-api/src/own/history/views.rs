//! JSON shapes of the history, statistics, offline-message and erasure routes (camelCase,
//! times ISO 8601 with milliseconds in UTC).

use chatwire_engine::HistoryChat;
use chatwire_engine::core::history::{Erased, OfflineMessage, StatsKey, StatsRow};
use chatwire_engine::core::{Chat, SurveyResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::feed::event_json;
use crate::http::time::iso_millis;

/// A chat as history lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatSummaryView {
    /// The chat id (LivePerson `chatSessionKey`).
    pub id: String,
    /// The chat number (SuperOffice `ChatSessionId`).
    pub num: i64,
    /// `waiting`, `chatting` or `ended`.
    pub state: String,
    /// Its skill.
    pub skill_id: Option<i64>,
    /// Its handling or last agent.
    pub agent_id: Option<i64>,
    /// That agent's nickname.
    pub agent_name: Option<String>,
    /// Numeric visitor id.
    pub visitor_id: i64,
    /// Visitor display name.
    pub visitor_name: String,
    /// Customer e-mail, when given.
    pub customer_email: Option<String>,
    /// When it was requested.
    pub requested_at: String,
    /// When an agent first accepted it.
    pub accepted_at: Option<String>,
    /// When it ended.
    pub ended_at: Option<String>,
}

impl From<&Chat> for ChatSummaryView {
    fn from(c: &Chat) -> Self {
        Self {
            id: c.key.to_string(),
            num: c.num.0,
            state: c.state.as_str().to_owned(),
            skill_id: c.skill.map(|s| s.0),
            agent_id: c.agent.as_ref().map(|a| a.id.0),
            agent_name: c.agent.as_ref().map(|a| a.name.clone()),
            visitor_id: c.visitor_id,
            visitor_name: c.visitor_name.clone(),
            customer_email: c.request.customer_email.clone(),
            requested_at: iso_millis(c.started_at),
            accepted_at: c.accepted_at.map(iso_millis),
            ended_at: c.ended_at.map(iso_millis),
        }
    }
}

/// One answered question.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnswerView {
    /// Question id.
    pub question: String,
    /// The answer(s).
    pub answers: Vec<String>,
}

/// A submitted survey (exit, agent or offline).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SurveyView {
    /// The survey answered.
    pub survey_id: i64,
    /// `pre_chat`, `offline`, `exit` or `agent`.
    pub kind: String,
    /// The agent who submitted it (agent surveys).
    pub agent_id: Option<i64>,
    /// The answers.
    pub answers: Vec<AnswerView>,
    /// What was sent with it (visitor ids, skill, user agent…).
    #[schema(value_type = Object)]
    pub context: Value,
    /// When it was submitted.
    pub submitted_at: String,
}

impl From<&SurveyResponse> for SurveyView {
    fn from(r: &SurveyResponse) -> Self {
        let context = r
            .context
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        Self {
            survey_id: r.survey,
            kind: serde_json::to_value(r.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            agent_id: r.agent.map(|a| a.0),
            answers: r
                .answers
                .iter()
                .map(|a| AnswerView {
                    question: a.question.clone(),
                    answers: a.answers.clone(),
                })
                .collect(),
            context: Value::Object(context),
            submitted_at: iso_millis(r.submitted_at),
        }
    }
}

/// One chat's whole record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryChatView {
    /// The chat.
    pub chat: ChatSummaryView,
    /// Every event, oldest first, agents-only ones included (shapes as in the feed).
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<Value>,
    /// Its exit and agent surveys.
    pub surveys: Vec<SurveyView>,
    /// The transcript as the visitor saw it (plain text, UTC).
    pub transcript: String,
}

impl From<&HistoryChat> for HistoryChatView {
    fn from(h: &HistoryChat) -> Self {
        Self {
            chat: ChatSummaryView::from(&h.chat),
            events: h.events.iter().map(event_json).collect(),
            surveys: h.surveys.iter().map(SurveyView::from).collect(),
            transcript: h.transcript.clone(),
        }
    }
}

/// An offline ("leave a message") survey.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfflineMessageView {
    /// Its id (the list is newest first).
    pub id: i64,
    /// What the visitor sent.
    pub message: SurveyView,
    /// When an admin marked it handled; null while it is not.
    pub handled_at: Option<String>,
    /// Who did (agent id).
    pub handled_by: Option<i64>,
}

impl From<&OfflineMessage> for OfflineMessageView {
    fn from(m: &OfflineMessage) -> Self {
        Self {
            id: m.id,
            message: SurveyView::from(&m.response),
            handled_at: m.handled_at.map(iso_millis),
            handled_by: m.handled_by.map(|a| a.0),
        }
    }
}

/// What a deletion removed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErasedView {
    /// The chats deleted (ids).
    pub chats: Vec<String>,
    /// Their events (lines, state changes…); the search index and the feed lose them too.
    pub events: u64,
    /// Survey responses deleted (offline messages included).
    pub survey_responses: u64,
    /// Offline messages among them.
    pub offline_messages: u64,
    /// Outbox mails (transcripts queued or sent).
    pub mails: u64,
    /// Local mailbox mails.
    pub mailbox_mails: u64,
}

impl From<&Erased> for ErasedView {
    fn from(e: &Erased) -> Self {
        Self {
            chats: e.chats.iter().map(ToString::to_string).collect(),
            events: e.events,
            survey_responses: e.survey_responses,
            offline_messages: e.offline_messages,
            mails: e.mails,
            mailbox_mails: e.mailbox_mails,
        }
    }
}

/// One group of statistics.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatsRowView {
    /// The hour or day (by `hour`, `day`): its start.
    pub period: Option<String>,
    /// The skill (by `skill`; null: chats without one).
    pub skill_id: Option<i64>,
    /// The agent (by `agent`; null: chats no agent accepted).
    pub agent_id: Option<i64>,
    /// Chats requested.
    pub requested: u64,
    /// Chats an agent accepted.
    pub accepted: u64,
    /// Chats that ended while waiting.
    pub missed: u64,
    /// Median wait to the first accept, ms.
    pub wait_p50_ms: Option<i64>,
    /// 90th percentile of that wait, ms.
    pub wait_p90_ms: Option<i64>,
    /// Mean time from first accept to end, ms.
    pub handle_avg_ms: Option<i64>,
    /// Median of that time, ms.
    pub handle_p50_ms: Option<i64>,
    /// Visitor and agent lines.
    pub lines: u64,
    /// Numeric exit-survey answers.
    pub survey_answers: u64,
    /// Their mean.
    pub survey_avg: Option<f64>,
}

impl From<&StatsRow> for StatsRowView {
    fn from(r: &StatsRow) -> Self {
        let (period, skill_id, agent_id) = match r.key {
            StatsKey::Total => (None, None, None),
            StatsKey::Period(t) => (Some(iso_millis(t)), None, None),
            StatsKey::Skill(s) => (None, s.map(|s| s.0), None),
            StatsKey::Agent(a) => (None, None, a.map(|a| a.0)),
        };
        Self {
            period,
            skill_id,
            agent_id,
            requested: r.requested,
            accepted: r.accepted,
            missed: r.missed,
            wait_p50_ms: r.wait_p50_ms,
            wait_p90_ms: r.wait_p90_ms,
            handle_avg_ms: r.handle_avg_ms,
            handle_p50_ms: r.handle_p50_ms,
            lines: r.lines,
            survey_answers: r.survey_answers,
            survey_avg: r.survey_avg,
        }
    }
}

/// `GET …/stats`: the figures of a time range (a report bounded by its range, not a paged list).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatsView {
    /// Chats requested at or after.
    pub from: String,
    /// Chats requested before.
    pub to: String,
    /// The grouping: `total`, `hour`, `day`, `skill` or `agent`.
    pub by: String,
    /// One row per group, in key order.
    pub rows: Vec<StatsRowView>,
}

/// An account's retention period (in and out).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionView {
    /// Days after their end that chats are deleted, 1 to 36500; null keeps them forever.
    pub days: Option<u32>,
}

/// The body of `POST …/erasure`: exactly one of the two.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErasureBody {
    /// The numeric visitor id (LivePerson `visitorId`).
    pub visitor_id: Option<i64>,
    /// The visitor's e-mail (compared ignoring case).
    pub email: Option<String>,
}
