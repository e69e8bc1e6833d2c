//! Chat requests that name an agent (LivePerson chat request `agent`, a login name): the chat
//! rings that agent alone first, and falls back to its skill after [`EngineConfig::agent_first_wait`]
//! (default 30 s) or at once when the agent cannot take it (not Online, or full).
//!
//! Rules owned here: the fallback skill is the one the request named or else the named
//! agent's first skill (LivePerson documents `agent` as exclusive with `skill`, so a request
//! naming an agent usually has none; with no skill at all, the chat rings any agent, as
//! skill-less chats do); the wait is counted from the request and ended by the sweeper, which
//! commits the release so that every node, and every agent waiting on `incomingRequests`,
//! sees the chat start ringing. Taking the chat (or a transfer) clears the preference in core.
//!
//! [`EngineConfig::agent_first_wait`]: crate::EngineConfig::agent_first_wait

use chatwire_core::chat::PreferredAgent;
use chatwire_core::{AccountId, Agent, ChatCommand, ChatState, SkillId, Timestamp, routing};

use crate::{Engine, EngineError, EngineResult};

impl Engine {
    /// The skill a request naming `agent` falls back to, and the preference that makes it ring
    /// `agent` alone meanwhile (none when the agent cannot take it now or the wait is 0).
    pub(crate) async fn named_agent_route(
        &self,
        account: &AccountId,
        agent: &Agent,
        skill: Option<SkillId>,
    ) -> EngineResult<(Option<SkillId>, Option<PreferredAgent>)> {
        if !agent.enabled {
            return Err(EngineError::NotFound("agent"));
        }
        let fallback = skill.or_else(|| agent.skills.iter().min().copied());
        let load = self.agent_load(account, agent.id).await?;
        let free = load.free_slots().is_none_or(|n| n > 0);
        let wait = self.0.config.agent_first_wait;
        let wait_ms = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
        let preferred =
            (routing::is_available_for(agent, None) && free && wait_ms > 0).then(|| {
                PreferredAgent {
                    id: agent.id,
                    until: Timestamp(self.now().0.saturating_add(wait_ms)),
                }
            });
        Ok((fallback, preferred))
    }

    /// Lets every waiting chat whose named agent's wait is over ring its skill. Returns how
    /// many were released.
    pub(crate) async fn release_named_agents(&self, now: Timestamp) -> usize {
        let due: Vec<_> = self
            .0
            .live
            .all()
            .iter()
            .filter_map(|tail| {
                let t = crate::runtime::live::lock(tail);
                let chat = &t.chat;
                let due = chat.state == ChatState::Waiting
                    && chat
                        .preferred_agent
                        .as_ref()
                        .is_some_and(|p| p.until <= now);
                due.then(|| (chat.account.clone(), chat.key.clone()))
            })
            .collect();
        let mut released = 0;
        for (account, key) in due {
            match self
                .commit(&account, &key, ChatCommand::ReleasePreferredAgent)
                .await
            {
                Ok(_) => released += 1,
                // Taken, ended or released meanwhile (here or on another node).
                Err(EngineError::Domain(_)) => {}
                Err(e) => tracing::warn!(chat.id = %key, error = %e, "named agent release failed"),
            }
        }
        released
    }
}
