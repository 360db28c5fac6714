//! The sync diff at scale: 1,000,000 records against 1,000,000 provider
//! numbers (with a realistic mix of adoptions, missing numbers, pending
//! purchases and drift). Target: at most 2 s here.
//!
//! Run: `cargo bench -p telnum --bench sync`.

use std::hint::black_box;
use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use telnum::ports::OwnedNumber;
use telnum::record::{NewNumber, ProviderRef, WebhookConfig};
use telnum::sync::{diff, DEFAULT_PENDING_TIMEOUT_SECONDS};
use telnum::{
    Capabilities, Country, NumberId, NumberKind, NumberStatus, PhoneNumber, Source, TenantId, E164,
};

const N: usize = 1_000_000;

fn number(i: usize) -> E164 {
    // +1 NPA NXX XXXX across 80 area codes.
    let npa = 201 + (i % 80) * 3;
    E164::from_canonical(&format!("+1{npa}{:07}", 2_000_000 + i / 80)).expect("canonical")
}

fn main() {
    let t0 = Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap();
    let tenant = TenantId::new("t").unwrap();
    let us = Country::new("US").unwrap();
    let build = Instant::now();
    let records: Vec<PhoneNumber> = (0..N)
        .map(|i| {
            let mut r = PhoneNumber::new(
                NewNumber {
                    id: NumberId::new(format!("n{i}")).unwrap(),
                    tenant: tenant.clone(),
                    e164: number(i),
                    country: us,
                    kind: NumberKind::Local,
                    source: Source::Purchased,
                    connection_id: None,
                    status: if i % 1000 == 0 {
                        NumberStatus::Pending
                    } else {
                        NumberStatus::Active
                    },
                },
                t0,
            );
            r.provider = Some(ProviderRef {
                provider: "sim".into(),
                sid: Some(format!("PN{i}")),
                order_ref: None,
            });
            r
        })
        .collect();
    // The provider: 1% of the records' numbers gone, 1% new numbers, 0.5% drifted.
    let owned: Vec<OwnedNumber> = (0..N)
        .map(|i| {
            let j = if i % 100 == 0 { N + i } else { i };
            let mut webhooks = WebhookConfig::default();
            if i % 200 == 1 {
                webhooks.voice_url = Some("https://elsewhere.example.com/v".into());
            }
            OwnedNumber {
                e164: number(j),
                sid: format!("PN{j}"),
                country: us,
                kind: NumberKind::Local,
                capabilities: Capabilities::VOICE,
                label: None,
                webhooks,
                pricing: None,
            }
        })
        .collect();
    println!("built 2 x {N} in {:.2?}", build.elapsed());

    let now = t0 + Duration::hours(1);
    let mut best = f64::MAX;
    let mut d = None;
    for _ in 0..5 {
        let t = Instant::now();
        let r = black_box(diff(
            black_box(&records),
            black_box(&owned),
            now,
            DEFAULT_PENDING_TIMEOUT_SECONDS,
        ));
        best = best.min(t.elapsed().as_secs_f64());
        d = Some(r);
    }
    let d = d.expect("ran");
    println!(
        "adopt {}, complete {}, expire {}, missing {}, drift {}",
        d.adopt.len(),
        d.complete.len(),
        d.expire.len(),
        d.missing.len(),
        d.drift.len()
    );
    println!(
        "== sync diff 1,000,000 vs 1,000,000: {best:.3} s (target <= 2 s: {})",
        if best <= 2.0 { "met" } else { "MISSED" }
    );
}
