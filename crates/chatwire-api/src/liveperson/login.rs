//! Login Service API (spec §1.3): `POST /login`, `/refresh`, `/logout`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chatwire_engine::Engine;
use chatwire_engine::auth::{AppCredentials, LoginGrant};

use super::body::LpBody;
use super::reply::LpReply;
use super::wire::Elem;
use crate::client_addr::ClientAddr;
use crate::negotiate::Format;
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

fn login_elem(grant: &LoginGrant, account: &str, base: &BaseUrl, now_ms: i64) -> Elem {
    let agent = &grant.agent;
    let base_uris = super::domain::SERVICES.into_iter().map(|service| {
        Elem::new("baseURIs")
            .field("account", account)
            .field("baseURI", base.host())
            .field("service", service)
    });
    let privileges = if agent.is_admin {
        vec![1_i64, 2, 3]
    } else {
        vec![1_i64]
    };
    let config = Elem::new("config")
        .field("loginName", agent.login_name.clone())
        .field("userId", agent.id.0.to_string())
        .children(
            privileges
                .into_iter()
                .map(|p| Elem::leaf("userPrivileges", p)),
        )
        .field("serverCurrentTime", now_ms)
        .field("timeDiff", 0)
        .field("serverTimeZoneName", "UTC")
        .field("serverTimeGMTDiff", 0)
        .field("isLPA", false)
        .field("isAdmin", agent.is_admin)
        .field("accountTimeZoneId", "UTC");
    let groups = Elem::new("agentGroupsData")
        .child(
            Elem::new("items")
                .field("id", -1)
                .field("deleted", false)
                .field("name", "Main Group"),
        )
        .field("revision", 1);
    Elem::new("login")
        .field("csrf", grant.csrf.clone())
        .field("wsuk", (now_ms % 1_000_000_000).to_string())
        .child(config)
        .child(Elem::new("csdsCollectionResponse").children(base_uris))
        .child(Elem::new("accountData").child(groups))
        .field("sessionTTl", grant.ttl_ms.to_string())
        // The doc notes that the bearer comes last.
        .field("bearer", grant.bearer.clone())
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
    let username = body.required(&[&["username"]], "username")?;
    let grant = match body.str_at(&[&["password"]]) {
        Some(password) => {
            state
                .engine
                .login_from(&account_id, &username, &password, from)
                .await?
        }
        None => {
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
            state
                .engine
                .login_app_from(&account_id, &username, &creds, from)
                .await?
        }
    };
    let elem = login_elem(&grant, &account, &base, state.engine.now().0);
    // The login answer is a bare object (`{"csrf":…,"bearer":…}`), list-valued where clients
    // iterate.
    let mut resp = LpReply::ok(format, elem)
        .unwrapped()
        .with_list("baseURIs")
        .with_list("items")
        .with_list("userPrivileges")
        .into_response();
    let cookie = format!(
        "Session_id={}; Path=/api/account/{account}; HttpOnly; SameSite=Lax",
        grant.cookie
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

async fn login_session_call(
    state: &AppState,
    account: &str,
    headers: &HeaderMap,
    body: &LpBody,
) -> Result<
    (
        chatwire_engine::core::AccountId,
        Option<String>,
        Option<String>,
    ),
    ApiError,
> {
    let account = Engine::parse_account(account)?;
    let cookie = session_cookie(headers);
    let csrf = body.str_at(&[&["csrf"]]);
    state.engine.account(&account).await?;
    Ok((account, cookie, csrf))
}

/// `POST /api/account/{account}/refresh` with `{"csrf":…}` and the `Session_id` cookie:
/// extends the login; 200 with an empty body.
pub async fn post_refresh(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: LpBody,
) -> Result<StatusCode, ApiError> {
    let (account, cookie, csrf) = login_session_call(&state, &account, &headers, &body).await?;
    state
        .engine
        .refresh(&account, cookie.as_deref(), csrf.as_deref())
        .await?;
    Ok(StatusCode::OK)
}

/// `POST /api/account/{account}/logout`: revokes the bearer; 200 with an empty body.
pub async fn post_logout(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: LpBody,
) -> Result<StatusCode, ApiError> {
    let (account, cookie, csrf) = login_session_call(&state, &account, &headers, &body).await?;
    state
        .engine
        .logout(&account, cookie.as_deref(), csrf.as_deref())
        .await?;
    Ok(StatusCode::OK)
}
