//! Engine tests of the session archive: which chats an agent may list, open and ended, and
//! how much of each they are shown.

use chatwire_core::access::ChatDisclosure;
use chatwire_core::chat_query::{ChatField, ChatFilter, Cmp, FieldValue};

use super::fixture;
use crate::{ArchivePage, MAX_ARCHIVE_PAGE};

#[tokio::test]
async fn agents_list_what_they_handled_and_the_open_chats_of_their_skills() {
    // Arrange: A (Sales) picked up and ended by agent2; B (Sales) picked up by agent1;
    // C (Support) waiting.
    let f = fixture().await;
    let (agent1, agent2, agent3) = (f.agents[0], f.agents[1], f.agents[2]);
    let a = f.request("Sales").await;
    f.engine
        .pick_up(&f.caller(agent2), &a)
        .await
        .expect("pick A");
    f.engine
        .close_session(&f.caller(agent2), &a)
        .await
        .expect("end A");
    let b = f.request("Sales").await;
    f.engine
        .pick_up(&f.caller(agent1), &b)
        .await
        .expect("pick B");
    let c = f.request("Support").await;
    let list = |agent, filter| {
        let page = ArchivePage {
            filter,
            limit: MAX_ARCHIVE_PAGE + 10,
            with_events: true,
            ..ArchivePage::default()
        };
        let who = f.caller(agent);
        let engine = f.engine.clone();
        async move {
            let views = engine.session_archive(&who, page).await.expect("archive");
            views
                .into_iter()
                .map(|v| (v.chat.key, v.disclosure, !v.events.is_empty()))
                .collect::<Vec<_>>()
        }
    };

    // Act
    let of_agent2 = list(agent2, None).await;
    let of_agent3 = list(agent3, None).await;
    let ended = ChatFilter::Compare(ChatField::EndedAt, Cmp::Ne, FieldValue::Null);
    let ended_of_agent1 = list(agent1, Some(ended)).await;

    // Assert: agent2 sees their ended chat whole and a colleague's Sales chat in outline.
    assert_eq!(
        of_agent2,
        [
            (a, ChatDisclosure::Full, true),
            (b, ChatDisclosure::Outline, false)
        ]
    );
    // C rings for agent3 (Online, Support): an agent it is routed to may read it.
    assert_eq!(of_agent3, [(c, ChatDisclosure::Full, true)]);
    assert!(
        ended_of_agent1.is_empty(),
        "agent1 handled nothing that ended"
    );
}
