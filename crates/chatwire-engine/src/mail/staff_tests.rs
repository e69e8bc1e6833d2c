//! Staff notices over the in-memory store with a hand-moved clock: where an offline message's
//! notice goes (skill, account, nowhere) and what it says; the waiting alert (once, never with
//! an agent online, never for a chat accepted or ended before the sweep).

use std::sync::Arc;

use chatwire_core::chat::SurveyAnswer;
use chatwire_core::survey::{Question, QuestionType, Survey, SurveyKind, SurveyResponse};
use chatwire_core::{
    AccountId, Actor, Availability, MailKind, MailboxId, OutboxMail, SkillId, Timestamp,
};
use chatwire_store::memory::MemoryStore;
use chatwire_store::{Store, SurveyStore};

use crate::{
    AgentPrincipal, ChatRequestInput, Engine, EngineConfig, ManualClock, NewAgentInput,
    NewSkillInput,
};

struct Fixture {
    engine: Engine,
    store: Arc<MemoryStore>,
    clock: Arc<ManualClock>,
    account: AccountId,
    sales: SkillId,
}

async fn fixture() -> Fixture {
    let store = Arc::new(MemoryStore::new());
    let clock = Arc::new(ManualClock::new(Timestamp(1_700_000_000_000)));
    let engine = Engine::with_clock(store.clone(), EngineConfig::default(), clock.clone());
    let account = engine
        .create_account("1000", "Demo")
        .await
        .expect("account")
        .id;
    let sales = engine
        .create_skill(
            &account,
            NewSkillInput {
                name: "Sales".into(),
                description: String::new(),
                welcome_message: String::new(),
            },
        )
        .await
        .expect("skill")
        .id;
    Fixture {
        engine,
        store,
        clock,
        account,
        sales,
    }
}

impl Fixture {
    async fn offline(&self) -> SurveyResponse {
        let question = |id, label: &str| Question {
            id,
            logic_id: None,
            order: 0,
            mandatory: false,
            kind: QuestionType::TextField,
            validation: None,
            label: label.into(),
            entries: vec![],
        };
        let survey = self
            .store
            .create_survey(&Survey {
                id: 0,
                account: self.account.clone(),
                kind: SurveyKind::Offline,
                name: "leave".into(),
                title: "Leave a message".into(),
                header: String::new(),
                questions: vec![
                    question(1, "Your name"),
                    question(2, "E-mail"),
                    question(3, "Message"),
                ],
                skill: None,
                active: true,
            })
            .await
            .expect("survey");
        let answer = |q: &str, a: &str| SurveyAnswer {
            question: q.into(),
            answers: vec![a.into()],
        };
        SurveyResponse {
            survey: survey.id,
            kind: SurveyKind::Offline,
            account: self.account.clone(),
            chat: None,
            agent: None,
            answers: vec![
                answer("1", "Ada Lovelace"),
                answer("2", "ada@example.com"),
                answer("3", "Please call back"),
            ],
            context: vec![("skill".into(), "Sales".into())],
            submitted_at: self.engine.now(),
        }
    }

    async fn due(&self) -> Vec<OutboxMail> {
        self.store
            .due_mail(Timestamp(i64::MAX), 100)
            .await
            .expect("due")
    }

    async fn set(&self, skill: Option<SkillId>, to: &str) {
        self.store
            .set_staff_address(&self.account, skill, Some(to))
            .await
            .expect("address");
    }
}

#[tokio::test]
async fn an_offline_message_mails_the_skill_else_the_account_else_nobody() {
    let f = fixture().await;
    let response = f.offline().await;

    // No address anywhere: the message is kept, no mail.
    f.engine
        .save_offline_message(&response, Some(f.sales))
        .await
        .expect("saved");
    assert!(f.due().await.is_empty());

    // The account's address when the skill has none.
    f.set(None, "desk@example.com").await;
    f.engine
        .save_offline_message(&response, Some(f.sales))
        .await
        .expect("saved");
    let due = f.due().await;
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].to, "desk@example.com");
    assert_eq!(due[0].kind, MailKind::OfflineMessage);
    assert_eq!(due[0].subject, "New offline message (Sales)");

    // The skill's own address wins.
    f.set(Some(f.sales), "sales@example.com").await;
    f.engine
        .save_offline_message(&response, Some(f.sales))
        .await
        .expect("saved");
    let due = f.due().await;
    assert_eq!(
        due.iter().map(|m| m.to.as_str()).collect::<Vec<_>>(),
        vec!["desk@example.com", "sales@example.com"]
    );
}

#[tokio::test]
async fn an_offline_notice_in_the_mailbox_says_who_what_where_when_and_its_id() {
    let f = fixture().await;
    f.set(None, "desk@example.com").await;
    let response = f.offline().await;
    f.engine
        .save_offline_message(&response, Some(f.sales))
        .await
        .expect("saved");
    let mail = f.due().await.pop().expect("queued");
    let id = mail.offline.expect("names its message");

    f.engine
        .deliver_locally(&mail)
        .await
        .map_err(|e| e.error)
        .expect("delivered");

    let filed = f
        .store
        .mailbox(&f.account, MailboxId(0), 10)
        .await
        .expect("mailbox");
    assert_eq!(filed.len(), 1);
    let text = &filed[0].text;
    for want in [
        "Name: Ada Lovelace",
        "E-mail: ada@example.com",
        "Message: Please call back",
        "Skill: Sales",
        "Received: 2023-11-14 22:13:20 UTC",
        &format!("Offline message id: {id}"),
    ] {
        assert!(text.contains(want), "{want:?} missing from {text}");
    }
    assert_eq!(filed[0].chat, None);
    assert!(f.due().await.is_empty(), "sent once");
}

#[tokio::test]
async fn a_long_wait_with_nobody_online_raises_one_alert_only() {
    let f = fixture().await;
    f.set(None, "desk@example.com").await;
    let key = f
        .engine
        .request_chat(&f.account, ChatRequestInput::default())
        .await
        .expect("chat")
        .chat
        .key;

    f.clock.advance_ms(299_000);
    assert_eq!(f.engine.sweep_waiting_alerts().await, 0, "not yet");
    f.clock.advance_ms(1_000);
    assert_eq!(f.engine.sweep_waiting_alerts().await, 1);
    f.clock.advance_ms(600_000);
    assert_eq!(f.engine.sweep_waiting_alerts().await, 0, "never twice");
    // Not twice even from a node that has not seen it (a fresh engine on the same store).
    let other = Engine::with_clock(f.store.clone(), EngineConfig::default(), f.clock.clone());
    assert_eq!(other.sweep_waiting_alerts().await, 0);

    let due = f.due().await;
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].kind, due[0].chat.as_ref()),
        (MailKind::WaitingAlert, Some(&key))
    );
    f.engine
        .deliver_locally(&due[0])
        .await
        .map_err(|e| e.error)
        .expect("delivered");
    let filed = f
        .store
        .mailbox(&f.account, MailboxId(0), 10)
        .await
        .expect("mailbox");
    assert!(
        filed[0].text.contains("waited 5 minutes"),
        "{}",
        filed[0].text
    );
}

#[tokio::test]
async fn no_alert_with_an_agent_online_or_for_a_chat_accepted_or_ended_first() {
    let f = fixture().await;
    f.set(None, "desk@example.com").await;
    let agent = f
        .engine
        .create_agent(
            &f.account,
            NewAgentInput {
                login_name: "bob".into(),
                password: "correct horse battery".into(),
                nickname: "Bob".into(),
                display_name: "Bob".into(),
                email: "bob@example.com".into(),
                max_chats: 2,
                skills: vec![],
                is_admin: false,
            },
        )
        .await
        .expect("agent");
    f.engine
        .set_availability(&f.account, agent.id, Availability::Online)
        .await
        .expect("online");
    // A chat the agent accepted before the sweep raises nothing, then or later.
    f.engine
        .request_chat(&f.account, ChatRequestInput::default())
        .await
        .expect("chat");
    let bob = AgentPrincipal {
        account: f.account.clone(),
        agent: agent.id,
        login: None,
    };
    let taken = f.engine.accept_next(&bob).await.expect("accept").chat.key;
    let waiting = f
        .engine
        .request_chat(&f.account, ChatRequestInput::default())
        .await
        .expect("chat")
        .chat
        .key;
    f.clock.advance_ms(400_000);
    assert_eq!(
        f.engine.sweep_waiting_alerts().await,
        0,
        "someone could take it"
    );

    // The agent leaves; a chat that ended meanwhile raises nothing, the waiting one does.
    let ended = f
        .engine
        .request_chat(&f.account, ChatRequestInput::default())
        .await
        .expect("chat")
        .chat
        .key;
    f.engine
        .end_chat(&f.account, &ended, Actor::Visitor)
        .await
        .expect("end");
    f.engine
        .set_availability(&f.account, agent.id, Availability::Offline)
        .await
        .expect("offline");
    f.clock.advance_ms(400_000);
    assert_eq!(f.engine.sweep_waiting_alerts().await, 1);
    let chats: Vec<_> = f.due().await.into_iter().filter_map(|m| m.chat).collect();
    assert_eq!(chats, vec![waiting]);
    assert!(!chats.contains(&taken));
}

#[tokio::test]
async fn zero_turns_the_alert_off() {
    let store = Arc::new(MemoryStore::new());
    let clock = Arc::new(ManualClock::new(Timestamp(1_700_000_000_000)));
    let config = EngineConfig {
        waiting_alert: std::time::Duration::ZERO,
        ..EngineConfig::default()
    };
    let engine = Engine::with_clock(store.clone(), config, clock.clone());
    let account = engine
        .create_account("1000", "Demo")
        .await
        .expect("account")
        .id;
    store
        .set_staff_address(&account, None, Some("desk@example.com"))
        .await
        .expect("address");
    engine
        .request_chat(&account, ChatRequestInput::default())
        .await
        .expect("chat");
    clock.advance_ms(86_400_000);
    assert_eq!(engine.sweep_waiting_alerts().await, 0);
}
