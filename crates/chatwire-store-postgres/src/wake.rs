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
//! - `chat <account> <chat key> <revision> <next event id>`: every chat write (typing and
//!   info changes included, as the engine wakes local waiters for those too). The revision
//!   lets a node skip writes it has already read; the next event id tells it how many events
//!   it lacks before it reads.
//! - `availability <account> <agent id> <availability>`: only an agent's availability changed,
//!   so nodes patch their cached agent instead of reloading the account's directory.
//! - `directory <account>`: agents, skills, topic settings, app keys.
//! - `session <key hash>`: a session family was deleted (logout).

use std::str::FromStr;

use chatwire_core::{AccountId, AgentId, Availability, Chat, ChatKey, EventId};
use chatwire_store::{StoreResult, Wakeup};
use deadpool_postgres::GenericClient;

use crate::{db, error};

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

/// Queues the wake-up for a chat write; delivered when (and if) the transaction commits.
/// `origin` is the writing store's `<schema> <node>` (see the module doc), as for every
/// `notify_*`.
pub(crate) async fn notify_chat<C: GenericClient>(
    c: &C,
    origin: &str,
    chat: &Chat,
) -> StoreResult<()> {
    send(c, &chat_payload(origin, chat)).await
}

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

/// The payload of a chat write (see the module doc).
pub(crate) fn chat_payload(origin: &str, chat: &Chat) -> String {
    format!(
        "{origin} chat {} {} {} {}",
        chat.account, chat.key, chat.revision, chat.next_event_id.0
    )
}

/// The wake-up a payload stands for: `None` for another schema's and for this node's own
/// (`node`), `All` (with a warning) for one we cannot read, since then we do not know what
/// changed.
pub(crate) fn parse(scope: &str, node: &str, payload: &str) -> Option<Wakeup> {
    let parts: Vec<&str> = payload.split(' ').collect();
    if parts.first() != Some(&scope) {
        return None;
    }
    if parts.get(1) == Some(&node) {
        return None;
    }
    let known = match parts.get(2..).unwrap_or_default() {
        ["chat", account, key, revision, next] => {
            match (
                AccountId::parse(account),
                ChatKey::parse(key),
                revision.parse(),
                next.parse(),
            ) {
                (Ok(account), Ok(key), Ok(revision), Ok(next)) => Some(Wakeup::Chat {
                    account,
                    key,
                    revision,
                    next_event: EventId(next),
                }),
                _ => None,
            }
        }
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
mod tests {
    use chatwire_core::{ChatNum, ChatRequest, NewChat, Timestamp};

    use super::*;

    fn chat() -> Chat {
        let new = NewChat {
            key: ChatKey::from_random(1, 2, 3),
            account: AccountId::parse("acc").expect("account"),
            skill: None,
            visitor_name: "v".into(),
            visitor_id: 1,
            chat_timeout_secs: 40,
            pre_chat_lines: vec![],
            preferred_agent: None,
            request: ChatRequest::default(),
        };
        let (mut chat, changes) = Chat::open(new, ChatNum(7), Timestamp(1)).expect("open");
        chat.apply_changes(changes, Timestamp(1), chatwire_core::GlobalSeq(1));
        chat
    }

    #[test]
    fn a_chat_payload_round_trips_with_its_revision() {
        let chat = chat();
        let payload = chat_payload("cw_a n1", &chat);
        assert_eq!(
            payload,
            format!(
                "cw_a n1 chat acc {} {} {}",
                chat.key, chat.revision, chat.next_event_id.0
            )
        );
        assert_eq!(
            parse("cw_a", "n2", &payload),
            Some(Wakeup::Chat {
                account: chat.account.clone(),
                key: chat.key.clone(),
                revision: chat.revision,
                next_event: chat.next_event_id,
            })
        );
        assert_eq!(parse("cw_a", "n1", &payload), None, "our own echo");
    }

    #[test]
    fn directory_and_session_payloads_name_what_changed() {
        let acc = AccountId::parse("acc").expect("account");
        assert_eq!(
            parse("cw_a", "me", "cw_a n1 directory acc"),
            Some(Wakeup::Directory(acc.clone()))
        );
        assert_eq!(
            parse("cw_a", "me", "cw_a n1 session 0abc"),
            Some(Wakeup::SessionFamily("0abc".into()))
        );
        assert_eq!(
            parse("cw_a", "me", "cw_a n1 availability acc 12 Away"),
            Some(Wakeup::Availability {
                account: acc,
                agent: AgentId(12),
                availability: Availability::Away,
            })
        );
    }

    #[test]
    fn other_schemas_are_ignored_and_unreadable_payloads_wake_everyone() {
        assert_eq!(parse("cw_a", "me", "cw_b n1 directory acc"), None);
        assert_eq!(parse("cw_a", "me", "garbage"), None, "not even our schema");
        for bad in [
            "cw_a",
            "cw_a n1",
            "cw_a n1 chat acc not-a-key 1 1",
            "cw_a n1 chat acc",
            "cw_a n1 availability acc 12 sleepy",
            "cw_a n1 directory a-b-c!",
            "cw_a n1 session",
            "cw_a n1 something new",
        ] {
            assert_eq!(parse("cw_a", "me", bad), Some(Wakeup::All), "{bad}");
        }
    }
}
