//! Login Service API (spec §1.3): `POST /login`, `/refresh`, `/logout`.

use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chatwire_engine::Engine;
use chatwire_engine::auth::AppCredentials;
use chatwire_engine::core::AccountId;

use super::body::LpBody;
use super::reply::LpReply;
use super::views::login::LoginAnswer;
use crate::client_addr::ClientAddr;
use crate::http::negotiate::Format;
use crate::{ApiError, AppState, BaseUrl};

/// The `Session_id` cookie value, if sent.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("Session_id=").map(str::to_owned))
}

/// How a login proves itself: a user's password, or an application's four keys.
enum Credentials {
    Password(String),
    App(AppCredentials),
}

/// `username` and the credentials of a login body.
fn credentials(body: &LpBody) -> Result<(String, Credentials), ApiError> {
    let username = body.required(&[&["username"]], "username")?;
    if let Some(password) = body.str_at(&[&["password"]]) {
        return Ok((username, Credentials::Password(password)));
    }
    let field = |name: &str| body.str_at(&[&[name]]).unwrap_or_default();
    if field("appKey").is_empty() {
        return Err(ApiError::BadRequest("the body must contain password, or appKey with secret, accessToken and accessTokenSecret".into()));
    }
    let creds = AppCredentials {
        app_key: field("appKey"),
        secret: field("secret"),
        access_token: field("accessToken"),
        access_token_secret: field("accessTokenSecret"),
    };
    Ok((username, Credentials::App(creds)))
}

/// Sets the `Session_id` cookie refresh and logout read, scoped to the account's path.
fn set_session_cookie(resp: &mut Response, account: &str, cookie: &str) {
    let cookie =
        format!("Session_id={cookie}; Path=/api/account/{account}; HttpOnly; SameSite=Lax");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
}

/// `POST /api/account/{account}/login`: user login (`username` + `password`) or application
/// login (`username` + `appKey` + `secret` + `accessToken` + `accessTokenSecret`).
pub async fn post_login(
    State(state): State<AppState>,
    format: Format,
    base: BaseUrl,
    Path(account): Path<String>,
    ClientAddr(from): ClientAddr,
    body: LpBody,
) -> Result<Response, ApiError> {
    // XML clients send `<login><username>…</username>…</login>`: read inside the wrapper.
    let body = body.unwrap_root(&["login"]);
    let account_id = Engine::parse_account(&account)?;
    state.engine.account(&account_id).await?;
    let (username, creds) = credentials(&body)?;
    let grant = match creds {
        Credentials::Password(password) => {
            state
                .engine
                .login_from(&account_id, &username, &password, from)
                .await?
        }
        Credentials::App(creds) => {
            state
                .engine
                .login_app_from(&account_id, &username, &creds, from)
                .await?
        }
    };
    let answer = LoginAnswer {
        grant: &grant,
        account: &account,
        host: base.host(),
        now_ms: state.engine.now().0,
    };
    let mut resp = LpReply::ok(format, &answer).into_response();
    set_session_cookie(&mut resp, &account, &grant.cookie);
    Ok(resp)
}

/// A call on an existing login (`/refresh`, `/logout`): the path's account, the `Session_id`
/// cookie and the body's `csrf`, read in the order the routes always have (path, headers, body,
/// then the account checked).
pub struct LoginSession {
    account: AccountId,
    cookie: Option<String>,
    csrf: Option<String>,
}

impl FromRequest<AppState> for LoginSession {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (mut parts, body) = req.into_parts();
        let Path(account) = Path::<String>::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| ApiError::NotFound("no such resource".into()))?;
        let cookie = session_cookie(&parts.headers);
        let body = LpBody::from_request(Request::from_parts(parts, body), state).await?;
        let account = Engine::parse_account(&account)?;
        let csrf = body.str_at(&[&["csrf"]]);
        state.engine.account(&account).await?;
        Ok(Self {
            account,
            cookie,
            csrf,
        })
    }
}

/// `POST /api/account/{account}/refresh` with `{"csrf":…}` and the `Session_id` cookie:
/// extends the login; 200 with an empty body.
pub async fn post_refresh(State(state): State<AppState>, s: LoginSession) -> LoginStatus {
    let (cookie, csrf) = (s.cookie.as_deref(), s.csrf.as_deref());
    state.engine.refresh(&s.account, cookie, csrf).await?;
    Ok(StatusCode::OK)
}

/// `POST /api/account/{account}/logout`: revokes the bearer; 200 with an empty body.
pub async fn post_logout(State(state): State<AppState>, s: LoginSession) -> LoginStatus {
    let (cookie, csrf) = (s.cookie.as_deref(), s.csrf.as_deref());
    state.engine.logout(&s.account, cookie, csrf).await?;
    Ok(StatusCode::OK)
}

/// What `/refresh` and `/logout` answer: 200 with an empty body, or the error.
pub type LoginStatus = Result<StatusCode, ApiError>;
