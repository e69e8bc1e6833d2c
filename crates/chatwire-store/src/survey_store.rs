//! [`SurveyStore`]: survey definitions and submitted surveys. A supertrait of
//! [`crate::Store`], so every backend has it and `dyn Store` callers reach it.

use async_trait::async_trait;
use chatwire_core::{AccountId, ChatKey, Survey, SurveyResponse};

use crate::StoreResult;

/// Persistence of surveys: definitions per account, responses per chat (or none).
#[async_trait]
pub trait SurveyStore: Send + Sync + 'static {
    /// Stores a survey definition, assigning its `id` (the argument's id is ignored).
    async fn create_survey(&self, survey: &Survey) -> StoreResult<Survey>;
    /// An account's surveys, by id.
    async fn list_surveys(&self, account: &AccountId) -> StoreResult<Vec<Survey>>;
    /// Replaces a survey definition (kind, name, texts, questions, skill, active), keeping its
    /// id and account. `NotFound` if there is no survey with that id in `survey.account`.
    async fn update_survey(&self, survey: &Survey) -> StoreResult<()>;
    /// Deletes a survey definition. `NotFound` if there is none with that id in the account;
    /// `Conflict` if responses to it are stored (they refer to it: deactivate it instead).
    async fn delete_survey(&self, account: &AccountId, id: i64) -> StoreResult<()>;
    /// Stores a submitted survey. Durable on return. `NotFound("survey")` if the survey is not
    /// the response's account's; `NotFound("chat")` if `response.chat` is given and that chat
    /// does not exist in the account (never did, or was deleted: a survey submitted through a
    /// node that still had an erased chat in memory must not bring data about it back). The
    /// check and the insert are one transaction, so a concurrent deletion cannot slip between.
    /// The same transaction appends its account event (`OfflineMessage` for an offline survey,
    /// else `SurveySubmitted`, `AccountEventKind::of_response`) with the next global seq, so a
    /// webhook never misses a stored response nor announces an unstored one; erasing the
    /// response deletes that event too.
    async fn save_survey_response(&self, response: &SurveyResponse) -> StoreResult<()>;
    /// An account's submitted surveys, oldest first; only those about `chat` when given.
    async fn survey_responses(
        &self,
        account: &AccountId,
        chat: Option<&ChatKey>,
    ) -> StoreResult<Vec<SurveyResponse>>;
}
