//! Password hashing (argon2id, PHC strings). CPU-heavy, so callers run it off the async threads;
//! login checks go through the bounded gate (`guard::hasher`), which calls [`verify_with`] with
//! a memory block it reuses.

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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

/// Whether `password` matches the PHC `hash`, computed in `blocks` (grown to the hash's memory
/// cost if needed, then kept by the caller for the next check). A malformed hash never matches.
pub fn verify_with(password: &str, hash: &str, blocks: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.salt,
        parsed.hash,
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    if blocks.len() < params.block_count() {
        blocks.resize(params.block_count(), Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut out,
        &mut blocks[..],
    );
    hashed.is_ok() && bool::from(subtle::ConstantTimeEq::ct_eq(&out[..], expected.as_bytes()))
}

/// A hash with the parameters [`hash`] uses that no password matches (its output is not the
/// hash of anything): unknown logins are checked against it, so they cost what known ones do.
pub fn dummy_hash() -> String {
    let salt = SaltString::encode_b64(b"chatwire-dummy-salt").map(|s| s.to_string());
    let output = Output::new(&[0u8; Params::DEFAULT_OUTPUT_LEN]).map(|o| o.to_string());
    format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        Params::DEFAULT_M_COST,
        Params::DEFAULT_T_COST,
        Params::DEFAULT_P_COST,
        salt.unwrap_or_default(),
        output.unwrap_or_default()
    )
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

    #[test]
    fn verify_with_a_reused_block_agrees_with_argon2() {
        let h = hash("demo-pass").expect("hash");
        let mut blocks = Vec::new();

        assert!(verify_with("demo-pass", &h, &mut blocks));
        assert!(!verify_with("demo-pasS", &h, &mut blocks));
        assert!(verify_with("demo-pass", &h, &mut blocks));
        assert!(!verify_with("demo-pass", "not a hash", &mut blocks));
        assert_eq!(blocks.len(), Params::DEFAULT.block_count());
    }

    #[test]
    fn the_dummy_hash_parses_with_the_default_cost_and_matches_nothing() {
        let dummy = dummy_hash();
        let parsed = PasswordHash::new(&dummy).expect("parses");
        let params = Params::try_from(&parsed).expect("params");
        assert_eq!(params.m_cost(), Params::DEFAULT_M_COST);
        assert_eq!(params.t_cost(), Params::DEFAULT_T_COST);
        assert!(!verify_with("", &dummy, &mut Vec::new()));
        assert!(!verify_with("demo-pass", &dummy, &mut Vec::new()));
    }
}
