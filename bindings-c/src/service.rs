//! The service handle: telnum's `Numbers` over a store and a provider
//! written in C (vtables of synchronous JSON callbacks) and a C clock, or
//! over the embedded in-memory store, simulated provider and system clock.
//! The adapter from callbacks to ports is `telnum::interop::ports`, shared
//! with the JS binding: this module only calls the callbacks.

use std::ffi::{c_char, c_void};
use std::future::Future;

use serde_json::Value;
use telnum::interop::ports::{Host, PortOp, Prov, Reported, Store};
use telnum::memory::MemoryStore;
use telnum::ports::{Clock, MaybeSend};
use telnum::service::{Numbers, ServiceConfig};
use telnum::simulated::SimulatedProvider;
use telnum::{Error, Result};

pub(crate) use telnum::memory::block_on;

use crate::{boundary, null, read_opt_str, Failure, TelnumStatus};

/// Where a callback writes its JSON result (or, with an error status, its
/// error JSON `{"code","message",...}`). Owned by telnum; write it with
/// [`telnum_buffer_set`].
pub struct TelnumBuffer {
    data: Option<Vec<u8>>,
}

impl TelnumBuffer {
    #[cfg(test)]
    pub(crate) fn empty() -> TelnumBuffer {
        TelnumBuffer { data: None }
    }
}

/// Copies `len` bytes of UTF-8 JSON into a callback's result buffer.
/// Returns `TELNUM_STATUS_NULL_PARAMETER` for a NULL buffer or data.
///
/// # Safety
/// `buffer` is the one telnum passed to the callback; `data` valid for `len`.
#[no_mangle]
pub unsafe extern "C" fn telnum_buffer_set(
    buffer: *mut TelnumBuffer,
    data: *const c_char,
    len: usize,
) -> TelnumStatus {
    boundary(|| {
        if buffer.is_null() {
            return Err(null("buffer"));
        }
        if data.is_null() {
            return Err(null("data"));
        }
        // SAFETY: caller contract.
        let bytes = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) };
        // SAFETY: non-NULL buffer passed to the callback by telnum.
        unsafe { (*buffer).data = Some(bytes.to_vec()) };
        Ok(())
    })
}

/// A port callback: runs operation `op` (e.g. `"get"`, `"insert"`,
/// `"purchase"`) with `args_json`, a JSON array of its arguments, and writes
/// the JSON result to `out` with [`telnum_buffer_set`]. Returns
/// `TELNUM_STATUS_OK`, or an error status with the error JSON in `out`
/// (`{"code":"version_conflict","expected":1,"actual":2}` for a stale
/// store write; any other error becomes `store_error`/`provider_error`).
/// It must not call back into the same `TelnumNumbers`.
pub type TelnumPortFn = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        op: *const c_char,
        op_len: usize,
        args_json: *const c_char,
        args_len: usize,
        out: *mut TelnumBuffer,
    ) -> TelnumStatus,
>;

/// A host store (see the README's "C API conventions" for every `op`, its
/// arguments and its result).
#[repr(C)]
pub struct TelnumStoreVtable {
    /// Passed back to every callback.
    pub userdata: *mut c_void,
    /// Runs one store operation.
    pub call: TelnumPortFn,
    /// Called once with `userdata` when the service is freed (may be NULL).
    pub finalize: Option<unsafe extern "C" fn(userdata: *mut c_void)>,
}

/// A host telephony provider.
#[repr(C)]
pub struct TelnumProviderVtable {
    /// Passed back to every callback.
    pub userdata: *mut c_void,
    /// Runs one provider operation.
    pub call: TelnumPortFn,
    /// Called once with `userdata` when the service is freed (may be NULL).
    pub finalize: Option<unsafe extern "C" fn(userdata: *mut c_void)>,
}

/// The host's port: a C callback with its userdata.
pub(crate) struct CHost {
    userdata: *mut c_void,
    call: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        usize,
        *const c_char,
        usize,
        *mut TelnumBuffer,
    ) -> TelnumStatus,
    finalize: Option<unsafe extern "C" fn(*mut c_void)>,
}

// SAFETY: the host promises (README, "Threads") that its callbacks may be
// called from any thread that calls the service; telnum never calls them
// concurrently for one handle unless the host shares the handle.
unsafe impl Send for CHost {}
// SAFETY: as above.
unsafe impl Sync for CHost {}

impl Drop for CHost {
    fn drop(&mut self) {
        if let Some(f) = self.finalize {
            // SAFETY: the host's finaliser, called once with its userdata.
            unsafe { f(self.userdata) };
        }
    }
}

/// The longest callback output quoted in an error message.
const QUOTE_MAX: usize = 200;

fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_MAX) {
        Some((i, _)) => format!("{}… ({} bytes)", &text[..i], text.len()),
        None => text.to_string(),
    }
}

impl CHost {
    fn invoke(&self, op: PortOp, args: Vec<Value>) -> std::result::Result<Value, Reported> {
        let name = op.name();
        let args = Value::Array(args).to_string();
        let mut buf = TelnumBuffer { data: None };
        // SAFETY: a host callback with valid (ptr, len) arguments and our buffer.
        let status = unsafe {
            (self.call)(
                self.userdata,
                name.as_ptr().cast(),
                name.len(),
                args.as_ptr().cast(),
                args.len(),
                &mut buf,
            )
        };
        let text = match buf.data.map(String::from_utf8) {
            None => None,
            Some(Ok(t)) => Some(t),
            Some(Err(_)) => {
                return Err(Reported {
                    value: Value::Null,
                    message: "the callback wrote invalid UTF-8".into(),
                })
            }
        };
        if status != TelnumStatus::Ok {
            let value = text
                .as_deref()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or(Value::Null);
            let message = match &text {
                Some(t) if value.is_null() => format!(
                    "status {} with output that is not JSON: {}",
                    status as i32,
                    quote(t)
                ),
                _ => format!("status {}", status as i32),
            };
            return Err(Reported { value, message });
        }
        match text {
            None => Ok(Value::Null),
            Some(t) => serde_json::from_str(&t).map_err(|e| Reported {
                value: Value::Null,
                message: format!(
                    "the callback wrote output that is not JSON ({e}): {}",
                    quote(&t)
                ),
            }),
        }
    }
}

impl Host for CHost {
    fn call(
        &self,
        op: PortOp,
        args: Vec<Value>,
    ) -> impl Future<Output = std::result::Result<Value, Reported>> + MaybeSend {
        std::future::ready(self.invoke(op, args))
    }

    /// A C port has one callback for every operation.
    fn has(&self, _op: PortOp) -> bool {
        true
    }
}

/// A host clock: writes the current time, in milliseconds since the Unix
/// epoch, to `*now_unix_ms` and returns `TELNUM_STATUS_OK`. Any other
/// status fails the operation that asked (telnum never falls back to the
/// system clock).
pub type TelnumClockFn =
    Option<unsafe extern "C" fn(userdata: *mut c_void, now_unix_ms: *mut i64) -> TelnumStatus>;

/// A host clock (tests and simulations drive time with it).
#[repr(C)]
pub struct TelnumClockVtable {
    /// Passed back to `now`.
    pub userdata: *mut c_void,
    /// Answers the current time.
    pub now: TelnumClockFn,
    /// Called once with `userdata` when the service is freed (may be NULL).
    pub finalize: Option<unsafe extern "C" fn(userdata: *mut c_void)>,
}

/// The clock: the system's, or the host's.
pub(crate) enum CClock {
    System,
    Host {
        userdata: *mut c_void,
        now: unsafe extern "C" fn(*mut c_void, *mut i64) -> TelnumStatus,
        finalize: Option<unsafe extern "C" fn(*mut c_void)>,
    },
}

// SAFETY: as for CHost.
unsafe impl Send for CClock {}
// SAFETY: as for CHost.
unsafe impl Sync for CClock {}

impl Drop for CClock {
    fn drop(&mut self) {
        if let CClock::Host {
            userdata,
            finalize: Some(f),
            ..
        } = self
        {
            // SAFETY: the host's finaliser, called once with its userdata.
            unsafe { f(*userdata) };
        }
    }
}

impl Clock for CClock {
    fn now(&self) -> Result<chrono::DateTime<chrono::Utc>> {
        match self {
            CClock::System => Ok(chrono::DateTime::<chrono::Utc>::from(
                std::time::SystemTime::now(),
            )),
            CClock::Host { userdata, now, .. } => {
                let mut ms: i64 = 0;
                // SAFETY: the host's callback with its userdata and a local.
                let status = unsafe { now(*userdata, &mut ms) };
                if status != TelnumStatus::Ok {
                    return Err(Error::invalid_input(format!(
                        "clock.now: the host clock failed with status {}",
                        status as i32
                    )));
                }
                chrono::DateTime::from_timestamp_millis(ms).ok_or_else(|| {
                    Error::invalid_input("clock.now: the host clock answered a time out of range")
                })
            }
        }
    }
}

pub(crate) type Service = Numbers<Store<CHost>, Prov<CHost>, CClock>;

/// The service. Opaque; create with [`telnum_numbers_new`] (or
/// [`telnum_numbers_new_embedded`]), free with [`telnum_numbers_free`].
/// One handle may be used from several threads at once when its callbacks
/// allow it (the embedded store and simulated provider do).
pub struct TelnumNumbers {
    svc: Service,
    simulated: Option<SimulatedProvider>,
}

impl TelnumNumbers {
    pub(crate) fn service(&self) -> &Service {
        &self.svc
    }

    /// The embedded simulated provider, or `invalid_input` when the host
    /// brought its own.
    pub(crate) fn simulated_provider(&self) -> Result<&SimulatedProvider> {
        self.simulated
            .as_ref()
            .ok_or_else(|| Error::invalid_input("not the simulated provider"))
    }
}

fn config(ptr: *const c_char, len: usize) -> crate::FfiResult<ServiceConfig> {
    // SAFETY: caller contract of the exported functions.
    match unsafe { read_opt_str(ptr, len, "config") }? {
        Some(s) => serde_json::from_str(s)
            .map_err(|e| Failure::Status(TelnumStatus::InvalidJson, format!("config: {e}"))),
        None => Ok(ServiceConfig::default()),
    }
}

/// Creates a service on the embedded in-memory store, simulated provider
/// and system clock: `telnum_numbers_new(NULL, NULL, NULL, config_json,
/// config_len, out)`. `config_json` is an optional `ServiceConfig` JSON
/// (NULL for the defaults). Free it with [`telnum_numbers_free`].
///
/// # Safety
/// Pointers must be NULL (where allowed) or valid for their lengths.
#[no_mangle]
pub unsafe extern "C" fn telnum_numbers_new_embedded(
    config_json: *const c_char,
    config_len: usize,
    out: *mut *mut TelnumNumbers,
) -> TelnumStatus {
    // SAFETY: forwarded contract.
    unsafe {
        telnum_numbers_new(
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            config_json,
            config_len,
            out,
        )
    }
}

/// Creates a service over a store, a provider and a clock written in C.
/// Any vtable may be NULL for the embedded store, the simulated provider
/// or the system clock. The vtables are copied; their finalisers run in
/// [`telnum_numbers_free`] (or at once if creation fails). On success
/// writes the handle to `*out`; free it with [`telnum_numbers_free`].
///
/// # Safety
/// Vtables must be NULL or valid, with callbacks safe to call from every
/// thread that uses the handle.
#[no_mangle]
pub unsafe extern "C" fn telnum_numbers_new(
    store: *const TelnumStoreVtable,
    provider: *const TelnumProviderVtable,
    clock: *const TelnumClockVtable,
    config_json: *const c_char,
    config_len: usize,
    out: *mut *mut TelnumNumbers,
) -> TelnumStatus {
    boundary(|| {
        // Take ownership of the userdata first so that finalisers always run.
        let port =
            |userdata: *mut c_void,
             call: TelnumPortFn,
             finalize: Option<unsafe extern "C" fn(*mut c_void)>| match call {
                Some(call) => Ok(CHost {
                    userdata,
                    call,
                    finalize,
                }),
                None => {
                    if let Some(f) = finalize {
                        // SAFETY: the host's finaliser with its userdata.
                        unsafe { f(userdata) };
                    }
                    Err(null("vtable.call"))
                }
            };
        let store = if store.is_null() {
            None
        } else {
            // SAFETY: non-NULL vtable (caller contract).
            let s = unsafe { &*store };
            Some(port(s.userdata, s.call, s.finalize))
        };
        let provider = if provider.is_null() {
            None
        } else {
            // SAFETY: non-NULL vtable (caller contract).
            let p = unsafe { &*provider };
            Some(port(p.userdata, p.call, p.finalize))
        };
        let clock = if clock.is_null() {
            Ok(CClock::System)
        } else {
            // SAFETY: non-NULL vtable (caller contract).
            let c = unsafe { &*clock };
            match c.now {
                Some(now) => Ok(CClock::Host {
                    userdata: c.userdata,
                    now,
                    finalize: c.finalize,
                }),
                None => {
                    if let Some(f) = c.finalize {
                        // SAFETY: the host's finaliser with its userdata.
                        unsafe { f(c.userdata) };
                    }
                    Err(null("clock.now"))
                }
            }
        };
        let (store, provider, clock) = (store.transpose(), provider.transpose(), clock);
        let (store, provider, clock) = (store?, provider?, clock?);
        if out.is_null() {
            return Err(null("out"));
        }
        let cfg = config(config_json, config_len)?;
        let sim = SimulatedProvider::new();
        let (prov, simulated) = match provider {
            Some(p) => (Prov::Host(p), None),
            None => (Prov::Simulated(sim.clone()), Some(sim)),
        };
        let st = match store {
            Some(s) => Store::Host(s),
            None => Store::Embedded(MemoryStore::new()),
        };
        let n = TelnumNumbers {
            svc: Numbers::new(st, prov, clock, cfg)?,
            simulated,
        };
        // SAFETY: checked above.
        unsafe { *out = Box::into_raw(Box::new(n)) };
        Ok(())
    })
}

/// Frees a service (running the vtables' finalisers). NULL is ignored;
/// never free a handle twice.
///
/// # Safety
/// `numbers` must be NULL or a handle not yet freed.
#[no_mangle]
pub unsafe extern "C" fn telnum_numbers_free(numbers: *mut TelnumNumbers) {
    if !numbers.is_null() {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // SAFETY: a handle we made, handed back once.
            drop(unsafe { Box::from_raw(numbers) });
        }));
    }
}

pub(crate) fn handle<'a>(numbers: *mut TelnumNumbers) -> crate::FfiResult<&'a TelnumNumbers> {
    if numbers.is_null() {
        return Err(null("numbers"));
    }
    // SAFETY: non-NULL handle (caller contract).
    Ok(unsafe { &*numbers })
}
