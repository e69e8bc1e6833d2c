//! What (f)'s pollers read from a multi-chat retrieve answer, and the bookkeeping that follows:
//! each chat's cursor moves past the highest event id it answered, and every line the writer
//! stamped (`f <seq>`) is a delivery of that sequence number. Pure: no I/O, unit-tested.

use std::collections::HashMap;

use serde_json::Value;

/// The prefix of every line (f)'s writer appends; the rest of the text is its sequence number.
pub(crate) const LINE_PREFIX: &str = "f ";

/// The text of the line with sequence number `seq`.
pub(crate) fn line_text(seq: u64) -> String {
    format!("{LINE_PREFIX}{seq}")
}

/// The sequence number of a line the writer stamped, or `None` for any other text.
pub(crate) fn seq_of(text: &str) -> Option<u64> {
    text.strip_prefix(LINE_PREFIX)?.parse().ok()
}

/// One chat of an answer: its key, the highest event id it answered, and the stamped lines.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ChatNews {
    /// Chat key (last segment of the chat's `self` link).
    pub(crate) key: String,
    /// Highest event id in the answer, when it had events.
    pub(crate) last_id: Option<u32>,
    /// Sequence numbers of the writer's lines among the events.
    pub(crate) seqs: Vec<u64>,
}

/// Reads a JSON multi-chat retrieve answer (`{"chats":{"chat":[…]}}`; a single chat or a
/// single event may be an object instead of a list). Chats answered with an `error` are
/// skipped: the caller notices them as chats that never advance.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<ChatNews>, serde_json::Error> {
    let v: Value = serde_json::from_slice(body)?;
    Ok(items(&v["chats"]["chat"])
        .into_iter()
        .filter(|c| c.get("error").is_none())
        .map(|c| {
            let mut news = ChatNews {
                key: self_key(c).unwrap_or_default(),
                ..ChatNews::default()
            };
            for e in items(&c["events"]["event"]) {
                let id = e["id"]
                    .as_u64()
                    .or_else(|| e["@id"].as_str().and_then(|s| s.parse().ok()))
                    .and_then(|id| u32::try_from(id).ok());
                if let Some(id) = id {
                    news.last_id = Some(news.last_id.map_or(id, |m| m.max(id)));
                }
                if e["type"] == "line"
                    && let Some(seq) = e["text"].as_str().and_then(seq_of)
                {
                    news.seqs.push(seq);
                }
            }
            news
        })
        .collect())
}

/// A JSON member that is a list, a single object, or absent, as a list.
fn items(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// The chat key: the last path segment of the chat's `self` link.
fn self_key(chat: &Value) -> Option<String> {
    items(&chat["link"])
        .into_iter()
        .find(|l| l["rel"] == "self")
        .and_then(|l| l["href"].as_str())
        .and_then(|h| h.rsplit('/').next())
        .map(str::to_owned)
}

/// One poller's chats in a fixed order, each with the id it reads from next.
#[derive(Debug, Clone)]
pub(crate) struct Cursors {
    keys: Vec<String>,
    from: Vec<u32>,
    index: HashMap<String, usize>,
}

impl Cursors {
    /// Every chat read from event 0.
    pub(crate) fn new(keys: Vec<String>) -> Self {
        let index = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect();
        let from = vec![0; keys.len()];
        Self { keys, from, index }
    }

    /// Moves each answered chat's cursor past its highest event id (never backwards); returns
    /// how many answered chats were not ours (a server mistake worth reporting).
    pub(crate) fn advance(&mut self, news: &[ChatNews]) -> usize {
        let mut strangers = 0;
        for n in news {
            match (self.index.get(&n.key), n.last_id) {
                (Some(&i), Some(last)) => self.from[i] = self.from[i].max(last + 1),
                (Some(_), None) => {}
                (None, _) => strangers += 1,
            }
        }
        strangers
    }

    /// The query of the multi-chat retrieve from these cursors, waiting up to `wait` seconds.
    pub(crate) fn query(&self, wait: u64) -> String {
        let froms: Vec<String> = self.from.iter().map(u32::to_string).collect();
        format!(
            "chatSessionKeys={}&fromEventIds={}&wait={wait}",
            self.keys.join(","),
            froms.join(",")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(key: &str, events: &Value) -> Value {
        serde_json::json!({
            "link": [{"href": format!("http://h/api/account/1000/agentSession/1/chat/{key}"), "rel": "self"}],
            "events": {"event": events},
        })
    }

    #[test]
    fn stamped_lines_round_trip_and_other_texts_are_not_stamps() {
        assert_eq!(seq_of(&line_text(4711)), Some(4711));
        assert_eq!(seq_of("hello"), None);
        assert_eq!(seq_of("f x"), None);
    }

    #[test]
    fn an_answer_gives_each_chats_last_id_and_stamped_lines() {
        // Arrange: one chat with two events (a list), one with one (an object), one with none.
        let body = serde_json::json!({"chats": {"chat": [
            chat("A", &serde_json::json!([
                {"id": 7, "type": "line", "text": "f 12"},
                {"id": 9, "type": "line", "text": "not ours"},
            ])),
            chat("B", &serde_json::json!({"id": 3, "type": "line", "text": "f 13"})),
            chat("C", &Value::Null),
            {"chatSessionKey": "D", "error": {"code": 404}},
        ]}});

        // Act
        let news = parse(body.to_string().as_bytes()).expect("parses");

        // Assert
        assert_eq!(news.len(), 3);
        assert_eq!((news[0].key.as_str(), news[0].last_id), ("A", Some(9)));
        assert_eq!(news[0].seqs, vec![12]);
        assert_eq!((news[1].key.as_str(), news[1].last_id), ("B", Some(3)));
        assert_eq!(news[1].seqs, vec![13]);
        assert_eq!((news[2].key.as_str(), news[2].last_id), ("C", None));
    }

    #[test]
    fn cursors_move_past_the_last_id_and_never_back() {
        // Arrange
        let mut c = Cursors::new(vec!["A".into(), "B".into()]);
        let news = |key: &str, last| ChatNews {
            key: key.into(),
            last_id: last,
            seqs: Vec::new(),
        };

        // Act
        let strangers = c.advance(&[news("A", Some(9)), news("B", None), news("X", Some(1))]);
        c.advance(&[news("A", Some(4))]);

        // Assert
        assert_eq!(strangers, 1);
        assert_eq!(c.query(20), "chatSessionKeys=A,B&fromEventIds=10,0&wait=20");
    }
}
