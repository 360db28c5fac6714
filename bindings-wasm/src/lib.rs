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
function freed(name, method) {
  return new TelnumError({
    code: 'invalid_input', status: 400, field: name,
    message: `this ${name} was freed; ${method}() needs a live one`,
  });
}
export function guardFreed(cls, name) {
  if (typeof cls !== 'function') return;
  const proto = cls.prototype;
  const fast = proto.__pickE164Fast;
  const fastPick = proto.__pickFast;
  for (const key of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, key);
    if (key === 'constructor' || typeof d.value !== 'function') continue;
    const inner = d.value;
    Object.defineProperty(proto, key, {
      ...d,
      value: function (...args) {
        if (this.__wbg_ptr === 0) {
          throw freed(name, key);
        }
        return inner.apply(this, args);
      },
    });
  }
  if (typeof proto.__pickE164 === 'function') installPickE164(proto, proto.__pickE164, fast, name);
  if (typeof fastPick === 'function') installPick(proto, proto.pick, fastPick, name);
}
// CallerIdPool#pick for the common call, a callee with no history
// ({ e164 } only) at a time given in milliseconds or as a Date: the answer
// is built here from numbers and cached strings, field for field what the
// JSON path answers (the Node tests compare the two). Anything else, or an
// answer the numbers cannot carry exactly, takes the JSON path.
const MAX_MS = 253402300800000; // 10000-01-01: toISOString's plain range
const DAYS = new Map();
function dayString(days) {
  let d = DAYS.get(days);
  if (d === undefined) {
    d = new Date(days * 86400000).toISOString().slice(0, 10);
    if (DAYS.size > 4096) DAYS.clear();
    DAYS.set(days, d);
  }
  return d;
}
const pad2 = (n) => (n < 10 ? `0${n}` : `${n}`);
// RFC 3339 as chrono writes it: no fraction for whole seconds, else 3 digits.
function iso(ms) {
  const days = Math.floor(ms / 86400000);
  let rest = ms - days * 86400000;
  const h = Math.floor(rest / 3600000);
  rest -= h * 3600000;
  const m = Math.floor(rest / 60000);
  rest -= m * 60000;
  const sec = Math.floor(rest / 1000);
  const frac = rest - sec * 1000;
  const f = frac === 0 ? '' : frac < 10 ? `.00${frac}` : frac < 100 ? `.0${frac}` : `.${frac}`;
  return `${dayString(days)}T${pad2(h)}:${pad2(m)}:${pad2(sec)}${f}Z`;
}
function memberString(pool, key, getter, slot) {
  const cache = pool[key] || (pool[key] = []);
  let v = cache[slot];
  if (v === undefined) v = cache[slot] = pool[getter](slot);
  return v;
}
function installPick(proto, slow, fast, name) {
  Object.defineProperty(proto, 'pick', {
    configurable: true, writable: true, enumerable: false,
    value: function pick(callee, now) {
      const ms = typeof now === 'number' ? now : now instanceof Date ? now.getTime() : NaN;
      if (Number.isInteger(ms) && ms >= 0 && ms < MAX_MS && callee !== null && typeof callee === 'object'
          && Object.getPrototypeOf(callee) === Object.prototype && typeof callee.e164 === 'string'
          && Object.keys(callee).length === 1 && CANONICAL.test(callee.e164)) {
        if (this.__wbg_ptr === 0) {
          throw freed(name, 'pick');
        }
        if (fast.call(this, Number(callee.e164.slice(1)), ms)) {
          let view = this.__answer;
          if (view === undefined || view.length === 0) view = this.__answer = this.__pickAnswer();
          // Copy the numbers out before any other call into the module: a
          // call that grows its memory detaches the view.
          const slot = view[0], t = view[1], day = view[2], calls = view[3], cap = view[4], picks = view[5];
          const usedMs = view[6], recentSlot = view[7], recentMs = view[8];
          const sticky = view[9], stickySlot = view[10], untilMs = view[11];
          const hour = view[12], hourlyCap = view[13];
          const id = memberString(this, '__ids', '__memberId', slot);
          let tier = TIER_NAMES[t];
          if (tier === undefined) tier = TIER_NAMES[t] = this.__tierName(t);
          const used = iso(usedMs);
          return {
            number_id: id,
            e164: memberString(this, '__e164s', '__memberE164', slot),
            tier,
            delta: {
              number_id: id,
              day: dayString(day),
              hour,
              increment_calls_today: calls,
              cap: cap < 0 ? null : cap,
              hourly_cap: hourlyCap < 0 ? null : hourlyCap,
              increment_picks: picks,
              last_used_at: used,
              callee: callee.e164,
              callee_recent: {
                number_id: memberString(this, '__ids', '__memberId', recentSlot),
                at: recentMs === usedMs ? used : iso(recentMs),
              },
              sticky: sticky === 1
                ? { number_id: memberString(this, '__ids', '__memberId', stickySlot), until: iso(untilMs) }
                : null,
            },
          };
        }
      }
      return slow.call(this, callee, now);
    },
  });
}
// CallerIdPool#pickE164, the dialer's hot path, without building a string
// in either direction: a canonical callee crosses as its digits (at most 15,
// exact in a double), the answer as a number (member slot * 16 + tier),
// and each member's E.164 and each tier's name is made once per pool.
const CANONICAL = /^\+[1-9][0-9]{1,14}$/;
const TIER_NAMES = [];
function installPickE164(proto, raw, fast, name) {
  Object.defineProperty(proto, 'pickE164', {
    configurable: true, writable: true, enumerable: false,
    value: function pickE164(callee, now, commit) {
      let r;
      if (typeof callee === 'string' && typeof now === 'number' && (commit === undefined || typeof commit === 'boolean')
          && CANONICAL.test(callee)) {
        if (this.__wbg_ptr === 0) {
          throw freed(name, 'pickE164');
        }
        r = fast.call(this, Number(callee.slice(1)), now, commit === true);
      } else {
        if (typeof callee !== 'string') {
          throw new TelnumError({ code: 'invalid_input', status: 400, field: 'callee', message: 'callee must be an E.164 string' });
        }
        r = raw.call(this, callee, now, commit);
      }
      const slot = Math.floor(r / 16);
      const t = r - slot * 16;
      const cache = this.__e164s || (this.__e164s = []);
      let e164 = cache[slot];
      if (e164 === undefined) e164 = cache[slot] = this.__memberE164(slot);
      let tier = TIER_NAMES[t];
      if (tier === undefined) tier = TIER_NAMES[t] = this.__tierName(t);
      return { e164, tier };
    },
  });
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

/// A typed argument.
#[cfg_attr(not(feature = "api"), allow(dead_code))]
pub(crate) fn arg<T: DeserializeOwned>(v: &JsValue, name: &str) -> Result<T, JsValue> {
    let text = to_json_js(v, name)?.ok_or_else(|| invalid(format!("{name} is required")))?;
    serde_json::from_str(&text).map_err(|e| invalid(format!("{name}: {e}")))
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
    // Cheapest checks first: a dialer passes milliseconds.
    if let Some(ms) = v.as_f64() {
        return ms_to_time(ms).ok_or_else(|| invalid(format!("{name} is out of range")));
    }
    if let Some(s) = v.as_string() {
        return telnum::interop::parse_time(&s, name).map_err(|e| js_error(&e));
    }
    if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        let ms = d.get_time();
        return ms_to_time(ms).ok_or_else(|| invalid(format!("{name} is an invalid Date")));
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
    /// Where `__pickFast` writes its answer, read in place by `pick`
    /// (boxed, so that its address stays put).
    answer: Box<RefCell<[f64; 14]>>,
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
            answer: Box::new(RefCell::new([0.0; 14])),
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

    /// The hot path of a dialer, as `pickE164` (installed on the class by
    /// the package's entry points) calls it: the callee as its digits (a
    /// number) or as a string, and the answer as `slot * 16 + tier`, with
    /// the slot of the member in the pool and the tier's index in
    /// `Tier::ALL` (see `__memberE164` and `__tierName`).
    #[wasm_bindgen(js_name = __pickE164)]
    pub fn pick_e164_raw(
        &self,
        callee: JsValue,
        now: JsValue,
        commit: JsValue,
    ) -> Result<f64, JsValue> {
        let callee = match callee.as_f64() {
            Some(d) if d.fract() == 0.0 && (10.0..1e15).contains(&d) => {
                let digits = format!("+{}", d as u64);
                telnum::E164::from_canonical(&digits)
            }
            Some(_) => return Err(invalid("callee must be an E.164 string")),
            None => {
                let s = callee
                    .as_string()
                    .ok_or_else(|| invalid("callee must be an E.164 string"))?;
                telnum::E164::from_canonical(&s)
            }
        }
        .map_err(|e| js_error(&e))?;
        let commit = match commit.as_bool() {
            Some(c) => c,
            None if commit.is_undefined() || commit.is_null() => false,
            None => return Err(invalid("commit must be a boolean")),
        };
        let now = arg_time(&now, "now")?;
        self.pick_packed(callee, now, commit)
    }

    /// `__pickE164` for the common case, with no JS object crossing: a
    /// canonical callee's digits, `now` in milliseconds, `commit`.
    #[wasm_bindgen(js_name = __pickE164Fast)]
    pub fn pick_e164_fast(&self, digits: f64, now_ms: f64, commit: bool) -> Result<f64, JsValue> {
        let callee = e164_of_digits(digits)?;
        let now = ms_to_time(now_ms).ok_or_else(|| invalid("now is out of range"))?;
        self.pick_packed(callee, now, commit)
    }

    fn pick_packed(
        &self,
        callee: telnum::E164,
        now: chrono::DateTime<chrono::Utc>,
        commit: bool,
    ) -> Result<f64, JsValue> {
        self.with(|p| {
            let picked = p.pick(&Callee::new(callee), now)?;
            if commit {
                p.apply(&picked.delta)?;
            }
            let slot = p
                .member_index(&picked.number_id)
                .ok_or_else(|| Error::invalid_input("the picked member left the pool"))?;
            let tier = telnum::Tier::ALL
                .iter()
                .position(|t| *t == picked.tier)
                .unwrap_or(0);
            Ok(slot as f64 * 16.0 + tier as f64)
        })
    }

    /// `pick` for a callee with no history at `now_ms`, written as numbers
    /// to the view of `__pickAnswer` (false when it could not be):
    /// `[slot, tier, day (days since 1970-01-01), increment_calls_today,
    /// cap (-1: none), increment_picks, last_used_at (ms), callee_recent's
    /// slot, callee_recent.at (ms), 1 if sticky else 0, sticky's slot,
    /// sticky.until (ms), hour, hourly_cap (-1: none)]`; false when a time is not whole milliseconds in
    /// 1970..9999 (the JSON path answers then).
    #[wasm_bindgen(js_name = __pickFast)]
    pub fn pick_fast(&self, digits: f64, now_ms: f64) -> Result<bool, JsValue> {
        let callee = e164_of_digits(digits)?;
        let now = ms_to_time(now_ms).ok_or_else(|| invalid("now is out of range"))?;
        self.with(|p| {
            let picked = p.pick(&Callee::new(callee), now)?;
            // The picked member's slot, looked up once: the recent use and
            // the sticky binding name the same member.
            let picked_slot = p.member_index(&picked.number_id).map(|s| s as f64);
            let slot = |id: &telnum::NumberId| {
                if *id == picked.number_id {
                    picked_slot
                } else {
                    p.member_index(id).map(|s| s as f64)
                }
            };
            let ms = |t: chrono::DateTime<chrono::Utc>| {
                let exact = t.timestamp_subsec_nanos().is_multiple_of(1_000_000);
                let m = t.timestamp_millis();
                (exact && (0..253_402_300_800_000).contains(&m)).then_some(m as f64)
            };
            let d = &picked.delta;
            let day = d
                .day
                .signed_duration_since(chrono::NaiveDate::default())
                .num_days();
            let tier = telnum::Tier::ALL.iter().position(|t| *t == picked.tier);
            let (sticky, sticky_slot, sticky_until) = match &d.sticky {
                None => (Some(0.0), Some(0.0), Some(0.0)),
                Some(b) => (Some(1.0), slot(&b.number_id), ms(b.until)),
            };
            let parts = [
                picked_slot,
                tier.map(|t| t as f64),
                (d.number_id == picked.number_id && (0..2_932_897).contains(&day))
                    .then_some(day as f64),
                Some(f64::from(d.increment_calls_today)),
                Some(d.cap.map_or(-1.0, f64::from)),
                Some(f64::from(d.increment_picks)),
                ms(d.last_used_at),
                slot(&d.callee_recent.number_id),
                ms(d.callee_recent.at),
                sticky,
                sticky_slot,
                sticky_until,
                Some(f64::from(d.hour)),
                Some(d.hourly_cap.map_or(-1.0, f64::from)),
            ];
            if d.callee != callee || parts.iter().any(Option::is_none) {
                return Ok(false);
            }
            let mut answer = self
                .answer
                .try_borrow_mut()
                .map_err(|_| Error::invalid_input("the pool is in use"))?;
            for (slot, part) in answer.iter_mut().zip(parts.iter().flatten()) {
                *slot = *part;
            }
            Ok(true)
        })
    }

    /// A view of the 14 numbers `__pickFast` writes, over the module's
    /// memory (made again by `pick` when the memory grows and detaches it).
    #[wasm_bindgen(js_name = __pickAnswer)]
    pub fn pick_answer(&self) -> js_sys::Float64Array {
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        let ptr = self.answer.as_ptr() as u32;
        js_sys::Float64Array::new_with_byte_offset_and_length(&memory.buffer(), ptr, 14)
    }

    /// The number id of the member in `slot` (for `pick`).
    #[wasm_bindgen(js_name = __memberId)]
    pub fn member_id(&self, slot: u32) -> Result<String, JsValue> {
        self.with(|p| {
            p.spec()
                .members
                .get(slot as usize)
                .map(|m| m.number_id.as_str().to_string())
                .ok_or_else(|| Error::invalid_input("no member in that slot"))
        })
    }

    /// The E.164 of the member in `slot` (for `pickE164`).
    #[wasm_bindgen(js_name = __memberE164)]
    pub fn member_e164(&self, slot: u32) -> Result<String, JsValue> {
        self.with(|p| {
            p.spec()
                .members
                .get(slot as usize)
                .map(|m| m.e164.as_str().to_string())
                .ok_or_else(|| Error::invalid_input("no member in that slot"))
        })
    }

    /// The name of the tier at `index` in `Tier::ALL` (for `pickE164`).
    #[wasm_bindgen(js_name = __tierName)]
    pub fn tier_name(&self, index: u32) -> Result<String, JsValue> {
        telnum::Tier::ALL
            .get(index as usize)
            .map(|t| t.as_str().to_string())
            .ok_or_else(|| invalid("no tier at that index"))
    }
}

/// A canonical number from its digits (at most 15, so exact in a double).
#[cfg(feature = "api")]
fn e164_of_digits(digits: f64) -> Result<telnum::E164, JsValue> {
    if !(digits.fract() == 0.0 && (10.0..1e15).contains(&digits)) {
        return Err(invalid("callee must be an E.164 string"));
    }
    let mut buf = [0u8; 16];
    let mut n = digits as u64;
    let mut i = buf.len();
    while n > 0 {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    i -= 1;
    buf[i] = b'+';
    telnum::E164::from_canonical_bytes(&buf[i..]).map_err(|e| js_error(&e))
}
