//! Migration 0014 copies each chat's revision out of `chat_json` into the new column, which the
//! writer's chat cache is validated against.

use rusqlite::Connection;

use crate::migrate::{MIGRATIONS, latest, run};

#[test]
fn the_revision_migration_copies_each_chats_revision() {
    // Arrange: a database at 0013 with a chat of revision 5 and one written before revisions.
    let mut conn = Connection::open_in_memory().expect("open");
    for sql in &MIGRATIONS[..13] {
        conn.execute_batch(sql).expect("old migration");
    }
    conn.pragma_update(None, "user_version", 13)
        .expect("version");
    conn.execute_batch(
        r#"INSERT INTO accounts (id, name, created_at) VALUES ('a1', 'A', 1);
           INSERT INTO chats (num, key, account_id, state, agent_id, chat_json)
               VALUES (1, 'k1', 'a1', 'waiting', NULL, '{"num":1,"revision":5}'),
                      (2, 'k2', 'a1', 'ended', NULL, '{"num":2}');"#,
    )
    .expect("rows");

    // Act
    assert_eq!(run(&mut conn).expect("migrate"), latest());

    // Assert
    let revisions: Vec<(i64, i64)> = conn
        .prepare("SELECT num, revision FROM chats ORDER BY num")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()
        })
        .expect("revisions");
    assert_eq!(revisions, vec![(1, 5), (2, 0)]);
}
