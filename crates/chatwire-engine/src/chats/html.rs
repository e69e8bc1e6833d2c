//! Sanitising agent HTML lines (LivePerson §2.2.13): no scripts, iframes, event handlers or
//! `javascript:` URLs, and every link opens in a new window (`target="_blank"`). Done in the
//! engine so both dialects, and every reader, get the same safe text.

use std::collections::HashSet;

/// Allowed CSS properties: enough for LivePerson's recommended
/// `<div dir="ltr" style="direction: ltr; text-align: left;">` and simple emphasis.
const STYLE_PROPERTIES: [&str; 6] = [
    "direction",
    "text-align",
    "color",
    "font-weight",
    "font-style",
    "text-decoration",
];

/// Returns `html` with only safe markup left.
pub(crate) fn sanitize(html: &str) -> String {
    let mut builder = ammonia::Builder::default();
    builder
        .add_generic_attributes(["dir", "style"])
        .filter_style_properties(STYLE_PROPERTIES.into_iter().collect::<HashSet<_>>())
        .link_rel(Some("noopener noreferrer"))
        .set_tag_attribute_value("a", "target", "_blank");
    builder.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn scripts_iframes_and_handlers_are_removed() {
        let out = sanitize(
            r#"<b onclick="steal()">hi</b><script>alert(1)</script><iframe src="x"></iframe><a href="javascript:alert(1)">x</a>"#,
        );
        assert!(
            !out.contains("script")
                && !out.contains("iframe")
                && !out.contains("onclick")
                && !out.contains("javascript"),
            "{out}"
        );
        assert!(out.contains("<b>hi</b>"));
    }

    #[test]
    fn links_open_in_a_new_window_and_the_recommended_wrapper_survives() {
        let out = sanitize(
            r#"<div dir="ltr" style="direction: ltr; text-align: left; position: fixed"><a href="https://example.com" target="_top">site</a></div>"#,
        );
        assert!(
            out.contains(r#"target="_blank""#) && !out.contains("_top"),
            "{out}"
        );
        assert!(
            out.contains("direction:ltr") && !out.contains("position"),
            "{out}"
        );
    }
}
