//! Chat topics (spec §1 #18–#23; REST `ChatTopic`, `ChatTopic/{id}`, `ChatTopic/{id}/IsOpen`,
//! `ChatTopic/ForCurrentUser`): topics are skills, shown as `ChatTopicEntity` with their stored
//! SuperOffice settings (opening hours; widget, bot, alert and ticket options). Who is in a topic is `topic_members`.

use chatwire_engine::NewSkillInput;
use chatwire_engine::core::opening_hours::TopicSettings;
use chatwire_engine::core::{Skill, SkillId};

use super::auth::SoAgent;
use super::body::Fields;
use super::hours;
use super::operation::{Answer, Call, Out, method};
use super::reply::SoReply;
use super::topic_options;
use super::types_topic::ChatTopicEntity;
use crate::{ApiError, AppState};

fn topic_entity(skill: &Skill, settings: &TopicSettings) -> ChatTopicEntity {
    let mut e = ChatTopicEntity::new(
        skill.id.0,
        skill.name.clone(),
        skill.description.clone(),
        skill.welcome_message.clone(),
    );
    e.opening_hours_enabled = settings.opening_hours_enabled;
    // A topic nobody has set hours for shows the default entity's hours.
    let hours = if *settings == TopicSettings::default() {
        hours::default_hours()
    } else {
        settings.opening_hours.clone()
    };
    e.opening_hours = hours::render(&hours);
    topic_options::write(&mut e, &settings.options);
    e
}

/// The entity of a skill, with its stored SuperOffice settings.
async fn entity_of(
    state: &AppState,
    who: &SoAgent,
    skill: &Skill,
) -> Result<ChatTopicEntity, ApiError> {
    let settings = state.engine.topic_settings(&who.account, skill.id).await?;
    Ok(topic_entity(skill, &settings))
}

/// Stores the settings `body` carries: `OpeningHoursEnabled` / `OpeningHours` and the widget,
/// bot, alert and ticket properties (`topic_options`); nothing is written when none changes.
async fn save_settings(
    state: &AppState,
    who: &SoAgent,
    skill: &Skill,
    body: &Fields,
) -> Result<(), ApiError> {
    let enabled = body.bool("OpeningHoursEnabled")?;
    let mut before = state.engine.topic_settings(&who.account, skill.id).await?;
    if before == TopicSettings::default() {
        // A topic nobody has set hours for has the default entity's hours.
        before.opening_hours = hours::default_hours();
    }
    let mut settings = before.clone();
    topic_options::read(&mut settings.options, body)?;
    if let Some(on) = enabled {
        settings.opening_hours_enabled = on;
    }
    if body.get("OpeningHours").is_some() {
        settings.opening_hours = hours::parse(&body.obj("OpeningHours"), &settings.opening_hours)?;
    }
    if settings != before {
        state
            .engine
            .save_topic_settings(&who.caller, skill.id, &settings)
            .await?;
    }
    Ok(())
}

/// The skill with id `id` (404 when unknown).
pub async fn skill_of(state: &AppState, who: &SoAgent, id: i64) -> Result<Skill, ApiError> {
    state
        .engine
        .skill(&who.account, SkillId(id))
        .await
        .map_err(|_| ApiError::NotFound(format!("ChatTopic id {id} not found")))
}

/// #18 `CreateDefaultChatTopicEntity` (REST `GET ChatTopic/default`).
pub struct CreateDefaultChatTopicEntity;
method!(CreateDefaultChatTopicEntity, |_, _| Ok(Self));

impl Answer for CreateDefaultChatTopicEntity {
    async fn answer(self, c: Call<'_>) -> Out {
        let e = ChatTopicEntity::new(0, String::new(), String::new(), String::new());
        c.ctx.ok("ChatTopicEntity", &e)
    }
}

/// #19 `SaveChatTopicEntity` (REST `POST ChatTopic`, `PUT`/`PATCH ChatTopic/{id}`): the entity
/// itself. `ChatTopicId` 0 creates a skill, any other id updates it (name, description, welcome
/// message, opening hours). Admins only; properties left out keep their value.
pub struct SaveChatTopicEntity {
    /// The `ChatTopicEntity` as sent (REST `PUT` sets its id from the path).
    pub entity: Fields,
}
method!(SaveChatTopicEntity, |body, _| Ok(Self {
    entity: body.clone()
}));

impl Answer for SaveChatTopicEntity {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let body = &self.entity;
        let id = body.int("ChatTopicId")?.unwrap_or(0);
        let skill = if id == 0 {
            let input = NewSkillInput {
                name: body.str("Name").unwrap_or_default(),
                description: body.str("Description").unwrap_or_default(),
                welcome_message: body.str("WelcomeMessage").unwrap_or_default(),
            };
            state.engine.create_topic(&who.caller, input).await?
        } else {
            let current = skill_of(state, who, id).await?;
            let changed = Skill {
                name: body.str("Name").unwrap_or_else(|| current.name.clone()),
                description: body
                    .str("Description")
                    .unwrap_or_else(|| current.description.clone()),
                welcome_message: body
                    .str("WelcomeMessage")
                    .unwrap_or_else(|| current.welcome_message.clone()),
                ..current
            };
            state.engine.update_topic(&who.caller, &changed).await?
        };
        save_settings(state, who, &skill, body).await?;
        ctx.ok("ChatTopicEntity", &entity_of(state, who, &skill).await?)
    }
}

/// #20 `DeleteChatTopicEntity` (REST `DELETE ChatTopic/{id}`): admins only; refused (409)
/// while chats are open in the topic. 204.
pub struct DeleteChatTopicEntity {
    /// The topic (RPC: query `ChatTopicEntityId`).
    pub id: i64,
}
method!(DeleteChatTopicEntity, |_, ctx| Ok(Self {
    id: ctx.require_int("ChatTopicEntityId")?
}));

impl Answer for DeleteChatTopicEntity {
    async fn answer(self, Call { state, who, .. }: Call<'_>) -> Out {
        let skill = skill_of(state, who, self.id).await?;
        state.engine.delete_topic(&who.caller, skill.id).await?;
        Ok(SoReply::NoContent)
    }
}

/// #21 `GetChatTopicEntity` (REST `GET ChatTopic/{id}`).
pub struct GetChatTopicEntity {
    /// The topic (RPC: query `ChatTopicEntityId`).
    pub id: i64,
}
method!(GetChatTopicEntity, |_, ctx| Ok(Self {
    id: ctx.require_int("ChatTopicEntityId")?
}));

impl Answer for GetChatTopicEntity {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let skill = skill_of(state, who, self.id).await?;
        ctx.ok("ChatTopicEntity", &entity_of(state, who, &skill).await?)
    }
}

/// #22 `IsWithinOpeningHours` (REST `GET ChatTopic/{id}/IsOpen`): the engine's decision from
/// the topic's stored opening hours (open when none are stored or they are disabled).
pub struct IsWithinOpeningHours {
    /// The topic (`ChatTopicId`; REST `{id}`).
    pub topic: i64,
}
method!(IsWithinOpeningHours, |body, _| Ok(Self {
    topic: body.require_int("ChatTopicId")?
}));

impl Answer for IsWithinOpeningHours {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let skill = skill_of(state, who, self.topic).await?;
        let open = state.engine.is_topic_open(&who.account, skill.id).await?;
        ctx.ok("boolean", &open)
    }
}

/// #23 `ChatTopicsForUser` (REST `GET ChatTopic/ForCurrentUser`): the caller's topics.
pub struct ChatTopicsForUser;
method!(ChatTopicsForUser, |_, _| Ok(Self));

impl Answer for ChatTopicsForUser {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let skills = state.engine.topics_for_agent(&who.caller).await?;
        let mut out = Vec::with_capacity(skills.len());
        for skill in &skills {
            out.push(entity_of(state, who, skill).await?);
        }
        ctx.ok("ChatTopicEntity", &out)
    }
}
