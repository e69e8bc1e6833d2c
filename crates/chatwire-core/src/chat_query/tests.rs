//! Unit tests of the chat query: scope, filter semantics (unset fields, `not`), order and page.

use super::*;
use crate::chat::AssignedAgent;
use crate::chat::test_support::waiting_chat;
use crate::{AccountId, ChatNum};

fn chat(num: i64, skill: Option<i64>, started: i64) -> Chat {
    let mut c = waiting_chat(skill);
    c.num = ChatNum(num);
    c.started_at = Timestamp(started);
    c
}

fn handled_by(mut c: Chat, agent: i64, ended: Option<i64>) -> Chat {
    c.agent = Some(AssignedAgent {
        id: AgentId(agent),
        name: format!("a{agent}"),
    });
    c.accepted_at = Some(Timestamp(c.started_at.0 + 10));
    c.state = ChatState::Chatting;
    if let Some(at) = ended {
        c.state = ChatState::Ended;
        c.ended_at = Some(Timestamp(at));
    }
    c
}

fn query(account: &AccountId, filter: Option<ChatFilter>) -> ChatQuery {
    ChatQuery {
        account: account.clone(),
        scope: ChatScope::Account,
        filter,
        order: Vec::new(),
        skip: 0,
        limit: 100,
    }
}

fn nums(chats: &[Chat]) -> Vec<i64> {
    chats.iter().map(|c| c.num.0).collect()
}

#[test]
fn unset_fields_fail_every_comparison_and_null_asks_for_them() {
    // Arrange: chat 1 open (no end), chat 2 ended at 500.
    let open = chat(1, Some(10), 100);
    let ended = handled_by(chat(2, Some(10), 200), 7, Some(500));
    let account = open.account.clone();
    let all = [open, ended];
    let run = |f: ChatFilter| nums(&query(&account, Some(f)).run(&all));
    let ended_at = |op, v| ChatFilter::Compare(ChatField::EndedAt, op, v);

    // Act / Assert
    assert_eq!(run(ended_at(Cmp::Ne, FieldValue::Time(Timestamp(1)))), [2]);
    assert_eq!(
        run(ended_at(Cmp::Lt, FieldValue::Time(Timestamp(9_999)))),
        [2]
    );
    assert_eq!(run(ended_at(Cmp::Eq, FieldValue::Null)), [1]);
    assert_eq!(run(ended_at(Cmp::Ne, FieldValue::Null)), [2]);
    let not_ended_before = ChatFilter::Not(Box::new(ended_at(
        Cmp::Lt,
        FieldValue::Time(Timestamp(9_999)),
    )));
    assert_eq!(run(not_ended_before), [1]);
}

#[test]
fn and_or_combine_and_dates_compare_as_instants() {
    let a = chat(1, Some(10), 100);
    let b = chat(2, Some(11), 200);
    let c = chat(3, None, 300);
    let account = a.account.clone();
    let all = [a, b, c];
    let after_150 = ChatFilter::Compare(
        ChatField::RequestedAt,
        Cmp::Gt,
        FieldValue::Time(Timestamp(150)),
    );
    let skill_10 = ChatFilter::Compare(ChatField::Skill, Cmp::Eq, FieldValue::Int(10));
    let either = ChatFilter::Or(Box::new(after_150.clone()), Box::new(skill_10));
    let no_skill = ChatFilter::Compare(ChatField::Skill, Cmp::Eq, FieldValue::Null);

    assert_eq!(nums(&query(&account, Some(either)).run(&all)), [1, 2, 3]);
    assert_eq!(
        nums(&query(&account, Some(after_150.and(no_skill))).run(&all)),
        [3]
    );
}

#[test]
fn order_puts_unset_first_breaks_ties_by_number_and_pages() {
    let a = handled_by(chat(1, Some(10), 100), 7, Some(900));
    let b = chat(2, Some(10), 100);
    let c = handled_by(chat(3, Some(10), 100), 7, Some(400));
    let account = a.account.clone();
    let all = [c, a, b];
    let mut q = query(&account, None);
    q.order = vec![ChatOrder {
        field: ChatField::EndedAt,
        descending: false,
    }];
    assert_eq!(nums(&q.run(&all)), [2, 3, 1]);
    q.order[0].descending = true;
    assert_eq!(nums(&q.run(&all)), [1, 3, 2]);
    q.order[0].field = ChatField::RequestedAt;
    assert_eq!(
        nums(&q.run(&all)),
        [1, 2, 3],
        "equal keys: number ascending"
    );
    q.skip = 1;
    q.limit = 1;
    assert_eq!(nums(&q.run(&all)), [2]);
}

#[test]
fn an_agent_scope_holds_their_chats_and_open_chats_of_their_skills() {
    let mine_ended = handled_by(chat(1, Some(99), 100), 7, Some(500));
    let others_ended = handled_by(chat(2, Some(10), 100), 8, Some(500));
    let queued_in_my_skill = chat(3, Some(10), 100);
    let queued_elsewhere = chat(4, Some(99), 100);
    let queued_no_skill = chat(5, None, 100);
    let account = mine_ended.account.clone();
    let all = [
        mine_ended,
        others_ended,
        queued_in_my_skill,
        queued_elsewhere,
        queued_no_skill,
    ];
    let mut q = query(&account, None);
    q.scope = ChatScope::Agent {
        agent: AgentId(7),
        skills: vec![SkillId(10)],
    };
    assert_eq!(nums(&q.run(&all)), [1, 3, 5]);
    let mut other_account = query(&AccountId::parse("other").expect("id"), None);
    other_account.scope = ChatScope::Account;
    assert!(other_account.run(&all).is_empty());
}
