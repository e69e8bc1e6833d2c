//! JSON shapes of chatwire's own API: one event, with its chat and sequence.

use chatwire_engine::core::FeedItem;
use chatwire_engine::core::chat::EndCause;
use chatwire_engine::core::{
    ChatEvent, EventKind, LineSource, LineSubType, TextType, TransferTarget,
};
use serde_json::{Value, json};

use crate::http::time::iso_millis;

/// An event as JSON: `seq`, `id`, `time`, `type` and the kind's fields.
pub(crate) fn event_json(e: &ChatEvent) -> Value {
    let mut v = json!({ "seq": e.seq.0, "id": e.id.0, "time": iso_millis(e.at) });
    let fields = match &e.kind {
        EventKind::State(s) => json!({
            "type": "state",
            "state": s.state.as_str(),
            "endedBy": s.end_cause.map(|c| match c { EndCause::Visitor => "visitor", EndCause::Agent(_) => "agent", EndCause::Timeout => "timeout" }),
        }),
        EventKind::Line(l) => json!({
            "type": "line",
            "text": l.text,
            "textType": match l.text_type { TextType::Plain => "plain", TextType::Html => "html", TextType::RichContent => "rich-content" },
            "by": l.by,
            "source": match l.source { LineSource::Visitor => "visitor", LineSource::Agent => "agent", LineSource::System => "system" },
            "systemMessageId": l.system_message.map(|m| m.0),
            "subType": if l.sub_type == LineSubType::OnlyToRep { "ONLY_TO_REP" } else { "REGULAR" },
            "agentId": l.agent.map(|a| a.0),
        }),
        EventKind::Url { url, by } => json!({ "type": "url", "url": url, "by": by }),
        EventKind::Transfer { from, to, text } => json!({
            "type": "transfer",
            "fromAgentId": from.map(|a| a.0),
            "to": match to {
                TransferTarget::Skill { id, name } => json!({ "skillId": id.0, "name": name }),
                TransferTarget::Agent { id, name } => json!({ "agentId": id.0, "name": name }),
            },
            "text": text,
        }),
        EventKind::Collaboration { agent, mode } => json!({
            "type": "collaboration",
            "agentId": agent.id.0,
            "by": agent.name,
            "mode": mode.map(|m| m.as_str()),
        }),
        EventKind::AccountTransfer {
            from,
            account,
            skill,
            text,
        } => json!({
            "type": "accountTransfer",
            "fromAgentId": from.0,
            "toAccount": account.as_str(),
            "skill": skill,
            "text": text,
        }),
    };
    if let (Value::Object(map), Value::Object(extra)) = (&mut v, fields) {
        map.extend(extra);
    }
    v
}

/// A feed entry: the event plus its chat.
pub(crate) fn feed_item(item: &FeedItem) -> Value {
    let mut v = event_json(&item.event);
    if let Value::Object(map) = &mut v {
        map.insert("chatId".into(), Value::String(item.chat.to_string()));
    }
    v
}
