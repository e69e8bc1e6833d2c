//! A multi-chat poll answered from the last answer: whether every chat (or each chat) still
//! shows what the last answer showed, decided without reading a page.
//!
//! Why: an agent console polls the same chats with the same cursors every few seconds, and
//! most polls find nothing new. A dialect that kept its last answer with each chat's revision
//! asks here whether any chat moved; when none did, the answer it kept is what a read would
//! render again, and no page, view or pairing is built (docs/performance.md, "Issue 18,
//! session 15"). A poll of other chats or cursors, or in another order, asks the same of each
//! chat it shares with the last answer and reads only the others ("session 16").
//!
//! Access is decided as a read decides it: only the early answer of the full check
//! ([`Reader::plainly_reads`]) lets a chat through; a chat needing the full check answers
//! `false`, and the caller reads.
//!
//! What it must not do: answer `true` for anything a read might see differently (a chat not
//! held, a reader needing a lookup, a visitor), or load, wait or touch the store.

use std::time::Duration;

use chatwire_core::ChatKey;

use super::page::Reader;
use crate::runtime::live::Tail;
use crate::{Caller, Engine};

impl Engine {
    /// Whether a read by `caller` of each chat in `shown`, from the cursor it was last read
    /// from, would show exactly what it showed at the revision given: every chat is held in
    /// memory, read by `caller` with nothing to look up, and still at that revision. A `true`
    /// counts as a read of each chat (keeps it in memory). `false` decides nothing: read them.
    /// A read that may `wait` always reads (it registers for wake-ups and records what typing
    /// it delivered), and so do visitors (a visitor's read is activity on the chat).
    pub fn unchanged_for<'k>(
        &self,
        caller: &Caller,
        wait: Duration,
        shown: impl Iterator<Item = (&'k ChatKey, u64)>,
    ) -> bool {
        let Some(still) = self.still_shows(caller, wait) else {
            return false;
        };
        self.0.live.all_held(caller.account(), shown, still)
    }

    /// [`Self::unchanged_for`] of each chat in `shown` on its own, in order: `true` for a chat
    /// that a read would show exactly as it showed at the revision given, `false` for one to
    /// read. A poll that asks for other chats or cursors than the last one, or in another
    /// order, takes the unchanged chats from the last answer and reads only the others.
    pub fn unchanged_each<'k>(
        &self,
        caller: &Caller,
        wait: Duration,
        shown: impl Iterator<Item = (&'k ChatKey, u64)>,
    ) -> Vec<bool> {
        let Some(mut still) = self.still_shows(caller, wait) else {
            return shown.map(|_| false).collect();
        };
        let mut shown = shown.peekable();
        if shown.peek().is_none() {
            return Vec::new();
        }
        let held = self
            .0
            .live
            .read_many(caller.account(), shown, |revision, tail| {
                still(revision, tail).then_some(())
            });
        held.iter().map(Option::is_some).collect()
    }

    /// The check of one held chat against the revision shown (`None` when nothing may be
    /// spared: a read that may wait, or a visitor). Runs under the live index's lock.
    fn still_shows(
        &self,
        caller: &Caller,
        wait: Duration,
    ) -> Option<impl FnMut(u64, &mut Tail) -> bool> {
        if !wait.is_zero() || !matches!(caller, Caller::Agent(_)) {
            return None;
        }
        let reader = Reader::from(caller);
        let now = self.now();
        Some(move |revision: u64, tail: &mut Tail| {
            let same = tail.chat.revision == revision && reader.plainly_reads(&tail.chat);
            if same {
                tail.last_access = now;
            }
            same
        })
    }
}
