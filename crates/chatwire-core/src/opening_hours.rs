//! Opening hours of a skill (SuperOffice `ChatOpeningHours`) and the one decision made from
//! them: is an instant within them, in the skill's time zone; and [`TopicSettings`], the
//! SuperOffice topic document they live in.
//!
//! The time zone is an IANA name (`Europe/Oslo`) read with `jiff`'s bundled time-zone
//! database, so local time follows the zone's rules, daylight saving included; without one,
//! a fixed UTC offset (0 unless set) applies. Daylight-saving gaps and folds need no rule of
//! their own here: an instant has exactly one local wall-clock time, and that is what is
//! compared with the day's hours.
//!
//! What it must not do: parse wire formats (the dialect turns `"08:00:00"` / `"PT8H"` into
//! seconds) or read clocks (the caller passes `now`).

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// Seconds in a day.
const DAY: i64 = 86_400;

/// One weekday's hours: open from `start` to `stop` (seconds after local midnight, `stop`
/// exclusive) when `enabled`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayHours {
    /// Open at all on this day.
    pub enabled: bool,
    /// Opening time, seconds after midnight.
    pub start: u32,
    /// Closing time, seconds after midnight (exclusive); `stop <= start` means closed.
    pub stop: u32,
}

/// A skill's weekly opening hours, evaluated in the local time of `time_zone` (or, without
/// one, UTC + `utc_offset_minutes`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// Monday first, Sunday last (SuperOffice's order).
    pub days: [DayHours; 7],
    /// A daily break (`start`, `stop` in seconds after midnight) on every open day, if any.
    pub lunch: Option<(u32, u32)>,
    /// A fixed offset east of UTC, in minutes, used when there is no `time_zone`.
    pub utc_offset_minutes: i32,
    /// The skill's IANA time zone (`Europe/Oslo`), whose rules (DST included) give local time.
    /// Only names [`is_known_time_zone`] accepts are stored.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// Whether `name` is a time zone of the bundled IANA database (`Europe/Oslo`, `UTC`).
pub fn is_known_time_zone(name: &str) -> bool {
    jiff::tz::TimeZone::get(name).is_ok()
}

/// The weekday (Monday 0) and the second of the day of `now` in `zone`; `None` when the zone
/// is unknown or the instant is out of the database's range.
fn local_in_zone(zone: &str, now: Timestamp) -> Option<(usize, i64)> {
    let tz = jiff::tz::TimeZone::get(zone).ok()?;
    let at = jiff::Timestamp::from_millisecond(now.millis()).ok()?;
    let local = at.to_zoned(tz);
    let weekday = usize::try_from(local.weekday().to_monday_zero_offset()).ok()?;
    let t = local.time();
    let second = i64::from(t.hour()) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second());
    Some((weekday, second))
}

impl OpeningHours {
    /// The weekday (Monday 0) and second of the day of `now` in this skill's local time.
    fn local(&self, now: Timestamp) -> (usize, i64) {
        if let Some(local) = self
            .time_zone
            .as_deref()
            .and_then(|zone| local_in_zone(zone, now))
        {
            return local;
        }
        let local = now.millis().div_euclid(1000) + i64::from(self.utc_offset_minutes) * 60;
        let day = local.div_euclid(DAY);
        // 1970-01-01 was a Thursday: index 3 with Monday = 0.
        let weekday = usize::try_from((day + 3).rem_euclid(7)).unwrap_or(0);
        (weekday, local.rem_euclid(DAY))
    }

    /// Whether `now` falls within the opening hours (and outside lunch) in local time.
    pub fn is_open_at(&self, now: Timestamp) -> bool {
        let (weekday, second) = self.local(now);
        let hours = self.days[weekday];
        let within = |start: u32, stop: u32| (i64::from(start)..i64::from(stop)).contains(&second);
        hours.enabled
            && within(hours.start, hours.stop)
            && !self.lunch.is_some_and(|(start, stop)| within(start, stop))
    }
}

/// A skill's SuperOffice topic settings: what the engine evaluates (opening hours) typed,
/// everything else (widget, bot, alert and ticket options) kept as the dialect sent it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSettings {
    /// Whether the opening hours apply; when not, the topic is always open.
    #[serde(default)]
    pub opening_hours_enabled: bool,
    /// The weekly hours and the topic's UTC offset.
    #[serde(default)]
    pub opening_hours: OpeningHours,
    /// The dialect's other settings as it wrote them (JSON text), opaque here.
    #[serde(default)]
    pub extra: String,
}

impl TopicSettings {
    /// Whether chats are served at `now`: always when opening hours are off.
    pub fn is_open_at(&self, now: Timestamp) -> bool {
        !self.opening_hours_enabled || self.opening_hours.is_open_at(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: u32 = 3600;

    /// 2024-01-01 (a Monday) at `hh:mm` UTC.
    fn monday_utc(hh: i64, mm: i64) -> Timestamp {
        Timestamp((1_704_067_200 + hh * 3600 + mm * 60) * 1000)
    }

    fn weekdays_8_to_16() -> OpeningHours {
        let open = DayHours {
            enabled: true,
            start: 8 * H,
            stop: 16 * H,
        };
        let mut days = [open; 7];
        days[5].enabled = false;
        days[6].enabled = false;
        OpeningHours {
            days,
            lunch: None,
            utc_offset_minutes: 0,
            time_zone: None,
        }
    }

    #[test]
    fn open_between_start_and_stop_on_an_enabled_day() {
        let hours = weekdays_8_to_16();
        assert!(hours.is_open_at(monday_utc(8, 0)));
        assert!(hours.is_open_at(monday_utc(15, 59)));
        assert!(!hours.is_open_at(monday_utc(16, 0)));
        assert!(!hours.is_open_at(monday_utc(7, 59)));
    }

    #[test]
    fn closed_all_day_on_a_disabled_day() {
        let hours = weekdays_8_to_16();
        let sunday_noon = Timestamp(monday_utc(12, 0).millis() - 86_400_000);
        assert!(!hours.is_open_at(sunday_noon));
    }

    #[test]
    fn lunch_closes_open_days() {
        let hours = OpeningHours {
            lunch: Some((12 * H, 13 * H)),
            ..weekdays_8_to_16()
        };
        assert!(!hours.is_open_at(monday_utc(12, 30)));
        assert!(hours.is_open_at(monday_utc(13, 0)));
    }

    #[test]
    fn the_offset_moves_local_time_and_can_change_the_day() {
        // Arrange: UTC+2, so Monday 06:30 UTC is 08:30 local; UTC-10, so Monday 05:00 UTC is
        // Sunday 19:00 local (closed).
        let east = OpeningHours {
            utc_offset_minutes: 120,
            ..weekdays_8_to_16()
        };
        let west = OpeningHours {
            utc_offset_minutes: -600,
            ..weekdays_8_to_16()
        };

        // Act / Assert
        assert!(east.is_open_at(monday_utc(6, 30)));
        assert!(!east.is_open_at(monday_utc(14, 30)));
        assert!(!west.is_open_at(monday_utc(5, 0)));
        assert!(west.is_open_at(monday_utc(18, 0)));
    }

    /// `yyyy-mm-dd hh:mm` UTC.
    fn utc(date: &str, hh: i64, mm: i64) -> Timestamp {
        let day: jiff::civil::Date = date.parse().expect("date");
        let midnight = day.to_zoned(jiff::tz::TimeZone::UTC).expect("midnight");
        Timestamp(midnight.timestamp().as_millisecond() + (hh * 3600 + mm * 60) * 1000)
    }

    #[test]
    fn a_time_zone_follows_daylight_saving_across_the_change() {
        // Arrange: Oslo, open every day 08:00-16:00 local. Oslo moves from UTC+1 to UTC+2 at
        // 01:00 UTC on Sunday 2024-03-31 and back at 01:00 UTC on Sunday 2024-10-27.
        let open = DayHours {
            enabled: true,
            start: 8 * H,
            stop: 16 * H,
        };
        let oslo = OpeningHours {
            days: [open; 7],
            lunch: None,
            utc_offset_minutes: 60,
            time_zone: Some("Europe/Oslo".into()),
        };
        let fixed = OpeningHours {
            time_zone: None,
            ..oslo
        };

        // Act / Assert: the week before, 15:30 UTC is 16:30 local (closed), 07:30 UTC 08:30.
        assert!(!oslo.is_open_at(utc("2024-03-24", 15, 30)));
        assert!(oslo.is_open_at(utc("2024-03-24", 7, 30)));
        // After the change the same local hours are an hour earlier in UTC.
        assert!(oslo.is_open_at(utc("2024-03-31", 6, 30)), "08:30 CEST");
        assert!(!oslo.is_open_at(utc("2024-03-31", 14, 30)), "16:30 CEST");
        assert!(
            fixed.is_open_at(utc("2024-03-31", 14, 30)),
            "a fixed offset misses DST"
        );
        // The day of the change itself: 01:30 UTC is 03:30 local (the gap skipped 02:xx).
        assert!(!oslo.is_open_at(utc("2024-03-31", 1, 30)));
        // And back in autumn: 07:30 UTC is 08:30 CET again.
        assert!(oslo.is_open_at(utc("2024-10-27", 7, 30)));
        assert!(!oslo.is_open_at(utc("2024-10-27", 6, 30)), "07:30 CET");
    }

    #[test]
    fn known_time_zones_are_the_iana_names() {
        assert!(is_known_time_zone("Europe/Oslo"));
        assert!(is_known_time_zone("UTC"));
        assert!(!is_known_time_zone("Mars/Olympus_Mons"));
    }

    #[test]
    fn default_hours_are_always_closed_but_unused_settings_are_open() {
        assert!(!OpeningHours::default().is_open_at(monday_utc(12, 0)));
        assert!(TopicSettings::default().is_open_at(monday_utc(12, 0)));
    }
}
