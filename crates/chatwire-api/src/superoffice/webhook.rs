//! The body of a webhook delivery in SuperOffice's format (`format: superoffice`), as
//! SuperOffice's public webhook documentation shows it for chat events (docs/webhooks.md,
//! "SuperOffice"): `chatsession.created` for a request, `chatsession.message` for a line,
//! `chatsession.changed` for an accept, a transfer or the end, with the chat session's
//! `FieldValues`. The engine adds the `X-SuperOffice-*` headers and signs.
//!
//! Where SuperOffice's documentation is silent, the choices here: `PrimaryKey` is the chat
//! session id for every chat event (a message too), a message adds `MessageId` (its
//! `ChatMessageId`), `Message` and `Author` to `FieldValues`, `Changes` names `status` (and
//! `topicId`, `userId` for a transfer), and `FieldValues` describe the chat as it is when the
//! delivery is made, as SuperOffice reads its record when it dispatches.

use chatwire_engine::core::chat::EndCause;
use chatwire_engine::core::webhook::{superoffice_event, superoffice_event_id};
use chatwire_engine::core::{AgentId, Chat, EventKind, FeedItem, Webhook, WebhookKind};
use serde_json::{Value, json};

use super::convert;
use crate::http::time::iso_millis;

/// The agent an event names as its author, if any.
fn author(kind: &EventKind) -> Option<AgentId> {
    match kind {
        EventKind::Line(l) => l.agent,
        EventKind::Transfer { from, .. } => *from,
        EventKind::AccountTransfer { from, .. } => Some(*from),
        EventKind::State(s) => match s.end_cause {
            Some(EndCause::Agent(a)) => Some(a),
            _ => None,
        },
        EventKind::Url { .. } | EventKind::Collaboration { .. } => None,
    }
}

/// SuperOffice's timestamp shape (seven fraction digits, `Z`) from chatwire's millisecond one.
fn timestamp(item: &FeedItem) -> String {
    let iso = iso_millis(item.event.at); // 2026-12-06T17:00:01.250+00:00
    format!("{}0000Z", iso.trim_end_matches("+00:00"))
}

/// The payload for `item`, delivered to `hook` as `kind`; `chat` is the chat now.
pub(crate) fn body(
    hook: &Webhook,
    kind: WebhookKind,
    item: &FeedItem,
    chat: Option<&Chat>,
) -> Value {
    let handler = chat.and_then(|c| c.agent.as_ref()).map(|a| a.id);
    let changes: &[&str] = match kind {
        WebhookKind::ChatAccepted | WebhookKind::Ended => &["status"],
        WebhookKind::Transferred => &["status", "topicId", "userId"],
        _ => &[],
    };
    let mut fields = json!({
        "AlertLevel": 0,
        "ChatbotIsactive": false,
        "Consented": false,
        "ContactId": 0,
        "CustomerAlias": chat.map_or("", |c| c.visitor_name.as_str()),
        "CustomerId": 0,
        "ProjectId": 0,
        "Rating": 0,
        "SaleId": 0,
        "Status": chat.map_or("", convert::status),
        "TicketId": 0,
        "TopicId": chat.and_then(|c| c.skill).map_or(0, |s| s.0),
        "UserId": handler.map_or(0, |a| a.0),
    });
    let message = match &item.event.kind {
        EventKind::Line(l) => Some((l.text.as_str(), l.by.as_str())),
        EventKind::Url { url, by } => Some((url.as_str(), by.as_str())),
        _ => None,
    };
    if let (Some((text, by)), Value::Object(map)) = (message, &mut fields) {
        map.insert("MessageId".into(), json!(item.event.seq.0));
        map.insert("Message".into(), json!(text));
        map.insert("Author".into(), json!(by));
    }
    json!({
        "EventId": superoffice_event_id(item.event.seq),
        "Timestamp": timestamp(item),
        "Changes": changes,
        "Event": superoffice_event(kind).unwrap_or("chatsession.changed"),
        "PrimaryKey": chat.map_or(0, |c| c.num.0),
        "Entity": "chatsession",
        "ContextIdentifier": hook.account.as_str(),
        "ChangedByAssociateId": author(&item.event.kind).or(handler).map_or(0, |a| a.0),
        "WebhookName": format!("chatwire webhook {}", hook.id.0),
        "FieldValues": fields,
    })
}
