//! `Store::query_chats` for PostgreSQL: a `ChatQuery` compiled to one `SELECT` over the
//! indexed `chats` columns (migration 0003) with every value a bound parameter, never pasted
//! into the text; text compares and sorts in the `"C"` collation (bytes), as in memory. The semantics are `chatwire_core::chat_query`'s (unset fails every comparison, unset
//! first ascending, number breaks ties); the conformance suite holds this to them.

use chatwire_core::Chat;
use chatwire_core::chat_query::{ChatField, ChatFilter, ChatQuery, ChatScope, Cmp, FieldValue};
use chatwire_store::StoreResult;
use deadpool_postgres::GenericClient;
use tokio_postgres::types::ToSql;

use crate::error;
use crate::rows::{self, chat_from_json};

/// A bound parameter.
#[derive(Debug, Clone)]
enum Value {
    Integer(i64),
    Text(String),
}

/// The column of a field.
const fn column(field: ChatField) -> &'static str {
    match field {
        ChatField::Num => "num",
        ChatField::Skill => "skill_id",
        ChatField::Agent => "agent_id",
        ChatField::State => "state",
        ChatField::RequestedAt => "requested_at",
        ChatField::AcceptedAt => "accepted_at",
        ChatField::EndedAt => "ended_at",
        ChatField::VisitorName => "visitor_name COLLATE \"C\"",
    }
}

const fn operator(op: Cmp) -> &'static str {
    match op {
        Cmp::Eq => "=",
        Cmp::Ne => "<>",
        Cmp::Gt => ">",
        Cmp::Ge => ">=",
        Cmp::Lt => "<",
        Cmp::Le => "<=",
    }
}

/// The bound form of a value when it fits the field's kind; `None` when it cannot (such a
/// comparison is false, as in memory).
fn bound(field: ChatField, value: &FieldValue) -> Option<Value> {
    match (field, value) {
        (ChatField::Num | ChatField::Skill | ChatField::Agent, FieldValue::Int(v)) => {
            Some(Value::Integer(*v))
        }
        (
            ChatField::RequestedAt | ChatField::AcceptedAt | ChatField::EndedAt,
            FieldValue::Time(t),
        ) => Some(Value::Integer(t.0)),
        (ChatField::VisitorName, FieldValue::Text(t)) => Some(Value::Text(t.clone())),
        (ChatField::State, FieldValue::State(s)) => Some(Value::Text(s.as_str().to_owned())),
        _ => None,
    }
}

/// SQL text under construction and its parameters.
#[derive(Default)]
struct Sql {
    text: String,
    args: Vec<Value>,
}

impl Sql {
    fn arg(&mut self, v: Value) {
        self.args.push(v);
        self.text.push_str(&format!("${}", self.args.len()));
    }

    fn filter(&mut self, f: &ChatFilter) {
        match f {
            ChatFilter::And(a, b) | ChatFilter::Or(a, b) => {
                let joiner = if matches!(f, ChatFilter::And(..)) {
                    " AND "
                } else {
                    " OR "
                };
                self.text.push('(');
                self.filter(a);
                self.text.push_str(joiner);
                self.filter(b);
                self.text.push(')');
            }
            ChatFilter::Not(a) => {
                self.text.push_str("(NOT ");
                self.filter(a);
                self.text.push(')');
            }
            ChatFilter::Compare(field, op, value) => {
                let col = column(*field);
                match (value, op) {
                    (FieldValue::Null, Cmp::Eq) => self.text.push_str(&format!("({col} IS NULL)")),
                    (FieldValue::Null, Cmp::Ne) => {
                        self.text.push_str(&format!("({col} IS NOT NULL)"));
                    }
                    _ => match bound(*field, value) {
                        Some(v) => {
                            self.text.push_str(&format!(
                                "({col} IS NOT NULL AND {col} {} ",
                                operator(*op)
                            ));
                            self.arg(v);
                            self.text.push(')');
                        }
                        None => self.text.push_str("FALSE"),
                    },
                }
            }
        }
    }

    fn scope(&mut self, scope: &ChatScope) {
        let ChatScope::Agent { agent, skills } = scope else {
            return;
        };
        let me = Value::Integer(agent.0);
        self.text.push_str(" AND (agent_id = ");
        self.arg(me.clone());
        self.text.push_str(" OR transfer_from = ");
        self.arg(me.clone());
        self.text.push_str(" OR transfer_to = ");
        self.arg(me);
        self.text
            .push_str(" OR (state <> 'ended' AND (skill_id IS NULL");
        if !skills.is_empty() {
            self.text.push_str(" OR skill_id IN (");
            for (i, s) in skills.iter().enumerate() {
                if i > 0 {
                    self.text.push_str(", ");
                }
                self.arg(Value::Integer(s.0));
            }
            self.text.push(')');
        }
        self.text.push_str(")))");
    }
}

/// Compiles `q` to SQL text and parameters.
fn compile(q: &ChatQuery) -> Sql {
    let mut sql = Sql::default();
    sql.text
        .push_str("SELECT chat_json FROM chats WHERE account_id = ");
    sql.arg(Value::Text(q.account.as_str().to_owned()));
    sql.scope(&q.scope);
    if let Some(f) = &q.filter {
        sql.text.push_str(" AND ");
        sql.filter(f);
    }
    sql.text.push_str(" ORDER BY ");
    for key in &q.order {
        let dir = if key.descending {
            "DESC NULLS LAST"
        } else {
            "ASC NULLS FIRST"
        };
        sql.text.push_str(&format!("{} {dir}, ", column(key.field)));
    }
    sql.text.push_str("num ASC LIMIT ");
    sql.arg(Value::Integer(i64::from(q.limit)));
    sql.text.push_str(" OFFSET ");
    sql.arg(Value::Integer(i64::try_from(q.skip).unwrap_or(i64::MAX)));
    sql
}

/// Runs `q` (see the module doc).
pub(crate) async fn query_chats<C: GenericClient>(c: &C, q: &ChatQuery) -> StoreResult<Vec<Chat>> {
    let sql = compile(q);
    let args: Vec<Box<dyn ToSql + Sync + Send>> = sql
        .args
        .into_iter()
        .map(|v| -> Box<dyn ToSql + Sync + Send> {
            match v {
                Value::Integer(i) => Box::new(i),
                Value::Text(t) => Box::new(t),
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

#[cfg(test)]
mod tests {
    use chatwire_core::chat_query::ChatOrder;
    use chatwire_core::{AccountId, AgentId, SkillId};

    use super::*;

    #[test]
    fn values_are_bound_never_pasted() {
        let q = ChatQuery {
            account: AccountId::parse("a1").expect("id"),
            scope: ChatScope::Agent {
                agent: AgentId(7),
                skills: vec![SkillId(3)],
            },
            filter: Some(ChatFilter::Compare(
                ChatField::VisitorName,
                Cmp::Eq,
                FieldValue::Text("x' OR 1=1 --".into()),
            )),
            order: vec![ChatOrder {
                field: ChatField::EndedAt,
                descending: true,
            }],
            skip: 2,
            limit: 5,
        };
        let sql = compile(&q);
        assert!(!sql.text.contains("OR 1=1"), "{}", sql.text);
        assert_eq!(sql.args.len(), 8);
        assert!(
            sql.text
                .contains("ended_at DESC NULLS LAST, num ASC LIMIT $7 OFFSET $8")
        );
    }
}
