//! The multi-chat retrieve document (seed 002): `{"chats":{"chat":[…]}}` with plain keys and
//! numeric event ids, one entry per asked key in the order asked. A chat entry is rendered once
//! per revision and reader and then reused from the [`FragmentCache`]: an unchanged poll answer
//! is assembled from cached bytes, which is why this view writes bytes rather than one tree.
//! A whole answer is kept too ([`PollAnswers`]): the same poll finding nothing new is answered
//! with the same body, copied nowhere, and a chat another poll shares with it unchanged is its
//! slice of that body ([`ChatEntry::Unchanged`]).

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
use crate::liveperson::reply::LpRaw;
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
    /// what it showed, else rendered, each read entry taken from `cache` while still exact.
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
                body,
            };
        }
        let items: Vec<Bytes> = entries
            .iter()
            .map(|entry| match entry {
                ChatEntry::Read { key, from, read } => self.chat(cache, key, *from, read),
                ChatEntry::Unchanged { item, .. } => item.bytes.clone(),
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
            body,
        }
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
    let mut head = Vec::with_capacity(64);
    if items.is_empty() {
        // What the element tree gives for an empty container.
        match format {
            Format::Json => {
                head.push(b'{');
                write_str(root, &mut head);
                head.extend_from_slice(b":{}}");
            }
            Format::Xml => {
                head.extend_from_slice(XML_DECLARATION.as_bytes());
                head.extend_from_slice(format!("<{root}/>").as_bytes());
            }
        }
        return (Bytes::from(head), Vec::new());
    }
    let (separator, tail): (&[u8], Vec<u8>) = match format {
        Format::Json => {
            head.push(b'{');
            write_str(root, &mut head);
            head.extend_from_slice(b":{");
            write_str(item, &mut head);
            head.extend_from_slice(b":[");
            (b",", b"]}}".to_vec())
        }
        Format::Xml => {
            head.extend_from_slice(XML_DECLARATION.as_bytes());
            head.extend_from_slice(format!("<{root}>").as_bytes());
            (b"", format!("</{root}>").into_bytes())
        }
    };
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
}
