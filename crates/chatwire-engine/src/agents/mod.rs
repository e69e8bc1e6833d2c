//! Agents and the directory they live in: accounts, skills, agents, visitor app keys (a cached
//! snapshot per account), agent availability, and chat presence.
//!
//! - `directory`: the per-account snapshot cache and the app key check.
//! - `accounts`: accounts and app keys (the feed right).
//! - `skills`: skills, by id or by name.
//! - `roster`: agents: creation, lookups, record and availability changes.
//! - `liveness`: idle agents go Offline; an Offline agent's chats go back to the queue.
//! - `presence`: SuperOffice chat presence (present ⇔ Online), enabled agents with their load.
//!
//! Rules owned here: login names unique per account and matched case-insensitively, which
//! availability values an agent may set, an app key belongs to one account, presence changes
//! are an admin's or the agent's own.

mod accounts;
pub(crate) mod directory;
pub(crate) mod liveness;
mod presence;
mod roster;
mod skills;

pub use liveness::LivenessSweep;
pub use presence::Presence;
pub use roster::NewAgentInput;
pub use skills::NewSkillInput;
