//! `chatwire app-login …`: bots' application logins from the command line, through the same
//! engine use cases as the admin API (`/chatwire/v1/accounts/{a}/appLogins`).

use chatwire_engine::Engine;
use chatwire_engine::core::AccountId;
use clap::Subcommand;

/// Application-login commands.
#[derive(Debug, Subcommand)]
pub enum AppLoginCmd {
    /// Create application credentials for a bot agent; prints the four values once.
    Create {
        /// Account id.
        #[arg(long)]
        account: String,
        /// The bot agent's login name.
        #[arg(long)]
        username: String,
        /// The app key to use (default: generated).
        #[arg(long)]
        app_key: Option<String>,
    },
    /// List the account's application logins: id, username, app key, state.
    List {
        /// Account id.
        #[arg(long)]
        account: String,
    },
    /// Revoke an application login: refused at once, the bot's sessions end.
    Revoke {
        /// Account id.
        #[arg(long)]
        account: String,
        /// Application login id (from `list`).
        id: i64,
    },
}

fn account_id(id: &str) -> anyhow::Result<AccountId> {
    AccountId::parse(id).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Runs one application-login command.
pub(crate) async fn app_login(engine: &Engine, cmd: &AppLoginCmd) -> anyhow::Result<()> {
    let by = engine.local_operator();
    match cmd {
        AppLoginCmd::Create {
            account,
            username,
            app_key,
        } => {
            let grant = engine
                .create_app_login(&by, &account_id(account)?, username, app_key.as_deref())
                .await?;
            let c = &grant.credentials;
            println!(
                "created application login {} for {}",
                grant.login.id, grant.login.username
            );
            println!("appKey={}", c.app_key);
            println!("secret={}", c.secret);
            println!("accessToken={}", c.access_token);
            println!("accessTokenSecret={}", c.access_token_secret);
        }
        AppLoginCmd::List { account } => {
            for l in engine.app_logins(&by, &account_id(account)?).await? {
                let state = if l.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!("{}\t{}\t{}\t{state}", l.id, l.username, l.app_key);
            }
        }
        AppLoginCmd::Revoke { account, id } => {
            let l = engine
                .revoke_app_login(&by, &account_id(account)?, *id)
                .await?;
            println!("revoked application login {} ({})", l.id, l.username);
        }
    }
    Ok(())
}
