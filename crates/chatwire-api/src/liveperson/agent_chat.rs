//! Chat Agent API, chat level (spec §2.2.11–§2.2.22): chat resource, events, lines and end,
//! chat info, visitor name, typing, transfer, and the multi-chat retrieve (seed 002).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chatwire_engine::core::{AccountId, ChatKey, EventId, LineSubType, SkillId, TextType, Typing};
use chatwire_engine::{Caller, ChatView, Cursor, LineInput, TransferTo};

use super::auth::LpAgent;
use super::body::LpBody;
use super::fragments::{Reader, list_document, render_item};
use super::query::LpQuery;
use super::reply::{LpRaw, LpReply};
use super::types::{EventIds, InfoExtras, Side, chat_elem, chat_urls, events_elem, info_elem};
use super::wire::{Elem, JsonOptions, KeyStyle};
use crate::http::path::chat_key;
use crate::negotiate::Format;
use crate::{ApiError, AppState, BaseUrl};
use axum::body::Bytes;

/// Path of chat-level routes.
pub type ChatPath = Path<(String, i64, String)>;

fn from_param(q: &LpQuery) -> Result<EventId, ApiError> {
    Ok(EventId(
        q.leading_u32("from")
            .map_err(ApiError::BadRequest)?
            .unwrap_or(0),
    ))
}

/// The facts `info` shows beyond the chat (skill name, now); shared by both sides. Only the
/// visitor side shows the skill name, so the agent side skips the directory lookup (the
/// multi-chat poll would otherwise do it once per chat per request).
pub(crate) async fn extras(
    state: &AppState,
    account: &AccountId,
    view: &ChatView,
    side: Side,
) -> InfoExtras {
    let skill_name = match (side, view.chat.skill) {
        (Side::Visitor, Some(id)) => state.engine.skill(account, id).await.ok().map(|s| s.name),
        _ => None,
    };
    InfoExtras {
        skill_name,
        now: state.engine.now(),
    }
}

/// A read that long-polls when the query asks (`wait=<seconds>`, clamped by the server).
async fn read_waiting(
    state: &AppState,
    agent: &LpAgent,
    key: &ChatKey,
    from: EventId,
    q: &LpQuery,
) -> Result<ChatView, ApiError> {
    let wait = chatwire_engine::wait_secs(q.get("wait"));
    let caller = Caller::Agent(agent.who.clone());
    Ok(state
        .engine
        .read_events(&caller, key, Cursor::From(from), wait)
        .await?)
}

async fn read(
    state: &AppState,
    agent: &LpAgent,
    key: &ChatKey,
    from: EventId,
) -> Result<ChatView, ApiError> {
    let caller = Caller::Agent(agent.who.clone());
    Ok(state
        .engine
        .read_events(&caller, key, Cursor::From(from), std::time::Duration::ZERO)
        .await?)
}

/// `GET /agentSession/{asid}/chat/{chatId}[?from=N]`: links, events from `N`, info.
pub async fn get_chat(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, chat)): ChatPath,
    q: LpQuery,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let view = read_waiting(&state, &agent, &key, from_param(&q)?, &q).await?;
    let urls = chat_urls(&base, &agent.who.account, Some(agent.asid), &key);
    let extras = extras(&state, &agent.who.account, &view, Side::Agent).await;
    Ok(LpReply::ok(
        format,
        chat_elem(&view, Side::Agent, &urls, &extras, EventIds::Attribute),
    ))
}

/// `GET /agentSession/{asid}/chat/{chatId}/events[?from=N]`.
pub async fn get_events(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, chat)): ChatPath,
    q: LpQuery,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let view = read_waiting(&state, &agent, &key, from_param(&q)?, &q).await?;
    let urls = chat_urls(&base, &agent.who.account, Some(agent.asid), &key);
    Ok(LpReply::ok(
        format,
        events_elem(&view, &urls, EventIds::Attribute),
    ))
}

/// Parses a posted event: a line (`textType` plain, html, rich-content; `subType` REGULAR or
/// ONLY_TO_REP) or `state: ended`. One event per POST.
pub enum PostedEvent {
    /// A line.
    Line(LineInput),
    /// End the chat.
    End,
}

/// Reads `{"event":{…}}` (or XML `<event type=…>`).
pub fn parse_event(body: &LpBody, agent_side: bool) -> Result<PostedEvent, ApiError> {
    if body
        .at(&[&["event"]])
        .is_some_and(serde_json::Value::is_array)
    {
        return Err(ApiError::BadRequest("one event per request".into()));
    }
    let typ = body.required(&[&["event"], &["@type", "type"]], "event.@type")?;
    match typ.as_str() {
        "line" => {
            let text = body.required(&[&["event"], &["text"]], "event.text")?;
            let text_type = match body.str_at(&[&["event"], &["textType"]]).as_deref() {
                None | Some("plain") => TextType::Plain,
                Some("html") if agent_side => TextType::Html,
                Some("rich-content") if agent_side => TextType::RichContent,
                Some("html" | "rich-content") => TextType::Plain,
                Some(other) => {
                    return Err(ApiError::BadRequest(format!("unknown textType {other:?}")));
                }
            };
            let sub_type = match body.str_at(&[&["event"], &["subType"]]).as_deref() {
                None | Some("REGULAR") => LineSubType::Regular,
                Some("ONLY_TO_REP") if agent_side => LineSubType::OnlyToRep,
                Some(other) => {
                    return Err(ApiError::BadRequest(format!(
                        "unsupported subType {other:?}"
                    )));
                }
            };
            let json = body.at(&[&["event"], &["json"]]).map(ToString::to_string);
            Ok(PostedEvent::Line(LineInput {
                text,
                text_type,
                json,
                sub_type,
            }))
        }
        "state" => match body
            .required(&[&["event"], &["state"]], "event.state")?
            .as_str()
        {
            "ended" => Ok(PostedEvent::End),
            other => Err(ApiError::BadRequest(format!(
                "a client may only set state \"ended\", not {other:?}"
            ))),
        },
        other => Err(ApiError::BadRequest(format!(
            "unsupported event type {other:?}; use line or state"
        ))),
    }
}

/// `POST /agentSession/{asid}/chat/{chatId}/events`: add a line (201 `chatEventLocation`) or
/// end the chat (201 `chatLocation`, the root the docs show).
pub async fn post_event(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, chat)): ChatPath,
    body: LpBody,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let account = &agent.who.account;
    let (committed, root) = match parse_event(&body, true)? {
        PostedEvent::Line(line) => (
            state.engine.agent_post_line(&agent.who, &key, line).await?,
            "chatEventLocation",
        ),
        PostedEvent::End => (
            state.engine.agent_end_chat(&agent.who, &key).await?,
            "chatLocation",
        ),
    };
    let first = committed.events.first().map_or(0, |e| e.id.0);
    let urls = chat_urls(&base, account, Some(agent.asid), &key);
    let url = format!("{}/events/{first}", urls.chat);
    Ok(LpReply::created(
        format,
        Elem::new(root).child(Elem::link(url.clone(), "location")),
        url,
    ))
}

/// `GET /agentSession/{asid}/chat/{chatId}/info`.
pub async fn get_info(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, chat)): ChatPath,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let view = read(&state, &agent, &key, EventId(u32::MAX)).await?;
    let urls = chat_urls(&base, &agent.who.account, Some(agent.asid), &key);
    let extras = extras(&state, &agent.who.account, &view, Side::Agent).await;
    Ok(LpReply::ok(
        format,
        info_elem(&view.chat, Side::Agent, &urls, &extras),
    ))
}

/// `GET …/info/visitorName`.
pub async fn get_visitor_name(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
) -> Result<LpReply, ApiError> {
    let view = read(&state, &agent, &chat_key(&chat)?, EventId(u32::MAX)).await?;
    Ok(LpReply::ok(
        format,
        Elem::leaf("visitorName", view.chat.visitor_name.clone()),
    ))
}

/// `GET …/info/visitorTyping`.
pub async fn get_visitor_typing(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
) -> Result<LpReply, ApiError> {
    let view = read(&state, &agent, &chat_key(&chat)?, EventId(u32::MAX)).await?;
    Ok(LpReply::ok(
        format,
        Elem::leaf("visitorTyping", view.chat.visitor_typing.as_str()),
    ))
}

/// `GET …/info/agentTyping`.
pub async fn get_agent_typing(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
) -> Result<LpReply, ApiError> {
    let view = read(&state, &agent, &chat_key(&chat)?, EventId(u32::MAX)).await?;
    Ok(LpReply::ok(
        format,
        Elem::leaf("agentTyping", view.chat.agent_typing.as_str()),
    ))
}

/// Parses a typing value.
pub fn typing(value: &str) -> Result<Typing, ApiError> {
    match value {
        "typing" => Ok(Typing::Typing),
        "not-typing" => Ok(Typing::NotTyping),
        other => Err(ApiError::BadRequest(format!(
            "typing must be \"typing\" or \"not-typing\", not {other:?}"
        ))),
    }
}

/// `PUT …/info/agentTyping` with `{"agentTyping":"typing"}`: 201 per the doc, echoing the value.
pub async fn put_agent_typing(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
    body: LpBody,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let value = typing(&body.required(&[&["agentTyping"]], "agentTyping")?)?;
    let committed = state
        .engine
        .set_agent_typing(&agent.who, &key, value)
        .await?;
    Ok(LpReply::ok(
        format,
        Elem::leaf("agentTyping", committed.chat.agent_typing.as_str()),
    )
    .status(StatusCode::CREATED))
}

/// `GET …/chat/{chatId}/transfer`: skills the chat can go to, with their online agents
/// (other than this agent).
pub async fn get_transfer(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    read(&state, &agent, &key, EventId(u32::MAX)).await?;
    let skills = state.engine.transfer_skills(&agent.who).await?;
    let entries = skills.into_iter().map(|(skill, online)| {
        Elem::new("skill")
            .field("id", skill.id.0.to_string())
            .field("name", skill.name)
            .field("onlineAgents", online.to_string())
    });
    Ok(LpReply::ok(format, Elem::new("transfer").children(entries)).with_list("skill"))
}

/// `POST …/chat/{chatId}/transfer` with `{"transfer":{"skill":{"id":2}|"agent":{"id":6},"text":…}}`
/// (agent wins when both are given): 200. An unavailable target answers
/// `{"transfer":{"errormsg":…}}` with 400, the shape a Scala client models.
pub async fn post_transfer(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
    body: LpBody,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let to_agent = body.int_at(&[&["transfer"], &["agent"], &["id"]])?;
    let to_skill = body.int_at(&[&["transfer"], &["skill"], &["id"]])?;
    let target = match (to_agent, to_skill) {
        (Some(a), _) => TransferTo::Agent(chatwire_engine::core::AgentId(a)),
        (None, Some(s)) => TransferTo::Skill(SkillId(s)),
        (None, None) => {
            return Err(ApiError::BadRequest(
                "transfer needs skill.id or agent.id".into(),
            ));
        }
    };
    let text = body.str_at(&[&["transfer"], &["text"]]).unwrap_or_default();
    match state.engine.transfer(&agent.who, &key, target, text).await {
        Ok(_) => Ok(LpReply::ok(format, Elem::new("transfer")).status(StatusCode::OK)),
        Err(chatwire_engine::EngineError::Domain(
            e @ chatwire_engine::core::DomainError::Invalid { .. },
        )) => Ok(LpReply::ok(
            format,
            Elem::new("transfer").field("errormsg", e.to_string()),
        )
        .status(StatusCode::BAD_REQUEST)),
        Err(e) => Err(e.into()),
    }
}

/// `GET /agentSession/{asid}/chat?chatSessionKeys=K1,K2&fromEventIds=E1,E2`: many chats in one
/// poll (seed 002), plain keys. A missing `fromEventIds` list or entry reads from 0; lists of
/// different lengths are a 400; a key that is unknown or not this agent's is reported inside
/// its own `chat` entry as `{"chatSessionKey":…,"error":{…}}` without revealing anything.
pub async fn get_chats(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    q: LpQuery,
) -> Result<LpRaw, ApiError> {
    let keys: Vec<&str> = q
        .get("chatSessionKeys")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect();
    if keys.is_empty() {
        return Err(ApiError::BadRequest("chatSessionKeys is required".into()));
    }
    let most = state.limits.max_chat_session_keys;
    if keys.len() > most {
        return Err(ApiError::BadRequest(format!(
            "at most {most} chatSessionKeys per request"
        )));
    }
    let froms: Vec<&str> = q
        .get("fromEventIds")
        .map(|f| f.split(',').map(str::trim).collect())
        .unwrap_or_default();
    if !froms.is_empty() && froms.len() != keys.len() {
        return Err(ApiError::BadRequest(format!(
            "fromEventIds has {} entries but chatSessionKeys has {}",
            froms.len(),
            keys.len()
        )));
    }
    // Parse every entry first; the valid ones are read (or waited on) together.
    let mut parsed: Vec<Result<(ChatKey, EventId), ApiError>> = Vec::with_capacity(keys.len());
    for (i, raw) in keys.iter().enumerate() {
        let from = match froms.get(i).copied().filter(|f| !f.is_empty()) {
            Some(f) => {
                // Leading digits, as for `from` (clients append `?v=1` to the last value).
                let digits: String = f.chars().take_while(char::is_ascii_digit).collect();
                digits.parse::<u32>().map(EventId).map_err(|_| {
                    ApiError::BadRequest(format!("fromEventIds entry {f:?} is not a number"))
                })?
            }
            None => EventId(0),
        };
        parsed.push(chat_key(raw).map(|k| (k, from)));
    }
    let requests: Vec<(ChatKey, EventId)> = parsed
        .iter()
        .filter_map(|p| p.as_ref().ok().cloned())
        .collect();
    let wait = chatwire_engine::wait_secs(q.get("wait"));
    let caller = Caller::Agent(agent.who.clone());
    let mut views = state
        .engine
        .read_events_many(&caller, &requests, wait)
        .await
        .into_iter();
    // Every chat is rendered once per revision and reader, then reused (fragments.rs): an
    // unchanged poll answer is assembled from cached bytes.
    let opts = JsonOptions {
        style: KeyStyle::Plain,
        unwrap_root: false,
        lists: &["chat"],
    };
    let now = state.engine.now();
    let mut chats = Vec::with_capacity(keys.len());
    for (raw, entry) in keys.iter().zip(parsed) {
        let result = match entry {
            Ok((key, from)) => match views.next() {
                Some(view) => view.map(|v| (key, from, v)).map_err(ApiError::from),
                None => Err(ApiError::Internal),
            },
            Err(e) => Err(e),
        };
        chats.push(match result {
            Ok((key, from, view)) => {
                // The agent side shows no skill name, and one `now` serves the whole answer.
                let extras = InfoExtras {
                    skill_name: None,
                    now,
                };
                let reader = Reader {
                    account: &agent.who.account,
                    side: Side::Agent,
                    asid: Some(agent.asid),
                    base: &base.0,
                    format,
                    ids: EventIds::PlainNumeric,
                    from,
                };
                state.fragments.get_or_render(&reader, &view, &extras, || {
                    let urls = chat_urls(&base, &agent.who.account, Some(agent.asid), &key);
                    let elem =
                        chat_elem(&view, Side::Agent, &urls, &extras, EventIds::PlainNumeric);
                    render_item(&elem, format, opts)
                })
            }
            Err(ApiError::Unavailable) => return Err(ApiError::Unavailable),
            Err(ApiError::Internal) => return Err(ApiError::Internal),
            Err(e) => {
                let elem = Elem::new("chat")
                    .field("chatSessionKey", (*raw).to_owned())
                    .child(super::compat::error_elem(&e, now.0));
                Bytes::from(render_item(&elem, format, opts))
            }
        });
    }
    Ok(LpRaw {
        format,
        chunks: list_document("chats", "chat", chats, format),
    })
}

/// `GET …/chat/{chatId}/events/{eventId}`: one event (the `Location` of a posted line).
pub async fn get_event(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat, event)): Path<(String, i64, String, String)>,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let id = event
        .parse::<u32>()
        .map_err(|_| ApiError::NotFound("event not found".into()))?;
    let view = read(&state, &agent, &key, EventId(id)).await?;
    let event = view
        .events
        .iter()
        .find(|e| e.id.0 == id)
        .ok_or_else(|| ApiError::NotFound("event not found".into()))?;
    Ok(LpReply::ok(
        format,
        super::types::event_elem(event, EventIds::Attribute),
    ))
}
