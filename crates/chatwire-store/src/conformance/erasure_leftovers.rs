//! Conformance: what a deletion could leave behind. Retention also sweeps the offline
//! messages (survey responses about no chat, holding e-mail addresses and text), and a survey
//! submitted for a deleted chat is refused instead of bringing data about it back.

use chatwire_core::history::{Erased, VisitorRef};
use chatwire_core::survey::SurveyKind;
use chatwire_core::{AccountId, ChatKey, Timestamp};

use super::account;
use super::history::{HOUR, chat, response, survey};
use crate::{Store, StoreError};

/// A response about no chat of `kind`, submitted at `at`.
async fn chatless(store: &dyn Store, acc: &AccountId, kind: SurveyKind, answer: &str, at: i64) {
    let id = survey(store, acc, kind).await;
    let r = chatwire_core::SurveyResponse {
        submitted_at: Timestamp(at),
        ..response(acc, id, kind, None, answer, None)
    };
    store.save_survey_response(&r).await.expect("response");
}

/// Retention steps delete the account's chat-less survey responses submitted before the
/// cutoff, oldest first, at most a batch per step, counted; younger ones, other accounts' and
/// those of chats kept stay.
pub async fn run_retention_offline(store: &dyn Store) {
    let acc = account(store, "r").await;
    let other = account(store, "s").await;
    let base = 1_700_000_000_000;
    let cutoff = Timestamp(base);
    chatless(
        store,
        &acc,
        SurveyKind::Offline,
        "a@example.com",
        base - 3 * HOUR,
    )
    .await;
    chatless(store, &acc, SurveyKind::Offline, "call me", base - 2 * HOUR).await;
    chatless(store, &acc, SurveyKind::Exit, "4", base - HOUR).await;
    chatless(store, &acc, SurveyKind::Offline, "young", base + HOUR).await;
    chatless(
        store,
        &other,
        SurveyKind::Offline,
        "theirs",
        base - 3 * HOUR,
    )
    .await;
    let old = chat(store, &acc, 961, base - 2 * HOUR, 61, None, &["x"], true).await;
    let open = chat(store, &acc, 962, base - 2 * HOUR, 62, None, &["y"], false).await;
    let exit = survey(store, &acc, SurveyKind::Exit).await;
    for key in [&old, &open] {
        let r = chatwire_core::SurveyResponse {
            submitted_at: Timestamp(base - 2 * HOUR),
            ..response(&acc, exit, SurveyKind::Exit, Some(key), "5", None)
        };
        store.save_survey_response(&r).await.expect("exit");
    }

    let first = store.sweep_retention(&acc, cutoff, 2).await.expect("sweep");
    assert_eq!(first.chats, std::slice::from_ref(&old));
    assert_eq!(
        (
            first.survey_responses,
            first.offline_messages,
            first.chatless_responses
        ),
        (3, 2, 2),
        "the chat's exit survey and the two oldest offline messages"
    );
    let second = store.sweep_retention(&acc, cutoff, 2).await.expect("sweep");
    assert!(second.chats.is_empty());
    assert_eq!(
        (
            second.survey_responses,
            second.offline_messages,
            second.chatless_responses
        ),
        (1, 0, 1),
        "a chat-less exit survey counts as a response, not an offline message"
    );
    assert_eq!(
        store.sweep_retention(&acc, cutoff, 2).await.expect("sweep"),
        Erased::default(),
        "nothing left"
    );
    let left: Vec<String> = store
        .offline_messages(&acc, false, None, 10)
        .await
        .expect("offline")
        .into_iter()
        .flat_map(|m| m.response.answers.into_iter().flat_map(|a| a.answers))
        .collect();
    assert_eq!(left, ["young"], "younger messages stay");
    assert_eq!(
        store
            .offline_messages(&other, false, None, 10)
            .await
            .expect("other")
            .len(),
        1,
        "other accounts' stay"
    );
    assert_eq!(
        store
            .survey_responses(&acc, Some(&open))
            .await
            .expect("open")
            .len(),
        1,
        "an open chat's responses stay with it"
    );
}

/// A survey about a chat that no longer exists (deleted, erased, another account's, never
/// made) is refused with `NotFound("chat")` and stores nothing.
pub async fn run_survey_after_delete(store: &dyn Store) {
    let acc = account(store, "d").await;
    let other = account(store, "o").await;
    let base = 1_700_000_000_000;
    let exit = survey(store, &acc, SurveyKind::Exit).await;
    let acc2 = acc.clone();
    let save = move |key: Option<&ChatKey>| {
        let r = response(&acc2, exit, SurveyKind::Exit, key, "5", None);
        async move { store.save_survey_response(&r).await }
    };
    let deleted = chat(store, &acc, 971, base, 71, None, &["x"], true).await;
    let erased = chat(store, &acc, 972, base, 72, None, &["y"], true).await;
    let kept = chat(store, &acc, 973, base, 73, None, &["z"], true).await;
    let theirs = chat(store, &other, 974, base, 74, None, &["w"], true).await;
    store.delete_chat(&acc, &deleted).await.expect("delete");
    store
        .erase_visitor(&acc, &VisitorRef::Id(72))
        .await
        .expect("erase");
    let never = super::chat_key(975);
    for key in [&deleted, &erased, &theirs, &never] {
        assert!(
            matches!(save(Some(key)).await, Err(StoreError::NotFound("chat"))),
            "{key:?}"
        );
        assert!(
            store
                .survey_responses(&acc, Some(key))
                .await
                .expect("none")
                .is_empty()
        );
    }
    save(Some(&kept)).await.expect("a chat that exists");
    save(None).await.expect("no chat");
    assert_eq!(
        store.survey_responses(&acc, None).await.expect("all").len(),
        2
    );
}
