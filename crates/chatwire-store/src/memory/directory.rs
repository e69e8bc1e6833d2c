//! Accounts, skills, agents and app keys for the in-memory store (each write reports a directory wake-up).

use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, NewAgent, NewAppKey, Skill, SkillId, Timestamp,
};

use crate::{NewSkill, StoreError, StoreResult, Wakeup};

use super::MemoryStore;

impl MemoryStore {
    /// What [`crate::Store::create_account`] does.
    pub(super) fn insert_account(&self, account: &Account) -> StoreResult<()> {
        let mut inner = self.lock()?;
        if inner.accounts.contains_key(&account.id) {
            return Err(StoreError::Conflict(format!(
                "account {} exists",
                account.id
            )));
        }
        inner.accounts.insert(account.id.clone(), account.clone());
        Ok(())
    }

    /// What [`crate::Store::create_skill`] does.
    pub(super) fn insert_skill(&self, new: &NewSkill) -> StoreResult<Skill> {
        let mut inner = self.lock()?;
        if !inner.accounts.contains_key(&new.account) {
            return Err(StoreError::NotFound("account"));
        }
        let taken = inner
            .skills
            .values()
            .any(|s| s.account == new.account && s.name.eq_ignore_ascii_case(&new.name));
        if taken {
            return Err(StoreError::Conflict(format!("skill {} exists", new.name)));
        }
        let skill = Skill {
            id: SkillId(inner.next_id()),
            account: new.account.clone(),
            name: new.name.clone(),
            description: new.description.clone(),
            welcome_message: new.welcome_message.clone(),
        };
        inner.skills.insert(skill.id, skill.clone());
        self.emit(Wakeup::Directory(skill.account.clone()));
        Ok(skill)
    }

    /// What [`crate::Store::create_agent`] does.
    pub(super) fn insert_agent(&self, new: &NewAgent) -> StoreResult<Agent> {
        let mut inner = self.lock()?;
        if !inner.accounts.contains_key(&new.account) {
            return Err(StoreError::NotFound("account"));
        }
        let taken = inner.agents.values().any(|a| {
            a.account == new.account && a.login_name.eq_ignore_ascii_case(&new.login_name)
        });
        if taken {
            return Err(StoreError::Conflict(format!(
                "login name {} is taken",
                new.login_name
            )));
        }
        let agent = new.to_agent(AgentId(inner.next_id()));
        inner.agents.insert(agent.id, agent.clone());
        self.emit(Wakeup::Directory(agent.account.clone()));
        Ok(agent)
    }

    /// What [`crate::Store::update_agent`] does.
    pub(super) fn replace_agent(&self, agent: &Agent, at: Timestamp) -> StoreResult<()> {
        let mut inner = self.lock()?;
        match inner
            .agents
            .get_mut(&agent.id)
            .filter(|a| a.account == agent.account)
        {
            Some(slot) => {
                let from = slot.availability;
                let hint = Wakeup::for_agent_update(slot, agent);
                *slot = agent.clone();
                if from != agent.availability {
                    let kind = chatwire_core::AccountEventKind::AgentAvailability {
                        agent: agent.id,
                        from,
                        to: agent.availability,
                    };
                    inner.append_account_event(&agent.account, at, kind);
                }
                self.emit(hint);
                Ok(())
            }
            None => Err(StoreError::NotFound("agent")),
        }
    }

    /// What [`crate::Store::create_app_key`] does.
    pub(super) fn insert_app_key(&self, new: &NewAppKey, now: Timestamp) -> StoreResult<AppKey> {
        new.validate()?;
        let mut inner = self.lock()?;
        if !inner.accounts.contains_key(&new.account) {
            return Err(StoreError::NotFound("account"));
        }
        if inner.app_keys.contains_key(&new.key) {
            return Err(StoreError::Conflict("app key exists".into()));
        }
        let key = AppKey {
            key: new.key.clone(),
            account: new.account.clone(),
            name: new.name.clone(),
            can_read_feed: new.can_read_feed,
            allowed_origins: new.allowed_origins.clone(),
            created_at: now,
        };
        inner.app_keys.insert(key.key.clone(), key.clone());
        self.emit(Wakeup::Directory(key.account.clone()));
        Ok(key)
    }

    /// What [`crate::Store::set_app_key_feed`] does.
    pub(super) fn grant_feed(&self, account: &AccountId, key: &str, feed: bool) -> StoreResult<()> {
        let mut inner = self.lock()?;
        match inner.app_keys.get_mut(key) {
            Some(k) if &k.account == account => k.can_read_feed = feed,
            _ => return Err(StoreError::NotFound("app key")),
        }
        self.emit(Wakeup::Directory(account.clone()));
        Ok(())
    }
}
