//! History, statistics and offline messages on PostgreSQL (migration 0008): the facts row
//! written beside each chat write, and the reads.
//!
//! - Search: `chat_line_words` (migration 0013: each visitor or agent line's text,
//!   punctuation made spaces, under a GIN index of its `simple` tsvector; written by
//!   [`LineWords`] in the batch's last statement, before it takes the event counter) finds
//!   the chats whose lines hold every word; the other filters and the keyset cursor run on
//!   `chats_account_history`.
//! - Statistics: `chat_facts`, one narrow row per chat (`facts`: written beside each chat
//!   write), scanned by `(account_id, requested_at)`.
//! - Deletion and retention: `erase`.

mod erase;
mod facts;
mod store;

pub(crate) use erase::{delete_chat, erase_visitor, set_retention, sweep_retention};
pub(crate) use facts::{FactColumns, FactRows, fact_columns, insert_facts, lines_in, update_facts};

use chatwire_core::history::{ChatFact, HistoryQuery, OfflineMessage, searchable_text};
use chatwire_core::{AccountId, AgentId, Chat, SkillId, SurveyResponse, Timestamp};
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use crate::chats::Written;
use crate::rows::{self, chat_from_json, from_json};
use crate::{db, error};

/// The searchable lines of a batch's writes, as arrays for one `INSERT` into the search
/// index (`chat_line_words`). `seq::append` runs it inside the statement that takes the
/// cluster's event counter, *before* taking it, so the index's upkeep (the tsvector, the GIN
/// insert) does not hold the counter (migration 0013 says why). Only the rows' foreign-key
/// checks, which PostgreSQL runs at the end of the statement, do: one index probe per line.
#[derive(Default)]
pub(crate) struct LineWords<'a> {
    nums: Vec<i64>,
    ids: Vec<i32>,
    accounts: Vec<&'a str>,
    texts: Vec<&'a str>,
}

impl<'a> LineWords<'a> {
    /// The searchable lines among `writes`' events.
    pub(crate) fn of(writes: &'a [Written]) -> StoreResult<Self> {
        let mut words = Self::default();
        for w in writes {
            for e in &w.events {
                if let Some(text) = searchable_text(&e.kind) {
                    words.nums.push(w.chat.num.0);
                    words
                        .ids
                        .push(i32::try_from(e.id.0).map_err(|e| StoreError::Other(e.into()))?);
                    words.accounts.push(w.chat.account.as_str());
                    words.texts.push(text);
                }
            }
        }
        Ok(words)
    }

    /// The `INSERT` of every line, its parameters ([`Self::params`]) numbered from `$first`.
    pub(crate) fn insert_sql(first: usize) -> String {
        format!(
            "INSERT INTO chat_line_words (chat_num, event_id, account_id, words)
             SELECT n, i, a, regexp_replace(t, '[^[:alnum:]]+', ' ', 'g')
             FROM unnest({}) AS u (n, i, a, t)",
            db::array_params(first, &["int8", "int4", "text", "text"])
        )
    }

    /// The parameters of [`Self::insert_sql`], in order.
    pub(crate) fn params(&self) -> [&(dyn ToSql + Sync); 4] {
        [&self.nums, &self.ids, &self.accounts, &self.texts]
    }
}

/// A `WHERE` clause under construction: conditions with `?` for their one parameter.
struct Where {
    sql: String,
    args: Vec<Box<dyn ToSql + Sync + Send>>,
}

impl Where {
    fn bind(&mut self, v: Box<dyn ToSql + Sync + Send>) -> String {
        self.args.push(v);
        format!("${}", self.args.len())
    }

    fn and(&mut self, cond: &str, v: Box<dyn ToSql + Sync + Send>) {
        let p = self.bind(v);
        self.sql.push_str(" AND ");
        self.sql.push_str(&cond.replace('?', &p));
    }
}

/// One page of history (see the module doc).
pub(crate) async fn search_chats<C: GenericClient>(
    c: &C,
    q: &HistoryQuery,
) -> StoreResult<Vec<Chat>> {
    let mut w = Where {
        sql: String::from("SELECT chat_json FROM chats WHERE account_id = $1"),
        args: vec![Box::new(q.account.as_str().to_owned())],
    };
    if let Some(f) = q.from {
        w.and("requested_at >= ?", Box::new(f.0));
    }
    if let Some(t) = q.to {
        w.and("requested_at < ?", Box::new(t.0));
    }
    if let Some(s) = q.skill {
        w.and("skill_id = ?", Box::new(s.0));
    }
    if let Some(a) = q.agent {
        w.and("agent_id = ?", Box::new(a.0));
    }
    if let Some(v) = q.visitor {
        w.and("visitor_id = ?", Box::new(v));
    }
    if let Some(s) = q.state {
        w.and("state = ?", Box::new(s.as_str().to_owned()));
    }
    if let Some(cur) = q.after {
        let at = w.bind(Box::new(cur.requested_at.0));
        let num = w.bind(Box::new(cur.num.0));
        w.sql
            .push_str(&format!(" AND (requested_at, num) < ({at}, {num})"));
    }
    if !q.words.is_empty() {
        // Words are letters and digits only (search_words), so joining them with & is a
        // well-formed tsquery whatever they are. The tsvector expression is the index's
        // (migration 0013); `words` has punctuation turned into spaces so lines split into
        // the words search_words makes.
        w.and(
            "num IN (SELECT l.chat_num FROM chat_line_words l
                      WHERE l.account_id = $1
                        AND to_tsvector('simple', l.words) @@ to_tsquery('simple', ?))",
            Box::new(q.words.join(" & ")),
        );
    }
    let limit = w.bind(Box::new(i64::from(q.limit)));
    w.sql.push_str(&format!(
        " ORDER BY requested_at DESC, num DESC LIMIT {limit}"
    ));
    let refs: Vec<&(dyn ToSql + Sync)> = w.args.iter().map(|b| b.as_ref() as _).collect();
    // Not cached: the filters vary (see chat_query).
    let found = c.query(&w.sql, &refs).await.map_err(error::pg)?;
    found
        .iter()
        .map(|r| chat_from_json(rows::get(r, 0, "chat")?))
        .collect()
}

/// Statistics' raw data of `[from, to)`: facts rows with the exit-survey scores of each chat.
pub(crate) async fn chat_facts<C: GenericClient>(
    c: &C,
    account: &AccountId,
    from: Timestamp,
    to: Timestamp,
) -> StoreResult<Vec<ChatFact>> {
    let sql = "SELECT f.skill_id, f.agent_id, f.requested_at, f.accepted_at, f.ended_at,
                      f.line_count, COALESCE(s.sum, 0.0)::FLOAT8, COALESCE(s.n, 0)::BIGINT
               FROM chat_facts f
               LEFT JOIN (SELECT ch.num AS num, SUM(r.score_sum) AS sum, SUM(r.score_count) AS n
                            FROM survey_responses r JOIN chats ch ON ch.key = r.chat_key
                           WHERE r.account_id = $1 AND r.score_count > 0
                             AND ch.requested_at >= $2 AND ch.requested_at < $3
                           GROUP BY ch.num) s ON s.num = f.num
               WHERE f.account_id = $1 AND f.requested_at >= $2 AND f.requested_at < $3
               ORDER BY f.num";
    let t = "chat_facts";
    db::rows(c, sql, &[&account.as_str(), &from.0, &to.0])
        .await?
        .iter()
        .map(|r| {
            Ok(ChatFact {
                skill: rows::get::<Option<i64>>(r, 0, t)?.map(SkillId),
                agent: rows::get::<Option<i64>>(r, 1, t)?.map(AgentId),
                requested_at: Timestamp(rows::get(r, 2, t)?),
                accepted_at: rows::get::<Option<i64>>(r, 3, t)?.map(Timestamp),
                ended_at: rows::get::<Option<i64>>(r, 4, t)?.map(Timestamp),
                lines: u32::try_from(rows::get::<i64>(r, 5, t)?).unwrap_or(u32::MAX),
                score_sum: rows::get(r, 6, t)?,
                score_count: u32::try_from(rows::get::<i64>(r, 7, t)?).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

const OFFLINE_COLUMNS: &str = "id, json, handled_at, handled_by";

fn offline(r: &Row) -> StoreResult<OfflineMessage> {
    let t = "survey response";
    let response: SurveyResponse = from_json(rows::get(r, 1, t)?, t)?;
    Ok(OfflineMessage {
        id: rows::get(r, 0, t)?,
        response,
        handled_at: rows::get::<Option<i64>>(r, 2, t)?.map(Timestamp),
        handled_by: rows::get::<Option<i64>>(r, 3, t)?.map(AgentId),
    })
}

/// The account's offline messages, newest first, below `before`.
pub(crate) async fn offline_messages<C: GenericClient>(
    c: &C,
    account: &AccountId,
    unhandled_only: bool,
    before: Option<i64>,
    limit: u32,
) -> StoreResult<Vec<OfflineMessage>> {
    let sql = format!(
        "SELECT {OFFLINE_COLUMNS} FROM survey_responses
         WHERE account_id = $1 AND kind = 'offline' AND id < $2
           AND (NOT $3 OR handled_at IS NULL)
         ORDER BY id DESC LIMIT $4"
    );
    let params: db::Params<'_> = &[
        &account.as_str(),
        &before.unwrap_or(i64::MAX),
        &unhandled_only,
        &i64::from(limit),
    ];
    db::rows(c, &sql, params)
        .await?
        .iter()
        .map(offline)
        .collect()
}

/// Marks an offline message handled (the first mark stays).
pub(crate) async fn mark_offline_handled<C: GenericClient>(
    c: &C,
    account: &AccountId,
    id: i64,
    by: AgentId,
    at: Timestamp,
) -> StoreResult<OfflineMessage> {
    let sql = format!(
        "UPDATE survey_responses SET handled_at = COALESCE(handled_at, $3),
             handled_by = COALESCE(handled_by, $4)
         WHERE id = $1 AND account_id = $2 AND kind = 'offline'
         RETURNING {OFFLINE_COLUMNS}"
    );
    let row = db::one(
        c,
        &sql,
        &[&id, &account.as_str(), &at.0, &by.0],
        "offline message",
    )
    .await?;
    offline(&row)
}

/// The account's retention period.
pub(crate) async fn retention<C: GenericClient>(
    c: &C,
    account: &AccountId,
) -> StoreResult<Option<u32>> {
    let row = db::opt(
        c,
        "SELECT days FROM retention WHERE account_id = $1",
        &[&account.as_str()],
    )
    .await?;
    row.map(|r| rows::get::<i32>(&r, 0, "retention").map(|d| u32::try_from(d).unwrap_or(0)))
        .transpose()
}

/// Every account's retention period.
pub(crate) async fn retention_policies<C: GenericClient>(
    c: &C,
) -> StoreResult<Vec<(AccountId, u32)>> {
    db::rows(
        c,
        "SELECT account_id, days FROM retention ORDER BY account_id",
        &[],
    )
    .await?
    .iter()
    .map(|r| {
        let a: &str = rows::get(r, 0, "retention")?;
        let d: i32 = rows::get(r, 1, "retention")?;
        let a = AccountId::parse(a).map_err(|e| error::corrupt("retention", e))?;
        Ok((a, u32::try_from(d).unwrap_or(0)))
    })
    .collect()
}
