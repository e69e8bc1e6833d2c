//! Server Chat API, account level (spec §1.6, §2.3.0–§2.3.6): the account root with its rels,
//! availability, available slots, estimated wait time, pre-chat and offline surveys.

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use chatwire_engine::core::{AccountId, AgentId, SkillId, SurveyKind};

use super::body::LpBody;
use super::compat::empty;
use super::input::{AvailabilityFilters, parse_answers, survey_context};
use super::reply::{LpAnswer, LpReply};
use super::views::Leaf;
use super::views::account::account_root;
use super::views::survey::SurveyView;
use super::visitor_auth::LpVisitor;
use crate::http::negotiate::Format;
use crate::http::query::Query;
use crate::{ApiError, AppState, BaseUrl};

/// `GET /api/account/{account}`: the account root and its rels (lpTag navigates only by rel).
pub async fn get_account_root(visitor: LpVisitor, format: Format, base: BaseUrl) -> LpReply {
    let url = base.join(&format!("/api/account/{}", visitor.account));
    LpReply::ok(format, &account_root(visitor.account.to_string(), url))
}

/// The availability filters with their names resolved.
struct Filters {
    skill: Option<SkillId>,
    agent: Option<AgentId>,
    max_wait: Option<u32>,
}

async fn filters(state: &AppState, account: &AccountId, q: &Query) -> Result<Filters, ApiError> {
    let asked = AvailabilityFilters::parse(q)?;
    let (skill, agent) = state
        .engine
        .availability_filter(account, asked.skill, asked.agent)
        .await?;
    Ok(Filters {
        skill,
        agent,
        max_wait: asked.max_wait,
    })
}

/// A visitor's availability question (`availability`, `availableSlots`): the account and its
/// filters resolved, read after the caller is checked.
pub struct AvailabilityAsk {
    account: AccountId,
    filters: Filters,
}

impl FromRequestParts<AppState> for AvailabilityAsk {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let visitor = LpVisitor::from_request_parts(parts, state).await?;
        let q = match Query::from_request_parts(parts, state).await {
            Ok(q) => q,
            Err(never) => match never {},
        };
        let filters = filters(state, &visitor.account, &q).await?;
        let account = visitor.account;
        Ok(Self { account, filters })
    }
}

/// `GET /chat/availability?skill=&maxWaitTime=` or `?agent=`: `{"availability":true}`.
pub async fn get_availability(s: State<AppState>, f: Format, ask: AvailabilityAsk) -> LpAnswer {
    let Filters {
        skill,
        agent,
        max_wait,
    } = ask.filters;
    let engine = &s.engine;
    let available = engine
        .visitor_availability(&ask.account, skill, agent, max_wait)
        .await?;
    Ok(LpReply::ok(f, &Leaf::new("availability", available)))
}

/// `GET /chat/availableSlots?skill=&maxWaitTime=` or `?agent=`: `-1` is unlimited.
pub async fn get_available_slots(s: State<AppState>, f: Format, ask: AvailabilityAsk) -> LpAnswer {
    let (skill, agent) = (ask.filters.skill, ask.filters.agent);
    let slots = s.engine.available_slots(&ask.account, skill, agent).await?;
    let slots = slots.map_or(-1, i64::from);
    Ok(LpReply::ok(f, &Leaf::new("availableSlots", slots)))
}

/// `GET /chat/estimatedWaitTime?skill=`: seconds; 0 now, -1 nobody online, -2 no data.
pub async fn get_estimated_wait_time(
    State(state): State<AppState>,
    visitor: LpVisitor,
    format: Format,
    q: Query,
) -> Result<LpReply, ApiError> {
    if q.get("agent").is_some_and(|a| !a.is_empty()) {
        return Err(ApiError::BadRequest(
            "the estimated wait time cannot be asked for an agent".into(),
        ));
    }
    let f = filters(&state, &visitor.account, &q).await?;
    let secs = state
        .engine
        .estimated_wait(&visitor.account, f.skill)
        .await?;
    Ok(LpReply::ok(format, &Leaf::new("estimatedWaitTime", secs)))
}

/// `surveyName` wins, then `surveyApiId`.
fn survey_name(q: &Query) -> Option<&str> {
    q.get("surveyName")
        .or_else(|| q.get("surveyApiId"))
        .filter(|s| !s.is_empty())
}

/// `GET /chat/preSurvey`: the pre-chat survey (answers travel in the chat request).
pub async fn get_pre_survey(s: State<AppState>, v: LpVisitor, f: Format, q: Query) -> LpAnswer {
    survey(s, v, f, q, SurveyKind::PreChat).await
}

/// `GET /chat/offlineSurvey`: the "leave a message" survey.
pub async fn get_offline_survey(s: State<AppState>, v: LpVisitor, f: Format, q: Query) -> LpAnswer {
    survey(s, v, f, q, SurveyKind::Offline).await
}

/// The account's survey of `kind` the query names (`surveyName` wins, then `surveyApiId`),
/// else the one of the `skill` it names, else the account's.
async fn survey(
    State(state): State<AppState>,
    visitor: LpVisitor,
    format: Format,
    q: Query,
    kind: SurveyKind,
) -> LpAnswer {
    let engine = &state.engine;
    let survey = engine
        .survey_of_skill(&visitor.account, kind, survey_name(&q), q.get("skill"))
        .await?;
    Ok(LpReply::ok(format, &SurveyView(&survey)))
}

/// `PUT /chat/offlineSurvey`: validated and stored for the account's agents; 200.
pub async fn put_offline_survey(
    State(state): State<AppState>,
    visitor: LpVisitor,
    body: LpBody,
) -> Result<Response, ApiError> {
    let (id, answers) = parse_answers(&body)?;
    state
        .engine
        .submit_offline_survey(&visitor.caller, id, answers, survey_context(&body))
        .await?;
    Ok(empty(StatusCode::OK))
}
