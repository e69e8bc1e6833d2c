//! Rendering tests: the text and HTML transcript of a chat, escaping, system messages.

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
        preferred_agent: None,
        request: chatwire_core::ChatRequest::default(),
    };
    let (mut chat, _) = Chat::open(new, chatwire_core::ChatNum(1), Timestamp(T0)).expect("open");
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
        special: None,
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
