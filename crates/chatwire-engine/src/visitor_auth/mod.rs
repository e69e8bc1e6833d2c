//! Authenticated visitors (LivePerson "authenticated chat"): a visitor's token, signed by the
//! account's own login system, is verified here with the key configured for that account, and
//! only then is the chat's visitor an [`AuthenticatedVisitor`]. A token that fails is refused
//! (`Unauthorized`): a client that claims an identity it cannot prove gets no chat, rather than
//! an anonymous one it did not ask for. An account with no key configured has no authenticated
//! visitors: whatever `ssoKey`/`participantId` a request sends, the chat stays anonymous.
//!
//! Rules (docs/liveperson.md, "Authenticated visitors"):
//! - algorithms HS256 (a shared secret) and RS256 (the account's public key, PEM); a token must
//!   carry `sub` and `exp` and may not be expired (60 s leeway); `iss` and `aud` are checked
//!   when the key's configuration names them;
//! - the participant id is derived from the account and `sub` (the same customer always gets
//!   the same GUID), so `conversation.json` and the chat request agree without stored state;
//! - the token is read from the chat request's `ssoKey`, and never stored.

mod claims;

use chatwire_core::identity::AuthenticatedVisitor;
use chatwire_core::{AccountId, ChatRequest};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use sha2::{Digest, Sha256};

use crate::caller::VisitorCaller;
use crate::{Engine, EngineError, EngineResult, random_bytes};

/// Which signature an account's visitor tokens carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAlgorithm {
    /// HMAC-SHA256 with a shared secret.
    Hs256,
    /// RSA-SHA256, verified with the account's public key.
    Rs256,
}

impl TokenAlgorithm {
    /// Reads `HS256` / `RS256` (any case).
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_uppercase().as_str() {
            "HS256" => Some(Self::Hs256),
            "RS256" => Some(Self::Rs256),
            _ => None,
        }
    }
}

/// One account's key for visitor tokens, as configured.
#[derive(Clone, PartialEq, Eq)]
pub struct VisitorKeyConfig {
    /// The account whose visitors sign in with it.
    pub account: AccountId,
    /// The signature algorithm.
    pub algorithm: TokenAlgorithm,
    /// The HS256 secret, or the RS256 public key in PEM.
    pub key: String,
    /// Required `iss`, if any.
    pub issuer: Option<String>,
    /// Required `aud`, if any.
    pub audience: Option<String>,
}

impl std::fmt::Debug for VisitorKeyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret stays out of logs.
        f.debug_struct("VisitorKeyConfig")
            .field("account", &self.account)
            .field("algorithm", &self.algorithm)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

/// Checks that every configured key parses (the binary calls it before starting).
pub fn check_visitor_keys(configs: &[VisitorKeyConfig]) -> Result<(), String> {
    VisitorKeys::new(configs).map(drop)
}

/// A checked key, ready to verify with.
pub(crate) struct VisitorKey {
    account: AccountId,
    key: DecodingKey,
    validation: Validation,
}

/// Every account's visitor keys.
#[derive(Default)]
pub(crate) struct VisitorKeys(Vec<VisitorKey>);

impl VisitorKeys {
    /// Parses the configured keys; a key that does not parse is an error at start.
    pub(crate) fn new(configs: &[VisitorKeyConfig]) -> Result<Self, String> {
        configs
            .iter()
            .map(VisitorKey::new)
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn of(&self, account: &AccountId) -> Option<&VisitorKey> {
        self.0.iter().find(|k| &k.account == account)
    }
}

impl VisitorKey {
    fn new(c: &VisitorKeyConfig) -> Result<Self, String> {
        let (key, algorithm) = match c.algorithm {
            TokenAlgorithm::Hs256 if c.key.len() < 32 => {
                return Err(format!(
                    "visitor key of account {}: an HS256 secret needs at least 32 bytes",
                    c.account
                ));
            }
            TokenAlgorithm::Hs256 => (DecodingKey::from_secret(c.key.as_bytes()), Algorithm::HS256),
            TokenAlgorithm::Rs256 => (
                DecodingKey::from_rsa_pem(c.key.as_bytes()).map_err(|e| {
                    format!(
                        "visitor key of account {}: not an RSA public key in PEM: {e}",
                        c.account
                    )
                })?,
                Algorithm::RS256,
            ),
        };
        let mut validation = Validation::new(algorithm);
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.leeway = 60;
        if let Some(iss) = &c.issuer {
            validation.set_issuer(&[iss]);
        }
        match &c.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        Ok(Self {
            account: c.account.clone(),
            key,
            validation,
        })
    }
}

/// The participant id (a GUID) of `subject` in `account`: a hash of both, shaped as a UUID
/// (version 8, "vendor-specific"), so it is stable and reveals neither.
pub fn participant_id(account: &AccountId, subject: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"chatwire participant\0");
    h.update(account.as_str().as_bytes());
    h.update([0]);
    h.update(subject.as_bytes());
    let d = h.finalize();
    let mut b = [0_u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid_text(&b)
}

/// `8-4-4-4-12` lowercase hex.
fn uuid_text(b: &[u8; 16]) -> String {
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

impl Engine {
    /// Verifies `token` with `account`'s visitor key: who the visitor is, or `Unauthorized`
    /// (no key for the account, bad signature, expired, wrong issuer or audience).
    pub(crate) fn verify_visitor_token(
        &self,
        account: &AccountId,
        token: &str,
    ) -> EngineResult<AuthenticatedVisitor> {
        let key = self
            .0
            .visitor_keys
            .of(account)
            .ok_or(EngineError::Unauthorized(
                "this account has no authenticated visitors",
            ))?;
        let data = jsonwebtoken::decode::<claims::Claims>(token.trim(), &key.key, &key.validation)
            .map_err(|e| {
                tracing::debug!(account = %account, error = %e, "visitor token refused");
                EngineError::Unauthorized("the visitor token is not valid for this account")
            })?;
        Ok(data.claims.into_visitor(account))
    }

    /// LivePerson `conversation.json`: checks the visitor's token (`ssoKey`) and answers the
    /// participant id it stands for and a fresh conversation id.
    pub fn authenticate_visitor(
        &self,
        visitor: &VisitorCaller,
        token: &str,
    ) -> EngineResult<(String, String)> {
        let who = self.verify_visitor_token(visitor.account(), token)?;
        // A random (version 4) GUID: it names this conversation only.
        let mut b = random_bytes::<16>()?;
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let conversation = uuid_text(&b);
        Ok((who.participant_id, conversation))
    }

    /// Decides who a chat request's visitor is: with a token (`ssoKey`) on an account that has
    /// a key, the verified visitor (a `participantId` sent alongside must be theirs); otherwise
    /// anonymous. The token is dropped either way once read.
    pub(crate) fn identify_visitor(
        &self,
        account: &AccountId,
        request: &mut ChatRequest,
    ) -> EngineResult<()> {
        request.authenticated = None;
        if self.0.visitor_keys.of(account).is_none() {
            return Ok(());
        }
        let Some(token) = request.sso_key.take() else {
            return Ok(());
        };
        let who = self.verify_visitor_token(account, &token)?;
        if request
            .participant_id
            .as_deref()
            .is_some_and(|p| !p.eq_ignore_ascii_case(&who.participant_id))
        {
            return Err(EngineError::Unauthorized(
                "participantId does not belong to the visitor token",
            ));
        }
        request.participant_id = Some(who.participant_id.clone());
        request.authenticated = Some(who);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
