//! Staff mail: where an account's staff notices go ([`StaffAddresses`]: a skill's address,
//! else the account's) and building a notice for the outbox ([`OutboxMail::notice`]). The
//! notices themselves are outbox mails of a [`MailKind`] other than a transcript.

use serde::{Deserialize, Serialize};

use crate::outbox::{check_address, check_subject};
use crate::{
    AccountId, ChatKey, DomainError, MailId, MailKind, MailStatus, OutboxMail, SkillId, Timestamp,
};

/// Where an account's staff mail goes: an address of its own and per skill, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAddresses {
    /// The account's address: staff mail about no skill, or a skill without an address.
    pub account: Option<String>,
    /// Skills with an address of their own, by skill id.
    pub skills: Vec<(SkillId, String)>,
}

impl StaffAddresses {
    /// Where staff mail about `skill` goes: the skill's address, else the account's, else
    /// nowhere (`None`: no mail is sent).
    pub fn for_skill(&self, skill: Option<SkillId>) -> Option<&str> {
        skill
            .and_then(|k| self.skills.iter().find(|(s, _)| *s == k))
            .map(|(_, a)| a.as_str())
            .or(self.account.as_deref())
    }

    /// The skill's own address (not falling back to the account's).
    pub fn of_skill(&self, skill: SkillId) -> Option<&str> {
        self.skills
            .iter()
            .find(|(s, _)| *s == skill)
            .map(|(_, a)| a.as_str())
    }
}

impl OutboxMail {
    /// A new pending staff notice of `kind` (not a transcript) to `to`, due at `now`: about
    /// `chat` for a waiting alert, about no chat for an offline message (the store fills in
    /// `offline`). Validates the address and the subject.
    pub fn notice(
        account: AccountId,
        kind: MailKind,
        chat: Option<ChatKey>,
        to: &str,
        subject: &str,
        now: Timestamp,
    ) -> Result<Self, DomainError> {
        check_address(to)?;
        check_subject(subject)?;
        if kind == MailKind::Transcript {
            return Err(DomainError::invalid("kind", "a notice is not a transcript"));
        }
        if (kind == MailKind::WaitingAlert) != chat.is_some() {
            return Err(DomainError::invalid(
                "chat",
                "a waiting alert names its chat and an offline-message notice none",
            ));
        }
        Ok(Self {
            id: MailId(0),
            account,
            kind,
            chat,
            offline: None,
            to: to.to_owned(),
            subject: subject.to_owned(),
            timezone_offset_ms: None,
            created_at: now,
            status: MailStatus::Pending,
            attempts: 0,
            next_attempt_at: now,
            sent_at: None,
            last_error: None,
        })
    }

    /// Whether it waits for its chat's end (a transcript) rather than being due at once.
    pub fn waits_for_chat_end(&self) -> bool {
        self.kind == MailKind::Transcript
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_is_checked_and_due_at_once() {
        let account = AccountId::parse("1000").expect("id");
        let chat = ChatKey::from_random(1, 2, 3);
        let alert = OutboxMail::notice(
            account.clone(),
            MailKind::WaitingAlert,
            Some(chat.clone()),
            "desk@example.com",
            "Waiting",
            Timestamp(7),
        )
        .expect("valid");
        assert!(!alert.waits_for_chat_end());
        assert_eq!(alert.next_attempt_at, Timestamp(7));
        let offline = |chat: Option<ChatKey>, to: &str| {
            OutboxMail::notice(
                account.clone(),
                MailKind::OfflineMessage,
                chat,
                to,
                "New message",
                Timestamp(7),
            )
        };
        assert!(offline(None, "desk@example.com").is_ok());
        assert!(offline(Some(chat), "desk@example.com").is_err());
        assert!(offline(None, "desk@example.com\r\nBcc: x@example.com").is_err());
    }
}
