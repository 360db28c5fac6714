//! The DID cool-off (seed: Vobiz "Unassign DID from Sub-Account") and number
//! aging.
//!
//! **Cool-off.** A DID that carried a call within the window (default 15
//! days) cannot move back from a sub-account to the parent pool: the error
//! is `did_cool_off_in_effect` with `cool_off_until` and
//! `cool_off_remaining_seconds`. A never-used DID moves at once. The window
//! is half-open: at exactly `last_call + window` the DID may move. An admin
//! may force the move; the lifecycle writes a `cool_off_waived` event
//! naming the actor and the time waived.
//!
//! **Aging.** A number released by one tenant may not be acquired by
//! another until the aging period (default 45 days, the FCC's minimum for
//! disconnected numbers) has passed: `number_aging` with `aging_until`. The
//! same tenant may take it back at once.

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result};
use crate::ids::TenantId;

/// The default cool-off window: 15 days.
pub const DEFAULT_COOL_OFF_SECONDS: i64 = 15 * 86_400;
/// The default aging period: 45 days.
pub const DEFAULT_AGING_SECONDS: i64 = 45 * 86_400;

/// Whole seconds from `now` to `until`, rounded up.
fn seconds_until(now: DateTime<Utc>, until: DateTime<Utc>) -> i64 {
    let d = until - now;
    let s = d.num_seconds();
    if d > Duration::seconds(s) {
        s + 1
    } else {
        s
    }
}

/// When the cool-off after `last_call_at` ends, or None for a never-used DID.
pub fn cool_off_until(
    last_call_at: Option<DateTime<Utc>>,
    window_seconds: i64,
) -> Option<DateTime<Utc>> {
    last_call_at.map(|t| crate::time::add_seconds(t, window_seconds.max(0)))
}

/// Ok when a DID whose last call was at `last_call_at` may move back to the
/// parent pool at `now`; otherwise `did_cool_off_in_effect`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use telnum::cooloff::{check_cool_off, DEFAULT_COOL_OFF_SECONDS};
/// let last = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
/// let now = Utc.with_ymd_and_hms(2026, 1, 10, 12, 0, 0).unwrap();
/// let err = check_cool_off(Some(last), now, DEFAULT_COOL_OFF_SECONDS).unwrap_err();
/// assert_eq!(err.code(), "did_cool_off_in_effect");
/// assert_eq!(err.to_json()["cool_off_remaining_seconds"], 6 * 86_400);
/// assert!(check_cool_off(None, now, DEFAULT_COOL_OFF_SECONDS).is_ok());
/// ```
pub fn check_cool_off(
    last_call_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    window_seconds: i64,
) -> Result<()> {
    match cool_off_until(last_call_at, window_seconds) {
        Some(until) if now < until => Err(Error::DidCoolOffInEffect {
            cool_off_until: until,
            cool_off_remaining_seconds: seconds_until(now, until),
        }),
        _ => Ok(()),
    }
}

/// Ok when `acquirer` may acquire a number that `released_by` released at
/// `released_at`; otherwise `number_aging`.
pub fn check_aging(
    released_by: &TenantId,
    released_at: DateTime<Utc>,
    acquirer: &TenantId,
    now: DateTime<Utc>,
    aging_seconds: i64,
) -> Result<()> {
    let until = crate::time::add_seconds(released_at, aging_seconds.max(0));
    if released_by != acquirer && now < until {
        return Err(Error::NumberAging { aging_until: until });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(d: u32, h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h, m, s).unwrap()
    }

    /// Seed (Vobiz): "If the DID had a call within the last 15 days,
    /// unassignment is rejected with 409 did_cool_off_in_effect".
    #[test]
    fn seed_vobiz_cool_off_boundaries() {
        let last = t(1, 0, 0, 0);
        let w = DEFAULT_COOL_OFF_SECONDS;
        // One second before the end: refused, one second left.
        let e = check_cool_off(Some(last), t(15, 23, 59, 59), w).unwrap_err();
        assert_eq!(e.http_status(), 409);
        match e {
            Error::DidCoolOffInEffect {
                cool_off_until,
                cool_off_remaining_seconds,
            } => {
                assert_eq!(cool_off_until, t(16, 0, 0, 0));
                assert_eq!(cool_off_remaining_seconds, 1);
            }
            other => panic!("{other:?}"),
        }
        // Exactly at the end: allowed.
        assert!(check_cool_off(Some(last), t(16, 0, 0, 0), w).is_ok());
        // Sub-second remainder rounds up.
        let now = t(15, 23, 59, 59) + Duration::milliseconds(500);
        let e = check_cool_off(Some(last), now, w).unwrap_err();
        assert_eq!(e.to_json()["cool_off_remaining_seconds"], 1);
        assert_eq!(e.to_json()["cool_off_until"], "2026-03-16T00:00:00Z");
    }

    /// Seed (Vobiz): "A DID that was never used moves back immediately."
    #[test]
    fn seed_vobiz_never_used_moves_at_once() {
        assert!(check_cool_off(None, t(1, 0, 0, 0), DEFAULT_COOL_OFF_SECONDS).is_ok());
    }

    #[test]
    fn host_configured_window() {
        let last = t(1, 0, 0, 0);
        assert!(check_cool_off(Some(last), t(2, 0, 0, 0), 86_400).is_ok());
        assert!(check_cool_off(Some(last), t(1, 23, 0, 0), 86_400).is_err());
        assert!(check_cool_off(Some(last), t(1, 0, 0, 0), 0).is_ok());
    }

    #[test]
    fn aging_blocks_other_tenants_only() {
        let a = TenantId::new("a").unwrap();
        let b = TenantId::new("b").unwrap();
        let rel = t(1, 0, 0, 0);
        assert!(check_aging(&a, rel, &a, t(2, 0, 0, 0), DEFAULT_AGING_SECONDS).is_ok());
        let e = check_aging(&a, rel, &b, t(2, 0, 0, 0), DEFAULT_AGING_SECONDS).unwrap_err();
        assert_eq!(e.code(), "number_aging");
        let end = rel + Duration::seconds(DEFAULT_AGING_SECONDS);
        assert!(check_aging(&a, rel, &b, end, DEFAULT_AGING_SECONDS).is_ok());
    }
}
