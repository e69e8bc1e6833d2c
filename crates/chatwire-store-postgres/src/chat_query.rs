//! `Store::query_chats` for PostgreSQL: the shared compiler (`chatwire_store::sql_chat_query`)
//! turns the query into one `SELECT` over the indexed `chats` columns (migration 0004), text
//! compared in the `"C"` collation (bytes) as in memory; this binds its values and reads the
//! rows.

use chatwire_core::Chat;
use chatwire_core::chat_query::ChatQuery;
use chatwire_store::StoreResult;
use chatwire_store::sql_chat_query::{SqlDialect, SqlValue, compile};
use deadpool_postgres::GenericClient;
use tokio_postgres::types::ToSql;

use crate::error;
use crate::rows::{self, chat_from_json};

/// Runs `q` (see the module doc).
pub(crate) async fn query_chats<C: GenericClient>(c: &C, q: &ChatQuery) -> StoreResult<Vec<Chat>> {
    let sql = compile(q, SqlDialect::POSTGRES);
    let args: Vec<Box<dyn ToSql + Sync + Send>> = sql
        .args
        .into_iter()
        .map(|v| -> Box<dyn ToSql + Sync + Send> {
            match v {
                SqlValue::Integer(i) => Box::new(i),
                SqlValue::Text(t) => Box::new(t),
            }
        })
        .collect();
    let refs: Vec<&(dyn ToSql + Sync)> = args.iter().map(|b| b.as_ref() as _).collect();
    // Not a cached statement: filters vary without bound, and a cache of them would only
    // evict the hot statements.
    let found = c.query(&sql.text, &refs).await.map_err(error::pg)?;
    found
        .iter()
        .map(|r| chat_from_json(rows::get(r, 0, "chat")?))
        .collect()
}
