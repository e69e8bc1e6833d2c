//! The LivePerson legacy chat dialect: Login API, Chat Agent API and (later) Server Chat API.
//!
//! Map: `compat` (suffixes, method override, error envelope), `wire` (XML infoset ↔ JSON/XML),
//! `body` (request decoding), `reply` (responses), `types` (LivePerson shapes of engine values).

pub mod body;
pub mod compat;
pub mod reply;
pub mod types;
pub mod wire;
