//! Routing rules, once for both dialects: which waiting chats ring which agent, whether an
//! agent may accept, and capacity.
//!
//! - A chat transferred to an agent personally is an offer to that agent: it rings only them,
//!   whatever their presence (Online, Occupied, Away or Offline), so the agent a colleague named
//!   can always take or decline it (SuperOffice `AcceptChatSessionTransfer`, LivePerson accept).
//! - Any other waiting chat rings Online agents with the chat's skill (any agent when the chat
//!   has no skill), except the agent who transferred it away.
//! - A chat whose request named an agent rings only that agent (when Online) until the
//!   engine's wait is over; then it rings as any chat of its skill. With a ring timeout the
//!   engine gives every waiting chat such an agent in turn (`PreferredAgent`), so it rings one
//!   agent at a time.
//! - Away and Offline agents ring for nothing else; Occupied agents only for offers. Nobody
//!   rings beyond `maxChats`.

use serde::{Deserialize, Serialize};

use crate::chat::{Chat, ChatState, TransferTarget};
use crate::{Agent, Availability, DomainError, SkillId};

/// An agent and the number of chats they handle now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentLoad {
    /// The agent.
    pub agent: Agent,
    /// Chats in state `chatting` assigned to the agent.
    pub active_chats: u32,
}

impl AgentLoad {
    /// `agent` with the number of `open` chats it handles now.
    pub fn count<'a>(agent: Agent, open: impl IntoIterator<Item = &'a Chat>) -> Self {
        let active = open
            .into_iter()
            .filter(|c| c.is_handled_by(agent.id))
            .count();
        Self {
            agent,
            active_chats: u32::try_from(active).unwrap_or(u32::MAX),
        }
    }

    /// Free slots; `None` is unlimited.
    pub fn free_slots(&self) -> Option<u32> {
        if matches!(
            self.agent.availability,
            Availability::Away | Availability::Offline
        ) {
            return Some(0);
        }
        self.agent.max_chats.free(self.active_chats)
    }
}

/// Whether `agent` takes new chats of `skill` (of any skill when `None`): enabled, Online and
/// answering it. The one filter behind "is anyone there" for visitors (availability, estimated
/// wait, free slots) and for agents (transfer targets).
pub fn is_available_for(agent: &Agent, skill: Option<SkillId>) -> bool {
    agent.enabled
        && agent.availability == Availability::Online
        && skill.is_none_or(|s| agent.has_skill(s))
}

/// Whether the chat is routed to this agent, ignoring capacity.
pub fn is_routed_to(load: &AgentLoad, chat: &Chat) -> bool {
    let agent = &load.agent;
    if chat.state != ChatState::Waiting || !agent.enabled || chat.account != agent.account {
        return false;
    }
    if let Some(pending) = &chat.transfer {
        match &pending.target {
            // An offer by name: presence decides what rings from the queue, not whether the
            // named agent may answer a colleague's offer.
            TransferTarget::Agent { id, .. } => return *id == agent.id,
            TransferTarget::Skill { .. } => {
                if pending.from.as_ref().is_some_and(|f| f.id == agent.id) {
                    return false;
                }
            }
        }
    }
    if let Some(preferred) = &chat.preferred_agent {
        // A request that named an agent rings that agent alone until the wait is over.
        return preferred.id == agent.id && agent.availability == Availability::Online;
    }
    agent.availability == Availability::Online && chat.skill.is_none_or(|s| agent.has_skill(s))
}

/// Checks that the agent has room for one more chat.
pub fn check_capacity(load: &AgentLoad) -> Result<(), DomainError> {
    if load.agent.max_chats.has_room(load.active_chats) {
        Ok(())
    } else {
        Err(DomainError::AgentAtCapacity {
            active: load.active_chats,
            max: load.agent.max_chats.0.unwrap_or(u32::MAX),
        })
    }
}

/// Checks that `load`'s agent may accept `chat` now: routed to them and under capacity.
pub fn check_accept(load: &AgentLoad, chat: &Chat) -> Result<(), DomainError> {
    if !is_routed_to(load, chat) {
        return Err(DomainError::NotRoutable);
    }
    check_capacity(load)
}

/// Whether `chat` waits as an offer to `agent` by name (a pending personal transfer to them).
pub fn is_offered_to(agent: &Agent, chat: &Chat) -> bool {
    chat.state == ChatState::Waiting
        && chat
            .transfer
            .as_ref()
            .is_some_and(|t| matches!(t.target, TransferTarget::Agent { id, .. } if id == agent.id))
}

/// The ring count: how many of `chats` this agent may accept now. Queue chats are bounded by
/// the free slots of the agent's presence (none when Away or Offline), offers by name only by
/// `maxChats`.
pub fn ring_count<'a>(load: &AgentLoad, chats: impl IntoIterator<Item = &'a Chat>) -> u32 {
    let (mut offers, mut queued) = (0_u32, 0_u32);
    for chat in chats.into_iter().filter(|c| is_routed_to(load, c)) {
        if is_offered_to(&load.agent, chat) {
            offers = offers.saturating_add(1);
        } else {
            queued = queued.saturating_add(1);
        }
    }
    let queued = load.free_slots().map_or(queued, |free| queued.min(free));
    let total = offers.saturating_add(queued);
    let room = load.agent.max_chats.free(load.active_chats);
    room.map_or(total, |room| total.min(room))
}

/// The order in which an agent taking "the next chat" gets them: personal transfers first,
/// then the longest-waiting chat.
pub fn pick_order<'a>(
    load: &AgentLoad,
    chats: impl IntoIterator<Item = &'a Chat>,
) -> Vec<&'a Chat> {
    let mut routed: Vec<&Chat> = chats
        .into_iter()
        .filter(|c| is_routed_to(load, c))
        .collect();
    routed.sort_by_key(|c| {
        let personal = matches!(
            c.transfer.as_ref().map(|t| &t.target),
            Some(TransferTarget::Agent { .. })
        );
        (!personal, c.started_at, c.num)
    });
    routed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::test_support::{agent, waiting_chat};
    use crate::chat::{AssignedAgent, PendingTransfer};
    use crate::{AgentId, MaxChats, SkillId};

    fn load(availability: Availability, max: i32, active: u32) -> AgentLoad {
        let mut a = agent(1, &[10]);
        a.availability = availability;
        a.max_chats = MaxChats::from(max);
        AgentLoad {
            agent: a,
            active_chats: active,
        }
    }

    #[test]
    fn only_enabled_online_agents_with_the_skill_are_available() {
        let online = agent(1, &[10]);
        assert!(is_available_for(&online, Some(SkillId(10))));
        assert!(is_available_for(&online, None));
        assert!(!is_available_for(&online, Some(SkillId(11))));
        let disabled = Agent {
            enabled: false,
            ..online.clone()
        };
        assert!(!is_available_for(&disabled, None));
        for other in [
            Availability::Away,
            Availability::Occupied,
            Availability::Offline,
        ] {
            let a = Agent {
                availability: other,
                ..online.clone()
            };
            assert!(!is_available_for(&a, None), "{other}");
        }
    }

    #[test]
    fn online_agent_with_the_skill_rings_for_a_waiting_chat() {
        let chat = waiting_chat(Some(10));
        assert!(is_routed_to(&load(Availability::Online, 2, 0), &chat));
        assert_eq!(ring_count(&load(Availability::Online, 2, 0), [&chat]), 1);
    }

    #[test]
    fn away_occupied_and_offline_agents_do_not_ring_for_queue_chats() {
        let chat = waiting_chat(Some(10));
        for a in [
            Availability::Away,
            Availability::Occupied,
            Availability::Offline,
        ] {
            assert!(!is_routed_to(&load(a, 2, 0), &chat), "{a}");
        }
    }

    #[test]
    fn agent_without_the_skill_does_not_ring_but_skill_less_chats_ring_everyone() {
        assert!(!is_routed_to(
            &load(Availability::Online, 2, 0),
            &waiting_chat(Some(11))
        ));
        assert!(is_routed_to(
            &load(Availability::Online, 2, 0),
            &waiting_chat(None)
        ));
    }

    #[test]
    fn ring_count_is_bounded_by_free_slots() {
        let chats = [
            waiting_chat(Some(10)),
            waiting_chat(Some(10)),
            waiting_chat(Some(10)),
        ];
        assert_eq!(ring_count(&load(Availability::Online, 2, 0), &chats), 2);
        assert_eq!(ring_count(&load(Availability::Online, 2, 1), &chats), 1);
        assert_eq!(ring_count(&load(Availability::Online, 2, 2), &chats), 0);
        assert_eq!(ring_count(&load(Availability::Online, -1, 50), &chats), 3);
    }

    #[test]
    fn accept_beyond_max_chats_is_refused() {
        let chat = waiting_chat(Some(10));
        assert_eq!(
            check_accept(&load(Availability::Online, 2, 2), &chat),
            Err(DomainError::AgentAtCapacity { active: 2, max: 2 })
        );
        assert_eq!(
            check_accept(&load(Availability::Away, 2, 0), &chat),
            Err(DomainError::NotRoutable)
        );
    }

    #[test]
    fn personal_transfer_rings_only_the_target_whatever_their_presence() {
        let mut chat = waiting_chat(Some(10));
        chat.transfer = Some(PendingTransfer {
            target: TransferTarget::Agent {
                id: AgentId(1),
                name: "a1".into(),
            },
            from: Some(AssignedAgent {
                id: AgentId(2),
                name: "a2".into(),
            }),
        });
        for presence in [
            Availability::Online,
            Availability::Occupied,
            Availability::Away,
            Availability::Offline,
        ] {
            let target = load(presence, 2, 0);
            assert!(is_routed_to(&target, &chat), "{presence}");
            assert_eq!(check_accept(&target, &chat), Ok(()), "{presence}");
            assert_eq!(ring_count(&target, [&chat]), 1, "{presence}");
        }
        assert_eq!(
            check_accept(&load(Availability::Away, 2, 2), &chat),
            Err(DomainError::AgentAtCapacity { active: 2, max: 2 }),
            "maxChats still holds"
        );
        assert_eq!(ring_count(&load(Availability::Away, 2, 2), [&chat]), 0);
        let mut other = load(Availability::Online, 2, 0);
        other.agent.id = AgentId(3);
        assert!(!is_routed_to(&other, &chat));
        let queued = waiting_chat(Some(10));
        assert_eq!(
            ring_count(&load(Availability::Away, 2, 0), [&chat, &queued]),
            1,
            "an Away agent rings for the offer, not for the queue"
        );
    }

    #[test]
    fn skill_transfer_does_not_ring_the_transferring_agent() {
        let mut chat = waiting_chat(Some(10));
        chat.transfer = Some(PendingTransfer {
            target: TransferTarget::Skill {
                id: SkillId(10),
                name: "Sales".into(),
            },
            from: Some(AssignedAgent {
                id: AgentId(1),
                name: "a1".into(),
            }),
        });
        assert!(!is_routed_to(&load(Availability::Online, 2, 0), &chat));
    }

    #[test]
    fn pick_order_puts_personal_transfers_first_then_oldest() {
        let mut old = waiting_chat(Some(10));
        old.started_at = crate::Timestamp(1);
        let mut new = waiting_chat(Some(10));
        new.started_at = crate::Timestamp(2);
        let mut personal = waiting_chat(Some(10));
        personal.started_at = crate::Timestamp(3);
        personal.transfer = Some(PendingTransfer {
            target: TransferTarget::Agent {
                id: AgentId(1),
                name: "a1".into(),
            },
            from: None,
        });
        let chats = [new, personal, old];
        let order = pick_order(&load(Availability::Online, -1, 0), &chats);
        assert_eq!(order, vec![&chats[1], &chats[2], &chats[0]]);
    }

    #[test]
    fn a_named_agent_rings_alone_until_released_then_the_skill_rings() {
        let mut chat = waiting_chat(Some(10));
        chat.preferred_agent = Some(crate::chat::PreferredAgent {
            id: AgentId(2),
            until: crate::Timestamp(5_000),
        });
        let mut named = load(Availability::Online, -1, 0);
        named.agent.id = AgentId(2);
        let colleague = load(Availability::Online, -1, 0);
        assert!(is_routed_to(&named, &chat));
        assert!(!is_routed_to(&colleague, &chat), "the skill waits");
        named.agent.availability = Availability::Occupied;
        assert!(
            !is_routed_to(&named, &chat),
            "only an Online named agent rings"
        );
        let changes = chat
            .decide(
                crate::ChatCommand::ReleasePreferredAgent,
                &Default::default(),
            )
            .expect("released");
        chat.apply_changes(changes, crate::Timestamp(5_000), crate::GlobalSeq(10));
        assert!(
            is_routed_to(&colleague, &chat),
            "after the wait the skill rings"
        );
        assert!(
            chat.decide(
                crate::ChatCommand::ReleasePreferredAgent,
                &Default::default()
            )
            .is_err(),
            "nothing left to release"
        );
    }
}
