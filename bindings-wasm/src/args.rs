//! Reading the arguments of the generated entry points (see
//! `telnum::interop::ArgKind`).

use serde::de::DeserializeOwned;
use telnum::interop::FromText;
use wasm_bindgen::JsValue;

use crate::{arg, invalid, invalid_field, js_error};

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// A JSON argument of type `T` (required).
#[allow(dead_code)]
pub(crate) fn js_json<T: DeserializeOwned>(v: &JsValue, name: &str) -> Result<T, JsValue> {
    arg(v, name)
}

/// An optional JSON argument: `undefined` or `null` is none.
#[allow(dead_code)]
pub(crate) fn js_json_opt<T: DeserializeOwned>(
    v: &JsValue,
    name: &str,
) -> Result<Option<T>, JsValue> {
    if absent(v) {
        Ok(None)
    } else {
        arg(v, name).map(Some)
    }
}

/// A string argument, read with the value's own constructor.
pub(crate) fn js_text<T: FromText>(v: &JsValue, name: &str) -> Result<T, JsValue> {
    let s = v
        .as_string()
        .ok_or_else(|| invalid_field(name, format!("{name} must be a string")))?;
    T::from_text(&s).map_err(|e| js_error(&e))
}

/// An optional string argument: `undefined` or `null` is none.
pub(crate) fn js_text_opt<T: FromText>(v: &JsValue, name: &str) -> Result<Option<T>, JsValue> {
    if absent(v) {
        Ok(None)
    } else {
        js_text(v, name).map(Some)
    }
}

/// A time: an RFC 3339 string, a `Date` or milliseconds since the epoch.
#[allow(dead_code)]
pub(crate) fn js_time(v: &JsValue, name: &str) -> Result<chrono::DateTime<chrono::Utc>, JsValue> {
    if absent(v) {
        return Err(invalid(format!("{name} is required")));
    }
    crate::arg_time(v, name)
}

/// An optional time.
#[allow(dead_code)]
pub(crate) fn js_time_opt(
    v: &JsValue,
    name: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, JsValue> {
    if absent(v) {
        Ok(None)
    } else {
        crate::arg_time(v, name).map(Some)
    }
}
