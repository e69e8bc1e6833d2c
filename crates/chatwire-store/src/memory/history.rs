//! History, statistics, offline messages, deletion and retention for the in-memory store:
//! plain scans under the lock, following `chatwire_core::history`'s rules exactly (the SQL
//! backends reproduce them with indexes).

use std::collections::HashSet;

use chatwire_core::history::{
    ChatFact, Erased, HistoryQuery, OfflineMessage, VisitorRef, line_matches, searchable_text,
    visitor_email,
};
use chatwire_core::outbox::{MailId, MailKind};
use chatwire_core::{
    AccountId, AgentId, Chat, ChatEvent, ChatKey, ChatState, SurveyKind, Timestamp,
};

use super::Inner;
use crate::{StoreError, StoreResult};

/// Visitor and agent lines in `events`.
pub(super) fn line_count(events: &[ChatEvent]) -> u32 {
    let n = events
        .iter()
        .filter(|e| searchable_text(&e.kind).is_some())
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn text_matches(events: &[ChatEvent], words: &[String]) -> bool {
    words.is_empty()
        || events
            .iter()
            .filter_map(|e| searchable_text(&e.kind))
            .any(|t| line_matches(t, words))
}

impl Inner {
    pub(super) fn search_chats(&self, q: &HistoryQuery) -> Vec<Chat> {
        let mut found: Vec<&Chat> = self
            .chats
            .values()
            .filter(|(c, ev)| q.matches_columns(c) && text_matches(ev, &q.words))
            .map(|(c, _)| c)
            .collect();
        found.sort_by_key(|c| std::cmp::Reverse((c.started_at, c.num.0)));
        found.truncate(q.limit as usize);
        found.into_iter().cloned().collect()
    }

    pub(super) fn chat_facts(
        &self,
        account: &AccountId,
        from: Timestamp,
        to: Timestamp,
    ) -> Vec<ChatFact> {
        let mut facts: Vec<(i64, ChatFact)> = self
            .chats
            .values()
            .filter(|(c, _)| &c.account == account && c.started_at >= from && c.started_at < to)
            .map(|(c, ev)| {
                let (score_sum, score_count) = self
                    .survey_responses
                    .iter()
                    .filter(|(_, r)| r.chat.as_ref() == Some(&c.key))
                    .map(|(_, r)| r.score())
                    .fold((0.0, 0), |(s, n), (x, m)| (s + x, n + m));
                let fact = ChatFact {
                    skill: c.skill,
                    agent: c.agent.as_ref().map(|a| a.id),
                    requested_at: c.started_at,
                    accepted_at: c.accepted_at,
                    ended_at: c.ended_at,
                    lines: line_count(ev),
                    score_sum,
                    score_count,
                };
                (c.num.0, fact)
            })
            .collect();
        facts.sort_by_key(|(num, _)| *num);
        facts.into_iter().map(|(_, f)| f).collect()
    }

    fn offline_of(&self, id: i64, r: &chatwire_core::SurveyResponse) -> OfflineMessage {
        let handled = self.offline_handled.get(&id);
        OfflineMessage {
            id,
            response: r.clone(),
            handled_at: handled.map(|h| h.0),
            handled_by: handled.map(|h| h.1),
        }
    }

    pub(super) fn offline_messages(
        &self,
        account: &AccountId,
        unhandled_only: bool,
        before: Option<i64>,
        limit: u32,
    ) -> Vec<OfflineMessage> {
        self.survey_responses
            .iter()
            .rev()
            .filter(|(id, r)| {
                &r.account == account
                    && r.kind == SurveyKind::Offline
                    && before.is_none_or(|b| *id < b)
                    && !(unhandled_only && self.offline_handled.contains_key(id))
            })
            .take(limit as usize)
            .map(|(id, r)| self.offline_of(*id, r))
            .collect()
    }

    pub(super) fn mark_offline_handled(
        &mut self,
        account: &AccountId,
        id: i64,
        by: AgentId,
        at: Timestamp,
    ) -> StoreResult<OfflineMessage> {
        let found = self
            .survey_responses
            .iter()
            .find(|(i, r)| *i == id && &r.account == account && r.kind == SurveyKind::Offline)
            .cloned()
            .ok_or(StoreError::NotFound("offline message"))?;
        self.offline_handled.entry(id).or_insert((at, by));
        Ok(self.offline_of(found.0, &found.1))
    }

    /// Deletes the chats `keys` (all ended, all `account`'s) and everything about them, plus
    /// the survey responses for which `also` holds and the mail sent to `email`.
    fn erase(
        &mut self,
        account: &AccountId,
        keys: &[ChatKey],
        also: impl Fn(&chatwire_core::SurveyResponse) -> bool,
        email: Option<&str>,
    ) -> Erased {
        let mut erased = Erased::default();
        let set: HashSet<&ChatKey> = keys.iter().collect();
        for key in keys {
            if let Some((chat, events)) = self.chats.remove(key) {
                self.chat_nums.remove(&chat.num);
                self.visitor_seen.remove(key);
                erased.events += events.len() as u64;
                erased.chats.push(chat.key);
            }
        }
        self.feed
            .retain(|(a, item)| a != account || !set.contains(&item.chat));
        let handled = &mut self.offline_handled;
        self.survey_responses.retain(|(id, r)| {
            let gone = &r.account == account
                && (r.chat.as_ref().is_some_and(|c| set.contains(c)) || also(r));
            if gone {
                erased.survey_responses += 1;
                if r.kind == SurveyKind::Offline {
                    erased.offline_messages += 1;
                }
                handled.remove(id);
            }
            !gone
        });
        self.forget_erased_responses();
        // Mail to the erased address: transcripts only (a staff notice goes to staff).
        let to_them = |to: &str| email.is_some_and(|e| VisitorRef::normalized_email(to) == e);
        let transcripts: HashSet<MailId> = self
            .outbox
            .values()
            .filter(|m| m.kind == MailKind::Transcript)
            .map(|m| m.id)
            .collect();
        self.outbox.retain(|_, m| {
            let gone = &m.account == account
                && (m.chat.as_ref().is_some_and(|c| set.contains(c))
                    || (m.kind == MailKind::Transcript && to_them(&m.to)));
            erased.mails += u64::from(gone);
            !gone
        });
        self.mailbox.retain(|_, m| {
            let gone = &m.account == account
                && (m.chat.as_ref().is_some_and(|c| set.contains(c))
                    || (transcripts.contains(&m.outbox) && to_them(&m.to)));
            erased.mailbox_mails += u64::from(gone);
            !gone
        });
        self.drop_orphan_notices(account, &mut erased);
        erased
    }

    pub(super) fn delete_chat(
        &mut self,
        account: &AccountId,
        key: &ChatKey,
    ) -> StoreResult<Erased> {
        let (chat, _) = self.chat(account, key)?;
        if chat.state != ChatState::Ended {
            return Err(StoreError::Conflict("the chat is still open".into()));
        }
        Ok(self.erase(account, std::slice::from_ref(key), |_| false, None))
    }

    pub(super) fn erase_visitor(
        &mut self,
        account: &AccountId,
        who: &VisitorRef,
    ) -> StoreResult<Erased> {
        let email = match who {
            VisitorRef::Email(e) => Some(VisitorRef::normalized_email(e)),
            VisitorRef::Id(_) => None,
        };
        // By e-mail: the chat's visitor e-mail, or a transcript sent to it.
        let mailed: HashSet<&ChatKey> = self
            .outbox
            .values()
            .filter(|m| m.kind == MailKind::Transcript)
            .filter(|m| &m.account == account && Some(VisitorRef::normalized_email(&m.to)) == email)
            .filter_map(|m| m.chat.as_ref())
            .collect();
        let theirs = |c: &Chat| match who {
            VisitorRef::Id(id) => c.visitor_id == *id,
            VisitorRef::Email(_) => visitor_email(c) == email || mailed.contains(&c.key),
        };
        let chats: Vec<&Chat> = self
            .chats
            .values()
            .map(|(c, _)| c)
            .filter(|c| &c.account == account && theirs(c))
            .collect();
        if chats.iter().any(|c| c.state != ChatState::Ended) {
            return Err(StoreError::Conflict(
                "one of the visitor's chats is still open".into(),
            ));
        }
        let keys: Vec<ChatKey> = chats.into_iter().map(|c| c.key.clone()).collect();
        let also = |r: &chatwire_core::SurveyResponse| match who {
            VisitorRef::Id(id) => r.visitor_id() == Some(*id),
            VisitorRef::Email(_) => r.email() == email,
        };
        Ok(self.erase(account, &keys, also, email.as_deref()))
    }

    pub(super) fn sweep_retention(
        &mut self,
        account: &AccountId,
        ended_before: Timestamp,
        max_chats: u32,
    ) -> Erased {
        let mut old: Vec<(Timestamp, i64, ChatKey)> = self
            .chats
            .values()
            .map(|(c, _)| c)
            .filter(|c| &c.account == account && c.ended_at.is_some_and(|e| e < ended_before))
            .map(|c| (c.ended_at.unwrap_or(ended_before), c.num.0, c.key.clone()))
            .collect();
        old.sort();
        old.truncate(max_chats as usize);
        let keys: Vec<ChatKey> = old.into_iter().map(|(_, _, k)| k).collect();
        let mut erased = self.erase(account, &keys, |_| false, None);
        // Offline messages (no chat) submitted before the cutoff, oldest first, as many.
        let mut chatless: Vec<(Timestamp, i64)> = self
            .survey_responses
            .iter()
            .filter(|(_, r)| {
                &r.account == account && r.chat.is_none() && r.submitted_at < ended_before
            })
            .map(|(id, r)| (r.submitted_at, *id))
            .collect();
        chatless.sort();
        chatless.truncate(max_chats as usize);
        let ids: HashSet<i64> = chatless.into_iter().map(|(_, id)| id).collect();
        let handled = &mut self.offline_handled;
        self.survey_responses.retain(|(id, r)| {
            let gone = ids.contains(id);
            if gone {
                erased.survey_responses += 1;
                erased.chatless_responses += 1;
                if r.kind == SurveyKind::Offline {
                    erased.offline_messages += 1;
                }
                handled.remove(id);
            }
            !gone
        });
        self.forget_erased_responses();
        self.drop_orphan_notices(account, &mut erased);
        erased
    }

    /// Deletes the staff notices (and their mailbox copies) of offline messages that no
    /// longer exist: a notice repeats the visitor's words, so it goes with its message.
    fn drop_orphan_notices(&mut self, account: &AccountId, erased: &mut Erased) {
        let messages: HashSet<i64> = self
            .survey_responses
            .iter()
            .filter(|(_, r)| &r.account == account)
            .map(|(id, _)| *id)
            .collect();
        let orphans: HashSet<chatwire_core::MailId> = self
            .outbox
            .values()
            .filter(|m| {
                &m.account == account
                    && m.kind == chatwire_core::MailKind::OfflineMessage
                    && m.offline.is_none_or(|id| !messages.contains(&id))
            })
            .map(|m| m.id)
            .collect();
        self.mailbox.retain(|_, m| {
            let gone = orphans.contains(&m.outbox);
            erased.mailbox_mails += u64::from(gone);
            !gone
        });
        self.outbox.retain(|id, _| {
            let gone = orphans.contains(id);
            erased.mails += u64::from(gone);
            !gone
        });
    }

    pub(super) fn set_retention(
        &mut self,
        account: &AccountId,
        days: Option<u32>,
    ) -> StoreResult<()> {
        if !self.accounts.contains_key(account) {
            return Err(StoreError::NotFound("account"));
        }
        match days {
            Some(d) => self.retention.insert(account.clone(), d),
            None => self.retention.remove(account),
        };
        Ok(())
    }
}
