//! The cross-node wake-ups: what each committed write `pg_notify`s on [`CHANNEL`], and how a
//! listener turns a payload back into a [`Wakeup`].
//!
//! Every notifying write calls one of the `notify_*` functions inside its transaction;
//! PostgreSQL delivers the notification to listeners only at commit, and not at all on
//! rollback, so a node never hears of a write it cannot read yet. Payloads (none of the parts
//! can contain a space; the schema comes first so nodes of other schemas in the same
//! database, such as tests or tenants, ignore them):
//!
//! - `<schema> chat <account> <chat key> <revision>`: every chat write (typing and info
//!   changes included, as the engine wakes local waiters for those too). The revision lets a
//!   node skip its own writes and ones it already read.
//! - `<schema> directory <account>`: agents, skills, topic settings, app keys.
//! - `<schema> session <key hash>`: a session family was deleted (logout).

use chatwire_core::{AccountId, Chat, ChatKey};
use chatwire_store::{StoreResult, Wakeup};
use deadpool_postgres::GenericClient;

use crate::{db, error};

/// The channel every node LISTENs on.
pub(crate) const CHANNEL: &str = "chatwire_events";

/// Queues the wake-up for a chat write; delivered when (and if) the transaction commits.
pub(crate) async fn notify_chat<C: GenericClient>(
    c: &C,
    scope: &str,
    chat: &Chat,
) -> StoreResult<()> {
    send(c, &chat_payload(scope, chat)).await
}

/// Queues the wake-up for a directory write of `account`.
pub(crate) async fn notify_directory<C: GenericClient>(
    c: &C,
    scope: &str,
    account: &AccountId,
) -> StoreResult<()> {
    send(c, &format!("{scope} directory {account}")).await
}

/// Queues the wake-up for the deletion of the session family rooted at `key_hash`.
pub(crate) async fn notify_session<C: GenericClient>(
    c: &C,
    scope: &str,
    key_hash: &str,
) -> StoreResult<()> {
    send(c, &format!("{scope} session {key_hash}")).await
}

async fn send<C: GenericClient>(c: &C, payload: &str) -> StoreResult<()> {
    db::exec(c, "SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])
        .await
        .map_err(error::pg)?;
    Ok(())
}

fn chat_payload(scope: &str, chat: &Chat) -> String {
    format!(
        "{scope} chat {} {} {}",
        chat.account, chat.key, chat.revision
    )
}

/// The wake-up a payload stands for: `None` for another schema's, `All` (with a warning) for
/// one we cannot read, since then we do not know what changed.
pub(crate) fn parse(scope: &str, payload: &str) -> Option<Wakeup> {
    let parts: Vec<&str> = payload.split(' ').collect();
    if parts.first() != Some(&scope) {
        return None;
    }
    let known = match parts[1..] {
        ["chat", account, key, revision] => {
            match (
                AccountId::parse(account),
                ChatKey::parse(key),
                revision.parse(),
            ) {
                (Ok(account), Ok(key), Ok(revision)) => Some(Wakeup::Chat {
                    account,
                    key,
                    revision,
                }),
                _ => None,
            }
        }
        ["directory", account] => AccountId::parse(account).ok().map(Wakeup::Directory),
        ["session", key_hash] if !key_hash.is_empty() => {
            Some(Wakeup::SessionFamily(key_hash.to_owned()))
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
        let payload = chat_payload("cw_a", &chat);
        assert_eq!(
            payload,
            format!("cw_a chat acc {} {}", chat.key, chat.revision)
        );
        assert_eq!(
            parse("cw_a", &payload),
            Some(Wakeup::Chat {
                account: chat.account.clone(),
                key: chat.key.clone(),
                revision: chat.revision,
            })
        );
    }

    #[test]
    fn directory_and_session_payloads_name_what_changed() {
        let acc = AccountId::parse("acc").expect("account");
        assert_eq!(
            parse("cw_a", "cw_a directory acc"),
            Some(Wakeup::Directory(acc))
        );
        assert_eq!(
            parse("cw_a", "cw_a session 0abc"),
            Some(Wakeup::SessionFamily("0abc".into()))
        );
    }

    #[test]
    fn other_schemas_are_ignored_and_unreadable_payloads_wake_everyone() {
        assert_eq!(parse("cw_a", "cw_b directory acc"), None);
        assert_eq!(parse("cw_a", "garbage"), None, "not even our schema");
        for bad in [
            "cw_a",
            "cw_a chat acc not-a-key 1",
            "cw_a chat acc",
            "cw_a directory a-b-c!",
            "cw_a session",
            "cw_a something new",
        ] {
            assert_eq!(parse("cw_a", bad), Some(Wakeup::All), "{bad}");
        }
    }
}
