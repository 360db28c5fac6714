//! The `Numbers` class: telnum's service over a JS store and provider whose
//! methods may return values or Promises, or over the embedded in-memory
//! store and simulated provider. The adapter from JS objects to ports is
//! `telnum::interop::ports`, shared with the C binding: this module only
//! calls JS methods. The operations themselves are in `generated.rs`.

use std::future::Future;
use std::rc::Rc;

use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use telnum::interop::ports::{Host, PortOp, Prov, Reported, Store};
use telnum::memory::MemoryStore;
use telnum::ports::{Clock, MaybeSend};
use telnum::service::{Numbers as Service, ServiceConfig};
use telnum::simulated::SimulatedProvider;
use telnum::{Error, Result};

use crate::{arg, from_json_js, invalid, js_error, ms_to_time, to_json_js};

/// A JS port object: each operation is the method named
/// [`PortOp::js_name`], called with the JSON arguments as plain values;
/// its value or Promise is awaited.
pub(crate) struct JsHost(JsValue);

impl JsHost {
    fn method(&self, op: PortOp) -> Option<js_sys::Function> {
        js_sys::Reflect::get(&self.0, &JsValue::from_str(op.js_name()))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    }

    async fn invoke(&self, op: PortOp, args: Vec<Value>) -> std::result::Result<Value, Reported> {
        let port = match op.port() {
            telnum::ports::PortKind::Store => "store",
            telnum::ports::PortKind::Provider => "provider",
        };
        let Some(f) = self.method(op) else {
            return Err(Reported {
                value: Value::Null,
                message: format!("{port}.{} is not a function", op.js_name()),
            });
        };
        let arr = js_sys::Array::new();
        for a in &args {
            arr.push(&from_json_js(&a.to_string()));
        }
        let result = match f.apply(&self.0, &arr) {
            Ok(r) => JsFuture::from(js_sys::Promise::resolve(&r)).await,
            Err(e) => Err(e),
        };
        let value = result.map_err(|e| reported(e, port))?;
        let what = format!("{port}.{}() result", op.js_name());
        let text = to_json_js(&value, &what)
            .map_err(|e| reported(e, port))?
            .unwrap_or_else(|| "null".into());
        serde_json::from_str(&text).map_err(|e| Reported {
            value: Value::Null,
            message: format!("{what} is not JSON: {e}"),
        })
    }
}

/// What a JS port threw: an object's own properties (a telnum `code`,
/// `expected`, `actual`, …) and its message.
fn reported(e: JsValue, port: &str) -> Reported {
    let mut value: Value = to_json_js(&e, port)
        .ok()
        .flatten()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null);
    let message = js_sys::Reflect::get(&e, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("the host {port} failed"));
    if value.is_object() {
        value["message"] = Value::from(message.clone());
    }
    Reported { value, message }
}

impl Host for JsHost {
    fn call(
        &self,
        op: PortOp,
        args: Vec<Value>,
    ) -> impl Future<Output = std::result::Result<Value, Reported>> + MaybeSend {
        self.invoke(op, args)
    }

    fn has(&self, op: PortOp) -> bool {
        self.method(op).is_some()
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

type Svc = Service<Store<JsHost>, Prov<JsHost>, JsClock>;

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
            Some(s) if s.is_object() => Store::Host(JsHost(s)),
            Some(_) => return Err(invalid("store must be an object")),
            None => Store::Embedded(MemoryStore::new()),
        };
        let simulated = SimulatedProvider::new();
        let (provider, simulated) = match field(&options, "provider") {
            Some(p) if p.is_object() => (Prov::Host(JsHost(p)), None),
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
    pub(crate) fn simulated_provider(&self) -> Result<&SimulatedProvider> {
        self.simulated
            .as_ref()
            .ok_or_else(|| Error::invalid_input("not the simulated provider"))
    }

    pub(crate) fn service(&self) -> Rc<Svc> {
        self.inner.clone()
    }
}
