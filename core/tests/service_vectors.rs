//! Runs tests/vectors/service.json: service scenarios on the embedded
//! store and simulated provider with a manual clock. The Node and C
//! runners read the same file and must reach the same results.

mod common;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};
use telnum::memory::{block_on, ManualClock, MemoryStore};
use telnum::ports::NumberStore;
use telnum::service::{Numbers, ServiceConfig};
use telnum::simulated::SimulatedProvider;

type Svc = Numbers<MemoryStore, SimulatedProvider, ManualClock>;

fn arg<T: serde::de::DeserializeOwned>(args: &Map<String, Value>, name: &str) -> T {
    serde_json::from_value(args.get(name).cloned().unwrap_or(Value::Null))
        .unwrap_or_else(|e| panic!("argument {name}: {e}"))
}

/// One step: the operations that are not `json::call_service`'s go to the
/// store and the simulated provider, as the bindings' generated entry
/// points do.
fn run(
    svc: &Svc,
    sim: &SimulatedProvider,
    op: &str,
    args: Map<String, Value>,
) -> telnum::Result<Value> {
    match op {
        "put_connection" => {
            block_on(svc.store().put_connection(&arg(&args, "connection"))).map(|()| Value::Null)
        }
        "put_sub_account" => {
            block_on(svc.store().put_sub_account(&arg(&args, "sub_account"))).map(|()| Value::Null)
        }
        "simulate" => Ok(Value::from(sim.simulate(&arg(&args, "simulation")))),
        "simulate_owned_number" => {
            sim.add_owned(&arg(&args, "connection_id"), arg(&args, "owned"));
            Ok(Value::Null)
        }
        "simulate_drop_number" => Ok(Value::from(
            sim.drop_owned(&arg(&args, "connection_id"), &arg(&args, "e164")),
        )),
        _ => block_on(telnum::json::call_service(svc, op, Value::Object(args))),
    }
}

#[test]
fn service_vectors() {
    let path = format!(
        "{}/../tests/vectors/service.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
    let mut failures = Vec::new();
    let mut steps = 0;
    for sc in file["scenarios"].as_array().expect("scenarios") {
        let name = sc["name"].as_str().unwrap_or("?");
        let t0: DateTime<Utc> = serde_json::from_value(sc["clock"].clone()).expect("clock");
        let sim = SimulatedProvider::new();
        let svc = Numbers::new(
            MemoryStore::new(),
            sim.clone(),
            ManualClock::new(t0),
            ServiceConfig::default(),
        )
        .expect("service");
        for (i, step) in sc["steps"].as_array().expect("steps").iter().enumerate() {
            steps += 1;
            if let Some(s) = step["advance_seconds"].as_i64() {
                svc.clock().advance(Duration::seconds(s));
                continue;
            }
            let op = step["op"].as_str().expect("op");
            let args = step["args"].as_object().cloned().unwrap_or_default();
            let result = run(&svc, &sim, op, args);
            let expect = &step["expect"];
            let mut errors = Vec::new();
            match (&result, expect.get("error")) {
                (Ok(v), None) => {
                    if let Some(ok) = expect.get("ok") {
                        common::matches(ok, v, "ok", &mut errors);
                    }
                }
                (Err(e), Some(code)) => {
                    let got = e.to_json();
                    common::matches(code, &got["code"], "error", &mut errors);
                    if let Some(fields) = expect.get("fields") {
                        common::matches(fields, &got, "fields", &mut errors);
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
    assert!(steps > 30, "the file has its scenarios");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
