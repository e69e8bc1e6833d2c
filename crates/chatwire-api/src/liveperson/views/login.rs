//! Login Service and domain discovery answers (spec §1.1, §1.3): the login answer, and the
//! CSDS lookups that point every service at this server's host.

use chatwire_engine::auth::LoginGrant;

use super::{Shape, View};
use crate::liveperson::wire::Elem;

/// Services this server answers for (names are case-sensitive, as LivePerson's).
pub const SERVICES: [&str; 4] = ["agentVep", "conversationVep", "adminArea", "smt"];

/// One service's host: `{"service","account","baseURI"}` under `name`.
fn base_uri(name: &str, service: &str, account: &str, host: &str) -> Elem {
    Elem::new(name)
        .field("service", service)
        .field("account", account)
        .field("baseURI", host)
}

/// The login answer: a bare object (`{"csrf":…,"bearer":…}`), list-valued where clients
/// iterate.
#[derive(Debug, Clone, Copy)]
pub struct LoginAnswer<'a> {
    /// What the engine granted.
    pub grant: &'a LoginGrant,
    /// The account as the path named it.
    pub account: &'a str,
    /// This server's host (every service's base URI).
    pub host: &'a str,
    /// Server time, epoch ms.
    pub now_ms: i64,
}

impl LoginAnswer<'_> {
    fn config(&self) -> Elem {
        let agent = &self.grant.agent;
        let privileges: &[i64] = if agent.is_admin { &[1, 2, 3] } else { &[1] };
        Elem::new("config")
            .field("loginName", agent.login_name.clone())
            .field("userId", agent.id.0.to_string())
            .children(privileges.iter().map(|p| Elem::leaf("userPrivileges", *p)))
            .field("serverCurrentTime", self.now_ms)
            .field("timeDiff", 0)
            .field("serverTimeZoneName", "UTC")
            .field("serverTimeGMTDiff", 0)
            .field("isLPA", false)
            .field("isAdmin", agent.is_admin)
            .field("accountTimeZoneId", "UTC")
    }
}

impl View for LoginAnswer<'_> {
    fn render(&self) -> Elem {
        let base_uris = SERVICES.into_iter().map(|service| {
            Elem::new("baseURIs")
                .field("account", self.account)
                .field("baseURI", self.host)
                .field("service", service)
        });
        let groups = Elem::new("agentGroupsData")
            .child(
                Elem::new("items")
                    .field("id", -1)
                    .field("deleted", false)
                    .field("name", "Main Group"),
            )
            .field("revision", 1);
        Elem::new("login")
            .field("csrf", self.grant.csrf.clone())
            .field("wsuk", (self.now_ms % 1_000_000_000).to_string())
            .child(self.config())
            .child(Elem::new("csdsCollectionResponse").children(base_uris))
            .child(Elem::new("accountData").child(groups))
            .field("sessionTTl", self.grant.ttl_ms.to_string())
            // The doc notes that the bearer comes last.
            .field("bearer", self.grant.bearer.clone())
    }

    fn shape(&self) -> Shape {
        Shape::unwrapped(&["baseURIs", "items", "userPrivileges"])
    }
}

/// One service's host; JSON is the bare object `{"service","account","baseURI"}`.
#[derive(Debug, Clone, Copy)]
pub struct ServiceBaseUri<'a> {
    /// The service asked for.
    pub service: &'a str,
    /// The account.
    pub account: &'a str,
    /// This server's host.
    pub host: &'a str,
}

impl View for ServiceBaseUri<'_> {
    fn render(&self) -> Elem {
        base_uri("baseURI", self.service, self.account, self.host)
    }

    fn shape(&self) -> Shape {
        Shape::unwrapped(&[])
    }
}

/// Every service's host; JSON `{"baseURIs":[…]}` (the root element only names the XML
/// document).
#[derive(Debug, Clone, Copy)]
pub struct AllBaseUris<'a> {
    /// The account.
    pub account: &'a str,
    /// This server's host.
    pub host: &'a str,
}

impl View for AllBaseUris<'_> {
    fn render(&self) -> Elem {
        Elem::new("serviceBaseURIs").children(
            SERVICES
                .iter()
                .map(|s| base_uri("baseURIs", s, self.account, self.host)),
        )
    }

    fn shape(&self) -> Shape {
        Shape::unwrapped(&["baseURIs"])
    }
}

/// The legacy lpTag lookup, `{"ResultSet":{"lpData":[{"lpServer":"<host>"}]}}`.
#[derive(Debug, Clone, Copy)]
pub struct LpCsds<'a> {
    /// This server's host.
    pub host: &'a str,
}

impl View for LpCsds<'_> {
    fn render(&self) -> Elem {
        Elem::new("ResultSet").child(Elem::new("lpData").field("lpServer", self.host))
    }

    fn shape(&self) -> Shape {
        Shape::listing(&["lpData"])
    }
}
