//! The multi-chat retrieve document (seed 002): `{"chats":{"chat":[…]}}` with plain keys and
//! numeric event ids, one entry per asked key in the order asked. A chat entry is rendered once
//! per revision and reader and then reused from the [`FragmentCache`]: an unchanged poll answer
//! is assembled from cached bytes, which is why this view writes bytes rather than one tree.
//! A whole answer is kept too ([`PollAnswers`]): the same poll finding nothing new is answered
//! with the same body, copied nowhere, and a chat another poll shares with it unchanged is its
//! slice of that body ([`ChatEntry::Unchanged`]). A poll all of whose chats are such slices
//! (the same chats in another order) is sent as those slices ([`list_pieces`]), not copied
//! into a body of its own, and leaves the kept answer in place.

use std::ops::Range;

use axum::body::Bytes;
use chatwire_engine::ChatView;
use chatwire_engine::core::{AccountId, ChatKey, EventId, Timestamp};

use super::View;
use super::chat::{ChatResource, InfoExtras, Side, chat_urls};
use super::events::EventIds;
use crate::http::negotiate::Format;
use crate::liveperson::compat::error_elem;
use crate::liveperson::fragments::{
    FragmentCache, KeptItem, PollAnswers, PollQuery, Poller, Reader,
};
use crate::liveperson::reply::{LpRaw, RawBody};
use crate::liveperson::wire::{
    Elem, JsonOptions, KeyStyle, XML_DECLARATION, write_content, write_str, write_xml,
};
use crate::{ApiError, BaseUrl};

/// The JSON options of every entry: plain keys, `chat` always an array.
const OPTS: JsonOptions<'static> = JsonOptions {
    style: KeyStyle::Plain,
    unwrap_root: false,
    lists: &["chat"],
};

/// Most pieces an answer is sent as ([`list_pieces`]): a rotated order makes five.
const MAX_PIECES: usize = 12;

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
    /// what it showed; pieces of it when every chat is an item of it in another order (unless
    /// the session settled on that order, [`PollAnswers::settled_on`]); else rendered (and
    /// kept), each read entry taken from `cache` while still exact.
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
        // unless this order is here to stay (`PollAnswers::settled_on`).
        if let Some(pieces) = self.kept_pieces(entries)
            && !answers.settled_on(&who, self.query.raw)
        {
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
        let (body, spans) = list_document("chats", "chat", &items, self.format);
        answers.keep(&who, self.query, entries, &spans, self.now, &body);
        LpRaw {
            format: self.format,
            body: body.into(),
        }
    }

    /// The answer as pieces of the last answer, when every entry is an item of it
    /// ([`list_pieces`]).
    fn kept_pieces(&self, entries: &[ChatEntry]) -> Option<Vec<Bytes>> {
        let items = entries
            .iter()
            .map(|entry| match entry {
                ChatEntry::Unchanged { item, .. } => Some(item),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        list_pieces("chats", "chat", &items, self.format, MAX_PIECES)
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

/// The document `<root><item/>…</root>` made of [`render_item`]s, where `item` is a list name
/// (always a JSON array) and `root` has nothing else: `{"root":{"item":[…]}}`; and where each
/// item lies in it. One buffer: measured on scenario (a), one 135 KB write costs ~15% less
/// server CPU than handing hyper 52 chunks, which it writes 16 iovecs at a time, each write
/// pushing its own TCP segments.
pub fn list_document(
    root: &str,
    item: &str,
    items: &[Bytes],
    format: Format,
) -> (Bytes, Vec<Range<usize>>) {
    if items.is_empty() {
        return (Bytes::from(empty_document(root, format)), Vec::new());
    }
    let Frame {
        head,
        separator,
        tail,
    } = Frame::new(root, item, format);
    let items_len: usize = items.iter().map(|i| i.len() + separator.len()).sum();
    let mut body = Vec::with_capacity(head.len() + items_len + tail.len());
    body.extend_from_slice(&head);
    let mut spans = Vec::with_capacity(items.len());
    for (i, part) in items.iter().enumerate() {
        if i > 0 {
            body.extend_from_slice(separator);
        }
        let start = body.len();
        body.extend_from_slice(part);
        spans.push(start..body.len());
    }
    body.extend_from_slice(&tail);
    (Bytes::from(body), spans)
}

/// The document [`list_document`] makes of `items`, each kept in one body (the same buffer for
/// all), as pieces of that body instead of a copy: items that lie one after another in it,
/// separator between, are one piece. A poll of a kept answer's chats in another order (say
/// rotated) is then a few pieces. `None` when there are no items, they lie in more than one
/// buffer, or they would make more than `max_pieces` pieces (many small writes cost more than
/// one copy, see [`list_document`]).
pub fn list_pieces(
    root: &str,
    item: &str,
    items: &[&KeptItem],
    format: Format,
    max_pieces: usize,
) -> Option<Vec<Bytes>> {
    let (first, rest) = items.split_first()?;
    let body = &first.body;
    let same = |b: &Bytes| b.as_ptr() == body.as_ptr() && b.len() == body.len();
    if !rest.iter().all(|i| same(&i.body)) {
        return None;
    }
    let Frame {
        head,
        separator,
        tail,
    } = Frame::new(root, item, format);
    let mut pieces = vec![Bytes::from(head)];
    let mut run = first.span.clone();
    for next in rest {
        let between = run.end..next.span.start;
        if body.get(between) == Some(separator) {
            run.end = next.span.end;
            continue;
        }
        pieces.push(body.slice(run));
        if !separator.is_empty() {
            pieces.push(Bytes::from_static(separator));
        }
        run = next.span.clone();
        if pieces.len() > max_pieces {
            return None;
        }
    }
    pieces.push(body.slice(run));
    pieces.push(Bytes::from(tail));
    (pieces.len() <= max_pieces).then_some(pieces)
}

/// What the element tree gives for an empty container.
fn empty_document(root: &str, format: Format) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    match format {
        Format::Json => {
            out.push(b'{');
            write_str(root, &mut out);
            out.extend_from_slice(b":{}}");
        }
        Format::Xml => {
            out.extend_from_slice(XML_DECLARATION.as_bytes());
            out.extend_from_slice(format!("<{root}/>").as_bytes());
        }
    }
    out
}

/// What a non-empty list document has around and between its items.
struct Frame {
    head: Vec<u8>,
    separator: &'static [u8],
    tail: Vec<u8>,
}

impl Frame {
    fn new(root: &str, item: &str, format: Format) -> Self {
        let mut head = Vec::with_capacity(64);
        match format {
            Format::Json => {
                head.push(b'{');
                write_str(root, &mut head);
                head.extend_from_slice(b":{");
                write_str(item, &mut head);
                head.extend_from_slice(b":[");
                Self {
                    head,
                    separator: b",",
                    tail: b"]}}".to_vec(),
                }
            }
            Format::Xml => {
                head.extend_from_slice(XML_DECLARATION.as_bytes());
                head.extend_from_slice(format!("<{root}>").as_bytes());
                Self {
                    head,
                    separator: b"",
                    tail: format!("</{root}>").into_bytes(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(texts: &[&'static str]) -> Vec<Bytes> {
        texts
            .iter()
            .map(|t| Bytes::from_static(t.as_bytes()))
            .collect()
    }

    #[test]
    fn the_document_puts_separators_between_items_and_says_where_each_lies() {
        let cases = [
            (Format::Json, vec![], r#"{"chats":{}}"#.to_owned()),
            (
                Format::Json,
                vec!["{}"],
                r#"{"chats":{"chat":[{}]}}"#.to_owned(),
            ),
            (
                Format::Json,
                vec!["{\"a\":1}", "{}", "{\"c\":3}"],
                r#"{"chats":{"chat":[{"a":1},{},{"c":3}]}}"#.to_owned(),
            ),
            (Format::Xml, vec![], format!("{XML_DECLARATION}<chats/>")),
            (
                Format::Xml,
                vec!["<chat>1</chat>", "<chat/>"],
                format!("{XML_DECLARATION}<chats><chat>1</chat><chat/></chats>"),
            ),
        ];
        for (format, texts, expected) in cases {
            let parts = items(&texts);

            let (body, spans) = list_document("chats", "chat", &parts, format);

            assert_eq!(std::str::from_utf8(&body).ok(), Some(expected.as_str()));
            let shown: Vec<&[u8]> = spans.iter().map(|s| &body[s.clone()]).collect();
            let asked: Vec<&[u8]> = parts.iter().map(|p| &p[..]).collect();
            assert_eq!(shown, asked, "{format:?} {texts:?}");
        }
    }

    /// The items of `texts` as kept in one answer body, each with its place in it.
    fn kept(texts: &[&'static str], format: Format) -> Vec<KeptItem> {
        let (body, spans) = list_document("chats", "chat", &items(texts), format);
        spans
            .into_iter()
            .map(|span| KeptItem {
                revision: 1,
                valid_until: None,
                body: body.clone(),
                span,
            })
            .collect()
    }

    #[test]
    fn kept_items_in_another_order_are_the_document_of_that_order_in_few_pieces() {
        let texts = ["{\"a\":1}", "{}", "{\"c\":3}", "{\"d\":4}"];
        let xml = [
            "<chat>1</chat>",
            "<chat/>",
            "<chat>3</chat>",
            "<chat>4</chat>",
        ];
        // (format, texts, order asked, pieces expected): head, runs (and separators), tail.
        let cases = [
            (Format::Json, texts, vec![1, 2, 3, 0], 5),
            (Format::Json, texts, vec![0, 1, 2, 3], 3),
            (Format::Json, texts, vec![3, 2, 1, 0], 9),
            (Format::Json, texts, vec![2], 3),
            (Format::Json, texts, vec![0, 0], 5),
            (Format::Json, texts, vec![1, 0, 1], 5),
            (Format::Xml, xml, vec![2, 3, 0, 1], 4),
        ];
        for (format, texts, order, expected) in cases {
            let kept = kept(&texts, format);
            let asked: Vec<&KeptItem> = order.iter().map(|&i| &kept[i]).collect();
            let wanted: Vec<Bytes> = asked.iter().map(|k| k.bytes()).collect();

            let pieces = list_pieces("chats", "chat", &asked, format, 12).expect("pieces");

            let (whole, _) = list_document("chats", "chat", &wanted, format);
            assert_eq!(pieces.concat(), whole.to_vec(), "{format:?} {order:?}");
            assert_eq!(pieces.len(), expected, "{format:?} {order:?}");
        }
    }

    #[test]
    fn items_of_two_bodies_too_many_pieces_or_none_are_not_pieces() {
        let one = kept(&["{}", "[]", "1"], Format::Json);
        let other = kept(&["{}", "[]", "1"], Format::Json);
        let mixed = [&one[0], &other[1]];
        assert!(list_pieces("chats", "chat", &mixed, Format::Json, 12).is_none());
        let reversed = [&one[2], &one[1], &one[0]];
        assert!(list_pieces("chats", "chat", &reversed, Format::Json, 12).is_some());
        assert!(
            list_pieces("chats", "chat", &reversed, Format::Json, 6).is_none(),
            "7 pieces"
        );
        assert!(list_pieces("chats", "chat", &[], Format::Json, 12).is_none());
    }

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
