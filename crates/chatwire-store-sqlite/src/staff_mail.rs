//! Staff mail (migration 0013): where it goes (`notify_email` on accounts and skills), an
//! offline message saved with its notice in one savepoint, and the waiting alert whose own row
//! is the once-per-chat marker (unique index `outbox_waiting_alert`).

use chatwire_core::{
    AccountId, MailId, MailKind, OutboxMail, SkillId, StaffAddresses, SurveyResponse,
};
use chatwire_store::{StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error;
use crate::writer::WriteCx;
use crate::{outbox, queries, surveys};

/// Saves the response, then its notice naming it; the writer's savepoint makes it both or
/// neither.
pub(crate) fn save_offline_with_notice(
    cx: &mut WriteCx<'_>,
    response: &SurveyResponse,
    notice: &OutboxMail,
) -> StoreResult<i64> {
    if notice.kind != MailKind::OfflineMessage || notice.chat.is_some() {
        return Err(StoreError::Other(anyhow::anyhow!(
            "not an offline-message notice"
        )));
    }
    if !queries::account_exists(cx.conn, &notice.account)? {
        return Err(StoreError::NotFound("account"));
    }
    surveys::save_response(cx, response)?;
    // The writer is the only writer and ids ascend: the newest response of the account is the
    // one just saved (read back rather than last_insert_rowid, which any later insert of the
    // save would move).
    let id: i64 = cx
        .conn
        .prepare_cached("SELECT max(id) FROM survey_responses WHERE account_id = ?1")
        .and_then(|mut s| s.query_row([response.account.as_str()], |r| r.get(0)))
        .map_err(error::sql)?;
    let notice = OutboxMail {
        offline: Some(id),
        ..notice.clone()
    };
    outbox::enqueue(cx, &notice)?;
    Ok(id)
}

/// Inserts the alert only while its chat waits; the unique index turns a second alert for the
/// chat into nothing rather than an error.
pub(crate) fn raise_waiting_alert(
    cx: &mut WriteCx<'_>,
    alert: &OutboxMail,
) -> StoreResult<Option<MailId>> {
    let Some(key) = alert
        .chat
        .as_ref()
        .filter(|_| alert.kind == MailKind::WaitingAlert)
    else {
        return Err(StoreError::Other(anyhow::anyhow!("not a waiting alert")));
    };
    let state: Option<String> = cx
        .conn
        .prepare_cached("SELECT state FROM chats WHERE key = ?1 AND account_id = ?2")
        .and_then(|mut s| {
            s.query_row(params![key.as_str(), alert.account.as_str()], |r| r.get(0))
                .optional()
        })
        .map_err(error::sql)?;
    match state.as_deref() {
        None => return Err(StoreError::NotFound("chat")),
        Some("waiting") => {}
        Some(_) => return Ok(None),
    }
    let sql = "INSERT INTO outbox (account_id, chat_key, to_address, subject, tz_offset_ms,
                   created_at, status, attempts, next_attempt_at, kind)
               VALUES (?1, ?2, ?3, ?4, NULL, ?5, 'pending', 0, ?6, 'waiting_alert')
               ON CONFLICT (chat_key) WHERE kind = 'waiting_alert' DO NOTHING";
    let inserted = cx
        .conn
        .prepare_cached(sql)
        .and_then(|mut s| {
            s.execute(params![
                alert.account.as_str(),
                key.as_str(),
                alert.to,
                alert.subject,
                alert.created_at.0,
                alert.next_attempt_at.0,
            ])
        })
        .map_err(error::sql)?;
    Ok((inserted > 0).then(|| MailId(cx.conn.last_insert_rowid())))
}

/// Sets or clears the skill's or the account's address.
pub(crate) fn set_address(
    cx: &mut WriteCx<'_>,
    account: &AccountId,
    skill: Option<SkillId>,
    address: Option<&str>,
) -> StoreResult<()> {
    let changed = match skill {
        Some(id) => cx
            .conn
            .prepare_cached("UPDATE skills SET notify_email = ?3 WHERE id = ?1 AND account_id = ?2")
            .and_then(|mut s| s.execute(params![id.0, account.as_str(), address])),
        None => cx
            .conn
            .prepare_cached("UPDATE accounts SET notify_email = ?2 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![account.as_str(), address])),
    }
    .map_err(error::sql)?;
    match (changed, skill) {
        (0, Some(_)) if queries::account_exists(cx.conn, account)? => {
            Err(StoreError::NotFound("skill"))
        }
        (0, _) => Err(StoreError::NotFound("account")),
        _ => Ok(()),
    }
}

/// The account's address and its skills' addresses.
pub(crate) fn addresses(conn: &Connection, account: &AccountId) -> StoreResult<StaffAddresses> {
    let own: Option<Option<String>> = conn
        .prepare_cached("SELECT notify_email FROM accounts WHERE id = ?1")
        .and_then(|mut s| s.query_row([account.as_str()], |r| r.get(0)).optional())
        .map_err(error::sql)?;
    let Some(own) = own else {
        return Err(StoreError::NotFound("account"));
    };
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, notify_email FROM skills
             WHERE account_id = ?1 AND notify_email IS NOT NULL ORDER BY id",
        )
        .map_err(error::sql)?;
    let skills = stmt
        .query_map([account.as_str()], |r| {
            Ok((SkillId(r.get(0)?), r.get::<_, String>(1)?))
        })
        .map_err(error::sql)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(error::sql)?;
    Ok(StaffAddresses {
        account: own,
        skills,
    })
}
