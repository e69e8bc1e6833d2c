//! The cross-node wake-ups: what each committed write `pg_notify`s on [`CHANNEL`], and how a
//! listener turns a payload back into a [`Wakeup`].
//!
//! Every notifying write calls one of the `notify_*` functions inside its transaction;
//! PostgreSQL delivers the notification to listeners only at commit, and not at all on
//! rollback, so a node never hears of a write it cannot read yet. Payloads start with the
//! writer's origin, `<schema> <node>` (none of the parts can contain a space): nodes of other
//! schemas in the same database (tests, tenants) ignore them, and so does the writing node
//! itself, which has applied its own write already. Then:
//!
//! - `chat <account> <chat key> <revision> <next event id> [<chat JSON>]` and
//!   `events <account> <chat key> <revision> <next event id> <seq base> <JSON>`: every chat
//!   write, once per chat per batch (typing and info changes included, as the engine wakes
//!   local waiters for those too). The revision lets a node skip writes it has already read;
//!   the next event id tells it how many events it lacks before it reads. An `events` payload
//!   carries `{"chat": …, "events": […]}`: the chat as the batch left it and every event the
//!   batch appended to it, each `seq` counted from the batch's first (the base, which the
//!   counter's statement writes in, see `seq`). When those do not fit under [`MAX_PAYLOAD`]
//!   (PostgreSQL refuses 8,000 bytes or more), a `chat` payload carries the chat's JSON alone,
//!   or nothing past the next event id. A node holding the events before these, or watching
//!   nothing of the chat, then reads nothing. A JSON that does not decode, or names another
//!   chat or revision, is ignored (the node reads as it would without it).
//! - `availability <account> <agent id> <availability>`: only an agent's availability changed,
//!   so nodes patch their cached agent instead of reloading the account's directory.
//! - `directory <account>`: agents, skills, topic settings, app keys.
//! - `session <key hash>`: a session family was deleted (logout).

use std::str::FromStr;

use chatwire_core::{AccountId, AgentId, Availability};
use chatwire_store::{StoreResult, Wakeup};
use deadpool_postgres::GenericClient;

use crate::{db, error};

mod chat;

pub(crate) use chat::ChatWakeups;

/// Opens a transaction on `$client`, runs `$write` (an expression using `tx`) and then the
/// wake-up `$notify` in it, and commits: the other nodes hear of the write exactly when it is
/// visible, and never of one rolled back.
macro_rules! notifying {
    ($client:expr, |$tx:ident| $write:expr, $notify:expr) => {{
        let mut client = $client;
        let $tx = $crate::chats::begin(&mut client).await?;
        let out = $write.await?;
        $notify.await?;
        $tx.commit().await.map_err($crate::error::pg)?;
        Ok(out)
    }};
}
pub(crate) use notifying;

/// The channel every node LISTENs on.
pub(crate) const CHANNEL: &str = "chatwire_events";

/// Longest payload sent: PostgreSQL's limit is below 8,000 bytes (with the default
/// `BLCKSZ`); a chat whose JSON would pass it goes without it.
pub(crate) const MAX_PAYLOAD: usize = 7_900;

/// Queues the wake-up for a directory write of `account`.
pub(crate) async fn notify_directory<C: GenericClient>(
    c: &C,
    origin: &str,
    account: &AccountId,
) -> StoreResult<()> {
    send(c, &format!("{origin} directory {account}")).await
}

/// Queues `hint` for a directory write: an availability patch or the whole account's
/// directory (chosen by [`Wakeup::for_agent_update`]).
pub(crate) async fn notify_agent<C: GenericClient>(
    c: &C,
    origin: &str,
    hint: &Wakeup,
) -> StoreResult<()> {
    match hint {
        Wakeup::Availability {
            account,
            agent,
            availability,
        } => {
            let to = availability.as_str();
            send(
                c,
                &format!("{origin} availability {account} {} {to}", agent.0),
            )
            .await
        }
        Wakeup::Directory(account) => notify_directory(c, origin, account).await,
        other => Err(chatwire_store::StoreError::Other(anyhow::anyhow!(
            "not an agent hint: {other:?}"
        ))),
    }
}

/// Queues the wake-up for the deletion of the session family rooted at `key_hash`.
pub(crate) async fn notify_session<C: GenericClient>(
    c: &C,
    origin: &str,
    key_hash: &str,
) -> StoreResult<()> {
    send(c, &format!("{origin} session {key_hash}")).await
}

/// Queues several payloads in one statement (a batch's chat writes), in their order.
pub(crate) async fn send_all<C: GenericClient>(c: &C, payloads: &[String]) -> StoreResult<()> {
    let sql = "SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS u (p, n)
               ORDER BY n";
    db::exec(c, sql, &[&CHANNEL, &payloads])
        .await
        .map_err(error::pg)?;
    Ok(())
}

async fn send<C: GenericClient>(c: &C, payload: &str) -> StoreResult<()> {
    db::exec(c, "SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])
        .await
        .map_err(error::pg)?;
    Ok(())
}

/// How full the server's notification queue is, 0 to 1 (`pg_notification_queue_usage()`):
/// a node that stops reading its wake-ups fills it, and a full queue fails every commit
/// that notifies.
pub(crate) async fn queue_usage<C: GenericClient>(c: &C) -> StoreResult<f64> {
    let sql = "SELECT pg_notification_queue_usage()";
    let row = db::one(c, sql, &[], "notification queue").await?;
    crate::rows::get(&row, 0, "notification queue")
}

/// The wake-up a payload stands for: `None` for another schema's and for this node's own
/// (`node`), `All` (with a warning) for one we cannot read, since then we do not know what
/// changed.
pub(crate) fn parse(scope: &str, node: &str, payload: &str) -> Option<Wakeup> {
    let mut head = payload.splitn(3, ' ');
    if head.next() != Some(scope) {
        return None;
    }
    if head.next() == Some(node) {
        return None;
    }
    let rest = head.next().unwrap_or_default();
    let chat = match rest.split_once(' ') {
        Some(("chat", fields)) => Some(chat::parse_chat(fields, false)),
        Some(("events", fields)) => Some(chat::parse_chat(fields, true)),
        _ => None,
    };
    // Not split: a chat's JSON may be most of the payload.
    let parts: Vec<&str> = match chat {
        Some(_) => Vec::new(),
        None => rest.split(' ').collect(),
    };
    let known = match parts.as_slice() {
        [] => chat.flatten(),
        ["availability", account, agent, to] => match (
            AccountId::parse(account),
            agent.parse(),
            Availability::from_str(to),
        ) {
            (Ok(account), Ok(agent), Ok(availability)) => Some(Wakeup::Availability {
                account,
                agent: AgentId(agent),
                availability,
            }),
            _ => None,
        },
        ["directory", account] => AccountId::parse(account).ok().map(Wakeup::Directory),
        ["session", key_hash] if !key_hash.is_empty() => {
            Some(Wakeup::SessionFamily((*key_hash).to_owned()))
        }
        _ => None,
    };
    known.or_else(|| {
        tracing::warn!(payload, "unreadable wake-up payload; waking everyone");
        Some(Wakeup::All)
    })
}

#[cfg(test)]
mod tests;
