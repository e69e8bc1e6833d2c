//! Submitted survey answers (spec §4.2), shared by the agent survey and the visitor's offline
//! and exit surveys, with the context fields clients send next to them; the survey definitions
//! render in `views::survey`.

use chatwire_engine::core::chat::SurveyAnswer;

use crate::ApiError;
use crate::liveperson::body::{LpBody, one_or_many, scalar_text};

/// Reads submitted answers: `{"survey":{"id":S,"question":[{"id":Q,"answer":"x"|["a","b"]}]}}`;
/// a single question may be an object (Postman), and `questions.question` is read too.
pub fn parse_answers(body: &LpBody) -> Result<(Option<i64>, Vec<SurveyAnswer>), ApiError> {
    let survey = body
        .at(&[&["survey"]])
        .ok_or_else(|| ApiError::BadRequest("the body must be {\"survey\":{…}}".into()))?;
    let id = match survey.get("id") {
        None => None,
        Some(v) => Some(
            scalar_text(v)
                .and_then(|t| t.trim().parse::<i64>().ok())
                .ok_or_else(|| ApiError::BadRequest("survey.id must be a number".into()))?,
        ),
    };
    let questions = survey
        .get("question")
        .or_else(|| survey.get("questions").and_then(|q| q.get("question")));
    let mut answers = Vec::new();
    for q in one_or_many(questions) {
        let question = q
            .get("id")
            .and_then(scalar_text)
            .ok_or_else(|| ApiError::BadRequest("every question needs an id".into()))?;
        let values = one_or_many(q.get("answer"))
            .into_iter()
            .filter_map(scalar_text)
            .collect();
        answers.push(SurveyAnswer {
            question,
            answers: values,
        });
    }
    Ok((id, answers))
}

/// Context fields LivePerson clients send next to survey answers, kept with the submission.
pub fn survey_context(body: &LpBody) -> Vec<(String, String)> {
    const KEYS: [&str; 10] = [
        "LETagVisitorId",
        "LETagSessionId",
        "LETagContextId",
        "skill",
        "userAgent",
        "visitorId",
        "visitorIp",
        "chatRefferer",
        "chatReferrer",
        "visitorSessionId",
    ];
    let survey = body.at(&[&["survey"]]);
    KEYS.iter()
        .filter_map(|k| {
            survey
                .and_then(|s| s.get(*k))
                .and_then(scalar_text)
                .map(|v| ((*k).to_owned(), v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn single_questions_and_lists_of_answers_both_parse() {
        let (id, answers) = parse_answers(&LpBody(
            json!({"survey":{"id":"9","question":{"id":"123","answer":"answer1"}}}),
        ))
        .expect("postman form");
        assert_eq!(
            (id, answers.len(), answers[0].answers.clone()),
            (Some(9), 1, vec!["answer1".to_owned()])
        );
        let (_, answers) = parse_answers(&LpBody(json!({"survey":{"id":9,"question":[{"id":1,"answer":["a","b"]},{"id":2,"answer":"x"}]}}))).expect("doc form");
        assert_eq!(answers[0].answers, vec!["a", "b"]);
        assert!(parse_answers(&LpBody(json!({"nope":1}))).is_err());
        assert!(parse_answers(&LpBody(json!({"survey":{"id":"x"}}))).is_err());
    }
}
