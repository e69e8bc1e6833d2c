//! Password hashing (argon2id, PHC strings). CPU-heavy and ~19 MiB each, so the engine runs
//! both new hashes and login checks through the bounded gate (`guard::hasher`), which calls
//! [`hash_with`] and [`verify_with`] with a memory block it reuses.

use argon2::password_hash::{Output, PasswordHash, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use chatwire_core::DomainError;

use crate::EngineError;

/// Hashes `password` with a fresh random salt (in fresh memory: tests and one-off tools; the
/// engine hashes through the gate, [`hash_with`]).
pub fn hash(password: &str) -> Result<String, EngineError> {
    hash_with(password, &mut Vec::new())
}

/// Hashes `password` with a fresh random salt and argon2's default parameters (what
/// `Argon2::default()` uses), computed in `blocks` (grown if needed, kept by the caller).
pub fn hash_with(password: &str, blocks: &mut Vec<Block>) -> Result<String, EngineError> {
    if password.is_empty() || password.len() > 1024 {
        return Err(DomainError::invalid("password", "must be 1-1024 bytes").into());
    }
    let internal = |what: &str, e: &dyn std::fmt::Display| {
        EngineError::Internal(anyhow::anyhow!("{what}: {e}"))
    };
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| internal("getrandom", &e))?;
    let params = Params::default();
    if blocks.len() < params.block_count() {
        blocks.resize(params.block_count(), Block::default());
    }
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, &mut blocks[..])
        .map_err(|e| internal("argon2", &e))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| internal("salt", &e))?;
    let output = Output::new(&out).map_err(|e| internal("output", &e))?;
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${salt}${output}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
    ))
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
    fn hashes_made_in_a_reused_block_are_standard_and_salted_apart() {
        let mut blocks = Vec::new();
        let first = hash_with("demo-pass", &mut blocks).expect("hash");
        let second = hash_with("demo-pass", &mut blocks).expect("hash again");

        assert_ne!(first, second, "a fresh salt each time");
        for h in [&first, &second] {
            assert!(verify("demo-pass", h), "argon2's own verifier accepts {h}");
            assert!(!verify("demo-pasS", h));
        }
        assert!(hash_with("", &mut blocks).is_err());
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
