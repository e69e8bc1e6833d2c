//! `POST /api/v1/Agents/Chat/{Method}` (spec §1): one handler that reads the method name
//! (case-insensitively) and its parameters (body properties, or the query for the entity ids),
//! then calls the method's function in `sessions` / `topics`. `GET` on a method URL describes
//! it, as SuperOffice does.

use axum::extract::{Path, State};
use serde_json::json;

use super::auth::SoAgent;
use super::body::Fields;
use super::convert;
use super::messages as m;
use super::reply::{SoCtx, SoReply};
use super::sessions::{self as s, Out};
use super::topics as t;
use crate::{ApiError, AppState};

/// Every method of `IChatAgent`, in the spec's order.
pub const METHODS: [&str; 31] = [
    "GetChatPresence",
    "SaveChatPresence",
    "CreateDefaultChatSessionEntity",
    "SaveChatSessionEntity",
    "DeleteChatSessionEntity",
    "GetChatSessionEntity",
    "ChatSessionsForUser",
    "TransferChatSession",
    "AcceptChatSessionTransfer",
    "RejectChatSessionTransfer",
    "PickUpChatSession",
    "PickUpFirstChatSession",
    "ResetChatSession",
    "GetChatTranscript",
    "GetChatMessages",
    "AddChatMessage",
    "CreateDefaultChatTopicAgent",
    "CreateDefaultChatTopicEntity",
    "SaveChatTopicEntity",
    "DeleteChatTopicEntity",
    "GetChatTopicEntity",
    "IsWithinOpeningHours",
    "ChatTopicsForUser",
    "GetUserAgentList",
    "GetChatTopicUserAgentList",
    "GetChatTopicUserAgent",
    "AddChatTopicUserAgent",
    "UpdateChatTopicUserAgent",
    "UpdateChatTopicUserAgents",
    "DeleteChatTopicUserAgent",
    "CreateChatSessionForTopic",
];

fn canonical(method: &str) -> Result<&'static str, ApiError> {
    METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method))
        .copied()
        .ok_or_else(|| ApiError::NotFound(format!("no such agent method: Chat/{method}")))
}

/// `POST …/Agents/Chat/{method}`.
pub async fn post_method(
    State(state): State<AppState>,
    Path(path): Path<Vec<(String, String)>>,
    ctx: SoCtx,
    who: SoAgent,
    body: Fields,
) -> Out {
    let method = path
        .iter()
        .find(|(k, _)| k == "method")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let method = canonical(method)?;
    call(&state, &who, &ctx, method, &body).await
}

/// `GET …/Agents/Chat/{method}`: what the method is, not a call.
pub async fn describe_method(Path(path): Path<Vec<(String, String)>>, ctx: SoCtx) -> Out {
    let method = path
        .iter()
        .find(|(k, _)| k == "method")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let method = canonical(method)?;
    ctx.ok(
        "Description",
        &json!({ "POST": format!("Chat agent method {method}; POST its parameters as the body") }),
    )
}

async fn call(state: &AppState, who: &SoAgent, ctx: &SoCtx, method: &str, b: &Fields) -> Out {
    let id = || b.require_int("ChatSessionId");
    let topic = || b.require_int("ChatTopicId");
    let user = || {
        b.str("Username")
            .ok_or_else(|| ApiError::BadRequest("Username is required".into()))
    };
    match method {
        "GetChatPresence" => presence(state, who, ctx).await,
        "SaveChatPresence" => save_presence(state, who, &b.list("ChatPresence")).await,
        "CreateDefaultChatSessionEntity" => s::create_default(ctx),
        "SaveChatSessionEntity" => s::save(state, who, ctx, b).await,
        "DeleteChatSessionEntity" => {
            s::delete(state, who, ctx.require_int("ChatSessionEntityId")?).await
        }
        "GetChatSessionEntity" => {
            s::get(state, who, ctx, ctx.require_int("ChatSessionEntityId")?).await
        }
        "ChatSessionsForUser" => s::for_user(state, who, ctx).await,
        "TransferChatSession" => {
            let to = b
                .str("ToAssociate")
                .ok_or_else(|| ApiError::BadRequest("ToAssociate is required".into()))?;
            s::transfer(state, who, ctx, id()?, &to).await
        }
        "AcceptChatSessionTransfer" => s::accept_transfer(state, who, ctx, id()?).await,
        "RejectChatSessionTransfer" => s::reject_transfer(state, who, ctx, id()?).await,
        "PickUpChatSession" => s::pick_up(state, who, ctx, id()?).await,
        "PickUpFirstChatSession" => s::pick_up_first(state, who, ctx).await,
        "ResetChatSession" => s::reset(state, who, ctx, id()?).await,
        "GetChatTranscript" => {
            s::transcript(state, who, ctx, id()?, b.bool("Html")?.unwrap_or(false)).await
        }
        "GetChatMessages" => {
            let (after, wait) = (b.int("After")?.unwrap_or(0), m::wait_param(ctx, Some(b))?);
            m::messages(state, who, ctx, id()?, after, wait).await
        }
        "AddChatMessage" => s::add_message(state, who, ctx, id()?, &b.obj("Message")).await,
        "CreateDefaultChatTopicAgent" => t::create_default_agent(ctx),
        "CreateDefaultChatTopicEntity" => t::create_default(ctx),
        "SaveChatTopicEntity" => t::save(state, who, ctx, b).await,
        "DeleteChatTopicEntity" => {
            t::delete(state, who, ctx.require_int("ChatTopicEntityId")?).await
        }
        "GetChatTopicEntity" => {
            t::get(state, who, ctx, ctx.require_int("ChatTopicEntityId")?).await
        }
        "IsWithinOpeningHours" => t::is_open(state, who, ctx, topic()?).await,
        "ChatTopicsForUser" => t::for_user(state, who, ctx).await,
        "GetUserAgentList" => {
            let flat = b.bool("Flat")?.unwrap_or(false);
            let only_present = b.bool("OnlyPresent")?.unwrap_or(false);
            t::user_agents(state, who, ctx, flat, only_present).await
        }
        "GetChatTopicUserAgentList" => t::topic_agents(state, who, ctx, topic()?).await,
        "GetChatTopicUserAgent" => t::topic_agent_of(state, who, ctx, topic()?, &user()?).await,
        "AddChatTopicUserAgent" => {
            t::put_topic_agent(state, who, ctx, topic()?, None, &b.obj("Useragent")).await
        }
        "UpdateChatTopicUserAgent" => {
            t::put_topic_agent(
                state,
                who,
                ctx,
                topic()?,
                Some(user()?),
                &b.obj("Useragent"),
            )
            .await
        }
        "UpdateChatTopicUserAgents" => {
            t::put_topic_agents(state, who, ctx, topic()?, &b.list("Useragents")).await
        }
        "DeleteChatTopicUserAgent" => t::delete_topic_agent(state, who, topic()?, &user()?).await,
        "CreateChatSessionForTopic" => {
            s::open_session(state, who, ctx, topic()?, &Fields::default()).await
        }
        other => Err(ApiError::NotFound(format!(
            "no such agent method: Chat/{other}"
        ))),
    }
}

/// #1 `GetChatPresence` (and REST `Presence/GetAll`).
pub async fn presence(state: &AppState, who: &SoAgent, ctx: &SoCtx) -> Out {
    let list = state.engine.presences(&who.account).await?;
    let out: Vec<_> = list.iter().map(convert::presence).collect();
    ctx.ok("ChatPresence", &out)
}

/// #2 `SaveChatPresence` (and REST `Presence/SaveAll`): `UserId` 0 or absent means the caller.
pub async fn save_presence(state: &AppState, who: &SoAgent, list: &[Fields]) -> Out {
    for p in list {
        let target = p
            .int("UserId")?
            .filter(|id| *id != 0)
            .unwrap_or(who.agent.id.0);
        let present = p
            .bool("Present")?
            .ok_or_else(|| ApiError::BadRequest("ChatPresence.Present is required".into()))?;
        state
            .engine
            .set_presence(&who.caller, chatwire_engine::core::AgentId(target), present)
            .await?;
    }
    Ok(SoReply::NoContent)
}
