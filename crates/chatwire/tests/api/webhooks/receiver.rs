//! A webhook receiver for the tests: a raw HTTP/1.1 listener on 127.0.0.1:0 that records every
//! request (headers and raw body) and answers as scripted, one behaviour per request (then
//! `200` once the script is used up): a status with an optional `Retry-After`, a hang longer
//! than the server's timeout, or closing the connection without an answer. Raw TCP, so that
//! "closes the connection" and "never answers" are exactly that.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the receiver answers one request.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    /// This status, with `Retry-After: <value>` when given.
    Status(u16, Option<String>),
    /// Read the request, then say nothing for this long (the server's timeout fires).
    Hang(Duration),
    /// Read the request, then close the connection.
    Close,
}

/// One request as received.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    /// Header names lowercased.
    pub(crate) headers: HashMap<String, String>,
    /// The raw body.
    pub(crate) body: Vec<u8>,
    /// When it arrived.
    pub(crate) at: Instant,
    /// What it was answered (`None`: 200 after the script).
    pub(crate) answer: Option<Answer>,
}

impl Received {
    /// A header's value.
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    /// The body as JSON.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// The `Chatwire-Event-Id` as a number.
    pub(crate) fn event_id(&self) -> i64 {
        self.header("chatwire-event-id").parse().expect("event id")
    }

    /// Whether the receiver answered it 2xx.
    pub(crate) fn accepted(&self) -> bool {
        matches!(&self.answer, None | Some(Answer::Status(200..=299, _)))
    }
}

#[derive(Default)]
struct Shared {
    script: VecDeque<Answer>,
    log: Vec<Received>,
    /// How long each unscripted 200 takes.
    slow: Duration,
}

/// A running receiver.
#[derive(Clone)]
pub(crate) struct Receiver {
    /// `http://127.0.0.1:<port>/hook`.
    pub(crate) url: String,
    shared: Arc<Mutex<Shared>>,
}

impl Receiver {
    /// Starts one answering `script` first, then 200 to everything.
    pub(crate) async fn start(script: Vec<Answer>) -> Self {
        Self::start_slow(script, Duration::ZERO).await
    }

    /// [`Receiver::start`], taking `slow` to answer each unscripted 200 (so that a delivery
    /// is nearly always in flight).
    pub(crate) async fn start_slow(script: Vec<Answer>, slow: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let shared = Arc::new(Mutex::new(Shared {
            script: script.into(),
            log: Vec::new(),
            slow,
        }));
        let accepting = Arc::clone(&shared);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&accepting)));
            }
        });
        Self { url, shared }
    }

    /// Drops what is left of the script: every later request gets 200.
    pub(crate) fn answer_ok_from_now(&self) {
        self.shared.lock().expect("script").script.clear();
    }

    /// Every request so far.
    pub(crate) fn received(&self) -> Vec<Received> {
        self.shared.lock().expect("log").log.clone()
    }

    /// Waits (up to `within`) until `done` holds for the requests received.
    pub(crate) async fn wait_for(
        &self,
        within: Duration,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let log = self.received();
            if done(&log) {
                return log;
            }
            assert!(
                Instant::now() < deadline,
                "receiver still waiting; got {log:#?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn serve(mut stream: TcpStream, shared: Arc<Mutex<Shared>>) {
    let Some((headers, body)) = read_request(&mut stream).await else {
        return;
    };
    let (answer, slow) = {
        let mut s = shared.lock().expect("script");
        let answer = s.script.pop_front();
        s.log.push(Received {
            headers,
            body,
            at: Instant::now(),
            answer: answer.clone(),
        });
        (answer, s.slow)
    };
    let reply = match answer {
        None if !slow.is_zero() => {
            tokio::time::sleep(slow).await;
            "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_owned()
        }
        None => "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_owned(),
        Some(Answer::Status(code, retry)) => format!(
            "HTTP/1.1 {code} Scripted\r\ncontent-length: 0\r\nconnection: close\r\n{}\r\n",
            retry
                .map(|r| format!("retry-after: {r}\r\n"))
                .unwrap_or_default()
        ),
        Some(Answer::Hang(d)) => {
            tokio::time::sleep(d).await;
            return;
        }
        Some(Answer::Close) => return,
    };
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Reads one request: the header block, then `content-length` bytes of body.
async fn read_request(stream: &mut TcpStream) -> Option<(HashMap<String, String>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).into_owned();
    let headers: HashMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[header_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((headers, body))
}
