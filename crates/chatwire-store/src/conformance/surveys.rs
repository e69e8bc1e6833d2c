//! Conformance: survey definitions and responses.

use chatwire_core::Timestamp;

use super::{account, new_chat};
use crate::{Store, StoreError};

/// Surveys: definitions per account, responses per chat.
pub async fn run_surveys(store: &dyn Store) {
    use chatwire_core::chat::SurveyAnswer;
    use chatwire_core::survey::{
        Entry, Question, QuestionType, Survey, SurveyKind, SurveyResponse,
    };
    let acc = account(store, "q").await;
    let other = account(store, "p").await;
    let def = Survey {
        id: 0,
        account: acc.clone(),
        kind: SurveyKind::Agent,
        name: "wrap-up".into(),
        title: "Wrap-up".into(),
        header: "How did it go?".into(),
        questions: vec![Question {
            id: 1,
            logic_id: None,
            order: 0,
            mandatory: true,
            kind: QuestionType::Radio,
            validation: None,
            label: "Resolved?".into(),
            entries: vec![Entry {
                value: "yes".into(),
                display_value: "Yes".into(),
                checked: false,
                show_logic_ids: vec![],
            }],
        }],
        skill: None,
        active: true,
    };
    let stored = store.create_survey(&def).await.expect("create survey");
    assert!(stored.id > 0);
    assert_eq!(
        Survey {
            id: 0,
            ..stored.clone()
        },
        def
    );
    assert_eq!(
        store.list_surveys(&acc).await.expect("list"),
        vec![stored.clone()]
    );
    assert!(store.list_surveys(&other).await.expect("list").is_empty());

    let key = store
        .create_chat(new_chat(&acc, None, 77), Timestamp(1))
        .await
        .expect("chat")
        .chat
        .key;
    let response = SurveyResponse {
        survey: stored.id,
        kind: SurveyKind::Agent,
        account: acc.clone(),
        chat: Some(key.clone()),
        agent: None,
        answers: vec![SurveyAnswer {
            question: "1".into(),
            answers: vec!["yes".into()],
        }],
        context: vec![("skill".into(), "Sales".into())],
        submitted_at: Timestamp(5),
    };
    store.save_survey_response(&response).await.expect("save");
    let offline = SurveyResponse {
        chat: None,
        kind: SurveyKind::Offline,
        ..response.clone()
    };
    store
        .save_survey_response(&offline)
        .await
        .expect("save offline");
    assert_eq!(
        store
            .survey_responses(&acc, Some(&key))
            .await
            .expect("by chat"),
        vec![response.clone()]
    );
    assert_eq!(
        store.survey_responses(&acc, None).await.expect("all").len(),
        2
    );
    assert!(
        store
            .survey_responses(&other, None)
            .await
            .expect("other")
            .is_empty()
    );
    let foreign = SurveyResponse {
        account: other.clone(),
        ..response
    };
    assert!(
        matches!(
            store.save_survey_response(&foreign).await,
            Err(StoreError::NotFound(_))
        ),
        "a survey of another account"
    );

    // Definitions change in place; one with responses cannot be deleted, one without can.
    let mut changed = stored.clone();
    changed.title = "Wrap-up, v2".into();
    changed.kind = SurveyKind::Exit;
    changed.active = false;
    changed.skill = Some(chatwire_core::SkillId(77));
    store.update_survey(&changed).await.expect("update");
    assert_eq!(
        store.list_surveys(&acc).await.expect("list"),
        vec![changed.clone()]
    );
    let stolen = Survey {
        account: other.clone(),
        ..changed.clone()
    };
    assert!(matches!(
        store.update_survey(&stolen).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.delete_survey(&other, stored.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.delete_survey(&acc, stored.id).await,
        Err(StoreError::Conflict(_))
    ));
    let unused = store.create_survey(&def).await.expect("create another");
    store.delete_survey(&acc, unused.id).await.expect("delete");
    assert!(matches!(
        store.delete_survey(&acc, unused.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.list_surveys(&acc).await.expect("list"), vec![changed]);
}
