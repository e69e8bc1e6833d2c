//! The survey definition as chatwire's own API reads and writes it (camelCase JSON), and its
//! conversion to and from the domain's [`Survey`]. Also read by `chatwire survey create
//! --file`, so the command line takes the same document as the API.

use chatwire_engine::core::survey::{Entry, Question, QuestionType, Validation};
use chatwire_engine::core::{AccountId, SkillId, Survey, SurveyKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Which form a survey is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum KindDto {
    /// Before a chat (answers travel in the chat request).
    PreChat,
    /// "Leave a message" when nobody is available.
    Offline,
    /// The visitor's form after a chat.
    Exit,
    /// The agent's wrap-up form.
    Agent,
}

/// How a question is answered (LivePerson's six types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum QuestionTypeDto {
    /// One entry, from a drop-down ("Dropdown Box").
    Dropdown,
    /// Any number of entries ("Checkbox").
    Checkbox,
    /// One entry ("Radio Button").
    Radio,
    /// One entry, in a row ("Radio Button (side by side)").
    RadioSideBySide,
    /// A line of text ("Text Field").
    TextField,
    /// Several lines of text ("Text Area").
    TextArea,
}

/// Validation of a free-text answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ValidationDto {
    /// Letters, digits and spaces.
    AlphaNumeric,
    /// A number.
    Numeric,
    /// An e-mail address.
    Email,
}

/// A selectable answer of a dropdown, checkbox or radio question.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntryDto {
    /// The value submitted.
    pub value: String,
    /// The text shown (defaults to the value).
    #[serde(default)]
    pub display_value: Option<String>,
    /// Pre-selected.
    #[serde(default)]
    pub checked: bool,
    /// Questions (by `logicId`) this entry reveals when chosen.
    #[serde(default)]
    pub show_logic_ids: Vec<i64>,
}

/// One question.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuestionDto {
    /// Id, unique in the survey (answers name it).
    pub id: i64,
    /// Shown only when a chosen entry lists this id in `showLogicIds`.
    #[serde(default)]
    pub logic_id: Option<i64>,
    /// Display order (defaults to the position in the list).
    #[serde(default)]
    pub order: Option<u32>,
    /// Must be answered when shown.
    #[serde(default)]
    pub mandatory: bool,
    /// How it is answered.
    #[serde(rename = "type")]
    pub kind: QuestionTypeDto,
    /// Validation of a text answer.
    #[serde(default)]
    pub validation: Option<ValidationDto>,
    /// The question text.
    pub label: String,
    /// The entries of a selection question (none for text questions).
    #[serde(default)]
    pub entries: Vec<EntryDto>,
}

/// A survey definition: the body of `POST`/`PUT …/surveys` and the answer of `GET`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SurveyDto {
    /// Server-wide id (ignored in a body).
    #[serde(default, skip_deserializing)]
    pub id: i64,
    /// Which form it is.
    pub kind: KindDto,
    /// Name; LivePerson's `surveyName` selects by it.
    pub name: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Header text.
    #[serde(default)]
    pub header: String,
    /// The skill it is for; absent or null for the whole account.
    #[serde(default)]
    pub skill_id: Option<i64>,
    /// Offered to visitors and agents (default true). One active survey per kind and skill.
    #[serde(default = "yes")]
    pub active: bool,
    /// The questions, in order.
    #[serde(default)]
    pub questions: Vec<QuestionDto>,
}

const fn yes() -> bool {
    true
}

impl SurveyDto {
    /// Reads a survey document (the command line's `--file`), with the API's error messages.
    pub fn from_json_text(text: &str) -> Result<Self, crate::ApiError> {
        super::json::parse(text.as_bytes())
    }

    /// The document as indented JSON.
    pub fn to_json_text(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The domain survey for `account` (id 0: the store assigns it).
    pub fn into_survey(self, account: &AccountId) -> Survey {
        let questions = self
            .questions
            .into_iter()
            .enumerate()
            .map(|(i, q)| Question {
                id: q.id,
                logic_id: q.logic_id,
                order: q.order.unwrap_or(u32::try_from(i).unwrap_or(u32::MAX)),
                mandatory: q.mandatory,
                kind: match q.kind {
                    QuestionTypeDto::Dropdown => QuestionType::Dropdown,
                    QuestionTypeDto::Checkbox => QuestionType::Checkbox,
                    QuestionTypeDto::Radio => QuestionType::Radio,
                    QuestionTypeDto::RadioSideBySide => QuestionType::RadioSideBySide,
                    QuestionTypeDto::TextField => QuestionType::TextField,
                    QuestionTypeDto::TextArea => QuestionType::TextArea,
                },
                validation: q.validation.map(|v| match v {
                    ValidationDto::AlphaNumeric => Validation::AlphaNumeric,
                    ValidationDto::Numeric => Validation::Numeric,
                    ValidationDto::Email => Validation::Email,
                }),
                label: q.label,
                entries: q
                    .entries
                    .into_iter()
                    .map(|e| Entry {
                        display_value: e.display_value.unwrap_or_else(|| e.value.clone()),
                        value: e.value,
                        checked: e.checked,
                        show_logic_ids: e.show_logic_ids,
                    })
                    .collect(),
            })
            .collect();
        Survey {
            id: 0,
            account: account.clone(),
            kind: match self.kind {
                KindDto::PreChat => SurveyKind::PreChat,
                KindDto::Offline => SurveyKind::Offline,
                KindDto::Exit => SurveyKind::Exit,
                KindDto::Agent => SurveyKind::Agent,
            },
            name: self.name,
            title: self.title,
            header: self.header,
            questions,
            skill: self.skill_id.map(SkillId),
            active: self.active,
        }
    }
}

impl From<&Survey> for SurveyDto {
    fn from(s: &Survey) -> Self {
        Self {
            id: s.id,
            kind: match s.kind {
                SurveyKind::PreChat => KindDto::PreChat,
                SurveyKind::Offline => KindDto::Offline,
                SurveyKind::Exit => KindDto::Exit,
                SurveyKind::Agent => KindDto::Agent,
            },
            name: s.name.clone(),
            title: s.title.clone(),
            header: s.header.clone(),
            skill_id: s.skill.map(|k| k.0),
            active: s.active,
            questions: s
                .questions
                .iter()
                .map(|q| QuestionDto {
                    id: q.id,
                    logic_id: q.logic_id,
                    order: Some(q.order),
                    mandatory: q.mandatory,
                    kind: match q.kind {
                        QuestionType::Dropdown => QuestionTypeDto::Dropdown,
                        QuestionType::Checkbox => QuestionTypeDto::Checkbox,
                        QuestionType::Radio => QuestionTypeDto::Radio,
                        QuestionType::RadioSideBySide => QuestionTypeDto::RadioSideBySide,
                        QuestionType::TextField => QuestionTypeDto::TextField,
                        QuestionType::TextArea => QuestionTypeDto::TextArea,
                    },
                    validation: q.validation.map(|v| match v {
                        Validation::AlphaNumeric => ValidationDto::AlphaNumeric,
                        Validation::Numeric => ValidationDto::Numeric,
                        Validation::Email => ValidationDto::Email,
                    }),
                    label: q.label.clone(),
                    entries: q
                        .entries
                        .iter()
                        .map(|e| EntryDto {
                            value: e.value.clone(),
                            display_value: Some(e.display_value.clone()),
                            checked: e.checked,
                            show_logic_ids: e.show_logic_ids.clone(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
