//! Transfer answers of the Chat Agent API (spec §2.2.20–§2.2.21): the skills a chat can go to,
//! and the outcome of a transfer request.

use axum::http::StatusCode;
use chatwire_engine::core::Skill;

use super::{Shape, View};
use crate::liveperson::wire::Elem;

/// `transfer`: skills the chat can go to, with their online agents (always a list).
#[derive(Debug, Clone, Copy)]
pub struct TransferSkills<'a> {
    /// Each skill with its online agent count.
    pub skills: &'a [(Skill, u32)],
}

impl View for TransferSkills<'_> {
    fn render(&self) -> Elem {
        Elem::new("transfer").children(self.skills.iter().map(|(skill, online)| {
            Elem::new("skill")
                .field("id", skill.id.0.to_string())
                .field("name", skill.name.clone())
                .field("onlineAgents", online.to_string())
        }))
    }

    fn shape(&self) -> Shape {
        Shape::listing(&["skill"])
    }
}

/// A transfer request's outcome: `{"transfer":{}}` (200), or an unavailable target as
/// `{"transfer":{"errormsg":…}}` with 400, the shape a Scala client models.
#[derive(Debug, Clone)]
pub enum TransferOutcome {
    /// Transferred.
    Done,
    /// Refused, with the reason.
    Refused(String),
}

impl TransferOutcome {
    /// The status this outcome is sent with.
    pub const fn status(&self) -> StatusCode {
        match self {
            Self::Done => StatusCode::OK,
            Self::Refused(_) => StatusCode::BAD_REQUEST,
        }
    }
}

impl View for TransferOutcome {
    fn render(&self) -> Elem {
        match self {
            Self::Done => Elem::new("transfer"),
            Self::Refused(reason) => Elem::new("transfer").field("errormsg", reason.clone()),
        }
    }
}

/// `transferAccount` (GET): the accounts this chat can be sent to, each with its skills that
/// have available agents (always lists).
#[derive(Debug, Clone, Copy)]
pub struct TransferAccounts<'a> {
    /// Each account with its skills and their available agent counts.
    pub accounts: &'a [chatwire_engine::AccountTransferTarget],
}

impl View for TransferAccounts<'_> {
    fn render(&self) -> Elem {
        Elem::new("transferAccount").children(self.accounts.iter().map(|(account, skills)| {
            Elem::new("account")
                .field("id", account.as_str())
                .children(skills.iter().map(|(skill, online)| {
                    Elem::new("skill")
                        .field("id", skill.id.0.to_string())
                        .field("name", skill.name.clone())
                        .field("onlineAgents", online.to_string())
                }))
        }))
    }

    fn shape(&self) -> Shape {
        Shape::listing(&["account", "skill"])
    }
}

/// An account transfer's outcome: `{"transferAccount":{}}` (200) or
/// `{"transferAccount":{"errormsg":…}}` (400), as for transfers.
#[derive(Debug, Clone)]
pub struct AccountTransferOutcome(pub TransferOutcome);

impl View for AccountTransferOutcome {
    fn render(&self) -> Elem {
        let mut e = self.0.render();
        e.name = "transferAccount".into();
        e
    }
}
