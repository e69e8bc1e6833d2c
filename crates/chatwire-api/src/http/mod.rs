//! HTTP plumbing every surface shares (LivePerson, SuperOffice, chatwire's own API), so that no
//! dialect imports another:
//!
//! - [`error`]: [`crate::ApiError`] and how engine failures map to statuses (each dialect
//!   renders it in its own format).
//! - [`negotiate`]: JSON or XML, from the path suffix, `Accept` and `Content-Type`.
//! - [`auth`]: `Authorization` schemes, Basic credentials, where an app key may be sent.
//! - [`query`]: the one decoder of query strings and form bodies.
//! - [`path`]: path parameters every surface names the same way (account, chat key).
//! - [`time`]: the ISO 8601 time format LivePerson and chatwire's own API write.
//! - [`around`]: middleware in two halves, with small futures (every layer of the app).
//! - [`pieces`]: a response body sent as a few buffers already in memory.

pub mod around;
pub mod auth;
pub mod error;
pub mod negotiate;
pub mod path;
pub mod pieces;
pub mod query;
pub mod time;
