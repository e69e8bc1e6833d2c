//! Typed inputs of the LivePerson calls, read from the query or the body before the engine is
//! asked: the `from` cursor, posted events, typing values, transfer targets, custom variables
//! and transcript requests here; the chat request in `chat_request`; the multi-chat
//! retrieve's keys and cursors in `chats`; survey answers in `survey`; the availability
//! filters of both sides in `availability`. Malformed input is a 400
//! here, never an engine call.

mod availability;
mod chat_request;
mod chats;
mod survey;

pub use availability::AvailabilityFilters;
pub use chat_request::parse_request;
pub use chats::AskedChats;
pub use survey::{parse_answers, survey_context};

use chatwire_engine::core::chat::CustomVariable;
use chatwire_engine::core::{AgentId, EventId, LineSubType, SkillId, TextType, Typing};
use chatwire_engine::{LineInput, TranscriptRequest, TransferTo};

use super::body::{LpBody, one_or_many, scalar_text};
use crate::ApiError;
use crate::http::query::Query;

/// The `from` cursor (leading digits; clients append `?v=1`), 0 when absent.
pub fn from_param(q: &Query) -> Result<EventId, ApiError> {
    Ok(EventId(
        q.leading_u32("from")
            .map_err(ApiError::BadRequest)?
            .unwrap_or(0),
    ))
}

/// An event id from the path; one that is not a number names no event (404).
pub fn event_id(raw: &str) -> Result<EventId, ApiError> {
    raw.parse::<u32>()
        .map(EventId)
        .map_err(|_| ApiError::NotFound("event not found".into()))
}

/// A posted event: a line (`textType` plain, html, rich-content; `subType` REGULAR or
/// ONLY_TO_REP) or `state: ended`. One event per POST.
pub enum PostedEvent {
    /// A line.
    Line(LineInput),
    /// End the chat.
    End,
}

fn parse_line(body: &LpBody, agent_side: bool) -> Result<LineInput, ApiError> {
    let text = body.required(&[&["event"], &["text"]], "event.text")?;
    let text_type = match body.str_at(&[&["event"], &["textType"]]).as_deref() {
        None | Some("plain") => TextType::Plain,
        Some("html") if agent_side => TextType::Html,
        Some("rich-content") if agent_side => TextType::RichContent,
        Some("html" | "rich-content") => TextType::Plain,
        Some(other) => {
            return Err(ApiError::BadRequest(format!("unknown textType {other:?}")));
        }
    };
    let sub_type = match body.str_at(&[&["event"], &["subType"]]).as_deref() {
        None | Some("REGULAR") => LineSubType::Regular,
        Some("ONLY_TO_REP") if agent_side => LineSubType::OnlyToRep,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "unsupported subType {other:?}"
            )));
        }
    };
    let json = body.at(&[&["event"], &["json"]]).map(ToString::to_string);
    Ok(LineInput {
        text,
        text_type,
        json,
        sub_type,
    })
}

/// Reads `{"event":{…}}` (or XML `<event type=…>`).
pub fn parse_event(body: &LpBody, agent_side: bool) -> Result<PostedEvent, ApiError> {
    if body
        .at(&[&["event"]])
        .is_some_and(serde_json::Value::is_array)
    {
        return Err(ApiError::BadRequest("one event per request".into()));
    }
    let typ = body.required(&[&["event"], &["@type", "type"]], "event.@type")?;
    match typ.as_str() {
        "line" => parse_line(body, agent_side).map(PostedEvent::Line),
        "state" => match body
            .required(&[&["event"], &["state"]], "event.state")?
            .as_str()
        {
            "ended" => Ok(PostedEvent::End),
            other => Err(ApiError::BadRequest(format!(
                "a client may only set state \"ended\", not {other:?}"
            ))),
        },
        other => Err(ApiError::BadRequest(format!(
            "unsupported event type {other:?}; use line or state"
        ))),
    }
}

/// Parses a typing value.
pub fn typing(value: &str) -> Result<Typing, ApiError> {
    match value {
        "typing" => Ok(Typing::Typing),
        "not-typing" => Ok(Typing::NotTyping),
        other => Err(ApiError::BadRequest(format!(
            "typing must be \"typing\" or \"not-typing\", not {other:?}"
        ))),
    }
}

/// `{"transfer":{"skill":{"id":2}|"agent":{"id":6},"text":…}}`: the target (agent wins when
/// both are given) and the note.
pub fn transfer(body: &LpBody) -> Result<(TransferTo, String), ApiError> {
    let to_agent = body.int_at(&[&["transfer"], &["agent"], &["id"]])?;
    let to_skill = body.int_at(&[&["transfer"], &["skill"], &["id"]])?;
    let target = match (to_agent, to_skill) {
        (Some(a), _) => TransferTo::Agent(AgentId(a)),
        (None, Some(s)) => TransferTo::Skill(SkillId(s)),
        (None, None) => {
            return Err(ApiError::BadRequest(
                "transfer needs skill.id or agent.id".into(),
            ));
        }
    };
    let text = body.str_at(&[&["transfer"], &["text"]]).unwrap_or_default();
    Ok((target, text))
}

/// `{"customVariables":{"customVariable":[{"name","value"}]}}` (one variable may be an object).
pub fn custom_variables(body: &LpBody) -> Result<Vec<CustomVariable>, ApiError> {
    let list = body
        .at(&[&["customVariables"], &["customVariable"]])
        .ok_or_else(|| {
            ApiError::BadRequest(
                "the body must be {\"customVariables\":{\"customVariable\":[…]}}".into(),
            )
        })?;
    let mut vars = Vec::new();
    for item in one_or_many(Some(list)) {
        let name = item
            .get("name")
            .and_then(scalar_text)
            .ok_or_else(|| ApiError::BadRequest("every custom variable needs a name".into()))?;
        vars.push(CustomVariable {
            name,
            value: item.get("value").and_then(scalar_text).unwrap_or_default(),
        });
    }
    Ok(vars)
}

/// `{"email":…,"timezoneOffset":-7200000[,"subject":…]}`, at the top or inside a
/// `transcriptRequest` / `transcriptWithSubjectRequest` / `transcript` root.
pub fn transcript_request(body: LpBody) -> Result<TranscriptRequest, ApiError> {
    let body = body.unwrap_root(&[
        "transcriptRequest",
        "transcriptWithSubjectRequest",
        "transcript",
    ]);
    let email = body.required(&[&["email"]], "email")?;
    let timezone_offset_ms = body.int_at(&[&["timezoneOffset"]])?;
    let subject = body
        .str_at(&[&["subject"]])
        .filter(|s| !s.trim().is_empty());
    Ok(TranscriptRequest {
        email,
        subject,
        timezone_offset_ms,
    })
}

/// `{"transferAccount":{"account":{"id":"2000"}|"2000","skill":{"id":5}|{"name":"Sales"}|"Sales","text":…}}`
/// (the body is undocumented; this is chatwire's, docs/liveperson.md): the account, the skill
/// (id or name) and the note.
pub fn account_transfer(body: &LpBody) -> Result<(String, String, String), ApiError> {
    let root: &[&str] = &["transferAccount"];
    let pick = |name: &str| {
        body.str_at(&[root, &[name], &["id"]])
            .or_else(|| body.str_at(&[root, &[name], &["name"]]))
            .or_else(|| body.str_at(&[root, &[name]]))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let (Some(account), Some(skill)) = (pick("account"), pick("skill")) else {
        return Err(ApiError::BadRequest(
            "transferAccount needs account.id and skill.id (or skill.name)".into(),
        ));
    };
    let text = body.str_at(&[root, &["text"]]).unwrap_or_default();
    Ok((account, skill, text))
}
