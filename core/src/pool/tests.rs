//! Unit tests of the pool engine; each names the practice it covers.

use super::*;
use chrono::{Duration, TimeZone};

pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 14, 0, 0).unwrap()
}

pub(crate) fn member(id: &str, e164: &str, weight: u32) -> Member {
    let e = E164::from_canonical(e164).unwrap();
    Member {
        number_id: NumberId::new(id).unwrap(),
        e164: e,
        country: npa_info(&e)
            .map(|i| i.country)
            .unwrap_or_else(|| Country::new("GB").unwrap()),
        weight,
        status: MemberStatus::Active,
        added_at: t0() - Duration::days(60),
        warm_up: false,
        number_active: true,
        allow_outbound: true,
        allowed_outbound_countries: vec![],
    }
}

fn pool(members: Vec<Member>, policy: PoolPolicy) -> CallerIdPool {
    CallerIdPool::new(PoolSpec {
        campaign_id: CampaignId::new("camp_1").unwrap(),
        tenant: TenantId::new("acme").unwrap(),
        members,
        policy,
    })
    .unwrap()
}

fn callee(e164: &str) -> Callee {
    Callee::new(E164::from_canonical(e164).unwrap())
}

fn off() -> PoolPolicy {
    PoolPolicy {
        callee_mode: CalleeMode::Off,
        ..PoolPolicy::default()
    }
}

/// Twilio Area Code Geomatch: same area code, then overlay (same state),
/// then any US/CA number.
#[test]
fn geomatch_prefers_npa_then_state_then_zone_then_country() {
    let p = pool(
        vec![
            member("ny_646", "+16465550101", 1), // Manhattan overlay of 212
            member("nj_201", "+12015550102", 1), // same time zone as NYC
            member("ca_415", "+14155550103", 1), // same country
            member("ny_212", "+12125550104", 1),
        ],
        off(),
    );
    let now = t0();
    assert_eq!(
        p.pick(&callee("+12125559999"), now).unwrap().tier,
        Tier::SameNpa
    );
    assert_eq!(
        p.pick(&callee("+12125559999"), now)
            .unwrap()
            .number_id
            .as_str(),
        "ny_212"
    );
    // 917 is another NYC overlay: no NPA match, same state.
    let pk = p.pick(&callee("+19175559999"), now).unwrap();
    assert_eq!(
        (pk.tier, pk.number_id.as_str()),
        (Tier::SameState, "ny_646")
    );
    // Boston: no NPA or state match, Eastern time zone.
    let pk = p.pick(&callee("+16175559999"), now).unwrap();
    assert_eq!(pk.tier, Tier::SameTimeZone);
    assert!(["ny_646", "nj_201", "ny_212"].contains(&pk.number_id.as_str()));
    // Denver: only the country matches.
    assert_eq!(
        p.pick(&callee("+13035559999"), now).unwrap().tier,
        Tier::SameCountry
    );
    // London: nothing unless any country is allowed.
    let e = p.pick(&callee("+442071838750"), now).unwrap_err();
    assert_eq!(e.code(), "no_eligible_number");
    assert_eq!(e.to_json()["excluded"]["no_geo_match"], 4);
    let mut any = off();
    any.allow_any_country = true;
    let p2 = pool(p.spec().members.clone(), any);
    assert_eq!(
        p2.pick(&callee("+442071838750"), now).unwrap().tier,
        Tier::AnyCountry
    );
}

/// VICIdial: the longest matching prefix outside the NANP.
#[test]
fn longest_national_prefix_wins_outside_nanp() {
    let p = pool(
        vec![
            member("london", "+442071838750", 1),
            member("london_2", "+442081838750", 1),
            member("leeds", "+441134960000", 1),
        ],
        off(),
    );
    let pk = p.pick(&callee("+442071234567"), t0()).unwrap();
    assert_eq!((pk.tier, pk.number_id.as_str()), (Tier::Prefix4, "london"));
    let pk = p.pick(&callee("+442031234567"), t0()).unwrap();
    assert_eq!(pk.tier, Tier::Prefix2);
    // Leeds (113) for a Leeds-area callee (1132): a 3-digit match.
    let pk = p.pick(&callee("+441132960000"), t0()).unwrap();
    assert_eq!((pk.tier, pk.number_id.as_str()), (Tier::Prefix3, "leeds"));
    // Manchester (161) shares no two-digit prefix with any member.
    let pk = p.pick(&callee("+441614960000"), t0()).unwrap();
    assert_eq!(pk.tier, Tier::SameCountry);
    let mut reject = off();
    reject.fallback = GeoFallback::Reject;
    let p = pool(p.spec().members.clone(), reject);
    assert_eq!(
        p.pick(&callee("+443001234567"), t0()).unwrap_err().code(),
        "no_eligible_number"
    );
}

/// Users: "silent fallback to a shared number" is a complaint; the error
/// carries counts per reason instead.
#[test]
fn no_eligible_number_counts_every_reason() {
    let mut ms = vec![
        member("a", "+12125550101", 1),
        member("b", "+12125550102", 1),
        member("c", "+12125550103", 0),
        member("d", "+12125550104", 1),
        member("e", "+12125550105", 1),
    ];
    ms[0].status = MemberStatus::Paused {
        reason: "rest".into(),
        until: Some(t0() + Duration::hours(1)),
    };
    ms[1].status = MemberStatus::Removed {
        reason: "spam_flagged".into(),
    };
    ms[3].number_active = false;
    ms[4].allowed_outbound_countries = vec![Country::new("CA").unwrap()];
    let p = pool(ms, off());
    let e = p.pick(&callee("+12125559999"), t0()).unwrap_err();
    let v = e.to_json();
    assert_eq!(v["excluded"]["resting"], 1);
    assert_eq!(v["excluded"]["spam_flagged"], 1);
    assert_eq!(v["excluded"]["zero_weight"], 1);
    assert_eq!(v["excluded"]["number_inactive"], 1);
    assert_eq!(v["excluded"]["outbound_restricted"], 1);
    // The rest ends by itself.
    let pk = p
        .pick(&callee("+12125559999"), t0() + Duration::hours(1))
        .unwrap();
    assert_eq!(pk.number_id.as_str(), "a");
}

/// Industry practice: cap a number at 100 a day; warm new numbers at 25 a
/// day for two weeks.
#[test]
fn daily_and_warmup_caps() {
    let mut fresh = member("new", "+12125550102", 1);
    fresh.warm_up = true;
    fresh.added_at = t0() - Duration::days(3);
    let mut p = pool(vec![member("old", "+12125550101", 1), fresh], off());
    let mut counts = HashMap::new();
    let mut now = t0();
    loop {
        match p.pick(&callee("+12125559999"), now) {
            Ok(pk) => {
                *counts.entry(pk.number_id.to_string()).or_insert(0) += 1;
                assert!(pk.delta.cap == 100 || pk.delta.cap == 25);
                p.apply(&pk.delta).unwrap();
            }
            Err(e) => {
                assert_eq!(e.to_json()["excluded"]["over_cap"], 1);
                assert_eq!(e.to_json()["excluded"]["over_warmup_cap"], 1);
                break;
            }
        }
        now += Duration::seconds(1);
    }
    assert_eq!(counts["old"], 100);
    assert_eq!(counts["new"], 25);
    // Next day: the counters start again.
    assert!(p
        .pick(&callee("+12125559999"), t0() + Duration::days(1))
        .is_ok());
    // After the warm-up period the full cap applies.
    let later = t0() + Duration::days(12);
    let pk = p.pick(&callee("+12125559999"), later).unwrap();
    assert_eq!(pk.delta.cap, 100);
}

/// Seed 000: rotating pools reduce repeated-caller fatigue.
#[test]
fn rotate_mode_avoids_the_callees_recent_caller_ids() {
    let p = pool(
        vec![
            member("a", "+12125550101", 1),
            member("b", "+12125550102", 1),
        ],
        PoolPolicy {
            callee_mode: CalleeMode::Rotate {
                last_calls: 1,
                within_seconds: 3600,
            },
            ..PoolPolicy::default()
        },
    );
    let mut c = callee("+12125559999");
    c.recent = vec![RecentUse {
        number_id: NumberId::new("a").unwrap(),
        at: t0() - Duration::hours(5),
    }];
    assert_eq!(p.pick(&c, t0()).unwrap().number_id.as_str(), "b");
    c.recent.insert(
        0,
        RecentUse {
            number_id: NumberId::new("b").unwrap(),
            at: t0() - Duration::minutes(10),
        },
    );
    // b is within the hour, a was the second-to-last call (outside N=1) and
    // five hours ago: a is allowed again.
    assert_eq!(p.pick(&c, t0()).unwrap().number_id.as_str(), "a");
}

/// Twilio Sticky Sender: To→From, dropped when the number leaves the pool.
#[test]
fn sticky_mode_keeps_the_callees_caller_id() {
    let mut p = pool(
        vec![
            member("a", "+12125550101", 1),
            member("b", "+12125550102", 1),
        ],
        PoolPolicy {
            callee_mode: CalleeMode::Sticky {
                ttl_seconds: 8 * 86_400,
            },
            ..PoolPolicy::default()
        },
    );
    let mut c = callee("+12125559999");
    let first = p.pick(&c, t0()).unwrap();
    let binding = first.delta.sticky.clone().unwrap();
    assert_eq!(binding.until, t0() + Duration::days(8));
    p.apply(&first.delta).unwrap();
    c.sticky = Some(binding);
    for i in 0..5 {
        let pk = p.pick(&c, t0() + Duration::hours(i)).unwrap();
        assert_eq!(
            (pk.number_id.clone(), pk.tier),
            (first.number_id.clone(), Tier::Sticky)
        );
        p.apply(&pk.delta).unwrap();
    }
    p.set_member_status(
        &first.number_id,
        MemberStatus::Removed {
            reason: "manual".into(),
        },
    )
    .unwrap();
    let pk = p.pick(&c, t0()).unwrap();
    assert_ne!(pk.number_id, first.number_id);
    assert_eq!(pk.tier, Tier::SameNpa);
}

/// Seed 000: "remove spam-flagged numbers quickly"; industry: rest a
/// number 48–72 hours when it looks at risk; a sudden drop in answer rate
/// is a spam signal.
#[test]
fn health_rules_remove_and_pause() {
    let mut policy = off();
    policy.health.min_sample = 10;
    policy.health.window = 20;
    let mut p = pool(
        vec![
            member("a", "+12125550101", 1),
            member("b", "+12125550102", 1),
            member("c", "+12125550103", 1),
        ],
        policy,
    );
    let out = |id: &str, answered: bool, i: i64| CallOutcome {
        number_id: NumberId::new(id).unwrap(),
        answered,
        duration_seconds: if answered { 60 } else { 0 },
        spam_flagged: false,
        carrier_blocked: false,
        at: t0() + Duration::minutes(i),
    };
    // a and b answer half their calls; c stops being answered.
    for i in 0..10 {
        for id in ["a", "b"] {
            let u = p.record_outcome(&out(id, i % 2 == 0, i)).unwrap();
            assert!(u.status.is_none());
            p.apply_outcome(&u).unwrap();
        }
    }
    let mut paused = None;
    for i in 0..10 {
        let u = p.record_outcome(&out("c", i == 0, i)).unwrap();
        if u.status.is_some() {
            paused = Some(u.clone());
        }
        p.apply_outcome(&u).unwrap();
        if paused.is_some() {
            break;
        }
    }
    let u = paused.expect("c is paused once its sample is large enough");
    assert_eq!(u.events[0].kind, PoolEventKind::PausedLowAnswerRate);
    let rows = p.campaign_health(t0() + Duration::hours(1));
    let c_row = rows.iter().find(|r| r.number_id.as_str() == "c").unwrap();
    assert_eq!(c_row.pool_status, PoolStatus::Paused);
    assert_eq!(c_row.answer_rate, Some(0.1));
    assert_eq!(rows[0].answer_rate, Some(0.5));
    // It resumes by itself after the rest.
    let later = t0() + Duration::hours(49);
    assert_eq!(p.campaign_health(later)[2].pool_status, PoolStatus::Active);
    // A spam flag removes at once.
    let mut spam = out("a", true, 100);
    spam.spam_flagged = true;
    let u = p.record_outcome(&spam).unwrap();
    assert_eq!(u.events[0].kind, PoolEventKind::RemovedSpamFlagged);
    p.apply_outcome(&u).unwrap();
    assert_eq!(p.campaign_health(later)[0].pool_status, PoolStatus::Removed);
    assert_eq!(p.campaign_health(later)[0].spam_flags, 1);
    // Carrier block: rest.
    let mut blocked = out("b", false, 101);
    blocked.carrier_blocked = true;
    let u = p.record_outcome(&blocked).unwrap();
    assert!(matches!(
        u.status,
        Some(MemberStatus::Paused { until: Some(_), .. })
    ));
}

#[test]
fn policy_and_members_are_validated() {
    let spec = |policy: PoolPolicy, members: Vec<Member>| PoolSpec {
        campaign_id: CampaignId::new("c").unwrap(),
        tenant: TenantId::new("t").unwrap(),
        members,
        policy,
    };
    let p = PoolPolicy {
        daily_cap: 151,
        ..PoolPolicy::default()
    };
    assert_eq!(
        CallerIdPool::new(spec(p, vec![])).unwrap_err().code(),
        "invalid_input"
    );
    let dup = vec![
        member("a", "+12125550101", 1),
        member("b", "+12125550101", 1),
    ];
    assert!(CallerIdPool::new(spec(PoolPolicy::default(), dup)).is_err());
}

#[test]
fn a_newcomer_does_not_take_a_burst() {
    let mut p = pool(
        vec![
            member("a", "+12125550101", 1),
            member("b", "+12125550102", 1),
        ],
        off(),
    );
    let mut now = t0();
    for _ in 0..40 {
        let pk = p.pick(&callee("+12125559999"), now).unwrap();
        p.apply(&pk.delta).unwrap();
        now += Duration::minutes(1);
    }
    p.upsert_member(member("c", "+12125550103", 1)).unwrap();
    let mut c_count = 0;
    for _ in 0..30 {
        let pk = p.pick(&callee("+12125559999"), now).unwrap();
        c_count += usize::from(pk.number_id.as_str() == "c");
        p.apply(&pk.delta).unwrap();
        now += Duration::minutes(1);
    }
    assert_eq!(c_count, 10, "a third of the picks after joining");
}
