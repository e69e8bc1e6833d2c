//! Conformance: history search splits lines into words the way `search_words` splits a query
//! (at every character that is not a letter or digit), so e-mail addresses, dotted names,
//! version numbers and hyphenated words are found by a part and by the whole on every store.

use chatwire_core::history::{HistoryQuery, search_words};
use chatwire_core::{AccountId, ChatKey};

use super::account;
use super::history::chat;
use crate::Store;

async fn found(store: &dyn Store, acc: &AccountId, q: &str) -> Vec<ChatKey> {
    let mut query = HistoryQuery::new(acc.clone(), 50);
    query.words = search_words(q);
    let mut keys: Vec<ChatKey> = store
        .search_chats(&query)
        .await
        .expect("search")
        .into_iter()
        .map(|c| c.key)
        .collect();
    keys.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    keys
}

/// Lines holding an e-mail address, a dotted name, a version and a hyphenated word: each is
/// found by any of its parts and by the whole, and a part never matches a longer word.
pub async fn run_history_words(store: &dyn Store) {
    let acc = account(store, "w").await;
    let base = 1_700_000_000_000;
    let mail = chat(
        store,
        &acc,
        951,
        base,
        51,
        None,
        &["Please write to Bob.Smith@Example.com today"],
        true,
    )
    .await;
    let named = chat(
        store,
        &acc,
        952,
        base + 1,
        52,
        None,
        &["ask j.doe about release 1.2.3"],
        true,
    )
    .await;
    let hyphen = chat(
        store,
        &acc,
        953,
        base + 2,
        53,
        None,
        &["a well-known e-mail issue"],
        true,
    )
    .await;
    let one = |k: &ChatKey| vec![k.clone()];
    for q in [
        "example",
        "EXAMPLE.COM",
        "bob.smith@example.com",
        "smith",
        "bob example",
        "com",
    ] {
        assert_eq!(found(store, &acc, q).await, one(&mail), "{q}");
    }
    for q in ["doe", "j.doe", "j", "1.2.3", "2", "release 3"] {
        assert_eq!(found(store, &acc, q).await, one(&named), "{q}");
    }
    for q in ["well-known", "known", "well", "e-mail", "mail issue"] {
        assert_eq!(found(store, &acc, q).await, one(&hyphen), "{q}");
    }
    for q in ["exam", "wellknown", "smith@example.org", "123", "email"] {
        assert!(found(store, &acc, q).await.is_empty(), "{q}");
    }
}
