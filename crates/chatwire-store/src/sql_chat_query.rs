//! The SQL of `Store::query_chats`, shared by the SQL backends (SQLite, PostgreSQL): a
//! `ChatQuery` compiled to one `SELECT` over the indexed `chats` columns with every value a
//! bound parameter, never pasted into the text. The semantics are `chatwire_core::chat_query`'s
//! (unset fails every comparison, unset first ascending, number breaks ties); the conformance
//! suite holds both backends to them. The store trait itself knows no SQL: only the backends
//! call this, each binding [`SqlValue`]s its own way.

use chatwire_core::chat_query::{ChatField, ChatFilter, ChatQuery, ChatScope, Cmp, FieldValue};

/// What differs between the SQL backends' spelling of the same query.
#[derive(Debug, Clone, Copy)]
pub struct SqlDialect {
    /// The placeholder prefix before the parameter's number (`?` SQLite, `$` PostgreSQL).
    pub placeholder: char,
    /// The visitor name column as compared and sorted: bytewise in both, as in memory
    /// (PostgreSQL needs the `"C"` collation for it).
    pub text_column: &'static str,
}

impl SqlDialect {
    /// SQLite: `?N` placeholders; text compares bytewise by default.
    pub const SQLITE: Self = Self {
        placeholder: '?',
        text_column: "visitor_name",
    };
    /// PostgreSQL: `$N` placeholders; the `"C"` collation for bytewise text.
    pub const POSTGRES: Self = Self {
        placeholder: '$',
        text_column: "visitor_name COLLATE \"C\"",
    };
}

/// A bound parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlValue {
    /// An integer (ids, numbers, times in milliseconds).
    Integer(i64),
    /// A text (account ids, states, names).
    Text(String),
}

/// The column of a field.
fn column(field: ChatField, d: SqlDialect) -> &'static str {
    match field {
        ChatField::Num => "num",
        ChatField::Skill => "skill_id",
        ChatField::Agent => "agent_id",
        ChatField::State => "state",
        ChatField::RequestedAt => "requested_at",
        ChatField::AcceptedAt => "accepted_at",
        ChatField::EndedAt => "ended_at",
        ChatField::VisitorName => d.text_column,
    }
}

fn operator(op: Cmp) -> &'static str {
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
fn bound(field: ChatField, value: &FieldValue) -> Option<SqlValue> {
    match (field, value) {
        (ChatField::Num | ChatField::Skill | ChatField::Agent, FieldValue::Int(v)) => {
            Some(SqlValue::Integer(*v))
        }
        (
            ChatField::RequestedAt | ChatField::AcceptedAt | ChatField::EndedAt,
            FieldValue::Time(t),
        ) => Some(SqlValue::Integer(t.0)),
        (ChatField::VisitorName, FieldValue::Text(t)) => Some(SqlValue::Text(t.clone())),
        (ChatField::State, FieldValue::State(s)) => Some(SqlValue::Text(s.as_str().to_owned())),
        _ => None,
    }
}

/// SQL text and its parameters, in order.
#[derive(Debug)]
pub struct CompiledQuery {
    /// The `SELECT chat_json FROM chats …` text, with numbered placeholders.
    pub text: String,
    /// The values of the placeholders, first to last.
    pub args: Vec<SqlValue>,
    dialect: SqlDialect,
}

impl CompiledQuery {
    fn arg(&mut self, v: SqlValue) {
        self.args.push(v);
        self.text
            .push_str(&format!("{}{}", self.dialect.placeholder, self.args.len()));
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
                let col = column(*field, self.dialect);
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
                        None => self.text.push_str("(1 = 0)"),
                    },
                }
            }
        }
    }

    fn scope(&mut self, scope: &ChatScope) {
        let ChatScope::Agent { agent, skills } = scope else {
            return;
        };
        let me = SqlValue::Integer(agent.0);
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
                self.arg(SqlValue::Integer(s.0));
            }
            self.text.push(')');
        }
        self.text.push_str(")))");
    }
}

/// Compiles `q` to SQL text and parameters for `dialect`.
pub fn compile(q: &ChatQuery, dialect: SqlDialect) -> CompiledQuery {
    let mut sql = CompiledQuery {
        text: String::new(),
        args: Vec::new(),
        dialect,
    };
    sql.text
        .push_str("SELECT chat_json FROM chats WHERE account_id = ");
    sql.arg(SqlValue::Text(q.account.as_str().to_owned()));
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
        sql.text
            .push_str(&format!("{} {dir}, ", column(key.field, dialect)));
    }
    sql.text.push_str("num ASC LIMIT ");
    sql.arg(SqlValue::Integer(i64::from(q.limit)));
    sql.text.push_str(" OFFSET ");
    sql.arg(SqlValue::Integer(i64::try_from(q.skip).unwrap_or(i64::MAX)));
    sql
}

#[cfg(test)]
mod tests {
    use chatwire_core::chat_query::ChatOrder;
    use chatwire_core::{AccountId, AgentId, SkillId};

    use super::*;

    fn hostile() -> ChatQuery {
        ChatQuery {
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
        }
    }

    #[test]
    fn values_are_bound_never_pasted() {
        for (dialect, tail) in [
            (
                SqlDialect::SQLITE,
                "ended_at DESC NULLS LAST, num ASC LIMIT ?7 OFFSET ?8",
            ),
            (
                SqlDialect::POSTGRES,
                "ended_at DESC NULLS LAST, num ASC LIMIT $7 OFFSET $8",
            ),
        ] {
            let sql = compile(&hostile(), dialect);
            assert!(!sql.text.contains("OR 1=1"), "{}", sql.text);
            assert_eq!(sql.args.len(), 8);
            assert!(sql.text.contains(tail), "{}", sql.text);
        }
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_false_not_an_error() {
        let mut q = hostile();
        q.filter = Some(ChatFilter::Compare(
            ChatField::Num,
            Cmp::Eq,
            FieldValue::Text("x".into()),
        ));
        let sql = compile(&q, SqlDialect::POSTGRES);
        assert!(sql.text.contains("(1 = 0)"), "{}", sql.text);
    }
}
