//! Pure operations and the caller-ID pool handle.

use std::ffi::c_char;

use chrono::{DateTime, Utc};
use serde_json::Value;
use telnum::pool::{CallOutcome, Callee, PickDelta, Usage};
use telnum::{CallerIdPool, PoolSpec};

use crate::{boundary, null, read_opt_str, read_str, write_out, Failure, FfiResult, TelnumStatus};

/// Reads a JSON argument.
///
/// # Safety
/// As [`read_str`].
pub(crate) unsafe fn read_json(ptr: *const c_char, len: usize, what: &str) -> FfiResult<Value> {
    // SAFETY: forwarded contract.
    let s = unsafe { read_str(ptr, len, what) }?;
    serde_json::from_str(s)
        .map_err(|e| Failure::Status(TelnumStatus::InvalidJson, format!("{what}: {e}")))
}

pub(crate) fn typed<T: serde::de::DeserializeOwned>(v: Value, what: &str) -> FfiResult<T> {
    serde_json::from_value(v)
        .map_err(|e| Failure::Status(TelnumStatus::InvalidJson, format!("{what}: {e}")))
}

/// Runs a pure operation of the JSON facade and writes its result.
///
/// # Safety
/// Pointers must be NULL or valid for their lengths.
unsafe fn run_op(
    name: &str,
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> FfiResult<()> {
    if out_json.is_null() {
        return Err(null("out_json"));
    }
    // SAFETY: caller contract.
    let a = unsafe { read_json(args, args_len, "args") }?;
    let v = telnum::json::call(name, a)?;
    // SAFETY: checked above.
    unsafe { write_out(out_json, v.to_string()) }
}

/// [`run_op`] inside the panic boundary.
///
/// # Safety
/// As [`run_op`].
unsafe fn op(
    name: &str,
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    boundary(|| unsafe { run_op(name, args, args_len, out_json) })
}

/// Runs any pure operation by its snake_case name (`parse_e164`, `apply`,
/// `check_outbound`, `pool_pick`, … — the names the vector files use) with
/// a JSON object of arguments. On success writes the JSON result.
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_call(
    op_name: *const c_char,
    op_len: usize,
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    boundary(|| {
        // SAFETY: caller contract.
        let name = unsafe { read_str(op_name, op_len, "op") }?;
        // SAFETY: forwarded contract.
        unsafe { run_op(name, args, args_len, out_json) }
    })
}

/// Formats a canonical number: `{"e164","format"?}` (`e164`,
/// `international` (default), `national`, `rfc3966`) → a JSON string.
///
/// `args`/`args_len`: a JSON object (see `telnum::json`). On success writes
/// the JSON result to `*out_json` (free with `telnum_string_free`).
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_e164_format(
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe { op("format_e164", args, args_len, out_json) }
}

/// Applies a lifecycle command: `{"record","command","actor","now","connection"?,"policy"?}`
/// → `{"record","events","effects"}`.
///
/// `args`/`args_len`: a JSON object (see `telnum::json`). On success writes
/// the JSON result to `*out_json` (free with `telnum_string_free`).
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_lifecycle_apply(
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe { op("apply", args, args_len, out_json) }
}

/// `{"record","country"}` → `null`, or `country_not_allowed` (inbound).
///
/// `args`/`args_len`: a JSON object (see `telnum::json`). On success writes
/// the JSON result to `*out_json` (free with `telnum_string_free`).
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_check_inbound(
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe { op("check_inbound", args, args_len, out_json) }
}

/// `{"record","country"}` → `null`, or `country_not_allowed` (outbound).
///
/// `args`/`args_len`: a JSON object (see `telnum::json`). On success writes
/// the JSON result to `*out_json` (free with `telnum_string_free`).
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_check_outbound(
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe { op("check_outbound", args, args_len, out_json) }
}

/// `{"record","actor","connection"?}` → the detail page's actions.
///
/// `args`/`args_len`: a JSON object (see `telnum::json`). On success writes
/// the JSON result to `*out_json` (free with `telnum_string_free`).
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_allowed_actions(
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe { op("allowed_actions", args, args_len, out_json) }
}

/// `{"connections","actor"}` → the add-number wizard's sources.
///
/// `args`/`args_len`: a JSON object (see `telnum::json`). On success writes
/// the JSON result to `*out_json` (free with `telnum_string_free`).
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_add_sources(
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe { op("add_sources", args, args_len, out_json) }
}

/// `{"draft","connections","actor"}` → the validated manual draft, or
/// `validation_failed` with every problem.
///
/// `args`/`args_len`: a JSON object (see `telnum::json`). On success writes
/// the JSON result to `*out_json` (free with `telnum_string_free`).
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_validate_manual_draft(
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe { op("validate_manual_draft", args, args_len, out_json) }
}

/// `{"draft","connections","actor"}` → the validated import, or
/// `validation_failed` / `confirmation_required`.
///
/// `args`/`args_len`: a JSON object (see `telnum::json`). On success writes
/// the JSON result to `*out_json` (free with `telnum_string_free`).
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_validate_import(
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe { op("validate_import", args, args_len, out_json) }
}

/// `{"last_call_at"?,"now","cool_off_seconds"?}` → `null`, or
/// `did_cool_off_in_effect` with `cool_off_until`, `cool_off_remaining_seconds`.
///
/// `args`/`args_len`: a JSON object (see `telnum::json`). On success writes
/// the JSON result to `*out_json` (free with `telnum_string_free`).
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_check_cool_off(
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe { op("check_cool_off", args, args_len, out_json) }
}

/// `{"released_by","released_at","acquirer","now","aging_seconds"?}` →
/// `null`, or `number_aging`.
///
/// `args`/`args_len`: a JSON object (see `telnum::json`). On success writes
/// the JSON result to `*out_json` (free with `telnum_string_free`).
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_check_aging(
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe { op("check_aging", args, args_len, out_json) }
}

/// `{"record","expected_version"}` → `null`, or `version_conflict`.
///
/// `args`/`args_len`: a JSON object (see `telnum::json`). On success writes
/// the JSON result to `*out_json` (free with `telnum_string_free`).
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_check_version(
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe { op("check_version", args, args_len, out_json) }
}

/// `{"records","owned","now","pending_timeout_seconds"?}` → the sync diff.
///
/// `args`/`args_len`: a JSON object (see `telnum::json`). On success writes
/// the JSON result to `*out_json` (free with `telnum_string_free`).
///
/// # Safety
/// Pointers must be NULL or valid for their lengths; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_sync_diff(
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe { op("sync_diff", args, args_len, out_json) }
}

/// A campaign's caller-ID pool. Opaque; create with [`telnum_pool_new`],
/// free with [`telnum_pool_free`]. Not thread-safe: use one handle from
/// one thread at a time.
pub struct TelnumPool {
    inner: CallerIdPool,
}

/// Creates a pool from its JSON definition (`PoolSpec`) and an optional
/// usage snapshot (NULL for none). On success writes the handle to `*out`.
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
        let spec: PoolSpec = typed(unsafe { read_json(spec, spec_len, "spec") }?, "spec")?;
        // SAFETY: caller contract.
        let usage: Usage = match unsafe { read_opt_str(usage, usage_len, "usage") }? {
            Some(u) => serde_json::from_str(u)
                .map_err(|e| Failure::Status(TelnumStatus::InvalidJson, format!("usage: {e}")))?,
            None => Usage::default(),
        };
        let pool = CallerIdPool::with_usage(spec, usage)?;
        // SAFETY: checked above.
        unsafe { *out = Box::into_raw(Box::new(TelnumPool { inner: pool })) };
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

fn pool_mut<'a>(pool: *mut TelnumPool) -> FfiResult<&'a mut CallerIdPool> {
    if pool.is_null() {
        return Err(null("pool"));
    }
    // SAFETY: non-NULL handle from telnum_pool_new (caller contract).
    Ok(unsafe { &mut (*pool).inner })
}

unsafe fn read_time(ptr: *const c_char, len: usize) -> FfiResult<DateTime<Utc>> {
    // SAFETY: forwarded contract.
    let s = unsafe { read_str(ptr, len, "now") }?;
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Failure::Core(telnum::Error::invalid_input(format!(
                "now must be RFC 3339: {e}"
            )))
        })
}

/// Picks the caller ID for a callee (`Callee` JSON) at `now` (RFC 3339).
/// Pure: apply the returned `delta` with [`telnum_pool_apply`] (after your
/// shared store accepted it). Writes the `Pick` JSON.
///
/// # Safety
/// `pool` from [`telnum_pool_new`]; other pointers valid for their lengths.
#[no_mangle]
pub unsafe extern "C" fn telnum_pool_pick(
    pool: *mut TelnumPool,
    callee: *const c_char,
    callee_len: usize,
    now: *const c_char,
    now_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    boundary(|| {
        let p = pool_mut(pool)?;
        if out_json.is_null() {
            return Err(null("out_json"));
        }
        // SAFETY: caller contract.
        let c: Callee = typed(
            unsafe { read_json(callee, callee_len, "callee") }?,
            "callee",
        )?;
        // SAFETY: caller contract.
        let now = unsafe { read_time(now, now_len) }?;
        let pick = p.pick(&c, now)?;
        // SAFETY: checked above.
        unsafe { write_out(out_json, crate::json(&pick)?) }
    })
}

/// Applies a pick's delta (`PickDelta` JSON, this dialer's or another's).
///
/// # Safety
/// `pool` from [`telnum_pool_new`]; `delta` valid for `delta_len`.
#[no_mangle]
pub unsafe extern "C" fn telnum_pool_apply(
    pool: *mut TelnumPool,
    delta: *const c_char,
    delta_len: usize,
) -> TelnumStatus {
    boundary(|| {
        let p = pool_mut(pool)?;
        // SAFETY: caller contract.
        let d: PickDelta = typed(unsafe { read_json(delta, delta_len, "delta") }?, "delta")?;
        Ok(p.apply(&d)?)
    })
}

/// Records a call's outcome (`CallOutcome` JSON), applies the health rules
/// and writes the `OutcomeUpdate` JSON.
///
/// # Safety
/// `pool` from [`telnum_pool_new`]; other pointers valid for their lengths.
#[no_mangle]
pub unsafe extern "C" fn telnum_pool_record_outcome(
    pool: *mut TelnumPool,
    outcome: *const c_char,
    outcome_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    boundary(|| {
        let p = pool_mut(pool)?;
        if out_json.is_null() {
            return Err(null("out_json"));
        }
        // SAFETY: caller contract.
        let o: CallOutcome = typed(
            unsafe { read_json(outcome, outcome_len, "outcome") }?,
            "outcome",
        )?;
        let u = p.record_outcome(&o)?;
        p.apply_outcome(&u)?;
        // SAFETY: checked above.
        unsafe { write_out(out_json, crate::json(&u)?) }
    })
}

/// Writes the Campaign Health rows as of `now` (RFC 3339).
///
/// # Safety
/// `pool` from [`telnum_pool_new`]; other pointers valid for their lengths.
#[no_mangle]
pub unsafe extern "C" fn telnum_pool_health(
    pool: *mut TelnumPool,
    now: *const c_char,
    now_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    boundary(|| {
        let p = pool_mut(pool)?;
        if out_json.is_null() {
            return Err(null("out_json"));
        }
        // SAFETY: caller contract.
        let now = unsafe { read_time(now, now_len) }?;
        // SAFETY: checked above.
        unsafe { write_out(out_json, crate::json(&p.campaign_health(now))?) }
    })
}

/// Writes the pool's usage snapshot (`Usage` JSON).
///
/// # Safety
/// `pool` from [`telnum_pool_new`]; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn telnum_pool_usage(
    pool: *mut TelnumPool,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    boundary(|| {
        let p = pool_mut(pool)?;
        if out_json.is_null() {
            return Err(null("out_json"));
        }
        // SAFETY: checked above.
        unsafe { write_out(out_json, crate::json(&p.usage())?) }
    })
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

/// The hot path of a dialer: picks the caller ID for a callee given as a
/// canonical E.164 string (no history, no JSON) at `now_unix_ms`, and,
/// when `commit` is true, applies the pick's delta to this pool at once.
/// Use [`telnum_pool_pick`] when the callee has a history or a sticky
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
        let p = pool_mut(pool)?;
        if out.is_null() {
            return Err(null("out"));
        }
        // SAFETY: caller contract.
        let callee = telnum::E164::from_canonical(unsafe {
            read_str(callee_e164, callee_len, "callee_e164")
        }?)?;
        let now = DateTime::<Utc>::from_timestamp_millis(now_unix_ms).ok_or_else(|| {
            Failure::Core(telnum::Error::invalid_input("now_unix_ms is out of range"))
        })?;
        let pick = p.pick(&Callee::new(callee), now)?;
        if commit {
            p.apply(&pick.delta)?;
        }
        let mut e164 = [0 as c_char; 17];
        for (d, b) in e164.iter_mut().zip(pick.e164.as_str().bytes()) {
            *d = b as c_char;
        }
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
