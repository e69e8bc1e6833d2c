//! Unit tests of the access rules: one chat, the agents around it, each action.

use super::*;
use crate::chat::test_support::{agent, waiting_chat};
use crate::chat::{AssignedAgent, PendingTransfer};
use crate::{ChatState, SkillId};

fn load(id: i64, skills: &[i64]) -> AgentLoad {
    AgentLoad {
        agent: agent(id, skills),
        active_chats: 0,
    }
}

fn admin(id: i64) -> AgentLoad {
    let mut l = load(id, &[]);
    l.agent.is_admin = true;
    l
}

fn assigned(id: i64) -> AssignedAgent {
    AssignedAgent {
        id: AgentId(id),
        name: format!("Agent{id}"),
    }
}

/// A Sales (10) chat agent 1 is chatting in.
fn chatting_with_1() -> Chat {
    let mut chat = waiting_chat(Some(10));
    chat.state = ChatState::Chatting;
    chat.agent = Some(assigned(1));
    chat
}

/// A Sales chat agent 1 transferred to `target`, waiting.
fn transferred_by_1(target: TransferTarget) -> Chat {
    let mut chat = waiting_chat(Some(10));
    chat.agent = None;
    chat.transfer = Some(PendingTransfer {
        target,
        from: Some(assigned(1)),
    });
    chat
}

fn to_agent(id: i64) -> TransferTarget {
    TransferTarget::Agent {
        id: AgentId(id),
        name: format!("Agent{id}"),
    }
}

#[test]
fn another_agent_of_the_same_skill_may_neither_read_nor_take_a_chat_in_progress() {
    let chat = chatting_with_1();
    let other = load(2, &[10]);
    for action in [
        ChatAction::Read,
        ChatAction::Write,
        ChatAction::Transfer,
        ChatAction::Take,
        ChatAction::DeclineTransfer,
        ChatAction::Requeue,
        ChatAction::Delete,
    ] {
        assert_eq!(
            verdict(&other, &chat, action),
            Verdict::Hidden,
            "{action:?}"
        );
    }
}

#[test]
fn the_handling_agent_writes_transfers_and_requeues_but_does_not_take_it_again() {
    let chat = chatting_with_1();
    let me = load(1, &[10]);
    assert_eq!(verdict(&me, &chat, ChatAction::Write), Verdict::Allowed);
    assert_eq!(verdict(&me, &chat, ChatAction::Transfer), Verdict::Allowed);
    assert_eq!(verdict(&me, &chat, ChatAction::Requeue), Verdict::Allowed);
    assert_eq!(verdict(&me, &chat, ChatAction::Take), Verdict::ReadOnly);
    assert_eq!(
        verdict(&me, &chat, ChatAction::DeclineTransfer),
        Verdict::ReadOnly
    );
}

#[test]
fn an_admin_reads_and_requeues_another_agents_chat_but_does_not_write_in_it() {
    let chat = chatting_with_1();
    let boss = admin(9);
    assert_eq!(verdict(&boss, &chat, ChatAction::Read), Verdict::Allowed);
    assert_eq!(verdict(&boss, &chat, ChatAction::Requeue), Verdict::Allowed);
    assert_eq!(verdict(&boss, &chat, ChatAction::Write), Verdict::ReadOnly);
    assert_eq!(
        verdict(&boss, &chat, ChatAction::Transfer),
        Verdict::ReadOnly
    );
}

#[test]
fn a_personal_transfer_is_taken_or_declined_by_its_target_only() {
    let chat = transferred_by_1(to_agent(3));
    let target = load(3, &[]);
    let bystander = load(2, &[10]);
    let sender = load(1, &[10]);
    assert_eq!(verdict(&target, &chat, ChatAction::Take), Verdict::Allowed);
    assert_eq!(
        verdict(&target, &chat, ChatAction::DeclineTransfer),
        Verdict::Allowed
    );
    assert_eq!(
        verdict(&bystander, &chat, ChatAction::Take),
        Verdict::Hidden
    );
    assert_eq!(verdict(&sender, &chat, ChatAction::Read), Verdict::Allowed);
    assert_eq!(verdict(&sender, &chat, ChatAction::Take), Verdict::ReadOnly);
    assert_eq!(
        verdict(&sender, &chat, ChatAction::DeclineTransfer),
        Verdict::ReadOnly
    );
}

#[test]
fn a_skill_transfer_is_taken_by_agents_of_the_skill_other_than_the_sender() {
    let chat = transferred_by_1(TransferTarget::Skill {
        id: SkillId(10),
        name: "Sales".into(),
    });
    assert_eq!(
        verdict(&load(2, &[10]), &chat, ChatAction::Take),
        Verdict::Allowed
    );
    assert_eq!(
        verdict(&load(3, &[11]), &chat, ChatAction::Take),
        Verdict::Hidden
    );
    assert_eq!(
        verdict(&load(1, &[10]), &chat, ChatAction::Take),
        Verdict::ReadOnly
    );
    assert_eq!(
        verdict(&load(2, &[10]), &chat, ChatAction::DeclineTransfer),
        Verdict::ReadOnly,
        "only personal transfers are declined"
    );
}

#[test]
fn a_personal_transfer_is_taken_by_its_target_whatever_their_presence() {
    let chat = transferred_by_1(to_agent(3));
    for presence in [
        crate::Availability::Away,
        crate::Availability::Offline,
        crate::Availability::Occupied,
    ] {
        let mut target = load(3, &[]);
        target.agent.availability = presence;
        assert_eq!(
            verdict(&target, &chat, ChatAction::Take),
            Verdict::Allowed,
            "{presence}"
        );
        assert_eq!(
            verdict(&target, &chat, ChatAction::DeclineTransfer),
            Verdict::Allowed,
            "{presence}"
        );
    }
}

#[test]
fn a_session_is_deleted_by_its_handler_its_creator_or_an_admin_only() {
    let mut opened = waiting_chat(Some(10));
    opened.request.opened_by = Some(AgentId(5));
    let creator = load(5, &[]);
    assert_eq!(
        verdict(&creator, &opened, ChatAction::Read),
        Verdict::Allowed
    );
    assert_eq!(
        verdict(&creator, &opened, ChatAction::Delete),
        Verdict::Allowed
    );
    assert_eq!(
        verdict(&admin(9), &opened, ChatAction::Delete),
        Verdict::Allowed
    );
    let member = load(2, &[10]);
    assert_eq!(
        verdict(&member, &opened, ChatAction::Delete),
        Verdict::ReadOnly,
        "a colleague it rings for may read it, not delete it"
    );
    assert_eq!(
        verdict(&load(1, &[10]), &chatting_with_1(), ChatAction::Delete),
        Verdict::Allowed
    );
    assert_eq!(
        verdict(&load(2, &[]), &opened, ChatAction::Delete),
        Verdict::Hidden
    );
}

#[test]
fn a_waiting_chat_is_taken_by_online_agents_of_its_skill() {
    let chat = waiting_chat(Some(10));
    let mut away = load(2, &[10]);
    away.agent.availability = crate::Availability::Away;
    assert_eq!(
        verdict(&load(2, &[10]), &chat, ChatAction::Take),
        Verdict::Allowed
    );
    assert_eq!(verdict(&away, &chat, ChatAction::Take), Verdict::Hidden);
    assert_eq!(
        verdict(&admin(9), &chat, ChatAction::Take),
        Verdict::ReadOnly
    );
}

#[test]
fn an_agent_of_another_account_may_not_read_even_as_admin() {
    let chat = chatting_with_1();
    let mut stranger = admin(1);
    stranger.agent.account = crate::AccountId::parse("2000").expect("id");
    assert_eq!(verdict(&stranger, &chat, ChatAction::Read), Verdict::Hidden);
}

#[test]
fn a_session_list_shows_queue_details_to_skill_members_but_not_a_colleagues_chat() {
    let mut offline = load(2, &[10]);
    offline.agent.availability = crate::Availability::Offline;
    assert!(may_see_queue_details(&offline, &waiting_chat(Some(10))));
    assert!(!may_see_queue_details(
        &load(3, &[11]),
        &waiting_chat(Some(10))
    ));
    assert!(!may_see_queue_details(&load(2, &[10]), &chatting_with_1()));
    assert!(!may_see_queue_details(
        &load(2, &[10]),
        &transferred_by_1(to_agent(3))
    ));
}

#[test]
fn a_session_list_shows_the_key_only_to_readers_and_to_agents_whose_queue_it_waits_in() {
    let chatting = chatting_with_1();
    let waiting = waiting_chat(Some(10));

    assert_eq!(disclosure(&load(1, &[10]), &chatting), ChatDisclosure::Full);
    assert_eq!(
        disclosure(&load(2, &[10]), &chatting),
        ChatDisclosure::Outline
    );
    assert_eq!(
        disclosure(&load(3, &[20]), &waiting),
        ChatDisclosure::Outline
    );
    assert_ne!(
        disclosure(&load(2, &[10]), &waiting),
        ChatDisclosure::Outline
    );
    assert_eq!(disclosure(&admin(9), &chatting), ChatDisclosure::Full);
}

#[test]
fn only_admins_other_than_the_handler_collaborate_and_a_writer_posts_lines() {
    use crate::chat::{ChatCommand, CollaborationMode, TextType};
    let mut chat = chatting_with_1();
    assert_eq!(
        verdict(&admin(9), &chat, ChatAction::Collaborate),
        Verdict::Allowed
    );
    assert_eq!(
        verdict(&load(1, &[10]), &chat, ChatAction::Collaborate),
        Verdict::ReadOnly,
        "the handler does not supervise their own chat"
    );
    assert_eq!(
        verdict(&load(2, &[10]), &chat, ChatAction::Collaborate),
        Verdict::Hidden
    );
    let line = |id: i64| ChatCommand::PostLine {
        author: crate::Actor::Agent {
            id: AgentId(id),
            name: format!("Agent{id}"),
        },
        text: "hello".into(),
        text_type: TextType::Plain,
        json: None,
        sub_type: crate::LineSubType::Regular,
    };
    let ctx = Default::default();
    let join = |mode| ChatCommand::Collaborate {
        agent: assigned(9),
        mode,
    };
    let changes = chat
        .decide(join(Some(CollaborationMode::Listen)), &ctx)
        .expect("joins");
    chat.apply_changes(changes, crate::Timestamp(2_000), crate::GlobalSeq(10));
    assert!(
        chat.decide(line(9), &ctx).is_err(),
        "a listener writes nothing"
    );
    assert!(
        chat.decide(join(Some(CollaborationMode::Listen)), &ctx)
            .is_err(),
        "same mode twice"
    );
    let changes = chat
        .decide(join(Some(CollaborationMode::Write)), &ctx)
        .expect("switches");
    chat.apply_changes(changes, crate::Timestamp(2_100), crate::GlobalSeq(11));
    assert!(chat.decide(line(9), &ctx).is_ok(), "a writer posts lines");
    assert!(
        chat.decide(
            ChatCommand::End {
                by: crate::Actor::Agent {
                    id: AgentId(9),
                    name: "Agent9".into()
                }
            },
            &ctx
        )
        .is_err(),
        "but does not end the chat"
    );
    let changes = chat.decide(join(None), &ctx).expect("leaves");
    chat.apply_changes(changes, crate::Timestamp(2_200), crate::GlobalSeq(12));
    assert!(chat.collaborators.is_empty());
    assert!(chat.decide(join(None), &ctx).is_err(), "not taking part");
    assert!(
        chat.decide(
            ChatCommand::Collaborate {
                agent: assigned(1),
                mode: Some(CollaborationMode::Listen)
            },
            &ctx
        )
        .is_err()
    );
}

#[test]
fn a_supervisor_who_joined_reads_the_chat_while_taking_part() {
    let mut chat = chatting_with_1();
    let colleague = load(2, &[10]);
    assert!(!may_read(&colleague, &chat));
    chat.collaborators.push(crate::chat::Collaborator {
        agent: assigned(2),
        mode: crate::chat::CollaborationMode::Listen,
    });
    assert!(may_read(&colleague, &chat));
}
