//! The `chat_facts` row of each chat (migration 0008): what statistics read, written in the
//! chat write's transaction when a chat opens and whenever a command changes its skill, agent,
//! accept or end, or adds lines.

use chatwire_core::history::searchable_text;
use chatwire_core::{Chat, ChatEvent};
use chatwire_store::StoreResult;
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::types::ToSql;

use crate::{db, error};

/// The facts columns of a chat, to tell whether a command changed them.
pub(crate) type FactColumns = (Option<i64>, Option<i64>, Option<i64>, Option<i64>);

/// What of `chat` its facts row holds besides the line count.
pub(crate) fn fact_columns(chat: &Chat) -> FactColumns {
    (
        chat.skill.map(|s| s.0),
        chat.agent.as_ref().map(|a| a.id.0),
        chat.accepted_at.map(|t| t.0),
        chat.ended_at.map(|t| t.0),
    )
}

/// The searchable lines among `events` (the facts row's line count).
pub(crate) fn lines_in(events: &[ChatEvent]) -> i64 {
    events
        .iter()
        .filter(|e| searchable_text(&e.kind).is_some())
        .count() as i64
}

/// Writes the facts row of a chat just opened.
pub(crate) async fn insert_facts<C: GenericClient>(
    c: &C,
    chat: &Chat,
    events: &[ChatEvent],
) -> StoreResult<()> {
    let sql = "INSERT INTO chat_facts (num, account_id, requested_at, skill_id, agent_id,
                   accepted_at, ended_at, line_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    let (skill, agent, accepted, ended) = fact_columns(chat);
    let params: db::Params<'_> = &[
        &chat.num.0,
        &chat.account.as_str(),
        &chat.started_at.0,
        &skill,
        &agent,
        &accepted,
        &ended,
        &lines_in(events),
    ];
    db::exec(c, sql, params).await.map_err(error::pg)?;
    Ok(())
}

/// Brings the facts row up to date after a command (nothing to do for typing or names).
pub(crate) async fn update_facts(
    tx: &Transaction<'_>,
    chat: &Chat,
    events: &[ChatEvent],
    before: FactColumns,
) -> StoreResult<()> {
    let lines = lines_in(events);
    let now = fact_columns(chat);
    if now == before && lines == 0 {
        return Ok(());
    }
    let mut rows = FactRows::default();
    rows.push(chat.num.0, now, lines);
    rows.write(tx).await
}

/// Facts rows to update, as arrays for one `UPDATE … FROM unnest` (one chat or a batch's).
#[derive(Default)]
pub(crate) struct FactRows {
    num: Vec<i64>,
    skill: Vec<Option<i64>>,
    agent: Vec<Option<i64>>,
    accepted: Vec<Option<i64>>,
    ended: Vec<Option<i64>>,
    lines: Vec<i64>,
}

impl FactRows {
    /// Adds chat `num`'s columns now and the lines it gained since its row was written.
    pub(crate) fn push(&mut self, num: i64, facts: FactColumns, lines: i64) {
        let (skill, agent, accepted, ended) = facts;
        self.num.push(num);
        self.skill.push(skill);
        self.agent.push(agent);
        self.accepted.push(accepted);
        self.ended.push(ended);
        self.lines.push(lines);
    }

    /// Whether no row was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.num.is_empty()
    }

    /// The `UPDATE` of every added row, its parameters ([`Self::params`]) numbered from
    /// `$first`.
    pub(crate) fn update_sql(first: usize) -> String {
        format!(
            "UPDATE chat_facts SET skill_id = u.skill_id, agent_id = u.agent_id,
                 accepted_at = u.accepted_at, ended_at = u.ended_at,
                 line_count = line_count + u.lines
             FROM unnest({})
                  AS u (num, skill_id, agent_id, accepted_at, ended_at, lines)
             WHERE chat_facts.num = u.num",
            db::array_params(first, &["int8"; 6])
        )
    }

    /// The parameters of [`Self::update_sql`], in order.
    pub(crate) fn params(&self) -> [&(dyn ToSql + Sync); 6] {
        [
            &self.num,
            &self.skill,
            &self.agent,
            &self.accepted,
            &self.ended,
            &self.lines,
        ]
    }

    /// Updates every added row.
    pub(crate) async fn write(&self, tx: &Transaction<'_>) -> StoreResult<()> {
        if self.is_empty() {
            return Ok(());
        }
        db::exec(tx, &Self::update_sql(1), &self.params())
            .await
            .map_err(error::pg)?;
        Ok(())
    }
}
