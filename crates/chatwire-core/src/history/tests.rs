use super::*;

#[test]
fn words_are_lowercased_runs_of_letters_and_digits() {
    assert_eq!(
        search_words("Refund, ORDER#42 refund"),
        ["refund", "order", "42"]
    );
    assert!(search_words("  ,;  ").is_empty());
    assert_eq!(search_words("a b c d e f g h i j").len(), MAX_SEARCH_WORDS);
}

#[test]
fn a_line_matches_when_it_holds_every_word() {
    let w = search_words("order refund");
    assert!(line_matches("Where is my refund for the order?", &w));
    assert!(!line_matches("Where is my refund?", &w));
    assert!(!line_matches("orders refunded", &w));
}

#[test]
fn cursor_round_trips_and_orders_newest_first() {
    let c = HistoryCursor {
        requested_at: Timestamp(1000),
        num: ChatNum(7),
    };
    assert_eq!(HistoryCursor::parse(&c.encode()), Some(c));
    assert_eq!(HistoryCursor::parse("x.1"), None);
    assert_eq!(HistoryCursor::parse("17"), None);
}

fn fact(req: i64, acc: Option<i64>, end: Option<i64>, skill: i64) -> ChatFact {
    ChatFact {
        skill: Some(SkillId(skill)),
        agent: None,
        requested_at: Timestamp(req),
        accepted_at: acc.map(Timestamp),
        ended_at: end.map(Timestamp),
        lines: 2,
        score_sum: 0.0,
        score_count: 0,
    }
}

#[test]
fn aggregate_counts_missed_and_percentiles() {
    let facts = [
        fact(0, Some(1_000), Some(61_000), 1),
        fact(10, Some(3_010), None, 1),
        fact(20, None, Some(40_000), 2),
        fact(3_600_000, None, None, 2),
    ];
    let total = aggregate(&facts, StatsBy::Total);
    assert_eq!(total.len(), 1);
    let t = &total[0];
    assert_eq!((t.requested, t.accepted, t.missed, t.lines), (4, 2, 1, 8));
    assert_eq!(t.wait_p50_ms, Some(1_000));
    assert_eq!(t.wait_p90_ms, Some(3_000));
    assert_eq!(t.handle_avg_ms, Some(60_000));
    let hours = aggregate(&facts, StatsBy::Hour);
    assert_eq!(hours.len(), 2);
    assert_eq!(hours[1].key, StatsKey::Period(Timestamp(3_600_000)));
    assert_eq!(aggregate(&[], StatsBy::Total)[0].requested, 0);
    assert!(aggregate(&[], StatsBy::Skill).is_empty());
}

#[test]
fn percentile_is_nearest_rank() {
    let v: Vec<i64> = (1..=10).collect();
    assert_eq!(percentile(&v, 50), Some(5));
    assert_eq!(percentile(&v, 90), Some(9));
    assert_eq!(percentile(&v, 100), Some(10));
    assert_eq!(percentile(&[], 50), None);
}
