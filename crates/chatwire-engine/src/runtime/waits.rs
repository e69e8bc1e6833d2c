//! Long-poll waits: return as soon as something newer than the caller's cursor exists, or
//! empty at the deadline, or at shutdown. The use cases that wait (`chats::cursor`, the ring
//! count in `queue`, `feed`) build on [`Engine::wait_any`].
//!
//! Every wait registers with the notifier *before* sampling, then waits on the registration,
//! so a commit between the sample and the wait still wakes it (house style §5, rule 1).
//! Notifications are sent only after commits, so a woken waiter always finds the change.

use std::time::Duration;

use futures::future::select_all;
use tokio::sync::watch;

use crate::Engine;

impl Engine {
    /// The wait a client asked for, clamped to the configured maximum.
    pub fn clamp_wait(&self, asked: Duration) -> Duration {
        asked.min(self.0.config.max_wait)
    }

    /// Waits until any receiver changes, the deadline passes, or shutdown; `true` if woken.
    pub(crate) async fn wait_any(
        &self,
        receivers: &mut [watch::Receiver<u64>],
        deadline: tokio::time::Instant,
    ) -> bool {
        if receivers.is_empty() {
            tokio::select! {
                () = tokio::time::sleep_until(deadline) => {}
                () = self.0.shutdown.cancelled() => {}
            }
            return false;
        }
        let changed = select_all(receivers.iter_mut().map(|r| Box::pin(r.changed())));
        tokio::select! {
            (res, _, _) = changed => res.is_ok() && !self.0.shutdown.is_cancelled(),
            () = tokio::time::sleep_until(deadline) => false,
            () = self.0.shutdown.cancelled() => false,
        }
    }
}

/// A long-poll wait as clients write it (`wait=25`): whole seconds, 0 or more, blanks around
/// ignored; `None` for anything else. The one parser of `wait`: what a bad value means is the
/// caller's (no wait in [`wait_secs`]; SuperOffice refuses it).
pub fn parse_wait(text: &str) -> Option<Duration> {
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A wait parsed from a query value in seconds (`wait=25`); absent or unparsable is no wait.
pub fn wait_secs(value: Option<&str>) -> Duration {
    value.and_then(parse_wait).unwrap_or(Duration::ZERO)
}
