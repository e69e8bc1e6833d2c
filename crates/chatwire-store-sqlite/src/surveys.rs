//! Surveys and survey responses (JSON documents keyed by account).

use chatwire_core::{AccountEventKind, AccountId, ChatKey, Survey, SurveyResponse};
use chatwire_store::{StoreError, StoreResult};
use rusqlite::{Connection, params};

use crate::writer::WriteCx;
use crate::{account_events, error, queries};

fn to_json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Other(e.into()))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Other(anyhow::anyhow!("corrupt survey JSON: {e}")))
}

fn account_exists(conn: &Connection, account: &AccountId) -> StoreResult<bool> {
    let mut stmt = conn
        .prepare_cached("SELECT 1 FROM accounts WHERE id = ?1")
        .map_err(error::sql)?;
    stmt.exists([account.as_str()]).map_err(error::sql)
}

/// Inserts a survey and returns it with its id.
pub(crate) fn create(cx: &mut WriteCx<'_>, survey: &Survey) -> StoreResult<Survey> {
    if !account_exists(cx.conn, &survey.account)? {
        return Err(StoreError::NotFound("account"));
    }
    // Reserve the id first so the stored JSON carries it.
    let id: i64 = cx
        .conn
        .query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM surveys", [], |r| {
            r.get(0)
        })
        .map_err(error::sql)?;
    let stored = Survey {
        id,
        ..survey.clone()
    };
    let kind = to_json(&stored.kind)?;
    let mut stmt = cx
        .conn
        .prepare_cached("INSERT INTO surveys (id, account_id, kind, json) VALUES (?1, ?2, ?3, ?4)")
        .map_err(error::sql)?;
    stmt.execute(params![
        id,
        stored.account.as_str(),
        kind.trim_matches('"'),
        to_json(&stored)?
    ])
    .map_err(error::sql)?;
    Ok(stored)
}

/// An account's surveys.
pub(crate) fn list(conn: &Connection, account: &AccountId) -> StoreResult<Vec<Survey>> {
    let mut stmt = conn
        .prepare_cached("SELECT json FROM surveys WHERE account_id = ?1 ORDER BY id")
        .map_err(error::sql)?;
    let rows = stmt
        .query_map([account.as_str()], |r| r.get::<_, String>(0))
        .map_err(error::sql)?;
    rows.map(|r| r.map_err(error::sql).and_then(|t| from_json(&t)))
        .collect()
}

/// Replaces a survey of its account.
pub(crate) fn update(cx: &mut WriteCx<'_>, survey: &Survey) -> StoreResult<()> {
    let kind = to_json(&survey.kind)?;
    let mut stmt = cx
        .conn
        .prepare_cached("UPDATE surveys SET kind = ?3, json = ?4 WHERE id = ?1 AND account_id = ?2")
        .map_err(error::sql)?;
    let n = stmt
        .execute(params![
            survey.id,
            survey.account.as_str(),
            kind.trim_matches('"'),
            to_json(survey)?
        ])
        .map_err(error::sql)?;
    if n == 0 {
        return Err(StoreError::NotFound("survey"));
    }
    Ok(())
}

/// Deletes a survey of the account that has no responses.
pub(crate) fn delete(cx: &mut WriteCx<'_>, account: &AccountId, id: i64) -> StoreResult<()> {
    let exists = cx
        .conn
        .prepare_cached("SELECT 1 FROM surveys WHERE id = ?1 AND account_id = ?2")
        .map_err(error::sql)?
        .exists(params![id, account.as_str()])
        .map_err(error::sql)?;
    if !exists {
        return Err(StoreError::NotFound("survey"));
    }
    let answered = cx
        .conn
        .prepare_cached("SELECT 1 FROM survey_responses WHERE survey_id = ?1")
        .map_err(error::sql)?
        .exists([id])
        .map_err(error::sql)?;
    if answered {
        return Err(StoreError::Conflict(
            "the survey has responses; deactivate it instead".into(),
        ));
    }
    cx.conn
        .prepare_cached("DELETE FROM surveys WHERE id = ?1")
        .map_err(error::sql)?
        .execute([id])
        .map_err(error::sql)?;
    Ok(())
}

/// Stores a response; the survey must belong to the response's account, and so must its
/// chat, if any, still exist (a deleted chat gets no new responses). The writer thread runs
/// the check and the insert in one transaction, so no deletion comes between.
pub(crate) fn save_response(cx: &mut WriteCx<'_>, r: &SurveyResponse) -> StoreResult<()> {
    // The survey's skill goes into the account event (an offline message's skill).
    let survey: Survey = from_json(&queries::one(
        cx.conn,
        "SELECT json FROM surveys WHERE id = ?1 AND account_id = ?2",
        params![r.survey, r.account.as_str()],
        |row| row.get::<_, String>(0),
        Ok,
        "survey",
    )?)?;
    if let Some(chat) = &r.chat {
        let exists = cx
            .conn
            .prepare_cached("SELECT 1 FROM chats WHERE key = ?1 AND account_id = ?2")
            .and_then(|mut s| s.exists(params![chat.as_str(), r.account.as_str()]))
            .map_err(error::sql)?;
        if !exists {
            return Err(StoreError::NotFound("chat"));
        }
    }
    // kind, visitor_id, email and the score are what offline messages, erasure and
    // statistics query on (migration 0009).
    let sql = "INSERT INTO survey_responses (account_id, survey_id, chat_key, json, submitted_at,
                   kind, visitor_id, email, score_sum, score_count)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    let (score_sum, score_count) = r.score();
    stmt.execute(params![
        r.account.as_str(),
        r.survey,
        r.chat.as_ref().map(ChatKey::as_str),
        to_json(r)?,
        r.submitted_at.0,
        to_json(&r.kind)?.trim_matches('"'),
        r.visitor_id(),
        r.email(),
        score_sum,
        score_count,
    ])
    .map_err(error::sql)?;
    // Same job, same transaction: the response and its webhook event commit together.
    let id = cx.conn.last_insert_rowid();
    let kind = AccountEventKind::of_response(id, r, survey.skill);
    account_events::append(cx, &r.account, r.submitted_at, Some(id), kind)?;
    Ok(())
}

/// An account's responses, optionally about one chat, oldest first.
pub(crate) fn responses(
    conn: &Connection,
    account: &AccountId,
    chat: Option<&ChatKey>,
) -> StoreResult<Vec<SurveyResponse>> {
    let sql = "SELECT json FROM survey_responses WHERE account_id = ?1 AND (?2 IS NULL OR chat_key = ?2) ORDER BY id";
    let mut stmt = conn.prepare_cached(sql).map_err(error::sql)?;
    let rows = stmt
        .query_map(params![account.as_str(), chat.map(ChatKey::as_str)], |r| {
            r.get::<_, String>(0)
        })
        .map_err(error::sql)?;
    rows.map(|r| r.map_err(error::sql).and_then(|t| from_json(&t)))
        .collect()
}

#[async_trait::async_trait]
impl chatwire_store::SurveyStore for crate::SqliteStore {
    async fn create_survey(&self, survey: &Survey) -> StoreResult<Survey> {
        let survey = survey.clone();
        self.writer.run(move |cx| create(cx, &survey)).await
    }

    async fn list_surveys(&self, account: &AccountId) -> StoreResult<Vec<Survey>> {
        let account = account.clone();
        self.readers.run(move |c| list(c, &account)).await
    }

    async fn update_survey(&self, survey: &Survey) -> StoreResult<()> {
        let survey = survey.clone();
        self.writer.run(move |cx| update(cx, &survey)).await
    }

    async fn delete_survey(&self, account: &AccountId, id: i64) -> StoreResult<()> {
        let account = account.clone();
        self.writer.run(move |cx| delete(cx, &account, id)).await
    }

    async fn save_survey_response(&self, response: &SurveyResponse) -> StoreResult<()> {
        let response = response.clone();
        self.writer
            .run(move |cx| save_response(cx, &response))
            .await
    }

    async fn survey_responses(
        &self,
        account: &AccountId,
        chat: Option<&ChatKey>,
    ) -> StoreResult<Vec<SurveyResponse>> {
        let (account, chat) = (account.clone(), chat.cloned());
        self.readers
            .run(move |c| responses(c, &account, chat.as_ref()))
            .await
    }
}
