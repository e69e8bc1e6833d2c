//! Staff mail (migration 0012): where it goes (`notify_email` on accounts and skills), an
//! offline message saved with its notice in one transaction, and the waiting alert whose own
//! row is the once-per-chat marker (unique index `outbox_waiting_alert`), so nodes racing to
//! raise it leave one mail.

use chatwire_core::{
    AccountId, MailId, MailKind, OutboxMail, SkillId, StaffAddresses, SurveyResponse,
};
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::GenericClient;

use crate::rows::get;
use crate::{db, error, outbox, queries, surveys};

/// [`save_offline_with_notice`] in a transaction of its own.
pub(crate) async fn save_offline_in_tx(
    store: &crate::PgStore,
    response: &SurveyResponse,
    notice: &OutboxMail,
) -> StoreResult<i64> {
    let mut client = store.client().await?;
    let tx = crate::chats::begin(&mut client).await?;
    let id = save_offline_with_notice(&tx, response, notice).await?;
    tx.commit().await.map_err(error::pg)?;
    Ok(id)
}

/// [`raise_waiting_alert`] in a transaction of its own.
pub(crate) async fn raise_in_tx(
    store: &crate::PgStore,
    alert: &OutboxMail,
) -> StoreResult<Option<MailId>> {
    let mut client = store.client().await?;
    let tx = crate::chats::begin(&mut client).await?;
    let id = raise_waiting_alert(&tx, alert).await?;
    tx.commit().await.map_err(error::pg)?;
    Ok(id)
}

/// Saves the response and its notice naming it, in the caller's transaction.
pub(crate) async fn save_offline_with_notice<C: GenericClient>(
    c: &C,
    response: &SurveyResponse,
    notice: &OutboxMail,
) -> StoreResult<i64> {
    if notice.kind != MailKind::OfflineMessage || notice.chat.is_some() {
        return Err(StoreError::Other(anyhow::anyhow!(
            "not an offline-message notice"
        )));
    }
    queries::require_account(c, &notice.account).await?;
    let (id, skill) = surveys::insert_response(c, response).await?;
    let notice = OutboxMail {
        offline: Some(id),
        ..notice.clone()
    };
    outbox::enqueue(c, &notice).await?;
    // Last: it takes the global sequence's counter, held until the commit.
    surveys::announce_response(c, response, id, skill).await?;
    Ok(id)
}

/// Inserts the alert only while its chat waits (the chat row locked meanwhile, so an accept
/// cannot commit between the check and the insert); the unique index turns a second alert,
/// from this node or another, into nothing rather than an error.
pub(crate) async fn raise_waiting_alert<C: GenericClient>(
    c: &C,
    alert: &OutboxMail,
) -> StoreResult<Option<MailId>> {
    let Some(key) = alert
        .chat
        .as_ref()
        .filter(|_| alert.kind == MailKind::WaitingAlert)
    else {
        return Err(StoreError::Other(anyhow::anyhow!("not a waiting alert")));
    };
    let lock = "SELECT state FROM chats WHERE key = $1 AND account_id = $2 FOR SHARE";
    let row = db::one(c, lock, &[&key.as_str(), &alert.account.as_str()], "chat").await?;
    let state: &str = get(&row, 0, "chats")?;
    if state != "waiting" {
        return Ok(None);
    }
    let sql = "INSERT INTO outbox (account_id, chat_key, to_address, subject, tz_offset_ms,
                   created_at, status, attempts, next_attempt_at, kind)
               VALUES ($1, $2, $3, $4, NULL, $5, 'pending', 0, $6, 'waiting_alert')
               ON CONFLICT (chat_key) WHERE kind = 'waiting_alert' DO NOTHING
               RETURNING id";
    let params: db::Params<'_> = &[
        &alert.account.as_str(),
        &key.as_str(),
        &alert.to,
        &alert.subject,
        &alert.created_at.0,
        &alert.next_attempt_at.0,
    ];
    match db::opt(c, sql, params).await? {
        Some(row) => Ok(Some(MailId(get(&row, 0, "outbox")?))),
        None => Ok(None),
    }
}

/// Sets or clears the skill's or the account's address.
pub(crate) async fn set_address<C: GenericClient>(
    c: &C,
    account: &AccountId,
    skill: Option<SkillId>,
    address: Option<&str>,
) -> StoreResult<()> {
    let changed = match skill {
        Some(id) => {
            let sql = "UPDATE skills SET notify_email = $3 WHERE id = $1 AND account_id = $2";
            db::exec(c, sql, &[&id.0, &account.as_str(), &address]).await
        }
        None => {
            let sql = "UPDATE accounts SET notify_email = $2 WHERE id = $1";
            db::exec(c, sql, &[&account.as_str(), &address]).await
        }
    }
    .map_err(error::pg)?;
    if changed > 0 {
        return Ok(());
    }
    queries::require_account(c, account).await?;
    Err(StoreError::NotFound("skill"))
}

/// The account's address and its skills' addresses.
pub(crate) async fn addresses<C: GenericClient>(
    c: &C,
    account: &AccountId,
) -> StoreResult<StaffAddresses> {
    let sql = "SELECT notify_email FROM accounts WHERE id = $1";
    let row = db::one(c, sql, &[&account.as_str()], "account").await?;
    let own: Option<String> = get(&row, 0, "accounts")?;
    let sql = "SELECT id, notify_email FROM skills
               WHERE account_id = $1 AND notify_email IS NOT NULL ORDER BY id";
    let skills = db::rows(c, sql, &[&account.as_str()])
        .await?
        .iter()
        .map(|r| Ok((SkillId(get(r, 0, "skills")?), get(r, 1, "skills")?)))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(StaffAddresses {
        account: own,
        skills,
    })
}
