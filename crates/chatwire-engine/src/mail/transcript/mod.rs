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
        EventKind::AccountTransfer { skill, .. } => {
            let text = format!("The chat was transferred to {skill}.");
            (None, text.clone(), escape(&text))
        }
        EventKind::State(_) | EventKind::Transfer { .. } | EventKind::Collaboration { .. } => {
            return None;
        }
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
mod tests;
