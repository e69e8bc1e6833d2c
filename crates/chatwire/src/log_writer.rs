//! [`BatchedStderr`]: where log lines go. A thread that logs appends its formatted line to a
//! shared buffer; a thread of the log's own (`chatwire-log`) writes the buffer to stderr every
//! [`FLUSH_EVERY`], in one `write` however many lines it holds.
//!
//! Why not one `write` per line: the access log is a line per request, and stderr is usually a
//! pipe (a journal, a container runtime, the load generator). Written line by line, each write
//! woke the reader, ~9 % of the server's CPU on scenario (a). `tracing-appender`'s non-blocking
//! writer moved the writes off the request threads, but its worker was woken per line and still
//! took ~6 % (docs/performance.md, "Issue 18, session 13"); here nobody is woken per line.
//!
//! Nothing is dropped and order is kept: past [`MAX_PENDING`] bytes the logging thread writes
//! the buffer itself, holding the buffer's lock, as it waited on a full pipe before. A line
//! reaches stderr at most [`FLUSH_EVERY`] after it was logged, and every pending line is written
//! when the [`Flusher`] is dropped (a normal exit, or unwinding out of `serve`). Lines keep their
//! order among themselves; text written to stderr directly (`eprintln!`, a panic message) can
//! reach it before log lines logged just earlier.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How often the buffered lines are written.
pub const FLUSH_EVERY: Duration = Duration::from_millis(10);
/// Past this many buffered bytes, the thread that logs writes them out itself.
pub const MAX_PENDING: usize = 1024 * 1024;

/// The buffer, and whether a flusher thread is writing it out.
#[derive(Debug, Default)]
struct Shared {
    pending: Mutex<Vec<u8>>,
    flushing: AtomicBool,
}

/// The log's writer, handed to the formatter.
#[derive(Debug)]
pub struct BatchedStderr {
    shared: Arc<Shared>,
}

/// Owns the thread that writes the buffer; dropping it writes what is left and stops it.
#[derive(Debug)]
pub struct Flusher {
    shared: Arc<Shared>,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// A writer and the flusher of its buffer. Without a thread (the spawn failed, or the flusher
/// was dropped), lines are written to stderr as they come.
pub fn batched_stderr() -> (BatchedStderr, Flusher) {
    let shared = Arc::new(Shared::default());
    let (stop, stopped) = mpsc::channel::<()>();
    let theirs = Arc::clone(&shared);
    let thread = std::thread::Builder::new()
        .name("chatwire-log".into())
        .spawn(move || {
            // Ends on the stop signal or when the flusher is gone.
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(FLUSH_EVERY) {
                write_out(&theirs.pending);
            }
            write_out(&theirs.pending);
        })
        .ok();
    shared.flushing.store(thread.is_some(), Ordering::Release);
    let writer = BatchedStderr {
        shared: Arc::clone(&shared),
    };
    let stop = thread.as_ref().map(|_| stop);
    (
        writer,
        Flusher {
            shared,
            stop,
            thread,
        },
    )
}

fn lock(pending: &Mutex<Vec<u8>>) -> MutexGuard<'_, Vec<u8>> {
    // A panic while appending leaves at worst a partial line; keep logging.
    pending.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Writes the buffered lines to stderr, in one write, holding the lock so that no later line
/// can overtake them.
fn write_out(pending: &Mutex<Vec<u8>>) {
    let mut buf = lock(pending);
    drain(&mut buf, &mut io::stderr().lock());
}

/// Writes `buf` to `out` and empties it (keeping its allocation). A failed write loses those
/// lines: there is nowhere else to report it.
fn drain(buf: &mut Vec<u8>, out: &mut impl Write) {
    if !buf.is_empty() {
        let _ = out.write_all(buf).and_then(|()| out.flush());
        buf.clear();
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        // From here on, whoever logs writes through (under the lock, so after what is left).
        self.shared.flushing.store(false, Ordering::Release);
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        write_out(&self.shared.pending);
    }
}

/// One line's writer: appends to the shared buffer.
#[derive(Debug)]
pub struct LineSink<'a> {
    shared: &'a Shared,
}

impl Write for LineSink<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let mut buf = lock(&self.shared.pending);
        buf.extend_from_slice(data);
        // Read under the lock: the flusher's last write-out is under it too, so a line is
        // either in that write-out or sees that nobody flushes any more and writes through.
        let flushing = self.shared.flushing.load(Ordering::Acquire);
        if !flushing || buf.len() >= MAX_PENDING {
            drain(&mut buf, &mut io::stderr().lock());
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BatchedStderr {
    type Writer = LineSink<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineSink {
            shared: &self.shared,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draining_writes_every_buffered_line_in_order_and_empties_the_buffer() {
        let mut buf = b"one\ntwo\n".to_vec();
        let mut out = Vec::new();
        drain(&mut buf, &mut out);
        assert_eq!(out, b"one\ntwo\n");
        assert!(buf.is_empty());
        drain(&mut buf, &mut out);
        assert_eq!(out, b"one\ntwo\n", "nothing more");
    }

    #[test]
    fn lines_wait_in_the_buffer_until_the_flusher_writes_them() {
        let (writer, flusher) = batched_stderr();
        writer
            .make_writer()
            .write_all(b"a line from the test\n")
            .expect("appended");
        let pending = lock(&writer.shared.pending).len();
        assert!(pending == 0 || pending == 21, "{pending}");
        drop(flusher);
        assert!(lock(&writer.shared.pending).is_empty(), "written on drop");
        writer
            .make_writer()
            .write_all(b"and one after the flusher\n")
            .expect("written");
        assert!(lock(&writer.shared.pending).is_empty(), "written through");
    }
}
