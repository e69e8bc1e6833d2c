//! The demo account (`serve --demo`): seeded idempotently, so restarts keep its chats and any
//! changes, and documented in the README.
//!
//! Several nodes on one PostgreSQL schema may seed at the same moment. Whoever creates the
//! account seeds the rest; a node that finds the account already there first waits (briefly)
//! for the app key, which is seeded last, so it does not add a second copy of the surveys
//! (nothing in the store makes those unique). Everything else with a unique name tolerates the
//! Conflict a concurrent seed causes.

use std::time::Duration;

use chatwire_engine::core::{AccountId, NewAppKey};
use chatwire_engine::{Engine, EngineError, NewAgentInput, NewSkillInput};

/// Demo account id.
pub const ACCOUNT: &str = "1000";
/// Demo password of every demo agent.
pub const PASSWORD: &str = "demo-pass";
/// Demo visitor app key: ships in web pages, so it opens chats but never reads the feed.
pub const APP_KEY: &str = "demo-app-key";
/// Demo back-office key with the feed right (every chat of the account, agent-only events
/// included): a server-side secret, never for a web page.
pub const FEED_KEY: &str = "demo-feed-key";

/// Printed at start when `--demo` listens beyond loopback: everything needed to act as the
/// demo's agents or read every demo chat is public.
pub const EXPOSED_WARNING: &str = "the demo account is reachable from other hosts: its \
passwords and feed key are published, so anyone who can reach this address can log in as its \
agents and read every demo chat; listen on 127.0.0.1 or keep it behind a firewall";

/// Whether a server listening on `addr` is reachable from other hosts (not loopback only), so
/// `--demo` must warn with [`EXPOSED_WARNING`].
pub fn is_exposed(addr: std::net::SocketAddr) -> bool {
    !addr.ip().is_loopback()
}

/// Agents: login, skills, maxChats.
const AGENTS: [(&str, &[&str], i32); 3] = [
    ("agent1", &["Sales", "Support"], 4),
    ("agent2", &["Sales"], 2),
    ("agent3", &["Support"], -1),
];

/// How long a node that finds the demo account already created waits for another node's seed
/// to finish before repairing whatever is missing itself.
const CONCURRENT_SEED_WAIT: Duration = Duration::from_secs(10);

/// Creates whatever part of the demo account is missing; safe when several nodes sharing one
/// database run it at once.
pub async fn seed(engine: &Engine) -> Result<(), EngineError> {
    let account = AccountId::parse(ACCOUNT)?;
    match engine.create_account(ACCOUNT, "chatwire demo").await {
        Ok(_) => {}
        Err(EngineError::Conflict(_)) => wait_for_other_seed(engine, &account).await,
        Err(e) => return Err(e),
    }
    for name in ["Sales", "Support"] {
        if engine.skill_by_name_or_id(&account, name).await.is_err() {
            let input = NewSkillInput {
                name: name.into(),
                description: format!("{name} questions"),
                welcome_message: String::new(),
            };
            tolerate_conflict(engine.create_skill(&account, input).await)?;
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
        tolerate_conflict(engine.create_agent(&account, input).await)?;
    }
    let existing = engine.surveys(&account).await?;
    for survey in crate::demo_surveys::surveys(&account) {
        if !existing.iter().any(|s| s.kind == survey.kind) {
            engine.create_survey(&account, survey).await?;
        }
    }
    let feed = NewAppKey {
        key: FEED_KEY.into(),
        account: account.clone(),
        name: "demo back office (feed)".into(),
        can_read_feed: true,
        allowed_origins: Vec::new(),
    };
    tolerate_conflict(engine.create_app_key(&feed).await)?;
    // Seeded last: other nodes wait for it (see `wait_for_other_seed`).
    let key = NewAppKey {
        key: APP_KEY.into(),
        account: account.clone(),
        name: "demo web site".into(),
        can_read_feed: false,
        allowed_origins: Vec::new(),
    };
    tolerate_conflict(engine.create_app_key(&key).await)?;
    // A data directory seeded by an older version has this public key with the feed right;
    // the Conflict above leaves it as it is, so withdraw the right explicitly.
    engine.set_app_key_feed(&account, APP_KEY, false).await
}

/// A Conflict means another seed created the same thing first: the goal is met.
fn tolerate_conflict<T>(result: Result<T, EngineError>) -> Result<(), EngineError> {
    match result {
        Ok(_) | Err(EngineError::Conflict(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Waits until the app key (the last thing seeded) exists, or [`CONCURRENT_SEED_WAIT`] passes.
/// On a restart it exists at once; when another node is seeding right now, this lets it finish
/// instead of racing it to create the surveys twice.
async fn wait_for_other_seed(engine: &Engine, account: &AccountId) {
    let deadline = tokio::time::Instant::now() + CONCURRENT_SEED_WAIT;
    while engine.check_app_key(account, APP_KEY).await.is_err() {
        if tokio::time::Instant::now() >= deadline {
            tracing::warn!("the demo account exists without its app key; completing it");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The banner printed at start.
pub fn banner(base: &str) -> String {
    format!(
        "demo account ready at {base}/api/account/{ACCOUNT}\n  \
         agent console:  {base}/console/?account={ACCOUNT}   (log in as agent1, agent2 or agent3, password {PASSWORD})\n  \
         demo shop page: {base}/demo/      (the chat widget; open it in another tab and start a chat)\n  \
         agents: agent1 (Sales+Support, max 4, admin), agent2 (Sales, max 2), agent3 (Support, unlimited)\n  \
         password: {PASSWORD}   visitor app key: {APP_KEY}   feed key (server-side only): {FEED_KEY}"
    )
}

#[cfg(test)]
mod tests {
    use super::{banner, is_exposed};

    #[test]
    fn the_banner_names_the_console_the_demo_page_and_the_logins() {
        let text = banner("http://127.0.0.1:8080");
        assert!(text.contains("http://127.0.0.1:8080/console/"), "{text}");
        assert!(text.contains("http://127.0.0.1:8080/demo/"), "{text}");
        assert!(
            text.contains("agent1") && text.contains("demo-pass"),
            "{text}"
        );
    }

    #[test]
    fn a_demo_on_any_address_but_loopback_counts_as_exposed() {
        let parse = |a: &str| a.parse().expect("address");
        assert!(!is_exposed(parse("127.0.0.1:8080")));
        assert!(!is_exposed(parse("[::1]:8080")));
        assert!(is_exposed(parse("0.0.0.0:8080")));
        assert!(is_exposed(parse("[::]:8080")));
        assert!(is_exposed(parse("192.168.1.5:8080")));
    }
}
