//! Server Chat API (visitor side, spec §2.3). This file: the chat request (§2.3.7).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chatwire_engine::ChatRequestInput;
use chatwire_engine::core::ChatRequest;
use chatwire_engine::core::chat::{CustomVariable, MAX_CHAT_TIMEOUT_SECS, SurveyAnswer};
use serde_json::Value;

use super::body::{LpBody, one_or_many, scalar_text};
use super::types::chat_urls;
use super::visitor_auth::LpVisitor;
use crate::client_addr::ClientAddr;
use crate::{ApiError, AppState, BaseUrl};

/// Reads the request fields of `{"request":{…}}` (names as documented; numbers may be text).
fn parse_request(
    body: &LpBody,
    headers: &HeaderMap,
    peer_ip: Option<String>,
) -> Result<ChatRequestInput, ApiError> {
    if body.at(&[&["request"]]).is_none() {
        return Err(ApiError::BadRequest(
            "the body must be {\"request\":{…}}".into(),
        ));
    }
    let s = |name: &str| {
        body.str_at(&[&["request"], &[name]])
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let n = |name: &'static str| body.int_at(&[&["request"], &[name]]);
    let skill = s("skill").or_else(|| s("skillId"));
    let agent = s("agent");
    if agent.is_some() && (skill.is_some() || s("serviceQueue").is_some()) {
        return Err(ApiError::BadRequest(
            "agent cannot be combined with skill or serviceQueue".into(),
        ));
    }
    let max_wait = match n("maxWaitTime")? {
        Some(w) if !(0..=86_400).contains(&w) => {
            return Err(ApiError::BadRequest("maxWaitTime must be 0-86400".into()));
        }
        w => w.and_then(|w| u32::try_from(w).ok()),
    };
    let timeout = match n("interactionTimeout")? {
        Some(t) if t < 1 || t > i64::from(MAX_CHAT_TIMEOUT_SECS) => {
            return Err(ApiError::BadRequest(
                "interactionTimeout must be 1-86400 seconds".into(),
            ));
        }
        t => t.and_then(|t| u32::try_from(t).ok()),
    };
    let request = ChatRequest {
        skill_name: skill.clone(),
        agent_login: agent,
        max_wait_time: max_wait,
        visitor_ip: s("visitorIp").or(peer_ip),
        user_agent: s("userAgent").or_else(|| {
            headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        }),
        referrer: s("chatReferrer"),
        visitor_session_id: s("visitorSessionId"),
        engagement_id: n("engagementId")?,
        campaign_id: n("campaignId")?,
        language: s("language"),
        le_visitor_id: s("LETagVisitorId"),
        le_session_id: s("LETagSessionId"),
        le_context_id: n("LETagContextId")?,
        participant_id: s("participantId"),
        conversation_id: s("conversationId"),
        sso_key: s("ssoKey"),
        customer_email: s("email"),
        customer_phone: s("phone"),
        customer_company: s("company"),
        survey: survey_answers(body.at(&[&["request"], &["survey"]])),
        custom_variables: custom_variables(body.at(&[&["request"], &["customVariables"]])),
        app_key: None,
    };
    let visitor_id = match s("visitorId") {
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| ApiError::BadRequest("visitorId must be a number".into()))?,
        ),
        None => None,
    };
    Ok(ChatRequestInput {
        skill,
        visitor_name: None,
        visitor_id,
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
pub fn survey_answers(v: Option<&Value>) -> Vec<SurveyAnswer> {
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
pub fn custom_variables(v: Option<&Value>) -> Vec<CustomVariable> {
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

/// `POST /api/account/{account}/chat/request`: opens a chat. 201, empty body, `Location` = the
/// chat URL (both CaféX SDKs check for exactly 201).
pub async fn post_chat_request(
    State(state): State<AppState>,
    visitor: LpVisitor,
    base: BaseUrl,
    headers: HeaderMap,
    ClientAddr(from): ClientAddr,
    body: LpBody,
) -> Result<Response, ApiError> {
    let input = parse_request(&body, &headers, from.map(|ip| ip.to_string()))?;
    let committed = state
        .engine
        .visitor_request_chat(&visitor.caller, input, from)
        .await?;
    let url = chat_urls(&base, &visitor.account, None, &committed.chat.key).chat;
    let mut resp = StatusCode::CREATED.into_response();
    if let Ok(v) = HeaderValue::from_str(&url) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
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
