//! The search index's writes, staged per batch.
//!
//! Why: the writer runs every job of a group commit in a `SAVEPOINT` of its own, and FTS5
//! flushes its pending terms to disk at each savepoint, so a line indexed inside its job became
//! an index segment of its own, merged later: a quarter of the store's CPU per line, plus
//! merging (`perf`, docs/performance.md, (d) on SQLite). A job now stages its lines in a
//! temporary table on the writer's connection (a savepoint rolls a staged line back with its
//! job, like any other write), and the writer moves the batch's lines into the index in one
//! statement after the last job, inside the same transaction: one segment per commit.
//!
//! A deletion in the same batch as the line's append finds the line still staged: it drops
//! it from the stage rather than sending the contentless index a `'delete'` for a line that
//! index does not hold yet (which would corrupt it).

use rusqlite::{Connection, params};

use crate::error;
use crate::writer::WriteCx;
use chatwire_store::StoreResult;

/// Creates the stage on the writer's connection (a `TEMP` table lives as long as the
/// connection and is seen by no other). Kept in memory: it never holds more than one batch.
pub(crate) fn create_stage(conn: &Connection) -> StoreResult<()> {
    conn.pragma_update(None, "temp_store", "MEMORY")
        .map_err(error::sql)?;
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS fts_stage (seq INTEGER PRIMARY KEY, text TEXT NOT NULL)",
    )
    .map_err(error::sql)
}

/// Stages a line for the index (see the module doc).
pub(crate) fn stage(cx: &WriteCx<'_>, seq: i64, text: &str) -> StoreResult<()> {
    let sql = "INSERT INTO temp.fts_stage (seq, text) VALUES (?1, ?2)";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(params![seq, text]).map_err(error::sql)?;
    Ok(())
}

/// Takes a line out of the index: out of the stage if this batch staged it, else out of the
/// index itself by FTS5's `'delete'` command with the text it was indexed with.
pub(crate) fn unindex(cx: &WriteCx<'_>, seq: i64, text: &str) -> StoreResult<()> {
    let unstaged = cx
        .conn
        .prepare_cached("DELETE FROM temp.fts_stage WHERE seq = ?1")
        .and_then(|mut s| s.execute([seq]))
        .map_err(error::sql)?;
    if unstaged == 0 {
        let sql =
            "INSERT INTO chat_lines_fts (chat_lines_fts, rowid, text) VALUES ('delete', ?1, ?2)";
        let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
        stmt.execute(params![seq, text]).map_err(error::sql)?;
    }
    Ok(())
}

/// Moves every staged line into the index: called by the writer after a batch's last job,
/// outside the jobs' savepoints and before `COMMIT`. A failure fails the batch, whose
/// rollback empties the stage too.
pub(crate) fn flush_stage(conn: &Connection) -> rusqlite::Result<()> {
    let moved = conn
        .prepare_cached(
            "INSERT INTO chat_lines_fts (rowid, text) SELECT seq, text FROM temp.fts_stage",
        )?
        .execute([])?;
    if moved > 0 {
        conn.prepare_cached("DELETE FROM temp.fts_stage")?
            .execute([])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chatwire_store::StoreError;

    use super::*;
    use crate::writer::Writer;
    use crate::{conn, migrate};

    fn start() -> (tempfile::TempDir, Writer) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut conn = conn::open_writer(&dir.path().join("i.db")).expect("open");
        migrate::run(&mut conn).expect("migrate");
        (dir, Writer::start(conn).expect("writer"))
    }

    async fn matching(writer: &Writer, word: &'static str) -> Vec<i64> {
        writer
            .run(move |cx| {
                let sql = "SELECT rowid FROM chat_lines_fts WHERE chat_lines_fts MATCH ?1
                           ORDER BY rowid";
                let mut stmt = cx.conn.prepare(sql).map_err(error::sql)?;
                let rows = stmt.query_map([word], |r| r.get(0)).map_err(error::sql)?;
                rows.collect::<rusqlite::Result<Vec<i64>>>()
                    .map_err(error::sql)
            })
            .await
            .expect("query")
    }

    #[tokio::test]
    async fn staged_lines_enter_the_index_at_commit_unless_rolled_back_or_deleted_first() {
        // Arrange: a first job holds the writer, so the next ones queue into one batch.
        let (_dir, writer) = start();
        let hold = writer.run(|_| {
            std::thread::sleep(Duration::from_millis(300));
            Ok(())
        });

        // Act
        let (held, staged, rolled_back, deleted, kept) = tokio::join!(
            hold,
            writer.run(|cx| stage(cx, 1, "hello world")),
            writer.run(|cx| {
                stage(cx, 2, "rolled back")?;
                Err::<(), _>(StoreError::Conflict("refused".into()))
            }),
            writer.run(|cx| unindex(cx, 1, "hello world")),
            writer.run(|cx| stage(cx, 3, "goodbye world")),
        );

        // Assert
        held.expect("hold");
        staged.expect("stage");
        assert!(rolled_back.is_err());
        deleted.expect("unindex a staged line");
        kept.expect("stage");
        assert_eq!(matching(&writer, "world").await, [3]);
        assert!(matching(&writer, "rolled").await.is_empty());
        assert!(matching(&writer, "hello").await.is_empty());

        // A line indexed by an earlier commit leaves by the index's own delete.
        writer
            .run(|cx| unindex(cx, 3, "goodbye world"))
            .await
            .expect("unindex");
        assert!(matching(&writer, "goodbye").await.is_empty());
        let staged_left: i64 = writer
            .run(|cx| {
                cx.conn
                    .query_row("SELECT COUNT(*) FROM temp.fts_stage", [], |r| r.get(0))
                    .map_err(error::sql)
            })
            .await
            .expect("count");
        assert_eq!(staged_left, 0, "the stage is empty between batches");
    }
}
