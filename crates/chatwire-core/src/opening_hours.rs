//! Opening hours of a skill (SuperOffice `ChatOpeningHours`) and the one decision made from
//! them: is an instant within them, in the skill's time zone given as a fixed UTC offset; and
//! [`TopicSettings`], the SuperOffice topic document they live in.
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

/// A skill's weekly opening hours, evaluated in local time = UTC + `utc_offset_minutes`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// Monday first, Sunday last (SuperOffice's order).
    pub days: [DayHours; 7],
    /// A daily break (`start`, `stop` in seconds after midnight) on every open day, if any.
    pub lunch: Option<(u32, u32)>,
    /// The skill's time zone as a fixed offset east of UTC, in minutes (no DST rules).
    pub utc_offset_minutes: i32,
}

impl OpeningHours {
    /// Whether `now` falls within the opening hours (and outside lunch) in local time.
    pub fn is_open_at(&self, now: Timestamp) -> bool {
        let local = now.millis().div_euclid(1000) + i64::from(self.utc_offset_minutes) * 60;
        let day = local.div_euclid(DAY);
        let second = local.rem_euclid(DAY);
        // 1970-01-01 was a Thursday: index 3 with Monday = 0.
        let weekday = usize::try_from((day + 3).rem_euclid(7)).unwrap_or(0);
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
    /// Widget, bot, alert and ticket settings (`crate::topic_options`).
    #[serde(default)]
    pub options: crate::topic_options::TopicOptions,
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

    #[test]
    fn default_hours_are_always_closed_but_unused_settings_are_open() {
        assert!(!OpeningHours::default().is_open_at(monday_utc(12, 0)));
        assert!(TopicSettings::default().is_open_at(monday_utc(12, 0)));
    }
}
