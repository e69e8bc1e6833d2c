//! The shape of one SuperOffice operation, shared by both wire forms: a typed request (one
//! struct per `IChatAgent` method, named after it), read once from either the RPC body
//! ([`Method`], [`method!`]) or a REST route (`rest`), and answered by one function
//! ([`Answer`]). Also what every answer gets ([`Call`]) and the extractors both wire forms read
//! the calling agent with ([`AgentCall`], [`RoutedCall`]).
//!
//! What it must not do: know any method; the table of them is `agent::OPERATIONS`.

use std::future::Future;
use std::pin::Pin;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::auth::SoAgent;
use super::body::Fields;
use super::reply::{SoCtx, SoReply};
use crate::{ApiError, AppState};

/// What every operation answers.
pub type Out = Result<SoReply, ApiError>;

/// What an answer works with: the engine, the calling agent and the response's wishes.
#[derive(Clone, Copy)]
pub struct Call<'a> {
    /// The app (engine, settings).
    pub state: &'a AppState,
    /// The authenticated agent.
    pub who: &'a SoAgent,
    /// Format, `$select`, date style and query of the request.
    pub ctx: &'a SoCtx,
}

/// A typed request that knows how to answer itself.
pub trait Answer: Sized + Send {
    /// The one function that answers this request, whichever wire form it came from.
    fn answer(self, call: Call<'_>) -> impl Future<Output = Out> + Send;
}

/// A request of an `IChatAgent` method (`POST …/Agents/Chat/{NAME}`).
pub trait Method: Answer {
    /// The method's name as the spec spells it.
    const NAME: &'static str;
    /// The request from the RPC body's properties (and the query, for the entity ids). The
    /// order of the reads is the order of the 400s a client sees.
    fn from_rpc(body: &Fields, ctx: &SoCtx) -> Result<Self, ApiError>;
}

/// Implements [`Method`] for the request type `$ty`, read from the RPC body and query by
/// `$read` (`|body, ctx| -> Result<Self, ApiError>`). The method's name is the type's name, so
/// the table cannot pair a name with another method's request.
macro_rules! method {
    ($ty:ident, $read:expr) => {
        impl $crate::superoffice::operation::Method for $ty {
            const NAME: &'static str = stringify!($ty);

            fn from_rpc(
                body: &$crate::superoffice::body::Fields,
                ctx: &$crate::superoffice::reply::SoCtx,
            ) -> Result<Self, $crate::ApiError> {
                let read: fn(
                    &$crate::superoffice::body::Fields,
                    &$crate::superoffice::reply::SoCtx,
                ) -> Result<Self, $crate::ApiError> = $read;
                read(body, ctx)
            }
        }
    };
}
pub(crate) use method;

/// A boxed answer, so that one table can hold every method.
type BoxedOut<'a> = Pin<Box<dyn Future<Output = Out> + Send + 'a>>;

/// One row of the operation table: a method's name and its RPC call.
#[derive(Clone, Copy)]
pub struct Entry {
    /// The method's name.
    pub name: &'static str,
    rpc: for<'a> fn(Call<'a>, &'a Fields) -> BoxedOut<'a>,
}

impl Entry {
    /// The row of method `M`.
    pub const fn of<M: Method + 'static>() -> Self {
        Self {
            name: M::NAME,
            rpc: rpc::<M>,
        }
    }

    /// Reads the request from an RPC body and answers it.
    pub async fn call(&self, call: Call<'_>, body: &Fields) -> Out {
        (self.rpc)(call, body).await
    }
}

fn rpc<'a, M: Method + 'static>(call: Call<'a>, body: &'a Fields) -> BoxedOut<'a> {
    Box::pin(async move { M::from_rpc(body, call.ctx)?.answer(call).await })
}

/// The caller of a route without path parameters: the response's wishes, then the agent
/// (a missing or wrong login is a 401).
pub struct AgentCall {
    /// The app.
    pub state: AppState,
    /// The authenticated agent.
    pub who: SoAgent,
    /// Format, `$select`, date style and query.
    pub ctx: SoCtx,
}

impl AgentCall {
    /// What an answer works with.
    pub const fn call(&self) -> Call<'_> {
        Call {
            state: &self.state,
            who: &self.who,
            ctx: &self.ctx,
        }
    }

    /// Answers `request` for this caller.
    pub async fn answer<A: Answer>(&self, request: A) -> Out {
        request.answer(self.call()).await
    }
}

impl FromRequestParts<AppState> for AgentCall {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(ctx) = SoCtx::from_request_parts(parts, state).await;
        let who = SoAgent::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self {
            state: state.clone(),
            who,
            ctx,
        })
    }
}

/// The caller of a route with path parameters: the parameters are read first (a malformed
/// one is the router's 400), then the caller.
pub struct RoutedCall {
    /// Path parameters by name (`account`, `id`, `to`, `user`, `method`).
    pub path: Vec<(String, String)>,
    /// The caller.
    pub agent: AgentCall,
}

impl RoutedCall {
    /// A path parameter's text (404 when the route has none of that name).
    pub fn text(&self, name: &str) -> Result<String, ApiError> {
        self.path
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| ApiError::NotFound("no such resource".into()))
    }

    /// An integer path parameter (404 when it is not one: no such resource).
    pub fn int(&self, name: &str) -> Result<i64, ApiError> {
        self.text(name)?
            .parse()
            .map_err(|_| ApiError::NotFound(format!("{name} must be an integer")))
    }

    /// Answers `request` for this caller.
    pub async fn answer<A: Answer>(&self, request: A) -> Out {
        self.agent.answer(request).await
    }
}

impl FromRequestParts<AppState> for RoutedCall {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Path(path) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let agent = AgentCall::from_request_parts(parts, state).await?;
        Ok(Self { path, agent })
    }
}
