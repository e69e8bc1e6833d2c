//! Deleting chats and everything about them on PostgreSQL, each call one transaction: a
//! chat, a visitor's chats and messages, or one bounded retention step. Statements go by
//! primary key or index, per chat. Numbers are never reused: chat numbers come from the
//! `chat_nums` sequence and event seqs from the `event_seq` counter, neither reads MAX().
//! The search index (`chat_line_words`) goes with its chat's row (`ON DELETE CASCADE`).

use chatwire_core::history::{Erased, VisitorRef};
use chatwire_core::{AccountId, ChatKey, Timestamp};
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::{GenericClient, Pool};
use tokio_postgres::types::ToSql;

use crate::{chats, db, error, rows};

async fn count<C: GenericClient>(c: &C, sql: &str, p: db::Params<'_>) -> StoreResult<u64> {
    db::exec(c, sql, p).await.map_err(error::pg)
}

/// Deletes one ended chat (`num`, `key`) of `account` with its events, facts, survey
/// responses and mail, adding the counts to `erased`.
async fn erase_one<C: GenericClient>(
    c: &C,
    account: &AccountId,
    num: i64,
    key: &str,
    erased: &mut Erased,
) -> StoreResult<()> {
    let a = account.as_str();
    erased.mailbox_mails += count(c, "DELETE FROM mailbox WHERE chat_key = $1", &[&key]).await?;
    erased.mails += count(c, "DELETE FROM outbox WHERE chat_key = $1", &[&key]).await?;
    let offline = "DELETE FROM survey_responses
                   WHERE account_id = $1 AND chat_key = $2 AND kind = 'offline'";
    let n = count(c, offline, &[&a, &key]).await?;
    erased.offline_messages += n;
    let rest = "DELETE FROM survey_responses WHERE account_id = $1 AND chat_key = $2";
    erased.survey_responses += n + count(c, rest, &[&a, &key]).await?;
    erased.events += count(c, "DELETE FROM chat_events WHERE chat_num = $1", &[&num]).await?;
    count(c, "DELETE FROM chat_facts WHERE num = $1", &[&num]).await?;
    count(c, "DELETE FROM chats WHERE num = $1", &[&num]).await?;
    erased
        .chats
        .push(ChatKey::parse(key).map_err(|e| error::corrupt("chats", e))?);
    Ok(())
}

/// `(num, key, state)` of the chats `sql` selects, locked until the transaction ends.
async fn chats_of<C: GenericClient>(
    c: &C,
    sql: &str,
    p: db::Params<'_>,
) -> StoreResult<Vec<(i64, String, String)>> {
    db::rows(c, sql, p)
        .await?
        .iter()
        .map(|r| {
            Ok((
                rows::get(r, 0, "chats")?,
                rows::get::<&str>(r, 1, "chats")?.to_owned(),
                rows::get::<&str>(r, 2, "chats")?.to_owned(),
            ))
        })
        .collect()
}

/// Deletes an ended chat; `NotFound` / `Conflict` (open) as the trait says.
pub(crate) async fn delete_chat(
    pool: &Pool,
    account: &AccountId,
    key: &ChatKey,
) -> StoreResult<Erased> {
    let mut client = pool.get().await.map_err(error::pool)?;
    let tx = chats::begin(&mut client).await?;
    let sql = "SELECT num, key, state FROM chats WHERE key = $1 AND account_id = $2 FOR UPDATE";
    let found = chats_of(&tx, sql, &[&key.as_str(), &account.as_str()]).await?;
    let (num, key, state) = found
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound("chat"))?;
    if state != "ended" {
        return Err(StoreError::Conflict("the chat is still open".into()));
    }
    let mut erased = Erased::default();
    erase_one(&tx, account, num, &key, &mut erased).await?;
    tx.commit().await.map_err(error::pg)?;
    Ok(erased)
}

/// Deletes everything about a visitor (see `Store::erase_visitor`).
pub(crate) async fn erase_visitor(
    pool: &Pool,
    account: &AccountId,
    who: &VisitorRef,
) -> StoreResult<Erased> {
    let mut client = pool.get().await.map_err(error::pool)?;
    let tx = chats::begin(&mut client).await?;
    let a = account.as_str();
    let (column, arg): (&str, Box<dyn ToSql + Sync + Send>) = match who {
        VisitorRef::Id(id) => ("visitor_id", Box::new(*id)),
        VisitorRef::Email(e) => ("email", Box::new(VisitorRef::normalized_email(e))),
    };
    // By e-mail: the chat's visitor e-mail, or a transcript sent to it. Only transcripts: a
    // staff notice goes to a staff address, and erasing that person must not take every chat
    // they were alerted about.
    let theirs = if column == "email" {
        "(customer_email = $2 OR key IN (SELECT chat_key FROM outbox
            WHERE account_id = $1 AND kind = 'transcript'
              AND ascii_lower(btrim(to_address)) = $2))"
    } else {
        "visitor_id = $2"
    };
    let sql = format!(
        "SELECT num, key, state FROM chats WHERE account_id = $1 AND {theirs}
         ORDER BY num FOR UPDATE"
    );
    let chats = chats_of(&tx, &sql, &[&a, arg.as_ref()]).await?;
    if chats.iter().any(|(_, _, state)| state != "ended") {
        return Err(StoreError::Conflict(
            "one of the visitor's chats is still open".into(),
        ));
    }
    let mut erased = Erased::default();
    for (num, key, _) in &chats {
        erase_one(&tx, account, *num, key, &mut erased).await?;
    }
    let offline = format!(
        "DELETE FROM survey_responses WHERE account_id = $1 AND {column} = $2 AND kind = 'offline'"
    );
    let n = count(&tx, &offline, &[&a, arg.as_ref()]).await?;
    erased.offline_messages += n;
    let rest = format!("DELETE FROM survey_responses WHERE account_id = $1 AND {column} = $2");
    erased.survey_responses += n + count(&tx, &rest, &[&a, arg.as_ref()]).await?;
    if let VisitorRef::Email(e) = who {
        let e = VisitorRef::normalized_email(e);
        // Transcripts to that address; staff notices about others stay.
        let mailbox =
            "DELETE FROM mailbox WHERE account_id = $1 AND ascii_lower(btrim(to_address)) = $2
                        AND outbox_id IN (SELECT id FROM outbox WHERE kind = 'transcript')";
        erased.mailbox_mails += count(&tx, mailbox, &[&a, &e]).await?;
        let outbox =
            "DELETE FROM outbox WHERE account_id = $1 AND ascii_lower(btrim(to_address)) = $2
                        AND kind = 'transcript' AND id NOT IN (SELECT outbox_id FROM mailbox)";
        erased.mails += count(&tx, outbox, &[&a, &e]).await?;
    }
    drop_orphan_notices(&tx, account, &mut erased).await?;
    tx.commit().await.map_err(error::pg)?;
    Ok(erased)
}

/// Deletes the staff notices (outbox rows and their local-mailbox copies) of offline messages
/// that no longer exist: a notice repeats the visitor's name, address and words, so it goes
/// with the message it is about.
async fn drop_orphan_notices<C: GenericClient>(
    c: &C,
    account: &AccountId,
    erased: &mut Erased,
) -> StoreResult<()> {
    let orphans = "SELECT id FROM outbox WHERE account_id = $1 AND kind = 'offline_message'
                   AND offline_id NOT IN (SELECT id FROM survey_responses WHERE account_id = $1)";
    let a = account.as_str();
    let mailbox = format!("DELETE FROM mailbox WHERE account_id = $1 AND outbox_id IN ({orphans})");
    erased.mailbox_mails += count(c, &mailbox, &[&a]).await?;
    let outbox = format!("DELETE FROM outbox WHERE id IN ({orphans})");
    erased.mails += count(c, &outbox, &[&a]).await?;
    Ok(())
}

/// One retention step: up to `max` chats that ended before `ended_before`, oldest first, and
/// up to `max` survey responses about no chat submitted before it.
pub(crate) async fn sweep_retention(
    pool: &Pool,
    account: &AccountId,
    ended_before: Timestamp,
    max: u32,
) -> StoreResult<Erased> {
    let mut client = pool.get().await.map_err(error::pool)?;
    let tx = chats::begin(&mut client).await?;
    // SKIP LOCKED: two nodes sweeping at once take different chats instead of queueing.
    let sql = "SELECT num, key, state FROM chats
               WHERE account_id = $1 AND ended_at < $2 AND state = 'ended'
               ORDER BY ended_at, num LIMIT $3 FOR UPDATE SKIP LOCKED";
    let old = chats_of(
        &tx,
        sql,
        &[&account.as_str(), &ended_before.0, &i64::from(max)],
    )
    .await?;
    let mut erased = Erased::default();
    for (num, key, _) in &old {
        erase_one(&tx, account, *num, key, &mut erased).await?;
    }
    sweep_chatless(&tx, account, ended_before, max, &mut erased).await?;
    drop_orphan_notices(&tx, account, &mut erased).await?;
    tx.commit().await.map_err(error::pg)?;
    Ok(erased)
}

/// Deletes up to `max` of the account's survey responses about no chat (offline messages:
/// e-mail addresses and text) submitted before `before`, oldest first. They have no chat to
/// end, so the chat sweep never reaches them. SKIP LOCKED as for chats; the scan is of the
/// account's chat-less responses (`survey_responses_account`, chat_key NULL), which retention
/// keeps to one period's worth.
async fn sweep_chatless<C: GenericClient>(
    c: &C,
    account: &AccountId,
    before: Timestamp,
    max: u32,
    erased: &mut Erased,
) -> StoreResult<()> {
    let sql = "DELETE FROM survey_responses WHERE id IN (
                   SELECT id FROM survey_responses
                    WHERE account_id = $1 AND chat_key IS NULL AND submitted_at < $2
                    ORDER BY submitted_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
               RETURNING kind = 'offline'";
    let gone = db::rows(c, sql, &[&account.as_str(), &before.0, &i64::from(max)]).await?;
    for row in &gone {
        erased.survey_responses += 1;
        erased.chatless_responses += 1;
        if rows::get::<Option<bool>>(row, 0, "survey_responses")? == Some(true) {
            erased.offline_messages += 1;
        }
    }
    Ok(())
}

/// Sets or clears the account's retention period.
pub(crate) async fn set_retention<C: GenericClient>(
    c: &C,
    account: &AccountId,
    days: Option<u32>,
) -> StoreResult<()> {
    crate::queries::require_account(c, account).await?;
    let a = account.as_str();
    match days {
        Some(d) => {
            let d = i32::try_from(d).unwrap_or(i32::MAX);
            let sql = "INSERT INTO retention (account_id, days) VALUES ($1, $2)
                       ON CONFLICT (account_id) DO UPDATE SET days = EXCLUDED.days";
            count(c, sql, &[&a, &d]).await?
        }
        None => count(c, "DELETE FROM retention WHERE account_id = $1", &[&a]).await?,
    };
    Ok(())
}
