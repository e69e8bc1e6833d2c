//! Visitor tokens: HS256 and RS256 accepted only with the account's key, and every way a token
//! can be wrong refused.

use std::sync::Arc;

use chatwire_core::{AccountId, ChatRequest};
use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;

use super::*;
use crate::EngineConfig;

const SECRET: &str = "0123456789abcdef0123456789abcdef-secret";
const RSA_PRIVATE: &str = include_str!("testdata/visitor_rs256.key");
const RSA_PUBLIC: &str = include_str!("testdata/visitor_rs256.pub");

fn account(id: &str) -> AccountId {
    AccountId::parse(id).expect("account")
}

fn engine() -> Engine {
    let config = EngineConfig {
        visitor_keys: vec![
            VisitorKeyConfig {
                account: account("1000"),
                algorithm: TokenAlgorithm::Hs256,
                key: SECRET.into(),
                issuer: Some("https://login.example.com".into()),
                audience: None,
            },
            VisitorKeyConfig {
                account: account("2000"),
                algorithm: TokenAlgorithm::Rs256,
                key: RSA_PUBLIC.into(),
                issuer: None,
                audience: Some("chatwire".into()),
            },
        ],
        ..EngineConfig::default()
    };
    Engine::new(
        Arc::new(chatwire_store::memory::MemoryStore::default()),
        config,
    )
}

fn exp(offset: i64) -> i64 {
    chrono::Utc::now().timestamp() + offset
}

fn hs(claims: &serde_json::Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("token")
}

fn rs(claims: &serde_json::Value) -> String {
    let key = EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).expect("key");
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &key).expect("token")
}

#[tokio::test]
async fn a_token_signed_with_the_accounts_key_names_the_visitor() {
    let e = engine();
    let good = json!({"sub": "cust-1", "iss": "https://login.example.com", "exp": exp(600),
        "lp_sdes": [{"type": "ctmrinfo", "info": {"ctype": "vip"}}]});
    let who = e
        .verify_visitor_token(&account("1000"), &hs(&good, SECRET))
        .expect("verified");
    assert_eq!(who.subject, "cust-1");
    assert_eq!(
        who.participant_id,
        participant_id(&account("1000"), "cust-1")
    );
    assert_eq!(who.customer.and_then(|c| c.kind).as_deref(), Some("vip"));
    let rsa = json!({"sub": "cust-2", "aud": "chatwire", "exp": exp(600)});
    let who = e
        .verify_visitor_token(&account("2000"), &rs(&rsa))
        .expect("RS256 verified");
    assert_eq!(who.subject, "cust-2");
}

#[tokio::test]
async fn every_wrong_token_is_refused() {
    let e = engine();
    let a = account("1000");
    let iss = "https://login.example.com";
    let refused = |token: String, acct: &AccountId| {
        matches!(
            e.verify_visitor_token(acct, &token),
            Err(EngineError::Unauthorized(_))
        )
    };
    let other_secret = "another-secret-another-secret-another-secret";
    assert!(refused(
        hs(
            &json!({"sub": "x", "iss": iss, "exp": exp(600)}),
            other_secret
        ),
        &a
    ));
    assert!(
        refused(
            hs(&json!({"sub": "x", "iss": iss, "exp": exp(-3600)}), SECRET),
            &a
        ),
        "expired"
    );
    assert!(
        refused(
            hs(&json!({"sub": "x", "iss": "evil", "exp": exp(600)}), SECRET),
            &a
        ),
        "issuer"
    );
    assert!(
        refused(hs(&json!({"sub": "x", "iss": iss}), SECRET), &a),
        "no exp"
    );
    assert!(
        refused(hs(&json!({"iss": iss, "exp": exp(600)}), SECRET), &a),
        "no sub"
    );
    assert!(refused("not.a.token".into(), &a));
    // An HS256 token on the RS256 account (algorithm confusion) and a wrong audience.
    let two = account("2000");
    assert!(refused(
        hs(
            &json!({"sub": "x", "aud": "chatwire", "exp": exp(600)}),
            RSA_PUBLIC
        ),
        &two
    ));
    assert!(refused(
        rs(&json!({"sub": "x", "aud": "other", "exp": exp(600)})),
        &two
    ));
    // An account with no key has no authenticated visitors.
    assert!(refused(
        rs(&json!({"sub": "x", "exp": exp(600)})),
        &account("3000")
    ));
}

#[tokio::test]
async fn a_chat_request_is_authenticated_only_by_a_valid_token() {
    let e = engine();
    let a = account("1000");
    let token = hs(
        &json!({"sub": "cust-1", "iss": "https://login.example.com", "exp": exp(600)}),
        SECRET,
    );
    let mut request = ChatRequest {
        sso_key: Some(token.clone()),
        ..ChatRequest::default()
    };
    e.identify_visitor(&a, &mut request).expect("identified");
    assert!(request.authenticated.is_some());
    assert_eq!(request.sso_key, None, "the token is not kept");
    assert_eq!(request.participant_id, Some(participant_id(&a, "cust-1")));

    let mut forged = ChatRequest {
        participant_id: Some("55fc1779-aaaa".into()),
        authenticated: request.authenticated.clone(),
        ..ChatRequest::default()
    };
    e.identify_visitor(&a, &mut forged).expect("anonymous");
    assert_eq!(forged.authenticated, None, "no token, no identity");

    let mut mismatch = ChatRequest {
        sso_key: Some(token),
        participant_id: Some(participant_id(&a, "someone-else")),
        ..ChatRequest::default()
    };
    assert!(e.identify_visitor(&a, &mut mismatch).is_err());

    let mut keyless = ChatRequest {
        sso_key: Some("whatever".into()),
        ..ChatRequest::default()
    };
    e.identify_visitor(&account("3000"), &mut keyless)
        .expect("accounts without a key ignore ssoKey");
    assert_eq!(keyless.authenticated, None);
}

#[test]
fn bad_keys_are_refused_at_start() {
    let short = VisitorKeyConfig {
        account: account("1000"),
        algorithm: TokenAlgorithm::Hs256,
        key: "short".into(),
        issuer: None,
        audience: None,
    };
    assert!(check_visitor_keys(&[short]).is_err());
    let not_pem = VisitorKeyConfig {
        account: account("1000"),
        algorithm: TokenAlgorithm::Rs256,
        key: "not a key".into(),
        issuer: None,
        audience: None,
    };
    assert!(check_visitor_keys(&[not_pem]).is_err());
    assert_eq!(TokenAlgorithm::parse("rs256"), Some(TokenAlgorithm::Rs256));
    assert_eq!(TokenAlgorithm::parse("none"), None);
}
