//! (f)'s verdict: the small store's window against the full store's, by the rule stated in
//! docs/performance.md (nothing lost; p99 and server CPU per delivered line within 10 %).

use super::super::Ctx;
use super::ScaleSizes;
use crate::report::{Check, Row};
use crate::stats::fmt_us;

/// One window's figures for the comparison.
pub(crate) struct Window {
    /// Delivery p99, µs.
    pub(crate) p99_us: u64,
    /// Server CPU per delivered line, µs.
    pub(crate) cpu_us_per_line: f64,
    /// Lines lost or failed.
    pub(crate) lost: u64,
    /// Extra copies received (cumulative).
    pub(crate) duplicates: u64,
}

/// The rule applied to two windows.
#[derive(Debug, PartialEq, Eq)]
struct Verdict {
    /// Nothing lost or duplicated in either window.
    delivered_once: bool,
    /// The full store's p99 may be up to this, µs.
    p99_bound_us: u64,
    /// It is.
    p99_holds: bool,
    /// CPU per delivered line at the full store ≤ 1.1 × at the small one.
    cpu_holds: bool,
}

fn verdict(small: &Window, full: &Window) -> Verdict {
    let p99_bound_us = small.p99_us + small.p99_us / 10 + 1_000;
    Verdict {
        delivered_once: small.lost == 0 && full.lost == 0 && full.duplicates == 0,
        p99_bound_us,
        p99_holds: full.p99_us <= p99_bound_us,
        cpu_holds: full.cpu_us_per_line <= 1.1 * small.cpu_us_per_line,
    }
}

/// The checks: nothing lost; at the full store, delivery p99 and server CPU per delivered line
/// within 10% of the small store's (p99 with 1 ms more for the disk's fsync jitter, since every
/// delivery waits for its append's fsync'd commit).
pub(crate) fn compare(ctx: &mut Ctx, s: ScaleSizes, small: (&Row, &Window), full: (&Row, &Window)) {
    let (sw, fw) = (small.1, full.1);
    let v = verdict(sw, fw);
    ctx.report.checks.push(Check {
        target: "(f) every line delivered once (both windows)".into(),
        measured: format!(
            "lost {} / {}, duplicates {} (cumulative)",
            sw.lost, fw.lost, fw.duplicates
        ),
        holds: v.delivered_once,
    });
    ctx.report.checks.push(Check {
        target: format!(
            "(f) delivery p99 at {} stored chats ≤ 1.1 × at {} + 1 ms",
            s.chats, s.small
        ),
        measured: format!(
            "{} vs {} (bound {})",
            fmt_us(fw.p99_us),
            fmt_us(sw.p99_us),
            fmt_us(v.p99_bound_us)
        ),
        holds: v.p99_holds,
    });
    let other = |r: &Row| {
        r.cpu
            .other
            .map_or_else(|| "?".into(), |o| format!("{o:.2}"))
    };
    ctx.report.checks.push(Check {
        target: format!(
            "(f) server CPU per delivered line at {} stored chats ≤ 1.1 × at {}",
            s.chats, s.small
        ),
        measured: format!(
            "{:.0} vs {:.0} µs/line (other CPU {} / {} cores)",
            fw.cpu_us_per_line,
            sw.cpu_us_per_line,
            other(full.0),
            other(small.0)
        ),
        holds: v.cpu_holds,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(p99_us: u64, cpu_us_per_line: f64, lost: u64, duplicates: u64) -> Window {
        Window {
            p99_us,
            cpu_us_per_line,
            lost,
            duplicates,
        }
    }

    #[test]
    fn the_full_store_may_cost_ten_percent_more_and_p99_a_millisecond_beyond() {
        let small = w(20_000, 1_000.0, 0, 0);
        let v = verdict(&small, &w(23_000, 1_100.0, 0, 0));
        assert_eq!(
            v,
            Verdict {
                delivered_once: true,
                p99_bound_us: 23_000,
                p99_holds: true,
                cpu_holds: true,
            }
        );
        let v = verdict(&small, &w(23_001, 1_101.0, 0, 1));
        assert!(!v.p99_holds && !v.cpu_holds && !v.delivered_once);
        assert!(!verdict(&w(1, 1.0, 1, 0), &w(1, 1.0, 0, 0)).delivered_once);
    }
}
