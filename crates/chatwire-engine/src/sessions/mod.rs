//! Authentication use cases: agent login (password or configured app credentials), refresh,
//! logout, bearer checks, LivePerson agent sessions.
//!
//! Secrets (bearer, CSRF token, cookie) are random 32-byte values shown to the client once;
//! the store keeps only their SHA-256. A login is one `Login` row keyed by the bearer, plus
//! `LoginAlias` rows keyed by the CSRF token and the cookie (LivePerson lets either identify
//! the login on refresh and logout). Bearer checks are cached for `directory_ttl`, so polling
//! agents do not hit the database on every request. A logout on another node is reported by a
//! wake-up and drops the login's cached sessions at once (`forget_session_family`); an epoch
//! counter keeps a lookup that raced the drop from caching the deleted session.
//!
//! - `login`: opening a login (password or application credentials).
//! - `app_logins`: bots' application credentials in the store (admin use cases, the
//!   configuration seed).
//! - `bearer`: bearer checks, refresh, logout, agent sessions.
//! - `cache`: bearer lookups kept for the directory TTL, bounded.
//! - `password`: argon2id hashing and verification.
//! - `guard`: bounded password checks, the verified-login cache, login and chat-request
//!   throttles (and the use cases that take the client address).

mod app_logins;
mod bearer;
pub(crate) mod cache;
pub(crate) mod guard;
mod login;
pub mod password;

use chatwire_core::{AccountId, Agent, AgentId};
use sha2::{Digest, Sha256};

/// Credentials of a bot that logs in with an app key instead of a password (LivePerson
/// "application login"), as configured (`[[auth.app_logins]]`): a seed imported into the
/// store (`app_logins`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppLogin {
    /// Account.
    pub account: AccountId,
    /// The agent's login name.
    pub username: String,
    /// `appKey`.
    pub app_key: String,
    /// `secret`.
    pub secret: String,
    /// `accessToken`.
    pub access_token: String,
    /// `accessTokenSecret`.
    pub access_token_secret: String,
}

/// What an application login sends (and what a new one is given, once).
#[derive(Debug, Clone, Default)]
pub struct AppCredentials {
    /// `appKey`.
    pub app_key: String,
    /// `secret`.
    pub secret: String,
    /// `accessToken`.
    pub access_token: String,
    /// `accessTokenSecret`.
    pub access_token_secret: String,
}

/// A successful login: the secrets, shown once.
#[derive(Debug, Clone)]
pub struct LoginGrant {
    /// Bearer token for `Authorization: Bearer`.
    pub bearer: String,
    /// CSRF token for refresh and logout.
    pub csrf: String,
    /// Value of the `Session_id` cookie.
    pub cookie: String,
    /// The agent.
    pub agent: Agent,
    /// Lifetime in milliseconds (LivePerson `sessionTTl`).
    pub ttl_ms: i64,
}

/// An authenticated agent request. Only the engine makes one (from a bearer, a verified
/// password or an agent session), so holding one proves who calls: its fields are private.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentPrincipal {
    pub(crate) account: AccountId,
    pub(crate) agent: AgentId,
    /// The login's key hash (agent sessions hang off it); `None` for a request that proved
    /// the password itself (SuperOffice Basic), which has no login session.
    pub(crate) login: Option<String>,
}

impl AgentPrincipal {
    /// The agent's account.
    pub fn account(&self) -> &AccountId {
        &self.account
    }

    /// The agent.
    pub fn agent(&self) -> AgentId {
        self.agent
    }

    /// An agent of `account` as already authenticated, for tests that drive the engine
    /// directly (enabled by the `test-support` feature, which only dev-dependencies turn on,
    /// so no server binary can forge a caller).
    #[cfg(feature = "test-support")]
    pub fn for_tests(account: &AccountId, agent: AgentId) -> Self {
        Self {
            account: account.clone(),
            agent,
            login: None,
        }
    }
}

pub use app_logins::{AppLoginGrant, AppLoginView};
pub(crate) use cache::SessionCache;

/// SHA-256 hex of `kind:secret`; the kind prefix keeps a bearer from ever matching a CSRF row.
pub(crate) fn key_hash(kind: &str, secret: &str) -> String {
    // Fed in pieces: the same digest as of the joined text, without building it per request.
    let digest = Sha256::new()
        .chain_update(kind)
        .chain_update(b":")
        .chain_update(secret)
        .finalize();
    hex::encode(digest)
}

/// Equality of secrets in time independent of where they differ (`subtle`).
fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_hashes_differ_by_kind_and_are_hex() {
        let a = key_hash("bearer", "x");
        assert_eq!(a.len(), 64);
        assert_ne!(a, key_hash("csrf", "x"));
        assert!(constant_time_eq(&a, &key_hash("bearer", "x")));
        assert!(!constant_time_eq(&a, "short"));
        assert!(!constant_time_eq(&a, &key_hash("bearer", "y")));
    }

    #[test]
    fn key_hashes_are_unchanged_since_they_are_stored_in_databases() {
        // SHA-256 hex of "bearer:x" and of "csrf:" (as `sha256sum` gives), as stored before.
        assert_eq!(
            key_hash("bearer", "x"),
            "d4f1bc0d3b812e6da2ed51b35ccb64de039912aed2469fd3fa71ca1a3786cd90"
        );
        assert_eq!(
            key_hash("csrf", ""),
            "2a495861508453f25630a33e7c1b6816807bf2e8fdd380cd1dc02646f1436096"
        );
    }
}
