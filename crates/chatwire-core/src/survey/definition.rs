//! The rules a survey definition follows before it is stored (admin API, command line), so
//! that every survey a visitor or agent is shown can be answered and validated: names and
//! texts of bounded length, unique question ids, entries exactly on the question types that
//! have them (with unique values), validation only on free-text questions, and every
//! `showLogicId` revealing a question that exists.

use std::collections::HashSet;

use super::{Question, Survey};
use crate::DomainError;

/// Longest survey name, title or question label, in characters.
pub const MAX_TEXT: usize = 200;
/// Longest survey header, in characters.
pub const MAX_HEADER: usize = 2000;
/// Most questions in one survey.
pub const MAX_QUESTIONS: usize = 100;
/// Most entries in one question.
pub const MAX_ENTRIES: usize = 100;

fn text(what: &'static str, value: &str, max: usize, required: bool) -> Result<(), DomainError> {
    if required && value.trim().is_empty() {
        return Err(DomainError::invalid(what, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(DomainError::invalid(
            what,
            format!("at most {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(DomainError::invalid(
            what,
            "must not hold control characters",
        ));
    }
    Ok(())
}

fn question(q: &Question, logic_ids: &HashSet<i64>) -> Result<(), DomainError> {
    text("questions.label", &q.label, MAX_TEXT, true)?;
    if q.kind.has_entries() {
        if q.entries.is_empty() {
            return Err(DomainError::invalid(
                "questions.entries",
                format!("question {}: a {} needs entries", q.id, q.kind.as_str()),
            ));
        }
        if q.validation.is_some() {
            return Err(DomainError::invalid(
                "questions.validation",
                format!("question {}: only text questions are validated", q.id),
            ));
        }
    } else if !q.entries.is_empty() {
        return Err(DomainError::invalid(
            "questions.entries",
            format!("question {}: a {} has no entries", q.id, q.kind.as_str()),
        ));
    }
    if q.entries.len() > MAX_ENTRIES {
        return Err(DomainError::invalid(
            "questions.entries",
            format!("question {}: at most {MAX_ENTRIES} entries", q.id),
        ));
    }
    let mut values = HashSet::new();
    for e in &q.entries {
        text("questions.entries.value", &e.value, MAX_TEXT, true)?;
        text(
            "questions.entries.displayValue",
            &e.display_value,
            MAX_TEXT,
            false,
        )?;
        if !values.insert(e.value.as_str()) {
            return Err(DomainError::invalid(
                "questions.entries.value",
                format!("question {}: entry value {:?} appears twice", q.id, e.value),
            ));
        }
        if let Some(missing) = e.show_logic_ids.iter().find(|l| !logic_ids.contains(l)) {
            return Err(DomainError::invalid(
                "questions.entries.showLogicIds",
                format!("question {}: no question has logicId {missing}", q.id),
            ));
        }
    }
    let checked = q.entries.iter().filter(|e| e.checked).count();
    if checked > 1 && q.kind != super::QuestionType::Checkbox {
        return Err(DomainError::invalid(
            "questions.entries.checked",
            format!(
                "question {}: only a checkbox pre-selects several entries",
                q.id
            ),
        ));
    }
    Ok(())
}

impl Survey {
    /// Checks the definition (not answers: that is [`Survey::validate`]).
    pub fn check_definition(&self) -> Result<(), DomainError> {
        text("name", &self.name, MAX_TEXT, true)?;
        text("title", &self.title, MAX_TEXT, false)?;
        text("header", &self.header, MAX_HEADER, false)?;
        if self.questions.len() > MAX_QUESTIONS {
            return Err(DomainError::invalid(
                "questions",
                format!("at most {MAX_QUESTIONS} questions"),
            ));
        }
        let mut ids = HashSet::new();
        if let Some(dup) = self.questions.iter().find(|q| !ids.insert(q.id)) {
            return Err(DomainError::invalid(
                "questions.id",
                format!("question id {} appears twice", dup.id),
            ));
        }
        let logic_ids: HashSet<i64> = self.questions.iter().filter_map(|q| q.logic_id).collect();
        self.questions
            .iter()
            .try_for_each(|q| question(q, &logic_ids))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::survey;
    use super::super::{Entry, QuestionType, Validation};
    use crate::DomainError;

    fn field(e: DomainError) -> &'static str {
        match e {
            DomainError::Invalid { what, .. } => what,
            other => panic!("not Invalid: {other:?}"),
        }
    }

    #[test]
    fn a_sound_survey_passes() {
        assert_eq!(survey().check_definition(), Ok(()));
    }

    #[test]
    fn each_broken_rule_names_its_field() {
        let mut s = survey();
        s.name = " ".into();
        assert_eq!(field(s.check_definition().unwrap_err()), "name");

        let mut s = survey();
        s.questions[1].id = s.questions[0].id;
        assert_eq!(field(s.check_definition().unwrap_err()), "questions.id");

        let mut s = survey();
        s.questions[0].entries.clear();
        assert_eq!(
            field(s.check_definition().unwrap_err()),
            "questions.entries"
        );

        let mut s = survey();
        s.questions[1].entries.push(Entry {
            value: "x".into(),
            display_value: "X".into(),
            checked: false,
            show_logic_ids: vec![],
        });
        assert_eq!(
            field(s.check_definition().unwrap_err()),
            "questions.entries"
        );

        let mut s = survey();
        s.questions[0].validation = Some(Validation::Email);
        assert_eq!(
            field(s.check_definition().unwrap_err()),
            "questions.validation"
        );

        let mut s = survey();
        s.questions[0].entries[1].show_logic_ids = vec![42];
        assert_eq!(
            field(s.check_definition().unwrap_err()),
            "questions.entries.showLogicIds"
        );

        let mut s = survey();
        s.questions[2].entries[1].value = "a".into();
        assert_eq!(
            field(s.check_definition().unwrap_err()),
            "questions.entries.value"
        );

        let mut s = survey();
        s.questions[0].kind = QuestionType::Radio;
        for e in &mut s.questions[0].entries {
            e.checked = true;
        }
        assert_eq!(
            field(s.check_definition().unwrap_err()),
            "questions.entries.checked"
        );
    }
}
