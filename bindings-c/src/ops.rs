//! The caller-ID pool handle: its constructor, `free` and the
//! allocation-free `telnum_pool_pick_e164`. Its other methods are
//! generated (`generated.rs`).

use std::ffi::c_char;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use telnum::pool::{Callee, Usage};
use telnum::{CallerIdPool, PoolSpec};

use crate::args::{c_json, c_json_opt};
use crate::{boundary, null, read_str, Failure, FfiResult, TelnumStatus};

/// A campaign's caller-ID pool. Opaque; create with [`telnum_pool_new`],
/// free with [`telnum_pool_free`]. Not thread-safe: use one handle from
/// one thread at a time (or guard it with a lock).
pub struct TelnumPool {
    inner: CallerIdPool,
    /// The date of the last `now_unix_ms` seen by [`telnum_pool_pick_e164`],
    /// so a dialer's stream of picks converts milliseconds to a time
    /// without a calendar computation per call.
    day: Option<(i64, NaiveDate)>,
}

impl TelnumPool {
    /// The pool inside the handle.
    #[cfg(feature = "bench-hooks")]
    pub(crate) fn pool(&self) -> &CallerIdPool {
        &self.inner
    }

    /// `ms` since the Unix epoch as a UTC time; `None` out of chrono's range.
    fn time_at(&mut self, ms: i64) -> Option<DateTime<Utc>> {
        const MS_PER_DAY: i64 = 86_400_000;
        let (day, in_day) = (ms.div_euclid(MS_PER_DAY), ms.rem_euclid(MS_PER_DAY));
        let date = match self.day {
            Some((d, date)) if d == day => date,
            _ => {
                let date = DateTime::<Utc>::from_timestamp_millis(ms)?.date_naive();
                self.day = Some((day, date));
                date
            }
        };
        // `in_day` is in 0..86_400_000, so both parts are in range.
        let time = NaiveTime::from_num_seconds_from_midnight_opt(
            (in_day / 1000) as u32,
            (in_day % 1000) as u32 * 1_000_000,
        )?;
        Some(NaiveDateTime::new(date, time).and_utc())
    }
}

/// Creates a pool from its JSON definition (`PoolSpec`; `daily_cap` 1–150,
/// weight 0 never picked) and an optional usage snapshot (`Usage` JSON, NULL for
/// none). On success writes the handle to `*out`; free it with
/// [`telnum_pool_free`].
///
/// # Safety
/// Pointers must be NULL (where allowed) or valid for their lengths.
#[no_mangle]
pub unsafe extern "C" fn telnum_pool_new(
    spec: *const c_char,
    spec_len: usize,
    usage: *const c_char,
    usage_len: usize,
    out: *mut *mut TelnumPool,
) -> TelnumStatus {
    boundary(|| {
        if out.is_null() {
            return Err(null("out"));
        }
        // SAFETY: caller contract.
        let spec: PoolSpec = unsafe { c_json(spec, spec_len, "spec") }?;
        // SAFETY: caller contract.
        let usage: Usage = unsafe { c_json_opt(usage, usage_len, "usage") }?.unwrap_or_default();
        let pool = CallerIdPool::with_usage(spec, usage)?;
        // SAFETY: checked above.
        unsafe {
            *out = Box::into_raw(Box::new(TelnumPool {
                inner: pool,
                day: None,
            }))
        };
        Ok(())
    })
}

/// Frees a pool. NULL is ignored. Using the handle afterwards is undefined
/// behaviour.
///
/// # Safety
/// `pool` must be NULL or a handle from [`telnum_pool_new`] not yet freed.
#[no_mangle]
pub unsafe extern "C" fn telnum_pool_free(pool: *mut TelnumPool) {
    if !pool.is_null() {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // SAFETY: the caller hands back a handle we made.
            drop(unsafe { Box::from_raw(pool) });
        }));
    }
}

pub(crate) fn pool_mut<'a>(pool: *mut TelnumPool) -> FfiResult<&'a mut CallerIdPool> {
    if pool.is_null() {
        return Err(null("pool"));
    }
    // SAFETY: non-NULL handle from telnum_pool_new (caller contract).
    Ok(unsafe { &mut (*pool).inner })
}

/// The result of [`telnum_pool_pick_e164`]: the caller ID to present and
/// the tier it matched. Plain data; nothing to free.
#[repr(C)]
pub struct TelnumPickResult {
    /// The caller ID, NUL-terminated E.164 (`+` and up to 15 digits).
    pub e164: [c_char; 17],
    /// The geomatch tier (see [`TelnumTier`]).
    pub tier: TelnumTier,
}

/// Geomatch tiers, best first. Values are fixed.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TelnumTier {
    /// The callee's sticky caller ID.
    Sticky = 0,
    /// Same NANP area code.
    SameNpa = 1,
    /// Same 5-digit national prefix.
    Prefix5 = 2,
    /// Same 4-digit national prefix.
    Prefix4 = 3,
    /// Same 3-digit national prefix.
    Prefix3 = 4,
    /// Same 2-digit national prefix.
    Prefix2 = 5,
    /// Same NANP state or province.
    SameState = 6,
    /// Same NANP time zone.
    SameTimeZone = 7,
    /// Same country.
    SameCountry = 8,
    /// Any country.
    AnyCountry = 9,
    /// Geomatch off.
    Any = 10,
}

fn tier(t: telnum::Tier) -> TelnumTier {
    use telnum::Tier as T;
    match t {
        T::Sticky => TelnumTier::Sticky,
        T::SameNpa => TelnumTier::SameNpa,
        T::Prefix5 => TelnumTier::Prefix5,
        T::Prefix4 => TelnumTier::Prefix4,
        T::Prefix3 => TelnumTier::Prefix3,
        T::Prefix2 => TelnumTier::Prefix2,
        T::SameState => TelnumTier::SameState,
        T::SameTimeZone => TelnumTier::SameTimeZone,
        T::SameCountry => TelnumTier::SameCountry,
        T::AnyCountry => TelnumTier::AnyCountry,
        T::Any => TelnumTier::Any,
    }
}

/// Reads a canonical E.164 callee straight from its bytes: `+` and ASCII
/// digits are valid UTF-8 without NUL, so the general checks of
/// [`read_str`] run only to name the error when the bytes are not a
/// canonical number.
///
/// # Safety
/// As [`read_str`].
unsafe fn read_canonical(ptr: *const c_char, len: usize) -> FfiResult<telnum::E164> {
    if ptr.is_null() {
        return Err(null("callee_e164"));
    }
    if len <= 16 {
        // SAFETY: the caller guarantees `len` readable bytes at `ptr`.
        let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
        if let Ok(e164) = telnum::E164::from_canonical_bytes(bytes) {
            return Ok(e164);
        }
    }
    // SAFETY: forwarded contract.
    let s = unsafe { read_str(ptr, len, "callee_e164") }?;
    Ok(telnum::E164::from_canonical(s)?)
}

/// The hot path of a dialer: picks the caller ID for a callee given as a
/// canonical E.164 string (no history, no JSON) at `now_unix_ms`, and,
/// when `commit` is true, applies the pick's delta to this pool at once.
/// Use `telnum_pool_pick` when the callee has a history or a sticky
/// binding, or when the delta must go through a shared store first.
///
/// # Safety
/// `pool` from [`telnum_pool_new`]; `callee_e164` valid for its length;
/// `out` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_pool_pick_e164(
    pool: *mut TelnumPool,
    callee_e164: *const c_char,
    callee_len: usize,
    now_unix_ms: i64,
    commit: bool,
    out: *mut TelnumPickResult,
) -> TelnumStatus {
    boundary(|| {
        if pool.is_null() {
            return Err(null("pool"));
        }
        // SAFETY: non-NULL handle from telnum_pool_new (caller contract).
        let handle = unsafe { &mut *pool };
        if out.is_null() {
            return Err(null("out"));
        }
        // SAFETY: caller contract.
        let callee = unsafe { read_canonical(callee_e164, callee_len) }?;
        let now = handle.time_at(now_unix_ms).ok_or_else(|| {
            Failure::Core(telnum::Error::invalid_input("now_unix_ms is out of range"))
        })?;
        let p = &mut handle.inner;
        // Borrowed in place: moving a `Pick` out of its `Result` is a
        // memcpy the hot path does not need.
        let picked = p.pick(&Callee::new(callee), now);
        let pick = match &picked {
            Ok(pick) => pick,
            Err(e) => return Err(e.clone().into()),
        };
        if commit {
            p.apply(&pick.delta)?;
        }
        let e164 = pick.e164.to_nul_padded().map(|b| b as c_char);
        // SAFETY: checked above.
        unsafe {
            *out = TelnumPickResult {
                e164,
                tier: tier(pick.tier),
            }
        };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Milliseconds to a time through the per-day cache gives chrono's
    /// answer, across cache hits, day changes, times before 1970 and the
    /// ends of the range.
    #[test]
    fn miri_time_at_agrees_with_chrono() {
        let spec = r#"{"campaign_id":"c","tenant":"t","members":[]}"#;
        let mut handle = TelnumPool {
            inner: CallerIdPool::new(serde_json::from_str(spec).unwrap()).unwrap(),
            day: None,
        };
        let day = 86_400_000i64;
        let mut samples = vec![
            0,
            1,
            -1,
            day - 1,
            day,
            -day,
            -day - 1,
            1_780_315_200_000,
            1_780_315_200_999,
            1_780_315_200_000 + day - 1,
            1_780_315_200_000 - 7,
            i64::MIN,
            i64::MAX,
            i64::MIN + 1,
            8_210_266_876_799_999,
            8_210_266_876_800_000,
            -8_334_601_228_800_000,
            -8_334_601_228_800_001,
        ];
        // A dialer's stream: many calls a day, crossing midnight.
        samples.extend((0..200).map(|i| 1_780_358_000_000 + i * 3_999_937));
        for ms in samples {
            assert_eq!(
                handle.time_at(ms),
                DateTime::<Utc>::from_timestamp_millis(ms),
                "{ms}"
            );
        }
    }

    /// The C hot path answers what the native pick answers, for callees of
    /// every tier, and reports bad callees and times as errors.
    #[test]
    fn pick_e164_agrees_with_the_native_pick() {
        let members: Vec<String> = [
            "+12125550100",
            "+16465550101",
            "+12015550102",
            "+442071838750",
            "+14165550103",
        ]
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let country = match &e[..3] {
                "+44" => "GB",
                _ if e.starts_with("+1416") => "CA",
                _ => "US",
            };
            format!(
                r#"{{"number_id":"n{i}","e164":"{e}","country":"{country}","weight":{},"added_at":"2026-05-02T00:00:00Z"}}"#,
                i + 1
            )
        })
        .collect();
        let spec = format!(
            r#"{{"campaign_id":"c","tenant":"t","members":[{}]}}"#,
            members.join(",")
        );
        let native = CallerIdPool::new(serde_json::from_str(&spec).unwrap()).unwrap();
        let mut pool: *mut TelnumPool = std::ptr::null_mut();
        // SAFETY: valid buffers.
        let st = unsafe {
            telnum_pool_new(
                spec.as_ptr().cast(),
                spec.len(),
                std::ptr::null(),
                0,
                &mut pool,
            )
        };
        assert_eq!(st, TelnumStatus::Ok);
        let pick_c = |callee: &[u8], ms: i64| {
            let mut out = std::mem::MaybeUninit::<TelnumPickResult>::uninit();
            // SAFETY: a live handle and valid buffers.
            let st = unsafe {
                telnum_pool_pick_e164(
                    pool,
                    callee.as_ptr().cast(),
                    callee.len(),
                    ms,
                    false,
                    out.as_mut_ptr(),
                )
            };
            // SAFETY: written on success.
            (
                st,
                (st == TelnumStatus::Ok).then(|| unsafe { out.assume_init() }),
            )
        };
        let ms = 1_780_315_200_000;
        let now = DateTime::<Utc>::from_timestamp_millis(ms).unwrap();
        for callee in [
            "+12125550199",
            "+19175550199",
            "+17185550199",
            "+442079460000",
            "+14165550199",
            "+33142685300",
            "+61291234567",
        ] {
            let (st, out) = pick_c(callee.as_bytes(), ms);
            let e164 = telnum::E164::from_canonical(callee).unwrap();
            match native.pick(&Callee::new(e164), now) {
                Ok(pick) => {
                    let out = out.expect(callee);
                    let got: Vec<u8> = out
                        .e164
                        .iter()
                        .take_while(|c| **c != 0)
                        .map(|c| *c as u8)
                        .collect();
                    assert_eq!(got, pick.e164.as_bytes(), "{callee}");
                    assert_eq!(out.tier, tier(pick.tier), "{callee}");
                }
                Err(e) => assert_eq!(st, TelnumStatus::of(&e), "{callee}"),
            }
        }
        let bad: [(&[u8], i64, TelnumStatus); 6] = [
            (b"+1212555\x000199", ms, TelnumStatus::InteriorNul),
            (b"+1212\xff5550199", ms, TelnumStatus::InvalidUtf8),
            (b"12125550199", ms, TelnumStatus::InvalidInput),
            (b"+1212555019912345678", ms, TelnumStatus::InvalidInput),
            (b"", ms, TelnumStatus::InvalidInput),
            (b"+12125550199", i64::MAX, TelnumStatus::InvalidInput),
        ];
        for (callee, ms, want) in bad {
            assert_eq!(pick_c(callee, ms).0, want, "{callee:?} at {ms}");
        }
        // SAFETY: from telnum_pool_new.
        unsafe { telnum_pool_free(pool) };
    }
}
