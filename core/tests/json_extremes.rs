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
            call("apply", json!({"record": record(), "command": {"type":"unassign_from_sub_account"},
                                 "actor": {"tenant":"acme","role":"admin"}, "now": now,
                                 "policy": {"cool_off_seconds": n, "aging_seconds": n}})),
            call("sync_diff", json!({"records":[record()],"owned":[],"now":now,"pending_timeout_seconds":n})),
            call("pool_pick", json!({"pool": pool(n), "callee":{"e164":"+12125559999"}, "now": now})),
            call("pool_record_outcome", json!({"pool": pool(n),
                 "outcome":{"number_id":"a","answered":false,"carrier_blocked":true,"at":now}})),
            call("campaign_health", json!({"pool": pool(n), "now": "+262143-12-31T23:59:59Z"})),
        ];
        for r in results {
            if let Err(e) = r {
                prop_assert!(telnum::Error::CODES.contains(&e.code()));
            }
        }
    }
}
