//! `Store::query_chats` for SQLite: the shared compiler (`chatwire_store::sql_chat_query`)
//! turns the query into one `SELECT` over the indexed `chats` columns (migration 0007); this
//! binds its values and reads the rows.

use chatwire_core::Chat;
use chatwire_core::chat_query::ChatQuery;
use chatwire_store::StoreResult;
use chatwire_store::sql_chat_query::{SqlDialect, SqlValue, compile};
use rusqlite::Connection;
use rusqlite::types::Value;

use crate::error;
use crate::rows::chat_from_json;

/// Runs `q` (see the module doc).
pub(crate) fn query_chats(conn: &Connection, q: &ChatQuery) -> StoreResult<Vec<Chat>> {
    let sql = compile(q, SqlDialect::SQLITE);
    let args = sql.args.into_iter().map(|v| match v {
        SqlValue::Integer(i) => Value::Integer(i),
        SqlValue::Text(t) => Value::Text(t),
    });
    // Not prepare_cached: filters vary without bound, and a cache of them would only evict the
    // hot statements.
    let mut stmt = conn.prepare(&sql.text).map_err(error::sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(0))
        .map_err(error::sql)?;
    rows.map(|r| r.map_err(error::sql).and_then(|j| chat_from_json(&j)))
        .collect()
}
