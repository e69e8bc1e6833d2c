//! The time format LivePerson's resources and chatwire's own API (the account feed) write.

use chatwire_engine::core::Timestamp;

/// `2015-08-30T15:06:02.001+00:00`: ISO 8601, milliseconds, numeric offset (UTC).
pub fn iso_millis(t: Timestamp) -> String {
    chrono::DateTime::from_timestamp_millis(t.millis())
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3f+00:00")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_and_a_numeric_offset() {
        assert_eq!(
            iso_millis(Timestamp(1_440_947_162_001)),
            "2015-08-30T15:06:02.001+00:00"
        );
        assert_eq!(iso_millis(Timestamp(0)), "1970-01-01T00:00:00.000+00:00");
    }
}
