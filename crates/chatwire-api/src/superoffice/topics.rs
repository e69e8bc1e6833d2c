//! Chat topic methods of the agent API (spec §1, #17–#30): topics are skills, topic user agents
//! are skill members; the `Can*` flags render the engine's `TopicRights`.

use chatwire_engine::core::opening_hours::TopicSettings;
use chatwire_engine::core::{Agent, Skill, SkillId};
use chatwire_engine::{NewSkillInput, TopicRights};

use super::auth::SoAgent;
use super::body::Fields;
use super::convert::associate;
use super::hours;
use super::reply::{SoCtx, SoReply};
use super::sessions::Out;
use super::types::{ChatTopicAgent, MdoListItem};
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

/// Stores `OpeningHoursEnabled` / `OpeningHours` from `body` when it carries them.
async fn save_settings(
    state: &AppState,
    who: &SoAgent,
    skill: &Skill,
    body: &Fields,
) -> Result<(), ApiError> {
    let enabled = body.bool("OpeningHoursEnabled")?;
    let given = body.get("OpeningHours").is_some();
    if enabled.is_none() && !given {
        return Ok(());
    }
    let mut settings = state.engine.topic_settings(&who.account, skill.id).await?;
    if settings == TopicSettings::default() {
        settings.opening_hours = hours::default_hours();
    }
    if let Some(on) = enabled {
        settings.opening_hours_enabled = on;
    }
    if given {
        settings.opening_hours = hours::parse(&body.obj("OpeningHours"), &settings.opening_hours)?;
    }
    state
        .engine
        .save_topic_settings(&who.caller, skill.id, &settings)
        .await?;
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

fn topic_agent(topic: i64, agent: &Agent) -> ChatTopicAgent {
    let rights = TopicRights::of(agent, SkillId(topic));
    ChatTopicAgent {
        topic_id: topic,
        user: Some(associate(agent)),
        can_listen: rights.listen,
        can_respond: rights.respond,
        can_manage: rights.manage,
        can_notify: rights.notify,
    }
}

/// #17 `CreateDefaultChatTopicAgent`.
pub fn create_default_agent(ctx: &SoCtx) -> Out {
    let a = ChatTopicAgent {
        topic_id: 0,
        user: None,
        can_listen: false,
        can_respond: false,
        can_manage: false,
        can_notify: false,
    };
    ctx.ok("ChatTopicAgent", &a)
}

/// #18 `CreateDefaultChatTopicEntity`.
pub fn create_default(ctx: &SoCtx) -> Out {
    let e = ChatTopicEntity::new(0, String::new(), String::new(), String::new());
    ctx.ok("ChatTopicEntity", &e)
}

/// #19 `SaveChatTopicEntity` (and REST `POST`/`PUT`/`PATCH ChatTopic`): `ChatTopicId` 0 creates a
/// skill, any other id updates it (name, description, welcome message, opening hours).
/// Admins only; properties left out keep their value.
pub async fn save(state: &AppState, who: &SoAgent, ctx: &SoCtx, body: &Fields) -> Out {
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

/// #20 `DeleteChatTopicEntity` (and REST `DELETE ChatTopic/{id}`): admins only; refused (409)
/// while chats are open in the topic. 204.
pub async fn delete(state: &AppState, who: &SoAgent, id: i64) -> Out {
    let skill = skill_of(state, who, id).await?;
    state.engine.delete_topic(&who.caller, skill.id).await?;
    Ok(SoReply::NoContent)
}

/// #21 `GetChatTopicEntity`.
pub async fn get(state: &AppState, who: &SoAgent, ctx: &SoCtx, id: i64) -> Out {
    let skill = skill_of(state, who, id).await?;
    ctx.ok("ChatTopicEntity", &entity_of(state, who, &skill).await?)
}

/// #22 `IsWithinOpeningHours`: the engine's decision from the topic's stored opening hours
/// (open when none are stored or they are disabled).
pub async fn is_open(state: &AppState, who: &SoAgent, ctx: &SoCtx, id: i64) -> Out {
    let skill = skill_of(state, who, id).await?;
    let open = state.engine.is_topic_open(&who.account, skill.id).await?;
    ctx.ok("boolean", &open)
}

/// #23 `ChatTopicsForUser`.
pub async fn for_user(state: &AppState, who: &SoAgent, ctx: &SoCtx) -> Out {
    let skills = state.engine.topics_for_agent(&who.caller).await?;
    let mut out = Vec::with_capacity(skills.len());
    for skill in &skills {
        out.push(entity_of(state, who, skill).await?);
    }
    ctx.ok("ChatTopicEntity", &out)
}

fn agent_item(agent: &Agent, present: bool) -> MdoListItem {
    MdoListItem {
        id: agent.id.0,
        name: agent.login_name.clone(),
        tool_tip: agent.display_name.clone(),
        deleted: false,
        rank: agent.id.0,
        kind: "associate".into(),
        child_items: Vec::new(),
        icon_hint: String::new(),
        color_block: 0,
        extra_info: if present { "present" } else { "absent" }.into(),
        style_hint: String::new(),
        full_name: agent.display_name.clone(),
    }
}

/// #24 `GetUserAgentList`: agents with a chat licence (enabled agents); grouped by topic
/// (group ids are the negated skill ids) unless `flat`.
pub async fn user_agents(
    state: &AppState,
    who: &SoAgent,
    ctx: &SoCtx,
    flat: bool,
    only_present: bool,
) -> Out {
    let presences = state.engine.presences(&who.account).await?;
    let agents: Vec<_> = presences
        .iter()
        .filter(|p| !only_present || p.present)
        .map(|p| (p.agent.clone(), agent_item(&p.agent, p.present)))
        .collect();
    if flat {
        let items: Vec<_> = agents.into_iter().map(|(_, i)| i).collect();
        return ctx.ok("MDOListItem", &items);
    }
    let mut groups = Vec::new();
    for (rank, skill) in state.engine.skills(&who.account).await?.iter().enumerate() {
        let children: Vec<_> = agents
            .iter()
            .filter(|(a, _)| a.has_skill(skill.id))
            .map(|(_, i)| i.clone())
            .collect();
        groups.push(MdoListItem {
            id: -skill.id.0,
            name: skill.name.clone(),
            tool_tip: skill.description.clone(),
            deleted: false,
            rank: i64::try_from(rank).unwrap_or(i64::MAX),
            kind: "group".into(),
            child_items: children,
            icon_hint: String::new(),
            color_block: 0,
            extra_info: String::new(),
            style_hint: String::new(),
            full_name: skill.name.clone(),
        });
    }
    ctx.ok("MDOListItem", &groups)
}

/// #25 `GetChatTopicUserAgentList`: the topic's members.
pub async fn topic_agents(state: &AppState, who: &SoAgent, ctx: &SoCtx, topic: i64) -> Out {
    let skill = skill_of(state, who, topic).await?;
    let members = state.engine.topic_members(&who.account, skill.id).await?;
    let out: Vec<_> = members.iter().map(|a| topic_agent(topic, a)).collect();
    ctx.ok("ChatTopicAgent", &out)
}

/// #26 `GetChatTopicUserAgent`: one agent's roles in a topic (all false for non-members).
pub async fn topic_agent_of(
    state: &AppState,
    who: &SoAgent,
    ctx: &SoCtx,
    topic: i64,
    user: &str,
) -> Out {
    skill_of(state, who, topic).await?;
    let agent = state
        .engine
        .agent_by_login_or_id(&who.account, user)
        .await?;
    ctx.ok("ChatTopicAgent", &topic_agent(topic, &agent))
}

/// The user a `ChatTopicAgent` names (`User.AssociateId`, else `User.UserName`/`Name`).
fn user_of(a: &Fields) -> Option<String> {
    let user = a.obj("User");
    user.int("AssociateId")
        .ok()
        .flatten()
        .filter(|id| *id != 0)
        .map(|id| id.to_string())
        .or_else(|| user.str("UserName"))
        .or_else(|| user.str("Name"))
}

/// #27/#28 `AddChatTopicUserAgent` / `UpdateChatTopicUserAgent`: membership follows
/// `CanRespond` (absent: member).
pub async fn put_topic_agent(
    state: &AppState,
    who: &SoAgent,
    ctx: &SoCtx,
    topic: i64,
    user: Option<String>,
    roles: &Fields,
) -> Out {
    let agent = set_member(state, who, topic, user.or_else(|| user_of(roles)), roles).await?;
    ctx.ok("ChatTopicAgent", &topic_agent(topic, &agent))
}

async fn set_member(
    state: &AppState,
    who: &SoAgent,
    topic: i64,
    user: Option<String>,
    roles: &Fields,
) -> Result<Agent, ApiError> {
    let skill = skill_of(state, who, topic).await?;
    let user = user.ok_or_else(|| ApiError::BadRequest("Useragent.User is required".into()))?;
    let target = state
        .engine
        .agent_by_login_or_id(&who.account, &user)
        .await?;
    let member = roles.bool("CanRespond")?.unwrap_or(true);
    Ok(state
        .engine
        .set_topic_member(&who.caller, skill.id, target.id, member)
        .await?)
}

/// #29 `UpdateChatTopicUserAgents`: the listed agents become the topic's members (per
/// `CanRespond`); members not listed are removed.
pub async fn put_topic_agents(
    state: &AppState,
    who: &SoAgent,
    ctx: &SoCtx,
    topic: i64,
    list: &[Fields],
) -> Out {
    let skill = skill_of(state, who, topic).await?;
    let mut keep = Vec::new();
    for roles in list {
        let agent = set_member(state, who, topic, user_of(roles), roles).await?;
        keep.push(agent.id);
    }
    for member in state.engine.topic_members(&who.account, skill.id).await? {
        if !keep.contains(&member.id) {
            state
                .engine
                .set_topic_member(&who.caller, skill.id, member.id, false)
                .await?;
        }
    }
    topic_agents(state, who, ctx, topic).await
}

/// #30 `DeleteChatTopicUserAgent`.
pub async fn delete_topic_agent(state: &AppState, who: &SoAgent, topic: i64, user: &str) -> Out {
    let skill = skill_of(state, who, topic).await?;
    let target = state
        .engine
        .agent_by_login_or_id(&who.account, user)
        .await?;
    state
        .engine
        .set_topic_member(&who.caller, skill.id, target.id, false)
        .await?;
    Ok(SoReply::NoContent)
}
