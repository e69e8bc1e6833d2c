//! The results: one row per measured thing (a Markdown table, ready for the README), the
//! issue's targets with what was measured against them, and the same as JSON (`--json`).

use std::fmt::Write as _;

use serde::Serialize;

use crate::load::Outcome;
use crate::procstat::CpuShare;
use crate::stats::{Summary, fmt_us};

/// One measured line of the table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Row {
    /// Scenario id (`a`, `baseline`, `c/100000`, …).
    pub(crate) id: String,
    /// What was measured, in words.
    pub(crate) what: String,
    /// What the rate counts (`req/s`, `lines/s`, `wake-ups`).
    pub(crate) unit: &'static str,
    /// Latency and rate (median round when there were several).
    pub(crate) summary: Summary,
    /// Rates of every round.
    pub(crate) rounds: Vec<f64>,
    /// Non-2xx or failed requests.
    pub(crate) errors: u64,
    /// CPU used in the window, in cores.
    pub(crate) cpu: CpuShare,
    /// Anything else worth saying (body size, memory).
    pub(crate) note: String,
}

impl Row {
    /// A row from the rounds of one closed-loop measurement (the median round is shown).
    pub(crate) fn from_rounds(
        id: impl Into<String>,
        what: impl Into<String>,
        unit: &'static str,
        rounds: &[Outcome],
    ) -> Self {
        let rates: Vec<f64> = rounds.iter().map(|o| o.summary.rate).collect();
        let mid = &rounds[crate::stats::median_index(&rates)];
        Self {
            id: id.into(),
            what: what.into(),
            unit,
            summary: mid.summary.clone(),
            rounds: rates,
            errors: rounds.iter().map(|o| o.errors).sum(),
            cpu: mid.cpu,
            note: format!("{} B/response", mid.body_bytes),
        }
    }
}

/// A target of issue 7 and whether the measurement meets it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Check {
    /// The target, as the issue states it.
    pub(crate) target: String,
    /// The measured value.
    pub(crate) measured: String,
    /// Whether it holds.
    pub(crate) holds: bool,
}

/// Everything one run measured.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Report {
    /// The command line that produced it.
    pub(crate) command: String,
    /// Measured rows, in run order.
    pub(crate) rows: Vec<Row>,
    /// Target checks.
    pub(crate) checks: Vec<Check>,
}

impl Report {
    /// The Markdown table and the target list.
    pub(crate) fn markdown(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "| scenario | what | rate | p50 | p90 | p99 | max | rounds | CPU server / client / other | notes |\n\
             |---|---|---:|---:|---:|---:|---:|---|---|---|\n",
        );
        for r in &self.rows {
            let s = &r.summary;
            let rate = if s.rate > 0.0 {
                format!("{:.0} {}", s.rate, r.unit)
            } else {
                format!("{} {}", s.count, r.unit)
            };
            let rounds = r
                .rounds
                .iter()
                .map(|x| format!("{x:.0}"))
                .collect::<Vec<_>>()
                .join(" / ");
            let cores = |c: Option<f64>| c.map_or_else(|| "–".to_owned(), |c| format!("{c:.2}"));
            let cpu = format!(
                "{} / {} / {}",
                cores(r.cpu.server),
                cores(Some(r.cpu.client)),
                cores(r.cpu.other)
            );
            let errors = if r.errors > 0 {
                format!("; **{} errors**", r.errors)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {}{} |",
                r.id,
                r.what,
                rate,
                fmt_us(s.p50_us),
                fmt_us(s.p90_us),
                fmt_us(s.p99_us),
                fmt_us(s.max_us),
                rounds,
                cpu,
                r.note,
                errors
            );
        }
        if !self.checks.is_empty() {
            out.push_str("\n| target | measured | holds |\n|---|---|---|\n");
            for c in &self.checks {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    c.target,
                    c.measured,
                    if c.holds { "yes" } else { "**no**" }
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_line_per_row_and_per_check() {
        // Arrange
        let report = Report {
            command: "x".into(),
            rows: vec![Row {
                id: "a".into(),
                what: "poll".into(),
                unit: "req/s",
                summary: Summary {
                    count: 10,
                    rate: 5.0,
                    p50_us: 900,
                    ..Summary::default()
                },
                rounds: vec![4.0, 5.0],
                errors: 0,
                cpu: CpuShare {
                    server: Some(1.2),
                    client: 0.5,
                    other: None,
                },
                note: "1 B/response".into(),
            }],
            checks: vec![Check {
                target: "t".into(),
                measured: "m".into(),
                holds: false,
            }],
        };

        // Act
        let md = report.markdown();

        // Assert
        assert!(md.contains(
            "| a | poll | 5 req/s | 900 µs | 0 µs | 0 µs | 0 µs | 4 / 5 | 1.20 / 0.50 / – | 1 B/response |"
        ));
        assert!(md.contains("| t | m | **no** |"));
    }
}
