//! The service handle: telnum's `Numbers` over a store and a provider
//! written in C (vtables of synchronous JSON callbacks), or over the
//! embedded in-memory store and simulated provider.

// The impls spell out the trait's `impl Future + MaybeSend` signatures.
#![allow(clippy::manual_async_fn)]

use std::ffi::{c_char, c_int, c_void};
use std::future::Future;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use telnum::memory::{block_on, MemoryStore};
use telnum::ports::{
    host_error, AvailableNumber, AvailableQuery, Clock, CountryOffer, IdempotencyRecord, ListQuery,
    MaybeSend, NumberStore, OrderStatus, OwnedNumber, Page, PortKind, PriceEntry, Provider,
    ProviderOrder, ProviderPurchase, RefKind, RefOwner, SubAccountRecord, Tombstone, Window,
};
use telnum::service::{Numbers, ServiceConfig};
use telnum::simulated::{SimulatedProvider, Simulation};
use telnum::{
    AccountId, AuditEvent, Connection, ConnectionId, Country, Error, NumberId, PhoneNumber, Result,
    TenantId, WebhookConfig, E164,
};

use crate::ops::{read_json, typed};
use crate::{boundary, null, read_opt_str, read_str, write_out, Failure, TelnumStatus};

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

/// A port implemented by C callbacks.
struct CPort {
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
    store: bool,
}

// SAFETY: the host promises (README, "Threads") that its callbacks may be
// called from the thread that calls the service; telnum never calls them
// concurrently for one handle unless the host shares the handle.
unsafe impl Send for CPort {}
// SAFETY: as above.
unsafe impl Sync for CPort {}

impl Drop for CPort {
    fn drop(&mut self) {
        if let Some(f) = self.finalize {
            // SAFETY: the host's finaliser, called once with its userdata.
            unsafe { f(self.userdata) };
        }
    }
}

impl CPort {
    fn fail(&self, message: String) -> Error {
        if self.store {
            Error::Store { message }
        } else {
            Error::provider("c", message)
        }
    }

    fn invoke<T: DeserializeOwned>(&self, op: &str, args: Value) -> Result<T> {
        let args = args.to_string();
        let mut buf = TelnumBuffer { data: None };
        // SAFETY: a host callback with valid (ptr, len) arguments and our buffer.
        let status = unsafe {
            (self.call)(
                self.userdata,
                op.as_ptr().cast(),
                op.len(),
                args.as_ptr().cast(),
                args.len(),
                &mut buf,
            )
        };
        let text = buf.data.map(|d| {
            String::from_utf8(d)
                .map_err(|_| self.fail(format!("{op}: the callback wrote invalid UTF-8")))
        });
        if status != TelnumStatus::Ok {
            let v: Value = match text {
                Some(Ok(t)) => serde_json::from_str(&t).unwrap_or(Value::Null),
                _ => Value::Null,
            };
            let kind = if self.store {
                PortKind::Store
            } else {
                PortKind::Provider
            };
            return Err(host_error(
                kind,
                &v,
                &format!("{op} failed with status {}", status as i32),
            ));
        }
        let text = match text {
            Some(t) => t?,
            None => "null".to_string(),
        };
        serde_json::from_str(&text)
            .map_err(|e| self.fail(format!("{op} returned an unexpected shape: {e}")))
    }
}

fn v<T: Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or(Value::Null)
}

/// The store: embedded, or C callbacks.
enum Store {
    Memory(MemoryStore),
    C(CPort),
}

macro_rules! store_method {
    ($self:ident, $m:ident => $mem:expr, $op:literal, $args:expr) => {
        async move {
            match $self {
                Store::Memory($m) => $mem.await,
                Store::C(c) => c.invoke($op, $args),
            }
        }
    };
}

impl NumberStore for Store {
    fn next_id(&self) -> impl Future<Output = Result<NumberId>> + MaybeSend {
        store_method!(self, m => m.next_id(), "next_id", json!([]))
    }
    fn get(&self, id: &NumberId) -> impl Future<Output = Result<Option<PhoneNumber>>> + MaybeSend {
        store_method!(self, m => m.get(id), "get", json!([id]))
    }
    fn find_by_e164(
        &self,
        e164: &E164,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend {
        store_method!(self, m => m.find_by_e164(e164), "find_by_e164", json!([e164]))
    }
    fn insert(
        &self,
        r: &PhoneNumber,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        store_method!(self, m => m.insert(r, events), "insert", json!([r.to_json_with_secrets(), v(&events)]))
    }
    fn update(
        &self,
        r: &PhoneNumber,
        expected: u64,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        store_method!(
            self,
            m => m.update(r, expected, events),
            "update",
            json!([r.to_json_with_secrets(), expected, v(&events)])
        )
    }
    fn delete(
        &self,
        id: &NumberId,
        expected: u64,
        tombstone: Option<&Tombstone>,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        store_method!(
            self,
            m => m.delete(id, expected, tombstone, events),
            "delete",
            json!([id, expected, tombstone, v(&events)])
        )
    }
    fn tombstones(&self, e164: &E164) -> impl Future<Output = Result<Vec<Tombstone>>> + MaybeSend {
        store_method!(self, m => m.tombstones(e164), "tombstones", json!([e164]))
    }
    fn list(&self, q: &ListQuery) -> impl Future<Output = Result<Page<PhoneNumber>>> + MaybeSend {
        store_method!(self, m => m.list(q), "list", json!([q]))
    }
    fn list_by_connection(
        &self,
        c: &ConnectionId,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend {
        store_method!(self, m => m.list_by_connection(c), "list_by_connection", json!([c]))
    }
    fn append_events(&self, events: &[AuditEvent]) -> impl Future<Output = Result<()>> + MaybeSend {
        store_method!(self, m => m.append_events(events), "append_events", json!([v(&events)]))
    }
    fn get_idempotency(
        &self,
        t: &TenantId,
        key: &str,
    ) -> impl Future<Output = Result<Option<IdempotencyRecord>>> + MaybeSend {
        store_method!(self, m => m.get_idempotency(t, key), "get_idempotency", json!([t, key]))
    }
    fn put_idempotency(
        &self,
        r: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        store_method!(self, m => m.put_idempotency(r), "put_idempotency", json!([r]))
    }
    fn complete_idempotency(
        &self,
        r: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        store_method!(self, m => m.complete_idempotency(r), "complete_idempotency", json!([r]))
    }
    fn record_call(
        &self,
        id: &NumberId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        store_method!(self, m => m.record_call(id, at), "record_call", json!([id, at]))
    }
    fn list_events(
        &self,
        id: &NumberId,
        w: Window,
    ) -> impl Future<Output = Result<Page<AuditEvent>>> + MaybeSend {
        store_method!(self, m => m.list_events(id, w), "list_events", json!([id, w]))
    }
    fn put_connection(&self, c: &Connection) -> impl Future<Output = Result<()>> + MaybeSend {
        store_method!(self, m => m.put_connection(c), "put_connection", json!([c.to_json_with_secrets()]))
    }
    fn get_connection(
        &self,
        id: &ConnectionId,
    ) -> impl Future<Output = Result<Option<Connection>>> + MaybeSend {
        store_method!(self, m => m.get_connection(id), "get_connection", json!([id]))
    }
    fn list_connections(
        &self,
        t: &TenantId,
    ) -> impl Future<Output = Result<Vec<Connection>>> + MaybeSend {
        store_method!(self, m => m.list_connections(t), "list_connections", json!([t]))
    }
    fn put_sub_account(
        &self,
        s: &SubAccountRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        store_method!(self, m => m.put_sub_account(s), "put_sub_account", json!([s]))
    }
    fn get_sub_account(
        &self,
        id: &AccountId,
    ) -> impl Future<Output = Result<Option<SubAccountRecord>>> + MaybeSend {
        store_method!(self, m => m.get_sub_account(id), "get_sub_account", json!([id]))
    }
    fn ref_owner(
        &self,
        kind: RefKind,
        id: &str,
    ) -> impl Future<Output = Result<RefOwner>> + MaybeSend {
        store_method!(self, m => m.ref_owner(kind, id), "ref_owner", json!([kind, id]))
    }
}

/// The provider: simulated, or C callbacks.
enum Prov {
    Simulated(SimulatedProvider),
    C(CPort),
}

macro_rules! provider_method {
    ($self:ident, $p:ident => $sim:expr, $op:literal, $args:expr) => {
        async move {
            match $self {
                Prov::Simulated($p) => $sim.await,
                Prov::C(c) => c.invoke($op, $args),
            }
        }
    };
}

impl Provider for Prov {
    fn search_available(
        &self,
        c: &Connection,
        q: &AvailableQuery,
    ) -> impl Future<Output = Result<Vec<AvailableNumber>>> + MaybeSend {
        provider_method!(self, p => p.search_available(c, q), "search_available", json!([c, q]))
    }
    fn pricing(
        &self,
        c: &Connection,
        country: Country,
    ) -> impl Future<Output = Result<Vec<PriceEntry>>> + MaybeSend {
        provider_method!(self, p => p.pricing(c, country), "pricing", json!([c, country]))
    }
    fn countries(
        &self,
        c: &Connection,
    ) -> impl Future<Output = Result<Vec<CountryOffer>>> + MaybeSend {
        provider_method!(self, p => p.countries(c), "countries", json!([c]))
    }
    fn purchase(
        &self,
        c: &Connection,
        r: &ProviderPurchase,
    ) -> impl Future<Output = Result<ProviderOrder>> + MaybeSend {
        provider_method!(self, p => p.purchase(c, r), "purchase", json!([c, r]))
    }
    fn order_status(
        &self,
        c: &Connection,
        order_ref: &str,
    ) -> impl Future<Output = Result<OrderStatus>> + MaybeSend {
        provider_method!(self, p => p.order_status(c, order_ref), "order_status", json!([c, order_ref]))
    }
    fn list_owned(
        &self,
        c: &Connection,
    ) -> impl Future<Output = Result<Vec<OwnedNumber>>> + MaybeSend {
        provider_method!(self, p => p.list_owned(c), "list_owned", json!([c]))
    }
    fn fetch(
        &self,
        c: &Connection,
        sid: &str,
    ) -> impl Future<Output = Result<Option<OwnedNumber>>> + MaybeSend {
        provider_method!(self, p => p.fetch(c, sid), "fetch", json!([c, sid]))
    }
    fn release(&self, c: &Connection, sid: &str) -> impl Future<Output = Result<()>> + MaybeSend {
        provider_method!(self, p => p.release(c, sid), "release", json!([c, sid]))
    }
    fn configure_webhooks(
        &self,
        c: &Connection,
        sid: &str,
        w: &WebhookConfig,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        provider_method!(
            self,
            p => p.configure_webhooks(c, sid, w),
            "configure_webhooks",
            json!([c, sid, w])
        )
    }
}

/// The wall clock (the binding reads it; the core never does).
struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Result<chrono::DateTime<chrono::Utc>> {
        Ok(chrono::DateTime::<chrono::Utc>::from(
            std::time::SystemTime::now(),
        ))
    }
}

/// The service. Opaque; create with [`telnum_numbers_new_embedded`] or
/// [`telnum_numbers_new`], free with [`telnum_numbers_free`].
pub struct TelnumNumbers {
    svc: Numbers<Store, Prov, SystemClock>,
    simulated: Option<SimulatedProvider>,
}

fn config(ptr: *const c_char, len: usize) -> crate::FfiResult<ServiceConfig> {
    // SAFETY: caller contract of the exported functions.
    match unsafe { read_opt_str(ptr, len, "config") }? {
        Some(s) => serde_json::from_str(s)
            .map_err(|e| Failure::Status(TelnumStatus::InvalidJson, format!("config: {e}"))),
        None => Ok(ServiceConfig::default()),
    }
}

/// Creates a service on the embedded in-memory store and simulated
/// provider. `config` is an optional `ServiceConfig` JSON (NULL for the
/// defaults).
///
/// # Safety
/// Pointers must be NULL (where allowed) or valid for their lengths.
#[no_mangle]
pub unsafe extern "C" fn telnum_numbers_new_embedded(
    config_json: *const c_char,
    config_len: usize,
    out: *mut *mut TelnumNumbers,
) -> TelnumStatus {
    boundary(|| {
        if out.is_null() {
            return Err(null("out"));
        }
        let cfg = config(config_json, config_len)?;
        let sim = SimulatedProvider::new();
        let n = TelnumNumbers {
            svc: Numbers::new(
                Store::Memory(MemoryStore::new()),
                Prov::Simulated(sim.clone()),
                SystemClock,
                cfg,
            )?,
            simulated: Some(sim),
        };
        // SAFETY: checked above.
        unsafe { *out = Box::into_raw(Box::new(n)) };
        Ok(())
    })
}

/// Creates a service over a store and a provider written in C. Either
/// vtable may be NULL to use the embedded store / simulated provider. The
/// vtables are copied; their finalisers run in [`telnum_numbers_free`] (or
/// at once if creation fails).
///
/// # Safety
/// Vtables must be NULL or valid, with callbacks safe to call from the
/// thread that uses the handle.
#[no_mangle]
pub unsafe extern "C" fn telnum_numbers_new(
    store: *const TelnumStoreVtable,
    provider: *const TelnumProviderVtable,
    config_json: *const c_char,
    config_len: usize,
    out: *mut *mut TelnumNumbers,
) -> TelnumStatus {
    boundary(|| {
        // Take ownership of the userdata first so finalisers always run.
        let store = if store.is_null() {
            None
        } else {
            // SAFETY: non-NULL vtable (caller contract).
            let s = unsafe { &*store };
            Some((s.userdata, s.call, s.finalize))
        };
        let provider = if provider.is_null() {
            None
        } else {
            // SAFETY: non-NULL vtable (caller contract).
            let p = unsafe { &*provider };
            Some((p.userdata, p.call, p.finalize))
        };
        let port = |t: Option<(
            *mut c_void,
            TelnumPortFn,
            Option<unsafe extern "C" fn(*mut c_void)>,
        )>,
                    is_store: bool| {
            t.map(|(userdata, call, finalize)| match call {
                Some(call) => Ok(CPort {
                    userdata,
                    call,
                    finalize,
                    store: is_store,
                }),
                None => {
                    if let Some(f) = finalize {
                        // SAFETY: the host's finaliser with its userdata.
                        unsafe { f(userdata) };
                    }
                    Err(null("vtable.call"))
                }
            })
        };
        let store = port(store, true).transpose();
        let provider = port(provider, false).transpose();
        let (store, provider) = (store?, provider?);
        if out.is_null() {
            return Err(null("out"));
        }
        let cfg = config(config_json, config_len)?;
        let sim = SimulatedProvider::new();
        let (prov, simulated) = match provider {
            Some(p) => (Prov::C(p), None),
            None => (Prov::Simulated(sim.clone()), Some(sim)),
        };
        let st = match store {
            Some(s) => Store::C(s),
            None => Store::Memory(MemoryStore::new()),
        };
        let n = TelnumNumbers {
            svc: Numbers::new(st, prov, SystemClock, cfg)?,
            simulated,
        };
        // SAFETY: checked above.
        unsafe { *out = Box::into_raw(Box::new(n)) };
        Ok(())
    })
}

/// Frees a service (running the vtables' finalisers). NULL is ignored.
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

fn handle<'a>(numbers: *mut TelnumNumbers) -> crate::FfiResult<&'a TelnumNumbers> {
    if numbers.is_null() {
        return Err(null("numbers"));
    }
    // SAFETY: non-NULL handle (caller contract).
    Ok(unsafe { &*numbers })
}

/// The embedded simulated provider, or `invalid_input` when the host
/// brought its own.
fn simulated(n: &TelnumNumbers) -> crate::FfiResult<&SimulatedProvider> {
    n.simulated
        .as_ref()
        .ok_or_else(|| Failure::Core(Error::invalid_input("not the simulated provider")))
}

/// Runs a service operation (`list`, `available`, `pricing`, `countries`,
/// `purchase`, `import_owned`, `owned`, `add_manual`, `get`, `audit`,
/// `update`, `activate`, `deactivate`, `sync`, `sync_account`, `resync`,
/// `configure_webhooks`, `release`, `assign_sub_account`,
/// `unassign_sub_account`, `record_call`) with a JSON object of arguments
/// (always `actor`; `id` or `connection_id`; see
/// `telnum::json::call_service`). Blocks until done; writes the JSON result.
/// Commands on one number answer `{"number", "events"}` (`release`: a
/// `number` of `null` after a hard delete); `purchase`, `import_owned` and
/// the syncs carry `events` too.
///
/// # Safety
/// `numbers` from a constructor; other pointers valid for their lengths.
#[no_mangle]
pub unsafe extern "C" fn telnum_numbers_call(
    numbers: *mut TelnumNumbers,
    op: *const c_char,
    op_len: usize,
    args: *const c_char,
    args_len: usize,
    out_json: *mut *mut c_char,
) -> TelnumStatus {
    boundary(|| {
        let n = handle(numbers)?;
        if out_json.is_null() {
            return Err(null("out_json"));
        }
        // SAFETY: caller contract.
        let op = unsafe { read_str(op, op_len, "op") }?;
        // SAFETY: caller contract.
        let a = unsafe { read_json(args, args_len, "args") }?;
        let v = block_on(telnum::json::call_service(&n.svc, op, a))?;
        // SAFETY: checked above.
        unsafe { write_out(out_json, v.to_string()) }
    })
}

/// Adds or replaces a telephony connection (`Connection` JSON) in the store.
///
/// # Safety
/// `numbers` from a constructor; `connection` valid for its length.
#[no_mangle]
pub unsafe extern "C" fn telnum_numbers_put_connection(
    numbers: *mut TelnumNumbers,
    connection: *const c_char,
    connection_len: usize,
) -> TelnumStatus {
    boundary(|| {
        let n = handle(numbers)?;
        // SAFETY: caller contract.
        let c: Connection = typed(
            unsafe { read_json(connection, connection_len, "connection") }?,
            "connection",
        )?;
        Ok(block_on(n.svc.store().put_connection(&c))?)
    })
}

/// Adds or replaces a sub-account (`SubAccountRecord` JSON:
/// `{"id","master","tenant"}`) in the store. `assign_sub_account` resolves
/// sub-accounts only through the store.
///
/// # Safety
/// `numbers` from a constructor; `sub_account` valid for its length.
#[no_mangle]
pub unsafe extern "C" fn telnum_numbers_put_sub_account(
    numbers: *mut TelnumNumbers,
    sub_account: *const c_char,
    sub_account_len: usize,
) -> TelnumStatus {
    boundary(|| {
        let n = handle(numbers)?;
        // SAFETY: caller contract.
        let s: SubAccountRecord = typed(
            unsafe { read_json(sub_account, sub_account_len, "sub_account") }?,
            "sub_account",
        )?;
        Ok(block_on(n.svc.store().put_sub_account(&s))?)
    })
}

/// Simulated provider only: gives connection `connection_id` a number it
/// owns outside the app (`OwnedNumber` JSON), to try import and sync.
///
/// # Safety
/// `numbers` from a constructor; other pointers valid for their lengths.
#[no_mangle]
pub unsafe extern "C" fn telnum_numbers_simulate_owned(
    numbers: *mut TelnumNumbers,
    connection_id: *const c_char,
    connection_id_len: usize,
    owned: *const c_char,
    owned_len: usize,
) -> TelnumStatus {
    boundary(|| {
        let n = handle(numbers)?;
        let sim = simulated(n)?;
        // SAFETY: caller contract.
        let id = ConnectionId::new(unsafe {
            read_str(connection_id, connection_id_len, "connection_id")
        }?)?;
        // SAFETY: caller contract.
        let o: OwnedNumber = typed(unsafe { read_json(owned, owned_len, "owned") }?, "owned")?;
        sim.add_owned(&id, o);
        Ok(())
    })
}

/// Simulated provider only: makes it behave as real providers do at times.
/// `simulation` is JSON, one of `{"action":"hold_orders","hold":true}`,
/// `{"action":"settle_orders","complete":true}`,
/// `{"action":"rate_limit","calls":1,"retry_after_seconds":30}`,
/// `{"action":"fail_after_purchase","calls":1}`,
/// `{"action":"drop_number","connection_id":"…","e164":"+…"}`. `applied`
/// (may be NULL) is set to 1 when it applied, 0 otherwise (a dropped
/// number the account did not own).
///
/// # Safety
/// `numbers` from a constructor; `simulation` valid for its length;
/// `applied` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn telnum_numbers_simulate(
    numbers: *mut TelnumNumbers,
    simulation: *const c_char,
    simulation_len: usize,
    applied: *mut c_int,
) -> TelnumStatus {
    boundary(|| {
        let n = handle(numbers)?;
        let sim = simulated(n)?;
        // SAFETY: caller contract.
        let s: Simulation = typed(
            unsafe { read_json(simulation, simulation_len, "simulation") }?,
            "simulation",
        )?;
        let done = sim.simulate(&s);
        if !applied.is_null() {
            // SAFETY: caller contract: NULL or valid.
            unsafe { *applied = c_int::from(done) };
        }
        Ok(())
    })
}
