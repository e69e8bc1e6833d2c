//! The world the authorization tests attack: account 1000 with a chat agent2 handles, the
//! agents and keys around it, a second account, and a revoked login; plus in-process requests
//! and a fingerprint of everything a request could change.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chatwire_api::{AppState, HttpSettings, app};
use chatwire_engine::auth::LoginGrant;
use chatwire_engine::core::{AccountId, Chat, ChatRequest, NewAppKey, SkillId};
use chatwire_engine::{ChatRequestInput, Engine, EngineConfig, NewAgentInput, NewSkillInput};
use chatwire_store::memory::MemoryStore;
use tower::ServiceExt;

/// Details of the visitor that must never reach an intruder.
pub(crate) const SECRETS: [&str; 3] = ["Vera Secret", "vera@secret.example", "+4799887766"];

/// A logged-in agent: bearer, LivePerson agent session, login cookie and CSRF token.
#[derive(Debug, Clone)]
pub(crate) struct Creds {
    /// Login name.
    pub(crate) login: String,
    /// Agent id.
    pub(crate) id: i64,
    /// `Authorization: Bearer` value.
    pub(crate) bearer: String,
    /// A LivePerson agent session of this login.
    pub(crate) asid: i64,
    /// The `Session_id` cookie.
    pub(crate) cookie: String,
    /// The CSRF token.
    pub(crate) csrf: String,
}

/// Everything the tests need.
pub(crate) struct World {
    /// The app.
    pub(crate) app: axum::Router,
    /// Its engine (for fingerprints and setup).
    pub(crate) engine: Engine,
    /// Account 1000.
    pub(crate) account: AccountId,
    /// The Sales chat agent2 handles.
    pub(crate) chat: Chat,
    /// Skill Sales.
    pub(crate) sales: SkillId,
    /// agent2 (Sales), handling the chat.
    pub(crate) owner: Creds,
    /// agent3 (Sales, not admin): a colleague with no part in the chat.
    pub(crate) colleague: Creds,
    /// An agent of account 2000.
    pub(crate) stranger: Creds,
    /// agent1 (admin), logged out: every credential of that login is revoked.
    pub(crate) revoked: Creds,
}

/// The password of every agent.
pub(crate) const PASSWORD: &str = "pw";
/// App key of account 1000 (no feed right).
pub(crate) const APP_KEY: &str = "app-key-1000";
/// App key of account 1000 with the feed right.
pub(crate) const FEED_KEY: &str = "feed-key-1000";
/// App key of account 2000.
pub(crate) const OTHER_KEY: &str = "app-key-2000";
/// A second visitor app key of account 1000 (another site of the same account, no feed right):
/// it reaches a chat only with the chat's key, which is the chat's secret.
pub(crate) const SECOND_KEY: &str = "app-key-1000-b";

async fn agent(engine: &Engine, account: &AccountId, login: &str, admin: bool) -> i64 {
    let input = NewAgentInput {
        login_name: login.into(),
        password: PASSWORD.into(),
        nickname: format!("{login}-nick"),
        display_name: login.into(),
        email: String::new(),
        max_chats: 4,
        skills: vec!["Sales".into()],
        is_admin: admin,
    };
    engine
        .create_agent(account, input)
        .await
        .expect("agent")
        .id
        .0
}

async fn login(engine: &Engine, account: &AccountId, login: &str, id: i64) -> Creds {
    let grant: LoginGrant = engine.login(account, login, PASSWORD).await.expect("login");
    let who = engine.bearer(account, &grant.bearer).await.expect("bearer");
    let asid = engine.open_agent_session(&who).await.expect("session");
    engine
        .set_availability(
            account,
            chatwire_engine::core::AgentId(id),
            chatwire_engine::core::Availability::Online,
        )
        .await
        .expect("online");
    Creds {
        login: login.into(),
        id,
        bearer: grant.bearer,
        asid,
        cookie: grant.cookie,
        csrf: grant.csrf,
    }
}

async fn account_with_sales(engine: &Engine, id: &str, key: &str) -> (AccountId, SkillId) {
    let account = engine.create_account(id, "t").await.expect("account").id;
    let input = NewSkillInput {
        name: "Sales".into(),
        ..NewSkillInput::default()
    };
    let sales = engine
        .create_skill(&account, input)
        .await
        .expect("skill")
        .id;
    let new = NewAppKey {
        key: key.into(),
        account: account.clone(),
        name: "site".into(),
        can_read_feed: false,
        allowed_origins: Vec::new(),
    };
    engine.create_app_key(&new).await.expect("key");
    (account, sales)
}

/// Builds the world: the chat is picked up by agent2 and has one visitor line.
pub(crate) async fn world() -> World {
    // The matrix sends hundreds of wrong passwords for the same logins; with the login-failure
    // throttle on they would lock those logins and every later row would read 429 instead of the
    // refusal the row is about. Throttles have their own tests (guard_throttle).
    let mut config = EngineConfig::default();
    config.guard.throttle = false;
    let engine = Engine::new(Arc::new(MemoryStore::new()), config);
    let (account, sales) = account_with_sales(&engine, "1000", APP_KEY).await;
    let (other, _) = account_with_sales(&engine, "2000", OTHER_KEY).await;
    let feed = NewAppKey {
        key: FEED_KEY.into(),
        account: account.clone(),
        name: "back office".into(),
        can_read_feed: true,
        allowed_origins: Vec::new(),
    };
    engine.create_app_key(&feed).await.expect("feed key");
    let second = NewAppKey {
        key: SECOND_KEY.into(),
        account: account.clone(),
        name: "second site".into(),
        can_read_feed: false,
        allowed_origins: Vec::new(),
    };
    engine.create_app_key(&second).await.expect("second key");
    let admin = agent(&engine, &account, "agent1", true).await;
    let owner_id = agent(&engine, &account, "agent2", false).await;
    let colleague_id = agent(&engine, &account, "agent3", false).await;
    let stranger_id = agent(&engine, &other, "stranger", true).await;
    let revoked = login(&engine, &account, "agent1", admin).await;
    engine
        .logout(&account, Some(&revoked.cookie), Some(&revoked.csrf))
        .await
        .expect("logout");
    let owner = login(&engine, &account, "agent2", owner_id).await;
    let colleague = login(&engine, &account, "agent3", colleague_id).await;
    let stranger = login(&engine, &other, "stranger", stranger_id).await;
    let request = ChatRequestInput {
        skill: Some("Sales".into()),
        visitor_name: Some(SECRETS[0].into()),
        request: ChatRequest {
            customer_email: Some(SECRETS[1].into()),
            customer_phone: Some(SECRETS[2].into()),
            ..ChatRequest::default()
        },
        ..ChatRequestInput::default()
    };
    let key = engine
        .request_chat_from(&account, request, None)
        .await
        .expect("chat")
        .chat
        .key;
    let owner_agent = chatwire_engine::AgentPrincipal::for_tests(
        &account,
        chatwire_engine::core::AgentId(owner_id),
    );
    engine.pick_up(&owner_agent, &key).await.expect("pick up");
    let line = chatwire_engine::LineInput::plain("my order number is 42");
    let visitor = engine
        .visitor_caller(&account, APP_KEY)
        .await
        .expect("app key");
    engine
        .visitor_post_line(&visitor, &key, line)
        .await
        .expect("line");
    let chat = engine.chat(&account, &key).await.expect("chat");
    let http = HttpSettings {
        superoffice_default_account: "1000".into(),
        ..HttpSettings::default()
    };
    World {
        app: app(AppState::new(engine.clone(), http)),
        engine,
        account,
        chat,
        sales,
        owner,
        colleague,
        stranger,
        revoked,
    }
}

/// An answer.
#[derive(Debug)]
pub(crate) struct Resp {
    /// Status.
    pub(crate) status: StatusCode,
    /// Body text.
    pub(crate) text: String,
}

/// Sends one request in-process.
pub(crate) async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    headers: &[(String, String)],
    body: &str,
) -> Resp {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "chat.example.com")
        .header("content-type", "application/json");
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::from(body.to_owned())).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    // Streams (SSE) answer a refusal with a plain body too; an accepted stream is cut short.
    let bytes = tokio::time::timeout(
        std::time::Duration::from_millis(500),
        axum::body::to_bytes(resp.into_body(), 1 << 20),
    )
    .await
    .ok()
    .and_then(Result::ok)
    .unwrap_or_default();
    Resp {
        status,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

impl World {
    /// Everything an intruder could change: the chat, the open chats, agents and skills of
    /// both accounts.
    pub(crate) async fn fingerprint(&self) -> String {
        let e = &self.engine;
        let chat = e.chat(&self.account, &self.chat.key).await.expect("chat");
        let open: Vec<_> = e
            .open_chats(&self.account)
            .iter()
            .map(|c| (c.num, c.revision))
            .collect();
        let mut out = format!("{:?} {:?} {open:?}", chat.revision, chat.state);
        for id in ["1000", "2000"] {
            let account = AccountId::parse(id).expect("id");
            let agents = e.agents(&account).await.expect("agents");
            let skills = e.skills(&account).await.expect("skills");
            let summary: Vec<_> = agents
                .iter()
                .map(|a| {
                    (
                        a.id,
                        a.availability,
                        a.skills.clone(),
                        a.is_admin,
                        a.enabled,
                    )
                })
                .collect();
            out.push_str(&format!(" {summary:?} {skills:?}"));
        }
        out
    }
}
