//! Answer validation against a survey: each question type, logic, mandatory questions, and
//! the exit survey that may be declined.

use super::*;

pub(super) fn survey() -> Survey {
    let entry = |v: &str, show: &[i64]| Entry {
        value: v.into(),
        display_value: v.to_uppercase(),
        checked: false,
        show_logic_ids: show.to_vec(),
    };
    Survey {
        id: 9,
        account: AccountId::parse("1000").expect("id"),
        kind: SurveyKind::Agent,
        name: "wrap-up".into(),
        title: "Wrap-up".into(),
        header: String::new(),
        questions: vec![
            Question {
                id: 1,
                logic_id: None,
                order: 0,
                mandatory: true,
                kind: QuestionType::Radio,
                validation: None,
                label: "Resolved?".into(),
                entries: vec![entry("yes", &[]), entry("no", &[7])],
            },
            Question {
                id: 2,
                logic_id: Some(7),
                order: 1,
                mandatory: true,
                kind: QuestionType::TextArea,
                validation: None,
                label: "Why not?".into(),
                entries: vec![],
            },
            Question {
                id: 3,
                logic_id: None,
                order: 2,
                mandatory: false,
                kind: QuestionType::Checkbox,
                validation: None,
                label: "Topics".into(),
                entries: vec![entry("a", &[]), entry("b", &[])],
            },
            Question {
                id: 4,
                logic_id: None,
                order: 3,
                mandatory: false,
                kind: QuestionType::TextField,
                validation: Some(Validation::Email),
                label: "E-mail".into(),
                entries: vec![],
            },
        ],
        skill: None,
        active: true,
    }
}

fn ans(q: &str, v: &[&str]) -> SurveyAnswer {
    SurveyAnswer {
        question: q.into(),
        answers: v.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[test]
fn valid_answers_pass() {
    assert_eq!(
        survey().validate(&[
            ans("1", &["yes"]),
            ans("3", &["a", "b"]),
            ans("4", &["x@example.com"])
        ]),
        Ok(())
    );
}

#[test]
fn mandatory_questions_must_be_answered_when_shown() {
    assert!(survey().validate(&[]).is_err());
    assert!(
        survey().validate(&[ans("1", &["no"])]).is_err(),
        "choosing 'no' reveals the mandatory question 2"
    );
    assert_eq!(
        survey().validate(&[ans("1", &["no"]), ans("2", &["slow"])]),
        Ok(())
    );
}

#[test]
fn answers_must_fit_their_question() {
    assert!(survey().validate(&[ans("1", &["maybe"])]).is_err());
    assert!(survey().validate(&[ans("1", &["yes", "no"])]).is_err());
    assert!(
        survey()
            .validate(&[ans("1", &["yes"]), ans("4", &["not an email"])])
            .is_err()
    );
}

#[test]
fn answers_to_questions_the_survey_lacks_are_ignored_not_refused() {
    assert_eq!(
        survey().validate(&[ans("1", &["yes"]), ans("99", &["x"])]),
        Ok(())
    );
    assert!(
        survey()
            .validate(&[ans("1", &["maybe"]), ans("99", &["x"])])
            .is_err(),
        "a known question's rule still holds beside an unknown one"
    );
    assert!(
        survey().validate(&[ans("99", &["x"])]).is_err(),
        "a wrap-up survey's mandatory questions still need answers"
    );
}

#[test]
fn an_exit_survey_may_be_declined_but_a_started_one_follows_every_rule() {
    let exit = Survey {
        kind: SurveyKind::Exit,
        ..survey()
    };
    assert_eq!(exit.validate(&[]), Ok(()), "declined");
    assert_eq!(
        exit.validate(&[ans("123", &["answer1"])]),
        Ok(()),
        "only unknown ids: declined, kept for audit"
    );
    assert!(
        exit.validate(&[ans("3", &["a"])]).is_err(),
        "started: mandatory question 1 must be answered"
    );
    assert!(exit.validate(&[ans("1", &["maybe"])]).is_err());
}
