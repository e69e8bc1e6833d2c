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
//! - `chat <account> <chat key> <revision> <next event id> [<chat JSON>]`: every chat write
//!   (typing and info changes included, as the engine wakes local waiters for those too). The
//!   revision lets a node skip writes it has already read; the next event id tells it how many
//!   events it lacks before it reads. The chat's JSON (the row's `chat_json`) follows when the
//!   payload stays under [`MAX_PAYLOAD`] (PostgreSQL refuses 8,000 bytes or more): a node
//!   that watches nothing of the chat then takes the chat from the payload and reads nothing.
//!   A JSON that does not decode, or names another chat or revision, is ignored (the node
//!   reads the chat as it would without it).
//! - `availability <account> <agent id> <availability>`: only an agent's availability changed,
//!   so nodes patch their cached agent instead of reloading the account's directory.
//! - `directory <account>`: agents, skills, topic settings, app keys.
//! - `session <key hash>`: a session family was deleted (logout).

use std::str::FromStr;
use std::sync::Arc;

use chatwire_core::{AccountId, AgentId, Availability, Chat, ChatKey, EventId};
use chatwire_store::{StoreResult, Wakeup};
use deadpool_postgres::GenericClient;

use crate::{db, error, rows};

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

/// Queues the wake-up for a chat write; delivered when (and if) the transaction commits.
/// `origin` is the writing store's `<schema> <node>` (see the module doc), as for every
/// `notify_*`.
pub(crate) async fn notify_chat<C: GenericClient>(
    c: &C,
    origin: &str,
    chat: &Chat,
) -> StoreResult<()> {
    send(c, &chat_payload(origin, chat, &rows::chat_json(chat)?)).await
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

/// The payload of a chat write (see the module doc); `json` is the chat's `chat_json`,
/// appended when it fits.
pub(crate) fn chat_payload(origin: &str, chat: &Chat, json: &str) -> String {
    let mut payload = format!(
        "{origin} chat {} {} {} {}",
        chat.account, chat.key, chat.revision, chat.next_event_id.0
    );
    if payload.len() + 1 + json.len() <= MAX_PAYLOAD {
        payload.push(' ');
        payload.push_str(json);
    }
    payload
}

/// A chat payload's fields after `chat `: account, key, revision, next event id and maybe the
/// chat's JSON (which holds spaces, so it is whatever follows the fourth field).
fn parse_chat(fields: &str) -> Option<Wakeup> {
    let mut parts = fields.splitn(5, ' ');
    let account = AccountId::parse(parts.next()?).ok()?;
    let key = ChatKey::parse(parts.next()?).ok()?;
    let revision = parts.next()?.parse().ok()?;
    let next_event = EventId(parts.next()?.parse().ok()?);
    let chat = parts.next().and_then(|json| {
        let chat = rows::chat_from_json(json).ok()?;
        let same = chat.account == account && chat.key == key && chat.revision == revision;
        same.then(|| Arc::new(chat))
    });
    Some(Wakeup::Chat {
        account,
        key,
        revision,
        next_event,
        chat,
    })
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
    let parts: Vec<&str> = match rest.strip_prefix("chat ") {
        // Not split: the chat's JSON may be most of the payload.
        Some(_) => Vec::new(),
        None => rest.split(' ').collect(),
    };
    let known = match parts.as_slice() {
        [] => rest.strip_prefix("chat ").and_then(parse_chat),
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
    fn a_chat_payload_round_trips_with_its_revision_and_the_chat() {
        let chat = chat();
        let json = rows::chat_json(&chat).expect("json");
        let payload = chat_payload("cw_a n1", &chat, &json);
        assert_eq!(
            payload,
            format!(
                "cw_a n1 chat acc {} {} {} {json}",
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
                chat: Some(Arc::new(chat)),
            })
        );
        assert_eq!(parse("cw_a", "n1", &payload), None, "our own echo");
    }

    #[test]
    fn a_chat_too_large_for_a_notification_goes_without_its_json() {
        let mut chat = chat();
        chat.visitor_name = "v".repeat(MAX_PAYLOAD);
        let json = rows::chat_json(&chat).expect("json");
        let payload = chat_payload("cw_a n1", &chat, &json);
        assert!(payload.len() < 200, "{} bytes", payload.len());
        let Some(Wakeup::Chat {
            chat: carried,
            revision,
            ..
        }) = parse("cw_a", "n2", &payload)
        else {
            panic!("not a chat hint: {payload}");
        };
        assert_eq!((carried, revision), (None, chat.revision));

        // Just under the limit, it is carried.
        // The head, with the space before the JSON.
        let head = chat_payload("cw_a n1", &chat, "").len();
        chat.visitor_name.clear();
        let bare = rows::chat_json(&chat).expect("json").len();
        chat.visitor_name = "v".repeat(MAX_PAYLOAD - head - bare);
        let json = rows::chat_json(&chat).expect("json");
        let payload = chat_payload("cw_a n1", &chat, &json);
        assert_eq!(payload.len(), MAX_PAYLOAD);
        assert!(matches!(
            parse("cw_a", "n2", &payload),
            Some(Wakeup::Chat { chat: Some(c), .. }) if *c == chat
        ));
    }

    #[test]
    fn a_chat_json_that_does_not_match_its_hint_is_ignored_not_trusted() {
        let chat = chat();
        let json = rows::chat_json(&chat).expect("json");
        let other_revision = format!(
            "cw_a n1 chat acc {} {} {} {json}",
            chat.key,
            chat.revision + 1,
            chat.next_event_id.0
        );
        let broken = format!(
            "cw_a n1 chat acc {} {} {} {{\"not\": \"a chat\"}}",
            chat.key, chat.revision, chat.next_event_id.0
        );
        for payload in [other_revision, broken] {
            let Some(Wakeup::Chat {
                chat: carried, key, ..
            }) = parse("cw_a", "n2", &payload)
            else {
                panic!("not a chat hint: {payload}");
            };
            assert_eq!((carried, key), (None, chat.key.clone()), "{payload}");
        }
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
