//! The transfer commands of [`Chat::decide`]: to a skill or an agent, to another account, and
//! the personal target's refusal. Split from `decide` by subject; the same purity holds.

use super::command::MAX_LINE_CHARS;
use super::decide::{state, system_line};
use super::{
    AssignedAgent, Change, Chat, ChatState, EndCause, EventKind, PendingTransfer, StateChange,
    SystemMessageId, TransferTarget,
};
use crate::{AgentId, DomainError};

impl Chat {
    pub(super) fn decide_transfer(
        &self,
        by: AssignedAgent,
        target: TransferTarget,
        text: String,
    ) -> Result<Vec<Change>, DomainError> {
        self.require_handler(by.id)?;
        if matches!(&target, TransferTarget::Agent { id, .. } if *id == by.id) {
            return Err(DomainError::invalid(
                "transfer",
                "cannot transfer a chat to yourself",
            ));
        }
        if text.chars().count() > MAX_LINE_CHARS {
            return Err(DomainError::invalid(
                "text",
                "must be at most 20000 characters",
            ));
        }
        crate::text::check_xml_text("text", &text)?;
        let (id, line) = match &target {
            TransferTarget::Skill { name, .. } => (
                SystemMessageId::TRANSFER_SKILL,
                format!("Please hold while the chat is transferred to {name}."),
            ),
            TransferTarget::Agent { name, .. } => (
                SystemMessageId::TRANSFER_AGENT,
                format!("Please hold while the chat is transferred to {name}."),
            ),
        };
        Ok(vec![
            Change::Event(EventKind::Transfer {
                from: Some(by.id),
                to: target.clone(),
                text,
            }),
            Change::Assign(None),
            Change::Transfer(Some(PendingTransfer {
                target,
                from: Some(by),
            })),
            state(ChatState::Waiting),
            system_line(id, line),
        ])
    }

    pub(super) fn decide_account_transfer(
        &self,
        by: &AssignedAgent,
        account: crate::AccountId,
        skill: String,
        text: String,
    ) -> Result<Vec<Change>, DomainError> {
        self.require_handler(by.id)?;
        if account == self.account {
            return Err(DomainError::invalid(
                "transferAccount",
                "the chat is already in this account: use transfer",
            ));
        }
        if text.chars().count() > MAX_LINE_CHARS {
            return Err(DomainError::invalid(
                "text",
                "must be at most 20000 characters",
            ));
        }
        crate::text::check_xml_text("text", &text)?;
        // The visitor reads the transfer, then the end; the agent's slot is free at once.
        Ok(vec![
            Change::Event(EventKind::AccountTransfer {
                from: by.id,
                account,
                skill,
                text,
            }),
            Change::Event(EventKind::State(StateChange {
                state: ChatState::Ended,
                end_cause: Some(EndCause::Agent(by.id)),
            })),
        ])
    }

    pub(super) fn decide_reject(&self, agent: AgentId) -> Result<Vec<Change>, DomainError> {
        let Some(pending) = &self.transfer else {
            return Err(DomainError::NoPendingTransfer);
        };
        if !matches!(pending.target, TransferTarget::Agent { id, .. } if id == agent) {
            return Err(DomainError::NoPendingTransfer);
        }
        match &pending.from {
            // Back to the agent who transferred it, who never stopped being responsible.
            Some(from) => Ok(vec![
                Change::Transfer(None),
                Change::Assign(Some(from.clone())),
                state(ChatState::Chatting),
            ]),
            None => Ok(vec![Change::Transfer(None)]),
        }
    }
}
