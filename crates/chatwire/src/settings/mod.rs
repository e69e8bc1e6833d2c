//! [`Settings`]: every tunable, with defaults in one place (`Default` impls).
//!
//! Layering, lowest first: defaults → TOML file → `CHATWIRE__SECTION__KEY` environment → flags
//! (applied by the CLI). Loading never writes files. `[database]` (backend choice, PostgreSQL
//! options, URL redaction) lives in `database`.

mod agents;
mod database;
mod engine_config;
mod limits;
mod liveperson;
mod mail;
mod notifications;
mod routing;
mod throttle;
mod webhooks;

use std::path::Path;

use anyhow::Context as _;
use chatwire_api::HttpSettings;
use chatwire_api::base_url::IpNet;
use chatwire_engine::EngineConfig;
use serde::{Deserialize, Serialize};

pub use self::agents::AgentsSettings;
pub use self::database::{DatabaseSettings, DatabaseTarget};
pub use self::limits::LimitsSettings;
pub use self::liveperson::{AccountTransferSettings, VisitorKeySettings};
pub use self::mail::MailSettings;
pub use self::notifications::NotificationSettings;
pub use self::routing::RoutingSettings;
pub use self::throttle::ThrottleSettings;
pub use self::webhooks::WebhookSettings;

/// The documented example configuration, printed by `chatwire default-config`.
pub const EXAMPLE: &str = include_str!("../../../../chatwire.example.toml");

/// All settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Listener, links, TLS.
    pub server: ServerSettings,
    /// Storage.
    pub database: DatabaseSettings,
    /// Engine tunables.
    pub engine: EngineSettings,
    /// Agent authentication.
    pub auth: AuthSettings,
    /// Agent liveness: idle timeout and requeue delay.
    pub agents: AgentsSettings,
    /// Ringing: ring timeout and Away after repeated ring-outs.
    pub routing: RoutingSettings,
    /// SMTP for chat transcripts and staff notices.
    pub mail: MailSettings,
    /// Staff notifications: the waiting alert.
    pub notifications: NotificationSettings,
    /// Outbound webhook delivery: timeout, retries, maximum age.
    pub webhooks: WebhookSettings,
    /// The SuperOffice WebAPI dialect.
    pub superoffice: SuperOfficeSettings,
    /// Logging.
    pub log: LogSettings,
    /// Password check bounds and throttles.
    pub throttle: ThrottleSettings,
    /// Request and connection limits.
    pub limits: LimitsSettings,
}

/// `[server]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Listen address.
    pub listen: String,
    /// Public base URL; empty for request-derived links.
    pub public_url: String,
    /// Trusted proxy networks.
    pub trusted_proxies: Vec<String>,
    /// The header the trusted proxies write the client address into: `x-forwarded-for` or
    /// `forwarded`; only that one is read.
    pub forwarded_header: String,
    /// Seconds in-flight requests get at shutdown.
    pub shutdown_grace_secs: u64,
    /// TLS.
    pub tls: TlsSettings,
    /// Serve the browser side (widget, console, demo page) from this folder instead of the
    /// copy built into the binary; empty for the built-in one. For working on the UI: an
    /// edited file is served at the next reload, without a rebuild.
    pub web_dir: String,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            public_url: String::new(),
            trusted_proxies: Vec::new(),
            forwarded_header: "x-forwarded-for".into(),
            shutdown_grace_secs: 10,
            tls: TlsSettings::default(),
            web_dir: String::new(),
        }
    }
}

/// `[server.tls]`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TlsSettings {
    /// PEM certificate chain path.
    pub cert: String,
    /// PEM private key path.
    pub key: String,
    /// Generate a self-signed certificate at start.
    pub self_signed: bool,
}

impl TlsSettings {
    /// Whether HTTPS is on.
    pub fn enabled(&self) -> bool {
        self.self_signed || (!self.cert.is_empty() && !self.key.is_empty())
    }
}

/// `[engine]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineSettings {
    /// Events per chat kept in memory.
    pub tail_window: usize,
    /// Most events per read.
    pub max_events_per_read: u32,
    /// Sweep period, ms.
    pub sweep_interval_ms: u64,
    /// Ended-chat retention in memory, s.
    pub ended_retention_secs: u64,
    /// Directory cache lifetime, ms.
    pub directory_ttl_ms: u64,
    /// Longest long-poll wait (`wait=`) a client may ask for, seconds.
    pub max_wait_secs: u64,
    /// How long a chat request naming an agent rings that agent alone before its skill, s.
    pub agent_first_wait_secs: u64,
    /// How often the retention sweep runs, s (0: never).
    pub retention_every_secs: u64,
    /// Chats one retention step deletes (one transaction).
    pub retention_batch: u32,
    /// Pause between retention steps, ms.
    pub retention_pause_ms: u64,
    /// Which account may send chats to which (LivePerson `transferAccount`).
    pub account_transfers: Vec<AccountTransferSettings>,
}

impl Default for EngineSettings {
    fn default() -> Self {
        let d = EngineConfig::default();
        Self {
            tail_window: d.tail_window,
            max_events_per_read: d.max_events_per_read,
            sweep_interval_ms: u64::try_from(d.sweep_interval.as_millis()).unwrap_or(1000),
            ended_retention_secs: d.ended_retention.as_secs(),
            directory_ttl_ms: u64::try_from(d.directory_ttl.as_millis()).unwrap_or(2000),
            max_wait_secs: d.max_wait.as_secs(),
            agent_first_wait_secs: d.agent_first_wait.as_secs(),
            retention_every_secs: d.retention.every.as_secs(),
            retention_batch: d.retention.batch,
            retention_pause_ms: u64::try_from(d.retention.pause.as_millis()).unwrap_or(10),
            account_transfers: Vec::new(),
        }
    }
}

/// `[auth]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// Agent login lifetime without refresh, seconds (LivePerson `sessionTTl`).
    pub login_ttl_secs: u64,
    /// Bots that log in with application credentials (LivePerson application login): a seed
    /// for the store, where admins manage them.
    pub app_logins: Vec<AppLoginSettings>,
    /// Keys that verify authenticated visitors' tokens, one entry per account.
    pub visitor_keys: Vec<VisitorKeySettings>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            login_ttl_secs: 8 * 3600,
            app_logins: Vec::new(),
            visitor_keys: Vec::new(),
        }
    }
}

/// `[[auth.app_logins]]`: one bot's credentials, a seed imported into the store at start (or
/// at the bot's first login) unless its app key is already stored; `username` must be an agent
/// of `account`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppLoginSettings {
    /// Account id.
    pub account: String,
    /// Agent login name.
    pub username: String,
    /// `appKey`.
    pub app_key: String,
    /// `secret`.
    pub secret: String,
    /// `accessToken`.
    pub access_token: String,
    /// `accessTokenSecret`.
    pub access_token_secret: String,
}

/// `[superoffice]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SuperOfficeSettings {
    /// The account `/api/v1/…` serves (SuperOffice URLs carry no account id); empty: only
    /// `/{account}/api/v1/…` routes answer.
    pub default_account: String,
}

impl Default for SuperOfficeSettings {
    fn default() -> Self {
        Self {
            default_account: "1000".into(),
        }
    }
}

/// `[log]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// `compact` or `json`.
    pub format: String,
    /// EnvFilter directive.
    pub filter: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: "compact".into(),
            filter: "info".into(),
        }
    }
}

impl Settings {
    /// Loads defaults, then `file` (if given), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut builder = config::Config::builder()
            .add_source(config::Config::try_from(&Self::default()).context("default settings")?);
        if let Some(path) = file {
            builder = builder.add_source(
                config::File::from(path)
                    .format(config::FileFormat::Toml)
                    .required(true),
            );
        }
        builder = builder.add_source(
            config::Environment::with_prefix("CHATWIRE")
                .prefix_separator("__")
                .separator("__")
                .list_separator(",")
                .with_list_parse_key("server.trusted_proxies")
                .try_parsing(true),
        );
        let settings: Self = builder
            .build()
            .context("reading configuration")?
            .try_deserialize()
            .context("invalid configuration")?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks values that parse but make no sense.
    pub fn validate(&self) -> anyhow::Result<()> {
        self.server
            .listen
            .parse::<std::net::SocketAddr>()
            .with_context(|| format!("server.listen {:?} is not host:port", self.server.listen))?;
        self.http()?;
        let tls = &self.server.tls;
        if tls.cert.is_empty() != tls.key.is_empty() {
            anyhow::bail!("server.tls.cert and server.tls.key must be set together");
        }
        if self.engine.tail_window == 0
            || self.engine.max_events_per_read == 0
            || self.engine.sweep_interval_ms == 0
        {
            anyhow::bail!(
                "engine.tail_window, max_events_per_read and sweep_interval_ms must be positive"
            );
        }
        if !["compact", "json"].contains(&self.log.format.as_str()) {
            anyhow::bail!("log.format must be \"compact\" or \"json\"");
        }
        self.database_target()?;
        self.engine_config()?;
        self.limits.validate()?;
        Ok(())
    }

    /// The HTTP settings for the API.
    pub fn http(&self) -> anyhow::Result<HttpSettings> {
        let public_url = match self.server.public_url.trim() {
            "" => None,
            url if url.starts_with("http://") || url.starts_with("https://") => {
                Some(url.trim_end_matches('/').to_owned())
            }
            other => {
                anyhow::bail!("server.public_url {other:?} must start with http:// or https://")
            }
        };
        let trusted_proxies = self
            .server
            .trusted_proxies
            .iter()
            .map(|p| IpNet::parse(p).map_err(anyhow::Error::msg))
            .collect::<anyhow::Result<_>>()?;
        let default_account = self.superoffice.default_account.trim();
        if !default_account.is_empty() {
            chatwire_engine::core::AccountId::parse(default_account)
                .map_err(|e| anyhow::anyhow!("superoffice.default_account: {e}"))?;
        }
        let forwarded_header =
            chatwire_api::client_addr::ForwardedHeader::parse(&self.server.forwarded_header)
                .map_err(|e| anyhow::anyhow!("server.forwarded_header: {e}"))?;
        Ok(HttpSettings {
            public_url,
            trusted_proxies,
            forwarded_header,
            superoffice_default_account: default_account.to_owned(),
            web_dir: match self.server.web_dir.trim() {
                "" => None,
                dir => Some(dir.into()),
            },
        })
    }

    /// The database to open, from `database.url` or the data directory.
    pub fn database_target(&self) -> anyhow::Result<DatabaseTarget> {
        self.database.target()
    }
}

#[cfg(test)]
mod tests;
