//! The REST chat resources (spec §4): `ChatSession…`, `ChatTopic…` and `Presence/…`, thin
//! routes over the same functions as the agent methods. Single-entity answers carry
//! `_Links` (`Self`, `Archive`), as SuperOffice's `…WithLinks` carriers do. OData lists
//! (`GET ChatSession`, `GET ChatTopic/{id}/Sessions`) answer the agent's open sessions as
//! `{"odata.metadata": …, "value": [ChatSessionEntity…]}`; OData options are ignored.

use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::agent;
use super::auth::SoAgent;
use super::body::Fields;
use super::reply::{SoCtx, SoReply};
use super::sessions::{self as s, Out};
use super::topics as t;
use crate::base_url::BaseUrl;
use crate::{ApiError, AppState};

/// Path parameters by name.
pub type Params = Path<Vec<(String, String)>>;

fn text(p: &Params, name: &str) -> Result<String, ApiError> {
    p.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .ok_or_else(|| ApiError::NotFound("no such resource".into()))
}

fn int(p: &Params, name: &str) -> Result<i64, ApiError> {
    text(p, name)?
        .parse()
        .map_err(|_| ApiError::NotFound(format!("{name} must be an integer")))
}

/// The API root of this request (`https://host/api/v1` or `https://host/Cust1/api/v1`).
fn root(base: &BaseUrl, p: &Params) -> String {
    match p.iter().find(|(k, _)| k == "account") {
        Some((_, a)) => format!("{}/{a}/api/v1", base.0),
        None => format!("{}/api/v1", base.0),
    }
}

/// Adds `_Links` to a single-entity answer.
fn with_links(reply: SoReply, self_url: &str) -> SoReply {
    match reply {
        SoReply::Value {
            format,
            root,
            mut value,
        } => {
            if let Value::Object(map) = &mut value {
                map.insert(
                    "_Links".into(),
                    json!({ "Self": self_url, "Archive": format!("{self_url}/Archive") }),
                );
            }
            SoReply::Value {
                format,
                root,
                value,
            }
        }
        other => other,
    }
}

fn session_links(out: Out, base: &BaseUrl, p: &Params) -> Out {
    let reply = out?;
    let id = match &reply {
        SoReply::Value { value, .. } => value.get("ChatSessionId").and_then(Value::as_i64),
        SoReply::NoContent => None,
    };
    Ok(match id {
        Some(id) => with_links(reply, &format!("{}/ChatSession/{id}", root(base, p))),
        None => reply,
    })
}

fn odata(out: Out, url: &str) -> Out {
    match out? {
        SoReply::Value {
            format,
            root,
            value,
        } => Ok(SoReply::Value {
            format,
            root,
            value: json!({ "odata.metadata": format!("{url}/$metadata"), "value": value }),
        }),
        other => Ok(other),
    }
}

/// `GET ChatSession/default`.
pub async fn get_session_default(ctx: SoCtx, _who: SoAgent) -> Out {
    s::create_default(&ctx)
}

/// `GET ChatSession`: the agent's sessions as an OData answer.
pub async fn get_sessions(
    base: BaseUrl,
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
) -> Out {
    let url = format!("{}/ChatSession", root(&base, &p));
    odata(s::for_user(&st, &who, &ctx).await, &url)
}

/// `GET ChatSession/ForCurrentUser`.
pub async fn get_sessions_for_user(ctx: SoCtx, who: SoAgent, State(st): State<AppState>) -> Out {
    s::for_user(&st, &who, &ctx).await
}

/// `POST ChatSession`.
pub async fn post_session(
    base: BaseUrl,
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
    body: Fields,
) -> Out {
    session_links(s::save(&st, &who, &ctx, &body).await, &base, &p)
}

/// `GET ChatSession/{id}`.
pub async fn get_session(
    base: BaseUrl,
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
) -> Out {
    session_links(s::get(&st, &who, &ctx, int(&p, "id")?).await, &base, &p)
}

/// `PUT` / `PATCH` `ChatSession/{id}` (the entity, a merge-patch object, or an RFC 6902 JSON
/// Patch array): saved with the path's id.
pub async fn put_session(
    base: BaseUrl,
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
    body: Fields,
) -> Out {
    let body = match &body.0 {
        Value::Array(ops) => {
            let current = entity_json(s::get(&st, &who, &ctx, int(&p, "id")?).await?);
            Fields(super::patch::to_merge(&current, ops)?)
        }
        _ => body,
    };
    let Value::Object(mut map) = body.0 else {
        return Err(ApiError::BadRequest(
            "send the ChatSessionEntity, a merge patch object or a JSON Patch array".into(),
        ));
    };
    map.insert("chatsessionid".into(), json!(int(&p, "id")?));
    session_links(
        s::save(&st, &who, &ctx, &Fields(Value::Object(map))).await,
        &base,
        &p,
    )
}

/// `DELETE ChatSession/{id}`.
pub async fn delete_session(p: Params, who: SoAgent, State(st): State<AppState>) -> Out {
    s::delete(&st, &who, int(&p, "id")?).await
}

/// `POST ChatSession/{id}/TransferTo/{to}`.
pub async fn post_transfer(p: Params, ctx: SoCtx, who: SoAgent, State(st): State<AppState>) -> Out {
    s::transfer(&st, &who, &ctx, int(&p, "id")?, &text(&p, "to")?).await
}

/// `POST ChatSession/{id}/AcceptTransfer`.
pub async fn post_accept_transfer(
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
) -> Out {
    s::accept_transfer(&st, &who, &ctx, int(&p, "id")?).await
}

/// `POST ChatSession/{id}/RejectTransfer`.
pub async fn post_reject_transfer(
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
) -> Out {
    s::reject_transfer(&st, &who, &ctx, int(&p, "id")?).await
}

/// `POST ChatSession/{id}/Pickup`.
pub async fn post_pickup(p: Params, ctx: SoCtx, who: SoAgent, State(st): State<AppState>) -> Out {
    s::pick_up(&st, &who, &ctx, int(&p, "id")?).await
}

/// `POST ChatSession/Pickup`: the first in the queue.
pub async fn post_pickup_first(ctx: SoCtx, who: SoAgent, State(st): State<AppState>) -> Out {
    s::pick_up_first(&st, &who, &ctx).await
}

/// `POST ChatSession/{id}/Reset`.
pub async fn post_reset(p: Params, ctx: SoCtx, who: SoAgent, State(st): State<AppState>) -> Out {
    s::reset(&st, &who, &ctx, int(&p, "id")?).await
}

/// `POST ChatSession/{id}/Transcript?html=`.
pub async fn post_transcript(
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
) -> Out {
    let html = ctx
        .param("html")
        .is_some_and(|h| h.eq_ignore_ascii_case("true") || h == "1");
    s::transcript(&st, &who, &ctx, int(&p, "id")?, html).await
}

/// `GET ChatSession/{id}/Messages?after=&wait=` (`wait`: long-poll seconds, see `messages`).
pub async fn get_messages(p: Params, ctx: SoCtx, who: SoAgent, State(st): State<AppState>) -> Out {
    let after = ctx.param("after").and_then(|a| a.parse().ok()).unwrap_or(0);
    let wait = super::messages::wait_param(&ctx, None)?;
    super::messages::messages(&st, &who, &ctx, int(&p, "id")?, after, wait).await
}

/// `POST ChatSession/{id}/Messages` with a bare `ChatMessage`.
pub async fn post_message(
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
    body: Fields,
) -> Out {
    s::add_message(&st, &who, &ctx, int(&p, "id")?, &body).await
}

/// `GET ChatTopic/default`.
pub async fn get_topic_default(ctx: SoCtx, _who: SoAgent) -> Out {
    t::create_default(&ctx)
}

/// `POST ChatTopic`.
pub async fn post_topic(
    base: BaseUrl,
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
    body: Fields,
) -> Out {
    let reply = t::save(&st, &who, &ctx, &body).await?;
    let id = match &reply {
        SoReply::Value { value, .. } => value
            .get("ChatTopicId")
            .and_then(Value::as_i64)
            .unwrap_or(0),
        SoReply::NoContent => 0,
    };
    Ok(with_links(
        reply,
        &format!("{}/ChatTopic/{id}", root(&base, &p)),
    ))
}

/// `GET ChatTopic/{id}`.
pub async fn get_topic(
    base: BaseUrl,
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
) -> Out {
    let id = int(&p, "id")?;
    let reply = t::get(&st, &who, &ctx, id).await?;
    Ok(with_links(
        reply,
        &format!("{}/ChatTopic/{id}", root(&base, &p)),
    ))
}

/// `PUT` / `PATCH ChatTopic/{id}`: the entity, a merge-patch object or an RFC 6902 JSON Patch
/// array updates the topic; properties left out keep their value.
pub async fn put_topic(
    base: BaseUrl,
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
    body: Fields,
) -> Out {
    let id = int(&p, "id")?;
    let mut body = match &body.0 {
        Value::Array(ops) => {
            let current = entity_json(t::get(&st, &who, &ctx, id).await?);
            Fields(super::patch::to_merge(&current, ops)?)
        }
        _ => body,
    };
    if let Some(map) = body.0.as_object_mut() {
        map.insert("chattopicid".into(), Value::from(id));
    }
    let reply = t::save(&st, &who, &ctx, &body).await?;
    Ok(with_links(
        reply,
        &format!("{}/ChatTopic/{id}", root(&base, &p)),
    ))
}

/// `DELETE ChatTopic/{id}`: 204.
pub async fn delete_topic(p: Params, who: SoAgent, State(st): State<AppState>) -> Out {
    t::delete(&st, &who, int(&p, "id")?).await
}

/// `GET ChatTopic/{id}/Sessions`: the agent's open sessions in the topic, as OData.
pub async fn get_topic_sessions(
    base: BaseUrl,
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
) -> Out {
    let topic = t::skill_of(&st, &who, int(&p, "id")?).await?;
    let chats = st.engine.sessions_for_agent(&who.caller).await?;
    let mut out = Vec::new();
    for chat in chats.iter().filter(|c| c.skill == Some(topic.id)) {
        out.push(s::entity(&st, &who, &ctx, chat, false).await?);
    }
    let url = format!("{}/ChatTopic/{}/Sessions", root(&base, &p), topic.id);
    odata(ctx.ok("ChatSessionEntity", &out), &url)
}

/// `POST ChatTopic/{id}/Sessions`.
pub async fn post_topic_session(
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
) -> Out {
    s::open_session(&st, &who, &ctx, int(&p, "id")?, &Fields::default()).await
}

/// `GET ChatTopic/{id}/IsOpen`.
pub async fn get_topic_is_open(
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
) -> Out {
    t::is_open(&st, &who, &ctx, int(&p, "id")?).await
}

/// `GET ChatTopic/ForCurrentUser`.
pub async fn get_topics_for_user(ctx: SoCtx, who: SoAgent, State(st): State<AppState>) -> Out {
    t::for_user(&st, &who, &ctx).await
}

/// `GET ChatTopic/UserAgents?flat=&onlyPresent=`.
pub async fn get_user_agents(ctx: SoCtx, who: SoAgent, State(st): State<AppState>) -> Out {
    let flag = |n| {
        ctx.param(n)
            .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
    };
    t::user_agents(&st, &who, &ctx, flag("flat"), flag("onlypresent")).await
}

/// `GET ChatTopic/{id}/UserAgent`.
pub async fn get_topic_agents(
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
) -> Out {
    t::topic_agents(&st, &who, &ctx, int(&p, "id")?).await
}

/// `PUT ChatTopic/{id}/UserAgent` with a `ChatTopicAgent[]`.
pub async fn put_topic_agents(
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
    body: Fields,
) -> Out {
    t::put_topic_agents(&st, &who, &ctx, int(&p, "id")?, &body.as_list()).await
}

/// `POST ChatTopic/{id}/UserAgent` with a `ChatTopicAgent`.
pub async fn post_topic_agent(
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
    body: Fields,
) -> Out {
    t::put_topic_agent(&st, &who, &ctx, int(&p, "id")?, None, &body).await
}

/// `GET ChatTopic/{id}/UserAgent/{user}`.
pub async fn get_topic_agent(
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
) -> Out {
    t::topic_agent_of(&st, &who, &ctx, int(&p, "id")?, &text(&p, "user")?).await
}

/// `PUT ChatTopic/{id}/UserAgent/{user}`.
pub async fn put_topic_agent(
    p: Params,
    ctx: SoCtx,
    who: SoAgent,
    State(st): State<AppState>,
    body: Fields,
) -> Out {
    t::put_topic_agent(
        &st,
        &who,
        &ctx,
        int(&p, "id")?,
        Some(text(&p, "user")?),
        &body,
    )
    .await
}

/// `DELETE ChatTopic/{id}/UserAgent/{user}`.
pub async fn delete_topic_agent(p: Params, who: SoAgent, State(st): State<AppState>) -> Out {
    t::delete_topic_agent(&st, &who, int(&p, "id")?, &text(&p, "user")?).await
}

/// `GET Presence/GetAll`.
pub async fn get_presence(ctx: SoCtx, who: SoAgent, State(st): State<AppState>) -> Out {
    agent::presence(&st, &who, &ctx).await
}

/// `POST Presence/SaveAll` with a bare `ChatPresence[]`.
pub async fn post_presence(who: SoAgent, State(st): State<AppState>, body: Fields) -> Out {
    agent::save_presence(&st, &who, &body.as_list()).await
}

/// The JSON of an entity reply (for JSON Patch `test` ops).
fn entity_json(reply: SoReply) -> Value {
    match reply {
        SoReply::Value { value, .. } => value,
        SoReply::NoContent => Value::Null,
    }
}
