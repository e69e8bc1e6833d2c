//! The mapped-JSON writer: renders an [`Elem`] straight to bytes, with exactly the output of
//! building the `serde_json::Value` tree ([`super::to_json_with`]) and stringifying it.
//!
//! Why a second path: a 50-chat poll answer is ~135 KB of JSON, and building a `Value` tree
//! for it, stringifying and freeing it took 57% of the server's CPU (docs/performance.md).
//! Writing bytes directly allocates only the output buffer. `to_json_with` stays as the
//! reference the tests compare against, and for request bodies, which need a `Value`.

use super::{Elem, JsonOptions, KeyStyle, Scalar};

/// Appends `root` rendered as mapped JSON (`{"<name>": …}`, or the bare content when
/// `opts.unwrap_root`).
pub fn write_json(root: &Elem, opts: JsonOptions<'_>, out: &mut Vec<u8>) {
    if opts.unwrap_root {
        write_content(root, opts, out);
        return;
    }
    out.push(b'{');
    write_str(&root.name, out);
    out.push(b':');
    write_content(root, opts, out);
    out.push(b'}');
}

/// Appends the JSON value of one element (what its parent puts under the element's name).
pub fn write_content(e: &Elem, opts: JsonOptions<'_>, out: &mut Vec<u8>) {
    debug_assert!(
        keys_are_unique(e, opts.style),
        "duplicate JSON keys in {e:?}"
    );
    if e.attrs.is_empty() && e.children.is_empty() {
        // Same rule as `content_json`: an empty container is `{}`, never `""`.
        match &e.text {
            Some(t) => write_scalar(t, out),
            None => out.extend_from_slice(b"{}"),
        }
        return;
    }
    out.push(b'{');
    let mut first = true;
    let mut comma = |out: &mut Vec<u8>| {
        if !std::mem::take(&mut first) {
            out.push(b',');
        }
    };
    for (k, v) in &e.attrs {
        comma(out);
        match opts.style {
            KeyStyle::Attributes => {
                out.extend_from_slice(b"\"@");
                write_escaped(k, out);
                out.push(b'"');
            }
            KeyStyle::Plain => write_str(k, out),
        }
        out.push(b':');
        write_scalar(v, out);
    }
    if let Some(text) = &e.text {
        comma(out);
        out.extend_from_slice(b"\"$\":");
        write_scalar(text, out);
    }
    // Children grouped by name in order of first appearance; a name seen once is a single
    // value unless the endpoint lists it as always-an-array.
    for (i, c) in e.children.iter().enumerate() {
        let name = c.name.as_str();
        if e.children[..i].iter().any(|p| p.name == name) {
            continue;
        }
        comma(out);
        write_str(name, out);
        out.push(b':');
        let mut same = e.children[i..].iter().filter(|s| s.name == name);
        let count = e.children[i..].iter().filter(|s| s.name == name).count();
        if count == 1 && !opts.lists.contains(&name) {
            write_content(c, opts, out);
            continue;
        }
        out.push(b'[');
        if let Some(head) = same.next() {
            write_content(head, opts, out);
        }
        for s in same {
            out.push(b',');
            write_content(s, opts, out);
        }
        out.push(b']');
    }
    out.push(b'}');
}

/// Whether the element's JSON keys (attributes, `$`, child groups) are distinct: the `Value`
/// path would silently merge duplicates, so none of our trees may have any.
fn keys_are_unique(e: &Elem, style: KeyStyle) -> bool {
    let mut keys: Vec<String> = e
        .attrs
        .iter()
        .map(|(k, _)| match style {
            KeyStyle::Attributes => format!("@{k}"),
            KeyStyle::Plain => k.clone(),
        })
        .collect();
    if e.text.is_some() {
        keys.push("$".to_owned());
    }
    let mut children: Vec<&str> = e.children.iter().map(|c| c.name.as_str()).collect();
    children.sort_unstable();
    children.dedup();
    keys.extend(children.into_iter().map(str::to_owned));
    let total = keys.len();
    keys.sort();
    keys.dedup();
    keys.len() == total
}

fn write_scalar(v: &Scalar, out: &mut Vec<u8>) {
    match v {
        Scalar::Str(s) => write_str(s, out),
        Scalar::Int(i) => out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes()),
        Scalar::Bool(true) => out.extend_from_slice(b"true"),
        Scalar::Bool(false) => out.extend_from_slice(b"false"),
        // Only numbers the core produced get here; anything else is written as a string.
        Scalar::Decimal(d) if d.parse::<serde_json::Number>().is_ok() => {
            out.extend_from_slice(d.as_bytes());
        }
        Scalar::Decimal(d) => write_str(d, out),
    }
}

/// Appends `s` as a JSON string.
pub fn write_str(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    write_escaped(s, out);
    out.push(b'"');
}

/// Appends `s` escaped exactly as serde_json escapes strings: `"` `\` and control characters
/// only (short forms where JSON has them), everything else as UTF-8.
fn write_escaped(s: &str, out: &mut Vec<u8>) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if short.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(short);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}
