//! What REST answers carry that the RPC form's do not (spec §4): `_Links` (`Self`, `Archive`)
//! on single entities, as SuperOffice's `…WithLinks` carriers do (`Archive` is the entity's
//! archive list, as in SuperOffice's samples: `ChatSession` for a session, the topic's
//! `Sessions` for a topic); and the entity a `PUT`/`PATCH` body stands for (a JSON Patch array
//! applied to the current entity). The OData lists themselves are `archive`.

use serde_json::{Value, json};

use super::body::Fields;
use super::operation::{Answer, Out, RoutedCall};
use super::patch;
use super::reply::SoReply;
use crate::ApiError;
use crate::base_url::BaseUrl;

/// The API root of this request (`https://host/api/v1` or `https://host/Cust1/api/v1`).
pub fn api_root(base: &BaseUrl, r: &RoutedCall) -> String {
    match r.path.iter().find(|(k, _)| k == "account") {
        Some((_, a)) => format!("{}/{a}/api/v1", base.0),
        None => format!("{}/api/v1", base.0),
    }
}

/// Adds `_Links` to a single-entity answer.
fn with_links(reply: SoReply, self_url: &str, archive_url: &str) -> SoReply {
    match reply {
        SoReply::Value {
            format,
            root,
            mut value,
        } => {
            if let Value::Object(map) = &mut value {
                map.insert(
                    "_Links".into(),
                    json!({ "Self": self_url, "Archive": archive_url }),
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

/// A `ChatSessionEntity` answer with its `_Links` (none on a `null` answer).
pub fn session_links(out: Out, base: &BaseUrl, r: &RoutedCall) -> Out {
    let reply = out?;
    let id = match &reply {
        SoReply::Value { value, .. } => value.get("ChatSessionId").and_then(Value::as_i64),
        SoReply::NoContent => None,
    };
    Ok(match id {
        Some(id) => {
            let archive = format!("{}/ChatSession", api_root(base, r));
            with_links(reply, &format!("{archive}/{id}"), &archive)
        }
        None => reply,
    })
}

/// A `ChatTopicEntity` answer with its `_Links`: topic `id`, or (`None`) the answer's own
/// `ChatTopicId`.
pub fn topic_links(out: Out, id: Option<i64>, base: &BaseUrl, r: &RoutedCall) -> Out {
    let reply = out?;
    let id = id.unwrap_or_else(|| match &reply {
        SoReply::Value { value, .. } => value
            .get("ChatTopicId")
            .and_then(Value::as_i64)
            .unwrap_or(0),
        SoReply::NoContent => 0,
    });
    let own = format!("{}/ChatTopic/{id}", api_root(base, r));
    Ok(with_links(reply, &own, &format!("{own}/Sessions")))
}

/// The entity a `PUT`/`PATCH` body stands for: a JSON Patch array is applied to the current
/// entity (read by the request `current` makes of the path's id); any other body is itself.
pub async fn merged_entity<A: Answer>(
    r: &RoutedCall,
    body: Fields,
    current: impl FnOnce(i64) -> A + Send,
) -> Result<Fields, ApiError> {
    let Value::Array(ops) = &body.0 else {
        return Ok(body);
    };
    let entity = match r.answer(current(r.int("id")?)).await? {
        SoReply::Value { value, .. } => value,
        SoReply::NoContent => Value::Null,
    };
    Ok(Fields(patch::to_merge(&entity, ops)?))
}
