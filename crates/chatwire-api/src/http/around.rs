//! Middleware in two halves: a look at the request before the routes run, and a finish of
//! their response after. [`AroundLayer`] turns an [`Around`] into a tower layer whose
//! future holds only the inner future and what the first half leaves for the second.
//!
//! Why not `axum::middleware::from_fn`: every such layer boxes a future that keeps its own
//! copy of the request's room, the extractors' and the user function's state, about 1.1–1.4 KB
//! each, for as long as the request runs. A parked long-poll keeps five of them (access, CORS,
//! limits, the route record, the dialect's errors): ~5 KB per parked poll before hyper's own
//! buffers (docs/performance.md, "Issue 18, session 17").

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::extract::Request;
use axum::response::Response;
use futures::future::BoxFuture;
use pin_project_lite::pin_project;
use tower::{Layer, Service};
use tracing::Span;
use tracing::instrument::Instrumented;

/// What the first half decided.
pub enum Before<C> {
    /// Go on to the routes, carrying `C` to [`Around::after`].
    Go(C),
    /// Answer at once; the routes never see the request.
    Answer(Response),
    /// Ask something that takes a while (the store) before deciding; the request waits.
    Check(BoxFuture<'static, Result<C, Response>>),
}

/// A middleware in two halves.
pub trait Around: Clone + Send + Sync + 'static {
    /// What the first half leaves for the second.
    type Carry: Send + 'static;

    /// Looks at (and may change) the request before the routes.
    fn before(&self, req: &mut Request) -> Before<Self::Carry>;

    /// The span the routes run in (the access log's request span); none by default.
    fn span(&self, _carry: &Self::Carry) -> Span {
        Span::none()
    }

    /// Finishes the routes' response.
    fn after(&self, carry: Self::Carry, response: Response) -> Response;
}

/// The layer of an [`Around`].
#[derive(Clone)]
pub struct AroundLayer<A>(pub A);

impl<A: Clone, S> Layer<S> for AroundLayer<A> {
    type Service = AroundService<A, S>;

    fn layer(&self, inner: S) -> Self::Service {
        AroundService {
            around: self.0.clone(),
            inner,
        }
    }
}

/// The service of an [`AroundLayer`] over the routes `S`.
#[derive(Clone)]
pub struct AroundService<A, S> {
    around: A,
    inner: S,
}

impl<A, S> Service<Request> for AroundService<A, S>
where
    A: Around,
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = AroundFuture<A, S>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        // The service made ready by `poll_ready` goes with this request (tower's rule).
        let fresh = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, fresh);
        match self.around.before(&mut req) {
            Before::Go(carry) => AroundFuture::run(self.around.clone(), inner, req, carry),
            Before::Answer(response) => AroundFuture::answered(response),
            Before::Check(check) => {
                AroundFuture::checking(check, (self.around.clone(), inner, req))
            }
        }
    }
}

pin_project! {
    /// The future of an [`AroundService`]: the routes' future and the carry, nothing else.
    pub struct AroundFuture<A: Around, S: Service<Request>> {
        #[pin]
        step: Step<A, S>,
    }
}

pin_project! {
    #[project = StepProj]
    enum Step<A: Around, S: Service<Request>> {
        // The first half is still asking; the middleware, the routes and the request wait.
        Checking {
            check: BoxFuture<'static, Result<A::Carry, Response>>,
            rest: Option<(A, S, Request)>,
        },
        // The routes run in the middleware's span; the carry is taken when they answer.
        Running {
            #[pin]
            routes: Instrumented<S::Future>,
            around: A,
            carry: Option<A::Carry>,
        },
        // Answered without the routes (taken when returned).
        Answered { response: Option<Response> },
    }
}

impl<A, S> AroundFuture<A, S>
where
    A: Around,
    S: Service<Request, Response = Response, Error = Infallible>,
{
    fn new(step: Step<A, S>) -> Self {
        Self { step }
    }

    fn answered(response: Response) -> Self {
        Self::new(Step::Answered {
            response: Some(response),
        })
    }

    fn checking(
        check: BoxFuture<'static, Result<A::Carry, Response>>,
        rest: (A, S, Request),
    ) -> Self {
        Self::new(Step::Checking {
            check,
            rest: Some(rest),
        })
    }

    fn run(around: A, inner: S, req: Request, carry: A::Carry) -> Self {
        Self::new(Step::run(around, inner, req, carry))
    }
}

impl<A, S> Step<A, S>
where
    A: Around,
    S: Service<Request, Response = Response, Error = Infallible>,
{
    fn run(around: A, mut inner: S, req: Request, carry: A::Carry) -> Self {
        let span = around.span(&carry);
        // The inner layers' first halves run in `call`: inside the span too.
        let routes = span.in_scope(|| inner.call(req));
        Self::Running {
            routes: tracing::Instrument::instrument(routes, span),
            around,
            carry: Some(carry),
        }
    }
}

impl<A, S> Future for AroundFuture<A, S>
where
    A: Around,
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut step = self.project().step;
        loop {
            match step.as_mut().project() {
                StepProj::Checking { check, rest } => {
                    let decided = ready!(check.as_mut().poll(cx));
                    // `rest` is taken only here, and the step changes right after.
                    let Some((around, inner, req)) = rest.take() else {
                        return Poll::Ready(Ok(gone()));
                    };
                    let next = match decided {
                        Ok(carry) => Step::run(around, inner, req, carry),
                        Err(response) => Step::Answered {
                            response: Some(response),
                        },
                    };
                    step.set(next);
                }
                StepProj::Running {
                    routes,
                    around,
                    carry,
                } => {
                    let response = match ready!(routes.poll(cx)) {
                        Ok(response) => response,
                        Err(never) => match never {},
                    };
                    let response = match carry.take() {
                        Some(carry) => around.after(carry, response),
                        None => gone(),
                    };
                    // Done: the routes' finished future is never polled again.
                    step.set(Step::Answered { response: None });
                    return Poll::Ready(Ok(response));
                }
                StepProj::Answered { response } => {
                    return Poll::Ready(Ok(response.take().unwrap_or_else(gone)));
                }
            }
        }
    }
}

/// What a future polled again after it answered returns (a caller bug; never a panic).
fn gone() -> Response {
    let mut response = Response::default();
    *response.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt as _;

    /// Counts requests in a header of the response; refuses `/no`; asks first for `/ask`.
    #[derive(Clone)]
    struct Tag;

    impl Around for Tag {
        type Carry = String;

        fn before(&self, req: &mut Request) -> Before<String> {
            let path = req.uri().path().to_owned();
            req.extensions_mut().insert(7u32);
            match path.as_str() {
                "/no" => Before::Answer(Response::new(Body::from("refused"))),
                "/ask" => Before::Check(Box::pin(async move {
                    tokio::task::yield_now().await;
                    Ok(path)
                })),
                "/ask-no" => Before::Check(Box::pin(async {
                    Err(Response::new(Body::from("refused later")))
                })),
                _ => Before::Go(path),
            }
        }

        fn span(&self, carry: &String) -> Span {
            tracing::info_span!("tagged", path = %carry)
        }

        fn after(&self, carry: String, mut response: Response) -> Response {
            let value = carry.parse().expect("header value");
            response.headers_mut().insert("x-seen", value);
            response
        }
    }

    fn app() -> Router {
        let seen = |req: Request| async move {
            format!(
                "ext {}",
                req.extensions().get::<u32>().copied().unwrap_or(0)
            )
        };
        Router::new()
            .route("/yes", get(seen))
            .route("/ask", get(seen))
            .route("/no", get(seen))
            .route("/ask-no", get(seen))
            .layer(AroundLayer(Tag))
    }

    async fn call(path: &str) -> (Option<String>, String) {
        let req = Request::builder()
            .uri(path)
            .body(Body::empty())
            .expect("request");
        let res = app().oneshot(req).await.expect("infallible");
        let seen = res
            .headers()
            .get("x-seen")
            .map(|v| v.to_str().expect("ascii").to_owned());
        let body = axum::body::to_bytes(res.into_body(), 1024)
            .await
            .expect("body");
        (seen, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn both_halves_run_around_the_routes_and_the_first_may_change_the_request() {
        assert_eq!(call("/yes").await, (Some("/yes".into()), "ext 7".into()));
    }

    #[tokio::test]
    async fn an_answer_of_the_first_half_skips_the_routes_and_the_second() {
        assert_eq!(call("/no").await, (None, "refused".into()));
    }

    #[test]
    fn a_future_polled_again_after_its_answer_gives_a_500_and_does_not_poll_the_routes() {
        let routes = tower::service_fn(|_req: Request| async {
            Ok::<_, Infallible>(Response::new(Body::empty()))
        });
        let mut service = AroundLayer(Tag).layer(routes);
        let req = Request::builder()
            .uri("/yes")
            .body(Body::empty())
            .expect("request");
        let mut future = std::pin::pin!(service.call(req));
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let first = future.as_mut().poll(&mut cx);
        assert!(matches!(&first, Poll::Ready(Ok(r)) if r.status().is_success()));
        let again = future.as_mut().poll(&mut cx);
        assert!(matches!(&again, Poll::Ready(Ok(r)) if r.status().is_server_error()));
    }

    #[tokio::test]
    async fn the_routes_run_in_the_span_of_the_first_half() {
        let _subscriber = tracing::subscriber::set_default(tracing_subscriber::registry());
        let routes = tower::service_fn(|_req: Request| async {
            let name = Span::current().metadata().map_or("none", |m| m.name());
            Ok::<_, Infallible>(Response::new(Body::from(name)))
        });
        let req = Request::builder()
            .uri("/yes")
            .body(Body::empty())
            .expect("request");
        let res = AroundLayer(Tag)
            .layer(routes)
            .oneshot(req)
            .await
            .expect("infallible");
        let body = axum::body::to_bytes(res.into_body(), 64)
            .await
            .expect("body");
        assert_eq!(&body[..], b"tagged");
    }

    #[tokio::test]
    async fn a_check_decides_before_the_routes() {
        assert_eq!(call("/ask").await, (Some("/ask".into()), "ext 7".into()));
        assert_eq!(call("/ask-no").await, (None, "refused later".into()));
    }
}
