//! Who is in a chat topic (spec §1 #17 and #24–#30; REST `ChatTopic/UserAgents`,
//! `ChatTopic/{id}/UserAgent…`): topic user agents are skill members; the `Can*` flags render
//! the engine's `TopicRights`. Also the list of agents with a chat licence.

use chatwire_engine::TopicRights;
use chatwire_engine::core::{Agent, SkillId};

use super::body::Fields;
use super::convert::associate;
use super::operation::{Answer, Call, Out, method};
use super::reply::SoReply;
use super::topics::skill_of;
use super::types::{ChatTopicAgent, MdoListItem};
use crate::ApiError;

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
pub struct CreateDefaultChatTopicAgent;
method!(CreateDefaultChatTopicAgent, |_, _| Ok(Self));

impl Answer for CreateDefaultChatTopicAgent {
    async fn answer(self, c: Call<'_>) -> Out {
        c.ctx.ok("ChatTopicAgent", &ChatTopicAgent::default())
    }
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

/// #24 `GetUserAgentList` (REST `GET ChatTopic/UserAgents?flat=&onlyPresent=`): agents with a
/// chat licence (enabled agents); grouped by topic (group ids are the negated skill ids) unless
/// `flat`.
pub struct GetUserAgentList {
    /// One flat list instead of groups (`Flat`).
    pub flat: bool,
    /// Only present agents (`OnlyPresent`).
    pub only_present: bool,
}
method!(GetUserAgentList, |body, _| Ok(Self {
    flat: body.bool("Flat")?.unwrap_or(false),
    only_present: body.bool("OnlyPresent")?.unwrap_or(false),
}));

impl Answer for GetUserAgentList {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let Self { flat, only_present } = self;
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
}

/// #25 `GetChatTopicUserAgentList` (REST `GET ChatTopic/{id}/UserAgent`): the topic's members.
pub struct GetChatTopicUserAgentList {
    /// The topic (`ChatTopicId`; REST `{id}`).
    pub topic: i64,
}
method!(GetChatTopicUserAgentList, |body, _| Ok(Self {
    topic: body.require_int("ChatTopicId")?
}));

impl Answer for GetChatTopicUserAgentList {
    async fn answer(self, c: Call<'_>) -> Out {
        members(c, self.topic).await
    }
}

async fn members(Call { state, who, ctx }: Call<'_>, topic: i64) -> Out {
    let skill = skill_of(state, who, topic).await?;
    let members = state.engine.topic_members(&who.account, skill.id).await?;
    let out: Vec<_> = members.iter().map(|a| topic_agent(topic, a)).collect();
    ctx.ok("ChatTopicAgent", &out)
}

fn required_user(body: &Fields) -> Result<String, ApiError> {
    body.str("Username")
        .ok_or_else(|| ApiError::BadRequest("Username is required".into()))
}

/// #26 `GetChatTopicUserAgent` (REST `GET ChatTopic/{id}/UserAgent/{user}`): one agent's roles
/// in a topic (all false for non-members).
pub struct GetChatTopicUserAgent {
    /// The topic (`ChatTopicId`; REST `{id}`).
    pub topic: i64,
    /// The agent's login or id (`Username`; REST `{user}`).
    pub user: String,
}
method!(GetChatTopicUserAgent, |body, _| Ok(Self {
    topic: body.require_int("ChatTopicId")?,
    user: required_user(body)?,
}));

impl Answer for GetChatTopicUserAgent {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        skill_of(state, who, self.topic).await?;
        let agent = state
            .engine
            .agent_by_login_or_id(&who.account, &self.user)
            .await?;
        ctx.ok("ChatTopicAgent", &topic_agent(self.topic, &agent))
    }
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

/// #27 `AddChatTopicUserAgent` (REST `POST ChatTopic/{id}/UserAgent`): membership follows
/// `CanRespond` (absent: member); the agent is the one `Useragent.User` names.
pub struct AddChatTopicUserAgent {
    /// The topic (`ChatTopicId`; REST `{id}`).
    pub topic: i64,
    /// The `ChatTopicAgent` (`Useragent`; REST the bare body).
    pub roles: Fields,
}
method!(AddChatTopicUserAgent, |body, _| Ok(Self {
    topic: body.require_int("ChatTopicId")?,
    roles: body.obj("Useragent"),
}));

impl Answer for AddChatTopicUserAgent {
    async fn answer(self, c: Call<'_>) -> Out {
        let agent = set_member(c, self.topic, user_of(&self.roles), &self.roles).await?;
        c.ctx.ok("ChatTopicAgent", &topic_agent(self.topic, &agent))
    }
}

/// #28 `UpdateChatTopicUserAgent` (REST `PUT ChatTopic/{id}/UserAgent/{user}`): as #27 for the
/// agent `Username` names.
pub struct UpdateChatTopicUserAgent {
    /// The topic (`ChatTopicId`; REST `{id}`).
    pub topic: i64,
    /// The agent's login or id (`Username`; REST `{user}`).
    pub user: String,
    /// The `ChatTopicAgent` (`Useragent`; REST the bare body).
    pub roles: Fields,
}
method!(UpdateChatTopicUserAgent, |body, _| Ok(Self {
    topic: body.require_int("ChatTopicId")?,
    user: required_user(body)?,
    roles: body.obj("Useragent"),
}));

impl Answer for UpdateChatTopicUserAgent {
    async fn answer(self, c: Call<'_>) -> Out {
        let agent = set_member(c, self.topic, Some(self.user), &self.roles).await?;
        c.ctx.ok("ChatTopicAgent", &topic_agent(self.topic, &agent))
    }
}

/// Makes `user` (required) a member of `topic` or not, per `roles.CanRespond` (absent: member).
async fn set_member(
    Call { state, who, .. }: Call<'_>,
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

/// #29 `UpdateChatTopicUserAgents` (REST `PUT ChatTopic/{id}/UserAgent`): the listed agents
/// become the topic's members (per `CanRespond`); members not listed are removed.
pub struct UpdateChatTopicUserAgents {
    /// The topic (`ChatTopicId`; REST `{id}`).
    pub topic: i64,
    /// The `ChatTopicAgent` items (`Useragents`; REST the bare list).
    pub list: Vec<Fields>,
}
method!(UpdateChatTopicUserAgents, |body, _| Ok(Self {
    topic: body.require_int("ChatTopicId")?,
    list: body.list("Useragents"),
}));

impl Answer for UpdateChatTopicUserAgents {
    async fn answer(self, c: Call<'_>) -> Out {
        let Call { state, who, .. } = c;
        let skill = skill_of(state, who, self.topic).await?;
        let mut keep = Vec::new();
        for roles in &self.list {
            let agent = set_member(c, self.topic, user_of(roles), roles).await?;
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
        members(c, self.topic).await
    }
}

/// #30 `DeleteChatTopicUserAgent` (REST `DELETE ChatTopic/{id}/UserAgent/{user}`): 204.
pub struct DeleteChatTopicUserAgent {
    /// The topic (`ChatTopicId`; REST `{id}`).
    pub topic: i64,
    /// The agent's login or id (`Username`; REST `{user}`).
    pub user: String,
}
method!(DeleteChatTopicUserAgent, |body, _| Ok(Self {
    topic: body.require_int("ChatTopicId")?,
    user: required_user(body)?,
}));

impl Answer for DeleteChatTopicUserAgent {
    async fn answer(self, Call { state, who, .. }: Call<'_>) -> Out {
        let skill = skill_of(state, who, self.topic).await?;
        let target = state
            .engine
            .agent_by_login_or_id(&who.account, &self.user)
            .await?;
        state
            .engine
            .set_topic_member(&who.caller, skill.id, target.id, false)
            .await?;
        Ok(SoReply::NoContent)
    }
}
