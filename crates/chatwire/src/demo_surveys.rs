//! The demo account's surveys: one of each kind, so every survey endpoint has something real
//! to show and validate against.

use chatwire_engine::core::survey::{Entry, Question, QuestionType, Validation};
use chatwire_engine::core::{AccountId, Survey, SurveyKind};

fn entry(value: &str, display: &str, show: &[i64]) -> Entry {
    Entry {
        value: value.into(),
        display_value: display.into(),
        checked: false,
        show_logic_ids: show.to_vec(),
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "a table-like constructor reads best with positional columns"
)]
fn question(
    id: i64,
    logic: Option<i64>,
    order: u32,
    mandatory: bool,
    kind: QuestionType,
    validation: Option<Validation>,
    label: &str,
    entries: Vec<Entry>,
) -> Question {
    Question {
        id,
        logic_id: logic,
        order,
        mandatory,
        kind,
        validation,
        label: label.into(),
        entries,
    }
}

/// The four demo surveys.
pub fn surveys(account: &AccountId) -> Vec<Survey> {
    let s = |kind, name: &str, title: &str, header: &str, questions| Survey {
        id: 0,
        account: account.clone(),
        kind,
        name: name.into(),
        title: title.into(),
        header: header.into(),
        questions,
        skill: None,
        active: true,
    };
    let yes_no = |show_on_no: &[i64]| vec![entry("yes", "Yes", &[]), entry("no", "No", show_on_no)];
    vec![
        s(
            SurveyKind::PreChat,
            "Pre-chat",
            "Before we start",
            "Tell us who you are.",
            vec![
                question(
                    1,
                    None,
                    0,
                    true,
                    QuestionType::TextField,
                    Some(Validation::AlphaNumeric),
                    "Your name",
                    vec![],
                ),
                question(
                    2,
                    None,
                    1,
                    false,
                    QuestionType::TextField,
                    Some(Validation::Email),
                    "E-mail",
                    vec![],
                ),
                question(
                    3,
                    None,
                    2,
                    true,
                    QuestionType::Dropdown,
                    None,
                    "Topic",
                    vec![
                        entry("sales", "Buying", &[]),
                        entry("support", "Help with a product", &[]),
                    ],
                ),
            ],
        ),
        s(
            SurveyKind::Offline,
            "Offline",
            "Leave a message",
            "Nobody is available right now; we will get back to you.",
            vec![
                question(
                    1,
                    None,
                    0,
                    true,
                    QuestionType::TextField,
                    Some(Validation::AlphaNumeric),
                    "Your name",
                    vec![],
                ),
                question(
                    2,
                    None,
                    1,
                    true,
                    QuestionType::TextField,
                    Some(Validation::Email),
                    "E-mail",
                    vec![],
                ),
                question(
                    3,
                    None,
                    2,
                    true,
                    QuestionType::TextArea,
                    None,
                    "Message",
                    vec![],
                ),
            ],
        ),
        s(
            SurveyKind::Exit,
            "Exit",
            "Thank you",
            "How did we do?",
            vec![
                question(
                    1,
                    None,
                    0,
                    true,
                    QuestionType::RadioSideBySide,
                    None,
                    "Was your question answered?",
                    yes_no(&[10]),
                ),
                question(
                    2,
                    Some(10),
                    1,
                    false,
                    QuestionType::TextArea,
                    None,
                    "What was missing?",
                    vec![],
                ),
                question(
                    3,
                    None,
                    2,
                    false,
                    QuestionType::Radio,
                    None,
                    "Rating",
                    (1..=5)
                        .map(|n| entry(&n.to_string(), &n.to_string(), &[]))
                        .collect(),
                ),
            ],
        ),
        s(
            SurveyKind::Agent,
            "Wrap-up",
            "Wrap-up",
            "Classify this chat.",
            vec![
                question(
                    1,
                    None,
                    0,
                    true,
                    QuestionType::Radio,
                    None,
                    "Resolved?",
                    yes_no(&[20]),
                ),
                question(
                    2,
                    Some(20),
                    1,
                    true,
                    QuestionType::TextArea,
                    None,
                    "Why not?",
                    vec![],
                ),
                question(
                    3,
                    None,
                    2,
                    false,
                    QuestionType::Checkbox,
                    None,
                    "Topics",
                    vec![
                        entry("billing", "Billing", &[]),
                        entry("product", "Product", &[]),
                        entry("other", "Other", &[]),
                    ],
                ),
            ],
        ),
    ]
}
