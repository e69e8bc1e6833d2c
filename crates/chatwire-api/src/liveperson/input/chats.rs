//! The multi-chat retrieve's request (seed 002): `chatSessionKeys` with their `fromEventIds`,
//! each key parsed or refused on its own, and the pairing of the engine's reads with them.

use chatwire_engine::core::{ChatKey, EventId};
use chatwire_engine::{ChatView, EngineResult};

use crate::ApiError;
use crate::http::path::chat_key;
use crate::http::query::{Query, leading_digits};
use crate::liveperson::fragments::KeptItem;
use crate::liveperson::views::chat_list::ChatEntry;

/// One asked chat: the key as sent (borrowed from the query: only a refused key is ever
/// copied), and its parsed key and cursor (or why it is refused).
type Asked<'q> = (&'q str, Result<(ChatKey, EventId), ApiError>);

/// The chats a multi-chat retrieve asks for, in order: each key as sent, parsed with its
/// cursor or refused on its own.
pub struct AskedChats<'q> {
    entries: Vec<Asked<'q>>,
}

impl<'q> AskedChats<'q> {
    /// Reads `chatSessionKeys=K1,K2&fromEventIds=E1,E2`. A missing `fromEventIds` list or
    /// entry reads from 0; no keys, more than `most` keys, lists of different lengths or a
    /// cursor that is not a number are a 400 for the whole request.
    pub fn parse(q: &'q Query, most: usize) -> Result<Self, ApiError> {
        let keys: Vec<&str> = q
            .get("chatSessionKeys")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .collect();
        if keys.is_empty() {
            return Err(ApiError::BadRequest("chatSessionKeys is required".into()));
        }
        if keys.len() > most {
            return Err(ApiError::BadRequest(format!(
                "at most {most} chatSessionKeys per request"
            )));
        }
        let froms: Vec<&str> = q
            .get("fromEventIds")
            .map(|f| f.split(',').map(str::trim).collect())
            .unwrap_or_default();
        if !froms.is_empty() && froms.len() != keys.len() {
            return Err(ApiError::BadRequest(format!(
                "fromEventIds has {} entries but chatSessionKeys has {}",
                froms.len(),
                keys.len()
            )));
        }
        let mut entries = Vec::with_capacity(keys.len());
        for (i, raw) in keys.iter().enumerate() {
            let from = match froms.get(i).copied().filter(|f| !f.is_empty()) {
                Some(f) => {
                    // Leading digits, as for `from` (clients append `?v=1` to the last value).
                    leading_digits(f).parse::<u32>().map(EventId).map_err(|_| {
                        ApiError::BadRequest(format!("fromEventIds entry {f:?} is not a number"))
                    })?
                }
                None => EventId(0),
            };
            entries.push((*raw, chat_key(raw).map(|k| (k, from))));
        }
        Ok(Self { entries })
    }

    /// The chats of a poll whose query was parsed before ([`crate::liveperson::fragments::LastAnswer::asked_with`]):
    /// every key well formed, each as parsed then (a parsed key is exactly the trimmed, decoded
    /// text it came from, which is what a refused entry shows).
    pub fn known(chats: impl Iterator<Item = (&'q ChatKey, EventId)>) -> Self {
        let entries = chats
            .map(|(key, from)| (key.as_str(), Ok((key.clone(), from))))
            .collect();
        Self { entries }
    }

    /// Each asked chat, in order: its key and cursor, or `None` for a key already refused.
    pub fn chats(&self) -> impl Iterator<Item = Option<(&ChatKey, EventId)>> {
        self.entries
            .iter()
            .map(|(_, parsed)| parsed.as_ref().ok().map(|(key, from)| (key, *from)))
    }

    /// The well-formed keys with their cursors, to read (or wait on) together, but for those
    /// answered by an item in `kept` (one per asked chat, in order; missing ones are `None`).
    pub fn requests(&self, kept: &[Option<KeptItem>]) -> Vec<(ChatKey, EventId)> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(i, _)| kept.get(*i).is_none_or(Option::is_none))
            .filter_map(|(_, (_, parsed))| parsed.as_ref().ok().cloned())
            .collect()
    }

    /// Pairs every asked chat with its kept item or its read (`reads` answers
    /// [`Self::requests`] of the same `kept`, in order). A chat the engine refuses is reported
    /// in its own entry; an unavailable store or an internal error fails the whole answer.
    pub fn answer(
        self,
        kept: Vec<Option<KeptItem>>,
        reads: Vec<EngineResult<ChatView>>,
    ) -> Result<Vec<ChatEntry>, ApiError> {
        let mut reads = reads.into_iter();
        let mut kept = kept.into_iter();
        self.entries
            .into_iter()
            .map(|(raw, parsed)| {
                let item = kept.next().flatten();
                // A kept item answers its chat; the reads answer the others, in order.
                let read = parsed.and_then(|(key, from)| match item {
                    Some(item) => Ok(ChatEntry::Unchanged { key, from, item }),
                    None => match reads.next() {
                        Some(read) => read
                            .map(|read| ChatEntry::Read { key, from, read })
                            .map_err(ApiError::from),
                        None => Err(ApiError::Internal),
                    },
                });
                match read {
                    Ok(entry) => Ok(entry),
                    Err(e @ (ApiError::Unavailable | ApiError::Internal)) => Err(e),
                    Err(error) => Ok(ChatEntry::Refused {
                        raw: raw.to_owned(),
                        error,
                    }),
                }
            })
            .collect()
    }
}
