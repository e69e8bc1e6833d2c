//! The conformance suite every [`Store`] backend runs (in-memory, SQLite, PostgreSQL).
//!
//! [`run_story`] walks one realistic chat from account creation to the end; [`run_concurrency`]
//! checks the guarantees that only show under concurrent writers; [`run_sessions`],
//! [`run_app_logins`],
//! [`run_surveys`], [`run_topics`], [`run_outbox`] and [`run_mailbox`] cover the smaller tables;
//! [`run_staff_mail`] staff addresses, offline-message notices and waiting alerts;
//! [`run_admin`] the admin store; [`run_webhooks`] and [`run_webhook_claims`] webhook
//! subscriptions, their claims and dead letters; [`run_account_events`] the account event log
//! they read merged with chat events; [`run_history`] and [`run_erasure`] history, statistics, deletion and retention;
//! [`run_history_words`] how search splits words, [`run_retention_offline`] and
//! [`run_survey_after_delete`] what a deletion must not leave behind;
//! [`run_session_details`] what SuperOffice sessions keep beyond a visitor's chat;
//! [`run_mail_claims`] (every backend), [`run_visitor_seen`], [`run_agent_seen`] and [`run_wakeups`] (backends that
//! several processes share) what a cluster of nodes needs. Each call
//! creates its own accounts with random ids, so the suite can run against a shared database.

mod account_events;
mod admin;
mod app_logins;
mod chat_queries;
mod concurrency;
mod erasure;
mod erasure_leftovers;
mod fixtures;
mod history;
mod history_words;
mod session_details;
mod sessions;
mod staff_mail;
mod story;
mod surveys;
mod topics;
mod webhooks;
pub use account_events::run_account_events;
pub use admin::run_admin;
pub use app_logins::run_app_logins;
pub use chat_queries::run_chat_queries;
pub use concurrency::run_concurrency;
pub use erasure::run_erasure;
pub use erasure_leftovers::{run_retention_offline, run_survey_after_delete};
pub use history::run_history;
pub use history_words::run_history_words;
pub use session_details::run_session_details;
pub use sessions::run_sessions;
pub use staff_mail::run_staff_mail;
pub use story::run_story;
pub use surveys::run_surveys;
pub use topics::run_topics;
pub use webhooks::{run_webhook_claims, run_webhooks};

mod mailbox;
mod outbox;
mod shared;

pub use mailbox::run_mailbox;
pub use outbox::run_outbox;
pub use shared::{run_agent_seen, run_mail_claims, run_ring_outs, run_visitor_seen, run_wakeups};

use fixtures::{accept, account, agent, as_agent, chat_key, line, new_chat, unique};
