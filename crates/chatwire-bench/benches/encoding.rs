//! Criterion benches of LivePerson response encoding: a page of 100 line events (the agent
//! `events` resource) rendered by chatwire-api's public `liveperson::views` and `wire`:
//! - `lp_events_page_100/infoset`: engine events → the XML infoset (`Elem`);
//! - `lp_events_page_100/json`: infoset → mapped JSON text (what `LpReply` sends for JSON);
//! - `lp_events_page_100/xml`: infoset → XML text.
//!
//! Run: `cargo bench -p chatwire-bench --bench encoding`.

#![expect(missing_docs, reason = "criterion generates the bench entry points")]

use std::hint::black_box;
use std::time::Duration;

use chatwire_api::liveperson::views::View;
use chatwire_api::liveperson::views::events::{EventIds, EventView};
use chatwire_api::liveperson::wire::{
    Elem, JsonOptions, KeyStyle, to_json_with, to_xml, write_json,
};
use chatwire_engine::core::{
    AccountId, AgentId, Chat, ChatEvent, ChatKey, ChatNum, ChatRequest, EventId, EventKind,
    GlobalSeq, Line, LineSource, LineSubType, NewChat, TextType, Timestamp,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const CHAT: &str = "http://127.0.0.1:8080/api/account/1000/agentSession/1234567890/chat/H1K2";

/// 100 lines alternating visitor and agent, with text that needs XML escaping now and then.
fn events() -> Vec<ChatEvent> {
    (0..100u32)
        .map(|i| {
            let agent = i % 2 == 1;
            ChatEvent {
                id: EventId(i),
                seq: GlobalSeq(10_000 + i64::from(i)),
                at: Timestamp(1_700_000_000_000 + i64::from(i) * 1500),
                kind: EventKind::Line(Line {
                    text: if i % 10 == 0 {
                        format!("Order #{i} <urgent> & \"soon\"")
                    } else {
                        format!("Line {i}: how can I help you with your order today?")
                    },
                    text_type: TextType::Plain,
                    json: None,
                    by: if agent { "Agent Three" } else { "visitor" }.to_owned(),
                    source: if agent {
                        LineSource::Agent
                    } else {
                        LineSource::Visitor
                    },
                    system_message: None,
                    sub_type: LineSubType::Regular,
                    agent: agent.then_some(AgentId(3)),
                    special: None,
                }),
            }
        })
        .collect()
}

/// The chat the events belong to (an event view names it only in account transfers).
fn chat() -> Chat {
    let new = NewChat {
        key: ChatKey::from_random(1, 2, 3),
        account: AccountId::parse("1000").expect("account"),
        skill: None,
        visitor_name: "visitor".into(),
        visitor_id: 1,
        chat_timeout_secs: 40,
        pre_chat_lines: Vec::new(),
        preferred_agent: None,
        request: ChatRequest::default(),
    };
    Chat::open(new, ChatNum(1), Timestamp(0)).expect("open").0
}

/// The agent `events` resource over `events` (as `views::events::EventsPage` builds it).
fn page(events: &[ChatEvent], chat: &Chat) -> Elem {
    Elem::new("events")
        .child(Elem::link(format!("{CHAT}/events"), "self"))
        .child(Elem::link(format!("{CHAT}/events?from=100"), "next"))
        .children(events.iter().map(|event| {
            EventView {
                event,
                ids: EventIds::Attribute,
                chat,
                base: "http://127.0.0.1:8080",
            }
            .render()
        }))
}

const OPTS: JsonOptions<'static> = JsonOptions {
    style: KeyStyle::Attributes,
    unwrap_root: false,
    lists: &[],
};

/// What the server sends: the infoset written straight to bytes.
fn json(root: &Elem) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 * 1024);
    write_json(root, OPTS, &mut out);
    out
}

/// The reference path (a `serde_json::Value` tree, then text), kept for comparison.
fn json_via_value(root: &Elem) -> String {
    to_json_with(root, OPTS).to_string()
}

fn encoding(c: &mut Criterion) {
    let events = events();
    let chat = chat();
    let root = page(&events, &chat);
    let mut group = c.benchmark_group("lp_events_page_100");
    group.throughput(Throughput::Elements(100));
    group.bench_function("infoset", |b| b.iter(|| page(black_box(&events), &chat)));
    group.bench_function("json", |b| b.iter(|| json(black_box(&root))));
    group.bench_function("json_via_value", |b| {
        b.iter(|| json_via_value(black_box(&root)))
    });
    group.bench_function("xml", |b| b.iter(|| to_xml(black_box(&root))));
    group.finish();
    eprintln!(
        "page sizes: JSON {} bytes, XML {} bytes",
        json(&root).len(),
        to_xml(&root).len()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = encoding
}
criterion_main!(benches);
