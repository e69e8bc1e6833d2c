//! History, statistics, offline messages, deletion and retention in chatwire's own API, for
//! the account's admins (issue 15, items 3-5):
//!
//! - `GET …/history/chats?from=&to=&skill=&agent=&visitor=&state=&q=&limit=&cursor=`: chats,
//!   newest first, a page at a time (`q`: words one visitor or agent line holds);
//! - `GET …/history/chats/{chat}`: one chat with every event, its surveys and transcript;
//! - `DELETE …/chats/{chat}`: deletes an ended chat with everything about it;
//! - `POST …/erasure` `{"visitorId":…}` or `{"email":…}`: deletes everything about a visitor;
//! - `GET …/offline-messages?handled=&limit=&cursor=`, `POST …/offline-messages/{id}/handled`;
//! - `GET …/stats?from=&to=&by=total|hour|day|skill|agent&skill=&agent=`;
//! - `GET|PUT …/retention` `{"days":N|null}`.
//!
//! Times in queries are RFC 3339 (`2026-01-31T00:00:00Z`) or epoch milliseconds. A bad
//! parameter is `invalid_field` naming it; deleting an open chat is `409 conflict`.

pub mod chats;
mod params;
pub mod reports;
pub mod views;

use utoipa::OpenApi;

use crate::ApiError;
use crate::routes::RouteTable;
use chatwire_engine::EngineError;
use chatwire_engine::core::DomainError;

/// The routes of this module.
pub fn table() -> RouteTable {
    const A: &str = "/chatwire/v1/accounts/{account}";
    RouteTable::new()
        .get(&format!("{A}/history/chats"), chats::list_chats)
        .get(&format!("{A}/history/chats/{{chat}}"), chats::get_chat)
        .delete(&format!("{A}/chats/{{chat}}"), chats::delete_chat)
        .post(&format!("{A}/erasure"), chats::erase_visitor)
        .get(&format!("{A}/offline-messages"), reports::list_offline)
        .post(
            &format!("{A}/offline-messages/{{id}}/handled"),
            reports::mark_handled,
        )
        .get(&format!("{A}/stats"), reports::get_stats)
        .get(&format!("{A}/retention"), reports::get_retention)
        .put(&format!("{A}/retention"), reports::put_retention)
}

/// The routes' OpenAPI description.
#[derive(OpenApi)]
#[openapi(
    paths(
        chats::list_chats,
        chats::get_chat,
        chats::delete_chat,
        chats::erase_visitor,
        reports::list_offline,
        reports::mark_handled,
        reports::get_stats,
        reports::get_retention,
        reports::put_retention
    ),
    components(schemas(
        views::ChatSummaryView,
        views::AnswerView,
        views::SurveyView,
        views::HistoryChatView,
        views::OfflineMessageView,
        views::ErasedView,
        views::StatsRowView,
        views::StatsView,
        views::RetentionView,
        views::ErasureBody
    )),
    tags(
        (name = "history", description = "Chat history, offline messages, statistics"),
        (name = "erasure", description = "Deleting chats and visitors; retention")
    )
)]
pub struct HistoryApi;

/// An engine failure as this API answers it: a value the engine refused names its field
/// (`invalid_field`), the rest as everywhere.
pub(crate) fn engine_error(e: EngineError) -> ApiError {
    match e {
        EngineError::Domain(DomainError::Invalid { what, why }) => {
            ApiError::field_error(what, format!("{what}: {why}"))
        }
        other => other.into(),
    }
}
