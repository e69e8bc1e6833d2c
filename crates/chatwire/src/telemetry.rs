//! Logging setup: an `EnvFilter` (RUST_LOG wins over the configured filter) and a compact or
//! JSON formatter on stderr. Colour codes only when stderr is a terminal and `NO_COLOR` is
//! unset or empty (<https://no-color.org>), so a log written to a file or a journal stays plain.
//!
//! Lines reach stderr in batches, through [`crate::log_writer`].
//!
//! Also [`StoreTimings`]: store call latency into the `/metrics` registry.

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::log_writer::{Flusher, batched_stderr};

use crate::settings::LogSettings;

/// Hands each store call's latency (timed by `chatwire_store::timed::Timed`) to the HTTP layer's
/// metrics registry. It lives here, in the one crate that knows both, so that the HTTP layer
/// needs no store types.
#[derive(Debug, Clone)]
pub struct StoreTimings(pub chatwire_api::metrics::Metrics);

impl chatwire_store::timed::StoreObserver for StoreTimings {
    fn observe(&self, operation: &'static str, elapsed: std::time::Duration) {
        self.0.observe_store(operation, elapsed);
    }
}

/// Installs the global subscriber once and returns its writer's [`Flusher`], to hold for as
/// long as the process logs (dropping it writes out every buffered line). Later calls are
/// no-ops that return `None` (tests launch many servers).
#[must_use = "dropping the flusher stops the batched log writer"]
pub fn init(log: &LogSettings) -> Option<Flusher> {
    if tracing::dispatcher::has_been_set() {
        return None;
    }
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&log.filter));
    let ansi = use_colour(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let (writer, flusher) = batched_stderr();
    let registry = tracing_subscriber::registry().with(filter);
    let _ = if log.format == "json" {
        registry
            .with(fmt::layer().json().with_writer(writer))
            .try_init()
    } else {
        registry
            .with(fmt::layer().compact().with_ansi(ansi).with_writer(writer))
            .try_init()
    };
    Some(flusher)
}

/// Whether to colour the log: on a terminal, unless `NO_COLOR` is set to something non-empty.
fn use_colour(terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    terminal && no_color.is_none_or(std::ffi::OsStr::is_empty)
}

/// How `main` prints a failed command: `error: what failed: why` (the context chain on one line,
/// no backtrace). With `CHATWIRE_BACKTRACE=1` (`backtrace_env`), the multi-line report with
/// the backtrace anyhow captured, which it does when `RUST_BACKTRACE` or `RUST_LIB_BACKTRACE`
/// is set too.
pub fn error_report(error: &anyhow::Error, backtrace_env: Option<&std::ffi::OsStr>) -> String {
    if backtrace_env.is_some_and(|v| v == "1") {
        format!("error: {error:?}")
    } else {
        format!("error: {error:#}")
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::{error_report, use_colour};

    #[test]
    fn colour_needs_a_terminal_and_no_non_empty_no_color() {
        assert!(use_colour(true, None));
        assert!(use_colour(true, Some(OsStr::new(""))));
        assert!(!use_colour(true, Some(OsStr::new("1"))));
        assert!(!use_colour(false, None));
    }

    #[test]
    fn an_error_is_one_line_with_its_causes_unless_a_backtrace_is_asked_for() {
        let error = anyhow::anyhow!("disk full").context("opening the database");
        assert_eq!(
            error_report(&error, None),
            "error: opening the database: disk full"
        );
        assert_eq!(
            error_report(&error, Some(OsStr::new("0"))),
            "error: opening the database: disk full"
        );
        let long = error_report(&error, Some(OsStr::new("1")));
        assert!(long.contains("Caused by:"), "{long}");
    }
}
