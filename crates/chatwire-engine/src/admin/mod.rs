//! The admin use cases of chatwire's own admin API and the command line: accounts, agents
//! (create, edit, disable, enable, delete, password reset), skills, app keys and admin API
//! tokens. Each takes an [`crate::AdminCaller`] and checks its scope first
//! (`check_account` / `check_server`), then validates its input, then acts.
//!
//! - `tokens`: admin API tokens (server-wide or per account; made on the command line).
//! - `accounts`: creating, listing, reading and renaming accounts.
//! - `agents`: the agent directory as an admin edits it; `agent_rules` checks its input and
//!   the rules about oneself; `agent_end` ends a disabled or deleted agent's sessions and
//!   requeues their chats.
//! - `skills`: reading, renaming and deleting skills (creating is `agents::skills`).
//! - `app_keys`: visitor app keys with their feed right and allowed web origins.
//! - `staff`: where staff notices of a skill or the account go (`notifyEmail`).
//!
//! Validation errors name the field as chatwire's own API spells it (`loginName`,
//! `maxChats`, `allowedOrigins`), so the API can report it as `invalid_field`.

mod accounts;
mod agent_end;
mod agent_rules;
mod agents;
mod app_keys;
mod skills;
mod staff;
mod tokens;

pub use accounts::AccountPatch;
pub use agents::{AdminAgentInput, AgentPatch};
pub use app_keys::{AppKeyInput, AppKeyPatch};
pub use skills::SkillPatch;
pub use tokens::NewAdminToken;
