//! Special messages: lines an agent or a bot posts with a meaning beyond their text (a bot's
//! message, clickable options, a welcome, an error …; SuperOffice's `ChatMessageSpecialType`).
//! The line's `text` is what every reader that does not know the kind shows (LivePerson,
//! transcripts, the feed); [`Special`] keeps the message, its kind and parameter as posted.
//!
//! Rules owned here: how such a message reads as plain text ([`Special::display_text`]): the
//! message, or the parameter when there is no message, then each option on a numbered line; a
//! `None` special is a note for agents only.

use serde::{Deserialize, Serialize};

use super::MAX_LINE_CHARS;
use super::command::validate_text;
use super::{Line, LineSource, LineSubType, TextType};
use crate::{AgentId, DomainError};

/// The kinds of special message (SuperOffice `ChatMessageSpecialType`, same order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialKind {
    /// No particular kind: a note for agents.
    None,
    /// A welcome.
    Welcome,
    /// A link (its URL in the parameter).
    Url,
    /// The customer is blocked.
    Block,
    /// A new session began.
    NewSession,
    /// The session was transferred.
    TransferedSession,
    /// An error.
    Error,
    /// The session was deleted.
    SessionDeleted,
    /// An FAQ answer helped.
    FaqSuccessQuestion,
    /// An agent closed the session.
    ClosedByUser,
    /// The customer closed it.
    ClosedByCustomer,
    /// It was closed as idle.
    ClosedByIdle,
    /// A transfer was rejected.
    TransferRejected,
    /// The customer reopened it.
    ReopenedByCustomer,
    /// The customer clicked an option (the option in the parameter).
    ClickedOption,
    /// A chat bot's message.
    BotMessage,
    /// A question with clickable options (a JSON array in the parameter).
    Options,
    /// An uploaded file's type is not allowed.
    IllegalFileType,
}

/// What a special message carried as posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Special {
    /// Its kind.
    pub kind: SpecialKind,
    /// The message as posted (the line's `text` is its plain-text reading).
    pub message: String,
    /// The parameter as posted (a URL, an option, a JSON array of options …).
    pub param: String,
}

impl Special {
    /// The message as plain text: the message (or, without one, the parameter of a kind whose
    /// parameter is text), then `options` one per line as `1. first`. Options messages pass
    /// their option labels (the dialect reads them from the parameter).
    pub fn display_text(&self, options: &[String]) -> String {
        let mut text = self.message.trim().to_owned();
        if text.is_empty() && self.kind != SpecialKind::Options {
            self.param.trim().clone_into(&mut text);
        }
        for (i, option) in options.iter().enumerate() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&format!("{}. {}", i + 1, option.trim()));
        }
        text
    }

    /// The line an agent (or bot) posts for this message: by `by`, its text the
    /// [`Special::display_text`]; agents only for [`SpecialKind::None`]. Refused when it reads
    /// as nothing, or when the message or parameter is too long or holds characters XML cannot
    /// carry.
    pub fn into_line(
        self,
        agent: AgentId,
        by: String,
        options: &[String],
    ) -> Result<Line, DomainError> {
        crate::text::check_xml_text("SpecialParam", &self.param)?;
        if self.param.chars().count() > MAX_LINE_CHARS {
            return Err(DomainError::invalid(
                "SpecialParam",
                "must be at most 20000 characters",
            ));
        }
        let text = self.display_text(options);
        validate_text(&text)?;
        let sub_type = if self.kind == SpecialKind::None {
            LineSubType::OnlyToRep
        } else {
            LineSubType::Regular
        };
        Ok(Line {
            text,
            text_type: TextType::Plain,
            json: None,
            by,
            source: LineSource::Agent,
            system_message: None,
            sub_type,
            agent: Some(agent),
            special: Some(self),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn special(kind: SpecialKind, message: &str, param: &str) -> Special {
        Special {
            kind,
            message: message.into(),
            param: param.into(),
        }
    }

    #[test]
    fn options_read_as_the_question_then_numbered_options() {
        let s = special(SpecialKind::Options, "Pick one", r#"["Sales","Support"]"#);
        let opts = ["Sales".to_owned(), "Support".to_owned()];
        assert_eq!(s.display_text(&opts), "Pick one\n1. Sales\n2. Support");
        let bare = special(SpecialKind::Options, "", "[]");
        assert_eq!(bare.display_text(&opts), "1. Sales\n2. Support");
    }

    #[test]
    fn a_message_without_text_reads_as_its_parameter_and_none_is_for_agents() {
        let clicked = special(SpecialKind::ClickedOption, "", "Support");
        let line = clicked
            .into_line(AgentId(1), "Bot".into(), &[])
            .expect("line");
        assert_eq!(line.text, "Support");
        assert!(line.visible_to_visitor());
        let note = special(SpecialKind::None, "internal", "");
        let line = note.into_line(AgentId(1), "A".into(), &[]).expect("line");
        assert!(!line.visible_to_visitor());
        let empty = special(SpecialKind::Welcome, " ", "");
        assert!(empty.into_line(AgentId(1), "A".into(), &[]).is_err());
    }
}
