//! Typed identifiers. Parsing validates; the inner values are only built by the store or by
//! `parse`, so a value of these types is always well-formed.

use std::fmt::{self, Write as _};

use arrayvec::ArrayString;
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// An account id: an opaque string matching `^[A-Za-z0-9_]{1,20}$` (LivePerson's pattern).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId(String);

impl AccountId {
    /// Validates an account id.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let ok = (1..=20).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(DomainError::invalid(
                "account id",
                "must match ^[A-Za-z0-9_]{1,20}$",
            ))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AccountId {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<AccountId> for String {
    fn from(id: AccountId) -> Self {
        id.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! numeric_id {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

numeric_id!(
    /// A skill (SuperOffice: chat topic) id, unique across the server.
    SkillId(i64)
);
numeric_id!(
    /// An agent (SuperOffice: associate) id, unique across the server.
    AgentId(i64)
);
numeric_id!(
    /// The numeric chat id SuperOffice clients use (`ChatSessionId`), unique across the server.
    ChatNum(i64)
);
numeric_id!(
    /// A chat's event id: 0, 1, 2, … contiguous within one chat.
    EventId(u32)
);
numeric_id!(
    /// The server-wide, monotonically increasing sequence number of an event
    /// (SuperOffice `ChatMessageId`, the account feed cursor).
    GlobalSeq(i64)
);

impl EventId {
    /// The id after this one.
    pub const fn next(self) -> Self {
        Self(self.0 + 1)
    }
}

/// How long every chat key is: `H`, 19 digits, `-`, 32 hex digits, `K`, 7 digits.
const CHAT_KEY_LEN: usize = 1 + 19 + 1 + 32 + 1 + 7;

/// A chat key in LivePerson's `chatSessionKey` shape: `H{19 digits}-{32 hex}K{7 digits}`.
///
/// Held inline, not on the heap: every key has the same 61 bytes, and keys are parsed, cloned
/// and hashed by the hundred per multi-chat poll (docs/performance.md, session 13).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChatKey(ArrayString<CHAT_KEY_LEN>);

impl ChatKey {
    /// Builds a key from random material (the engine supplies the randomness, keeping core pure).
    pub fn from_random(a: u64, b: u128, c: u32) -> Self {
        // 19 digits with a non-zero lead: 10^18 ..= 10^19-1; 7 digits likewise.
        let head = 1_000_000_000_000_000_000 + a % 9_000_000_000_000_000_000;
        let tail = 1_000_000 + c % 9_000_000;
        let mut key = ArrayString::new();
        // Exactly CHAT_KEY_LEN bytes by the bounds above, so the write cannot overflow.
        let written = write!(key, "H{head}-{b:032x}K{tail}");
        debug_assert!(written.is_ok() && key.len() == CHAT_KEY_LEN);
        Self(key)
    }

    /// Validates a key received from a client.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let bad =
            || DomainError::invalid("chat id", "must look like H{19 digits}-{32 hex}K{7 digits}");
        let b = s.as_bytes();
        let digits = |p: &[u8]| p.iter().all(u8::is_ascii_digit);
        let hex = |p: &[u8]| p.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'));
        let shaped = b.len() == CHAT_KEY_LEN
            && b[0] == b'H'
            && digits(&b[1..20])
            && b[20] == b'-'
            && hex(&b[21..53])
            && b[53] == b'K'
            && digits(&b[54..]);
        if !shaped {
            return Err(bad());
        }
        ArrayString::from(s).map(Self).map_err(|_| bad())
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The visit id LivePerson derives from the key: `H{19 digits}K{7 digits}`
    /// (Postman extracts it with `/[H][0-9]*/` + `/[K][0-9]*/`).
    pub fn visit_id(&self) -> String {
        let head = self.0.split('-').next().unwrap_or_default();
        let tail = self.0.rsplit('K').next().unwrap_or_default();
        format!("{head}K{tail}")
    }
}

impl TryFrom<String> for ChatKey {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ChatKey> for String {
    fn from(k: ChatKey) -> Self {
        k.0.as_str().to_owned()
    }
}

impl fmt::Display for ChatKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_id_accepts_the_documented_pattern_only() {
        for ok in ["1000", "P73373771", "a_b", "12345678901234567890"] {
            assert!(AccountId::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a-b", "123456789012345678901", "ä", "a b"] {
            assert!(AccountId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn chat_key_has_the_liveperson_shape_and_round_trips() {
        let key = ChatKey::from_random(u64::MAX, u128::MAX, u32::MAX);
        let parsed = ChatKey::parse(key.as_str()).expect("generated key parses");
        assert_eq!(parsed, key);
        let small = ChatKey::from_random(0, 0, 0);
        assert_eq!(small.as_str().len(), 1 + 19 + 1 + 32 + 1 + 7);
        assert!(ChatKey::parse(small.as_str()).is_ok());
    }

    #[test]
    fn chat_key_rejects_other_shapes() {
        for bad in [
            "",
            "H1-2K3",
            "x",
            "H2170755172687460894-b7d761017809489ea1a257461eb373eeK845741",
        ] {
            assert!(ChatKey::parse(bad).is_err(), "{bad}");
        }
        assert!(
            ChatKey::parse("H2170755172687460894-b7d761017809489ea1a257461eb373eeK8457415").is_ok()
        );
    }

    #[test]
    fn visit_id_drops_the_middle_part() {
        let key = ChatKey::parse("H2170755172687460894-b7d761017809489ea1a257461eb373eeK8457415")
            .expect("valid");
        assert_eq!(key.visit_id(), "H2170755172687460894K8457415");
    }
}
