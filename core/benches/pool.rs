//! Caller-ID pick latency at pool sizes 10, 1,000 and 100,000, geomatch on,
//! with a realistic callee mix (NANP callees across many area codes, some
//! UK callees, some callees with a recent-call history). Prints ns per pick
//! and the 100k/1k growth ratio. Targets: at most 250 ns per pick at 1,000
//! members; at most 3x growth from 1,000 to 100,000 members.
//!
//! Run: `cargo bench -p telnum --bench pool`.

use std::hint::black_box;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, TimeZone, Utc};
use criterion::Criterion;
use telnum::pool::{CalleeMode, MemberStatus, PoolPolicy, RecentUse};
use telnum::{
    Callee, CallerIdPool, CampaignId, Country, Member, NumberId, PoolSpec, TenantId, E164,
};

const NPAS: &[&str] = &[
    "212", "646", "718", "917", "347", "201", "973", "908", "215", "267", "617", "857", "202",
    "305", "786", "404", "678", "312", "773", "214", "469", "713", "832", "303", "720", "602",
    "480", "415", "510", "408", "650", "213", "310", "323", "818", "619", "206", "425", "503",
    "702", "416", "647", "905", "514", "604", "403", "612", "313", "216", "412",
];

fn pool(size: usize) -> CallerIdPool {
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    let us = Country::new("US").unwrap();
    let members = (0..size)
        .map(|i| {
            let (e164, country) = if i % 10 == 9 {
                (format!("+4420{:08}", i), Country::new("GB").unwrap())
            } else {
                let npa = NPAS[i % NPAS.len()];
                let c = telnum::pool::npa_info(
                    &E164::from_canonical(&format!("+1{npa}2000000")).unwrap(),
                )
                .map_or(us, |n| n.country);
                (format!("+1{npa}{:07}", 2_000_000 + i), c)
            };
            Member {
                number_id: NumberId::new(format!("n{i}")).unwrap(),
                e164: E164::from_canonical(&e164).unwrap(),
                country,
                weight: 1 + (i % 5) as u32,
                status: MemberStatus::Active,
                added_at: now - Duration::days(30),
                warm_up: false,
                number_active: true,
                allow_outbound: true,
                allowed_outbound_countries: vec![],
            }
        })
        .collect();
    CallerIdPool::new(PoolSpec {
        campaign_id: CampaignId::new("bench").unwrap(),
        tenant: TenantId::new("t").unwrap(),
        members,
        policy: PoolPolicy {
            callee_mode: CalleeMode::Rotate {
                last_calls: 3,
                within_seconds: 86_400,
            },
            ..PoolPolicy::default()
        },
    })
    .unwrap()
}

fn callees() -> Vec<Callee> {
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
    let mut out = Vec::new();
    for i in 0..1000usize {
        let e164 = if i % 8 == 7 {
            format!("+4420{:08}", 70_000_000 + i)
        } else if i % 8 == 6 {
            // Area codes with no member: the state / time-zone tiers.
            format!(
                "+1{}555{:04}",
                ["718", "929", "332", "628", "669"][i % 5],
                i
            )
        } else {
            format!("+1{}555{:04}", NPAS[(i * 7) % NPAS.len()], i)
        };
        let mut c = Callee::new(E164::from_canonical(&e164).unwrap());
        if i % 3 == 0 {
            c.recent = (0..2)
                .map(|k| RecentUse {
                    number_id: NumberId::new(format!("n{}", (i + k) % 10)).unwrap(),
                    at: now - Duration::hours(k as i64 + 1),
                })
                .collect();
        }
        out.push(c);
    }
    out
}

fn ns_per_pick(pool: &CallerIdPool, callees: &[Callee], rounds: usize) -> f64 {
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
    let mut samples = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        for c in callees {
            // What a dialer reads: the caller ID and its tier, in place.
            if let Ok(pick) = &pool.pick(black_box(c), now) {
                black_box((pick.e164, pick.tier));
            }
        }
        samples.push(t.elapsed().as_nanos() as f64 / callees.len() as f64);
    }
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let callees = callees();
    let pools: Vec<(usize, CallerIdPool)> = [10, 1_000, 100_000]
        .iter()
        .map(|n| (*n, pool(*n)))
        .collect();
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(20)
        .warm_up_time(StdDuration::from_millis(300))
        .measurement_time(StdDuration::from_secs(2));
    let mut g = c.benchmark_group("pool_pick");
    for (n, p) in &pools {
        let mut i = 0usize;
        g.bench_function(format!("members_{n}"), |b| {
            b.iter(|| {
                i = (i + 1) % callees.len();
                black_box(p.pick(&callees[i], now).ok())
            })
        });
    }
    g.finish();
    c.final_summary();

    println!();
    println!("== caller-ID pick, geomatch on, {} callees", callees.len());
    let mut figures = Vec::new();
    for (n, p) in &pools {
        let ns = ns_per_pick(p, &callees, 31);
        println!("members {n:>7}: {ns:>8.1} ns/pick");
        figures.push(ns);
    }
    // Callees without history, as telnum_pool_pick_e164 takes them.
    let plain: Vec<Callee> = callees.iter().map(|c| Callee::new(c.e164)).collect();
    let plain_ns = ns_per_pick(&pools[1].1, &plain, 31);
    println!("members    1000: {plain_ns:>8.1} ns/pick (callees without history)");
    let ratio = figures[2] / figures[1];
    println!(
        "pick at 1,000 members = {:.1} ns (target <= 250: {})",
        figures[1],
        if figures[1] <= 250.0 { "met" } else { "MISSED" }
    );
    println!(
        "ratio 100k/1k = {ratio:.2} (target <= 3: {})",
        if ratio <= 3.0 { "met" } else { "MISSED" }
    );
    // For bindings-wasm/bench.mjs and the C bench.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/telnum-bench");
    if std::fs::create_dir_all(dir).is_ok() {
        let body = format!(
            "{{\"pick_ns_10\":{},\"pick_ns_1000\":{},\"pick_ns_100000\":{},\"pick_ns_1000_plain\":{}}}",
            figures[0], figures[1], figures[2], plain_ns
        );
        let _ = std::fs::write(format!("{dir}/pool.json"), body);
    }
}
