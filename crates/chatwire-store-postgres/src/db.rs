//! Thin helpers over [`GenericClient`] so every query goes through the per-connection
//! statement cache (one parse per connection, then bind/execute only) and maps driver errors
//! the same way. They work on a pooled client and on a transaction alike.

use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use crate::error;

/// Query parameters, as the driver takes them.
pub(crate) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// Every row `sql` returns.
pub(crate) async fn rows<C: GenericClient>(
    c: &C,
    sql: &str,
    params: Params<'_>,
) -> StoreResult<Vec<Row>> {
    let stmt = c.prepare_cached(sql).await.map_err(error::pg)?;
    c.query(&stmt, params).await.map_err(error::pg)
}

/// The row `sql` returns, if any (more than one is a driver error).
pub(crate) async fn opt<C: GenericClient>(
    c: &C,
    sql: &str,
    params: Params<'_>,
) -> StoreResult<Option<Row>> {
    let stmt = c.prepare_cached(sql).await.map_err(error::pg)?;
    c.query_opt(&stmt, params).await.map_err(error::pg)
}

/// The row `sql` returns; none is `NotFound(what)`.
pub(crate) async fn one<C: GenericClient>(
    c: &C,
    sql: &str,
    params: Params<'_>,
    what: &'static str,
) -> StoreResult<Row> {
    opt(c, sql, params).await?.ok_or(StoreError::NotFound(what))
}

/// Runs a statement and returns the rows it touched; errors are left to the caller to map
/// (so a unique violation can become the right `Conflict`).
pub(crate) async fn exec<C: GenericClient>(
    c: &C,
    sql: &str,
    params: Params<'_>,
) -> Result<u64, tokio_postgres::Error> {
    let stmt = c.prepare_cached(sql).await?;
    c.execute(&stmt, params).await
}

/// Whether `sql` returns at least one row.
pub(crate) async fn exists<C: GenericClient>(
    c: &C,
    sql: &str,
    params: Params<'_>,
) -> StoreResult<bool> {
    Ok(!rows(c, sql, params).await?.is_empty())
}

/// One trivial query: whether the database answers on this connection (`Store::ping`).
pub(crate) async fn ping<C: GenericClient>(c: &C) -> StoreResult<()> {
    rows(c, "SELECT 1", &[]).await.map(drop)
}

/// The typed array parameters of an `unnest(…)`, numbered from `$first`
/// (`array_params(3, &["int8", "text"])` is `$3::int8[], $4::text[]`): lets one statement's
/// text be reused standalone and as a part of a larger statement.
pub(crate) fn array_params(first: usize, types: &[&str]) -> String {
    let params: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, t)| format!("${}::{t}[]", first + i))
        .collect();
    params.join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn array_params_are_numbered_from_first() {
        assert_eq!(
            super::array_params(3, &["int8", "text"]),
            "$3::int8[], $4::text[]"
        );
        assert_eq!(super::array_params(1, &[]), "");
    }
}
