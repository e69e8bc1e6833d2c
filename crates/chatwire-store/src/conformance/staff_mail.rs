//! Staff mail checks: staff addresses per account and skill, an offline message saved with its
//! notice (both or neither), and the waiting alert (only while the chat waits, one per chat
//! however many callers race). Notices are due at once, unlike transcripts.
//!
//! `due_mail` is server-wide, so every assertion here looks only at this run's own mails.

use chatwire_core::chat::SurveyAnswer;
use chatwire_core::survey::{Survey, SurveyKind, SurveyResponse};
use chatwire_core::{
    AccountId, ChatKey, MailId, MailKind, OutboxMail, SkillId, StaffAddresses, Timestamp,
};

use super::{accept, account, agent, new_chat};
use crate::{NewSkill, Store, StoreError};

fn offline_survey(account: &AccountId) -> Survey {
    Survey {
        id: 0,
        account: account.clone(),
        kind: SurveyKind::Offline,
        name: "leave-a-message".into(),
        title: "Leave a message".into(),
        header: String::new(),
        questions: vec![],
        skill: None,
        active: true,
    }
}

fn response(account: &AccountId, survey: i64) -> SurveyResponse {
    SurveyResponse {
        survey,
        kind: SurveyKind::Offline,
        account: account.clone(),
        chat: None,
        agent: None,
        answers: vec![SurveyAnswer {
            question: "1".into(),
            answers: vec!["Please call me back".into()],
        }],
        context: vec![],
        submitted_at: Timestamp(10),
    }
}

fn notice(account: &AccountId, kind: MailKind, chat: Option<&ChatKey>) -> OutboxMail {
    OutboxMail::notice(
        account.clone(),
        kind,
        chat.cloned(),
        "desk@example.com",
        "Staff notice",
        Timestamp(10),
    )
    .expect("valid notice")
}

/// This run's mails of `account` due at `now`.
async fn due_of(store: &dyn Store, account: &AccountId, now: i64) -> Vec<OutboxMail> {
    store
        .due_mail(Timestamp(now), 10_000)
        .await
        .expect("due mail")
        .into_iter()
        .filter(|m| &m.account == account)
        .collect()
}

/// Addresses, offline message with notice, waiting alert once.
pub async fn run_staff_mail(store: &dyn Store) {
    addresses(store).await;
    offline_with_notice(store).await;
    waiting_alert(store).await;
    erasure_takes_the_notices(store).await;
    erasing_the_staff_address_keeps_what_it_was_alerted_about(store).await;
}

/// Erasing a person by e-mail finds their chats by transcripts sent to them, never by staff
/// notices: erasing the staff address itself leaves the chats it was alerted about, and the
/// notices about others, where they are.
async fn erasing_the_staff_address_keeps_what_it_was_alerted_about(store: &dyn Store) {
    use chatwire_core::history::VisitorRef;

    let acc = account(store, "sx").await;
    let waiting = store
        .create_chat(new_chat(&acc, None, 611), Timestamp(1_000))
        .await
        .expect("chat")
        .chat
        .key;
    let alert = store
        .raise_waiting_alert(&notice(&acc, MailKind::WaitingAlert, Some(&waiting)))
        .await
        .expect("raise")
        .expect("raised");

    let erased = store
        .erase_visitor(&acc, &VisitorRef::Email("Desk@Example.com".into()))
        .await
        .expect("nothing of theirs is open: the alerted chat is not theirs");

    assert!(erased.chats.is_empty() && erased.mails == 0, "{erased:?}");
    assert!(store.get_chat(&acc, &waiting).await.is_ok(), "chat kept");
    let due: Vec<MailId> = due_of(store, &acc, 10).await.iter().map(|m| m.id).collect();
    assert_eq!(due, vec![alert], "the alert about another visitor is kept");
}

async fn addresses(store: &dyn Store) {
    let acc = account(store, "sa").await;
    let other = account(store, "sb").await;
    let skill = |account: &AccountId, name: &str| NewSkill {
        account: account.clone(),
        name: name.into(),
        description: String::new(),
        welcome_message: String::new(),
    };
    let sales = store
        .create_skill(&skill(&acc, "Sales"))
        .await
        .expect("skill");
    let foreign = store
        .create_skill(&skill(&other, "Sales"))
        .await
        .expect("skill");
    assert_eq!(
        store.staff_addresses(&acc).await.expect("none yet"),
        StaffAddresses::default()
    );
    store
        .set_staff_address(&acc, None, Some("desk@example.com"))
        .await
        .expect("account's");
    store
        .set_staff_address(&acc, Some(sales.id), Some("sales@example.com"))
        .await
        .expect("skill's");
    let set = store.staff_addresses(&acc).await.expect("read");
    assert_eq!(set.account.as_deref(), Some("desk@example.com"));
    assert_eq!(set.skills, vec![(sales.id, "sales@example.com".to_owned())]);
    assert_eq!(set.for_skill(Some(sales.id)), Some("sales@example.com"));
    assert_eq!(set.for_skill(Some(SkillId(-1))), Some("desk@example.com"));
    assert_eq!(
        store.staff_addresses(&other).await.expect("other"),
        StaffAddresses::default(),
        "one account's addresses are not another's"
    );
    assert!(matches!(
        store
            .set_staff_address(&acc, Some(foreign.id), Some("x@example.com"))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let nobody = AccountId::parse("nosuchacct").expect("id");
    assert!(matches!(
        store
            .set_staff_address(&nobody, None, Some("x@example.com"))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.staff_addresses(&nobody).await,
        Err(StoreError::NotFound(_))
    ));
    store
        .set_staff_address(&acc, Some(sales.id), None)
        .await
        .expect("clear");
    store
        .set_staff_address(&acc, None, None)
        .await
        .expect("clear");
    assert_eq!(
        store.staff_addresses(&acc).await.expect("cleared"),
        StaffAddresses::default()
    );
}

async fn offline_with_notice(store: &dyn Store) {
    let acc = account(store, "so").await;
    let other = account(store, "sp").await;
    let survey = store
        .create_survey(&offline_survey(&acc))
        .await
        .expect("survey");
    let notice = notice(&acc, MailKind::OfflineMessage, None);
    let id = store
        .save_offline_with_notice(&response(&acc, survey.id), &notice)
        .await
        .expect("saved");
    let listed = store
        .offline_messages(&acc, false, None, 10)
        .await
        .expect("offline list");
    assert_eq!(listed.iter().map(|m| m.id).collect::<Vec<_>>(), vec![id]);
    // Due at once (no chat to end), naming the message the list shows.
    let due = due_of(store, &acc, 10).await;
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(
        (due[0].kind, due[0].chat.as_ref(), due[0].offline),
        (MailKind::OfflineMessage, None, Some(id))
    );
    assert_eq!(due[0].to, "desk@example.com");

    // A message that is refused leaves no notice (and the other way round).
    let foreign = response(&other, survey.id);
    let refused = store
        .save_offline_with_notice(
            &foreign,
            &self::notice(&other, MailKind::OfflineMessage, None),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::NotFound(_))),
        "{refused:?}"
    );
    assert!(due_of(store, &other, 10).await.is_empty());
    assert!(
        store
            .offline_messages(&other, false, None, 10)
            .await
            .expect("list")
            .is_empty()
    );
}

async fn waiting_alert(store: &dyn Store) {
    let acc = account(store, "sw").await;
    let create = |seed| store.create_chat(new_chat(&acc, None, seed), Timestamp(1_000));
    let waiting = create(601).await.expect("chat").chat.key;
    let accepted = create(602).await.expect("chat").chat.key;
    let transcript_chat = create(603).await.expect("chat").chat.key;
    let bob = agent(store, &acc, &super::unique("bob"), vec![], 4).await;
    store
        .execute(&acc, &accepted, accept(&bob), Timestamp(1_001))
        .await
        .expect("accept");

    // A transcript of an open chat is still not due: notices change nothing for transcripts.
    let transcript = OutboxMail::transcript(
        acc.clone(),
        transcript_chat.clone(),
        "v@example.com",
        "Transcript",
        None,
        Timestamp(10),
    )
    .expect("valid");
    let transcript = store.enqueue_mail(&transcript).await.expect("queued");

    let first = store
        .raise_waiting_alert(&notice(&acc, MailKind::WaitingAlert, Some(&waiting)))
        .await
        .expect("raise");
    assert!(first.is_some());
    let again = store
        .raise_waiting_alert(&notice(&acc, MailKind::WaitingAlert, Some(&waiting)))
        .await
        .expect("raise again");
    assert_eq!(again, None, "one alert per chat");
    let late = store
        .raise_waiting_alert(&notice(&acc, MailKind::WaitingAlert, Some(&accepted)))
        .await
        .expect("raise for an accepted chat");
    assert_eq!(late, None, "a chat no longer waiting raises none");

    let due: Vec<MailId> = due_of(store, &acc, 10).await.iter().map(|m| m.id).collect();
    assert_eq!(due, vec![first.expect("raised")]);
    assert!(!due.contains(&transcript));
    let of_chat = store.mail_of_chat(&acc, &waiting).await.expect("of chat");
    assert_eq!(of_chat.len(), 1);
    assert_eq!(of_chat[0].kind, MailKind::WaitingAlert);

    let gone = chatwire_core::ChatKey::from_random(9, 9, 9);
    assert!(matches!(
        store
            .raise_waiting_alert(&notice(&acc, MailKind::WaitingAlert, Some(&gone)))
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Callers racing for one chat (two nodes' sweeps) raise one alert between them.
    let raced = create(604).await.expect("chat").chat.key;
    let alert = notice(&acc, MailKind::WaitingAlert, Some(&raced));
    let tries = (0..6).map(|_| store.raise_waiting_alert(&alert));
    let raised = futures::future::join_all(tries)
        .await
        .into_iter()
        .map(|r| r.expect("raise"))
        .filter(Option::is_some)
        .count();
    assert_eq!(raised, 1);
}

/// Erasing a visitor's offline messages takes their notices too, pending or filed in the
/// local mailbox: a notice repeats the visitor's name, address and words.
async fn erasure_takes_the_notices(store: &dyn Store) {
    use chatwire_core::history::VisitorRef;
    use chatwire_core::{MailboxId, MailboxMail};

    let acc = account(store, "se").await;
    let survey = store
        .create_survey(&offline_survey(&acc))
        .await
        .expect("survey");
    let mut theirs = response(&acc, survey.id);
    theirs.answers.push(SurveyAnswer {
        question: "2".into(),
        answers: vec!["nat@example.com".into()],
    });
    let notice = notice(&acc, MailKind::OfflineMessage, None);
    for _ in 0..2 {
        store
            .save_offline_with_notice(&theirs, &notice)
            .await
            .expect("saved");
    }
    let someone_else = store
        .save_offline_with_notice(&response(&acc, survey.id), &notice)
        .await
        .expect("saved");
    let filed = due_of(store, &acc, 10).await.remove(0);
    store
        .deliver_to_mailbox(&MailboxMail {
            id: MailboxId::default(),
            account: acc.clone(),
            outbox: filed.id,
            chat: None,
            from: "chatwire <noreply@localhost>".into(),
            to: filed.to.clone(),
            subject: filed.subject.clone(),
            text: "Nat, nat@example.com".into(),
            html: "<pre>Nat</pre>".into(),
            delivered_at: Timestamp(11),
        })
        .await
        .expect("filed");

    let erased = store
        .erase_visitor(&acc, &VisitorRef::Email("NAT@example.com".into()))
        .await
        .expect("erase");

    assert_eq!(
        (erased.offline_messages, erased.mails, erased.mailbox_mails),
        (2, 2, 1)
    );
    assert!(
        store
            .mailbox(&acc, MailboxId(0), 10)
            .await
            .expect("mailbox")
            .is_empty()
    );
    let left: Vec<Option<i64>> = due_of(store, &acc, 10)
        .await
        .iter()
        .map(|m| m.offline)
        .collect();
    assert_eq!(
        left,
        vec![Some(someone_else)],
        "another visitor's notice stays"
    );
}
