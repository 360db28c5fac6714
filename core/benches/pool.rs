//! Caller-ID pick latency at pool sizes 10, 1,000 and 100,000, geomatch on,
//! with a realistic callee mix (NANP callees across many area codes, some
//! UK callees, some callees with a recent-call history), then at 1,000
//! members with 1,000,000 callees remembered (the pool's own callee memory
//! filled by picks and applied deltas). Prints ns per pick, the 100k/1k
//! growth ratio and the callee memory's bytes per remembered callee.
//! Targets: at most 100 ns per pick at 1,000 members with a million
//! callees remembered; at most 1.5x growth from 1,000 to 100,000 members;
//! at most 64 bytes per remembered callee.
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
    pool_with(size, PoolPolicy::default())
}

fn pool_with(size: usize, base: PoolPolicy) -> CallerIdPool {
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
            ..base
        },
    })
    .unwrap()
}

/// A pool of 1,000 members that has called, and remembers, `n` callees.
fn pool_remembering(n: usize) -> (CallerIdPool, Vec<Callee>) {
    let mut p = pool_with(
        1_000,
        PoolPolicy {
            remember_callees: n as u32,
            daily_cap: None,
            ..PoolPolicy::default()
        },
    );
    let start = Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap();
    let mut sample = Vec::new();
    for i in 0..n {
        let e164 = format!(
            "+1{}{:07}",
            NPAS[i % NPAS.len()],
            2_000_000 + i / NPAS.len()
        );
        let c = Callee::new(E164::from_canonical(&e164).unwrap());
        let now = start + Duration::milliseconds(i as i64 * 10);
        let pick = p.pick(&c, now).expect("no cap");
        p.apply(&pick.delta).unwrap();
        // Every 1,000th callee, spread over the whole memory.
        if i % (n / 1000).max(1) == 0 {
            sample.push(c);
        }
    }
    (p, sample)
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
    ns_per_pick_at(
        pool,
        callees,
        rounds,
        Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap(),
    )
}

fn ns_per_pick_at(
    pool: &CallerIdPool,
    callees: &[Callee],
    rounds: usize,
    now: chrono::DateTime<Utc>,
) -> f64 {
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
        "ratio 100k/1k = {ratio:.2} (target <= 1.5: {})",
        if ratio <= 1.5 { "met" } else { "MISSED" }
    );

    let n = 1_000_000;
    let t = Instant::now();
    let (big, remembered) = pool_remembering(n);
    let fill = t.elapsed();
    let later = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
    let bytes = big.callee_memory_bytes() as f64 / big.remembered_callees() as f64;
    println!(
        "members    1000, {} callees remembered (filled by {} picks and applies in {:.2} s):",
        big.remembered_callees(),
        n,
        fill.as_secs_f64()
    );
    let mixed_ns = ns_per_pick_at(&big, &callees, 31, later);
    let known_ns = ns_per_pick_at(&big, &remembered, 31, later);
    let new_ns = ns_per_pick_at(&big, &plain, 31, later);
    println!("  {mixed_ns:>8.1} ns/pick (the callee mix above)");
    println!("  {known_ns:>8.1} ns/pick (remembered callees, spread over the memory)");
    println!("  {new_ns:>8.1} ns/pick (callees it does not know)");
    let worst = mixed_ns.max(known_ns).max(new_ns);
    println!(
        "pick at 1,000 members with 1,000,000 callees remembered = {worst:.1} ns, the slowest of the three (target <= 100: {})",
        if worst <= 100.0 { "met" } else { "MISSED" }
    );
    println!(
        "callee memory = {bytes:.1} bytes per remembered callee (target <= 64: {})",
        if bytes <= 64.0 { "met" } else { "MISSED" }
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
