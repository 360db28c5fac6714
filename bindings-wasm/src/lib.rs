//! The JavaScript binding of telnum, through WebAssembly.
//!
//! Thin: it converts and forwards; no rule lives here. Data crosses as plain
//! JS objects shaped like the Rust serde form; errors are thrown as
//! `TelnumError` (a JS `Error` subclass) with `.code`, `.status` and the
//! structured fields in camelCase. Garbage arguments get a coded error,
//! never a panic or a trap.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use telnum::{Country, Error, E164};

#[wasm_bindgen(inline_js = r#"
export class TelnumError extends Error {
  constructor(fields) {
    super(fields.message);
    this.name = 'TelnumError';
    for (const [k, v] of Object.entries(fields)) {
      if (k === 'message') continue;
      const camel = k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
      this[camel] = v;
    }
  }
}
export function makeError(json) { return new TelnumError(JSON.parse(json)); }
export function errorClass() { return TelnumError; }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(json: &str) -> JsValue;
    #[wasm_bindgen(js_name = errorClass)]
    fn error_class() -> JsValue;
}

/// The `TelnumError` class, for `instanceof` checks (the package re-exports
/// it as `TelnumError`).
#[wasm_bindgen(js_name = "__telnumErrorClass")]
pub fn telnum_error_class() -> JsValue {
    error_class()
}

/// Converts a core error into a thrown `TelnumError`.
pub(crate) fn js_error(e: &Error) -> JsValue {
    make_error(&e.to_json().to_string())
}

pub(crate) fn invalid(message: impl Into<String>) -> JsValue {
    js_error(&Error::invalid_input(message))
}

/// Serialises a value into a plain JS object (maps as objects, None as null).
pub(crate) fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| invalid(format!("cannot convert result: {e}")))
}

/// A required string argument.
pub(crate) fn arg_str(v: &JsValue, name: &str) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| invalid(format!("{name} must be a string")))
}

/// An optional string argument: `undefined` and `null` mean absent.
pub(crate) fn arg_opt_str(v: &JsValue, name: &str) -> Result<Option<String>, JsValue> {
    if v.is_undefined() || v.is_null() {
        Ok(None)
    } else {
        arg_str(v, name).map(Some)
    }
}

pub(crate) fn arg_region(v: &JsValue) -> Result<Option<Country>, JsValue> {
    arg_opt_str(v, "region")?
        .map(|r| Country::new(&r).map_err(|e| js_error(&e)))
        .transpose()
}

/// Parses what a person typed into E.164. `region` is an optional ISO
/// 3166-1 alpha-2 default region for national formats. Returns
/// `{ e164, country_calling_code, national_number, region, kind }` or throws
/// a `TelnumError`.
#[wasm_bindgen(js_name = parseE164, skip_typescript)]
pub fn parse_e164(input: JsValue, region: JsValue) -> Result<JsValue, JsValue> {
    let input = arg_str(&input, "input")?;
    let region = arg_region(&region)?;
    let n = E164::parse(&input, region).map_err(|e| js_error(&e))?;
    to_js(&n.info())
}
