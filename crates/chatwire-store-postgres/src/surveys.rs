//! Surveys and survey responses (JSON documents keyed by account).

use chatwire_core::{AccountEventKind, AccountId, ChatKey, SkillId, Survey, SurveyResponse};
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::GenericClient;

use crate::rows::{self, from_json, to_json};
use crate::{account_events, db, error, queries};

/// Inserts a survey and returns it with its id (taken from `survey_ids` first, so the stored
/// document carries it).
pub(crate) async fn create<C: GenericClient>(c: &C, survey: &Survey) -> StoreResult<Survey> {
    queries::require_account(c, &survey.account).await?;
    let row = db::one(c, "SELECT nextval('survey_ids')", &[], "survey id").await?;
    let stored = Survey {
        id: rows::get(&row, 0, "survey_ids")?,
        ..survey.clone()
    };
    let kind = to_json(&stored.kind)?;
    let sql = "INSERT INTO surveys (id, account_id, kind, json) VALUES ($1, $2, $3, $4)";
    let params: db::Params<'_> = &[
        &stored.id,
        &stored.account.as_str(),
        &kind.trim_matches('"'),
        &to_json(&stored)?,
    ];
    db::exec(c, sql, params).await.map_err(error::pg)?;
    Ok(stored)
}

/// An account's surveys, by id.
pub(crate) async fn list<C: GenericClient>(c: &C, account: &AccountId) -> StoreResult<Vec<Survey>> {
    let sql = "SELECT json FROM surveys WHERE account_id = $1 ORDER BY id";
    db::rows(c, sql, &[&account.as_str()])
        .await?
        .iter()
        .map(|r| from_json(rows::get(r, 0, "survey")?, "survey"))
        .collect()
}

/// Replaces a survey of its account.
pub(crate) async fn update<C: GenericClient>(c: &C, survey: &Survey) -> StoreResult<()> {
    let kind = to_json(&survey.kind)?;
    let sql = "UPDATE surveys SET kind = $3, json = $4 WHERE id = $1 AND account_id = $2";
    let params: db::Params<'_> = &[
        &survey.id,
        &survey.account.as_str(),
        &kind.trim_matches('"'),
        &to_json(survey)?,
    ];
    if db::exec(c, sql, params).await.map_err(error::pg)? == 0 {
        return Err(StoreError::NotFound("survey"));
    }
    Ok(())
}

/// Deletes a survey of the account that has no responses (one statement, so a response
/// saved meanwhile either blocks it or fails on its foreign key).
pub(crate) async fn delete<C: GenericClient>(
    c: &C,
    account: &AccountId,
    id: i64,
) -> StoreResult<()> {
    let check = "SELECT 1 FROM surveys WHERE id = $1 AND account_id = $2";
    if !db::exists(c, check, &[&id, &account.as_str()]).await? {
        return Err(StoreError::NotFound("survey"));
    }
    let sql = "DELETE FROM surveys WHERE id = $1 AND account_id = $2
               AND NOT EXISTS (SELECT 1 FROM survey_responses WHERE survey_id = $1)";
    if db::exec(c, sql, &[&id, &account.as_str()])
        .await
        .map_err(error::pg)?
        == 0
    {
        return Err(StoreError::Conflict(
            "the survey has responses; deactivate it instead".into(),
        ));
    }
    Ok(())
}

/// Stores a response; the survey must belong to the response's account, and so must its
/// chat, if any, still exist (a deleted chat gets no new responses). Run it in a transaction:
/// the chat row is held `FOR KEY SHARE` until commit, so a deletion (which takes it `FOR
/// UPDATE`) waits for the insert or comes first and makes this `NotFound`, while the chat's
/// writers (`FOR NO KEY UPDATE`) are not held up.
pub(crate) async fn save_response<C: GenericClient>(c: &C, r: &SurveyResponse) -> StoreResult<()> {
    let (id, skill) = insert_response(c, r).await?;
    announce_response(c, r, id, skill).await
}

/// Inserts the response (its survey and chat checked); returns its id and its survey's skill.
/// The caller must [`announce_response`] in the same transaction, as its last statement.
pub(crate) async fn insert_response<C: GenericClient>(
    c: &C,
    r: &SurveyResponse,
) -> StoreResult<(i64, Option<SkillId>)> {
    // The survey's skill goes into the account event (an offline message's skill).
    let check = "SELECT json FROM surveys WHERE id = $1 AND account_id = $2";
    let row = db::one(c, check, &[&r.survey, &r.account.as_str()], "survey").await?;
    let survey: Survey = from_json(rows::get(&row, 0, "survey")?, "survey")?;
    if let Some(chat) = &r.chat {
        let lock = "SELECT 1 FROM chats WHERE key = $1 AND account_id = $2 FOR KEY SHARE";
        if !db::exists(c, lock, &[&chat.as_str(), &r.account.as_str()]).await? {
            return Err(StoreError::NotFound("chat"));
        }
    }
    // kind, visitor_id, email and the score are what offline messages, erasure and
    // statistics query on (migration 0008).
    let sql = "INSERT INTO survey_responses (account_id, survey_id, chat_key, json, submitted_at,
                   kind, visitor_id, email, score_sum, score_count)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
               RETURNING id";
    let kind = to_json(&r.kind)?;
    let (score_sum, score_count) = r.score();
    let params: db::Params<'_> = &[
        &r.account.as_str(),
        &r.survey,
        &r.chat.as_ref().map(ChatKey::as_str),
        &to_json(r)?,
        &r.submitted_at.0,
        &kind.trim_matches('"'),
        &r.visitor_id(),
        &r.email(),
        &score_sum,
        &i64::from(score_count),
    ];
    let row = db::one(c, sql, params, "survey response").await?;
    let id: i64 = rows::get(&row, 0, "survey response")?;
    Ok((id, survey.skill))
}

/// Appends the account event of the response `id`. It takes the global sequence's counter,
/// so it must be the transaction's last statement (see `account_events`): the response and
/// its webhook event commit together.
pub(crate) async fn announce_response<C: GenericClient>(
    c: &C,
    r: &SurveyResponse,
    id: i64,
    skill: Option<SkillId>,
) -> StoreResult<()> {
    let kind = AccountEventKind::of_response(id, r, skill);
    account_events::append(c, &r.account, r.submitted_at, Some(id), kind).await?;
    Ok(())
}

/// An account's responses, optionally about one chat, oldest first.
pub(crate) async fn responses<C: GenericClient>(
    c: &C,
    account: &AccountId,
    chat: Option<&ChatKey>,
) -> StoreResult<Vec<SurveyResponse>> {
    let sql = "SELECT json FROM survey_responses
               WHERE account_id = $1 AND ($2::text IS NULL OR chat_key = $2) ORDER BY id";
    db::rows(c, sql, &[&account.as_str(), &chat.map(ChatKey::as_str)])
        .await?
        .iter()
        .map(|r| from_json(rows::get(r, 0, "survey response")?, "survey response"))
        .collect()
}

#[async_trait::async_trait]
impl chatwire_store::SurveyStore for crate::PgStore {
    async fn create_survey(&self, survey: &Survey) -> StoreResult<Survey> {
        create(&self.client().await?, survey).await
    }

    async fn list_surveys(&self, account: &AccountId) -> StoreResult<Vec<Survey>> {
        list(&self.client().await?, account).await
    }

    async fn update_survey(&self, survey: &Survey) -> StoreResult<()> {
        update(&self.client().await?, survey).await
    }

    async fn delete_survey(&self, account: &AccountId, id: i64) -> StoreResult<()> {
        delete(&self.client().await?, account, id).await
    }

    async fn save_survey_response(&self, response: &SurveyResponse) -> StoreResult<()> {
        // One transaction: the chat's existence is checked (and the row locked) with the insert.
        let mut client = self.client().await?;
        let tx = crate::chats::begin(&mut client).await?;
        save_response(&tx, response).await?;
        tx.commit().await.map_err(error::pg)
    }

    async fn survey_responses(
        &self,
        account: &AccountId,
        chat: Option<&ChatKey>,
    ) -> StoreResult<Vec<SurveyResponse>> {
        responses(&self.client().await?, account, chat).await
    }
}
