//! `chatwire webhook …`: an account's webhook subscriptions from the command line, through the
//! same engine use cases as the admin API (`/chatwire/v1/accounts/{a}/webhooks`). Replaying a
//! dead letter needs the running server's delivery worker, so it is an API call only.

use chatwire_engine::core::{Webhook, WebhookId};
use chatwire_engine::{Engine, WebhookInput, WebhookPatch};
use clap::Subcommand;

use crate::admin::account_id;

/// Webhook commands.
#[derive(Debug, Subcommand)]
pub enum WebhookCmd {
    /// Subscribe a URL to an account's events; prints the id and the secret (shown once).
    Create {
        /// Account id.
        #[arg(long)]
        account: String,
        /// Target URL (https, or http to localhost / 127.0.0.1 / [::1]).
        #[arg(long)]
        url: String,
        /// Signing secret (16-200 printable characters; default: generated).
        #[arg(long)]
        secret: Option<String>,
        /// Event kinds, comma-separated (default: all but chat.typing).
        #[arg(long, value_delimiter = ',')]
        events: Option<Vec<String>>,
        /// Create it paused.
        #[arg(long)]
        disabled: bool,
    },
    /// List the account's subscriptions: id, state, URL, events, delivery position.
    List {
        /// Account id.
        #[arg(long)]
        account: String,
    },
    /// Change a subscription (options given are changed).
    Update {
        /// Account id.
        #[arg(long)]
        account: String,
        /// Subscription id (from `list`).
        id: i64,
        /// New target URL.
        #[arg(long)]
        url: Option<String>,
        /// New signing secret.
        #[arg(long)]
        secret: Option<String>,
        /// New event kinds, comma-separated.
        #[arg(long, value_delimiter = ',')]
        events: Option<Vec<String>>,
        /// Resume deliveries.
        #[arg(long, conflicts_with = "disable")]
        enable: bool,
        /// Pause deliveries (the subscription keeps its place).
        #[arg(long)]
        disable: bool,
    },
    /// Delete a subscription and its dead letters.
    Delete {
        /// Account id.
        #[arg(long)]
        account: String,
        /// Subscription id.
        id: i64,
    },
    /// List a subscription's dead letters: id, event seq, attempts, last error.
    DeadLetters {
        /// Account id.
        #[arg(long)]
        account: String,
        /// Subscription id.
        id: i64,
    },
}

fn print_hook(w: &Webhook) {
    let kinds: Vec<&str> = w.kinds.kinds().iter().map(|k| k.as_str()).collect();
    let p = &w.progress;
    println!(
        "{}\t{}\t{}\t{}\tcursor={}\tattempts={}\tlast_error={}",
        w.id.0,
        if w.enabled { "enabled" } else { "paused" },
        w.url,
        kinds.join(","),
        p.cursor.0,
        p.attempts,
        p.last_error.as_deref().unwrap_or("-")
    );
}

/// Runs one webhook command.
pub(crate) async fn webhook(engine: &Engine, cmd: &WebhookCmd) -> anyhow::Result<()> {
    let by = engine.local_operator();
    match cmd {
        WebhookCmd::Create {
            account,
            url,
            secret,
            events,
            disabled,
        } => {
            let input = WebhookInput {
                url: url.clone(),
                secret: secret.clone(),
                events: events.clone(),
                format: None,
                enabled: Some(!disabled),
            };
            let w = engine
                .create_webhook_as(&by, &account_id(account)?, input)
                .await?;
            println!("created webhook {}", w.id.0);
            println!("secret={}", w.secret);
        }
        WebhookCmd::List { account } => {
            for w in engine.webhooks_as(&by, &account_id(account)?).await? {
                print_hook(&w);
            }
        }
        WebhookCmd::Update {
            account,
            id,
            url,
            secret,
            events,
            enable,
            disable,
        } => {
            let patch = WebhookPatch {
                url: url.clone(),
                secret: secret.clone(),
                events: events.clone(),
                format: None,
                enabled: (*enable || *disable).then_some(*enable),
            };
            let w = engine
                .update_webhook_as(&by, &account_id(account)?, WebhookId(*id), patch)
                .await?;
            print_hook(&w);
        }
        WebhookCmd::Delete { account, id } => {
            engine
                .delete_webhook_as(&by, &account_id(account)?, WebhookId(*id))
                .await?;
            println!("deleted webhook {id}");
        }
        WebhookCmd::DeadLetters { account, id } => {
            for d in engine
                .dead_letters_as(&by, &account_id(account)?, WebhookId(*id))
                .await?
            {
                println!(
                    "{}\tseq={}\tattempts={}\t{}",
                    d.id, d.seq.0, d.attempts, d.last_error
                );
            }
        }
    }
    Ok(())
}
