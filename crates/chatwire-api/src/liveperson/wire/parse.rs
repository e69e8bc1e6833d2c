//! Request bodies in XML: a document parsed into its root [`Elem`], attributes and text as
//! strings, so `body` maps it to the same JSON value a JSON client would send.

use super::{Elem, Scalar};

/// Parses an XML document into its root element. Attributes and text become strings.
pub fn parse_xml(xml: &str) -> Result<Elem, String> {
    use quick_xml::events::Event;
    // No trim_text: it would trim around entity references ("a &amp; b" → "a&b"). Indentation
    // between elements is dropped in `attach` instead.
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Elem> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed XML: {e}"))?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let is_empty = matches!(event, Event::Empty(_));
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                let mut elem = Elem::new(name);
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| format!("malformed XML attribute: {e}"))?;
                    let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
                    let value = attr
                        .unescape_value()
                        .map_err(|e| format!("malformed XML attribute: {e}"))?;
                    elem.attrs.push((key, Scalar::Str(value.into_owned())));
                }
                if stack.len() > 64 {
                    return Err("XML nested too deeply".into());
                }
                if is_empty {
                    if let Some(done) = attach(&mut stack, elem) {
                        return Ok(done);
                    }
                } else {
                    stack.push(elem);
                }
            }
            Event::Text(text) => {
                let t = text
                    .decode()
                    .map_err(|e| format!("malformed XML text: {e}"))?;
                let t = quick_xml::escape::unescape(&t)
                    .map_err(|e| format!("malformed XML text: {e}"))?;
                if let Some(top) = stack.last_mut() {
                    append_text(top, &t);
                }
            }
            Event::CData(data) => {
                let t = String::from_utf8_lossy(&data).into_owned();
                if let Some(top) = stack.last_mut() {
                    append_text(top, &t);
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let entity = format!("&{name};");
                let t = quick_xml::escape::unescape(&entity)
                    .map_err(|e| format!("malformed XML entity: {e}"))?;
                if let Some(top) = stack.last_mut() {
                    append_text(top, &t);
                }
            }
            Event::End(_) => {
                let elem = stack.pop().ok_or("unbalanced XML")?;
                if let Some(done) = attach(&mut stack, elem) {
                    return Ok(done);
                }
            }
            Event::Eof => return Err("XML document has no root element".into()),
            _ => {}
        }
    }
}

fn append_text(e: &mut Elem, t: &str) {
    let existing = match e.text.take() {
        Some(Scalar::Str(s)) => s,
        _ => String::new(),
    };
    e.text = Some(Scalar::Str(existing + t));
}

/// Attaches a finished element to its parent, or returns it when it is the root.
fn attach(stack: &mut [Elem], mut elem: Elem) -> Option<Elem> {
    let blank = matches!(&elem.text, Some(Scalar::Str(t)) if t.trim().is_empty());
    if blank && (!elem.children.is_empty() || !elem.attrs.is_empty()) {
        elem.text = None;
    }
    match stack.last_mut() {
        Some(parent) => {
            parent.children.push(elem);
            None
        }
        None => Some(elem),
    }
}
