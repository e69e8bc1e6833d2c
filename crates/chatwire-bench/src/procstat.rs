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

/// CPU seconds (user + system) the threads of this process named `name` have used so far.
/// Only living threads count: one that exits inside a window moves its time to the client
/// column (the baseline's threads live as long as it does).
fn threads_cpu_secs(name: &str) -> Option<f64> {
    let mut total = None;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        if thread_name(&stat) == Some(name) {
            *total.get_or_insert(0.0) += parse_stat(&stat).unwrap_or(0.0);
        }
    }
    total
}

/// The command (thread) name of a `stat` line: what stands between the parentheses.
fn thread_name(stat: &str) -> Option<&str> {
    stat.get(stat.find('(')? + 1..stat.rfind(')')?)
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

/// Where the server's CPU time is read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ServerCpu {
    /// Not known: a server driven without its pid.
    Unknown,
    /// A process of its own.
    Process(u32),
    /// Threads of this process with this name (the in-process baseline server); the client
    /// column leaves them out.
    Threads(&'static str),
}

impl From<Option<u32>> for ServerCpu {
    fn from(pid: Option<u32>) -> Self {
        pid.map_or(Self::Unknown, Self::Process)
    }
}

impl ServerCpu {
    fn secs(self) -> Option<f64> {
        match self {
            Self::Unknown => None,
            Self::Process(pid) => cpu_secs(Some(pid)),
            Self::Threads(name) => threads_cpu_secs(name),
        }
    }

    /// The part of this process's CPU that is the server's.
    fn in_this_process(self, secs: Option<f64>) -> f64 {
        match self {
            Self::Threads(_) => secs.unwrap_or(0.0),
            Self::Unknown | Self::Process(_) => 0.0,
        }
    }
}

/// A started CPU measurement.
pub(crate) struct CpuClock {
    at: Instant,
    source: ServerCpu,
    server: Option<f64>,
    client: f64,
    machine: Option<f64>,
}

impl CpuClock {
    /// Samples the server and this process now.
    pub(crate) fn start(server: impl Into<ServerCpu>) -> Self {
        let source = server.into();
        let server = source.secs();
        Self {
            at: Instant::now(),
            source,
            server,
            client: cpu_secs(None).unwrap_or(0.0) - source.in_this_process(server),
            machine: machine_busy_secs(),
        }
    }

    /// The share each process used since [`CpuClock::start`].
    pub(crate) fn stop(&self) -> CpuShare {
        let wall = self.at.elapsed().as_secs_f64().max(1e-9);
        let now = self.source.secs();
        let server = match (self.server, now) {
            (Some(a), Some(b)) => Some((b - a) / wall),
            _ => None,
        };
        let own = cpu_secs(None).unwrap_or(0.0) - self.source.in_this_process(now);
        let client = (own - self.client) / wall;
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
    fn named_threads_are_counted_apart_from_the_rest_of_the_process() {
        assert_eq!(
            thread_name("4242 (tokio runtime) S 1 2"),
            Some("tokio runtime")
        );
        let spin = std::thread::Builder::new()
            .name("cw-bench-spin".into())
            .spawn(|| {
                // Spin until the thread's own time shows (ticks are 10 ms), or give up.
                let give_up = Instant::now() + std::time::Duration::from_secs(10);
                loop {
                    let secs = threads_cpu_secs("cw-bench-spin");
                    if secs.is_some_and(|s| s >= 0.05) || Instant::now() > give_up {
                        return secs;
                    }
                    std::hint::spin_loop();
                }
            })
            .expect("thread");
        let secs = spin.join().expect("joined").expect("the thread is found");
        assert!(secs >= 0.05, "{secs} s");
        assert_eq!(threads_cpu_secs("no-such-thread"), None);
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
