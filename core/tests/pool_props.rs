//! Property tests and a multi-dialer simulation of the caller-ID pool.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use telnum::pool::{npa_info, CalleeMode, MemberStatus, PoolPolicy, RecentUse, Rotation, Tier};
use telnum::{
    Callee, CallerIdPool, CampaignId, Country, Member, NumberId, PoolSpec, TenantId, E164,
};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
}

fn member(i: usize, e164: E164, weight: u32) -> Member {
    Member {
        number_id: NumberId::new(format!("m{i}")).unwrap(),
        e164,
        country: npa_info(&e164)
            .map(|n| n.country)
            .unwrap_or(Country::new("GB").unwrap()),
        weight,
        status: MemberStatus::Active,
        added_at: t0() - Duration::days(90),
        warm_up: false,
        number_active: true,
        allow_outbound: true,
        allowed_outbound_countries: vec![],
    }
}

fn nyc(i: usize) -> E164 {
    E164::from_canonical(&format!("+1212555{:04}", i)).unwrap()
}

fn spec(members: Vec<Member>, policy: PoolPolicy) -> PoolSpec {
    PoolSpec {
        campaign_id: CampaignId::new("camp").unwrap(),
        tenant: TenantId::new("acme").unwrap(),
        members,
        policy,
    }
}

fn shares(rotation: Rotation, weights: &[u32], picks: usize, per_day: usize) -> Vec<usize> {
    let members = weights
        .iter()
        .enumerate()
        .map(|(i, w)| member(i, nyc(i), *w))
        .collect();
    let policy = PoolPolicy {
        rotation,
        callee_mode: CalleeMode::Off,
        daily_cap: Some(150),
        ..PoolPolicy::default()
    };
    let mut pool = CallerIdPool::new(spec(members, policy)).unwrap();
    let callee = Callee::new(E164::from_canonical("+12125559999").unwrap());
    let mut counts = vec![0usize; weights.len()];
    for k in 0..picks {
        let now =
            t0() + Duration::days((k / per_day) as i64) + Duration::seconds((k % per_day) as i64);
        let pk = pool.pick(&callee, now).unwrap();
        let i: usize = pk.number_id.as_str()[1..].parse().unwrap();
        counts[i] += 1;
        pool.apply(&pk.delta).unwrap();
    }
    counts
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// Over 100,000 picks with no caps binding, each member's share is its
    /// weight share: exactly, to within one pick per member (stride
    /// scheduling's bound when members tie), for the weighted rotation.
    #[test]
    fn weighted_rotation_shares_are_exact(weights in prop::collection::vec(0u32..20, 2..8)) {
        prop_assume!(weights.iter().any(|w| *w > 0));
        let n = 100_000;
        let counts = shares(Rotation::Weighted, &weights, n, 1);
        let total: u32 = weights.iter().sum();
        for (c, w) in counts.iter().zip(&weights) {
            let ideal = n as f64 * f64::from(*w) / f64::from(total);
            let bound = weights.len() as f64;
            prop_assert!((*c as f64 - ideal).abs() <= bound, "count {} vs ideal {} (weights {:?})", c, ideal, weights);
        }
    }

    /// Least-used-today: within 1% of the weight share.
    #[test]
    fn least_used_shares_are_within_one_percent(weights in prop::collection::vec(1u32..20, 2..8)) {
        let n = 100_000;
        let counts = shares(Rotation::LeastUsedToday, &weights, n, 100);
        let total: u32 = weights.iter().sum();
        for (c, w) in counts.iter().zip(&weights) {
            let share = *c as f64 / n as f64;
            let want = f64::from(*w) / f64::from(total);
            prop_assert!((share - want).abs() <= 0.01, "share {} vs {} (weights {:?})", share, want, weights);
        }
    }
}

// ---- eligibility, per-callee rule, tier order --------------------------------

#[derive(Debug, Clone)]
struct MemberCase {
    npa: &'static str,
    weight: u32,
    status: u8, // 0 active, 1 paused, 2 resting, 3 rest over, 4 removed, 5 spam
    active: bool,
    outbound: u8,    // 0 allowed, 1 disallowed, 2 only CA
    used_today: u32, // calls already placed today
    warm_up: bool,
}

fn member_case() -> impl Strategy<Value = MemberCase> {
    (
        prop::sample::select(vec!["212", "646", "917", "201", "617", "415", "416", "303"]),
        0u32..4,
        prop::sample::select(vec![0u8, 0, 0, 1, 2, 3, 4, 5]),
        prop::bool::weighted(0.85),
        prop::sample::select(vec![0u8, 0, 0, 1, 2]),
        prop::sample::select(vec![0u32, 0, 10, 24, 25, 99, 100]),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(npa, weight, status, active, outbound, used_today, warm_up)| MemberCase {
                npa,
                weight,
                status,
                active,
                outbound,
                used_today,
                warm_up,
            },
        )
}

fn build(cases: &[MemberCase], now: DateTime<Utc>) -> Vec<Member> {
    cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let e = E164::from_canonical(&format!("+1{}555{:04}", c.npa, i)).unwrap();
            let mut m = member(i, e, c.weight);
            m.number_active = c.active;
            m.warm_up = c.warm_up;
            m.added_at = if c.warm_up {
                now - Duration::days(2)
            } else {
                now - Duration::days(90)
            };
            m.status = match c.status {
                1 => MemberStatus::Paused {
                    reason: "manual".into(),
                    until: None,
                },
                2 => MemberStatus::Paused {
                    reason: "rest".into(),
                    until: Some(now + Duration::hours(3)),
                },
                3 => MemberStatus::Paused {
                    reason: "rest".into(),
                    until: Some(now - Duration::hours(3)),
                },
                4 => MemberStatus::Removed {
                    reason: "manual".into(),
                },
                5 => MemberStatus::Removed {
                    reason: "spam_flagged".into(),
                },
                _ => MemberStatus::Active,
            };
            match c.outbound {
                1 => m.allow_outbound = false,
                2 => m.allowed_outbound_countries = vec![Country::new("CA").unwrap()],
                _ => {}
            }
            m
        })
        .collect()
}

/// The test's own eligibility predicate, written from the list.
fn eligible(
    m: &Member,
    c: &MemberCase,
    callee: &Callee,
    policy: &PoolPolicy,
    now: DateTime<Utc>,
) -> bool {
    let callee_country = npa_info(&callee.e164).map(|i| i.country);
    let status_ok = match &m.status {
        MemberStatus::Active => true,
        MemberStatus::Paused { until: Some(t), .. } => now >= *t,
        _ => false,
    };
    let daily = policy.daily_cap.unwrap_or(u32::MAX);
    let cap = if c.warm_up {
        policy.warmup_cap.min(daily)
    } else {
        daily
    };
    let outbound_ok = m.allow_outbound
        && (m.allowed_outbound_countries.is_empty()
            || callee_country.is_some_and(|cc| m.allowed_outbound_countries.contains(&cc)));
    let fatigue = match policy.callee_mode {
        CalleeMode::Rotate {
            last_calls,
            within_seconds,
        } => callee.recent.iter().enumerate().any(|(i, r)| {
            r.number_id == m.number_id
                && ((i as u32) < last_calls || now - r.at < Duration::seconds(within_seconds))
        }),
        _ => false,
    };
    status_ok && m.weight > 0 && m.number_active && outbound_ok && c.used_today < cap && !fatigue
}

/// The test's own tier of a member for a NANP callee.
fn tier_of(m: &Member, callee: &Callee) -> Vec<Tier> {
    let (a, b) = (npa_info(&m.e164).unwrap(), npa_info(&callee.e164).unwrap());
    let mut t = vec![];
    if a.npa == b.npa {
        t.push(Tier::SameNpa);
    }
    if a.state == b.state {
        t.push(Tier::SameState);
    }
    if a.time_zone == b.time_zone {
        t.push(Tier::SameTimeZone);
    }
    if a.country == b.country {
        t.push(Tier::SameCountry);
    }
    t.push(Tier::AnyCountry);
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn picks_are_eligible_respect_the_callee_and_never_skip_a_tier(
        cases in prop::collection::vec(member_case(), 1..24),
        callee_npa in prop::sample::select(vec!["212", "718", "201", "617", "415", "604", "303", "808"]),
        recent in prop::collection::vec((0usize..24, 0i64..200), 0..4),
        any_country in any::<bool>(),
        reject in prop::bool::weighted(0.2),
        rotation in prop::sample::select(vec![Rotation::Weighted, Rotation::LeastUsedToday]),
    ) {
        let now = t0() + Duration::hours(12);
        let members = build(&cases, now);
        let policy = PoolPolicy {
            rotation,
            callee_mode: CalleeMode::Rotate { last_calls: 2, within_seconds: 3600 },
            lowest_tier: if reject {
                Tier::Prefix2
            } else if any_country {
                Tier::AnyCountry
            } else {
                Tier::SameCountry
            },
            ..PoolPolicy::default()
        };
        let mut pool = CallerIdPool::new(spec(members.clone(), policy.clone())).unwrap();
        let day = policy.day_of(now);
        for (m, c) in members.iter().zip(&cases) {
            if c.used_today > 0 {
                pool.set_calls_today(&m.number_id, day, c.used_today).unwrap();
            }
        }
        let mut callee = Callee::new(E164::from_canonical(&format!("+1{callee_npa}5550000")).unwrap());
        callee.recent = recent
            .iter()
            .filter(|(i, _)| *i < members.len())
            .map(|(i, mins)| RecentUse { number_id: members[*i].number_id.clone(), at: now - Duration::minutes(*mins) })
            .collect();
        let tiers: Vec<Tier> = if reject {
            vec![Tier::SameNpa]
        } else if any_country {
            vec![Tier::SameNpa, Tier::SameState, Tier::SameTimeZone, Tier::SameCountry, Tier::AnyCountry]
        } else {
            vec![Tier::SameNpa, Tier::SameState, Tier::SameTimeZone, Tier::SameCountry]
        };
        // The best tier holding an eligible member, by the test's own rules.
        let best = tiers.iter().copied().find(|t| {
            members.iter().zip(&cases).any(|(m, c)| eligible(m, c, &callee, &policy, now) && tier_of(m, &callee).contains(t))
        });
        match (pool.pick(&callee, now), best) {
            (Ok(pk), Some(t)) => {
                let i: usize = pk.number_id.as_str()[1..].parse().unwrap();
                prop_assert!(eligible(&members[i], &cases[i], &callee, &policy, now), "picked an ineligible member {:?}", cases[i]);
                prop_assert_eq!(pk.tier, t, "a tier was skipped");
                prop_assert!(tier_of(&members[i], &callee).contains(&t));
            }
            (Err(e), None) => prop_assert_eq!(e.code(), "no_eligible_number"),
            (got, want) => prop_assert!(false, "got {:?}, best tier {:?}", got.map(|p| p.tier), want),
        }
    }
}

#[test]
fn sticky_binding_is_kept_while_eligible() {
    let members: Vec<Member> = (0..5).map(|i| member(i, nyc(i), 1)).collect();
    let policy = PoolPolicy {
        callee_mode: CalleeMode::Sticky {
            ttl_seconds: 8 * 86_400,
        },
        ..PoolPolicy::default()
    };
    let mut pool = CallerIdPool::new(spec(members, policy)).unwrap();
    for k in 0..50 {
        let mut callee = Callee::new(E164::from_canonical(&format!("+1212666{:04}", k)).unwrap());
        let first = pool.pick(&callee, t0()).unwrap();
        pool.apply(&first.delta).unwrap();
        callee.sticky = first.delta.sticky.clone();
        for h in 1..4 {
            let again = pool.pick(&callee, t0() + Duration::hours(h)).unwrap();
            assert_eq!(again.number_id, first.number_id);
            pool.apply(&again.delta).unwrap();
        }
    }
}

/// A day of 50,000 calls from 3 dialers sharing one pool through the delta
/// protocol: each dialer picks from its own replica, the shared store does
/// the conditional increment, deltas reach the other dialers late. No
/// number may exceed its cap.
#[test]
fn three_dialers_share_a_pool_without_exceeding_caps() {
    let n_members = 560;
    let members: Vec<Member> = (0..n_members)
        .map(|i| {
            let npa = ["212", "646", "718", "917", "201", "415", "303"][i % 7];
            member(
                i,
                E164::from_canonical(&format!("+1{npa}55{:05}", i)).unwrap(),
                1 + (i % 3) as u32,
            )
        })
        .collect();
    let policy = PoolPolicy {
        rotation: Rotation::LeastUsedToday,
        callee_mode: CalleeMode::Rotate {
            last_calls: 2,
            within_seconds: 3600,
        },
        lowest_tier: Tier::AnyCountry,
        ..PoolPolicy::default()
    };
    let base = CallerIdPool::new(spec(members, policy.clone())).unwrap();
    let mut dialers = [base.clone(), base.clone(), base];
    // The shared store: calls per number today.
    let mut shared: HashMap<NumberId, u32> = HashMap::new();
    // Deltas in flight to each dialer (applied 5 steps late).
    let mut inbox: Vec<VecDeque<(usize, telnum::PickDelta)>> = vec![VecDeque::new(); 3];
    let start = Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap();
    let (mut placed, mut refused) = (0usize, 0usize);
    let callees = ["212", "718", "415", "303", "617", "305"];
    for step in 0..50_000usize {
        let now = start + Duration::milliseconds(step as i64 * 1_000);
        let d = step % 3;
        while inbox[d].front().is_some_and(|(at, _)| *at <= step) {
            let (_, delta) = inbox[d].pop_front().unwrap();
            dialers[d].apply(&delta).unwrap();
        }
        let callee = Callee::new(
            E164::from_canonical(&format!(
                "+1{}7{:06}",
                callees[step % callees.len()],
                step % 1_000_000
            ))
            .unwrap(),
        );
        loop {
            let pk = dialers[d].pick(&callee, now).expect("capacity remains");
            let count = shared.entry(pk.number_id.clone()).or_insert(0);
            if pk
                .delta
                .cap
                .is_some_and(|cap| *count + pk.delta.increment_calls_today > cap)
            {
                // Refused at the store: learn the true count and pick again.
                refused += 1;
                let c = *count;
                dialers[d]
                    .set_calls_today(&pk.number_id, pk.delta.day, c)
                    .unwrap();
                continue;
            }
            *count += pk.delta.increment_calls_today;
            dialers[d].apply(&pk.delta).unwrap();
            for (o, q) in inbox.iter_mut().enumerate() {
                if o != d {
                    q.push_back((step + 5, pk.delta.clone()));
                }
            }
            placed += 1;
            break;
        }
    }
    assert_eq!(placed, 50_000);
    let max = shared.values().copied().max().unwrap();
    assert!(
        max <= policy.daily_cap.unwrap(),
        "a number placed {max} calls"
    );
    assert_eq!(shared.values().map(|c| *c as usize).sum::<usize>(), 50_000);
    println!("placed {placed}, refused at the store {refused}, busiest number {max}");
}

/// What happens to the pool between two runs of picks.
#[derive(Debug, Clone)]
enum Change {
    Pause(usize),
    Resume(usize),
    Weight(usize, u32),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0usize..8).prop_map(Change::Pause),
        (0usize..8).prop_map(Change::Resume),
        (0usize..8, 1u32..6).prop_map(|(i, w)| Change::Weight(i, w)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The fairness bound of the module docs: over any window of
    /// consecutive picks in which the members in rotation and their weights
    /// stay the same, each member's count is within the number of members
    /// in rotation of its weight share of the window, also right after
    /// members pause, come back or change weight (a member coming back
    /// takes no burst).
    #[test]
    fn every_window_of_picks_follows_the_weights(
        weights in prop::collection::vec(1u32..6, 2..8),
        runs in prop::collection::vec((change(), 1usize..80), 1..8),
    ) {
        let members: Vec<Member> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| member(i, nyc(i), *w))
            .collect();
        let policy = PoolPolicy {
            callee_mode: CalleeMode::Off,
            daily_cap: None,
            ..PoolPolicy::default()
        };
        let mut pool = CallerIdPool::new(spec(members, policy)).unwrap();
        let n = weights.len();
        let mut weight = weights.clone();
        let mut paused = vec![false; n];
        let mut now = t0();
        let callee = Callee::new(nyc(9999));
        for (change, len) in runs {
            match change {
                Change::Pause(i) if i < n && paused.iter().filter(|p| !**p).count() > 1 => {
                    paused[i] = true;
                    let st = MemberStatus::Paused { reason: "manual".into(), until: None };
                    pool.set_member_status(&NumberId::new(format!("m{i}")).unwrap(), st).unwrap();
                }
                Change::Resume(i) if i < n => {
                    paused[i] = false;
                    pool.set_member_status(&NumberId::new(format!("m{i}")).unwrap(), MemberStatus::Active).unwrap();
                }
                Change::Weight(i, w) if i < n => {
                    weight[i] = w;
                    let mut m = pool.spec().members[i].clone();
                    m.weight = w;
                    pool.upsert_member(m).unwrap();
                }
                _ => {}
            }
            let mut got = Vec::with_capacity(len);
            for _ in 0..len {
                let pk = pool.pick(&callee, now).unwrap();
                got.push(pk.number_id.as_str()[1..].parse::<usize>().unwrap());
                pool.apply(&pk.delta).unwrap();
                now += Duration::seconds(7);
            }
            let total: u32 = (0..n).filter(|i| !paused[*i]).map(|i| weight[i]).sum();
            let bound = paused.iter().filter(|p| !**p).count() as f64;
            for start in 0..len {
                let mut counts = vec![0usize; n];
                for (k, who) in got[start..].iter().enumerate() {
                    counts[*who] += 1;
                    let w = (k + 1) as f64;
                    for i in 0..n {
                        let share = if paused[i] { 0.0 } else { w * f64::from(weight[i]) / f64::from(total) };
                        prop_assert!(
                            (counts[i] as f64 - share).abs() < bound,
                            "member {} had {} of {} picks, share {:.2}: {:?}", i, counts[i], k + 1, share, got
                        );
                    }
                }
            }
        }
    }
}
