//! `GET /metrics`: Prometheus text (format 0.0.4) for this node.
//!
//! What is counted where: HTTP requests by route template and status (with latency
//! histograms) are recorded by the access layer ([`crate::trace`]); store call latency by the
//! `chatwire_store::timed::Timed` wrapper the binary puts around the store (this module is its
//! observer); chats by state, parked waiters, the mail outbox backlog, the PostgreSQL pool and
//! its notification queue are read from the engine at scrape time. No global registry:
//! [`Metrics`] lives in [`crate::AppState`].

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chatwire_engine::Engine;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use crate::{ApiError, AppState};

/// Upper bounds (seconds) of the request latency buckets: a millisecond to a long-poll's minute.
const REQUEST_BUCKETS: [f64; 15] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// Upper bounds (seconds) of the store latency buckets: 100 µs to a stalled 2.5 s.
const STORE_BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// Labels of a request count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

/// Labels of a request latency histogram.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

/// One label, e.g. `state="waiting"` or `operation="execute"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct StateLabel {
    state: &'static str,
}

/// The `store` label of a gauge only some backends have (no series at all for the others).
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct StoreLabel {
    store: &'static str,
}

/// The `operation` label of store latency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct OperationLabel {
    operation: &'static str,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// This node's metrics. Cloning shares them.
#[derive(Debug, Clone)]
pub struct Metrics(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_seconds: Histograms<RouteLabels>,
    store_seconds: Histograms<OperationLabel>,
    chats: Family<StateLabel, Gauge>,
    waiters: Gauge,
    outbox_depth: Gauge,
    outbox_oldest: Gauge<f64, std::sync::atomic::AtomicU64>,
    pool: Family<StateLabel, Gauge>,
    notify_queue: Family<StoreLabel, Gauge<f64, AtomicU64>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Empty metrics, registered under the `chatwire_` prefix.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("chatwire");
        let requests = Family::<RequestLabels, Counter>::default();
        let request_seconds: Histograms<RouteLabels> =
            Family::new_with_constructor(|| Histogram::new(REQUEST_BUCKETS));
        let store_seconds: Histograms<OperationLabel> =
            Family::new_with_constructor(|| Histogram::new(STORE_BUCKETS));
        let chats = Family::<StateLabel, Gauge>::default();
        let waiters = Gauge::default();
        let outbox_depth = Gauge::default();
        let outbox_oldest = Gauge::<f64, AtomicU64>::default();
        let pool = Family::<StateLabel, Gauge>::default();
        let notify_queue = Family::<StoreLabel, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request (to its headers; long-polls include the wait)",
            Unit::Seconds,
            request_seconds.clone(),
        );
        registry.register_with_unit(
            "store_operation_duration",
            "Time of a store call, by Store method",
            Unit::Seconds,
            store_seconds.clone(),
        );
        registry.register(
            "chats",
            "Chats held in memory by state (every open chat; ended ones until evicted)",
            chats.clone(),
        );
        registry.register(
            "parked_waiters",
            "Parked long-polls and open event streams",
            waiters.clone(),
        );
        registry.register(
            "outbox_due_mails",
            "Transcript mails due to be sent and not yet sent (counted up to 1000)",
            outbox_depth.clone(),
        );
        registry.register_with_unit(
            "outbox_oldest_due_mail_age",
            "Age of the oldest transcript mail waiting to be sent; 0 when none is",
            Unit::Seconds,
            outbox_oldest.clone(),
        );
        registry.register(
            "store_pool_connections",
            "PostgreSQL pool: max (limit), open, idle, and waiting (callers queued for one)",
            pool.clone(),
        );
        registry.register(
            "store_notify_queue_usage",
            "PostgreSQL: how full the server's queue of wake-ups between nodes is (0 to 1); \
             a node that stops reading fills it, and a full queue fails every write",
            notify_queue.clone(),
        );
        Self(Arc::new(Inner {
            registry,
            requests,
            request_seconds,
            store_seconds,
            chats,
            waiters,
            outbox_depth,
            outbox_oldest,
            pool,
            notify_queue,
        }))
    }

    /// Counts one answered request and its latency. `route` must be a route template (or one
    /// fixed word for what matched none); `method` is cut down by [`method_label`].
    pub fn record_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let inner = &self.0;
        let method = method_label(method);
        inner
            .requests
            .get_or_create(&RequestLabels {
                method,
                route: route.to_owned(),
                status,
            })
            .inc();
        inner
            .request_seconds
            .get_or_create(&RouteLabels {
                method,
                route: route.to_owned(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Records how long one store operation took (the binary's store wrapper calls this, so
    /// that the HTTP layer needs no store types).
    pub fn observe_store(&self, operation: &'static str, elapsed: Duration) {
        self.0
            .store_seconds
            .get_or_create(&OperationLabel { operation })
            .observe(elapsed.as_secs_f64());
    }

    /// Reads the engine's gauges, then renders everything as Prometheus text.
    pub async fn render(&self, engine: &Engine) -> Result<String, std::fmt::Error> {
        let inner = &self.0;
        let stats = engine.stats();
        for (state, n) in [
            ("waiting", stats.waiting),
            ("chatting", stats.chatting),
            ("ended", stats.ended_in_memory),
        ] {
            inner
                .chats
                .get_or_create(&StateLabel { state })
                .set(gauge(n));
        }
        inner.waiters.set(gauge(stats.waiters));
        // A store that does not answer leaves the last values: `/healthz` reports the outage.
        match engine.outbox_backlog().await {
            Ok(backlog) => {
                inner.outbox_depth.set(i64::from(backlog.depth));
                inner.outbox_oldest.set(backlog.oldest_age.as_secs_f64());
            }
            Err(e) => tracing::debug!(error = %e, "metrics: outbox backlog unavailable"),
        }
        if let Some(pool) = engine.store_pool() {
            for (state, n) in [
                ("max", pool.max_size),
                ("open", pool.size),
                ("idle", pool.available),
                ("waiting", pool.waiting),
            ] {
                inner
                    .pool
                    .get_or_create(&StateLabel { state })
                    .set(gauge(n));
            }
        }
        match engine.notify_queue_usage().await {
            Ok(Some(usage)) => {
                let store = StoreLabel {
                    store: "postgresql",
                };
                inner.notify_queue.get_or_create(&store).set(usage);
            }
            Ok(None) => {}
            Err(e) => tracing::debug!(error = %e, "metrics: notification queue unavailable"),
        }
        let mut out = String::with_capacity(8 * 1024);
        prometheus_text::encode(&mut out, &inner.registry)?;
        Ok(out)
    }
}

/// The `method` label: the standard methods chatwire serves, anything else `other`. HTTP
/// accepts any token as a method, so the raw method would let an unauthenticated client
/// create one series per invented method.
fn method_label(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

fn gauge(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let body = state.metrics.render(&state.engine).await.map_err(|e| {
        tracing::error!(error = %e, "rendering metrics");
        ApiError::Internal
    })?;
    Ok((
        [(header::CONTENT_TYPE, prometheus_text::CONTENT_TYPE)],
        body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(metrics: &Metrics) -> String {
        let mut out = String::new();
        prometheus_text::encode(&mut out, &metrics.0.registry).expect("encode");
        out
    }

    #[test]
    fn invented_methods_share_one_other_series_and_standard_ones_keep_their_name() {
        // Arrange
        let metrics = Metrics::new();

        // Act
        for method in ["FOO", "BAR", "get", "PRI", "GET", "OPTIONS"] {
            metrics.record_request(method, "unmatched", 404, Duration::from_millis(1));
        }

        // Assert
        let text = rendered(&metrics);
        assert!(!text.contains("FOO") && !text.contains("BAR") && !text.contains("PRI"));
        assert!(!text.contains("method=\"get\""), "{text}");
        let total = |method: &str| {
            text.lines()
                .find(|l| {
                    l.starts_with("chatwire_http_requests_total{")
                        && l.contains(&format!("method=\"{method}\""))
                })
                .unwrap_or_else(|| panic!("no {method} series in {text}"))
                .rsplit(' ')
                .next()
                .map(str::to_owned)
        };
        assert_eq!(total("other").as_deref(), Some("4"));
        assert_eq!(total("GET").as_deref(), Some("1"));
        assert_eq!(total("OPTIONS").as_deref(), Some("1"));
    }

    #[test]
    fn every_method_label_is_one_of_eight_fixed_values() {
        let allowed = [
            "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "other",
        ];
        for method in [
            "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE", "X",
            "PROPFIND", "",
        ] {
            assert!(allowed.contains(&method_label(method)), "{method}");
        }
        assert_eq!(method_label("CONNECT"), "other");
        assert_eq!(method_label("DELETE"), "DELETE");
    }
}
