//! Domain discovery (CSDS, spec §1.1): clients look up the host of each service before calling
//! it. chatwire serves every LivePerson service it implements itself, so each lookup answers
//! this server's host, and clients configured with chatwire as their CSDS domain find it.

use axum::extract::{Path, Query};
use serde::Deserialize;

use super::reply::LpReply;
use super::wire::Elem;
use crate::error::ApiError;
use crate::negotiate::Format;
use crate::{AppState, BaseUrl};
use chatwire_engine::Engine;

/// Services this server answers for (names are case-sensitive, as LivePerson's).
pub const SERVICES: [&str; 4] = ["agentVep", "conversationVep", "adminArea", "smt"];

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

fn base_uri_elem(name: &str, service: &str, account: &str, host: &str) -> Elem {
    Elem::new(name)
        .field("service", service)
        .field("account", account)
        .field("baseURI", host)
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
    // JSON is the bare object `{"service","account","baseURI"}` (no root key).
    let elem = base_uri_elem("baseURI", &service, &account, base.host());
    Ok(LpReply::ok(format, elem).unwrapped())
}

/// `GET /csdr/account/{account}/service/baseURI.json`: every service's host.
pub async fn get_all_base_uris(
    state: axum::extract::State<AppState>,
    format: Format,
    base: BaseUrl,
    Path(account): Path<String>,
) -> Result<LpReply, ApiError> {
    let account = known_account(&state, &account).await?;
    let entries = SERVICES
        .iter()
        .map(|s| base_uri_elem("baseURIs", s, &account, base.host()));
    // JSON `{"baseURIs":[…]}`: the root element only names the XML document.
    Ok(
        LpReply::ok(format, Elem::new("serviceBaseURIs").children(entries))
            .unwrapped()
            .with_list("baseURIs"),
    )
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
    let data = Elem::new("lpData").field("lpServer", base.host());
    Ok(LpReply::ok(format, Elem::new("ResultSet").child(data)).with_list("lpData"))
}
