//! Server Chat API (visitor side, spec §2.3). This file: the chat request (§2.3.7); its body
//! is read in `input::chat_request`.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::body::LpBody;
use super::input::parse_request;
use super::views::chat::chat_urls;
use super::visitor_auth::LpVisitor;
use crate::client_addr::ClientAddr;
use crate::{ApiError, AppState, BaseUrl};

/// `POST /api/account/{account}/chat/request`: opens a chat. 201, empty body, `Location` = the
/// chat URL (both CaféX SDKs check for exactly 201).
pub async fn post_chat_request(
    State(state): State<AppState>,
    visitor: LpVisitor,
    base: BaseUrl,
    headers: HeaderMap,
    ClientAddr(from): ClientAddr,
    body: LpBody,
) -> Result<Response, ApiError> {
    let input = parse_request(&body, &headers, from.map(|ip| ip.to_string()))?;
    let committed = state
        .engine
        .visitor_request_chat(&visitor.caller, input, from)
        .await?;
    let url = chat_urls(&base, &visitor.account, None, &committed.chat.key).chat;
    let mut resp = StatusCode::CREATED.into_response();
    if let Ok(v) = HeaderValue::from_str(&url) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}
