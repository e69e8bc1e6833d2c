//! [`RouteTable`]: how the routers are built, so that they can say which routes they have.
//!
//! Every route of the app is registered through a table that adds it to the axum router and
//! records its method and path template; [`crate::routes`] returns the whole list. The
//! authorization matrix test walks that list, so a route added without a row in the test's
//! table fails it. What it must not do: decide anything about a request.

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodRouter, any, delete, get, patch, post, put};

use crate::AppState;

/// One route: an HTTP method (`ANY` for a catch-all) and a path template as axum takes it
/// (`/api/account/{account}/chat/{chat}`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route {
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE` or `ANY`.
    pub method: &'static str,
    /// The path template.
    pub path: String,
}

/// A router under construction and the routes it has.
#[derive(Default)]
pub struct RouteTable {
    router: Router<AppState>,
    routes: Vec<Route>,
}

impl RouteTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    fn add(mut self, method: &'static str, path: &str, route: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, route);
        self.routes.push(Route {
            method,
            path: path.to_owned(),
        });
        self
    }

    /// `GET path`.
    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("GET", path, get(handler))
    }

    /// `POST path`.
    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("POST", path, post(handler))
    }

    /// `PUT path`.
    pub fn put<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("PUT", path, put(handler))
    }

    /// `PATCH path`.
    pub fn patch<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("PATCH", path, patch(handler))
    }

    /// `DELETE path`.
    pub fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("DELETE", path, delete(handler))
    }

    /// Every method on `path` (a catch-all).
    pub fn any<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add("ANY", path, any(handler))
    }

    /// Both tables' routes in one.
    pub fn merge(mut self, other: Self) -> Self {
        self.router = self.router.merge(other.router);
        self.routes.extend(other.routes);
        self
    }

    /// The routes recorded so far.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The routes, leaving the router.
    pub fn into_routes(self) -> Vec<Route> {
        self.routes
    }

    /// The router, leaving the list.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
