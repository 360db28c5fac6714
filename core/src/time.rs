//! Time arithmetic that never panics: durations come from host policies
//! and user input, and chrono panics on out-of-range values.

use chrono::{DateTime, Duration, Utc};

/// `seconds` as a duration, saturated to chrono's range.
pub fn seconds(secs: i64) -> Duration {
    Duration::try_seconds(secs).unwrap_or(if secs < 0 {
        Duration::MIN
    } else {
        Duration::MAX
    })
}

/// `t + secs`, saturated to the representable range of times.
pub fn add_seconds(t: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
    t.checked_add_signed(seconds(secs)).unwrap_or(if secs < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// Deserialises a duration in seconds that may not be negative (a
/// negative window would silently mean "none").
pub(crate) fn non_negative<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = <i64 as serde::Deserialize>::deserialize(d)?;
    if v < 0 {
        return Err(serde::de::Error::custom(format!(
            "a duration in seconds may not be negative (got {v})"
        )));
    }
    Ok(v)
}

/// `invalid_input` naming `field` when a duration is negative.
pub(crate) fn check_non_negative(field: &str, v: i64) -> crate::error::Result<()> {
    if v < 0 {
        return Err(crate::error::Error::invalid_input(format!(
            "{field} may not be negative"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extremes_saturate_instead_of_panicking() {
        let t = DateTime::<Utc>::UNIX_EPOCH;
        assert_eq!(add_seconds(t, i64::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(add_seconds(t, i64::MIN), DateTime::<Utc>::MIN_UTC);
        assert_eq!(add_seconds(t, 60), t + Duration::seconds(60));
        assert_eq!(seconds(i64::MAX), Duration::MAX);
    }
}
