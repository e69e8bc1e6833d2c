//! The LivePerson legacy chat dialect: Login API, Chat Agent API and (later) Server Chat API.
//!
//! Map: `compat` (suffixes, method override, error envelope), `wire` (XML infoset ↔ JSON/XML),
//! `body` (request decoding), `reply` (responses), `types` (LivePerson shapes of engine values).

pub mod agent_chat;
pub mod agent_extras;
pub mod agent_session;
pub mod auth;
pub mod body;
pub mod compat;
pub mod domain;
pub mod engagement;
pub mod fragments;
pub mod login;
pub mod query;
pub mod reply;
pub mod survey;
pub mod types;
pub mod visitor;
pub mod visitor_account;
pub mod visitor_auth;
pub mod visitor_chat;
pub mod wire;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// The LivePerson routes (paths as clients send them, after `compat::prepare`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/account/{account}/service/{service}/baseURI",
            get(domain::get_service_base_uri),
        )
        .route(
            "/csdr/account/{account}/service/baseURI",
            get(domain::get_all_base_uris),
        )
        .route(
            "/csdr/account/{account}/service/{service}/baseURI",
            get(domain::get_service_base_uri),
        )
        .route(
            "/csdr/account/{account}/service/{service}/baseURI.lpCsds",
            get(domain::get_lpcsds),
        )
        .merge(agent_routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(compat::render_errors))
}

/// Login Service API and Chat Agent API routes.
fn agent_routes() -> Router<AppState> {
    use agent_chat as c;
    use agent_session as s;
    const A: &str = "/api/account/{account}";
    const S: &str = "/api/account/{account}/agentSession/{asid}";
    const C: &str = "/api/account/{account}/agentSession/{asid}/chat/{chat}";
    Router::new()
        .route(&format!("{A}/login"), post(login::post_login))
        .route(&format!("{A}/refresh"), post(login::post_refresh))
        .route(&format!("{A}/logout"), post(login::post_logout))
        .route(
            &format!("{A}/chat/request"),
            post(visitor::post_chat_request),
        )
        .merge(visitor_routes())
        .route(&format!("{A}/agentSession"), post(s::post_agent_session))
        .route(S, get(s::get_agent_session))
        .route(
            &format!("{S}/availability"),
            get(s::get_availability).put(s::put_availability),
        )
        .route(
            &format!("{S}/availableAgents"),
            get(s::get_available_agents),
        )
        .route(
            &format!("{S}/chat/availableSlots"),
            get(s::get_available_slots),
        )
        .route(&format!("{S}/info"), get(s::get_agent_info))
        .route(
            &format!("{S}/incomingRequests"),
            get(s::get_incoming_requests).post(s::post_incoming_requests),
        )
        .route(&format!("{S}/chatSessions"), get(s::get_chat_sessions))
        .route(&format!("{S}/chat"), get(c::get_chats))
        .route(C, get(c::get_chat))
        .route(
            &format!("{C}/events"),
            get(c::get_events).post(c::post_event),
        )
        .route(&format!("{C}/info"), get(c::get_info))
        .route(&format!("{C}/info/visitorName"), get(c::get_visitor_name))
        .route(
            &format!("{C}/info/visitorTyping"),
            get(c::get_visitor_typing),
        )
        .route(
            &format!("{C}/info/agentTyping"),
            get(c::get_agent_typing).put(c::put_agent_typing),
        )
        .route(
            &format!("{C}/transfer"),
            get(c::get_transfer).post(c::post_transfer),
        )
        .route(&format!("{C}/events/{{event}}"), get(c::get_event))
        .route(
            &format!("{C}/survey"),
            get(agent_extras::get_agent_survey).put(agent_extras::put_agent_survey),
        )
        .route(
            &format!("{S}/participantExtendedInfo/{{participant}}"),
            get(agent_extras::get_participant_info),
        )
        .route(
            &format!("{S}/visits/visit/{{visit}}"),
            get(agent_extras::get_visit),
        )
        .route(
            &format!("{S}/visits/visit/{{visit}}/info"),
            get(agent_extras::get_visit_info),
        )
        .route(
            &format!("{S}/visits/visit/{{visit}}/customVariables"),
            get(agent_extras::get_visit_custom_variables),
        )
}

/// Server Chat API (visitor) routes, except the chat request (in `agent_routes` order).
fn visitor_routes() -> Router<AppState> {
    use visitor_account as a;
    use visitor_chat as v;
    const A: &str = "/api/account/{account}";
    const V: &str = "/api/account/{account}/chat/{chat}";
    Router::new()
        .route(A, get(a::get_account_root))
        .route(
            &format!("{A}/app/engagement/visitors"),
            post(engagement::post_engagement),
        )
        .route(&format!("{A}/chat/availability"), get(a::get_availability))
        .route(
            &format!("{A}/chat/availableSlots"),
            get(a::get_available_slots),
        )
        .route(
            &format!("{A}/chat/estimatedWaitTime"),
            get(a::get_estimated_wait_time),
        )
        .route(&format!("{A}/chat/preSurvey"), get(a::get_pre_survey))
        .route(
            &format!("{A}/chat/offlineSurvey"),
            get(a::get_offline_survey).put(a::put_offline_survey),
        )
        .route(V, get(v::get_chat))
        .route(
            &format!("{V}/events"),
            get(v::get_events).post(v::post_event),
        )
        .route(&format!("{V}/events/{{event}}"), get(v::get_event))
        .route(&format!("{V}/info"), get(v::get_info))
        .route(
            &format!("{V}/info/visitorName"),
            get(v::get_visitor_name).put(v::put_visitor_name),
        )
        .route(
            &format!("{V}/info/visitorTyping"),
            get(v::get_visitor_typing).put(v::put_visitor_typing),
        )
        .route(&format!("{V}/info/agentTyping"), get(v::get_agent_typing))
        .route(
            &format!("{V}/exitSurvey"),
            get(v::get_exit_survey).put(v::put_exit_survey),
        )
        .route(
            &format!("{V}/customVariables"),
            axum::routing::put(v::put_custom_variables),
        )
        .route(
            &format!("{V}/transcriptRequest"),
            axum::routing::put(v::put_transcript_request),
        )
        .route(
            &format!("{V}/transcriptWithSubjectRequest"),
            axum::routing::put(v::put_transcript_request),
        )
}

/// LivePerson's answer to an unknown URI (internal code 28, "null for uri").
async fn not_found(uri: axum::http::Uri) -> crate::ApiError {
    crate::ApiError::NotFound(format!("null for uri: {uri}"))
}
