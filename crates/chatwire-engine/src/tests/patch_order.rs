//! An availability patch from another node that arrives after this node wrote the same agent
//! later (its write waited on the other's row lock) must not put the older value back.

use chatwire_core::{Availability, Timestamp};
use chatwire_store::{Store, Wakeup};

use super::fixture;

#[tokio::test]
async fn a_late_patch_for_an_earlier_remote_commit_does_not_undo_a_local_write() {
    let f = fixture().await;
    let id = f.agents[1];
    // A has the directory cached (agent Online).
    f.engine.agent(&f.account, id).await.expect("cached");

    // Node B commits Away first (T1); its hint has not reached A yet.
    let mut b_view = f.store.get_agent(&f.account, id).await.expect("agent");
    b_view.availability = Availability::Away;
    f.store
        .update_agent(&b_view, Timestamp(1))
        .await
        .expect("T1");

    // Node A then commits Occupied (T2, after T1: the row lock orders them).
    f.engine
        .set_availability(&f.account, id, Availability::Occupied)
        .await
        .expect("T2");

    // T1's hint is delivered to A only now.
    f.engine
        .on_wakeup(Wakeup::Availability {
            account: f.account.clone(),
            agent: id,
            availability: Availability::Away,
        })
        .await;

    let stored = f.store.get_agent(&f.account, id).await.expect("stored");
    let cached = f.engine.agent(&f.account, id).await.expect("cached");
    assert_eq!(stored.availability, Availability::Occupied);
    assert_eq!(
        cached.availability, stored.availability,
        "the cache holds the store's value"
    );
}
