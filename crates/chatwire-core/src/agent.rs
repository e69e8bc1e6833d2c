//! Agents (SuperOffice: associates / users with a chat licence) and their availability.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::chat::{Actor, AssignedAgent};
use crate::{AccountId, AgentId, DomainError, SkillId};

/// An agent's chat availability. `Offline` is the state of an agent who never logged in or
/// logged out; the other three are set by the agent (LivePerson `availability.chat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Availability {
    /// Receives new chat requests.
    Online,
    /// Receives nothing.
    Away,
    /// Receives only chats transferred to this agent personally.
    Occupied,
    /// Not logged in.
    #[default]
    Offline,
}

impl Availability {
    /// The wire name (`Online`, `Away`, `Occupied`, `Offline`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Online => "Online",
            Self::Away => "Away",
            Self::Occupied => "Occupied",
            Self::Offline => "Offline",
        }
    }
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Availability {
    type Err = DomainError;
    /// Case-insensitive, as clients vary (`online`, `ONLINE`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Online, Self::Away, Self::Occupied, Self::Offline]
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| DomainError::invalid("availability", "must be Online, Away or Occupied"))
    }
}

/// How many chats an agent handles at once: `None` is unlimited (LivePerson `maxChats` -1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "i32", into = "i32")]
pub struct MaxChats(pub Option<u32>);

impl MaxChats {
    /// Unlimited chats.
    pub const UNLIMITED: Self = Self(None);

    /// The LivePerson wire value: -1 for unlimited.
    pub fn as_wire(self) -> i32 {
        self.0.map_or(-1, |n| i32::try_from(n).unwrap_or(i32::MAX))
    }

    /// Whether an agent with `active` chats may take one more.
    pub fn has_room(self, active: u32) -> bool {
        self.0.is_none_or(|max| active < max)
    }

    /// Free slots for an agent with `active` chats; `None` means unlimited.
    pub fn free(self, active: u32) -> Option<u32> {
        self.0.map(|max| max.saturating_sub(active))
    }
}

impl From<i32> for MaxChats {
    /// Any negative value means unlimited.
    fn from(v: i32) -> Self {
        Self(u32::try_from(v).ok())
    }
}

impl From<MaxChats> for i32 {
    fn from(m: MaxChats) -> Self {
        m.as_wire()
    }
}

/// An agent of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    /// Server-wide numeric id (SuperOffice `AssociateId`).
    pub id: AgentId,
    /// The owning account.
    pub account: AccountId,
    /// Login name, unique within the account (case-insensitively).
    pub login_name: String,
    /// PHC-format argon2 hash of the password (never the password).
    pub password_hash: String,
    /// The name visitors see (LivePerson `agentName`, line `by`).
    pub nickname: String,
    /// The name colleagues see (LivePerson `displayName`, SuperOffice `FullName`).
    pub display_name: String,
    /// E-mail address, empty when unknown.
    pub email: String,
    /// Concurrent chat limit.
    pub max_chats: MaxChats,
    /// Skills this agent answers, by id.
    pub skills: Vec<SkillId>,
    /// Current chat availability.
    pub availability: Availability,
    /// Admins may supervise: read every chat and the account feed.
    pub is_admin: bool,
    /// Disabled agents cannot log in and are not listed as available.
    pub enabled: bool,
}

impl Agent {
    /// Whether this agent answers `skill`.
    pub fn has_skill(&self, skill: SkillId) -> bool {
        self.skills.contains(&skill)
    }

    /// This agent as a chat shows it (the handling agent, a line's `by`): its id under its
    /// nickname, the name visitors see. Both dialects and the engine take it from here.
    pub fn as_assigned(&self) -> AssignedAgent {
        AssignedAgent {
            id: self.id,
            name: self.nickname.clone(),
        }
    }

    /// This agent as the author of what it writes or does on a chat (a line, the end).
    pub fn as_actor(&self) -> Actor {
        let AssignedAgent { id, name } = self.as_assigned();
        Actor::Agent { id, name }
    }
}

/// What an admin supplies to create an [`Agent`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgent {
    /// The owning account.
    pub account: AccountId,
    /// Login name (1-100 characters, no whitespace or control characters).
    pub login_name: String,
    /// PHC-format password hash, computed by the engine.
    pub password_hash: String,
    /// Name shown to visitors.
    pub nickname: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// E-mail address, may be empty.
    pub email: String,
    /// Concurrent chat limit.
    pub max_chats: MaxChats,
    /// Skills answered.
    pub skills: Vec<SkillId>,
    /// Supervisor rights.
    pub is_admin: bool,
}

impl NewAgent {
    /// The agent this creates under `id`, as every store records it: a new agent starts
    /// Offline (it has never logged in) and enabled.
    pub fn to_agent(&self, id: AgentId) -> Agent {
        Agent {
            id,
            account: self.account.clone(),
            login_name: self.login_name.clone(),
            password_hash: self.password_hash.clone(),
            nickname: self.nickname.clone(),
            display_name: self.display_name.clone(),
            email: self.email.clone(),
            max_chats: self.max_chats,
            skills: self.skills.clone(),
            availability: Availability::Offline,
            is_admin: self.is_admin,
            enabled: true,
        }
    }

    /// Checks the login name and names.
    pub fn validate(&self) -> Result<(), DomainError> {
        let login_ok = (1..=100).contains(&self.login_name.chars().count())
            && !self
                .login_name
                .chars()
                .any(|c| c.is_whitespace() || c.is_control());
        if !login_ok {
            return Err(DomainError::invalid(
                "login name",
                "must be 1-100 characters without spaces",
            ));
        }
        for (what, v) in [
            ("nickname", &self.nickname),
            ("display name", &self.display_name),
        ] {
            if v.trim().is_empty() || v.chars().count() > 100 {
                return Err(DomainError::invalid(
                    what,
                    "must be 1-100 characters and not blank",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_chats_minus_one_is_unlimited() {
        assert_eq!(MaxChats::from(-1), MaxChats::UNLIMITED);
        assert_eq!(MaxChats::UNLIMITED.as_wire(), -1);
        assert!(MaxChats::UNLIMITED.has_room(u32::MAX - 1));
        assert_eq!(MaxChats::UNLIMITED.free(7), None);
    }

    #[test]
    fn max_chats_counts_free_slots() {
        let two = MaxChats::from(2);
        assert!(two.has_room(1));
        assert!(!two.has_room(2));
        assert_eq!(two.free(1), Some(1));
        assert_eq!(two.free(5), Some(0));
        assert!(!MaxChats::from(0).has_room(0));
    }

    #[test]
    fn a_new_agent_starts_offline_and_enabled_and_writes_under_its_nickname() {
        let new = NewAgent {
            account: AccountId::parse("1000").expect("account"),
            login_name: "ann".into(),
            password_hash: "$argon2id$x".into(),
            nickname: "Ann".into(),
            display_name: "Ann Smith".into(),
            email: String::new(),
            max_chats: MaxChats::from(3),
            skills: vec![SkillId(4)],
            is_admin: false,
        };
        let agent = new.to_agent(AgentId(9));
        assert_eq!(agent.availability, Availability::Offline);
        assert!(agent.enabled);
        assert_eq!(
            (agent.id, agent.skills.as_slice()),
            (AgentId(9), &[SkillId(4)][..])
        );
        assert_eq!(
            agent.as_actor(),
            Actor::Agent {
                id: AgentId(9),
                name: "Ann".into()
            }
        );
    }

    #[test]
    fn availability_parses_case_insensitively() {
        assert_eq!("online".parse::<Availability>(), Ok(Availability::Online));
        assert_eq!(
            " OCCUPIED ".parse::<Availability>(),
            Ok(Availability::Occupied)
        );
        assert!("busy".parse::<Availability>().is_err());
    }
}
