//! Text every wire format can carry. XML 1.0 allows tab, LF, CR and every character from
//! U+0020 on except U+FFFE and U+FFFF (surrogates cannot occur in a Rust `str`); JSON can
//! carry anything. Text that an XML answer would show must therefore avoid the other C0
//! controls and those two noncharacters.
//!
//! The decision (docs/security.md): such characters are refused where text enters (lines,
//! transfer notes, visitor names), so stored data stays faithful in both formats; the XML
//! writers of both dialects also drop them ([`xml_safe`]) as a safety net for data stored before
//! the rule, or fields no rule covers, so an XML answer is always well-formed.

use std::borrow::Cow;

use crate::DomainError;

/// Whether XML 1.0 can carry `c` (the `Char` production).
pub const fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Refuses text holding a character XML 1.0 cannot carry, naming the field and the character.
pub fn check_xml_text(what: &'static str, text: &str) -> Result<(), DomainError> {
    match text.chars().find(|c| !is_xml_char(*c)) {
        None => Ok(()),
        Some(c) => Err(DomainError::invalid(
            what,
            format!(
                "must not contain the control character U+{:04X} (only tab, line feed and carriage return are allowed)",
                u32::from(c)
            ),
        )),
    }
}

/// `text` without the characters XML 1.0 cannot carry; borrowed when there are none (the
/// usual case, so the writers pay one scan).
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|c| is_xml_char(*c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_newline_and_carriage_return_are_the_only_allowed_controls() {
        assert!(
            ['\t', '\n', '\r', ' ', 'é', '\u{FFFD}', '\u{1F600}']
                .iter()
                .all(|c| is_xml_char(*c))
        );
        assert!(
            [
                '\0', '\u{1}', '\u{B}', '\u{C}', '\u{1F}', '\u{FFFE}', '\u{FFFF}'
            ]
            .iter()
            .all(|c| !is_xml_char(*c))
        );
    }

    #[test]
    fn text_with_a_nul_is_refused_naming_the_character() {
        let err = check_xml_text("text", "a\0b").expect_err("refused");
        assert!(err.to_string().contains("U+0000"), "{err}");
        assert!(check_xml_text("text", "line one\r\n\tline two").is_ok());
    }

    #[test]
    fn xml_safe_drops_only_what_xml_cannot_carry() {
        assert!(matches!(xml_safe("plain <text>"), Cow::Borrowed(_)));
        assert_eq!(xml_safe("a\0b\u{FFFE}c\u{7}\td"), "abc\td");
    }
}
