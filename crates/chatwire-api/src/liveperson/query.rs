//! The query string as LivePerson handlers read it: the shared tolerant decoder.

pub use crate::http::query::Query as LpQuery;
