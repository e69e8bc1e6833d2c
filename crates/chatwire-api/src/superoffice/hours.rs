//! SuperOffice `ChatOpeningHours` on the wire ↔ the engine's `OpeningHours`.
//!
//! Times arrive as `"hh:mm:ss"` / `"h:m"` (.NET TimeSpan) or ISO 8601 durations (`"PT8H30M"`, what
//! the TypeScript client sends back); they go out as `"hh:mm:ss"`.
//!
//! `TzLocation` (SuperOffice `TimeZoneData`) names the topic's time zone: chatwire reads an
//! IANA name (`Europe/Oslo`) from its `TZLocationCode`, else its `Name`, and evaluates the hours
//! with that zone's rules, daylight saving included (`chatwire_core::opening_hours`). A name
//! the time-zone database does not know is a 400; `null` clears the zone (UTC); left out, the
//! zone stays. SuperOffice's own rule tables (`TimeZoneSTDRules`/`TimeZoneDSTRules`) are not
//! read: the database's rules replace them. It is written back with the name in both fields.

use chatwire_engine::core::opening_hours::{DayHours, OpeningHours, is_known_time_zone};
use serde_json::{Map, Value, json};

use super::body::Fields;
use crate::ApiError;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Seconds after midnight from a TimeSpan or ISO duration; `None` when absent.
fn seconds(f: &Fields, name: &str) -> Result<Option<u32>, ApiError> {
    let Some(text) = f.str(name).filter(|t| !t.trim().is_empty()) else {
        return Ok(None);
    };
    let bad = || {
        ApiError::BadRequest(format!(
            "{name} must be a time of day like \"08:00:00\" or \"PT8H\""
        ))
    };
    let t = text.trim();
    let secs = if let Some(iso) = t.strip_prefix("PT").or_else(|| t.strip_prefix("pt")) {
        let mut total = 0u32;
        let mut num = String::new();
        for c in iso.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
                continue;
            }
            let n = num
                .split('.')
                .next()
                .unwrap_or("")
                .parse::<u32>()
                .map_err(|_| bad())?;
            num.clear();
            total += match c.to_ascii_uppercase() {
                'H' => n * 3600,
                'M' => n * 60,
                'S' => n,
                _ => return Err(bad()),
            };
        }
        if !num.is_empty() {
            return Err(bad());
        }
        total
    } else {
        let parts: Vec<u32> = t
            .split(':')
            .map(|p| p.split('.').next().unwrap_or("").parse::<u32>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        match parts.as_slice() {
            [h, m] => h * 3600 + m * 60,
            [h, m, s] => h * 3600 + m * 60 + s,
            _ => return Err(bad()),
        }
    };
    if secs > 86_400 {
        return Err(bad());
    }
    Ok(Some(secs))
}

/// Reads `ChatOpeningHours` over `current` (properties left out keep their value).
pub fn parse(f: &Fields, current: &OpeningHours) -> Result<OpeningHours, ApiError> {
    let mut hours = current.clone();
    for (i, day) in DAYS.iter().enumerate() {
        let d: &mut DayHours = &mut hours.days[i];
        if let Some(enabled) = f.bool(&format!("{day}Enabled"))? {
            d.enabled = enabled;
        }
        if let Some(s) = seconds(f, &format!("{day}Start"))? {
            d.start = s;
        }
        if let Some(s) = seconds(f, &format!("{day}Stop"))? {
            d.stop = s;
        }
    }
    let lunch_on = f.bool("UseLunchHours")?.unwrap_or(hours.lunch.is_some());
    let (ls, le) = hours.lunch.unwrap_or((41_400, 43_200));
    let start = seconds(f, "LunchStart")?.unwrap_or(ls);
    let stop = seconds(f, "LunchStop")?.unwrap_or(le);
    hours.lunch = lunch_on.then_some((start, stop));
    if f.get("TzLocation").is_some() {
        hours.time_zone = time_zone(&f.obj("TzLocation"))?;
    }
    Ok(hours)
}

/// The IANA zone a `TimeZoneData` names (`TZLocationCode`, else `Name`); `None` when both
/// are empty.
fn time_zone(tz: &Fields) -> Result<Option<String>, ApiError> {
    let given: Vec<String> = ["TZLocationCode", "Name"]
        .iter()
        .filter_map(|k| tz.str(k))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    if given.is_empty() {
        return Ok(None);
    }
    match given.iter().find(|z| is_known_time_zone(z)) {
        Some(zone) => Ok(Some(zone.clone())),
        None => Err(ApiError::BadRequest(format!(
            "TzLocation: unknown time zone '{}' (give an IANA name such as Europe/Oslo in \
             TZLocationCode or Name)",
            given[0]
        ))),
    }
}

/// `TimeZoneData` for a zone name (`null` for none).
fn render_zone(zone: Option<&str>) -> Value {
    zone.map_or(Value::Null, |z| {
        json!({
            "TZLocationID": 0, "Name": z, "TZLocationCode": z, "TZLocationCities": "",
            "IsoNumber": 0, "TimeZoneSTDRules": null, "TimeZoneDSTRules": null
        })
    })
}

fn hhmmss(secs: u32) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Writes `ChatOpeningHours`.
pub fn render(hours: &OpeningHours) -> Value {
    let mut v = Map::new();
    v.insert("TzLocation".into(), render_zone(hours.time_zone.as_deref()));
    for (i, day) in DAYS.iter().enumerate() {
        let d = hours.days[i];
        v.insert(format!("{day}Enabled"), Value::Bool(d.enabled));
        v.insert(format!("{day}Start"), json!(hhmmss(d.start)));
        v.insert(format!("{day}Stop"), json!(hhmmss(d.stop)));
    }
    let (ls, le) = hours.lunch.unwrap_or((41_400, 43_200));
    v.insert("UseLunchHours".into(), Value::Bool(hours.lunch.is_some()));
    v.insert("LunchStart".into(), json!(hhmmss(ls)));
    v.insert("LunchStop".into(), json!(hhmmss(le)));
    Value::Object(v)
}

/// The hours a topic has before anyone saves some: weekdays 08:00–16:00 (matching the
/// default entity), not enabled.
pub fn default_hours() -> OpeningHours {
    let mut h = OpeningHours::default();
    for (i, d) in h.days.iter_mut().enumerate() {
        *d = DayHours {
            enabled: i < 5,
            start: 8 * 3600,
            stop: 16 * 3600,
        };
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(v: &Value) -> Fields {
        Fields::decode("application/json", v.to_string().as_bytes()).expect("fields")
    }

    #[test]
    fn timespans_and_iso_durations_both_parse() {
        let f = fields(
            &json!({"MonEnabled":true,"MonStart":"PT8H30M","MonStop":"17:00:00","UseLunchHours":true,"LunchStart":"12:00"}),
        );
        let h = parse(&f, &default_hours()).expect("parse");
        assert_eq!(
            h.days[0],
            DayHours {
                enabled: true,
                start: 30_600,
                stop: 61_200
            }
        );
        assert_eq!(h.lunch, Some((43_200, 43_200)));
        assert_eq!(render(&h)["MonStart"], "08:30:00");
        assert!(parse(&fields(&json!({"MonStart":"noon"})), &default_hours()).is_err());
        assert!(parse(&fields(&json!({"MonStart":"25:00:00"})), &default_hours()).is_err());
    }

    #[test]
    fn tz_location_names_an_iana_zone_kept_until_cleared() {
        let oslo = json!({"TzLocation": {"TZLocationCode": "", "Name": "Europe/Oslo"}});
        let h = parse(&fields(&oslo), &default_hours()).expect("parse");
        assert_eq!(h.time_zone.as_deref(), Some("Europe/Oslo"));
        assert_eq!(render(&h)["TzLocation"]["TZLocationCode"], "Europe/Oslo");
        let kept = parse(&fields(&json!({"MonEnabled": true})), &h).expect("parse");
        assert_eq!(kept.time_zone.as_deref(), Some("Europe/Oslo"));
        let null = parse(&fields(&json!({"TzLocation": null})), &h).expect("parse");
        assert_eq!(
            null.time_zone.as_deref(),
            Some("Europe/Oslo"),
            "null is left out"
        );
        let blank = json!({"TzLocation": {"Name": ""}});
        let cleared = parse(&fields(&blank), &h).expect("parse");
        assert_eq!(cleared.time_zone, None);
        let bad = json!({"TzLocation": {"TZLocationCode": "NO"}});
        assert!(
            parse(&fields(&bad), &h).is_err(),
            "SuperOffice codes are not IANA names"
        );
    }
}
