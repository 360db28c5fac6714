//! Runs `tests/vectors/e164.jsonl` (oracle: Python `phonenumbers`, a port of
//! Google's libphonenumber) through `E164::parse`.
//!
//! - Cases with `telnum_error` are where telnum is stricter by design
//!   (letters, extensions, over-long input): telnum must reject them with
//!   exactly that code.
//! - On every other case telnum must agree with the oracle on parsed-or-not,
//!   E.164, region and kind for at least 99.9% of cases, and every remaining
//!   disagreement must be listed in the file with its reason.
#![cfg(feature = "validation")]

use serde_json::Value;
use telnum::{Country, E164};

fn cases() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/e164.jsonl");
    std::fs::read_to_string(path)
        .expect("read e164.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

fn verdict(input: &str, region: Option<&str>) -> Value {
    let region = region.map(|r| Country::new(r).expect("vector region"));
    match E164::parse(input, region) {
        Ok(n) => serde_json::json!({
            "parsed": true,
            "e164": n.as_str(),
            "region": n.region().map(|c| c.to_string()),
            "kind": n.kind().as_str(),
        }),
        Err(e) => serde_json::json!({ "parsed": false, "code": e.code() }),
    }
}

#[test]
fn agrees_with_the_oracle() {
    let cases = cases();
    assert!(cases.len() >= 5000, "at least 5,000 cases");
    let (mut compared, mut agreed) = (0usize, 0usize);
    let mut unexplained = Vec::new();
    let mut by_design_failures = Vec::new();
    for c in &cases {
        let input = c["input"].as_str().unwrap();
        let got = verdict(input, c["region"].as_str());
        if let Some(code) = c["telnum_error"].as_str() {
            if got["code"] != code {
                by_design_failures.push(format!("{}: {input:?} -> {got}, want {code}", c["id"]));
            }
            continue;
        }
        compared += 1;
        let oracle = &c["oracle"];
        let same = if oracle["parsed"] == true {
            got["parsed"] == true
                && got["e164"] == oracle["e164"]
                && got["region"] == oracle["region"]
                && got["kind"] == oracle["kind"]
        } else {
            got["parsed"] == false
        };
        if same {
            agreed += 1;
        } else if c["disagreement"].as_str().is_none() {
            unexplained.push(format!(
                "{} [{}] {input:?} region={} oracle={oracle} telnum={got}",
                c["id"], c["form"], c["region"]
            ));
        }
    }
    let rate = agreed as f64 / compared as f64;
    println!(
        "oracle agreement: {agreed}/{compared} = {:.4}%",
        rate * 100.0
    );
    assert!(
        by_design_failures.is_empty(),
        "by-design cases:\n{}",
        by_design_failures.join("\n")
    );
    assert!(
        unexplained.is_empty(),
        "{} disagreements without a listed reason:\n{}",
        unexplained.len(),
        unexplained
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(rate >= 0.999, "agreement {rate} is under 99.9%");
}

#[test]
fn listed_disagreements_still_disagree() {
    // A listed disagreement that now agrees should be removed from the list.
    for c in cases().iter().filter(|c| c["disagreement"].is_string()) {
        let got = verdict(c["input"].as_str().unwrap(), c["region"].as_str());
        assert_ne!(got["parsed"].clone(), c["oracle"]["parsed"].clone(), "{c}");
    }
}

#[test]
fn inputs_that_panicked_other_crates_return_cleanly() {
    let ch = Country::new("CH").ok();
    let cases: &[(&str, Option<Country>, Result<&str, &str>)] = &[
        (
            "tel:+1-650-253-0000;phone-context=+1",
            None,
            Err("invalid_tel_uri"),
        ),
        (
            "tel:253-0000;phone-context=+1-650",
            None,
            Ok("+16502530000"),
        ),
        ("tel:253-0000;phone-context=", None, Err("invalid_tel_uri")),
        ("tel:;phone-context=+64", None, Err("invalid_tel_uri")),
        (
            "tel:0;phone-context=+64;phone-context=+1",
            None,
            Err("invalid_tel_uri"),
        ),
        ("+800 1234 5678", None, Ok("+80012345678")),
        ("x3001", ch, Err("invalid_characters")),
        ("+1 650-253-0000", None, Ok("+16502530000")),
        ("+41/800/123-456", None, Ok("+41800123456")),
        ("+7 800 555 35 35", None, Ok("+78005553535")),
    ];
    for (input, region, want) in cases {
        let got = E164::parse(input, *region);
        match (want, &got) {
            (Ok(e), Ok(n)) => assert_eq!(n.as_str(), *e, "{input}"),
            (Err(code), Err(err)) => assert_eq!(err.code(), *code, "{input}"),
            _ => panic!("{input:?}: got {got:?}, want {want:?}"),
        }
    }
}
