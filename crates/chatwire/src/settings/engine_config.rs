//! `Settings::engine_config`: the settings the engine runs on, gathered from their sections
//! and checked (what parses but cannot work is refused here, before anything starts).

use std::time::Duration;

use chatwire_engine::EngineConfig;

use super::{Settings, liveperson};

impl Settings {
    /// The engine configuration.
    pub fn engine_config(&self) -> anyhow::Result<EngineConfig> {
        let e = &self.engine;
        let app_logins = self
            .auth
            .app_logins
            .iter()
            .map(|l| {
                let account = chatwire_engine::core::AccountId::parse(&l.account)
                    .map_err(|e| anyhow::anyhow!("auth.app_logins: {e}"))?;
                if l.username.is_empty() || l.app_key.is_empty() {
                    anyhow::bail!("auth.app_logins entries need username and app_key");
                }
                Ok(chatwire_engine::auth::AppLogin {
                    account,
                    username: l.username.clone(),
                    app_key: l.app_key.clone(),
                    secret: l.secret.clone(),
                    access_token: l.access_token.clone(),
                    access_token_secret: l.access_token_secret.clone(),
                })
            })
            .collect::<anyhow::Result<_>>()?;
        if !(1..=10_000).contains(&e.retention_batch) {
            anyhow::bail!("engine.retention_batch must be 1-10000");
        }
        if self.auth.login_ttl_secs == 0 {
            anyhow::bail!("auth.login_ttl_secs must be positive");
        }
        let (agent_idle_timeout, requeue_after, agent_session_ttl) = self.agents.durations();
        let (visitor_keys, account_transfers) =
            liveperson::engine_parts(&self.auth.visitor_keys, &e.account_transfers)?;
        let mail = self.mail.config();
        mail.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(EngineConfig {
            login_ttl: Duration::from_secs(self.auth.login_ttl_secs),
            agent_idle_timeout,
            requeue_after,
            agent_session_ttl,
            ring_timeout: self.routing.ring_timeout(),
            away_after_ring_outs: self.routing.away_after_ring_outs,
            app_logins,
            tail_window: e.tail_window,
            max_events_per_read: e.max_events_per_read,
            sweep_interval: Duration::from_millis(e.sweep_interval_ms),
            ended_retention: Duration::from_secs(e.ended_retention_secs),
            directory_ttl: Duration::from_millis(e.directory_ttl_ms),
            max_wait: Duration::from_secs(e.max_wait_secs),
            mail,
            waiting_alert: Duration::from_secs(self.notifications.waiting_alert_secs),
            webhooks: self.webhooks.config()?,
            guard: self.throttle.config()?,
            visitor_keys,
            agent_first_wait: Duration::from_secs(e.agent_first_wait_secs),
            account_transfers,
            retention: chatwire_engine::RetentionConfig {
                every: Duration::from_secs(e.retention_every_secs),
                batch: e.retention_batch,
                pause: Duration::from_millis(e.retention_pause_ms),
            },
        })
    }
}
