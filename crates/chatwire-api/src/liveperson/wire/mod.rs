//! LivePerson's wire model: an XML infoset ([`Elem`]) rendered as XML or as the "mapped"
//! (Jettison-style) JSON the original server produced (spec §1.8):
//! - attributes become `@name` keys (or plain `name` keys on the endpoints documented that way);
//! - a repeated child element becomes an array when it occurs more than once, a single object
//!   when it occurs once, and is left out when it does not occur;
//! - text next to attributes becomes `$`; an element with only text becomes a scalar.
//!
//! Request bodies go the other way: XML is parsed into an [`Elem`] and mapped to the same JSON
//! value a JSON client would send, so one extraction path serves both formats.

use chatwire_engine::core::text::xml_safe;
use serde_json::{Map, Value};

mod json;
mod parse;
pub use json::{write_content, write_json, write_str};
pub use parse::parse_xml;

/// A leaf value, typed for JSON (XML writes every one as text).
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// A decimal number, already in JSON number syntax (e.g. a balance, `-400.99`).
    Decimal(String),
}

impl Scalar {
    fn to_json(&self) -> Value {
        match self {
            Self::Str(s) => Value::String(s.clone()),
            Self::Int(i) => Value::from(*i),
            Self::Bool(b) => Value::Bool(*b),
            Self::Decimal(d) => d
                .parse::<serde_json::Number>()
                .map_or_else(|_| Value::String(d.clone()), Value::Number),
        }
    }

    fn to_text(&self) -> String {
        match self {
            Self::Str(s) => s.clone(),
            Self::Int(i) => i.to_string(),
            Self::Bool(b) => b.to_string(),
            Self::Decimal(d) => d.clone(),
        }
    }
}

impl From<&str> for Scalar {
    fn from(s: &str) -> Self {
        Self::Str(s.to_owned())
    }
}

impl From<String> for Scalar {
    fn from(s: String) -> Self {
        Self::Str(s)
    }
}

impl From<i64> for Scalar {
    fn from(i: i64) -> Self {
        Self::Int(i)
    }
}

impl From<bool> for Scalar {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

/// An element: name, attributes, optional text, children (order kept).
#[derive(Debug, Clone, PartialEq)]
pub struct Elem {
    /// Element name (JSON key).
    pub name: String,
    /// Attributes in order.
    pub attrs: Vec<(String, Scalar)>,
    /// Text content.
    pub text: Option<Scalar>,
    /// Child elements in order.
    pub children: Vec<Self>,
}

impl Elem {
    /// An empty element.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            attrs: Vec::new(),
            text: None,
            children: Vec::new(),
        }
    }

    /// An element holding only `value` (`<name>value</name>`, JSON `"name": value`).
    pub fn leaf(name: impl Into<String>, value: impl Into<Scalar>) -> Self {
        Self {
            text: Some(value.into()),
            ..Self::new(name)
        }
    }

    /// Adds an attribute.
    #[must_use]
    pub fn attr(mut self, name: &str, value: impl Into<Scalar>) -> Self {
        self.attrs.push((name.to_owned(), value.into()));
        self
    }

    /// Adds a child.
    #[must_use]
    pub fn child(mut self, child: Self) -> Self {
        self.children.push(child);
        self
    }

    /// Adds a leaf child.
    #[must_use]
    pub fn field(self, name: &str, value: impl Into<Scalar>) -> Self {
        self.child(Self::leaf(name, value))
    }

    /// Adds a leaf child when `value` is present.
    #[must_use]
    pub fn opt_field<T: Into<Scalar>>(self, name: &str, value: Option<T>) -> Self {
        match value {
            Some(v) => self.field(name, v),
            None => self,
        }
    }

    /// Adds many children.
    #[must_use]
    pub fn children(mut self, children: impl IntoIterator<Item = Self>) -> Self {
        self.children.extend(children);
        self
    }

    /// A `<link href rel/>` element.
    pub fn link(href: impl Into<String>, rel: &str) -> Self {
        Self::new("link").attr("href", href.into()).attr("rel", rel)
    }
}

/// How attributes are keyed in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStyle {
    /// `@href`, `@rel`, `@id` (most endpoints).
    Attributes,
    /// `href`, `rel`, `id` (chatSessions, multi-chat retrieve, visitor info; spec §1.8).
    Plain,
}

/// JSON rendering options.
#[derive(Debug, Clone, Copy)]
pub struct JsonOptions<'a> {
    /// Attribute key style.
    pub style: KeyStyle,
    /// Render the root's content without the `{"<root>": …}` wrapper.
    pub unwrap_root: bool,
    /// Child names that are always arrays, even with one item.
    pub lists: &'a [&'a str],
}

/// Renders `root` as `{"<name>": <content>}`.
pub fn to_json(root: &Elem, style: KeyStyle) -> Value {
    to_json_with(
        root,
        JsonOptions {
            style,
            unwrap_root: false,
            lists: &[],
        },
    )
}

/// Renders `root` with options.
pub fn to_json_with(root: &Elem, opts: JsonOptions<'_>) -> Value {
    let content = content_json(root, opts);
    if opts.unwrap_root {
        return content;
    }
    let mut map = Map::new();
    map.insert(root.name.clone(), content);
    Value::Object(map)
}

fn content_json(e: &Elem, opts: JsonOptions<'_>) -> Value {
    let style = opts.style;
    if e.attrs.is_empty() && e.children.is_empty() {
        // An element with no content is an empty object, not Jettison's `""`: clients model
        // containers such as `chatSessions` as objects. Leaves always carry text.
        return e
            .text
            .as_ref()
            .map_or_else(|| Value::Object(Map::new()), Scalar::to_json);
    }
    let mut map = Map::new();
    for (k, v) in &e.attrs {
        let key = match style {
            KeyStyle::Attributes => format!("@{k}"),
            KeyStyle::Plain => k.clone(),
        };
        map.insert(key, v.to_json());
    }
    if let Some(text) = &e.text {
        map.insert("$".to_owned(), text.to_json());
    }
    // Group children by name, in order of first appearance.
    let mut names: Vec<&str> = Vec::new();
    for c in &e.children {
        if !names.contains(&c.name.as_str()) {
            names.push(&c.name);
        }
    }
    for name in names {
        let mut same: Vec<Value> = e
            .children
            .iter()
            .filter(|c| c.name == name)
            .map(|c| content_json(c, opts))
            .collect();
        let value = if same.len() == 1 && !opts.lists.contains(&name) {
            same.remove(0)
        } else {
            Value::Array(same)
        };
        map.insert(name.to_owned(), value);
    }
    Value::Object(map)
}

/// The XML declaration every LivePerson XML answer starts with.
pub const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>";

/// Renders `root` as an XML document.
pub fn to_xml(root: &Elem) -> String {
    let mut out = String::from(XML_DECLARATION);
    write_xml(root, &mut out);
    out
}

/// Appends `e` as an XML element (no declaration). Characters XML 1.0 cannot carry are
/// dropped from values (`chatwire_core::text`): input refuses them, this keeps older data and
/// echoed input (an unknown `chatSessionKey`) from breaking the document.
pub fn write_xml(e: &Elem, out: &mut String) {
    out.push('<');
    out.push_str(&e.name);
    for (k, v) in &e.attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        out.push_str(&quick_xml::escape::escape(xml_safe(&v.to_text())));
        out.push('"');
    }
    if e.text.is_none() && e.children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    if let Some(t) = &e.text {
        out.push_str(&quick_xml::escape::escape(xml_safe(&t.to_text())));
    }
    for c in &e.children {
        write_xml(c, out);
    }
    out.push_str("</");
    out.push_str(&e.name);
    out.push('>');
}

#[cfg(test)]
mod tests;
