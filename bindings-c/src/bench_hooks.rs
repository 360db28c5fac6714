//! The C benchmark's in-process native baseline (feature `bench-hooks`,
//! off by default, not in the header). `tests/c/bench.c` alternates rounds
//! of `telnum_pool_pick_e164` with rounds of this function on the same pool
//! and callees, so the FFI overhead it prints compares two measurements
//! taken side by side in one process rather than figures from two runs of
//! a noisy machine.

use std::ffi::c_char;
use std::hint::black_box;
use std::time::Instant;

use telnum::pool::Callee;

use crate::ops::TelnumPool;

/// Times one round of the native Rust `CallerIdPool::pick` over `n`
/// canonical callees (parsed before timing, as a Rust dialer holds them)
/// at `now_unix_ms`, without applying the picks. Returns ns per pick, or
/// a negative value if an argument is NULL or a callee or the time is
/// invalid.
///
/// # Safety
/// `pool` from `telnum_pool_new`; `callees` and `lens` arrays of `n`
/// entries, each callee valid for its length.
#[no_mangle]
pub unsafe extern "C" fn telnum_bench_native_pick_ns(
    pool: *const TelnumPool,
    callees: *const *const c_char,
    lens: *const usize,
    n: usize,
    now_unix_ms: i64,
) -> f64 {
    std::panic::catch_unwind(|| {
        if pool.is_null() || callees.is_null() || lens.is_null() || n == 0 {
            return -1.0;
        }
        // SAFETY: caller contract.
        let (ptrs, lens) = unsafe {
            (
                std::slice::from_raw_parts(callees, n),
                std::slice::from_raw_parts(lens, n),
            )
        };
        let mut list = Vec::with_capacity(n);
        for (p, l) in ptrs.iter().zip(lens) {
            // SAFETY: caller contract.
            let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), *l) };
            match telnum::E164::from_canonical_bytes(bytes) {
                Ok(e) => list.push(Callee::new(e)),
                Err(_) => return -1.0,
            }
        }
        let Some(now) = chrono::DateTime::from_timestamp_millis(now_unix_ms) else {
            return -1.0;
        };
        // SAFETY: caller contract.
        let pool = unsafe { (*pool).pool() };
        let t = Instant::now();
        for c in &list {
            // Read what the C call returns, borrowed in place, as a Rust
            // dialer would.
            if let Ok(pick) = &pool.pick(black_box(c), now) {
                black_box((pick.e164, pick.tier));
            }
        }
        t.elapsed().as_nanos() as f64 / n as f64
    })
    .unwrap_or(-1.0)
}

/// Times `n` native parses (`E164::parse` then `info()`, the information
/// `telnum_parse_e164` returns, without its JSON) of `inputs`, each with
/// its optional two-letter default region (NULL for none), and returns ns
/// per parse, or a negative value on a NULL argument or a failed parse.
///
/// # Safety
/// `inputs`, `lens` and `regions` arrays of `n` entries; each input valid
/// for its length; each region NULL or two readable bytes.
#[no_mangle]
pub unsafe extern "C" fn telnum_bench_native_parse_ns(
    inputs: *const *const c_char,
    lens: *const usize,
    regions: *const *const c_char,
    n: usize,
) -> f64 {
    std::panic::catch_unwind(|| {
        if inputs.is_null() || lens.is_null() || regions.is_null() || n == 0 {
            return -1.0;
        }
        let mut list = Vec::with_capacity(n);
        for i in 0..n {
            // SAFETY: caller contract.
            let (p, l, r) = unsafe { (*inputs.add(i), *lens.add(i), *regions.add(i)) };
            // SAFETY: caller contract.
            let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), l) };
            let Ok(s) = std::str::from_utf8(bytes) else {
                return -1.0;
            };
            let region = if r.is_null() {
                None
            } else {
                // SAFETY: caller contract.
                let r = unsafe { std::slice::from_raw_parts(r.cast::<u8>(), 2) };
                match std::str::from_utf8(r)
                    .ok()
                    .and_then(|r| telnum::Country::new(r).ok())
                {
                    Some(c) => Some(c),
                    None => return -1.0,
                }
            };
            list.push((s, region));
        }
        let t = Instant::now();
        for (s, region) in &list {
            match telnum::E164::parse(black_box(s), *region) {
                Ok(e) => {
                    black_box(e.info());
                }
                Err(_) => return -1.0,
            }
        }
        t.elapsed().as_nanos() as f64 / n as f64
    })
    .unwrap_or(-1.0)
}
