//! Surveys: pre-chat, offline ("leave a message"), exit (visitor, after a chat) and agent
//! (wrap-up) forms, and the validation of submitted answers against them (LivePerson §4.2).
//! `definition`: the rules a survey itself must follow before it is stored.

use serde::{Deserialize, Serialize};

use crate::chat::SurveyAnswer;
use crate::{AccountId, AgentId, ChatKey, DomainError, SkillId, Timestamp};

pub mod definition;

/// Which form a survey is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyKind {
    /// Shown before a chat; answers travel in the chat request.
    PreChat,
    /// Shown when nobody is available; answers are stored for agents.
    Offline,
    /// Shown to the visitor after a chat.
    Exit,
    /// The agent's wrap-up form for a chat.
    Agent,
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuestionType {
    /// One of the entries, from a drop-down.
    Dropdown,
    /// Any number of the entries.
    Checkbox,
    /// One of the entries.
    Radio,
    /// One of the entries, laid out in a row.
    RadioSideBySide,
    /// A line of text.
    TextField,
    /// Several lines of text.
    TextArea,
}

impl QuestionType {
    /// The LivePerson wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Dropdown => "Dropdown Box",
            Self::Checkbox => "Checkbox",
            Self::Radio => "Radio Button",
            Self::RadioSideBySide => "Radio Button (side by side)",
            Self::TextField => "Text Field",
            Self::TextArea => "Text Area",
        }
    }

    const fn has_entries(self) -> bool {
        !matches!(self, Self::TextField | Self::TextArea)
    }
}

/// Validation of free-text answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Validation {
    /// Letters, digits and spaces.
    AlphaNumeric,
    /// Digits (with an optional sign and decimal point).
    Numeric,
    /// An e-mail address.
    Email,
}

impl Validation {
    /// The LivePerson wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AlphaNumeric => "alpha_numeric",
            Self::Numeric => "numeric",
            Self::Email => "email",
        }
    }

    fn accepts(self, v: &str) -> bool {
        match self {
            Self::AlphaNumeric => v.chars().all(|c| c.is_alphanumeric() || c.is_whitespace()),
            Self::Numeric => {
                v.trim()
                    .trim_start_matches(['-', '+'])
                    .replacen('.', "", 1)
                    .chars()
                    .all(|c| c.is_ascii_digit())
                    && !v.trim().is_empty()
            }
            Self::Email => v.split_once('@').is_some_and(|(l, d)| {
                !l.is_empty()
                    && d.contains('.')
                    && !d.starts_with('.')
                    && !v.contains(char::is_whitespace)
            }),
        }
    }
}

/// A selectable answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The value submitted.
    pub value: String,
    /// The text shown.
    pub display_value: String,
    /// Pre-selected.
    pub checked: bool,
    /// Questions (by `logic_id`) revealed when this entry is chosen.
    pub show_logic_ids: Vec<i64>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Question id, unique in the survey.
    pub id: i64,
    /// Shown only when an entry with this id in `show_logic_ids` is chosen.
    pub logic_id: Option<i64>,
    /// Display order.
    pub order: u32,
    /// Must be answered (when shown).
    pub mandatory: bool,
    /// How it is answered.
    pub kind: QuestionType,
    /// Free-text validation.
    pub validation: Option<Validation>,
    /// The question text.
    pub label: String,
    /// Entries of selection questions.
    pub entries: Vec<Entry>,
}

/// A survey definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    /// Server-wide id.
    pub id: i64,
    /// Owning account.
    pub account: AccountId,
    /// Which form it is.
    pub kind: SurveyKind,
    /// Name (LivePerson `surveyName` selects by it).
    pub name: String,
    /// Title.
    pub title: String,
    /// Header text.
    pub header: String,
    /// Questions in order.
    pub questions: Vec<Question>,
    /// The skill it is for; `None` for the whole account. A chat of a skill gets that skill's
    /// survey of a kind when there is one, else the account's.
    #[serde(default)]
    pub skill: Option<SkillId>,
    /// Offered to visitors and agents. An inactive survey is kept (its responses refer to
    /// it) but never chosen.
    #[serde(default = "active_by_default")]
    pub active: bool,
}

/// Surveys stored before `active` existed were all in use.
const fn active_by_default() -> bool {
    true
}

impl Survey {
    /// Checks answers: every answer to a question of the survey follows that question's rules
    /// (one of its options, its free-text validation, one value unless it is a checkbox), and
    /// every mandatory question that is shown is answered. Questions with a `logic_id` are shown
    /// only when a chosen entry reveals them.
    ///
    /// Answers to question ids the survey lacks are not checked: the caller keeps them with the
    /// response for audit, and they change nothing (LivePerson's own collection submits a
    /// hard-coded question "123" to whatever exit survey it is given). An exit survey may be
    /// declined: a submission that answers none of its questions is accepted as it is, since the
    /// visitor could as well have closed the window; one that answers any of them is held to
    /// every rule, mandatory questions included.
    pub fn validate(&self, answers: &[SurveyAnswer]) -> Result<(), DomainError> {
        let find = |id: &str| {
            self.questions
                .iter()
                .find(|q| q.id.to_string() == id.trim())
        };
        let known: Vec<(&SurveyAnswer, &Question)> = answers
            .iter()
            .filter_map(|a| find(&a.question).map(|q| (a, q)))
            .collect();
        if self.kind == SurveyKind::Exit && known.is_empty() {
            return Ok(());
        }
        let mut revealed: Vec<i64> = Vec::new();
        for (a, q) in known {
            let values: Vec<&str> = a
                .answers
                .iter()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .collect();
            if values.len() > 1 && q.kind != QuestionType::Checkbox {
                return Err(DomainError::invalid(
                    "survey",
                    format!("question {} takes one answer", q.id),
                ));
            }
            for v in &values {
                if q.kind.has_entries() {
                    let entry = q.entries.iter().find(|e| e.value == *v).ok_or_else(|| {
                        DomainError::invalid(
                            "survey",
                            format!("{v:?} is not an option of question {}", q.id),
                        )
                    })?;
                    revealed.extend(&entry.show_logic_ids);
                } else if let Some(rule) = q.validation.filter(|r| !r.accepts(v)) {
                    return Err(DomainError::invalid(
                        "survey",
                        format!("question {} must be {}", q.id, rule.as_str()),
                    ));
                }
                if v.chars().count() > 4000 {
                    return Err(DomainError::invalid(
                        "survey",
                        "answers are at most 4000 characters",
                    ));
                }
            }
        }
        for q in self.questions.iter().filter(|q| q.mandatory) {
            let shown = q.logic_id.is_none_or(|l| revealed.contains(&l));
            let answered = answers.iter().any(|a| {
                a.question.trim() == q.id.to_string()
                    && a.answers.iter().any(|v| !v.trim().is_empty())
            });
            if shown && !answered {
                return Err(DomainError::invalid(
                    "survey",
                    format!("question {} ({}) is mandatory", q.id, q.label),
                ));
            }
        }
        Ok(())
    }
}

/// A submitted survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyResponse {
    /// The survey answered.
    pub survey: i64,
    /// Its kind.
    pub kind: SurveyKind,
    /// Owning account.
    pub account: AccountId,
    /// The chat it is about (exit and agent surveys).
    pub chat: Option<ChatKey>,
    /// The agent who submitted it (agent surveys).
    pub agent: Option<AgentId>,
    /// The answers.
    pub answers: Vec<SurveyAnswer>,
    /// Context sent with it (visitor ids, skill, user agent…), as name/value pairs.
    pub context: Vec<(String, String)>,
    /// When it was submitted.
    pub submitted_at: Timestamp,
}

#[cfg(test)]
mod tests;
