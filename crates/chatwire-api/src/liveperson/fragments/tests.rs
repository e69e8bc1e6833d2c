//! The cache's bounds and its validity rule for a chatting chat's `duration`.

use super::*;

/// A waiting chat, read with no events; other tests of the caches change what they need.
pub(super) fn chat_view() -> ChatView {
    use chatwire_engine::core::{Chat, ChatNum, ChatRequest, NewChat};
    let new = NewChat {
        key: ChatKey::from_random(1, 2, 3),
        account: AccountId::parse("1").expect("account"),
        skill: None,
        visitor_name: "v".into(),
        visitor_id: 1,
        chat_timeout_secs: 40,
        pre_chat_lines: vec![],
        preferred_agent: None,
        request: ChatRequest::default(),
    };
    let (chat, _) = Chat::open(new, ChatNum(1), Timestamp(1)).expect("open");
    ChatView {
        chat: chat.into(),
        events: vec![],
        next: EventId(0),
    }
}

#[test]
fn readers_choosing_cursors_and_hosts_cannot_grow_the_cache_past_its_bounds() {
    // Arrange: a small cache, and readers that each pick a new cursor and base URL.
    let cache = FragmentCache::with_bounds(64, 100_000);
    let view = chat_view();
    let account = AccountId::parse("1").expect("account");
    let extras = InfoExtras::default();

    // Act: 2,000 distinct readers, each rendering 3 KB.
    for i in 0..2_000_u32 {
        let base = format!("http://host{i}");
        let reader = Reader {
            account: &account,
            side: Side::Agent,
            asid: Some(1),
            base: &base,
            format: Format::Xml,
            ids: EventIds::Attribute,
            from: EventId(i),
        };
        cache.get_or_render(&reader, &view, &extras, || vec![b'x'; 3_000]);
    }

    // Assert
    let (entries, bytes) = cache.held();
    assert!(entries <= 64, "{entries} entries");
    assert!(bytes <= 100_000, "{bytes} bytes");
    assert_eq!(bytes, entries * 3_000, "the byte count is exact");
}

#[test]
fn a_rendering_larger_than_an_entry_may_be_is_served_but_not_kept() {
    let cache = FragmentCache::with_bounds(64, 100_000);
    let view = chat_view();
    let account = AccountId::parse("1").expect("account");
    let reader = Reader {
        account: &account,
        side: Side::Visitor,
        asid: None,
        base: "http://h",
        format: Format::Json,
        ids: EventIds::Attribute,
        from: EventId(0),
    };
    let served = cache.get_or_render(&reader, &view, &InfoExtras::default(), || {
        vec![b'y'; 200_000]
    });
    assert_eq!(served.len(), 200_000);
    assert_eq!(cache.held(), (0, 0));
}

#[test]
fn a_chatting_chat_is_valid_until_its_duration_ticks() {
    let mut view = chat_view();
    std::sync::Arc::make_mut(&mut view.chat).accepted_at = Some(Timestamp(10_000));
    assert_eq!(
        valid_until(&view, Timestamp(10_000)),
        Some(Timestamp(11_000))
    );
    assert_eq!(
        valid_until(&view, Timestamp(12_999)),
        Some(Timestamp(13_000))
    );
    assert_eq!(
        valid_until(&view, Timestamp(9_000)),
        Some(Timestamp(11_000))
    );
    let mut ended = view;
    std::sync::Arc::make_mut(&mut ended.chat).ended_at = Some(Timestamp(20_000));
    assert_eq!(valid_until(&ended, Timestamp(30_000)), None);
}
