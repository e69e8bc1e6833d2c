//! Password hashing (argon2id, PHC strings). CPU-heavy, so callers run it off the async threads.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chatwire_core::DomainError;

use crate::EngineError;

/// Hashes `password` with a fresh random salt.
pub fn hash(password: &str) -> Result<String, EngineError> {
    if password.is_empty() || password.len() > 1024 {
        return Err(DomainError::invalid("password", "must be 1-1024 bytes").into());
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| EngineError::Internal(anyhow::anyhow!("getrandom: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| EngineError::Internal(anyhow::anyhow!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| EngineError::Internal(anyhow::anyhow!("argon2: {e}")))
}

/// Whether `password` matches the PHC `hash`. A malformed hash never matches.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash("demo-pass").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("demo-pass", &h));
        assert!(!verify("demo-pasS", &h));
        assert!(!verify("demo-pass", "not a hash"));
    }
}
