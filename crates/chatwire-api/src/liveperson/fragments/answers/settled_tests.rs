//! When a poll answered in pieces of the kept answer settles its session on a new order.

use super::tests::{account, keep_body, poller, read};
use super::*;

#[test]
fn an_order_is_settled_on_when_polled_twice_in_a_row_in_pieces() {
    // Arrange: a kept answer of agent session 7.
    let answers = PollAnswers::default();
    let account = account();
    let who = poller(&account, 7, "http://h", Format::Json);
    keep_body(&answers, &who, &[read(1, 5, false), read(2, 9, false)]);

    // Act / Assert: each query answered in pieces once is not settled on; the same query
    // again right after is; another session, or none kept, never is.
    assert!(!answers.settled_on(&who, "keys=2,1"), "a first time");
    assert!(
        !answers.settled_on(&who, "keys=1,2,x"),
        "another query between"
    );
    assert!(!answers.settled_on(&who, "keys=2,1"), "not twice in a row");
    assert!(answers.settled_on(&who, "keys=2,1"), "twice in a row");
    answers.last(&who).expect("kept").served_whole();
    assert!(
        !answers.settled_on(&who, "keys=2,1"),
        "the kept answer served whole between"
    );
    let entries = [read(1, 5, false), read(2, 9, false)];
    keep_body(&answers, &who, &entries);
    assert!(!answers.settled_on(&who, "keys=2,1"));
    assert!(answers.reuse(&who, &entries, Timestamp(0)).is_some());
    assert!(!answers.settled_on(&who, "keys=2,1"), "reused between");
    let other = poller(&account, 8, "http://h", Format::Json);
    assert!(!answers.settled_on(&other, "keys=2,1"));
    assert!(
        !answers.settled_on(&other, "keys=2,1"),
        "no answer kept for it"
    );
    keep_body(&answers, &who, &[read(1, 5, false)]);
    assert!(
        !answers.settled_on(&who, "keys=2,1"),
        "a new kept answer starts afresh"
    );
}
