//! App Engagement API (service `smt`, spec §1.5 step 3), the monitored flow visitor apps run
//! before a chat request: `POST /api/account/{account}/app/engagement/visitors`. chatwire picks
//! the engagement's skill from the app's `consumerSections` (the first that names a skill of the
//! account, else any skill), answers whether it can be served now, and issues the visitor,
//! session and context ids the chat request then echoes (`LETagVisitorId` …).
//!
//! Like LivePerson's, the call needs no credentials: it reveals only whether chat is available.

use axum::extract::{Path, State};
use chatwire_engine::Engine;
use chatwire_engine::core::Skill;

use super::body::{LpBody, one_or_many, scalar_text};
use super::reply::LpReply;
use super::views::account::{Engagement, EngagementIds};
use crate::http::negotiate::Format;
use crate::{ApiError, AppState};

/// The engagement's skill: the first of the app's `consumerSections` that names a skill of the
/// account, else the account's first skill.
fn engagement_skill<'a>(body: &LpBody, skills: &'a [Skill]) -> Option<&'a Skill> {
    one_or_many(body.at(&[&["consumerSections"]]))
        .into_iter()
        .filter_map(scalar_text)
        .find_map(|sec| {
            skills
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(sec.trim()))
        })
        .or_else(|| skills.first())
}

/// Fresh visitor, session, page and context ids for one engagement.
fn issue_ids(state: &AppState) -> Result<EngagementIds, ApiError> {
    let token = |n: usize| state.engine.random_token(n);
    Ok(EngagementIds {
        visitor_id: token(12)?,
        session_id: token(12)?,
        page_id: token(8)?,
        // Context ids count up per engagement; the clock's milliseconds keep them distinct.
        context_id: state.engine.now().0 % 1_000_000_000,
    })
}

/// `POST /api/account/{account}/app/engagement/visitors`.
pub async fn post_engagement(
    State(state): State<AppState>,
    format: Format,
    Path(account): Path<String>,
    body: LpBody,
) -> Result<LpReply, ApiError> {
    let account = Engine::parse_account(&account)?;
    state.engine.account(&account).await?;
    if !body.0.is_object() {
        return Err(ApiError::BadRequest(
            "the body must be a JSON object with appType and consumerSections".into(),
        ));
    }
    let skills = state.engine.skills(&account).await?;
    let skill = engagement_skill(&body, &skills);
    let available = match skill {
        Some(s) => {
            state
                .engine
                .visitor_availability(&account, Some(s.id), None, None)
                .await?
        }
        None => false,
    };
    let view = Engagement {
        available_skill: skill.filter(|_| available),
        ids: issue_ids(&state)?,
        language: body
            .str_at(&[&["appDetails"], &["language"]])
            .unwrap_or_else(|| "en-US".into()),
    };
    Ok(LpReply::ok(format, &view))
}
