//! The OpenAPI document of chatwire's own API covers the router: every `/chatwire/v1` route
//! (method and path) is described, and nothing is described that the router lacks.

use std::collections::BTreeSet;

#[test]
fn every_chatwire_route_is_in_the_document_and_only_those() {
    let doc = serde_json::to_value(chatwire_api::own::openapi::document()).expect("json");
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    let mut described = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                described.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    let routed: BTreeSet<(String, String)> = chatwire_api::routes()
        .into_iter()
        .filter(|r| r.path.starts_with("/chatwire/v1/"))
        .map(|r| (r.method.to_owned(), r.path))
        .collect();
    let missing: Vec<_> = routed.difference(&described).collect();
    let extra: Vec<_> = described.difference(&routed).collect();
    assert!(
        missing.is_empty(),
        "routes without a description: {missing:?}"
    );
    assert!(extra.is_empty(), "described but not routed: {extra:?}");
}

#[test]
fn every_operation_documents_its_errors_with_the_envelope() {
    let doc = serde_json::to_value(chatwire_api::own::openapi::document()).expect("json");
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let Some(responses) = op.get("responses").and_then(|r| r.as_object()) else {
                continue;
            };
            if path.ends_with("openapi.json") || path.ends_with("/docs") {
                continue;
            }
            let errors: Vec<_> = responses.keys().filter(|s| s.starts_with('4')).collect();
            assert!(!errors.is_empty(), "{method} {path} documents no 4xx");
        }
    }
}
