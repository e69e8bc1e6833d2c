//! Engine values → SuperOffice shapes (the domain mapping table of docs/architecture.md):
//! agent → `Associate`, chat → `ChatSessionEntity` with the derived `ChatSessionStatus`,
//! event → `ChatMessage` (id = the event's server-wide `seq`).

use std::collections::BTreeMap;

use chatwire_engine::Presence;
use chatwire_engine::core::{
    Agent, Chat, ChatEvent, ChatState, EndCause, EventKind, LineSource, LineSubType,
    SystemMessageId, TransferTarget, Typing,
};

use super::dates::Dates;
use super::types::{
    Associate, ChatMessage, ChatPresence, ChatSessionEntity, FieldProperties, TableRight,
};

/// An agent as an `Associate`.
pub fn associate(agent: &Agent) -> Associate {
    Associate {
        associate_id: agent.id.0,
        name: agent.login_name.clone(),
        person_id: 0,
        rank: 0,
        tooltip: agent.display_name.clone(),
        kind: "InternalAssociate",
        group_idx: 0,
        full_name: agent.display_name.clone(),
        formal_name: agent.display_name.clone(),
        deleted: !agent.enabled,
        ej_user_id: agent.id.0,
        user_name: agent.login_name.clone(),
        extra_fields: BTreeMap::new(),
        custom_fields: BTreeMap::new(),
        table_right: TableRight::FULL,
        field_properties: FieldProperties::new(),
    }
}

/// `ChatSessionStatus` of a chat: waiting ⇒ `InQueue`; chatting ⇒ `CustomerLast` or
/// `UserLast` by who spoke last (`UserLast` before anyone has); ended ⇒ `Closed`.
pub const fn status(chat: &Chat) -> &'static str {
    match chat.state {
        ChatState::Waiting => "InQueue",
        ChatState::Chatting => match chat.last_speaker {
            Some(LineSource::Visitor) => "CustomerLast",
            _ => "UserLast",
        },
        ChatState::Ended => "Closed",
    }
}

/// `ChatSessionFlags` from the typing indicators; `None` when nobody types.
fn flags(chat: &Chat) -> Option<String> {
    let mut names = Vec::new();
    if chat.visitor_typing == Typing::Typing {
        names.push("CustomerIsTyping");
    }
    if chat.agent_typing == Typing::Typing {
        names.push("UserIsTyping");
    }
    (!names.is_empty()).then(|| names.join(", "))
}

/// An event as a `ChatMessage`, or `None` for events with no message form (state changes other
/// than the end, which their system lines already tell).
pub fn message(
    chat: &Chat,
    agents: &[Agent],
    event: &ChatEvent,
    dates: Dates,
) -> Option<ChatMessage> {
    let nick = |id| {
        agents
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.nickname.clone())
            .unwrap_or_default()
    };
    let (kind, special, message, author, param) = match &event.kind {
        EventKind::Line(line) if line.special.is_some() => {
            let posted = line.special.as_ref()?;
            (
                "Special",
                super::special::special_name(posted.kind),
                posted.message.clone(),
                line.by.clone(),
                posted.param.clone(),
            )
        }
        EventKind::Line(line) => {
            let (kind, special) = match (line.source, line.sub_type, line.system_message) {
                (LineSource::Agent, LineSubType::Regular, _) => ("ToCustomer", "None"),
                (LineSource::Visitor, _, _) => ("ToUser", "None"),
                (_, _, Some(SystemMessageId::ACCEPTED)) => ("Special", "Welcome"),
                (_, _, Some(SystemMessageId::ROUTING)) => ("Special", "NewSession"),
                // Agent-only lines (ONLY_TO_REP, pre-chat, system notes) never go to the customer.
                _ => ("Special", "None"),
            };
            (
                kind,
                special,
                line.text.clone(),
                line.by.clone(),
                String::new(),
            )
        }
        EventKind::Url { url, by } => ("Special", "Url", url.clone(), by.clone(), url.clone()),
        EventKind::Transfer { to, text, from } => {
            let target = match to {
                TransferTarget::Skill { name, .. } | TransferTarget::Agent { name, .. } => name,
            };
            let by = from.map(nick).unwrap_or_default();
            (
                "Special",
                "TransferedSession",
                text.clone(),
                by,
                target.clone(),
            )
        }
        // SuperOffice has no accounts to go to: the nearest is a transfer, named by the skill and
        // account the customer is sent to.
        EventKind::AccountTransfer {
            from,
            account,
            skill,
            text,
        } => (
            "Special",
            "TransferedSession",
            text.clone(),
            nick(*from),
            format!("{skill} ({account})"),
        ),
        EventKind::State(change) if change.state == ChatState::Ended => {
            let (special, author) = match change.end_cause {
                Some(EndCause::Agent(id)) => ("ClosedByUser", nick(id)),
                Some(EndCause::Timeout) => ("ClosedByIdle", "info".to_owned()),
                Some(EndCause::Visitor) | None => ("ClosedByCustomer", chat.visitor_name.clone()),
            };
            ("Special", special, String::new(), author, String::new())
        }
        // SuperOffice has no message for a supervisor listening in (docs/superoffice.md).
        EventKind::State(_) | EventKind::Collaboration { .. } => return None,
    };
    Some(ChatMessage {
        chat_message_id: event.seq.0,
        chat_session_id: chat.num.0,
        kind,
        message,
        author,
        read_by_customer: 0,
        special_type: special,
        special_param: param,
        when_posted: dates.format(Some(event.at)),
    })
}

/// A chat as a `ChatSessionEntity`. `agents` resolves the handling and transfer-target agents;
/// `events` (the chat's log, when read) gives the first and last messages.
pub fn session(
    chat: &Chat,
    agents: &[Agent],
    events: &[ChatEvent],
    dates: Dates,
) -> ChatSessionEntity {
    let find = |id| agents.iter().find(|a| a.id == id).map(associate);
    let transfer_to = chat.transfer.as_ref().and_then(|t| match t.target {
        TransferTarget::Agent { id, .. } => find(id),
        TransferTarget::Skill { .. } => None,
    });
    let mut lines = events.iter().filter_map(|e| match &e.kind {
        EventKind::Line(l) if l.source != LineSource::System => Some(l),
        _ => None,
    });
    let first = lines
        .clone()
        .find(|l| l.source == LineSource::Visitor)
        .map(|l| l.text.clone());
    let last = lines.next_back().map(|l| l.text.clone());
    let req = &chat.request;
    ChatSessionEntity {
        chat_session_id: chat.num.0,
        topic_id: chat.skill.map_or(0, |s| s.0),
        user: chat.agent.as_ref().and_then(|a| find(a.id)),
        person: None,
        customer_alias: req.notes.customer_alias.clone(),
        customer_host: req.visitor_ip.clone().unwrap_or_default(),
        customer_name: chat.visitor_name.clone(),
        customer_email: req.customer_email.clone().unwrap_or_default(),
        customer_phone: req.customer_phone.clone().unwrap_or_default(),
        customer_consented: req.notes.customer_consented,
        customer_company_name: req.customer_company.clone().unwrap_or_default(),
        status: status(chat),
        first_message: first.unwrap_or_default(),
        last_message: last.unwrap_or_default(),
        when_requested: dates.format(Some(chat.started_at)),
        when_started: dates.format(chat.accepted_at),
        when_ended: dates.format(chat.ended_at),
        when_idle: dates.format(chat.last_line_at),
        when_fetched: dates.format(None),
        session_key: chat.key.to_string(),
        initial_queue_pos: 0,
        alert_level: i64::from(req.notes.alert_level),
        rank: 0,
        flags: flags(chat),
        contact: None,
        project: None,
        sale: None,
        ticket: None,
        transfer_to,
        chatbot_is_active: req.notes.bot_active,
        rating: i64::from(req.notes.rating),
        table_right: TableRight::FULL,
        field_properties: FieldProperties::new(),
    }
}

/// An agent's presence as `ChatPresence`.
pub fn presence(p: &Presence) -> ChatPresence {
    ChatPresence {
        user_id: p.agent.id.0,
        display_name: p.agent.display_name.clone(),
        ongoing_chats: i64::from(p.ongoing_chats),
        present: p.present,
        chat_topics: p.agent.skills.iter().map(|s| s.0).collect(),
        table_right: TableRight::FULL,
        field_properties: FieldProperties::new(),
    }
}

/// `CreateDefaultChatSessionEntity`: an empty session (id 0, status `Invalid`, dates unset).
pub fn default_session(dates: Dates) -> ChatSessionEntity {
    ChatSessionEntity {
        chat_session_id: 0,
        topic_id: 0,
        user: None,
        person: None,
        customer_alias: String::new(),
        customer_host: String::new(),
        customer_name: String::new(),
        customer_email: String::new(),
        customer_phone: String::new(),
        customer_consented: false,
        customer_company_name: String::new(),
        status: "Invalid",
        first_message: String::new(),
        last_message: String::new(),
        when_requested: dates.format(None),
        when_started: dates.format(None),
        when_ended: dates.format(None),
        when_idle: dates.format(None),
        when_fetched: dates.format(None),
        session_key: String::new(),
        initial_queue_pos: 0,
        alert_level: 0,
        rank: 0,
        flags: None,
        contact: None,
        project: None,
        sale: None,
        ticket: None,
        transfer_to: None,
        chatbot_is_active: false,
        rating: 0,
        table_right: TableRight::FULL,
        field_properties: FieldProperties::new(),
    }
}
