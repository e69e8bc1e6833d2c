//! The storage boundary: one trait of domain operations ([`Store`]), its small error type, and
//! (behind the `testing` feature) an in-memory store plus the conformance suite every backend runs.
//!
//! Rules this crate fixes for every backend:
//! - [`Store::execute`] runs `Chat::decide` inside the backend's write transaction, against the
//!   chat as committed, and appends the resulting events atomically. Per-chat event ids are
//!   therefore contiguous and "first accept wins" holds under any number of writers or nodes.
//! - A successful write is durable when the call returns (the engine acknowledges it as 2xx).
//! - Global sequence numbers grow monotonically and a reader never sees seq N+1 committed
//!   before seq N.
//!
//! No SQL types appear here; row types stay in each backend.

mod admin;
mod decide;
mod error;
mod history;
pub mod sql_chat_query;
mod store;
mod survey_store;
pub mod timed;
mod wakeup;
mod webhook_store;

#[cfg(feature = "testing")]
pub mod bench;
#[cfg(feature = "testing")]
pub mod conformance;
#[cfg(feature = "testing")]
pub mod memory;

pub use admin::AdminStore;
pub use decide::{acting_agent, decide_and_apply};
pub use error::{StoreError, StoreResult};
pub use history::HistoryStore;
pub use store::{Committed, FeedItem, NewSkill, PoolStatus, Store};
pub use survey_store::SurveyStore;
pub use wakeup::Wakeup;
pub use webhook_store::WebhookStore;
