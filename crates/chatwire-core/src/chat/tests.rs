//! State machine tests for `Chat::decide` and the fold.

use super::test_support::{agent, waiting_chat};
use super::*;
use crate::routing::AgentLoad;
use crate::{AgentId, DomainError, SkillId};

fn ctx_for(id: i64) -> DecisionContext {
    DecisionContext {
        agent: Some(AgentLoad {
            agent: agent(id, &[10]),
            active_chats: 0,
        }),
    }
}

fn me(id: i64) -> AssignedAgent {
    AssignedAgent {
        id: AgentId(id),
        name: format!("Agent{id}"),
    }
}

fn run(
    chat: &mut Chat,
    cmd: ChatCommand,
    ctx: &DecisionContext,
) -> Result<Vec<ChatEvent>, DomainError> {
    let changes = chat.decide(cmd, ctx)?;
    let seq = GlobalSeq(100 + i64::from(chat.next_event_id.0));
    Ok(chat.apply_changes(changes, Timestamp(5_000), seq))
}

fn accepted(id: i64) -> Chat {
    let mut chat = waiting_chat(Some(10));
    run(
        &mut chat,
        ChatCommand::Accept {
            agent: me(id),
            welcome: None,
        },
        &ctx_for(id),
    )
    .expect("accept");
    chat
}

fn line(author: Actor, text: &str) -> ChatCommand {
    ChatCommand::PostLine {
        author,
        text: text.into(),
        text_type: TextType::Plain,
        json: None,
        sub_type: LineSubType::Regular,
    }
}

#[test]
fn opening_a_chat_writes_waiting_then_the_routing_greeting_then_pre_chat_lines() {
    let chat = waiting_chat(Some(10));
    assert_eq!(chat.state, ChatState::Waiting);
    assert_eq!(chat.next_event_id, EventId(3));
    let log = super::test_support::opening_events();
    assert!(matches!(&log[0].kind, EventKind::State(s) if s.state == ChatState::Waiting));
    assert!(
        matches!(&log[1].kind, EventKind::Line(l) if l.system_message == Some(SystemMessageId::ROUTING))
    );
    assert!(
        !log[2].visible_to_visitor(),
        "pre-chat lines are agent-only"
    );
    assert_eq!(
        log.iter().map(|e| e.id.0).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
}

#[test]
fn accept_moves_to_chatting_and_announces_the_agent() {
    let mut chat = waiting_chat(Some(10));
    let events = run(
        &mut chat,
        ChatCommand::Accept {
            agent: me(1),
            welcome: None,
        },
        &ctx_for(1),
    )
    .expect("accept");
    assert_eq!(chat.state, ChatState::Chatting);
    assert_eq!(chat.agent, Some(me(1)));
    assert_eq!(chat.accepted_at, Some(Timestamp(5_000)));
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].id, EventId(3));
    let EventKind::Line(l) = &events[1].kind else {
        panic!("line expected")
    };
    assert_eq!(l.text, "You are now chatting with Agent1.");
    assert_eq!(l.system_message, Some(SystemMessageId::ACCEPTED));
}

#[test]
fn second_accept_of_the_same_chat_is_refused() {
    let mut chat = accepted(1);
    let err = run(
        &mut chat,
        ChatCommand::Accept {
            agent: me(2),
            welcome: None,
        },
        &ctx_for(2),
    );
    assert_eq!(
        err,
        Err(DomainError::WrongState {
            expected: ChatState::Waiting,
            actual: ChatState::Chatting
        })
    );
}

#[test]
fn only_the_handling_agent_may_post_and_visitor_lines_are_plain() {
    let mut chat = accepted(1);
    let other = Actor::Agent {
        id: AgentId(2),
        name: "x".into(),
    };
    assert_eq!(
        run(&mut chat, line(other, "hi"), &DecisionContext::default()),
        Err(DomainError::NotParticipant)
    );
    let mut html = line(Actor::Visitor, "<b>hi</b>");
    if let ChatCommand::PostLine { text_type, .. } = &mut html {
        *text_type = TextType::Html;
    }
    let events = run(&mut chat, html, &DecisionContext::default()).expect("visitor line");
    let EventKind::Line(l) = &events[0].kind else {
        panic!("line expected")
    };
    assert_eq!(
        (l.text_type, l.source, l.by.as_str()),
        (TextType::Plain, LineSource::Visitor, "visitor")
    );
    assert_eq!(chat.last_speaker, Some(LineSource::Visitor));
}

#[test]
fn blank_and_oversized_lines_are_refused() {
    let mut chat = accepted(1);
    assert!(matches!(
        run(
            &mut chat,
            line(Actor::Visitor, "  "),
            &DecisionContext::default()
        ),
        Err(DomainError::Invalid { .. })
    ));
    let long = "x".repeat(20_001);
    assert!(matches!(
        run(
            &mut chat,
            line(Actor::Visitor, &long),
            &DecisionContext::default()
        ),
        Err(DomainError::Invalid { .. })
    ));
}

#[test]
fn agent_end_writes_message_5_then_ended_and_then_nothing_more_is_accepted() {
    let mut chat = accepted(1);
    let by = Actor::Agent {
        id: AgentId(1),
        name: "Agent1".into(),
    };
    let events = run(
        &mut chat,
        ChatCommand::End { by },
        &DecisionContext::default(),
    )
    .expect("end");
    assert!(
        matches!(&events[0].kind, EventKind::Line(l) if l.system_message == Some(SystemMessageId::AGENT_ENDED))
    );
    assert!(matches!(&events[1].kind, EventKind::State(s) if s.state == ChatState::Ended));
    assert_eq!(chat.state, ChatState::Ended);
    assert_eq!(
        run(
            &mut chat,
            line(Actor::Visitor, "hello?"),
            &DecisionContext::default()
        ),
        Err(DomainError::ChatEnded)
    );
}

#[test]
fn timeout_ends_with_system_message_6() {
    let mut chat = waiting_chat(Some(10));
    let events =
        run(&mut chat, ChatCommand::Timeout, &DecisionContext::default()).expect("timeout");
    assert!(
        matches!(&events[0].kind, EventKind::Line(l) if l.system_message == Some(SystemMessageId::DISCONNECTED))
    );
    assert!(
        matches!(&events[1].kind, EventKind::State(s) if s.end_cause == Some(EndCause::Timeout))
    );
}

#[test]
fn transfer_to_skill_requeues_without_the_agent() {
    let mut chat = accepted(1);
    let target = TransferTarget::Skill {
        id: SkillId(11),
        name: "Support".into(),
    };
    let events = run(
        &mut chat,
        ChatCommand::Transfer {
            by: me(1),
            target,
            text: "vip".into(),
        },
        &DecisionContext::default(),
    )
    .expect("transfer");
    assert_eq!(chat.state, ChatState::Waiting);
    assert_eq!(chat.agent, None);
    assert_eq!(chat.skill, Some(SkillId(11)));
    assert!(
        !events[0].visible_to_visitor(),
        "the transfer note is for agents"
    );
    assert!(
        matches!(&events.last().expect("line").kind, EventKind::Line(l) if l.system_message == Some(SystemMessageId::TRANSFER_SKILL))
    );
}

#[test]
fn rejected_personal_transfer_returns_the_chat_to_the_sender() {
    let mut chat = accepted(1);
    let target = TransferTarget::Agent {
        id: AgentId(2),
        name: "Agent2".into(),
    };
    run(
        &mut chat,
        ChatCommand::Transfer {
            by: me(1),
            target,
            text: String::new(),
        },
        &DecisionContext::default(),
    )
    .expect("transfer");
    assert_eq!(
        run(
            &mut chat,
            ChatCommand::RejectTransfer { agent: AgentId(3) },
            &DecisionContext::default()
        ),
        Err(DomainError::NoPendingTransfer)
    );
    run(
        &mut chat,
        ChatCommand::RejectTransfer { agent: AgentId(2) },
        &DecisionContext::default(),
    )
    .expect("reject");
    assert!(chat.is_handled_by(AgentId(1)));
    assert_eq!(chat.transfer, None);
}

#[test]
fn visitor_name_is_validated_and_trimmed() {
    let mut chat = waiting_chat(None);
    run(
        &mut chat,
        ChatCommand::SetVisitorName(" Natalie ".into()),
        &DecisionContext::default(),
    )
    .expect("name");
    assert_eq!(chat.visitor_name, "Natalie");
    assert!(
        run(
            &mut chat,
            ChatCommand::SetVisitorName(String::new()),
            &DecisionContext::default()
        )
        .is_err()
    );
}

#[test]
fn after_the_end_the_name_is_recorded_typing_changes_nothing_and_the_rest_is_refused() {
    // Arrange: an ended chat whose agent was typing when it ended.
    let mut chat = accepted(1);
    let by = Actor::Agent {
        id: AgentId(1),
        name: "Agent1".into(),
    };
    run(
        &mut chat,
        ChatCommand::SetTyping(TypingSide::Agent, Typing::Typing),
        &DecisionContext::default(),
    )
    .expect("typing");
    run(
        &mut chat,
        ChatCommand::End { by },
        &DecisionContext::default(),
    )
    .expect("end");
    let ended = chat.clone();
    let ctx = DecisionContext::default();

    // Act + Assert: typing is accepted with no change and no event.
    for side in [TypingSide::Visitor, TypingSide::Agent] {
        assert_eq!(
            ended.decide(ChatCommand::SetTyping(side, Typing::Typing), &ctx),
            Ok(Vec::new())
        );
    }
    assert_eq!(ended.agent_typing, Typing::NotTyping, "the end stopped it");

    // The name is recorded (validated as on an open chat), with no event.
    let events = run(
        &mut chat,
        ChatCommand::SetVisitorName(" visitor1 ".into()),
        &ctx,
    )
    .expect("name after the end");
    assert!(events.is_empty());
    assert_eq!(chat.visitor_name, "visitor1");
    assert_eq!(chat.state, ChatState::Ended);
    assert!(matches!(
        ended.decide(ChatCommand::SetVisitorName(String::new()), &ctx),
        Err(DomainError::Invalid { .. })
    ));

    // Everything else stays refused.
    assert_eq!(
        ended.decide(ChatCommand::Requeue, &ctx),
        Err(DomainError::ChatEnded)
    );
}
