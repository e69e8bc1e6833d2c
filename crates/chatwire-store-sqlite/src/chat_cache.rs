//! The writer's cache of decoded chats, so that a command on a chat written a moment ago (the
//! next line of a conversation) does not read and decode its `chat_json` again.
//!
//! Why it stays correct:
//!
//! - **Validated on every use.** A cached chat is used only if its `revision` equals the
//!   `chats.revision` column of the row (migration 0014), read by the chat's key in the writer's
//!   transaction. Every write of a chat bumps its revision, so a write by anyone else (a second
//!   store on the same file, the `chatwire` CLI, a job that did not go through the cache) shows
//!   as a different revision, and a deleted chat as a missing row.
//! - **Nothing uncommitted survives.** An entry put by a job is the job's own uncommitted
//!   write: if the job is rolled back to its savepoint the entries it put are removed
//!   ([`ChatCache::end_job`]), and if the batch does not commit the whole cache is dropped
//!   ([`ChatCache::clear`]). Otherwise a rolled-back revision `r` could later match a
//!   different revision `r` written by another process.
//!
//! Bounded by two generations instead of an LRU list: lookups promote an entry to the young
//! generation, and when the young one is full the old one is dropped and the young one becomes
//! old. The chats used recently stay; at most `2 × GENERATION` chats are kept.

use std::collections::HashMap;

use chatwire_core::Chat;

/// Chats per generation. A decoded chat is a few hundred bytes to a few KB, so the cache stays
/// within a few tens of MB; a server with more chats written in turn than this re-reads some.
const GENERATION: usize = 4096;

/// Decoded chats by number, as this writer last committed (or read) them.
#[derive(Default)]
pub(crate) struct ChatCache {
    young: HashMap<i64, Chat>,
    old: HashMap<i64, Chat>,
    /// Chats put by the running job, removed again if it is rolled back.
    put_by_job: Vec<i64>,
}

impl ChatCache {
    /// Takes chat `num` out of the cache if it holds `revision`; a stale entry is dropped.
    pub(crate) fn take(&mut self, num: i64, revision: u64) -> Option<Chat> {
        let chat = self.young.remove(&num).or_else(|| self.old.remove(&num))?;
        (chat.revision == revision).then_some(chat)
    }

    /// Keeps `chat` as the running job wrote (or read) it.
    pub(crate) fn put(&mut self, chat: Chat) {
        let num = chat.num.0;
        self.put_by_job.push(num);
        self.old.remove(&num);
        if self.young.len() >= GENERATION && !self.young.contains_key(&num) {
            self.old = std::mem::take(&mut self.young);
            self.old.remove(&num);
        }
        self.young.insert(num, chat);
    }

    /// Puts back a chat the running job took but did not change (its command was refused): it
    /// is still the state before the job, so the job's rollback does not remove it.
    pub(crate) fn restore(&mut self, chat: Chat) {
        self.young.insert(chat.num.0, chat);
    }

    /// Called after each job: a job that is rolled back loses what it put.
    pub(crate) fn end_job(&mut self, kept: bool) {
        if !kept {
            for num in &self.put_by_job {
                self.young.remove(num);
                self.old.remove(num);
            }
        }
        self.put_by_job.clear();
    }

    /// Forgets everything (the batch did not commit).
    pub(crate) fn clear(&mut self) {
        self.young.clear();
        self.old.clear();
        self.put_by_job.clear();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.young.len() + self.old.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chatwire_core::{AccountId, ChatKey, ChatNum, ChatRequest, GlobalSeq, NewChat, Timestamp};

    fn chat(num: i64) -> Chat {
        let new = NewChat {
            key: ChatKey::from_random(num.unsigned_abs(), 1, 2),
            account: AccountId::parse("1000").expect("account"),
            skill: None,
            visitor_name: "v".into(),
            visitor_id: 1,
            chat_timeout_secs: 40,
            pre_chat_lines: vec![],
            preferred_agent: None,
            request: ChatRequest::default(),
        };
        let (mut chat, changes) = Chat::open(new, ChatNum(num), Timestamp(1)).expect("open");
        chat.apply_changes(changes, Timestamp(1), GlobalSeq(1));
        chat
    }

    #[test]
    fn an_entry_of_another_revision_is_not_used_and_is_dropped() {
        let mut cache = ChatCache::default();
        cache.put(chat(1));
        cache.end_job(true);
        assert!(cache.take(1, 7).is_none());
        assert!(cache.take(1, 1).is_none(), "the stale entry was dropped");
    }

    #[test]
    fn a_rolled_back_job_leaves_nothing_behind() {
        let mut cache = ChatCache::default();
        cache.put(chat(1));
        cache.end_job(true);
        let mut taken = cache.take(1, 1).expect("hit");
        taken.revision = 2;
        cache.put(taken);
        cache.end_job(false);
        assert!(cache.take(1, 2).is_none());
        assert!(cache.take(1, 1).is_none());
    }

    #[test]
    fn it_keeps_at_most_two_generations_and_the_recent_chats() {
        let mut cache = ChatCache::default();
        for num in 0..(GENERATION as i64 * 3) {
            cache.put(chat(num));
            cache.end_job(true);
        }
        assert!(cache.len() <= 2 * GENERATION);
        let last = GENERATION as i64 * 3 - 1;
        assert!(cache.take(last, 1).is_some());
        assert!(cache.take(0, 1).is_none());
    }
}
