//! Domain discovery (CSDS, spec §1.1): clients look up the host of each service before calling
//! it. chatwire serves every LivePerson service it implements itself, so each lookup answers
//! this server's host, and clients configured with chatwire as their CSDS domain find it.

use axum::extract::{Path, Query};
use serde::Deserialize;

use super::reply::LpReply;
use super::views::login::{AllBaseUris, LpCsds, SERVICES, ServiceBaseUri};
use crate::http::error::ApiError;
use crate::http::negotiate::Format;
use crate::{AppState, BaseUrl};
use chatwire_engine::Engine;

/// Query of the lookups (`version=1.0`; ignored).
#[derive(Debug, Deserialize)]
pub struct LookupQuery {
    /// API version, any value accepted.
    #[serde(default)]
    pub version: Option<String>,
}

async fn known_account(state: &AppState, account: &str) -> Result<String, ApiError> {
    let id = Engine::parse_account(account)?;
    state.engine.account(&id).await?;
    Ok(id.to_string())
}

fn known_service(service: &str) -> Result<(), ApiError> {
    if SERVICES.contains(&service) {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!(
            "unknown service {service:?}; this server provides {}",
            SERVICES.join(", ")
        )))
    }
}

/// `GET /api/account/{account}/service/{service}/baseURI.json?version=1.0` and
/// `GET /csdr/account/{account}/service/{service}/baseURI.json`: one service's host.
pub async fn get_service_base_uri(
    state: axum::extract::State<AppState>,
    format: Format,
    base: BaseUrl,
    Path((account, service)): Path<(String, String)>,
    Query(_q): Query<LookupQuery>,
) -> Result<LpReply, ApiError> {
    let account = known_account(&state, &account).await?;
    known_service(&service)?;
    let view = ServiceBaseUri {
        service: &service,
        account: &account,
        host: base.host(),
    };
    Ok(LpReply::ok(format, &view))
}

/// `GET /csdr/account/{account}/service/baseURI.json`: every service's host.
pub async fn get_all_base_uris(
    state: axum::extract::State<AppState>,
    format: Format,
    base: BaseUrl,
    Path(account): Path<String>,
) -> Result<LpReply, ApiError> {
    let account = known_account(&state, &account).await?;
    let view = AllBaseUris {
        account: &account,
        host: base.host(),
    };
    Ok(LpReply::ok(format, &view))
}

/// `GET /csdr/account/{site}/service/{service}/baseURI.lpCsds`: the legacy lpTag lookup,
/// `{"ResultSet":{"lpData":[{"lpServer":"<host>"}]}}`.
pub async fn get_lpcsds(
    state: axum::extract::State<AppState>,
    format: Format,
    base: BaseUrl,
    Path((account, service)): Path<(String, String)>,
) -> Result<LpReply, ApiError> {
    known_account(&state, &account).await?;
    known_service(&service)?;
    Ok(LpReply::ok(format, &LpCsds { host: base.host() }))
}
