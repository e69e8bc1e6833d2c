//! Upgrading a schema written by an older chatwire: migration 0003 fills the chat query
//! columns from the chats already stored, so the archive finds them by every field; migration
//! 0013 moves the lines' search index to its own table, filled from the lines already stored.

use chatwire_core::chat::{AssignedAgent, PendingTransfer};
use chatwire_core::chat_query::{ChatField, ChatFilter, ChatQuery, ChatScope, Cmp, FieldValue};
use chatwire_core::{
    AccountId, AgentId, Chat, ChatKey, ChatNum, ChatRequest, NewChat, SkillId, Timestamp,
    TransferTarget,
};
use chatwire_store::{HistoryStore, Store};

use crate::common::TestDb;

/// A chat of account `a1` in skill 4 for "Ada", ended, with agent 7's transfer to agent 8
/// still recorded.
fn old_chat() -> Chat {
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
    chat
}

#[tokio::test]
async fn the_chat_query_migration_fills_its_columns_from_existing_chats() {
    // Arrange: a schema at version 2 (migrations 0001 and 0002 as released) with one chat.
    let Some(db) = TestDb::new() else { return };
    let raw = db.raw().await;
    let schema = &db.schema;
    raw.batch_execute(&format!(
        "CREATE SCHEMA {schema}; SET search_path TO {schema};"
    ))
    .await
    .expect("schema");
    raw.batch_execute(include_str!("../../migrations/0001_init.sql"))
        .await
        .expect("0001");
    raw.batch_execute(include_str!("../../migrations/0002_cluster.sql"))
        .await
        .expect("0002");
    raw.batch_execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
         INSERT INTO schema_migrations (version, name) VALUES (1, '0001_init'), (2, '0002_cluster');
         INSERT INTO accounts (id, name, created_at) VALUES ('a1', 'A', 1);",
    )
    .await
    .expect("version 2");
    let chat = old_chat();
    let json = serde_json::to_string(&chat).expect("json");
    raw.execute(
        "INSERT INTO chats (num, key, account_id, state, agent_id, chat_json)
         VALUES (9, $1, 'a1', 'ended', NULL, $2)",
        &[&chat.key.as_str(), &json],
    )
    .await
    .expect("chat");

    // Act: opening the store applies 0003 (mailbox) and 0004 (chat query columns).
    let store = db.store("upgrade").await;

    // Assert: the columns hold the chat's fields, so a query by them and by agent 8's
    // transfer scope finds it.
    let row = raw
        .query_one(
            "SELECT skill_id, requested_at, accepted_at, ended_at, visitor_name,
                    transfer_from, transfer_to FROM chats WHERE num = 9",
            &[],
        )
        .await
        .expect("row");
    let got: (i64, i64, i64, i64, String, i64, i64) = (
        row.get(0),
        row.get(1),
        row.get(2),
        row.get(3),
        row.get(4),
        row.get(5),
        row.get(6),
    );
    assert_eq!(got, (4, 1_000, 2_000, 3_000, "Ada".to_owned(), 7, 8));
    let by = |field, value| ChatFilter::Compare(field, Cmp::Eq, value);
    let query = ChatQuery {
        account: chat.account.clone(),
        scope: ChatScope::Agent {
            agent: AgentId(8),
            skills: Vec::new(),
        },
        filter: Some(
            by(ChatField::Skill, FieldValue::Int(4))
                .and(by(ChatField::VisitorName, FieldValue::Text("Ada".into())))
                .and(by(ChatField::EndedAt, FieldValue::Time(Timestamp(3_000)))),
        ),
        order: Vec::new(),
        skip: 0,
        limit: 10,
    };
    let found = store.query_chats(&query).await.expect("query");
    assert_eq!(
        found.iter().map(|c| c.num).collect::<Vec<_>>(),
        [ChatNum(9)]
    );
}

#[tokio::test]
async fn the_line_words_migration_indexes_the_lines_already_stored() {
    // Arrange: lines written, then the schema put back as it was before 0013 (no words table,
    // 0008's index on the event log), as a database written by the previous release is.
    let Some(db) = TestDb::new() else { return };
    let (account, key) = {
        let store = db.store("before 0013").await;
        let account = crate::common::account(&store).await;
        let key = crate::common::chat(&store, &account, 5).await;
        for text in ["Where is my parcel?", "It left the depot-7 today."] {
            store
                .execute(&account, &key, crate::common::line(text), Timestamp(2))
                .await
                .expect("line");
        }
        (account, key)
    };
    let raw = db.raw().await;
    raw.batch_execute(&format!(
        "SET search_path TO {schema};
         DROP TABLE chat_line_words;
         DELETE FROM schema_migrations WHERE version = 13;
         CREATE INDEX chat_events_lines_fts ON chat_events
             USING GIN (to_tsvector('simple',
                 regexp_replace((kind_json::jsonb) ->> 'text', '[^[:alnum:]]+', ' ', 'g')))
             WHERE (kind_json::jsonb) ->> 'kind' = 'line'
               AND (kind_json::jsonb) ->> 'source' IN ('visitor', 'agent');",
        schema = db.schema
    ))
    .await
    .expect("back to version 12");

    // Act: opening a store applies 0013.
    let store = db.store("after 0013").await;

    // Assert: the old lines are found by their words (all in one line), split at punctuation
    // as before.
    for words in [vec!["parcel"], vec!["depot", "7"], vec!["where", "parcel"]] {
        let mut query = chatwire_core::history::HistoryQuery::new(account.clone(), 10);
        query.words = words.iter().map(|w| (*w).to_owned()).collect();
        let found = store.search_chats(&query).await.expect("search");
        let keys: Vec<&ChatKey> = found.iter().map(|c| &c.key).collect();
        assert_eq!(keys, [&key], "{words:?}");
    }
    let mut query = chatwire_core::history::HistoryQuery::new(account, 10);
    query.words = vec!["depot7".to_owned()];
    assert!(store.search_chats(&query).await.expect("search").is_empty());
}
