//! Staff mail for the in-memory store: where it goes (account and skill addresses), the
//! offline message saved with its notice, and the once-per-chat waiting alert.

use chatwire_core::{
    AccountId, ChatState, MailId, MailKind, OutboxMail, SkillId, StaffAddresses, SurveyResponse,
};

use super::Inner;
use crate::{StoreError, StoreResult};

impl Inner {
    /// Saves the response and queues its notice under the one lock, so neither is seen alone.
    pub(super) fn save_offline_with_notice(
        &mut self,
        response: &SurveyResponse,
        notice: &OutboxMail,
    ) -> StoreResult<i64> {
        if !self.accounts.contains_key(&notice.account) {
            return Err(StoreError::NotFound("account"));
        }
        if notice.kind != MailKind::OfflineMessage || notice.chat.is_some() {
            return Err(StoreError::Other(anyhow::anyhow!(
                "not an offline-message notice"
            )));
        }
        self.save_survey_response(response)?;
        let id = self
            .survey_responses
            .last()
            .map(|(id, _)| *id)
            .ok_or_else(|| StoreError::Other(anyhow::anyhow!("the response was not saved")))?;
        let notice = OutboxMail {
            offline: Some(id),
            ..notice.clone()
        };
        self.enqueue_mail(&notice)?;
        Ok(id)
    }

    /// Queues the alert unless its chat is no longer waiting or already had one.
    pub(super) fn raise_waiting_alert(
        &mut self,
        alert: &OutboxMail,
    ) -> StoreResult<Option<MailId>> {
        let Some(key) = alert
            .chat
            .as_ref()
            .filter(|_| alert.kind == MailKind::WaitingAlert)
        else {
            return Err(StoreError::Other(anyhow::anyhow!("not a waiting alert")));
        };
        let waiting = self.chat(&alert.account, key)?.0.state == ChatState::Waiting;
        let raised = self
            .outbox
            .values()
            .any(|m| m.kind == MailKind::WaitingAlert && m.chat.as_ref() == Some(key));
        if !waiting || raised {
            return Ok(None);
        }
        self.enqueue_mail(alert).map(Some)
    }

    pub(super) fn set_staff_address(
        &mut self,
        account: &AccountId,
        skill: Option<SkillId>,
        address: Option<&str>,
    ) -> StoreResult<()> {
        if !self.accounts.contains_key(account) {
            return Err(StoreError::NotFound("account"));
        }
        match skill {
            Some(id) => {
                if self.skills.get(&id).is_none_or(|s| &s.account != account) {
                    return Err(StoreError::NotFound("skill"));
                }
                match address {
                    Some(a) => self.staff_skill.insert(id, a.to_owned()),
                    None => self.staff_skill.remove(&id),
                };
            }
            None => {
                match address {
                    Some(a) => self.staff_account.insert(account.clone(), a.to_owned()),
                    None => self.staff_account.remove(account),
                };
            }
        }
        Ok(())
    }

    pub(super) fn staff_addresses(&self, account: &AccountId) -> StoreResult<StaffAddresses> {
        if !self.accounts.contains_key(account) {
            return Err(StoreError::NotFound("account"));
        }
        Ok(StaffAddresses {
            account: self.staff_account.get(account).cloned(),
            skills: self
                .staff_skill
                .iter()
                .filter(|(id, _)| self.skills.get(id).is_some_and(|s| &s.account == account))
                .map(|(id, a)| (*id, a.clone()))
                .collect(),
        })
    }
}
