//! Conformance: the chat query (the SuperOffice `ChatSession` archive): scope, every field and
//! operator, unset fields, `not`, order with ties and unset values, and paging. Every backend
//! must answer exactly what `ChatQuery::run` answers in memory.

use chatwire_core::chat::AssignedAgent;
use chatwire_core::chat_query::{
    ChatField, ChatFilter, ChatOrder, ChatQuery, ChatScope, Cmp, FieldValue,
};
use chatwire_core::{AccountId, Actor, Chat, ChatCommand, ChatState, Timestamp, TransferTarget};

use super::{accept, account, agent, new_chat};
use crate::{NewSkill, Store};

fn skill(account: &AccountId, name: &str) -> NewSkill {
    NewSkill {
        account: account.clone(),
        name: name.into(),
        description: String::new(),
        welcome_message: String::new(),
    }
}

fn cmp(field: ChatField, op: Cmp, value: FieldValue) -> ChatFilter {
    ChatFilter::Compare(field, op, value)
}

fn at(ms: i64) -> FieldValue {
    FieldValue::Time(Timestamp(ms))
}

/// Chats of two accounts in every state answer each filter, order, scope and page alike.
pub async fn run_chat_queries(store: &dyn Store) {
    // Arrange: c1 (Sales) accepted by x, renamed Bob, ended; c2 (Support) waiting; c3 (no
    // skill) accepted by y and transferred by y to x personally; a chat of another account.
    let acc = account(store, "q").await;
    let other = account(store, "r").await;
    let sales = store
        .create_skill(&skill(&acc, "Sales"))
        .await
        .expect("sales");
    let support = store
        .create_skill(&skill(&acc, "Support"))
        .await
        .expect("support");
    let x = agent(store, &acc, "query_x", vec![sales.id], 5).await;
    let y = agent(store, &acc, "query_y", vec![support.id], 5).await;
    let run = |cmd: ChatCommand, chat: &Chat, now: i64| {
        let key = chat.key.clone();
        let acc = acc.clone();
        async move { store.execute(&acc, &key, cmd, Timestamp(now)).await }
    };
    let c1 = store
        .create_chat(new_chat(&acc, Some(sales.id), 901), Timestamp(1_000))
        .await
        .expect("c1")
        .chat;
    run(accept(&x), &c1, 2_000).await.expect("accept c1");
    run(ChatCommand::SetVisitorName("Bob".into()), &c1, 2_500)
        .await
        .expect("rename");
    let end = ChatCommand::End {
        by: Actor::Agent {
            id: x.id,
            name: x.nickname.clone(),
        },
    };
    run(end, &c1, 3_000).await.expect("end c1");
    let c2 = store
        .create_chat(new_chat(&acc, Some(support.id), 902), Timestamp(1_500))
        .await
        .expect("c2")
        .chat;
    let c3 = store
        .create_chat(new_chat(&acc, None, 903), Timestamp(1_600))
        .await
        .expect("c3")
        .chat;
    run(accept(&y), &c3, 1_700).await.expect("accept c3");
    let transfer = ChatCommand::Transfer {
        by: AssignedAgent {
            id: y.id,
            name: y.nickname.clone(),
        },
        target: TransferTarget::Agent {
            id: x.id,
            name: x.nickname.clone(),
        },
        text: String::new(),
    };
    run(transfer, &c3, 1_800).await.expect("transfer c3");
    store
        .create_chat(new_chat(&other, None, 904), Timestamp(1_000))
        .await
        .expect("foreign chat");
    let (n1, n2, n3) = (c1.num.0, c2.num.0, c3.num.0);
    let all_scope = ChatQuery {
        account: acc.clone(),
        scope: ChatScope::Account,
        filter: None,
        order: Vec::new(),
        skip: 0,
        limit: 50,
    };
    let nums = |q: ChatQuery| async move {
        let chats = store.query_chats(&q).await.expect("query");
        chats.iter().map(|c| c.num.0).collect::<Vec<_>>()
    };
    let filtered = |f: ChatFilter| ChatQuery {
        filter: Some(f),
        ..all_scope.clone()
    };

    // Act / Assert: scope and account.
    assert_eq!(nums(all_scope.clone()).await, [n1, n2, n3]);
    let ended = store
        .query_chats(&filtered(cmp(
            ChatField::State,
            Cmp::Eq,
            FieldValue::State(ChatState::Ended),
        )))
        .await
        .expect("ended");
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].visitor_name, "Bob", "whole chats come back");

    // Unset fields, dates, text, `not`, `and`, `or`.
    let ended_at = |op, v| cmp(ChatField::EndedAt, op, v);
    assert_eq!(
        nums(filtered(ended_at(Cmp::Ne, FieldValue::Null))).await,
        [n1]
    );
    assert_eq!(
        nums(filtered(ended_at(Cmp::Eq, FieldValue::Null))).await,
        [n2, n3]
    );
    assert_eq!(nums(filtered(ended_at(Cmp::Lt, at(9_000)))).await, [n1]);
    let not_early = ChatFilter::Not(Box::new(ended_at(Cmp::Le, at(3_000))));
    assert_eq!(nums(filtered(not_early)).await, [n2, n3]);
    let window = cmp(ChatField::RequestedAt, Cmp::Ge, at(1_500)).and(cmp(
        ChatField::RequestedAt,
        Cmp::Lt,
        at(1_600),
    ));
    assert_eq!(nums(filtered(window)).await, [n2]);
    let bob = cmp(
        ChatField::VisitorName,
        Cmp::Eq,
        FieldValue::Text("Bob".into()),
    );
    assert_eq!(nums(filtered(bob.clone())).await, [n1]);
    assert_eq!(
        nums(filtered(ChatFilter::Not(Box::new(bob)))).await,
        [n2, n3]
    );
    let sales_or_none = ChatFilter::Or(
        Box::new(cmp(ChatField::Skill, Cmp::Eq, FieldValue::Int(sales.id.0))),
        Box::new(cmp(ChatField::Skill, Cmp::Eq, FieldValue::Null)),
    );
    assert_eq!(nums(filtered(sales_or_none)).await, [n1, n3]);
    let open = cmp(
        ChatField::State,
        Cmp::Ne,
        FieldValue::State(ChatState::Ended),
    );
    assert_eq!(nums(filtered(open)).await, [n2, n3]);
    assert_eq!(
        nums(filtered(cmp(ChatField::AcceptedAt, Cmp::Gt, at(1_000)))).await,
        [n1, n3]
    );
    assert_eq!(
        nums(filtered(cmp(
            ChatField::Agent,
            Cmp::Eq,
            FieldValue::Int(x.id.0)
        )))
        .await,
        [n1]
    );
    assert_eq!(
        nums(filtered(cmp(ChatField::Num, Cmp::Ge, FieldValue::Int(n2)))).await,
        [n2, n3]
    );

    // Order (unset first ascending, number breaks ties) and page.
    let ordered = |field, descending| ChatQuery {
        order: vec![ChatOrder { field, descending }],
        ..all_scope.clone()
    };
    assert_eq!(
        nums(ordered(ChatField::RequestedAt, true)).await,
        [n3, n2, n1]
    );
    assert_eq!(nums(ordered(ChatField::EndedAt, false)).await, [n2, n3, n1]);
    assert_eq!(nums(ordered(ChatField::EndedAt, true)).await, [n1, n2, n3]);
    assert_eq!(
        nums(ordered(ChatField::VisitorName, false)).await,
        [n1, n2, n3]
    );
    let page = ChatQuery {
        skip: 1,
        limit: 1,
        ..ordered(ChatField::EndedAt, false)
    };
    assert_eq!(nums(page).await, [n3]);

    // Agent scopes: what they handled, transfers to or from them, open chats of their queues.
    let scoped = |agent, skills| ChatQuery {
        scope: ChatScope::Agent { agent, skills },
        ..all_scope.clone()
    };
    assert_eq!(nums(scoped(x.id, vec![sales.id])).await, [n1, n3]);
    assert_eq!(nums(scoped(y.id, vec![support.id])).await, [n2, n3]);
    assert_eq!(
        nums(scoped(chatwire_core::AgentId(-1), Vec::new())).await,
        [n3]
    );
}
