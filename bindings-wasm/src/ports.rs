//! The `Numbers` class: telnum's service over a JS store and provider whose
//! methods may return values or Promises, or over the embedded in-memory
//! store and simulated provider.

// The impls spell out the trait's `impl Future + MaybeSend` signatures.
#![allow(clippy::manual_async_fn)]

use std::future::Future;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use telnum::memory::MemoryStore;
use telnum::ports::{
    host_error, AvailableNumber, AvailableQuery, Clock, CountryOffer, IdempotencyRecord, ListQuery,
    MaybeSend, NumberStore, OrderStatus, OwnedNumber, Page, PortKind, PriceEntry, Provider,
    ProviderOrder, ProviderPurchase, RefKind, RefOwner, SubAccountRecord, Tombstone, Window,
};
use telnum::service::{Numbers as Service, ServiceConfig};
use telnum::simulated::{SimulatedProvider, Simulation};
use telnum::{
    AccountId, AuditEvent, Connection, ConnectionId, Country, Error, NumberId, PhoneNumber, Result,
    TenantId, WebhookConfig, E164,
};

use crate::{arg, from_json_js, invalid, js_error, ms_to_time, to_js, to_json_js};

/// Calls `obj[method](...args)` and awaits the result if it is a Promise.
async fn js_call(
    obj: &JsValue,
    method: &str,
    args: &[Value],
    port: &str,
) -> std::result::Result<JsValue, JsValue> {
    let f = js_sys::Reflect::get(obj, &JsValue::from_str(method))?;
    let f: js_sys::Function = f
        .dyn_into()
        .map_err(|_| JsValue::from_str(&format!("{port}.{method} is not a function")))?;
    let arr = js_sys::Array::new();
    for a in args {
        arr.push(&from_json_js(&a.to_string()));
    }
    let r = f.apply(obj, &arr)?;
    JsFuture::from(js_sys::Promise::resolve(&r)).await
}

/// Maps what a JS port threw into a telnum error. A thrown object with a
/// telnum `code` (e.g. `version_conflict` with `expected`/`actual`) keeps
/// its meaning; anything else is a store or provider error.
fn port_error(e: JsValue, port: &str) -> Error {
    let mut v: Value = to_json_js(&e, port)
        .ok()
        .flatten()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null);
    // An Error object's own properties (code, expected, …) survive JSON;
    // its message does not.
    let message = js_sys::Reflect::get(&e, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the host port failed".into());
    if v.is_object() {
        v["message"] = Value::from(message.clone());
    }
    let kind = if port == "provider" {
        PortKind::Provider
    } else {
        PortKind::Store
    };
    host_error(kind, &v, &message)
}

async fn call_js<T: DeserializeOwned>(
    obj: &JsValue,
    method: &str,
    args: &[Value],
    port: &str,
) -> Result<T> {
    let r = js_call(obj, method, args, port)
        .await
        .map_err(|e| port_error(e, port))?;
    let text = to_json_js(&r, &format!("{port}.{method}() result"))
        .map_err(|e| port_error(e, port))?
        .unwrap_or_else(|| "null".into());
    serde_json::from_str(&text).map_err(|e| {
        let msg = format!("{port}.{method} returned an unexpected shape: {e}");
        if port == "provider" {
            Error::provider("js", msg)
        } else {
            Error::Store { message: msg }
        }
    })
}

fn v<T: Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or(Value::Null)
}

fn record(r: &PhoneNumber) -> Value {
    r.to_json_with_secrets()
}

/// The store: embedded, or a JS object.
#[derive(Clone)]
pub(crate) enum Store {
    Memory(MemoryStore),
    Js(JsValue),
}

impl NumberStore for Store {
    fn next_id(&self) -> impl Future<Output = Result<NumberId>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.next_id().await,
                Store::Js(o) => call_js(o, "nextId", &[], "store").await,
            }
        }
    }
    fn get(&self, id: &NumberId) -> impl Future<Output = Result<Option<PhoneNumber>>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.get(id).await,
                Store::Js(o) => call_js(o, "get", &[v(id)], "store").await,
            }
        }
    }
    fn find_by_e164(
        &self,
        e164: &E164,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.find_by_e164(e164).await,
                Store::Js(o) => call_js(o, "findByE164", &[v(e164)], "store").await,
            }
        }
    }
    fn insert(
        &self,
        r: &PhoneNumber,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.insert(r, events).await,
                Store::Js(o) => call_js::<Value>(o, "insert", &[record(r), v(&events)], "store")
                    .await
                    .map(drop),
            }
        }
    }
    fn update(
        &self,
        r: &PhoneNumber,
        expected: u64,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.update(r, expected, events).await,
                Store::Js(o) => call_js::<Value>(
                    o,
                    "update",
                    &[record(r), Value::from(expected), v(&events)],
                    "store",
                )
                .await
                .map(drop),
            }
        }
    }
    fn delete(
        &self,
        id: &NumberId,
        expected: u64,
        tombstone: Option<&Tombstone>,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.delete(id, expected, tombstone, events).await,
                Store::Js(o) => call_js::<Value>(
                    o,
                    "delete",
                    &[v(id), Value::from(expected), v(&tombstone), v(&events)],
                    "store",
                )
                .await
                .map(drop),
            }
        }
    }
    fn tombstones(&self, e164: &E164) -> impl Future<Output = Result<Vec<Tombstone>>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.tombstones(e164).await,
                Store::Js(o) => call_js(o, "tombstones", &[v(e164)], "store").await,
            }
        }
    }
    fn list(&self, q: &ListQuery) -> impl Future<Output = Result<Page<PhoneNumber>>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.list(q).await,
                Store::Js(o) => call_js(o, "list", &[v(q)], "store").await,
            }
        }
    }
    fn list_by_connection(
        &self,
        c: &ConnectionId,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.list_by_connection(c).await,
                Store::Js(o) => call_js(o, "listByConnection", &[v(c)], "store").await,
            }
        }
    }
    fn append_events(&self, events: &[AuditEvent]) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.append_events(events).await,
                Store::Js(o) => call_js::<Value>(o, "appendEvents", &[v(&events)], "store")
                    .await
                    .map(drop),
            }
        }
    }
    fn get_idempotency(
        &self,
        t: &TenantId,
        key: &str,
    ) -> impl Future<Output = Result<Option<IdempotencyRecord>>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.get_idempotency(t, key).await,
                Store::Js(o) => {
                    call_js(o, "getIdempotency", &[v(t), Value::from(key)], "store").await
                }
            }
        }
    }
    fn put_idempotency(
        &self,
        r: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.put_idempotency(r).await,
                Store::Js(o) => call_js::<Value>(o, "putIdempotency", &[v(r)], "store")
                    .await
                    .map(drop),
            }
        }
    }
    fn complete_idempotency(
        &self,
        r: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.complete_idempotency(r).await,
                Store::Js(o) => call_js::<Value>(o, "completeIdempotency", &[v(r)], "store")
                    .await
                    .map(drop),
            }
        }
    }
    fn record_call(
        &self,
        id: &NumberId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.record_call(id, at).await,
                Store::Js(o) => call_js::<Value>(o, "recordCall", &[v(id), v(&at)], "store")
                    .await
                    .map(drop),
            }
        }
    }
    fn list_events(
        &self,
        id: &NumberId,
        w: Window,
    ) -> impl Future<Output = Result<Page<AuditEvent>>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.list_events(id, w).await,
                Store::Js(o) => call_js(o, "listEvents", &[v(id), v(&w)], "store").await,
            }
        }
    }
    fn put_connection(&self, c: &Connection) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.put_connection(c).await,
                Store::Js(o) => {
                    call_js::<Value>(o, "putConnection", &[c.to_json_with_secrets()], "store")
                        .await
                        .map(drop)
                }
            }
        }
    }
    fn get_connection(
        &self,
        id: &ConnectionId,
    ) -> impl Future<Output = Result<Option<Connection>>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.get_connection(id).await,
                Store::Js(o) => call_js(o, "getConnection", &[v(id)], "store").await,
            }
        }
    }
    fn list_connections(
        &self,
        t: &TenantId,
    ) -> impl Future<Output = Result<Vec<Connection>>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.list_connections(t).await,
                Store::Js(o) => call_js(o, "listConnections", &[v(t)], "store").await,
            }
        }
    }
    fn put_sub_account(
        &self,
        s: &SubAccountRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.put_sub_account(s).await,
                Store::Js(o) => call_js::<Value>(o, "putSubAccount", &[v(s)], "store")
                    .await
                    .map(drop),
            }
        }
    }
    fn get_sub_account(
        &self,
        id: &AccountId,
    ) -> impl Future<Output = Result<Option<SubAccountRecord>>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.get_sub_account(id).await,
                Store::Js(o) => call_js(o, "getSubAccount", &[v(id)], "store").await,
            }
        }
    }
    /// Optional in JS: a store without `refOwner` keeps no registry of
    /// agents or endpoints.
    fn ref_owner(
        &self,
        kind: RefKind,
        id: &str,
    ) -> impl Future<Output = Result<RefOwner>> + MaybeSend {
        async move {
            match self {
                Store::Memory(m) => m.ref_owner(kind, id).await,
                Store::Js(o) => {
                    let has = js_sys::Reflect::get(o, &JsValue::from_str("refOwner"))
                        .map(|f| f.is_function())
                        .unwrap_or(false);
                    if !has {
                        return Ok(RefOwner::Untracked);
                    }
                    call_js(o, "refOwner", &[v(&kind), Value::from(id)], "store").await
                }
            }
        }
    }
}

/// The provider: simulated, or a JS object.
#[derive(Clone)]
pub(crate) enum Prov {
    Simulated(SimulatedProvider),
    Js(JsValue),
}

impl Provider for Prov {
    fn search_available(
        &self,
        c: &Connection,
        q: &AvailableQuery,
    ) -> impl Future<Output = Result<Vec<AvailableNumber>>> + MaybeSend {
        async move {
            match self {
                Prov::Simulated(p) => p.search_available(c, q).await,
                Prov::Js(o) => call_js(o, "searchAvailable", &[v(c), v(q)], "provider").await,
            }
        }
    }
    fn pricing(
        &self,
        c: &Connection,
        country: Country,
    ) -> impl Future<Output = Result<Vec<PriceEntry>>> + MaybeSend {
        async move {
            match self {
                Prov::Simulated(p) => p.pricing(c, country).await,
                Prov::Js(o) => call_js(o, "pricing", &[v(c), v(&country)], "provider").await,
            }
        }
    }
    fn countries(
        &self,
        c: &Connection,
    ) -> impl Future<Output = Result<Vec<CountryOffer>>> + MaybeSend {
        async move {
            match self {
                Prov::Simulated(p) => p.countries(c).await,
                Prov::Js(o) => call_js(o, "countries", &[v(c)], "provider").await,
            }
        }
    }
    fn purchase(
        &self,
        c: &Connection,
        r: &ProviderPurchase,
    ) -> impl Future<Output = Result<ProviderOrder>> + MaybeSend {
        async move {
            match self {
                Prov::Simulated(p) => p.purchase(c, r).await,
                Prov::Js(o) => call_js(o, "purchase", &[v(c), v(r)], "provider").await,
            }
        }
    }
    /// Optional in JS: a provider without `orderStatus` never answers
    /// pending orders (`not_supported` if asked).
    fn order_status(
        &self,
        c: &Connection,
        order_ref: &str,
    ) -> impl Future<Output = Result<OrderStatus>> + MaybeSend {
        async move {
            match self {
                Prov::Simulated(p) => p.order_status(c, order_ref).await,
                Prov::Js(o) => {
                    let has = js_sys::Reflect::get(o, &JsValue::from_str("orderStatus"))
                        .map(|f| f.is_function())
                        .unwrap_or(false);
                    if !has {
                        return Err(Error::NotSupported {
                            operation: "order_status".into(),
                            reason: "provider_has_no_order_status".into(),
                        });
                    }
                    call_js(
                        o,
                        "orderStatus",
                        &[v(c), Value::from(order_ref)],
                        "provider",
                    )
                    .await
                }
            }
        }
    }
    fn list_owned(
        &self,
        c: &Connection,
    ) -> impl Future<Output = Result<Vec<OwnedNumber>>> + MaybeSend {
        async move {
            match self {
                Prov::Simulated(p) => p.list_owned(c).await,
                Prov::Js(o) => call_js(o, "listOwned", &[v(c)], "provider").await,
            }
        }
    }
    fn fetch(
        &self,
        c: &Connection,
        sid: &str,
    ) -> impl Future<Output = Result<Option<OwnedNumber>>> + MaybeSend {
        async move {
            match self {
                Prov::Simulated(p) => p.fetch(c, sid).await,
                Prov::Js(o) => call_js(o, "fetch", &[v(c), Value::from(sid)], "provider").await,
            }
        }
    }
    fn release(&self, c: &Connection, sid: &str) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Prov::Simulated(p) => p.release(c, sid).await,
                Prov::Js(o) => {
                    call_js::<Value>(o, "release", &[v(c), Value::from(sid)], "provider")
                        .await
                        .map(drop)
                }
            }
        }
    }
    fn configure_webhooks(
        &self,
        c: &Connection,
        sid: &str,
        w: &WebhookConfig,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Prov::Simulated(p) => p.configure_webhooks(c, sid, w).await,
                Prov::Js(o) => call_js::<Value>(
                    o,
                    "configureWebhooks",
                    &[v(c), Value::from(sid), v(w)],
                    "provider",
                )
                .await
                .map(drop),
            }
        }
    }
}

/// The clock: `Date.now()`, or a JS object with `now()` returning a Date,
/// an RFC 3339 string or milliseconds.
pub(crate) enum JsClock {
    System,
    Js(JsValue),
}

impl Clock for JsClock {
    /// A host clock that is not callable, throws, returns a Promise or
    /// anything but a valid time is an `invalid_input` error naming
    /// `clock.now()`; it never falls back to the system clock.
    fn now(&self) -> Result<chrono::DateTime<chrono::Utc>> {
        let bad = |m: &str| Error::invalid_input(format!("clock.now(): {m}"));
        match self {
            JsClock::System => ms_to_time(js_sys::Date::now())
                .ok_or_else(|| bad("the system clock is out of range")),
            JsClock::Js(o) => {
                let f = js_sys::Reflect::get(o, &JsValue::from_str("now"))
                    .ok()
                    .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
                    .ok_or_else(|| bad("clock.now is not a function"))?;
                let t = f.call0(o).map_err(|_| bad("the host clock threw"))?;
                if t.is_instance_of::<js_sys::Promise>() {
                    return Err(bad(
                        "the clock must answer synchronously, not with a Promise",
                    ));
                }
                crate::arg_time(&t, "clock.now()").map_err(|_| {
                    bad("expected a valid Date, an RFC 3339 string or finite milliseconds")
                })
            }
        }
    }
}

type Svc = Service<Store, Prov, JsClock>;

/// The service. `new Numbers()` runs on the embedded in-memory store and
/// simulated provider; `new Numbers({ store, provider, clock, config })`
/// on the host's own (any may be left out). Every method returns a Promise.
#[wasm_bindgen(skip_typescript)]
pub struct Numbers {
    inner: Rc<Svc>,
    simulated: Option<SimulatedProvider>,
}

fn field(options: &JsValue, name: &str) -> Option<JsValue> {
    if options.is_undefined() || options.is_null() {
        return None;
    }
    js_sys::Reflect::get(options, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

#[wasm_bindgen]
impl Numbers {
    /// `new Numbers(options?)`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> std::result::Result<Numbers, JsValue> {
        if !(options.is_undefined() || options.is_null() || options.is_object()) {
            return Err(invalid("options must be an object"));
        }
        let store = match field(&options, "store") {
            Some(s) if s.is_object() => Store::Js(s),
            Some(_) => return Err(invalid("store must be an object")),
            None => Store::Memory(MemoryStore::new()),
        };
        let simulated = SimulatedProvider::new();
        let (provider, simulated) = match field(&options, "provider") {
            Some(p) if p.is_object() => (Prov::Js(p), None),
            Some(_) => return Err(invalid("provider must be an object")),
            None => (Prov::Simulated(simulated.clone()), Some(simulated)),
        };
        let clock = match field(&options, "clock") {
            Some(c) if c.is_object() => JsClock::Js(c),
            Some(_) => return Err(invalid("clock must be an object with now()")),
            None => JsClock::System,
        };
        let config: ServiceConfig = match field(&options, "config") {
            Some(c) => arg(&c, "config")?,
            None => ServiceConfig::default(),
        };
        Ok(Numbers {
            inner: Rc::new(Service::new(store, provider, clock, config).map_err(|e| js_error(&e))?),
            simulated,
        })
    }

    /// The embedded simulated provider, or `invalid_input` when the host
    /// brought its own.
    fn simulated(&self) -> std::result::Result<&SimulatedProvider, JsValue> {
        self.simulated
            .as_ref()
            .ok_or_else(|| invalid("not the simulated provider"))
    }

    fn run(&self, op: &'static str, args: serde_json::Map<String, Value>) -> js_sys::Promise {
        let svc = self.inner.clone();
        future_to_promise(async move {
            let out = telnum::json::call_service(&svc, op, Value::Object(args))
                .await
                .map_err(|e| js_error(&e))?;
            to_js(&out)
        })
    }

    fn args(
        pairs: &[(&str, &JsValue)],
    ) -> std::result::Result<serde_json::Map<String, Value>, JsValue> {
        let mut m = serde_json::Map::new();
        for (k, v) in pairs {
            if v.is_undefined() {
                continue;
            }
            m.insert((*k).to_string(), crate::to_value(v, k)?);
        }
        Ok(m)
    }

    fn promise(&self, op: &'static str, pairs: &[(&str, &JsValue)]) -> js_sys::Promise {
        match Self::args(pairs) {
            Ok(a) => self.run(op, a),
            Err(e) => js_sys::Promise::reject(&e),
        }
    }

    /// Adds or replaces a telephony connection in the store.
    #[wasm_bindgen(js_name = putConnection)]
    pub fn put_connection(&self, connection: JsValue) -> js_sys::Promise {
        let svc = self.inner.clone();
        let c: std::result::Result<Connection, JsValue> = arg(&connection, "connection");
        future_to_promise(async move {
            let c = c?;
            svc.store()
                .put_connection(&c)
                .await
                .map_err(|e| js_error(&e))?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Adds or replaces a sub-account (`{ id, master, tenant }`) in the
    /// store; `assignSubAccount` resolves sub-accounts only through it.
    #[wasm_bindgen(js_name = putSubAccount)]
    pub fn put_sub_account(&self, sub_account: JsValue) -> js_sys::Promise {
        let svc = self.inner.clone();
        let s: std::result::Result<SubAccountRecord, JsValue> = arg(&sub_account, "sub_account");
        future_to_promise(async move {
            let s = s?;
            svc.store()
                .put_sub_account(&s)
                .await
                .map_err(|e| js_error(&e))?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Simulated provider only: gives a connection a number owned outside
    /// the app (to try import and sync).
    #[wasm_bindgen(js_name = simulateOwnedNumber)]
    pub fn simulate_owned_number(
        &self,
        connection_id: JsValue,
        owned: JsValue,
    ) -> std::result::Result<(), JsValue> {
        let p = self.simulated()?;
        let id: ConnectionId = arg(&connection_id, "connection_id")?;
        let o: OwnedNumber = arg(&owned, "owned")?;
        p.add_owned(&id, o);
        Ok(())
    }

    /// Simulated provider only: makes it behave as real providers do at
    /// times (`{action: "hold_orders", hold}`, `{action: "settle_orders",
    /// complete}`, `{action: "rate_limit", calls, retry_after_seconds}`,
    /// `{action: "fail_after_purchase", calls}`, `{action: "drop_number",
    /// connection_id, e164}`). Answers whether it applied.
    pub fn simulate(&self, simulation: JsValue) -> std::result::Result<bool, JsValue> {
        let p = self.simulated()?;
        let s: Simulation = arg(&simulation, "simulation")?;
        Ok(p.simulate(&s))
    }

    /// Simulated provider only: the number disappears from the account.
    #[wasm_bindgen(js_name = simulateDropNumber)]
    pub fn simulate_drop_number(
        &self,
        connection_id: JsValue,
        e164: JsValue,
    ) -> std::result::Result<bool, JsValue> {
        let p = self.simulated()?;
        let id: ConnectionId = arg(&connection_id, "connection_id")?;
        let e: E164 = arg(&e164, "e164")?;
        Ok(p.drop_owned(&id, &e))
    }

    /// Lists numbers (`query`: page/per_page or limit/offset, search, filters).
    pub fn list(&self, actor: JsValue, query: JsValue) -> js_sys::Promise {
        self.promise("list", &[("actor", &actor), ("query", &query)])
    }
    /// Searches inventory (`query.country` required).
    pub fn available(
        &self,
        actor: JsValue,
        connection_id: JsValue,
        query: JsValue,
    ) -> js_sys::Promise {
        self.promise(
            "available",
            &[
                ("actor", &actor),
                ("connection_id", &connection_id),
                ("query", &query),
            ],
        )
    }
    /// The price list of a country.
    pub fn pricing(
        &self,
        actor: JsValue,
        connection_id: JsValue,
        country: JsValue,
    ) -> js_sys::Promise {
        self.promise(
            "pricing",
            &[
                ("actor", &actor),
                ("connection_id", &connection_id),
                ("country", &country),
            ],
        )
    }
    /// Buys numbers (idempotent on `request.idempotency_key`).
    pub fn purchase(&self, actor: JsValue, request: JsValue) -> js_sys::Promise {
        self.promise("purchase", &[("actor", &actor), ("request", &request)])
    }
    /// Imports owned numbers (`confirm_replace_webhooks` required).
    #[wasm_bindgen(js_name = importOwned)]
    pub fn import_owned(&self, actor: JsValue, request: JsValue) -> js_sys::Promise {
        self.promise("import_owned", &[("actor", &actor), ("request", &request)])
    }
    /// The provider account's numbers, "already_imported" or "not_in_app".
    pub fn owned(&self, actor: JsValue, connection_id: JsValue) -> js_sys::Promise {
        self.promise(
            "owned",
            &[("actor", &actor), ("connection_id", &connection_id)],
        )
    }
    /// Registers a BYOT number.
    #[wasm_bindgen(js_name = addManual)]
    pub fn add_manual(&self, actor: JsValue, draft: JsValue) -> js_sys::Promise {
        self.promise("add_manual", &[("actor", &actor), ("draft", &draft)])
    }
    /// One number with its connection and allowed actions.
    pub fn get(&self, actor: JsValue, id: JsValue, reveal_secrets: JsValue) -> js_sys::Promise {
        self.promise(
            "get",
            &[
                ("actor", &actor),
                ("id", &id),
                ("reveal_secrets", &reveal_secrets),
            ],
        )
    }
    /// Changes fields; `expectedVersion` makes a stale write a conflict.
    pub fn update(
        &self,
        actor: JsValue,
        id: JsValue,
        patch: JsValue,
        expected_version: JsValue,
    ) -> js_sys::Promise {
        self.promise(
            "update",
            &[
                ("actor", &actor),
                ("id", &id),
                ("patch", &patch),
                ("expected_version", &expected_version),
            ],
        )
    }
    /// Activates.
    pub fn activate(&self, actor: JsValue, id: JsValue) -> js_sys::Promise {
        self.promise("activate", &[("actor", &actor), ("id", &id)])
    }
    /// Deactivates.
    pub fn deactivate(&self, actor: JsValue, id: JsValue) -> js_sys::Promise {
        self.promise("deactivate", &[("actor", &actor), ("id", &id)])
    }
    /// Reconciles a connection with its provider.
    pub fn sync(&self, actor: JsValue, connection_id: JsValue) -> js_sys::Promise {
        self.promise(
            "sync",
            &[("actor", &actor), ("connection_id", &connection_id)],
        )
    }
    /// Reconciles every active connection of the actor's tenant; one
    /// failing connection is reported and does not stop the others.
    #[wasm_bindgen(js_name = syncAccount)]
    pub fn sync_account(&self, actor: JsValue) -> js_sys::Promise {
        self.promise("sync_account", &[("actor", &actor)])
    }
    /// What the connection's provider sells, per country.
    pub fn countries(&self, actor: JsValue, connection_id: JsValue) -> js_sys::Promise {
        self.promise(
            "countries",
            &[("actor", &actor), ("connection_id", &connection_id)],
        )
    }
    /// A page of a number's audit trail, newest first.
    pub fn audit(&self, actor: JsValue, id: JsValue, query: JsValue) -> js_sys::Promise {
        self.promise(
            "audit",
            &[("actor", &actor), ("id", &id), ("query", &query)],
        )
    }
    /// Re-reads one number from the provider.
    pub fn resync(&self, actor: JsValue, id: JsValue) -> js_sys::Promise {
        self.promise("resync", &[("actor", &actor), ("id", &id)])
    }
    /// Configures webhooks at the provider, then on the record.
    #[wasm_bindgen(js_name = configureWebhooks)]
    pub fn configure_webhooks(
        &self,
        actor: JsValue,
        id: JsValue,
        webhooks: JsValue,
    ) -> js_sys::Promise {
        self.promise(
            "configure_webhooks",
            &[("actor", &actor), ("id", &id), ("webhooks", &webhooks)],
        )
    }
    /// Releases (`mode`: `"hard"` default, or `"soft"`).
    pub fn release(&self, actor: JsValue, id: JsValue, mode: JsValue) -> js_sys::Promise {
        self.promise(
            "release",
            &[("actor", &actor), ("id", &id), ("mode", &mode)],
        )
    }
    /// Assigns to a sub-account of the same master.
    #[wasm_bindgen(js_name = assignSubAccount)]
    pub fn assign_sub_account(
        &self,
        actor: JsValue,
        id: JsValue,
        sub_account: JsValue,
    ) -> js_sys::Promise {
        self.promise(
            "assign_sub_account",
            &[
                ("actor", &actor),
                ("id", &id),
                ("sub_account", &sub_account),
            ],
        )
    }
    /// Moves back to the parent pool under the cool-off (`force` by an admin).
    #[wasm_bindgen(js_name = unassignSubAccount)]
    pub fn unassign_sub_account(
        &self,
        actor: JsValue,
        id: JsValue,
        force: JsValue,
    ) -> js_sys::Promise {
        self.promise(
            "unassign_sub_account",
            &[("actor", &actor), ("id", &id), ("force", &force)],
        )
    }
    /// Records a call at `at` (drives the cool-off).
    #[wasm_bindgen(js_name = recordCall)]
    pub fn record_call(&self, actor: JsValue, id: JsValue, at: JsValue) -> js_sys::Promise {
        let at = match crate::arg_time(&at, "at") {
            Ok(t) => JsValue::from_str(&telnum::error::rfc3339(t)),
            Err(e) => return js_sys::Promise::reject(&e),
        };
        self.promise(
            "record_call",
            &[("actor", &actor), ("id", &id), ("at", &at)],
        )
    }
}
