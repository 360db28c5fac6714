//! E.164 parsing on the oracle vector corpus (`tests/vectors/e164.jsonl`).
//!
//! Times `E164::parse`, the structural path `E164::from_canonical`,
//! `rlibphonenumber` used directly (parse + validate + format) and the
//! `phonenumber` crate used directly, then prints per-number figures and the
//! ratios the foundation issue sets as targets:
//!
//! - structural path: at most 50 ns per number;
//! - `E164::parse`: within 1.2x of `rlibphonenumber` used directly.
//!
//! Run: `cargo bench -p telnum --bench e164`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use telnum::{Country, E164};

struct Case {
    input: String,
    region: Option<Country>,
}

fn corpus() -> (Vec<Case>, Vec<String>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/e164.jsonl");
    let text = std::fs::read_to_string(path).expect("read e164.jsonl");
    let mut cases = Vec::new();
    let mut canonical = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        let input = v["input"].as_str().unwrap_or_default().to_string();
        let region = v["region"].as_str().and_then(|r| Country::new(r).ok());
        if let Ok(n) = E164::parse(&input, region) {
            canonical.push(n.to_string());
        }
        cases.push(Case { input, region });
    }
    (cases, canonical)
}

fn telnum_parse(cases: &[Case]) -> usize {
    cases
        .iter()
        .filter(|c| E164::parse(black_box(&c.input), c.region).is_ok())
        .count()
}

fn structural(canonical: &[String]) -> usize {
    canonical
        .iter()
        .filter(|s| E164::from_canonical(black_box(s)).is_ok())
        .count()
}

fn rlib_direct(cases: &[Case]) -> usize {
    use rlibphonenumber::{PhoneNumberFormat, Region, PHONE_NUMBER_UTIL};
    cases
        .iter()
        .filter(|c| {
            let region = c.region.and_then(|r| Region::from_code(r.as_str()).ok());
            match PHONE_NUMBER_UTIL.parse(black_box(&c.input), region) {
                Ok(n) if PHONE_NUMBER_UTIL.is_valid_number(&n) => {
                    black_box(PHONE_NUMBER_UTIL.format(&n, PhoneNumberFormat::E164));
                    true
                }
                _ => false,
            }
        })
        .count()
}

fn phonenumber_direct(cases: &[Case]) -> usize {
    cases
        .iter()
        .filter(|c| {
            let region = c
                .region
                .and_then(|r| r.as_str().parse::<phonenumber::country::Id>().ok());
            match phonenumber::parse(region, black_box(&c.input)) {
                Ok(n) if phonenumber::is_valid(&n) => {
                    black_box(n.format().mode(phonenumber::Mode::E164).to_string());
                    true
                }
                _ => false,
            }
        })
        .count()
}

/// Median nanoseconds per item of `f` over `items` items, over `runs` runs.
fn ns_per_item(items: usize, runs: usize, mut f: impl FnMut() -> usize) -> f64 {
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_nanos() as f64 / items as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let (cases, canonical) = corpus();
    // The phonenumber crate is ~1 ms a parse on a mixed corpus: a sample.
    let sample: Vec<Case> = cases
        .iter()
        .step_by(20)
        .map(|c| Case {
            input: c.input.clone(),
            region: c.region,
        })
        .collect();
    // Warm up both engines' lazily loaded metadata outside the timings.
    telnum_parse(&cases[..10]);
    rlib_direct(&cases[..10]);
    phonenumber_direct(&sample[..2]);

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let mut g = c.benchmark_group("e164");
    g.bench_function("telnum_parse_corpus", |b| b.iter(|| telnum_parse(&cases)));
    g.bench_function("structural_corpus", |b| b.iter(|| structural(&canonical)));
    g.bench_function("rlibphonenumber_corpus", |b| b.iter(|| rlib_direct(&cases)));
    g.finish();
    c.final_summary();

    // Interleaved, so that both see the same machine load; medians of each.
    let (mut parse_runs, mut rlib_runs) = (Vec::new(), Vec::new());
    for _ in 0..21 {
        parse_runs.push(ns_per_item(cases.len(), 1, || telnum_parse(&cases)));
        rlib_runs.push(ns_per_item(cases.len(), 1, || rlib_direct(&cases)));
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (parse, rlib) = (median(parse_runs), median(rlib_runs));
    let structural_ns = ns_per_item(canonical.len(), 51, || structural(&canonical));
    let pn = ns_per_item(sample.len(), 3, || phonenumber_direct(&sample));

    println!();
    println!(
        "== E.164 on {} corpus inputs ({} canonical)",
        cases.len(),
        canonical.len()
    );
    println!("E164::parse           {parse:>10.1} ns/number");
    println!("rlibphonenumber       {rlib:>10.1} ns/number");
    println!("phonenumber (sample)  {pn:>10.1} ns/number");
    println!("E164::from_canonical  {structural_ns:>10.1} ns/number");
    let ratio = parse / rlib;
    println!(
        "ratio E164::parse / rlibphonenumber = {ratio:.3} (target <= 1.2: {})",
        if ratio <= 1.2 { "met" } else { "MISSED" }
    );
    println!(
        "structural path = {structural_ns:.1} ns (target <= 50: {})",
        if structural_ns <= 50.0 {
            "met"
        } else {
            "MISSED"
        }
    );
    println!("ratio phonenumber / E164::parse = {:.1}", pn / parse);
    record(
        "e164",
        &[("parse_ns", parse), ("structural_ns", structural_ns)],
    );
}

/// Writes figures to target/telnum-bench/NAME.json for bindings-wasm/bench.mjs
/// and the C bench to compare against.
fn record(name: &str, figures: &[(&str, f64)]) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/telnum-bench");
    let body: serde_json::Map<String, serde_json::Value> = figures
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
        .collect();
    if std::fs::create_dir_all(dir).is_ok() {
        let _ = std::fs::write(
            format!("{dir}/{name}.json"),
            serde_json::Value::Object(body).to_string(),
        );
    }
}
