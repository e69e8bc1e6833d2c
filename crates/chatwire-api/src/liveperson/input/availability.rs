//! The filters of the availability questions, read the same way on both sides (agent
//! `availableSlots`; visitor `availability`, `availableSlots`, `estimatedWaitTime`):
//! `skill` (a name or id), `maxWaitTime` (0–86400 s, leading digits, since clients append
//! `?v=1` to the last value), the legacy `serviceQueue` (only with `maxWaitTime`), or else one
//! `agent` (a login name, exclusive with the others). Names are resolved by the engine.

use crate::ApiError;
use crate::http::query::Query;

/// The longest `maxWaitTime` the spec allows (a day).
const MAX_WAIT_SECS: u32 = 86_400;

/// The availability filters of one request, as sent (names not yet resolved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AvailabilityFilters<'q> {
    /// The skill name (or id), when given.
    pub skill: Option<&'q str>,
    /// The agent login name, when given.
    pub agent: Option<&'q str>,
    /// `maxWaitTime` in seconds, when given.
    pub max_wait: Option<u32>,
}

impl<'q> AvailabilityFilters<'q> {
    /// Reads the filters from `q`; empty values count as absent. A `maxWaitTime` that is no
    /// number or over a day, an `agent` combined with another filter, or a `serviceQueue`
    /// without `maxWaitTime` is a 400.
    pub fn parse(q: &'q Query) -> Result<Self, ApiError> {
        let present = |key| q.get(key).map(str::trim).filter(|v| !v.is_empty());
        let skill = present("skill");
        let agent = present("agent");
        let service_queue = present("serviceQueue");
        let max_wait = q.leading_u32("maxWaitTime").map_err(ApiError::BadRequest)?;
        if max_wait.is_some_and(|w| w > MAX_WAIT_SECS) {
            return Err(ApiError::BadRequest("maxWaitTime must be 0-86400".into()));
        }
        if agent.is_some() && (skill.is_some() || max_wait.is_some() || service_queue.is_some()) {
            return Err(ApiError::BadRequest(
                "agent cannot be combined with skill, serviceQueue or maxWaitTime".into(),
            ));
        }
        if service_queue.is_some() && max_wait.is_none() {
            return Err(ApiError::BadRequest(
                "serviceQueue needs maxWaitTime".into(),
            ));
        }
        Ok(Self {
            skill,
            agent,
            max_wait,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<AvailabilityFilters<'static>, String> {
        let q: &'static Query = Box::leak(Box::new(Query::parse(q)));
        AvailabilityFilters::parse(q).map_err(|e| match e {
            ApiError::BadRequest(why) => why,
            other => panic!("a filter error is a 400, not {other:?}"),
        })
    }

    #[test]
    fn reads_each_filter_and_ignores_empty_values() {
        let f = parse("skill=Sales&maxWaitTime=150?v=1").unwrap();
        assert_eq!(
            (f.skill, f.agent, f.max_wait),
            (Some("Sales"), None, Some(150))
        );
        let f = parse("agent=ann&skill=&maxWaitTime=").unwrap();
        assert_eq!((f.skill, f.agent, f.max_wait), (None, Some("ann"), None));
        assert_eq!(parse("").unwrap(), AvailabilityFilters::default());
    }

    #[test]
    fn refuses_what_the_spec_rules_out() {
        assert!(parse("maxWaitTime=86401").unwrap_err().contains("0-86400"));
        assert!(parse("maxWaitTime=soon").is_err());
        assert!(
            parse("agent=ann&skill=Sales")
                .unwrap_err()
                .contains("combined")
        );
        assert!(
            parse("agent=ann&maxWaitTime=0")
                .unwrap_err()
                .contains("combined")
        );
        assert!(parse("agent=ann&serviceQueue=q&maxWaitTime=5").is_err());
        assert!(
            parse("serviceQueue=q")
                .unwrap_err()
                .contains("needs maxWaitTime")
        );
        assert!(parse("serviceQueue=q&maxWaitTime=5").is_ok());
    }
}
