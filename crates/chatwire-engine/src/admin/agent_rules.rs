//! The rules an admin's agent input must follow, and the rules about oneself: an admin may
//! not disable, delete or take the admin right from themselves (so an account is never
//! locked out by accident). Errors name the field as chatwire's own API spells it.

use chatwire_core::{AccountId, DomainError, Skill, SkillId};

use crate::{AdminCaller, EngineError, EngineResult};

/// Shortest password an admin may set.
pub(crate) const MIN_PASSWORD: usize = 8;
/// Longest password (argon2 hashes any length; this bounds the work and the body).
pub(crate) const MAX_PASSWORD: usize = 200;
/// Highest concurrent-chat limit (`-1` is unlimited).
pub(crate) const MAX_CHATS: i32 = 1000;

/// A login name: 1-100 characters, no whitespace or control characters.
pub(crate) fn login_name(v: &str) -> EngineResult<String> {
    let v = v.trim();
    let ok = (1..=100).contains(&v.chars().count())
        && !v.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(v.to_owned())
    } else {
        Err(DomainError::invalid("loginName", "must be 1-100 characters without spaces").into())
    }
}

/// A password: [`MIN_PASSWORD`] to [`MAX_PASSWORD`] characters.
pub(crate) fn password(v: &str) -> EngineResult<()> {
    let n = v.chars().count();
    if (MIN_PASSWORD..=MAX_PASSWORD).contains(&n) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "password",
            format!("must be {MIN_PASSWORD} to {MAX_PASSWORD} characters"),
        )
        .into())
    }
}

/// A nickname or display name: 1-100 characters, not blank.
pub(crate) fn name(field: &'static str, v: &str) -> EngineResult<String> {
    let v = v.trim();
    if v.is_empty() || v.chars().count() > 100 || v.chars().any(char::is_control) {
        Err(DomainError::invalid(field, "must be 1-100 characters and not blank").into())
    } else {
        Ok(v.to_owned())
    }
}

/// An e-mail address: empty, or `local@domain` without spaces, at most 254 characters.
pub(crate) fn email(v: &str) -> EngineResult<String> {
    let v = v.trim();
    let ok = v.is_empty()
        || (v.len() <= 254
            && !v.chars().any(|c| c.is_whitespace() || c.is_control())
            && v.split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty() && !d.contains('@')));
    if ok {
        Ok(v.to_owned())
    } else {
        Err(DomainError::invalid("email", "must be an e-mail address (or empty)").into())
    }
}

/// A concurrent-chat limit: `-1` (unlimited) or 0 to [`MAX_CHATS`].
pub(crate) fn max_chats(v: i32) -> EngineResult<i32> {
    if (-1..=MAX_CHATS).contains(&v) {
        Ok(v)
    } else {
        Err(DomainError::invalid(
            "maxChats",
            format!("must be -1 (unlimited) or 0 to {MAX_CHATS}"),
        )
        .into())
    }
}

/// Skills by name or id text, each of which must exist in the account; returns their ids
/// without repeats, in the order given.
pub(crate) fn skills(known: &[Skill], wanted: &[String]) -> EngineResult<Vec<SkillId>> {
    let mut ids = Vec::new();
    for (i, w) in wanted.iter().enumerate() {
        let w = w.trim();
        let found = known
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(w))
            .or_else(|| {
                w.parse::<i64>()
                    .ok()
                    .and_then(|id| known.iter().find(|s| s.id == SkillId(id)))
            })
            .ok_or_else(|| {
                DomainError::invalid(
                    "skills",
                    format!("skills[{i}] ({w:?}) is not a skill of this account"),
                )
            })?;
        if !ids.contains(&found.id) {
            ids.push(found.id);
        }
    }
    Ok(ids)
}

/// Refuses (409) what would lock the caller out: disabling, deleting or demoting oneself.
pub(crate) fn not_oneself(
    by: &AdminCaller,
    account: &AccountId,
    agent: chatwire_core::AgentId,
    what: &str,
) -> EngineResult<()> {
    let own = matches!(by.scope(), crate::AdminScope::Account(a) if a == account)
        && by.agent() == Some(agent);
    if own {
        Err(EngineError::Conflict(format!(
            "an admin cannot {what} themselves (ask another admin): the account would lose its admin"
        )))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(e: EngineError) -> &'static str {
        match e {
            EngineError::Domain(DomainError::Invalid { what, .. }) => what,
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn inputs_are_checked_and_errors_name_the_field() {
        assert_eq!(login_name(" ann ").expect("ok"), "ann");
        assert_eq!(field(login_name("a b").unwrap_err()), "loginName");
        assert_eq!(field(login_name("").unwrap_err()), "loginName");
        assert!(password("12345678").is_ok());
        assert_eq!(field(password("short").unwrap_err()), "password");
        assert_eq!(field(password(&"x".repeat(201)).unwrap_err()), "password");
        assert_eq!(field(name("nickname", "  ").unwrap_err()), "nickname");
        assert!(email("").is_ok() && email("a@b.example").is_ok());
        assert_eq!(field(email("nope").unwrap_err()), "email");
        assert_eq!(field(email("a b@c").unwrap_err()), "email");
        assert!(max_chats(-1).is_ok() && max_chats(0).is_ok() && max_chats(1000).is_ok());
        assert_eq!(field(max_chats(-2).unwrap_err()), "maxChats");
        assert_eq!(field(max_chats(1001).unwrap_err()), "maxChats");
    }

    #[test]
    fn skills_must_exist_and_repeat_once() {
        let acc = AccountId::parse("a1").expect("id");
        let skill = |id, n: &str| Skill {
            id: SkillId(id),
            account: acc.clone(),
            name: n.into(),
            description: String::new(),
            welcome_message: String::new(),
        };
        let known = vec![skill(3, "Sales"), skill(7, "Support")];
        let got = skills(&known, &["sales".into(), "7".into(), "3".into()]).expect("ok");
        assert_eq!(got, vec![SkillId(3), SkillId(7)]);
        let err = skills(&known, &["Sales".into(), "9".into()]).unwrap_err();
        assert!(err.to_string().contains("skills[1]"), "{err}");
        assert_eq!(field(err), "skills");
    }
}
