//! What every backend runs inside its write transaction to change a chat: which agent's
//! record the decision needs ([`acting_agent`]) and the decide-then-apply step itself
//! ([`decide_and_apply`]). One definition, so the backends cannot decide differently.

use chatwire_core::{AgentId, Chat, ChatCommand, ChatEvent, GlobalSeq, Timestamp};

/// The agent whose record and load `decide` needs for `cmd`, if any. Backends call this to know
/// what to load inside the transaction.
pub fn acting_agent(cmd: &ChatCommand) -> Option<AgentId> {
    match cmd {
        ChatCommand::Accept { agent, .. } => Some(agent.id),
        _ => None,
    }
}

/// The transactional core every backend runs inside its write transaction: decide `cmd` against
/// the committed `chat`, then fold the outcome in, numbering events from `first_seq`.
pub fn decide_and_apply(
    chat: &mut Chat,
    cmd: ChatCommand,
    ctx: &chatwire_core::DecisionContext,
    now: Timestamp,
    first_seq: GlobalSeq,
) -> Result<Vec<ChatEvent>, chatwire_core::DomainError> {
    let changes = chat.decide(cmd, ctx)?;
    Ok(chat.apply_changes(changes, now, first_seq))
}
