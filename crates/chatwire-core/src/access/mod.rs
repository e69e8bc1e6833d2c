//! Who may do what to a chat, once for both dialects and every route (docs/security.md, "Who
//! may do what to a chat"). Pure: the engine gathers the acting agent's record and load, this
//! module answers.
//!
//! - **Read** (see the chat, its events, its entity): the agent handling it or who handled it,
//!   the agent a transfer comes from, the target of a personal transfer, the agent who opened
//!   it for a customer, an agent it rings for (routing), or an admin of its account.
//! - **Act as its agent** (lines, URLs, typing, end, transfer): only the agent handling it.
//! - **Take it** (pick up, accept a transfer): only an agent it is routed to (personal transfer:
//!   the target, whatever their presence; skill transfer or queue: Online agents of the skill
//!   other than the sender).
//! - **Decline a transfer**: only the target of a personal transfer.
//! - **Requeue** (SuperOffice reset): the agent handling it or an admin.
//! - **Delete** (SuperOffice `DeleteChatSessionEntity`: end it for good): the agent handling
//!   it, the agent who opened it for a customer, or an admin; the engine adds topic managers
//!   (`topics::TopicRights`).
//! - **Collaborate** (join as a supervisor to listen or write, leave, change mode): admins of
//!   its account (the supervisors), other than the agent handling it. A supervisor who joined
//!   reads the chat while they take part; one who joined to write also posts lines
//!   (`Chat::decide`), and nothing else an agent does (typing, URLs, end, transfer).
//!
//! An agent who may not read a chat learns nothing of it ([`Verdict::Hidden`]); one who may
//! read it but not do this gets [`Verdict::ReadOnly`], which a use case turns into a refusal or,
//! where SuperOffice documents one, a "nothing happens" answer.

use crate::chat::{Chat, ChatState, TransferTarget};
use crate::routing::{self, AgentLoad};
use crate::{Agent, AgentId};

/// What an agent asks of a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatAction {
    /// Read it (events, info, entity, transcript).
    Read,
    /// Write as its agent: a line, a URL, typing, ending it.
    Write,
    /// Transfer it to a skill or another agent.
    Transfer,
    /// Take it: pick it up from the queue or accept a pending transfer.
    Take,
    /// Decline a personal transfer.
    DeclineTransfer,
    /// Put it back in the queue.
    Requeue,
    /// End it on behalf of the account (SuperOffice `DeleteChatSessionEntity`).
    Delete,
    /// Join it as a supervisor (listen or write), change mode, or leave.
    Collaborate,
}

/// The answer for one agent, chat and action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The agent may do it.
    Allowed,
    /// The agent may read the chat but not do this.
    ReadOnly,
    /// The agent may not even read the chat: nothing of it may be returned.
    Hidden,
}

/// Whether `agent` is one of the chat's people: the agent handling or having handled it, the
/// agent a pending transfer comes from, the target of a pending personal transfer, or the
/// agent who opened it for a customer.
pub fn is_involved(agent: AgentId, chat: &Chat) -> bool {
    let handler =
        chat.agent.as_ref().is_some_and(|a| a.id == agent) || chat.request.opened_by == Some(agent);
    let transfer = chat.transfer.as_ref().is_some_and(|t| {
        t.from.as_ref().is_some_and(|f| f.id == agent)
            || matches!(t.target, TransferTarget::Agent { id, .. } if id == agent)
    });
    handler || transfer
}

/// Whether `load.agent` may read `chat` (see the module rules).
pub fn may_read(load: &AgentLoad, chat: &Chat) -> bool {
    let agent = &load.agent;
    chat.account == agent.account
        && (is_involved(agent.id, chat)
            || agent.is_admin
            || chat.collaboration_of(agent.id).is_some()
            || routing::is_routed_to(load, chat))
}

/// Whether a session list may show `load.agent` the chat's details (key, customer) without
/// their being able to read it: a chat waiting in the queue of one of their skills (not a
/// personal transfer to someone else) is theirs to take, so they see who waits.
pub fn may_see_queue_details(load: &AgentLoad, chat: &Chat) -> bool {
    let agent = &load.agent;
    let queued = chat.state == ChatState::Waiting
        && chat.account == agent.account
        && !chat
            .transfer
            .as_ref()
            .is_some_and(|t| matches!(t.target, TransferTarget::Agent { .. }))
        && chat.skill.is_none_or(|s| agent.has_skill(s));
    queued || may_read(load, chat)
}

/// How much of a chat an agent is shown where a session is returned without refusing (session
/// lists, the result of an action that handed the chat away).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatDisclosure {
    /// Everything, messages included: the agent may read the chat.
    Full,
    /// The chat and its customer details (including its key) but no messages: it waits in one
    /// of the agent's queues, so it is theirs to take.
    QueueDetails,
    /// Only that the chat exists and its state: no key (it lets anyone act as the visitor), no
    /// customer details, no messages.
    Outline,
}

/// How much of `chat` `load.agent` may be shown (see [`ChatDisclosure`]).
pub fn disclosure(load: &AgentLoad, chat: &Chat) -> ChatDisclosure {
    if may_read(load, chat) {
        ChatDisclosure::Full
    } else if may_see_queue_details(load, chat) {
        ChatDisclosure::QueueDetails
    } else {
        ChatDisclosure::Outline
    }
}

/// Decides whether `load.agent` may do `action` to `chat`.
pub fn verdict(load: &AgentLoad, chat: &Chat, action: ChatAction) -> Verdict {
    if !may_read(load, chat) {
        return Verdict::Hidden;
    }
    let agent = &load.agent;
    let allowed = match action {
        ChatAction::Read => true,
        ChatAction::Write | ChatAction::Transfer => chat.is_handled_by(agent.id),
        ChatAction::Take => routing::is_routed_to(load, chat),
        ChatAction::DeclineTransfer => is_personal_target(agent, chat),
        ChatAction::Requeue => agent.is_admin || chat.is_handled_by(agent.id),
        ChatAction::Delete => {
            agent.is_admin
                || chat.is_handled_by(agent.id)
                || chat.request.opened_by == Some(agent.id)
        }
        ChatAction::Collaborate => agent.is_admin && !chat.is_handled_by(agent.id),
    };
    if allowed {
        Verdict::Allowed
    } else {
        Verdict::ReadOnly
    }
}

fn is_personal_target(agent: &Agent, chat: &Chat) -> bool {
    chat.transfer
        .as_ref()
        .is_some_and(|t| matches!(t.target, TransferTarget::Agent { id, .. } if id == agent.id))
}

#[cfg(test)]
mod tests;
