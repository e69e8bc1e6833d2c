//! What an agent sees of a chat's visitor (spec §2.2.24–§2.2.26): authenticated participant
//! info, and the visit resources (links, info, custom variables).

use chatwire_engine::core::Chat;
use chatwire_engine::core::identity::{CustomerInfo, DateParts, PersonalInfo};

use super::{Links, Shape, View};
use crate::http::time::iso_millis;
use crate::liveperson::wire::{Elem, Scalar};

/// `participantExtendedInfo` (a bare object): who the chat's visitor is. `isUserAuthenticated`
/// is true, with the attributes of their token, only when the engine verified that token with
/// the account's key; any other visitor is reported as not authenticated, with nothing else.
#[derive(Debug, Clone, Copy)]
pub struct ParticipantInfo<'a> {
    /// The participant id asked for.
    pub participant: &'a str,
    /// The chat that participant opened.
    pub chat: &'a Chat,
}

fn date(name: &str, d: Option<DateParts>) -> Option<Elem> {
    d.map(|d| {
        Elem::new(name)
            .field("year", i64::from(d.year))
            .field("month", i64::from(d.month))
            .field("day", i64::from(d.day))
    })
}

fn customer_info(info: Elem, c: &CustomerInfo) -> Elem {
    info.opt_field("balance", c.balance.clone().map(Scalar::Decimal))
        .children(date("registrationDate", c.registration_date))
        .children(date("lastPaymentDate", c.last_payment_date))
        .opt_field("customerId", c.customer_id.clone())
        .opt_field("customerStatus", c.status.clone())
        .opt_field("customerType", c.kind.clone())
        .opt_field("socialId", c.social_id.clone())
        .opt_field("imei", c.imei.clone())
        .opt_field("userName", c.user_name.clone())
        .opt_field("companySize", c.company_size)
        .opt_field("accountName", c.account_name.clone())
        .opt_field("role", c.role.clone())
}

fn personal_info(p: &PersonalInfo) -> Elem {
    let contacts = p.contacts.iter().map(|c| {
        Elem::new("contacts")
            .opt_field("email", c.email.clone())
            .opt_field("phone", c.phone.clone())
    });
    Elem::new("authenticatedPersonalInfo")
        .opt_field("name", p.first_name.clone())
        .opt_field("surname", p.last_name.clone())
        .children(contacts)
}

impl View for ParticipantInfo<'_> {
    fn render(&self) -> Elem {
        let who = self.chat.request.authenticated.as_ref();
        let info = Elem::new("authenticatedParticipantInfo")
            .field("isUserAuthenticated", who.is_some())
            .field("participantId", self.participant);
        let info = match who.and_then(|w| w.customer.as_ref()) {
            Some(c) => customer_info(info, c),
            None => info,
        };
        let root = Elem::new("participantExtendedInfo").child(info);
        match who.and_then(|w| w.personal.as_ref()) {
            Some(p) => root.child(personal_info(p)),
            None => root,
        }
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

/// `conversation.json`'s answer (a bare object): the authenticated visitor's participant id
/// and a new conversation id, both to be sent with the chat request.
#[derive(Debug, Clone, Copy)]
pub struct ConversationIds<'a> {
    /// `participantId`.
    pub participant_id: &'a str,
    /// `conversationId`.
    pub conversation_id: &'a str,
}

impl View for ConversationIds<'_> {
    fn render(&self) -> Elem {
        Elem::new("conversation")
            .field("participantId", self.participant_id)
            .field("conversationId", self.conversation_id)
    }

    fn shape(&self) -> Shape {
        Shape::unwrapped(&[])
    }
}
