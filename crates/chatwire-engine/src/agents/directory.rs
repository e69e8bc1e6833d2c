//! Directory use cases: accounts, skills, agents, visitor app keys, agent login and availability.
//!
//! Reads are served from a per-account snapshot cache (`Arc<AccountDir>`, replaced on every
//! write through the engine), because ring counts and visitor polls consult agents and keys on
//! every request and must not hit the database. Snapshots older than `directory_ttl` are
//! reloaded, so changes made elsewhere (the admin CLI) show up within that time. With a shared
//! store, another node's change is reported by a wake-up and drops the snapshot at once
//! (`forget_directory`); an epoch counter keeps a load that raced such a drop from caching
//! what it read before the change.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Instant;

use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, Availability, DomainError, MaxChats, NewAgent,
    NewAppKey, Skill, SkillId,
};
use chatwire_store::NewSkill;

use crate::sessions::password;
use crate::{Engine, EngineError, EngineResult, Topic};

/// One account's directory snapshot.
#[derive(Debug, Clone)]
pub(crate) struct AccountDir {
    pub(crate) account: Account,
    pub(crate) skills: Vec<Skill>,
    pub(crate) agents: HashMap<AgentId, Agent>,
    loaded_at: Instant,
}

/// The cache of account snapshots and app keys.
#[derive(Debug, Default)]
pub(crate) struct Directory {
    accounts: RwLock<HashMap<AccountId, Arc<AccountDir>>>,
    app_keys: RwLock<HashMap<String, AppKey>>,
    /// Bumped by every drop; a load that began before a drop is used but not cached.
    epoch: AtomicU64,
}

/// What an admin supplies to create an agent (plain password; the engine hashes it).
#[derive(Debug, Clone)]
pub struct NewAgentInput {
    /// Login name, unique in the account.
    pub login_name: String,
    /// Plain password.
    pub password: String,
    /// Name shown to visitors.
    pub nickname: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// E-mail, may be empty.
    pub email: String,
    /// -1 for unlimited.
    pub max_chats: i32,
    /// Skill names; each must exist in the account.
    pub skills: Vec<String>,
    /// Supervisor rights.
    pub is_admin: bool,
}

/// What an admin supplies to create a skill.
#[derive(Debug, Clone, Default)]
pub struct NewSkillInput {
    /// Name, unique in the account.
    pub name: String,
    /// Description.
    pub description: String,
    /// Welcome line sent when an agent accepts.
    pub welcome_message: String,
}

impl Engine {
    /// The cached snapshot of an account, loading it on first use.
    pub(crate) async fn dir(&self, account: &AccountId) -> EngineResult<Arc<AccountDir>> {
        let cached = self
            .0
            .directory
            .accounts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(account)
            .cloned();
        if let Some(dir) = cached.filter(|d| d.loaded_at.elapsed() < self.0.config.directory_ttl) {
            return Ok(dir);
        }
        let epoch = self.0.directory.epoch.load(Ordering::SeqCst);
        let store = &self.0.store;
        let account_row = store.get_account(account).await?;
        let skills = store.list_skills(account).await?;
        let agents = store
            .list_agents(account)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let dir = Arc::new(AccountDir {
            account: account_row,
            skills,
            agents,
            loaded_at: Instant::now(),
        });
        let mut all = self
            .0
            .directory
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if self.0.directory.epoch.load(Ordering::SeqCst) == epoch {
            all.insert(account.clone(), Arc::clone(&dir));
        }
        Ok(dir)
    }

    /// Drops the cached directory and app keys of `account` (changed on another node).
    pub(crate) fn forget_directory(&self, account: &AccountId) {
        let directory = &self.0.directory;
        directory.epoch.fetch_add(1, Ordering::SeqCst);
        directory
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(account);
        directory
            .app_keys
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, k| &k.account != account);
    }

    /// Drops every cached directory and app key (wake-ups were lost).
    pub(crate) fn forget_directories(&self) {
        let directory = &self.0.directory;
        directory.epoch.fetch_add(1, Ordering::SeqCst);
        directory
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        directory
            .app_keys
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Applies `edit` to a copy of the account snapshot and publishes it.
    pub(crate) fn edit_dir(&self, account: &AccountId, edit: impl FnOnce(&mut AccountDir)) {
        let mut all = self
            .0
            .directory
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(dir) = all.get_mut(account) {
            edit(Arc::make_mut(dir));
        }
    }

    /// Creates an account. `Conflict` if it exists.
    pub async fn create_account(&self, id: &str, name: &str) -> EngineResult<Account> {
        let account = Account {
            id: AccountId::parse(id)?,
            name: name.to_owned(),
            created_at: self.now(),
        };
        self.0.store.create_account(&account).await?;
        Ok(account)
    }

    /// Reads an account (`NotFound` if unknown).
    pub async fn account(&self, id: &AccountId) -> EngineResult<Account> {
        Ok(self.dir(id).await?.account.clone())
    }

    /// Creates a skill.
    pub async fn create_skill(
        &self,
        account: &AccountId,
        input: NewSkillInput,
    ) -> EngineResult<Skill> {
        Skill::validate_name(&input.name)?;
        self.dir(account).await?;
        let new = NewSkill {
            account: account.clone(),
            name: input.name.trim().to_owned(),
            description: input.description,
            welcome_message: input.welcome_message,
        };
        let skill = self.0.store.create_skill(&new).await?;
        self.edit_dir(account, |d| d.skills.push(skill.clone()));
        Ok(skill)
    }

    /// An account's skills.
    pub async fn skills(&self, account: &AccountId) -> EngineResult<Vec<Skill>> {
        Ok(self.dir(account).await?.skills.clone())
    }

    /// A skill by name (case-insensitive) or, failing that, by numeric id text.
    pub async fn skill_by_name_or_id(
        &self,
        account: &AccountId,
        name: &str,
    ) -> EngineResult<Skill> {
        let dir = self.dir(account).await?;
        let by_name = dir
            .skills
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name.trim()));
        let by_id = || {
            name.trim()
                .parse::<i64>()
                .ok()
                .and_then(|id| dir.skills.iter().find(|s| s.id == SkillId(id)))
        };
        by_name
            .or_else(by_id)
            .cloned()
            .ok_or(EngineError::NotFound("skill"))
    }

    /// A skill by id.
    pub async fn skill(&self, account: &AccountId, id: SkillId) -> EngineResult<Skill> {
        let dir = self.dir(account).await?;
        dir.skills
            .iter()
            .find(|s| s.id == id)
            .cloned()
            .ok_or(EngineError::NotFound("skill"))
    }

    /// Creates an agent, hashing the password off the async threads.
    pub async fn create_agent(
        &self,
        account: &AccountId,
        input: NewAgentInput,
    ) -> EngineResult<Agent> {
        let mut skills = Vec::new();
        for name in &input.skills {
            skills.push(self.skill_by_name_or_id(account, name).await?.id);
        }
        let password = input.password.clone();
        let hash = tokio::task::spawn_blocking(move || password::hash(&password))
            .await
            .map_err(|e| EngineError::Internal(e.into()))??;
        let new = NewAgent {
            account: account.clone(),
            login_name: input.login_name,
            password_hash: hash,
            nickname: input.nickname,
            display_name: input.display_name,
            email: input.email,
            max_chats: MaxChats::from(input.max_chats),
            skills,
            is_admin: input.is_admin,
        };
        new.validate()?;
        let agent = self.0.store.create_agent(&new).await?;
        self.edit_dir(account, |d| {
            d.agents.insert(agent.id, agent.clone());
        });
        Ok(agent)
    }

    /// An agent of the account.
    pub async fn agent(&self, account: &AccountId, id: AgentId) -> EngineResult<Agent> {
        let dir = self.dir(account).await?;
        dir.agents
            .get(&id)
            .cloned()
            .ok_or(EngineError::NotFound("agent"))
    }

    /// An agent by login name (case-insensitive).
    pub async fn agent_by_login(&self, account: &AccountId, login: &str) -> EngineResult<Agent> {
        let dir = self.dir(account).await?;
        let found = dir
            .agents
            .values()
            .find(|a| a.login_name.eq_ignore_ascii_case(login));
        found.cloned().ok_or(EngineError::NotFound("agent"))
    }

    /// An account's agents, by id.
    pub async fn agents(&self, account: &AccountId) -> EngineResult<Vec<Agent>> {
        let mut agents: Vec<Agent> = self.dir(account).await?.agents.values().cloned().collect();
        agents.sort_by_key(|a| a.id);
        Ok(agents)
    }

    /// Checks a login with no client address known (see [`Engine::authenticate_from`]).
    pub async fn authenticate(
        &self,
        account: &AccountId,
        login: &str,
        password: &str,
    ) -> EngineResult<Agent> {
        self.authenticate_from(account, login, password, None).await
    }

    /// Replaces an agent's record (availability, limits, skills, names) and wakes the account.
    pub async fn update_agent(&self, agent: &Agent) -> EngineResult<()> {
        self.0.store.update_agent(agent).await?;
        self.edit_dir(&agent.account, |d| {
            d.agents.insert(agent.id, agent.clone());
        });
        self.0
            .notifier
            .notify(&Topic::Account(agent.account.clone()));
        Ok(())
    }

    /// Sets an agent's chat availability. Agents set Online, Away or Occupied; Offline is
    /// what logout sets.
    pub async fn set_availability(
        &self,
        account: &AccountId,
        id: AgentId,
        to: Availability,
    ) -> EngineResult<Agent> {
        let mut agent = self.agent(account, id).await?;
        if agent.availability != to {
            agent.availability = to;
            self.update_agent(&agent).await?;
        }
        Ok(agent)
    }

    /// Creates a visitor app key.
    pub async fn create_app_key(&self, new: &NewAppKey) -> EngineResult<AppKey> {
        new.validate()?;
        let key = self.0.store.create_app_key(new, self.now()).await?;
        Ok(key)
    }

    /// Grants or withdraws an app key's feed right (`NotFound` if the key is not `account`'s).
    pub async fn set_app_key_feed(
        &self,
        account: &AccountId,
        key: &str,
        can_read_feed: bool,
    ) -> EngineResult<()> {
        self.0
            .store
            .set_app_key_feed(account, key, can_read_feed)
            .await?;
        // The cached key must not keep a withdrawn right until a wake-up arrives.
        self.forget_directory(account);
        Ok(())
    }

    /// Checks an app key for `account`. Unknown keys and keys of another account are both
    /// `Unauthorized`.
    pub async fn check_app_key(&self, account: &AccountId, key: &str) -> EngineResult<AppKey> {
        let cached = self
            .0
            .directory
            .app_keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned();
        let epoch = self.0.directory.epoch.load(Ordering::SeqCst);
        let found = match cached {
            Some(k) => k,
            None => match self.0.store.find_app_key(key).await {
                Ok(k) => {
                    let mut keys = self
                        .0
                        .directory
                        .app_keys
                        .write()
                        .unwrap_or_else(PoisonError::into_inner);
                    if self.0.directory.epoch.load(Ordering::SeqCst) == epoch {
                        keys.insert(k.key.clone(), k.clone());
                    }
                    k
                }
                Err(chatwire_store::StoreError::NotFound(_)) => {
                    return Err(EngineError::Unauthorized("unknown app key"));
                }
                Err(e) => return Err(e.into()),
            },
        };
        if &found.account == account {
            Ok(found)
        } else {
            Err(EngineError::Unauthorized("unknown app key"))
        }
    }

    /// Every account id.
    pub async fn account_ids(&self) -> EngineResult<Vec<AccountId>> {
        Ok(self
            .0
            .store
            .list_accounts()
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect())
    }

    /// A random token of `bytes` random bytes, as lowercase hex (keys, CSRF, bearers).
    pub fn random_token(&self, bytes: usize) -> EngineResult<String> {
        let mut buf = vec![0u8; bytes];
        getrandom::fill(&mut buf)
            .map_err(|e| EngineError::Internal(anyhow::anyhow!("getrandom: {e}")))?;
        Ok(hex::encode(buf))
    }

    /// Validates and parses an account id from a URL.
    pub fn parse_account(id: &str) -> EngineResult<AccountId> {
        AccountId::parse(id).map_err(|_| EngineError::NotFound("account"))
    }

    /// Refuses availability values agents may not set themselves.
    pub fn settable_availability(value: &str) -> EngineResult<Availability> {
        match value.parse::<Availability>()? {
            Availability::Offline => {
                Err(DomainError::invalid("availability", "must be Online, Away or Occupied").into())
            }
            ok => Ok(ok),
        }
    }
}

impl Engine {
    /// An agent by login name (case-insensitive) or, failing that, by numeric id text.
    pub async fn agent_by_login_or_id(
        &self,
        account: &AccountId,
        name_or_id: &str,
    ) -> EngineResult<Agent> {
        let text = name_or_id.trim();
        match self.agent_by_login(account, text).await {
            Err(EngineError::NotFound(_)) => match text.parse::<i64>() {
                Ok(id) => self.agent(account, AgentId(id)).await,
                Err(_) => Err(EngineError::NotFound("agent")),
            },
            other => other,
        }
    }
}
