//! The LivePerson legacy chat dialect: Login API, Chat Agent API and (later) Server Chat API.
//!
//! Map: `compat` (suffixes, method override, error envelope), `wire` (XML infoset ↔ JSON/XML
//! byte writers), `body` and `input` (request decoding into typed inputs), `views` (typed answer
//! structs, one render each into `wire`), `reply` (responses), `fragments` (the per-revision
//! render cache of the multi-chat retrieve). Handler files read extract → engine → view:
//! `login` and `domain` (Login API, CSDS); `agent_session`, `agent_chat`, `agent_transfer`,
//! `agent_collaboration`,
//! `agent_extras` (Chat Agent API, caller from `auth`); `visitor`, `visitor_account`,
//! `visitor_chat`, `visitor_extras`, `visitor_identity`, `engagement` (Server Chat API, caller from `visitor_auth`).
//! `chat_read` answers the chat-level reads both sides share (chat resource, events, info and its
//! fields), so `agent_chat` and `visitor_chat` differ only in who reads.

pub mod agent_chat;
pub mod agent_collaboration;
pub mod agent_extras;
pub mod agent_session;
pub mod agent_transfer;
pub mod auth;
pub mod body;
pub mod chat_read;
pub mod compat;
pub mod domain;
pub mod engagement;
pub mod fragments;
pub mod input;
pub mod login;
pub mod reply;
pub mod views;
pub mod visitor;
pub mod visitor_account;
pub mod visitor_auth;
pub mod visitor_chat;
pub mod visitor_extras;
pub mod visitor_identity;
pub mod wire;

use axum::Router;

use crate::AppState;
use crate::routes::RouteTable;

/// The LivePerson router (paths as clients send them, after `compat::prepare`).
pub fn router() -> Router<AppState> {
    // The render caches are the dialect's own: one per router, reached as extensions.
    let fragments = std::sync::Arc::new(fragments::FragmentCache::default());
    let answers = std::sync::Arc::new(fragments::PollAnswers::default());
    table()
        .into_router()
        .fallback(not_found)
        // One layer of three: a request's futures are boxed once (outermost first).
        .layer(
            tower::ServiceBuilder::new()
                .layer(crate::http::around::AroundLayer(compat::RenderErrors))
                .layer(axum::Extension(answers))
                .layer(axum::Extension(fragments)),
        )
}

/// Every LivePerson route.
pub fn table() -> RouteTable {
    RouteTable::new()
        .get(
            "/api/account/{account}/service/{service}/baseURI",
            domain::get_service_base_uri,
        )
        .get(
            "/csdr/account/{account}/service/baseURI",
            domain::get_all_base_uris,
        )
        .get(
            "/csdr/account/{account}/service/{service}/baseURI",
            domain::get_service_base_uri,
        )
        .get(
            "/csdr/account/{account}/service/{service}/baseURI.lpCsds",
            domain::get_lpcsds,
        )
        .merge(agent_routes())
}

/// Login Service API and Chat Agent API routes.
fn agent_routes() -> RouteTable {
    use agent_chat as c;
    use agent_session as s;
    const A: &str = "/api/account/{account}";
    const S: &str = "/api/account/{account}/agentSession/{asid}";
    const C: &str = "/api/account/{account}/agentSession/{asid}/chat/{chat}";
    RouteTable::new()
        .post(&format!("{A}/login"), login::post_login)
        .post(&format!("{A}/refresh"), login::post_refresh)
        .post(&format!("{A}/logout"), login::post_logout)
        .post(&format!("{A}/chat/request"), visitor::post_chat_request)
        .merge(visitor_routes())
        .post(&format!("{A}/agentSession"), s::post_agent_session)
        .get(S, s::get_agent_session)
        .get(&format!("{S}/availability"), s::get_availability)
        .put(&format!("{S}/availability"), s::put_availability)
        .get(&format!("{S}/availableAgents"), s::get_available_agents)
        .get(&format!("{S}/chat/availableSlots"), s::get_available_slots)
        .get(&format!("{S}/info"), s::get_agent_info)
        .get(&format!("{S}/incomingRequests"), s::get_incoming_requests)
        .post(&format!("{S}/incomingRequests"), s::post_incoming_requests)
        .get(&format!("{S}/chatSessions"), s::get_chat_sessions)
        .get(&format!("{S}/chat"), c::get_chats)
        .get(C, c::get_chat)
        .get(&format!("{C}/events"), c::get_events)
        .post(&format!("{C}/events"), c::post_event)
        .get(&format!("{C}/info"), c::get_info)
        .get(&format!("{C}/info/visitorName"), c::get_info_field)
        .get(&format!("{C}/info/visitorTyping"), c::get_info_field)
        .get(&format!("{C}/info/agentTyping"), c::get_info_field)
        .put(&format!("{C}/info/agentTyping"), c::put_agent_typing)
        .get(&format!("{C}/transfer"), agent_transfer::get_transfer)
        .post(&format!("{C}/transfer"), agent_transfer::post_transfer)
        .get(
            &format!("{C}/transferAccount"),
            agent_transfer::get_transfer_account,
        )
        .post(
            &format!("{C}/transferAccount"),
            agent_transfer::post_transfer_account,
        )
        .get(&format!("{C}/events/{{event}}"), c::get_event)
        .get(
            &format!("{C}/collaborationChannels"),
            agent_collaboration::get_channels,
        )
        .post(
            &format!("{C}/collaborationChannels"),
            agent_collaboration::post_channel,
        )
        .delete(
            &format!("{C}/collaborationChannels/{{channel}}"),
            agent_collaboration::delete_channel,
        )
        .get(&format!("{C}/survey"), agent_extras::get_agent_survey)
        .put(&format!("{C}/survey"), agent_extras::put_agent_survey)
        .get(
            &format!("{S}/participantExtendedInfo/{{participant}}"),
            agent_extras::get_participant_info,
        )
        .get(
            &format!("{S}/visits/visit/{{visit}}"),
            agent_extras::get_visit,
        )
        .get(
            &format!("{S}/visits/visit/{{visit}}/info"),
            agent_extras::get_visit_info,
        )
        .get(
            &format!("{S}/visits/visit/{{visit}}/customVariables"),
            agent_extras::get_visit_custom_variables,
        )
}

/// Server Chat API (visitor) routes, except the chat request (in `agent_routes` order).
fn visitor_routes() -> RouteTable {
    use visitor_account as a;
    use visitor_chat as v;
    use visitor_extras as x;
    const A: &str = "/api/account/{account}";
    const V: &str = "/api/account/{account}/chat/{chat}";
    RouteTable::new()
        .get(A, a::get_account_root)
        .post(
            &format!("{A}/app/engagement/visitors"),
            engagement::post_engagement,
        )
        .post(
            &format!("{A}/conversation"),
            visitor_identity::post_conversation,
        )
        .get(&format!("{A}/chat/availability"), a::get_availability)
        .get(&format!("{A}/chat/availableSlots"), a::get_available_slots)
        .get(
            &format!("{A}/chat/estimatedWaitTime"),
            a::get_estimated_wait_time,
        )
        .get(&format!("{A}/chat/preSurvey"), a::get_pre_survey)
        .get(&format!("{A}/chat/offlineSurvey"), a::get_offline_survey)
        .put(&format!("{A}/chat/offlineSurvey"), a::put_offline_survey)
        .get(V, v::get_chat)
        .get(&format!("{V}/events"), v::get_events)
        .post(&format!("{V}/events"), v::post_event)
        .get(&format!("{V}/events/{{event}}"), v::get_event)
        .get(&format!("{V}/info"), v::get_info)
        .get(&format!("{V}/info/visitorName"), v::get_info_field)
        .put(&format!("{V}/info/visitorName"), v::put_info_field)
        .get(&format!("{V}/info/visitorTyping"), v::get_info_field)
        .put(&format!("{V}/info/visitorTyping"), v::put_info_field)
        .get(&format!("{V}/info/agentTyping"), v::get_info_field)
        .get(&format!("{V}/exitSurvey"), x::get_exit_survey)
        .put(&format!("{V}/exitSurvey"), x::put_exit_survey)
        .put(&format!("{V}/customVariables"), x::put_custom_variables)
        .put(&format!("{V}/transcriptRequest"), x::put_transcript_request)
        .put(
            &format!("{V}/transcriptWithSubjectRequest"),
            x::put_transcript_request,
        )
}

/// LivePerson's answer to an unknown URI (internal code 28, "null for uri").
async fn not_found(uri: axum::http::Uri) -> crate::ApiError {
    crate::ApiError::NotFound(format!("null for uri: {uri}"))
}
