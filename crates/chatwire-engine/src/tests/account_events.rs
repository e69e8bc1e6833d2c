//! Account events through the engine: typing is recorded only while an enabled subscription
//! of the account takes `chat.typing`, and only when the indicator turns on or off; every
//! path that changes an agent's availability (the agent, liveness, an admin disabling)
//! records the change once, with what it was and what it became, and none when it stays or
//! when no subscription takes it.

use chatwire_core::{AccountEventKind, GlobalSeq, LogEntry, Typing};
use chatwire_store::WebhookStore;

use super::*;
use crate::WebhookInput;

impl Fixture {
    /// The account's events (not chat events) committed so far.
    async fn account_events(&self) -> Vec<AccountEventKind> {
        self.store
            .webhook_log_since(&self.account, GlobalSeq(0), 10_000)
            .await
            .expect("log")
            .into_iter()
            .filter_map(|e| match e {
                LogEntry::Account(a) => Some(a.kind),
                LogEntry::Chat(_) => None,
            })
            .collect()
    }

    async fn typing_events(&self) -> Vec<bool> {
        self.account_events()
            .await
            .into_iter()
            .filter_map(|k| match k {
                AccountEventKind::Typing { typing, .. } => Some(typing),
                _ => None,
            })
            .collect()
    }

    async fn subscribe(&self, events: &[&str]) {
        let input = WebhookInput {
            url: "https://receiver.example/hook".into(),
            events: Some(events.iter().map(|e| (*e).to_owned()).collect()),
            ..WebhookInput::default()
        };
        self.engine
            .create_webhook_as(&self.engine.local_operator(), &self.account, input)
            .await
            .expect("subscribe");
    }
}

#[tokio::test]
async fn typing_is_recorded_only_while_a_subscription_takes_it_and_only_when_it_changes() {
    // Arrange: agent1 handles a chat.
    let f = fixture().await;
    let key = f.request("Sales").await;
    let who = f.caller(f.agents[0]);
    f.engine
        .accept(&f.account, who.agent, &key)
        .await
        .expect("accept");
    let set = |t: Typing| {
        let (f, who, key) = (&f, &who, &key);
        async move {
            f.engine
                .set_agent_typing(who, key, t)
                .await
                .expect("typing")
        }
    };

    // Act + Assert: no subscription, or one without typing: nothing is written.
    set(Typing::Typing).await;
    set(Typing::NotTyping).await;
    f.subscribe(&["chat.line", "chat.ended"]).await;
    set(Typing::Typing).await;
    set(Typing::NotTyping).await;
    assert_eq!(f.typing_events().await, Vec::<bool>::new());

    // With one that takes typing: on and off, each once; a repeat is no change.
    f.subscribe(&["chat.typing"]).await;
    set(Typing::Typing).await;
    set(Typing::Typing).await;
    set(Typing::NotTyping).await;
    assert_eq!(f.typing_events().await, vec![true, false]);
    let events = f.account_events().await;
    let Some(AccountEventKind::Typing { chat, agent, .. }) = events.last() else {
        panic!("a typing event last: {events:?}");
    };
    assert_eq!((chat, *agent), (&key, Some(who.agent)));
}

#[tokio::test]
async fn every_path_that_changes_an_availability_records_it_once() {
    // Arrange: the fixture's agents went Offline -> Online when created, unsubscribed.
    let f = fixture().await;
    let changes = |kinds: Vec<AccountEventKind>| -> Vec<(AgentId, Availability, Availability)> {
        kinds
            .into_iter()
            .filter_map(|k| match k {
                AccountEventKind::AgentAvailability { agent, from, to } => Some((agent, from, to)),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        changes(f.account_events().await),
        vec![],
        "no subscription took them, so none was written"
    );
    f.subscribe(&["agent.availability"]).await;
    let (a1, a2, a3) = (f.agents[0], f.agents[1], f.agents[2]);

    // Act: the agent sets Away (twice: the second is no change); an admin disables agent2;
    // agent1 and agent3 idle out.
    for _ in 0..2 {
        f.engine
            .set_availability(&f.account, a1, Availability::Away)
            .await
            .expect("away");
    }
    let patch = crate::AgentPatch {
        enabled: Some(false),
        ..crate::AgentPatch::default()
    };
    f.engine
        .update_agent_as(&f.engine.local_operator(), &f.account, a2, patch)
        .await
        .expect("disable");
    f.clock.advance_ms(10 * 60_000);
    f.engine.sweep_agents().await;

    // Assert: one event per real change, in commit order.
    assert_eq!(
        changes(f.account_events().await),
        vec![
            (a1, Availability::Online, Availability::Away),
            (a2, Availability::Online, Availability::Offline),
            (a1, Availability::Away, Availability::Offline),
            (a3, Availability::Online, Availability::Offline),
        ]
    );
}
