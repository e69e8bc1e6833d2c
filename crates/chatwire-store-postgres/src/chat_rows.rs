//! Rewriting `chats` rows after commands: the chat's JSON and every column copied out of it
//! (migration 0004), for one chat (`chats::execute_in`) or a whole batch (`batch_chats`) in
//! one statement. The one place that lists those columns for an update.

use chatwire_core::Chat;
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::Transaction;
use tokio_postgres::types::ToSql;

use crate::rows::{ChatColumns, agent_column, chat_json};
use crate::{db, error};

/// The `chats` columns of chats to rewrite, as arrays for one `UPDATE … FROM unnest`.
#[derive(Default)]
pub(crate) struct ChatRows {
    num: Vec<i64>,
    json: Vec<String>,
    state: Vec<&'static str>,
    agent: Vec<Option<i64>>,
    skill: Vec<Option<i64>>,
    requested: Vec<i64>,
    accepted: Vec<Option<i64>>,
    ended: Vec<Option<i64>>,
    visitor_name: Vec<String>,
    transfer_from: Vec<Option<i64>>,
    transfer_to: Vec<Option<i64>>,
    email: Vec<Option<String>>,
}

impl ChatRows {
    /// Adds `chat` as it is now.
    pub(crate) fn push(&mut self, chat: &Chat) -> StoreResult<()> {
        let c = ChatColumns::of(chat);
        self.num.push(chat.num.0);
        self.json.push(chat_json(chat)?);
        self.state.push(chat.state.as_str());
        self.agent.push(agent_column(chat));
        self.skill.push(c.skill_id);
        self.requested.push(c.requested_at);
        self.accepted.push(c.accepted_at);
        self.ended.push(c.ended_at);
        self.visitor_name.push(c.visitor_name);
        self.transfer_from.push(c.transfer_from);
        self.transfer_to.push(c.transfer_to);
        self.email.push(c.customer_email);
        Ok(())
    }

    /// Whether no chat was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.num.is_empty()
    }

    /// The `UPDATE` of every added chat's row, its parameters ([`Self::params`]) numbered
    /// from `$first`.
    pub(crate) fn update_sql(first: usize) -> String {
        let types = [
            "int8", "text", "text", "int8", "int8", "int8", "int8", "int8", "text", "int8", "int8",
            "text",
        ];
        format!(
            "UPDATE chats SET chat_json = u.chat_json, state = u.state,
                 agent_id = u.agent_id, skill_id = u.skill_id,
                 requested_at = u.requested_at, accepted_at = u.accepted_at,
                 ended_at = u.ended_at, visitor_name = u.visitor_name,
                 transfer_from = u.transfer_from, transfer_to = u.transfer_to,
                 customer_email = u.customer_email
             FROM unnest({})
                  AS u (num, chat_json, state, agent_id, skill_id, requested_at,
                        accepted_at, ended_at, visitor_name, transfer_from, transfer_to,
                        customer_email)
             WHERE chats.num = u.num",
            db::array_params(first, &types)
        )
    }

    /// The parameters of [`Self::update_sql`], in order.
    pub(crate) fn params(&self) -> [&(dyn ToSql + Sync); 12] {
        [
            &self.num,
            &self.json,
            &self.state,
            &self.agent,
            &self.skill,
            &self.requested,
            &self.accepted,
            &self.ended,
            &self.visitor_name,
            &self.transfer_from,
            &self.transfer_to,
            &self.email,
        ]
    }

    /// Checks that `written` rows were rewritten: every added row.
    pub(crate) fn check_written(&self, written: u64) -> StoreResult<()> {
        if written != self.num.len() as u64 {
            // The rows are locked by this transaction: a missing one is a bug, not a race.
            return Err(StoreError::Other(anyhow::anyhow!(
                "wrote {written} of {} chats",
                self.num.len()
            )));
        }
        Ok(())
    }

    /// Rewrites every added chat's row (each must exist and be locked by `tx`).
    pub(crate) async fn write(&self, tx: &Transaction<'_>) -> StoreResult<()> {
        let written = db::exec(tx, &Self::update_sql(1), &self.params())
            .await
            .map_err(error::pg)?;
        self.check_written(written)
    }
}
