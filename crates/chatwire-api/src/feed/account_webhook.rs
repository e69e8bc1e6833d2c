//! The `format: chatwire` body of an account event (offline message, submitted survey, agent
//! availability, typing): the same envelope as a chat event's (`type`, `eventId` = `seq`,
//! `account`, `webhookId`, `event`), with an `event` of its own shape per kind (documented in
//! docs/webhooks.md and, as schemas, below). These events are not in the account feed, so the
//! feed's wire shapes are untouched.

use chatwire_engine::core::webhook::Typist;
use chatwire_engine::core::{AccountEvent, AccountEventKind, Webhook};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::http::time::iso_millis;

/// The body of a `format: chatwire` delivery of the account event `e` to `hook`.
pub(crate) fn account_webhook_body(hook: &Webhook, e: &AccountEvent) -> Value {
    json!({
        "type": e.kind.webhook_kind().as_str(),
        "eventId": e.seq.0,
        "account": hook.account.as_str(),
        "webhookId": hook.id.0,
        "event": account_event_json(e),
    })
}

/// `seq`, `time`, `type` and the kind's members.
fn account_event_json(e: &AccountEvent) -> Value {
    let mut v = json!({ "seq": e.seq.0, "time": iso_millis(e.at) });
    let fields = match &e.kind {
        AccountEventKind::OfflineMessage {
            response,
            survey,
            skill,
            visitor_id,
            answers,
        } => json!({
            "type": "offlineMessage",
            "offlineMessageId": response,
            "surveyId": survey,
            "skillId": skill.map(|s| s.0),
            "visitorId": visitor_id,
            "answers": answers.iter().map(|a| json!({
                "questionId": a.question,
                "answers": a.answers,
            })).collect::<Vec<_>>(),
        }),
        AccountEventKind::SurveySubmitted {
            response,
            survey,
            survey_kind,
            chat,
            agent,
        } => json!({
            "type": "surveySubmitted",
            "responseId": response,
            "surveyId": survey,
            "surveyKind": survey_kind,
            "chatId": chat.as_ref().map(ToString::to_string),
            "agentId": agent.map(|a| a.0),
        }),
        AccountEventKind::AgentAvailability { agent, from, to } => json!({
            "type": "agentAvailability",
            "agentId": agent.0,
            "from": from.as_str(),
            "to": to.as_str(),
        }),
        AccountEventKind::Typing {
            chat,
            side,
            agent,
            typing,
        } => json!({
            "type": "typing",
            "chatId": chat.to_string(),
            "by": match side { Typist::Agent => "agent", Typist::Visitor => "visitor" },
            "agentId": agent.map(|a| a.0),
            "typing": typing,
        }),
    };
    if let (Value::Object(map), Value::Object(extra)) = (&mut v, fields) {
        map.extend(extra);
    }
    v
}

/// The `event` of an `offline.message`, `survey.submitted`, `agent.availability` or
/// `chat.typing` delivery (`format: chatwire`). Members beyond the common ones depend on
/// `type`: `offlineMessage` (`offlineMessageId`, `surveyId`, `skillId`, `visitorId`,
/// `answers`: `[{questionId, answers: [..]}]`), `surveySubmitted` (`responseId`, `surveyId`,
/// `surveyKind`: `exit` or `agent`, `chatId`, `agentId`), `agentAvailability` (`agentId`,
/// `from`, `to`: `Online`, `Away`, `Occupied` or `Offline`), `typing` (`chatId`, `by`:
/// `agent` or `visitor`, `agentId` when the agent types, `typing`: true or false).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccountEventDoc {
    /// Account-wide sequence number (shared with chat events: one order for both).
    pub seq: i64,
    /// When it was committed, ISO 8601 with milliseconds.
    pub time: String,
    /// `offlineMessage`, `surveySubmitted`, `agentAvailability` or `typing`.
    #[serde(rename = "type")]
    pub kind: String,
}
