//! The survey definition (spec §4.2), shared by the agent survey and the visitor's pre-chat,
//! offline and exit surveys: `{"survey":{"id","title","header","questions":{"question":[…]}}}`.

use chatwire_engine::core::Survey;
use chatwire_engine::core::survey::{Entry, Question};

use super::View;
use crate::liveperson::wire::Elem;

/// A survey definition, questions in their `order`.
#[derive(Debug, Clone, Copy)]
pub struct SurveyView<'a>(pub &'a Survey);

fn entry(e: &Entry) -> Elem {
    let entry = Elem::new("entry")
        .field("value", e.value.clone())
        .field("displayValue", e.display_value.clone())
        .field("checked", e.checked);
    if e.show_logic_ids.is_empty() {
        return entry;
    }
    let logic = Elem::new("logic").children(
        e.show_logic_ids
            .iter()
            .map(|id| Elem::leaf("showLogicId", *id)),
    );
    entry.child(logic)
}

fn question(q: &Question) -> Elem {
    Elem::new("question")
        .field("id", q.id)
        .opt_field("logicId", q.logic_id)
        .field("order", i64::from(q.order))
        .field("mandatory", q.mandatory)
        .field("type", q.kind.as_str())
        .opt_field("validationType", q.validation.map(|v| v.as_str()))
        .field("label", q.label.clone())
        // Entries sit directly in the question (spec §4.2: `entry[]`); text questions have none.
        .children(q.entries.iter().map(entry))
}

impl View for SurveyView<'_> {
    fn render(&self) -> Elem {
        let survey = self.0;
        let mut questions: Vec<_> = survey.questions.iter().collect();
        questions.sort_by_key(|q| q.order);
        Elem::new("survey")
            .field("id", survey.id)
            .field("title", survey.title.clone())
            .field("header", survey.header.clone())
            .child(Elem::new("questions").children(questions.into_iter().map(question)))
    }
}
