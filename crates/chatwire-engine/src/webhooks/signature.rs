//! The delivery signature: HMAC-SHA256 keyed with the subscription's secret over
//! `timestamp + "." + raw body`, sent as `Chatwire-Signature: v1=<lowercase hex>` beside
//! `Chatwire-Timestamp: <unix seconds>`. Signing the timestamp lets a receiver refuse old
//! deliveries replayed by someone who captured one (docs/webhooks.md, "Verifying").
//!
//! Subscriptions in SuperOffice's format also get `X-SuperOffice-Signature`: base64 of
//! HMAC-SHA256 keyed with the secret over the raw body alone, as SuperOffice signs.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The `Chatwire-Signature` value for `body` sent at `timestamp` (unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length; new_from_slice cannot fail for it.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The `X-SuperOffice-Signature` value for `body`: base64 of HMAC-SHA256(secret, body).
pub fn sign_superoffice(secret: &str, body: &[u8]) -> String {
    use base64::Engine as _;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_a_known_hmac_sha256() {
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test_secret_0001'
        let sig = sign("whsec_test_secret_0001", 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            sig,
            "v1=d72004e54ee49c45c689a8f382207df55ea68689e30b4461db3af3021b8a176e"
        );
        assert!(sig.starts_with("v1=") && sig.len() == 3 + 64);
        // printf '{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test_secret_0001' -binary | base64
        assert_eq!(
            sign_superoffice("whsec_test_secret_0001", br#"{"a":1}"#),
            "/oeZCJAN4oiLdt8zkK/kyz2yPOksrEEAEqIPVCHx16w="
        );
        assert_ne!(
            sig,
            sign("another_secret_000000", 1_700_000_000, br#"{"a":1}"#)
        );
        assert_ne!(
            sig,
            sign("whsec_test_secret_0001", 1_700_000_001, br#"{"a":1}"#)
        );
    }
}
