//! OData query options of the archive lists (`GET ChatSession`, `GET ChatTopic/{id}/Sessions`)
//! read into the engine's typed chat query: `$filter` (`eq ne gt ge lt le`, `and`, `or`,
//! `not`, parentheses), `$orderby`, `$top`, `$skip`, `$select`. Column names are the
//! "ChatSession" archive provider's (`archive::COLUMNS`), case-insensitive; literals are typed
//! by their column: integers, `'text'` (`''` for a quote), dates (`'2024-01-31'`,
//! `datetime'2024-01-31T08:00:00'` or bare `2024-01-31T08:00:00Z`; no offset means UTC),
//! status names, `null`.
//!
//! Everything else is a 400 (`ArgumentException`) that names the problem: unknown columns,
//! other operators (`begins`, `contains`, `between`…), a literal that does not fit its column.

use chatwire_engine::core::Timestamp;
use chatwire_engine::core::chat_query::{ChatFilter, ChatOrder, Cmp, FieldValue};

use super::archive::{Column, Kind, column};
use crate::ApiError;

/// The longest `$filter` read, in bytes; a longer one is a 400 (bounded parse and query cost).
const MAX_FILTER_BYTES: usize = 4096;
/// The most comparisons in one `$filter` (each is one indexed predicate in the query).
const MAX_COMPARISONS: usize = 64;
/// The deepest nesting of parentheses and `not` (the reader recurses once per level, and so
/// do the store's query compiler and the databases' own parsers).
const MAX_DEPTH: usize = 16;

fn bad(what: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(format!("$filter: {what}"))
}

/// One lexical token of a `$filter`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    /// A quoted string (quotes removed, `''` undone), with any `datetime` prefix dropped.
    Quoted(String),
    /// Anything else: a word, a number, a bare date.
    Word(String),
}

fn tokens(text: &str) -> Result<Vec<Token>, ApiError> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' => {
                chars.next();
                out.push(if c == '(' { Token::Open } else { Token::Close });
            }
            '\'' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            s.push('\'');
                        }
                        Some('\'') => break,
                        Some(ch) => s.push(ch),
                        None => return Err(bad("a quoted value is not closed")),
                    }
                }
                // `datetime'…'` / `datetimeoffset'…'`: the prefix only says what the column
                // already says.
                if let Some(Token::Word(w)) = out.last()
                    && (w.eq_ignore_ascii_case("datetime")
                        || w.eq_ignore_ascii_case("datetimeoffset"))
                {
                    out.pop();
                }
                out.push(Token::Quoted(s));
            }
            _ => {
                let mut w = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_whitespace() || matches!(ch, '(' | ')' | '\'') {
                        break;
                    }
                    w.push(ch);
                    chars.next();
                }
                out.push(Token::Word(w));
            }
        }
    }
    Ok(out)
}

/// A date literal: `YYYY-MM-DD` (midnight), or with `THH:MM[:SS[.fff]]` and an optional
/// offset (`Z`, `+01:00`); none means UTC.
pub fn parse_date(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(Timestamp(dt.timestamp_millis()));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(t, fmt) {
            return Some(Timestamp(dt.and_utc().timestamp_millis()));
        }
    }
    let day = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
    Some(Timestamp(
        day.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis(),
    ))
}

/// The typed value of `literal` for `col`.
fn literal(col: &Column, tok: &Token) -> Result<FieldValue, ApiError> {
    let (text, quoted) = match tok {
        Token::Quoted(s) => (s.as_str(), true),
        Token::Word(w) => (w.as_str(), false),
        Token::Open | Token::Close => return Err(bad(format!("{} needs a value", col.name))),
    };
    if !quoted && text.eq_ignore_ascii_case("null") {
        return Ok(FieldValue::Null);
    }
    let unfit = |what: &str| bad(format!("{} needs {what}, not '{text}'", col.name));
    match col.kind {
        Kind::Int | Kind::IdOrNone => {
            let n: i64 = text.trim().parse().map_err(|_| unfit("an integer"))?;
            Ok(if n == 0 && col.kind == Kind::IdOrNone {
                FieldValue::Null
            } else {
                FieldValue::Int(n)
            })
        }
        Kind::Date => parse_date(text)
            .map(FieldValue::Time)
            .ok_or_else(|| unfit("a date like '2024-01-31' or '2024-01-31T08:00:00'")),
        Kind::Text => Ok(FieldValue::Text(text.to_owned())),
        Kind::Status => super::archive::status_filter(text).ok_or_else(|| {
            bad(format!(
                "status takes 'InQueue' or 'Closed' (who spoke last in an ongoing chat is \
                 not filterable), not '{text}'"
            ))
        }),
        Kind::Display => Err(bad(format!("{} cannot be filtered", col.name))),
    }
}

/// A recursive-descent reader over the tokens.
struct Reader {
    toks: Vec<Token>,
    at: usize,
    /// Parentheses and `not`s open around the current position.
    depth: usize,
    /// Comparisons read so far.
    comparisons: usize,
}

impl Reader {
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.toks.get(self.at), Some(Token::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn or(&mut self) -> Result<ChatFilter, ApiError> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.at += 1;
            left = ChatFilter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<ChatFilter, ApiError> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.at += 1;
            left = left.and(self.unary()?);
        }
        Ok(left)
    }

    /// One level deeper (a `not` or a `(`), refused past [`MAX_DEPTH`].
    fn descend(&mut self) -> Result<(), ApiError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(bad(format!(
                "nested more than {MAX_DEPTH} levels deep (parentheses and not)"
            )));
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<ChatFilter, ApiError> {
        if self.peek_word("not") {
            self.at += 1;
            self.descend()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(ChatFilter::Not(Box::new(inner)));
        }
        match self.next() {
            Some(Token::Open) => {
                self.descend()?;
                let inner = self.or()?;
                self.depth -= 1;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(bad("a '(' is not closed")),
                }
            }
            Some(Token::Word(name)) => self.comparison(&name),
            Some(other) => Err(bad(format!("expected a column name, found {other:?}"))),
            None => Err(bad("the expression ends too early")),
        }
    }

    fn comparison(&mut self, name: &str) -> Result<ChatFilter, ApiError> {
        self.comparisons += 1;
        if self.comparisons > MAX_COMPARISONS {
            return Err(bad(format!("more than {MAX_COMPARISONS} comparisons")));
        }
        let col = column(name).ok_or_else(|| bad(format!("unknown column '{name}'")))?;
        let field = col
            .field
            .ok_or_else(|| bad(format!("{} cannot be filtered", col.name)))?;
        let op = match self.next() {
            Some(Token::Word(op)) => match op.to_ascii_lowercase().as_str() {
                "eq" => Cmp::Eq,
                "ne" => Cmp::Ne,
                "gt" => Cmp::Gt,
                "ge" => Cmp::Ge,
                "lt" => Cmp::Lt,
                "le" => Cmp::Le,
                _ => {
                    return Err(bad(format!(
                        "operator '{op}' is not supported (eq, ne, gt, ge, lt, le)"
                    )));
                }
            },
            _ => return Err(bad(format!("expected an operator after '{name}'"))),
        };
        let tok = self
            .next()
            .ok_or_else(|| bad(format!("{} needs a value", col.name)))?;
        let value = literal(col, &tok)?;
        let ordered = matches!(op, Cmp::Gt | Cmp::Ge | Cmp::Lt | Cmp::Le);
        if ordered && (value == FieldValue::Null || col.kind == Kind::Status) {
            return Err(bad(format!("{} takes only eq and ne here", col.name)));
        }
        Ok(ChatFilter::Compare(field, op, value))
    }
}

/// Reads a `$filter` expression.
pub fn parse_filter(text: &str) -> Result<ChatFilter, ApiError> {
    if text.len() > MAX_FILTER_BYTES {
        return Err(bad(format!("longer than {MAX_FILTER_BYTES} bytes")));
    }
    let mut r = Reader {
        toks: tokens(text)?,
        at: 0,
        depth: 0,
        comparisons: 0,
    };
    let f = r.or()?;
    match r.toks.get(r.at) {
        None => Ok(f),
        Some(t) => Err(bad(format!("unexpected {t:?} after a complete expression"))),
    }
}

/// Reads `$orderby`: `column [asc|desc]`, comma-separated.
pub fn parse_order(text: &str) -> Result<Vec<ChatOrder>, ApiError> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = part.split_whitespace();
        let name = words.next().unwrap_or_default();
        let bad = |what: String| ApiError::BadRequest(format!("$orderby: {what}"));
        let col = column(name).ok_or_else(|| bad(format!("unknown column '{name}'")))?;
        let field = col
            .field
            .ok_or_else(|| bad(format!("{} cannot be sorted on", col.name)))?;
        let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => return Err(bad(format!("'{other}' is neither asc nor desc"))),
        };
        if let Some(extra) = words.next() {
            return Err(bad(format!("unexpected '{extra}' after '{name}'")));
        }
        out.push(ChatOrder { field, descending });
    }
    Ok(out)
}

/// Reads a non-negative integer option (`$top`, `$skip`); absent is `None`.
pub fn count(name: &str, value: Option<&str>) -> Result<Option<u64>, ApiError> {
    value
        .map(|v| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| ApiError::BadRequest(format!("{name} must be a non-negative integer")))
        })
        .transpose()
}

#[cfg(test)]
mod tests;
