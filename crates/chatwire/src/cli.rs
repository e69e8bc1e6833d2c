//! The command line (clap): `serve`, `migrate`, `default-config`, `check-config`, and admin
//! commands for accounts, skills, agents and visitor app keys. Flags override configuration.

use std::path::PathBuf;

use anyhow::Context as _;

use chatwire_engine::Engine;
use clap::{Args, Parser, Subcommand};

pub use crate::cli_admin::{
    AccountCmd, AdminTokenCmd, AgentCmd, AppKeyCmd, NewAgentArgs, SkillCmd,
};
use crate::settings::{DatabaseTarget, EXAMPLE, Settings};
use crate::{Server, admin, demo, shutdown_signal, telemetry};

/// What `chatwire --help` says the program is.
const ABOUT: &str = "chatwire: a self-hosted live-chat server speaking the LivePerson legacy chat \
                     and SuperOffice WebAPI chat APIs, on SQLite or PostgreSQL.";

/// Printed after the options in `chatwire --help`.
const AFTER_HELP: &str = "Start with `chatwire serve --demo`, then open the printed address in a \
                          browser. Configuration: a TOML file (`chatwire default-config`), then \
                          CHATWIRE__SECTION__KEY environment variables, then the options above. \
                          Errors print on one line; CHATWIRE_BACKTRACE=1 with RUST_BACKTRACE=1 \
                          adds a backtrace.";

/// The parsed command line.
#[derive(Debug, Parser)]
#[command(name = "chatwire", version, about = ABOUT, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    /// TOML configuration file (see `chatwire default-config`).
    #[arg(long, global = true, env = "CHATWIRE_CONFIG", help_heading = GLOBAL)]
    pub config: Option<PathBuf>,
    /// Data directory (overrides database.data_dir).
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub data_dir: Option<String>,
    /// Database URL (overrides database.url), e.g. sqlite:///var/lib/chatwire/chatwire.db or
    /// postgres://chatwire@db:5432/chatwire (prefer CHATWIRE__DATABASE__URL for one with a
    /// password: flags show in `ps`).
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub database_url: Option<String>,
    /// PostgreSQL schema (overrides database.schema).
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub database_schema: Option<String>,
    /// PostgreSQL connections per node (overrides database.pool_size).
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub database_pool_size: Option<usize>,
    /// What to do.
    #[command(subcommand)]
    pub cmd: Cmd,
}

/// The help heading of the options every command takes, apart from the command's own.
const GLOBAL: &str = "Global options";

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Run the server.
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Copy the SQLite database to a new FILE, consistent while the server runs.
    Backup {
        /// The backup file to create (never overwritten).
        file: PathBuf,
    },
    /// Replace the SQLite database with a backup FILE (refused while a server has it open).
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Print the documented default configuration.
    DefaultConfig,
    /// Load and validate the configuration, print the result.
    CheckConfig,
    /// Print the OpenAPI 3.1 document of chatwire's own API (`/chatwire/v1`) as JSON.
    Openapi,
    /// Manage accounts.
    Account(Admin<AccountCmd>),
    /// Manage skills (SuperOffice chat topics).
    Skill(Admin<SkillCmd>),
    /// Manage agents.
    Agent(Admin<AgentCmd>),
    /// Manage visitor app keys.
    AppKey(Admin<AppKeyCmd>),
    /// Manage bots' application logins (LivePerson application login).
    AppLogin(Admin<crate::cli_app_logins::AppLoginCmd>),
    /// Manage admin API tokens (credentials for /chatwire/v1 admin routes).
    AdminToken(Admin<AdminTokenCmd>),
    /// Manage surveys (pre-chat, offline, exit, agent).
    Survey(Admin<crate::cli_surveys::SurveyCmd>),
    /// Manage outbound webhook subscriptions (docs/webhooks.md).
    Webhook(Admin<crate::cli_webhooks::WebhookCmd>),
}

/// `serve` flags.
#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// Listen address (overrides server.listen).
    #[arg(long)]
    pub listen: Option<String>,
    /// Seed the demo account (idempotent) and print how to use it.
    #[arg(long)]
    pub demo: bool,
    /// PEM certificate chain (with --tls-key).
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<String>,
    /// PEM private key (with --tls-cert).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<String>,
    /// Serve HTTPS with a certificate generated at start.
    #[arg(long, conflicts_with = "tls_cert")]
    pub tls_self_signed: bool,
    /// Public base URL for links (overrides server.public_url).
    #[arg(long)]
    pub public_url: Option<String>,
}

/// An admin command group and the options it shares.
#[derive(Debug, Args)]
pub struct Admin<C: Subcommand> {
    /// Create the database if it does not exist (without it, a missing database is an error).
    #[arg(long, global = true)]
    pub create: bool,
    /// The command.
    #[command(subcommand)]
    pub cmd: C,
}

impl Cli {
    /// Settings from the file and environment, with global flags applied.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let mut settings = Settings::load(self.config.as_deref())?;
        if let Some(dir) = &self.data_dir {
            settings.database.data_dir.clone_from(dir);
        }
        if let Some(url) = &self.database_url {
            settings.database.url.clone_from(url);
        }
        if let Some(schema) = &self.database_schema {
            settings.database.schema.clone_from(schema);
        }
        if let Some(size) = self.database_pool_size {
            settings.database.pool_size = size;
        }
        // Flags can break what the file and environment had right: check again.
        settings.validate()?;
        Ok(settings)
    }
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.cmd {
        Cmd::DefaultConfig => {
            print!("{EXAMPLE}");
            Ok(())
        }
        Cmd::Openapi => {
            println!("{}", chatwire_api::own::openapi::document_text());
            Ok(())
        }
        Cmd::CheckConfig => {
            let settings = cli.settings()?;
            println!(
                "configuration is valid:\n{}",
                toml::to_string_pretty(&settings)?
            );
            Ok(())
        }
        Cmd::Serve(args) => serve(cli.settings()?, args).await,
        Cmd::Migrate => migrate(&cli.settings()?).await,
        Cmd::Backup { file } => crate::backup::backup(&cli.settings()?, file),
        Cmd::Restore { file } => crate::backup::restore(&cli.settings()?, file),
        Cmd::Account(a) => admin::account(&engine(&cli, a.create).await?, &a.cmd).await,
        Cmd::Skill(a) => admin::skill(&engine(&cli, a.create).await?, &a.cmd).await,
        Cmd::Agent(a) => admin::agent(&engine(&cli, a.create).await?, &a.cmd).await,
        Cmd::AppKey(a) => admin::app_key(&engine(&cli, a.create).await?, &a.cmd).await,
        Cmd::AppLogin(a) => {
            crate::cli_app_logins::app_login(&engine(&cli, a.create).await?, &a.cmd).await
        }
        Cmd::AdminToken(a) => admin::admin_token(&engine(&cli, a.create).await?, &a.cmd).await,
        Cmd::Survey(a) => crate::cli_surveys::survey(&engine(&cli, a.create).await?, &a.cmd).await,
        Cmd::Webhook(a) => {
            crate::cli_webhooks::webhook(&engine(&cli, a.create).await?, &a.cmd).await
        }
    }
}

async fn serve(mut settings: Settings, args: &ServeArgs) -> anyhow::Result<()> {
    if let Some(listen) = &args.listen {
        settings.server.listen.clone_from(listen);
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        settings.server.tls.cert.clone_from(cert);
        settings.server.tls.key.clone_from(key);
    }
    settings.server.tls.self_signed |= args.tls_self_signed;
    if let Some(url) = &args.public_url {
        settings.server.public_url.clone_from(url);
    }
    let _log = telemetry::init(&settings.log);
    let server = Server::build(settings.clone(), args.demo).await?;
    let addr = server.local_addr()?;
    let scheme = if settings.server.tls.enabled() {
        "https"
    } else {
        "http"
    };
    tracing::info!(%addr, "chatwire listening on {scheme}://{addr}");
    if args.demo {
        let base = match settings.server.public_url.trim() {
            "" => format!("{scheme}://{addr}"),
            url => url.trim_end_matches('/').to_owned(),
        };
        println!("{}", demo::banner(&base));
        if demo::is_exposed(addr) {
            tracing::warn!(%addr, "{}", demo::EXPOSED_WARNING);
            eprintln!("warning: {}", demo::EXPOSED_WARNING);
        }
    }
    server.run(shutdown_signal()).await
}

async fn engine(cli: &Cli, create: bool) -> anyhow::Result<Engine> {
    crate::admin_open::engine(&cli.settings()?, create).await
}

/// `chatwire migrate`: brings the schema up to date without starting a server. Servers migrate
/// at start anyway; this is for deployments that upgrade the schema as a separate step.
async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    match settings.database_target()? {
        DatabaseTarget::Sqlite(path) => {
            let version = chatwire_store_sqlite::migrate(&path)
                .with_context(|| format!("migrating {}", path.display()))?;
            println!("database {} is at schema version {version}", path.display());
        }
        DatabaseTarget::Postgres(options) => {
            let schema = options.schema.as_deref().unwrap_or("(default)");
            let version = chatwire_store_postgres::migrate(&options)
                .await
                .with_context(|| format!("migrating PostgreSQL schema {schema}"))?;
            println!("PostgreSQL schema {schema} is at schema version {version}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_demo_parses() {
        let cli = Cli::try_parse_from(["chatwire", "serve", "--demo", "--tls-self-signed"])
            .expect("parses");
        assert!(matches!(
            cli.cmd,
            Cmd::Serve(ServeArgs {
                demo: true,
                tls_self_signed: true,
                ..
            })
        ));
    }
}
