//! What an agent sees of a chat's visitor (spec §2.2.24–§2.2.26): authenticated participant
//! info, and the visit resources (links, info, custom variables).

use chatwire_engine::core::Chat;

use super::{Links, Shape, View};
use crate::http::time::iso_millis;
use crate::liveperson::wire::Elem;

/// `participantExtendedInfo` (a bare object): what the chat request told of an authenticated
/// visitor; personal info only when a contact was given.
#[derive(Debug, Clone, Copy)]
pub struct ParticipantInfo<'a> {
    /// The participant id asked for.
    pub participant: &'a str,
    /// The chat that participant opened.
    pub chat: &'a Chat,
}

impl View for ParticipantInfo<'_> {
    fn render(&self) -> Elem {
        let (chat, req) = (self.chat, &self.chat.request);
        let info = Elem::new("authenticatedParticipantInfo")
            .field("isUserAuthenticated", true)
            .field("participantId", self.participant)
            .opt_field("customerId", req.visitor_session_id.clone())
            .field("userName", chat.visitor_name.clone())
            .opt_field("accountName", req.customer_company.clone());
        let root = Elem::new("participantExtendedInfo").child(info);
        if req.customer_email.is_none() && req.customer_phone.is_none() {
            return root;
        }
        let contact = Elem::new("contacts")
            .opt_field("email", req.customer_email.clone())
            .opt_field("phone", req.customer_phone.clone());
        root.child(
            Elem::new("authenticatedPersonalInfo")
                .field("name", chat.visitor_name.clone())
                .child(contact),
        )
    }

    fn shape(&self) -> Shape {
        Shape::unwrapped(&["contacts"])
    }
}

/// `visitId`: the visit's links.
pub fn visit_links(url: String) -> Links {
    Links {
        root: "visitId",
        id: None,
        url,
        rels: &[("/info", "info"), ("/customVariables", "custom-variables")],
    }
}

fn info_item(name: &str, value: String) -> Elem {
    let mut e = Elem::new("info").attr("name", name);
    e.text = Some(value.into());
    e
}

fn items(pairs: Vec<(&str, Option<String>)>) -> Vec<Elem> {
    pairs
        .into_iter()
        .filter_map(|(n, v)| v.map(|v| info_item(n, v)))
        .collect()
}

/// `visitInfo`: session, visitor and time facts of the visit.
#[derive(Debug, Clone, Copy)]
pub struct VisitInfo<'a> {
    /// The visit's chat.
    pub chat: &'a Chat,
    /// Whether the reading agent handles that chat.
    pub in_current_chat: bool,
    /// `…/visits/visit/{visitId}`.
    pub url: &'a str,
}

impl View for VisitInfo<'_> {
    fn render(&self) -> Elem {
        let (chat, req) = (self.chat, &self.chat.request);
        let session = items(vec![
            ("ip", req.visitor_ip.clone()),
            ("userAgent", req.user_agent.clone()),
            ("referrer", req.referrer.clone()),
            ("language", req.language.clone()),
        ]);
        let visitor = items(vec![
            ("name", Some(chat.visitor_name.clone())),
            ("email", req.customer_email.clone()),
            ("phone", req.customer_phone.clone()),
            ("company", req.customer_company.clone()),
        ]);
        let time = items(vec![
            ("startTime", Some(iso_millis(chat.started_at))),
            ("lastUpdate", Some(iso_millis(chat.last_update))),
        ]);
        Elem::new("visitInfo")
            .child(Elem::link(format!("{}/info", self.url), "self"))
            .field("isInCurrentChat", self.in_current_chat)
            .field("visitorId", chat.visitor_id)
            .child(Elem::new("sessionInfo").children(session))
            .child(Elem::new("visitorInfo").children(visitor))
            .child(Elem::new("time").children(time))
    }
}

/// `customVariables`: the variables sent with the chat request.
#[derive(Debug, Clone, Copy)]
pub struct VisitCustomVariables<'a> {
    /// The visit's chat.
    pub chat: &'a Chat,
    /// `…/visits/visit/{visitId}`.
    pub url: &'a str,
}

impl View for VisitCustomVariables<'_> {
    fn render(&self) -> Elem {
        let started = iso_millis(self.chat.started_at);
        let vars = self.chat.request.custom_variables.iter().map(|v| {
            Elem::new("customVariable")
                .attr("source", "chat-request")
                .attr("scope", "visit")
                .field("name", v.name.clone())
                .field("time", started.clone())
                .field("displayName", v.name.clone())
                .field("value", v.value.clone())
        });
        Elem::new("customVariables")
            .child(Elem::link(format!("{}/customVariables", self.url), "self"))
            .children(vars)
    }
}
