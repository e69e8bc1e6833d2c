//! LivePerson views: one typed struct per answer shape, grouped by domain noun, each rendering
//! itself once into the wire infoset ([`Elem`]) that [`super::wire`] writes as JSON or XML.
//!
//! Handlers read extract → engine → view: they build a view from engine values and hand it to
//! [`super::reply::LpReply`]. Only this module knows LivePerson's field names, value types, link
//! order and JSON shape (key style, unwrapped roots, always-array children; spec §1.8).
//!
//! Map: `chat` (chat resource, info, URLs), `events` (events and posted-event locations),
//! `chat_list` (the multi-chat retrieve document, cached per revision), `list_document` (the
//! list around its items, copied or in pieces), `agent_session` (session links, availability,
//! agent info, available agents, ring count, chat sessions), `transfer`, `collaboration`
//! (supervisors' channels), `visit` (participant and visit resources), `account` (visitor
//! account root, engagement), `login` (login answer, CSDS lookups), `survey`.

pub mod account;
pub mod agent_session;
pub mod chat;
pub mod chat_list;
pub mod collaboration;
pub mod events;
pub mod list_document;
pub mod login;
pub mod survey;
pub mod transfer;
pub mod visit;

use super::wire::{Elem, KeyStyle, Scalar};

/// How an answer's JSON is shaped besides its tree (spec §1.8). XML ignores it.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Attribute key style.
    pub style: KeyStyle,
    /// JSON without the `{"<root>": …}` wrapper (CSDS, login and engagement answers).
    pub unwrap_root: bool,
    /// Child names always rendered as JSON arrays, even with one item.
    pub lists: &'static [&'static str],
}

impl Shape {
    /// `@href`-style attributes, wrapped root, no forced lists: most endpoints.
    pub const ATTRIBUTES: Self = Self {
        style: KeyStyle::Attributes,
        unwrap_root: false,
        lists: &[],
    };

    /// Attribute style with `lists` always arrays.
    pub const fn listing(lists: &'static [&'static str]) -> Self {
        Self {
            lists,
            ..Self::ATTRIBUTES
        }
    }

    /// Plain keys (`href`, `rel`, `id`) with `lists` always arrays.
    pub const fn plain(lists: &'static [&'static str]) -> Self {
        Self {
            style: KeyStyle::Plain,
            lists,
            ..Self::ATTRIBUTES
        }
    }

    /// A bare JSON object (no root key) with `lists` always arrays.
    pub const fn unwrapped(lists: &'static [&'static str]) -> Self {
        Self {
            unwrap_root: true,
            lists,
            ..Self::ATTRIBUTES
        }
    }
}

/// A LivePerson answer body: a typed value that renders itself into the wire infoset.
pub trait View {
    /// The answer as an element tree (its root names the XML document).
    fn render(&self) -> Elem;

    /// How the JSON is shaped; attribute style unless the endpoint is documented otherwise.
    fn shape(&self) -> Shape {
        Shape::ATTRIBUTES
    }
}

/// A one-value answer, `<name>value</name>` (`{"name": value}`): a visitor name, a typing
/// state, an availability flag, a slot count, a wait estimate.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// Root element name.
    pub name: &'static str,
    /// The value, typed for JSON.
    pub value: Scalar,
}

impl Leaf {
    /// `<name>value</name>`.
    pub fn new(name: &'static str, value: impl Into<Scalar>) -> Self {
        Self {
            name,
            value: value.into(),
        }
    }
}

impl View for Leaf {
    fn render(&self) -> Elem {
        Elem::leaf(self.name, self.value.clone())
    }
}

/// Where a created resource lives: `<root><link href rel="location"/></root>`, sent with the
/// same URL as `Location` (`agentSessionLocation`, `chatLocation`, `chatEventLocation`).
#[derive(Debug, Clone)]
pub struct Location {
    /// Root element name.
    pub root: &'static str,
    /// The created resource's absolute URL.
    pub url: String,
}

impl View for Location {
    fn render(&self) -> Elem {
        Elem::new(self.root).child(Elem::link(self.url.clone(), "location"))
    }
}

/// A resource that is only its links, in the documented order: `<root><link/>…</root>`, each
/// `href` the resource URL plus a suffix (agent session, visit).
#[derive(Debug, Clone)]
pub struct Links {
    /// Root element name.
    pub root: &'static str,
    /// Optional `id` attribute of the root (the account root carries one).
    pub id: Option<String>,
    /// The resource URL the suffixes extend.
    pub url: String,
    /// `(suffix, rel)` in order.
    pub rels: &'static [(&'static str, &'static str)],
}

impl View for Links {
    fn render(&self) -> Elem {
        let mut root = Elem::new(self.root);
        if let Some(id) = &self.id {
            root = root.attr("id", id.clone());
        }
        root.children(
            self.rels
                .iter()
                .map(|(suffix, rel)| Elem::link(format!("{}{suffix}", self.url), rel)),
        )
    }
}
