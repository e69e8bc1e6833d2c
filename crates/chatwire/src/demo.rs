//! The demo account (`serve --demo`): seeded idempotently, so restarts keep its chats and any
//! changes, and documented in the README.

use chatwire_engine::core::{AccountId, NewAppKey};
use chatwire_engine::{Engine, EngineError, NewAgentInput, NewSkillInput};

/// Demo account id.
pub const ACCOUNT: &str = "1000";
/// Demo password of every demo agent.
pub const PASSWORD: &str = "demo-pass";
/// Demo visitor app key.
pub const APP_KEY: &str = "demo-app-key";

/// Agents: login, skills, maxChats.
const AGENTS: [(&str, &[&str], i32); 3] = [
    ("agent1", &["Sales", "Support"], 4),
    ("agent2", &["Sales"], 2),
    ("agent3", &["Support"], -1),
];

/// Creates whatever part of the demo account is missing.
pub async fn seed(engine: &Engine) -> Result<(), EngineError> {
    let account = AccountId::parse(ACCOUNT)?;
    match engine.create_account(ACCOUNT, "chatwire demo").await {
        Ok(_) | Err(EngineError::Conflict(_)) => {}
        Err(e) => return Err(e),
    }
    for name in ["Sales", "Support"] {
        if engine.skill_by_name_or_id(&account, name).await.is_err() {
            let input = NewSkillInput {
                name: name.into(),
                description: format!("{name} questions"),
                welcome_message: String::new(),
            };
            engine.create_skill(&account, input).await?;
        }
    }
    for (login, skills, max_chats) in AGENTS {
        if engine.agent_by_login(&account, login).await.is_ok() {
            continue;
        }
        let number = login.trim_start_matches("agent");
        let input = NewAgentInput {
            login_name: login.into(),
            password: PASSWORD.into(),
            nickname: format!("Agent {number}"),
            display_name: format!("Demo Agent {number}"),
            email: format!("{login}@example.com"),
            max_chats,
            skills: skills.iter().map(|s| (*s).to_owned()).collect(),
            is_admin: login == "agent1",
        };
        engine.create_agent(&account, input).await?;
    }
    let existing = engine.surveys(&account).await?;
    for survey in crate::demo_surveys::surveys(&account) {
        if !existing.iter().any(|s| s.kind == survey.kind) {
            engine.create_survey(&account, survey).await?;
        }
    }
    let key = NewAppKey {
        key: APP_KEY.into(),
        account,
        name: "demo web site".into(),
        can_read_feed: true,
    };
    match engine.create_app_key(&key).await {
        Ok(_) | Err(EngineError::Conflict(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The banner printed at start.
pub fn banner(base: &str) -> String {
    format!(
        "demo account ready at {base}/api/account/{ACCOUNT}\n  \
         agents: agent1 (Sales+Support, max 4, admin), agent2 (Sales, max 2), agent3 (Support, unlimited)\n  \
         password: {PASSWORD}   visitor app key: {APP_KEY}"
    )
}
