//! The matrix: every route of `chatwire_api::routes()` (and every SuperOffice agent method)
//! attacked by every intruder its guard admits, asserting the refusal status, that nothing of
//! the chat's visitor leaks, that the chat's key (its secret: with any app key of the account
//! it lets one act as the visitor) is never in an answer to a request that did not carry it,
//! and that nothing changed.

use std::collections::BTreeSet;

use chatwire_engine::core::ChatKey;

use super::fixture::{APP_KEY, Creds, OTHER_KEY, Resp, SECOND_KEY, SECRETS, World, send, world};
use super::table::{Guard, METHODS, ROUTES, SO_ROOTS, SO_ROUTES};

/// Who attacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intruder {
    /// No credentials at all.
    Nobody,
    /// The chat agent's login with a wrong password (Basic), or a made-up bearer, cookie or key.
    WrongSecret,
    /// A valid login of another account.
    OtherAccount,
    /// A logged-out login.
    Revoked,
    /// Another agent of the account, with no part in the chat and no admin right.
    Colleague,
    /// Another account's app key.
    OtherAccountKey,
    /// A valid app key of the account without the feed right.
    KeyWithoutFeed,
    /// A second visitor app key of the account (another site), guessing the chat's key: only
    /// routes on one chat are attacked with it (the others are that key's to use).
    SameAccountKey,
}

use Intruder::{
    Colleague, KeyWithoutFeed, Nobody, OtherAccount, OtherAccountKey, Revoked, SameAccountKey,
    WrongSecret,
};

/// The intruders a guard is attacked with and the status each must get.
fn attacks(guard: Guard) -> Vec<(Intruder, u16)> {
    let agents = vec![
        (Nobody, 401),
        (WrongSecret, 401),
        (OtherAccount, 401),
        (Revoked, 401),
    ];
    match guard {
        Guard::Public(_) | Guard::Methods => Vec::new(),
        Guard::Agent => agents,
        Guard::Chat(status) => [agents, vec![(Colleague, status)]].concat(),
        Guard::Admin => [agents, vec![(Colleague, 403)]].concat(),
        Guard::ServerAdmin => vec![
            (Nobody, 401),
            (WrongSecret, 401),
            (OtherAccount, 403),
            (Revoked, 401),
            (Colleague, 403),
        ],
        Guard::LoginCookie => vec![(Nobody, 401), (WrongSecret, 401), (Revoked, 401)],
        Guard::AppKey => vec![
            (Nobody, 401),
            (WrongSecret, 401),
            (OtherAccountKey, 401),
            (SameAccountKey, 404),
        ],
        Guard::Feed => vec![
            (Nobody, 401),
            (WrongSecret, 401),
            (OtherAccountKey, 401),
            (Revoked, 401),
            (Colleague, 403),
            (KeyWithoutFeed, 403),
        ],
        Guard::ChatStream => vec![
            (Nobody, 401),
            (WrongSecret, 401),
            (OtherAccountKey, 401),
            (Revoked, 401),
            (Colleague, 403),
            (SameAccountKey, 404),
        ],
    }
}

/// The credentials of an intruder of a guard (`lp`: a LivePerson route, which takes bearers,
/// not Basic): headers and the login whose path ids it uses.
fn credentials(
    w: &World,
    guard: Guard,
    who: Intruder,
    lp: bool,
) -> (Vec<(String, String)>, &Creds) {
    let h = |k: &str, v: String| vec![(k.to_owned(), v)];
    let key = |k: &str| h("authorization", format!("LivePerson appKey={k}"));
    let bearer = |c: &Creds| h("authorization", format!("Bearer {}", c.bearer));
    let cookie = |c: &Creds| h("cookie", format!("Session_id={}", c.cookie));
    match (guard, who) {
        (_, Nobody) => (Vec::new(), &w.owner),
        (Guard::AppKey | Guard::Feed | Guard::ChatStream, WrongSecret) => {
            (key("no-such-key-1"), &w.owner)
        }
        (_, OtherAccountKey) => (key(OTHER_KEY), &w.owner),
        (_, KeyWithoutFeed) => (key(APP_KEY), &w.owner),
        (_, SameAccountKey) => (key(SECOND_KEY), &w.owner),
        (Guard::LoginCookie, WrongSecret) => (cookie_of("no-such-cookie"), &w.owner),
        (Guard::LoginCookie, Revoked) => (cookie(&w.revoked), &w.revoked),
        (_, WrongSecret) if lp => (h("authorization", "Bearer no-such-bearer".into()), &w.owner),
        (_, WrongSecret) => (wrong_password(&w.owner.login), &w.owner),
        (_, OtherAccount) => (bearer(&w.stranger), &w.stranger),
        (_, Revoked) => (bearer(&w.revoked), &w.revoked),
        (_, Colleague) => (bearer(&w.colleague), &w.colleague),
    }
}

fn cookie_of(value: &str) -> Vec<(String, String)> {
    vec![("cookie".to_owned(), format!("Session_id={value}"))]
}

/// The chat agent's login with a wrong password (SuperOffice Basic).
fn wrong_password(login: &str) -> Vec<(String, String)> {
    let basic = base64(&format!("{login}:wrong-password"));
    vec![("authorization".to_owned(), format!("Basic {basic}"))]
}

fn base64(text: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A concrete URI for a template, with the path ids of `who`.
fn uri(w: &World, template: &str, who: &Creds, method: Option<&str>, guess: bool) -> String {
    let topic = template.contains("/ChatTopic");
    // A well-formed key of no chat, as someone without the chat's key would try.
    let chat = if guess {
        ChatKey::from_random(7, 7, 7)
    } else {
        w.chat.key.clone()
    };
    let id = if topic { w.sales.0 } else { w.chat.num.0 };
    let path = template
        .replace("{account}", "1000")
        .replace("{method}", method.unwrap_or("GetChatPresence"))
        .replace("{id}", &id.to_string())
        .replace("{to}", &who.login)
        .replace("{user}", "agent2")
        .replace("{event}", "0")
        .replace("{visit}", &chat.visit_id())
        .replace("{participant}", "participant-1")
        .replace("{service}", "agentVep")
        .replace("{chat}", &chat.to_string())
        .replace("{asid}", &who.asid.to_string())
        .replace("{agentId}", &who.id.to_string())
        .replace("{skillId}", &w.sales.0.to_string())
        .replace("{key}", APP_KEY)
        .replace("{webhookId}", "1")
        .replace("{deadLetterId}", "1")
        .replace("{*rest}", "Nope");
    let mut query = format!(
        "ChatSessionEntityId={}&ChatTopicEntityId={}",
        w.chat.num.0, w.sales.0
    );
    // Only the multi-chat poll reads keys from the query; elsewhere the key stays out of the
    // request, so an answer that holds it leaked it.
    if template.ends_with("/agentSession/{asid}/chat") {
        query.push_str(&format!("&chatSessionKeys={chat}"));
    }
    format!("{path}?{query}")
}

/// One body that every route reads what it needs from: an intruder must be refused for who
/// they are, not for a malformed request. `csrf` is the intruder's own token, if any.
fn body(w: &World, who: &Creds, csrf: &str) -> String {
    serde_json::json!({
        "ChatSessionId": w.chat.num.0,
        "ChatTopicId": w.sales.0,
        "ToAssociate": who.login,
        "Username": "agent2",
        "Useragent": {"User": {"UserName": "agent3"}, "CanRespond": true},
        "User": {"UserName": "agent3"},
        "survey": {"id": 1, "question": [{"id": 1, "answer": "5"}]},
        "Message": {"Message": "hijacked", "Type": "ToCustomer"},
        "CustomerName": "Mallory",
        "Name": "Renamed",
        "event": {"@type": "line", "text": "hijacked"},
        "transfer": {"agent": {"id": who.id}},
        "transferAccount": {"account": {"id": "2000"}, "skill": {"id": w.sales.0}},
        "collaborationChannel": {"mode": "write"},
        "agentTyping": "typing",
        "visitorName": "Mallory",
        "visitorTyping": "typing",
        "customVariables": {"customVariable": [{"name": "x", "value": "y"}]},
        "email": "mallory@example.com",
        "csrf": csrf,
    })
    .to_string()
}

fn check(label: &str, uri: &str, w: &World, resp: &Resp, want: u16, failures: &mut Vec<String>) {
    if resp.status.as_u16() != want {
        failures.push(format!(
            "{label}: {} (want {want}) {}",
            resp.status, resp.text
        ));
    }
    if let Some(s) = SECRETS.iter().find(|s| resp.text.contains(**s)) {
        failures.push(format!("{label}: leaks {s:?}"));
    }
    let key = w.chat.key.to_string();
    if !uri.contains(&key) && resp.text.contains(&key) {
        failures.push(format!("{label}: leaks the chat's key"));
    }
}

async fn attack(
    w: &World,
    method: &str,
    template: &str,
    guard: Guard,
    agent_method: Option<&str>,
    failures: &mut Vec<String>,
) {
    for (who, want) in attacks(guard) {
        if who == SameAccountKey && !template.contains("{chat}") {
            continue;
        }
        let lp = template.starts_with("/api/account/");
        let (headers, creds) = credentials(w, guard, who, lp);
        let csrf = match who {
            Nobody => "",
            WrongSecret => "no-such-csrf-token",
            _ => &creds.csrf,
        };
        let before = w.fingerprint().await;
        let http = if method == "ANY" { "POST" } else { method };
        let uri = uri(w, template, creds, agent_method, who == SameAccountKey);
        let resp = send(&w.app, http, &uri, &headers, &body(w, creds, csrf)).await;
        let label = format!(
            "{method} {template} {} as {who:?}",
            agent_method.unwrap_or("")
        );
        check(&label, &uri, w, &resp, want, failures);
        if w.fingerprint().await != before {
            failures.push(format!("{label}: changed something"));
        }
    }
}

/// Every (method, template) the table has, SuperOffice rows under both roots.
fn rows() -> Vec<(String, String, Guard)> {
    let mut out: Vec<_> = ROUTES
        .iter()
        .map(|(m, p, g)| ((*m).to_owned(), (*p).to_owned(), *g))
        .collect();
    for root in SO_ROOTS {
        out.extend(
            SO_ROUTES
                .iter()
                .map(|(m, p, g)| ((*m).to_owned(), format!("{root}{p}"), *g)),
        );
    }
    out
}

#[test]
fn every_route_of_the_router_has_exactly_one_row_and_every_row_a_route() {
    let routes: BTreeSet<(String, String)> = chatwire_api::routes()
        .into_iter()
        .map(|r| (r.method.to_owned(), r.path))
        .collect();
    let table: Vec<(String, String)> = rows().into_iter().map(|(m, p, _)| (m, p)).collect();
    let rows: BTreeSet<_> = table.iter().cloned().collect();
    assert_eq!(rows.len(), table.len(), "a route has two rows");
    let unlisted: Vec<_> = routes.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&routes).collect();
    assert!(
        unlisted.is_empty(),
        "routes without a row in authz/table.rs: {unlisted:#?}"
    );
    assert!(stale.is_empty(), "rows without a route: {stale:#?}");
    let methods: BTreeSet<&str> = METHODS.iter().map(|(m, _)| *m).collect();
    let served: BTreeSet<&str> = chatwire_api::superoffice::agent::METHODS
        .into_iter()
        .collect();
    assert_eq!(methods, served, "every agent method needs a row in METHODS");
}

#[tokio::test]
async fn every_route_refuses_every_intruder_and_changes_nothing() {
    // Arrange
    let w = world().await;
    let mut failures = Vec::new();

    // Act
    for (method, template, guard) in rows() {
        if guard == Guard::Methods {
            for (name, g) in METHODS {
                attack(&w, &method, &template, *g, Some(name), &mut failures).await;
            }
        } else {
            attack(&w, &method, &template, guard, None, &mut failures).await;
        }
    }

    // Assert
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
