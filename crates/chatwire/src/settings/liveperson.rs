//! LivePerson settings beyond the wire: authenticated visitors' keys (`[[auth.visitor_keys]]`)
//! and the accounts that may send chats to each other (`[[engine.account_transfers]]`), checked
//! and turned into the engine's form.

use chatwire_engine::VisitorKeyConfig;
use chatwire_engine::core::AccountId;
use serde::{Deserialize, Serialize};

/// `[[auth.visitor_keys]]`: how one account's authenticated visitors' tokens are verified
/// (docs/liveperson.md, "Authenticated visitors").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VisitorKeySettings {
    /// Account id.
    pub account: String,
    /// `HS256` or `RS256`.
    pub algorithm: String,
    /// The HS256 secret (at least 32 bytes) or the RS256 public key in PEM, inline.
    pub key: String,
    /// A file holding the key instead (read at start).
    pub key_file: String,
    /// Required token issuer (`iss`); empty: not checked.
    pub issuer: String,
    /// Required token audience (`aud`); empty: not checked.
    pub audience: String,
}

impl VisitorKeySettings {
    /// The engine's form of this entry, with the key read from `key_file` when named.
    pub(super) fn config(&self) -> anyhow::Result<chatwire_engine::VisitorKeyConfig> {
        let account = chatwire_engine::core::AccountId::parse(&self.account)
            .map_err(|e| anyhow::anyhow!("auth.visitor_keys: {e}"))?;
        let algorithm =
            chatwire_engine::TokenAlgorithm::parse(&self.algorithm).ok_or_else(|| {
                anyhow::anyhow!("auth.visitor_keys: algorithm must be HS256 or RS256")
            })?;
        let key = match (self.key.is_empty(), self.key_file.is_empty()) {
            (false, true) => self.key.clone(),
            (true, false) => std::fs::read_to_string(&self.key_file).map_err(|e| {
                anyhow::anyhow!("auth.visitor_keys: reading {}: {e}", self.key_file)
            })?,
            _ => anyhow::bail!("auth.visitor_keys: give exactly one of key and key_file"),
        };
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Ok(chatwire_engine::VisitorKeyConfig {
            account,
            algorithm,
            key,
            issuer: some(&self.issuer),
            audience: some(&self.audience),
        })
    }
}

/// `[[engine.account_transfers]]`: account `from` may send chats to account `to`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountTransferSettings {
    /// The sending account.
    pub from: String,
    /// The receiving account.
    pub to: String,
}

/// Which account may send chats to which: `(from, to)`.
type TransferPairs = Vec<(AccountId, AccountId)>;

/// The engine's visitor keys and account-transfer pairs, checked: keys parse, one per
/// account; pairs name two different valid accounts.
pub(super) fn engine_parts(
    keys: &[VisitorKeySettings],
    transfers: &[AccountTransferSettings],
) -> anyhow::Result<(Vec<VisitorKeyConfig>, TransferPairs)> {
    let visitor_keys = keys
        .iter()
        .map(VisitorKeySettings::config)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let accounts: std::collections::HashSet<_> =
        visitor_keys.iter().map(|k| k.account.clone()).collect();
    if accounts.len() != visitor_keys.len() {
        anyhow::bail!("auth.visitor_keys: one entry per account");
    }
    chatwire_engine::check_visitor_keys(&visitor_keys).map_err(|e| anyhow::anyhow!("{e}"))?;
    let account_transfers = transfers
        .iter()
        .map(|t| {
            let parse = |id: &str| {
                chatwire_engine::core::AccountId::parse(id)
                    .map_err(|err| anyhow::anyhow!("engine.account_transfers: {err}"))
            };
            let (from, to) = (parse(&t.from)?, parse(&t.to)?);
            if from == to {
                anyhow::bail!("engine.account_transfers: {from} to itself");
            }
            Ok((from, to))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok((visitor_keys, account_transfers))
}
