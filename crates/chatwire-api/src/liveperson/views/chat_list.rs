//! The multi-chat retrieve document (seed 002): `{"chats":{"chat":[…]}}` with plain keys and
//! numeric event ids, one entry per asked key in the order asked. A chat entry is rendered once
//! per revision and reader and then reused from the [`FragmentCache`]: an unchanged poll answer
//! is assembled from cached bytes, which is why this view writes bytes rather than one tree.
//! A whole answer is kept too ([`PollAnswers`]): the same poll finding nothing new is answered
//! with the same body, copied nowhere, and a chat another poll shares with it unchanged is its
//! slice of that body ([`ChatEntry::Unchanged`]). A poll all of whose chats are such slices
//! (the same chats in another order) is sent as those slices ([`list_pieces`]), not copied
//! into a body of its own, and leaves the kept answer in place.

use axum::body::Bytes;
use chatwire_engine::ChatView;
use chatwire_engine::core::{AccountId, ChatKey, EventId, Timestamp};

use super::View;
use super::chat::{ChatResource, InfoExtras, Side, chat_urls};
use super::events::EventIds;
use super::list_document::{list_document, list_pieces, pieces_in_runs, rearranged};
use crate::http::negotiate::Format;
use crate::liveperson::compat::error_elem;
use crate::liveperson::fragments::{
    FragmentCache, KeptItem, PollAnswers, PollQuery, Poller, Reader,
};
use crate::liveperson::reply::{LpRaw, RawBody};
use crate::liveperson::wire::{Elem, JsonOptions, KeyStyle, write_content, write_xml};
use crate::{ApiError, BaseUrl};

/// The JSON options of every entry: plain keys, `chat` always an array.
const OPTS: JsonOptions<'static> = JsonOptions {
    style: KeyStyle::Plain,
    unwrap_root: false,
    lists: &["chat"],
};

/// Most pieces an answer is sent as ([`list_pieces`]): a rotated order makes five.
pub const MAX_PIECES: usize = 12;
/// The multi-chat answer's root element.
pub const LIST_ROOT: &str = "chats";
/// The name of each chat's item in it (a list).
pub const LIST_ITEM: &str = "chat";

/// One asked chat: read, or refused (unknown, not this agent's, malformed) without revealing
/// anything but the key the client sent.
#[derive(Debug)]
pub enum ChatEntry {
    /// The chat as read from `from`.
    Read {
        /// The chat's key.
        key: ChatKey,
        /// The cursor asked for.
        from: EventId,
        /// What the read returned.
        read: ChatView,
    },
    /// The chat as the agent session's last answer showed it, which the engine says it still
    /// shows: that answer's item, not read again.
    Unchanged {
        /// The chat's key.
        key: ChatKey,
        /// The cursor asked for.
        from: EventId,
        /// The item kept.
        item: KeptItem,
    },
    /// `{"chatSessionKey":…,"error":{…}}`.
    Refused {
        /// The key exactly as sent.
        raw: String,
        /// Why.
        error: ApiError,
    },
}

/// Who reads the list and how: the agent session the links hang off, the base URL, the format,
/// and one `now` for every entry's `duration`.
#[derive(Debug, Clone, Copy)]
pub struct ChatList<'a> {
    /// The agent's account.
    pub account: &'a AccountId,
    /// The agent session.
    pub asid: i64,
    /// `https://host` of the links.
    pub base: &'a BaseUrl,
    /// JSON or XML.
    pub format: Format,
    /// Now, for `duration` and error times.
    pub now: Timestamp,
    /// The poll's query as sent, kept with the answer.
    pub query: PollQuery<'a>,
}

impl ChatList<'_> {
    /// The whole answer: the last one sent to this agent session when every chat still shows
    /// what it showed; pieces of it when every chat is an item of it in another order, or
    /// when they are its chats in another order and some moved (pieces of it rendered again,
    /// [`Self::refreshed`]); else rendered (and kept), each read entry taken from `cache`
    /// while still exact.
    pub fn render(
        &self,
        cache: &FragmentCache,
        answers: &PollAnswers,
        entries: &[ChatEntry],
    ) -> LpRaw {
        let who = Poller {
            account: self.account,
            asid: self.asid,
            base: &self.base.0,
            format: self.format,
        };
        if let Some(body) = answers.reuse(&who, entries, self.now) {
            return LpRaw {
                format: self.format,
                body: body.into(),
            };
        }
        // Every chat unchanged from the last answer, in another order: its pieces, not a copy,
        // remembered with it for the same query sent again (`LastAnswer::pieces_for`).
        if let Some((shown, pieces)) = self.kept_pieces(entries) {
            let chats = shown.iter().map(|i| u32::try_from(i.index).ok());
            if self.query.wait.is_zero()
                && let Some(chats) = chats.collect::<Option<Vec<u32>>>()
            {
                answers.remember_pieces(&who, self.query.raw, &shown[0].body, &chats, &pieces);
            }
            return LpRaw {
                format: self.format,
                body: RawBody::Pieces(pieces),
            };
        }
        let items: Vec<Bytes> = entries
            .iter()
            .map(|entry| match entry {
                ChatEntry::Read { key, from, read } => self.chat(cache, key, *from, read),
                ChatEntry::Unchanged { item, .. } => item.bytes(),
                ChatEntry::Refused { raw, error } => {
                    let elem = Elem::new("chat")
                        .field("chatSessionKey", raw.as_str())
                        .child(error_elem(error, self.now.0));
                    Bytes::from(render_item(&elem, self.format, OPTS))
                }
            })
            .collect();
        if let Some(refreshed) = self.refreshed(answers, &who, entries, &items) {
            return refreshed;
        }
        let (body, spans) = list_document(LIST_ROOT, LIST_ITEM, &items, self.format);
        answers.keep(&who, self.query, entries, &spans, self.now, &body);
        LpRaw {
            format: self.format,
            body: body.into(),
        }
    }

    /// When `entries` (rendered as `items`, some of them read again: the kept answer could not
    /// serve them) are the last answer's chats in another order of few runs: that answer
    /// rendered again in its own order and kept (with its layouts), and this poll sent in
    /// pieces of it, remembered. Why: several polls of one session in orders of their own
    /// would otherwise each replace the kept answer in its order whenever a chat moves (a
    /// `duration` moves each second), so that every other order starts over.
    fn refreshed(
        &self,
        answers: &PollAnswers,
        who: &Poller<'_>,
        entries: &[ChatEntry],
        items: &[Bytes],
    ) -> Option<LpRaw> {
        if !self.query.wait.is_zero() {
            return None;
        }
        let last = answers.last(who)?;
        let order = last.order_of(who, entries)?;
        // `order` is a permutation of the kept positions: one run is the kept order itself
        // (kept as usual), and an order of many runs is copied and kept as usual too, so that
        // its next poll is asked again instead of coming here each time.
        let runs = 1 + order.windows(2).filter(|w| w[1] != w[0] + 1).count();
        if runs == 1 || pieces_in_runs(runs, self.format) > MAX_PIECES {
            return None;
        }
        let first = entries.first()?;
        let mut in_kept_order: Vec<(&ChatEntry, Bytes)> = vec![(first, Bytes::new()); order.len()];
        for ((entry, item), &i) in entries.iter().zip(items).zip(&order) {
            in_kept_order[i as usize] = (entry, item.clone());
        }
        let (kept_entries, kept_items): (Vec<&ChatEntry>, Vec<Bytes>) =
            in_kept_order.into_iter().unzip();
        let (body, spans) = list_document(LIST_ROOT, LIST_ITEM, &kept_items, self.format);
        let query = PollQuery {
            raw: last.query(),
            wait: last.wait(),
        };
        answers.keep(who, query, &kept_entries, &spans, self.now, &body);
        let asked = order.iter().map(|&i| spans[i as usize].clone());
        let Some(pieces) = rearranged(LIST_ROOT, LIST_ITEM, self.format, &body, asked, MAX_PIECES)
        else {
            // Too many pieces: a copy, not kept (the kept answer is the one just rendered).
            let (copy, _) = list_document(LIST_ROOT, LIST_ITEM, items, self.format);
            return Some(LpRaw {
                format: self.format,
                body: copy.into(),
            });
        };
        answers.remember_pieces(who, self.query.raw, &body, &order, &pieces);
        Some(LpRaw {
            format: self.format,
            body: RawBody::Pieces(pieces),
        })
    }

    /// The answer as pieces of the last answer, when every entry is an item of it
    /// ([`list_pieces`]), with those items.
    fn kept_pieces<'e>(&self, entries: &'e [ChatEntry]) -> Option<(Vec<&'e KeptItem>, Vec<Bytes>)> {
        let items = entries
            .iter()
            .map(|entry| match entry {
                ChatEntry::Unchanged { item, .. } => Some(item),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        let pieces = list_pieces(LIST_ROOT, LIST_ITEM, &items, self.format, MAX_PIECES)?;
        Some((items, pieces))
    }

    fn chat(&self, cache: &FragmentCache, key: &ChatKey, from: EventId, read: &ChatView) -> Bytes {
        // The agent side shows no skill name, and one `now` serves the whole answer.
        let extras = InfoExtras {
            skill_name: None,
            now: self.now,
        };
        let reader = Reader {
            account: self.account,
            side: Side::Agent,
            asid: Some(self.asid),
            base: &self.base.0,
            format: self.format,
            ids: EventIds::PlainNumeric,
            from,
        };
        cache.get_or_render(&reader, read, &extras, || {
            let urls = chat_urls(self.base, self.account, Some(self.asid), key);
            let resource = ChatResource {
                read,
                side: Side::Agent,
                urls: &urls,
                extras: &extras,
                ids: EventIds::PlainNumeric,
            };
            render_item(&resource.render(), self.format, OPTS)
        })
    }
}

/// `e` as one item of a list: its XML element, or its JSON value (what goes inside the list's
/// array; [`list_document`] puts the commas between items).
pub fn render_item(e: &Elem, format: Format, opts: JsonOptions<'_>) -> Vec<u8> {
    match format {
        Format::Json => {
            let mut out = Vec::with_capacity(4096);
            write_content(e, opts, &mut out);
            out
        }
        Format::Xml => {
            let mut out = String::with_capacity(4096);
            write_xml(e, &mut out);
            out.into_bytes()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::liveperson::views::list_document::tests::kept;

    #[test]
    fn a_poll_whose_every_chat_is_kept_is_sent_in_pieces_and_any_other_is_not() {
        // Arrange: three items of one kept body, no answer kept for the session.
        let account = AccountId::parse("1").expect("account");
        let base = BaseUrl("http://h".into());
        let list = ChatList {
            account: &account,
            asid: 7,
            base: &base,
            format: Format::Json,
            now: Timestamp(0),
            query: PollQuery {
                raw: "k=2,1",
                wait: std::time::Duration::ZERO,
            },
        };
        let unchanged = |item: &KeptItem, n: u64| ChatEntry::Unchanged {
            key: ChatKey::from_random(n, 2, 3),
            from: EventId(0),
            item: item.clone(),
        };
        let kept = kept(&["{\"a\":1}", "{}", "{\"c\":3}"], Format::Json);
        let (cache, answers) = (FragmentCache::default(), PollAnswers::default());

        // Act
        let rotated = [
            unchanged(&kept[1], 2),
            unchanged(&kept[2], 3),
            unchanged(&kept[0], 1),
        ];
        let in_pieces = list.render(&cache, &answers, &rotated);
        let with_refused = [
            unchanged(&kept[1], 2),
            ChatEntry::Refused {
                raw: "nope".into(),
                error: ApiError::NotFound("no chat".into()),
            },
        ];
        let copied = list.render(&cache, &answers, &with_refused);

        // Assert
        match in_pieces.body {
            RawBody::Pieces(pieces) => {
                assert_eq!(
                    pieces.concat(),
                    br#"{"chats":{"chat":[{},{"c":3},{"a":1}]}}"#
                );
            }
            RawBody::Whole(_) => panic!("every chat kept: pieces"),
        }
        assert!(
            matches!(copied.body, RawBody::Whole(_)),
            "a refused chat: copied"
        );
        assert_eq!(answers.held().0, 0, "neither is kept");
    }
}
