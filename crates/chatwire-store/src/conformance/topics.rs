//! Conformance: skill edits and deletes, SuperOffice topic settings.

use chatwire_core::{DayHours, SkillId, TopicSettings};

use super::{account, agent};
use crate::{NewSkill, Store, StoreError};

fn new_skill(account: &chatwire_core::AccountId, name: &str) -> NewSkill {
    NewSkill {
        account: account.clone(),
        name: name.into(),
        description: format!("{name} questions"),
        welcome_message: String::new(),
    }
}

/// Skills are renamed and deleted per account; a delete removes the skill from agents and its
/// settings, and its id is never given to a new skill; settings are opaque documents.
pub async fn run_topics(store: &dyn Store) {
    // Arrange
    let acc = account(store, "t").await;
    let other = account(store, "u").await;
    let sales = store
        .create_skill(&new_skill(&acc, "Sales"))
        .await
        .expect("sales");
    let support = store
        .create_skill(&new_skill(&acc, "Support"))
        .await
        .expect("support");
    let member = agent(store, &acc, "topic_agent", vec![sales.id, support.id], 2).await;

    // Act / Assert: edits.
    let renamed = chatwire_core::Skill {
        name: "Sales EMEA".into(),
        welcome_message: "Hej!".into(),
        ..sales.clone()
    };
    store.update_skill(&renamed).await.expect("rename");
    let listed = store.list_skills(&acc).await.expect("list");
    assert_eq!(listed.iter().find(|s| s.id == sales.id), Some(&renamed));
    let clash = chatwire_core::Skill {
        name: "support".into(),
        ..renamed.clone()
    };
    assert!(matches!(
        store.update_skill(&clash).await,
        Err(StoreError::Conflict(_))
    ));
    let foreign = chatwire_core::Skill {
        account: other.clone(),
        ..renamed.clone()
    };
    assert!(matches!(
        store.update_skill(&foreign).await,
        Err(StoreError::NotFound(_))
    ));

    // Settings: absent, stored, replaced, scoped by account.
    assert_eq!(
        store.topic_settings(&acc, sales.id).await.expect("none"),
        None
    );
    let mut settings = TopicSettings {
        opening_hours_enabled: true,
        extra: r#"{"Widget":{"Color":"red"}}"#.into(),
        ..TopicSettings::default()
    };
    settings.opening_hours.utc_offset_minutes = -90;
    settings.opening_hours.time_zone = Some("America/St_Johns".into());
    settings.opening_hours.days[2] = DayHours {
        enabled: true,
        start: 3600,
        stop: 7200,
    };
    settings.opening_hours.lunch = Some((5000, 6000));
    let default = TopicSettings::default();
    store
        .put_topic_settings(&acc, sales.id, &default)
        .await
        .expect("put");
    store
        .put_topic_settings(&acc, sales.id, &settings)
        .await
        .expect("replace");
    let read = store.topic_settings(&acc, sales.id).await.expect("read");
    assert_eq!(read, Some(settings));
    let foreign = store.topic_settings(&other, sales.id).await;
    assert!(matches!(foreign, Err(StoreError::NotFound(_))));
    let missing = store
        .put_topic_settings(&acc, SkillId(i64::MAX), &default)
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))));

    // Deletes.
    assert!(matches!(
        store.delete_skill(&other, support.id).await,
        Err(StoreError::NotFound(_))
    ));
    store.delete_skill(&acc, support.id).await.expect("delete");
    let left: Vec<SkillId> = store
        .list_skills(&acc)
        .await
        .expect("list")
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(left, [sales.id]);
    let member = store.get_agent(&acc, member.id).await.expect("agent");
    assert_eq!(member.skills, [sales.id]);
    assert!(matches!(
        store.delete_skill(&acc, support.id).await,
        Err(StoreError::NotFound(_))
    ));
    store
        .delete_skill(&acc, sales.id)
        .await
        .expect("delete the newest");
    assert!(matches!(
        store.topic_settings(&acc, sales.id).await,
        Err(StoreError::NotFound(_))
    ));
    let again = store
        .create_skill(&new_skill(&acc, "Sales"))
        .await
        .expect("name is free again");
    assert!(
        again.id.0 > sales.id.0.max(support.id.0),
        "deleted ids are not reused"
    );
}
