//! Chat Agent API extras (spec §2.2.23–§2.2.26): the agent (wrap-up) survey, authenticated
//! participant info, and the visit resources of a chat.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chatwire_engine::core::{Chat, EventId, SurveyKind};
use chatwire_engine::{Caller, Cursor};

use super::agent_chat::ChatPath;
use super::auth::LpAgent;
use super::body::LpBody;
use super::compat::empty;
use super::reply::LpReply;
use super::survey::{parse_answers, survey_elem};
use super::types::agent_session_url;
use super::wire::Elem;
use crate::http::path::chat_key;
use crate::http::time::iso_millis;
use crate::negotiate::Format;
use crate::{ApiError, AppState, BaseUrl};

/// `GET …/chat/{chatId}/survey`: the account's agent survey (the `surveyApiId`/`surveyName`
/// query selects another agent survey by id or name).
pub async fn get_agent_survey(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
    q: super::query::LpQuery,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let caller = Caller::Agent(agent.who.clone());
    state
        .engine
        .read_events(
            &caller,
            &key,
            Cursor::From(EventId(u32::MAX)),
            std::time::Duration::ZERO,
        )
        .await?;
    let name = q.get("surveyApiId").or_else(|| q.get("surveyName"));
    let survey = state
        .engine
        .survey_of(&agent.who.account, SurveyKind::Agent, name)
        .await?;
    Ok(LpReply::ok(format, survey_elem(&survey)))
}

/// `PUT …/chat/{chatId}/survey` with `{"survey":{"id":…,"question":[{"id":…,"answer":…}]}}`:
/// validates against the survey and stores the answers; 200.
pub async fn put_agent_survey(
    State(state): State<AppState>,
    agent: LpAgent,
    Path((_, _, chat)): ChatPath,
    body: LpBody,
) -> Result<Response, ApiError> {
    let key = chat_key(&chat)?;
    let (id, answers) = parse_answers(&body)?;
    state
        .engine
        .submit_agent_survey(&agent.who, &key, id, answers)
        .await?;
    Ok(empty(StatusCode::OK))
}

/// `GET /agentSession/{asid}/participantExtendedInfo/{participantId}`: what is known of an
/// authenticated visitor in one of this agent's chats (from their chat request).
pub async fn get_participant_info(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, participant)): Path<(String, i64, String)>,
) -> Result<LpReply, ApiError> {
    let chats = state.engine.chats_of_agent(&agent.who, 200).await?;
    let ringing = state.engine.ringing_chats(&agent.who).await?;
    let chat = chats
        .iter()
        .chain(ringing.iter())
        .find(|c| c.request.participant_id.as_deref() == Some(participant.as_str()))
        .ok_or_else(|| ApiError::NotFound("participant not found in this agent's chats".into()))?;
    let req = &chat.request;
    let info = Elem::new("authenticatedParticipantInfo")
        .field("isUserAuthenticated", true)
        .field("participantId", participant.clone())
        .opt_field("customerId", req.visitor_session_id.clone())
        .field("userName", chat.visitor_name.clone())
        .opt_field("accountName", req.customer_company.clone());
    let mut root = Elem::new("participantExtendedInfo").child(info);
    if req.customer_email.is_some() || req.customer_phone.is_some() {
        let contact = Elem::new("contacts")
            .opt_field("email", req.customer_email.clone())
            .opt_field("phone", req.customer_phone.clone());
        root = root.child(
            Elem::new("authenticatedPersonalInfo")
                .field("name", chat.visitor_name.clone())
                .child(contact),
        );
    }
    Ok(LpReply::ok(format, root).unwrapped().with_list("contacts"))
}

/// The chat behind a visit id, if this agent may read it.
async fn chat_of_visit(state: &AppState, agent: &LpAgent, visit: &str) -> Result<Chat, ApiError> {
    Ok(state.engine.chat_of_visit(&agent.who, visit).await?)
}

fn visit_url(base: &BaseUrl, agent: &LpAgent, visit: &str) -> String {
    format!(
        "{}/visits/visit/{visit}",
        agent_session_url(base, &agent.who.account, agent.asid)
    )
}

/// `GET /agentSession/{asid}/visits/visit/{visitId}`: the visit's links (root `visitId`).
pub async fn get_visit(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, visit)): Path<(String, i64, String)>,
) -> Result<LpReply, ApiError> {
    chat_of_visit(&state, &agent, &visit).await?;
    let url = visit_url(&base, &agent, &visit);
    let root = Elem::new("visitId")
        .child(Elem::link(format!("{url}/info"), "info"))
        .child(Elem::link(
            format!("{url}/customVariables"),
            "custom-variables",
        ));
    Ok(LpReply::ok(format, root))
}

fn info_item(name: &str, value: String) -> Elem {
    let mut e = Elem::new("info").attr("name", name);
    e.text = Some(value.into());
    e
}

/// `GET …/visits/visit/{visitId}/info`: session, visitor and time facts of the visit.
pub async fn get_visit_info(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, visit)): Path<(String, i64, String)>,
) -> Result<LpReply, ApiError> {
    let chat = chat_of_visit(&state, &agent, &visit).await?;
    let req = &chat.request;
    let pairs = |items: Vec<(&str, Option<String>)>| {
        items
            .into_iter()
            .filter_map(|(n, v)| v.map(|v| info_item(n, v)))
            .collect::<Vec<_>>()
    };
    let session = pairs(vec![
        ("ip", req.visitor_ip.clone()),
        ("userAgent", req.user_agent.clone()),
        ("referrer", req.referrer.clone()),
        ("language", req.language.clone()),
    ]);
    let visitor = pairs(vec![
        ("name", Some(chat.visitor_name.clone())),
        ("email", req.customer_email.clone()),
        ("phone", req.customer_phone.clone()),
        ("company", req.customer_company.clone()),
    ]);
    let time = pairs(vec![
        ("startTime", Some(iso_millis(chat.started_at))),
        ("lastUpdate", Some(iso_millis(chat.last_update))),
    ]);
    let in_chat = chat.is_handled_by(agent.who.agent);
    let root = Elem::new("visitInfo")
        .child(Elem::link(
            format!("{}/info", visit_url(&base, &agent, &visit)),
            "self",
        ))
        .field("isInCurrentChat", in_chat)
        .field("visitorId", chat.visitor_id)
        .child(Elem::new("sessionInfo").children(session))
        .child(Elem::new("visitorInfo").children(visitor))
        .child(Elem::new("time").children(time));
    Ok(LpReply::ok(format, root))
}

/// `GET …/visits/visit/{visitId}/customVariables`: the variables sent with the chat request.
pub async fn get_visit_custom_variables(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, visit)): Path<(String, i64, String)>,
) -> Result<LpReply, ApiError> {
    let chat = chat_of_visit(&state, &agent, &visit).await?;
    let vars = chat.request.custom_variables.iter().map(|v| {
        Elem::new("customVariable")
            .attr("source", "chat-request")
            .attr("scope", "visit")
            .field("name", v.name.clone())
            .field("time", iso_millis(chat.started_at))
            .field("displayName", v.name.clone())
            .field("value", v.value.clone())
    });
    let root = Elem::new("customVariables")
        .child(Elem::link(
            format!("{}/customVariables", visit_url(&base, &agent, &visit)),
            "self",
        ))
        .children(vars);
    Ok(LpReply::ok(format, root))
}
