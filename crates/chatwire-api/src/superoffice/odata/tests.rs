//! Unit tests of the OData option readers: precedence, literals by column, and the 400s.

use chatwire_engine::core::ChatState;
use chatwire_engine::core::chat_query::ChatField;

use super::*;

fn cmp(field: ChatField, op: Cmp, value: FieldValue) -> ChatFilter {
    ChatFilter::Compare(field, op, value)
}

fn message(e: ApiError) -> String {
    match e {
        ApiError::BadRequest(m) => m,
        other => panic!("expected a 400, got {other:?}"),
    }
}

#[test]
fn and_binds_tighter_than_or_and_parentheses_and_not_group() {
    let f = parse_filter("chatSessionId eq 1 or chatSessionId eq 2 and status eq 'Closed'")
        .expect("filter");
    let one = cmp(ChatField::Num, Cmp::Eq, FieldValue::Int(1));
    let two = cmp(ChatField::Num, Cmp::Eq, FieldValue::Int(2));
    let closed = cmp(
        ChatField::State,
        Cmp::Eq,
        FieldValue::State(ChatState::Ended),
    );
    assert_eq!(
        f,
        ChatFilter::Or(
            Box::new(one.clone()),
            Box::new(two.clone().and(closed.clone()))
        )
    );
    let g = parse_filter("NOT (chatSessionId eq 1 OR chatSessionId eq 2) and status eq 'closed'")
        .expect("filter");
    let either = ChatFilter::Or(Box::new(one), Box::new(two));
    assert_eq!(g, ChatFilter::Not(Box::new(either)).and(closed));
}

#[test]
fn literals_are_typed_by_their_column() {
    let at = |s: &str| parse_date(s).expect("date");
    assert_eq!(
        parse_filter("whenRequested ge datetime'2024-01-31T08:00:00'").expect("f"),
        cmp(
            ChatField::RequestedAt,
            Cmp::Ge,
            FieldValue::Time(at("2024-01-31T08:00:00Z"))
        )
    );
    assert_eq!(
        parse_filter("WhenEnded lt 2024-02-01").expect("f"),
        cmp(
            ChatField::EndedAt,
            Cmp::Lt,
            FieldValue::Time(at("2024-02-01T00:00:00Z"))
        )
    );
    assert_eq!(at("2024-01-31T09:00:00+01:00"), at("2024-01-31T08:00:00"));
    assert_eq!(
        parse_filter("customerName eq 'O''Brien'").expect("f"),
        cmp(
            ChatField::VisitorName,
            Cmp::Eq,
            FieldValue::Text("O'Brien".into())
        )
    );
    assert_eq!(
        parse_filter("topicId eq 0").expect("f"),
        cmp(ChatField::Skill, Cmp::Eq, FieldValue::Null),
        "topic 0 is no topic"
    );
    assert_eq!(
        parse_filter("whenEnded ne null").expect("f"),
        cmp(ChatField::EndedAt, Cmp::Ne, FieldValue::Null)
    );
}

#[test]
fn bad_filters_are_400s_that_name_the_problem() {
    for (text, says) in [
        ("nosuch eq 1", "unknown column 'nosuch'"),
        (
            "customerName begins 'A'",
            "operator 'begins' is not supported",
        ),
        ("chatSessionId eq 'x'", "needs an integer"),
        ("whenRequested gt 'yesterday'", "needs a date"),
        (
            "status eq 'CustomerLast'",
            "status takes 'InQueue' or 'Closed'",
        ),
        ("status gt 'Closed'", "takes only eq and ne"),
        ("firstMessage eq 'hi'", "cannot be filtered"),
        ("(chatSessionId eq 1", "not closed"),
        (
            "chatSessionId eq 1 chatSessionId",
            "after a complete expression",
        ),
        ("customerName eq 'open", "not closed"),
        ("chatSessionId eq", "needs a value"),
    ] {
        let m = message(parse_filter(text).expect_err(text));
        assert!(m.contains(says), "{text}: {m}");
    }
}

#[test]
fn order_and_counts_read_or_refuse() {
    assert_eq!(
        parse_order("whenEnded desc, chatSessionId").expect("order"),
        vec![
            ChatOrder {
                field: ChatField::EndedAt,
                descending: true
            },
            ChatOrder {
                field: ChatField::Num,
                descending: false
            }
        ]
    );
    assert!(message(parse_order("duration").expect_err("x")).contains("cannot be sorted"));
    assert!(message(parse_order("status sideways").expect_err("x")).contains("neither asc"));
    assert_eq!(count("$top", Some("5")).expect("top"), Some(5));
    assert!(count("$top", Some("-1")).is_err());
    assert_eq!(count("$skip", None).expect("skip"), None);
}

#[test]
fn hostile_filters_are_400s_not_a_deep_recursion() {
    let refused = |f: &str| match parse_filter(f) {
        Err(ApiError::BadRequest(why)) => why,
        other => panic!("{f:.60}: want a 400, got {other:?}"),
    };
    let deep = format!(
        "{}chatSessionId eq 1{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    assert!(refused(&deep).contains("longer than"));
    let deep = format!("{}chatSessionId eq 1{}", "(".repeat(17), ")".repeat(17));
    assert!(refused(&deep).contains("nested"));
    assert!(refused(&"not ".repeat(17)).contains("nested"));
    let chain = vec!["chatSessionId eq 1"; 65].join(" or ");
    assert!(refused(&chain).contains("comparisons"));
    let ok = format!("{}chatSessionId eq 1{}", "(".repeat(16), ")".repeat(16));
    assert!(parse_filter(&ok).is_ok());
    assert!(parse_filter(&vec!["chatSessionId eq 1"; 64].join(" and ")).is_ok());
}
