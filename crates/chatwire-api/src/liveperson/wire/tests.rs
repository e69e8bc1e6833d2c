//! The Jettison mapping rules the LivePerson clients depend on.

use serde_json::json;

use super::*;

fn chat_location() -> Elem {
    Elem::new("chatLocation").child(Elem::link(
        "https://h/api/account/1/agentSession/2/chat/K",
        "location",
    ))
}

#[test]
fn a_single_link_is_an_object_with_href_first() {
    let v = to_json(&chat_location(), KeyStyle::Attributes);
    assert_eq!(
        v,
        json!({"chatLocation":{"link":{"@href":"https://h/api/account/1/agentSession/2/chat/K","@rel":"location"}}})
    );
    let text = serde_json::to_string(&v).expect("json");
    assert!(
        text.find("@href") < text.find("@rel"),
        "Postman reads Object.values(link)[0]"
    );
}

#[test]
fn repeated_children_become_arrays_and_missing_ones_are_left_out() {
    let events = Elem::new("events")
        .child(Elem::link("a", "self"))
        .child(Elem::link("b", "next"));
    let v = to_json(&events, KeyStyle::Attributes);
    assert_eq!(
        v,
        json!({"events":{"link":[{"@href":"a","@rel":"self"},{"@href":"b","@rel":"next"}]}})
    );
    assert!(v["events"].get("event").is_none());
}

#[test]
fn typed_leaves_keep_their_json_types() {
    let e = Elem::new("event")
        .attr("id", "3")
        .attr("type", "line")
        .field("systemMessageId", 3)
        .field("flag", true);
    assert_eq!(
        to_json(&e, KeyStyle::Attributes),
        json!({"event":{"@id":"3","@type":"line","systemMessageId":3,"flag":true}})
    );
    assert_eq!(
        to_json(&e, KeyStyle::Plain),
        json!({"event":{"id":"3","type":"line","systemMessageId":3,"flag":true}})
    );
}

#[test]
fn text_beside_attributes_is_dollar() {
    let e = Elem::new("info")
        .attr("name", "ip")
        .child(Elem::leaf("x", "1"));
    let mut with_text = Elem::new("item").attr("name", "ip");
    with_text.text = Some("1.2.3.4".into());
    assert_eq!(
        to_json(&with_text, KeyStyle::Attributes),
        json!({"item":{"@name":"ip","$":"1.2.3.4"}})
    );
    assert_eq!(
        to_json(&e, KeyStyle::Attributes),
        json!({"info":{"@name":"ip","x":"1"}})
    );
}

#[test]
fn xml_uses_attributes_and_escapes() {
    let e = Elem::new("event")
        .attr("type", "line")
        .field("text", "a < b & \"c\"");
    assert_eq!(
        to_xml(&e),
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><event type=\"line\"><text>a &lt; b &amp; &quot;c&quot;</text></event>"
    );
    assert!(to_xml(&chat_location()).ends_with("<chatLocation><link href=\"https://h/api/account/1/agentSession/2/chat/K\" rel=\"location\"/></chatLocation>"));
}

#[test]
fn xml_requests_parse_into_the_same_json_a_json_client_sends() {
    let e = parse_xml("<event type=\"line\"><text>hi &amp; bye</text></event>").expect("xml");
    assert_eq!(
        to_json(&e, KeyStyle::Attributes),
        json!({"event":{"@type":"line","text":"hi & bye"}})
    );
    let t =
        parse_xml("<transfer><skill><id>2</id></skill><text>vip</text></transfer>").expect("xml");
    assert_eq!(
        to_json(&t, KeyStyle::Attributes),
        json!({"transfer":{"skill":{"id":"2"},"text":"vip"}})
    );
    let empty = parse_xml("<?xml version=\"1.0\"?><loginData/>").expect("xml");
    assert_eq!(
        to_json(&empty, KeyStyle::Attributes),
        json!({"loginData":{}})
    );
}

#[test]
fn malformed_xml_is_an_error_not_a_panic() {
    for bad in ["", "<a>", "<a></b>", "not xml", "<a x=></a>"] {
        assert!(parse_xml(bad).is_err(), "{bad:?}");
    }
}

/// The byte writer must print exactly what the `Value` tree prints, for every shape.
fn assert_writer_matches(root: &Elem, opts: JsonOptions<'_>) {
    let mut direct = Vec::new();
    write_json(root, opts, &mut direct);
    let via_value = to_json_with(root, opts).to_string();
    assert_eq!(String::from_utf8(direct).expect("utf-8"), via_value);
}

#[test]
fn the_byte_writer_prints_what_the_value_tree_prints() {
    let tricky =
        "quote \" backslash \\ nl \n cr \r tab \t bell \u{7} bs \u{8} ff \u{c} é 😀 </script>";
    let root = Elem::new("chats")
        .child(
            Elem::new("chat")
                .child(Elem::link("https://h/a?x=1&y=2", "self"))
                .child(Elem::link("https://h/b", "events"))
                .child(
                    Elem::new("events").child(
                        Elem::new("event")
                            .attr("id", 3)
                            .attr("type", "line")
                            .field("text", tricky),
                    ),
                )
                .child(
                    Elem::new("info")
                        .field("n", -42_i64)
                        .field("b", true)
                        .field("c", false),
                )
                .child(Elem::new("empty")),
        )
        .child(Elem::new("chat").field("chatSessionKey", "K").child(Elem {
            text: Some("x".into()),
            ..Elem::new("error").attr("time", 1)
        }));
    for style in [KeyStyle::Attributes, KeyStyle::Plain] {
        for unwrap_root in [false, true] {
            for lists in [&[][..], &["chat", "event"][..]] {
                let opts = JsonOptions {
                    style,
                    unwrap_root,
                    lists,
                };
                assert_writer_matches(&root, opts);
            }
        }
    }
    assert_writer_matches(
        &Elem::leaf("n", 7_i64),
        JsonOptions {
            style: KeyStyle::Plain,
            unwrap_root: false,
            lists: &[],
        },
    );
}
