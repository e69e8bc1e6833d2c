//! What (e) reads of the server while its polls park: its RSS until it settles, and its
//! `chatwire_parked_waiters` gauge.

use std::time::Duration;

use anyhow::{Result, bail};
use hyper::StatusCode;

use crate::http::{Conn, Req};
use crate::procstat::Memory;

/// Waits until the server's RSS stops growing (parked requests have been read and parked).
pub(super) async fn settle(pid: Option<u32>) -> Option<Memory> {
    let mut last = pid.and_then(Memory::of);
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = pid.and_then(Memory::of);
        match (last, now) {
            (Some(a), Some(b)) if b.rss_kib <= a.rss_kib + a.rss_kib / 200 => return now,
            (None, _) | (_, None) => return now,
            _ => last = now,
        }
    }
    last
}

/// The server's `chatwire_parked_waiters` gauge (`/metrics`).
pub(super) async fn parked_waiters(conn: &mut Conn) -> Result<u64> {
    let reply = conn.send(&Req::get_anon("/metrics")).await?;
    if reply.status != StatusCode::OK {
        bail!("/metrics: {}", reply.status);
    }
    gauge(
        &String::from_utf8_lossy(&reply.body),
        "chatwire_parked_waiters",
    )
    .ok_or_else(|| anyhow::anyhow!("/metrics has no chatwire_parked_waiters"))
}

/// The value of the unlabelled series `name` in Prometheus text.
fn gauge(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(' ')?;
        value.trim().parse::<f64>().ok().map(|v| v as u64)
    })
}

#[cfg(test)]
mod tests {
    use super::gauge;

    #[test]
    fn the_gauge_is_read_from_its_own_unlabelled_line() {
        let text = "# HELP chatwire_parked_waiters Parked\n\
                    chatwire_parked_waiters_total 9\n\
                    chatwire_parked_waiters 10000\n";
        assert_eq!(gauge(text, "chatwire_parked_waiters"), Some(10_000));
        assert_eq!(gauge(text, "chatwire_chats"), None);
    }
}
