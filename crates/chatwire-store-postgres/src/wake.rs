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
use std::sync::Arc;

use chatwire_core::{
    AccountId, AgentId, Availability, Chat, ChatEvent, ChatKey, EventId, GlobalSeq,
};
use chatwire_store::{StoreResult, Wakeup};
use deadpool_postgres::GenericClient;

use crate::chats::Written;
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

/// Room kept in an `events` payload for the base the counter's statement writes in (an
/// `int8` and a space).
const BASE_ROOM: usize = 21;

/// The wake-ups of one batch's chat writes, one payload per chat, built before the counter is
/// taken and sent in its statement (`seq::append`), which writes each `events` payload's base
/// in. Three columns, one row per payload.
#[derive(Debug, Default)]
pub(crate) struct ChatWakeups {
    /// Each payload's text up to its base (the whole payload when it carries no events).
    pub(crate) heads: Vec<String>,
    /// Whether the payload carries events: then the base, a space and `bodies[i]` follow.
    pub(crate) based: Vec<bool>,
    /// The JSON after the base (empty unless `based`).
    pub(crate) bodies: Vec<String>,
}

/// An `events` payload's JSON: `{"chat": …, "events": […]}`.
#[derive(serde::Deserialize)]
struct CarriedIn {
    chat: Chat,
    events: Vec<ChatEvent>,
}

impl ChatWakeups {
    /// One payload per chat that `writes` (a batch, in the order `seq::append` numbers its
    /// events) wrote: with `carry`, the chat as last written and every event the batch
    /// appended to it, each `seq` its position among the batch's events (1-based; readers add
    /// the base); without, the chat's revision and next event id only (no other node listens,
    /// see `peers`).
    pub(crate) fn of(origin: &str, writes: &[Written], carry: bool) -> StoreResult<Self> {
        let mut order: Vec<&str> = Vec::new();
        let mut chats: std::collections::HashMap<&str, (usize, Vec<ChatEvent>)> =
            std::collections::HashMap::with_capacity(writes.len());
        let mut position = 0;
        for (i, w) in writes.iter().enumerate() {
            let key = w.chat.key.as_str();
            let (last, events) = chats.entry(key).or_insert_with(|| {
                order.push(key);
                (i, Vec::new())
            });
            *last = i;
            for e in &w.events {
                position += 1;
                events.push(ChatEvent {
                    seq: GlobalSeq(position),
                    ..e.clone()
                });
            }
        }
        let mut out = Self::default();
        for key in order {
            if let Some((last, events)) = chats.remove(key)
                && let Some(w) = writes.get(last)
            {
                out.push(origin, &w.chat, &events, carry)?;
            }
        }
        Ok(out)
    }

    fn push(
        &mut self,
        origin: &str,
        chat: &Chat,
        events: &[ChatEvent],
        carry: bool,
    ) -> StoreResult<()> {
        let fields = format!(
            "{} {} {} {}",
            chat.account, chat.key, chat.revision, chat.next_event_id.0
        );
        if !carry {
            self.heads.push(format!("{origin} chat {fields}"));
            self.based.push(false);
            self.bodies.push(String::new());
            return Ok(());
        }
        let json = rows::chat_json(chat)?;
        let encode = |e: serde_json::Error| chatwire_store::StoreError::Other(e.into());
        if !events.is_empty() {
            let head = format!("{origin} events {fields} ");
            // The chat's JSON is spliced in as written for its row, not encoded again.
            let events = serde_json::to_string(events).map_err(encode)?;
            let body = format!(r#"{{"chat":{json},"events":{events}}}"#);
            if head.len() + BASE_ROOM + body.len() <= MAX_PAYLOAD {
                self.heads.push(head);
                self.based.push(true);
                self.bodies.push(body);
                return Ok(());
            }
        }
        let mut head = format!("{origin} chat {fields}");
        if head.len() + 1 + json.len() <= MAX_PAYLOAD {
            head.push(' ');
            head.push_str(&json);
        }
        self.heads.push(head);
        self.based.push(false);
        self.bodies.push(String::new());
        Ok(())
    }
}

/// A chat payload's fields after its kind: account, key, revision, next event id, then for
/// `events` the base and the JSON of the chat and its events, for `chat` maybe the chat's
/// JSON (JSON holds spaces, so it is whatever follows the fields before it).
fn parse_chat(fields: &str, with_events: bool) -> Option<Wakeup> {
    let mut parts = fields.splitn(if with_events { 6 } else { 5 }, ' ');
    let account = AccountId::parse(parts.next()?).ok()?;
    let key = ChatKey::parse(parts.next()?).ok()?;
    let revision = parts.next()?.parse().ok()?;
    let next_event = EventId(parts.next()?.parse().ok()?);
    let same =
        |chat: &Chat| chat.account == account && chat.key == key && chat.revision == revision;
    let (chat, events) = if with_events {
        let base: i64 = parts.next()?.parse().ok()?;
        match parts.next().map(serde_json::from_str::<CarriedIn>) {
            Some(Ok(mut carried)) if same(&carried.chat) => {
                let numbered = carried.events.iter_mut().all(|e| {
                    base.checked_add(e.seq.0)
                        .map(|seq| e.seq = GlobalSeq(seq))
                        .is_some()
                });
                let events = if numbered {
                    carried.events.into()
                } else {
                    Arc::from([])
                };
                (Some(Arc::new(carried.chat)), events)
            }
            _ => (None, Arc::from([])),
        }
    } else {
        let chat = parts
            .next()
            .and_then(|json| rows::chat_from_json(json).ok())
            .filter(same);
        (chat.map(Arc::new), Arc::from([]))
    };
    Some(Wakeup::Chat {
        account,
        key,
        revision,
        next_event,
        chat,
        events,
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
    let chat = match rest.split_once(' ') {
        Some(("chat", fields)) => Some(parse_chat(fields, false)),
        Some(("events", fields)) => Some(parse_chat(fields, true)),
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

    /// A chat and its line, as the batch writes them (events not numbered yet).
    fn lined(mut chat: Chat, text: &str) -> Written {
        let cmd = chatwire_core::ChatCommand::PostLine {
            author: chatwire_core::Actor::Visitor,
            text: text.into(),
            text_type: chatwire_core::TextType::Plain,
            json: None,
            sub_type: chatwire_core::LineSubType::Regular,
        };
        let ctx = chatwire_core::DecisionContext::default();
        let events = chatwire_store::decide_and_apply(
            &mut chat,
            cmd,
            &ctx,
            Timestamp(2),
            crate::seq::PLACEHOLDER,
        )
        .expect("line");
        Written { chat, events }
    }

    /// The payloads as the counter's statement sends them, with `base` written in.
    fn sent(wakeups: &ChatWakeups, base: i64) -> Vec<String> {
        (0..wakeups.heads.len())
            .map(|i| match wakeups.based[i] {
                true => format!("{}{base} {}", wakeups.heads[i], wakeups.bodies[i]),
                false => wakeups.heads[i].clone(),
            })
            .collect()
    }

    #[test]
    fn a_batch_sends_one_payload_per_chat_with_the_chat_and_its_numbered_events() {
        // Arrange: two lines on one chat around a line on another, in one batch.
        let mut other = chat();
        other.key = ChatKey::from_random(4, 5, 6);
        let first = lined(chat(), "one");
        let elsewhere = lined(other, "two");
        let second = lined(first.chat.clone(), "three");
        let writes = [first, elsewhere, second];

        // Act: the counter gave the batch's events 101..=103 (base 100).
        let wakeups = ChatWakeups::of("cw_a n1", &writes, true).expect("payloads");
        let payloads = sent(&wakeups, 100);

        // Assert: the first chat's payload holds it as last written and both of its lines,
        // numbered as the counter numbers them (in the batch's order).
        assert_eq!(payloads.len(), 2);
        let hint = parse("cw_a", "n2", &payloads[0]).expect("a hint");
        let Wakeup::Chat {
            chat: Some(carried),
            events,
            revision,
            next_event,
            ..
        } = hint
        else {
            panic!("no chat carried: {}", payloads[0]);
        };
        assert_eq!(*carried, writes[2].chat);
        assert_eq!(
            (revision, next_event),
            (carried.revision, carried.next_event_id)
        );
        let expected: Vec<ChatEvent> = [(&writes[0], 101), (&writes[2], 103)]
            .into_iter()
            .map(|(w, seq)| ChatEvent {
                seq: GlobalSeq(seq),
                ..w.events[0].clone()
            })
            .collect();
        assert_eq!(*events, *expected);
        let Some(Wakeup::Chat { events, .. }) = parse("cw_a", "n2", &payloads[1]) else {
            panic!("{}", payloads[1]);
        };
        assert_eq!(events[0].seq, GlobalSeq(102));
        assert_eq!(parse("cw_a", "n1", &payloads[0]), None, "our own echo");
    }

    #[test]
    fn what_does_not_fit_in_a_notification_is_left_out_step_by_step() {
        let written = lined(chat(), &"x".repeat(MAX_PAYLOAD / 2));
        let size = |w: &Written| {
            let wakeups =
                ChatWakeups::of("cw_a n1", std::slice::from_ref(w), true).expect("payload");
            let payload = sent(&wakeups, i64::MAX - 1_000).remove(0);
            assert!(payload.len() <= MAX_PAYLOAD, "{} bytes", payload.len());
            match parse("cw_a", "n2", &payload) {
                Some(Wakeup::Chat { chat, events, .. }) => (chat.is_some(), events.len()),
                other => panic!("{other:?}"),
            }
        };
        // The chat and its events fit.
        assert_eq!(size(&written), (true, 1));
        // The line is too long to come along; the chat still fits.
        let long = lined(chat(), &"x".repeat(MAX_PAYLOAD));
        assert_eq!(size(&long), (true, 0));
        // The chat itself is too large: only its revision and next event id go.
        let mut huge = chat();
        huge.visitor_name = "v".repeat(MAX_PAYLOAD);
        assert_eq!(size(&lined(huge, "hi")), (false, 0));
        // No event in the batch (typing): a `chat` payload with the chat.
        let quiet = Written {
            chat: chat(),
            events: Vec::new(),
        };
        assert_eq!(size(&quiet), (true, 0));
    }

    #[test]
    fn without_other_nodes_listening_a_batch_sends_only_revisions() {
        let writes = [lined(chat(), "one")];
        let wakeups = ChatWakeups::of("cw_a n1", &writes, false).expect("payloads");
        let chat = &writes[0].chat;
        assert_eq!(
            sent(&wakeups, 100),
            [format!(
                "cw_a n1 chat acc {} {} {}",
                chat.key, chat.revision, chat.next_event_id.0
            )]
        );
    }

    #[test]
    fn a_carried_json_that_does_not_match_its_hint_is_ignored_not_trusted() {
        let chat = chat();
        let json = rows::chat_json(&chat).expect("json");
        let fields =
            |revision: u64| format!("acc {} {revision} {}", chat.key, chat.next_event_id.0);
        for payload in [
            format!("cw_a n1 chat {} {json}", fields(chat.revision + 1)),
            format!(
                "cw_a n1 chat {} {{\"not\": \"a chat\"}}",
                fields(chat.revision)
            ),
            format!(
                "cw_a n1 events {} 7 {{\"chat\":{json},\"events\":[]}}",
                fields(chat.revision + 1)
            ),
            format!("cw_a n1 events {} 7 [1, 2]", fields(chat.revision)),
        ] {
            let Some(Wakeup::Chat {
                chat: carried,
                key,
                events,
                ..
            }) = parse("cw_a", "n2", &payload)
            else {
                panic!("not a chat hint: {payload}");
            };
            assert_eq!(
                (carried, key, events.len()),
                (None, chat.key.clone(), 0),
                "{payload}"
            );
        }
        // An `events` payload without its base is not a hint we can read.
        let broken = format!("cw_a n1 events {}", fields(chat.revision));
        assert_eq!(parse("cw_a", "n2", &broken), Some(Wakeup::All));
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
