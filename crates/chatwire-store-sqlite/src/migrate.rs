//! Embedded schema migrations, applied in order at open.
//!
//! The schema version is SQLite's `PRAGMA user_version` (a header field, so it needs no table
//! and changes atomically with the migration's DDL). Migration `n` (1-based) takes the database
//! from version `n-1` to `n`. Each runs in its own `BEGIN IMMEDIATE` transaction that re-reads the
//! version first, so two processes opening a fresh file at once apply each migration exactly once.
//!
//! Migrations are append-only: never edit a released file, add the next one.

use chatwire_store::{StoreError, StoreResult};
use rusqlite::{Connection, TransactionBehavior};

use crate::error;

/// The SQL of every migration, oldest first. Index `i` holds migration `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_sessions.sql"),
    include_str!("../migrations/0003_surveys.sql"),
    include_str!("../migrations/0004_outbox.sql"),
    include_str!("../migrations/0005_topics.sql"),
    include_str!("../migrations/0006_mailbox.sql"),
    include_str!("../migrations/0007_chat_query.sql"),
    include_str!("../migrations/0008_app_logins.sql"),
    include_str!("../migrations/0009_history.sql"),
    include_str!("../migrations/0010_admin.sql"),
    include_str!("../migrations/0011_webhooks.sql"),
    include_str!("../migrations/0012_account_events.sql"),
    include_str!("../migrations/0013_staff_mail.sql"),
    include_str!("../migrations/0014_chat_revision.sql"),
];

/// The schema version this build writes and expects.
pub(crate) fn latest() -> u32 {
    u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX)
}

/// Brings the database up to [`latest`] and returns that version. Refuses a database written
/// by a newer chatwire rather than guessing at a schema it does not know.
pub(crate) fn run(conn: &mut Connection) -> StoreResult<u32> {
    loop {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(error::sql)?;
        let version: u32 = tx
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(error::sql)?;
        if version > latest() {
            return Err(StoreError::Other(anyhow::anyhow!(
                "database schema version {version} is newer than this chatwire knows ({})",
                latest()
            )));
        }
        let Some(sql) = MIGRATIONS.get(version as usize) else {
            return Ok(version);
        };
        tx.execute_batch(sql).map_err(|e| {
            StoreError::Other(anyhow::anyhow!("migration {} failed: {e}", version + 1))
        })?;
        tx.pragma_update(None, "user_version", version + 1)
            .map_err(error::sql)?;
        tx.commit().map_err(error::sql)?;
        tracing::info!(schema.version = version + 1, "applied SQLite migration");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_rerunning_is_a_no_op() {
        // Arrange
        let mut conn = Connection::open_in_memory().expect("open");

        // Act
        let first = run(&mut conn).expect("migrate");
        let second = run(&mut conn).expect("migrate again");

        // Assert
        assert_eq!((first, second), (latest(), latest()));
        let tables: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(
            tables, 27,
            "accounts, skills, agents, app_keys, chats, chat_events, sessions, surveys, \
             survey_responses, outbox, topic_settings, skill_tombstones, mailbox, app_logins, \
             chat_facts, high_water, retention, admin_tokens, agent_tombstones, webhooks, \
             webhook_dead_letters, account_events, and chat_lines_fts with its 4 FTS5 shadow tables"
        );
    }

    #[test]
    fn the_chat_query_migration_fills_its_columns_from_existing_chats() {
        use chatwire_core::chat::{AssignedAgent, PendingTransfer};
        use chatwire_core::{
            AccountId, AgentId, Chat, ChatKey, ChatNum, ChatRequest, NewChat, SkillId, Timestamp,
            TransferTarget,
        };

        // Arrange: a database at version 5 holding one chat, transferred by agent 7 to
        // agent 8, with a skill, an end and a renamed visitor.
        let mut conn = Connection::open_in_memory().expect("open");
        for sql in &MIGRATIONS[..5] {
            conn.execute_batch(sql).expect("old migration");
        }
        conn.pragma_update(None, "user_version", 5)
            .expect("version");
        let new = NewChat {
            key: ChatKey::from_random(1, 2, 3),
            account: AccountId::parse("a1").expect("id"),
            skill: Some(SkillId(4)),
            visitor_name: "Ada".into(),
            visitor_id: 1,
            chat_timeout_secs: 40,
            pre_chat_lines: vec![],
            preferred_agent: None,
            request: ChatRequest::default(),
        };
        let (mut chat, _) = Chat::open(new, ChatNum(9), Timestamp(1_000)).expect("chat");
        chat.accepted_at = Some(Timestamp(2_000));
        chat.ended_at = Some(Timestamp(3_000));
        chat.transfer = Some(PendingTransfer {
            target: TransferTarget::Agent {
                id: AgentId(8),
                name: "b".into(),
            },
            from: Some(AssignedAgent {
                id: AgentId(7),
                name: "a".into(),
            }),
        });
        let json = serde_json::to_string(&chat).expect("json");
        conn.execute_batch("INSERT INTO accounts VALUES ('a1', 'A', 1)")
            .expect("account");
        conn.execute(
            "INSERT INTO chats (num, key, account_id, state, agent_id, chat_json)
             VALUES (9, 'k', 'a1', 'ended', NULL, ?1)",
            [json],
        )
        .expect("chat");

        // Act
        run(&mut conn).expect("migrate");

        // Assert
        let row: (i64, i64, i64, i64, String, i64, i64) = conn
            .query_row(
                "SELECT skill_id, requested_at, accepted_at, ended_at, visitor_name,
                        transfer_from, transfer_to FROM chats WHERE num = 9",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                },
            )
            .expect("row");
        assert_eq!(row, (4, 1_000, 2_000, 3_000, "Ada".to_owned(), 7, 8));
    }

    #[test]
    fn the_history_migration_fills_facts_search_and_survey_columns_from_existing_rows() {
        use chatwire_core::{
            AccountId, Chat, ChatKey, ChatNum, ChatRequest, EventKind, Line, LineSource, NewChat,
            SystemMessageId, Timestamp,
        };

        // Arrange: a database just before the history migration holding a chat with a system
        // line, a visitor line and an agent line, and an offline survey response.
        let mut conn = Connection::open_in_memory().expect("open");
        let before = MIGRATIONS
            .iter()
            .position(|sql| sql.starts_with("-- 0009_history"))
            .expect("the history migration");
        for sql in &MIGRATIONS[..before] {
            conn.execute_batch(sql).expect("old migration");
        }
        conn.pragma_update(None, "user_version", before)
            .expect("version");
        let new = NewChat {
            key: ChatKey::from_random(1, 2, 3),
            account: AccountId::parse("a1").expect("id"),
            skill: None,
            visitor_name: "Ada".into(),
            visitor_id: 42,
            chat_timeout_secs: 40,
            pre_chat_lines: vec![],
            preferred_agent: None,
            request: ChatRequest {
                customer_email: Some(" Ada@Example.COM ".into()),
                ..ChatRequest::default()
            },
        };
        let (chat, _) = Chat::open(new, ChatNum(9), Timestamp(1_000)).expect("chat");
        let json = serde_json::to_string(&chat).expect("json");
        conn.execute_batch(
            "INSERT INTO accounts VALUES ('a1', 'A', 1);
             INSERT INTO surveys VALUES (1, 'a1', 'offline', '{}');",
        )
        .expect("account");
        conn.execute(
            "INSERT INTO chats (num, key, account_id, state, agent_id, chat_json, requested_at)
             VALUES (9, 'k', 'a1', 'waiting', NULL, ?1, 1000)",
            [json],
        )
        .expect("chat");
        let line = |source, text: &str| {
            let mut l = Line::system(SystemMessageId::ROUTING, text);
            l.source = source;
            l.system_message = None;
            serde_json::to_string(&EventKind::Line(l)).expect("json")
        };
        for (seq, kind) in [
            (
                1,
                line(LineSource::System, "Thank you for choosing to chat"),
            ),
            (2, line(LineSource::Visitor, "Where is my refund?")),
            (3, line(LineSource::Agent, "On its way")),
        ] {
            conn.execute(
                "INSERT INTO chat_events VALUES (?1, 9, ?1 - 1, 'a1', 1000, ?2)",
                rusqlite::params![seq, kind],
            )
            .expect("event");
        }
        let response = r#"{"survey":1,"kind":"offline","account":"a1","chat":null,"agent":null,
            "answers":[{"question":"1","answers":["Nat@Example.com"]}],
            "context":[["visitorId","42"]],"submitted_at":5}"#;
        conn.execute(
            "INSERT INTO survey_responses (account_id, survey_id, json, submitted_at)
             VALUES ('a1', 1, ?1, 5)",
            [response],
        )
        .expect("response");

        // Act
        run(&mut conn).expect("migrate");

        // Assert
        let q = |sql: &str| -> String {
            conn.query_row(sql, [], |r| r.get::<_, rusqlite::types::Value>(0))
                .map(|v| format!("{v:?}"))
                .expect(sql)
        };
        assert_eq!(q("SELECT visitor_id FROM chats"), "Integer(42)");
        assert_eq!(
            q("SELECT customer_email FROM chats"),
            r#"Text("ada@example.com")"#
        );
        assert_eq!(
            q("SELECT line_count FROM chat_facts WHERE num = 9"),
            "Integer(2)"
        );
        assert_eq!(
            q("SELECT rowid FROM chat_lines_fts WHERE chat_lines_fts MATCH '\"refund\"'"),
            "Integer(2)"
        );
        assert_eq!(
            q("SELECT COUNT(*) FROM chat_lines_fts WHERE chat_lines_fts MATCH '\"thank\"'"),
            "Integer(0)",
            "system lines are not indexed"
        );
        assert_eq!(
            q("SELECT kind || ' ' || visitor_id || ' ' || email FROM survey_responses"),
            r#"Text("offline 42 nat@example.com")"#
        );
    }

    #[test]
    fn a_database_from_a_newer_release_is_refused() {
        let mut conn = Connection::open_in_memory().expect("open");
        conn.pragma_update(None, "user_version", latest() + 1)
            .expect("bump");
        assert!(matches!(run(&mut conn), Err(StoreError::Other(_))));
    }
}
