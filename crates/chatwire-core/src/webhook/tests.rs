//! Unit tests of the subscription rules: URLs, secrets, kind sets, event mapping.

use super::*;

#[test]
fn https_urls_are_accepted_and_plain_http_only_on_loopback() {
    assert!(check_url("https://hooks.example.com/chatwire?x=1").is_ok());
    assert!(check_url("https://hooks.example.com:8443").is_ok());
    assert!(check_url("http://127.0.0.1:9000/hook").is_ok());
    assert!(check_url("http://localhost/hook").is_ok());
    assert!(check_url("http://[::1]:80/hook").is_ok());
    assert!(check_url("http://hooks.example.com/hook").is_err());
    assert!(check_url("http://10.0.0.1/hook").is_err());
    assert!(check_url("ftp://example.com/").is_err());
    assert!(check_url("https://user@example.com/").is_err());
    assert!(check_url("https://example.com/a b").is_err());
    assert!(check_url("https://example.com/#frag").is_err());
    assert!(check_url("example.com/hook").is_err());
}

#[test]
fn secrets_must_be_long_printable_ascii() {
    assert!(check_secret("0123456789abcdef").is_ok());
    assert!(check_secret("short").is_err());
    assert!(check_secret("0123456789abcdef with space").is_err());
    assert!(check_secret(&"x".repeat(201)).is_err());
}

#[test]
fn kind_sets_parse_wire_names_and_default_excludes_typing() {
    let set = WebhookKinds::parse(&["chat.line", "chat.ended"]).unwrap();
    assert_eq!(set.kinds(), vec![WebhookKind::Line, WebhookKind::Ended]);
    assert!(WebhookKinds::parse(&["chat.nope"]).is_err());
    assert!(WebhookKinds::parse::<&str>(&[]).is_err());
    let default = WebhookKinds::default_set();
    assert!(!default.contains(WebhookKind::Typing));
    assert!(default.contains(WebhookKind::Line));
    for kind in WebhookKind::ALL {
        assert_eq!(WebhookKind::parse(kind.as_str()), Some(kind));
    }
}
