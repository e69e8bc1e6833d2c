//! Rows of `webhooks` and `webhook_dead_letters` as SQLite returns them, and their decoding
//! into the domain's [`Webhook`] and [`DeadLetter`].

use chatwire_core::{
    AccountId, DeadLetter, GlobalSeq, PayloadFormat, Timestamp, Webhook, WebhookId, WebhookKinds,
    WebhookProgress,
};
use chatwire_store::StoreResult;
use rusqlite::Row;

use crate::error::corrupt;

/// Columns of `webhooks` in the order [`HookRow::read`] takes them.
pub(super) const COLUMNS: &str = "id, account_id, url, secret, kinds, format, enabled, created_at, cursor, \
     attempts, next_attempt_at, failing_since, last_error";

/// Columns of `webhook_dead_letters` in the order [`letter`] takes them.
pub(super) const LETTER_COLUMNS: &str =
    "id, webhook_id, seq, attempts, last_error, first_failed_at, dead_at";

/// Raw `webhooks` row (see [`COLUMNS`]).
pub(super) struct HookRow {
    id: i64,
    account: String,
    url: String,
    secret: String,
    kinds: i64,
    format: String,
    enabled: bool,
    created_at: i64,
    cursor: i64,
    attempts: i64,
    next_attempt_at: i64,
    failing_since: Option<i64>,
    last_error: Option<String>,
}

impl HookRow {
    pub(super) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            account: r.get(1)?,
            url: r.get(2)?,
            secret: r.get(3)?,
            kinds: r.get(4)?,
            format: r.get(5)?,
            enabled: r.get(6)?,
            created_at: r.get(7)?,
            cursor: r.get(8)?,
            attempts: r.get(9)?,
            next_attempt_at: r.get(10)?,
            failing_since: r.get(11)?,
            last_error: r.get(12)?,
        })
    }

    pub(super) fn decode(self) -> StoreResult<Webhook> {
        let t = "webhook";
        Ok(Webhook {
            id: WebhookId(self.id),
            account: AccountId::parse(&self.account).map_err(|e| corrupt(t, e))?,
            url: self.url,
            secret: self.secret,
            kinds: WebhookKinds(u32::try_from(self.kinds).map_err(|e| corrupt(t, e))?),
            format: PayloadFormat::parse(&self.format).map_err(|e| corrupt(t, e))?,
            enabled: self.enabled,
            created_at: Timestamp(self.created_at),
            progress: WebhookProgress {
                cursor: GlobalSeq(self.cursor),
                attempts: u32::try_from(self.attempts).map_err(|e| corrupt(t, e))?,
                next_attempt_at: Timestamp(self.next_attempt_at),
                failing_since: self.failing_since.map(Timestamp),
                last_error: self.last_error,
            },
        })
    }
}

pub(super) type LetterRow = (i64, i64, i64, i64, String, i64, i64);

pub(super) fn letter_row(r: &Row<'_>) -> rusqlite::Result<LetterRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

pub(super) fn letter(raw: LetterRow) -> StoreResult<DeadLetter> {
    Ok(DeadLetter {
        id: raw.0,
        webhook: WebhookId(raw.1),
        seq: GlobalSeq(raw.2),
        attempts: u32::try_from(raw.3).map_err(|e| corrupt("dead letter", e))?,
        last_error: raw.4,
        first_failed_at: Timestamp(raw.5),
        dead_at: Timestamp(raw.6),
    })
}
