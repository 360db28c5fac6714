//! The JSON facade never panics on extreme numbers in host policies and
//! arguments (chrono panics on out-of-range durations if asked naively).

use proptest::prelude::*;
use serde_json::json;
use telnum::json::call;

fn record() -> serde_json::Value {
    json!({"id":"n1","tenant":"acme","account":"MA_1","sub_account":"SA_1","e164":"+14155550100","country":"US",
           "kind":"local","source":"purchased","management":"platform_managed","status":"active",
           "last_call_at":"2026-01-01T00:00:00Z","created_at":"2026-01-01T00:00:00Z",
           "updated_at":"2026-01-01T00:00:00Z","version":1})
}

fn pool(n: i64) -> serde_json::Value {
    json!({"campaign_id":"c","tenant":"acme",
           "members":[{"number_id":"a","e164":"+12125550101","country":"US","weight":1,
                       "added_at":"2026-01-01T00:00:00Z","warm_up":true}],
           "policy":{"warmup_seconds":n,"rest_seconds":n,
                     "callee_mode":{"mode":"rotate","last_calls":1,"within_seconds":n}}})
}

fn extreme() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MAX),
        Just(i64::MIN),
        Just(0),
        Just(-1),
        any::<i64>()
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn extreme_durations_give_answers_not_panics(n in extreme()) {
        let now = "2026-05-01T00:00:00Z";
        let results = [
            call("check_cool_off", json!({"last_call_at": now, "now": now, "cool_off_seconds": n})),
            call("check_aging", json!({"released_by":"a","released_at":now,"acquirer":"b","now":now,"aging_seconds":n})),
            call("apply_command", json!({"record": record(), "command": {"type":"unassign_from_sub_account"},
                                 "actor": {"tenant":"acme","role":"admin"}, "now": now,
                                 "policy": {"cool_off_seconds": n, "aging_seconds": n}})),
            call("sync_diff", json!({"records":[record()],"owned":[],"now":now,"pending_timeout_seconds":n})),
            call("snapshot_pick", json!({"pool": pool(n), "callee":{"e164":"+12125559999"}, "now": now})),
            call("snapshot_record_outcome", json!({"pool": pool(n),
                 "outcome":{"number_id":"a","answered":false,"carrier_blocked":true,"at":now}})),
            call("snapshot_campaign_health", json!({"pool": pool(n), "now": "+262143-12-31T23:59:59Z"})),
        ];
        for r in results {
            if let Err(e) = r {
                prop_assert!(telnum::Error::CODES.contains(&e.code()));
            }
        }
    }
}

#[test]
fn negative_durations_are_refused_not_read_as_none() {
    let now = "2026-05-01T00:00:00Z";
    let refused = [
        call(
            "check_cool_off",
            json!({"last_call_at": now, "now": now, "cool_off_seconds": -1}),
        ),
        call(
            "check_aging",
            json!({"released_by":"a","released_at":now,"acquirer":"b","now":now,"aging_seconds":-1}),
        ),
        call(
            "apply_command",
            json!({"record": record(), "command": {"type":"unassign_from_sub_account"},
                   "actor": {"tenant":"acme","role":"admin"}, "now": now,
                   "policy": {"cool_off_seconds": -1}}),
        ),
        call(
            "sync_diff",
            json!({"records":[],"owned":[],"now":now,"pending_timeout_seconds":-5}),
        ),
        call(
            "snapshot_pick",
            json!({"pool": pool(-1), "callee":{"e164":"+12125559999"}, "now": now}),
        ),
    ];
    for r in refused {
        let e = r.unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.to_string().contains("negative"), "{e}");
    }
}

#[test]
fn unknown_fields_are_refused_in_every_input() {
    let now = "2026-05-01T00:00:00Z";
    let admin = json!({"tenant":"acme","role":"admin"});
    let cases = [
        // A misspelt policy field (cool_off_secs) kept the 15-day default.
        call(
            "apply_command",
            json!({"record": record(), "command": {"type":"activate"}, "actor": admin, "now": now,
                   "policy": {"cool_off_secs": 0}}),
        ),
        call(
            "apply_command",
            json!({"record": record(), "command": {"type":"activate"}, "now": now,
                   "actor": {"tenant":"acme","role":"admin","tenant_id":"x"}}),
        ),
        call(
            "apply_command",
            json!({"record": record(), "command": {"type":"activate","force":true},
                   "actor": admin, "now": now}),
        ),
        call(
            "snapshot_pick",
            json!({"pool": pool(0), "callee":{"e164":"+12125559999","spam":true}, "now": now}),
        ),
        // spam_flag (for spam_flagged) left a spam number in rotation.
        call(
            "snapshot_record_outcome",
            json!({"pool": pool(0),
                   "outcome":{"number_id":"a","answered":false,"spam_flag":true,"at":now}}),
        ),
        call(
            "validate_manual_draft",
            json!({"draft": {"e164":"+14155550100","connection":"c1"}, "connections": [], "actor": admin}),
        ),
        call(
            "validate_import",
            json!({"draft": {"numbers":[{"e164":"+14155550100","name":"x"}]}, "connections": [], "actor": admin}),
        ),
    ];
    for (i, r) in cases.into_iter().enumerate() {
        let e = r.unwrap_err();
        assert_eq!(e.code(), "invalid_input", "case {i}: {e}");
        assert!(e.to_string().contains("unknown field"), "case {i}: {e}");
    }
    let conn: Result<telnum::Connection, _> = serde_json::from_value(json!({
        "id":"c1","tenant":"acme","provider":"twilio","status":"active","supports":{},"region":"us1"
    }));
    assert!(conn.unwrap_err().to_string().contains("unknown field"));
    let cfg: Result<telnum::service::ServiceConfig, _> =
        serde_json::from_value(json!({"pending_timeout": 5}));
    assert!(cfg.is_err());
    let import: Result<telnum::service::ImportRequest, _> =
        serde_json::from_value(json!({"numbers": [], "idempotency_key": "k", "confirm": true}));
    assert!(import.unwrap_err().to_string().contains("unknown field"));
}

#[test]
fn caller_counters_saturate_instead_of_overflowing() {
    let now = "2026-05-01T00:00:00Z";
    let max = u64::MAX;
    let usage = json!({"members": {"a": {"stats": {"attempts": max, "answered": max,
        "spam_flags": max, "carrier_blocks": max, "talk_seconds": max}}}});
    let out = call(
        "snapshot_record_outcome",
        json!({"pool": pool(0), "usage": usage,
               "outcome":{"number_id":"a","answered":true,"spam_flagged":true,
                          "carrier_blocked":true,"duration_seconds":60,"at":now}}),
    );
    let out = match out {
        Ok(v) => v,
        // A pool may also refuse the snapshot; what it may not do is panic.
        Err(e) => panic!("saturating counters were refused: {e}"),
    };
    let stats = &out["usage"]["members"]["a"]["stats"];
    for k in [
        "attempts",
        "answered",
        "spam_flags",
        "carrier_blocks",
        "talk_seconds",
    ] {
        assert_eq!(stats[k], json!(max), "{k}");
    }
}
