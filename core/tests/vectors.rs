//! Runs the scenario vectors of `tests/vectors/` (lifecycle, pool) through
//! the Rust API's JSON facade, `telnum::json::call`. The Node and C runners
//! read the same files and must reach the same results.

use serde_json::{Map, Value};

mod common;
use common::matches;

fn run_file(name: &str) -> usize {
    let path = format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("read vector file");
    let file: Value = serde_json::from_str(&text).expect("vector JSON");
    let mut failures = Vec::new();
    let mut steps = 0;
    for sc in file["scenarios"].as_array().expect("scenarios") {
        let name = sc["name"].as_str().unwrap_or("?");
        let mut state: Map<String, Value> = sc["state"].as_object().cloned().unwrap_or_default();
        for (i, step) in sc["steps"].as_array().expect("steps").iter().enumerate() {
            steps += 1;
            let op = step["op"].as_str().expect("op");
            let mut args = step["args"].as_object().cloned().unwrap_or_default();
            for key in step["use"].as_array().into_iter().flatten() {
                let key = key.as_str().expect("use key");
                if let Some(v) = state.get(key) {
                    args.insert(key.to_string(), v.clone());
                }
            }
            let result = telnum::json::call(op, Value::Object(args));
            let expect = &step["expect"];
            let mut errors = Vec::new();
            match (&result, expect.get("error")) {
                (Ok(v), None) => {
                    matches(&expect["ok"], v, "ok", &mut errors);
                    for (key, from) in step["save"].as_object().into_iter().flatten() {
                        match &v[from.as_str().expect("save path")] {
                            Value::Null => {
                                state.remove(key);
                            }
                            part => {
                                state.insert(key.clone(), part.clone());
                            }
                        }
                    }
                }
                (Err(e), Some(code)) => {
                    let json = e.to_json();
                    matches(code, &json["code"], "error", &mut errors);
                    if let Some(fields) = expect.get("fields") {
                        matches(fields, &json, "fields", &mut errors);
                    }
                }
                (Ok(v), Some(code)) => errors.push(format!("expected error {code}, got {v}")),
                (Err(e), None) => errors.push(format!("unexpected error {}", e.to_json())),
            }
            for e in errors {
                failures.push(format!("{name} / step {i} ({op}): {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    steps
}

#[test]
fn lifecycle_vectors() {
    assert!(run_file("lifecycle.json") > 50);
}

#[test]
fn pool_vectors() {
    assert!(run_file("pool.json") > 10);
}

#[test]
fn lifecycle_vectors_cover_every_lifecycle_error_code() {
    let text = std::fs::read_to_string(format!(
        "{}/../tests/vectors/lifecycle.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    for code in [
        "not_found",
        "forbidden",
        "invalid_transition",
        "version_conflict",
        "number_not_bound",
        "not_supported",
        "read_only_field",
        "invalid_webhook_url",
        "validation_failed",
        "confirmation_required",
        "country_not_allowed",
        "did_cool_off_in_effect",
        "number_aging",
        "sub_account_mismatch",
        "already_assigned",
        "not_assigned",
    ] {
        assert!(
            text.contains(&format!("\"error\": \"{code}\"")),
            "no vector expects {code}"
        );
    }
}
