//! What `/proc` says about a process: resident memory (`VmRSS`, peak `VmHWM`), CPU time
//! (`utime + stime`), and the open-file limit. Linux only; elsewhere the figures are absent.

use std::time::Instant;

use serde::Serialize;

/// Kernel clock ticks per second for `/proc/<pid>/stat` times (`USER_HZ`, 100 on Linux).
const TICKS_PER_SEC: f64 = 100.0;

/// Resident memory of a process, in KiB.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub(crate) struct Memory {
    /// `VmRSS`.
    pub(crate) rss_kib: u64,
    /// `VmHWM` (peak RSS since start).
    pub(crate) hwm_kib: u64,
}

impl Memory {
    /// Reads `/proc/<pid>/status`.
    pub(crate) fn of(pid: u32) -> Option<Self> {
        parse_status(&std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
    }

    /// RSS in MB (10^6 bytes).
    pub(crate) fn rss_mb(self) -> f64 {
        self.rss_kib as f64 * 1024.0 / 1e6
    }

    /// Peak RSS in MB (10^6 bytes).
    pub(crate) fn hwm_mb(self) -> f64 {
        self.hwm_kib as f64 * 1024.0 / 1e6
    }
}

fn parse_status(status: &str) -> Option<Memory> {
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
    };
    Some(Memory {
        rss_kib: field("VmRSS:")?,
        hwm_kib: field("VmHWM:")?,
    })
}

/// CPU seconds (user + system) a process has used so far.
fn cpu_secs(pid: Option<u32>) -> Option<f64> {
    let path = pid.map_or_else(
        || "/proc/self/stat".to_owned(),
        |p| format!("/proc/{p}/stat"),
    );
    parse_stat(&std::fs::read_to_string(path).ok()?)
}

fn parse_stat(stat: &str) -> Option<f64> {
    // Fields after the parenthesised command name (which may contain spaces).
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state); utime and stime are fields 14 and 15.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / TICKS_PER_SEC)
}

/// Busy CPU seconds of the whole machine (all cores; `/proc/stat` minus idle and iowait).
fn machine_busy_secs() -> Option<f64> {
    parse_machine(&std::fs::read_to_string("/proc/stat").ok()?)
}

fn parse_machine(stat: &str) -> Option<f64> {
    let cpu = stat.lines().find(|l| l.starts_with("cpu "))?;
    let ticks: Vec<f64> = cpu
        .split_whitespace()
        .skip(1)
        .filter_map(|t| t.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let busy: f64 = ticks.iter().take(8).sum::<f64>() - ticks.get(3)? - ticks.get(4)?;
    Some(busy / TICKS_PER_SEC)
}

/// CPU used over a window, in cores (1.0 = one core busy the whole time).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub(crate) struct CpuShare {
    /// The server, when its pid is known.
    pub(crate) server: Option<f64>,
    /// This load generator.
    pub(crate) client: f64,
    /// Everything else on the machine (other processes, kernel threads): the noise.
    pub(crate) other: Option<f64>,
}

/// A started CPU measurement.
pub(crate) struct CpuClock {
    at: Instant,
    pid: Option<u32>,
    server: Option<f64>,
    client: f64,
    machine: Option<f64>,
}

impl CpuClock {
    /// Samples both processes now.
    pub(crate) fn start(server_pid: Option<u32>) -> Self {
        Self {
            at: Instant::now(),
            pid: server_pid,
            server: server_pid.and_then(|p| cpu_secs(Some(p))),
            client: cpu_secs(None).unwrap_or(0.0),
            machine: machine_busy_secs(),
        }
    }

    /// The share each process used since [`CpuClock::start`].
    pub(crate) fn stop(&self) -> CpuShare {
        let wall = self.at.elapsed().as_secs_f64().max(1e-9);
        let server = match (self.server, self.pid.and_then(|p| cpu_secs(Some(p)))) {
            (Some(a), Some(b)) => Some((b - a) / wall),
            _ => None,
        };
        let client = (cpu_secs(None).unwrap_or(0.0) - self.client) / wall;
        let other = match (self.machine, machine_busy_secs()) {
            (Some(a), Some(b)) => Some(((b - a) / wall - client - server.unwrap_or(0.0)).max(0.0)),
            _ => None,
        };
        CpuShare {
            server,
            client,
            other,
        }
    }
}

/// The soft open-file limit of this process (`Max open files` in `/proc/self/limits`).
pub(crate) fn open_file_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    limits
        .lines()
        .find_map(|l| l.strip_prefix("Max open files"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|soft| soft.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_gives_rss_and_peak() {
        let status = "Name:\tchatwire\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t9\n";
        let m = parse_status(status).expect("parsed");
        assert_eq!((m.rss_kib, m.hwm_kib), (102_400, 204_800));
        assert!((m.rss_mb() - 104.8576).abs() < 1e-9);
        assert!((m.hwm_mb() - 209.7152).abs() < 1e-9);
    }

    #[test]
    fn stat_times_survive_spaces_in_the_command_name() {
        let stat = "4242 (tokio runtime) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 9 0";
        assert_eq!(parse_stat(stat), Some(3.0));
    }

    #[test]
    fn machine_busy_time_leaves_out_idle_and_iowait() {
        let stat = "cpu  100 20 30 5000 400 5 6 7 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n";
        assert_eq!(parse_machine(stat), Some(1.68));
    }

    #[test]
    fn this_process_has_readable_figures() {
        assert!(Memory::of(std::process::id()).is_some_and(|m| m.rss_kib > 0));
        assert!(open_file_limit().is_some_and(|n| n > 0));
    }
}
