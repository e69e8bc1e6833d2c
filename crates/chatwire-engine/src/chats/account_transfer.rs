//! Account-to-account transfer (LivePerson `transferAccount`, visitor event `a2a-transfer`):
//! the agent handling a chat sends its visitor to a skill of another account on this server.
//! The chat gets the transfer event (which tells the visitor's client where to request the new
//! chat) and ends; the visitor's new chat request carries the `a2a…` ids, and is checked here
//! against that event before it is opened, with the transfer note as a pre-chat line for the
//! receiving agent.
//!
//! Rules owned here: only the handling agent transfers (core); an account sends chats only to
//! the accounts configured for it ([`EngineConfig::account_transfers`]; none by default: one
//! tenant does not learn of another unless both are run by the same operator who says so);
//! the target skill needs an available agent, as for skill transfers; a chat request's `a2a…`
//! ids must name a real account transfer of an ended chat to the requesting account.
//!
//! [`EngineConfig::account_transfers`]: crate::EngineConfig::account_transfers

use chatwire_core::chat::A2aSource;
use chatwire_core::{
    AccountId, ChatCommand, ChatKey, ChatNum, DomainError, EventKind, Skill, routing,
};
use chatwire_store::Committed;

use crate::{AgentPrincipal, Caller, Engine, EngineError, EngineResult};

/// An account a chat can be sent to, with its skills that have available agents (and how many).
pub type AccountTransferTarget = (AccountId, Vec<(Skill, u32)>);

fn refused(why: String) -> EngineError {
    DomainError::invalid("transferAccount", why).into()
}

impl Engine {
    /// The accounts (and their available skills) the agent may send this chat to.
    pub async fn account_transfer_targets(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
    ) -> EngineResult<Vec<AccountTransferTarget>> {
        self.check_chat_access(&Caller::Agent(who.clone()), key)
            .await?;
        let mut out = Vec::new();
        for target in self.transfer_accounts_of(&who.account) {
            let Ok(agents) = self.agents(&target).await else {
                continue;
            };
            let mut skills = Vec::new();
            for skill in self.skills(&target).await? {
                let online = agents
                    .iter()
                    .filter(|a| routing::is_available_for(a, Some(skill.id)))
                    .count();
                if online > 0 {
                    skills.push((skill, u32::try_from(online).unwrap_or(u32::MAX)));
                }
            }
            out.push((target, skills));
        }
        Ok(out)
    }

    /// Sends the chat to `skill` (a name or an id) of account `to`: the visitor is told to
    /// request a chat there, and this chat ends.
    pub async fn transfer_account(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        to: &str,
        skill: &str,
        text: String,
    ) -> EngineResult<Committed> {
        let (account, agent) = (&who.account, who.agent);
        self.readable_chat(account, key, agent).await?;
        let target = AccountId::parse(to).map_err(|_| refused(format!("no account {to}")))?;
        if !self.transfer_accounts_of(account).contains(&target) {
            return Err(refused(format!(
                "account {target} does not take transfers from this account"
            )));
        }
        let skill = self
            .skill_by_name_or_id(&target, skill)
            .await
            .map_err(|_| refused(format!("account {target} has no skill {skill}")))?;
        let reachable = self
            .agents(&target)
            .await?
            .iter()
            .any(|a| routing::is_available_for(a, Some(skill.id)));
        if !reachable {
            return Err(refused(format!(
                "no agent of skill {} is available",
                skill.name
            )));
        }
        let me = self.assigned(account, agent).await?;
        self.commit(
            account,
            key,
            ChatCommand::TransferAccount {
                by: me,
                account: target,
                skill: skill.name,
                text,
            },
        )
        .await
    }

    /// The accounts `account` may send chats to.
    fn transfer_accounts_of(&self, account: &AccountId) -> Vec<AccountId> {
        self.0
            .config
            .account_transfers
            .iter()
            .filter(|(from, _)| from == account)
            .map(|(_, to)| to.clone())
            .collect()
    }

    /// Checks a chat request's `a2a…` ids against the transfer they claim: the source chat (by
    /// its number) of account `source` must hold, at event `event`, a transfer to `account`.
    /// Returns the pre-chat line that tells the receiving agent where the chat comes from.
    pub(crate) async fn check_a2a_source(
        &self,
        account: &AccountId,
        a2a: &A2aSource,
    ) -> EngineResult<String> {
        let bad = || {
            EngineError::from(DomainError::invalid(
                "a2aEventId",
                "the a2a ids name no account transfer to this account",
            ))
        };
        let source = AccountId::parse(&a2a.source_account).map_err(|_| bad())?;
        let chat = self
            .0
            .store
            .get_chat_by_num(&source, ChatNum(a2a.source_session))
            .await
            .map_err(|_| bad())?;
        let events = self
            .0
            .store
            .events_since(&source, &chat.key, chatwire_core::EventId(a2a.event), 1)
            .await
            .map_err(|_| bad())?;
        match events.first().map(|e| (&e.kind, e.id.0 == a2a.event)) {
            Some((
                EventKind::AccountTransfer {
                    account: to, text, ..
                },
                true,
            )) if to == account => Ok(if text.trim().is_empty() {
                format!("Transferred from account {source}.")
            } else {
                format!("Transferred from account {source}: {text}")
            }),
            _ => Err(bad()),
        }
    }
}
