//! The chat request's body (spec §2.3.7): `{"request":{…}}` with routing, timeout, what the
//! visitor's page knows of them, pre-chat lines, survey answers and custom variables. Read
//! leniently (numbers may be text; several documented shapes of the same list).

use axum::http::{HeaderMap, header};
use chatwire_engine::ChatRequestInput;
use chatwire_engine::core::ChatRequest;
use chatwire_engine::core::chat::{A2aSource, CustomVariable, MAX_CHAT_TIMEOUT_SECS, SurveyAnswer};
use serde_json::Value;

use crate::ApiError;
use crate::liveperson::body::{LpBody, one_or_many, scalar_text};

/// The fields of `{"request":{…}}` (names as documented; numbers may be text).
struct RequestFields<'a>(&'a LpBody);

impl RequestFields<'_> {
    /// A trimmed, non-empty text field.
    fn text(&self, name: &str) -> Option<String> {
        self.0
            .str_at(&[&["request"], &[name]])
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// A number field (a number or its text).
    fn number(&self, name: &'static str) -> Result<Option<i64>, ApiError> {
        self.0.int_at(&[&["request"], &[name]])
    }

    /// `maxWaitTime`, 0–86400 seconds.
    fn max_wait(&self) -> Result<Option<u32>, ApiError> {
        match self.number("maxWaitTime")? {
            Some(w) if !(0..=86_400).contains(&w) => {
                Err(ApiError::BadRequest("maxWaitTime must be 0-86400".into()))
            }
            w => Ok(w.and_then(|w| u32::try_from(w).ok())),
        }
    }

    /// `interactionTimeout`, 1 second up to the longest chat timeout.
    fn timeout(&self) -> Result<Option<u32>, ApiError> {
        match self.number("interactionTimeout")? {
            Some(t) if t < 1 || t > i64::from(MAX_CHAT_TIMEOUT_SECS) => Err(ApiError::BadRequest(
                "interactionTimeout must be 1-86400 seconds".into(),
            )),
            t => Ok(t.and_then(|t| u32::try_from(t).ok())),
        }
    }

    /// `a2aSourceSiteId`, `a2aSourceSessionId`, `a2aEventId`: all three (the chat continues an
    /// account transfer; the engine checks them) or none.
    fn a2a(&self) -> Result<Option<A2aSource>, ApiError> {
        let site = self.text("a2aSourceSiteId");
        let session = self.number("a2aSourceSessionId")?;
        let event = self.number("a2aEventId")?;
        match (site, session, event) {
            (None, None, None) => Ok(None),
            (Some(source_account), Some(source_session), Some(event)) => Ok(Some(A2aSource {
                source_account,
                source_session,
                event: u32::try_from(event)
                    .map_err(|_| ApiError::BadRequest("a2aEventId is not an event id".into()))?,
            })),
            _ => Err(ApiError::BadRequest(
                "a2aSourceSiteId, a2aSourceSessionId and a2aEventId go together".into(),
            )),
        }
    }

    /// `visitorId`, a number sent as text.
    fn visitor_id(&self) -> Result<Option<i64>, ApiError> {
        self.text("visitorId")
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| ApiError::BadRequest("visitorId must be a number".into()))
            })
            .transpose()
    }
}

/// What the chat request tells of the visitor and where they come from; the user agent and
/// address fall back to the HTTP request's.
fn chat_request(
    f: &RequestFields<'_>,
    routing: (Option<String>, Option<String>, Option<u32>),
    headers: &HeaderMap,
    peer_ip: Option<String>,
) -> Result<ChatRequest, ApiError> {
    let (skill_name, agent_login, max_wait_time) = routing;
    let header_agent = || {
        headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let body = f.0;
    Ok(ChatRequest {
        skill_name,
        agent_login,
        max_wait_time,
        visitor_ip: f.text("visitorIp").or(peer_ip),
        user_agent: f.text("userAgent").or_else(header_agent),
        referrer: f.text("chatReferrer"),
        visitor_session_id: f.text("visitorSessionId"),
        engagement_id: f.number("engagementId")?,
        campaign_id: f.number("campaignId")?,
        language: f.text("language"),
        le_visitor_id: f.text("LETagVisitorId"),
        le_session_id: f.text("LETagSessionId"),
        le_context_id: f.number("LETagContextId")?,
        participant_id: f.text("participantId"),
        conversation_id: f.text("conversationId"),
        sso_key: f.text("ssoKey"),
        a2a: f.a2a()?,
        authenticated: None,
        customer_email: f.text("email"),
        customer_phone: f.text("phone"),
        customer_company: f.text("company"),
        survey: survey_answers(body.at(&[&["request"], &["survey"]])),
        custom_variables: custom_variables(body.at(&[&["request"], &["customVariables"]])),
        app_key: None,
        ..ChatRequest::default()
    })
}

/// Reads the request fields of `{"request":{…}}` (names as documented; numbers may be text).
pub fn parse_request(
    body: &LpBody,
    headers: &HeaderMap,
    peer_ip: Option<String>,
) -> Result<ChatRequestInput, ApiError> {
    if body.at(&[&["request"]]).is_none() {
        return Err(ApiError::BadRequest(
            "the body must be {\"request\":{…}}".into(),
        ));
    }
    let f = RequestFields(body);
    let skill = f.text("skill").or_else(|| f.text("skillId"));
    let agent = f.text("agent");
    if agent.is_some() && (skill.is_some() || f.text("serviceQueue").is_some()) {
        return Err(ApiError::BadRequest(
            "agent cannot be combined with skill or serviceQueue".into(),
        ));
    }
    let max_wait = f.max_wait()?;
    let timeout = f.timeout()?;
    let request = chat_request(&f, (skill.clone(), agent, max_wait), headers, peer_ip)?;
    Ok(ChatRequestInput {
        skill,
        visitor_name: None,
        visitor_id: f.visitor_id()?,
        chat_timeout_secs: timeout,
        pre_chat_lines: pre_chat_lines(body.at(&[&["request"], &["preChatLines"]])),
        request,
    })
}

/// `preChatLines`: `{"line":[…]}` (CaféX), `{"lines":[…]}` (lpTag), a list, or one string.
fn pre_chat_lines(v: Option<&Value>) -> Vec<String> {
    let v = match v {
        Some(Value::Object(map)) => map.get("line").or_else(|| map.get("lines")),
        other => other,
    };
    one_or_many(v)
        .into_iter()
        .filter_map(scalar_text)
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// `survey`: `{"id":…,"question":[{"id":…,"answer":"x"|["a","b"]}]}`.
fn survey_answers(v: Option<&Value>) -> Vec<SurveyAnswer> {
    let questions = v.and_then(|s| {
        s.get("question")
            .or_else(|| s.get("questions").and_then(|q| q.get("question")))
    });
    one_or_many(questions)
        .into_iter()
        .filter_map(|q| {
            let question = q.get("id").and_then(scalar_text)?;
            let answers = one_or_many(q.get("answer"))
                .into_iter()
                .filter_map(scalar_text)
                .collect();
            Some(SurveyAnswer { question, answers })
        })
        .collect()
}

/// `customVariables`: `{"customVariable":[{"name":…,"value":…}]}`.
fn custom_variables(v: Option<&Value>) -> Vec<CustomVariable> {
    one_or_many(v.and_then(|c| c.get("customVariable")))
        .into_iter()
        .filter_map(|c| {
            Some(CustomVariable {
                name: c.get("name").and_then(scalar_text)?,
                value: c.get("value").and_then(scalar_text).unwrap_or_default(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_documented_pre_chat_line_shape_is_read() {
        assert_eq!(
            pre_chat_lines(Some(&json!({"line":["a","b"]}))),
            vec!["a", "b"]
        );
        assert_eq!(pre_chat_lines(Some(&json!({"lines":["a"]}))), vec!["a"]);
        assert_eq!(pre_chat_lines(Some(&json!("only"))), vec!["only"]);
        assert_eq!(pre_chat_lines(Some(&json!({"line":"one"}))), vec!["one"]);
    }

    #[test]
    fn request_fields_are_parsed_leniently_and_checked() {
        let body = LpBody(
            json!({"request":{"skill":"Sales","interactionTimeout":"120","LETagContextId":"5","engagementId":27469613,
            "survey":{"id":1,"question":[{"id":1,"answer":"x"},{"id":2,"answer":["1","2"]}]},
            "customVariables":{"customVariable":{"name":"tier","value":"gold"}}}}),
        );
        let input =
            parse_request(&body, &HeaderMap::new(), Some("10.0.0.1".into())).expect("parses");
        assert_eq!(input.skill.as_deref(), Some("Sales"));
        assert_eq!(input.chat_timeout_secs, Some(120));
        assert_eq!(input.request.le_context_id, Some(5));
        assert_eq!(input.request.visitor_ip.as_deref(), Some("10.0.0.1"));
        assert_eq!(input.request.survey[1].answers, vec!["1", "2"]);
        assert_eq!(input.request.custom_variables[0].value, "gold");
        let bad = LpBody(json!({"request":{"maxWaitTime":90000}}));
        assert!(parse_request(&bad, &HeaderMap::new(), None).is_err());
        assert!(parse_request(&LpBody(json!({"skill":"Sales"})), &HeaderMap::new(), None).is_err());
    }
}
