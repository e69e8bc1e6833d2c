//! An in-memory [`Store`] for fast engine and API tests. Not durable; one process only.
//!
//! It follows the same contract as the real backends (the conformance suite runs on it) and can
//! simulate an outage ([`MemoryStore::set_unavailable`]) so tests can check the 503 path.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use chatwire_core::routing::AgentLoad;
use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, AuthSession, Chat, ChatCommand, ChatEvent, ChatKey,
    ChatNum, ChatState, DecisionContext, EventId, GlobalSeq, MailId, MailStatus, NewAgent,
    NewAppKey, NewChat, OutboxMail, Skill, SkillId, Survey, SurveyResponse, Timestamp,
    TopicSettings,
};

use crate::store::decide_and_apply;
use crate::{Committed, FeedItem, NewSkill, Store, StoreError, StoreResult, acting_agent};

mod topics;

#[derive(Default)]
struct Inner {
    accounts: BTreeMap<AccountId, Account>,
    skills: BTreeMap<SkillId, Skill>,
    agents: BTreeMap<AgentId, Agent>,
    app_keys: HashMap<String, AppKey>,
    chats: HashMap<ChatKey, (Chat, Vec<ChatEvent>)>,
    chat_nums: HashMap<ChatNum, ChatKey>,
    feed: Vec<(AccountId, FeedItem)>,
    sessions: HashMap<String, AuthSession>,
    surveys: BTreeMap<i64, Survey>,
    topic_settings: BTreeMap<SkillId, TopicSettings>,
    survey_responses: Vec<SurveyResponse>,
    outbox: BTreeMap<MailId, OutboxMail>,
    last_id: i64,
    last_seq: i64,
}

impl Inner {
    fn next_id(&mut self) -> i64 {
        self.last_id += 1;
        self.last_id
    }

    fn chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<&(Chat, Vec<ChatEvent>)> {
        self.chats
            .get(key)
            .filter(|(c, _)| &c.account == account)
            .ok_or(StoreError::NotFound("chat"))
    }

    fn load_of(&self, account: &AccountId, agent: AgentId) -> StoreResult<AgentLoad> {
        let agent = self
            .agents
            .get(&agent)
            .filter(|a| &a.account == account)
            .ok_or(StoreError::NotFound("agent"))?
            .clone();
        let active = self
            .chats
            .values()
            .filter(|(c, _)| c.is_handled_by(agent.id))
            .count();
        Ok(AgentLoad {
            agent,
            active_chats: u32::try_from(active).unwrap_or(u32::MAX),
        })
    }

    fn record(&mut self, chat: Chat, events: Vec<ChatEvent>) -> Committed {
        if let Some(last) = events.last() {
            self.last_seq = last.seq.0;
        }
        for e in &events {
            let item = FeedItem {
                chat: chat.key.clone(),
                event: e.clone(),
            };
            self.feed.push((chat.account.clone(), item));
        }
        let entry = self
            .chats
            .entry(chat.key.clone())
            .or_insert_with(|| (chat.clone(), Vec::new()));
        entry.0 = chat.clone();
        entry.1.extend(events.iter().cloned());
        Committed { chat, events }
    }
}

/// The in-memory store.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
    unavailable: AtomicBool,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes every call fail with [`StoreError::Unavailable`] (or succeed again).
    pub fn set_unavailable(&self, down: bool) {
        self.unavailable.store(down, Ordering::SeqCst);
    }

    fn lock(&self) -> StoreResult<MutexGuard<'_, Inner>> {
        if self.unavailable.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable(anyhow::anyhow!("simulated outage")));
        }
        self.inner
            .lock()
            .map_err(|_| StoreError::Other(anyhow::anyhow!("memory store poisoned")))
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn create_account(&self, account: &Account) -> StoreResult<()> {
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

    async fn get_account(&self, id: &AccountId) -> StoreResult<Account> {
        self.lock()?
            .accounts
            .get(id)
            .cloned()
            .ok_or(StoreError::NotFound("account"))
    }

    async fn list_accounts(&self) -> StoreResult<Vec<Account>> {
        Ok(self.lock()?.accounts.values().cloned().collect())
    }

    async fn create_skill(&self, new: &NewSkill) -> StoreResult<Skill> {
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
        Ok(skill)
    }

    async fn list_skills(&self, account: &AccountId) -> StoreResult<Vec<Skill>> {
        Ok(self
            .lock()?
            .skills
            .values()
            .filter(|s| &s.account == account)
            .cloned()
            .collect())
    }

    async fn update_skill(&self, skill: &Skill) -> StoreResult<()> {
        self.lock()?.update_skill(skill)
    }

    async fn delete_skill(&self, account: &AccountId, id: SkillId) -> StoreResult<()> {
        self.lock()?.delete_skill(account, id)
    }

    async fn topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
    ) -> StoreResult<Option<TopicSettings>> {
        let inner = self.lock()?;
        inner.skill_of(account, id)?;
        Ok(inner.topic_settings.get(&id).cloned())
    }

    async fn put_topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
        settings: &TopicSettings,
    ) -> StoreResult<()> {
        let mut inner = self.lock()?;
        inner.skill_of(account, id)?;
        inner.topic_settings.insert(id, settings.clone());
        Ok(())
    }

    async fn create_agent(&self, new: &NewAgent) -> StoreResult<Agent> {
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
        let agent = Agent {
            id: AgentId(inner.next_id()),
            account: new.account.clone(),
            login_name: new.login_name.clone(),
            password_hash: new.password_hash.clone(),
            nickname: new.nickname.clone(),
            display_name: new.display_name.clone(),
            email: new.email.clone(),
            max_chats: new.max_chats,
            skills: new.skills.clone(),
            availability: chatwire_core::Availability::Offline,
            is_admin: new.is_admin,
            enabled: true,
        };
        inner.agents.insert(agent.id, agent.clone());
        Ok(agent)
    }

    async fn update_agent(&self, agent: &Agent) -> StoreResult<()> {
        let mut inner = self.lock()?;
        match inner
            .agents
            .get_mut(&agent.id)
            .filter(|a| a.account == agent.account)
        {
            Some(slot) => {
                *slot = agent.clone();
                Ok(())
            }
            None => Err(StoreError::NotFound("agent")),
        }
    }

    async fn get_agent(&self, account: &AccountId, id: AgentId) -> StoreResult<Agent> {
        let inner = self.lock()?;
        inner
            .agents
            .get(&id)
            .filter(|a| &a.account == account)
            .cloned()
            .ok_or(StoreError::NotFound("agent"))
    }

    async fn find_agent_by_login(&self, account: &AccountId, login: &str) -> StoreResult<Agent> {
        let inner = self.lock()?;
        inner
            .agents
            .values()
            .find(|a| &a.account == account && a.login_name.eq_ignore_ascii_case(login))
            .cloned()
            .ok_or(StoreError::NotFound("agent"))
    }

    async fn list_agents(&self, account: &AccountId) -> StoreResult<Vec<Agent>> {
        Ok(self
            .lock()?
            .agents
            .values()
            .filter(|a| &a.account == account)
            .cloned()
            .collect())
    }

    async fn create_app_key(&self, new: &NewAppKey, now: Timestamp) -> StoreResult<AppKey> {
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
            created_at: now,
        };
        inner.app_keys.insert(key.key.clone(), key.clone());
        Ok(key)
    }

    async fn find_app_key(&self, key: &str) -> StoreResult<AppKey> {
        self.lock()?
            .app_keys
            .get(key)
            .cloned()
            .ok_or(StoreError::NotFound("app key"))
    }

    async fn create_chat(&self, new: NewChat, now: Timestamp) -> StoreResult<Committed> {
        let mut inner = self.lock()?;
        if !inner.accounts.contains_key(&new.account) {
            return Err(StoreError::NotFound("account"));
        }
        if inner.chats.contains_key(&new.key) {
            return Err(StoreError::Conflict("chat key exists".into()));
        }
        let num = ChatNum(inner.next_id());
        let (mut chat, changes) = Chat::open(new, num, now)?;
        let events = chat.apply_changes(changes, now, GlobalSeq(inner.last_seq + 1));
        inner.chat_nums.insert(num, chat.key.clone());
        Ok(inner.record(chat, events))
    }

    async fn execute(
        &self,
        account: &AccountId,
        key: &ChatKey,
        cmd: ChatCommand,
        now: Timestamp,
    ) -> StoreResult<Committed> {
        let mut inner = self.lock()?;
        let mut chat = inner.chat(account, key)?.0.clone();
        let ctx = match acting_agent(&cmd) {
            Some(agent) => DecisionContext {
                agent: Some(inner.load_of(account, agent)?),
            },
            None => DecisionContext::default(),
        };
        let first_seq = GlobalSeq(inner.last_seq + 1);
        let events = decide_and_apply(&mut chat, cmd, &ctx, now, first_seq)?;
        Ok(inner.record(chat, events))
    }

    async fn get_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Chat> {
        Ok(self.lock()?.chat(account, key)?.0.clone())
    }

    async fn get_chat_by_num(&self, account: &AccountId, num: ChatNum) -> StoreResult<Chat> {
        let inner = self.lock()?;
        let key = inner
            .chat_nums
            .get(&num)
            .ok_or(StoreError::NotFound("chat"))?;
        Ok(inner.chat(account, key)?.0.clone())
    }

    async fn events_since(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        limit: u32,
    ) -> StoreResult<Vec<ChatEvent>> {
        let inner = self.lock()?;
        let (_, events) = inner.chat(account, key)?;
        let start = usize::try_from(from.0)
            .unwrap_or(usize::MAX)
            .min(events.len());
        Ok(events[start..]
            .iter()
            .take(limit as usize)
            .cloned()
            .collect())
    }

    async fn open_chats(&self) -> StoreResult<Vec<Chat>> {
        let inner = self.lock()?;
        let mut open: Vec<Chat> = inner
            .chats
            .values()
            .map(|(c, _)| c)
            .filter(|c| c.state != ChatState::Ended)
            .cloned()
            .collect();
        open.sort_by_key(|c| c.num);
        Ok(open)
    }

    async fn chats_of_agent(
        &self,
        account: &AccountId,
        agent: AgentId,
        limit: u32,
    ) -> StoreResult<Vec<Chat>> {
        let inner = self.lock()?;
        let mut chats: Vec<Chat> = inner
            .chats
            .values()
            .map(|(c, _)| c)
            .filter(|c| &c.account == account && c.agent.as_ref().is_some_and(|a| a.id == agent))
            .cloned()
            .collect();
        chats.sort_by_key(|c| std::cmp::Reverse(c.num));
        chats.truncate(limit as usize);
        Ok(chats)
    }

    async fn feed_since(
        &self,
        account: &AccountId,
        after: GlobalSeq,
        limit: u32,
    ) -> StoreResult<Vec<FeedItem>> {
        let inner = self.lock()?;
        let start = inner
            .feed
            .partition_point(|(_, item)| item.event.seq <= after);
        Ok(inner.feed[start..]
            .iter()
            .filter(|(a, _)| a == account)
            .take(limit as usize)
            .map(|(_, item)| item.clone())
            .collect())
    }

    async fn put_session(&self, session: &AuthSession) -> StoreResult<()> {
        self.lock()?
            .sessions
            .insert(session.key_hash.clone(), session.clone());
        Ok(())
    }

    async fn get_session(&self, key_hash: &str) -> StoreResult<AuthSession> {
        self.lock()?
            .sessions
            .get(key_hash)
            .cloned()
            .ok_or(StoreError::NotFound("session"))
    }

    async fn delete_session_family(&self, key_hash: &str) -> StoreResult<()> {
        self.lock()?
            .sessions
            .retain(|k, s| k != key_hash && s.parent.as_deref() != Some(key_hash));
        Ok(())
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        let mut inner = self.lock()?;
        let before = inner.sessions.len();
        inner.sessions.retain(|_, s| s.is_live(now));
        Ok(u64::try_from(before - inner.sessions.len()).unwrap_or(u64::MAX))
    }

    async fn create_survey(&self, survey: &Survey) -> StoreResult<Survey> {
        let mut inner = self.lock()?;
        if !inner.accounts.contains_key(&survey.account) {
            return Err(StoreError::NotFound("account"));
        }
        let stored = Survey {
            id: inner.next_id(),
            ..survey.clone()
        };
        inner.surveys.insert(stored.id, stored.clone());
        Ok(stored)
    }

    async fn list_surveys(&self, account: &AccountId) -> StoreResult<Vec<Survey>> {
        Ok(self
            .lock()?
            .surveys
            .values()
            .filter(|s| &s.account == account)
            .cloned()
            .collect())
    }

    async fn save_survey_response(&self, response: &SurveyResponse) -> StoreResult<()> {
        let mut inner = self.lock()?;
        if inner
            .surveys
            .get(&response.survey)
            .is_none_or(|s| s.account != response.account)
        {
            return Err(StoreError::NotFound("survey"));
        }
        inner.survey_responses.push(response.clone());
        Ok(())
    }

    async fn survey_responses(
        &self,
        account: &AccountId,
        chat: Option<&ChatKey>,
    ) -> StoreResult<Vec<SurveyResponse>> {
        let inner = self.lock()?;
        Ok(inner
            .survey_responses
            .iter()
            .filter(|r| &r.account == account && chat.is_none_or(|c| r.chat.as_ref() == Some(c)))
            .cloned()
            .collect())
    }

    async fn enqueue_mail(&self, mail: &OutboxMail) -> StoreResult<MailId> {
        let mut inner = self.lock()?;
        if !inner.accounts.contains_key(&mail.account) {
            return Err(StoreError::NotFound("account"));
        }
        inner.chat(&mail.account, &mail.chat)?;
        let id = MailId(inner.next_id());
        let stored = OutboxMail {
            id,
            status: MailStatus::Pending,
            attempts: 0,
            sent_at: None,
            last_error: None,
            ..mail.clone()
        };
        inner.outbox.insert(id, stored);
        Ok(id)
    }

    async fn due_mail(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<OutboxMail>> {
        let inner = self.lock()?;
        let ended = |m: &OutboxMail| {
            inner
                .chats
                .get(&m.chat)
                .is_some_and(|(c, _)| c.state == ChatState::Ended)
        };
        let mut due: Vec<OutboxMail> = inner
            .outbox
            .values()
            .filter(|m| m.status == MailStatus::Pending && m.next_attempt_at <= now && ended(m))
            .cloned()
            .collect();
        due.sort_by_key(|m| (m.next_attempt_at, m.id));
        due.truncate(limit as usize);
        Ok(due)
    }

    async fn mark_mail_sent(&self, id: MailId, at: Timestamp) -> StoreResult<()> {
        let mut inner = self.lock()?;
        let mail = inner
            .outbox
            .get_mut(&id)
            .ok_or(StoreError::NotFound("mail"))?;
        mail.status = MailStatus::Sent;
        mail.sent_at = Some(at);
        Ok(())
    }

    async fn mark_mail_failed(
        &self,
        id: MailId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        error: &str,
    ) -> StoreResult<()> {
        let mut inner = self.lock()?;
        let mail = inner
            .outbox
            .get_mut(&id)
            .ok_or(StoreError::NotFound("mail"))?;
        mail.attempts = attempts;
        mail.last_error = Some(error.to_owned());
        match retry_at {
            Some(at) => mail.next_attempt_at = at,
            None => mail.status = MailStatus::Failed,
        }
        Ok(())
    }

    async fn mail_of_chat(
        &self,
        account: &AccountId,
        key: &ChatKey,
    ) -> StoreResult<Vec<OutboxMail>> {
        let inner = self.lock()?;
        Ok(inner
            .outbox
            .values()
            .filter(|m| &m.account == account && &m.chat == key)
            .cloned()
            .collect())
    }
}

#[cfg(test)]
mod tests;
