//! The HTML reference page of chatwire's own API, rendered on the server from the OpenAPI
//! document (`GET /chatwire/v1/docs`): every operation with its parameters, body and
//! answers, and every schema with its members. Plain HTML and CSS, no script, so it works
//! offline and behind any content security policy.

use std::fmt::Write as _;

use serde_json::Value;

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The anchor of a schema's section.
fn schema_anchor(name: &str) -> String {
    format!(
        "schema-{}",
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    )
}

/// A short human form of a schema: a link for a `$ref`, `array of …`, or its type.
fn schema_text(s: &Value) -> String {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#{}\">{}</a>", schema_anchor(name), esc(name));
    }
    if let Some(items) = s.get("items") {
        return format!("array of {}", schema_text(items));
    }
    if let Some(one) = s
        .get("oneOf")
        .or_else(|| s.get("anyOf"))
        .and_then(Value::as_array)
    {
        return one.iter().map(schema_text).collect::<Vec<_>>().join(" or ");
    }
    match s.get("type") {
        Some(Value::String(t)) => esc(t),
        Some(Value::Array(ts)) => esc(&ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or ")),
        _ => "object".into(),
    }
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// One operation.
fn operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let id = format!("{method}-{path}").replace(|c: char| !c.is_ascii_alphanumeric(), "-");
    let _ = write!(
        out,
        "<section class=op id=\"{id}\"><h3><span class=\"m {m}\">{M}</span> <code>{p}</code></h3>",
        m = esc(method),
        M = esc(&method.to_ascii_uppercase()),
        p = esc(path)
    );
    for key in ["summary", "description"] {
        if !text(op, key).is_empty() {
            let _ = write!(out, "<p>{}</p>", esc(text(op, key)));
        }
    }
    if let Some(params) = op.get("parameters").and_then(Value::as_array) {
        out.push_str(
            "<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr>",
        );
        for p in params {
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(text(p, "name")),
                if required { " *" } else { "" },
                esc(text(p, "in")),
                p.get("schema").map(schema_text).unwrap_or_default(),
                esc(text(p, "description"))
            );
        }
        out.push_str("</table>");
    }
    if let Some(body) = op.pointer("/requestBody/content/application~1json/schema") {
        let _ = write!(out, "<p>Body (JSON): {}</p>", schema_text(body));
    }
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        out.push_str("<table><tr><th>Status</th><th>Meaning</th><th>Body</th></tr>");
        for (status, r) in responses {
            let body = r
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|c| c.get("schema"))
                .map(schema_text)
                .unwrap_or_default();
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(status),
                esc(text(r, "description")),
                body
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");
}

/// One schema with its members.
fn schema(out: &mut String, name: &str, s: &Value) {
    let _ = write!(
        out,
        "<section class=schema id=\"{}\"><h3>{}</h3>",
        schema_anchor(name),
        esc(name)
    );
    if !text(s, "description").is_empty() {
        let _ = write!(out, "<p>{}</p>", esc(text(s, "description")));
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        out.push_str("<table><tr><th>Member</th><th>Type</th><th>Description</th></tr>");
        for (k, v) in props {
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                esc(k),
                if required.contains(&k.as_str()) {
                    " *"
                } else {
                    ""
                },
                schema_text(v),
                esc(text(v, "description"))
            );
        }
        out.push_str("</table>");
    } else {
        let _ = write!(out, "<p>Type: {}</p>", schema_text(s));
    }
    out.push_str("</section>");
}

/// The whole page for the OpenAPI document `doc` (as JSON).
pub(super) fn render(doc: &Value) -> String {
    let title = doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("API");
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!doctype html><html lang=en><head><meta charset=utf-8>\
         <meta name=viewport content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><style>{css}</style></head><body><main><h1>{t}</h1>\
         <p>{d}</p><p>Machine-readable: <a href=\"/chatwire/v1/openapi.json\">openapi.json</a> \
         (OpenAPI {v}). <code>*</code> marks required members.</p><h2>Operations</h2>",
        t = esc(title),
        d = esc(doc
            .pointer("/info/description")
            .and_then(Value::as_str)
            .unwrap_or("")),
        v = esc(text(doc, "openapi")),
        css = CSS
    );
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in ["get", "post", "put", "patch", "delete"] {
                if let Some(op) = item.get(method) {
                    operation(&mut out, method, path, op);
                }
            }
        }
    }
    out.push_str("<h2>Schemas</h2>");
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, s) in schemas {
            schema(&mut out, name, s);
        }
    }
    out.push_str("</main></body></html>");
    out
}

const CSS: &str = "body{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:0}\
main{max-width:60rem;margin:0 auto;padding:1rem}table{border-collapse:collapse;width:100%;\
margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;\
vertical-align:top}th{background:#f0f0f0}.op,.schema{border-top:2px solid #ddd;margin-top:1rem}\
.m{display:inline-block;min-width:4.5rem;text-align:center;color:#fff;border-radius:3px;\
padding:0 .25rem;font-size:.9rem}.get{background:#1d5fa8}.post{background:#1a7a3a}\
.put,.patch{background:#8a5a00}.delete{background:#a8261d}code{font-size:.95em}\
a{color:#0b57d0}a:focus{outline:3px solid #0b57d0}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_operations_schemas_and_escapes() {
        let doc = serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "T <x>", "description": "d"},
            "paths": {"/a/{b}": {"get": {"summary": "s", "parameters": [
                {"name": "b", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json":
                    {"schema": {"$ref": "#/components/schemas/X"}}}}}}}},
            "components": {"schemas": {"X": {"type": "object", "properties":
                {"n": {"type": "integer", "description": "a number"}}, "required": ["n"]}}}
        });
        let html = render(&doc);
        assert!(html.contains("T &lt;x&gt;"));
        assert!(html.contains("<code>/a/{b}</code>"));
        assert!(html.contains("href=\"#schema-X\""));
        assert!(html.contains("id=\"schema-X\""));
        assert!(html.contains("<code>n</code> *"));
    }
}
