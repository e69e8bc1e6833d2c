//! The list document every multi-chat answer is: `<root><item/>…</root>`, or in JSON
//! `{"root":{"item":[…]}}`, written from items already rendered. [`list_document`] copies the
//! items into one body and says where each lies in it; [`list_pieces`] sends items kept in
//! one such body as pieces of it, rearranged without a copy.

use std::ops::Range;

use axum::body::Bytes;

use crate::http::negotiate::Format;
use crate::liveperson::fragments::KeptItem;
use crate::liveperson::wire::{XML_DECLARATION, write_str};

/// The document `<root><item/>…</root>` made of items
/// ([`super::chat_list::render_item`]), where `item` is a list name (always a JSON array) and
/// `root` has nothing else: `{"root":{"item":[…]}}`; and where each item lies in it. One
/// buffer: measured on scenario (a), one 135 KB write costs ~15% less server CPU than handing
/// hyper 52 chunks, which it writes 16 iovecs at a time, each write pushing its own TCP
/// segments.
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
    let body = &items.first()?.body;
    let same = |b: &Bytes| b.as_ptr() == body.as_ptr() && b.len() == body.len();
    if !items.iter().all(|i| same(&i.body)) {
        return None;
    }
    let spans = items.iter().map(|i| i.span.clone());
    rearranged(root, item, format, body, spans, max_pieces)
}

/// The document [`list_document`] makes of the items of `body` (a document it made) at
/// `spans`, in that order, as pieces of `body` ([`list_pieces`]); `None` when there are none
/// or they would make more than `max_pieces` pieces.
pub fn rearranged(
    root: &str,
    item: &str,
    format: Format,
    body: &Bytes,
    mut spans: impl Iterator<Item = Range<usize>>,
    max_pieces: usize,
) -> Option<Vec<Bytes>> {
    let mut run = spans.next()?;
    let Frame {
        head,
        separator,
        tail,
    } = Frame::new(root, item, format);
    let mut pieces = vec![Bytes::from(head)];
    for next in spans {
        let between = run.end..next.start;
        if body.get(between) == Some(separator) {
            run.end = next.end;
            continue;
        }
        pieces.push(body.slice(run));
        if !separator.is_empty() {
            pieces.push(Bytes::from_static(separator));
        }
        run = next;
        if pieces.len() > max_pieces {
            return None;
        }
    }
    pieces.push(body.slice(run));
    pieces.push(Bytes::from(tail));
    (pieces.len() <= max_pieces).then_some(pieces)
}

/// How many pieces [`rearranged`] makes of items that lie in `runs` runs of the body: the head,
/// the runs with a separator between each two (JSON's comma; XML has none), the tail.
pub fn pieces_in_runs(runs: usize, format: Format) -> usize {
    let separators = match format {
        Format::Json => runs.saturating_sub(1),
        Format::Xml => 0,
    };
    2 + runs + separators
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
pub(crate) mod tests {
    use super::*;

    pub(crate) fn items(texts: &[&'static str]) -> Vec<Bytes> {
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
    pub(crate) fn kept(texts: &[&'static str], format: Format) -> Vec<KeptItem> {
        let (body, spans) = list_document("chats", "chat", &items(texts), format);
        spans
            .into_iter()
            .enumerate()
            .map(|(index, span)| KeptItem {
                revision: 1,
                valid_until: None,
                body: body.clone(),
                span,
                index,
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
            let runs = 1 + order.windows(2).filter(|w| w[1] != w[0] + 1).count();
            assert_eq!(
                pieces_in_runs(runs, format),
                expected,
                "{format:?} {order:?}"
            );
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
}
