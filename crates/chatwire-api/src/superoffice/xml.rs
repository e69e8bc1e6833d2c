//! DataContract-style XML for SuperOffice responses, written from the JSON tree a response
//! already is: elements named after properties, the root after the carrier
//! (`<ChatSessionEntity>`), arrays as `ArrayOfX` with one `<X>` per item, `null` as
//! `i:nil="true"`, primitives at the root in the serialization namespace
//! (`<boolean …>true</boolean>`), dictionaries as one element per key.
//!
//! Key order is the JSON's (serde_json keeps insertion order), so XML and JSON list the same
//! properties in the same order.

use std::borrow::Cow;
use std::fmt::Write as _;

use chatwire_engine::core::text::xml_safe;
use quick_xml::escape::partial_escape;
use serde_json::Value;

/// The data namespace of SuperOffice carriers.
const DATA_NS: &str = "http://schemas.datacontract.org/2004/07/SuperOffice.WebApi.Data";
/// The XML Schema instance namespace (`i:nil`).
const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// Where DataContract puts primitives and primitive arrays.
const SER_NS: &str = "http://schemas.microsoft.com/2003/10/Serialization/";
const ARRAYS_NS: &str = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";

/// The XML document for `value`, rooted at `root` (for arrays: `ArrayOf{root}` with `{root}`
/// items; for primitives the root names the primitive type: `boolean`, `string`).
pub fn to_xml(root: &str, value: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    match value {
        Value::Array(items) => {
            let _ = write!(
                out,
                "<ArrayOf{root} xmlns=\"{DATA_NS}\" xmlns:i=\"{XSI_NS}\">"
            );
            for item in items {
                element(&mut out, root, item);
            }
            let _ = write!(out, "</ArrayOf{root}>");
        }
        Value::Object(_) => {
            let mut inner = String::new();
            element(&mut inner, root, value);
            // Namespaces go on the root element only.
            let open = format!("<{root}>");
            let decl = format!("<{root} xmlns=\"{DATA_NS}\" xmlns:i=\"{XSI_NS}\">");
            out.push_str(&inner.replacen(&open, &decl, 1));
        }
        Value::Null => {
            let _ = write!(out, "<{root} i:nil=\"true\" xmlns:i=\"{XSI_NS}\" />");
        }
        other => {
            let _ = write!(out, "<{root} xmlns=\"{SER_NS}\">{}</{root}>", text(other));
        }
    }
    out
}

/// Item element name of an array property (`ChatTopics` holds `int`s).
fn item_name(parent: &str, first: Option<&Value>) -> String {
    match (parent, first) {
        ("ChildItems", _) => "MDOListItem".to_owned(),
        (_, Some(Value::Number(_))) => "int".to_owned(),
        (_, Some(Value::String(_))) => "string".to_owned(),
        (_, Some(Value::Bool(_))) => "boolean".to_owned(),
        (p, _) => p.strip_suffix('s').unwrap_or(p).to_owned(),
    }
}

fn element(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Null => {
            let _ = write!(out, "<{name} i:nil=\"true\" />");
        }
        Value::Object(map) => {
            let _ = write!(out, "<{name}>");
            for (k, v) in map {
                element(out, k, v);
            }
            let _ = write!(out, "</{name}>");
        }
        Value::Array(items) => {
            let item = item_name(name, items.first());
            let primitive = items.first().is_some_and(|v| !v.is_object());
            if primitive {
                let _ = write!(out, "<{name} xmlns:a=\"{ARRAYS_NS}\">");
                for v in items {
                    let _ = write!(out, "<a:{item}>{}</a:{item}>", text(v));
                }
            } else {
                let _ = write!(out, "<{name}>");
                for v in items {
                    element(out, &item, v);
                }
            }
            let _ = write!(out, "</{name}>");
        }
        other => {
            let _ = write!(out, "<{name}>{}</{name}>", text(other));
        }
    }
}

/// A primitive as escaped element text. Characters XML 1.0 cannot carry are dropped
/// (`chatwire_core::text`): input refuses them; this keeps older data from breaking the
/// document.
fn text(v: &Value) -> String {
    let raw = match v {
        Value::String(s) => Cow::Borrowed(s.as_str()),
        other => Cow::Owned(other.to_string()),
    };
    // `&`, `<` and `>` only: quotes stay as they are in element text.
    partial_escape(xml_safe(&raw)).into_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn objects_nulls_and_arrays_become_datacontract_elements() {
        let v = json!({"Id": 1, "User": null, "ChatTopics": [1, 2], "Name": "a<b"});
        let xml = to_xml("ChatPresence", &v);
        assert!(xml.contains("<ChatPresence xmlns=\""), "{xml}");
        assert!(xml.contains("<Id>1</Id><User i:nil=\"true\" />"), "{xml}");
        assert!(xml.contains("<a:int>1</a:int><a:int>2</a:int>"), "{xml}");
        assert!(xml.contains("<Name>a&lt;b</Name></ChatPresence>"), "{xml}");
    }

    #[test]
    fn text_escapes_markup_keeps_quotes_and_drops_what_xml_cannot_carry() {
        let xml = to_xml("Line", &json!({"T": "a&b>c\"d'e\u{1}f"}));
        assert!(xml.contains("<T>a&amp;b&gt;c\"d'ef</T>"), "{xml}");
    }

    #[test]
    fn arrays_and_primitives_at_the_root() {
        let list = to_xml("ChatMessage", &json!([{"A": 1}]));
        assert!(list.contains("<ArrayOfChatMessage xmlns="), "{list}");
        assert!(list.ends_with("<ChatMessage><A>1</A></ChatMessage></ArrayOfChatMessage>"));
        let b = to_xml("boolean", &json!(true));
        assert!(b.ends_with(">true</boolean>"), "{b}");
    }
}
