//! The admin use cases' rules through the engine: scopes (an account admin stays in their
//! account, server-only operations refuse them), no self-lockout, sessions ending when an
//! agent is disabled, deleted or given a new password, and revoked keys and tokens.

use chatwire_core::AgentId;

use super::fixture;
use crate::{AdminAgentInput, AgentPatch, AppKeyInput, EngineError};

fn input(login: &str) -> AdminAgentInput {
    AdminAgentInput {
        login_name: login.into(),
        password: "long-enough".into(),
        nickname: None,
        display_name: None,
        email: String::new(),
        max_chats: -1,
        skills: vec!["Sales".into()],
        is_admin: true,
    }
}

#[tokio::test]
async fn an_admin_cannot_disable_demote_or_delete_themselves() {
    let f = fixture().await;
    let op = f.engine.local_operator();
    let boss = f
        .engine
        .create_agent_as(&op, &f.account, input("boss"))
        .await
        .expect("boss");
    let grant = f
        .engine
        .login(&f.account, "boss", "long-enough")
        .await
        .expect("login");
    let by = f
        .engine
        .admin_by_bearer(&f.account, &grant.bearer)
        .await
        .expect("admin");
    fn conflict<T>(r: &Result<T, EngineError>) -> bool {
        matches!(r, Err(EngineError::Conflict(_)))
    }

    assert!(conflict(
        &f.engine.disable_agent_as(&by, &f.account, boss.id).await
    ));
    let demote = AgentPatch {
        is_admin: Some(false),
        ..AgentPatch::default()
    };
    assert!(conflict(
        &f.engine
            .update_agent_as(&by, &f.account, boss.id, demote.clone())
            .await
    ));
    assert!(conflict(
        &f.engine.delete_agent_as(&by, &f.account, boss.id).await
    ));
    assert!(
        f.engine
            .agent(&f.account, boss.id)
            .await
            .expect("still")
            .is_admin
    );

    // Others, yes; and the operator may do it to anyone.
    let other = f
        .engine
        .create_agent_as(&by, &f.account, input("boss2"))
        .await
        .expect("boss2");
    f.engine
        .update_agent_as(&by, &f.account, other.id, demote)
        .await
        .expect("demote other");
    f.engine
        .disable_agent_as(&op, &f.account, boss.id)
        .await
        .expect("operator may");
    assert!(matches!(
        f.engine.bearer(&f.account, &grant.bearer).await,
        Err(EngineError::Unauthorized(_))
    ));
}

#[tokio::test]
async fn account_admins_stay_in_their_account_and_server_operations_need_the_server() {
    let f = fixture().await;
    let op = f.engine.local_operator();
    f.engine
        .create_account_as(&op, "other", "")
        .await
        .expect("other");
    let other = chatwire_core::AccountId::parse("other").expect("id");
    let token = f
        .engine
        .create_admin_token_as(&op, Some(&f.account), "shop")
        .await
        .expect("token");
    let by = f
        .engine
        .admin_by_token(&token.token)
        .await
        .expect("token caller");

    assert!(f.engine.agents_as(&by, &f.account).await.is_ok());
    assert!(matches!(
        f.engine.agents_as(&by, &other).await,
        Err(EngineError::NotFound(_))
    ));
    assert!(matches!(
        f.engine.accounts_as(&by).await,
        Err(EngineError::Forbidden(_))
    ));
    assert!(matches!(
        f.engine.create_admin_token_as(&by, None, "escalate").await,
        Err(EngineError::Forbidden(_))
    ));
    let mut forged = token.token.clone();
    forged.pop();
    assert!(matches!(
        f.engine.admin_by_token(&forged).await,
        Err(EngineError::Unauthorized(_))
    ));
    f.engine
        .revoke_admin_token_as(&op, &token.record.id)
        .await
        .expect("revoke");
    assert!(matches!(
        f.engine.admin_by_token(&token.token).await,
        Err(EngineError::Unauthorized(_))
    ));
}

#[tokio::test]
async fn a_password_reset_or_deletion_ends_every_session_of_the_agent() {
    let f = fixture().await;
    let op = f.engine.local_operator();
    let agent = f
        .engine
        .create_agent_as(&op, &f.account, input("ann"))
        .await
        .expect("ann");
    let grant = f
        .engine
        .login(&f.account, "ann", "long-enough")
        .await
        .expect("login");
    let who = f
        .engine
        .bearer(&f.account, &grant.bearer)
        .await
        .expect("live");
    let asid = f
        .engine
        .open_agent_session(&who)
        .await
        .expect("agent session");

    let generated = f
        .engine
        .reset_password_as(&op, &f.account, agent.id, None)
        .await
        .expect("reset")
        .expect("generated");
    assert!(f.engine.bearer(&f.account, &grant.bearer).await.is_err());
    assert!(f.engine.agent_session(&who, asid).await.is_err());
    assert!(
        f.engine
            .login(&f.account, "ann", "long-enough")
            .await
            .is_err()
    );
    let grant = f
        .engine
        .login(&f.account, "ann", &generated)
        .await
        .expect("new password");

    f.engine
        .delete_agent_as(&op, &f.account, agent.id)
        .await
        .expect("delete");
    assert!(f.engine.bearer(&f.account, &grant.bearer).await.is_err());
    assert!(matches!(
        f.engine.agent(&f.account, agent.id).await,
        Err(EngineError::NotFound(_))
    ));
    assert!(matches!(
        f.engine
            .delete_agent_as(&op, &f.account, AgentId(agent.id.0))
            .await,
        Err(EngineError::NotFound(_))
    ));
}

#[tokio::test]
async fn a_disabled_agents_chat_goes_back_to_the_queue_at_once() {
    let f = fixture().await;
    let op = f.engine.local_operator();
    let key = f.request("support").await;
    let agent = f.agents[2];
    f.engine
        .accept_next(&f.caller(agent))
        .await
        .expect("accept");
    assert_eq!(
        f.engine.chat(&f.account, &key).await.expect("chat").state,
        chatwire_core::ChatState::Chatting
    );

    f.engine
        .disable_agent_as(&op, &f.account, agent)
        .await
        .expect("disable");
    let chat = f.engine.chat(&f.account, &key).await.expect("chat");
    assert_eq!(
        chat.state,
        chatwire_core::ChatState::Waiting,
        "requeued at once"
    );
    assert!(chat.agent.is_none());
}

#[tokio::test]
async fn app_keys_get_checked_origins_and_a_revoked_key_is_refused() {
    let f = fixture().await;
    let op = f.engine.local_operator();
    let bad = AppKeyInput {
        allowed_origins: vec!["https://shop.example.com/".into()],
        ..AppKeyInput::default()
    };
    let err = f
        .engine
        .create_app_key_as(&op, &f.account, bad)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("allowedOrigins"), "{err}");
    let good = AppKeyInput {
        allowed_origins: vec![
            "HTTPS://Shop.example.com:443".into(),
            "https://shop.example.com".into(),
        ],
        ..AppKeyInput::default()
    };
    let key = f
        .engine
        .create_app_key_as(&op, &f.account, good)
        .await
        .expect("key");
    assert_eq!(
        f.engine
            .allowed_origins(&f.account, &key.key)
            .await
            .expect("origins"),
        vec!["https://shop.example.com".to_owned()],
        "normalised, once"
    );
    // What the CORS layer asks: the browser's `Origin` compared normalised; with no key (a
    // preflight), any key of the account counts; `null` and strangers never.
    let allowed = |key: Option<&str>, origin: &'static str| {
        let (engine, account) = (f.engine.clone(), f.account.clone());
        let key = key.map(str::to_owned);
        async move {
            engine
                .origin_allowed(&account, key.as_deref(), origin)
                .await
                .expect("answer")
        }
    };
    assert!(allowed(Some(&key.key), "https://SHOP.example.com").await);
    assert!(allowed(None, "https://shop.example.com:443").await);
    assert!(!allowed(Some(&key.key), "https://evil.example").await);
    assert!(!allowed(None, "https://evil.example").await);
    assert!(!allowed(Some(&key.key), "null").await);
    assert!(!allowed(Some("no-such-key"), "https://shop.example.com").await);
    f.engine
        .revoke_app_key_as(&op, &f.account, &key.key)
        .await
        .expect("revoke");
    assert!(matches!(
        f.engine.check_app_key(&f.account, &key.key).await,
        Err(EngineError::Unauthorized(_))
    ));
    assert!(!allowed(Some(&key.key), "https://shop.example.com").await);
    assert!(!allowed(None, "https://shop.example.com").await);
}

#[tokio::test]
async fn a_demoted_or_disabled_supervisor_leaves_the_chats_they_write_in() {
    use chatwire_core::CollaborationMode;
    let f = fixture().await;
    let op = f.engine.local_operator();
    // agent2 handles a Sales chat; agent1, made an admin, joins it as a writer.
    let key = f.request("Sales").await;
    f.engine
        .accept_next(&f.caller(f.agents[1]))
        .await
        .expect("accept");
    let promote = AgentPatch {
        is_admin: Some(true),
        ..AgentPatch::default()
    };
    let boss = f.agents[0];
    f.engine
        .update_agent_as(&op, &f.account, boss, promote)
        .await
        .expect("promote");
    let chat = f
        .engine
        .collaborate(&f.caller(boss), &key, Some(CollaborationMode::Write))
        .await
        .expect("join");
    assert!(chat.collaboration_of(boss).is_some());

    // Demoted: out of the chat, and cannot join again.
    let demote = AgentPatch {
        is_admin: Some(false),
        ..AgentPatch::default()
    };
    f.engine
        .update_agent_as(&op, &f.account, boss, demote)
        .await
        .expect("demote");
    let chat = f.engine.chat(&f.account, &key).await.expect("chat");
    assert_eq!(chat.collaboration_of(boss), None, "left on demotion");
    assert!(
        f.engine
            .collaborate(&f.caller(boss), &key, Some(CollaborationMode::Write))
            .await
            .is_err(),
        "no longer an admin"
    );

    // Disabled while supervising: out too.
    let promote = AgentPatch {
        is_admin: Some(true),
        ..AgentPatch::default()
    };
    f.engine
        .update_agent_as(&op, &f.account, boss, promote)
        .await
        .expect("promote again");
    f.engine
        .collaborate(&f.caller(boss), &key, Some(CollaborationMode::Listen))
        .await
        .expect("join again");
    f.engine
        .disable_agent_as(&op, &f.account, boss)
        .await
        .expect("disable");
    let chat = f.engine.chat(&f.account, &key).await.expect("chat");
    assert_eq!(chat.collaboration_of(boss), None, "left on disabling");
}

#[tokio::test]
async fn a_feed_reader_is_refused_once_its_key_is_revoked_or_its_admin_disabled() {
    use crate::Caller;
    let f = fixture().await;
    let op = f.engine.local_operator();
    let key = f
        .engine
        .create_app_key_as(
            &op,
            &f.account,
            AppKeyInput {
                key: Some("feed-reader-key".into()),
                name: "crm".into(),
                can_read_feed: true,
                allowed_origins: vec![],
            },
        )
        .await
        .expect("key");
    let reader: Caller = f
        .engine
        .visitor_caller(&f.account, &key.key)
        .await
        .expect("caller")
        .into();
    f.engine.check_feed_reader(&reader).await.expect("may read");
    f.engine
        .revoke_app_key_as(&op, &f.account, &key.key)
        .await
        .expect("revoke");
    assert!(
        f.engine.check_feed_reader(&reader).await.is_err(),
        "a caller made before the revocation is refused after it"
    );

    let boss = f
        .engine
        .create_agent_as(&op, &f.account, input("boss"))
        .await
        .expect("boss");
    let grant = f
        .engine
        .login(&f.account, "boss", "long-enough")
        .await
        .expect("login");
    let admin: Caller = f
        .engine
        .bearer(&f.account, &grant.bearer)
        .await
        .expect("bearer")
        .into();
    f.engine
        .check_feed_reader(&admin)
        .await
        .expect("admin reads");
    f.engine
        .disable_agent_as(&op, &f.account, boss.id)
        .await
        .expect("disable");
    assert!(f.engine.check_feed_reader(&admin).await.is_err());
    assert!(f.engine.recheck_caller(&admin).await.is_err());
}

#[tokio::test]
async fn an_agent_with_an_application_login_is_disabled_not_deleted() {
    let f = fixture().await;
    let op = f.engine.local_operator();
    let bot = f
        .engine
        .create_agent_as(&op, &f.account, input("bot"))
        .await
        .expect("bot");
    let grant = f
        .engine
        .create_app_login(&op, &f.account, "bot", None)
        .await
        .expect("app login");
    f.engine
        .revoke_app_login(&op, &f.account, grant.login.id)
        .await
        .expect("revoke");
    assert!(matches!(
        f.engine.delete_agent_as(&op, &f.account, bot.id).await,
        Err(EngineError::Conflict(_))
    ));
    assert!(
        f.engine.agent(&f.account, bot.id).await.is_ok(),
        "still there"
    );
}
