//! The C binding of telnum: a C ABI over the core, with a header made by
//! cbindgen (`include/telnum.h`).
//!
//! Conventions (see the README's "C API conventions"):
//! - every function returns a [`TelnumStatus`]; `TELNUM_STATUS_OK` is 0;
//! - inputs are `(const char *ptr, size_t len)` UTF-8 without NUL bytes;
//! - outputs are written through out-params only on success, as strings the
//!   library owns until the caller hands them to [`telnum_string_free`];
//! - on failure the error's JSON (`code`, `message`, `status`, fields) is
//!   kept per thread: [`telnum_last_error`];
//! - every body runs inside one panic boundary; a panic becomes
//!   `TELNUM_STATUS_PANIC`, never an unwind into C.

use std::cell::{Cell, RefCell};
use std::ffi::{c_char, c_int, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use telnum::Error;

mod args;
#[cfg(feature = "bench-hooks")]
mod bench_hooks;
#[rustfmt::skip]
mod generated;
mod ops;
mod service;
#[cfg(feature = "bench-hooks")]
pub use bench_hooks::*;
pub use generated::*;
pub use ops::*;
pub use service::*;

/// The library's version, major part (also `telnum_version()`).
pub const TELNUM_VERSION_MAJOR: u32 = 0;
/// The library's version, minor part.
pub const TELNUM_VERSION_MINOR: u32 = 1;
/// The library's version, patch part.
pub const TELNUM_VERSION_PATCH: u32 = 0;

/// The outcome of every telnum C function. Values are fixed and never
/// reused; new ones are only ever added.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TelnumStatus {
    /// Success; out-params were written.
    Ok = 0,
    /// A required pointer was NULL.
    NullParameter = 1,
    /// A string input was not valid UTF-8.
    InvalidUtf8 = 2,
    /// A string input contained a NUL byte.
    InteriorNul = 3,
    /// A JSON input was malformed or had the wrong shape.
    InvalidJson = 4,
    /// Input was rejected by a rule (HTTP 400/422 class); see the last error.
    InvalidInput = 5,
    /// Not found, or belongs to another tenant (404).
    NotFound = 6,
    /// The actor may not do this (403).
    Forbidden = 7,
    /// Conflicts with the current state: version, cool-off, transition (409).
    Conflict = 8,
    /// The provider or the store failed (5xx), or the provider refused for
    /// its rate limit (429, `provider_rate_limited`). A host callback that
    /// fails or writes something unreadable is reported here too, as
    /// `store_error` or `provider_error` naming the operation (or with the
    /// code the callback wrote, e.g. `version_conflict`). (Value 10 is
    /// retired.)
    Upstream = 9,
    /// A panic was caught at the boundary (a bug in telnum: please report).
    Panic = 11,
    /// Any other error; see the last error's code.
    Other = 12,
}

impl TelnumStatus {
    /// The status a core error maps to, by its HTTP class.
    pub fn of(e: &Error) -> TelnumStatus {
        match e.http_status() {
            400 | 422 => TelnumStatus::InvalidInput,
            404 => TelnumStatus::NotFound,
            401 | 403 => TelnumStatus::Forbidden,
            409 | 412 => TelnumStatus::Conflict,
            429 | 502..=504 => TelnumStatus::Upstream,
            _ => TelnumStatus::Other,
        }
    }
}

/// Why a call failed: a core error, or a boundary problem.
pub(crate) enum Failure {
    Status(TelnumStatus, String),
    Core(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

pub(crate) type FfiResult<T> = Result<T, Failure>;

thread_local! {
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
    static LAST_CODE: Cell<TelnumErrorCode> = const { Cell::new(TelnumErrorCode::None) };
    /// Whether `LAST_ERROR` holds an error: a success checks this flag
    /// rather than borrowing the cell.
    static HAS_ERROR: Cell<bool> = const { Cell::new(false) };
}

fn set_last_error(json: Option<String>, code: TelnumErrorCode) {
    HAS_ERROR.with(|h| h.set(json.is_some()));
    LAST_CODE.with(|c| c.set(code));
    LAST_ERROR.with(|e| *e.borrow_mut() = json);
}

/// Clears the last error after a success, touching the cell only when
/// there is one (on a hot path there is usually nothing to clear).
fn clear_last_error() {
    if HAS_ERROR.with(Cell::get) {
        set_last_error(None, TelnumErrorCode::None);
    }
}

/// The code of a failure at the boundary itself, and its HTTP status.
fn boundary_code(status: TelnumStatus) -> (&'static str, u16) {
    match status {
        TelnumStatus::NullParameter => ("null_parameter", 400),
        TelnumStatus::InvalidUtf8 => ("invalid_utf8", 400),
        TelnumStatus::InteriorNul => ("interior_nul", 400),
        TelnumStatus::InvalidJson => ("invalid_json", 400),
        TelnumStatus::InvalidInput => ("invalid_input", 400),
        TelnumStatus::Panic => ("panic", 500),
        _ => ("internal", 500),
    }
}

fn boundary_json(status: TelnumStatus, message: &str) -> (String, TelnumErrorCode) {
    let (code, http) = boundary_code(status);
    (
        serde_json::json!({ "code": code, "message": message, "status": http }).to_string(),
        TelnumErrorCode::from_name(code),
    )
}

/// Runs `f` inside the panic boundary, records the last error, and maps the
/// outcome to a status. Every `extern "C"` function goes through here.
pub(crate) fn boundary(f: impl FnOnce() -> FfiResult<()>) -> TelnumStatus {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => {
            clear_last_error();
            TelnumStatus::Ok
        }
        Ok(Err(Failure::Core(e))) => {
            set_last_error(
                Some(e.to_json().to_string()),
                TelnumErrorCode::from_name(e.code()),
            );
            TelnumStatus::of(&e)
        }
        Ok(Err(Failure::Status(s, message))) => {
            let (json, code) = boundary_json(s, &message);
            set_last_error(Some(json), code);
            s
        }
        Err(_) => {
            let (json, code) =
                boundary_json(TelnumStatus::Panic, "a panic was caught at the C boundary");
            set_last_error(Some(json), code);
            TelnumStatus::Panic
        }
    }
}

pub(crate) fn null(what: &str) -> Failure {
    Failure::Status(TelnumStatus::NullParameter, format!("{what} is NULL"))
}

/// Reads a `(ptr, len)` UTF-8 input without NUL bytes.
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes.
pub(crate) unsafe fn read_str<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> FfiResult<&'a str> {
    if ptr.is_null() {
        return Err(null(what));
    }
    if len > isize::MAX as usize {
        return Err(Failure::Status(
            TelnumStatus::InvalidInput,
            format!("{what} length is too large"),
        ));
    }
    // SAFETY: the caller guarantees `len` readable bytes at `ptr`.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    if bytes.contains(&0) {
        return Err(Failure::Status(
            TelnumStatus::InteriorNul,
            format!("{what} contains a NUL byte"),
        ));
    }
    std::str::from_utf8(bytes)
        .map_err(|e| Failure::Status(TelnumStatus::InvalidUtf8, format!("{what}: {e}")))
}

/// Reads an optional `(ptr, len)` input: NULL means absent.
///
/// # Safety
/// As [`read_str`].
pub(crate) unsafe fn read_opt_str<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> FfiResult<Option<&'a str>> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { read_str(ptr, len, what) }.map(Some)
    }
}

/// Hands a string to C; it must come back through [`telnum_string_free`].
pub(crate) fn to_c_string(s: String) -> FfiResult<*mut c_char> {
    CString::new(s)
        .map(CString::into_raw)
        .map_err(|_| Failure::Status(TelnumStatus::Other, "output contained a NUL byte".into()))
}

/// Writes an owned string through a checked out-param.
///
/// # Safety
/// `out` must be NULL or valid for a write.
pub(crate) unsafe fn write_out(out: *mut *mut c_char, s: String) -> FfiResult<()> {
    if out.is_null() {
        return Err(null("out"));
    }
    let p = to_c_string(s)?;
    // SAFETY: `out` is non-NULL and the caller guarantees it is writable.
    unsafe { *out = p };
    Ok(())
}

pub(crate) fn json<T: serde::Serialize>(v: &T) -> FfiResult<String> {
    serde_json::to_string(v).map_err(|e| Failure::Status(TelnumStatus::Other, e.to_string()))
}

/// Frees a string returned by telnum. NULL is ignored. Never pass a string
/// that telnum did not return, and never free one twice.
///
/// # Safety
/// `s` must be NULL or a pointer telnum returned and that was not freed.
#[no_mangle]
pub unsafe extern "C" fn telnum_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `s` came from CString::into_raw in this library.
        drop(unsafe { CString::from_raw(s) });
    }));
}

/// The last error of this thread as JSON (`{"code","message","status",...}`;
/// `status` is the HTTP status a host answers with), as a new string to
/// free with [`telnum_string_free`], or NULL when the last call on this
/// thread succeeded. Messages quote at most 200 bytes of what a callback
/// wrote.
#[no_mangle]
pub extern "C" fn telnum_last_error() -> *mut c_char {
    catch_unwind(|| {
        LAST_ERROR
            .with(|e| e.borrow().clone())
            .and_then(|s| CString::new(s).ok())
            .map_or(std::ptr::null_mut(), CString::into_raw)
    })
    .unwrap_or(std::ptr::null_mut())
}

/// A static, NUL-terminated name for a status value, e.g.
/// `"invalid_input"`; `"unknown"` for any value that is not a status (it
/// takes an `int`, so any value a C caller passes is safe). Do not free it.
#[no_mangle]
pub extern "C" fn telnum_status_name(status: c_int) -> *const c_char {
    let s: &'static [u8] = match status {
        0 => b"ok\0",
        1 => b"null_parameter\0",
        2 => b"invalid_utf8\0",
        3 => b"interior_nul\0",
        4 => b"invalid_json\0",
        5 => b"invalid_input\0",
        6 => b"not_found\0",
        7 => b"forbidden\0",
        8 => b"conflict\0",
        9 => b"upstream\0",
        11 => b"panic\0",
        12 => b"other\0",
        _ => b"unknown\0",
    };
    s.as_ptr().cast()
}

/// The code of the last error of this thread, or `TELNUM_ERROR_CODE_NONE`
/// when the last call on this thread succeeded. The same code as the
/// `code` field of [`telnum_last_error`], without parsing JSON.
#[no_mangle]
pub extern "C" fn telnum_last_error_code() -> TelnumErrorCode {
    LAST_CODE.with(Cell::get)
}

/// A static, NUL-terminated snake_case name for an error code value, e.g.
/// `"did_cool_off_in_effect"`; `"none"` for 0 and any value that is not a
/// code. Do not free it.
#[no_mangle]
pub extern "C" fn telnum_error_code_name(code: c_int) -> *const c_char {
    TelnumErrorCode::name_of(code).as_ptr().cast()
}

/// The library's version, e.g. `"0.1.0"` (static; do not free). Compare
/// with `TELNUM_VERSION_MAJOR`/`MINOR`/`PATCH` from the header you
/// compiled against.
#[no_mangle]
pub extern "C" fn telnum_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last_error() -> serde_json::Value {
        let p = telnum_last_error();
        assert!(!p.is_null());
        // SAFETY: returned by telnum_last_error.
        let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string();
        // SAFETY: returned by telnum.
        unsafe { telnum_string_free(p) };
        serde_json::from_str(&s).unwrap()
    }

    #[test]
    fn miri_status_values_are_fixed_and_unique() {
        let all = [
            (TelnumStatus::Ok, 0),
            (TelnumStatus::NullParameter, 1),
            (TelnumStatus::InvalidUtf8, 2),
            (TelnumStatus::InteriorNul, 3),
            (TelnumStatus::InvalidJson, 4),
            (TelnumStatus::InvalidInput, 5),
            (TelnumStatus::NotFound, 6),
            (TelnumStatus::Forbidden, 7),
            (TelnumStatus::Conflict, 8),
            (TelnumStatus::Upstream, 9),
            (TelnumStatus::Panic, 11),
            (TelnumStatus::Other, 12),
        ];
        let mut names = std::collections::HashSet::new();
        for (s, v) in all {
            assert_eq!(s as i32, v);
            // SAFETY: static NUL-terminated string.
            let name = unsafe { CStr::from_ptr(telnum_status_name(s as c_int)) };
            assert!(names.insert(name.to_owned()));
        }
        for bad in [-1, 10, 13, 99, c_int::MIN, c_int::MAX] {
            // SAFETY: static NUL-terminated string.
            let name = unsafe { CStr::from_ptr(telnum_status_name(bad)) };
            assert_eq!(name.to_str().unwrap(), "unknown");
        }
    }

    #[test]
    fn miri_boundary_turns_panics_into_a_status() {
        let s = boundary(|| panic!("boom"));
        assert_eq!(s, TelnumStatus::Panic);
        assert_eq!(last_error()["code"], "panic");
    }

    #[test]
    fn miri_read_str_rejects_null_nul_and_bad_utf8() {
        // SAFETY: valid pointers and lengths.
        unsafe {
            assert!(matches!(
                read_str(std::ptr::null(), 0, "x"),
                Err(Failure::Status(TelnumStatus::NullParameter, _))
            ));
            assert!(matches!(
                read_str(b"a\0b".as_ptr().cast(), 3, "x"),
                Err(Failure::Status(TelnumStatus::InteriorNul, _))
            ));
            assert!(matches!(
                read_str(b"\xff\xfe".as_ptr().cast(), 2, "x"),
                Err(Failure::Status(TelnumStatus::InvalidUtf8, _))
            ));
            assert_eq!(read_str(b"ok".as_ptr().cast(), 2, "x").ok(), Some("ok"));
            assert_eq!(read_str(b"".as_ptr().cast(), 0, "x").ok(), Some(""));
        }
    }

    #[test]
    fn miri_pool_handle_and_buffers_round_trip() {
        // No validation engine here: pools read numbers structurally.
        let spec = r#"{"campaign_id":"c","tenant":"t","policy":{"callee_mode":{"mode":"off"}},"members":[
            {"number_id":"a","e164":"+12125550101","country":"US","weight":1,"added_at":"2026-01-01T00:00:00Z"}]}"#;
        let mut pool: *mut TelnumPool = std::ptr::null_mut();
        // SAFETY: valid pointers and lengths.
        unsafe {
            assert_eq!(
                telnum_pool_new(
                    spec.as_ptr().cast(),
                    spec.len(),
                    std::ptr::null(),
                    0,
                    &mut pool
                ),
                TelnumStatus::Ok
            );
            let callee = r#"{"e164":"+12125559999"}"#;
            let now = "2026-06-01T00:00:00Z";
            let mut out: *mut c_char = std::ptr::null_mut();
            assert_eq!(
                telnum_pool_pick(
                    pool,
                    callee.as_ptr().cast(),
                    callee.len(),
                    now.as_ptr().cast(),
                    now.len(),
                    &mut out
                ),
                TelnumStatus::Ok
            );
            let pick: serde_json::Value =
                serde_json::from_str(CStr::from_ptr(out).to_str().unwrap()).unwrap();
            assert_eq!(pick["number_id"], "a");
            telnum_string_free(out);
            let delta = pick["delta"].to_string();
            assert_eq!(
                telnum_pool_apply(pool, delta.as_ptr().cast(), delta.len()),
                TelnumStatus::Ok
            );
            assert_eq!(
                telnum_pool_apply(pool, b"{".as_ptr().cast(), 1),
                TelnumStatus::InvalidJson
            );
            telnum_pool_free(pool);
            let mut buf = service::TelnumBuffer::empty();
            assert_eq!(
                telnum_buffer_set(&mut buf, b"[1]".as_ptr().cast(), 3),
                TelnumStatus::Ok
            );
            assert_eq!(
                telnum_buffer_set(&mut buf, std::ptr::null(), 3),
                TelnumStatus::NullParameter
            );
        }
    }

    #[test]
    fn out_params_are_untouched_on_failure() {
        let mut out: *mut c_char = std::ptr::dangling_mut::<c_char>();
        // SAFETY: valid input; out is a local.
        let s =
            unsafe { telnum_parse_e164(b"12".as_ptr().cast(), 2, std::ptr::null(), 0, &mut out) };
        assert_eq!(s, TelnumStatus::InvalidInput);
        assert_eq!(out, std::ptr::dangling_mut::<c_char>());
        assert_eq!(last_error()["code"], "region_required");
        assert_eq!(telnum_last_error_code(), TelnumErrorCode::RegionRequired);
    }

    #[test]
    fn miri_every_error_code_has_its_table_value_and_name() {
        for (i, code) in Error::CODES.iter().enumerate() {
            let value = TelnumErrorCode::from_name(code) as i32;
            assert_eq!(value, i as i32 + 1, "{code}");
            // SAFETY: static NUL-terminated string.
            let name = unsafe { CStr::from_ptr(telnum_error_code_name(value)) };
            assert_eq!(name.to_str().unwrap(), *code);
        }
        for bad in [0, -1, 999, 100_000, c_int::MIN, c_int::MAX] {
            // SAFETY: static NUL-terminated string.
            let name = unsafe { CStr::from_ptr(telnum_error_code_name(bad)) };
            assert_eq!(name.to_str().unwrap(), "none");
        }
        // The boundary's own codes, and the HTTP status in the JSON.
        // SAFETY: NULL input is refused before any read.
        let s = unsafe {
            telnum_parse_e164(
                std::ptr::null(),
                0,
                std::ptr::null(),
                0,
                std::ptr::null_mut(),
            )
        };
        assert_eq!(s, TelnumStatus::NullParameter);
        assert_eq!(telnum_last_error_code(), TelnumErrorCode::NullParameter);
        assert_eq!(last_error()["status"], 400);
    }

    #[test]
    fn miri_version_matches_the_macros() {
        // SAFETY: static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(telnum_version()) }
            .to_str()
            .unwrap();
        assert_eq!(
            v,
            format!("{TELNUM_VERSION_MAJOR}.{TELNUM_VERSION_MINOR}.{TELNUM_VERSION_PATCH}")
        );
    }

    /// The header declares every operation of the table under its C name,
    /// and no other function besides the library's own plumbing: the same
    /// operations as the JS package (bindings-wasm/test/parity.test.cjs
    /// checks the other side against the same table).
    #[test]
    fn the_header_offers_exactly_the_operations_of_the_table() {
        const PLUMBING: &[&str] = &[
            "telnum_string_free",
            "telnum_last_error",
            "telnum_last_error_code",
            "telnum_error_code_name",
            "telnum_status_name",
            "telnum_version",
            "telnum_buffer_set",
            // `telnum_numbers_new` with NULL vtables.
            "telnum_numbers_new_embedded",
        ];
        let header = include_str!("../include/telnum.h");
        let mut declared = std::collections::BTreeSet::new();
        for line in header.lines() {
            if line.starts_with("//") || line.starts_with(' ') || line.starts_with('#') {
                continue;
            }
            if let Some(i) = line.find("telnum_") {
                if let Some(j) = line[i..].find('(') {
                    declared.insert(line[i..i + j].to_string());
                }
            }
        }
        let table: std::collections::BTreeSet<String> = telnum::interop::OPERATIONS
            .iter()
            .map(|op| op.c_name())
            .collect();
        let missing: Vec<_> = table.difference(&declared).collect();
        assert!(missing.is_empty(), "not in telnum.h: {missing:?}");
        let extra: Vec<_> = declared
            .iter()
            .filter(|d| !table.contains(*d) && !PLUMBING.contains(&d.as_str()))
            .collect();
        assert!(
            extra.is_empty(),
            "in telnum.h but not in the operation table: {extra:?}"
        );
    }

    /// The committed header must match what cbindgen makes from the source
    /// (build.rs writes it to OUT_DIR on every build).
    #[test]
    fn committed_header_is_up_to_date() {
        let fresh = include_str!(concat!(env!("OUT_DIR"), "/telnum.h"));
        let committed = include_str!("../include/telnum.h");
        assert!(
            fresh == committed,
            "bindings-c/include/telnum.h is stale; regenerate it with:\n  \
             cbindgen --config bindings-c/cbindgen.toml --crate telnum-c \
             --output bindings-c/include/telnum.h bindings-c"
        );
    }
}
