//! Rendering a chat transcript for the visitor: a plain-text body and an HTML alternative.
//!
//! Only events the visitor may see are rendered ([`ChatEvent::visible_to_visitor`]): agent-only
//! lines, pre-chat lines and transfer notes never leave the server this way. Lines read
//! `[HH:MM:SS] Name: text` in the visitor's time zone; system lines and notes read
//! `[HH:MM:SS] * text`. State changes are told by their system lines ("You are now chatting
//! with …", "… has ended the chat"); only the visitor's own end, which has none, gets a line.
//!
//! Pure: no I/O, so every rule here is unit-tested.

use std::fmt::Write as _;

use chatwire_core::{
    Chat, ChatEvent, ChatState, EndCause, EventKind, LineSource, TextType, Timestamp,
};
use chrono::{DateTime, FixedOffset};

/// The rendered bodies of one transcript mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transcript {
    /// `text/plain` body.
    pub(crate) plain: String,
    /// `text/html` alternative.
    pub(crate) html: String,
}

/// One rendered entry: time, who (none for notes), and text (plain and HTML forms).
struct Entry {
    time: String,
    who: Option<String>,
    plain: String,
    html: String,
}

/// The zone to render in. `offset_ms` has JavaScript's `getTimezoneOffset()` sign (local = UTC −
/// offset), which is what LivePerson's example (−7 200 000 for UTC+2) and browsers send.
fn zone(offset_ms: Option<i64>) -> FixedOffset {
    let east_secs = offset_ms.map_or(0, |ms| -ms / 1000);
    i32::try_from(east_secs)
        .ok()
        .and_then(FixedOffset::east_opt)
        .unwrap_or_else(utc)
}

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!("UTC is a valid offset"))
}

fn local(at: Timestamp, zone: FixedOffset) -> Option<DateTime<FixedOffset>> {
    DateTime::from_timestamp_millis(at.millis()).map(|t| t.with_timezone(&zone))
}

fn clock(at: Timestamp, zone: FixedOffset) -> String {
    local(at, zone).map_or_else(
        || "--:--:--".to_owned(),
        |t| t.format("%H:%M:%S").to_string(),
    )
}

/// "UTC", "UTC+02:00", "UTC-05:30".
fn zone_label(zone: FixedOffset) -> String {
    let secs = zone.local_minus_utc();
    if secs == 0 {
        return "UTC".to_owned();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
}

/// Escapes text for HTML element content and attribute values; `'` as `&#39;`, since HTML 4
/// mail readers know no XML `&apos;` (why quick-xml's escaper is not used here).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Plain text of an HTML line: tags dropped (`<br>` and block ends become line breaks), the
/// common entities decoded. Good enough for a mail body; the HTML alternative keeps the markup.
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('>') else {
            rest = &rest[start..];
            break;
        };
        let tag = rest[start + 1..start + len].trim().to_ascii_lowercase();
        if tag.starts_with("br") || tag == "/p" || tag == "/div" || tag == "/li" {
            out.push('\n');
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.trim_end_matches('\n').to_owned()
}

fn entry(event: &ChatEvent, zone: FixedOffset) -> Option<Entry> {
    let time = clock(event.at, zone);
    let (who, plain, html) = match &event.kind {
        EventKind::Line(line) => {
            let (plain, html) = match line.text_type {
                TextType::Html => (
                    html_to_text(&line.text),
                    crate::chats::html::sanitize(&line.text),
                ),
                TextType::Plain | TextType::RichContent => {
                    (line.text.clone(), escape(&line.text).replace('\n', "<br>"))
                }
            };
            let who = (line.source != LineSource::System).then(|| line.by.clone());
            (who, plain, html)
        }
        EventKind::Url { url, by } => (
            Some(by.clone()),
            format!("(link) {url}"),
            format!(
                "<a href=\"{0}\" target=\"_blank\" rel=\"noopener noreferrer\">{0}</a>",
                escape(url)
            ),
        ),
        EventKind::State(change)
            if change.state == ChatState::Ended
                && !matches!(
                    change.end_cause,
                    Some(EndCause::Agent(_) | EndCause::Timeout)
                ) =>
        {
            let text = "The chat has ended.".to_owned();
            (None, text.clone(), text)
        }
        EventKind::State(_) | EventKind::Transfer { .. } => return None,
    };
    Some(Entry {
        time,
        who,
        plain,
        html,
    })
}

/// Renders `events` of `chat` as the visitor may see them, times in the zone of `offset_ms`.
pub(crate) fn render(chat: &Chat, events: &[ChatEvent], offset_ms: Option<i64>) -> Transcript {
    let zone = zone(offset_ms);
    let label = zone_label(zone);
    let started = local(chat.started_at, zone)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M:%S").to_string());
    let agent = chat
        .agent
        .as_ref()
        .map_or("no agent joined", |a| a.name.as_str());
    let entries: Vec<Entry> = events
        .iter()
        .filter(|e| e.visible_to_visitor())
        .filter_map(|e| entry(e, zone))
        .collect();

    let mut plain =
        format!("Transcript of your chat\n\nStarted: {started} ({label})\nAgent: {agent}\n\n");
    // Continuation lines of a multi-line message line up under its first line.
    let indent = format!("\n{}", " ".repeat("[00:00:00] ".len()));
    for e in &entries {
        let text = e.plain.replace('\n', &indent);
        let _ = match &e.who {
            Some(who) => writeln!(plain, "[{}] {who}: {text}", e.time),
            None => writeln!(plain, "[{}] * {text}", e.time),
        };
    }

    let mut html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Transcript of your chat</title></head>\n\
         <body style=\"font-family: sans-serif;\">\n<h2>Transcript of your chat</h2>\n\
         <p>Started: {} ({})<br>Agent: {}</p>\n",
        escape(&started),
        escape(&label),
        escape(agent)
    );
    for e in &entries {
        let time = format!("<span style=\"color: #777;\">[{}]</span>", e.time);
        let _ = match &e.who {
            Some(who) => writeln!(html, "<p>{time} <b>{}:</b> {}</p>", escape(who), e.html),
            None => writeln!(html, "<p>{time} <i>{}</i></p>", e.html),
        };
    }
    html.push_str("</body></html>\n");
    Transcript { plain, html }
}

#[cfg(test)]
mod tests {
    use chatwire_core::chat::AssignedAgent;
    use chatwire_core::{
        AgentId, ChatKey, EventId, GlobalSeq, Line, LineSubType, StateChange, SystemMessageId,
    };

    use super::*;

    /// 2023-11-14 22:13:20 UTC.
    const T0: i64 = 1_700_000_000_000;

    /// Natalie's chat, opened at T0, handled by Agent 3.
    fn chat() -> Chat {
        let new = chatwire_core::NewChat {
            key: ChatKey::from_random(1, 2, 3),
            account: chatwire_core::AccountId::parse("1000").expect("id"),
            skill: None,
            visitor_name: "Natalie".into(),
            visitor_id: 1,
            chat_timeout_secs: 40,
            pre_chat_lines: vec![],
            request: chatwire_core::ChatRequest::default(),
        };
        let (mut chat, _) =
            Chat::open(new, chatwire_core::ChatNum(1), Timestamp(T0)).expect("open");
        chat.agent = Some(AssignedAgent {
            id: AgentId(3),
            name: "Agent 3".into(),
        });
        chat
    }

    fn event(id: u32, secs: i64, kind: EventKind) -> ChatEvent {
        ChatEvent {
            id: EventId(id),
            seq: GlobalSeq(i64::from(id) + 1),
            at: Timestamp(T0 + secs * 1000),
            kind,
        }
    }

    fn line(by: &str, source: LineSource, text: &str) -> Line {
        Line {
            text: text.into(),
            text_type: TextType::Plain,
            json: None,
            by: by.into(),
            source,
            system_message: None,
            sub_type: LineSubType::Regular,
            agent: None,
        }
    }

    fn events() -> Vec<ChatEvent> {
        let mut private = line("Agent 3", LineSource::Agent, "agent-only note");
        private.sub_type = LineSubType::OnlyToRep;
        let mut pre_chat = line("info", LineSource::System, "pre-chat context");
        pre_chat.system_message = Some(SystemMessageId::PRE_CHAT);
        let mut html = line(
            "Agent 3",
            LineSource::Agent,
            "<b>Bold</b> &amp; <i>brave</i>",
        );
        html.text_type = TextType::Html;
        vec![
            event(0, 0, EventKind::Line(pre_chat)),
            event(
                1,
                1,
                EventKind::Line(Line::system(
                    SystemMessageId::ACCEPTED,
                    "You are now chatting with Agent 3.",
                )),
            ),
            event(
                2,
                5,
                EventKind::Line(line("Natalie", LineSource::Visitor, "Hello <there>")),
            ),
            event(3, 9, EventKind::Line(private)),
            event(
                4,
                12,
                EventKind::Line(line("Agent 3", LineSource::Agent, "Hi!\nHow can I help?")),
            ),
            event(5, 13, EventKind::Line(html)),
            event(
                6,
                20,
                EventKind::Url {
                    url: "https://example.com/?a=1&b=2".into(),
                    by: "Agent 3".into(),
                },
            ),
            event(
                7,
                21,
                EventKind::Transfer {
                    from: Some(AgentId(3)),
                    to: chatwire_core::TransferTarget::Agent {
                        id: AgentId(4),
                        name: "Agent 4".into(),
                    },
                    text: "transfer note".into(),
                },
            ),
            event(
                8,
                30,
                EventKind::State(StateChange {
                    state: ChatState::Ended,
                    end_cause: None,
                }),
            ),
        ]
    }

    #[test]
    fn visible_lines_are_rendered_in_order_with_time_and_name() {
        // Act
        let t = render(&chat(), &events(), None);

        // Assert
        let expected = "Transcript of your chat\n\n\
            Started: 2023-11-14 22:13:20 (UTC)\nAgent: Agent 3\n\n\
            [22:13:21] * You are now chatting with Agent 3.\n\
            [22:13:25] Natalie: Hello <there>\n\
            [22:13:32] Agent 3: Hi!\n           How can I help?\n\
            [22:13:33] Agent 3: Bold & brave\n\
            [22:13:40] Agent 3: (link) https://example.com/?a=1&b=2\n\
            [22:13:50] * The chat has ended.\n";
        assert_eq!(t.plain, expected);
    }

    #[test]
    fn agent_only_lines_pre_chat_lines_and_transfer_notes_are_left_out() {
        let t = render(&chat(), &events(), None);
        for secret in ["agent-only note", "pre-chat context", "transfer note"] {
            assert!(!t.plain.contains(secret), "plain body leaks {secret:?}");
            assert!(!t.html.contains(secret), "HTML body leaks {secret:?}");
        }
    }

    #[test]
    fn times_follow_the_javascript_offset_sign() {
        // -7 200 000 is what a browser at UTC+2 sends (getTimezoneOffset() = -120 minutes);
        // 19 800 000 one at UTC-05:30.
        let east = render(&chat(), &events(), Some(-7_200_000));
        assert!(
            east.plain
                .contains("Started: 2023-11-15 00:13:20 (UTC+02:00)")
        );
        assert!(east.plain.contains("[00:13:25] Natalie: Hello <there>"));
        let west = render(&chat(), &events(), Some(19_800_000));
        assert!(west.plain.contains("(UTC-05:30)"), "{}", west.plain);
        assert!(west.plain.contains("[16:43:25] Natalie"));
    }

    #[test]
    fn the_html_alternative_escapes_visitor_text_and_keeps_safe_agent_markup() {
        let t = render(&chat(), &events(), None);
        assert!(t.html.contains("<b>Natalie:</b> Hello &lt;there&gt;"));
        assert!(t.html.contains("<b>Bold</b> &amp; <i>brave</i>"));
        assert!(t.html.contains("Hi!<br>How can I help?"));
        assert!(t.html.contains("href=\"https://example.com/?a=1&amp;b=2\""));
    }

    #[test]
    fn an_end_already_told_by_a_system_line_is_not_repeated() {
        let end = |cause| {
            event(
                9,
                40,
                EventKind::State(StateChange {
                    state: ChatState::Ended,
                    end_cause: Some(cause),
                }),
            )
        };
        let by_agent = render(&chat(), &[end(EndCause::Agent(AgentId(3)))], None);
        let by_timeout = render(&chat(), &[end(EndCause::Timeout)], None);
        let by_visitor = render(&chat(), &[end(EndCause::Visitor)], None);
        assert!(!by_agent.plain.contains("The chat has ended."));
        assert!(!by_timeout.plain.contains("The chat has ended."));
        assert!(
            by_visitor
                .plain
                .contains("[22:14:00] * The chat has ended.")
        );
    }

    #[test]
    fn a_chat_nobody_accepted_says_so() {
        let mut c = chat();
        c.agent = None;
        let t = render(&c, &[], None);
        assert!(t.plain.contains("Agent: no agent joined"));
    }

    #[test]
    fn html_lines_lose_their_tags_in_the_plain_body() {
        assert_eq!(html_to_text("a<br>b<p>c</p><div>d</div>"), "a\nbc\nd");
        assert_eq!(html_to_text("x &lt;y&gt; &amp;amp;"), "x <y> &amp;");
        assert_eq!(html_to_text("broken <b"), "broken <b");
    }
}
