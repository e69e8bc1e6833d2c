//! [`Chat::decide`]: turns a command into changes or refuses it, one `decide_*` per command
//! that needs more than a state check.
//!
//! `decide` is pure: the store backend calls it inside its write transaction with the chat as
//! committed, so two concurrent accepts can never both win, on one node or many.

use super::command::{validate_name, validate_text};
use super::{
    Actor, AssignedAgent, Change, Chat, ChatCommand, ChatState, DecisionContext, EndCause,
    EventKind, Line, LineSource, LineSubType, StateChange, SystemMessageId, TextType, Typing,
    TypingSide,
};
use crate::routing;
use crate::{AgentId, DomainError};

pub(super) fn state(state: ChatState) -> Change {
    Change::Event(EventKind::State(StateChange {
        state,
        end_cause: None,
    }))
}

pub(super) fn system_line(id: SystemMessageId, text: impl Into<String>) -> Change {
    Change::Event(EventKind::Line(Line::system(id, text)))
}

impl Chat {
    /// Decides what `cmd` does to this chat. Pure: no clock, no I/O.
    pub fn decide(
        &self,
        cmd: ChatCommand,
        ctx: &DecisionContext,
    ) -> Result<Vec<Change>, DomainError> {
        if self.state == ChatState::Ended {
            return Self::decide_after_end(cmd);
        }
        match cmd {
            ChatCommand::Accept { agent, welcome } => self.decide_accept(agent, welcome, ctx),
            ChatCommand::PostLine {
                author,
                text,
                text_type,
                json,
                sub_type,
            } => self.decide_line(author, text, text_type, json, sub_type),
            ChatCommand::PushUrl { agent, url } => {
                self.require_handler(agent.id)?;
                if url.trim().is_empty() || url.len() > 2048 {
                    return Err(DomainError::invalid("url", "must be 1-2048 characters"));
                }
                Ok(vec![Change::Event(EventKind::Url {
                    url,
                    by: agent.name,
                })])
            }
            ChatCommand::PostSpecial {
                agent,
                by,
                special,
                options,
            } => {
                self.require_handler(agent.id)?;
                let line = (*special).into_line(agent.id, by, &options)?;
                Ok(vec![
                    Change::Event(EventKind::Line(line)),
                    Change::Typing(TypingSide::Agent, Typing::NotTyping),
                ])
            }
            ChatCommand::End { by } => self.decide_end(&by),
            ChatCommand::Close { by } => Ok(vec![
                system_line(
                    SystemMessageId::AGENT_ENDED,
                    format!("{} has ended the chat.", by.name),
                ),
                Change::Event(EventKind::State(StateChange {
                    state: ChatState::Ended,
                    end_cause: Some(EndCause::Agent(by.id)),
                })),
            ]),
            ChatCommand::Timeout => Ok(vec![
                system_line(SystemMessageId::DISCONNECTED, "The chat was disconnected."),
                Change::Event(EventKind::State(StateChange {
                    state: ChatState::Ended,
                    end_cause: Some(EndCause::Timeout),
                })),
            ]),
            ChatCommand::Transfer { by, target, text } => self.decide_transfer(by, target, text),
            ChatCommand::TransferAccount {
                by,
                account,
                skill,
                text,
            } => self.decide_account_transfer(&by, account, skill, text),
            ChatCommand::Collaborate { agent, mode } => {
                if self.is_handled_by(agent.id) {
                    return Err(DomainError::invalid(
                        "collaborationChannel",
                        "the agent handling the chat cannot join it as a supervisor",
                    ));
                }
                if self.collaboration_of(agent.id) == mode {
                    return Err(match mode {
                        Some(_) => DomainError::invalid(
                            "collaborationChannel",
                            "already taking part in this mode",
                        ),
                        None => DomainError::NotParticipant,
                    });
                }
                Ok(vec![Change::Event(EventKind::Collaboration {
                    agent,
                    mode,
                })])
            }
            ChatCommand::ReleasePreferredAgent => {
                self.require_state(ChatState::Waiting)?;
                if self.preferred_agent.is_none() {
                    return Err(DomainError::invalid(
                        "agent",
                        "the chat no longer waits for the agent it named",
                    ));
                }
                Ok(vec![Change::PreferredAgent(None)])
            }
            ChatCommand::RingNext { from, to } => {
                self.require_state(ChatState::Waiting)?;
                if self.preferred_agent != from {
                    return Err(DomainError::invalid(
                        "agent",
                        "the chat no longer rings the agent it rang",
                    ));
                }
                Ok(vec![Change::PreferredAgent(to)])
            }
            ChatCommand::RejectTransfer { agent } => self.decide_reject(agent),
            ChatCommand::Requeue => {
                self.require_state(ChatState::Chatting)?;
                Ok(vec![
                    Change::Assign(None),
                    state(ChatState::Waiting),
                    system_line(
                        SystemMessageId::REQUEUED,
                        "Please wait for the next available agent.",
                    ),
                ])
            }
            ChatCommand::UpdateCustomer(update) => {
                update.validate()?;
                Ok(vec![Change::Customer(update)])
            }
            ChatCommand::SetVisitorName(name) => {
                validate_name(&name)?;
                Ok(vec![Change::VisitorName(name.trim().to_owned())])
            }
            ChatCommand::SetTyping(side, typing) => Ok(vec![Change::Typing(side, typing)]),
            ChatCommand::SetCustomVariables(vars) => {
                if vars.len() > 100
                    || vars.iter().any(|v| {
                        v.name.trim().is_empty() || v.name.len() > 200 || v.value.len() > 4000
                    })
                {
                    return Err(DomainError::invalid(
                        "customVariables",
                        "at most 100 named variables, names up to 200 and values up to 4000 characters",
                    ));
                }
                Ok(vec![Change::CustomVariables(vars)])
            }
        }
    }

    /// An ended chat takes no more changes, except the metadata clients still send after the
    /// end (LivePerson's own Postman collection ends the chat, then sets the visitor's name
    /// and typing): the visitor's name is recorded, since it names the visitor in the chat's
    /// history and transcript and touches nothing else; typing is accepted and changes nothing,
    /// as nobody is left to see it (the end already set both sides to not typing). Both are
    /// validated as on an open chat. Everything else is [`DomainError::ChatEnded`].
    fn decide_after_end(cmd: ChatCommand) -> Result<Vec<Change>, DomainError> {
        match cmd {
            ChatCommand::SetVisitorName(name) => {
                validate_name(&name)?;
                Ok(vec![Change::VisitorName(name.trim().to_owned())])
            }
            ChatCommand::SetTyping(..) => Ok(Vec::new()),
            _ => Err(DomainError::ChatEnded),
        }
    }

    fn require_state(&self, expected: ChatState) -> Result<(), DomainError> {
        if self.state == expected {
            Ok(())
        } else {
            Err(DomainError::WrongState {
                expected,
                actual: self.state,
            })
        }
    }

    pub(super) fn require_handler(&self, agent: AgentId) -> Result<(), DomainError> {
        if self.is_handled_by(agent) {
            Ok(())
        } else {
            Err(DomainError::NotParticipant)
        }
    }

    fn decide_accept(
        &self,
        agent: AssignedAgent,
        welcome: Option<String>,
        ctx: &DecisionContext,
    ) -> Result<Vec<Change>, DomainError> {
        self.require_state(ChatState::Waiting)?;
        let load = ctx.agent.as_ref().ok_or(DomainError::NotRoutable)?;
        routing::check_accept(load, self)?;
        let greeting = format!("You are now chatting with {}.", agent.name);
        let welcome_line = welcome.filter(|w| !w.trim().is_empty()).map(|text| Line {
            text,
            text_type: TextType::Plain,
            json: None,
            by: agent.name.clone(),
            source: LineSource::Agent,
            system_message: None,
            sub_type: LineSubType::Regular,
            agent: Some(agent.id),
            special: None,
        });
        let mut changes = vec![
            Change::Transfer(None),
            Change::Assign(Some(agent)),
            state(ChatState::Chatting),
            system_line(SystemMessageId::ACCEPTED, greeting),
        ];
        changes.extend(welcome_line.map(|l| Change::Event(EventKind::Line(l))));
        Ok(changes)
    }

    fn decide_line(
        &self,
        author: Actor,
        text: String,
        text_type: TextType,
        json: Option<String>,
        sub_type: LineSubType,
    ) -> Result<Vec<Change>, DomainError> {
        validate_text(&text)?;
        let (line, typing) = match author {
            // Visitors have no HTML, structured content or private lines (LivePerson §2.3.10).
            Actor::Visitor => (
                Line {
                    text,
                    text_type: TextType::Plain,
                    json: None,
                    by: self.visitor_name.clone(),
                    source: LineSource::Visitor,
                    system_message: None,
                    sub_type: LineSubType::Regular,
                    agent: None,
                    special: None,
                },
                TypingSide::Visitor,
            ),
            Actor::Agent { id, name } => {
                // The handling agent, or a supervisor who joined to write.
                if self.collaboration_of(id) != Some(super::CollaborationMode::Write) {
                    self.require_handler(id)?;
                }
                if text_type == TextType::RichContent && json.is_none() {
                    return Err(DomainError::invalid(
                        "json",
                        "rich-content lines need a json body",
                    ));
                }
                let line = Line {
                    text,
                    text_type,
                    json,
                    by: name,
                    source: LineSource::Agent,
                    system_message: None,
                    sub_type,
                    agent: Some(id),
                    special: None,
                };
                (line, TypingSide::Agent)
            }
        };
        // Posting a line ends that side's typing, as every chat UI shows it.
        Ok(vec![
            Change::Event(EventKind::Line(line)),
            Change::Typing(typing, Typing::NotTyping),
        ])
    }

    fn decide_end(&self, by: &Actor) -> Result<Vec<Change>, DomainError> {
        let ended = |cause| {
            Change::Event(EventKind::State(StateChange {
                state: ChatState::Ended,
                end_cause: Some(cause),
            }))
        };
        match by {
            Actor::Visitor => Ok(vec![ended(EndCause::Visitor)]),
            Actor::Agent { id, name } => {
                self.require_handler(*id)?;
                Ok(vec![
                    system_line(
                        SystemMessageId::AGENT_ENDED,
                        format!("{name} has ended the chat."),
                    ),
                    ended(EndCause::Agent(*id)),
                ])
            }
        }
    }
}
