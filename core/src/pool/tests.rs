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
    any.lowest_tier = Tier::AnyCountry;
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
    reject.lowest_tier = Tier::Prefix2;
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
                assert!(pk.delta.cap == Some(100) || pk.delta.cap == Some(25));
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
    assert_eq!(pk.delta.cap, Some(100));
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
    for bad in [
        PoolPolicy {
            daily_cap: Some(0),
            ..PoolPolicy::default()
        },
        PoolPolicy {
            hourly_cap: Some(0),
            ..PoolPolicy::default()
        },
        PoolPolicy {
            lowest_tier: Tier::Sticky,
            ..PoolPolicy::default()
        },
        PoolPolicy {
            remember_uses: 0,
            ..PoolPolicy::default()
        },
        PoolPolicy {
            callee_mode: CalleeMode::Rotate {
                last_calls: 5,
                within_seconds: 0,
            },
            ..PoolPolicy::default()
        },
    ] {
        assert_eq!(
            CallerIdPool::new(spec(bad.clone(), vec![]))
                .unwrap_err()
                .code(),
            "invalid_input",
            "{bad:?}"
        );
    }
    // No ceiling on a daily cap, and none at all is a policy too.
    for cap in [Some(151), Some(10_000), None] {
        let p = PoolPolicy {
            daily_cap: cap,
            ..PoolPolicy::default()
        };
        assert!(CallerIdPool::new(spec(p, vec![])).is_ok());
    }
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

fn picks_for(p: &mut CallerIdPool, who: &str, n: usize, mut now: DateTime<Utc>) -> Vec<String> {
    let mut got = vec![];
    for _ in 0..n {
        let pk = p.pick(&callee(who), now).unwrap();
        got.push(pk.number_id.as_str().to_string());
        p.apply(&pk.delta).unwrap();
        now += Duration::minutes(1);
    }
    got
}

fn three() -> Vec<Member> {
    vec![
        member("a", "+12125550101", 1),
        member("b", "+12125550102", 1),
        member("c", "+12125550103", 1),
    ]
}

/// The pool remembers the callee: rotate mode never repeats a caller ID
/// inside the window, with `Callee::new` on every call.
#[test]
fn rotation_across_calls_needs_no_host_bookkeeping() {
    let policy = PoolPolicy {
        callee_mode: CalleeMode::Rotate {
            last_calls: 2,
            within_seconds: 0,
        },
        ..PoolPolicy::default()
    };
    let mut p = pool(three(), policy);
    let got = picks_for(&mut p, "+12125559999", 9, t0());
    for w in got.windows(3) {
        assert!(w[0] != w[1] && w[1] != w[2] && w[0] != w[2], "{got:?}");
    }
    // Another callee has its own history.
    assert_eq!(p.remembered_callees(), 1);
    picks_for(&mut p, "+12125558888", 1, t0());
    assert_eq!(p.remembered_callees(), 2);
}

/// Sticky mode keeps the callee's caller ID with `Callee::new` on every
/// call, until the binding's TTL passes.
#[test]
fn stickiness_across_calls_needs_no_host_bookkeeping() {
    let policy = PoolPolicy {
        callee_mode: CalleeMode::Sticky { ttl_seconds: 3600 },
        ..PoolPolicy::default()
    };
    let mut p = pool(three(), policy);
    // Other callees move the rotation on between this callee's calls.
    let first = picks_for(&mut p, "+12125559999", 1, t0());
    for k in 0..5 {
        picks_for(&mut p, &format!("+1212555700{k}"), 1, t0());
        let pk = p
            .pick(&callee("+12125559999"), t0() + Duration::minutes(k))
            .unwrap();
        assert_eq!(
            (pk.number_id.as_str(), pk.tier),
            (first[0].as_str(), Tier::Sticky)
        );
        p.apply(&pk.delta).unwrap();
    }
    // An hour after the last call the binding is gone.
    let later = p
        .pick(&callee("+12125559999"), t0() + Duration::minutes(4 + 60))
        .unwrap();
    assert_ne!(later.tier, Tier::Sticky);
}

/// The memory is bounded: the least recently called callee goes first, and
/// the snapshot carries what is remembered.
#[test]
fn callee_memory_is_bounded_and_survives_a_snapshot() {
    let policy = PoolPolicy {
        callee_mode: CalleeMode::Rotate {
            last_calls: 1,
            within_seconds: 0,
        },
        remember_callees: 3,
        ..PoolPolicy::default()
    };
    let mut p = pool(three(), policy);
    for k in 0..5 {
        picks_for(
            &mut p,
            &format!("+1212555800{k}"),
            1,
            t0() + Duration::minutes(k),
        );
    }
    assert_eq!(p.remembered_callees(), 3);
    let usage = p.usage();
    let kept: Vec<&str> = usage.callees.iter().map(|c| c.e164.as_str()).collect();
    assert_eq!(kept, ["+12125558004", "+12125558003", "+12125558002"]);
    let q = CallerIdPool::with_usage(p.spec().clone(), usage.clone()).unwrap();
    assert_eq!(q.usage(), usage);
    // The restored pool still avoids the last caller ID of a remembered callee.
    let last = &usage.callees[0].recent[0].number_id;
    let pk = q
        .pick(&callee("+12125558004"), t0() + Duration::hours(1))
        .unwrap();
    assert_ne!(&pk.number_id, last);
}

fn count(got: &[String], id: &str) -> usize {
    got.iter().filter(|g| g.as_str() == id).count()
}

/// CFS-style return: a member back from a 48-hour pause takes its share,
/// not a burst to make up for the time it was out.
#[test]
fn a_member_back_from_a_pause_takes_no_burst() {
    let mut p = pool(three(), off());
    picks_for(&mut p, "+12125559999", 30, t0());
    let until = t0() + Duration::hours(48);
    p.set_member_status(
        &NumberId::new("a").unwrap(),
        MemberStatus::Paused {
            reason: "rest".into(),
            until: Some(until),
        },
    )
    .unwrap();
    let during = picks_for(&mut p, "+12125559999", 100, t0() + Duration::hours(1));
    assert_eq!(count(&during, "a"), 0);
    // The pause ends by itself; from the next pick on, "a" takes its third
    // of every window to within the documented 2 picks, never a run.
    let after = picks_for(&mut p, "+12125559999", 30, until + Duration::hours(1));
    for w in after.windows(3) {
        assert!(count(w, "a") <= 2, "{after:?}");
    }
    for w in after.windows(6) {
        assert!((1..=3).contains(&count(w, "a")), "{after:?}");
    }
    assert!((9..=11).contains(&count(&after, "a")), "{after:?}");
}

/// The same for a daily cap that resets, a resumed member and a raised
/// weight: each re-enters at the current position.
#[test]
fn cap_reset_resume_and_weight_raise_take_no_burst() {
    let capped = PoolPolicy {
        daily_cap: Some(5),
        ..off()
    };
    let mut p = pool(three(), capped);
    // Day 1: "c" is at its cap while a and b carry on.
    p.set_calls_today(&NumberId::new("c").unwrap(), t0().date_naive(), 5)
        .unwrap();
    let day1 = picks_for(&mut p, "+12125559999", 8, t0());
    assert_eq!(count(&day1, "c"), 0);
    let day2 = picks_for(&mut p, "+12125559999", 9, t0() + Duration::days(1));
    for w in day2.windows(3) {
        assert_eq!(count(w, "c"), 1, "{day2:?}");
    }

    let mut p = pool(three(), off());
    let b = NumberId::new("b").unwrap();
    p.set_member_status(
        &b,
        MemberStatus::Paused {
            reason: "manual".into(),
            until: None,
        },
    )
    .unwrap();
    picks_for(&mut p, "+12125559999", 50, t0());
    p.set_member_status(&b, MemberStatus::Active).unwrap();
    let after = picks_for(&mut p, "+12125559999", 9, t0() + Duration::hours(1));
    for w in after.windows(3) {
        assert_eq!(count(w, "b"), 1, "{after:?}");
    }

    // A weight raised from 1 to 2 after 60 picks: 2 of every 4 from then on.
    let mut p = pool(three(), off());
    picks_for(&mut p, "+12125559999", 60, t0());
    let mut a = p.spec().members[0].clone();
    a.weight = 2;
    p.upsert_member(a).unwrap();
    let after = picks_for(&mut p, "+12125559999", 40, t0() + Duration::hours(2));
    for w in after.chunks(4) {
        assert!((1..=3).contains(&count(w, "a")), "{after:?}");
    }
    assert_eq!(count(&after, "a"), 20);
}

/// Reactivating a number record (upsert with `number_active`) is a return
/// too.
#[test]
fn a_reactivated_number_takes_no_burst() {
    let mut p = pool(three(), off());
    let mut a = p.spec().members[0].clone();
    a.number_active = false;
    p.upsert_member(a.clone()).unwrap();
    picks_for(&mut p, "+12125559999", 40, t0());
    a.number_active = true;
    p.upsert_member(a).unwrap();
    let after = picks_for(&mut p, "+12125559999", 9, t0() + Duration::hours(1));
    assert_eq!(count(&after, "a"), 3, "{after:?}");
}

/// No daily cap: a number keeps calling; the delta says so.
#[test]
fn no_daily_cap_means_none() {
    let p0 = PoolPolicy {
        daily_cap: None,
        ..off()
    };
    let mut p = pool(vec![member("a", "+12125550101", 1)], p0);
    let pk = p.pick(&callee("+12125559999"), t0()).unwrap();
    assert_eq!(pk.delta.cap, None);
    let got = picks_for(&mut p, "+12125559999", 500, t0());
    assert_eq!(count(&got, "a"), 500);
}

/// An hourly cap beside the daily one: refused for the rest of the hour,
/// back at the next.
#[test]
fn hourly_cap_refuses_until_the_next_hour() {
    let p0 = PoolPolicy {
        hourly_cap: Some(2),
        ..off()
    };
    let mut p = pool(vec![member("a", "+12125550101", 1)], p0);
    let start = t0() + Duration::minutes(10); // 14:10
    let pk = p.pick(&callee("+12125559999"), start).unwrap();
    assert_eq!((pk.delta.hour, pk.delta.hourly_cap), (14, Some(2)));
    picks_for(&mut p, "+12125559999", 2, start);
    let e = p
        .pick(&callee("+12125559999"), start + Duration::minutes(30))
        .unwrap_err();
    assert_eq!(e.to_json()["excluded"]["over_hourly_cap"], 1);
    let pk = p
        .pick(&callee("+12125559999"), start + Duration::minutes(50))
        .unwrap();
    assert_eq!(pk.delta.hour, 15);
}

/// The floor names the lowest tier: `same_state` takes the overlay while
/// the same-area-code member is capped; `prefix2` does not.
#[test]
fn the_lowest_tier_is_a_stated_floor() {
    let members = vec![
        member("ny_212", "+12125550101", 1),
        member("ny_646", "+16465550102", 1),
        member("ca_415", "+14155550103", 1),
    ];
    let capped = |lowest| {
        let mut p = pool(
            members.clone(),
            PoolPolicy {
                lowest_tier: lowest,
                daily_cap: Some(1),
                ..off()
            },
        );
        p.set_calls_today(&NumberId::new("ny_212").unwrap(), t0().date_naive(), 1)
            .unwrap();
        p.pick(&callee("+12125559999"), t0())
    };
    let pk = capped(Tier::SameState).unwrap();
    assert_eq!(
        (pk.number_id.as_str(), pk.tier),
        ("ny_646", Tier::SameState)
    );
    let e = capped(Tier::Prefix2).unwrap_err();
    assert_eq!(e.to_json()["tiers"], serde_json::json!(["same_npa"]));
    assert_eq!(capped(Tier::SameCountry).unwrap().tier, Tier::SameState);
    let e = capped(Tier::SameTimeZone).map(|p| p.tier).unwrap();
    assert_eq!(e, Tier::SameState);
}

/// A delta with an hour outside the day is refused, not clamped.
#[test]
fn a_delta_with_a_bad_hour_is_refused() {
    let mut p = pool(vec![member("a", "+12125550101", 1)], off());
    let mut pk = p.pick(&callee("+12125559999"), t0()).unwrap();
    pk.delta.hour = 24;
    assert_eq!(p.apply(&pk.delta).unwrap_err().code(), "invalid_input");
    assert_eq!(p.usage().members.values().next().unwrap().calls_today, 0);
}
