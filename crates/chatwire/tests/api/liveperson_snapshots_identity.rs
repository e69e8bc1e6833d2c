//! Wire snapshots of authenticated visitors, in JSON and in XML: `conversation.json` with a
//! token signed by the account's key (RS256, the key from a file) and with bad or missing ones;
//! a chat request carrying the token, whose participant info is then authenticated with the
//! token's attributes; a chat request naming a participant without a token (not
//! authenticated); and a chat request with a forged token (401).

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_configured};
use crate::liveperson_snapshots::{Q, agent_in};
use crate::lp::ACCOUNT;
use crate::wire_snap::{Fmt, Req, Wire};

const KEYS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../chatwire-engine/src/visitor_auth/testdata/"
);

/// A demo server whose account 1000 verifies visitor tokens with the test RSA key.
pub(crate) async fn identity_app() -> TestApp {
    spawn_configured(|s| {
        s.auth.visitor_keys = vec![chatwire::settings::VisitorKeySettings {
            account: "1000".into(),
            algorithm: "RS256".into(),
            key_file: format!("{KEYS}visitor_rs256.pub"),
            issuer: "https://login.example.com".into(),
            ..Default::default()
        }];
    })
    .await
}

/// A token for `sub` signed with the test key (or, `forged`, with a secret nobody configured).
pub(crate) fn token(sub: &str, forged: bool) -> String {
    let exp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        + 600;
    let claims = json!({"sub": sub, "iss": "https://login.example.com", "exp": exp,
    "lp_sdes": [
        {"type": "ctmrinfo", "info": {"cstatus": "cancelled", "ctype": "vip", "customerId": "138766AC",
          "balance": -400.99, "userName": "user000", "companySize": 500, "accountName": "bank corp",
          "role": "broker", "registrationDate": {"day": 23, "month": 5, "year": 2013}}},
        {"type": "personal", "personal": {"firstname": "Ada", "lastname": "Lovelace",
          "contacts": [{"email": "ada@example.com", "phone": "+47 22 00 00 00"}]}}
    ]});
    if forged {
        let key = EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef");
        return jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).expect("jwt");
    }
    let pem = std::fs::read(format!("{KEYS}visitor_rs256.key")).expect("test key");
    let key = EncodingKey::from_rsa_pem(&pem).expect("rsa key");
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key).expect("jwt")
}

/// A chat request for Sales with these extra fields, in the run's format.
fn chat_request(w: &Wire<'_>, fields: &[(&str, &str)]) -> Req {
    let mut request = json!({"skill": "Sales"});
    let mut xml = String::from("<request><skill>Sales</skill>");
    for (name, value) in fields {
        request[*name] = Value::from(*value);
        xml.push_str(&format!("<{name}>{value}</{name}>"));
    }
    xml.push_str("</request>");
    let req = Req::post(format!("{ACCOUNT}/chat/request?{Q}"))
        .accept(w.fmt)
        .header("authorization", "LivePerson appKey=demo-app-key");
    w.body(req, &json!({ "request": request }), &xml)
}

async fn identity(fmt: Fmt) {
    // Arrange
    let app = identity_app().await;
    let w = Wire::new(&app, fmt);
    let agent = agent_in(&w, "agent1").await;
    let good = token("cust-1042", false);
    let forged = token("cust-1042", true);
    w.learn(&good, "[VISITOR_TOKEN]");
    w.learn(&forged, "[FORGED_TOKEN]");
    let conversation = |sso: Option<&str>| {
        let req = Req::post(w.at(&format!("{ACCOUNT}/conversation"), Q))
            .header("authorization", "LivePerson appKey=demo-app-key");
        let mut body = json!({"engagementId": 27469613, "LETagVisitorId": "v1"});
        let mut xml = String::from("<conversation><engagementId>27469613</engagementId>");
        if let Some(sso) = sso {
            body["ssoKey"] = Value::from(sso);
            xml.push_str(&format!("<ssoKey>{sso}</ssoKey>"));
        }
        xml.push_str("</conversation>");
        w.body(req, &body, &xml)
    };

    // Act + Assert: conversation.json.
    let ex = w.call(conversation(Some(&good))).await;
    assert_eq!(ex.status, 200, "{}", ex.body);
    let (participant, conv) = match fmt {
        Fmt::Json => {
            let v = ex.json();
            let s = |k: &str| v[k].as_str().expect("id").to_owned();
            (s("participantId"), s("conversationId"))
        }
        Fmt::Xml => (ex.field("participantId"), ex.field("conversationId")),
    };
    assert_eq!(
        participant,
        chatwire_engine::participant_id(
            &chatwire_engine::core::AccountId::parse("1000").expect("account"),
            "cust-1042"
        )
    );
    w.learn(&conv, "[CONVERSATION_ID]");
    w.snap("identity_conversation", &ex);
    w.check(
        "error_401_identity_forged_token",
        conversation(Some(&forged)),
        401,
    )
    .await;
    w.check("error_400_identity_no_token", conversation(None), 400)
        .await;

    // The chat request with the token: the participant is authenticated, with its attributes.
    let ex = w
        .call(chat_request(
            &w,
            &[
                ("ssoKey", &good),
                ("participantId", &participant),
                ("conversationId", &conv),
            ],
        ))
        .await;
    assert_eq!(ex.status, 201, "{}", ex.body);
    let info = format!("{}/participantExtendedInfo/{participant}", agent.session);
    let get = |url: &str| Req::get(w.at(url, Q)).bearer(&agent.bearer);
    w.check("participant_info_authenticated", get(&info), 200)
        .await;

    // A participant id without a token is not authenticated.
    let anonymous = "55fc1779-e3c4-4e2b-8c29-2b5f4d9f3a11";
    let ex = w
        .call(chat_request(&w, &[("participantId", anonymous)]))
        .await;
    assert_eq!(ex.status, 201, "{}", ex.body);
    let info = format!("{}/participantExtendedInfo/{anonymous}", agent.session);
    w.check("participant_info_anonymous", get(&info), 200).await;

    // A forged token, or a participant id that is not the token's, gets no chat.
    w.check(
        "error_401_chat_request_forged_token",
        chat_request(&w, &[("ssoKey", &forged)]),
        401,
    )
    .await;
    w.check(
        "error_401_chat_request_foreign_participant",
        chat_request(&w, &[("ssoKey", &good), ("participantId", anonymous)]),
        401,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn authenticated_visitors_match_the_json_snapshots() {
    identity(Fmt::Json).await;
}

#[tokio::test]
async fn authenticated_visitors_match_the_xml_snapshots() {
    identity(Fmt::Xml).await;
}
