//! The checks behind each fuzz target, one function per parser and per
//! boundary. `fuzz_targets/*.rs` hand them libFuzzer's input; the unit
//! test at the bottom replays the committed corpus (`corpus/<target>/`)
//! through the same functions on stable, so `tests/run` checks every
//! corpus entry, and every crash once it is added to the corpus.
//!
//! Each function panics only when telnum breaks a promise: a panic inside
//! telnum, an error code outside the table, a parsed number different from
//! the reference's, a pool over its cap, an internal webhook accepted.

use std::collections::HashMap;

use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};
use telnum::memory::{block_on, ManualClock, MemoryStore};
use telnum::pool::{CallOutcome, Callee, CallerIdPool, MemberStatus};
use telnum::service::{Numbers, ServiceConfig};
use telnum::simulated::SimulatedProvider;
use telnum::{Country, Error, NumberId, E164};

fn coded(e: &Error) {
    assert!(
        Error::CODES.contains(&e.code()),
        "code outside the table: {}",
        e.code()
    );
}

/// The regions the E.164 target tries as a default region.
const REGIONS: &[&str] = &[
    "US", "GB", "IN", "DE", "FR", "AT", "AE", "ID", "VN", "AU", "BR", "JP", "AR", "MX", "CN",
];

/// `E164::parse`: never a panic; what it accepts round-trips through the
/// canonical path; and it never accepts a number other than the one the
/// reference (libphonenumber's metadata engine) reads from the same text.
pub fn e164_parse(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let region = (first as usize)
        .checked_sub(1)
        .and_then(|i| REGIONS.get(i % (REGIONS.len() + 1)))
        .map(|r| Country::new(r).unwrap());
    match E164::parse(text, region) {
        Err(e) => coded(&e),
        Ok(n) => {
            assert_eq!(E164::from_canonical(n.as_str()).ok(), Some(n));
            assert_eq!(E164::parse(n.as_str(), None).ok(), Some(n));
            if let Some(theirs) = reference(text, region) {
                assert_eq!(
                    n.as_str(),
                    theirs,
                    "telnum read {text:?} (region {region:?}) as another number"
                );
            }
        }
    }
}

/// The reference's E.164 reading of `text`, when it finds a valid number.
fn reference(text: &str, region: Option<Country>) -> Option<String> {
    use rlibphonenumber::{PhoneNumberFormat, Region, PHONE_NUMBER_UTIL};
    if text.chars().count() > 250 {
        return None;
    }
    let r = match region {
        Some(c) => Some(Region::from_code(c.as_str()).ok()?),
        None => None,
    };
    let n = PHONE_NUMBER_UTIL.parse(text, r).ok()?;
    PHONE_NUMBER_UTIL
        .is_valid_number(&n)
        .then(|| PHONE_NUMBER_UTIL.format(&n, PhoneNumberFormat::E164).to_string())
}

/// `telnum::json::call`: any operation with any argument JSON answers a
/// value or a coded error.
pub fn json_ops(data: &[u8]) {
    let Some((&op, rest)) = data.split_first() else {
        return;
    };
    let op = telnum::json::OPS[op as usize % telnum::json::OPS.len()];
    let Ok(args) = serde_json::from_slice::<Value>(rest) else {
        return;
    };
    if let Err(e) = telnum::json::call(op, args) {
        coded(&e);
    }
}

/// `telnum::json::call_service` on the embedded store and simulated
/// provider, seeded with a connection and two bought numbers: any
/// operation with any argument JSON answers a value or a coded error, and
/// never a panic.
pub fn service_ops(data: &[u8]) {
    let Some((&op, rest)) = data.split_first() else {
        return;
    };
    let op = telnum::json::SERVICE_OPS[op as usize % telnum::json::SERVICE_OPS.len()];
    let Ok(args) = serde_json::from_slice::<Value>(rest) else {
        return;
    };
    let store = MemoryStore::new();
    store.add_connection(
        serde_json::from_value(json!({
            "id": "c1", "tenant": "acme", "provider": "twilio", "status": "active",
            "account": "MA_1",
            "supports": {"search_purchase": true, "import_owned": true,
                         "webhook_config": true, "release": true}
        }))
        .unwrap(),
    );
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 8, 1, 9, 0, 0).unwrap());
    let svc = Numbers::new(
        store,
        SimulatedProvider::new(),
        clock,
        ServiceConfig::default(),
    )
    .unwrap();
    let admin = json!({"tenant": "acme", "role": "admin"});
    block_on(telnum::json::call_service(
        &svc,
        "purchase",
        json!({"actor": admin, "request": {"connection_id": "c1", "idempotency_key": "seed",
               "country": "US", "quantity": 2}}),
    ))
    .unwrap();
    if let Err(e) = block_on(telnum::json::call_service(&svc, op, args)) {
        coded(&e);
    }
}

const MEMBERS: &[&str] = &[
    "+12125550101",
    "+12125550102",
    "+14155550103",
    "+13105550104",
    "+442079460105",
];
const CALLEES: &[&str] = &["+12125559999", "+14155559998", "+447700900123", "+61291234567"];

#[derive(Arbitrary, Debug)]
enum Step {
    Pick {
        callee: u8,
        advance_minutes: u16,
    },
    Outcome {
        member: u8,
        answered: bool,
        spam: bool,
        blocked: bool,
        seconds: u32,
    },
    SetCallsToday {
        member: u8,
        calls: u32,
    },
    Status {
        member: u8,
        paused: bool,
    },
}

#[derive(Arbitrary, Debug)]
struct PoolInput {
    weights: Vec<u8>,
    daily_cap: u8,
    warm_up: bool,
    mode: u8,
    steps: Vec<Step>,
    huge_stats: bool,
}

/// A caller-ID pool through any sequence of picks, outcomes, counts and
/// status changes: never a panic, every error coded, and no member is ever
/// picked at or over its daily cap.
pub fn pool_sequence(data: &[u8]) {
    let Ok(input) = PoolInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let start = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
    let members: Vec<Value> = input
        .weights
        .iter()
        .take(MEMBERS.len())
        .enumerate()
        .map(|(i, w)| {
            json!({"number_id": format!("m{i}"), "e164": MEMBERS[i],
                   "country": if MEMBERS[i].starts_with("+44") { "GB" } else { "US" },
                   "weight": w, "added_at": "2026-01-01T00:00:00Z", "warm_up": input.warm_up})
        })
        .collect();
    let mode = match input.mode % 3 {
        0 => json!({"mode": "rotate", "last_calls": 2, "within_seconds": 3600}),
        1 => json!({"mode": "sticky", "ttl_seconds": 86400}),
        _ => json!({"mode": "off"}),
    };
    let spec = json!({"campaign_id": "camp", "tenant": "acme", "members": members,
                      "policy": {"daily_cap": input.daily_cap, "callee_mode": mode}});
    let spec = match serde_json::from_value(spec) {
        Ok(s) => s,
        Err(_) => return,
    };
    let mut pool = match CallerIdPool::new(spec) {
        Ok(p) => p,
        Err(e) => return coded(&e),
    };
    let cap = u32::from(input.daily_cap);
    let id = |m: u8| NumberId::new(format!("m{}", m as usize % MEMBERS.len())).unwrap();
    let mut now = start;
    let mut calls: HashMap<NumberId, (chrono::NaiveDate, u32)> = HashMap::new();
    if input.huge_stats {
        for m in 0..MEMBERS.len() as u8 {
            let _ = pool.set_calls_today(&id(m), pool.spec().policy.day_of(now), u32::MAX);
        }
    }
    for step in input.steps.iter().take(200) {
        let r = match step {
            Step::Pick {
                callee,
                advance_minutes,
            } => {
                now += Duration::minutes(i64::from(*advance_minutes));
                let c = E164::from_canonical(CALLEES[*callee as usize % CALLEES.len()]).unwrap();
                match pool.pick(&Callee::new(c), now) {
                    Ok(p) => {
                        let day = pool.spec().policy.day_of(now);
                        let before = pool
                            .usage()
                            .members
                            .get(&p.number_id)
                            .filter(|u| u.day == Some(day))
                            .map_or(0, |u| u.calls_today);
                        assert!(
                            before < cap,
                            "picked {} at {before} calls, cap {cap}",
                            p.number_id
                        );
                        let e = calls.entry(p.number_id.clone()).or_insert((day, 0));
                        if e.0 != day {
                            *e = (day, 0);
                        }
                        e.1 += 1;
                        pool.apply(&p.delta)
                    }
                    Err(e) => Err(e),
                }
            }
            Step::Outcome {
                member,
                answered,
                spam,
                blocked,
                seconds,
            } => pool
                .record_outcome(&CallOutcome {
                    number_id: id(*member),
                    answered: *answered,
                    duration_seconds: *seconds,
                    spam_flagged: *spam,
                    carrier_blocked: *blocked,
                    at: now,
                })
                .and_then(|u| pool.apply_outcome(&u)),
            Step::SetCallsToday { member, calls } => {
                pool.set_calls_today(&id(*member), pool.spec().policy.day_of(now), *calls)
            }
            Step::Status { member, paused } => pool.set_member_status(
                &id(*member),
                if *paused {
                    serde_json::from_value(json!({"status": "paused"}))
                        .unwrap_or(MemberStatus::Active)
                } else {
                    MemberStatus::Active
                },
            ),
        };
        if let Err(e) = r {
            coded(&e);
        }
        let _ = pool.campaign_health(now);
    }
    let _: DateTime<Utc> = now;
}

/// `check_webhook_url`: never a panic; a URL it accepts parses as an
/// absolute https URL whose host, read the way an HTTP client reads it,
/// is not an internal address.
pub fn webhook_url(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match telnum::webhook::check_webhook_url("voice_url", text, false) {
        Err(e) => coded(&e),
        Ok(()) => {
            let u = url::Url::parse(text).expect("an accepted URL parses");
            assert_eq!(u.scheme(), "https");
            assert!(u.username().is_empty() && u.password().is_none());
            match u.host() {
                Some(url::Host::Ipv4(ip)) => {
                    assert!(!telnum::webhook::is_internal_ip(ip.into()), "{text}")
                }
                Some(url::Host::Ipv6(ip)) => {
                    assert!(!telnum::webhook::is_internal_ip(ip.into()), "{text}")
                }
                Some(url::Host::Domain(d)) => {
                    let d = d.trim_end_matches('.');
                    assert!(d.contains('.') && d != "localhost", "{text}");
                    assert!(!d.ends_with(".localhost"), "{text}");
                }
                None => panic!("accepted without a host: {text}"),
            }
        }
    }
}

#[cfg(test)]
mod replay {
    /// Every committed corpus entry goes through its target's checks.
    #[test]
    fn corpus_replays_cleanly() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let targets: &[(&str, fn(&[u8]))] = &[
            ("e164_parse", super::e164_parse),
            ("json_ops", super::json_ops),
            ("service_ops", super::service_ops),
            ("pool_sequence", super::pool_sequence),
            ("webhook_url", super::webhook_url),
        ];
        for (name, check) in targets {
            let dir = root.join(name);
            let mut n = 0;
            for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
                let path = entry.unwrap().path();
                check(&std::fs::read(&path).unwrap());
                n += 1;
            }
            assert!(n > 0, "no corpus for {name}");
            println!("{name}: {n} inputs replayed");
        }
    }
}
