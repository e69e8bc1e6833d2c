//! The REST chat resources (spec §4): `ChatSession…`, `ChatTopic…` and `Presence/…`. Each route
//! reads its path, query and body into the typed request of an `IChatAgent` method (the same
//! request the RPC form reads from its body, answered by the same function); what is REST's own
//! is the shape around the answer (`rest_shape`: `_Links`, JSON Patch) and the OData lists,
//! which are the session archive (`archive`).

use super::archive::SessionArchive;
use super::body::Fields;
use super::messages::{
    AddChatMessage, GetChatMessages, GetChatTranscript, parse_after, wait_param,
};
use super::operation::{AgentCall, Out, RoutedCall};
use super::presence::{GetChatPresence, SaveChatPresence};
use super::rest_shape::{api_root, merged_entity, session_links, topic_links};
use super::routing::{
    AcceptChatSessionTransfer, PickUpChatSession, PickUpFirstChatSession,
    RejectChatSessionTransfer, ResetChatSession, TransferChatSession,
};
use super::sessions::{
    ChatSessionsForUser, CreateChatSessionForTopic, CreateDefaultChatSessionEntity,
    DeleteChatSessionEntity, GetChatSessionEntity, SaveChatSessionEntity,
};
use super::topic_members::{
    AddChatTopicUserAgent, DeleteChatTopicUserAgent, GetChatTopicUserAgent,
    GetChatTopicUserAgentList, GetUserAgentList, UpdateChatTopicUserAgent,
    UpdateChatTopicUserAgents,
};
use super::topics::{
    ChatTopicsForUser, CreateDefaultChatTopicEntity, DeleteChatTopicEntity, GetChatTopicEntity,
    IsWithinOpeningHours, SaveChatTopicEntity,
};
use crate::base_url::BaseUrl;
use crate::routes::RouteTable;

/// A query flag: `true` or `1` (any case); anything else, or nothing, is false.
fn flag(c: &AgentCall, name: &str) -> bool {
    c.ctx
        .param(name)
        .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Adds the REST routes under `root` to `table`.
pub fn routes(table: RouteTable, root: &str) -> RouteTable {
    let cs = format!("{root}/ChatSession");
    let ct = format!("{root}/ChatTopic");
    let cs_id = |tail: &str| format!("{cs}/{{id}}{tail}");
    let ct_id = |tail: &str| format!("{ct}/{{id}}{tail}");
    let get_presence = |c: AgentCall| async move { c.answer(GetChatPresence).await };
    let save_presence = |c: AgentCall, body: Fields| async move {
        let presences = body.as_list();
        c.answer(SaveChatPresence { presences }).await
    };
    table
        .get(&cs, |base: BaseUrl, r: RoutedCall| async move {
            let url = format!("{}/ChatSession", api_root(&base, &r));
            r.answer(SessionArchive { topic: None, url }).await
        })
        .post(
            &cs,
            |base: BaseUrl, r: RoutedCall, entity: Fields| async move {
                let out = r.answer(SaveChatSessionEntity { entity }).await;
                session_links(out, &base, &r)
            },
        )
        .get(&format!("{cs}/default"), |c: AgentCall| async move {
            c.answer(CreateDefaultChatSessionEntity).await
        })
        .get(&format!("{cs}/ForCurrentUser"), |c: AgentCall| async move {
            c.answer(ChatSessionsForUser).await
        })
        .post(&format!("{cs}/Pickup"), |c: AgentCall| async move {
            c.answer(PickUpFirstChatSession).await
        })
        .get(&cs_id(""), |base: BaseUrl, r: RoutedCall| async move {
            let id = r.int("id")?;
            session_links(r.answer(GetChatSessionEntity { id }).await, &base, &r)
        })
        .put(&cs_id(""), put_session)
        .patch(&cs_id(""), put_session)
        .delete(&cs_id(""), |r: RoutedCall| async move {
            let id = r.int("id")?;
            r.answer(DeleteChatSessionEntity { id }).await
        })
        .post(&cs_id("/TransferTo/{to}"), |r: RoutedCall| async move {
            let (id, to) = (r.int("id")?, r.text("to")?);
            r.answer(TransferChatSession { id, to }).await
        })
        .post(&cs_id("/AcceptTransfer"), |r: RoutedCall| async move {
            let id = r.int("id")?;
            r.answer(AcceptChatSessionTransfer { id }).await
        })
        .post(&cs_id("/RejectTransfer"), |r: RoutedCall| async move {
            let id = r.int("id")?;
            r.answer(RejectChatSessionTransfer { id }).await
        })
        .post(&cs_id("/Pickup"), |r: RoutedCall| async move {
            let id = r.int("id")?;
            r.answer(PickUpChatSession { id }).await
        })
        .post(&cs_id("/Reset"), |r: RoutedCall| async move {
            let id = r.int("id")?;
            r.answer(ResetChatSession { id }).await
        })
        .post(&cs_id("/Transcript"), |r: RoutedCall| async move {
            let html = flag(&r.agent, "html");
            let id = r.int("id")?;
            r.answer(GetChatTranscript { id, html }).await
        })
        .get(&cs_id("/Messages"), |r: RoutedCall| async move {
            // `?after=` that is no integer reads from the start (docs/superoffice.md).
            let raw = r.agent.ctx.param("after").map(serde_json::Value::from);
            let after = parse_after(raw.as_ref()).unwrap_or(0);
            let wait = wait_param(&r.agent.ctx, None)?;
            let id = r.int("id")?;
            r.answer(GetChatMessages { id, after, wait }).await
        })
        .post(
            &cs_id("/Messages"),
            |r: RoutedCall, message: Fields| async move {
                let id = r.int("id")?;
                r.answer(AddChatMessage { id, message }).await
            },
        )
        .post(
            &ct,
            |base: BaseUrl, r: RoutedCall, entity: Fields| async move {
                let out = r.answer(SaveChatTopicEntity { entity }).await;
                topic_links(out, None, &base, &r)
            },
        )
        .get(&format!("{ct}/default"), |c: AgentCall| async move {
            c.answer(CreateDefaultChatTopicEntity).await
        })
        .get(&format!("{ct}/ForCurrentUser"), |c: AgentCall| async move {
            c.answer(ChatTopicsForUser).await
        })
        .get(&format!("{ct}/UserAgents"), |c: AgentCall| async move {
            let (flat, only_present) = (flag(&c, "flat"), flag(&c, "onlypresent"));
            c.answer(GetUserAgentList { flat, only_present }).await
        })
        .get(&ct_id(""), |base: BaseUrl, r: RoutedCall| async move {
            let id = r.int("id")?;
            topic_links(
                r.answer(GetChatTopicEntity { id }).await,
                Some(id),
                &base,
                &r,
            )
        })
        .put(&ct_id(""), put_topic)
        .patch(&ct_id(""), put_topic)
        .delete(&ct_id(""), |r: RoutedCall| async move {
            let id = r.int("id")?;
            r.answer(DeleteChatTopicEntity { id }).await
        })
        .get(
            &ct_id("/Sessions"),
            |base: BaseUrl, r: RoutedCall| async move {
                let topic = r.int("id")?;
                let url = format!("{}/ChatTopic/{topic}/Sessions", api_root(&base, &r));
                r.answer(SessionArchive {
                    topic: Some(topic),
                    url,
                })
                .await
            },
        )
        .post(&ct_id("/Sessions"), |r: RoutedCall| async move {
            let topic = r.int("id")?;
            r.answer(CreateChatSessionForTopic { topic }).await
        })
        .get(&ct_id("/IsOpen"), |r: RoutedCall| async move {
            let topic = r.int("id")?;
            r.answer(IsWithinOpeningHours { topic }).await
        })
        .get(&ct_id("/UserAgent"), |r: RoutedCall| async move {
            let topic = r.int("id")?;
            r.answer(GetChatTopicUserAgentList { topic }).await
        })
        .put(
            &ct_id("/UserAgent"),
            |r: RoutedCall, body: Fields| async move {
                let (topic, list) = (r.int("id")?, body.as_list());
                r.answer(UpdateChatTopicUserAgents { topic, list }).await
            },
        )
        .post(
            &ct_id("/UserAgent"),
            |r: RoutedCall, roles: Fields| async move {
                let topic = r.int("id")?;
                r.answer(AddChatTopicUserAgent { topic, roles }).await
            },
        )
        .get(&ct_id("/UserAgent/{user}"), |r: RoutedCall| async move {
            let (topic, user) = (r.int("id")?, r.text("user")?);
            r.answer(GetChatTopicUserAgent { topic, user }).await
        })
        .put(
            &ct_id("/UserAgent/{user}"),
            |r: RoutedCall, roles: Fields| async move {
                let (topic, user) = (r.int("id")?, r.text("user")?);
                r.answer(UpdateChatTopicUserAgent { topic, user, roles })
                    .await
            },
        )
        .delete(&ct_id("/UserAgent/{user}"), |r: RoutedCall| async move {
            let (topic, user) = (r.int("id")?, r.text("user")?);
            r.answer(DeleteChatTopicUserAgent { topic, user }).await
        })
        .get(&format!("{root}/Presence/GetAll"), get_presence)
        .post(&format!("{root}/Presence/SaveAll"), save_presence)
        .get(&format!("{root}/ChatPresence/GetAll"), get_presence)
        .post(&format!("{root}/ChatPresence/SaveAll"), save_presence)
}

/// `PUT` / `PATCH` `ChatSession/{id}`: the entity, a merge-patch object, or an RFC 6902 JSON
/// Patch array, saved with the path's id; anything else is a 400.
async fn put_session(base: BaseUrl, r: RoutedCall, body: Fields) -> Out {
    let entity = merged_entity(&r, body, |id| GetChatSessionEntity { id }).await?;
    let Some(mut map) = entity.0.as_object().cloned() else {
        return Err(crate::ApiError::BadRequest(
            "send the ChatSessionEntity, a merge patch object or a JSON Patch array".into(),
        ));
    };
    map.insert("chatsessionid".into(), r.int("id")?.into());
    let entity = Fields(map.into());
    session_links(r.answer(SaveChatSessionEntity { entity }).await, &base, &r)
}

/// `PUT` / `PATCH ChatTopic/{id}`: the entity, a merge-patch object or an RFC 6902 JSON Patch
/// array updates the topic; properties left out keep their value.
async fn put_topic(base: BaseUrl, r: RoutedCall, body: Fields) -> Out {
    let id = r.int("id")?;
    let mut entity = merged_entity(&r, body, |id| GetChatTopicEntity { id }).await?;
    if let Some(map) = entity.0.as_object_mut() {
        map.insert("chattopicid".into(), id.into());
    }
    let out = r.answer(SaveChatTopicEntity { entity }).await;
    topic_links(out, Some(id), &base, &r)
}
