//! The JavaScript binding of telnum, through WebAssembly.
//!
//! Thin: it converts and forwards; no rule lives here. Values cross as
//! plain JS objects shaped exactly like the Rust serde form (snake_case
//! fields, RFC 3339 times, money in integer minor units); they go through
//! JSON so that JS, C and Rust see one form. Errors are thrown as
//! `TelnumError` (a JS `Error` subclass) with `.code`, `.status` and the
//! structured fields in camelCase. Garbage arguments get a coded error,
//! never a panic or a trap.
//!
//! Every operation is declared once, in `telnum::interop::OPERATIONS`;
//! `generated.rs` holds its entry points (functions, `CallerIdPool` and
//! `Numbers` methods), rendered from that table like the C binding's.
//! This file keeps the conversions, the pool's constructor and its
//! allocation-free `pickE164`; `ports.rs` the `Numbers` class over a JS
//! store and provider (methods may return values or Promises) through
//! `telnum::interop::ports`, or the embedded defaults.

// JS ports return futures that are not `Send`; `MaybeSend` only allows that
// on wasm32, the one target this binding runs on.
mod args;
#[rustfmt::skip]
mod generated;
#[cfg(all(target_arch = "wasm32", feature = "api"))]
mod ports;

#[cfg(feature = "api")]
use std::cell::RefCell;
#[cfg(feature = "api")]
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[cfg(feature = "api")]
use telnum::pool::{Callee, Usage};
use telnum::Error;
#[cfg(feature = "api")]
use telnum::{CallerIdPool, PoolSpec};

#[cfg(all(target_arch = "wasm32", feature = "api"))]
pub use ports::Numbers;

#[wasm_bindgen(inline_js = r#"
const BRAND = Symbol.for('telnum.TelnumError');
const camel = (k) => k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const snake = (k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
// Every error telnum throws. The code, status and fields are camelCase own
// properties; `cause` holds the same data in the snake_case form of the C
// error JSON, so it survives structuredClone (postMessage), which keeps
// only an Error's message and cause. `instanceof` works across the Node,
// ESM and browser entry points (one brand, not one class object).
export class TelnumError extends Error {
  constructor(fields) {
    const f = fields && typeof fields === 'object' ? fields : {};
    const data = {};
    for (const [k, v] of Object.entries(f)) if (k !== 'message') data[k] = v;
    super(String(f.message ?? f.code ?? 'telnum error'), { cause: data });
    Object.defineProperty(this, 'name', { value: 'TelnumError', enumerable: false, configurable: true, writable: true });
    Object.defineProperty(this, BRAND, { value: true });
    for (const [k, v] of Object.entries(data)) this[camel(k)] = v;
  }
  static [Symbol.hasInstance](x) {
    return x !== null && typeof x === 'object' && x[BRAND] === true;
  }
  // The JSON form: name, message, code, status and the camelCase fields.
  toJSON() {
    const out = { name: 'TelnumError', message: this.message };
    for (const [k, v] of Object.entries(this)) out[k] = v;
    return out;
  }
  // A TelnumError again from its JSON form or from a structured clone.
  static from(x) {
    if (x instanceof TelnumError) return x;
    if (x === null || typeof x !== 'object') {
      return new TelnumError({ code: 'invalid_input', status: 400, message: 'TelnumError.from needs an object' });
    }
    if (x.cause && typeof x.cause === 'object' && typeof x.cause.code === 'string') {
      return new TelnumError({ ...x.cause, message: x.message });
    }
    const f = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'name') f[snake(k)] = v;
    return new TelnumError(f);
  }
}
export function makeError(json) { return new TelnumError(JSON.parse(json)); }
export function errorClass() { return TelnumError; }
function refuse(path, what) {
  return new TelnumError({
    code: 'invalid_input', status: 400, field: path,
    message: `${path}: ${what} cannot cross to telnum (JSON would turn it into something else)`,
  });
}
// Refuses, anywhere in a value, what JSON.stringify would silently change:
// NaN and ±Infinity (null), an Invalid Date (null), BigInt, Symbol and
// functions (dropped or thrown), undefined in an array (null), Map and Set
// ({}), and cycles. `path` names the field in the error.
function check(v, path, seen) {
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) throw refuse(path, String(v));
      return;
    case 'bigint': throw refuse(path, 'a BigInt');
    case 'symbol': throw refuse(path, 'a Symbol');
    case 'function': throw refuse(path, 'a function');
    case 'object': {
      if (v === null) return;
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) throw refuse(path, 'an Invalid Date');
        return;
      }
      if (v instanceof Map || v instanceof Set) throw refuse(path, `a ${v.constructor.name}`);
      if (seen.has(v)) throw refuse(path, 'a circular reference');
      seen.add(v);
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i += 1) {
          if (v[i] === undefined) throw refuse(`${path}[${i}]`, 'undefined in an array');
          check(v[i], `${path}[${i}]`, seen);
        }
      } else if (typeof v.toJSON !== 'function') {
        for (const [k, x] of Object.entries(v)) check(x, `${path}.${k}`, seen);
      }
      seen.delete(v);
      return;
    }
    default:
      return;
  }
}
export function toJson(v, name) {
  if (v === undefined) return undefined;
  check(v, name || 'argument', new Set());
  return JSON.stringify(v);
}
// After free(), every method and a second free() throw a coded TelnumError
// instead of wasm-bindgen's plain "null pointer passed to rust".
export function guardFreed(cls, name) {
  if (typeof cls !== 'function') return;
  const proto = cls.prototype;
  for (const key of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, key);
    if (key === 'constructor' || typeof d.value !== 'function') continue;
    const inner = d.value;
    Object.defineProperty(proto, key, {
      ...d,
      value: function (...args) {
        if (this.__wbg_ptr === 0) {
          throw new TelnumError({
            code: 'invalid_input', status: 400, field: name,
            message: `this ${name} was freed; ${key}() needs a live one`,
          });
        }
        return inner.apply(this, args);
      },
    });
  }
}
export function fromJson(s) { return JSON.parse(s); }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(json: &str) -> JsValue;
    #[wasm_bindgen(js_name = errorClass)]
    fn error_class() -> JsValue;
    #[wasm_bindgen(js_name = toJson, catch)]
    fn to_json_js(v: &JsValue, name: &str) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(js_name = fromJson)]
    fn from_json_js(s: &str) -> JsValue;
}

/// The `TelnumError` class, for `instanceof` checks (the package re-exports
/// it as `TelnumError`).
#[wasm_bindgen(js_name = "__telnumErrorClass", skip_typescript)]
pub fn telnum_error_class() -> JsValue {
    error_class()
}

/// A core error as a thrown `TelnumError`.
pub(crate) fn js_error(e: &Error) -> JsValue {
    make_error(&e.to_json().to_string())
}

/// `invalid_input` naming the argument in `field`, as the JSON checks do.
pub(crate) fn invalid_field(field: &str, message: impl Into<String>) -> JsValue {
    let mut v = Error::invalid_input(message).to_json();
    v["field"] = Value::from(field);
    make_error(&v.to_string())
}

pub(crate) fn invalid(message: impl Into<String>) -> JsValue {
    js_error(&Error::invalid_input(message))
}

/// Any JS value as JSON (`invalid_input` for what JSON cannot hold).
pub(crate) fn to_value(v: &JsValue, name: &str) -> Result<Value, JsValue> {
    // A TelnumError thrown by the check (naming the field) goes through
    // as it is.
    let text = to_json_js(v, name)?.ok_or_else(|| invalid(format!("{name} is required")))?;
    serde_json::from_str(&text).map_err(|e| invalid(format!("{name}: {e}")))
}

/// A typed argument.
#[cfg_attr(not(feature = "api"), allow(dead_code))]
pub(crate) fn arg<T: DeserializeOwned>(v: &JsValue, name: &str) -> Result<T, JsValue> {
    serde_json::from_value(to_value(v, name)?).map_err(|e| invalid(format!("{name}: {e}")))
}

/// A value back to JS as a plain object.
pub(crate) fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    let text =
        serde_json::to_string(v).map_err(|e| invalid(format!("cannot convert result: {e}")))?;
    Ok(from_json_js(&text))
}

/// A time argument: an RFC 3339 string, a `Date`, or milliseconds since the
/// epoch.
#[cfg_attr(not(feature = "api"), allow(dead_code))]
pub(crate) fn arg_time(v: &JsValue, name: &str) -> Result<chrono::DateTime<chrono::Utc>, JsValue> {
    if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        let ms = d.get_time();
        return ms_to_time(ms).ok_or_else(|| invalid(format!("{name} is an invalid Date")));
    }
    if let Some(ms) = v.as_f64() {
        return ms_to_time(ms).ok_or_else(|| invalid(format!("{name} is out of range")));
    }
    arg(v, name)
}

#[cfg_attr(not(feature = "api"), allow(dead_code))]
pub(crate) fn ms_to_time(ms: f64) -> Option<chrono::DateTime<chrono::Utc>> {
    if !ms.is_finite() {
        return None;
    }
    chrono::DateTime::from_timestamp_millis(ms as i64)
}

/// A campaign's caller-ID pool (see `telnum::pool`).
#[cfg(feature = "api")]
#[wasm_bindgen(js_name = CallerIdPool, skip_typescript)]
pub struct JsPool {
    inner: Rc<RefCell<CallerIdPool>>,
}

#[cfg(feature = "api")]
#[wasm_bindgen(js_class = CallerIdPool)]
impl JsPool {
    /// `new CallerIdPool(spec, usage?)`.
    #[wasm_bindgen(constructor)]
    pub fn new(spec: JsValue, usage: JsValue) -> Result<JsPool, JsValue> {
        let spec: PoolSpec = arg(&spec, "spec")?;
        let usage: Usage = if usage.is_undefined() || usage.is_null() {
            Usage::default()
        } else {
            arg(&usage, "usage")?
        };
        let p = CallerIdPool::with_usage(spec, usage).map_err(|e| js_error(&e))?;
        Ok(JsPool {
            inner: Rc::new(RefCell::new(p)),
        })
    }

    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut CallerIdPool) -> Result<T, Error>,
    ) -> Result<T, JsValue> {
        let mut p = self
            .inner
            .try_borrow_mut()
            .map_err(|_| invalid("the pool is in use"))?;
        f(&mut p).map_err(|e| js_error(&e))
    }

    /// The hot path of a dialer: the caller ID and tier for a callee given
    /// as canonical E.164 (no history) at `now`, with no JSON either way;
    /// `commit` applies the pick's delta to this pool at once. Use `pick`
    /// when the callee has a history or a sticky binding, or when the delta
    /// must go through a shared store first.
    #[wasm_bindgen(js_name = pickE164)]
    pub fn pick_e164(
        &self,
        callee: JsValue,
        now: JsValue,
        commit: JsValue,
    ) -> Result<JsValue, JsValue> {
        let callee = callee
            .as_string()
            .ok_or_else(|| invalid("callee must be an E.164 string"))?;
        let callee = telnum::E164::from_canonical(&callee).map_err(|e| js_error(&e))?;
        let commit = match commit.as_bool() {
            Some(c) => c,
            None if commit.is_undefined() || commit.is_null() => false,
            None => return Err(invalid("commit must be a boolean")),
        };
        let now = arg_time(&now, "now")?;
        let (e164, tier) = self.with(|p| {
            let picked = p.pick(&Callee::new(callee), now)?;
            if commit {
                p.apply(&picked.delta)?;
            }
            Ok((picked.e164, picked.tier))
        })?;
        let out = js_sys::Object::new();
        js_sys::Reflect::set(
            &out,
            &JsValue::from_str("e164"),
            &JsValue::from_str(e164.as_str()),
        )?;
        js_sys::Reflect::set(
            &out,
            &JsValue::from_str("tier"),
            &JsValue::from_str(tier.as_str()),
        )?;
        Ok(out.into())
    }
}
