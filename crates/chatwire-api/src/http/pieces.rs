//! [`Pieces`]: a response body sent as a few `Bytes` already in memory, with its exact length.
//!
//! Why: an answer made of slices of a buffer that another answer already holds need not be
//! copied into a buffer of its own to be sent. Over HTTP/1.1 hyper writes a body's pieces with
//! one `writev` (up to 16 at a time); over HTTP/2 each piece is a DATA frame of its own. The
//! exact length keeps `Content-Length` on the response, as a body of one buffer has. Worth it
//! only for a handful of large pieces: each piece costs hyper a frame and the kernel an iovec
//! (docs/performance.md, "Issue 18, session 18").

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Bytes, HttpBody};
use http_body::{Frame, SizeHint};

/// A body of the given pieces, in order; empty pieces are skipped.
#[derive(Debug, Default)]
pub struct Pieces {
    pieces: VecDeque<Bytes>,
    remaining: u64,
}

impl Pieces {
    /// The body `pieces` make, one after another.
    pub fn new(pieces: impl IntoIterator<Item = Bytes>) -> Self {
        let pieces: VecDeque<Bytes> = pieces.into_iter().filter(|p| !p.is_empty()).collect();
        let remaining = pieces.iter().map(|p| p.len() as u64).sum();
        Self { pieces, remaining }
    }
}

impl HttpBody for Pieces {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        Poll::Ready(this.pieces.pop_front().map(|piece| {
            this.remaining -= piece.len() as u64;
            Ok(Frame::data(piece))
        }))
    }

    fn is_end_stream(&self) -> bool {
        self.pieces.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

#[cfg(test)]
mod tests {
    use axum::body::{Body, to_bytes};
    use axum::response::IntoResponse;

    use super::*;

    #[tokio::test]
    async fn the_pieces_make_the_body_in_order_and_say_its_exact_length() {
        // Arrange
        let shared = Bytes::from_static(b"[1,2,3]");
        let pieces = Pieces::new([
            shared.slice(0..1),
            Bytes::new(),
            shared.slice(3..6),
            Bytes::from_static(b","),
            shared.slice(1..2),
            shared.slice(6..7),
        ]);

        // Act
        let hint = pieces.size_hint();
        let body = to_bytes(Body::new(pieces), usize::MAX).await.expect("body");

        // Assert
        assert_eq!(hint.exact(), Some(7));
        assert_eq!(&body[..], b"[2,3,1]");
    }

    #[tokio::test]
    async fn a_response_of_pieces_keeps_its_length() {
        let resp = Body::new(Pieces::new([
            Bytes::from_static(b"ab"),
            Bytes::from_static(b"c"),
        ]))
        .into_response();
        assert_eq!(resp.body().size_hint().exact(), Some(3));
        assert!(!resp.body().is_end_stream());
        let empty = Body::new(Pieces::new([Bytes::new()]));
        assert!(empty.is_end_stream());
        assert_eq!(empty.size_hint().exact(), Some(0));
    }
}
