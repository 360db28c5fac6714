//! The embedded `MemoryStore` at 1,000 and 100,000 records: the cost of
//! each store operation and of a purchase through the service, and how it
//! grows. Target: 2x or less from 1k to 100k records for every line (the
//! store is indexed by tenant, number and connection; an unfiltered page is
//! read from the tenant's index, not by scanning).
//!
//! Run: `cargo bench -p telnum --bench store`.

use std::hint::black_box;
use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use telnum::memory::{block_on, ManualClock, MemoryStore};
use telnum::ports::{ListQuery, NumberStore, Window};
use telnum::record::{Connection, ConnectionStatus, NewNumber, VendorSupport};
use telnum::service::{Numbers, PurchaseRequest, ServiceConfig};
use telnum::simulated::SimulatedProvider;
use telnum::{
    Actor, ConnectionId, Country, NumberId, NumberKind, NumberStatus, PhoneNumber, Role, Source,
    TenantId, E164,
};

fn record(i: usize) -> PhoneNumber {
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let npa = 201 + (i % 80) * 3;
    PhoneNumber::new(
        NewNumber {
            id: NumberId::new(format!("n{i:07}")).unwrap(),
            // Four tenants; "acme" holds a quarter of the records.
            tenant: TenantId::new(["acme", "globex", "initech", "umbrella"][i % 4]).unwrap(),
            e164: E164::from_canonical(&format!("+1{npa}{:07}", 2_000_000 + i / 80)).unwrap(),
            country: Country::new("US").unwrap(),
            kind: NumberKind::Local,
            source: Source::Manual,
            connection_id: Some(ConnectionId::new(format!("c{}", i % 50)).unwrap()),
            status: NumberStatus::Active,
        },
        t0 + Duration::seconds(i as i64),
    )
}

fn connection() -> Connection {
    Connection {
        id: ConnectionId::new("conn_a").unwrap(),
        tenant: TenantId::new("acme").unwrap(),
        name: None,
        provider: "simulated".into(),
        status: ConnectionStatus::Active,
        supports: VendorSupport {
            search_purchase: true,
            import_owned: true,
            webhook_config: true,
            release: true,
            extra_phone_fields: vec![],
        },
        account: None,
        auth: None,
    }
}

/// Median ns per call of `f` over `rounds` rounds of `per` calls.
fn time(rounds: usize, per: usize, mut f: impl FnMut(usize)) -> f64 {
    let mut samples = Vec::with_capacity(rounds);
    let mut k = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..per {
            f(k);
            k += 1;
        }
        samples.push(t.elapsed().as_nanos() as f64 / per as f64);
    }
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

struct Costs {
    lines: Vec<(&'static str, f64)>,
}

fn measure(n: usize) -> Costs {
    let store = MemoryStore::new();
    for i in 0..n {
        block_on(store.insert(&record(i), &[])).unwrap();
    }
    store.add_connection(connection());
    let acme = TenantId::new("acme").unwrap();
    let mut lines = Vec::new();
    // Probes spread over the whole store, built before timing.
    let probes: Vec<PhoneNumber> = (0..997).map(|k| record((k * 7919) % n)).collect();
    let probe = |k: usize| &probes[k % probes.len()];
    lines.push((
        "get",
        time(31, 200, |k| {
            black_box(block_on(store.get(&probe(k).id)).unwrap());
        }),
    ));
    lines.push((
        "find_by_e164",
        time(31, 200, |k| {
            black_box(block_on(store.find_by_e164(&probe(k).e164)).unwrap());
        }),
    ));
    lines.push((
        "list (tenant, first page)",
        time(31, 50, |_| {
            let q = ListQuery {
                tenant: Some(acme.clone()),
                per_page: Some(20),
                ..ListQuery::default()
            };
            black_box(block_on(store.list(&q)).unwrap());
        }),
    ));
    lines.push((
        "list (tenant, page 10)",
        time(31, 50, |_| {
            let q = ListQuery {
                tenant: Some(acme.clone()),
                per_page: Some(20),
                page: Some(10),
                ..ListQuery::default()
            };
            black_box(block_on(store.list(&q)).unwrap());
        }),
    ));
    lines.push((
        "record_call",
        time(31, 200, |k| {
            let at =
                Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap() + Duration::seconds(k as i64);
            block_on(store.record_call(&probe(k).id, at)).unwrap();
        }),
    ));
    lines.push((
        "list_events (page)",
        time(31, 200, |k| {
            black_box(
                block_on(store.list_events(
                    &probe(k).id,
                    Window {
                        limit: 20,
                        offset: 0,
                    },
                ))
                .unwrap(),
            );
        }),
    ));
    let mut next = n;
    lines.push((
        "insert (live record)",
        time(31, 100, |_| {
            block_on(store.insert(&record(next), &[])).unwrap();
            next += 1;
        }),
    ));
    // A purchase through the service: claim, search, aging and live-number
    // checks, insert, provider, complete (the store holds n records).
    let svc = Numbers::new(
        store.clone(),
        SimulatedProvider::new(),
        ManualClock::new(Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap()),
        ServiceConfig::default(),
    )
    .unwrap();
    let admin = Actor::new(acme.clone(), Role::Admin);
    let countries = ["US", "CA", "GB", "DE", "FR", "AU", "ES", "NL"];
    lines.push((
        "purchase (service)",
        time(8, 15, |k| {
            let req = PurchaseRequest {
                connection_id: Some(ConnectionId::new("conn_a").unwrap()),
                idempotency_key: format!("b{k}"),
                country: Some(Country::new(countries[k / 15 % countries.len()]).unwrap()),
                quantity: Some(1),
                ..PurchaseRequest::default()
            };
            black_box(block_on(svc.purchase(&admin, &req)).unwrap());
        }),
    ));
    Costs { lines }
}

fn main() {
    let small = measure(1_000);
    let large = measure(100_000);
    println!("MemoryStore, ns per operation (median), 1k vs 100k records");
    println!(
        "{:<28} {:>12} {:>12} {:>8}",
        "operation", "1k", "100k", "ratio"
    );
    let mut worst: f64 = 0.0;
    for ((name, a), (_, b)) in small.lines.iter().zip(&large.lines) {
        let ratio = b / a;
        worst = worst.max(ratio);
        println!("{name:<28} {a:>12.0} {b:>12.0} {ratio:>7.2}x");
    }
    println!("worst growth {worst:.2}x (target: 2x or less)");
}
