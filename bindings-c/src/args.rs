//! Reading the arguments of the generated entry points (see
//! `telnum::interop::ArgKind`): JSON, text, times and versions.

use std::ffi::c_char;

use serde::de::DeserializeOwned;
use telnum::interop::{parse_time, FromText};

use crate::{read_opt_str, read_str, Failure, FfiResult, TelnumStatus};

/// Malformed JSON is `invalid_json`; well-formed JSON of the wrong shape
/// (a wrong type, an unknown field) is `invalid_input`, as in Rust and JS.
fn bad_json(what: &str, e: serde_json::Error) -> Failure {
    match e.classify() {
        serde_json::error::Category::Data => {
            Failure::Core(telnum::Error::invalid_input(format!("{what}: {e}")))
        }
        _ => Failure::Status(TelnumStatus::InvalidJson, format!("{what}: {e}")),
    }
}

/// A JSON argument of type `T`.
///
/// # Safety
/// `ptr` must be NULL or valid for `len` bytes.
pub(crate) unsafe fn c_json<T: DeserializeOwned>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> FfiResult<T> {
    // SAFETY: forwarded contract.
    let s = unsafe { read_str(ptr, len, what) }?;
    serde_json::from_str(s).map_err(|e| bad_json(what, e))
}

/// An optional JSON argument: NULL (or the JSON `null`) is none.
///
/// # Safety
/// As [`c_json`].
pub(crate) unsafe fn c_json_opt<T: DeserializeOwned>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> FfiResult<Option<T>> {
    // SAFETY: forwarded contract.
    let v: Option<Option<T>> = unsafe {
        opt(ptr, len, what, |s| {
            serde_json::from_str(s).map_err(|e| bad_json(what, e))
        })
    }?;
    Ok(v.flatten())
}

/// An optional argument: NULL is none, otherwise `read` of its text.
///
/// # Safety
/// As [`c_json`].
unsafe fn opt<T>(
    ptr: *const c_char,
    len: usize,
    what: &str,
    read: impl FnOnce(&str) -> FfiResult<T>,
) -> FfiResult<Option<T>> {
    // SAFETY: forwarded contract.
    unsafe { read_opt_str(ptr, len, what) }?
        .map(read)
        .transpose()
}

/// A text argument (not JSON-quoted), read with the value's own
/// constructor.
///
/// # Safety
/// As [`c_json`].
pub(crate) unsafe fn c_text<T: FromText>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> FfiResult<T> {
    // SAFETY: forwarded contract.
    let s = unsafe { read_str(ptr, len, what) }?;
    Ok(T::from_text(s)?)
}

/// An optional text argument: NULL is none.
///
/// # Safety
/// As [`c_json`].
pub(crate) unsafe fn c_text_opt<T: FromText>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> FfiResult<Option<T>> {
    // SAFETY: forwarded contract.
    unsafe { opt(ptr, len, what, |s| Ok(T::from_text(s)?)) }
}

/// An RFC 3339 time.
///
/// # Safety
/// As [`c_json`].
pub(crate) unsafe fn c_time(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> FfiResult<chrono::DateTime<chrono::Utc>> {
    // SAFETY: forwarded contract.
    let s = unsafe { read_str(ptr, len, what) }?;
    Ok(parse_time(s, what)?)
}

/// An optional RFC 3339 time: NULL is none.
///
/// # Safety
/// As [`c_json`].
#[allow(dead_code)]
pub(crate) unsafe fn c_time_opt(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> FfiResult<Option<chrono::DateTime<chrono::Utc>>> {
    // SAFETY: forwarded contract.
    unsafe { opt(ptr, len, what, |s| Ok(parse_time(s, what)?)) }
}

/// A required version: not negative.
#[allow(dead_code)]
pub(crate) fn c_version(v: i64, what: &str) -> FfiResult<u64> {
    u64::try_from(v)
        .map_err(|_| Failure::Core(telnum::Error::invalid_input(format!("{what} is negative"))))
}
