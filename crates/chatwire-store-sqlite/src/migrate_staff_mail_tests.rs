//! Migration 0013 (staff mail) rebuilds `outbox` and `mailbox`: rows, ids and references made
//! before it must come through unchanged, with foreign keys on as the store runs them.

use rusqlite::Connection;

use crate::migrate::{MIGRATIONS, latest, run};

/// An outbox row as the assertion reads it.
type Row = (i64, String, Option<String>, String, i64, Option<String>);

#[test]
fn the_staff_mail_migration_keeps_queued_and_filed_mail() {
    // Arrange: a database just before 0013 (the 11 migrations of main) with one ended chat,
    // a transcript filed in the mailbox and one still pending.
    let mut conn = Connection::open_in_memory().expect("open");
    conn.pragma_update(None, "foreign_keys", "ON")
        .expect("foreign keys");
    for sql in &MIGRATIONS[..11] {
        conn.execute_batch(sql).expect("old migration");
    }
    conn.pragma_update(None, "user_version", 11)
        .expect("version");
    conn.execute_batch(
        "INSERT INTO accounts VALUES ('a1', 'A', 1);
         INSERT INTO chats (num, key, account_id, state, agent_id, chat_json)
             VALUES (9, 'k', 'a1', 'ended', NULL, '{}');
         INSERT INTO outbox (id, account_id, chat_key, to_address, subject, tz_offset_ms,
                             created_at, status, attempts, next_attempt_at, sent_at, last_error)
             VALUES (5, 'a1', 'k', 'ada@example.com', 'Transcript', -7200000, 10, 'sent', 0,
                     10, 20, NULL),
                    (6, 'a1', 'k', 'bob@example.com', 'Transcript', NULL, 11, 'pending', 2,
                     30, NULL, 'refused');
         INSERT INTO mailbox (id, account_id, outbox_id, chat_key, from_address, to_address,
                              subject, body_text, body_html, delivered_at)
             VALUES (3, 'a1', 5, 'k', 'cw <n@localhost>', 'ada@example.com', 'Transcript',
                     'text', '<p>html</p>', 20);",
    )
    .expect("rows");

    // Act
    assert_eq!(run(&mut conn).expect("migrate"), latest());

    // Assert: same rows, now transcripts; the mailbox still points at its outbox row.
    let outbox: Vec<Row> = conn
        .prepare("SELECT id, kind, chat_key, status, attempts, last_error FROM outbox ORDER BY id")
        .expect("prepare")
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let k = Some("k".to_owned());
    assert_eq!(
        outbox,
        vec![
            (5, "transcript".into(), k.clone(), "sent".into(), 0, None),
            (
                6,
                "transcript".into(),
                k,
                "pending".into(),
                2,
                Some("refused".into())
            ),
        ]
    );
    let filed: (i64, i64, String) = conn
        .query_row("SELECT id, outbox_id, body_html FROM mailbox", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("mailbox row");
    assert_eq!(filed, (3, 5, "<p>html</p>".to_owned()));
    let broken: i64 = conn
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .expect("check");
    assert_eq!(broken, 0);
    // The second waiting alert of a chat is refused by the unique marker index.
    let alert = "INSERT INTO outbox (account_id, kind, chat_key, to_address, subject, created_at,
                     status, attempts, next_attempt_at)
                 VALUES ('a1', 'waiting_alert', 'k', 'desk@example.com', 'Waiting', 1,
                         'pending', 0, 1)";
    conn.execute(alert, []).expect("first alert");
    assert!(
        conn.execute(alert, []).is_err(),
        "a second alert for the chat"
    );
}
